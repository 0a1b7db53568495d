// The home page's counters (GET /api/home): each one a link to the list it counts — alerts by type,
// queries by bucket, cases by status or 1,000 days, the overdue items — carrying "my cases only"
// (?mine=1) when the council user turned it on; a council admin's "Due for destruction in the next 90
// days" leads to the Retention page (council-wide, without mine). Overdue counts say "Overdue" in words as well.
import { api } from './api.js';
import { h, replaceChildren } from './dom.js';
import { checkbox } from './forms.js';
import { routeWith } from './list-filters.js';
import { HOME_COUNTERS } from './labels.js';

/** Where each counter leads (a route without '#/'), per side. */
const COUNCIL_LINKS = {
  immigration_update: ['alerts', { type: 'immigration_update' }],
  query_responses: ['queries', { bucket: 'responses' }],
  new_ho_queries: ['queries', { bucket: 'new' }],
  closure_required: ['alerts', { type: 'closure_required' }],
  final_outcome: ['alerts', { type: 'final_outcome' }],
  support_ended: ['alerts', { type: 'support_ended' }],
  nino_result: ['alerts', { type: 'nino_result' }],
  overdue: ['queries', { overdue: '1' }],
  due_today: ['queries', { due: 'today' }],
  open_referral: ['cases', { status: 'open_referral' }],
  open_supported: ['cases', { status: 'open_supported' }],
  thousand_day: ['cases', { thousand_day: '1' }],
  retention_due: ['retention', {}],
};
const HO_LINKS = {
  new_case: ['alerts', { type: 'new_case' }],
  council_update: ['alerts', { type: 'council_update' }],
  case_closed: ['alerts', { type: 'case_closed' }],
  case_reopened: ['alerts', { type: 'case_reopened' }],
  thousand_day: ['cases', { thousand_day: '1' }], // the national count, the same list as the council's (GET /api/cases spans every council for the HO)
  queries_awaiting_ho: ['queries', { bucket: 'awaiting_ho' }],
  thousand_day: ['cases', { thousand_day: '1' }],
  due_today: ['due', { when: 'today' }],
  overdue: ['due', { when: 'overdue' }],
};
const COUNCIL_GROUPS = [
  ['Alerts and queries', ['immigration_update', 'query_responses', 'new_ho_queries', 'closure_required', 'final_outcome', 'support_ended', 'nino_result', 'overdue', 'due_today']],
  ['Cases', ['open_referral', 'open_supported', 'thousand_day']],
];
/** Council-wide (never "my cases"), and only in a council admin's answer. */
const COUNCIL_ADMIN_GROUP = ['Retention', ['retention_due']];

const isOverdueKey = (key) => key === 'overdue' || key === 'disclosures_overdue' || key === 'nino_overdue';

function countText(v) {
  return Number.isInteger(v) ? v.toLocaleString('en-GB') : '–';
}

/** One counter: a link (or, for the Network, plain text) with the number, the words and the flag. */
function counter(key, labelText, value, route) {
  const overdue = isOverdueKey(key) && Number.isInteger(value) && value > 0;
  const inner = [
    h('span', { class: 'counter__value' }, countText(value)),
    h('span', { class: 'counter__label' }, labelText),
    overdue ? h('span', { class: 'tag tag--red counter__flag' }, 'Overdue') : null,
  ];
  return h('li', {
    class: ['counter', isOverdueKey(key) && 'counter--overdue-kind', overdue && 'counter--overdue', value === 0 && 'counter--zero'],
    dataset: { counter: key },
  },
  route
    ? h('a', { href: `#/${route}`, class: 'counter__link', id: `counter-${key}` }, inner)
    : h('span', { class: 'counter__link counter__link--static', id: `counter-${key}` }, inner));
}

/** The disclosure requests of the Home Office and partner departments: each counter leads to the list. */
function disclosureCounters(data) {
  const d = data.disclosures;
  if (!d) return null;
  const words = labelsFor('disclosures');
  return h('div', { class: 'counter-group', id: 'disclosure-counters' },
    h('h3', { class: 'heading-s' }, 'Disclosure requests'),
    h('ul', { class: 'counters' }, [...words.keys()].map((k) => counter(`disclosures_${k}`, words.get(k), d[k], 'disclosures'))));
}

/** NINo batches (the Home Office and the NINo partner's designated users): each counter leads to #/nino. */
function ninoCounters(data) {
  const d = data.nino;
  if (!d) return null;
  const words = labelsFor('nino');
  return h('div', { class: 'counter-group', id: 'nino-home-counters' },
    h('h3', { class: 'heading-s' }, 'NINo batches'),
    h('ul', { class: 'counters' }, [...words.keys()].map((k) => counter(`nino_${k}`, words.get(k), d[k], 'nino'))));
}

function labelsFor(side) {
  return new Map(HOME_COUNTERS[side] || []);
}

