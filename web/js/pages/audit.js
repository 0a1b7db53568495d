// The Audit page (#/audit, admins): the chain's status, filters (user, event type, period, case Connect
// ID) kept in the address, a paged table newest first, and the filtered view as a CSV download. What each
// admin sees is decided by the server (fcgi/API.md "Audit").
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDateTime } from '../format.js';
import { auditRow, auditTable } from '../audit-table.js';

const FILTERS = [['case', 'Case Connect ID', 'text'], ['user', 'User id', 'text'], ['type', 'Event type', 'text'],
  ['from', 'From (date)', 'date'], ['to', 'To (date)', 'date']];

export async function renderAudit(section, ctx) {
  const args = ctx.params;
  const status = h('p', { class: 'body', id: 'audit-chain', role: 'status' }, 'Checking the audit log…');
  const inputs = {};
  const form = h('form', { class: 'filters', id: 'audit-filters' },
    FILTERS.map(([key, label, type]) => {
      inputs[key] = h('input', { class: 'input', id: `audit-${key}`, name: key, type, value: args.get(key) || '' });
      return h('div', { class: 'field' }, h('label', { class: 'label', for: `audit-${key}` }, label), inputs[key]);
    }),
    h('button', { type: 'submit', class: 'button' }, 'Show'));
  const filter = () => Object.fromEntries(FILTERS.map(([k]) => [k, inputs[k].value.trim()]).filter(([, v]) => v));
  const csv = h('a', { class: 'link', id: 'audit-csv', download: '' }, 'Download this view as CSV');
  const tbody = h('tbody', {});
  const more = h('button', { type: 'button', class: 'button button--secondary', id: 'audit-more', hidden: true }, 'Show older events');
  const area = h('div', { id: 'audit-area' });
  replaceChildren(section, h('h1', { class: 'heading-l', tabindex: '-1' }, 'Audit'), status, form, area);

  api.get('/api/audit/verify').then((v) => {
    status.textContent = v.ok
      ? (v.newest ? `The audit log is intact up to event ${v.newest.seq} at ${formatDateTime(v.newest.at)}.` : 'The audit log is empty.')
      : `The audit log has been tampered with: event ${v.broken.seq}${v.broken.at ? ` (${formatDateTime(v.broken.at)})` : ''} does not match the chain.`;
    status.classList.toggle('field-error', !v.ok);
  }).catch((error) => { status.textContent = error.message; });

  let cursor = null;
  async function page() {
    const res = await api.get('/api/audit', { query: { ...filter(), limit: 50, cursor } });
    for (const e of res.items || []) tbody.append(auditRow(e));
    cursor = res.next_cursor;
    more.hidden = !cursor;
    return res.items || [];
  }
  async function show() {
    replaceChildren(tbody);
    cursor = null;
    const qs = new URLSearchParams({ ...filter(), format: 'csv' });
    csv.href = `/api/audit?${qs}`;
    try {
      const items = await page();
      replaceChildren(area, items.length ? auditTable('Audit events, newest first', tbody, 'audit-table')
        : h('p', { class: 'body', id: 'audit-none' }, 'No events match.'), more, h('p', { class: 'body' }, csv));
    } catch (error) {
      if (!error.handled) replaceChildren(area, h('p', { class: 'body field-error' }, error.message));
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); show(); });
  more.addEventListener('click', () => page().catch((error) => ctx.setStatus(error.message, 'error')));
  await show();
}
