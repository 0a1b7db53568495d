// a. A council user signs in, sees who they are on home, changes their password in My profile,
//    signs out, and can sign in only with the new password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, signOut, changePassword, heading, status, waitForText, waitForHeading,
  screenshot, DEMO_PASSWORD,
} from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

test('council user: home, change password in My profile, sign out, sign in again', async () => {
  const api = new Client(stack.base);
  const login = await api.login('nfc.user');
  assert.equal(login.status, 200, login.text);
  const me = login.json.user;
  const { page, assertClean } = await newPage(browser);

  // Sign in; home shows the name, role, organisation and its kind.
  await signIn(page, stack.base, 'nfc.user');
  await waitForHeading(page, `Welcome, ${me.name}`);
  const summary = await page.locator('#home-summary').innerText();
  assert.ok(summary.includes(me.name), summary);
  assert.ok(summary.includes(me.org.name), summary);
  assert.ok(summary.includes('Council'), summary);
  assert.ok(summary.includes('User'), summary);
  // The header says who is signed in; a plain user has no "User accounts" link.
  await waitForText(page.locator('#who'), me.org.name);
  assert.equal(await page.getByRole('link', { name: 'User accounts' }).count(), 0);
  // Focus moved to the page heading.
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await screenshot(page, 'home-council-user.png');

  // My profile shows the USER fields.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My profile' }).click();
  await waitForHeading(page, 'My profile');
  const profile = await page.locator('#profile-summary').innerText();
  assert.ok(profile.includes('nfc.user') && profile.includes(me.org.name), profile);

  // Client-side checks: too short, and the confirmation must match.
  await changePassword(page, DEMO_PASSWORD, 'short', 'short');
  await waitForText(page.locator('.error-summary'), 'at least 12 characters');
  assert.equal(await page.locator('input[name="new_password"]').getAttribute('aria-invalid'), 'true');
  await changePassword(page, DEMO_PASSWORD, 'a long enough new password', 'a different confirmation');
  await waitForText(page.locator('.error-summary'), 'do not match');
  assert.equal(await page.locator('input[name="confirm_password"]').getAttribute('aria-invalid'), 'true');

  // The server's 422 message is shown, on the field it names: a wrong current password, then a
  // new password the server's policy refuses (one of the most common passwords).
  for (const [cur, next, fieldName] of [
    ['not-my-password-at-all', 'granite kettle orchard 42', 'current_password'],
    [DEMO_PASSWORD, '1qaz2wsx3edc', 'new_password'],
  ]) {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/me/password'));
    await changePassword(page, cur, next);
    const res = await answer;
    assert.equal(res.status(), 422);
    const { error } = await res.json();
    assert.equal(error.field, fieldName);
    const input = page.locator(`#password-form input[name="${fieldName}"]`);
    await page.waitForSelector(`#password-form input[name="${fieldName}"][aria-invalid="true"]`);
    const describedBy = (await input.getAttribute('aria-describedby')).split(' ');
    const fieldMessage = await page.locator(`[id="${describedBy.pop()}"]`).innerText();
    assert.equal(fieldMessage.replace(/^Error:\s*/, '').trim(), error.message);
    await waitForText(page.locator('#password-form .error-summary'), error.message);
  }

  await screenshot(page, 'profile-errors.png');

  // A good new password is accepted.
  const NEW_PASSWORD = 'granite kettle orchard 42';
  await changePassword(page, DEMO_PASSWORD, NEW_PASSWORD);
  await waitForText(status(page), 'Your password has been changed');
  assert.equal(await page.locator('.error-summary').count(), 0);

  // Sign out.
  await signOut(page);
  await waitForText(status(page), 'You have signed out');
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);

  // The old password is refused, with the message shown.
  await signIn(page, stack.base, 'nfc.user', DEMO_PASSWORD, { goto: false });
  await waitForText(page.locator('.error-summary'), 'The user name or password is not correct.');
  await waitForHeading(page, 'Sign in to Connect');

  // The new one works.
  await signIn(page, stack.base, 'nfc.user', NEW_PASSWORD, { goto: false });
  await waitForHeading(page, `Welcome, ${me.name}`);
  assert.equal(await heading(page).count(), 1);
  assertClean();
});
