// The case page's Immigration tab: the summary and the form (council and Home Office). For the
// council, the fields named by the open immigration_update alert are marked "Changed by the Home
// Office" until the council accepts the update. For the Home Office, "Record final outcome".
import { api } from '../../api.js';
import { h, replaceChildren, summaryRow } from '../../dom.js';
import { field, checkbox, showErrors, showApiError, busy, valueOf } from '../../forms.js';
import { parseDate, dateInput, formatDate, formatDateTime, today } from '../../format.js';
import { acceptAlert, acceptErrorText } from '../../alert-table.js';
import { immigrationValueText } from '../../immigration-words.js';
import {
  IMMIGRATION_STATUSES, FINAL_OUTCOMES, options, immigrationStatusLabel, fieldWord,
} from '../../labels.js';
import { notRecorded, closedNote, isClosed } from './common.js';

const yesNoUnknown = (b) => (b === true ? 'Yes' : b === false ? 'No' : 'Not known');
const CHANGED = 'Changed by the Home Office';

/** The open immigration update addressed to the council, if any. */
export function openImmigrationUpdate(alerts) {
  return (alerts || []).find((a) => a.type === 'immigration_update' && a.open && a.to === 'council') || null;
}

function changedMarker() {
  return h('span', { class: 'changed-marker' }, h('span', { class: 'changed-marker__icon', 'aria-hidden': 'true' }, '●'), ` ${CHANGED}`);
}

/** Mark a form group (or summary row) as changed by the Home Office. */
function markGroup(group) {
  group.classList.add('form-group--changed');
  const marker = h('p', { class: 'changed-marker-line' }, changedMarker());
  const label = group.querySelector(':scope > label, :scope > .label');
  if (group.classList.contains('checkbox')) group.append(marker);
  else if (label) label.after(marker);
  else group.prepend(marker);
}

/** The banner above a changed page: what changed, and "Accept update". */
function changesBanner(alert, cx) {
  const fields = Array.isArray(alert.fields) ? alert.fields : [];
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const accept = h('button', { type: 'button', class: 'button', id: 'accept-immigration-update' }, 'Accept update');
  accept.addEventListener('click', async () => {
    accept.disabled = true;
    error.hidden = true;
    try {
      await acceptAlert(alert);
    } catch (e) {
      accept.disabled = false;
      if (e.handled) return;
      error.textContent = acceptErrorText(e);
      error.hidden = false;
      return;
    }
    await cx.activityChanged('The immigration update has been accepted. The changes are no longer marked.');
  });
  const changes = Array.isArray(alert.changes) ? alert.changes : [];
  return h('div', { class: 'changed-banner', id: 'immigration-changes', role: 'region', 'aria-labelledby': 'immigration-changes-heading' },
    h('h3', { class: 'heading-s', id: 'immigration-changes-heading' }, changedMarker()),
    h('p', { class: 'body' },
      `The Home Office updated this page on ${formatDateTime(alert.raised_at)}${alert.raised_by && alert.raised_by.name ? ` (${alert.raised_by.name})` : ''}. `,
      !changes.length && fields.length ? `Changed: ${fields.map(fieldWord).join(', ')}. ` : '',
      'Read the changes, then accept the update. The changes stay marked below until you do.'),
    changes.length ? changeList(changes) : null,
    error,
    h('div', { class: 'button-group' }, accept));
}

/** Each changed field as old → new (the alert's `changes`). */
export function changeList(changes) {
  return h('dl', { class: 'summary-list summary-list--compact change-list', id: 'immigration-change-list' },
    changes.map((c) => h('div', { class: 'summary-list__row', dataset: { field: c.field } },
      h('dt', { class: 'summary-list__key' }, fieldWord(c.field).replace(/^./, (x) => x.toUpperCase())),
      h('dd', { class: 'summary-list__value' },
        h('span', { class: 'change-list__old' }, immigrationValueText(c.field, c.old)),
        h('span', { 'aria-hidden': 'true' }, ' → '),
        h('span', { class: 'visually-hidden' }, ' changed to '),
        h('span', { class: 'change-list__new' }, immigrationValueText(c.field, c.new))))));
}

