// Import a council's caseload from a CSV file (council admins; API.md "Bulk import of a council's
// caseload"): all or nothing; bad rows listed by line; rows that look like open cases need
// "These are different people – import anyway".
import { h, replaceChildren } from '../dom.js';
import { showErrors, showApiError, clearErrors, busy } from '../forms.js';
import { formatDate } from '../format.js';
import { HOUSEHOLD_TYPES, LEGISLATION, GENDERS, REFERRAL_SOURCES } from '../labels.js';
import { csvFileField, chosenFile, sendCsv, errorList, rowErrorsTable } from '../csv-upload.js';

const codes = (list) => list.map(([v, words]) => `${v} (${words})`).join(', ');

const COLUMNS = [
  ['given_names', true, 'Given names, up to 100 characters'],
  ['family_name', true, 'Family name, up to 100 characters'],
  ['date_of_birth', true, 'As YYYY-MM-DD, for example 1985-03-27'],
  ['nationality', true, '2 to 60 characters'],
  ['household_type', true, `One of: ${codes(HOUSEHOLD_TYPES)}`],
  ['legislation', true, `One of: ${codes(LEGISLATION)}`],
  ['gender', false, `One of: ${codes(GENDERS)}`],
  ['other_names', false, 'Previous names, aliases or other spellings, up to 200 characters'],
  ['ho_reference', false, 'Home Office reference: letters, digits, / and -, up to 20'],
  ['address', false, 'Up to 300 characters'],
  ['la_involvement', false, 'Notes on the council’s involvement, up to 2,000 characters'],
  ['team', false, 'Up to 100 characters'],
  ['referral_source', false, `Who referred the household. One of: ${codes(REFERRAL_SOURCES)}`],
];

function columnsTable() {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'The columns' },
    h('table', { class: 'table', id: 'import-columns' },
      h('caption', { class: 'table__caption' }, 'The columns'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Column'),
        h('th', { scope: 'col' }, 'Required'),
        h('th', { scope: 'col' }, 'What to put in it'))),
      h('tbody', {}, COLUMNS.map(([name, required, what]) => h('tr', {},
        h('th', { scope: 'row', dataset: { label: 'Column' } }, h('code', {}, name)),
        h('td', { dataset: { label: 'Required' } }, required ? 'Yes' : 'No'),
        h('td', { dataset: { label: 'What to put in it' } }, what))))));
}

function createdPanel(r) {
  const cases = Array.isArray(r.cases) ? r.cases : [];
  const n = Number(r.created) || cases.length;
  const level = r.bulk_service_level
    ? 'The longer service level for a new council’s caseload applied: 20 working days.'
    : 'The usual service level applied: 5 working days.';
  return h('section', { class: 'panel', id: 'import-result', 'aria-labelledby': 'import-result-heading' },
    h('h2', { class: 'heading-m', id: 'import-result-heading', tabindex: '-1' }, `${n} ${n === 1 ? 'case' : 'cases'} imported`),
    h('p', { class: 'body', id: 'import-service-level' }, level,
      r.new_case_due ? ` The Home Office’s new case alerts for them are due by ${formatDate(r.new_case_due)}.` : ''),
    h('h3', { class: 'heading-s' }, 'Connect IDs of the new cases'),
    h('ul', { class: 'list import-cases', id: 'imported-cases' },
      cases.map((c) => h('li', {}, h('a', { href: `#/cases/${c.id}`, class: 'link' }, c.connect_id || `C${c.id}`)))));
}

function badRowsPanel(errors) {
  return h('section', { class: 'notice notice--important', id: 'import-result', 'aria-labelledby': 'import-result-heading' },
    h('h2', { class: 'heading-m notice__title', id: 'import-result-heading', tabindex: '-1' }, 'Nothing was imported'),
    h('p', { class: 'body' }, 'Some rows are not valid, so no case was created. Fix these rows and upload the whole file again.'),
    rowErrorsTable(errors, { id: 'import-errors' }));
}

