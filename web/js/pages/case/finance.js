// The case page's Finance tab: the council's form (support dates, weekly amounts, other costs); the
// Home Office reads it as a plain summary.
import { api } from '../../api.js';
import { h, replaceChildren, summaryRow } from '../../dom.js';
import { field, dateField, showErrors, showApiError, busy, valueOf } from '../../forms.js';
import { parseDate, dateInput, formatDate, formatDateTime, formatPence, penceInput, parsePounds } from '../../format.js';
import { ACCOMMODATION_TYPES, options, accommodationLabel } from '../../labels.js';
import { notRecorded, closedNote, isClosed } from './common.js';

export function drawFinance(p, cx) {
  const { kase, council } = cx;
  const f = kase.finance;
  // Read first, edit on purpose: everyone sees the summary; the council (on an open case) has "Edit
  // finance", which opens the form. The Home Office only reads it.
  const edit = council && !isClosed(cx)
    ? h('button', { type: 'button', class: 'button button--secondary', id: 'edit-finance' }, f ? 'Edit finance' : 'Record finance')
    : null;
  {
    const rows = f ? [
      summaryRow('Support start date', f.support_start_date ? formatDate(f.support_start_date) : notRecorded()),
      summaryRow('Weekly subsistence', f.weekly_subsistence_pence != null ? formatPence(f.weekly_subsistence_pence) : notRecorded()),
      summaryRow('Accommodation type', f.accommodation_type ? accommodationLabel(f.accommodation_type) : notRecorded()),
      summaryRow('Weekly accommodation cost', f.weekly_accommodation_pence != null ? formatPence(f.weekly_accommodation_pence) : notRecorded()),
      summaryRow('Support end date', f.support_end_date ? formatDate(f.support_end_date) : notRecorded()),
    ] : [];
    const costs = f && Array.isArray(f.other_costs) && f.other_costs.length
      ? h('table', { class: 'table', id: 'other-costs-table' },
        h('caption', { class: 'table__caption' }, 'Other costs'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Description'), h('th', { scope: 'col' }, 'Amount'), h('th', { scope: 'col' }, 'Date'))),
        h('tbody', {}, f.other_costs.map((c) => h('tr', {},
          h('td', { dataset: { label: 'Description' } }, c.description || ''),
          h('td', { dataset: { label: 'Amount' } }, formatPence(c.amount_pence)),
          h('td', { dataset: { label: 'Date' } }, formatDate(c.date))))))
      : h('p', { class: 'body' }, 'No other costs are recorded.');
    replaceChildren(p, cx.panelHeading('Finance', edit),
      council ? closedNote(cx, 'finance')
        : h('p', { class: 'inset', id: 'finance-read-only' }, 'The council records the finance. You can read it but not change it.'),
      f ? h('div', { id: 'finance-view' }, h('dl', { class: 'summary-list', id: 'finance-summary' }, rows), costs)
        : h('p', { class: 'body', id: 'finance-view' }, 'No finance is recorded yet.'));
  }
  if (!edit) return;
  edit.addEventListener('click', () => {
    const form = financeForm(cx, () => { drawFinance(p, cx); p.querySelector('#edit-finance').focus(); });
    const updated = f && f.updated_at ? h('p', { class: 'body body--secondary' }, `Last updated ${formatDateTime(f.updated_at)}.`) : null;
    replaceChildren(p, cx.panelHeading(f ? 'Edit the finance' : 'Record the finance'), updated, form);
    form.querySelector('input').focus();
  });
}

/** The council's finance form; `onCancel` goes back to the summary. */
function financeForm(cx, onCancel) {
  const { kase, base } = cx;
  const f = kase.finance;
  const fin = f || {};
  const costList = h('div', { class: 'cost-rows', id: 'other-costs' });
  const addCost = h('button', { type: 'button', class: 'button button--secondary button--small', id: 'add-cost' }, 'Add another cost');
  const renumber = () => {
    [...costList.children].forEach((row, i) => {
      for (const el of row.querySelectorAll('[name]')) el.name = el.name.replace(/^other_costs\.\d+\./, `other_costs.${i}.`);
      row.querySelector('legend').textContent = `Cost ${i + 1}`;
      row.querySelector('.remove-cost').textContent = `Remove cost ${i + 1}`;
    });
  };
  const costRow = (c = {}) => {
    const i = costList.children.length;
    const remove = h('button', { type: 'button', class: 'button button--secondary button--small remove-cost' }, `Remove cost ${i + 1}`);
    const row = h('fieldset', { class: 'fieldset cost-row' },
      h('legend', { class: 'fieldset__legend' }, `Cost ${i + 1}`),
      h('div', { class: 'form--inline' },
        field({ label: 'Description', name: `other_costs.${i}.description`, value: c.description || '', width: 'medium', attrs: { autocomplete: 'off' } }),
        field({ label: 'Amount (£)', name: `other_costs.${i}.amount_pence`, value: penceInput(c.amount_pence), width: 'small', attrs: { inputmode: 'decimal', autocomplete: 'off' } }),
        field({ label: 'Date', name: `other_costs.${i}.date`, value: dateInput(c.date), width: 'small', attrs: { inputmode: 'numeric', autocomplete: 'off' } }),
        remove));
    remove.addEventListener('click', () => {
      row.remove();
      renumber();
      addCost.focus();
    });
    costList.append(row);
    return row;
  };
  for (const c of (Array.isArray(fin.other_costs) ? fin.other_costs : [])) costRow(c);
  addCost.addEventListener('click', () => { costRow().querySelector('input').focus(); });

  const poundsField = (lbl, name, pence) => field({
    label: lbl, name, value: penceInput(pence), width: 'small', hint: 'In pounds, for example 85.50',
    attrs: { inputmode: 'decimal', autocomplete: 'off' },
  });
  const supportDate = (lbl, name, v, hint) => dateField({ label: lbl, name, value: v || '', hint });
  const cancel = h('button', { type: 'button', class: 'button button--secondary', id: 'cancel-finance' }, 'Cancel');
  cancel.addEventListener('click', onCancel);
  const form = h('form', { class: 'form', id: 'finance-form', novalidate: true },
    supportDate('Support start date', 'support_start_date', fin.support_start_date, 'The first date the council paid for support. Saving it makes the case “Open – supported”. For example, 1 9 2025'),
    poundsField('Weekly subsistence (£)', 'weekly_subsistence_pence', fin.weekly_subsistence_pence),
    field({ label: 'Accommodation type', name: 'accommodation_type', options: options(ACCOMMODATION_TYPES, 'Not recorded'), value: fin.accommodation_type || '' }),
    poundsField('Weekly accommodation cost (£)', 'weekly_accommodation_pence', fin.weekly_accommodation_pence),
    h('h3', { class: 'heading-s' }, 'Other costs'),
    costList,
    h('p', { class: 'body' }, addCost),
    supportDate('Support end date (optional)', 'support_end_date', fin.support_end_date, 'The last date of financial support. For example, 30 11 2025'),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'save-finance' }, 'Save finance'), cancel));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errors = [];
    const date = (name, lbl) => {
      const iso = parseDate(valueOf(form, name));
      if (iso === null) { errors.push({ field: name, message: `${lbl} must be a real date, for example 1 9 2025` }); return null; }
      return iso || null;
    };
    const money = (name, lbl) => {
      const v = parsePounds(valueOf(form, name));
      if (Number.isNaN(v)) { errors.push({ field: name, message: `${lbl} must be an amount in pounds, for example 85.50` }); return null; }
      return v;
    };
    const body = {
      support_start_date: date('support_start_date', 'The support start date'),
      weekly_subsistence_pence: money('weekly_subsistence_pence', 'Weekly subsistence'),
      accommodation_type: valueOf(form, 'accommodation_type') || null,
      weekly_accommodation_pence: money('weekly_accommodation_pence', 'The weekly accommodation cost'),
      other_costs: [],
      support_end_date: date('support_end_date', 'The support end date'),
    };
    [...costList.children].forEach((row, i) => {
      const description = valueOf(form, `other_costs.${i}.description`).trim();
      const amount = money(`other_costs.${i}.amount_pence`, `The amount of cost ${i + 1}`);
      const d = date(`other_costs.${i}.date`, `The date of cost ${i + 1}`);
      if (!description && amount === null && !d) return; // an empty row is ignored
      if (!description) errors.push({ field: `other_costs.${i}.description`, message: `Enter a description for cost ${i + 1}` });
      if (amount === null && !errors.some((e) => e.field === `other_costs.${i}.amount_pence`)) errors.push({ field: `other_costs.${i}.amount_pence`, message: `Enter the amount of cost ${i + 1}` });
      body.other_costs.push({ description, amount_pence: amount, date: d });
    });
    if (errors.length) { showErrors(form, errors); return; }
    const wasReferral = kase.status === 'open_referral';
    await busy(form, async () => {
      let updated;
      try {
        updated = await api.put(`${base}/finance`, body);
      } catch (error) { showApiError(form, error); return; }
      const now = wasReferral && updated && updated.status === 'open_supported' ? ' The case is now open – supported.' : '';
      cx.refresh(updated, `The finance has been saved.${now}`);
    });
  });
  return form;
}
