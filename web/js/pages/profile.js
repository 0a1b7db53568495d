// My profile: the signed-in user's details and the change-password form.
import { h, summaryRow } from '../dom.js';
import { accountRows } from '../account.js';
import { changePasswordForm } from './password.js';

export async function renderProfile(section, ctx) {
  const user = ctx.user;
  const form = changePasswordForm({
    id: 'password-form',
    onChanged: async () => {
      ctx.setStatus('Your password has been changed. You have been signed out everywhere else.', 'success');
      const heading = document.getElementById('password-heading');
      if (heading) heading.focus();
    },
  });
  section.append(
    h('h1', { class: 'heading-l' }, 'My profile'),
    h('dl', { class: 'summary-list', id: 'profile-summary' },
      ...accountRows(user),
      summaryRow('Account', user.locked ? 'Locked' : 'Active'),
      summaryRow('Must change password', user.must_change_password ? 'Yes' : 'No')),
    h('div', { class: 'narrow' },
      h('h2', { class: 'heading-m', id: 'password-heading', tabindex: '-1' }, 'Change your password'),
      h('p', { class: 'body' }, 'Changing your password signs you out on every other device.'),
      form));
}
