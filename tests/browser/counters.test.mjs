// The home page counters in the browser, against the real stack: each one leads to the list it
// counts (cases by status and 1,000 days, alerts by type, queries by bucket), "My cases only"
// carries through, the Network sees national totals, and — with the server's clock moved on —
// overdue items are counted, flagged in words and listed (by council for the Home Office).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import {
  launch, waitForText, waitForHeading, screenshot, noLeaks,
} from './helpers.mjs';
import { apiUsers, pageFor, createCase, counterValue, goHome } from './work.mjs';

let stack; let browser; let users;
const DAY = 86400;

before(async () => {
  stack = await startStack({ clock: true });
  browser = await launch();
  users = await apiUsers(stack.base, ['nfc.user', 'ho.user']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** The total a list page says ("3 cases found", "2 alerts"), or 0 when it says there are none. */
async function listedTotal(page, tableId, emptyId) {
  await page.locator(`#${tableId}, #${emptyId}`).first().waitFor();
  if (await page.locator(`#${emptyId}`).count()) return 0;
  const caption = await page.locator(`#${tableId} caption`).innerText();
  return Number(caption.replace(/[^\d].*$/, ''));
}

test('council counters lead to the filtered lists, with and without "My cases only"', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await page.locator('#home-counters').waitFor();
  const expected = {
    immigration_update: '#/alerts?type=immigration_update',
    query_responses: '#/queries?bucket=responses',
    new_ho_queries: '#/queries?bucket=new',
    closure_required: '#/alerts?type=closure_required',
    final_outcome: '#/alerts?type=final_outcome',
    overdue: '#/queries?overdue=1',
    due_today: '#/queries?due=today',
    open_referral: '#/cases?status=open_referral',
    open_supported: '#/cases?status=open_supported',
    thousand_day: '#/cases?thousand_day=1',
  };
  for (const [key, href] of Object.entries(expected)) {
    assert.equal(await page.locator(`#counter-${key}`).getAttribute('href'), href, key);
  }
  await noLeaks(page);
  await screenshot(page, 'home-council-counters.png');

  // Cases by status: the list's total is the counter's number.
  const supported = await counterValue(page, 'open_supported');
  await page.locator('#counter-open_supported').click();
  await waitForHeading(page, 'Cases');
  assert.equal(await page.locator('select[name="status"]').inputValue(), 'open_supported');
  assert.equal(await listedTotal(page, 'cases-table', 'no-results'), supported);
  const statuses = await page.locator('#cases-table tbody .case-status').allInnerTexts();
  assert.ok(statuses.every((s) => s === 'Open – supported'), statuses.join());

  // 1,000-day cases: said plainly, with the way back to every case.
  await goHome(page);
  const thousand = await counterValue(page, 'thousand_day');
  await page.locator('#counter-thousand_day').click();
  await waitForHeading(page, 'Cases');
  await waitForText(page.locator('#thousand-day-filter'), '1,000 or more days ago');
  await waitForText(page.locator('#results-heading'), '1,000-day cases');
  assert.equal(await listedTotal(page, 'cases-table', 'no-results'), thousand);
  await screenshot(page, 'cases-thousand-day.png');

  // An alerts counter leads to the alerts of that type.
  await goHome(page);
  await page.locator('#counter-final_outcome').click();
  await waitForHeading(page, 'Final outcome alerts');
  assert.equal(await page.locator('select[name="type"]').inputValue(), 'final_outcome');

  // "My cases only": the counters count the caller's cases and their links say so.
  await goHome(page);
  await page.getByLabel('My cases only').check();
  await waitForText(page.locator('#home-counters-heading'), 'Your work – my cases');
  assert.match(page.url(), /#\/home\?mine=1$/);
  assert.equal(await page.getByLabel('My cases only').isChecked(), true);
  assert.equal(await page.locator('#counter-open_supported').getAttribute('href'), '#/cases?status=open_supported&mine=1');
  assert.equal(await page.locator('#counter-immigration_update').getAttribute('href'), '#/alerts?type=immigration_update&mine=1');
  const mine = await counterValue(page, 'open_supported');
  await page.locator('#counter-open_supported').click();
  await waitForHeading(page, 'Cases');
  assert.equal(await page.getByLabel('Only cases allocated to me').isChecked(), true);
  assert.equal(await listedTotal(page, 'cases-table', 'no-results'), mine);
  await page.goBack();
  await waitForText(page.locator('#home-counters-heading'), 'Your work – my cases');
  await page.locator('#counter-immigration_update').click();
  await waitForHeading(page, 'Immigration update alerts – my cases');
  assert.equal(await page.getByLabel('Only my cases').isChecked(), true);
  assertClean();
  await page.context().close();
});

test('the Network admin sees national totals only, as plain numbers', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'net.admin');
  await waitForText(page.locator('#home-counters'), 'Cases across the country');
  for (const key of ['open_referral', 'open_supported', 'closed']) {
    assert.ok(await counterValue(page, key) >= 0);
  }
  assert.equal(await page.locator('#home-counters a').count(), 0, 'no links to lists the Network may not see');
  assert.equal(await page.locator('#home-counters input').count(), 0);
  assertClean();
  await page.context().close();
});

test('overdue items are counted, flagged in words and listed, for the Home Office by council', async () => {
  // Work that will be overdue: a new case (HO, 5 working days), a council query (HO, 10) and a
  // Home Office query on a third case (awaiting the council, 10; it clears that case's new case alert).
  const late = await createCase(users);
  const asked = await createCase(users);
  const hoAsked = await createCase(users);
  const r1 = await users['nfc.user'].client.req('POST', `/api/cases/${asked.id}/queries`, { body: { category: 'expedite_request', message: 'Please expedite.' } });
  assert.equal(r1.status, 201, r1.text);
  const r2 = await users['ho.user'].client.req('POST', `/api/cases/${hoAsked.id}/queries`, { body: { category: 'other', message: 'Please send the tenancy agreement.' } });
  assert.equal(r2.status, 201, r2.text);
  stack.setClockOffset(30 * DAY);

  const ho = await pageFor(browser, stack.base, 'ho.user');
  const hoPage = ho.page;
  const overdue = await counterValue(hoPage, 'overdue');
  assert.ok(overdue >= 1, `overdue: ${overdue}`);
  const counter = hoPage.locator('[data-counter="overdue"]');
  assert.match(await counter.getAttribute('class'), /counter--overdue\b/);
  assert.match(await counter.innerText(), /overdue/i);
  const byCouncil = hoPage.locator('#by-council-table tbody tr', { hasText: 'Northfield City Council' });
  await waitForText(byCouncil, /overdue/i);
  await noLeaks(hoPage);
  await screenshot(hoPage, 'home-home-office-overdue.png');

  await hoPage.locator('#counter-overdue').click();
  await waitForHeading(hoPage, 'Overdue');
  assert.match(hoPage.url(), /#\/due\?when=overdue$/);
  const arow = hoPage.locator(`#due-alerts-table tbody tr[data-case-id="${late.id}"]`);
  await waitForText(arow, /New case/);
  assert.match(await arow.innerText(), /overdue/i);
  const qrow = hoPage.locator(`#due-queries-table tbody tr[data-case-id="${asked.id}"]`);
  await waitForText(qrow, /Expedite request/);
  assert.match(await qrow.innerText(), /overdue/i);
  // The HO's own query, awaiting the council, is not the HO's overdue work.
  assert.equal(await hoPage.locator(`#due-queries-table tbody tr[data-case-id="${hoAsked.id}"]`).count(), 0);
  await noLeaks(hoPage);
  await screenshot(hoPage, 'due-overdue.png');

  // From the by-council table: only that council's items.
  await goHome(hoPage);
  await byCouncil.getByRole('link', { name: /overdue at Northfield City Council/ }).click();
  await waitForHeading(hoPage, 'Overdue');
  await waitForText(hoPage.locator('#council-filter'), 'Showing Northfield City Council only');
  await hoPage.locator(`#due-alerts-table tbody tr[data-case-id="${late.id}"]`).waitFor();

  // The alerts list's overdue filter shows the same flag.
  await hoPage.goto(`${stack.base}/#/alerts?overdue=1`);
  await waitForHeading(hoPage, 'Alerts – overdue');
  // "Overdue" and "Due today" are one choice (radios), never two boxes that can both be ticked.
  assert.equal(await hoPage.getByRole('radio', { name: 'Overdue', exact: true }).isChecked(), true);
  assert.equal(await hoPage.getByRole('radio', { name: 'Due today', exact: true }).isChecked(), false);
  await waitForText(hoPage.locator(`#alerts-table tbody tr[data-case-id="${late.id}"]`), /overdue/i);

  // The council: its overdue count is the queries waiting for it, flagged and listed.
  const council = await pageFor(browser, stack.base, 'nfc.user');
  const page = council.page;
  const cOverdue = await counterValue(page, 'overdue');
  assert.ok(cOverdue >= 1);
  assert.match(await page.locator('[data-counter="overdue"]').innerText(), /overdue/i);
  await page.locator('#counter-overdue').click();
  await waitForHeading(page, 'Queries: awaiting the council – overdue');
  const crow = page.locator(`#queries-table tbody tr[data-case-id="${hoAsked.id}"]`);
  await waitForText(crow, /Other/);
  assert.match(await crow.innerText(), /overdue/i);
  await screenshot(page, 'queries-overdue.png');
  ho.assertClean();
  council.assertClean();
  await ho.context.close();
  await council.context.close();
});

test('a due date beyond the bank-holiday calendar says that it may move', async () => {
  // The stored calendar ends in 2027: late December 2027 plus 10 working days is in 2028.
  const target = Date.UTC(2027, 11, 27, 12);
  stack.setClockOffset(Math.trunc((target - Date.now()) / 1000));
  const again = await apiUsers(stack.base, ['nfc.user', 'ho.user']);
  const kase = await createCase(again);
  const r = await again['ho.user'].client.req('POST', `/api/cases/${kase.id}/queries`, { body: { category: 'fee_waiver', message: 'Has a fee waiver been applied for?' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.due_beyond_calendar, true, r.text);

  const { page, assertClean, context } = await pageFor(browser, stack.base, 'nfc.user');
  await page.goto(`${stack.base}/#/queries/${r.json.id}`);
  await waitForHeading(page, /^Fee waiver query/);
  await waitForText(page.locator('#query-facts'), 'Beyond the bank-holiday calendar');
  await page.goto(`${stack.base}/#/cases/${kase.id}/queries`);
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));
  await waitForText(page.locator('#case-queries-table'), 'this date may move');
  assertClean();
  await context.close();
});
