// #/national?year=&region=&nation= — the NRPF Network's annual report for a financial year (API.md
// "National report"), for the Network's and the Home Office's administrators: SVG charts of the main
// figures, then every section as a table, and the whole report to download as Excel or CSV. The
// choice is kept in the address, so a reload shows the same report.
import { api } from '../api.js';
import { h, replaceChildren, appendChildren, visuallyHidden } from '../dom.js';
import { field, showApiError, clearErrors, busy, valueOf } from '../forms.js';
import { columnChart, barChart } from '../charts.js';
import { REGION_LABELS, NATION_LABELS } from '../labels.js';

const money = (pence) => `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pounds = (pence) => `£${Math.round(pence / 100).toLocaleString('en-GB')}`;

/** A cell of a section's table: money in pounds, percentages with %, null as a dash. */
function cellText(v, type) {
  if (v === null || v === undefined) return '–';
  if (type === 'money') return money(v);
  if (type === 'percent') return `${Number(v).toFixed(1)}%`;
  if (type === 'decimal') return Number(v).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return Number(v).toLocaleString('en-GB');
}

/** The financial year most recently begun (on 1 April). */
function currentYear() {
  const now = new Date();
  return now.getUTCMonth() >= 3 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
}

const yearText = (y) => `1 April ${y} to 31 March ${y + 1}`;

function url(query, format) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, format })) if (v) qs.set(k, String(v));
  return `/api/reports/national?${qs}`;
}

const sectionOf = (rep, key) => rep.sections.find((s) => s.key === key) || { rows: [], columns: [] };
const areaRows = (sec) => sec.rows.filter((r) => r.breakdown === 'practice_area' && r.name !== 'all');
const rowOf = (sec, name) => sec.rows.find((r) => r.name === name && r.breakdown !== 'region') || { values: {} };

function charts(rep) {
  const households = sectionOf(rep, 'households');
  const costs = sectionOf(rep, 'costs');
  const quarters = sectionOf(rep, 'quarter_ends');
  const all = rowOf(households, 'all').values;
  const q = rowOf(quarters, 'all').values;
  const quarterItems = [['start', '31 March', String(rep.year)], ['q1', '30 June', String(rep.year)], ['q2', '30 September', String(rep.year)],
    ['q3', '31 December', String(rep.year)], ['q4', '31 March', String(rep.year + 1)]]
    .filter(([k]) => q[k] !== null && q[k] !== undefined)
    .map(([k, day, year]) => ({ label: `${day} ${year}`, short: `${day}\n${year}`, value: q[k] }));
  const nations = households.rows.filter((r) => r.breakdown === 'nation');
  return h('div', { class: 'national__charts', id: 'national-charts' },
    columnChart({
      id: 'chart-households', title: 'Households supported by practice area',
      description: `${(all.households || 0).toLocaleString('en-GB')} households were supported in the year: ${areaRows(households).map((r) => `${r.label} ${r.values.households}`).join(', ')}.`,
      items: areaRows(households).map((r) => ({ label: r.label, short: r.label.split(' ').slice(0, 2).join(' '), value: r.values.households })),
      columns: ['Practice area', 'Households'],
    }),
    barChart({
      id: 'chart-costs', title: 'Collective cost by practice area',
      description: `The collective cost in the year was ${money(rowOf(costs, 'all').values.total_pence || 0)}: ${areaRows(costs).map((r) => `${r.label} ${money(r.values.total_pence)}`).join(', ')}.`,
      items: areaRows(costs).map((r) => ({ label: r.label, value: r.values.total_pence })),
      columns: ['Practice area', 'Total cost'], format: pounds,
    }),
    columnChart({
      id: 'chart-quarters', title: 'Households supported at each quarter end',
      description: quarterItems.length
        ? `Households supported on ${quarterItems.map((it) => `${it.label}: ${it.value}`).join('; ')}.`
        : 'No quarter end of the year has come yet.',
      items: quarterItems, columns: ['Quarter end', 'Households'],
    }),
    barChart({
      id: 'chart-nations', title: 'Households supported by nation',
      description: nations.map((r) => `${r.label} ${r.values.households}`).join(', '),
      items: nations.map((r) => ({ label: r.label, value: r.values.households })),
      columns: ['Nation', 'Households'],
    }));
}

/** A section as a table: its rows by practice area, then by region and nation (regions with nothing left out). */
function sectionTable(sec) {
  const hasFigures = (r) => Object.values(r.values).some((v) => v !== null && v !== 0);
  const rows = sec.rows.filter((r) => r.breakdown !== 'region' || hasFigures(r));
  const groupText = { practice_area: 'Practice area', region: 'Region', nation: 'Nation', all: '' };
  const id = `national-${sec.key.replace(/_/g, '-')}`;
  return h('section', { class: 'national__section', id, 'aria-labelledby': `${id}-heading` },
    h('h3', { class: 'heading-s', id: `${id}-heading` }, sec.title),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-heading` },
      h('table', { class: 'table table--compact', id: `${id}-table` },
        h('caption', { class: 'visually-hidden' }, sec.title),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Breakdown'),
          sec.columns.map((c) => h('th', { scope: 'col', class: 'table__number' }, c.label)))),
        h('tbody', {}, rows.map((r) => h('tr', { dataset: { breakdown: r.breakdown, name: r.name } },
          h('th', { scope: 'row', dataset: { label: 'Breakdown' } },
            groupText[r.breakdown] ? h('span', { class: 'muted' }, `${groupText[r.breakdown]}: `) : null, r.label),
          sec.columns.map((c) => h('td', { class: 'table__number', dataset: { label: c.label } }, cellText(r.values[c.key], c.type)))))))));
}

