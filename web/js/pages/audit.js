// The Audit page (#/audit, admins): the chain's status, filters (user, event type, period, case Connect
// ID) kept in the address (#/audit?user=…&type=…), a page of events newest first with "Next page" /
// "First page" links (the cursor is in the address too), and the filtered view as a CSV download. What
// each admin sees is decided by the server (fcgi/API.md "Audit").
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { field, showErrors } from '../forms.js';
import { dateInput, formatUkDateTime, parseDate } from '../format.js';
import { auditRow, auditTable, EVENT_TYPES, eventWords } from '../audit-table.js';
import { readFilters, routeWith, pager } from '../list-filters.js';

const NAMES = ['user', 'type', 'case', 'from', 'to'];

/** "Tom Hughes, North Field Council" for a USER. */
const userWords = (u) => `${u.name || u.username}${u.org && u.org.name ? `, ${u.org.name}` : ''}`;

/** The users to choose from: the admin's organisation, plus the one in the address when it is elsewhere. */
async function userChoices(selected) {
  let users = [];
  try { users = await api.all('/api/users'); } catch (error) { if (error.handled) throw error; }
  const options = [{ value: '', label: 'Anyone' }, ...users.map((u) => ({ value: String(u.id), label: userWords(u) }))];
  let chosen = users.find((u) => String(u.id) === selected) || null;
  if (selected && !chosen) {
    try { chosen = await api.get(`/api/users/${encodeURIComponent(selected)}`); } catch (error) { if (error.handled) throw error; }
    options.push({ value: selected, label: chosen ? userWords(chosen) : `User ${selected}` });
  }
  return { options, chosen };
}

export async function renderAudit(section, ctx) {
  const filters = readFilters(ctx.params, NAMES);
  const cursor = (ctx.params.get('cursor') || '').trim();
  const status = h('p', { class: 'body', id: 'audit-chain', role: 'status' }, 'Checking the audit log…');
  const { options: users, chosen } = await userChoices(filters.user);
  if (!ctx.isCurrent()) return;
  const types = [{ value: '', label: 'Any event' }, ...EVENT_TYPES.map((t) => ({ value: t, label: eventWords(t) }))];
  if (filters.type && !EVENT_TYPES.includes(filters.type)) types.push({ value: filters.type, label: filters.type });

  const form = h('form', { class: 'form filter-form', id: 'audit-filters', 'aria-label': 'Audit filters', novalidate: true },
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend' }, 'Filters'),
      h('div', { class: 'form--inline' },
        field({ label: 'User', name: 'user', options: users, value: filters.user }),
        field({ label: 'Event', name: 'type', options: types, value: filters.type })),
      h('div', { class: 'form--inline audit__filters-row' },
        field({ label: 'Case Connect ID', name: 'case', value: filters.case, width: 'small', hint: 'For example, C12', attrs: { autocomplete: 'off' } }),
        field({ label: 'From', name: 'from', value: dateInput(filters.from) || filters.from, width: 'small', hint: 'For example, 1 4 2025', attrs: { autocomplete: 'off', inputmode: 'numeric' } }),
        field({ label: 'To', name: 'to', value: dateInput(filters.to) || filters.to, width: 'small', hint: 'For example, 30/6/2026', attrs: { autocomplete: 'off', inputmode: 'numeric' } }),
        h('button', { type: 'submit', class: 'button button--secondary', id: 'audit-apply' }, 'Apply filters'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = {};
    const errors = [];
    for (const n of NAMES) f[n] = form.querySelector(`[name="${n}"]`).value.trim();
    for (const [n, words] of [['from', 'first day'], ['to', 'last day']]) {
      const iso = parseDate(f[n]);
      if (iso === null) errors.push({ field: n, message: `The ${words} must be a real date, for example 1 4 2025` });
      else f[n] = iso;
    }
    if (errors.length) { showErrors(form, errors); return; }
    ctx.navigate(routeWith('audit', f));
  });

  // Whose events, in words, for the caption (the filters are also in the form above).
  const about = [chosen ? `by ${userWords(chosen)}` : (filters.user ? `by user ${filters.user}` : ''),
    filters.type ? `of type ${filters.type}` : '', filters.case ? `on case ${filters.case.toUpperCase()}` : ''].filter(Boolean).join(' ');
  const caption = `Audit events${about ? ` ${about}` : ''}, newest first`;
  const csvQuery = new URLSearchParams();
  for (const n of NAMES) if (filters[n]) csvQuery.set(n, filters[n]);
  csvQuery.set('format', 'csv');
  const csv = h('p', { class: 'body' }, h('a', { class: 'link', id: 'audit-csv', href: `/api/audit?${csvQuery}`, download: '' },
    'Download every event of this view as CSV'));

  const area = h('div', { id: 'audit-area' });
  replaceChildren(section,
    h('h1', { class: 'heading-l', tabindex: '-1' }, 'Audit'),
    h('p', { class: 'body' }, 'Who has signed in, seen or changed what. Times are UK time, to the millisecond for events recorded since milliseconds were kept, with the time as recorded (UTC) beneath.'),
    status, form, area);

  api.get('/api/audit/verify').then((v) => {
    status.textContent = v.ok
      ? (v.newest ? `The audit log is intact: all ${v.events} events, up to the latest at ${formatUkDateTime(v.newest.at)}, match the chain.` : 'The audit log is empty.')
      : `The audit log has been tampered with: event ${v.broken.seq}${v.broken.at ? ` (${formatUkDateTime(v.broken.at)})` : ''} does not match the chain.`;
    status.classList.toggle('field-error', !v.ok);
  }).catch((error) => { if (!error.handled) status.textContent = error.message; });

  try {
    const res = await api.get('/api/audit', { query: { ...filters, limit: 50, cursor: cursor || undefined } });
    if (!ctx.isCurrent()) return;
    const items = res.items || [];
    const tbody = h('tbody', {}, items.map((e) => auditRow(e)));
    replaceChildren(area,
      items.length ? auditTable(caption, tbody, 'audit-table')
        : h('p', { class: 'body', id: 'audit-none' }, cursor ? 'There are no older events.' : 'No events match these filters.'),
      pager('audit', filters, cursor, res.next_cursor),
      items.length ? csv : null);
  } catch (error) {
    if (error.handled) throw error;
    if (error.field && NAMES.includes(error.field)) showErrors(form, [{ field: error.field, message: error.message }], { focus: false });
    replaceChildren(area, h('p', { class: 'body field-error', id: 'audit-error' }, error.message));
  }
}
