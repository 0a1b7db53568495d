// Form building and error display: labelled inputs, hints, an error summary at the top of the form,
// and a message next to each invalid input (aria-invalid + aria-describedby).
import { h, uid, visuallyHidden } from './dom.js';

/**
 * field({label, name, type='text', hint, autocomplete, required, value, options, width, attrs})
 * Returns the form-group element; the control is at .control.
 * `options` makes a <select>: [{value, label}]; type 'textarea' makes a <textarea>.
 */
export function field({ label, name, type = 'text', hint, autocomplete, required = false, value, options, width, attrs = {} }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  let control;
  if (type === 'textarea') {
    control = h('textarea', { id, name, class: ['textarea', width && `input--${width}`], rows: attrs.rows || 4, required, spellcheck: 'true', ...attrs });
    control.value = value ?? '';
  } else if (options) {
    control = h('select', { id, name, class: ['select', width && `input--${width}`], required, ...attrs },
      options.map((o) => h('option', { value: o.value, selected: value !== undefined && String(o.value) === String(value) }, o.label)));
  } else {
    control = h('input', {
      id, name, type, class: ['input', width && `input--${width}`], autocomplete, required, value,
      spellcheck: type === 'text' ? 'false' : undefined, ...attrs,
    });
  }
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const group = h('div', { class: 'form-group', dataset: { field: name } },
    h('label', { class: 'label', for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control);
  group.control = control;
  return group;
}

/**
 * radios({legend, name, value, options:[{value,label}], inline}) — one choice of several (GOV.UK
 * radios): a fieldset whose legend asks the question, each radio with its own label.
 */
export function radios({ legend, name, value = '', options, inline = true }) {
  const group = h('div', { class: 'form-group', dataset: { field: name } },
    h('fieldset', { class: 'fieldset radios-fieldset' },
      h('legend', { class: 'fieldset__legend radios__legend' }, legend),
      h('div', { class: ['radios', inline && 'radios--inline'] }, options.map((o) => {
        const id = uid(`f-${name}-${o.value || 'any'}`);
        return h('div', { class: 'radios__item' },
          h('input', { id, name, type: 'radio', class: 'radios__input', value: o.value, checked: String(o.value) === String(value) }),
          h('label', { class: 'radios__label', for: id }, o.label));
      }))));
  return group;
}

/**
 * dateField({label, name, value, hint}) — the GOV.UK date input for a date people type: Day, Month and
 * Year boxes in a fieldset whose legend asks the question, one hint ("For example, 27 3 1985"). The
 * boxes are named `${name}.day|month|year`; valueOf(form, name) reads them as one 'd/m/yyyy' (''
 * when all three are empty), and an error naming `name` lands on the group.
 */
export function dateField({ label, name, value = '', hint }) {
  const id = uid(`f-${name}`);
  const hintId = `${id}-hint`;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  const dmy = /^(\d{1,2})\D+(\d{1,2})\D+(\d{4})$/.exec(value || '');
  const parts = iso ? { day: String(Number(iso[3])), month: String(Number(iso[2])), year: iso[1] }
    : dmy ? { day: dmy[1], month: dmy[2], year: dmy[3] } : { day: '', month: '', year: '' };
  const box = (key, text, width) => h('div', { class: 'date-input__item' },
    h('label', { class: 'label date-input__label', for: `${id}-${key}` }, text),
    h('input', {
      id: `${id}-${key}`, name: `${name}.${key}`, type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false',
      class: ['input', 'date-input__input', `date-input__input--${width}`], value: parts[key], dataset: { datePart: key, date: name },
    }));
  const day = box('day', 'Day', 2);
  const group = h('div', { class: 'form-group date-field', dataset: { field: name, dateField: name } },
    h('fieldset', { class: 'fieldset date-input-fieldset', role: 'group', 'aria-describedby': hintId },
      h('legend', { class: 'label date-input__legend' }, label),
      h('p', { class: 'hint', id: hintId }, hint || 'For example, 27 3 1985'),
      h('div', { class: 'date-input', id }, day, box('month', 'Month', 2), box('year', 'Year', 4))));
  group.control = day.querySelector('input');
  return group;
}

/** A date field's three boxes as one value: 'd/m/yyyy', or '' when all are empty. */
function dateValue(form, name) {
  const get = (k) => {
    const el = [...form.elements].find((e) => e.name === `${name}.${k}`);
    return el ? el.value.trim() : '';
  };
  const [d, m, y] = [get('day'), get('month'), get('year')];
  return d || m || y ? `${d}/${m}/${y}` : '';
}

/** Remove every error shown in the form. */
export function clearErrors(form) {
  const summary = form.querySelector(':scope > .error-summary');
  if (summary) summary.remove();
  for (const group of form.querySelectorAll('.form-group--error')) {
    group.classList.remove('form-group--error');
    const msg = group.querySelector('.field-error');
    const control = group.querySelector('input, select, textarea');
    for (const box of group.querySelectorAll('.date-input__input')) box.removeAttribute('aria-invalid');
    if (control) {
      control.removeAttribute('aria-invalid');
      if (msg) {
        const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== msg.id);
        if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
        else control.removeAttribute('aria-describedby');
      }
    }
    if (msg) msg.remove();
  }
}

/**
 * Find the control named `name` in the form, if any. The server may name a field with or without
 * the form's prefix ('principal.date_of_birth' or 'date_of_birth'), so when there is no exact match
 * the one control whose name ends with '.name', or whose last part is the same, is used.
 */
export function controlFor(form, name) {
  if (!name) return null;
  const els = [...form.elements].filter((el) => el.name);
  const exact = els.find((el) => el.name === name);
  if (exact) return exact;
  // A date field: its first box (Day) stands for it.
  const dates = els.filter((el) => el.dataset.datePart === 'day');
  const only = (list) => (list.length === 1 ? list[0] : null);
  const date = dates.find((el) => el.dataset.date === name) || only(dates.filter((el) => el.dataset.date.endsWith(`.${name}`)))
    || only(dates.filter((el) => el.dataset.date.split('.').pop() === name.split('.').pop()));
  if (date) return date;
  const suffix = els.filter((el) => el.name.endsWith(`.${name}`));
  if (suffix.length === 1) return suffix[0];
  const last = name.split('.').pop();
  const byLast = els.filter((el) => el.name.split('.').pop() === last);
  if (byLast.length === 1) return byLast[0];
  return null;
}

/** A single checkbox with its label (and optional hint); the input is at .control. */
export function checkbox({ label, name, checked = false, hint, attrs = {} }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const control = h('input', { id, name, type: 'checkbox', class: 'checkbox__input', checked, ...attrs });
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const group = h('div', { class: 'form-group checkbox', dataset: { field: name } },
    control,
    h('label', { class: 'checkbox__label', for: id }, label),
    hint ? h('p', { class: 'hint checkbox__hint', id: hintId }, hint) : null);
  group.control = control;
  return group;
}

/**
 * showErrors(form, [{field, message}], {title}) — shows a summary at the top of the form (focused,
 * so it is announced) and a message above each named control.
 */
export function showErrors(form, errors, { title = 'There is a problem', focus = true } = {}) {
  clearErrors(form);
  const items = [];
  for (const { field: name, message } of errors) {
    const control = controlFor(form, name);
    if (control) {
      const group = control.closest('.form-group');
      const msgId = `${control.id}-error`;
      const msg = h('p', { class: 'field-error', id: msgId }, visuallyHidden('Error: '), message);
      if (group) {
        group.classList.add('form-group--error');
        // A date field's message goes above its three boxes (GOV.UK), each box marked invalid.
        if (control.dataset.datePart) {
          group.querySelector('.date-input').before(msg);
          for (const box of group.querySelectorAll('.date-input__input')) box.setAttribute('aria-invalid', 'true');
        } else control.before(msg);
      }
      control.setAttribute('aria-invalid', 'true');
      const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      ids.push(msgId);
      control.setAttribute('aria-describedby', ids.join(' '));
      const link = h('a', { href: `#${control.id}`, class: 'error-summary__link' }, message);
      link.addEventListener('click', (ev) => { ev.preventDefault(); control.focus(); });
      items.push(h('li', {}, link));
    } else {
      items.push(h('li', {}, message));
    }
  }
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
    h('h2', { class: 'error-summary__title' }, title),
    h('ul', { class: 'error-summary__list' }, items));
  form.prepend(summary);
  if (focus) summary.focus();
  return summary;
}

/** Show an ApiError (or any error) on a form; `map` may turn a code into {field, message}. */
export function showApiError(form, error, map = {}) {
  if (error && error.handled) return;
  const mapped = map[error.code];
  if (mapped) {
    const m = typeof mapped === 'function' ? mapped(error) : mapped;
    showErrors(form, [{ field: m.field === undefined ? error.field : m.field, message: m.message || error.message }]);
  } else {
    showErrors(form, [{ field: error.field, message: error.message || 'Something went wrong. Try again.' }]);
  }
}

/** Disable the submit button while `fn` runs, so a double click does not send twice. */
export async function busy(form, fn) {
  const buttons = [...form.querySelectorAll('button')];
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

/** Trimmed string value of a named control. */
export function valueOf(form, name) {
  const c = controlFor(form, name);
  if (c && c.dataset.datePart) return dateValue(form, c.dataset.date);
  return c ? c.value : '';
}

/** Number of Unicode characters (code points), as the server's password policy counts. */
export function charCount(s) {
  return [...s].length;
}
