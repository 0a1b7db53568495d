// Cases: the search page (the way into creating a case) and "My cases".
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { field, checkbox, valueOf } from '../forms.js';
import { parseDate, formatDate } from '../format.js';
import { rowsOpenLink } from '../case-cell.js';
import {
  CASE_STATUSES, LEGISLATION, options, statusLabel, canEditCases, isHomeOffice, canImportCases,
} from '../labels.js';

const PAGE_SIZE = 25;

export function renderCaseSearch(section, ctx) {
  return renderSearch(section, ctx, { mine: false });
}

export function renderMyCases(section, ctx) {
  return renderSearch(section, ctx, { mine: true });
}

/** A status tag: 'Open – referral', 'Open – supported', 'Closed'. */
export function statusTag(status) {
  const kind = status === 'closed' ? 'grey' : status === 'open_supported' ? 'green' : 'blue';
  return h('span', { class: `tag tag--${kind} case-status`, dataset: { status: status || '' } }, statusLabel(status));
}

/** What a search for `q` tells the create form: a date of birth, or a name split in two. */
export function prefillFromQuery(q) {
  const s = String(q || '').trim();
  const out = {};
  if (!s) return out;
  const dob = parseDate(s);
  if (dob) { out.dob = dob; return out; }
  if (/\d/.test(s)) return out; // a Connect ID or a Home Office reference
  const words = s.split(/\s+/).filter(Boolean);
  if (words.length === 1) out.family = words[0];
  else { out.family = words.pop(); out.given = words.join(' '); }
  return out;
}

async function renderSearch(section, ctx, { mine }) {
  const me = ctx.user;
  const council = canEditCases(me);
  const ho = isHomeOffice(me);
  const route = mine ? 'my-cases' : 'cases';
  const p = ctx.params;
  const query = {
    q: (p.get('q') || '').trim(),
    // My cases opens on the open ones ('open': a referral or supported); 'any' shows every status.
    status: p.get('status') || (mine ? 'open' : ''),
    team: (p.get('team') || '').trim(),
    legislation: p.get('legislation') || '',
    mine: mine || p.get('mine') === '1' ? '1' : '',
    thousand_day: p.get('thousand_day') === '1' ? '1' : '',
    cursor: p.get('cursor') || '',
  };
  const searched = Boolean(query.q);

  // ---- the form ----
  const qField = field({
    label: 'Name, date of birth, Connect ID or Home Office reference', name: 'q', type: 'search', value: query.q,
    width: 'large', hint: 'For example, Amina Yusuf, 27/03/1985, C1042 or Y1234567. Names can be in any order.',
    attrs: { autocomplete: 'off', enterkeyhint: 'search' },
  });
  const filters = [
    field({
      label: 'Status', name: 'status', value: query.status,
      options: [{ value: mine ? 'any' : '', label: 'Any status' }, { value: 'open', label: 'Open' }, ...options(CASE_STATUSES)],
    }),
    field({ label: 'Legislation', name: 'legislation', options: options(LEGISLATION, 'Any legislation'), value: query.legislation }),
    field({ label: 'Team', name: 'team', value: query.team, width: 'medium', attrs: { autocomplete: 'off' } }),
  ];
  if (!mine) filters.push(checkbox({ label: 'Only cases allocated to me', name: 'mine', checked: query.mine === '1' }));
  const form = h('form', { class: 'form search-form', id: 'case-search', role: 'search', 'aria-label': 'Cases', novalidate: true },
    h('div', { class: 'search-form__main' }, qField, h('button', { type: 'submit', class: 'button', id: 'search-button' }, 'Search')),
    h('fieldset', { class: 'fieldset search-form__filters' },
      h('legend', { class: 'fieldset__legend' }, 'Filters'),
      h('div', { class: 'form--inline' }, filters)));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const qs = new URLSearchParams();
    for (const name of ['q', 'status', 'legislation', 'team']) {
      const v = valueOf(form, name).trim();
      if (v) qs.set(name, v);
    }
    const mineBox = form.querySelector('input[name="mine"]');
    if (mineBox && mineBox.checked) qs.set('mine', '1');
    if (query.thousand_day) qs.set('thousand_day', '1');
    const s = qs.toString();
    ctx.navigate(s ? `${route}?${s}` : route);
  });

  // ---- the results ----
  const results = h('div', { id: 'case-results' });
  let list;
  try {
    list = await api.get('/api/cases', {
      query: {
        q: query.q, status: ['open', 'any'].includes(query.status) ? '' : query.status, open: query.status === 'open' ? '1' : '', team: query.team, legislation: query.legislation,
        mine: query.mine, thousand_day: query.thousand_day, cursor: query.cursor, limit: PAGE_SIZE,
      },
    });
  } catch (error) {
    if (error.handled) throw error;
    if (error.status === 422 || error.status === 400) {
      list = null;
      replaceChildren(results, h('p', { class: 'body field-error', id: 'search-error' }, error.message));
    } else throw error;
  }
  if (list) fillResults(results, list, { query, route, ho });

  // ---- the way into creating a case ----
  let create = null;
  if (council && searched) {
    const pre = prefillFromQuery(query.q);
    const qs = new URLSearchParams();
    if (pre.given) qs.set('given', pre.given);
    if (pre.family) qs.set('family', pre.family);
    if (pre.dob) qs.set('dob', pre.dob);
    const s = qs.toString();
    create = h('div', { class: 'inset create-case', id: 'create-case' },
      h('p', { class: 'body' }, list && list.items && list.items.length
        ? 'If none of these is the person, create a new case.'
        : 'No case matches. You can create a new case.'),
      h('p', { class: 'body' }, h('a', { href: `#/cases/new${s ? `?${s}` : ''}`, class: 'button', id: 'create-case-button' }, 'Create a new case')));
  }

  replaceChildren(section,
    h('h1', { class: 'heading-l' }, mine ? 'My cases' : 'Cases'),
    council && !mine ? h('p', { class: 'body' }, 'Search before you create a case, so that nobody has two.') : null,
    canImportCases(me) && !mine
      ? h('p', { class: 'body' }, h('a', { href: '#/cases/import', class: 'link', id: 'import-link' }, 'Import a caseload (CSV)'))
      : null,
    form,
    h('p', { class: 'visually-hidden', role: 'status', id: 'search-status' }),
    query.thousand_day ? thousandDayNote(route, query) : null,
    h('h2', { class: 'heading-m', id: 'results-heading' }, searched ? `Results for “${query.q}”`
      : query.thousand_day ? '1,000-day cases' : mine ? (query.status === 'open' ? 'Your open cases' : 'Cases allocated to you') : 'Recent cases'),
    results,
    create);
}

