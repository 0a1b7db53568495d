// d. An ended session sends the person to sign-in with a clear message, and back to where they
//    were after signing in again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { launch, newPage, signIn, status, waitForText, waitForHeading } from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const EXPIRED = 'Your session has expired. Please sign in again.';

test('session ended behind the page: the next navigation asks to sign in again', async () => {
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'nfc.user');
  await waitForHeading(page, /^Welcome, /);

  // End the session with the page's own cookie (as if it had timed out elsewhere).
  const status204 = await page.evaluate(async () => (await fetch('/api/auth/logout', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'X-Requested-With': 'connect', 'Content-Type': 'application/json' }, body: '{}',
  })).status);
  assert.equal(status204, 204);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My profile' }).click();
  await waitForHeading(page, 'Sign in to Connect');
  await waitForText(status(page), EXPIRED);
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);

  // Signing in returns to the page the user was going to.
  await signIn(page, stack.base, 'nfc.user', undefined, { goto: false });
  await waitForHeading(page, 'My profile');
  assertClean();
});

test('session ended by an admin reset: reloading the page asks to sign in again', async () => {
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'nfc.user');
  await waitForHeading(page, /^Welcome, /);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My profile' }).click();
  await waitForHeading(page, 'My profile');

  // The admin resets the user's password through the API: every session of the user ends.
  const admin = new Client(stack.base);
  assert.equal((await admin.login('nfc.admin')).status, 200);
  const list = await admin.req('GET', '/api/users');
  const user = list.json.items.find((u) => u.username === 'nfc.user');
  const reset = await admin.req('POST', `/api/users/${user.id}/reset-password`);
  assert.equal(reset.status, 200, reset.text);

  await page.reload();
  await waitForHeading(page, 'Sign in to Connect');
  await waitForText(status(page), EXPIRED);

  // Signing in with the new temporary password forces a change, then returns to My profile.
  await signIn(page, stack.base, 'nfc.user', reset.json.temporary_password, { goto: false });
  await waitForHeading(page, 'Change your password');
  const form = page.locator('#forced-password-form');
  await form.getByLabel('Temporary password').fill(reset.json.temporary_password);
  await form.getByLabel('New password', { exact: true }).fill('a fresh start for 2026');
  await form.getByLabel('Confirm new password').fill('a fresh start for 2026');
  await form.getByRole('button', { name: 'Save new password' }).click();
  await waitForHeading(page, 'My profile');
  await waitForText(status(page), 'Your password has been changed.');
  assertClean();
});

test('a fresh visit without a session shows sign-in without the expired message', async () => {
  const { page, assertClean } = await newPage(browser);
  await page.goto(`${stack.base}/#/users`);
  await waitForHeading(page, 'Sign in to Connect');
  assert.equal((await status(page).innerText()).trim(), '');
  assertClean();
});
