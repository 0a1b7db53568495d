// User accounts (admins): list, add, unlock, reset password, delete; the Network admin also picks
// the organisation and adds councils.
import { api } from '../api.js';
import { h, replaceChildren, uid, visuallyHidden } from '../dom.js';
import { field, showErrors, showApiError, clearErrors, busy, valueOf } from '../forms.js';
import { orgKindLabel, roleLabel, isNetworkAdmin } from '../labels.js';
import { emailDialog } from '../email-dialog.js';
import { confirmDialog } from '../dialog.js';

const ROLE_OPTIONS = [
  { value: 'user', label: 'User' },
  { value: 'admin', label: 'Administrator' },
];

function who(user) {
  return user.name && user.name !== user.username ? `${user.name} (${user.username})` : user.username;
}

export async function renderUsers(section, ctx) {
  const me = ctx.user;
  const network = isNetworkAdmin(me);
  let orgs = [];
  let orgId = me.org && me.org.id;
  if (network) {
    const wanted = Number.parseInt(ctx.params.get('org') || '', 10);
    if (Number.isInteger(wanted) && wanted > 0) orgId = wanted;
  }

  const orgName = () => {
    if (!network) return (me.org && me.org.name) || 'your organisation';
    const o = orgs.find((x) => x.id === orgId);
    return o ? o.name : `organisation ${orgId}`;
  };

  // ---- parts of the page ----
  const credentialArea = h('div', { id: 'credential-area' });
  const listHeading = h('h2', { class: 'heading-m', id: 'users-heading', tabindex: '-1' });
  const listArea = h('div', { id: 'users-list' });
  const addToggle = h('button', {
    type: 'button', class: 'button button--secondary', id: 'add-user-toggle',
    'aria-expanded': 'false', 'aria-controls': 'add-user-section',
  }, 'Add user');
  const addSection = h('section', { class: 'panel', id: 'add-user-section', hidden: true, 'aria-labelledby': 'add-user-heading' });
  const pickerArea = h('div', { id: 'org-picker-area' });
  const councilArea = h('div', { id: 'add-council-area' });

  // ---- temporary password, shown once ----
  function showCredential(user, password, what) {
    const headingId = uid('cred');
    const code = h('code', { class: 'temp-password__value', id: 'temp-password' }, password);
    const copyButton = h('button', { type: 'button', class: 'button button--secondary' }, 'Copy password');
    copyButton.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(password);
        ctx.setStatus('The temporary password has been copied.', 'success');
      } catch {
        const range = document.createRange();
        range.selectNodeContents(code);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        ctx.setStatus('Copying is not available here: the password is selected, copy it yourself.', 'warning');
      }
    });
    const doneButton = h('button', { type: 'button', class: 'button' }, 'I have noted it – hide the password');
    doneButton.addEventListener('click', () => {
      replaceChildren(credentialArea);
      listHeading.focus();
    });
    const panel = h('div', { class: 'credential', id: 'temp-password-panel', role: 'region', 'aria-labelledby': headingId },
      h('h2', { class: 'credential__title', id: headingId, tabindex: '-1' }, `${what} for ${who(user)}`),
      h('p', { class: 'body' }, 'This password is shown only once. Pass it on to the user securely – in person or by phone, never in the same message as their user name.'),
      h('p', { class: 'temp-password' }, visuallyHidden('Temporary password: '), code),
      h('p', { class: 'body' }, 'It lasts 7 days. The user must choose a new password when they first sign in with it.'),
      h('div', { class: 'button-group' }, copyButton, doneButton));
    replaceChildren(credentialArea, panel);
    panel.querySelector('h2').focus();
  }

  // ---- the list ----
  async function loadUsers({ focusUserId, focusWhat } = {}) {
    const users = await api.all('/api/users', network ? { org: orgId } : {});
    if (!ctx.isCurrent()) return;
    listHeading.textContent = `Users in ${orgName()}`;
    if (!users.length) {
      replaceChildren(listArea, h('p', { class: 'body', id: 'users-empty' }, 'There are no user accounts in this organisation yet.'));
      return;
    }
    const rows = users.map((u) => userRow(u));
    const captionText = `${users.length} ${users.length === 1 ? 'user account' : 'user accounts'} in ${orgName()}`;
    const table = h('table', { class: 'table', id: 'users-table' },
      h('caption', { class: 'table__caption' }, captionText),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'User name'),
        h('th', { scope: 'col' }, 'Name'),
        h('th', { scope: 'col' }, 'Role'),
        h('th', { scope: 'col' }, 'Team'),
        h('th', { scope: 'col' }, 'Email'),
        h('th', { scope: 'col' }, 'Locked'),
        h('th', { scope: 'col' }, 'Must change password'),
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

  function userRow(u) {
    const self = u.id === me.id;
    const actions = [];
    if (u.locked) {
      actions.push(h('button', {
        type: 'button', class: 'button button--small', dataset: { action: 'unlock' },
        'aria-label': `Unlock ${who(u)}`, onclick: () => unlock(u),
      }, 'Unlock'));
    }
    actions.push(h('button', {
      type: 'button', class: 'button button--small button--secondary', dataset: { action: 'email' },
      'aria-label': `Set the email address of ${who(u)}`, onclick: () => setEmail(u),
    }, 'Email'));
    if (!self) {
      actions.push(h('button', {
        type: 'button', class: 'button button--small button--secondary', dataset: { action: 'reset' },
        'aria-label': `Reset password for ${who(u)}`, onclick: () => resetPassword(u),
      }, 'Reset password'));
      actions.push(h('button', {
        type: 'button', class: 'button button--small button--warning', dataset: { action: 'delete' },
        'aria-label': `Delete ${who(u)}`, onclick: () => deleteUser(u),
      }, 'Delete'));
    } else {
      actions.push(h('span', { class: 'tag tag--grey' }, 'You'));
    }
    return h('tr', { dataset: { userId: String(u.id), username: u.username } },
      h('th', { scope: 'row', class: 'table__username', dataset: { label: 'User name' } }, u.username),
      h('td', { class: 'table__name', dataset: { label: 'Name' } }, u.name || ''),
      h('td', { dataset: { label: 'Role' } }, roleLabel(u.role)),
      h('td', { dataset: { label: 'Team' } }, u.team ? u.team : h('span', { class: 'muted' }, 'None')),
      h('td', { class: 'table__email', dataset: { label: 'Email' } }, u.email ? u.email : h('span', { class: 'muted' }, 'None')),
      h('td', { class: 'table__locked', dataset: { label: 'Locked' } }, u.locked ? h('span', { class: 'tag tag--red' }, 'Locked') : 'No'),
      h('td', { class: 'table__must-change', dataset: { label: 'Must change password' } }, u.must_change_password ? h('span', { class: 'tag tag--yellow' }, 'Yes') : 'No'),
      h('td', { class: 'table__actions' }, h('div', { class: 'actions' }, actions)));
  }

  function actionFailed(error) {
    if (error.handled) return;
    ctx.setStatus(error.message, 'error');
  }

  async function unlock(u) {
    try {
      await api.post(`/api/users/${u.id}/unlock`);
    } catch (error) { actionFailed(error); return; }
    ctx.setStatus(`The account of ${who(u)} has been unlocked.`, 'success');
    await loadUsers({ focusUserId: u.id, focusWhat: 'reset' }).catch(actionFailed);
  }

  async function setEmail(u) {
    const updated = await emailDialog(u, who(u));
    if (!updated) return;
    await loadUsers().catch(actionFailed);
    ctx.setStatus(updated.email ? `The email address of ${who(u)} is now ${updated.email}.` : `${who(u)} has no email address now.`);
  }

  async function resetPassword(u) {
    const ok = await confirmDialog({
      title: `Reset the password for ${who(u)}?`,
      body: 'They will be signed out everywhere and the account will be unlocked. You will see a new temporary password once, to pass on to them.',
      confirmLabel: 'Reset password',
    });
    if (!ok) return;
    let res;
    try {
      res = await api.post(`/api/users/${u.id}/reset-password`);
    } catch (error) { actionFailed(error); return; }
    await loadUsers().catch(actionFailed);
    showCredential(u, res && res.temporary_password ? res.temporary_password : '', 'New temporary password');
  }

  async function deleteUser(u) {
    const ok = await confirmDialog({
      title: `Delete the account of ${who(u)}?`,
      body: 'They will be signed out at once and will not be able to sign in again. This cannot be undone.',
      confirmLabel: 'Delete account',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(`/api/users/${u.id}`);
    } catch (error) { actionFailed(error); return; }
    ctx.setStatus(`The account of ${who(u)} has been deleted.`, 'success');
    await loadUsers().catch(actionFailed);
    listHeading.focus();
  }

  // ---- add user ----
  function buildAddForm() {
    const fields = [
      field({
        label: 'User name', name: 'username', width: 'medium',
        hint: '3 to 64 characters: lower-case letters, numbers, dots, hyphens and underscores, starting with a letter or number. For example, j.smith',
        attrs: { autocapitalize: 'none', autocorrect: 'off', autocomplete: 'off' },
      }),
      field({ label: 'Full name', name: 'name', width: 'large', attrs: { autocomplete: 'off' } }),
      field({ label: 'Role', name: 'role', options: ROLE_OPTIONS, value: 'user', hint: 'Administrators can manage the user accounts of their organisation.' }),
      field({ label: 'Team (optional)', name: 'team', width: 'large', attrs: { autocomplete: 'off' } }),
      field({ label: 'Email address (optional)', name: 'email', type: 'email', width: 'large', hint: 'Alerts and queries on their cases are emailed here.', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    ];
    if (network) {
      fields.push(field({
        label: 'Organisation', name: 'org',
        options: orgs.map((o) => ({ value: o.id, label: `${o.name} (${orgKindLabel(o.kind)})` })), value: orgId,
      }));
    }
    const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
    const form = h('form', { class: 'form', id: 'add-user-form', novalidate: true },
      fields,
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Create user'), cancel));
    cancel.addEventListener('click', () => setAddOpen(false, true));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        username: valueOf(form, 'username').trim(),
        name: valueOf(form, 'name').trim(),
        role: valueOf(form, 'role'),
        team: valueOf(form, 'team').trim() || null,
        email: valueOf(form, 'email').trim() || null,
      };
      if (network) body.org = Number.parseInt(valueOf(form, 'org'), 10);
      const errors = [];
      if (!body.username) errors.push({ field: 'username', message: 'Enter a user name' });
      if (!body.name) errors.push({ field: 'name', message: 'Enter the person’s full name' });
      if (errors.length) { showErrors(form, errors); return; }
      await busy(form, async () => {
        let res;
        try {
          res = await api.post('/api/users', body);
        } catch (error) {
          showApiError(form, error, {
            conflict: (e) => ({ field: e.field || 'username', message: e.message || 'That user name is already taken.' }),
          });
          return;
        }
        clearErrors(form);
        form.reset();
        setAddOpen(false, false);
        if (network && body.org && body.org !== orgId) {
          orgId = body.org;
          syncPicker();
        }
        await loadUsers().catch(actionFailed);
        const created = res && res.user ? res.user : { username: body.username, name: body.name };
        showCredential(created, res && res.temporary_password ? res.temporary_password : '', 'Temporary password');
        ctx.setStatus(`The account of ${who(created)} has been created.`, 'success');
      });
    });
    return form;
  }

  function setAddOpen(open, focusToggle) {
    addSection.hidden = !open;
    addToggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) {
      replaceChildren(addSection,
        h('h2', { class: 'heading-m', id: 'add-user-heading', tabindex: '-1' }, `Add a user to ${orgName()}`),
        h('p', { class: 'body' }, 'You will see a temporary password once, to pass on to the new user.'),
        buildAddForm());
      addSection.querySelector('input').focus();
    } else if (focusToggle) {
      addToggle.focus();
    }
  }
  addToggle.addEventListener('click', () => setAddOpen(addSection.hidden, true));

  // ---- Network admin: organisation picker and add council ----
  let pickerSelect = null;
  function syncPicker() {
    if (pickerSelect) pickerSelect.value = String(orgId);
    const url = `#/users?org=${orgId}`;
    if (location.hash !== url) history.replaceState(null, '', url);
  }

  function buildPicker() {
    const f = field({
      label: 'Organisation', name: 'org', value: orgId,
      options: orgs.map((o) => ({ value: o.id, label: `${o.name} (${orgKindLabel(o.kind)})` })),
    });
    pickerSelect = f.control;
    const form = h('form', { class: 'form form--inline', id: 'org-picker', novalidate: true },
      f, h('button', { type: 'submit', class: 'button button--secondary' }, 'Show users'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      orgId = Number.parseInt(pickerSelect.value, 10);
      syncPicker();
      replaceChildren(credentialArea);
      setAddOpen(false, false);
      try {
        await loadUsers();
        listHeading.focus();
      } catch (error) { actionFailed(error); }
    });
    replaceChildren(pickerArea, form);
  }

  function buildCouncilForm() {
    const form = h('form', { class: 'form', id: 'add-council-form', novalidate: true },
      field({ label: 'Council name', name: 'name', width: 'large', hint: 'For example, North Foo District Council', attrs: { autocomplete: 'off' } }),
      field({ label: 'Code', name: 'code', width: 'small', hint: '2 to 16 capital letters or numbers, for example NFDC', attrs: { autocapitalize: 'characters', autocomplete: 'off' } }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Add council')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { kind: 'council', name: valueOf(form, 'name').trim(), code: valueOf(form, 'code').trim().toUpperCase() };
      const errors = [];
      if (!body.name) errors.push({ field: 'name', message: 'Enter the council’s name' });
      if (!body.code) errors.push({ field: 'code', message: 'Enter a code for the council' });
      if (errors.length) { showErrors(form, errors); return; }
      await busy(form, async () => {
        let org;
        try {
          org = await api.post('/api/orgs', body);
        } catch (error) {
          showApiError(form, error, {
            conflict: (e) => ({ field: e.field || 'code', message: e.message || 'A council with that code already exists.' }),
          });
          return;
        }
        clearErrors(form);
        form.reset();
        orgs = await api.all('/api/orgs');
        if (org && org.id) orgId = org.id;
        buildPicker();
        syncPicker();
        replaceChildren(credentialArea);
        await loadUsers().catch(actionFailed);
        ctx.setStatus(`${body.name} (${body.code}) has been added. Add its first administrator now.`, 'success');
        setAddOpen(true, false);
        const role = document.querySelector('#add-user-form select[name="role"]');
        if (role) role.value = 'admin';
      });
    });
    replaceChildren(councilArea,
      h('section', { class: 'panel', 'aria-labelledby': 'add-council-heading' },
        h('h2', { class: 'heading-m', id: 'add-council-heading' }, 'Add a council'),
        h('p', { class: 'body' }, 'After adding a council, add its first administrator.'),
        form));
  }

  // ---- first load ----
  if (network) {
    orgs = await api.all('/api/orgs');
    buildPicker();
    buildCouncilForm();
  }
  await loadUsers();

  section.append(
    h('span', { class: 'caption' }, network ? 'Network administration' : orgName()),
    h('h1', { class: 'heading-l' }, 'User accounts'),
    pickerArea,
    credentialArea,
    h('div', { class: 'section-head' }, listHeading, addToggle),
    addSection,
    listArea,
    councilArea);
}
