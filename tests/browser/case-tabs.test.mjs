// The case page's tabs, one module each: a demo case opened by the council and by the Home Office,
// every tab visited in turn – its heading and key content render, the address keeps the tab, and no
// script error, console error or failed module load happens on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, waitForHeading, waitForText, noLeaks, screenshot, panel, openTab, dateValue,
} from './helpers.mjs';

let stack; let browser;
let kase; // a demo case of the council with dependants and finance

before(async () => {
  stack = await startStack();
  browser = await launch();
  const client = new Client(stack.base);
  assert.equal((await client.login('nfc.user')).status, 200);
  const list = await client.req('GET', '/api/cases?limit=50');
  assert.equal(list.status, 200, list.text);
  for (const item of list.json.items) {
    const r = await client.req('GET', `/api/cases/${item.id}`);
    assert.equal(r.status, 200, r.text);
    if (r.json.status !== 'closed' && (r.json.dependants || []).length && r.json.finance) { kase = r.json; break; }
  }
  assert.ok(kase, 'the demo data has an open case with dependants and finance');
});
after(async () => { await browser?.close(); await stack?.stop(); });

/**
 * The tabs in their order: [tab name, key, panel heading, check(panel, {council})] – the check waits
 * for the tab's key content.
 */
const TABS = [
  ['Summary', 'summary', /^Summary$/, async (p) => {
    await waitForText(p.locator('#case-summary'), kase.connect_id || `C${kase.id}`);
    await waitForText(p.locator('#case-summary'), 'Legislation');
  }],
  ['Principal applicant', 'principal', /^Principal applicant$/, async (p) => {
    await waitForText(p.locator('#principal-summary'), kase.principal.family_name);
  }],
  ['Dependants', 'dependants', /^Dependants$/, async (p) => {
    await p.locator('#dependants-list').waitFor();
    assert.equal(await p.locator('#dependants-list > .person-card').count(), kase.dependants.length);
    await waitForText(p.locator('#dependants-list'), kase.dependants[0].given_names);
  }],
  ['Immigration', 'immigration', /^Immigration$/, async (p) => {
    await waitForText(p.locator('#immigration-summary'), 'Status at referral');
    // Read first: the summary, and the form only on "Edit immigration".
    assert.equal(await p.locator('#immigration-form').count(), 0);
    await p.locator('#edit-immigration').waitFor();
  }],
  ['Finance', 'finance', /^Finance$/, async (p, { council }) => {
    if (council) {
      await waitForText(p.locator('#finance-summary'), 'Support start date');
      assert.equal(await p.locator('#finance-form').count(), 0);
      await p.locator('#edit-finance').click();
      await p.locator('#finance-form').waitFor();
      assert.notEqual(await dateValue(p, 'support_start_date'), '');
      await p.locator('#cancel-finance').click();
      await p.locator('#finance-summary').waitFor();
    } else {
      await waitForText(p.locator('#finance-read-only'), 'You can read it but not change it');
      await waitForText(p.locator('#finance-summary'), 'Support start date');
    }
  }],
  ['Closure', 'closure', /^(Close the case|Closure)$/, async (p, { council }) => {
    await waitForText(p.locator('#closure-state'), 'This case is open.');
    assert.equal(await p.locator('#closure-form').count(), council ? 1 : 0);
  }],
  ['Documents', 'documents', /^Documents$/, async (p, { council }) => {
    await p.locator('#documents-table, #no-documents').first().waitFor();
    assert.equal(await p.locator('#upload-form').count(), council ? 1 : 0);
  }],
  ['Alerts', 'alerts', /^Alerts$/, async (p) => {
    await p.locator('#case-alerts-table, #no-case-alerts').first().waitFor();
  }],
  ['Queries', 'queries', /^Queries$/, async (p) => {
    await p.locator('#case-queries-table, #no-case-queries').first().waitFor();
    await p.locator('#new-query').waitFor();
  }],
  ['History', 'history', /^History$/, async (p) => {
    await waitForText(p.locator('#history-table'), 'Case created');
  }],
];

/** Record console errors, failed requests and error answers for the page's own files. */
function watch(page) {
  const seen = [];
  page.on('console', (msg) => { if (msg.type() === 'error') seen.push(`console: ${msg.text()}`); });
  page.on('requestfailed', (req) => seen.push(`request failed: ${req.url()} ${req.failure()?.errorText || ''}`));
  page.on('response', (res) => { if (res.status() >= 400) seen.push(`${res.status()} ${res.url()}`); });
  return seen;
}

async function visitEveryTab(username, { council }) {
  const { page, assertClean, context } = await newPage(browser);
  await signIn(page, stack.base, username);
  await waitForHeading(page, /^Welcome, /);
  // From here on nothing may go wrong (before sign-in, GET /api/me answers 401 by design).
  const seen = watch(page);

  await page.goto(`${stack.base}/#/cases/${kase.id}`);
  await waitForText(page.locator('#case-title'), kase.principal.family_name);
  const tabs = page.getByRole('tablist', { name: 'Case sections' }).getByRole('tab');
  assert.deepEqual((await tabs.allInnerTexts()).map((t) => t.replace(/ \(.*\)$/, '')), TABS.map(([name]) => name));

  for (const [name, key, headingText, check] of TABS) {
    await openTab(page, name, key);
    const p = panel(page, key);
    await waitForText(p.locator('h2').first(), headingText);
    await check(p, { council });
    assert.equal(await page.locator('[role="tabpanel"]:not([hidden])').count(), 1, `only the ${key} panel shows`);
    const hash = await page.evaluate(() => location.hash);
    assert.equal(hash, key === 'summary' ? `#/cases/${kase.id}` : `#/cases/${kase.id}/${key}`);
    await noLeaks(page);
  }
  await screenshot(page, `case-tabs-${council ? 'council' : 'ho'}-history.png`);

  // A reload on a tab opens that tab again.
  await page.reload();
  await page.locator('#panel-history:not([hidden])').waitFor();
  await waitForText(panel(page, 'history').locator('#history-table'), 'Case created');

  assert.deepEqual(seen, [], `errors in the page:\n${seen.join('\n')}`);
  assertClean();
  await context.close();
}

test('council user: every tab of a demo case renders from its module, without errors', async () => {
  await visitEveryTab('nfc.user', { council: true });
});

test('Home Office user: every tab of the same case renders (finance read-only), without errors', async () => {
  await visitEveryTab('ho.user', { council: false });
});
