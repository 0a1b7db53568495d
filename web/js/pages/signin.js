// Sign-in page.
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, showErrors, busy, valueOf } from '../forms.js';

const MESSAGES = {
  invalid_credentials: 'The user name or password is not correct.',
  temporary_password_expired: 'Your temporary password has expired (temporary passwords last 7 days). Ask an administrator in your organisation to reset your password.',
  rate_limited: 'There have been too many sign-in attempts. Wait a minute, then try again.',
};

export async function renderSignIn(section, ctx) {
  const username = field({
    label: 'User name', name: 'username', autocomplete: 'username', width: 'medium',
    attrs: { autocapitalize: 'none', autocorrect: 'off' },
  });
  const password = field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', width: 'medium' });
  const form = h('form', { class: 'form', id: 'signin-form', novalidate: true, 'aria-labelledby': 'signin-heading' },
    username,
    password,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Sign in')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const u = valueOf(form, 'username').trim();
    const p = valueOf(form, 'password');
    const errors = [];
    if (!u) errors.push({ field: 'username', message: 'Enter your user name' });
    if (!p) errors.push({ field: 'password', message: 'Enter your password' });
    if (errors.length) { showErrors(form, errors); return; }
    await busy(form, async () => {
      try {
        const res = await api.post('/api/auth/login', { username: u, password: p }, { handle401: false });
        if (!res || !res.user) throw new Error('The service gave an unexpected answer. Try again.');
        ctx.signedIn(res.user);
      } catch (error) {
        // too_many_attempts (this user name is throttled) comes with the server's own message, which
        // says when to try again; any other 429 is nginx's per-address limit.
        const code = error.status === 429 && error.code !== 'too_many_attempts' ? 'rate_limited' : error.code;
        const message = MESSAGES[code] || error.message || 'Sign-in failed. Try again.';
        password.control.value = '';
        showErrors(form, [{ field: null, message }], { title: 'You could not be signed in' });
      }
    });
  });

  section.append(
    h('div', { class: 'narrow' },
      h('h1', { class: 'heading-l', id: 'signin-heading' }, 'Sign in to Connect'),
      h('p', { class: 'body' }, 'Use the user name and password your organisation’s administrator gave you.'),
      form,
      h('p', { class: 'body body--secondary' },
        'Forgotten your password or locked out? Ask an administrator in your organisation to reset or unlock your account.')));
}
