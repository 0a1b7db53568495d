// The Network admin picks any organisation, adds a council and its first administrator, and marks
// which partner department is the NINo partner (one at most).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { totp } from '../lib/totp.mjs';
import {
  launch, newPage, signIn, changePassword, status, waitForText, waitForHeading, screenshot, userRow, checkA11y,
} from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

test('Network admin: organisation picker, add a council and its first admin', async () => {
  const A = await newPage(browser);
  const page = A.page;
  await signIn(page, stack.base, 'net.admin');
  await waitForHeading(page, /^Welcome, /);
  await waitForText(page.locator('#home-summary'), 'Network');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'User accounts' }).click();
  await waitForHeading(page, 'User accounts');
  await userRow(page, 'net.admin').waitFor();

  // Pick another organisation.
  const picker = page.locator('#org-picker');
  const options = await picker.getByLabel('Organisation').locator('option').allInnerTexts();
  assert.ok(options.some((o) => o.includes('Home Office')), options.join(', '));
  const ebc = options.find((o) => /Eastbrook/.test(o));
  assert.ok(ebc, options.join(', '));
  await picker.getByLabel('Organisation').selectOption({ label: ebc });
  await picker.getByRole('button', { name: 'Show users' }).click();
  await userRow(page, 'ebc.admin').waitFor();
  await waitForText(page.locator('#users-heading'), 'Eastbrook');
  assert.match(page.url(), /#\/users\?org=\d+$/);
  assert.equal(await userRow(page, 'net.admin').count(), 0);
  // A reload keeps the chosen organisation.
  await page.reload();
  await waitForHeading(page, 'User accounts');
  await userRow(page, 'ebc.admin').waitFor();

  // A council code that exists is refused on the code field.
  const council = page.locator('#add-council-form');
  await council.getByLabel('Council name').fill('Another Northfield');
  await council.getByLabel('Code').fill('NFC');
  await council.getByRole('button', { name: 'Add council' }).click();
  await page.waitForSelector('#add-council-form input[name="code"][aria-invalid="true"]');

  // Add a council (the code is upper-cased), then its first admin.
  await council.getByLabel('Council name').fill('Southbay District Council');
  await council.getByLabel('Code').fill('sbdc');
  await council.getByRole('button', { name: 'Add council' }).click();
  await waitForText(status(page), 'Southbay District Council (SBDC) has been added');
  await waitForText(page.locator('#users-heading'), 'Southbay District Council');
  await page.locator('#users-empty').waitFor();
  const form = page.locator('#add-user-form');
  assert.equal(await form.getByLabel('Role').inputValue(), 'admin');
  assert.match(await form.getByLabel('Organisation').locator('option:checked').innerText(), /Southbay District Council/);
  await form.getByLabel('User name').fill('sbdc.admin');
  await form.getByLabel('Full name').fill('Sam Bay');
  await form.getByRole('button', { name: 'Create user' }).click();
  await waitForText(page.locator('#temp-password-panel'), 'Temporary password for Sam Bay (sbdc.admin)');
  await waitForText(page.locator('#setup-required-note'), 'two-factor sign-in');
  const temp = (await page.locator('#temp-password').innerText()).trim();
  const row = userRow(page, 'sbdc.admin');
  await row.waitFor();
  assert.equal((await row.locator('td').nth(1).innerText()).trim(), 'Administrator');
  // In another organisation the Network may reset an administrator, nothing more.
  assert.equal(await row.getByRole('button', { name: /^Reset password/ }).count(), 1);
  assert.equal(await row.getByRole('button', { name: /^Delete/ }).count(), 0);
  assert.equal(await row.getByRole('button', { name: /^Set the email/ }).count(), 0);
  await screenshot(page, 'user-accounts-network.png');

  // The new council admin signs in, changes the password and manages their own council.
  const B = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(B.page, stack.base, 'sbdc.admin', temp);
  await waitForHeading(B.page, 'Change your password');
  await changePassword(B.page, temp, 'southbay harbour lights 7');
  // An account the Network made opens nothing until its owner has also set up two-factor sign-in.
  await waitForHeading(B.page, 'Set up two-factor sign-in');
  await waitForText(B.page.locator('#mfa-required-why'), 'The Connect Network set up or reset this account');
  await B.page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const secret = (await B.page.locator('#mfa-secret').innerText()).replace(/\s+/g, '');
  await B.page.getByLabel('Security code', { exact: true }).fill(totp(secret, Date.now() / 1000));
  await B.page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await B.page.getByRole('heading', { name: 'Save your recovery codes now' }).waitFor();
  await B.page.getByRole('button', { name: /I have saved my recovery codes/ }).click();
  await waitForHeading(B.page, 'Welcome, Sam Bay');
  await waitForText(B.page.locator('#home-summary'), 'Southbay District Council');
  await screenshot(B.page, 'home-mobile.png');
  await B.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'User accounts' }).click();
  await waitForHeading(B.page, 'User accounts');
  await userRow(B.page, 'sbdc.admin').waitFor();
  assert.equal(await B.page.locator('#org-picker').count(), 0);
  assert.equal(await B.page.locator('#add-council-form').count(), 0);
  await screenshot(B.page, 'user-accounts-mobile.png');

  A.assertClean();
  B.assertClean();
});

