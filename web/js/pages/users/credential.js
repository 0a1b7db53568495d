// The users page's temporary password panel (new user, reset): shown once, with "Copy password".
import { h, replaceChildren, uid, visuallyHidden } from '../../dom.js';
import { who } from './common.js';

export function showCredential(cx, user, password, what) {
  const { credentialArea } = cx;
  const headingId = uid('cred');
  const code = h('code', { class: 'temp-password__value', id: 'temp-password' }, password);
  const copyButton = h('button', { type: 'button', class: 'button button--secondary' }, 'Copy password');
  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(password);
      cx.setStatus('The temporary password has been copied.', 'success');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      cx.setStatus('Copying is not available here: the password is selected, copy it yourself.', 'warning');
    }
  });
  const doneButton = h('button', { type: 'button', class: 'button' }, 'I have noted it – hide the password');
  doneButton.addEventListener('click', () => {
    replaceChildren(credentialArea);
    cx.listHeading.focus();
  });
  const panel = h('div', { class: 'credential', id: 'temp-password-panel', role: 'region', 'aria-labelledby': headingId },
    h('h2', { class: 'credential__title', id: headingId, tabindex: '-1' }, `${what} for ${who(user)}`),
    h('p', { class: 'body' }, 'This password is shown only once. Pass it on to the user securely – in person or by phone, never in the same message as their user name.'),
    h('p', { class: 'temp-password' }, visuallyHidden('Temporary password: '), code),
    h('p', { class: 'body' }, 'It lasts 7 days. The user must choose a new password when they first sign in with it.'),
    user.account_setup_required
      ? h('p', { class: 'body', id: 'setup-required-note' }, 'Because the Network set this account up, it opens nothing until its owner has also set up two-factor sign-in.')
      : null,
    h('div', { class: 'button-group' }, copyButton, doneButton));
  replaceChildren(credentialArea, panel);
  panel.querySelector('h2').focus();
}
