// Queries in the browser, against the real stack: the council opens a query from the case page, the
// Home Office replies on the query page, the council sees the response counted and reads the reply;
// a second progress update within 4 weeks is refused with the first allowed date; urgent requests
// need a reason; the Home Office opening a query clears the new case alert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import {
  launch, status, waitForText, waitForHeading, screenshot, noLeaks, tab, panel, openTab,
} from './helpers.mjs';
import { apiUsers, pageFor, createCase, counterValue, goHome, waitForCounter } from './work.mjs';

let stack; let browser; let users;

before(async () => {
  stack = await startStack();
  browser = await launch();
  users = await apiUsers(stack.base, ['nfc.user', 'ho.user']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** Open the "New query" form on the case's Queries tab, fill it and send it. */
async function sendQuery(page, { category, message, urgent = null }) {
  const add = page.getByRole('button', { name: 'New query' });
  if (await add.getAttribute('aria-expanded') !== 'true') await add.click();
  const form = page.locator('#new-query-form');
  await form.getByLabel('Category').selectOption(category);
  await form.getByLabel('Message').fill(message);
  if (urgent) {
    await form.getByLabel('Urgent request').check();
    await form.getByLabel('Why is it urgent?').selectOption(urgent);
  }
  await form.getByRole('button', { name: 'Send query' }).click();
  return form;
}

test('council asks, the Home Office replies on the query page, the council reads the response', async () => {
  const kase = await createCase(users);
  const council = await pageFor(browser, stack.base, 'nfc.user');
  const page = council.page;
  const responses = await counterValue(page, 'query_responses');

  // The council opens a progress-update query from the case page.
  await page.goto(`${stack.base}/#/cases/${kase.id}/queries`);
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));
  await waitForText(panel(page, 'queries'), 'There are no queries on this case');
  await page.getByRole('button', { name: 'New query' }).click();
  const form = page.locator('#new-query-form');
  const categories = await form.getByLabel('Category').locator('option').allInnerTexts();
  assert.deepEqual(categories, ['Choose a category', 'Status discrepancy', 'Progress update', 'Expedite request', 'Fee waiver',
    'Change of conditions', 'Transfer to asylum support', 'Unable to make an application', 'Other']);
  // The urgent reason appears only for an urgent request, and is then required.
  assert.equal(await form.getByLabel('Why is it urgent?').isVisible(), false);
  await form.getByLabel('Urgent request').check();
  const reasons = await form.getByLabel('Why is it urgent?').locator('option').allInnerTexts();
  assert.deepEqual(reasons, ['Choose a reason', 'Legal proceedings', 'Safeguarding', 'Reconsideration of a decision']);
  await form.getByLabel('Category').selectOption('progress_update');
  await form.getByLabel('Message').fill('Has the claim been decided?');
  await form.getByRole('button', { name: 'Send query' }).click();
  await waitForText(form.locator('.error-summary'), 'Choose why the request is urgent');
  await form.getByLabel('Urgent request').uncheck();
  assert.equal(await form.getByLabel('Why is it urgent?').isVisible(), false);
  await noLeaks(page);
  await screenshot(page, 'case-new-query.png');
  await form.getByRole('button', { name: 'Send query' }).click();
  await waitForText(status(page), 'Your query has been sent to the Home Office');
  const row = page.locator('#case-queries-table tbody tr');
  await waitForText(row, /Progress update/);
  assert.match(await row.innerText(), /Waiting for the Home Office/);
  await waitForText(tab(page, 'Queries'), 'Queries (1 open)');

  // A second progress update within 4 weeks is refused; the message names the first allowed date.
  const again = await sendQuery(page, { category: 'progress_update', message: 'Any news yet?' });
  const err = await waitForText(again.locator('.error-summary'), /4 weeks/);
  assert.match(err, /\d{4}-\d{2}-\d{2}|\d{1,2} \w+ \d{4}/, err);
  const cat = again.locator('.form-group[data-field="category"]');
  await waitForText(cat.locator('.field-error'), /4 weeks/);
  assert.equal(await again.getByLabel('Category').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'case-query-too-soon.png');
  await again.getByRole('button', { name: 'Cancel' }).click();

  // The Home Office sees it waiting, opens it and replies.
  const ho = await pageFor(browser, stack.base, 'ho.user');
  const hoPage = ho.page;
  const awaiting = await counterValue(hoPage, 'queries_awaiting_ho');
  assert.ok(awaiting >= 1);
  await hoPage.locator('#counter-queries_awaiting_ho').click();
  await waitForHeading(hoPage, 'Queries: awaiting the Home Office');
  const hrow = hoPage.locator(`#queries-table tbody tr[data-case-id="${kase.id}"]`);
  await hrow.waitFor();
  assert.ok((await hrow.innerText()).includes('Northfield City Council'));
  await hrow.getByRole('link', { name: /Progress update/ }).click();
  await waitForHeading(hoPage, /^Progress update query/);
  const chain = hoPage.locator('#query-messages');
  await waitForText(chain, 'Has the claim been decided?');
  assert.match(await chain.innerText(), /Tom Hughes \(Council\)/);
  await waitForText(hoPage.locator('#query-facts'), 'Waiting for the Home Office');
  await hoPage.getByLabel('Your message').fill('The claim is with a decision maker; expect a decision within 6 weeks.');
  await hoPage.getByRole('button', { name: 'Send reply' }).click();
  await waitForText(status(hoPage), 'Your reply has been sent');
  await waitForText(chain, 'expect a decision within 6 weeks');
  assert.match(await chain.locator('li').nth(1).innerText(), /\(Home Office\)/);
  await waitForText(hoPage.locator('#query-facts'), 'Waiting for the council');
  await noLeaks(hoPage);
  await screenshot(hoPage, 'query-home-office-reply.png');
  await goHome(hoPage);
  await waitForCounter(hoPage, 'queries_awaiting_ho', awaiting - 1);

  // The council sees the response counted, follows it and reads the reply.
  await goHome(page);
  await waitForCounter(page, 'query_responses', responses + 1);
  await page.locator('#counter-query_responses').click();
  await waitForHeading(page, 'Queries: responses from the Home Office');
  assert.match(page.url(), /#\/queries\?bucket=responses$/);
  const crow = page.locator(`#queries-table tbody tr[data-case-id="${kase.id}"]`);
  await crow.waitFor();
  assert.match(await crow.innerText(), /Waiting for the council/);
  await crow.getByRole('link', { name: /Progress update/ }).click();
  await waitForHeading(page, /^Progress update query/);
  await waitForText(page.locator('#query-messages'), 'expect a decision within 6 weeks');
  assert.match(await page.locator('#query-messages').innerText(), /Hamid Qureshi \(Home Office\)/);

  // The council closes it: no more replies.
  await page.getByRole('button', { name: 'Close query' }).click();
  await page.locator('#confirm-dialog').getByRole('button', { name: 'Close query' }).click();
  await waitForText(status(page), 'The query has been closed');
  await waitForText(page.locator('#query-closed'), 'This query is closed');
  assert.equal(await page.locator('#reply-form').count(), 0);
  await goHome(page);
  await waitForCounter(page, 'query_responses', responses);
  council.assertClean();
  ho.assertClean();
  await council.context.close();
  await ho.context.close();
});

test('the Home Office opens a query on a new case: the new case alert clears and the council sees a new query', async () => {
  const kase = await createCase(users);
  const ho = await pageFor(browser, stack.base, 'ho.user');
  const hoPage = ho.page;
  const newCases = await counterValue(hoPage, 'new_case');
  await hoPage.goto(`${stack.base}/#/cases/${kase.id}/queries`);
  await waitForHeading(hoPage, new RegExp(`^${kase.connect_id}`));
  await hoPage.getByRole('button', { name: 'New query' }).click();
  // Only councils make urgent requests.
  assert.equal(await hoPage.locator('#new-query-form').getByLabel('Urgent request').count(), 0);
  await sendQuery(hoPage, { category: 'status_discrepancy', message: 'The date of birth differs from our records. Please check the passport.' });
  await waitForText(status(hoPage), 'Your query has been sent to the council');
  await openTab(hoPage, 'Alerts', 'alerts');
  await waitForText(panel(hoPage, 'alerts').locator('tr[data-type="new_case"]'), /Query raised/i);
  await goHome(hoPage);
  await waitForCounter(hoPage, 'new_case', newCases - 1);

  const council = await pageFor(browser, stack.base, 'nfc.user');
  const page = council.page;
  const fresh = await counterValue(page, 'new_ho_queries');
  assert.ok(fresh >= 1);
  await page.locator('#counter-new_ho_queries').click();
  await waitForHeading(page, 'Queries: new queries from the Home Office');
  const row = page.locator(`#queries-table tbody tr[data-case-id="${kase.id}"]`);
  await waitForText(row, /Status discrepancy/);
  await row.getByRole('link', { name: /Status discrepancy/ }).click();
  await waitForHeading(page, /^Status discrepancy query/);
  await waitForText(page.locator('#query-messages'), 'Please check the passport');
  await page.getByLabel('Your message').fill('Checked: the passport says 2 February; corrected on the case.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await waitForText(page.locator('#query-facts'), 'Waiting for the Home Office');
  await goHome(page);
  await waitForCounter(page, 'new_ho_queries', fresh - 1);
  council.assertClean();
  ho.assertClean();
  await council.context.close();
  await ho.context.close();
});
