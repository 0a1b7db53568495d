// The Home Office status register: its size (Home Office users), and loading records from a CSV
// file (Home Office admins; all or nothing, API.md "Register CSV").
import { api } from '../api.js';
import { h, replaceChildren, summaryRow } from '../dom.js';
import { showErrors, showApiError, clearErrors, busy } from '../forms.js';
import { canLoadRegister } from '../labels.js';
import { csvFileField, chosenFile, sendCsv, errorList, rowErrorsTable } from '../csv-upload.js';

const HEADER = 'document_type,document_number,date_of_birth,given_names,family_name,nationality,status,leave_valid,leave_expiry,recourse_to_public_funds';

const count = (n) => Number(n || 0).toLocaleString('en-GB');
const records = (n) => `${count(n)} ${Number(n) === 1 ? 'record' : 'records'}`;

function loadedPanel(r) {
  return h('section', { class: 'panel', id: 'register-result', 'aria-labelledby': 'register-result-heading' },
    h('h2', { class: 'heading-m', id: 'register-result-heading', tabindex: '-1' }, 'The register has been loaded'),
    h('dl', { class: 'summary-list', id: 'register-summary' },
      summaryRow('Records in the file', count(r.records)),
      summaryRow('New documents added', count(r.added)),
      summaryRow('Existing documents replaced', count(r.replaced)),
      summaryRow('Records in the register now', count(r.total))));
}

function badRowsPanel(errors) {
  return h('section', { class: 'notice notice--important', id: 'register-result', 'aria-labelledby': 'register-result-heading' },
    h('h2', { class: 'heading-m notice__title', id: 'register-result-heading', tabindex: '-1' }, 'Nothing was loaded'),
    h('p', { class: 'body' }, 'Some rows are not valid, so no record in the file was loaded. Fix these rows and upload the whole file again.'),
    rowErrorsTable(errors, { id: 'register-errors' }));
}

function formatHelp() {
  return [
    h('p', { class: 'body' }, 'A CSV file (UTF-8) whose first row is exactly:'),
    h('p', { class: 'body' }, h('code', { class: 'csv-header', id: 'register-header' }, HEADER)),
    h('ul', { class: 'list' },
      h('li', {}, 'document_type: passport, national_id, brp, ukvi_account or share_code; each document once per file'),
      h('li', {}, 'dates as YYYY-MM-DD (leave_expiry may be empty); leave_valid and recourse_to_public_funds as true or false'),
      h('li', {}, 'status: one of the immigration statuses of the case record, for example ltr_nrpf'),
      h('li', {}, 'a document already in the register is replaced by the new record; at most 64 MB')),
    h('p', { class: 'body' }, 'All or nothing: if any row is not valid, nothing is loaded and the rows to fix are listed.'),
  ];
}

export async function renderRegister(section, ctx) {
  const me = ctx.user;
  const info = await api.get('/api/rtpf/register');
  if (!ctx.isCurrent()) return;
  const countText = h('p', { class: 'body', id: 'register-count' }, `The register holds ${records(info.records)}.`);

  section.append(
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'Status register'),
    h('p', { class: 'body' }, 'The Home Office status register is what the RTPF checker looks people up in: one record per qualifying document.'),
    countText);

  if (!canLoadRegister(me)) {
    section.append(
      h('p', { class: 'body', id: 'register-read-only' }, 'Only Home Office administrators load records into the register.'),
      h('p', { class: 'body' }, h('a', { href: '#/rtpf', class: 'link' }, 'Back to the RTPF checker')));
    return;
  }

  const result = h('div', { id: 'register-result-area' });
  const form = h('form', { class: 'form', id: 'register-form', novalidate: true },
    csvFileField({ label: 'Register file (CSV)', hint: 'Up to 64 MB, with the header row above' }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'register-upload' }, 'Upload the register')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = chosenFile(form);
    if (!file) { replaceChildren(result); showErrors(form, [{ field: 'file', message: 'Choose the CSV file to upload' }]); return; }
    await busy(form, async () => {
      ctx.setStatus('Uploading the register…', 'info');
      let answer;
      try {
        answer = await sendCsv('PUT', '/api/rtpf/register', file);
      } catch (error) {
        ctx.setStatus('');
        if (error.handled) return;
        const errors = errorList(error, 'errors');
        if (error.status === 422 && errors.length) {
          showErrors(form, [{ field: 'file', message: `${errors.length} ${errors.length === 1 ? 'row is' : 'rows are'} not valid: nothing was loaded` }], { focus: false });
          replaceChildren(result, badRowsPanel(errors));
          result.querySelector('h2').focus();
          return;
        }
        replaceChildren(result);
        showApiError(form, error, { payload_too_large: { field: 'file', message: 'The file must be 64 MB or smaller' } });
        return;
      }
      ctx.setStatus('');
      clearErrors(form);
      form.reset();
      countText.textContent = `The register holds ${records(answer.total)}.`;
      replaceChildren(result, loadedPanel(answer));
      result.querySelector('h2').focus();
    });
  });

  section.append(
    h('h2', { class: 'heading-m' }, 'Load records'),
    ...formatHelp(),
    form,
    result,
    h('p', { class: 'body' }, h('a', { href: '#/rtpf', class: 'link' }, 'Back to the RTPF checker')));
}
