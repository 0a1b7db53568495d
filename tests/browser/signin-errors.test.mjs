// Sign-in refusals the person must understand: unknown user, a throttled user name (saying when to
// try again), too many attempts from one address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { WEAK_PASSWORD, WEAK_PASSWORD_HASH, editUserRecord } from '../lib/store-edit.mjs';
import { launch, newPage, signIn, changePassword, status, waitForText, waitForHeading, screenshot } from './helpers.mjs';

let stack; let browser;
// A tight sign-in rate limit so that nginx answers 429 after a few tries.
before(async () => { stack = await startStack({ env: { LOGIN_RATE: '1r/m', LOGIN_BURST: '3' } }); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

test('unknown user, then too many attempts: each with a plain message', async () => {
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'nobody.here', 'whatever password 123');
  const summary = page.locator('.error-summary');
  await waitForText(summary, 'The user name or password is not correct.');
  // The password field is emptied; the user name is kept.
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
  assert.equal(await page.getByLabel('User name').inputValue(), 'nobody.here');

  let saw429 = false;
  for (let i = 0; i < 8 && !saw429; i += 1) {
    await page.waitForSelector('#signin-form:not([aria-busy])');
    await signIn(page, stack.base, 'nobody.here', 'whatever password 123', { goto: false });
    await page.waitForSelector('#signin-form:not([aria-busy])');
    const text = await summary.innerText();
    saw429 = text.includes('too many sign-in attempts');
  }
  assert.ok(saw429, 'the rate-limit message was never shown');
  await screenshot(page, 'signin-error.png');
  await waitForHeading(page, 'Sign in to Connect');
  assertClean();
});

test('a throttled user name: the message says when to try again, the same for an unknown name', async () => {
  const loose = await startStack(); // nginx's per-address limit out of the way
  try {
    const { page, assertClean } = await newPage(browser);
    const summary = page.locator('.error-summary');
    const messages = {};
    for (const name of ['nfc.user', 'nobody.else']) {
      for (let i = 1; i <= 5; i += 1) {
        await signIn(page, loose.base, name, `wrong password ${i} for ${name}`, { goto: i === 1 && name === 'nfc.user' });
        await page.waitForSelector('#signin-form:not([aria-busy])');
        await waitForText(summary, i < 5 ? 'The user name or password is not correct.' : 'Try again in 15 minutes');
      }
      messages[name] = await summary.innerText();
    }
    assert.match(messages['nfc.user'], /Too many failed sign-in attempts with this user name\. Try again in 15 minutes, or ask an administrator/);
    assert.equal(messages['nobody.else'], messages['nfc.user'], 'the same message for a name without an account');
    await waitForHeading(page, 'Sign in to Connect');
    assertClean();
  } finally {
    await loose.stop();
  }
});

test('a password that no longer meets the policy: the change-password page says why, then the app opens', async () => {
  let weak = await startStack({ keep: true });
  try {
    const admin = new Client(weak.base);
    await admin.login('wmc.admin');
    const users = await admin.req('GET', '/api/users?limit=500');
    const id = users.json.items.find((u) => u.username === 'wmc.user').id;
    await weak.stop();
    editUserRecord(weak.data, id, (rec) => { rec.pw = WEAK_PASSWORD_HASH; });
    weak = await startStack({ data: weak.data });
    const { page, assertClean } = await newPage(browser);
    await signIn(page, weak.base, 'wmc.user', WEAK_PASSWORD);
    await waitForHeading(page, 'Change your password');
    await waitForText(page.locator('.inset'), 'Your password is too easy to guess');
    await page.goto(`${weak.base}/#/cases`);
    await waitForHeading(page, 'Change your password');
    await changePassword(page, WEAK_PASSWORD, 'qwertyuiop12');
    await waitForText(page.locator('#forced-password-form .error-summary'), 'keyboard pattern');
    await changePassword(page, WEAK_PASSWORD, 'lantern quarry heron 7');
    await waitForText(status(page), 'Your password has been changed');
    await waitForHeading(page, /^Welcome,/);
    assertClean();
  } finally {
    await weak.stop();
  }
});
