// Alerts in the browser, against the real stack: the Home Office answers a new case (the council
// then sees the changed immigration fields marked until it accepts), and the closure-required flow
// (the council closes the case; the Home Office accepts the case closed alert).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import {
  launch, heading, status, waitForText, waitForHeading, screenshot, noLeaks, tab, panel, openTab, fillDate,
} from './helpers.mjs';
import { apiUsers, pageFor, createCase, counterValue, goHome, waitForCounter, todayUk } from './work.mjs';

let stack; let browser; let users;

before(async () => {
  stack = await startStack();
  browser = await launch();
  users = await apiUsers(stack.base, ['nfc.user', 'ho.user']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

test('the Home Office answers a new case; the council sees the changes marked and accepts them', async () => {
  const kase = await createCase(users);
  const ho = await pageFor(browser, stack.base, 'ho.user');
  const council = await pageFor(browser, stack.base, 'nfc.user');

  // The Home Office sees the new case alert counted on home and follows it to the list.
  const hoPage = ho.page;
  await hoPage.locator('#home-counters').waitFor();
  const newCases = await counterValue(hoPage, 'new_case');
  assert.ok(newCases >= 1, `new case alerts: ${newCases}`);
  assert.match(await hoPage.locator('#counter-new_case').innerText(), /New case alerts/);
  await noLeaks(hoPage);
  await screenshot(hoPage, 'home-home-office-counters.png');
  await hoPage.locator('#counter-new_case').click();
  await waitForHeading(hoPage, 'New case alerts');
  assert.match(hoPage.url(), /#\/alerts\?type=new_case$/);
  const row = hoPage.locator(`#alerts-table tbody tr[data-case-id="${kase.id}"]`);
  await row.waitFor();
  const rowText = await row.innerText();
  assert.match(rowText, /New case/);
  assert.ok(rowText.includes('Northfield City Council'), rowText);
  // A new case alert is cleared by the status check (or a query), not by "Accept".
  assert.match(rowText, /clears when you update the immigration page/);
  assert.equal(await row.getByRole('button', { name: /^Accept/ }).count(), 0);
  await noLeaks(hoPage);
  await screenshot(hoPage, 'alerts-new-case.png');

  // It opens the case and completes the status check on the immigration page.
  await row.getByRole('link', { name: kase.connect_id, exact: true }).click();
  await waitForHeading(hoPage, new RegExp(`^${kase.connect_id}`));
  await waitForText(tab(hoPage, 'Alerts'), 'Alerts (1 open)');
  await openTab(hoPage, 'Immigration', 'immigration');
  await hoPage.locator('#edit-immigration').click(); // read first, edit on purpose
  const im = hoPage.locator('#immigration-form');
  await im.getByLabel('Immigration status').selectOption('asylum_claim_recorded');
  await im.getByLabel('Recourse to public funds').selectOption('no');
  await im.getByLabel('Home Office notes (optional)').fill('Status check completed: asylum claim recorded.');
  await im.locator('#save-immigration').click();
  await waitForText(status(hoPage), 'The immigration page has been saved');
  // The new case alert is cleared by the status check.
  await waitForText(tab(hoPage, 'Alerts'), /^Alerts$/);
  await openTab(hoPage, 'Alerts', 'alerts');
  await waitForText(panel(hoPage, 'alerts').locator('tr[data-type="new_case"]'), /Status check completed/i);
  assert.equal(await panel(hoPage, 'alerts').getByRole('button', { name: /^Accept/ }).count(), 0);
  await goHome(hoPage);
  await waitForCounter(hoPage, 'new_case', newCases - 1);

  // The council sees the immigration update counted and follows it.
  const page = council.page;
  await goHome(page);
  const updates = await counterValue(page, 'immigration_update');
  assert.ok(updates >= 1, `immigration updates: ${updates}`);
  await page.locator('#counter-immigration_update').click();
  await waitForHeading(page, 'Immigration update alerts');
  const crow = page.locator(`#alerts-table tbody tr[data-case-id="${kase.id}"]`);
  await crow.waitFor();
  const ctext = await crow.innerText();
  assert.match(ctext, /Immigration update/);
  assert.match(ctext, /status/i);
  assert.match(ctext, /recourse to public funds/i);
  await crow.getByRole('link', { name: kase.connect_id, exact: true }).click();
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));
  await waitForText(page.locator('#immigration-update-notice'), 'The Home Office has updated the immigration page');
  await page.locator('#immigration-update-link').click();
  await page.locator('#panel-immigration:not([hidden])').waitFor();

  // The changed fields are marked in words until the council accepts the update.
  const banner = page.locator('#immigration-changes');
  await waitForText(banner, 'Changed by the Home Office');
  await waitForText(page.locator('#immigration-summary'), 'Asylum claim recorded');
  assert.match(await page.locator('#immigration-summary').innerText(), /Asylum claim recorded\s+● Changed by the Home Office/);
  await noLeaks(page);
  await screenshot(page, 'case-immigration-changed.png');
  // The form (on "Edit") marks the same fields.
  await page.locator('#edit-immigration').click();
  const form = page.locator('#immigration-form');
  for (const name of ['status', 'recourse_to_public_funds']) {
    await waitForText(form.locator(`.form-group[data-field="${name}"]`), 'Changed by the Home Office');
  }
  assert.equal(await form.locator('.form-group[data-field="leave_expiry"]').getByText('Changed by the Home Office').count(), 0);
  await page.getByRole('button', { name: 'Accept update' }).click();
  await waitForText(status(page), 'The immigration update has been accepted');
  await page.locator('#immigration-changes').waitFor({ state: 'detached' });
  assert.equal(await panel(page, 'immigration').getByText('Changed by the Home Office').count(), 0);
  assert.equal(await page.locator('#immigration-update-notice').count(), 0);
  await openTab(page, 'Alerts', 'alerts');
  await waitForText(panel(page, 'alerts').locator('tr[data-type="immigration_update"]'), /Accepted/i);
  await goHome(page);
  await waitForCounter(page, 'immigration_update', updates - 1);
  ho.assertClean();
  council.assertClean();
  await ho.context.close();
  await council.context.close();
});

test('closure required: the council closes the case, and the Home Office accepts the case closed alert', async () => {
  const kase = await createCase(users);
  const ho = await pageFor(browser, stack.base, 'ho.user');
  const council = await pageFor(browser, stack.base, 'nfc.user');

  // The Home Office records leave with recourse to public funds.
  const hoPage = ho.page;
  await hoPage.goto(`${stack.base}/#/cases/${kase.id}/immigration`);
  await waitForHeading(hoPage, new RegExp(`^${kase.connect_id}`));
  await hoPage.locator('#edit-immigration').click();
  const im = hoPage.locator('#immigration-form');
  await im.getByLabel('Immigration status').selectOption('ltr_recourse');
  await im.getByLabel('Recourse to public funds').selectOption('yes');
  await im.locator('#save-immigration').click();
  await waitForText(status(hoPage), 'The immigration page has been saved');

  // The council sees it on home, in the list (no Accept there) and on the case page.
  const page = council.page;
  await goHome(page);
  const required = await counterValue(page, 'closure_required');
  assert.ok(required >= 1);
  await page.locator('#counter-closure_required').click();
  await waitForHeading(page, 'Closure required alerts');
  const row = page.locator(`#alerts-table tbody tr[data-case-id="${kase.id}"]`);
  await row.waitFor();
  await waitForText(row, 'clears when the case is closed');
  assert.equal(await row.getByRole('button', { name: /^Accept/ }).count(), 0);
  await screenshot(page, 'alerts-closure-required.png');
  await row.getByRole('link', { name: kase.connect_id, exact: true }).click();
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));
  const notice = page.locator('#closure-required');
  await waitForText(notice, 'Closure required');
  assert.match(await notice.innerText(), /recourse to public funds/);
  await noLeaks(page);
  await screenshot(page, 'case-closure-required.png');
  await notice.getByRole('link', { name: /closure tab/ }).click();
  await page.locator('#panel-closure:not([hidden])').waitFor();
  assert.match(page.url(), new RegExp(`#/cases/${kase.id}/closure$`));
  const close = page.locator('#closure-form');
  await fillDate(close, 'closure_date', todayUk());
  await close.locator('[name="reason"]').selectOption('leave_granted_recourse');
  await close.locator('#close-case').click();
  await page.locator('#confirm-yes').click(); // closing asks first
  await waitForText(status(page), 'The case has been closed');
  await page.locator('#closure-required').waitFor({ state: 'detached' });
  await openTab(page, 'Alerts', 'alerts');
  await waitForText(panel(page, 'alerts').locator('tr[data-type="closure_required"]'), /Case closed/i);
  await goHome(page);
  await waitForCounter(page, 'closure_required', required - 1);

  // The Home Office sees the case closed alert and accepts it from the list.
  await goHome(hoPage);
  const closed = await counterValue(hoPage, 'case_closed');
  assert.ok(closed >= 1);
  await hoPage.locator('#counter-case_closed').click();
  await waitForHeading(hoPage, 'Case closed alerts');
  const hrow = hoPage.locator(`#alerts-table tbody tr[data-case-id="${kase.id}"]`);
  await hrow.waitFor();
  await hrow.getByRole('button', { name: `Accept Case closed alert on ${kase.connect_id}` }).click();
  await waitForText(hrow, /Accepted/i);
  await waitForText(status(hoPage), 'has been accepted');
  assert.equal(await hrow.getByRole('button', { name: /^Accept/ }).count(), 0);
  await goHome(hoPage);
  await waitForCounter(hoPage, 'case_closed', closed - 1);
  // Reloaded, the list no longer has it.
  await hoPage.locator('#counter-case_closed').click();
  await waitForHeading(hoPage, 'Case closed alerts');
  await hoPage.locator('#alert-results').waitFor();
  assert.equal(await hoPage.locator(`#alerts-table tbody tr[data-case-id="${kase.id}"]`).count(), 0);
  ho.assertClean();
  council.assertClean();
  await ho.context.close();
  await council.context.close();
});

