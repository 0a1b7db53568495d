// What the case page shows of governance (issue 14): the council admin's "Subject access" download
// per person, and "Information given to the person" (the list, and the council's form).
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { field, showErrors, showApiError, busy, valueOf } from '../../forms.js';
import { dateInput, formatDate, parseDate, today } from '../../format.js';
import { options } from '../../labels.js';

const HOW = { in_person: 'In person', letter: 'Letter', email: 'Email', phone: 'Phone', other: 'Other' };

/** Whether the signed-in user may export: an admin of the case's council. */
export function mayExport(cx) { return Boolean(cx.council && cx.user && cx.user.role === 'admin'); }

/**
 * A plain link to the ZIP (the session cookie goes with it, like a document's download): the
 * browser saves it under the name the server gives. Null for anyone but a council admin.
 */
export function subjectAccessLink(cx, person, name) {
  if (!mayExport(cx)) return null;
  return h('a', {
    href: `${cx.base}/persons/${person.id}/subject-access`, download: '',
    class: 'button button--small button--secondary', dataset: { action: 'subject-access', personId: String(person.id) },
    'aria-label': `Subject access export for ${name}`,
  }, 'Subject access');
}

/** The "Information given to the person" section, read afresh each time it is drawn. */
export function sharedSection(cx) {
  if (!cx.council) return null; // the Home Office does not see the council's record of its dealings
  const box = h('section', { class: 'panel', id: 'shared-with-person', 'aria-labelledby': 'shared-heading' });
  const list = h('div', {});
  const formArea = h('div', {});
  const add = h('button', { type: 'button', class: 'button button--secondary', id: 'add-shared', 'aria-expanded': 'false', 'aria-controls': 'shared-form' }, 'Record information given');
  replaceChildren(box,
    h('div', { class: 'section-head' }, h('h3', { class: 'heading-s', id: 'shared-heading' }, 'Information given to the person'), add),
    formArea, list);
  const load = async () => {
    try {
      const r = await api.get(`${cx.base}/shared-with-person`);
      replaceChildren(list, r.items.length
        ? h('ul', { class: 'list', id: 'shared-list' }, r.items.map((s) => h('li', { dataset: { sharedId: String(s.id) } },
          h('strong', {}, formatDate(s.date)), ` – ${HOW[s.how] || s.how}: ${s.what}`,
          s.notes ? h('span', { class: 'muted' }, ` (${s.notes})`) : null)))
        : h('p', { class: 'body', id: 'shared-none' }, 'Nothing is recorded as given to the person yet.'));
    } catch (error) { cx.failed(error); }
  };
  add.addEventListener('click', () => {
    if (add.getAttribute('aria-expanded') === 'true') { replaceChildren(formArea); add.setAttribute('aria-expanded', 'false'); return; }
    add.setAttribute('aria-expanded', 'true');
    const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
    const form = h('form', { class: 'form', id: 'shared-form', novalidate: true },
      field({ label: 'Date given', name: 'date', width: 'small', value: dateInput(today()), hint: `For example, ${dateInput(today())}.`, attrs: { autocomplete: 'off', inputmode: 'numeric' } }),
      field({ label: 'What was given or told', name: 'what', type: 'textarea', width: 'large', attrs: { rows: 3 } }),
      field({ label: 'How', name: 'how', options: options(Object.entries(HOW), 'Choose how') }),
      field({ label: 'Notes (optional)', name: 'notes', type: 'textarea', width: 'large', attrs: { rows: 2 } }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Save'), cancel));
    cancel.addEventListener('click', () => { replaceChildren(formArea); add.setAttribute('aria-expanded', 'false'); add.focus(); });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const errors = [];
      const raw = valueOf(form, 'date');
      const d = parseDate(raw);
      if (!raw.trim()) errors.push({ field: 'date', message: 'Enter the date the information was given' });
      else if (!d) errors.push({ field: 'date', message: 'The date must be a real date, for example 27 3 2025' });
      else if (d > today()) errors.push({ field: 'date', message: 'The date cannot be in the future' });
      const what = valueOf(form, 'what').trim();
      if (!what) errors.push({ field: 'what', message: 'Say what was given or told to the person' });
      const how = valueOf(form, 'how');
      if (!how) errors.push({ field: 'how', message: 'Choose how it was given' });
      if (errors.length) { showErrors(form, errors); return; }
      await busy(form, async () => {
        try {
          await api.post(`${cx.base}/shared-with-person`, { date: d, what, how, notes: valueOf(form, 'notes').trim() || null });
          replaceChildren(formArea);
          add.setAttribute('aria-expanded', 'false');
          await load();
          cx.setStatus('The information given to the person has been recorded.', 'success');
          add.focus();
        } catch (error) { showApiError(form, error); }
      });
    });
    replaceChildren(formArea, form);
    form.querySelector('input').focus();
  });
  load();
  return box;
}
