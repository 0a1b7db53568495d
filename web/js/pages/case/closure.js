// The case page's Closure tab: the council's "Close case" form, or the closure and "Reopen case";
// earlier closures below; the retention section (retention.js): when it will be destroyed, legal holds.
import { api } from '../../api.js';
import { h, replaceChildren, summaryRow } from '../../dom.js';
import { field, dateField, showErrors, showApiError, busy, valueOf } from '../../forms.js';
import { parseDate, formatDate, formatDateTime, today } from '../../format.js';
import { CLOSURE_REASONS, options, closureReasonLabel } from '../../labels.js';
import { confirmDialog } from '../../dialog.js';
import { notRecorded } from './common.js';
import { retentionSection } from './retention.js';

function previousClosures(kase) {
  const list = Array.isArray(kase.previous_closures) ? kase.previous_closures : [];
  if (!list.length) return null;
  return h('div', { id: 'previous-closures' },
    h('h3', { class: 'heading-s' }, 'Earlier closures'),
    h('ul', { class: 'list' }, list.map((pc) => h('li', {},
      `Closed ${formatDate(pc.closure_date)} – ${closureReasonLabel(pc.reason)}`,
      pc.reopened_at ? `; reopened ${formatDateTime(pc.reopened_at)}` : ''))));
}

// "Mark as a duplicate": closes this case (reason duplicate) and moves its open work to the case it
// duplicates, named by its Connect ID.
function duplicateForm(cx) {
  const { base } = cx;
  const form = h('form', { class: 'form', id: 'duplicate-form', novalidate: true },
    h('h3', { class: 'heading-s' }, 'Mark as a duplicate'),
    field({
      label: 'Connect ID of the case this one duplicates', name: 'case_id', width: 'small', value: '',
      hint: 'For example, C12. This case closes as a duplicate; its open alerts and queries move to that case.',
      attrs: { autocomplete: 'off' },
    }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button--secondary', id: 'mark-duplicate' }, 'Mark as a duplicate')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const raw = valueOf(form, 'case_id').trim();
    const m = /^[Cc]?(\d{1,15})$/.exec(raw);
    if (!m) { showErrors(form, [{ field: 'case_id', message: 'Enter the Connect ID of the other case, for example C12' }]); return; }
    const ok = await confirmDialog({
      title: `Mark this case as a duplicate of C${m[1]}?`,
      body: 'This case closes with the reason “Duplicate”, and its open alerts and queries move to the other case.',
      confirmLabel: 'Mark as a duplicate',
    });
    if (!ok) return;
    await busy(form, async () => {
      try {
        cx.refresh(await api.post(`${base}/duplicate-of`, { case_id: Number(m[1]) }), `This case has been marked as a duplicate of C${m[1]}.`);
      } catch (error) { showApiError(form, error); }
    });
  });
  return form;
}

export function drawClosure(p, cx) {
  const { kase, council, base } = cx;
  const c = kase.closure;
  if (kase.status === 'closed' || c) {
    const reopen = council ? h('button', { type: 'button', class: 'button button--secondary', id: 'reopen-case' }, 'Reopen case') : null;
    replaceChildren(p, cx.panelHeading('Closure'),
      h('p', { class: 'body', id: 'closure-state' }, 'This case is closed.'),
      kase.duplicate_of ? h('p', { class: 'notice', id: 'duplicate-of' }, 'Marked as a duplicate of ',
        h('a', { href: `#/cases/${kase.duplicate_of}`, class: 'link' }, `C${kase.duplicate_of}`),
        '. Its open alerts and queries moved there; the Network removes this case.') : null,
      c ? h('dl', { class: 'summary-list', id: 'closure-summary' },
        summaryRow('Closure date', formatDate(c.closure_date)),
        summaryRow('Reason', closureReasonLabel(c.reason)),
        summaryRow('Notes', c.notes ? h('span', { class: 'pre-line' }, c.notes) : notRecorded()),
        summaryRow('Closed', `${formatDateTime(c.closed_at)}${c.closed_by && c.closed_by.name ? ` by ${c.closed_by.name}` : ''}`)) : null,
      retentionSection(cx),
      reopen,
      previousClosures(kase));
    if (reopen) {
      reopen.addEventListener('click', async () => {
        const ok = await confirmDialog({
          title: 'Reopen this case?',
          body: 'The case becomes open again: supported if finance has a support start date, otherwise a referral.',
          confirmLabel: 'Reopen case',
        });
        if (!ok) return;
        try {
          cx.refresh(await api.del(`${base}/closure`), 'The case has been reopened.');
        } catch (error) { cx.failed(error); }
      });
    }
    return;
  }
  if (!council) {
    replaceChildren(p, cx.panelHeading('Closure'), h('p', { class: 'body', id: 'closure-state' }, 'This case is open. Only the council can close it.'), retentionSection(cx), previousClosures(kase));
    return;
  }
  const start = kase.finance && kase.finance.support_start_date;
  const form = h('form', { class: 'form', id: 'closure-form', novalidate: true },
    dateField({
      label: 'Closure date', name: 'closure_date',
      hint: 'For a supported case, the last date of financial support. For example, 30 11 2025',
    }),
    field({ label: 'Reason', name: 'reason', options: options(CLOSURE_REASONS, 'Choose a reason') }),
    field({ label: 'Notes (optional)', name: 'notes', type: 'textarea', width: 'large', attrs: { rows: 4 } }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button--warning', id: 'close-case' }, 'Close case')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errors = [];
    const raw = valueOf(form, 'closure_date');
    const d = parseDate(raw);
    if (!raw.trim()) errors.push({ field: 'closure_date', message: 'Enter the closure date' });
    else if (!d) errors.push({ field: 'closure_date', message: 'The closure date must be a real date, for example 30 11 2025' });
    else if (d > today()) errors.push({ field: 'closure_date', message: 'The closure date cannot be in the future' });
    else if (start && d < start) errors.push({ field: 'closure_date', message: `The closure date cannot be before the support start date (${formatDate(start)})` });
    const reason = valueOf(form, 'reason');
    if (!reason) errors.push({ field: 'reason', message: 'Choose the reason for closing the case' });
    if (errors.length) { showErrors(form, errors); return; }
    // Closing resolves the case's open alerts and queries and freezes it: asked for, as reopening is.
    const ok = await confirmDialog({
      title: 'Close this case?',
      body: `The case closes on ${formatDate(d)} (${closureReasonLabel(reason)}). Its open alerts and queries are resolved, and it cannot be changed until it is reopened.`,
      confirmLabel: 'Close case',
      danger: true,
    });
    if (!ok) return;
    await busy(form, async () => {
      try {
        cx.refresh(await api.post(`${base}/closure`, { closure_date: d, reason, notes: valueOf(form, 'notes').trim() || null }), 'The case has been closed.');
      } catch (error) { showApiError(form, error); }
    });
  });
  replaceChildren(p, cx.panelHeading('Close the case'),
    h('p', { class: 'body', id: 'closure-state' }, 'This case is open.'),
    form,
    duplicateForm(cx),
    retentionSection(cx),
    previousClosures(kase));
}
