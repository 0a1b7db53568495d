// Sign-in page.
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { field, showErrors, busy, valueOf } from '../forms.js';
import { codeField } from '../mfa.js';

const MESSAGES = {
  invalid_credentials: 'The user name or password is not correct.',
  temporary_password_expired: 'Your temporary password has expired (temporary passwords last 7 days). Ask an administrator in your organisation to reset your password.',
  rate_limited: 'There have been too many sign-in attempts. Wait a minute, then try again.',
  mfa_token_invalid: 'Your sign-in took too long. Enter your user name and password again.',
};

/** The message for a failed sign-in step (either step). */
function messageFor(error) {
  // too_many_attempts (this user name is throttled) comes with the server's own message, which
  // says when to try again; any other 429 is nginx's per-address limit.
  const code = error.status === 429 && error.code !== 'too_many_attempts' ? 'rate_limited' : error.code;
  return MESSAGES[code] || error.message || 'Sign-in failed. Try again.';
}

/**
 * The second step: a code from the authenticator app, or (after "Use a recovery code") one of the
 * recovery codes. `restart(message)` goes back to the password step.
 */
function secondStep(container, mfaToken, ctx, restart) {
  let recovery = false;
  const heading = h('h1', { class: 'heading-l', id: 'signin-heading', tabindex: '-1' }, 'Enter your security code');
  const intro = h('p', { class: 'body', id: 'mfa-intro' }, 'Open the authenticator app on your phone and enter the 6-digit code it shows for Connect.');
  const appCode = codeField();
  const recoveryCode = field({
    label: 'Recovery code', name: 'recovery_code', width: 'medium', autocomplete: 'off',
    hint: 'One of the 10 codes you saved when you set up two-factor sign-in, like abcd-efgh-jkmn. Each works once.',
    attrs: { autocapitalize: 'none', spellcheck: 'false' },
  });
  recoveryCode.hidden = true;
  const toggle = h('button', { type: 'button', class: 'button button--secondary', id: 'use-recovery' }, 'Use a recovery code instead');
  const form = h('form', { class: 'form', id: 'mfa-form', novalidate: true, 'aria-labelledby': 'signin-heading' },
    appCode, recoveryCode,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Continue'), toggle));
  toggle.addEventListener('click', () => {
    recovery = !recovery;
    appCode.hidden = recovery;
    recoveryCode.hidden = !recovery;
    toggle.textContent = recovery ? 'Use a code from my app instead' : 'Use a recovery code instead';
    intro.textContent = recovery
      ? 'Lost your phone? Enter one of your recovery codes. Then set up two-factor sign-in again on your new phone from My profile.'
      : 'Open the authenticator app on your phone and enter the 6-digit code it shows for Connect.';
    (recovery ? recoveryCode : appCode).control.focus();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = recovery ? 'recovery_code' : 'code';
    const value = valueOf(form, name).trim();
    if (!recovery && !/^\d{6}$/.test(value.replace(/\s+/g, ''))) {
      showErrors(form, [{ field: name, message: 'Enter the 6-digit code from your authenticator app' }]);
      return;
    }
    if (recovery && !value) {
      showErrors(form, [{ field: name, message: 'Enter a recovery code' }]);
      return;
    }
    await busy(form, async () => {
      try {
        const res = await api.post('/api/auth/mfa', { mfa_token: mfaToken, code: recovery ? value : value.replace(/\s+/g, '') }, { handle401: false });
        if (!res || !res.user) throw new Error('The service gave an unexpected answer. Try again.');
        const left = res.recovery_codes_left;
        ctx.signedIn(res.user, Number.isInteger(left) ? {
          text: `You signed in with a recovery code. You have ${left} recovery code${left === 1 ? '' : 's'} left. If you have lost your phone, set up two-factor sign-in again on My profile.`,
          kind: 'warning',
        } : undefined);
      } catch (error) {
        if (error.code === 'mfa_token_invalid') { restart(messageFor(error)); return; }
        (recovery ? recoveryCode : appCode).control.value = '';
        showErrors(form, [{ field: error.code === 'invalid_code' ? name : null, message: messageFor(error) }], { title: 'You could not be signed in' });
      }
    });
  });
  replaceChildren(container, heading, intro, form,
    h('p', { class: 'body body--secondary' },
      'No phone and no recovery codes? Ask an administrator in your organisation to reset your two-factor sign-in.'));
  heading.focus();
}

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
        if (res && res.mfa_required && res.mfa_token) {
          secondStep(container, res.mfa_token, ctx, (message) => {
            replaceChildren(container, ...firstStep);
            password.control.value = '';
            showErrors(form, [{ field: null, message }], { title: 'You could not be signed in' });
          });
          return;
        }
        if (!res || !res.user) throw new Error('The service gave an unexpected answer. Try again.');
        ctx.signedIn(res.user);
      } catch (error) {
        password.control.value = '';
        showErrors(form, [{ field: null, message: messageFor(error) }], { title: 'You could not be signed in' });
      }
    });
  });

  const firstStep = [
    h('h1', { class: 'heading-l', id: 'signin-heading' }, 'Sign in to Connect'),
    h('p', { class: 'body' }, 'Use the user name and password your organisation’s administrator gave you.'),
    form,
    h('p', { class: 'body body--secondary' },
      'Forgotten your password or locked out? Ask an administrator in your organisation to reset or unlock your account.')];
  const container = h('div', { class: 'narrow' }, ...firstStep);
  section.append(container);
}
