// The performance panel's downloads (issue 15 item 7: the FAQ's users "download key performance
// data"): under the figures, CSV and Excel links carry the panel's period and filters, so the file is
// the figures on screen — checked against the API's own CSV for the same filters — and follow a change
// of filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack } from '../lib/stack.mjs';
import { launch, waitForText, checkA11y, fillDate } from './helpers.mjs';
import { apiUsers, pageFor } from './work.mjs';

let stack; let browser; let users;
before(async () => {
  stack = await startStack();
  browser = await launch();
  users = await apiUsers(stack.base, ['nfc.user', 'ho.user']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const path = await dl.path();
  assert.ok(path, `${selector} downloaded`);
  return { bytes: readFileSync(path), name: dl.suggestedFilename() };
}

const hrefQuery = async (page, selector) => new URL(await page.locator(selector).getAttribute('href'), stack.base).searchParams;

test('a council user downloads the figures on screen as CSV and Excel, with the panel\'s filters', async () => {
  const { page, context } = await pageFor(browser, stack.base, 'nfc.user');
  await page.goto(`${stack.base}/#/reports/performance`); // performance monitoring's own page
  const form = page.locator('#performance-form');
  await page.locator('#performance-downloads').waitFor();
  // The default period: the links name the dates the panel shows.
  const shown = await users['nfc.user'].client.req('GET', '/api/reports/performance');
  let q = await hrefQuery(page, '#performance-download-csv');
  assert.equal(q.get('from'), shown.json.from);
  assert.equal(q.get('to'), shown.json.to);
  assert.equal(q.get('format'), 'csv');

  // Filters applied: the links follow them.
  await fillDate(form, 'from', '1/1/2026');
  await form.locator('[name="legislation"]').selectOption('care_act_2014');
  await form.locator('[name="caseworker"]').selectOption(String(users['nfc.user'].user.id));
  await form.locator('#performance-apply').click();
  await waitForText(page.locator('#performance-period'), 'caseworker Tom Hughes');
  q = await hrefQuery(page, '#performance-download-xlsx');
  assert.equal(q.get('from'), '2026-01-01');
  assert.equal(q.get('legislation'), 'care_act_2014');
  assert.equal(q.get('caseworker'), String(users['nfc.user'].user.id));
  assert.equal(q.get('format'), 'xlsx');
  await checkA11y(page, 'performance panel with its downloads', { include: '#performance' });

  const csv = await download(page, '#performance-download-csv');
  assert.match(csv.name, /^connect-performance-2026-01-01-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const qs = new URLSearchParams(await hrefQuery(page, '#performance-download-csv'));
  const viaApi = await users['nfc.user'].client.req('GET', `/api/reports/performance?${qs}`);
  assert.equal(viaApi.status, 200);
  assert.equal(csv.bytes.toString('utf8').replace(/^\uFEFF/, ''), viaApi.text, 'the file is the API\'s CSV for the same filters');
  assert.match(csv.bytes.toString('utf8'), /Figure,Value/);
  const xlsx = await download(page, '#performance-download-xlsx');
  assert.match(xlsx.name, /\.xlsx$/);
  assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx (zip) file');
  await context.close();
});

test('the Home Office\'s links keep its council filter', async () => {
  const { page, context } = await pageFor(browser, stack.base, 'ho.user');
  await page.goto(`${stack.base}/#/reports/performance`); // performance monitoring's own page
  const form = page.locator('#performance-form');
  await page.locator('#performance-downloads').waitFor();
  const council = await form.locator('[name="council"] option').nth(1).getAttribute('value');
  await form.locator('[name="council"]').selectOption(council);
  await form.locator('#performance-apply').click();
  await page.waitForFunction((id) => (document.querySelector('#performance-download-csv')?.getAttribute('href') || '').includes(`council=${id}`), council);
  const csv = await download(page, '#performance-download-csv');
  assert.match(csv.bytes.toString('utf8'), /Figure,Value/);
  await context.close();
});
