// The case page's alerts: the Alerts tab (every alert of the case, open and cleared, with "Accept"),
// and the notices above the tabs — "Closure required" for the council (with the way to the closure
// tab) and an immigration update waiting to be accepted.
import { h, replaceChildren } from '../dom.js';
import { formatDateTime } from '../format.js';
import { alertTable } from '../alert-table.js';
import { openImmigrationUpdate } from './case-immigration.js';

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

/** The Alerts tab. */
export function drawAlerts(panel, cx) {
  if (cx.alerts === null) {
    replaceChildren(panel, cx.panelHeading('Alerts'),
      h('p', { class: 'body field-error', id: 'alerts-error' }, `The alerts could not be loaded. ${cx.alertsError || ''}`));
    return;
  }
  const list = cx.alerts;
  replaceChildren(panel, cx.panelHeading('Alerts'),
    h('p', { class: 'body body--secondary' }, cx.council
      ? 'Alerts from the Home Office about this case, newest first. Accept one once you have read it.'
      : 'Alerts from the council about this case, newest first. Accept one once you have dealt with it.'),
    list.length
      ? alertTable(list, {
        user: cx.user, caption: `${list.length} ${list.length === 1 ? 'alert' : 'alerts'} on this case`, id: 'case-alerts-table',
        showCase: false, showState: true,
        onAccepted: () => cx.activityChanged('The alert has been accepted.'),
      })
      : h('p', { class: 'body', id: 'no-case-alerts' }, 'There are no alerts on this case.'));
}
