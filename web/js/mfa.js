// Two-factor sign-in in the app: setting it up (QR code, the secret as text, a first code, the
// recovery codes shown once) and turning it off with the password. Used by My profile and by the page
// a user must finish before anything else when the server requires a second factor.
import { api } from './api.js';
import { h, replaceChildren } from './dom.js';
import { field, showErrors, showApiError, clearErrors, busy, valueOf } from './forms.js';

/**
 * The server's QR code as an inline SVG element. The CSP forbids inline script, not inline SVG: the
 * document is parsed as XML (never as HTML), checked to be one <svg> with only shapes in it, and
 * imported into the page. Returns null when it is anything else.
 */
export function qrElement(svgText) {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.localName !== 'svg' || root.namespaceURI !== 'http://www.w3.org/2000/svg') return null;
  for (const el of root.querySelectorAll('*')) {
    if (!['rect', 'path'].includes(el.localName)) return null;
    for (const a of el.getAttributeNames()) if (/^on|href/i.test(a)) return null;
  }
  const svg = document.importNode(root, true);
  svg.setAttribute('class', 'mfa-qr__image');
  svg.setAttribute('aria-label', 'QR code to scan with your authenticator app');
  return svg;
}

/** The secret as people copy it by hand: groups of four. */
export function groupInFours(secret) { return secret.replace(/(.{4})(?=.)/g, '$1 '); }

/** The numeric code field: one-time-code for password managers and phones, digits keyboard. */
export function codeField({ label = 'Security code', hint } = {}) {
  return field({
    label, name: 'code', width: 'small', autocomplete: 'one-time-code', hint,
    attrs: { inputmode: 'numeric', maxlength: '7', pattern: '[0-9 ]*', autocapitalize: 'none', spellcheck: 'false' },
  });
}

/** The ten recovery codes, shown once, with what to do with them. */
function recoveryPanel(codes, onDone, doneLabel, level) {
  const done = h('button', { type: 'button', class: 'button', id: 'recovery-saved' }, doneLabel);
  done.addEventListener('click', () => { onDone(); });
  return h('div', { class: 'mfa-recovery', id: 'mfa-recovery' },
    h(level, { class: 'heading-m', id: 'recovery-heading', tabindex: '-1' }, 'Save your recovery codes now'),
    h('div', { class: 'notice notice--important', role: 'alert' },
      h('p', { class: 'body' }, 'Two-factor sign-in is now on. These 10 recovery codes are shown only this once. Save them now: print them or keep them in a password manager, away from your phone.'),
      h('p', { class: 'body' }, 'If you lose your phone, sign in with your password and one of these codes instead of a security code. Each code works once.')),
    h('ol', { class: 'mfa-recovery__codes', id: 'recovery-codes' }, codes.map((c) => h('li', { class: 'mfa-recovery__code' }, c))),
    h('div', { class: 'button-group' }, done));
}

/**
 * The set-up flow inside `area`: a start button, then the QR code, the secret and the code form, then
 * the recovery codes. `onDone()` runs when the user has seen the recovery codes; `level` is the
 * heading element of the recovery codes (one below the section's).
 */
export function enrolment(area, { onDone, doneLabel = 'I have saved my recovery codes', intro, level = 'h2' }) {
  const start = h('button', { type: 'button', class: 'button', id: 'mfa-start' }, 'Set up two-factor sign-in');
  const startError = h('form', { class: 'form', id: 'mfa-start-area', novalidate: true });
  replaceChildren(area, intro || null, startError, h('div', { class: 'button-group' }, start));
  start.addEventListener('click', async () => {
    start.disabled = true;
    let res;
    try {
      res = await api.post('/api/me/mfa', {});
    } catch (error) {
      start.disabled = false;
      if (error.handled) return;
      showApiError(startError, error);
      return;
    }
    showSecret(area, res, { onDone, doneLabel, level });
  });
}

function showSecret(area, res, { onDone, doneLabel, level }) {
  const qr = qrElement(res.qr_svg);
  const code = codeField({ hint: 'The 6 digits your app shows for Connect.' });
  const form = h('form', { class: 'form', id: 'mfa-confirm-form', novalidate: true },
    code,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Turn on two-factor sign-in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = valueOf(form, 'code').replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) {
      showErrors(form, [{ field: 'code', message: 'Enter the 6-digit code from your authenticator app' }]);
      return;
    }
    await busy(form, async () => {
      let out;
      try {
        out = await api.post('/api/me/mfa/confirm', { code: value });
      } catch (error) {
        if (error.handled) return;
        code.control.value = '';
        showApiError(form, error);
        return;
      }
      clearErrors(form);
      replaceChildren(area, recoveryPanel(out.recovery_codes, onDone, doneLabel, level));
      document.getElementById('recovery-heading')?.focus();
    });
  });
  replaceChildren(area,
    h('ol', { class: 'list' },
      h('li', {}, 'Open an authenticator app on your phone (for example Microsoft Authenticator, Google Authenticator or FreeOTP).'),
      h('li', {}, 'Scan this QR code with it, or type in the key below.'),
      h('li', {}, 'Enter the 6-digit code the app then shows.')),
    h('div', { class: 'mfa-qr', id: 'mfa-qr' }, qr || h('p', { class: 'body' }, 'The QR code cannot be shown: type the key in instead.')),
    h('p', { class: 'body' }, 'Key for typing in (time-based, 6 digits): ',
      h('code', { class: 'mfa-secret', id: 'mfa-secret' }, groupInFours(res.secret))),
    form);
  code.control.focus();
}

/** Turning two-factor sign-in off: the password again. `onOff()` runs after the server agreed. */
export function disableForm({ onOff }) {
  const password = field({ label: 'Your password', name: 'password', type: 'password', autocomplete: 'current-password', width: 'medium' });
  const form = h('form', { class: 'form', id: 'mfa-disable-form', novalidate: true },
    password,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button--warning' }, 'Turn off two-factor sign-in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const p = valueOf(form, 'password');
    if (!p) { showErrors(form, [{ field: 'password', message: 'Enter your password' }]); return; }
    await busy(form, async () => {
      try {
        await api.del('/api/me/mfa', { body: { password: p } });
      } catch (error) {
        if (error.handled) return;
        password.control.value = '';
        showApiError(form, error);
        return;
      }
      await onOff();
    });
  });
  return form;
}
