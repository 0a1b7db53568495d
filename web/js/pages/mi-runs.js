// The weekly MI report runs (HO admins; fcgi/API.md "MI report runs"): the final outcome clock counts
// 7 working days from the first run on or after the decision, so each run is recorded here.
import { api } from '../api.js';
import { h, appendChildren, replaceChildren } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { field, busy, showApiError, showErrors, valueOf } from '../forms.js';

function table(items) {
  const caption = `${items.length} ${items.length === 1 ? 'run' : 'runs'}`;
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table', id: 'mi-runs-table' },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Run on'), h('th', { scope: 'col' }, 'Recorded'))),
      h('tbody', {}, items.map((r) => h('tr', { dataset: { date: r.date } },
        h('td', { dataset: { label: 'Run on' } }, formatDate(r.date)),
        h('td', { dataset: { label: 'Recorded' } }, formatDateTime(r.recorded_at)))))));
}

export async function renderMiRuns(section, ctx) {
  const list = h('div', { id: 'mi-runs' });
  const load = async () => {
    const r = await api.get('/api/mi-runs');
    const items = Array.isArray(r.items) ? r.items : [];
    replaceChildren(list, items.length ? table(items) : h('p', { class: 'body', id: 'no-runs' }, 'No run recorded yet.'));
  };
  await load();
  if (!ctx.isCurrent()) return;
  const form = h('form', { class: 'form', id: 'mi-run-form', novalidate: true },
    field({ label: 'Date of the run', name: 'date', type: 'date', hint: 'The day the weekly MI report ran. Not in the future.' }),
    h('button', { type: 'submit', class: 'button' }, 'Record the run'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const date = valueOf(form, 'date');
    if (!date) { showErrors(form, [{ field: 'date', message: 'Enter the date of the run' }]); return; }
    try {
      const r = await busy(form, () => api.post('/api/mi-runs', { date }));
      ctx.setStatus(`Run of ${formatDate(r.date)} recorded; ${r.alerts_updated} final outcome ${r.alerts_updated === 1 ? 'alert' : 'alerts'} now have a due date.`);
      await load();
    } catch (error) { showApiError(form, error); }
  });
  appendChildren(section,
    h('h1', { class: 'heading-l' }, 'MI report runs'),
    h('p', { class: 'body' }, 'A final outcome is due to the council 7 working days after the first weekly MI report run on or after the decision. Until a run is recorded, final outcomes show “waiting for the MI run” instead of a due date.'),
    form, h('h2', { class: 'heading-m' }, 'Runs recorded'), list);
}