function matchLink(m) {
  return h('a', { href: `#/cases/${m.id}`, class: 'link', target: '_blank', rel: 'noopener' },
    `${m.connect_id || `C${m.id}`} – ${m.name || ''}`,
    h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'));
}

function duplicatesPanel(duplicates, onConfirm) {
  const confirm = h('button', { type: 'button', class: 'button button--warning', id: 'import-anyway' }, 'These are different people – import anyway');
  confirm.addEventListener('click', onConfirm);
  return h('section', { class: 'duplicate', id: 'import-result', 'aria-labelledby': 'import-result-heading' },
    h('h2', { class: 'heading-m', id: 'import-result-heading', tabindex: '-1' }, 'Some rows look like cases you already have'),
    h('p', { class: 'body' }, 'Nothing was imported. These rows have the same date of birth and a similar name as someone in an open case of your council. Open the cases to check.'),
    h('ul', { class: 'list', id: 'import-duplicates' },
      duplicates.map((d) => h('li', { dataset: { line: String(d.line ?? '') } },
        `Line ${d.line ?? '?'}: `,
        (Array.isArray(d.matches) ? d.matches : []).map((m, i) => [i ? '; ' : '', matchLink(m),
          m.date_of_birth ? `, born ${formatDate(m.date_of_birth)}` : ''])))),
    h('p', { class: 'body' }, 'If none of these is the same person, import the file as it is. Otherwise remove those rows from the file and upload it again.'),
    h('div', { class: 'button-group' }, confirm));
}

export async function renderCasesImport(section, ctx) {
  const me = ctx.user;
  const result = h('div', { id: 'import-result-area' });
  const form = h('form', { class: 'form', id: 'import-form', novalidate: true },
    csvFileField({ label: 'Caseload file (CSV)', hint: 'Up to 2,000 cases and 2 MB' }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'import-upload' }, 'Import the cases')));

  async function send(file, confirmed) {
    ctx.setStatus('Importing the cases…', 'info');
    let answer;
    try {
      answer = await sendCsv('POST', '/api/cases/import', file, confirmed ? { confirm_not_duplicate: 1 } : undefined);
    } catch (error) {
      ctx.setStatus('');
      if (error.handled) return;
      const errors = errorList(error, 'errors');
      const duplicates = errorList(error, 'duplicates');
      if (error.status === 422 && errors.length) {
        showErrors(form, [{ field: 'file', message: `${errors.length} ${errors.length === 1 ? 'row is' : 'rows are'} not valid: nothing was imported` }], { focus: false });
        replaceChildren(result, badRowsPanel(errors));
      } else if (error.status === 409 && duplicates.length) {
        clearErrors(form);
        replaceChildren(result, duplicatesPanel(duplicates, () => busy(form, async () => {
          const button = result.querySelector('#import-anyway');
          if (button) button.disabled = true;
          await send(file, true);
        })));
      } else {
        replaceChildren(result);
        showApiError(form, error, { payload_too_large: { field: 'file', message: 'The file must be 2 MB or smaller' } });
        return;
      }
      result.querySelector('h2').focus();
      return;
    }
    ctx.setStatus('');
    clearErrors(form);
    form.reset();
    replaceChildren(result, createdPanel(answer));
    result.querySelector('h2').focus();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = chosenFile(form);
    if (!file) { replaceChildren(result); showErrors(form, [{ field: 'file', message: 'Choose the CSV file to import' }]); return; }
    await busy(form, () => send(file, false));
  });

  section.append(
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'Import a caseload'),
    h('p', { class: 'body' }, 'Bring your council’s existing cases into Connect from a CSV file: one row per case, for its principal applicant. Add dependants, finance and documents on each case afterwards.'),
    form,
    result,
    h('h2', { class: 'heading-m' }, 'What the file holds'),
    h('ul', { class: 'list' },
      h('li', {}, 'CSV in UTF-8; put a value that holds a comma or a line break in double quotes'),
      h('li', {}, 'the first row names the columns below, in any order; every required column must be there'),
      h('li', {}, 'all or nothing: if any row is not valid, no case is created and the rows to fix are listed by line'),
      h('li', {}, 'each case sends the Home Office a new case alert, due in 5 working days – or in 20 when a council with no cases yet imports more than 30')),
    columnsTable(),
    h('p', { class: 'body' }, h('a', { href: '#/cases', class: 'link' }, 'Back to cases')));
}
