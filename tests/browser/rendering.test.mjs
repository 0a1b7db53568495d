// c. Text that people type is shown as text, never run as HTML.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { launch, newPage, signIn, waitForText, waitForHeading, userRow } from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const EVIL = '<img src=x onerror=alert(1)>';

test('a user name made of HTML is shown literally and creates no element', async () => {
  const { page, problems, assertClean } = await newPage(browser);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));

  await signIn(page, stack.base, 'nfc.admin');
  await waitForHeading(page, /^Welcome, /);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'User accounts' }).click();
  await waitForHeading(page, 'User accounts');

  await page.getByRole('button', { name: 'Add user' }).click();
  const form = page.locator('#add-user-form');
  await form.getByLabel('User name').fill('html.person');
  await form.getByLabel('Full name').fill(EVIL);
  await form.getByLabel('Team (optional)').fill('<b>bold</b> & <script>alert(2)</script>');
  await form.getByRole('button', { name: 'Create user' }).click();

  // The one-time panel names the user literally.
  await waitForText(page.locator('#temp-password-panel'), `Temporary password for ${EVIL} (html.person)`);
  const row = userRow(page, 'html.person');
  await row.waitFor();
  assert.equal((await row.locator('.table__name').innerText()).trim(), EVIL);
  assert.equal((await row.locator('td').nth(2).innerText()).trim(), '<b>bold</b> & <script>alert(2)</script>');
  // The action buttons' accessible names carry the literal text too.
  assert.equal(await row.getByRole('button', { name: `Delete ${EVIL} (html.person)` }).count(), 1);

  // No element was made from the text: no img, no b, no inline script anywhere in the document.
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('#page b').count(), 0);
  assert.equal(await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length), 0);
  // The browser never tried to load "x".
  assert.ok(!requests.some((u) => /\/x$/.test(u)), requests.join('\n'));

  // Reload the page (fresh render from the list) and check again; also on the dialog.
  await page.reload();
  await waitForHeading(page, 'User accounts');
  await row.waitFor();
  assert.equal((await row.locator('.table__name').innerText()).trim(), EVIL);
  await row.getByRole('button', { name: `Delete ${EVIL} (html.person)` }).click();
  await waitForText(page.getByRole('dialog'), `Delete the account of ${EVIL} (html.person)?`);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('img').count(), 0);

  // The new user sees their own name literally too.
  const other = await newPage(browser);
  const temp = await (async () => {
    await row.getByRole('button', { name: `Reset password for ${EVIL} (html.person)` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset password' }).click();
    await page.locator('#temp-password').waitFor();
    return (await page.locator('#temp-password').innerText()).trim();
  })();
  await signIn(other.page, stack.base, 'html.person', temp);
  await waitForHeading(other.page, 'Change your password');
  await waitForText(other.page.locator('#page'), `Hello ${EVIL}.`);
  await waitForText(other.page.locator('#who'), EVIL);
  assert.equal(await other.page.locator('img').count(), 0);

  assert.deepEqual(problems.filter((p) => p.includes('dialog')), []);
  assertClean();
  other.assertClean();
});
