// Setting a user's email address (the address alerts and queries on their cases are sent to), in a
// modal <dialog> with the form's own error summary.
import { api } from './api.js';
import { h } from './dom.js';
import { field, showApiError, busy, valueOf } from './forms.js';

/** emailDialog(user, label) -> Promise<USER|null>: the updated user, or null when cancelled. */
export function emailDialog(user, label) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    let result = null;
    const cancel = h('button', { type: 'button', class: 'button button--secondary', id: 'email-cancel' }, 'Cancel');
    const form = h('form', { class: 'form', id: 'email-form', novalidate: true },
      field({
        label: 'Email address', name: 'email', type: 'email', value: user.email || '', width: 'large',
        hint: 'Alerts and queries on their cases are emailed here (the Connect ID only, never a name). Leave it empty to send none.',
        attrs: { autocomplete: 'off', spellcheck: 'false' },
      }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'email-save' }, 'Save'), cancel));
    const dialog = h('dialog', { class: 'dialog', id: 'email-dialog', 'aria-labelledby': 'email-title' },
      h('h2', { class: 'heading-m', id: 'email-title' }, `Email address for ${label}`), form);
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      await busy(form, async () => {
        try {
          result = await api.patch(`/api/users/${user.id}`, { email: valueOf(form, 'email').trim() || null });
          dialog.close();
        } catch (error) { showApiError(form, error); }
      });
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    form.querySelector('input[name="email"]').focus();
  });
}
