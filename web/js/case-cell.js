// How a list names a case: the Connect ID (a link), the principal applicant's name and date of birth
// (the server's `principal`, present only for users who may see the case), and rows that open on a
// click anywhere in them (the link stays the way in for the keyboard and screen readers).
import { h } from './dom.js';
import { formatDate } from './format.js';

/** 'Ada Okonkwo, born 17 May 1984' (or null when the item has no principal). */
export function personText(item) {
  const p = item && item.principal;
  if (!p || !p.name || !p.name.trim()) return null;
  return p.date_of_birth ? `${p.name.trim()}, born ${formatDate(p.date_of_birth)}` : p.name.trim();
}

/** The cell's content: the Connect ID link (to `href`, the case by default) and the person beneath. */
export function caseCell(item, href = `#/cases/${item.case_id}`) {
  const person = personText(item);
  return [
    h('a', { href, class: 'link case-cell__link' }, item.connect_id || `C${item.case_id}`),
    person ? h('span', { class: 'table__sub case-cell__person' }, person) : null,
  ];
}

const INTERACTIVE = 'a, button, input, select, textarea, label, summary, details';

/**
 * Makes a table's rows open their first link (`selector`) on a click anywhere in the row that is
 * not itself a control, so the whole row is a target for the mouse; keyboard users have the link.
 */
export function rowsOpenLink(table, selector) {
  table.classList.add('table--row-links');
  table.addEventListener('click', (ev) => {
    if (ev.target.closest(INTERACTIVE) || (window.getSelection && String(window.getSelection()).length)) return;
    const row = ev.target.closest('tbody tr');
    const link = row && row.querySelector(selector);
    if (link) link.click();
  });
  return table;
}
