// A table of queries (the queries list, the case page, the due/overdue page): each row links to the
// query page, says whom it waits for and when it is due (overdue flagged in words).
import { h } from './dom.js';
import { formatDateTime } from './format.js';
import { dueNode } from './due.js';
import { caseCell, rowsOpenLink } from './case-cell.js';
import { queryCategoryLabel, urgentReasonLabel, sideLabel, sideOf, awaitingLabel } from './labels.js';

/** 'Progress update' plus an "Urgent" tag with its reason. */
export function categoryNode(q) {
  return [
    queryCategoryLabel(q.category),
    q.urgent ? h('span', { class: 'query-urgent' }, ' ', h('span', { class: 'tag tag--red' }, 'Urgent'),
      q.urgent_reason ? ` ${urgentReasonLabel(q.urgent_reason)}` : '') : null,
  ];
}

/** Open: whom it waits for; closed: "Closed". */
export function queryStateNode(q) {
  if (q.status === 'closed') return h('span', { class: 'tag tag--grey query-state' }, 'Closed');
  return h('span', { class: 'query-state' }, awaitingLabel(q.awaiting));
}

/** The newest message of a query (when the list carries messages), shortened. */
function lastMessage(q) {
  const msgs = Array.isArray(q.messages) ? q.messages : [];
  if (!msgs.length) return null;
  const m = msgs.reduce((a, b) => ((b.at || '') >= (a.at || '') ? b : a));
  const text = String(m.text || '');
  return h('span', { class: 'muted table__sub query-last' },
    `${(m.by && m.by.name) || sideLabel(m.side)}: ${text.length > 120 ? `${text.slice(0, 117)}…` : text}`);
}

/** queryTable(queries, {user, caption, id, showCase}) */
export function queryTable(queries, { user, caption, id = 'queries-table', showCase = true }) {
  const ho = sideOf(user) === 'ho';
  const rows = queries.map((q) => h('tr', {
    class: ['query-row', q.overdue && q.status !== 'closed' && 'query-row--overdue'],
    dataset: { queryId: String(q.id), caseId: String(q.case_id), category: q.category || '' },
  },
  h('th', { scope: 'row', dataset: { label: 'Query' } },
    h('a', { href: `#/queries/${q.id}`, class: 'link query-row__link' }, categoryNode(q), h('span', { class: 'visually-hidden' }, ` query ${q.id}`)),
    lastMessage(q)),
  showCase ? h('td', { dataset: { label: 'Case' } }, caseCell(q)) : null,
  ho && showCase ? h('td', { dataset: { label: 'Council' } }, (q.council && q.council.name) || '') : null,
  h('td', { dataset: { label: 'Opened' } }, formatDateTime(q.opened_at),
    h('span', { class: 'muted table__sub' }, `by the ${q.opened_by === 'ho' ? 'Home Office' : 'council'}`)),
  h('td', { dataset: { label: 'State' } }, queryStateNode(q)),
  h('td', { dataset: { label: 'Due' } }, q.status === 'closed' ? h('span', { class: 'muted' }, '–') : dueNode(q))));
  const table = h('table', { class: 'table queries-table', id },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Query'),
        showCase ? h('th', { scope: 'col' }, 'Case') : null,
        ho && showCase ? h('th', { scope: 'col' }, 'Council') : null,
        h('th', { scope: 'col' }, 'Opened'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Due'))),
    h('tbody', {}, rows));
  rowsOpenLink(table, '.query-row__link');
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, table);
}