/** The Home Office's "Record final outcome" form (open cases only). */
function finalOutcomeForm(cx) {
  const form = h('form', { class: 'form panel', id: 'final-outcome-form', novalidate: true },
    h('h3', { class: 'heading-s', id: 'final-outcome-heading' }, 'Record final outcome'),
    h('p', { class: 'body body--secondary' }, 'Record a grant of status or a removal within 7 working days of learning of the decision. The council is alerted.'),
    field({ label: 'Outcome', name: 'outcome', options: options(FINAL_OUTCOMES, 'Choose the outcome') }),
    field({ label: 'Decision date', name: 'decision_date', width: 'small', hint: 'For example, 27 3 2025', attrs: { autocomplete: 'off', inputmode: 'numeric' } }),
    field({ label: 'Notes (optional)', name: 'notes', type: 'textarea', width: 'large', attrs: { rows: 3 } }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'record-final-outcome' }, 'Record final outcome')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errors = [];
    const outcome = valueOf(form, 'outcome');
    if (!outcome) errors.push({ field: 'outcome', message: 'Choose the outcome' });
    const raw = valueOf(form, 'decision_date').trim();
    const d = parseDate(raw);
    if (!raw) errors.push({ field: 'decision_date', message: 'Enter the decision date' });
    else if (!d) errors.push({ field: 'decision_date', message: 'The decision date must be a real date, for example 27 3 2025' });
    else if (d > today()) errors.push({ field: 'decision_date', message: 'The decision date cannot be in the future' });
    if (errors.length) { showErrors(form, errors); return; }
    await busy(form, async () => {
      let alert;
      try {
        alert = await api.post(`${cx.base}/final-outcome`, { outcome, decision_date: d, notes: valueOf(form, 'notes').trim() || null });
      } catch (error) { showApiError(form, error); return; }
      const late = alert && alert.outcome && alert.outcome.late
        ? ' It was recorded after the 7-working-day deadline.' : '';
      await cx.activityChanged(`The final outcome has been recorded and the council has been alerted.${late}`);
    });
  });
  return form;
}

