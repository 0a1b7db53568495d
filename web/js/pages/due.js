// #/due?when=overdue|today[&council=ID][&mine=1] — everything on the user's side that is overdue or
// due today: alerts and queries, each in its own table (where the home page's "Overdue" and
// "Due today" counters lead).
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { alertTable } from '../alert-table.js';
import { queryTable } from '../query-table.js';
import { readFilters, routeWith, councilFilterNote } from '../list-filters.js';

export async function renderDue(section, ctx) {
  const f = readFilters(ctx.params, ['when', 'council', 'mine']);
  const today = f.when === 'today';
  const filter = today ? { due: 'today' } : { overdue: '1' };
  const query = { ...filter, council: f.council, mine: f.mine, limit: 500 };
  const [alerts, queries] = await Promise.all([
    api.get('/api/alerts', { query }),
    api.get('/api/queries', { query }),
  ]);
  if (!ctx.isCurrent()) return;
  const a = Array.isArray(alerts && alerts.items) ? alerts.items : [];
  const q = Array.isArray(queries && queries.items) ? queries.items : [];
  const title = today ? 'Due today' : 'Overdue';
  ctx.title = title;
  const other = today ? { when: 'overdue' } : { when: 'today' };
  const count = (list, n, one, many) => `${n} ${n === 1 ? one : many}${list && list.next_cursor ? ' (first 500 shown)' : ''}`;
  const aTotal = Number.isInteger(alerts && alerts.total) ? alerts.total : a.length;
  const qTotal = Number.isInteger(queries && queries.total) ? queries.total : q.length;

  replaceChildren(section,
    h('h1', { class: 'heading-l', id: 'due-heading' }, title),
    h('p', { class: 'body' }, today
      ? 'Alerts and queries waiting for your side that are due today.'
      : 'Alerts and queries waiting for your side whose due date has passed.',
    ' ', h('a', { href: `#/${routeWith('due', { ...f, ...other })}`, class: 'link', id: 'due-other' }, today ? 'See what is overdue' : 'See what is due today')),
    councilFilterNote('due', f, [...a, ...q]),
    h('h2', { class: 'heading-m', id: 'due-alerts-heading' }, 'Alerts'),
    a.length
      ? alertTable(a, { user: ctx.user, caption: count(alerts, aTotal, 'alert', 'alerts'), id: 'due-alerts-table', setStatus: ctx.setStatus })
      : h('p', { class: 'body', id: 'no-due-alerts' }, today ? 'No alerts are due today.' : 'No alerts are overdue.'),
    h('h2', { class: 'heading-m', id: 'due-queries-heading' }, 'Queries'),
    q.length
      ? queryTable(q, { user: ctx.user, caption: count(queries, qTotal, 'query', 'queries'), id: 'due-queries-table' })
      : h('p', { class: 'body', id: 'no-due-queries' }, today ? 'No queries are due today.' : 'No queries are overdue.'));
}
