// #/queries?bucket=&mine=1&overdue=1&due=today&council=ID&state= — the queries list. Without a
// bucket it shows the open queries awaiting the user's side.
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { field, checkbox } from '../forms.js';
import { queryTable } from '../query-table.js';
import { readFilters, filterForm, pager, councilFilterNote, dueChoice, dueToAddress } from '../list-filters.js';
import { QUERY_BUCKETS, queryBucketLabel, sideOf } from '../labels.js';

const NAMES = ['bucket', 'mine', 'overdue', 'due', 'council', 'state', 'cursor'];
const PAGE_SIZE = 50;

const STATES = [
  { value: '', label: 'Open' },
  { value: 'closed', label: 'Closed' },
  { value: 'all', label: 'Open and closed' },
];

/** "Queries: responses from the Home Office – overdue" */
export function queriesTitle(side, f) {
  const extra = [];
  if (f.mine) extra.push('my cases');
  if (f.overdue) extra.push('overdue');
  if (f.due === 'today') extra.push('due today');
  if (f.state === 'closed') extra.push('closed');
  if (f.state === 'all') extra.push('open and closed');
  // With closed or all, the list is every query of the council (every council for the Home Office).
  const what = f.state === 'closed' || f.state === 'all'
    ? 'Queries'
    : `Queries: ${queryBucketLabel(side, f.bucket).replace(/^./, (c) => c.toLowerCase())}`;
  return extra.length ? `${what} – ${extra.join(', ')}` : what;
}

export async function renderQueries(section, ctx) {
  const side = sideOf(ctx.user);
  const f = readFilters(ctx.params, NAMES);
  const buckets = QUERY_BUCKETS[side] || [];
  const bucketValue = f.bucket === 'awaiting_ho' ? '' : f.bucket;

  const controls = [
    buckets.length > 1
      ? field({
        label: 'Show', name: 'bucket', value: bucketValue, options: buckets.map(([value, label]) => ({ value, label })),
        hint: 'For open queries',
      })
      : null,
    field({ label: 'State', name: 'state', value: f.state, options: STATES }),
    side === 'council' ? checkbox({ label: 'Only my cases', name: 'mine', checked: f.mine === '1', attrs: { value: '1' } }) : null,
    dueChoice(f),
  ];
  const form = filterForm({
    id: 'query-filters', label: 'Query filters', controls, ctx, route: 'queries',
    names: ['bucket', 'state', 'mine', 'when'], toAddress: dueToAddress, keep: { council: f.council, bucket: f.bucket },
  });

  const list = await api.get('/api/queries', {
    query: {
      bucket: f.bucket, mine: f.mine, overdue: f.overdue, due: f.due, council: f.council, state: f.state,
      cursor: f.cursor, limit: PAGE_SIZE,
    },
  });
  if (!ctx.isCurrent()) return;
  const items = Array.isArray(list && list.items) ? list.items : [];
  const total = Number.isInteger(list && list.total) ? list.total : items.length;
  const title = queriesTitle(side, f);
  ctx.title = title;

  const results = items.length
    ? queryTable(items, { user: ctx.user, caption: `${total} ${total === 1 ? 'query' : 'queries'}` })
    : h('p', { class: 'body', id: 'no-queries' }, f.cursor ? 'There are no more queries.' : 'There are no queries to show.');

  replaceChildren(section,
    h('h1', { class: 'heading-l', id: 'queries-heading' }, title),
    h('p', { class: 'body' }, 'Open a query to read the messages and reply. Queries are opened from a case’s Queries tab.'),
    form,
    councilFilterNote('queries', f, items),
    h('div', { id: 'query-results' }, results),
    pager('queries', { ...f, cursor: '' }, f.cursor, list && list.next_cursor));
}
