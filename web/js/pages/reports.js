// #/reports?from=&to=&council= — reports for a period (API.md "Reports"). Council admins and Home
// Office admins download the finance (and its summary), referrals and resolution reports as Excel or
// CSV: plain links to /api/reports/… built from the form (the session cookie authorises them). The
// Home Office and the Network see the SLA report as a table, with its own downloads. The Home
// Office may narrow everything to one council. The period is kept in the address with
// history.replaceState, so a reload shows the same reports.
import { api } from '../api.js';
import { h, replaceChildren, appendChildren, visuallyHidden } from '../dom.js';
import { field, dateField, showErrors, showApiError, clearErrors, busy, valueOf } from '../forms.js';
import { parseDate, formatDate, formatDateTime, today } from '../format.js';
import { PERFORMANCE_ROUTE } from '../performance.js';
import { councilChoices, loadCouncils } from '../list-filters.js';
import {
  canDownloadReports, canSeeNational, canSeeSla, isHomeOffice, isNetworkAdmin, sideLabel, slaTypeLabel,
} from '../labels.js';

const DOWNLOADS = [
  { report: 'finance', title: 'Finance', text: 'Cases supported on at least one day of the period: support dates, weekly costs and the cost in the period and to date.', xlsx: true },
  { report: 'finance', part: 'summary', key: 'finance-summary', title: 'Finance summary', text: 'The finance totals by team and legislation (also a worksheet of the Excel finance report).', xlsx: false },
  { report: 'referrals', title: 'Referrals', text: 'Cases referred in the period: household type, legislation, nationality and referral source.', xlsx: true },
  { report: 'resolution', title: 'Immigration and case resolution', text: 'Cases open in the period: status at referral and now, closure reasons and the time to resolution.', xlsx: true },
];

const QUARTER_MONTHS = { 1: 'Jan–Mar', 2: 'Apr–Jun', 3: 'Jul–Sep', 4: 'Oct–Dec' };

/** '2026-Q1' -> 'Q1 2026 (January to March)'. */
function quarterText(q) {
  const m = /^(\d{4})-Q([1-4])$/.exec(q || '');
  return m ? `Q${m[2]} ${m[1]} (${QUARTER_MONTHS[m[2]]})` : String(q || '');
}

function url(path, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) qs.set(k, v);
  return `${path}?${qs}`;
}

/** The period in words, with the council when one is chosen. */
function periodText(q, councilName) {
  return `${formatDate(q.from)} to ${formatDate(q.to)}${councilName ? ` · ${councilName}` : ''}`;
}

function downloadsSection(q, councilName) {
  const link = (d, format) => {
    const key = d.key || d.report;
    return h('a', {
      href: url(`/api/reports/${d.report}`, { from: q.from, to: q.to, council: q.council, part: d.part, format }),
      class: 'link download-link', download: '', id: `download-${key}-${format}`,
    }, format === 'xlsx' ? 'Excel (.xlsx)' : 'CSV', visuallyHidden(` – ${d.title.toLowerCase()} report`));
  };
  return h('section', { class: 'reports__downloads', id: 'report-downloads', 'aria-labelledby': 'downloads-heading' },
    h('h2', { class: 'heading-m', id: 'downloads-heading' }, 'Download reports'),
    h('p', { class: 'body', id: 'downloads-period' }, `For ${periodText(q, councilName)}.`),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table', id: 'downloads-table' },
        h('caption', { class: 'visually-hidden' }, 'Reports to download'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Report'),
          h('th', { scope: 'col' }, 'Excel'),
          h('th', { scope: 'col' }, 'CSV'))),
        h('tbody', {}, DOWNLOADS.map((d) => h('tr', { dataset: { report: d.key || d.report } },
          h('th', { scope: 'row', dataset: { label: 'Report' } },
            h('span', { class: 'download__title' }, d.title),
            h('span', { class: 'download__text' }, d.text)),
          h('td', { dataset: { label: 'Excel' } }, d.xlsx ? link(d, 'xlsx') : h('span', { class: 'muted' }, 'In the Excel finance report')),
          h('td', { dataset: { label: 'CSV' } }, link(d, 'csv'))))))),
    h('p', { class: 'body body--secondary' },
      'Reports name no one: each case is its Connect ID. Keep the files as securely as the cases themselves, and delete them when you no longer need them.'));
}

/** The NINo batches received and waiting for results as of now (the Home Office's report over every
 * council; API.md "SLA"): still within their 48 working hours, and overdue. Nothing for anyone else. */