function report(rep, query) {
  const filter = query.region ? REGION_LABELS[query.region] : query.nation ? NATION_LABELS[query.nation] : '';
  const links = h('p', { class: 'body', id: 'national-downloads' }, 'Download this report: ',
    h('a', { href: url(query, 'xlsx'), class: 'link download-link', download: '', id: 'download-national-xlsx' }, 'Excel (.xlsx)', visuallyHidden(' – national report')),
    ' (a worksheet per section) or ',
    h('a', { href: url(query, 'csv'), class: 'link download-link', download: '', id: 'download-national-csv' }, 'CSV', visuallyHidden(' – national report')),
    ' (a row per figure).');
  return h('section', { class: 'national', id: 'national-report', 'aria-labelledby': 'national-heading' },
    h('h2', { class: 'heading-m', id: 'national-heading' }, `${rep.year}–${String(rep.year + 1).slice(2)}${filter ? ` · ${filter}` : ''}`),
    h('p', { class: 'body' }, `Financial year ${yearText(rep.year)}`,
      rep.upto !== rep.to ? ` (so far: to ${rep.upto})` : '', '. Anonymous figures from every council’s cases; how each is counted is set out in the API documentation.'),
    links,
    charts(rep),
    h('h2', { class: 'heading-m' }, 'The figures'),
    rep.sections.map(sectionTable));
}

export async function renderNational(section, ctx) {
  const p = ctx.params;
  const latest = currentYear();
  const initial = { year: Number.parseInt(p.get('year') || '', 10) || latest, region: p.get('region') || '', nation: p.get('nation') || '' };
  const years = [];
  for (let y = latest; y >= 2018; y -= 1) years.push({ value: y, label: `${y}–${String(y + 1).slice(2)}` });
  const form = h('form', { class: 'form', id: 'national-form', novalidate: true },
    h('div', { class: 'form--inline' },
      field({ label: 'Financial year', name: 'year', options: years, value: initial.year }),
      field({ label: 'Region (optional)', name: 'region', value: initial.region,
        options: [{ value: '', label: 'Every region' }, ...Object.entries(REGION_LABELS).map(([value, label]) => ({ value, label }))] }),
      field({ label: 'Nation (optional)', name: 'nation', value: initial.nation,
        options: [{ value: '', label: 'Every nation' }, ...Object.entries(NATION_LABELS).map(([value, label]) => ({ value, label }))] })),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'national-submit' }, 'Show the report')));
  const out = h('div', { id: 'national-results' });
  const live = h('p', { class: 'visually-hidden', role: 'status', id: 'national-status' });

  async function show(query, { announce }) {
    let rep;
    try {
      rep = await api.get('/api/reports/national', { query });
    } catch (error) {
      if (error.handled) throw error;
      showApiError(form, error);
      return;
    }
    if (!ctx.isCurrent()) return;
    clearErrors(form);
    replaceChildren(out, report(rep, query));
    if (announce) live.textContent = `The national report for ${yearText(rep.year)}.`;
    const hash = `#/national?${new URLSearchParams(Object.entries(query).filter(([, v]) => v))}`;
    if (location.hash !== hash) history.replaceState(history.state, '', hash);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const query = { year: valueOf(form, 'year'), region: valueOf(form, 'region'), nation: valueOf(form, 'nation') };
    await busy(form, () => show(query, { announce: true }));
  });

  appendChildren(section,
    h('span', { class: 'caption' }, (ctx.user.org && ctx.user.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'National report'),
    h('p', { class: 'body' }, 'Local authority support for households with no recourse to public funds in a financial year, by practice area, region and nation.'),
    form, live, out);
  await show({ year: String(initial.year), region: initial.region, nation: initial.nation }, { announce: false });
}
