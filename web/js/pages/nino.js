// NINo batches (fcgi/API.md "NINo tracing"). #/nino lists the daily batches of people granted leave
// with their 48-working-hour clock. The NINo partner's designated users download each batch (the
// first download is its receipt) and send back its results (xlsx or CSV, all or nothing, bad rows
// listed); the Home Office sees the list and the clock. Marked OFFICIAL-SENSITIVE.
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { field, busy, showApiError, showErrors, clearErrors, valueOf } from '../forms.js';
import { errorList, rowErrorsTable } from '../csv-upload.js';
import { isNinoDesignated } from '../labels.js';
import { marking } from './disclosures.js';

const STATUS_WORDS = { waiting: 'Not downloaded yet', received: 'Waiting for results', completed: 'Results received', destroyed: 'Destroyed (14 months)' };

function statusTag(b) {
  const colour = { waiting: 'blue', received: 'yellow', completed: 'green', destroyed: 'grey' }[b.status] || 'blue';
  return h('span', { class: `tag tag--${colour} nino-status` }, STATUS_WORDS[b.status] || b.status);
}

function dueCell(b) {
  if (!b.due) return h('span', { class: 'muted' }, 'Starts at the first download');
  return [formatDateTime(b.due), ' ', b.overdue ? h('span', { class: 'tag tag--red' }, 'Overdue') : null];
}

function resultsCell(b) {
  const r = b.results || {};
  if (b.status === 'destroyed') return h('span', { class: 'muted' }, `${b.count} people; data destroyed`);
  return `${r.traced || 0} traced, ${r.allocated || 0} allocated, ${r.unconfirmed || 0} unconfirmed, ${r.pending || 0} waiting`;
}

function batchesTable(items, designated, onDownload) {
  const caption = 'NINo batches, newest first';
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table', id: 'nino-batches' },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {}, ['Batch', 'Cut', 'People', 'Status', 'Results due', 'Results', designated ? 'File' : null]
        .filter(Boolean).map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, items.map((b) => h('tr', { dataset: { batchId: String(b.id) } },
        h('th', { scope: 'row', dataset: { label: 'Batch' } }, b.number),
        h('td', { dataset: { label: 'Cut' } }, formatDateTime(b.cut_at)),
        h('td', { dataset: { label: 'People' } }, String(b.count)),
        h('td', { dataset: { label: 'Status' } }, statusTag(b)),
        h('td', { dataset: { label: 'Results due' } }, dueCell(b)),
        h('td', { dataset: { label: 'Results' } }, resultsCell(b)),
        designated ? h('td', { dataset: { label: 'File' } }, b.status === 'destroyed' ? '' : downloadLink(b, onDownload)) : null)))));
}

function downloadLink(b, onDownload) {
  const a = h('a', { href: `/api/nino/batches/${b.id}/file`, class: 'link nino-download', download: b.file_name },
    `Download ${b.number}`, h('span', { class: 'visually-hidden' }, ' (Excel, OFFICIAL-SENSITIVE)'));
  a.addEventListener('click', () => onDownload());
  return a;
}

function countersPanel(c) {
  const items = [
    ['queued', 'People waiting for the next batch'],
    ['waiting', 'Batches not downloaded yet'],
    ['awaiting_results', 'Batches waiting for results'],
    ['due_today', 'Results due today'],
    ['overdue', 'Results overdue'],
  ];
  return h('ul', { class: 'list nino-counters', id: 'nino-counters' },
    items.map(([k, words]) => h('li', { dataset: { counter: k } }, h('strong', {}, String((c && c[k]) || 0)), ` ${words}`)));
}

function uploadForm(items, ctx, reload) {
  const open = items.filter((b) => b.status === 'received');
  const result = h('div', { id: 'nino-upload-result' });
  if (!open.length) return h('p', { class: 'body', id: 'nino-upload-none' }, 'No batch is waiting for its results.');
  const form = h('form', { class: 'form', id: 'nino-upload-form', novalidate: true },
    field({ label: 'Batch', name: 'batch', options: open.map((b) => ({ value: String(b.id), label: `${b.number} (${b.count} people)` })) }),
    field({ label: 'Results file (Excel or CSV)', name: 'file', type: 'file',
      hint: 'The downloaded batch with Outcome, NINo and Reason filled in, or a CSV with the columns connect_id, person, outcome, nino, reason. Up to 4 MB.',
      attrs: { accept: '.xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', class: 'file-input' } }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'nino-upload' }, 'Send the results')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = form.querySelector('input[type="file"]');
    const file = input && input.files && input.files[0];
    if (!file) { showErrors(form, [{ field: 'file', message: 'Choose the results file' }]); return; }
    const id = valueOf(form, 'batch');
    const type = /\.xlsx$/i.test(file.name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
    try {
      const r = await busy(form, () => api.sendFile('PUT', `/api/nino/batches/${id}/results`, file, { contentType: type }));
      clearErrors(form);
      ctx.setStatus(`Results recorded for ${r.batch.number}: ${r.traced} traced, ${r.allocated} allocated, ${r.unconfirmed} unconfirmed.`, 'success');
      await reload();
    } catch (error) {
      if (error.handled) return;
      const errors = errorList(error, 'errors');
      if (error.status === 422 && errors.length) {
        showErrors(form, [{ field: 'file', message: `${errors.length} ${errors.length === 1 ? 'row is' : 'rows are'} not valid: nothing was recorded` }], { focus: false });
        replaceChildren(result, h('section', { class: 'notice notice--important', 'aria-labelledby': 'nino-bad-heading' },
          h('h2', { class: 'heading-m notice__title', id: 'nino-bad-heading', tabindex: '-1' }, 'Nothing was recorded'),
          h('p', { class: 'body' }, 'Fix these rows and send the whole file again.'),
          rowErrorsTable(errors, { id: 'nino-errors' })));
        result.querySelector('h2').focus();
      } else {
        showApiError(form, error, { payload_too_large: { field: 'file', message: 'The file must be 4 MB or smaller' } });
      }
    }
  });
  return h('div', {}, form, result);
}

export async function renderNino(section, ctx) {
  const designated = isNinoDesignated(ctx.user);
  const area = h('div', { id: 'nino-area' });
  section.append(
    marking(),
    h('h1', { class: 'heading-l' }, 'NINo batches'),
    h('p', { class: 'body' }, 'Every working day at 09:00 the people aged 16 or over in households granted leave since the last batch go to DWP to trace or allocate a National Insurance number. Results are due 48 working hours after the first download.'),
    area);
  async function reload() {
    const r = await api.get('/api/nino/batches', { limit: 100 });
    replaceChildren(area,
      countersPanel(r.counters),
      r.items.length ? batchesTable(r.items, designated, () => setTimeout(() => { reload().catch(() => {}); }, 1500))
        : h('p', { class: 'body', id: 'nino-none' }, 'No batch has been cut yet.'),
      designated ? [h('h2', { class: 'heading-m' }, 'Send the results'), uploadForm(r.items, ctx, reload)] : null);
  }
  await reload();
}