/** Draw the Immigration tab into `panel`. */
export function drawImmigration(panel, cx) {
  const kase = cx.kase;
  const im = kase.immigration || {};
  const update = cx.council ? openImmigrationUpdate(cx.alerts) : null;
  const changed = new Set(update && Array.isArray(update.fields) ? update.fields : []);
  const rtpf = im.recourse_to_public_funds === true ? 'yes' : im.recourse_to_public_funds === false ? 'no' : '';
  // One example format everywhere; a past event (an application) never gets a future example.
  const dateField = (lbl, name, v, example = '27 3 2025') => field({ label: lbl, name, value: dateInput(v), width: 'small', hint: `For example, ${example}`, attrs: { autocomplete: 'off', inputmode: 'numeric' } });
  const cancel = h('button', { type: 'button', class: 'button button--secondary', id: 'cancel-immigration' }, 'Cancel');
  const form = h('form', { class: 'form', id: 'immigration-form', novalidate: true },
    field({ label: 'Immigration status', name: 'status', options: options(IMMIGRATION_STATUSES), value: im.status || 'unknown' }),
    field({
      label: 'Recourse to public funds', name: 'recourse_to_public_funds', value: rtpf,
      options: [{ value: '', label: 'Not known' }, { value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }],
    }),
    dateField('Leave expiry date (optional)', 'leave_expiry', im.leave_expiry, '27 3 2028'),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend' }, 'Outstanding application'),
      checkbox({ label: 'There is an outstanding application', name: 'outstanding_application', checked: Boolean(im.outstanding_application) }),
      field({ label: 'Application type (optional)', name: 'application_type', value: im.application_type || '', width: 'large', attrs: { autocomplete: 'off' } }),
      dateField('Application date (optional)', 'application_date', im.application_date)),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend' }, 'Appeal and judicial review'),
      checkbox({ label: 'There is an appeal', name: 'appeal', checked: Boolean(im.appeal) }),
      dateField('Appeal date (optional)', 'appeal_date', im.appeal_date),
      checkbox({ label: 'There is a judicial review', name: 'judicial_review', checked: Boolean(im.judicial_review) }),
      dateField('Judicial review date (optional)', 'judicial_review_date', im.judicial_review_date)),
    // The Home Office's notes are its own: the council reads them in the summary, never edits them.
    cx.ho ? field({ label: 'Home Office notes (optional)', name: 'ho_notes', type: 'textarea', value: im.ho_notes || '', width: 'large', attrs: { rows: 5 } }) : null,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'save-immigration' }, 'Save immigration page'), cancel));
  for (const name of changed) {
    const group = form.querySelector(`.form-group[data-field="${name}"]`);
    if (group) markGroup(group);
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errors = [];
    const date = (name, lbl) => {
      const raw = valueOf(form, name).trim();
      const iso = parseDate(raw);
      if (iso === null) { errors.push({ field: name, message: `${lbl} must be a real date, for example 27 3 2025` }); return null; }
      return iso || null;
    };
    const rv = valueOf(form, 'recourse_to_public_funds');
    const body = {
      status: valueOf(form, 'status'),
      recourse_to_public_funds: rv === 'yes' ? true : rv === 'no' ? false : null,
      leave_expiry: date('leave_expiry', 'The leave expiry date'),
      outstanding_application: form.querySelector('input[name="outstanding_application"]').checked,
      application_type: valueOf(form, 'application_type').trim() || null,
      application_date: date('application_date', 'The application date'),
      appeal: form.querySelector('input[name="appeal"]').checked,
      appeal_date: date('appeal_date', 'The appeal date'),
      judicial_review: form.querySelector('input[name="judicial_review"]').checked,
      judicial_review_date: date('judicial_review_date', 'The judicial review date'),
    };
    if (cx.ho) body.ho_notes = valueOf(form, 'ho_notes').trim() || null;
    if (errors.length) { showErrors(form, errors); return; }
    await busy(form, async () => {
      let updated;
      try {
        updated = await api.put(`${cx.base}/immigration`, body);
      } catch (error) { showApiError(form, error); return; }
      await cx.refresh(updated, 'The immigration page has been saved.');
    });
  });

  const row = (key, lbl, value) => {
    const r = summaryRow(lbl, changed.has(key) ? [value, ' ', changedMarker()] : value);
    if (changed.has(key)) r.classList.add('summary-list__row--changed');
    return r;
  };
  const updated = im.updated_at
    ? h('p', { class: 'body body--secondary', id: 'immigration-updated' },
      `Last updated ${formatDateTime(im.updated_at)}${im.updated_by ? ` by ${im.updated_by.name}` : ''}.`)
    : h('p', { class: 'body body--secondary', id: 'immigration-updated' }, 'Not updated yet.');
  const dateOr = (d) => (d ? formatDate(d) : notRecorded());
  const edit = !isClosed(cx)
    ? h('button', { type: 'button', class: 'button button--secondary', id: 'edit-immigration' }, 'Edit immigration')
    : null;
  const summary = h('dl', { class: 'summary-list summary-list--compact', id: 'immigration-summary' },
    row('status', 'Status', immigrationStatusLabel(im.status || 'unknown')),
    row('recourse_to_public_funds', 'Recourse to public funds', yesNoUnknown(im.recourse_to_public_funds)),
    row('leave_expiry', 'Leave expiry', dateOr(im.leave_expiry)),
    h('div', { class: 'summary-list__row', id: 'status-at-referral' },
      h('dt', { class: 'summary-list__key' }, 'Status at referral'),
      h('dd', { class: 'summary-list__value' }, kase.status_at_referral
        ? immigrationStatusLabel(kase.status_at_referral)
        : h('span', { class: 'muted' }, 'Not recorded yet (the first status other than “not known” saved on this page)'))),
    row('outstanding_application', 'Outstanding application', im.outstanding_application
      ? [im.application_type || 'Yes', im.application_date ? `, made ${formatDate(im.application_date)}` : ''] : 'No'),
    row('appeal', 'Appeal', im.appeal ? (im.appeal_date ? `Yes, ${formatDate(im.appeal_date)}` : 'Yes') : 'No'),
    row('judicial_review', 'Judicial review', im.judicial_review ? (im.judicial_review_date ? `Yes, ${formatDate(im.judicial_review_date)}` : 'Yes') : 'No'),
    row('ho_notes', 'Home Office notes', im.ho_notes ? h('span', { class: 'pre-line' }, im.ho_notes) : notRecorded()));
  const show = () => replaceChildren(panel, cx.panelHeading('Immigration', edit),
    update ? changesBanner(update, cx) : null,
    closedNote(cx, 'immigration'),
    summary,
    updated,
    // The SLA still expects the final outcome after closure, and the server takes it on a closed case.
    cx.ho ? finalOutcomeForm(cx) : null);
  show();
  if (!edit) return;
  // Read first, edit on purpose: the form only when asked for, and Cancel goes back to the summary.
  edit.addEventListener('click', () => {
    replaceChildren(panel, cx.panelHeading('Edit the immigration page'), update ? changesBanner(update, cx) : null, form);
    form.querySelector('select').focus();
  });
  cancel.addEventListener('click', () => { show(); edit.focus(); });
}