/** The 1,000-day filter (from the home page's counter): what it means, and the way back to every case. */
function thousandDayNote(route, query) {
  const qs = new URLSearchParams();
  for (const k of ['q', 'status', 'legislation', 'team']) if (query[k]) qs.set(k, query[k]);
  if (query.mine && route === 'cases') qs.set('mine', '1');
  const s = qs.toString();
  return h('p', { class: 'inset', id: 'thousand-day-filter' },
    'Showing 1,000-day cases only: open cases whose financial support started 1,000 or more days ago, longest first. ',
    h('a', { href: `#/${route}${s ? `?${s}` : ''}`, class: 'link' }, 'Show every case'));
}

/**
 * Tells screen readers how many cases a search found: a status region (in the page from the start)
 * whose text is set a moment after the page is drawn, so that the change is announced.
 */
function announceCount(results, text) {
  let tries = 0;
  const set = () => {
    const region = document.getElementById('search-status');
    if (region && results.isConnected) region.textContent = text;
    else if (tries++ < 20) setTimeout(set, 200);
  };
  setTimeout(set, 300);
}

function fillResults(results, list, { query, route, ho }) {
  const items = Array.isArray(list.items) ? list.items : [];
  const total = Number.isInteger(list.total) ? list.total : items.length;
  if (!items.length) {
    replaceChildren(results, h('p', { class: 'body', id: 'no-results' }, query.cursor ? 'There are no more cases.' : 'No cases found.'));
    announceCount(results, 'No cases found');
    return;
  }
  // A name search stops counting at 1,000 (total_capped): say "more than", not a false number.
  const caption = list.total_capped ? `More than ${total.toLocaleString('en-GB')} cases found` : `${total} ${total === 1 ? 'case' : 'cases'} found`;
  announceCount(results, caption);
  const rows = items.map((c) => h('tr', { dataset: { caseId: String(c.id) } },
    h('th', { scope: 'row', dataset: { label: 'Connect ID' } }, h('a', { href: `#/cases/${c.id}`, class: 'link case-row__link' }, c.connect_id || `C${c.id}`)),
    h('td', { class: 'table__name', dataset: { label: 'Name' } }, c.name || '',
      c.dependants ? h('span', { class: 'muted table__sub' }, ` + ${c.dependants} ${c.dependants === 1 ? 'dependant' : 'dependants'}`) : null),
    h('td', { dataset: { label: 'Date of birth' } }, formatDate(c.date_of_birth)),
    h('td', { dataset: { label: 'Nationality' } }, c.nationality || ''),
    h('td', { dataset: { label: 'Status' } }, statusTag(c.status)),
    h('td', { dataset: { label: 'Caseworker' } }, c.caseworker ? c.caseworker.name : h('span', { class: 'muted' }, 'Not allocated')),
    ho ? h('td', { dataset: { label: 'Council' } }, (c.council && c.council.name) || '') : null));
  const table = h('table', { class: 'table', id: 'cases-table' },
    h('caption', { class: 'table__caption' }, caption),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Connect ID'),
      h('th', { scope: 'col' }, 'Name'),
      h('th', { scope: 'col' }, 'Date of birth'),
      h('th', { scope: 'col' }, 'Nationality'),
      h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, 'Caseworker'),
      ho ? h('th', { scope: 'col' }, 'Council') : null)),
    h('tbody', {}, rows));
  rowsOpenLink(table, '.case-row__link');
  const nav = [];
  const base = new URLSearchParams();
  for (const k of ['q', 'status', 'legislation', 'team', 'thousand_day']) if (query[k]) base.set(k, query[k]);
  if (query.mine && route === 'cases') base.set('mine', '1');
  if (query.cursor) {
    const s = base.toString();
    nav.push(h('a', { href: `#/${route}${s ? `?${s}` : ''}`, class: 'link', id: 'first-page' }, 'First page'));
  }
  if (list.next_cursor) {
    const next = new URLSearchParams(base);
    next.set('cursor', list.next_cursor);
    nav.push(h('a', { href: `#/${route}?${next}`, class: 'link', id: 'next-page', rel: 'next' }, 'Next page'));
  }
  replaceChildren(results,
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, table),
    nav.length ? h('nav', { class: 'pagination', 'aria-label': 'Pages of results' }, nav) : null);
}
