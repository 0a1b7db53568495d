// Sign-in refusals the person must understand: unknown user, locked account, too many attempts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { launch, newPage, signIn, waitForText, waitForHeading, screenshot } from './helpers.mjs';

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
