// #/retention (API.md "Retention and destruction"): for council admins, the council's retention
// policy, the closed cases due for destruction in the next 90 days (held ones marked), and the
// destruction records, newest first, with their CSV and Excel downloads; for Home Office admins, the
// destruction records of every council's cases and of the NINo batches (destroyed 14 months after
// their cut, "NINo tracing"), with the same downloads.
import { api } from '../api.js';
import { h, replaceChildren, visuallyHidden } from '../dom.js';
import { field, showErrors, showApiError, busy, valueOf, clearErrors } from '../forms.js';
import { formatDate, formatDateTime, today } from '../format.js';
import { canManageRetention } from '../labels.js';

const WITHIN = 90;
const PAGE = 50;

/** "3 people, 2 documents, …": what a destruction deleted, the zero counts left out. */
const COUNT_WORDS = [
  ['people', 'person', 'people'], ['documents', 'document', 'documents'], ['history', 'history entry', 'history entries'],
  ['alerts', 'alert', 'alerts'], ['queries', 'query', 'queries'], ['messages', 'query message', 'query messages'],
  ['emails', 'waiting email', 'waiting emails'],
];
function countsText(counts) {
  const c = counts || {};
  const parts = COUNT_WORDS.filter(([k]) => Number(c[k]) > 0)
    .map(([k, one, many]) => `${Number(c[k]).toLocaleString('en-GB')} ${Number(c[k]) === 1 ? one : many}`);
  return parts.length ? parts.join(', ') : 'Nothing else recorded';
}

function yearsText(n) { return `${n} ${n === 1 ? 'year' : 'years'}`; }

function policySection(policy, onSaved) {
  const min = policy.min ?? 1;
  const max = policy.max ?? 25;
  const dflt = policy.default ?? 6;
  const current = h('p', { class: 'body', id: 'retention-current' }, `Closed cases are kept for ${yearsText(policy.years)}.`);
  const form = h('form', { class: 'form', id: 'retention-form', novalidate: true },
    field({
      label: 'Years to keep a closed case', name: 'years', width: 'small', value: String(policy.years),
      hint: `A whole number from ${min} to ${max}. The default is ${dflt}.`,
      attrs: { inputmode: 'numeric', autocomplete: 'off' },
    }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'save-retention' }, 'Save policy')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const raw = valueOf(form, 'years').trim();
    const n = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
    if (!raw) { showErrors(form, [{ field: 'years', message: 'Enter the number of years to keep a closed case' }]); return; }
    if (!Number.isInteger(n) || n < min || n > max) {
      showErrors(form, [{ field: 'years', message: `The number of years must be a whole number from ${min} to ${max}` }]);
      return;
    }
    await busy(form, async () => {
      try {
        const saved = await api.put('/api/retention', { years: n });
        clearErrors(form);
        current.textContent = `Closed cases are kept for ${yearsText(saved.years)}.`;
        await onSaved(saved);
      } catch (error) { showApiError(form, error); }
    });
  });
  return h('section', { class: 'retention-policy', id: 'retention-policy', 'aria-labelledby': 'policy-heading' },
    h('h2', { class: 'heading-m', id: 'policy-heading' }, 'Retention policy'),
    h('p', { class: 'body', id: 'retention-explained' },
      'Connect keeps a closed case for this many years after its closure date. When that date comes, the daily run destroys it: '
      + 'its people, documents, history, alerts and queries are deleted for good, and only a destruction record without personal data is kept. '
      + 'Changing the policy moves the date of every closed case. Reopening a case cancels its date, and a case under a legal hold is never destroyed.'),
    current,
    form);
}

function dueTable(data) {
  const items = Array.isArray(data.items) ? data.items : [];
  if (!items.length) {
    return h('p', { class: 'body', id: 'retention-due-none' }, `No closed case is due for destruction in the next ${WITHIN} days.`);
  }
  const now = data.today || today();
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'due-heading' },
    h('table', { class: 'table', id: 'retention-due-table' },
      h('caption', { class: 'table__caption' }, `${items.length} ${items.length === 1 ? 'case' : 'cases'}, soonest first`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Connect ID'),
        h('th', { scope: 'col' }, 'Closure date'),
        h('th', { scope: 'col' }, 'Due for destruction'),
        h('th', { scope: 'col' }, 'Legal hold'))),
      h('tbody', {}, [...items].sort((a, b) => (a.destroy_on < b.destroy_on ? -1 : a.destroy_on > b.destroy_on ? 1 : a.id - b.id))
        .map((it) => h('tr', { dataset: { caseId: String(it.id) }, class: it.legal_hold ? 'retention-due--held' : null },
          h('th', { scope: 'row', dataset: { label: 'Connect ID' } },
            h('a', { href: `#/cases/${it.id}/closure`, class: 'link' }, it.connect_id || `C${it.id}`)),
          h('td', { dataset: { label: 'Closure date' } }, formatDate(it.closure_date)),
          h('td', { dataset: { label: 'Due for destruction' } }, formatDate(it.destroy_on),
            !it.legal_hold && it.destroy_on <= now ? h('span', { class: 'hint' }, ' (at the next daily run)') : null),
          h('td', { dataset: { label: 'Legal hold' } }, it.legal_hold
            ? [h('span', { class: 'tag' }, 'On hold'), ' ', h('span', { class: 'pre-line' }, it.legal_hold.reason || '')]
            : 'None'))))));
}

/** A record's row: a case (Connect ID, closure, due date, policy), or a NINo batch (its number, the
 * day it was cut and its 14 months); `withCouncil` (the Home Office's list) adds the case's council. */
