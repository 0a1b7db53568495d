// What the CSV upload pages share (the status register, a council's caseload): the file input,
// sending the file's bytes as text/csv, and the table of rows the server refused.
import { api } from './api.js';
import { h } from './dom.js';
import { field } from './forms.js';

/** A labelled file input for a CSV file; the input is at .control. */
export function csvFileField({ label, name = 'file', hint }) {
  return field({
    label, name, type: 'file', hint,
    attrs: { accept: '.csv,text/csv', class: 'file-input' },
  });
}

/** The file chosen in the form's input `name`, or null. */
export function chosenFile(form, name = 'file') {
  const input = form.querySelector(`input[type="file"][name="${name}"]`);
  return input && input.files && input.files.length ? input.files[0] : null;
}

/** Send the file's bytes as the body (Content-Type text/csv, whatever the browser thinks it is). */
export function sendCsv(method, path, file, query) {
  return api.sendFile(method, path, file, { query, contentType: 'text/csv' });
}

/** A list the server put in an error answer (`errors`, `duplicates`): inside `error`, or beside it. */
export function errorList(error, key) {
  const data = (error && error.data) || {};
  if (data.error && Array.isArray(data.error[key])) return data.error[key];
  return Array.isArray(data[key]) ? data[key] : [];
}

/** The table of bad rows: line (counted in the file), column, and what is wrong. */
export function rowErrorsTable(errors, { id }) {
  const caption = `${errors.length} ${errors.length === 1 ? 'row' : 'rows'} to fix`;
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table', id },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Line'),
        h('th', { scope: 'col' }, 'Column'),
        h('th', { scope: 'col' }, 'Problem'))),
      h('tbody', {}, errors.map((e) => h('tr', { dataset: { line: String(e.line ?? '') } },
        h('th', { scope: 'row', dataset: { label: 'Line' } }, `Line ${e.line ?? '?'}`),
        h('td', { dataset: { label: 'Column' } }, e.field ? h('code', {}, e.field) : h('span', { class: 'muted' }, 'The whole row')),
        h('td', { dataset: { label: 'Problem' } }, e.message || 'This row is not valid.'))))));
}
