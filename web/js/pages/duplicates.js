// The Network admin's "Duplicate cases" page (#/duplicates): the cases councils have marked as
// duplicates, without case data (Connect ID, council, the case it duplicates, when marked), each with
// "Remove" — a destruction with a record, like retention's (fcgi/API.md "Duplicates").
import { api } from '../api.js';
import { h, replaceChildren, appendChildren } from '../dom.js';
import { formatDateTime } from '../format.js';
import { confirmDialog } from '../dialog.js';
import { loadCouncils } from '../list-filters.js';

export async function renderDuplicates(section, ctx) {
  const status = h('div', { id: 'duplicates-status', role: 'status', 'aria-live': 'polite' });
  const area = h('div', { id: 'duplicates-area' });
  appendChildren(section,
    h('h1', { class: 'heading-l' }, 'Duplicate cases'),
    h('p', { class: 'body' }, 'Cases a council has marked as a duplicate of another of its cases. Removing one destroys it and keeps a destruction record; the case it duplicates stays.'),
    status, area);
  const councils = new Map((await loadCouncils()).map((c) => [c.id, c.name]));

  async function draw() {
    const data = await api.get('/api/cases?duplicate=1&limit=500');
    const items = (data && data.items) || [];
    if (!items.length) {
      replaceChildren(area, h('p', { class: 'body', id: 'no-duplicates' }, 'No cases are marked as duplicates.'));
      return;
    }
    replaceChildren(area, h('table', { class: 'table', id: 'duplicates-table' },
      h('caption', { class: 'visually-hidden' }, 'Cases marked as duplicates'),
      h('thead', {}, h('tr', {}, ['Case', 'Council', 'Duplicate of', 'Marked', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((d) => {
        const remove = h('button', { type: 'button', class: 'button button--warning button--small', 'data-remove': String(d.id) }, `Remove ${d.connect_id}`);
        remove.addEventListener('click', async () => {
          const ok = await confirmDialog({
            title: `Remove ${d.connect_id}?`,
            body: `The case is destroyed now, with a destruction record. C${d.duplicate_of}, the case it duplicates, stays.`,
            confirmLabel: `Remove ${d.connect_id}`,
            danger: true,
          });
          if (!ok) return;
          try {
            await api.del(`/api/cases/${d.id}`);
            replaceChildren(status, h('p', { class: 'notice' }, `${d.connect_id} has been removed.`));
            await draw();
          } catch (error) {
            if (!error.handled) replaceChildren(status, h('p', { class: 'notice notice--important' }, error.message));
          }
        });
        return h('tr', { 'data-case': String(d.id) },
          h('td', {}, d.connect_id),
          h('td', {}, councils.get(d.council) || `Council ${d.council}`),
          h('td', {}, `C${d.duplicate_of}`),
          h('td', {}, d.marked_at ? formatDateTime(d.marked_at) : ''),
          h('td', {}, remove));
      }))));
  }
  try { await draw(); } catch (error) { if (error.handled) return; replaceChildren(area, h('p', { class: 'notice notice--important' }, error.message)); }
  void ctx;
}
