// Retention in the browser (API.md "Retention and destruction"), against the real stack with a test
// clock: a case closed almost 6 years ago is on the council admin's home counter "Due for destruction
// in the next 90 days" and in the Retention page's due list; its Closure tab says when it will be
// destroyed; a legal hold is placed (the reason required), shown on the tab and marked in the list,
// then lifted; the policy form refuses years outside 1 to 25 on the field, and a change moves the
// dates; `connectctl retention run` destroys a case already due, whose record then shows with its
// CSV and Excel downloads. axe checks each page; a council user has neither the page nor the counter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertStatus, signIn as apiSignIn } from '../lib/http.mjs';
import { createCaseAt } from '../lib/cases.mjs';
import {
  launch, waitForText, waitForHeading, screenshot, noLeaks, checkA11y, status, openTab, panel,
} from './helpers.mjs';
import { pageFor, counterValue, goHome } from './work.mjs';

let stack; let browser; let nfcUser; let nfcAdmin;
let soon; let doomed;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
/** '2026-03-27' -> '27 March 2026', as the app writes dates. */
const ukDate = (iso) => { const [y, m, d] = iso.split('-'); return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`; };
const ymd = (d) => d.toISOString().slice(0, 10);
/** The date `years` years and `days` days before today (negative days: after). */
function yearsAgo(years, days) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - days);
  return ymd(d);
}

async function closedOn(closureDate) {
  const c = await createCaseAt(stack, 'nfc.user', `${yearsAgo(8, 0)}T12:00:00Z`);
  assertStatus(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: closureDate, reason: 'left_area' } }), 200, 'close');
  const r = await nfcUser.req('GET', `/api/cases/${c.id}`);
  assertStatus(r, 200, 'read back');
  return r.json;
}

before(async () => {
  stack = await startStack({ clock: true });
  browser = await launch();
  nfcUser = await apiSignIn(stack.base, 'nfc.user');
  nfcAdmin = await apiSignIn(stack.base, 'nfc.admin');
  doomed = await closedOn(yearsAgo(6, 3)); // due three days ago: the next run destroys it
  soon = await closedOn(yearsAgo(6, -20)); // due in about 20 days
  assert.ok(soon.retention && soon.retention.destroy_on, `the case has a destruction date: ${JSON.stringify(soon.retention)}`);
});
after(async () => { await browser?.close(); await stack?.stop(); });

const dueRow = (page, id) => page.locator(`#retention-due-table tr[data-case-id="${id}"]`);

async function goRetention(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retention' }).click();
  await waitForHeading(page, 'Retention');
  await page.locator('#retention-due-section').waitFor();
}

test('a council user has neither the counter nor the Retention page', async () => {
  const { page, context, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await page.locator('#home-counters').waitFor();
  assert.equal(await page.locator('#counter-retention_due').count(), 0, 'no retention counter for a council user');
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retention' }).isVisible(), false);
  await page.goto(`${stack.base}/#/retention`);
  await waitForHeading(page, 'Retention is not available');
  assertClean();
  await context.close();
});

test('due list, home counter, closure tab, legal hold, policy, the run and its records', async () => {
  const { page, context, assertClean } = await pageFor(browser, stack.base, 'nfc.admin');

  // Home: the counter = the due list's length, and leads to the Retention page.
  const due = await nfcAdmin.req('GET', '/api/retention/due');
  assertStatus(due, 200, 'due');
  assert.ok(due.json.items.some((i) => i.id === soon.id), 'the API lists the case');
  assert.equal(await counterValue(page, 'retention_due'), due.json.items.length, 'the counter = the due list');
  await waitForText(page.locator('#counter-retention_due'), /Due for destruction in the next 90 days/);
  await checkA11y(page, 'home with the retention counter');
  await page.locator('#counter-retention_due').click();
  await waitForHeading(page, 'Retention');
  assert.match(page.url(), /#\/retention$/);
  await page.locator('#retention-due-section').waitFor();

  // The Retention page: policy, due list, records.
  await waitForText(page.locator('#retention-explained'), /keeps a closed case for this many years after its closure date/);
  assert.equal(await page.getByLabel('Years to keep a closed case').inputValue(), '6');
  const row = dueRow(page, soon.id);
  await row.waitFor();
  await waitForText(row, new RegExp(`${soon.connect_id}[\\s\\S]*${ukDate(soon.closure.closure_date)}[\\s\\S]*${ukDate(soon.retention.destroy_on)}[\\s\\S]*None`));
  await noLeaks(page);
  await checkA11y(page, 'retention page');
  await screenshot(page, 'retention-page.png');

  // The closure tab of the case (through its Connect ID link) says when it will be destroyed.
  await row.getByRole('link', { name: soon.connect_id }).click();
  await panel(page, 'closure').locator('#retention-state').waitFor();
  await waitForText(page.locator('#retention-state'), `This case will be destroyed on ${ukDate(soon.retention.destroy_on)}.`);
  await checkA11y(page, 'closure tab with its destruction date');

  // A legal hold: the reason is required, then the tab shows the hold.
  await page.getByRole('button', { name: 'Place a legal hold' }).click();
  const reason = page.getByLabel('Reason for a legal hold');
  await waitForText(page.locator('#hold-form .error-summary'), /Enter the reason for the legal hold/);
  assert.equal(await reason.getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'closure tab, hold reason missing');
  await reason.fill('Judicial review pending');
  await page.getByRole('button', { name: 'Place a legal hold' }).click();
  await waitForText(status(page), 'A legal hold has been placed on the case.');
  await waitForText(page.locator('#retention-state'), /^Under a legal hold since .+: Judicial review pending\. It will not be destroyed until the hold is lifted\.$/);
  await checkA11y(page, 'closure tab under a legal hold');
  await screenshot(page, 'retention-hold.png');
  const held = await nfcAdmin.req('GET', `/api/cases/${soon.id}`);
  assert.equal(held.json.retention.legal_hold.reason, 'Judicial review pending');

  // The list marks it.
  await goRetention(page);
  await waitForText(dueRow(page, soon.id), /On hold[\s\S]*Judicial review pending/i);

  // Lift it (confirmed in the dialog).
  await dueRow(page, soon.id).getByRole('link', { name: soon.connect_id }).click();
  await page.locator('#lift-hold').waitFor();
  await page.locator('#lift-hold').click();
  await page.locator('#confirm-yes').click();
  await waitForText(status(page), 'The legal hold has been lifted.');
  await waitForText(page.locator('#retention-state'), `This case will be destroyed on ${ukDate(soon.retention.destroy_on)}.`);
  assert.equal((await nfcAdmin.req('GET', `/api/cases/${soon.id}`)).json.retention.legal_hold, null);
  await goRetention(page);
  await waitForText(dueRow(page, soon.id), /None$/);

  // The policy: bounds on the field, then 7 years moves the case out of the 90 days, and back.
  const years = page.getByLabel('Years to keep a closed case');
  for (const bad of ['0', '26', 'six']) {
    await years.fill(bad);
    await page.getByRole('button', { name: 'Save policy' }).click();
    await waitForText(page.locator('#retention-form [data-field="years"] .field-error'), /whole number from 1 to 25/);
    assert.equal(await years.getAttribute('aria-invalid'), 'true', `${bad} is refused on the field`);
  }
  await checkA11y(page, 'retention page, years out of bounds');
  assert.equal((await nfcAdmin.req('GET', '/api/retention')).json.years, 6, 'nothing was saved');
  await years.fill('7');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await waitForText(status(page), 'The retention policy is now 7 years.');
  await waitForText(page.locator('#retention-current'), 'Closed cases are kept for 7 years.');
  assert.equal(await page.locator('#retention-form [aria-invalid]').count(), 0, 'the errors are gone');
  // Out of the list (other demo cases may be due under 7 years, depending on today's date).
  await dueRow(page, soon.id).waitFor({ state: 'detached' });
  await years.fill('6');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await waitForText(status(page), 'The retention policy is now 6 years.');
  await dueRow(page, soon.id).waitFor();

  // The run (on the test clock), then the record with its downloads.
  const run = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, 'retention', 'run'],
    { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal((await nfcUser.req('GET', `/api/cases/${doomed.id}`)).status, 404, 'the case already due is destroyed');
  assert.equal((await nfcUser.req('GET', `/api/cases/${soon.id}`)).status, 200, 'the case not yet due survives');
  await goRetention(page);
  const rec = page.locator('#destructions-table tbody tr').filter({ hasText: doomed.connect_id });
  await rec.waitFor();
  await waitForText(rec, new RegExp(`${ukDate(doomed.closure.closure_date)}[\\s\\S]*${ukDate(doomed.retention.destroy_on)}[\\s\\S]*6 years`));
  assert.equal(await dueRow(page, doomed.id).count(), 0, 'a destroyed case is no longer due');
  for (const [format, type] of [['csv', /text\/csv/], ['xlsx', /spreadsheetml/]]) {
    const link = page.locator(`#download-destructions-${format}`);
    assert.equal(await link.getAttribute('href'), `/api/destructions?format=${format}`);
    assert.equal(await link.getAttribute('download'), '');
    const got = await page.evaluate(async (href) => {
      const r = await fetch(href, { credentials: 'same-origin' });
      const text = await r.text();
      return { status: r.status, type: r.headers.get('content-type'), text };
    }, await link.getAttribute('href'));
    assert.equal(got.status, 200, `${format} download`);
    assert.match(got.type || '', type);
    if (format === 'csv') assert.match(got.text, new RegExp(doomed.connect_id));
  }
  await noLeaks(page);
  await checkA11y(page, 'retention page with a destruction record');
  await screenshot(page, 'retention-records.png');

  await goHome(page);
  const after = (await nfcAdmin.req('GET', '/api/retention/due')).json.items.length;
  assert.equal(await counterValue(page, 'retention_due'), after, 'the counter follows the run');
  assertClean();
  await context.close();
});