function ninoOpenPart(open, num) {
  if (!open) return null;
  const batches = (n) => `${num(n)} ${Number(n) === 1 ? 'batch' : 'batches'}`;
  return h('div', { class: 'reports__nino-open', id: 'sla-nino-open' },
    h('h3', { class: 'heading-s', id: 'sla-nino-open-heading' }, 'NINo batches waiting for results now'),
    h('p', { class: 'body body--secondary' },
      `As of ${formatDateTime(open.as_of)}, whatever the period: batches the NINo partner has received and not yet answered. Results are due 48 working hours after receipt.`),
    h('dl', { class: 'summary-list' },
      h('div', { class: 'summary-list__row', dataset: { open: 'due' } },
        h('dt', { class: 'summary-list__key' }, 'Due (within 48 working hours)'),
        h('dd', { class: 'summary-list__value', id: 'sla-nino-due' }, batches(open.due))),
      h('div', { class: 'summary-list__row', dataset: { open: 'overdue' } },
        h('dt', { class: 'summary-list__key' }, 'Overdue'),
        h('dd', { class: 'summary-list__value', id: 'sla-nino-overdue' }, batches(open.overdue)))));
}

function slaSection(q, data) {
  const rows = Array.isArray(data && data.rows) ? data.rows : [];
  const councilName = data && data.council ? data.council.name : '';
  const links = h('p', { class: 'body', id: 'sla-downloads' }, 'Download this report: ',
    h('a', { href: url('/api/reports/sla', { from: q.from, to: q.to, council: q.council, format: 'xlsx' }), class: 'link download-link', download: '', id: 'download-sla-xlsx' }, 'Excel (.xlsx)', visuallyHidden(' – SLA report')),
    ' or ',
    h('a', { href: url('/api/reports/sla', { from: q.from, to: q.to, council: q.council, format: 'csv' }), class: 'link download-link', download: '', id: 'download-sla-csv' }, 'CSV', visuallyHidden(' – SLA report')));
  const num = (v) => (Number.isFinite(Number(v)) && v !== null ? Number(v).toLocaleString('en-GB') : '–');
  const pct = (v) => (Number.isFinite(Number(v)) && v !== null ? `${Number(v).toFixed(1)}%` : '–');
  const caption = `Answered from ${periodText(q, councilName)}`;
  return h('section', { class: 'reports__sla', id: 'report-sla', 'aria-labelledby': 'sla-heading' },
    h('h2', { class: 'heading-m', id: 'sla-heading' }, 'Service levels (SLA)'),
    h('p', { class: 'body' },
      'Alerts and query messages answered in the period, by the quarter of the answer. Time is counted in working days after the day an item was raised, up to the day it was answered. ',
      isNetworkAdmin(q.user) ? 'National totals across every council.' : ''),
    rows.length
      ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
        h('table', { class: 'table', id: 'sla-table' },
          h('caption', { class: 'table__caption' }, caption),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Quarter'),
            h('th', { scope: 'col' }, 'Type'),
            h('th', { scope: 'col' }, 'Answered by'),
            h('th', { scope: 'col', class: 'table__number' }, 'Count'),
            h('th', { scope: 'col', class: 'table__number' }, 'Within service level'),
            h('th', { scope: 'col', class: 'table__number' }, '% within'),
            h('th', { scope: 'col', class: 'table__number' }, 'Median working days'),
            h('th', { scope: 'col', class: 'table__number' }, '90th percentile working days'))),
          h('tbody', {}, rows.map((r) => h('tr', { dataset: { quarter: r.quarter, type: r.type, answeredBy: r.answered_by } },
            h('td', { dataset: { label: 'Quarter' } }, quarterText(r.quarter)),
            h('td', { dataset: { label: 'Type' } }, slaTypeLabel(r.type)),
            h('td', { dataset: { label: 'Answered by' } }, sideLabel(r.answered_by)),
            h('td', { class: 'table__number', dataset: { label: 'Count' } }, num(r.count)),
            h('td', { class: 'table__number', dataset: { label: 'Within service level' } }, num(r.within)),
            h('td', { class: 'table__number', dataset: { label: '% within' } }, pct(r.percent_within)),
            h('td', { class: 'table__number', dataset: { label: 'Median working days' } }, num(r.median_days)),
            h('td', { class: 'table__number', dataset: { label: '90th percentile working days' } }, num(r.p90_days)))))))
      : h('p', { class: 'body', id: 'sla-none' }, 'Nothing was answered in this period.'),
    ninoOpenPart(data && data.nino_open, num),
    links);
}

