// My profile: the signed-in user's details, the change-password form and two-factor sign-in.
import { h, summaryRow, replaceChildren } from '../dom.js';
import { accountRows } from '../account.js';
import { changePasswordForm } from './password.js';
import { enrolment, disableForm } from '../mfa.js';

/** The "Two-factor sign-in" section: set it up, or (when on) turn it off with the password. */
function mfaSection(ctx) {
  const area = h('div', { id: 'mfa-area' });
  const heading = h('h2', { class: 'heading-m', id: 'mfa-heading', tabindex: '-1' }, 'Two-factor sign-in');
  const show = (user) => {
    if (user.mfa_enrolled) {
      replaceChildren(area,
        h('p', { class: 'body', id: 'mfa-status' }, 'Two-factor sign-in is on: you sign in with your password and a code from your authenticator app.'),
        h('p', { class: 'body' }, user.mfa_enrolment_required
          ? 'Connect requires it: if you turn it off, you must set it up again before you can do anything else.'
          : 'To turn it off, enter your password.'),
        disableForm({
          onOff: async () => {
            const fresh = await ctx.refreshUser();
            show(fresh);
            ctx.setStatus('Two-factor sign-in is now off.', 'success');
            heading.focus();
            if (fresh.mfa_enrolment_required || fresh.account_setup_required) ctx.navigate('two-factor');
          },
        }));
    } else {
      enrolment(area, {
        level: 'h3',
        intro: h('p', { class: 'body', id: 'mfa-status' }, 'Two-factor sign-in is off. Turn it on so that your password alone is not enough to sign in as you: you will also need a code from an authenticator app on your phone.'),
        onDone: async () => {
          const fresh = await ctx.refreshUser();
          show(fresh);
          ctx.setStatus('Two-factor sign-in is on.', 'success');
          heading.focus();
        },
      });
    }
  };
  show(ctx.user);
  return h('div', { class: 'narrow' }, heading, area);
}

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
      summaryRow('Must change password', user.must_change_password ? 'Yes' : 'No'),
      summaryRow('Two-factor sign-in', user.mfa_enrolled ? 'On' : 'Off')),
    h('div', { class: 'narrow' },
      h('h2', { class: 'heading-m', id: 'password-heading', tabindex: '-1' }, 'Change your password'),
      h('p', { class: 'body' }, 'Changing your password signs you out on every other device.'),
      form),
    mfaSection(ctx));
}

/** The only page a user sees, after the password, while Connect requires a second factor they lack. */
export async function renderMfaRequired(section, ctx) {
  const area = h('div', { id: 'mfa-area' });
  section.append(
    h('div', { class: 'narrow' },
      h('h1', { class: 'heading-l' }, 'Set up two-factor sign-in'),
      h('div', { class: 'inset' },
        h('p', { class: 'body', id: 'mfa-required-why' }, ctx.user.account_setup_required
          ? `Hello ${ctx.user.name || ctx.user.username}. The Connect Network set up or reset this account, so before it can be used its owner must set up two-factor sign-in. You need to do this before you can do anything else.`
          : `Hello ${ctx.user.name || ctx.user.username}. Connect requires two-factor sign-in for every account, because it holds sensitive personal data. You need to set it up before you can do anything else.`),
        h('p', { class: 'body' }, 'From now on you will sign in with your password and a code from an authenticator app on your phone.')),
      area));
  enrolment(area, {
    doneLabel: 'I have saved my recovery codes – continue',
    onDone: async () => {
      await ctx.refreshUser();
      ctx.continueToApp({ text: 'Two-factor sign-in is on.', kind: 'success' });
    },
  });
}
