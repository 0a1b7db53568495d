// A table of alerts (the alerts list, the case page, the due/overdue page) with the "Accept" action
// for alerts addressed to the signed-in user's side. After an accept the row says "Accepted".
import { api } from './api.js';
import { h, replaceChildren, visuallyHidden } from './dom.js';
import { formatDate, formatDateTime } from './format.js';
import { dueNode } from './due.js';
import { caseCell, rowsOpenLink } from './case-cell.js';
import { immigrationValueText } from './immigration-words.js';
import {
  alertTypeLabel, alertFieldWord, clearedHowLabel, finalOutcomeLabel, sideLabel, sideOf,
} from './labels.js';

/** Why an accept failed, in plain words. */
export function acceptErrorText(error) {
  switch (error && error.code) {
    case 'conflict': return 'This alert has already been cleared. Reload the page to see it.';
    case 'forbidden': return 'This alert is for the other side. Only they can accept it.';
    case 'not_found': return 'This alert no longer exists, or it is not on a case you can see.';
    default: return (error && error.message) || 'The alert could not be accepted. Try again.';
  }
}

/** POST /api/alerts/{id}/accept -> the cleared ALERT; the HO may add its statement of the case. */
export function acceptAlert(alert, statement) {
  return api.post(`/api/alerts/${alert.id}/accept`, statement ? { statement } : undefined);
}

// Alerts that clear by what is done on the case, never by "Accept" (DESIGN.md: a new case alert
// clears when the Home Office completes the status check or raises a query; closure required when
// the council closes the case — the API refuses to accept it).
const CLEARED_BY_WORK = new Set(['closure_required', 'new_case']);

/** Whether the user may accept this alert: open, addressed to their side, not cleared by work. */
export function canAccept(user, alert) {
  return Boolean(alert && alert.open && alert.to === sideOf(user) && !CLEARED_BY_WORK.has(alert.type));
}

/** What an alert is about: the changed fields, or the final outcome. */
export function alertDetails(alert) {
  const parts = [];
  const fields = Array.isArray(alert.fields) ? alert.fields : [];
  const changes = Array.isArray(alert.changes) ? alert.changes : [];
  if (changes.length) {
    parts.push(h('ul', { class: 'list list--plain alert-fields alert-changes' }, changes.map((c) => h('li', {},
      `${alertFieldWord(c.field).replace(/^./, (x) => x.toUpperCase())}: ${immigrationValueText(c.field, c.old)}`,
      h('span', { 'aria-hidden': 'true' }, ' → '), visuallyHidden(' changed to '), immigrationValueText(c.field, c.new)))));
  } else if (fields.length) {
    parts.push(h('ul', { class: 'list list--plain alert-fields' }, fields.map((f) => h('li', {}, alertFieldWord(f)))));
  }
  const o = alert.outcome;
  if (o && typeof o === 'object') {
    const what = [finalOutcomeLabel(o.outcome)];
    if (o.decision_date) what.push(`decided ${formatDate(o.decision_date)}`);
    parts.push(h('p', { class: 'alert-outcome' }, what.filter(Boolean).join(', ')));
    if (o.notes) parts.push(h('p', { class: 'pre-line alert-outcome__notes' }, o.notes));
    if (o.late) parts.push(h('p', { class: 'alert-outcome__late' }, h('span', { class: 'tag tag--red' }, 'Late'), ' Raised after the Home Office’s 7-working-day deadline'));
    if (alert.awaiting_mi_run) parts.push(h('p', { class: 'alert-outcome__awaiting' }, 'Due 7 working days after the next weekly MI report run (not recorded yet)'));
  }
  if (alert.statement) parts.push(h('p', { class: 'pre-line alert-statement' }, h('strong', {}, 'Home Office statement: '), alert.statement));
  return parts.length ? parts : h('span', { class: 'muted' }, '–');
}

function stateText(alert) {
  if (alert.open) return h('span', { class: 'tag tag--blue alert-state' }, 'Open');
  const how = clearedHowLabel(alert.cleared_how) || 'Cleared';
  const when = alert.cleared_at ? ` ${formatDateTime(alert.cleared_at)}` : '';
  const who = alert.cleared_by && alert.cleared_by.name ? ` by ${alert.cleared_by.name}` : '';
  return h('span', { class: 'alert-state' }, h('strong', { class: 'alert-state__how' }, how), `${when}${who}`);
}

/**
 * The cell with what the user can do about an alert: an Accept button, the closure explanation,
 * or nothing. `onAccepted(updated)` runs after a successful accept; `setStatus` announces it.
 */
