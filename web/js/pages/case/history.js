// The case page's History tab: every recorded change, newest first, 100 at a time ("Show older
// changes"), read afresh each time the tab is shown. Values are in words (labels, pounds, dates, names).
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { formatDate, formatDateTime, formatPence } from '../../format.js';
import { personName } from '../../person.js';
import {
  referralSourceLabel, legislationLabel, householdLabel, immigrationStatusLabel, accommodationLabel, closureReasonLabel,
  relationshipLabel, statusLabel, genderLabel, fieldPathLabel, fieldWord,
} from '../../labels.js';

// Per case page: the latest load (an older one that answers late is dropped) and the user names learnt.
const states = new WeakMap();
function stateOf(cx) {
  if (!states.has(cx)) states.set(cx, { seq: 0, names: new Map() });
  return states.get(cx);
}

/** Nothing is drawn until the tab is shown (showHistory). */
export function drawHistory() {}

export async function showHistory(p, cx) {
  const state = stateOf(cx);
  const seq = ++state.seq;
  const { base } = cx;
  const area = h('div', { id: 'history-area' }, h('p', { class: 'loading' }, 'Loading the history…'));
  replaceChildren(p, cx.panelHeading('History'), area);
  const rows = [];
  const tbody = h('tbody', {});
  const more = h('button', { type: 'button', class: 'button button--secondary', id: 'history-more' }, 'Show older changes');
  let cursor = null;
  async function page() {
    const res = await api.get(`${base}/history`, { query: { limit: 100, cursor } });
    if (seq !== state.seq) return;
    const items = res && Array.isArray(res.items) ? res.items : [];
    learnNames(cx, state.names, items);
    for (const item of items) {
      const tr = historyRow(cx, state.names, item);
      rows.push(tr);
      tbody.append(tr);
    }
    cursor = res && res.next_cursor;
    more.hidden = !cursor;
  }
  try {
    await page();
  } catch (error) {
    if (seq !== state.seq) return;
    if (!error.handled) replaceChildren(area, h('p', { class: 'body field-error' }, error.message));
    return;
  }
  if (seq !== state.seq) return;
  if (!rows.length) { replaceChildren(area, h('p', { class: 'body', id: 'no-history' }, 'No changes have been recorded.')); return; }
  more.addEventListener('click', async () => {
    const before = rows.length;
    try { await page(); } catch (error) { cx.failed(error); return; }
    const first = rows[before];
    if (first) { first.tabIndex = -1; first.focus(); }
  });
  replaceChildren(area,
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Changes to this case' },
      h('table', { class: 'table', id: 'history-table' },
        h('caption', { class: 'table__caption' }, 'Changes to this case, newest first'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'When'),
          h('th', { scope: 'col' }, 'Who'),
          h('th', { scope: 'col' }, 'What'),
          h('th', { scope: 'col' }, 'Change'))),
        tbody)),
    more);
}

/** 'dependants.2.family_name' -> 'Dependant Deniz Demir: family name' while the dependant is on the case. */
function whatChanged(kase, path) {
  const m = /^dependants\.(\d+)(?:\.(.+))?$/.exec(path || '');
  const d = m && (kase.dependants || []).find((x) => String(x.id) === m[1]);
  if (d) return m[2] ? `Dependant ${personName(d)}: ${fieldWord(m[2].split('.').pop())}` : `Dependant ${personName(d)}`;
  return fieldPathLabel(path);
}

// History stores user ids (caseworker_id); name them from what the page knows.
function learnNames(cx, userNames, items) {
  const { kase, cwOptions, user: me } = cx;
  for (const o of cwOptions) if (o.value) userNames.set(String(o.value), o.label.replace(/ \(me\)$/, ''));
  if (kase.caseworker) userNames.set(String(kase.caseworker.id), kase.caseworker.name);
  userNames.set(String(me.id), me.name || me.username);
  for (const it of items) if (it.by && it.by.id) userNames.set(String(it.by.id), it.by.name);
}
function changeText(userNames, item, v) {
  if (/(^|\.)caseworker_id$/.test(item.field || '') && v !== null && v !== undefined && v !== '') {
    return userNames.get(String(v)) || `User ${v}`;
  }
  return valueText(item.field, v);
}

