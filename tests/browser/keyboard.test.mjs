// e. Everything on the way in and out works from the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { launch, newPage, heading, status, waitForText, waitForHeading, DEMO_PASSWORD } from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const active = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el?.tagName, name: el?.getAttribute('name'), text: (el?.textContent || '').trim(), type: el?.getAttribute('type') };
});

async function tabUntil(page, pred, max = 30) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const a = await active(page);
    if (pred(a)) return a;
  }
  throw new Error('focus never reached the element');
}

test('sign in, move around and sign out with Tab and Enter only', async () => {
  const { page, assertClean } = await newPage(browser);
  await page.goto(`${stack.base}/`);
  await waitForHeading(page, 'Sign in to Connect');
  // Focus starts on the heading; the next Tab is the user name.
  assert.equal((await active(page)).tag, 'H1');

  // An empty submit from the keyboard shows errors linked to the inputs.
  await tabUntil(page, (a) => a.name === 'username');
  await page.keyboard.press('Enter');
  await waitForText(page.locator('.error-summary'), 'Enter your user name');
  assert.equal(await page.locator('input[name="username"]').getAttribute('aria-invalid'), 'true');

  await tabUntil(page, (a) => a.name === 'username');
  await page.keyboard.type('nfc.user');
  await page.keyboard.press('Tab');
  assert.equal((await active(page)).name, 'password');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await waitForHeading(page, /^Welcome, /);
  assert.equal((await active(page)).tag, 'H1');

  // Tab through to "My profile" in the navigation and follow it (through the home page's counters
  // and performance filters, and round to the header).
  await page.keyboard.press('Shift+Tab'); // back into the header from the heading
  await tabUntil(page, (a) => a.tag === 'A' && a.text === 'My profile', 60);
  await page.keyboard.press('Enter');
  await waitForHeading(page, 'My profile');
  assert.equal(await heading(page).evaluate((h) => h === document.activeElement), true);

  // Sign out from the keyboard.
  await tabUntil(page, (a) => a.tag === 'BUTTON' && a.text === 'Sign out', 60);
  await page.keyboard.press('Enter');
  await waitForHeading(page, 'Sign in to Connect');
  await waitForText(status(page), 'You have signed out');
  assertClean();
});
