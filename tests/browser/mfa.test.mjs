// Two-factor sign-in in the browser: a user sets it up from My profile (the QR code drawn under the
// strict CSP, the key read from the page, the code computed here as an authenticator app would), signs
// out, signs in with password then code, and once with a recovery code; an admin resets it from the
// users page. With CONNECT_MFA=required an account without a second factor lands on the set-up page
// after the password and can do nothing else until it is done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { totp } from '../lib/totp.mjs';
import {
  launch, newPage, signIn, signOut, heading, status, waitForText, waitForHeading, screenshot, userRow,
} from './helpers.mjs';

let stack; let browser;
let offset = 0;
before(async () => { stack = await startStack({ clock: true }); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

/** The code the user's app shows now on the server's clock, after moving it one step (no replay). */
function nextCode(s, secret) {
  offset += 30;
  s.setClockOffset(offset);
  return totp(secret, Date.now() / 1000 + offset);
}

/** Sets up two-factor sign-in in the enrolment area on the page: returns the secret and the codes. */
async function enrol(page, s) {
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  // The QR code is an inline SVG with its path, and the key is shown in groups of four.
  await page.locator('#mfa-qr svg path').waitFor();
  const shown = (await page.locator('#mfa-secret').innerText()).trim();
  assert.match(shown, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/, shown);
  const secret = shown.replace(/\s+/g, '');
  await screenshot(page, "mfa-enrol.png");
  const field = page.getByLabel('Security code', { exact: true });
  assert.equal(await field.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await field.getAttribute('inputmode'), 'numeric');
  await field.fill('000000' === totp(secret, Date.now() / 1000 + offset) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await waitForText(page.locator('.error-summary'), 'not right');
  await field.fill(nextCode(s, secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByRole('heading', { name: 'Save your recovery codes now' }).waitFor();
  const codes = await page.locator('#recovery-codes li').allInnerTexts();
  assert.equal(codes.length, 10);
  for (const c of codes) assert.match(c.trim(), /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await waitForText(page.locator('#mfa-recovery'), 'shown only this once');
  return { secret, codes: codes.map((c) => c.trim()) };
}

test('set up from My profile, then sign in with password and code, and with a recovery code', async () => {
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'nfc.user');
  await waitForHeading(page, /^Welcome/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My profile' }).click();
  await waitForHeading(page, 'My profile');
  await waitForText(page.locator('#mfa-status'), 'Two-factor sign-in is off');
  const { secret, codes } = await enrol(page, stack);
  await screenshot(page, 'mfa-recovery-codes.png');
  await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
  await waitForText(status(page), 'Two-factor sign-in is on.');
  await waitForText(page.locator('#mfa-status'), 'Two-factor sign-in is on');

  // Sign out; the password alone now leads to the second step.
  await signOut(page);
  await signIn(page, stack.base, 'nfc.user', undefined, { goto: false });
  await waitForHeading(page, 'Enter your security code');
  // A wrong code is refused with a message, and the field is cleared.
  await page.getByLabel('Security code', { exact: true }).fill('12345');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForText(page.locator('.error-summary'), '6-digit code');
  await page.getByLabel('Security code', { exact: true }).fill(nextCode(stack, secret));
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, /^Welcome/);

  // With a recovery code instead.
  await signOut(page);
  await signIn(page, stack.base, 'nfc.user', undefined, { goto: false });
  await waitForHeading(page, 'Enter your security code');
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, /^Welcome/);
  await waitForText(status(page), 'You have 9 recovery codes left');
  assertClean();
  await page.context().close();

  // The admin sees it on the users page and resets it.
  const admin = await newPage(browser);
  await signIn(admin.page, stack.base, 'nfc.admin');
  await waitForHeading(admin.page, /^Welcome/);
  await admin.page.goto(`${stack.base}/#/users`);
  const row = userRow(admin.page, 'nfc.user');
  await waitForText(row.locator('.table__mfa'), 'On');
  await row.getByRole('button', { name: 'Reset two-factor sign-in for' }).click();
  await admin.page.locator('#confirm-yes').click();
  await waitForText(status(admin.page), 'has been reset');
  await waitForText(userRow(admin.page, 'nfc.user').locator('.table__mfa'), 'Off');
  admin.assertClean();
  await admin.context.close();
});

test('required policy: after the password, the set-up page and nothing else until it is done', async () => {
  const req = await startStack({ mfa: 'required', clock: true });
  try {
    const { page, assertClean } = await newPage(browser);
    await signIn(page, req.base, 'ebc.user');
    await waitForHeading(page, 'Set up two-factor sign-in');
    await waitForText(page.locator('#mfa-required-why'), 'requires two-factor sign-in for every account');
    // Nothing else opens: the navigation is hidden and another page leads back here.
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases', exact: true }).isVisible(), false);
    await page.goto(`${req.base}/#/cases`);
    await waitForHeading(page, 'Set up two-factor sign-in');
    const { secret } = await enrol(page, req);
    assert.ok(secret);
    await page.getByRole('button', { name: /I have saved my recovery codes/ }).click();
    await waitForHeading(page, /^Welcome/);
    await waitForText(status(page), 'Two-factor sign-in is on.');
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases', exact: true }).isVisible(), true);
    assertClean();
  } finally { await req.stop(); }
});
