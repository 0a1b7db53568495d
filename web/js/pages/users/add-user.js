// The users page's "Add user" form (the Network admin also picks the organisation); on success the
// list again and the temporary password, shown once.
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { field, showErrors, showApiError, clearErrors, busy, valueOf } from '../../forms.js';
import { orgKindLabel } from '../../labels.js';
import { who } from './common.js';

const ROLE_OPTIONS = [
  { value: 'user', label: 'User' },
  { value: 'admin', label: 'Administrator' },
];

function buildAddForm(cx) {
  const { network } = cx;
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
      hint: 'In another organisation the Network adds only its first administrator; that administrator adds everyone else.',
      options: cx.orgs.map((o) => ({ value: o.id, label: `${o.name} (${orgKindLabel(o.kind)})` })), value: cx.orgId,
    }));
  }
  const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
  const form = h('form', { class: 'form', id: 'add-user-form', novalidate: true },
    fields,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Create user'), cancel));
  cancel.addEventListener('click', () => setAddOpen(cx, false, true));
  if (network) {
    // Another organisation: an administrator only (the server refuses anything else).
    const orgSelect = form.querySelector('select[name="org"]');
    const roleSelect = form.querySelector('select[name="role"]');
    const fitRole = () => {
      const elsewhere = Number.parseInt(orgSelect.value, 10) !== cx.me.org.id;
      for (const o of roleSelect.options) o.disabled = elsewhere && o.value !== 'admin';
      if (elsewhere) roleSelect.value = 'admin';
    };
    orgSelect.addEventListener('change', fitRole);
    fitRole();
  }
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
      setAddOpen(cx, false, false);
      if (network && body.org && body.org !== cx.orgId) {
        cx.orgId = body.org;
        cx.syncPicker();
      }
      await cx.loadUsers().catch(cx.actionFailed);
      const created = res && res.user ? res.user : { username: body.username, name: body.name };
      cx.showCredential(created, res && res.temporary_password ? res.temporary_password : '', 'Temporary password');
      cx.setStatus(`The account of ${who(created)} has been created.`, 'success');
    });
  });
  return form;
}

/** Open (a fresh form) or close the add-user section; closing can return focus to "Add user". */
export function setAddOpen(cx, open, focusToggle) {
  const { addSection, addToggle } = cx;
  addSection.hidden = !open;
  addToggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  if (open) {
    replaceChildren(addSection,
      h('h2', { class: 'heading-m', id: 'add-user-heading', tabindex: '-1' }, `Add a user to ${cx.orgName()}`),
      h('p', { class: 'body' }, 'You will see a temporary password once, to pass on to the new user.'),
      buildAddForm(cx));
    addSection.querySelector('input').focus();
  } else if (focusToggle) {
    addToggle.focus();
  }
}
