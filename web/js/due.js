// The due date of an alert or a query, as people read it: the date, and plainly worded flags for
// "overdue", "due today" and a date beyond the bank-holiday calendar (never colour alone).
import { h } from './dom.js';
import { formatDate, today } from './format.js';

/** Whether an open item is due today (UK date from the server's `due`; compared with today's date). */
export function isDueToday(item) {
  return Boolean(item && item.due && !item.overdue && item.due === today());
}

/** '1 working day overdue', '4 working days overdue'. */
export function workingDaysOverdue(n) {
  return `${n} working ${n === 1 ? 'day' : 'days'} overdue`;
}

/** A cell's content: '3 December 2026' plus the flags that apply; 'No due date' when there is none. */
export function dueNode(item, { open = true } = {}) {
  if (!item || !item.due) return h('span', { class: 'muted' }, 'No due date');
  return h('span', { class: 'due' },
    h('span', { class: 'due__date' }, formatDate(item.due)),
    open && item.overdue ? h('span', { class: 'tag tag--red due__flag due__flag--overdue' }, 'Overdue') : null,
    open && item.overdue && item.working_days_overdue > 0
      ? h('span', { class: 'due__days' }, workingDaysOverdue(item.working_days_overdue)) : null,
    open && isDueToday(item) ? h('span', { class: 'tag tag--yellow due__flag due__flag--today' }, 'Due today') : null,
    item.due_beyond_calendar
      ? h('span', { class: 'due__beyond' }, 'Beyond the bank-holiday calendar: this date may move when the next year’s bank holidays are known')
      : null);
}