test('Network admin: the NINo partner mark on a partner department, one at most', async () => {
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'net.admin');
  await waitForHeading(page, /^Welcome, /);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'User accounts' }).click();
  await waitForHeading(page, 'User accounts');
  const picker = page.locator('#org-picker');
  const choose = async (re) => {
    const options = await picker.getByLabel('Organisation').locator('option').allInnerTexts();
    const label = options.find((o) => re.test(o));
    assert.ok(label, `${re} in ${options.join(', ')}`);
    await picker.getByLabel('Organisation').selectOption({ label });
    await picker.getByRole('button', { name: 'Show users' }).click();
    return label;
  };
  // The NINo partner says so, in the picker and on its panel; a council has no such panel.
  assert.equal(await choose(/^DWP NINo Operations/), 'DWP NINo Operations (Partner department, NINo partner)');
  await waitForText(page.locator('#nino-partner-state'), 'DWP NINo Operations is the NINo partner');
  await checkA11y(page, 'users page, the NINo partner chosen');
  await choose(/^Eastbrook/);
  await userRow(page, 'ebc.admin').waitFor();
  assert.equal(await page.locator('#nino-partner-panel').count(), 0, 'no NINo panel for a council');

  // Another partner department cannot take the mark while DWP NINo Operations holds it.
  assert.equal(await choose(/^DWP Case Management Group/), 'DWP Case Management Group (Partner department)');
  await waitForText(page.locator('#nino-partner-state'), 'DWP Case Management Group is not the NINo partner');
  await waitForText(page.locator('#nino-partner-holder'), 'DWP NINo Operations is the NINo partner now');
  await page.locator('#nino-partner-form').getByRole('button', { name: 'Make it the NINo partner' }).click();
  await waitForText(page.locator('#nino-partner-form .error-summary'), 'clear its mark first');
  await checkA11y(page, 'users page, a second NINo partner refused');

  // Clear the mark, then give it to the other department: the picker follows.
  await choose(/^DWP NINo Operations/);
  await page.locator('#nino-partner-form').getByRole('button', { name: 'Stop it being the NINo partner' }).click();
  await waitForText(status(page), 'DWP NINo Operations is not the NINo partner');
  await waitForText(page.locator('#nino-partner-state'), 'is not the NINo partner');
  await choose(/^DWP Case Management Group/);
  await page.locator('#nino-partner-form').getByRole('button', { name: 'Make it the NINo partner' }).click();
  await waitForText(status(page), 'DWP Case Management Group is the NINo partner');
  const options = await picker.getByLabel('Organisation').locator('option').allInnerTexts();
  assert.ok(options.includes('DWP Case Management Group (Partner department, NINo partner)'), options.join(', '));
  assert.ok(options.includes('DWP NINo Operations (Partner department)'), options.join(', '));
  await checkA11y(page, 'users page, the NINo partner changed');
  // A reload reads it back from the server.
  await page.reload();
  await waitForHeading(page, 'User accounts');
  await waitForText(page.locator('#nino-partner-state'), 'DWP Case Management Group is the NINo partner');
  assertClean();
});
