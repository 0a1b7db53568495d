// The users page for the Network admin: the organisation picker (kept in the address as
// #/users?org=ID) and "Add a council".
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { field, showErrors, showApiError, clearErrors, busy, valueOf } from '../../forms.js';
import { orgChoiceLabel } from '../../labels.js';

/** The picker shows the chosen organisation, and the address names it. */
export function syncPicker(cx) {
  if (cx.pickerSelect) cx.pickerSelect.value = String(cx.orgId);
  const url = `#/users?org=${cx.orgId}`;
  if (location.hash !== url) history.replaceState(null, '', url);
}

export function buildPicker(cx) {
  const f = field({
    label: 'Organisation', name: 'org', value: cx.orgId,
    options: cx.orgs.map((o) => ({ value: o.id, label: orgChoiceLabel(o) })),
  });
  const pickerSelect = f.control;
  cx.pickerSelect = pickerSelect;
  const form = h('form', { class: 'form form--inline', id: 'org-picker', novalidate: true },
    f, h('button', { type: 'submit', class: 'button button--secondary' }, 'Show users'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    cx.orgId = Number.parseInt(pickerSelect.value, 10);
    syncPicker(cx);
    replaceChildren(cx.credentialArea);
    cx.setAddOpen(false, false);
    try {
      await cx.loadUsers();
      cx.listHeading.focus();
    } catch (error) { cx.actionFailed(error); }
  });
  replaceChildren(cx.pickerArea, form);
}

export function buildCouncilForm(cx) {
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
      cx.orgs = await api.all('/api/orgs');
      if (org && org.id) cx.orgId = org.id;
      buildPicker(cx);
      syncPicker(cx);
      replaceChildren(cx.credentialArea);
      await cx.loadUsers().catch(cx.actionFailed);
      cx.setStatus(`${body.name} (${body.code}) has been added. Add its first administrator now.`, 'success');
      cx.setAddOpen(true, false);
      const role = document.querySelector('#add-user-form select[name="role"]');
      if (role) role.value = 'admin';
    });
  });
  replaceChildren(cx.councilArea,
    h('section', { class: 'panel', 'aria-labelledby': 'add-council-heading' },
      h('h2', { class: 'heading-m', id: 'add-council-heading' }, 'Add a council'),
      h('p', { class: 'body' }, 'After adding a council, add its first administrator.'),
      form));
}