function councilCounters(data, mine) {
  const words = labelsFor('council');
  const c = data.counters || {};
  const groups = [...COUNCIL_GROUPS];
  if (Number.isInteger(c.retention_due)) groups.push(COUNCIL_ADMIN_GROUP);
  return groups.map(([heading, keys]) => h('div', { class: 'counter-group' },
    h('h3', { class: 'heading-s' }, heading),
    h('ul', { class: 'counters' }, keys.map((k) => {
      const [route, f] = COUNCIL_LINKS[k];
      const extra = mine && k !== 'retention_due' ? { mine: '1' } : {};
      return counter(k, words.get(k), c[k], routeWith(route, { ...f, ...extra }));
    }))));
}

function hoCounters(data) {
  const words = labelsFor('ho');
  const c = data.counters || {};
  const list = h('ul', { class: 'counters' }, (HOME_COUNTERS.ho).map(([k]) => {
    const [route, f] = HO_LINKS[k];
    return counter(k, words.get(k), c[k], routeWith(route, f));
  }));
  const rows = Array.isArray(data.by_council) ? data.by_council : [];
  const cell = (row, key, when) => {
    const v = row[key];
    const n = countText(v);
    if (!Number.isInteger(v) || v === 0) return h('td', { dataset: { label: key === 'overdue' ? 'Overdue' : 'Due today' } }, n);
    const route = routeWith('due', { when, council: String(row.council && row.council.id) });
    return h('td', { dataset: { label: key === 'overdue' ? 'Overdue' : 'Due today' } },
      h('a', { href: `#/${route}`, class: 'link' }, n, h('span', { class: 'visually-hidden' }, ` ${key === 'overdue' ? 'overdue' : 'due today'} at ${(row.council && row.council.name) || ''}`)),
      key === 'overdue' ? h('span', { class: 'tag tag--red counter__flag' }, 'Overdue') : null);
  };
  const table = rows.length
    ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Due today and overdue by council' },
      h('table', { class: 'table', id: 'by-council-table' },
        h('caption', { class: 'table__caption' }, 'Due today and overdue, by council'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Council'),
          h('th', { scope: 'col' }, 'Due today'),
          h('th', { scope: 'col' }, 'Overdue'))),
        h('tbody', {}, rows.map((r) => h('tr', { dataset: { councilId: String(r.council && r.council.id) } },
          h('th', { scope: 'row', dataset: { label: 'Council' } }, (r.council && r.council.name) || ''),
          cell(r, 'due_today', 'today'),
          cell(r, 'overdue', 'overdue'))))))
    : h('p', { class: 'body', id: 'by-council-none' }, 'No council has anything due today or overdue.');
  return [list, h('h3', { class: 'heading-s' }, 'By council'), table];
}

function networkCounters(data) {
  const words = labelsFor('network');
  const c = data.counters || {};
  return [
    h('p', { class: 'body body--secondary' }, 'National totals across every council.'),
    h('ul', { class: 'counters' }, (HOME_COUNTERS.network).map(([k]) => counter(k, words.get(k), c[k], null))),
  ];
}

/** The "Your work" section of the home page; never throws (a failure is said in words). */
export async function homeCounters(ctx) {
  const mine = ctx.params.get('mine') === '1';
  const area = h('section', { class: 'home-counters', id: 'home-counters', 'aria-labelledby': 'home-counters-heading' });
  let data;
  try {
    data = await api.get('/api/home', { query: { mine: mine ? '1' : '' } });
  } catch (error) {
    if (error.handled) throw error;
    replaceChildren(area, h('h2', { class: 'heading-m', id: 'home-counters-heading' }, 'Your work'),
      h('p', { class: 'body field-error', id: 'home-counters-error' }, `The counters could not be loaded. ${error.message}`));
    return area;
  }
  area.homeData = data; // the performance panel takes the Home Office's councils from by_council
  const side = data && data.side;
  if (side === 'council') {
    const toggle = checkbox({ label: 'My cases only', name: 'mine', checked: mine, hint: 'Count only the cases allocated to you' });
    toggle.control.id = 'home-mine';
    toggle.querySelector('label').setAttribute('for', 'home-mine');
    toggle.control.addEventListener('change', () => ctx.navigate(toggle.control.checked ? 'home?mine=1' : 'home'));
    replaceChildren(area,
      h('div', { class: 'section-head' }, h('h2', { class: 'heading-m', id: 'home-counters-heading' }, mine ? 'Your work – my cases' : 'Your work'), toggle),
      councilCounters(data, mine));
  } else if (side === 'ho') {
    replaceChildren(area, h('h2', { class: 'heading-m', id: 'home-counters-heading' }, 'Your work'), hoCounters(data),
      disclosureCounters(data), ninoCounters(data));
  } else if (side === 'partner') {
    replaceChildren(area, h('h2', { class: 'heading-m', id: 'home-counters-heading' }, 'Your work'), disclosureCounters(data),
      ninoCounters(data));
  } else if (side === 'network') {
    replaceChildren(area, h('h2', { class: 'heading-m', id: 'home-counters-heading' }, 'Cases across the country'), networkCounters(data));
  }
  return area;
}
