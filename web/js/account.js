// The rows that describe a signed-in account, shared by the home page and My profile.
import { summaryRow } from './dom.js';
import { orgKindLabel, roleLabel } from './labels.js';

/** Summary-list rows: name, user name, role, organisation and its kind, team, email address. */
export function accountRows(user) {
  const org = user.org || {};
  return [
    summaryRow('Name', user.name || ''),
    summaryRow('User name', user.username || ''),
    summaryRow('Role', roleLabel(user.role)),
    summaryRow('Organisation', org.name || ''),
    summaryRow('Organisation type', orgKindLabel(org.kind)),
    summaryRow('Team', user.team ? user.team : 'No team'),
    summaryRow('Email address', user.email ? user.email : 'None (no email is sent to you)'),
  ];
}
