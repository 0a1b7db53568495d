// The performance monitoring page's panel (#/reports/performance, under Reports) (GET /api/reports/performance), for every signed-in
// user: a period (empty = the server's default, the last twelve months) and filters — team and
// caseworker for a council, council and team for the Home Office, legislation for everyone; the
// Network has the period and legislation only (national totals). It shows the figures, a column
// chart of open supported cases per month and a bar chart of closures by reason (SVG, ./charts.js),
// each with its numbers as a table. Changing the filters redraws the panel in place and keeps them
// in the address (#/reports/performance?from=…&legislation=…) with history.replaceState, so a reload keeps them.
// Under the figures, links download the same figures as CSV or Excel, with the same period and filters.
import { api } from './api.js';
import { h, replaceChildren, visuallyHidden } from './dom.js';
import { field, dateField, showErrors, showApiError, clearErrors, busy, valueOf } from './forms.js';
import { parseDate, formatDate, formatPence } from './format.js';
import { columnChart, barChart } from './charts.js';
import { councilChoices, loadCouncils } from './list-filters.js';
import {
  LEGISLATION, CLOSURE_REASONS, PERFORMANCE_FIGURES, options, legislationLabel, closureReasonLabel, sideOf,
} from './labels.js';
import { caseworkerOptions } from './caseworkers.js';

