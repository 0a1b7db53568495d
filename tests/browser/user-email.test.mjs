// A council admin gives a new user an email address when adding them, changes and clears it, and sees a
// bad address refused in the dialog; the user sees their address on My profile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { launch, newPage, signIn, waitForText, waitForHeading, userRow } from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

test('an admin sets, changes and clears a user\'s email address', async () => {
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'nfc.admin');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'User accounts' }).click();
  await waitForHeading(page, 'User accounts');
  await page.locator('#users-table').waitFor();
  await waitForText(userRow(page, 'nfc.user').locator('.table__email'), 'nfc.user@example.test');

  await page.getByRole('button', { name: 'Add user' }).click();
  const form = page.locator('#add-user-form');
  await form.getByLabel('User name').fill('mail.worker');
  await form.getByLabel('Full name').fill('Mel Worker');
  await form.getByLabel('Email address (optional)').fill('mel.worker@council.example.test');
  await form.getByRole('button', { name: 'Create user' }).click();
  const row = userRow(page, 'mail.worker');
  await waitForText(row.locator('.table__email'), 'mel.worker@council.example.test');

  await row.getByRole('button', { name: 'Set the email address of Mel Worker (mail.worker)' }).click();
  const dialog = page.locator('#email-dialog');
  await dialog.getByLabel('Email address').fill('not an address');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await waitForText(dialog, 'There is a problem');
  assert.ok(await dialog.isVisible(), 'the dialog stays open on an error');
  await dialog.getByLabel('Email address').fill('mel@council.example.test');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await waitForText(row.locator('.table__email'), 'mel@council.example.test');

  await row.getByRole('button', { name: /Set the email address/ }).click();
  await page.locator('#email-dialog').getByLabel('Email address').fill('');
  await page.locator('#email-dialog').getByRole('button', { name: 'Save' }).click();
  await waitForText(row.locator('.table__email'), 'None');
  assertClean();
});

test('a user sees their own email address on My profile', async () => {
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'nfc.user');
  // Signed in first: going to the profile while the sign-in is still in flight raced the app's move
  // to the home page once it answers.
  await waitForHeading(page, /^Welcome, /);
  await page.goto(`${stack.base}/#/profile`);
  await waitForHeading(page, 'My profile');
  await waitForText(page.locator('main'), 'nfc.user@example.test');
  assertClean();
});
