// The case page's Summary tab: an overview first (immigration status and recourse, leave expiry, open
// alerts and queries with their due dates, support and its cost, the caseworker), then the
// administrative details (the council edits them) and, for the council, the allocation.
import { api } from '../../api.js';
import { h, replaceChildren, summaryRow } from '../../dom.js';
import { field, showApiError, busy, valueOf } from '../../forms.js';
import { formatDate, formatDateTime, formatPence, today } from '../../format.js';
import { dueNode } from '../../due.js';
import {
  LEGISLATION, HOUSEHOLD_TYPES, REFERRAL_SOURCES, options, referralSourceLabel, legislationLabel, householdLabel,
  immigrationStatusLabel, alertTypeLabel, queryCategoryLabel, awaitingLabel,
} from '../../labels.js';
import { statusTag } from '../cases.js';
import { notRecorded, orNot, isClosed } from './common.js';

/** Days from one YYYY-MM-DD to another, both counted (0 when `to` is before `from`). */
function daysInclusive(from, to) {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? Math.round((b - a) / 86400000) + 1 : 0;
}

/**
 * The cost of support from its start to its end or today (as the finance report counts it: a weekly
 * amount costs weekly × days ÷ 7, rounded to the penny; other costs dated up to today, and undated
 * ones), in pence; null without a start date.
 */
export function costToDate(fin, todayIso) {
  if (!fin || !fin.support_start_date) return null;
  const end = fin.support_end_date && fin.support_end_date < todayIso ? fin.support_end_date : todayIso;
  const days = daysInclusive(fin.support_start_date, end);
  const weekly = (Number(fin.weekly_subsistence_pence) || 0) + (Number(fin.weekly_accommodation_pence) || 0);
  const others = (Array.isArray(fin.other_costs) ? fin.other_costs : [])
    .filter((c) => !c.date || c.date <= todayIso)
    .reduce((n, c) => n + (Number(c.amount_pence) || 0), 0);
  return Math.round((weekly * days) / 7) + others;
}

/** The open alerts for the user's side and the open queries, each with its due date in words. */
function openWork(cx) {
  const side = cx.council ? 'council' : 'ho';
  const alerts = (cx.alerts || []).filter((a) => a.open && a.to === side);
  const queries = (cx.queries || []).filter((q) => q.status !== 'closed');
  if (cx.alerts === null && cx.queries === null) return h('span', { class: 'muted' }, 'Could not be loaded');
  if (!alerts.length && !queries.length) return h('span', { id: 'overview-no-work' }, 'None');
  return h('ul', { class: 'list list--plain overview-work', id: 'overview-work' },
    alerts.map((a) => h('li', { dataset: { alertId: String(a.id) } },
      h('a', { href: `#/cases/${cx.id}/${a.type === 'immigration_update' ? 'immigration' : 'alerts'}`, class: 'link' }, `${alertTypeLabel(a.type)} alert`),
      ' ', dueNode(a))),
    queries.map((q) => h('li', { dataset: { queryId: String(q.id) } },
      h('a', { href: `#/queries/${q.id}`, class: 'link' }, `${queryCategoryLabel(q.category)} query`),
      ` – ${awaitingLabel(q.awaiting).replace(/^W/, 'w')} `, dueNode(q))));
}

/** What a caseworker asks first: status and recourse, leave, open work, support and its cost, who has it. */
function overview(cx) {
  const { kase } = cx;
  const im = kase.immigration || {};
  const fin = kase.finance;
  const weekly = fin && (fin.weekly_subsistence_pence != null || fin.weekly_accommodation_pence != null)
    ? (Number(fin.weekly_subsistence_pence) || 0) + (Number(fin.weekly_accommodation_pence) || 0) : null;
  const cost = costToDate(fin, today());
  const rtpf = im.recourse_to_public_funds === true ? 'Yes' : im.recourse_to_public_funds === false ? 'No' : 'Not known';
  return h('dl', { class: 'summary-list', id: 'case-overview' },
    summaryRow('Status', statusTag(kase.status)),
    summaryRow('Immigration status', immigrationStatusLabel(im.status || 'unknown')),
    summaryRow('Recourse to public funds', rtpf),
    summaryRow('Leave expiry', im.leave_expiry ? formatDate(im.leave_expiry) : notRecorded()),
    summaryRow('Open alerts and queries', openWork(cx)),
    summaryRow('Support start', fin && fin.support_start_date ? formatDate(fin.support_start_date) : h('span', { class: 'muted' }, 'No financial support recorded')),
    fin && fin.support_end_date ? summaryRow('Support end', formatDate(fin.support_end_date)) : null,
    summaryRow('Weekly cost', weekly !== null ? formatPence(weekly) : notRecorded()),
    summaryRow('Cost to date', cost !== null ? formatPence(cost) : notRecorded()),
    summaryRow('Caseworker', kase.caseworker ? kase.caseworker.name : h('span', { class: 'muted' }, 'Not allocated')));
}