const NAMES = ['from', 'to', 'council', 'team', 'caseworker', 'legislation'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Which filters a side has (the Network: period and legislation only). */
function filtersFor(side) {
  if (side === 'council') return ['from', 'to', 'team', 'caseworker', 'legislation'];
  if (side === 'ho') return ['from', 'to', 'council', 'team', 'legislation'];
  return ['from', 'to', 'legislation'];
}

const count = (v) => (Number.isFinite(Number(v)) && v !== null ? Number(v).toLocaleString('en-GB') : '–');

function figureText(key, v) {
  if (key === 'spend_pence') return v === null || v === undefined ? '–' : formatPence(v);
  if (key === 'average_days_on_support') {
    if (v === null || v === undefined) return 'None ended';
    return Number(v).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }
  return count(v);
}

/** '2026-03' -> 'March 2026'. */
function monthName(ym) {
  const m = /^(\d{4})-(\d{2})$/.exec(ym || '');
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : String(ym || '');
}

/** The label under a column: 'Mar', with the year under it at the first column and each January. */
function monthShort(ym, i, n) {
  const m = /^(\d{4})-(\d{2})$/.exec(ym || '');
  if (!m) return String(ym || '');
  const mon = MONTHS[Number(m[2]) - 1].slice(0, 3);
  return (i === 0 || m[2] === '01' || n > 12) ? `${mon}\n${m[1]}` : mon;
}

/** "From 3 in December 2025 to 5 in November 2026; the highest was 7 in June 2026." */
function monthsInWords(rows) {
  if (!rows.length) return 'No months in the period.';
  const first = rows[0]; const last = rows[rows.length - 1];
  let top = first;
  for (const r of rows) if ((r.open_supported || 0) > (top.open_supported || 0)) top = r;
  const words = rows.length === 1
    ? `${count(first.open_supported)} in ${monthName(first.month)}.`
    : `From ${count(first.open_supported)} in ${monthName(first.month)} to ${count(last.open_supported)} in ${monthName(last.month)}; the highest was ${count(top.open_supported)} in ${monthName(top.month)}.`;
  return `Open supported cases at the end of each month. ${words}`;
}

function reasonsInWords(rows, total) {
  const used = rows.filter((r) => r.count > 0);
  if (!used.length) return 'No cases were closed in the period.';
  return `${count(total)} ${total === 1 ? 'closure' : 'closures'}: ${used.map((r) => `${closureReasonLabel(r.reason)} ${count(r.count)}`).join(', ')}.`;
}

/** What the answer covers, in words: the period and the filters the server applied. */
function coverage(data) {
  const f = data.filters || {};
  const parts = [`${formatDate(data.from)} to ${formatDate(data.to)}`];
  if (f.council && f.council.name) parts.push(f.council.name);
  if (f.team) parts.push(`team ${f.team}`);
  if (f.caseworker && f.caseworker.name) parts.push(`caseworker ${f.caseworker.name}`);
  if (f.legislation) parts.push(legislationLabel(f.legislation));
  return parts.join(' · ');
}

function results(data, side) {
  const fig = data.figures || {};
  const months = Array.isArray(data.open_supported_by_month) ? data.open_supported_by_month : [];
  const reasonsIn = Array.isArray(data.closures_by_reason) ? data.closures_by_reason : [];
  // Every reason, in the labels' order (the server sends them all; any it left out count 0).
  const byReason = new Map(reasonsIn.map((r) => [r.reason, Number(r.count) || 0]));
  const reasons = CLOSURE_REASONS.map(([code]) => ({ reason: code, count: byReason.get(code) || 0 }));
  for (const r of reasonsIn) if (!CLOSURE_REASONS.some(([c]) => c === r.reason)) reasons.push({ reason: r.reason, count: Number(r.count) || 0 });
  const closures = reasons.reduce((a, r) => a + r.count, 0);

  return [
    h('p', { class: 'body performance__period', id: 'performance-period' },
      h('span', { class: 'performance__period-label' }, 'Showing: '), coverage(data),
      side === 'network' ? ' (every council)' : ''),
    h('dl', { class: 'figures', id: 'performance-figures' },
      PERFORMANCE_FIGURES.map(([key, words]) => h('div', { class: 'figure', id: `figure-${key}`, dataset: { figure: key } },
        h('dt', { class: 'figure__label' }, words),
        h('dd', { class: 'figure__value' }, figureText(key, fig[key]))))),
    h('p', { class: 'body body--secondary performance__notes' },
      `Open referrals, open supported and 1,000-day cases are counted on ${formatDate(data.to)}. `,
      'Average days on support is over the cases whose support ended in the period. Spend is the cost of support for the days of the period up to today.'),
    h('div', { class: 'charts' },
      columnChart({
        id: 'chart-open-supported',
        title: 'Open supported cases per month',
        description: monthsInWords(months),
        columns: ['Month', 'Open supported cases'],
        items: months.map((m, i) => ({ label: monthName(m.month), short: monthShort(m.month, i, months.length), value: Number(m.open_supported) || 0 })),
      }),
      // Ten empty bars say less than one sentence.
      closures > 0
        ? barChart({
          id: 'chart-closures',
          title: 'Closures by reason',
          description: reasonsInWords(reasons, closures),
          columns: ['Reason', 'Closures'],
          items: reasons.map((r) => ({ label: closureReasonLabel(r.reason), value: r.count })),
        })
        : h('div', { class: 'chart', id: 'chart-closures' },
          h('h3', { class: 'heading-s chart__title', id: 'chart-closures-heading' }, 'Closures by reason'),
          h('p', { class: 'body', id: 'chart-closures-none' }, 'No closures in this period.'))),
  ];
}

/**
 * The figures on screen as a file (GET /api/reports/performance?format=csv|xlsx): the period shown
 * (the server's, so an empty "From" downloads the same twelve months) and the filters that were
 * applied, so the download is exactly what the panel shows.
 */
function downloads(data, query) {
  const link = (format, text) => {
    const qs = new URLSearchParams({ from: data.from, to: data.to });
    for (const n of ['council', 'team', 'caseworker', 'legislation']) if (query[n]) qs.set(n, query[n]);
    qs.set('format', format);
    return h('a', { href: `/api/reports/performance?${qs}`, class: 'link download-link', download: '', id: `performance-download-${format}` },
      text, visuallyHidden(' – these performance figures'));
  };
  return h('p', { class: 'body performance__downloads', id: 'performance-downloads' },
    'Download these figures: ', link('xlsx', 'Excel (.xlsx)'), ' ', link('csv', 'CSV'));
}

/** Where the panel lives (a route without '#/'). */
export const PERFORMANCE_ROUTE = 'reports/performance';

/** Keep the panel's filters in the address without a new history entry or a redraw. */
function keepInAddress(ctx, query) {
  if (!ctx.isCurrent()) return;
  const qs = new URLSearchParams(ctx.params);
  for (const n of NAMES) {
    if (query[n]) qs.set(n, query[n]);
    else qs.delete(n);
  }
  const s = qs.toString();
  const hash = `#/${PERFORMANCE_ROUTE}${s ? `?${s}` : ''}`;
  if (location.hash !== hash) history.replaceState(history.state, '', hash);
}

/**
 * The panel (a <section>); `homeData` is GET /api/home's answer, whose by_council gives the Home
 * Office its council choices. Never throws for an API error: a failure is said in the panel.
 */
export async function performancePanel(ctx, { homeData } = {}) {
  const me = ctx.user;
  const side = sideOf(me) || 'network';
  const allowed = filtersFor(side);
  const p = ctx.params;
  const initial = {};
  for (const n of allowed) initial[n] = (p.get(n) || '').trim();

  const controls = [];
  controls.push(
    dateField({ label: 'From', name: 'from', value: initial.from, hint: 'For example, 1 4 2025' }),
    dateField({ label: 'To', name: 'to', value: initial.to, hint: 'For example, 31 3 2026' }));
  if (allowed.includes('council')) {
    const known = await loadCouncils();
    controls.push(field({ label: 'Council', name: 'council', options: councilChoices(homeData && homeData.by_council, initial.council, { known }), value: initial.council }));
  }
  if (allowed.includes('team')) {
    controls.push(field({ label: 'Team', name: 'team', value: initial.team, width: 'medium', attrs: { autocomplete: 'off' } }));
  }
  if (allowed.includes('caseworker')) {
    let cw = [];
    try { cw = await caseworkerOptions(me, null); } catch (error) { if (error.handled) throw error; cw = []; }
    if (cw.length) {
      cw[0] = { value: '', label: 'Any caseworker' };
      if (initial.caseworker && !cw.some((o) => o.value === initial.caseworker)) cw.push({ value: initial.caseworker, label: `User ${initial.caseworker}` });
      controls.push(field({ label: 'Caseworker', name: 'caseworker', options: cw, value: initial.caseworker }));
    }
  }
  controls.push(field({ label: 'Legislation', name: 'legislation', options: options(LEGISLATION, 'Any legislation'), value: initial.legislation }));

  const form = h('form', { class: 'form filter-form performance__form', id: 'performance-form', novalidate: true, 'aria-label': 'Performance monitoring: period and filters' },
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend' }, 'Period and filters'),
      h('p', { class: 'hint', id: 'performance-form-hint' }, 'Leave the dates empty for the last twelve months.'),
      h('div', { class: 'form--inline' }, controls,
        h('button', { type: 'submit', class: 'button button--secondary', id: 'performance-apply' }, 'Show figures'))));
  const out = h('div', { class: 'performance__results', id: 'performance-results' });
  const live = h('p', { class: 'visually-hidden', role: 'status', id: 'performance-status' });
  const panel = h('section', { class: 'performance', id: 'performance', 'aria-labelledby': 'performance-heading' },
    h('h2', { class: 'heading-m', id: 'performance-heading' }, side === 'network' ? 'Performance monitoring – every council' : 'Performance monitoring'),
    form, live, out);

  async function load(query, { announce }) {
    out.setAttribute('aria-busy', 'true');
    try {
      const data = await api.get('/api/reports/performance', { query });
      if (!ctx.isCurrent()) return true;
      replaceChildren(out, ...results(data, side), downloads(data, query));
      if (announce) live.textContent = `Figures updated: ${coverage(data)}.`;
      return true;
    } catch (error) {
      if (error.handled) throw error;
      if (announce || error.status === 422 || error.field) {
        showApiError(form, error);
      } else {
        replaceChildren(out, h('p', { class: 'body field-error', id: 'performance-error' }, `The figures could not be loaded. ${error.message}`));
      }
      return false;
    } finally {
      out.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errors = [];
    const query = {};
    const from = parseDate(valueOf(form, 'from'));
    const to = parseDate(valueOf(form, 'to'));
    if (from === null) errors.push({ field: 'from', message: 'The start of the period must be a real date, for example 1 4 2025' });
    if (to === null) errors.push({ field: 'to', message: 'The end of the period must be a real date, for example 31 3 2026' });
    const inRange = (d) => d >= '1900-01-01' && d <= '2100-12-31';
    if (from && !inRange(from)) errors.push({ field: 'from', message: 'The start of the period must be between 1900 and 2100' });
    if (to && !inRange(to)) errors.push({ field: 'to', message: 'The end of the period must be between 1900 and 2100' });
    if (from && to && to < from) errors.push({ field: 'to', message: 'The end of the period must be the same as or after its start' });
    if (errors.length) { showErrors(form, errors); return; }
    query.from = from || '';
    query.to = to || '';
    for (const n of ['council', 'team', 'caseworker', 'legislation']) {
      if (allowed.includes(n) && form.querySelector(`[name="${n}"]`)) query[n] = valueOf(form, n).trim();
    }
    clearErrors(form);
    await busy(form, async () => {
      if (await load(query, { announce: true })) keepInAddress(ctx, query);
    });
  });

  // The first load: what the address says (errors in it show on the form, unfocused).
  const first = {};
  for (const n of allowed) if (initial[n]) first[n] = initial[n];
  await load(first, { announce: false });
  return panel;
}