export function alertAction(alert, { user, setStatus, onAccepted }) {
  const cell = h('div', { class: 'alert-action' });
  const council = sideOf(user) === 'council';
  if (alert.open && (alert.type === 'closure_required' || alert.type === 'support_ended')) {
    replaceChildren(cell,
      h('p', { class: 'alert-action__note' }, alert.type === 'support_ended'
        ? 'Support has ended: this clears when the case is closed or its support end date changes. It cannot be accepted.'
        : 'This clears when the case is closed. It cannot be accepted.'),
      council ? h('a', { href: `#/cases/${alert.case_id}/closure`, class: 'link', dataset: { action: 'close-case' } }, 'Close the case', visuallyHidden(` ${alert.connect_id || ''}`)) : null);
    return cell;
  }
  if (alert.open && alert.type === 'new_case' && alert.to === sideOf(user)) {
    replaceChildren(cell,
      h('p', { class: 'alert-action__note' }, 'This clears when you update the immigration page (the status check) or open a query.'),
      h('a', { href: `#/cases/${alert.case_id}/immigration`, class: 'link', dataset: { action: 'status-check' } }, 'Do the status check', visuallyHidden(` for ${alert.connect_id || ''}`)));
    return cell;
  }
  // An immigration update is accepted on the case's immigration tab, after the changes (old → new)
  // have been shown there: never blind from a list.
  if (alert.open && alert.type === 'immigration_update' && alert.to === sideOf(user)) {
    replaceChildren(cell,
      h('a', { href: `#/cases/${alert.case_id}/immigration`, class: 'link', dataset: { action: 'review-update' } },
        'Review and accept the changes', visuallyHidden(` on ${alert.connect_id || ''}`)));
    return cell;
  }
  if (!canAccept(user, alert)) return cell;
  const name = `${alertTypeLabel(alert.type)} alert on ${alert.connect_id || `case ${alert.case_id}`}`;
  const button = h('button', {
    type: 'button', class: 'button button--small', dataset: { action: 'accept' }, 'aria-label': `Accept ${name}`,
  }, 'Accept');
  // The HO may state its understanding of the case as it accepts (kept on the alert and in history).
  let statement = null;
  if (sideOf(user) === 'ho') {
    const sid = `statement-${alert.id}`;
    statement = h('textarea', { id: sid, name: 'statement', class: 'textarea alert-statement__input', rows: 2, maxlength: 4000 });
    cell.append(h('div', { class: 'form-group' },
      h('label', { class: 'label', for: sid }, 'Your statement of the case (optional)', visuallyHidden(` for ${name}`)), statement));
  }
  button.addEventListener('click', async () => {
    button.disabled = true;
    const old = cell.querySelector('.field-error');
    if (old) old.remove();
    let updated;
    try {
      updated = await acceptAlert(alert, statement ? statement.value.trim() : '');
    } catch (error) {
      button.disabled = false;
      if (error.handled) return;
      cell.append(h('p', { class: 'field-error', role: 'alert' }, acceptErrorText(error)));
      return;
    }
    const row = cell.closest('tr');
    if (row) row.classList.add('alert-row--accepted');
    replaceChildren(cell, h('span', { class: 'tag tag--green alert-accepted' }, 'Accepted'));
    if (setStatus) setStatus(`The ${name} has been accepted.`, 'success');
    if (onAccepted) onAccepted(updated || { ...alert, open: false, cleared_how: 'accepted' });
  });
  cell.append(button);
  return cell;
}

/**
 * alertTable(alerts, {user, caption, id, showCase, showState, setStatus, onAccepted})
 * The Home Office also sees the council of each alert.
 */
export function alertTable(alerts, { user, caption, id = 'alerts-table', showCase = true, showState = false, setStatus, onAccepted }) {
  const ho = sideOf(user) === 'ho';
  const rows = alerts.map((a) => h('tr', {
    class: ['alert-row', a.overdue && a.open && 'alert-row--overdue'],
    dataset: { alertId: String(a.id), type: a.type || '', caseId: String(a.case_id) },
  },
  showCase
    ? h('th', { scope: 'row', dataset: { label: 'Case' } }, caseCell(a))
    : null,
  ho && showCase ? h('td', { dataset: { label: 'Council' } }, (a.council && a.council.name) || '') : null,
  showCase
    ? h('td', { dataset: { label: 'Alert' } }, alertTypeLabel(a.type))
    : h('th', { scope: 'row', dataset: { label: 'Alert' } }, alertTypeLabel(a.type)),
  h('td', { dataset: { label: 'For' } }, sideLabel(a.to)),
  h('td', { dataset: { label: 'Raised' } }, formatDateTime(a.raised_at),
    a.raised_by && a.raised_by.name ? h('span', { class: 'muted table__sub' }, `by ${a.raised_by.name}`) : null),
  h('td', { dataset: { label: 'Due' } }, dueNode(a, { open: a.open })),
  h('td', { dataset: { label: 'What changed' } }, alertDetails(a)),
  showState ? h('td', { dataset: { label: 'State' } }, stateText(a)) : null,
  h('td', { class: 'table__actions', dataset: { label: 'Action' } }, alertAction(a, { user, setStatus, onAccepted }))));
  const table = h('table', { class: 'table alerts-table', id },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {},
        showCase ? h('th', { scope: 'col' }, 'Case') : null,
        ho && showCase ? h('th', { scope: 'col' }, 'Council') : null,
        h('th', { scope: 'col' }, 'Alert'),
        h('th', { scope: 'col' }, 'For'),
        h('th', { scope: 'col' }, 'Raised'),
        h('th', { scope: 'col' }, 'Due'),
        h('th', { scope: 'col' }, 'What changed'),
        showState ? h('th', { scope: 'col' }, 'State') : null,
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')))),
    h('tbody', {}, rows));
  if (showCase) rowsOpenLink(table, '.case-cell__link');
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, table);
}
