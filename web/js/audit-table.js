// The audit events as a table (the Audit page and the case page's "Who has seen or changed this case"):
// time, who (name and organisation), what, which case, from which request. Events hold ids and route
// patterns only; names come from the API's item.
import { h } from './dom.js';
import { formatDateTime } from './format.js';

const WORDS = {
  case_viewed: 'Viewed the case', case_history_viewed: 'Read the history', case_queries_viewed: 'Read the queries',
  query_viewed: 'Read a query', document_downloaded: 'Downloaded a document', cases_listed: 'Listed in search results',
  case_created: 'Created the case', case_imported: 'Imported the case', case_updated: 'Changed the case',
  case_closed: 'Closed the case', case_reopened: 'Reopened the case', case_document_added: 'Added a document',
  case_document_deleted: 'Deleted a document', access_refused: 'Was refused access', audit_exported: 'Exported the audit',
  login: 'Signed in', logout: 'Signed out',
};

/** A readable phrase for an event type, with the type itself beside it. */
export function eventWords(action) {
  return WORDS[action] ? `${WORDS[action]} (${action})` : action;
}

/** One <tr> for an AUDIT_ITEM. */
export function auditRow(e) {
  const who = e.actor ? `${e.actor.name || `User ${e.actor.id}`}${e.actor.org ? `, ${e.actor.org.name}` : ''}` : 'Connect';
  return h('tr', { dataset: { seq: String(e.seq) } },
    h('td', { dataset: { label: 'When' } }, formatDateTime(e.at)),
    h('td', { dataset: { label: 'Who' } }, who),
    h('td', { dataset: { label: 'What' } }, eventWords(e.action) + (e.count > 1 ? ` ×${e.count}` : '')),
    h('td', { dataset: { label: 'Case' } }, e.case ? h('a', { class: 'link', href: `#/cases/${e.case.id}` }, e.case.connect_id) : ''),
    h('td', { dataset: { label: 'Request' } }, e.route || ''));
}

/** The table around the rows (caption says what it shows). */
export function auditTable(caption, tbody, id) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table', id },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'When (UK time)'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'What'),
        h('th', { scope: 'col' }, 'Case'), h('th', { scope: 'col' }, 'Request'))),
      tbody));
}
