// The national report in the browser (#/national), for the Network admin, on the known dataset of
// tests/lib/national.mjs: the SVG charts draw the API's figures (households and cost by practice
// area, quarter-end caseloads, households by nation), every section is a table, the downloads are
// links to the API, filters redraw it, axe finds nothing; the users page shows and sets a council's
// nation and region; a council admin is told the page is not for them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STRONG } from '../lib/http.mjs';
import { buildNational } from '../lib/national.mjs';
import { launch, newPage, signIn, waitForHeading, waitForText, checkA11y, screenshot } from './helpers.mjs';

let ds; let browser;
before(async () => {
  ds = await buildNational();
  browser = await launch();
});
after(async () => { await browser?.close(); await ds?.stack.stop(); });

async function pageAs(username) {
  const p = await newPage(browser);
  await signIn(p.page, ds.stack.base, username, STRONG);
  await waitForHeading(p.page, /^Welcome, /);
  return p;
}

const values = (locator) => locator.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-value'))));

test('the Network admin sees the national report\'s charts and tables for 2024-25', async () => {
  const { page, assertClean, context } = await pageAs('net.admin');
  try {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'National report' }).click();
    await waitForHeading(page, 'National report');
    await page.getByLabel('Financial year').selectOption('2024');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await waitForText(page.locator('#national-heading'), '2024–25');
    assert.match(page.url(), /#\/national\?year=2024$/);
    const api = (await ds.u['net.admin'].req('GET', '/api/reports/national?year=2024')).json;
    const sec = (key) => api.sections.find((s) => s.key === key);
    const areas = (key, col) => sec(key).rows.filter((r) => r.breakdown === 'practice_area' && r.name !== 'all').map((r) => r.values[col]);

    // Households by practice area: a bar per area, drawn to scale, named by its title.
    const households = page.locator('#chart-households svg');
    assert.equal(await households.getAttribute('role'), 'img');
    assert.equal((await households.locator('title').first().textContent()).trim(), 'Households supported by practice area');
    assert.deepEqual(await values(households.locator('rect.chart__bar')), areas('households', 'households'));
    assert.deepEqual(areas('households', 'households'), [1, 1, 2, 0]);
    assert.match(await households.locator('desc').textContent(), /4 households were supported in the year/);
    // Cost by practice area (pence in data-value).
    assert.deepEqual(await values(page.locator('#chart-costs rect.chart__bar')), [1095000, 553000, 364500, 0]);
    // Quarter ends: 31 March 2024 to 31 March 2025.
    assert.deepEqual(await values(page.locator('#chart-quarters rect.chart__bar')), [2, 2, 3, 3, 3]);
    // By nation: England, Scotland, Wales, Northern Ireland.
    assert.deepEqual(await values(page.locator('#chart-nations rect.chart__bar')), [2, 1, 1, 0]);
    // Every section is a table; the all-areas row of the costs reads in pounds.
    for (const s of api.sections) assert.equal(await page.locator(`#national-${s.key.replace(/_/g, '-')}-table`).count(), 1, s.key);
    const allCosts = page.locator('#national-costs-table tbody tr[data-name="all"][data-breakdown="practice_area"] td');
    assert.deepEqual((await allCosts.allTextContents()).slice(0, 5), ['£8,510.00', '£11,565.00', '£50.00', '£20,125.00', '£5,031.25']);
    const ho = page.locator('#national-home-office-table tbody tr[data-name="all"] td');
    assert.deepEqual(await ho.allTextContents(), ['3', '2', '66.7%', '2', '1', '50.0%']);
    // Regions with nothing are left out of the tables; the nations are all there.
    assert.deepEqual(await page.locator('#national-households-table tbody tr[data-breakdown="region"]').evaluateAll((rs) => rs.map((r) => r.dataset.name)),
      ['london', 'scotland', 'wales']);
    assert.equal(await page.locator('#download-national-xlsx').getAttribute('href'), '/api/reports/national?year=2024&format=xlsx');
    assert.equal(await page.locator('#download-national-csv').getAttribute('href'), '/api/reports/national?year=2024&format=csv');
    await screenshot(page, 'national-report.png');
    await checkA11y(page, 'national report');

    // A nation: the charts redraw with Scotland's council only.
    await page.getByLabel('Nation (optional)').selectOption('scotland');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await waitForText(page.locator('#national-heading'), 'Scotland');
    assert.deepEqual(await values(page.locator('#chart-households rect.chart__bar')), [0, 0, 1, 0]);
    assert.deepEqual(await values(page.locator('#chart-quarters rect.chart__bar')), [0, 0, 0, 1, 1]);
    assert.match(page.url(), /year=2024&nation=scotland/);
    // A download is a real file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-national-csv').click()]);
    assert.equal(download.suggestedFilename(), 'connect-national-2024-25-scotland.csv');
    assertClean();
  } finally { await context.close(); }
});

test('the users page shows a council\'s nation and region, and the Network admin changes them', async () => {
  const { page, assertClean, context } = await pageAs('net.admin');
  try {
    await page.goto(`${ds.stack.base}/#/users?org=${ds.orgs.S}`);
    await waitForHeading(page, 'User accounts');
    await waitForText(page.locator('#council-place'), 'Scotland · Scotland');
    await page.goto(`${ds.stack.base}/#/users?org=${ds.orgs.E}`);
    await waitForText(page.locator('#council-place'), 'England · London');
    await page.locator('#council-place-form').getByLabel('Region').selectOption('south_east');
    await page.getByRole('button', { name: 'Save where the council is' }).click();
    await waitForText(page.locator('#council-place'), 'England · South East');
    const org = (await ds.u['net.admin'].req('GET', '/api/orgs?limit=100')).json.items.find((o) => o.id === ds.orgs.E);
    assert.deepEqual([org.nation, org.region], ['england', 'south_east']);
    // A region in another nation is refused with the server's message on the form.
    await page.locator('#council-place-form').getByLabel('Nation').selectOption('wales');
    await page.locator('#council-place-form').getByLabel('Region').selectOption('london');
    await page.getByRole('button', { name: 'Save where the council is' }).click();
    await waitForText(page.locator('#council-place-form'), 'The region is not in that nation.');
    // Put it back for the other tests.
    assert.equal((await ds.u['net.admin'].req('PATCH', `/api/orgs/${ds.orgs.E}`, { body: { region: 'london' } })).status, 200);
    await checkA11y(page, 'users page with the council\'s place');
    assertClean();
  } finally { await context.close(); }
});

test('a council admin has no national report', async () => {
  const { page, assertClean, context } = await pageAs('elb.admin');
  try {
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'National report' }).isVisible(), false);
    await page.goto(`${ds.stack.base}/#/national`);
    await waitForHeading(page, 'The national report is not available');
    assertClean();
  } finally { await context.close(); }
});