function recordRows(items, { withCouncil = false } = {}) {
  return items.map((d) => {
    const batch = d.kind === 'nino_batch';
    const months = Number.isInteger(d.keep_months) ? d.keep_months : 14;
    return h('tr', { dataset: { destructionId: String(d.id), kind: batch ? 'nino_batch' : 'case' } },
      h('th', { scope: 'row', dataset: { label: 'Record' } }, (batch ? d.number : d.connect_id) || ''),
      h('td', { dataset: { label: 'Kind' } }, batch ? 'NINo batch' : 'Case'),
      withCouncil ? h('td', { dataset: { label: 'Council' } }, batch ? 'Every council' : ((d.council && d.council.name) || '')) : null,
      h('td', { dataset: { label: 'Closure date' } }, batch ? '' : formatDate(d.closure_date)),
      h('td', { dataset: { label: 'Due' } }, batch ? '' : formatDate(d.destroy_on)),
      h('td', { dataset: { label: 'Destroyed' } }, formatDateTime(d.destroyed_at)),
      h('td', { dataset: { label: 'Policy' } }, batch ? `${months} months after its cut on ${formatDate(d.cut_day)}`
        : Number.isInteger(d.policy_years) ? yearsText(d.policy_years) : ''),
      h('td', { dataset: { label: 'Deleted' } }, countsText(d.counts)));
  });
}

function downloadLink(format) {
  return h('a', {
    href: `/api/destructions?format=${format}`, class: 'link download-link', download: '', id: `download-destructions-${format}`,
  }, format === 'xlsx' ? 'Excel (.xlsx)' : 'CSV', visuallyHidden(' – every destruction record'));
}

async function recordsSection({ withCouncil = false } = {}) {
  const section = h('section', { class: 'retention-records', id: 'destruction-records', 'aria-labelledby': 'records-heading' },
    h('h2', { class: 'heading-m', id: 'records-heading' }, 'Destruction records'));
  const first = await api.get('/api/destructions', { query: { limit: String(PAGE) } });
  const items = Array.isArray(first.items) ? first.items : [];
  if (!items.length) {
    section.append(h('p', { class: 'body', id: 'destructions-none' }, withCouncil ? 'Nothing has been destroyed yet.' : 'No case has been destroyed yet.'));
    return section;
  }
  const tbody = h('tbody', {}, recordRows(items, { withCouncil }));
  section.append(
    h('p', { class: 'body' }, 'What was destroyed, newest first. The records hold no personal data. Download them all: ',
      downloadLink('csv'), ' or ', downloadLink('xlsx'), '.'),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'records-heading' },
      h('table', { class: 'table', id: 'destructions-table' },
        h('caption', { class: 'visually-hidden' }, 'Destruction records, newest first'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Record'),
          h('th', { scope: 'col' }, 'Kind'),
          withCouncil ? h('th', { scope: 'col' }, 'Council') : null,
          h('th', { scope: 'col' }, 'Closure date'),
          h('th', { scope: 'col' }, 'Due'),
          h('th', { scope: 'col' }, 'Destroyed'),
          h('th', { scope: 'col' }, 'Policy'),
          h('th', { scope: 'col' }, 'Deleted'))),
        tbody)));
  let cursor = first.next_cursor;
  if (cursor) {
    const more = h('button', { type: 'button', class: 'button button--secondary', id: 'destructions-more' }, 'Show older records');
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        const next = await api.get('/api/destructions', { query: { limit: String(PAGE), cursor: String(cursor) } });
        tbody.append(...recordRows(Array.isArray(next.items) ? next.items : [], { withCouncil }));
        cursor = next.next_cursor;
        if (!cursor) more.remove();
      } catch (error) {
        if (!error.handled) more.after(h('p', { class: 'body field-error' }, `Older records could not be loaded. ${error.message}`));
      } finally { more.disabled = false; }
    });
    section.append(h('div', { class: 'button-group' }, more));
  }
  return section;
}

export async function renderRetention(section, ctx) {
  if (!canManageRetention(ctx.user)) { // a Home Office admin: the records only
    const records = await recordsSection({ withCouncil: true });
    section.append(
      h('h1', { class: 'heading-l' }, 'Retention'),
      h('p', { class: 'body', id: 'retention-ho-intro' },
        'What was destroyed: each council’s closed cases, destroyed under its retention policy, and the NINo batches, whose people and results are destroyed 14 months after the batch was cut. The records hold no personal data.'),
      records);
    return;
  }
  const [policy, due, records] = await Promise.all([
    api.get('/api/retention'),
    api.get('/api/retention/due', { query: { within: String(WITHIN) } }),
    recordsSection(),
  ]);
  const dueArea = h('div', { id: 'retention-due' }, dueTable(due));
  const dueSection = h('section', { class: 'retention-due', id: 'retention-due-section', 'aria-labelledby': 'due-heading' },
    h('h2', { class: 'heading-m', id: 'due-heading' }, `Due for destruction in the next ${WITHIN} days`),
    h('p', { class: 'body body--secondary' }, 'Closed cases whose retention period ends within 90 days, or has ended and the daily run has not yet destroyed them. Open a case to place or lift a legal hold on its Closure tab.'),
    dueArea);
  const onSaved = async (saved) => {
    const fresh = await api.get('/api/retention/due', { query: { within: String(WITHIN) } });
    replaceChildren(dueArea, dueTable(fresh));
    ctx.setStatus(`The retention policy is now ${yearsText(saved.years)}.`, 'success');
  };
  section.append(
    h('h1', { class: 'heading-l' }, 'Retention'),
    h('p', { class: 'body' }, 'How long your council keeps closed cases, the cases due to be destroyed, and the record of those destroyed.'),
    policySection(policy, onSaved),
    dueSection,
    records);
}
