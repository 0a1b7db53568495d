// What the alerts and queries lists share: filters kept in the address (#/alerts?type=…&mine=1),
// a filter form that navigates to them, the "Next page" / "First page" links, and the council filter
// the Home Office reaches from the home page's by-council table.
import { api } from './api.js';
import { h } from './dom.js';
import { valueOf, radios } from './forms.js';

/** The filters named in `names` from the address's parameters ('' when absent). */
export function readFilters(params, names) {
  const out = {};
  for (const n of names) out[n] = (params.get(n) || '').trim();
  return out;
}

/** 'alerts?type=x&mine=1' from a route and filters (empty ones left out). */
export function routeWith(route, filters) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
  const s = qs.toString();
  return s ? `${route}?${s}` : route;
}

/**
 * "Overdue" and "Due today" are one choice (an item cannot be both): radios named `when` over the
 * address's `overdue=1` / `due=today`.
 */
export function dueChoice(f) {
  const value = f.overdue === '1' ? 'overdue' : f.due === 'today' ? 'today' : '';
  return radios({
    legend: 'Due', name: 'when', value,
    options: [{ value: '', label: 'Any time' }, { value: 'overdue', label: 'Overdue' }, { value: 'today', label: 'Due today' }],
  });
}

/** The form's `when` back into the address's `overdue` / `due`. */
export function dueToAddress(f) {
  const { when, ...rest } = f;
  return { ...rest, overdue: when === 'overdue' ? '1' : '', due: when === 'today' ? 'today' : '' };
}

/**
 * A filter form: on submit it reads the named selects/inputs and checkboxes (a checked box gives
 * its `value`, a radio group its checked value) and navigates to the route with them, keeping `keep`
 * (e.g. the council filter); `toAddress(f)` may turn the form's values into the address's.
 */
export function filterForm({ id, label, controls, ctx, route, names, keep = {}, toAddress = null }) {
  const form = h('form', { class: 'form filter-form', id, 'aria-label': label, novalidate: true },
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend' }, 'Filters'),
      h('div', { class: 'form--inline' }, controls,
        h('button', { type: 'submit', class: 'button button--secondary', id: `${id}-apply` }, 'Apply filters'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = { ...keep };
    for (const n of names) {
      const el = form.querySelector(`[name="${n}"]`);
      if (!el) continue;
      if (el.type === 'checkbox') f[n] = el.checked ? el.value : '';
      else if (el.type === 'radio') {
        const on = form.querySelector(`[name="${n}"]:checked`);
        f[n] = on ? on.value : '';
      } else f[n] = valueOf(form, n).trim();
    }
    ctx.navigate(routeWith(route, toAddress ? toAddress(f) : f));
  });
  return form;
}

/** "First page" / "Next page" links for a paged list. */
export function pager(route, filters, cursor, nextCursor) {
  const links = [];
  if (cursor) links.push(h('a', { href: `#/${routeWith(route, { ...filters, cursor: '' })}`, class: 'link', id: 'first-page' }, 'First page'));
  if (nextCursor) links.push(h('a', { href: `#/${routeWith(route, { ...filters, cursor: nextCursor })}`, class: 'link', id: 'next-page', rel: 'next' }, 'Next page'));
  return links.length ? h('nav', { class: 'pagination', 'aria-label': 'Pages of results' }, links) : null;
}

/** The Home Office's council filter, when set: which council, and a way back to all of them. */
export function councilFilterNote(route, filters, items) {
  if (!filters.council) return null;
  const hit = items.find((x) => x.council && String(x.council.id) === filters.council);
  const name = hit ? hit.council.name : `council ${filters.council}`;
  return h('p', { class: 'inset', id: 'council-filter' }, `Showing ${name} only. `,
    h('a', { href: `#/${routeWith(route, { ...filters, council: '', cursor: '' })}`, class: 'link' }, 'Show every council'));
}

/**
 * The Home Office's choice of council: "Every council" and the councils it knows of — those of the
 * home page's by-council table (GET /api/home), those of `known` (e.g. from loadCouncils()) and the
 * chosen one.
 */
export function councilChoices(byCouncil, current, { every = 'Every council', known = [] } = {}) {
  const seen = new Map();
  for (const c of [...(Array.isArray(byCouncil) ? byCouncil.map((r) => r && r.council) : []), ...known]) {
    if (c && c.id !== undefined && c.id !== null && !seen.has(String(c.id))) seen.set(String(c.id), c.name || `Council ${c.id}`);
  }
  if (current && !seen.has(String(current))) seen.set(String(current), `Council ${current}`);
  const list = [...seen].sort((a, b) => a[1].localeCompare(b[1], 'en-GB'));
  return [{ value: '', label: every }, ...list.map(([value, label]) => ({ value, label }))];
}

/**
 * Every council, as [{id, name}], from GET /api/orgs (the Home Office and the Network may read it),
 * all pages. An empty list when the list cannot be read (the filter then offers what it knows).
 */
export async function loadCouncils() {
  const out = [];
  let cursor = '';
  try {
    for (let page = 0; page < 20; page++) {
      const data = await api.get(`/api/orgs?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const o of (data && data.items) || []) if (o && o.kind === 'council') out.push({ id: o.id, name: o.name });
      if (!data || !data.next_cursor) break;
      cursor = data.next_cursor;
    }
  } catch (error) {
    if (error.handled) throw error;
  }
  return out;
}
