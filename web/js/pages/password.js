// The change-password form (used on My profile) and the forced change after a temporary password.
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, showErrors, showApiError, clearErrors, busy, valueOf, charCount } from '../forms.js';

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

/** Build the form; `onChanged()` runs after the server accepted the new password. */
export function changePasswordForm({ id, onChanged, submitLabel = 'Change password', currentLabel = 'Current password', currentHint }) {
  const current = field({ label: currentLabel, name: 'current_password', type: 'password', autocomplete: 'current-password', width: 'medium', hint: currentHint });
  const next = field({
    label: 'New password', name: 'new_password', type: 'password', autocomplete: 'new-password', width: 'medium',
    hint: `At least ${MIN_PASSWORD} characters: three or four unrelated words make a strong password. Not your user name or your organisation’s name, a common password, a keyboard pattern or repeated characters.`,
  });
  const confirm = field({ label: 'Confirm new password', name: 'confirm_password', type: 'password', autocomplete: 'new-password', width: 'medium' });
  const form = h('form', { class: 'form', id, novalidate: true },
    current, next, confirm,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, submitLabel)));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const cur = valueOf(form, 'current_password');
    const np = valueOf(form, 'new_password');
    const cp = valueOf(form, 'confirm_password');
    const errors = [];
    if (!cur) errors.push({ field: 'current_password', message: 'Enter your current password' });
    if (!np) errors.push({ field: 'new_password', message: 'Enter a new password' });
    else if (charCount(np) < MIN_PASSWORD) errors.push({ field: 'new_password', message: `Your new password must be at least ${MIN_PASSWORD} characters` });
    else if (charCount(np) > MAX_PASSWORD) errors.push({ field: 'new_password', message: `Your new password must be ${MAX_PASSWORD} characters or fewer` });
    if (np && cp !== np) errors.push({ field: 'confirm_password', message: 'The new passwords do not match' });
    if (errors.length) { showErrors(form, errors); return; }
    await busy(form, async () => {
      try {
        await api.put('/api/me/password', { current_password: cur, new_password: np });
      } catch (error) {
        if (error.handled) return;
        if (error.field === 'current_password') current.control.value = '';
        showApiError(form, error);
        return;
      }
      clearErrors(form);
      form.reset();
      await onChanged();
    });
  });
  return form;
}

/** The only page a user with a temporary password, or a password too easy to guess, can see. */
export async function renderForcedChange(section, ctx) {
  const weak = ctx.user.password_change_reason === 'weak';
  const form = changePasswordForm({
    id: 'forced-password-form',
    submitLabel: 'Save new password',
    currentLabel: weak ? 'Current password' : 'Temporary password',
    currentHint: 'The password you have just signed in with.',
    onChanged: async () => {
      await ctx.refreshUser();
      ctx.continueToApp({ text: 'Your password has been changed.', kind: 'success' });
    },
  });
  section.append(
    h('div', { class: 'narrow' },
      h('h1', { class: 'heading-l' }, 'Change your password'),
      h('div', { class: 'inset' },
        h('p', { class: 'body' }, weak
          ? `Hello ${ctx.user.name || ctx.user.username}. Your password is too easy to guess: Connect now checks passwords more strictly, and yours no longer passes.`
          : `Hello ${ctx.user.name || ctx.user.username}. You signed in with a temporary password.`),
        h('p', { class: 'body' }, 'Choose a new password before you continue. Do not share it with anyone.')),
      form));
}
