// NINo batches in the SPA, on the demo data (three batches: one waiting to be downloaded, one due and
// one overdue). A designated user of the NINo partner (nino.user) opens "NINo batches", downloads the
// waiting batch (an OFFICIAL-SENSITIVE workbook; the download is the receipt, so its clock starts),
// sends results with a bad NINo (every bad row listed, nothing recorded), then the corrected file
// (recorded, the batch completed). The Home Office sees the list without files; a partner user who is
// not designated has no such page. Then, 15 months on (the test clock), the batches are destroyed and
// the Home Office admin's Retention page lists their destruction records. checkA11y on each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack } from '../lib/stack.mjs';
import { actor } from '../lib/alerts.mjs';
import { dumpXlsx } from '../lib/reports.mjs';
import { checkA11y, status, waitForHeading, waitForText } from './helpers.mjs';
import { pageFor } from './work.mjs';

let stack; let browser;
before(async () => {
  stack = await startStack({ clock: true });
  const { launch } = await import('./helpers.mjs');
  browser = await launch();
});
after(async () => { await browser?.close(); await stack?.stop(); });

test('the NINo partner downloads a batch and sends its results; the HO sees the clock; others have no page', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'nino.user');
  // The home page counts the partner's batches: the demo's overdue one among them.
  await waitForText(page.locator('#nino-home-counters'), 'Results overdue');
  assert.equal((await page.locator('#counter-nino_overdue .counter__value').textContent()).trim(), '1');
  await checkA11y(page, 'home (NINo partner)');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'NINo batches' }).click();
  await waitForHeading(page, 'NINo batches');
  await waitForText(page.locator('#protective-marking'), 'OFFICIAL-SENSITIVE');
  const rows = page.locator('#nino-batches tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 3, 'the demo\'s three batches');
  await waitForText(page.locator('#nino-batches'), /overdue/i);
  await checkA11y(page, 'NINo batches (partner)');

  // Download the batch that is waiting: the file is marked, and the batch is now received.
  const waiting = rows.filter({ hasText: /not downloaded yet/i });
  assert.equal(await waiting.count(), 1);
  const number = (await waiting.locator('th').textContent()).trim();
  const batchId = await waiting.getAttribute('data-batch-id');
  const [download] = await Promise.all([page.waitForEvent('download'), waiting.getByRole('link', { name: `Download ${number}` }).click()]);
  assert.match(download.suggestedFilename(), /^OFFICIAL-SENSITIVE_NINo_batch_NINO-\d+_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const sheet = dumpXlsx(readFileSync(await download.path())).sheets[0];
  assert.match(sheet.page_header, /OFFICIAL-SENSITIVE/);
  const people = sheet.rows.slice(1).map((r) => [r[0], r[1]]);
  assert.ok(people.length >= 2, `people in the batch: ${JSON.stringify(people)}`);
  await waitForText(page.locator('#nino-batches tbody tr').filter({ hasText: number }), /waiting for results/i);

  // Results with a bad NINo: nothing is recorded and the bad row is named.
  const csv = (ninos) => Buffer.from(['connect_id,person,outcome,nino,reason',
    ...people.map(([cid, p], i) => (i === 0 ? `${cid},${p},unconfirmed,,No trace under this name.` : `${cid},${p},allocated,${ninos[i]},`))].join('\r\n'));
  const bad = people.map(() => 'QQ123456C');
  const good = people.map((_, i) => `AB${String(100000 + i)}C`);
  const form = page.locator('#nino-upload-form');
  await form.getByLabel('Batch').selectOption(batchId);
  await form.getByLabel('Results file (Excel or CSV)').setInputFiles({ name: 'results.csv', mimeType: 'text/csv', buffer: csv(bad) });
  await form.getByRole('button', { name: 'Send the results' }).click();
  await waitForText(page.locator('#nino-bad-heading'), 'Nothing was recorded');
  await waitForText(page.locator('#nino-errors'), 'HMRC never issues');
  await checkA11y(page, 'NINo results refused');

  // The corrected file is recorded.
  await page.locator('#nino-upload-form').getByLabel('Batch').selectOption(batchId);
  await page.locator('#nino-upload-form').getByLabel('Results file (Excel or CSV)').setInputFiles({ name: 'results.csv', mimeType: 'text/csv', buffer: csv(good) });
  await page.locator('#nino-upload-form').getByRole('button', { name: 'Send the results' }).click();
  await waitForText(status(page), `Results recorded for ${number}`);
  await waitForText(page.locator('#nino-batches tbody tr').filter({ hasText: number }), /results received/i);
  await checkA11y(page, 'NINo results recorded');
  assertClean();

  // The Home Office: the list and its clock, no files.
  const { page: ho, assertClean: hoClean } = await pageFor(browser, stack.base, 'ho.user');
  await ho.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'NINo batches' }).click();
  await waitForHeading(ho, 'NINo batches');
  await ho.locator('#nino-batches tbody tr').first().waitFor();
  assert.equal(await ho.locator('.nino-download').count(), 0, 'no download for the HO');
  assert.equal(await ho.locator('#nino-upload-form').count(), 0, 'no upload for the HO');
  await checkA11y(ho, 'NINo batches (HO)');
  hoClean();

  // A partner user who is not designated: no link, and the page says it is not available.
  const { page: clerk, assertClean: clerkClean } = await pageFor(browser, stack.base, 'nino.clerk');
  assert.equal(await clerk.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'NINo batches' }).isVisible(), false);
  await clerk.goto(`${stack.base}/#/nino`);
  await waitForHeading(clerk, 'NINo batches are not available');
  clerkClean();
});

test('15 months on, the destroyed batches are on the Home Office admin\'s Retention page, not on a council\'s', async () => {
  stack.setClockOffset(456 * 86400); // the scheduler destroys every batch cut 14 months before
  const api = await actor(stack.base, 'ho.admin'); // signs in again after the jump
  const deadline = Date.now() + 30000;
  let records = [];
  for (;;) {
    const r = await api.req('GET', '/api/destructions?limit=100');
    assert.equal(r.status, 200, r.text);
    records = r.json.items.filter((d) => d.kind === 'nino_batch');
    if (records.length >= 3 || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(records.length, 3, 'the demo\'s three batches were destroyed');

  const { page, assertClean } = await pageFor(browser, stack.base, 'ho.admin');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retention' }).click();
  await waitForHeading(page, 'Retention');
  await waitForText(page.locator('#retention-ho-intro'), 'NINo batches');
  const rows = page.locator('#destructions-table tbody tr[data-kind="nino_batch"]');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 3);
  const first = rows.filter({ hasText: records[0].number });
  await waitForText(first, /NINo batch[\s\S]*Every council[\s\S]*14 months after its cut/);
  await waitForText(first, `${records[0].counts.people} ${records[0].counts.people === 1 ? 'person' : 'people'}`);
  assert.equal(await page.locator('#retention-policy, #retention-due-section').count(), 0, 'no policy or due list for the Home Office');
  await checkA11y(page, 'Retention (HO admin, destruction records)');
  assertClean();

  const { page: council, assertClean: councilClean } = await pageFor(browser, stack.base, 'nfc.admin');
  await council.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retention' }).click();
  await waitForHeading(council, 'Retention');
  await council.locator('#destruction-records').waitFor();
  assert.equal(await council.locator('#destructions-table tbody tr[data-kind="nino_batch"]').count(), 0, 'a batch belongs to no council');
  councilClean();
});
