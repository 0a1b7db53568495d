// The users page's list: the table of the organisation's accounts, each row with its actions.
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { roleLabel } from '../../labels.js';
import { unlock, setEmail, setGrade, resetPassword, resetMfa, deleteUser } from './actions.js';
import { who } from './common.js';

/** (Re)load the list of the chosen organisation; optionally focus a row's action afterwards. */
export async function loadUsers(cx, { focusUserId, focusWhat } = {}) {
  const { listHeading, listArea } = cx;
  const users = await api.all('/api/users', cx.network ? { org: cx.orgId } : {});
  if (!cx.isCurrent()) return;
  listHeading.textContent = `Users in ${cx.orgName()}`;
  if (!users.length) {
    replaceChildren(listArea, h('p', { class: 'body', id: 'users-empty' }, 'There are no user accounts in this organisation yet.'));
    return;
  }
  const rows = users.map((u) => userRow(u, cx));
  const captionText = `${users.length} ${users.length === 1 ? 'user account' : 'user accounts'} in ${cx.orgName()}`;
  const table = h('table', { class: 'table', id: 'users-table' },
    h('caption', { class: 'table__caption' }, captionText),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'User name'),
      h('th', { scope: 'col' }, 'Name'),
      h('th', { scope: 'col' }, 'Role'),
      h('th', { scope: 'col' }, 'Team'),
      h('th', { scope: 'col' }, 'Email'),
      h('th', { scope: 'col' }, 'Grade'),
      h('th', { scope: 'col' }, 'Locked'),
      h('th', { scope: 'col' }, 'Must change password'),
      h('th', { scope: 'col' }, 'Two-factor'),
      h('th', { scope: 'col' }, h('span', {}, 'Actions')))),
    h('tbody', {}, rows));
  replaceChildren(listArea,
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': captionText }, table));
  if (focusUserId) {
    const target = listArea.querySelector(`tr[data-user-id="${focusUserId}"] [data-action="${focusWhat}"]`)
      || listArea.querySelector(`tr[data-user-id="${focusUserId}"] [data-action="reset"]`);
    if (target) target.focus();
    else listHeading.focus();
  }
}

function userRow(u, cx) {
  const self = u.id === cx.me.id;
  const actions = [];
  // Outside its own organisation the Network may only unlock or reset an administrator (fcgi/API.md).
  const elsewhere = cx.network && u.org && cx.me.org && u.org.id !== cx.me.org.id;
  if (elsewhere && u.role !== 'admin') {
    actions.push(h('span', { class: 'muted' }, 'Managed by its organisation’s administrators'));
  } else if (elsewhere) {
    if (u.locked) {
      actions.push(h('button', {
        type: 'button', class: 'button button--small', dataset: { action: 'unlock' },
        'aria-label': `Unlock ${who(u)}`, onclick: () => unlock(u, cx),
      }, 'Unlock'));
    }
    actions.push(h('button', {
      type: 'button', class: 'button button--small button--secondary', dataset: { action: 'reset' },
      'aria-label': `Reset password for ${who(u)}`, onclick: () => resetPassword(u, cx),
    }, 'Reset password'));
  }
  actions.push(h('a', {
    class: 'link', href: `#/audit?user=${u.id}`, dataset: { action: 'activity' }, 'aria-label': `Recent activity of ${who(u)}`,
  }, 'Recent activity'));
  if (elsewhere) return rowOf(u, actions);
  if (u.locked) {
    actions.push(h('button', {
      type: 'button', class: 'button button--small', dataset: { action: 'unlock' },
      'aria-label': `Unlock ${who(u)}`, onclick: () => unlock(u, cx),
    }, 'Unlock'));
  }
  actions.push(h('button', {
    type: 'button', class: 'button button--small button--secondary', dataset: { action: 'email' },
    'aria-label': `Set the email address of ${who(u)}`, onclick: () => setEmail(u, cx),
  }, 'Email'));
  actions.push(h('button', {
    type: 'button', class: 'button button--small button--secondary', dataset: { action: 'grade' },
    'aria-label': `Set the grade and countersigning of ${who(u)}`, onclick: () => setGrade(u, cx),
  }, 'Grade'));
  if (!self) {
    actions.push(h('button', {
      type: 'button', class: 'button button--small button--secondary', dataset: { action: 'reset' },
      'aria-label': `Reset password for ${who(u)}`, onclick: () => resetPassword(u, cx),
    }, 'Reset password'));
    if (u.mfa_enrolled) {
      actions.push(h('button', {
        type: 'button', class: 'button button--small button--secondary', dataset: { action: 'reset-mfa' },
        'aria-label': `Reset two-factor sign-in for ${who(u)}`, onclick: () => resetMfa(u, cx),
      }, 'Reset two-factor'));
    }
    actions.push(h('button', {
      type: 'button', class: 'button button--small button--warning', dataset: { action: 'delete' },
      'aria-label': `Delete ${who(u)}`, onclick: () => deleteUser(u, cx),
    }, 'Delete'));
  } else {
    actions.push(h('span', { class: 'tag tag--grey' }, 'You'));
  }
  return rowOf(u, actions);
}

function rowOf(u, actions) {
  return h('tr', { dataset: { userId: String(u.id), username: u.username } },
    h('th', { scope: 'row', class: 'table__username', dataset: { label: 'User name' } }, u.username),
    h('td', { class: 'table__name', dataset: { label: 'Name' } }, u.name || ''),
    h('td', { dataset: { label: 'Role' } }, roleLabel(u.role)),
    h('td', { dataset: { label: 'Team' } }, u.team ? u.team : h('span', { class: 'muted' }, 'None')),
    h('td', { class: 'table__email', dataset: { label: 'Email' } }, u.email ? u.email : h('span', { class: 'muted' }, 'None')),
    h('td', { class: 'table__grade', dataset: { label: 'Grade' } }, u.grade ? `${u.grade}${u.may_countersign ? ' (countersigns)' : ''}` : h('span', { class: 'muted' }, 'None')),
    h('td', { class: 'table__locked', dataset: { label: 'Locked' } }, u.locked ? h('span', { class: 'tag tag--red' }, 'Locked') : 'No'),
    h('td', { class: 'table__must-change', dataset: { label: 'Must change password' } }, u.must_change_password ? h('span', { class: 'tag tag--yellow' }, 'Yes') : 'No'),
    h('td', { class: 'table__mfa', dataset: { label: 'Two-factor' } }, u.mfa_enrolled ? 'On' : 'Off'),
    h('td', { class: 'table__actions' }, h('div', { class: 'actions' }, actions)));
}