export function drawSummary(p, cx) {
  const { kase, council } = cx;
  const view = h('dl', { class: 'summary-list', id: 'case-summary' },
    summaryRow('Connect ID', kase.connect_id || `C${kase.id}`),
    summaryRow('Council', (kase.council && kase.council.name) || ''),
    summaryRow('Team', orNot(kase.team)),
    summaryRow('Legislation', legislationLabel(kase.legislation)),
    summaryRow('Household type', householdLabel(kase.household_type)),
    summaryRow('Referral source', kase.referral_source ? referralSourceLabel(kase.referral_source) : notRecorded()),
    summaryRow('Address', orNot(kase.address)),
    summaryRow('The council’s involvement', kase.la_involvement ? h('span', { class: 'pre-line' }, kase.la_involvement) : notRecorded()),
    summaryRow('Created', formatDateTime(kase.created_at)),
    summaryRow('Last updated', formatDateTime(kase.updated_at)));
  // A closed case's details wait for it to be reopened (422 case_closed); allocation still changes.
  const editButton = council && !isClosed(cx)
    ? h('button', { type: 'button', class: 'button button--secondary', id: 'edit-details', 'aria-expanded': 'false', 'aria-controls': 'details-form' }, 'Edit details')
    : null;
  const formArea = h('div', {});
  replaceChildren(p, cx.panelHeading('Summary'), overview(cx),
    h('div', { class: 'section-head' }, h('h3', { class: 'heading-m', id: 'details-heading' }, 'Administrative details'), editButton),
    formArea, view);
  if (editButton) {
    editButton.addEventListener('click', () => {
      const open = editButton.getAttribute('aria-expanded') === 'true';
      if (open) { replaceChildren(formArea); editButton.setAttribute('aria-expanded', 'false'); return; }
      editButton.setAttribute('aria-expanded', 'true');
      replaceChildren(formArea, detailsForm(cx, () => { replaceChildren(formArea); editButton.setAttribute('aria-expanded', 'false'); editButton.focus(); }));
      formArea.querySelector('select').focus();
    });
    p.append(allocationSection(cx));
  }
}

function detailsForm(cx, onCancel) {
  const { kase, base } = cx;
  const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
  cancel.addEventListener('click', onCancel);
  const form = h('form', { class: 'form panel', id: 'details-form', novalidate: true },
    h('h3', { class: 'heading-s' }, 'Edit the case details'),
    field({ label: 'Legislation', name: 'legislation', options: options(LEGISLATION), value: kase.legislation }),
    field({ label: 'Household type', name: 'household_type', options: options(HOUSEHOLD_TYPES), value: kase.household_type }),
    field({ label: 'Referral source', name: 'referral_source', options: options(REFERRAL_SOURCES, 'Not recorded'), value: kase.referral_source || '' }),
    field({ label: 'Address', name: 'address', type: 'textarea', value: kase.address || '', width: 'large', attrs: { rows: 3 } }),
    field({ label: 'The council’s involvement', name: 'la_involvement', type: 'textarea', value: kase.la_involvement || '', width: 'large', attrs: { rows: 5 } }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Save details'), cancel));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      legislation: valueOf(form, 'legislation'),
      household_type: valueOf(form, 'household_type'),
      address: valueOf(form, 'address').trim() || null,
      la_involvement: valueOf(form, 'la_involvement').trim() || null,
    };
    // The referral source goes only when it changed (null clears it).
    const source = valueOf(form, 'referral_source') || null;
    if (source !== (kase.referral_source || null)) body.referral_source = source;
    await busy(form, async () => {
      try {
        cx.refresh(await api.put(base, body), 'The case details have been saved.');
      } catch (error) { showApiError(form, error); }
    });
  });
  return form;
}

function allocationSection(cx) {
  const { kase, base, cwOptions } = cx;
  const form = h('form', { class: 'form form--inline', id: 'allocation-form', novalidate: true },
    field({ label: 'Caseworker', name: 'caseworker_id', options: cwOptions, value: kase.caseworker ? String(kase.caseworker.id) : '' }),
    field({ label: 'Team', name: 'team', value: kase.team || '', width: 'medium', attrs: { autocomplete: 'off' } }),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Save allocation'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const cw = valueOf(form, 'caseworker_id');
    const body = { caseworker_id: cw ? Number(cw) : null, team: valueOf(form, 'team').trim() || null };
    await busy(form, async () => {
      try {
        cx.refresh(await api.put(`${base}/allocation`, body), 'The allocation has been saved.');
      } catch (error) { showApiError(form, error); }
    });
  });
  return h('div', { class: 'panel', id: 'allocation' },
    h('h3', { class: 'heading-s', id: 'allocation-heading' }, 'Allocation'),
    h('p', { class: 'body body--secondary' }, 'The caseworker is responsible for the case and finds it under My cases.'),
    form);
}
