// The case page's "Who has seen or changed this case" tab (council and Home Office admins): the case's
// audit trail (views, exports, downloads, changes), newest first, 50 at a time, read each time it is shown.
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { auditRow, auditTable } from '../../audit-table.js';

export function drawAudit() {}

export async function showAudit(p, cx) {
  const tbody = h('tbody', {});
  const more = h('button', { type: 'button', class: 'button button--secondary audit__more', id: 'case-audit-more', hidden: true }, 'Show older events');
  const area = h('div', { id: 'case-audit-area' }, h('p', { class: 'loading' }, 'Loading…'));
  replaceChildren(p, cx.panelHeading('Who has seen or changed this case'), area);
  let cursor = null;
  async function page() {
    const res = await api.get('/api/audit', { query: { case: `C${cx.id}`, limit: 50, cursor } });
    for (const e of res.items || []) tbody.append(auditRow(e, { withCase: false }));
    cursor = res.next_cursor;
    more.hidden = !cursor;
    return res.items || [];
  }
  let first = [];
  try { first = await page(); } catch (error) {
    if (!error.handled) replaceChildren(area, h('p', { class: 'body field-error' }, error.message));
    return;
  }
  more.addEventListener('click', () => page().catch(cx.failed));
  if (!first.length) {
    replaceChildren(area, h('p', { class: 'body', id: 'case-audit-none' }, 'No one has seen or changed this case yet.'));
    return;
  }
  replaceChildren(area, h('p', { class: 'body' }, 'Every view, download and change of the case, with who did it and when (UK time).'),
    auditTable('Views, downloads and changes of this case, newest first', tbody, 'case-audit-table', { withCase: false }), more,
    h('p', { class: 'body' }, h('a', { class: 'link', href: `/api/audit?case=C${cx.id}&format=csv`, download: '' }, 'Download as CSV')),
    h('p', { class: 'body' }, h('a', { class: 'link', href: `#/audit?case=C${cx.id}` }, 'Open on the Audit page')));
}
