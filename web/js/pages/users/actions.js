// The users page's per-user actions: unlock, the email dialog, reset password, reset two-factor
// sign-in and delete (each confirmed in a dialog), then the list again.
import { api } from '../../api.js';
import { emailDialog, gradeDialog } from '../../email-dialog.js';
import { confirmDialog } from '../../dialog.js';
import { who } from './common.js';
import { gradeLabel } from '../../labels.js';

export async function unlock(u, cx) {
  try {
    await api.post(`/api/users/${u.id}/unlock`);
  } catch (error) { cx.actionFailed(error); return; }
  cx.setStatus(`The account of ${who(u)} has been unlocked.`, 'success');
  await cx.loadUsers({ focusUserId: u.id, focusWhat: 'reset' }).catch(cx.actionFailed);
}

export async function setEmail(u, cx) {
  const updated = await emailDialog(u, who(u));
  if (!updated) return;
  await cx.loadUsers().catch(cx.actionFailed);
  cx.setStatus(updated.email ? `The email address of ${who(u)} is now ${updated.email}.` : `${who(u)} has no email address now.`);
}

export async function setGrade(u, cx) {
  const updated = await gradeDialog(u, who(u));
  if (!updated) return;
  await cx.loadUsers().catch(cx.actionFailed);
  cx.setStatus(`${who(u)}: ${gradeLabel(updated.grade)}${updated.may_countersign ? ', may countersign' : ''}.`);
}

export async function resetPassword(u, cx) {
  const elsewhere = cx.network && u.org && u.org.id !== cx.me.org.id;
  const ok = await confirmDialog({
    title: `Reset the password for ${who(u)}?`,
    body: elsewhere
      ? 'Only do this when the organisation has asked. They will be signed out everywhere, and they and the organisation’s other administrators will be emailed. The account will open nothing until its owner has chosen a new password and set up two-factor sign-in. You will see a temporary password once, to pass on to them.'
      : 'They will be signed out everywhere and the account will be unlocked. You will see a new temporary password once, to pass on to them.',
    confirmLabel: 'Reset password',
  });
  if (!ok) return;
  let res;
  try {
    res = await api.post(`/api/users/${u.id}/reset-password`);
  } catch (error) { cx.actionFailed(error); return; }
  await cx.loadUsers().catch(cx.actionFailed);
  cx.showCredential(u, res && res.temporary_password ? res.temporary_password : '', 'New temporary password');
}

export async function resetMfa(u, cx) {
  const ok = await confirmDialog({
    title: `Reset two-factor sign-in for ${who(u)}?`,
    body: 'Do this when they have lost their phone and their recovery codes. They will be signed out everywhere and emailed; the next time they sign in with their password they can set up two-factor sign-in again.',
    confirmLabel: 'Reset two-factor sign-in',
  });
  if (!ok) return;
  try {
    await api.del(`/api/users/${u.id}/mfa`);
  } catch (error) { cx.actionFailed(error); return; }
  cx.setStatus(`Two-factor sign-in for ${who(u)} has been reset.`, 'success');
  await cx.loadUsers({ focusUserId: u.id, focusWhat: 'reset' }).catch(cx.actionFailed);
}

export async function deleteUser(u, cx) {
  const ok = await confirmDialog({
    title: `Delete the account of ${who(u)}?`,
    body: 'They will be signed out at once and will not be able to sign in again. This cannot be undone.',
    confirmLabel: 'Delete account',
    danger: true,
  });
  if (!ok) return;
  try {
    await api.del(`/api/users/${u.id}`);
  } catch (error) { cx.actionFailed(error); return; }
  cx.setStatus(`The account of ${who(u)} has been deleted.`, 'success');
  await cx.loadUsers().catch(cx.actionFailed);
  cx.listHeading.focus();
}