test('the Home Office records a final outcome; the council accepts it from the case page', async () => {
  const kase = await createCase(users);
  const ho = await pageFor(browser, stack.base, 'ho.user');
  const hoPage = ho.page;
  await hoPage.goto(`${stack.base}/#/cases/${kase.id}/immigration`);
  await waitForHeading(hoPage, new RegExp(`^${kase.connect_id}`));
  const form = hoPage.locator('#final-outcome-form');
  await form.getByRole('button', { name: 'Record final outcome' }).click();
  await waitForText(form.locator('.error-summary'), 'Choose the outcome');
  await form.getByLabel('Outcome').selectOption('leave_granted');
  await form.getByLabel('Decision date').fill(todayUk());
  await form.getByLabel('Notes (optional)').fill('Leave to remain granted.');
  await form.getByRole('button', { name: 'Record final outcome' }).click();
  await waitForText(status(hoPage), 'The final outcome has been recorded');
  await screenshot(hoPage, 'case-final-outcome.png');

  const council = await pageFor(browser, stack.base, 'nfc.user');
  const page = council.page;
  await page.locator('#home-counters').waitFor();
  const outcomes = await counterValue(page, 'final_outcome');
  assert.ok(outcomes >= 1);
  await page.goto(`${stack.base}/#/cases/${kase.id}/alerts`);
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));
  const row = panel(page, 'alerts').locator('tr[data-type="final_outcome"]');
  await waitForText(row, 'Leave granted');
  await row.getByRole('button', { name: /^Accept Final outcome alert/ }).click();
  await waitForText(status(page), 'The alert has been accepted');
  await waitForText(panel(page, 'alerts').locator('tr[data-type="final_outcome"]'), /Accepted/i);
  await goHome(page);
  await waitForCounter(page, 'final_outcome', outcomes - 1);
  assert.equal((await heading(page).innerText()).startsWith('Welcome'), true);
  ho.assertClean();
  council.assertClean();
  await ho.context.close();
  await council.context.close();
});

