// Transfers in the SPA: a council user asks from the case page (choosing the council), the receiving
// admin sees it under Transfers and declines one (a reason) and accepts another (choosing a
// caseworker); the sender then gets "Case not found", the receiver opens the case. The HO admin
// records an MI run. checkA11y on each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { checkA11y, status, waitForHeading, waitForText } from './helpers.mjs';
import { apiUsers, pageFor, createCase, todayUk } from './work.mjs';

let stack; let browser; let users;
before(async () => {
  stack = await startStack();
  const { launch } = await import('./helpers.mjs');
  browser = await launch();
  users = await apiUsers(stack.base, ['nfc.user', 'ebc.admin', 'ebc.user']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

async function ask(page, kase, councilName) {
  await page.goto(`${stack.base}/#/cases/${kase.id}`);
  await page.locator('#transfer-case').click();
  await waitForHeading(page, 'Transfer the case to another council');
  await checkA11y(page, 'transfer form');
  // Nothing chosen: the form says so on the field.
  await page.getByRole('button', { name: 'Ask to transfer' }).click();
  await waitForText(page.locator('.error-summary'), 'Choose the council');
  await page.getByLabel('Council to move the case to').selectOption({ label: councilName });
  await page.getByRole('button', { name: 'Ask to transfer' }).click();
  await waitForHeading(page, 'Transfers');
  await waitForText(status(page), 'You asked to transfer');
}

test('a council asks, the receiving admin declines one and accepts another with a caseworker', async () => {
  const ebcName = users['ebc.admin'].user.org.name;
  const a = await createCase(users);
  const b = await createCase(users);
  const { page: sender, assertClean: senderClean } = await pageFor(browser, stack.base, 'nfc.user');
  await ask(sender, a, ebcName);
  await ask(sender, b, ebcName);
  const outgoing = sender.locator(`tr[data-direction="outgoing"]`);
  assert.equal(await outgoing.count(), 2);
  await waitForText(outgoing.first(), /waiting for an answer/i);
  await checkA11y(sender, 'transfers (sender)');

  const { page: admin, assertClean: adminClean } = await pageFor(browser, stack.base, 'ebc.admin');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Transfers' }).click();
  await waitForHeading(admin, 'Transfers');
  const rowA = admin.locator('tr[data-direction="incoming"]').filter({ hasText: a.connect_id });
  const rowB = admin.locator('tr[data-direction="incoming"]').filter({ hasText: b.connect_id });
  await rowA.waitFor();
  await checkA11y(admin, 'transfers (receiving admin)');

  // Decline A: a reason is required.
  await rowA.getByRole('button', { name: 'Decline the transfer' }).click();
  await waitForText(rowA.locator('.error-summary'), 'Enter the reason');
  await rowA.getByLabel('Reason for declining').fill('Not in our area');
  await rowA.getByRole('button', { name: 'Decline the transfer' }).click();
  await waitForText(status(admin), 'You declined the transfer');
  await waitForText(admin.locator('tr[data-direction="incoming"]').filter({ hasText: a.connect_id }), 'Not in our area');

  // Accept B with a caseworker of the receiving council.
  const worker = users['ebc.user'].user;
  await rowB.getByLabel('Caseworker at your council').selectOption({ label: worker.name });
  await rowB.getByRole('button', { name: 'Accept the transfer' }).click();
  await waitForText(status(admin), 'is now your council’s case');
  const accepted = admin.locator('tr[data-direction="incoming"]').filter({ hasText: b.connect_id });
  await waitForText(accepted, /accepted/i);
  await accepted.getByRole('link').click();
  await waitForText(admin.locator('#case-council'), ebcName);
  await waitForText(admin.locator('#case-facts'), `Caseworker: ${worker.name}`);

  // The sender: A is still theirs with the decline shown; B is gone.
  await sender.goto(`${stack.base}/#/home`);
  await waitForHeading(sender, /^Welcome, /);
  await sender.goto(`${stack.base}/#/transfers`);
  await waitForText(sender.locator('tr[data-direction="outgoing"]').filter({ hasText: a.connect_id }), /declined/i);
  await sender.goto(`${stack.base}/#/cases/${b.id}`);
  await waitForHeading(sender, 'Case not found');
  senderClean();
  adminClean();
});

test('the HO admin records an MI run', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'ho.admin');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'MI runs' }).click();
  await waitForHeading(page, 'MI report runs');
  await waitForText(page.locator('#mi-runs'), 'No run recorded yet');
  await checkA11y(page, 'MI runs');
  const [d, m, y] = todayUk().split('/');
  const iso = `${y}-${m}-${d}`;
  await page.getByLabel('Date of the run').fill(iso);
  await page.getByRole('button', { name: 'Record the run' }).click();
  await waitForText(status(page), 'recorded');
  assert.equal(await page.locator(`#mi-runs tr[data-date="${iso}"]`).count(), 1);
  assertClean();
});