export async function renderReports(section, ctx) {
  const me = ctx.user;
  const downloads = canDownloadReports(me);
  const sla = canSeeSla(me);
  const ho = isHomeOffice(me);
  const p = ctx.params;
  const initial = { from: (p.get('from') || '').trim(), to: (p.get('to') || '').trim(), council: ho ? (p.get('council') || '').trim() : '' };

  let byCouncil = [];
  if (ho) {
    try {
      const home = await api.get('/api/home');
      byCouncil = (home && home.by_council) || [];
    } catch (error) { if (error.handled) throw error; byCouncil = []; }
    byCouncil = [...byCouncil, ...(await loadCouncils()).map((council) => ({ council }))];
    if (!ctx.isCurrent()) return;
  }

  const form = h('form', { class: 'form', id: 'reports-form', novalidate: true },
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend fieldset__legend--m' }, 'Period'),
      h('p', { class: 'hint' }, 'Both days are included.'),
      h('div', { class: 'form--inline' },
        dateField({ label: 'From', name: 'from', value: initial.from, hint: 'For example, 1 4 2025' }),
        dateField({ label: 'To', name: 'to', value: initial.to, hint: 'For example, 31 3 2026' }))),
    ho ? field({ label: 'Council (optional)', name: 'council', options: councilChoices(byCouncil, initial.council), value: initial.council }) : null,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'reports-submit' }, 'Show reports')));
  const out = h('div', { class: 'reports__results', id: 'reports-results' });
  const live = h('p', { class: 'visually-hidden', role: 'status', id: 'reports-status' });

  /** Check the form's dates as the server does; [query, errors]. */
  function read(raw) {
    const errors = [];
    const q = { user: me };
    const one = (name, words, example) => {
      const text = String(raw[name] || '').trim();
      const iso = parseDate(text);
      if (!text) errors.push({ field: name, message: `Enter the ${words} of the period` });
      else if (!iso) errors.push({ field: name, message: `The ${words} of the period must be a real date, for example ${example}` });
      else if (iso < '1900-01-01' || iso > '2100-12-31') errors.push({ field: name, message: `The ${words} of the period must be between 1900 and 2100` });
      else q[name] = iso;
    };
    one('from', 'start', '1 4 2025');
    one('to', 'end', '31 3 2026');
    if (q.from && q.to && q.to < q.from) errors.push({ field: 'to', message: 'The end of the period must be the same as or after its start' });
    q.council = ho ? String(raw.council || '') : '';
    return [q, errors];
  }

  async function show(q, { announce }) {
    let data = null;
    if (sla) {
      try {
        data = await api.get('/api/reports/sla', { query: { from: q.from, to: q.to, council: q.council } });
      } catch (error) {
        if (error.handled) throw error;
        showApiError(form, error);
        return false;
      }
      if (!ctx.isCurrent()) return false;
    }
    const councilName = q.council
      ? ((data && data.council && data.council.name) || (form.querySelector('[name="council"] option:checked') || {}).textContent || '')
      : '';
    replaceChildren(out,
      downloads ? downloadsSection(q, councilName) : null,
      sla ? slaSection(q, data) : null);
    if (announce) live.textContent = `Reports for ${periodText(q, councilName)}.`;
    const qs = new URLSearchParams({ from: q.from, to: q.to });
    if (q.council) qs.set('council', q.council);
    const hash = `#/reports?${qs}`;
    if (ctx.isCurrent() && location.hash !== hash) history.replaceState(history.state, '', hash);
    return true;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const [q, errors] = read({ from: valueOf(form, 'from'), to: valueOf(form, 'to'), council: ho ? valueOf(form, 'council') : '' });
    if (errors.length) { replaceChildren(out); showErrors(form, errors); return; }
    clearErrors(form);
    await busy(form, () => show(q, { announce: true }));
  });

  const intro = [];
  if (downloads) intro.push('Choose a period to download the finance, referrals and resolution reports, as Excel or CSV.');
  if (sla) intro.push('Choose a period to see how many alerts and queries were answered within their service level.');
  const performance = h('ul', { class: 'cards reports__cards' },
    h('li', { class: 'card' },
      h('h2', { class: 'card__title heading-s' }, h('a', { href: `#/${PERFORMANCE_ROUTE}`, class: 'link card__link', id: 'reports-performance' }, 'Performance monitoring')),
      h('p', { class: 'card__text' }, 'Referrals, closures, spend and open cases by month, with filters and downloads.')));
  appendChildren(section,
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'Reports'),
    performance);
  if (!downloads && !sla) return;
  // Without a period in the address the page opens on the financial year so far (1 April to today),
  // the period councils and the Home Office report on.
  if (!initial.from && !initial.to) Object.assign(initial, financialYearToDate());
  for (const [name, value] of [['from', initial.from], ['to', initial.to]]) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
    if (!m) continue;
    form.querySelector(`[name="${name}.day"]`).value = String(Number(m[3]));
    form.querySelector(`[name="${name}.month"]`).value = String(Number(m[2]));
    form.querySelector(`[name="${name}.year"]`).value = m[1];
  }
  appendChildren(section,
    h('p', { class: 'body' }, intro.join(' ')),
    canSeeNational(me) ? h('p', { class: 'body body--secondary' }, 'The Network’s annual figures by practice area, region and nation are in the ',
      h('a', { href: '#/national', class: 'link', id: 'national-link' }, 'national report'), '.') : null,
    form, live, out);

  // Show the period straight away (errors in the address's dates show on the form).
  const [q, errors] = read(initial);
  if (errors.length) showErrors(form, errors, { focus: false });
  else await show(q, { announce: false });
}

/** {from: 1 April of the financial year we are in, to: today} as YYYY-MM-DD (UK date). */
function financialYearToDate() {
  const to = today();
  const year = Number(to.slice(0, 4)) - (to.slice(5) < '04-01' ? 1 : 0);
  return { from: `${year}-04-01`, to };
}