/** A document added or removed, as people say it: "Tom Hughes uploaded tenancy-agreement.pdf" (null otherwise). */
function documentSentence(item) {
  if (!/^documents\.\d+$/.test(item.field || '')) return null;
  const who = (item.by && item.by.name) || 'Someone';
  const doc = !isEmpty(item.new) && typeof item.new === 'object' ? item.new : item.old;
  const name = doc && typeof doc === 'object' && doc.filename ? doc.filename : 'a document';
  if (isEmpty(item.old)) return `${who} uploaded ${name}`;
  if (isEmpty(item.new)) return `${who} deleted ${name}`;
  return `${who} changed ${name}`;
}

function historyRow(cx, userNames, item) {
  const created = item.field === 'case' && item.new === 'created';
  const sentence = created ? `Case created${item.by && item.by.name ? ` by ${item.by.name}` : ''}` : documentSentence(item);
  const change = sentence
    ? h('td', { class: 'history-change', dataset: { label: 'Change' } }, sentence)
    : h('td', { class: 'history-change', dataset: { label: 'Change' } },
      h('span', { class: isEmpty(item.old) ? 'history-empty' : 'history-old' }, changeText(userNames, item, item.old)),
      h('span', { class: 'history-arrow' }, ' → '),
      h('span', { class: 'visually-hidden' }, 'changed to '),
      h('span', { class: isEmpty(item.new) ? 'history-empty' : 'history-new' }, changeText(userNames, item, item.new)));
  return h('tr', { dataset: { field: item.field || '' } },
    h('td', { dataset: { label: 'When' } }, formatDateTime(item.at)),
    h('td', { dataset: { label: 'Who' } }, (item.by && item.by.name) || ''),
    h('th', { scope: 'row', dataset: { label: 'What' } }, whatChanged(cx.kase, item.field)),
    change);
}

// Bookkeeping inside recorded objects that says nothing to a reader: ids of records and users, file
// hashes and sizes (never shown: a reader wants names and words).
const HIDDEN_KEYS = new Set(['id', 'updated_at', 'updated_by', 'closed_by', 'reopened_by', 'sha256', 'size', 'content_type',
  'person_id', 'uploaded_by', 'number_hash']);
const hiddenKey = (k) => HIDDEN_KEYS.has(k) || /(_by|_id|_hash)$/.test(k);

const isEmpty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);

/** A history value in words: codes as labels, pence as pounds, dates as dates, empty as "(empty)". */
function valueText(path, v) {
  if (v === null || v === undefined || v === '') return '(empty)';
  const last = String(path || '').split('.').pop();
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) {
    if (!v.length) return '(none)';
    return v.map((x) => valueText(path, x)).join(' | ');
  }
  if (typeof v === 'object') {
    if ('amount_pence' in v && 'description' in v) {
      return `${v.description || 'Cost'} ${formatPence(v.amount_pence)}${v.date ? ` (${formatDate(v.date)})` : ''}`;
    }
    if ('name' in v && Object.keys(v).length <= 2) return String(v.name);
    // A whole page (finance, closure, a previous closure): its filled-in fields, in words.
    const parts = [];
    for (const [k, x] of Object.entries(v)) {
      if (hiddenKey(k) || isEmpty(x)) continue;
      parts.push(`${fieldPathLabel(k)}: ${valueText(`${path}.${k}`, x)}`);
    }
    return parts.length ? parts.join('; ') : '(empty)';
  }
  if (/_pence$/.test(last) && Number.isFinite(Number(v))) return formatPence(v);
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return formatDate(s);
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) return formatDateTime(s);
  switch (last) {
    case 'status': return String(path).startsWith('immigration') ? immigrationStatusLabel(s) : statusLabel(s);
    case 'legislation': return legislationLabel(s);
    case 'household_type': return householdLabel(s);
    case 'referral_source': return referralSourceLabel(s);
    case 'status_at_referral': return immigrationStatusLabel(s);
    case 'gender': return genderLabel(s);
    case 'relationship': return relationshipLabel(s);
    case 'accommodation_type': return accommodationLabel(s);
    case 'reason': return closureReasonLabel(s);
    default: return s;
  }
}
