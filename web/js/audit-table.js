// The audit events as a table (the Audit page and the case page's "Who has seen or changed this case"):
// time, who (name and organisation), what, which case, from which request. Events hold ids and route
// patterns only; names come from the API's item.
import { h } from './dom.js';
import { formatUkDateTime } from './format.js';

const WORDS = {
  case_viewed: 'Viewed the case', case_history_viewed: 'Read the history', case_queries_viewed: 'Read the queries',
  query_viewed: 'Read a query', document_downloaded: 'Downloaded a document', cases_listed: 'Listed in search results',
  case_created: 'Created the case', case_imported: 'Imported the case', case_updated: 'Changed the case',
  case_closed: 'Closed the case', case_reopened: 'Reopened the case', case_document_added: 'Added a document',
  case_document_deleted: 'Deleted a document', access_refused: 'Was refused access', audit_exported: 'Exported the audit',
  login: 'Signed in', logout: 'Signed out', login_failed: 'Failed to sign in', case_allocated: 'Allocated the case',
  case_principal_updated: 'Changed the principal applicant', case_dependants_updated: 'Changed the dependants',
  case_immigration_updated: 'Changed the immigration page', case_finance_updated: 'Changed the finance page',
  alert_accepted: 'Accepted an alert', query_opened: 'Opened a query', query_message: 'Wrote in a query',
  query_closed: 'Closed a query', password_changed: 'Changed their password', password_reset: 'Reset a password',
  account_unlocked: 'Unlocked an account', user_created: 'Added a user', user_changed: 'Changed a user',
  user_deleted: 'Deleted a user', org_created: 'Added an organisation', rtpf_match: 'RTPF look-up (found)',
  rtpf_no_match: 'RTPF look-up (not found)', register_imported: 'Imported the status register',
  subject_access_exported: 'Exported a subject access request',
  case_shared_with_person_viewed: 'Read what was given to the person', legal_hold_placed: 'Placed a legal hold',
  legal_hold_lifted: 'Lifted a legal hold', retention_policy_set: 'Set the retention policy', network_help_set: 'Changed the Help page',
  destructions_exported: 'Exported the cases due for destruction', login_temporary_expired: 'Used an expired temporary password',
  mfa_enrolled: 'Set up two-factor sign-in', mfa_disabled: 'Turned off two-factor sign-in', mfa_reset: 'Reset two-factor sign-in',
  mfa_failed: 'Entered a wrong sign-in code', recovery_used: 'Used a recovery code', network_admin_created: 'Added a Network administrator',
  report_finance_downloaded: 'Downloaded the finance report', report_referrals_downloaded: 'Downloaded the referrals report',
  report_resolution_downloaded: 'Downloaded the resolution report', report_sla_downloaded: 'Downloaded the SLA report',
  report_national_downloaded: 'Downloaded the national report', org_place_set: 'Set a council’s nation and region',
  org_nino_partner_set: 'Marked the NINo partner', org_nino_partner_cleared: 'Cleared the NINo partner mark',
};

/** The event types an admin may filter by (fcgi/API.md "Event types"), most asked-about first. */
export const EVENT_TYPES = [
  'case_viewed', 'case_history_viewed', 'case_queries_viewed', 'query_viewed', 'document_downloaded', 'cases_listed',
  'case_created', 'case_imported', 'case_updated', 'case_principal_updated', 'case_dependants_updated',
  'case_immigration_updated', 'case_finance_updated', 'case_allocated', 'case_closed', 'case_reopened',
  'case_document_added', 'case_document_deleted', 'alert_accepted', 'query_opened', 'query_message', 'query_closed',
  'login', 'logout', 'login_failed', 'password_changed', 'password_reset', 'account_unlocked',
  'user_created', 'user_changed', 'user_deleted', 'org_created', 'org_place_set', 'rtpf_match', 'rtpf_no_match', 'register_imported',
  'subject_access_exported', 'access_refused', 'audit_exported',
];

/** A readable phrase for an event type, with the type itself beside it. */
export function eventWords(action) {
  return WORDS[action] ? `${WORDS[action]} (${action})` : action;
}

/** What happened, in words: the event, how many times, the cases of a search page, a refused request. */
function what(e) {
  const parts = [eventWords(e.action)];
  if (e.count > 1) parts[0] += ` ×${e.count}`;
  if (Array.isArray(e.targets) && e.action === 'cases_listed') parts.push(`${e.targets.length} ${e.targets.length === 1 ? 'case' : 'cases'} shown`);
  if (e.route) parts.push(e.status ? `${e.route} (${e.status})` : e.route);
  return parts.join(': ');
}

/** One <tr> for an AUDIT_ITEM; `withCase` adds the case's Connect ID (not on the case page's own tab). */
export function auditRow(e, { withCase = true } = {}) {
  const who = e.actor ? `${e.actor.name || `User ${e.actor.id} (deleted)`}${e.actor.org ? `, ${e.actor.org.name}` : ''}` : 'Connect (system)';
  return h('tr', { dataset: { seq: String(e.seq) } },
    // UK time for reading, and the time as recorded (UTC, to the millisecond) for matching an event with
    // server logs or another system's records, which are kept in UTC.
    h('td', { dataset: { label: 'When' } },
      h('time', { datetime: e.at }, formatUkDateTime(e.at)),
      h('span', { class: 'muted table__sub audit-utc' }, `UTC ${e.at}`)),
    h('td', { dataset: { label: 'Who' } }, who),
    h('td', { dataset: { label: 'What' } }, what(e)),
    withCase ? h('td', { dataset: { label: 'Case' } }, e.case ? h('a', { class: 'link', href: `#/cases/${e.case.id}` }, e.case.connect_id) : '') : null);
}

/** The table around the rows (caption says what it shows); `withCase` as for auditRow. */
export function auditTable(caption, tbody, id, { withCase = true } = {}) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table', id },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'When (UK time; UTC below)'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'What'),
        withCase ? h('th', { scope: 'col' }, 'Case') : null)),
      tbody));
}
