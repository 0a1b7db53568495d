// The case page's Summary tab: the case details (the council edits them) and, for the council, the
// allocation (caseworker and team).
import { api } from '../../api.js';
import { h, replaceChildren, summaryRow } from '../../dom.js';
import { field, showApiError, busy, valueOf } from '../../forms.js';
import { formatDateTime } from '../../format.js';
import {
  LEGISLATION, HOUSEHOLD_TYPES, REFERRAL_SOURCES, options, referralSourceLabel, legislationLabel, householdLabel,
} from '../../labels.js';
import { statusTag } from '../cases.js';
import { notRecorded, orNot, isClosed } from './common.js';

export function drawSummary(p, cx) {
  const { kase, council } = cx;
  const view = h('dl', { class: 'summary-list', id: 'case-summary' },
    summaryRow('Status', statusTag(kase.status)),
    summaryRow('Connect ID', kase.connect_id || `C${kase.id}`),
    summaryRow('Council', (kase.council && kase.council.name) || ''),
    summaryRow('Caseworker', kase.caseworker ? kase.caseworker.name : h('span', { class: 'muted' }, 'Not allocated')),
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
  replaceChildren(p, cx.panelHeading('Summary', editButton), formArea, view);
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
