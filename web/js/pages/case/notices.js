// The case page's notices above the tabs (council only): "Closure required" (with the way to the
// closure tab) and an immigration update waiting to be accepted.
import { h, replaceChildren } from '../../dom.js';
import { formatDateTime } from '../../format.js';
import { openImmigrationUpdate } from './immigration.js';

/** The open closure_required alert, if any. */
export function openClosureRequired(alerts) {
  return (alerts || []).find((a) => a.type === 'closure_required' && a.open) || null;
}

/** A link that switches to a tab of this case page (and is a real link without script). */
function tabLink(cx, key, text, id) {
  const a = h('a', { href: `#/cases/${cx.id}/${key}`, class: 'link', id }, text);
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    cx.select(key, { focusPanel: true });
  });
  return a;
}

/** Notices above the tabs (council only): closure required, and an update to accept. */
export function drawNotices(area, cx) {
  if (!cx.council || cx.alerts === null) { replaceChildren(area); return; }
  const closure = openClosureRequired(cx.alerts);
  const update = openImmigrationUpdate(cx.alerts);
  replaceChildren(area,
    closure ? h('div', { class: 'notice notice--important', id: 'closure-required', role: 'region', 'aria-labelledby': 'closure-required-heading' },
      h('h2', { class: 'heading-m notice__title', id: 'closure-required-heading' }, 'Closure required'),
      h('p', { class: 'body' },
        `On ${formatDateTime(closure.raised_at)} the Home Office recorded a status that gives this person recourse to public funds. `,
        'Close the case: this alert clears when the case is closed.'),
      h('p', { class: 'body' }, tabLink(cx, 'closure', 'Go to the closure tab to close the case', 'closure-required-link'))) : null,
    update ? h('div', { class: 'notice', id: 'immigration-update-notice' },
      h('p', { class: 'body' }, 'The Home Office has updated the immigration page. ',
        tabLink(cx, 'immigration', 'Review and accept the changes', 'immigration-update-link'))) : null);
}
