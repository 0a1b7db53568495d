// The case page's Documents tab: the list (each file downloads), the council's upload form and
// "Delete".
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { field, showErrors, showApiError, busy, valueOf } from '../../forms.js';
import { formatDateTime, formatSize } from '../../format.js';
import { personName } from '../../person.js';
import { confirmDialog } from '../../dialog.js';
import { DOCUMENT_TYPES, options } from '../../labels.js';
import { closedNote, isClosed } from './common.js';

const MAX_UPLOAD = 10 * 1024 * 1024;

function personLabel(kase, pid) {
  if (!pid) return 'Whole household';
  if (kase.principal && kase.principal.id === pid) return `${personName(kase.principal)} (principal applicant)`;
  const d = (kase.dependants || []).find((x) => x.id === pid);
  return d ? personName(d) : `Person ${pid}`;
}

export function drawDocuments(p, cx) {
  const { kase, base } = cx;
  // Downloads stay on a closed case; uploading and deleting wait for it to be reopened.
  const council = cx.council && !isClosed(cx);
  const docs = kase.documents || [];
  let upload = null;
  if (council) {
    const people = [{ value: '', label: 'Whole household' }];
    if (kase.principal) people.push({ value: String(kase.principal.id || 1), label: `${personName(kase.principal)} (principal applicant)` });
    for (const d of kase.dependants || []) people.push({ value: String(d.id), label: personName(d) });
    upload = h('form', { class: 'form panel', id: 'upload-form', novalidate: true },
      h('h3', { class: 'heading-s' }, 'Upload a document'),
      field({
        label: 'File', name: 'file', type: 'file', hint: 'A PDF, JPEG or PNG file, up to 10 MB',
        attrs: { accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png', class: 'file-input' },
      }),
      field({ label: 'Whose document is it?', name: 'person', options: people, value: '' }),
      field({ label: 'Identity document type (optional)', name: 'document_type', options: options(DOCUMENT_TYPES, 'Not an identity document'), value: '',
        hint: 'For a passport, ID card, BRP, UKVI account or share code: its number lets a subject access export find the right to public funds look-ups of it' }),
      field({ label: 'Identity document number (optional)', name: 'document_number', width: 'medium', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'upload-button' }, 'Upload')));
    upload.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const input = upload.querySelector('input[name="file"]');
      const file = input.files && input.files[0];
      if (!file) { showErrors(upload, [{ field: 'file', message: 'Choose a file to upload' }]); return; }
      if (file.size > MAX_UPLOAD) { showErrors(upload, [{ field: 'file', message: 'The file must be 10 MB or smaller' }]); return; }
      if (file.size === 0) { showErrors(upload, [{ field: 'file', message: 'The file is empty' }]); return; }
      const person = valueOf(upload, 'person');
      const idType = valueOf(upload, 'document_type');
      const idNumber = valueOf(upload, 'document_number').trim();
      if (idType && !idNumber) { showErrors(upload, [{ field: 'document_number', message: 'Enter the identity document\'s number' }]); return; }
      if (!idType && idNumber) { showErrors(upload, [{ field: 'document_type', message: 'Choose the type of identity document' }]); return; }
      await busy(upload, async () => {
        try {
          await api.upload(`${base}/documents`, file, {
            filename: file.name, person: person || undefined, document_type: idType || undefined, document_number: idNumber || undefined,
          });
        } catch (error) {
          cx.setStatus('');
          showApiError(upload, error, {
            payload_too_large: { field: 'file', message: 'The file must be 10 MB or smaller' },
            validation_failed: (e) => ({ field: e.field || 'file', message: e.message }),
          });
          return;
        }
        try { await cx.reload(`${file.name} has been uploaded.`); } catch (error) { cx.failed(error); }
      });
    });
  }
  const list = docs.length
    ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Documents on this case' },
      h('table', { class: 'table', id: 'documents-table' },
        h('caption', { class: 'table__caption' }, `${docs.length} ${docs.length === 1 ? 'document' : 'documents'}`),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'File'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col' }, 'Size'),
          h('th', { scope: 'col' }, 'Person'),
          h('th', { scope: 'col' }, 'Uploaded'),
          council ? h('th', { scope: 'col' }, 'Actions') : null)),
        h('tbody', {}, docs.map((d) => h('tr', { dataset: { docId: String(d.id), filename: d.filename || '' } },
          h('th', { scope: 'row', class: 'table__name', dataset: { label: 'File' } },
            h('a', { href: `${base}/documents/${d.id}`, class: 'link', download: d.filename || true }, d.filename || `Document ${d.id}`)),
          h('td', { dataset: { label: 'Type' } }, docType(d.content_type)),
          h('td', { dataset: { label: 'Size' } }, formatSize(d.size)),
          h('td', { dataset: { label: 'Person' } }, personLabel(kase, d.person_id)),
          h('td', { dataset: { label: 'Uploaded' } }, `${formatDateTime(d.uploaded_at)}${d.uploaded_by ? ` by ${d.uploaded_by.name}` : ''}`),
          council ? h('td', { class: 'table__actions' }, h('button', {
            type: 'button', class: 'button button--small button--warning', 'aria-label': `Delete ${d.filename}`,
            dataset: { action: 'delete' }, onclick: () => deleteDoc(d, cx),
          }, 'Delete')) : null)))))
    : h('p', { class: 'body', id: 'no-documents' }, 'No documents have been uploaded.');
  replaceChildren(p, cx.panelHeading('Documents'), closedNote(cx, 'documents'), upload, list);
}

async function deleteDoc(d, cx) {
  const { base } = cx;
  const ok = await confirmDialog({
    title: `Delete ${d.filename}?`,
    body: 'The document will be removed from the case. The deletion is recorded in the history.',
    confirmLabel: 'Delete document',
    danger: true,
  });
  if (!ok) return;
  try {
    cx.refresh(await api.del(`${base}/documents/${d.id}`), `${d.filename} has been deleted.`);
  } catch (error) { cx.failed(error); }
}

function docType(t) {
  if (t === 'application/pdf') return 'PDF';
  if (t === 'image/jpeg') return 'JPEG image';
  if (t === 'image/png') return 'PNG image';
  return t || '';
}
