// The home page's to-do list: what is overdue and due today on the user's side — the caseworker's own
// cases for a council (GET /api/alerts and /api/queries with mine=1), everything for the Home Office —
// each item naming the case and the person, what it is and how late it is, most overdue first.
import { api } from './api.js';
import { h } from './dom.js';
import { alertTypeLabel, queryCategoryLabel, sideOf, isAdmin } from './labels.js';
import { personText } from './case-cell.js';
import { workingDaysOverdue } from './due.js';

const SHOWN = 10;

function item(x, kind) {
  const href = kind === 'query' ? `#/queries/${x.id}` : `#/cases/${x.case_id}${x.type === 'immigration_update' ? '/immigration' : ''}`;
  const what = kind === 'query' ? `${queryCategoryLabel(x.category)} query` : `${alertTypeLabel(x.type)} alert`;
  const person = personText(x);
  return h('li', { class: 'todo__item', dataset: { kind, id: String(x.id), caseId: String(x.case_id) } },
    h('a', { href, class: 'link todo__link' }, `${x.connect_id || `C${x.case_id}`}: ${what}`),
    person ? h('span', { class: 'todo__person' }, person) : null,
    x.overdue
      ? h('span', { class: 'tag tag--red todo__when' }, x.working_days_overdue > 0 ? workingDaysOverdue(x.working_days_overdue) : 'Overdue')
      : h('span', { class: 'tag tag--yellow todo__when' }, 'Due today'));
}

/** The "To do" section; never throws for an API error (it says so instead). */
export async function homeTodo(ctx) {
  const user = ctx.user;
  // A caseworker's own cases; a council admin's whole council; the Home Office's whole side.
  const council = sideOf(user) === 'council';
  const own = council && !isAdmin(user);
  const mine = own ? '1' : '';
  const section = h('section', { class: 'todo', id: 'home-todo', 'aria-labelledby': 'home-todo-heading' },
    h('h2', { class: 'heading-m', id: 'home-todo-heading' }, own ? 'Your cases: overdue and due today' : 'Overdue and due today'));
  let lists;
  try {
    lists = await Promise.all([
      api.get('/api/alerts', { query: { overdue: '1', mine, limit: SHOWN } }),
      api.get('/api/queries', { query: { overdue: '1', mine, limit: SHOWN } }),
      api.get('/api/alerts', { query: { due: 'today', mine, limit: SHOWN } }),
      api.get('/api/queries', { query: { due: 'today', mine, limit: SHOWN } }),
    ]);
  } catch (error) {
    if (error.handled) throw error;
    section.append(h('p', { class: 'body field-error', id: 'home-todo-error' }, `Your due items could not be loaded. ${error.message}`));
    return section;
  }
  const [ao, qo, at, qt] = lists.map((l) => (Array.isArray(l && l.items) ? l.items : []));
  const overdue = [...ao.map((x) => [x, 'alert']), ...qo.map((x) => [x, 'query'])]
    .sort((a, b) => (b[0].working_days_overdue || 0) - (a[0].working_days_overdue || 0));
  const today = [...at.map((x) => [x, 'alert']), ...qt.map((x) => [x, 'query'])];
  const totals = lists.reduce((n, l) => n + (Number.isInteger(l && l.total) ? l.total : 0), 0);
  if (!overdue.length && !today.length) {
    section.append(h('p', { class: 'body', id: 'home-todo-none' }, own
      ? 'Nothing on your cases is overdue or due today.'
      : 'Nothing is overdue or due today.'));
    return section;
  }
  section.append(h('ul', { class: 'todo__list', id: 'home-todo-list' }, [...overdue, ...today].map(([x, kind]) => item(x, kind))));
  const shown = overdue.length + today.length;
  if (totals > shown) {
    section.append(h('p', { class: 'body' }, `${shown} of ${totals} shown. `,
      h('a', { href: council ? `#/queries?overdue=1${own ? '&mine=1' : ''}` : '#/due?when=overdue', class: 'link', id: 'home-todo-more' }, 'See everything overdue')));
  }
  return section;
}
