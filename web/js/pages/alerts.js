// #/alerts?type=&mine=1&overdue=1&due=today&council=ID&state=all — the alerts addressed to the
// user's side, with filters, and "Accept" on each one that can be accepted.
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { field, checkbox } from '../forms.js';
import { alertTable } from '../alert-table.js';
import { readFilters, filterForm, pager, councilFilterNote, dueChoice, dueToAddress } from '../list-filters.js';
import { ALERT_TYPES, ALERT_TYPES_TO, alertTypeLabel, sideOf } from '../labels.js';

const NAMES = ['type', 'mine', 'overdue', 'due', 'council', 'state', 'cursor'];
const PAGE_SIZE = 50;

/** "Immigration update alerts – my cases, overdue" */
export function alertsTitle(f) {
  const what = f.type ? `${alertTypeLabel(f.type)} alerts` : 'Alerts';
  const extra = [];
  if (f.mine) extra.push('my cases');
  if (f.overdue) extra.push('overdue');
  if (f.due === 'today') extra.push('due today');
  if (f.state === 'closed') extra.push('cleared');
  if (f.state === 'all') extra.push('open and cleared');
  return extra.length ? `${what} – ${extra.join(', ')}` : what;
}

export async function renderAlerts(section, ctx) {
  const side = sideOf(ctx.user);
  const f = readFilters(ctx.params, NAMES);
  const types = ALERT_TYPES.filter(([v]) => (ALERT_TYPES_TO[side] || []).includes(v) || v === f.type);

  const controls = [
    field({ label: 'Type', name: 'type', value: f.type, options: [{ value: '', label: 'Any type' }, ...types.map(([value, label]) => ({ value, label }))] }),
    field({ label: 'State', name: 'state', value: f.state, options: [{ value: '', label: 'Open' }, { value: 'closed', label: 'Cleared' }, { value: 'all', label: 'Open and cleared' }] }),
    side === 'council' ? checkbox({ label: 'Only my cases', name: 'mine', checked: f.mine === '1', attrs: { value: '1' } }) : null,
    dueChoice(f),
  ];
  const form = filterForm({
    id: 'alert-filters', label: 'Alert filters', controls, ctx, route: 'alerts',
    names: ['type', 'state', 'mine', 'when'], toAddress: dueToAddress, keep: { council: f.council },
  });

  const list = await api.get('/api/alerts', {
    query: {
      type: f.type, mine: f.mine, overdue: f.overdue, due: f.due, council: f.council, state: f.state,
      cursor: f.cursor, limit: PAGE_SIZE,
    },
  });
  if (!ctx.isCurrent()) return;
  const items = Array.isArray(list && list.items) ? list.items : [];
  const total = Number.isInteger(list && list.total) ? list.total : items.length;
  const title = alertsTitle(f);
  ctx.title = title;

  const results = items.length
    ? alertTable(items, {
      user: ctx.user, caption: `${total} ${total === 1 ? 'alert' : 'alerts'}`, showState: f.state === 'all' || f.state === 'closed', setStatus: ctx.setStatus,
    })
    : h('p', { class: 'body', id: 'no-alerts' }, f.cursor ? 'There are no more alerts.' : 'There are no alerts to show.');

  replaceChildren(section,
    h('h1', { class: 'heading-l', id: 'alerts-heading' }, title),
    h('p', { class: 'body' }, side === 'council'
      ? 'Alerts from the Home Office about your council’s cases. Accept an alert once you have read it.'
      : 'Alerts from councils about their cases. Accept an alert once you have dealt with it.'),
    form,
    councilFilterNote('alerts', f, items),
    h('div', { id: 'alert-results' }, results),
    pager('alerts', { ...f, cursor: '' }, f.cursor, list && list.next_cursor));
}
