// Changing an account in a modal <dialog> with the form's own error summary: the email address
// (where alerts and queries on their cases are sent) and the disclosure agreement's grade and
// "may countersign" mark.
import { api } from './api.js';
import { h } from './dom.js';
import { field, checkbox, showApiError, busy, valueOf } from './forms.js';
import { GRADES } from './labels.js';

/**
 * patchDialog(user, {id, title, controls, body(form)}) -> Promise<USER|null>: PATCHes the user with
 * body(form) on Save; the updated user, or null when cancelled.
 */
function patchDialog(user, { id, title, controls, body }) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    let result = null;
    const cancel = h('button', { type: 'button', class: 'button button--secondary', id: `${id}-cancel` }, 'Cancel');
    const form = h('form', { class: 'form', id: `${id}-form`, novalidate: true },
      ...controls,
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: `${id}-save` }, 'Save'), cancel));
    const dialog = h('dialog', { class: 'dialog', id: `${id}-dialog`, 'aria-labelledby': `${id}-title` },
      h('h2', { class: 'heading-m', id: `${id}-title` }, title), form);
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      await busy(form, async () => {
        try {
          result = await api.patch(`/api/users/${user.id}`, body(form));
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
    form.querySelector('input, select').focus();
  });
}

/** emailDialog(user, label) -> Promise<USER|null>: the updated user, or null when cancelled. */
export function emailDialog(user, label) {
  return patchDialog(user, {
    id: 'email',
    title: `Email address for ${label}`,
    controls: [field({
      label: 'Email address', name: 'email', type: 'email', value: user.email || '', width: 'large',
      hint: 'Alerts and queries on their cases are emailed here (the Connect ID only, never a name). Leave it empty to send none.',
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    })],
    body: (form) => ({ email: valueOf(form, 'email').trim() || null }),
  });
}

/** gradeDialog(user, label): their grade and whether they may countersign disclosure requests. */
export function gradeDialog(user, label) {
  return patchDialog(user, {
    id: 'grade',
    title: `Grade and countersigning for ${label}`,
    controls: [
      field({ label: 'Grade', name: 'grade', value: user.grade || '', options: [{ value: '', label: 'No grade recorded' }, ...GRADES.map(([v, l]) => ({ value: v, label: l }))] }),
      checkbox({ label: 'May countersign disclosure requests', name: 'may_countersign', checked: Boolean(user.may_countersign),
        hint: 'A line manager of Executive Officer grade or above, who countersigns requests before they leave your organisation.' }),
    ],
    body: (form) => ({ grade: valueOf(form, 'grade') || null, may_countersign: form.querySelector('[name="may_countersign"]').checked }),
  });
}