test('a council update on a checked case: the Home Office sees what changed and accepts it', async () => {
  const kase = await createCase(users);
  const ho = users['ho.user'].client;
  const checked = await ho.req('PUT', `/api/cases/${kase.id}/immigration`, { body: { status: 'asylum_claim_recorded', recourse_to_public_funds: false } });
  assert.equal(checked.status, 200, checked.text);
  const dep = await users['nfc.user'].client.req('POST', `/api/cases/${kase.id}/dependants`, {
    body: { given_names: 'Amir', family_name: kase.principal.family_name, date_of_birth: '2016-04-02', nationality: 'Sudanese', relationship: 'child' },
  });
  assert.equal(dep.status, 201, dep.text);

  const { page, assertClean, context } = await pageFor(browser, stack.base, 'ho.user');
  const updates = await counterValue(page, 'council_update');
  assert.ok(updates >= 1);
  await page.locator('#counter-council_update').click();
  await waitForHeading(page, 'Council update alerts');
  const row = page.locator(`#alerts-table tbody tr[data-case-id="${kase.id}"]`);
  await waitForText(row, 'dependant added');
  await row.getByRole('button', { name: `Accept Council update alert on ${kase.connect_id}` }).click();
  await waitForText(row, /Accepted/i);
  await goHome(page);
  await waitForCounter(page, 'council_update', updates - 1);
  assertClean();
  await context.close();
});
