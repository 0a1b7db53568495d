// Reports in the browser, against the real stack: performance monitoring on the home page (figures
// and two SVG charts that match GET /api/reports/performance, redrawn when the period or a filter
// changes), the #/reports page (a council admin's xlsx and CSV downloads, the Home Office's and the
// Network's SLA table, nothing for a council user), and a case's referral source and status at
// referral on the case page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack } from '../lib/stack.mjs';
import {
  launch, waitForText, waitForHeading, screenshot, noLeaks, openTab, status, fillDate, dateValue, checkA11y,
} from './helpers.mjs';
import { apiUsers, pageFor, createCase } from './work.mjs';

let stack; let browser; let users;

before(async () => {
  stack = await startStack();
  browser = await launch();
  users = await apiUsers(stack.base, ['nfc.user', 'nfc.admin', 'ho.user', 'ho.admin', 'net.admin']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

const nav = (page) => page.getByRole('navigation', { name: 'Main' });

/** Performance monitoring has its own page under Reports (#/reports/performance). */
async function openPerformance(page) {
  await nav(page).getByRole('link', { name: 'Reports' }).click();
  await waitForHeading(page, 'Reports');
  await page.locator('#reports-performance').click();
  await waitForHeading(page, /^Performance monitoring/);
  await page.locator('#performance-figures').waitFor();
}

/** A local date as [ISO, what a person types]. */
function day(d) {
  const y = d.getFullYear(); const m = d.getMonth() + 1; const dd = d.getDate();
  return [`${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`, `${dd}/${m}/${y}`];
}
const TODAY = day(new Date());
const YEAR_START = day(new Date(new Date().getFullYear(), 0, 1));
const THREE_MONTHS_AGO = day(new Date(new Date().getFullYear(), new Date().getMonth() - 2, 1));
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const longDate = (iso) => { const [y, m, d] = iso.split('-').map(Number); return `${d} ${MONTHS[m - 1]} ${y}`; };

/** What the page shows for a figure (as the app writes it). */
function figureText(key, v) {
  if (key === 'spend_pence') {
    const p = String(v % 100).padStart(2, '0');
    return `£${Math.floor(v / 100).toLocaleString('en-GB')}.${p}`;
  }
  if (key === 'average_days_on_support') {
    return v === null ? 'None ended' : Number(v).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }
  return Number(v).toLocaleString('en-GB');
}

async function apiGet(username, path) {
  const r = await users[username].client.req('GET', path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}

/** The panel shows the figures and the charts of `data` (an API answer). */
async function assertPanelShows(page, data) {
  for (const [key, v] of Object.entries(data.figures)) {
    assert.equal((await page.locator(`#figure-${key} .figure__value`).innerText()).trim(), figureText(key, v), key);
  }
  // (a) open supported per month: one bar per month, with its value.
  const svg = page.locator('#chart-open-supported svg');
  assert.equal(await svg.getAttribute('role'), 'img');
  const labelled = (await svg.getAttribute('aria-labelledby')).split(' ');
  assert.equal(await page.locator(`[id="${labelled[0]}"]`).evaluate((t) => t.tagName.toLowerCase()), 'title');
  assert.equal((await page.locator(`[id="${labelled[0]}"]`).textContent()).trim(), 'Open supported cases per month');
  const bars = await svg.locator('rect.chart__bar').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
  assert.deepEqual(bars, data.open_supported_by_month.map((m) => m.open_supported));
  assert.ok(bars.length >= 1);
  // Every bar is drawn to scale: a taller bar for a bigger number.
  const heights = await svg.locator('rect.chart__bar').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
  const iMax = bars.indexOf(Math.max(...bars));
  assert.equal(Math.max(...heights), heights[iMax]);
  // The same numbers in the table behind "the numbers as a table".
  const rows = await page.locator('#chart-open-supported-table tbody tr td').allTextContents(); // inside a closed <details>
  assert.deepEqual(rows.map((t) => Number(t.replace(/,/g, ''))), bars);
  // (b) closures by reason: every reason (the API's order), a bar each; with none in the period, a
  // sentence says so instead of ten empty bars.
  if (data.figures.closures === 0) {
    await waitForText(page.locator('#chart-closures-none'), 'No closures in this period.');
    assert.equal(await page.locator('#chart-closures svg').count(), 0);
    return;
  }
  const closures = page.locator('#chart-closures svg');
  assert.equal(await closures.getAttribute('role'), 'img');
  assert.match(await closures.locator('title').first().textContent(), /Closures by reason/);
  const cbars = await closures.locator('rect.chart__bar').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
  assert.deepEqual(cbars, data.closures_by_reason.map((r) => r.count));
  assert.equal(cbars.length, 10);
  assert.equal(cbars.reduce((a, b) => a + b, 0), data.figures.closures);
  const crows = await page.locator('#chart-closures-table tbody tr td').allTextContents();
  assert.deepEqual(crows.map((t) => Number(t.replace(/,/g, ''))), cbars);
}

test('council user: the performance panel shows the API\'s figures and charts, and follows the period and filters', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await openPerformance(page);
  const all = await apiGet('nfc.user', '/api/reports/performance');
  await assertPanelShows(page, all);
  await waitForText(page.locator('#performance-period'), `${longDate(all.from)} to ${longDate(all.to)}`);
  assert.equal(all.open_supported_by_month.length, 12, 'the default period is twelve months');
  // The council's filters: team, caseworker (the user themself) and legislation; no council.
  const form = page.locator('#performance-form');
  assert.equal(await form.locator('[name="team"]').count(), 1);
  assert.equal(await form.locator('select[name="caseworker"]').count(), 1);
  assert.equal(await form.locator('select[name="legislation"]').count(), 1);
  assert.equal(await form.locator('[name="council"]').count(), 0);
  await noLeaks(page);
  await page.locator('#chart-open-supported-data summary').click();
  await screenshot(page, 'home-performance-council.png');

  // A shorter period and one legislation: the panel is redrawn in place with the new answer.
  await fillDate(form, 'from', THREE_MONTHS_AGO[1]);
  await fillDate(form, 'to', TODAY[1]);
  await form.locator('[name="legislation"]').selectOption('care_act_2014');
  await form.locator('#performance-apply').click();
  await waitForText(page.locator('#performance-period'), `${longDate(THREE_MONTHS_AGO[0])} to ${longDate(TODAY[0])}`);
  await waitForText(page.locator('#performance-period'), 'Care Act 2014');
  const narrowed = await apiGet('nfc.user', `/api/reports/performance?from=${THREE_MONTHS_AGO[0]}&to=${TODAY[0]}&legislation=care_act_2014`);
  assert.equal(narrowed.open_supported_by_month.length, 3);
  await assertPanelShows(page, narrowed);
  assert.match(page.url(), /#\/reports\/performance\?.*legislation=care_act_2014/);
  assert.match(page.url(), new RegExp(`from=${THREE_MONTHS_AGO[0]}`));
  await waitForText(page.locator('#performance-status'), 'Figures updated');

  // The caseworker filter (a council user can choose themself).
  await form.locator('[name="caseworker"]').selectOption(String(users['nfc.user'].user.id));
  await form.locator('#performance-apply').click();
  await waitForText(page.locator('#performance-period'), 'caseworker Tom Hughes');
  const mine = await apiGet('nfc.user', `/api/reports/performance?from=${THREE_MONTHS_AGO[0]}&to=${TODAY[0]}&legislation=care_act_2014&caseworker=${users['nfc.user'].user.id}`);
  await assertPanelShows(page, mine);

  // A reload keeps the period and filters (they are in the address).
  await page.reload();
  await waitForHeading(page, 'Performance monitoring');
  await page.locator('#performance-figures').waitFor();
  assert.equal(await form.locator('[name="legislation"]').inputValue(), 'care_act_2014');
  assert.equal(await dateValue(form, 'from'), THREE_MONTHS_AGO[0].split('-').reverse().join('/'));
  await assertPanelShows(page, mine);

  // A period the browser takes but the server refuses (more than 20 years): the server's 422 lands on the field.
  await fillDate(form, 'from', '1/1/2000');
  const refused = page.waitForResponse((r) => r.url().includes('/api/reports/performance?'));
  await form.locator('#performance-apply').click();
  assert.equal((await refused).status(), 422);
  await waitForText(form.locator('.error-summary'), '20 years');
  assert.equal(await form.locator('[name="from.day"]').getAttribute('aria-invalid'), 'true');
  await waitForText(form.locator('[data-field="from"] .field-error'), '20 years');
  // Before 1900: said in the browser, as the server would.
  await fillDate(form, 'from', '1/1/1850');
  await form.locator('#performance-apply').click();
  await waitForText(form.locator('.error-summary'), 'The start of the period must be between 1900 and 2100');
  // Not a date at all: said before anything is sent.
  await fillDate(form, 'from', '31/02/2026');
  await form.locator('#performance-apply').click();
  await waitForText(form.locator('.error-summary'), 'The start of the period must be a real date');
  // Back to the default period.
  await fillDate(form, 'from', '');
  await fillDate(form, 'to', '');
  await form.locator('[name="legislation"]').selectOption('');
  await form.locator('[name="caseworker"]').selectOption('');
  await form.locator('#performance-apply').click();
  await waitForText(page.locator('#performance-period'), `${longDate(all.from)} to ${longDate(all.to)}`);
  assert.equal(await form.locator('.error-summary').count(), 0);
  await assertPanelShows(page, await apiGet('nfc.user', '/api/reports/performance'));

  // (e) A council user's Reports page is performance monitoring only: no downloads, no period form.
  await nav(page).getByRole('link', { name: 'Reports' }).click();
  await waitForHeading(page, 'Reports');
  await page.locator('#reports-performance').waitFor();
  assert.equal(await page.locator('#page a[download], #reports-form').count(), 0);
  const r = await users['nfc.user'].client.req('GET', `/api/reports/finance?from=${YEAR_START[0]}&to=${TODAY[0]}`);
  assert.equal(r.status, 403);
  assertClean();
  await page.context().close();
});

/** Click a download link; the file's bytes and its suggested name. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const path = await dl.path();
  assert.ok(path, `${selector} downloaded`);
  return { bytes: readFileSync(path), name: dl.suggestedFilename() };
}

test('council admin: #/reports downloads the finance report as xlsx and CSV, and the others', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.admin');
  await nav(page).getByRole('link', { name: 'Reports' }).click();
  await waitForHeading(page, 'Reports');
  const form = page.locator('#reports-form');
  assert.equal(await form.locator('[name="council"]').count(), 0);
  assert.equal(await page.locator('#report-sla').count(), 0);

  // The page opens on the financial year so far (caseworker-day.test.mjs); both dates are required, and
  // the errors are linked to their fields.
  await page.locator('#downloads-table').waitFor();
  await fillDate(form, 'from', '');
  await fillDate(form, 'to', '');
  await form.locator('#reports-submit').click();
  await waitForText(form.locator('.error-summary'), 'Enter the start of the period');
  assert.equal(await form.locator('[name="from.day"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.locator('[name="to.day"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#downloads-table a[download]').count(), 0);
  await fillDate(form, 'from', TODAY[1]);
  await fillDate(form, 'to', YEAR_START[1]);
  await form.locator('#reports-submit').click();
  if (TODAY[0] !== YEAR_START[0]) await waitForText(form.locator('.error-summary'), 'The end of the period must be the same as or after its start');

  await fillDate(form, 'from', YEAR_START[1]);
  await fillDate(form, 'to', TODAY[1]);
  await form.locator('#reports-submit').click();
  await page.locator('#downloads-table').waitFor();
  assert.equal(await form.locator('.error-summary').count(), 0);
  await waitForText(page.locator('#downloads-period'), `${longDate(YEAR_START[0])} to ${longDate(TODAY[0])}`);
  assert.match(page.url(), new RegExp(`#/reports\\?from=${YEAR_START[0]}&to=${TODAY[0]}$`));
  assert.equal(await page.locator('#download-finance-xlsx').getAttribute('href'),
    `/api/reports/finance?from=${YEAR_START[0]}&to=${TODAY[0]}&format=xlsx`);
  await noLeaks(page);
  await screenshot(page, 'reports-council-admin.png');

  const xlsx = await download(page, '#download-finance-xlsx');
  assert.ok(xlsx.bytes.length > 100, `xlsx of ${xlsx.bytes.length} bytes`);
  assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx file is a ZIP');
  assert.equal(xlsx.name, `connect-finance-${YEAR_START[0]}-to-${TODAY[0]}.xlsx`);

  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  const csv = await download(page, '#download-finance-csv');
  assert.deepEqual(csv.bytes.subarray(0, 3), BOM, 'the CSV starts with the UTF-8 byte order mark');
  assert.ok(csv.bytes.subarray(3).toString('utf8').startsWith('Connect ID,'), csv.bytes.subarray(0, 80).toString('utf8'));
  assert.equal(csv.name, `connect-finance-${YEAR_START[0]}-to-${TODAY[0]}.csv`);
  assert.match(csv.bytes.toString('utf8'), /\r\n/);

  const summary = await download(page, '#download-finance-summary-csv');
  assert.deepEqual(summary.bytes.subarray(0, 3), BOM);
  assert.ok(summary.bytes.subarray(3).toString('utf8').startsWith('Council,Team,Legislation,'), summary.bytes.subarray(0, 80).toString('utf8'));
  assert.match(summary.name, /^connect-finance-summary-/);

  const referrals = await download(page, '#download-referrals-csv');
  assert.ok(referrals.bytes.subarray(3).toString('utf8').startsWith('Connect ID,Council,Referral date,'));
  const resolution = await download(page, '#download-resolution-xlsx');
  assert.equal(resolution.bytes.subarray(0, 2).toString('latin1'), 'PK');

  // A reload keeps the period.
  await page.reload();
  await waitForHeading(page, 'Reports');
  await page.locator('#downloads-table').waitFor();
  assert.equal(await dateValue(form, 'from'), YEAR_START[0].split('-').reverse().join('/'));
  assertClean();
  await page.context().close();
});

test('Home Office user: the SLA table matches the API, with a council filter and no downloads', async () => {
  // Something answered today: the council asks about a new case and the HO answers, the council
  // answers back, and the HO checks the status (which clears the new case alert).
  const kase = await createCase(users, 'nfc.user');
  const asked = await users['nfc.user'].client.req('POST', `/api/cases/${kase.id}/queries`, { body: { category: 'other', message: 'Is there any news?', urgent: false } });
  assert.equal(asked.status, 201, asked.text);
  for (const [who, message] of [['ho.user', 'We are looking at it.'], ['nfc.user', 'Thank you.']]) {
    const r = await users[who].client.req('POST', `/api/queries/${asked.json.id}/messages`, { body: { message } });
    assert.equal(r.status, 201, r.text);
  }
  const im = await users['ho.user'].client.req('PUT', `/api/cases/${kase.id}/immigration`, {
    body: { status: 'asylum_claim_recorded', recourse_to_public_funds: false, outstanding_application: false, appeal: false, judicial_review: false },
  });
  assert.equal(im.status, 200, im.text);

  const { page, assertClean } = await pageFor(browser, stack.base, 'ho.user');
  await openPerformance(page);
  // The Home Office's panel: council, team and legislation; no caseworker.
  const pform = page.locator('#performance-form');
  assert.equal(await pform.locator('select[name="council"]').count(), 1);
  assert.equal(await pform.locator('[name="caseworker"]').count(), 0);
  // Every council is offered (GET /api/orgs), not only those with something due on the home page:
  // a council the Network has just added has nothing due and is still there.
  const added = await users['net.admin'].client.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Quiet Vale Council', code: 'QVC' } });
  assert.equal(added.status, 201, added.text);
  await page.reload();
  await pform.locator('select[name="council"]').waitFor();
  const councils = (await apiGet('ho.user', '/api/orgs?limit=500')).items.filter((o) => o.kind === 'council');
  assert.ok(councils.length >= 3);
  const offered = await pform.locator('select[name="council"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(offered.sort(), councils.map((c) => String(c.id)).sort(), 'the council filter lists every council');
  assert.ok(offered.includes(String(added.json.id)), 'including one with nothing due');
  await assertPanelShows(page, await apiGet('ho.user', '/api/reports/performance'));
  const nfc = users['nfc.user'].user.org;
  await pform.locator('[name="council"]').selectOption(String(nfc.id));
  await pform.locator('#performance-apply').click();
  await waitForText(page.locator('#performance-period'), nfc.name);
  await assertPanelShows(page, await apiGet('ho.user', `/api/reports/performance?council=${nfc.id}`));

  await nav(page).getByRole('link', { name: 'Reports' }).click();
  await waitForHeading(page, 'Reports');
  const form = page.locator('#reports-form');
  await fillDate(form, 'from', YEAR_START[1]);
  await fillDate(form, 'to', TODAY[1]);
  await form.locator('#reports-submit').click();
  await page.locator('#sla-table, #sla-none').first().waitFor();
  assert.equal(await page.locator('#report-downloads, #download-finance-xlsx').count(), 0, 'an HO user has no finance downloads');
  const sla = await apiGet('ho.user', `/api/reports/sla?from=${YEAR_START[0]}&to=${TODAY[0]}`);
  assert.ok(sla.rows.length >= 1, JSON.stringify(sla));
  const headers = await page.locator('#sla-table thead th').allInnerTexts();
  assert.deepEqual(headers.map((t) => t.replace(/\s+/g, ' ').trim()), ['Quarter', 'Type', 'Answered by', 'Count', 'Within service level', '% within', 'Median working days', '90th percentile working days']);
  const rows = page.locator('#sla-table tbody tr');
  assert.equal(await rows.count(), sla.rows.length);
  const TYPE_WORDS = { new_case: 'New case alert', council_update: 'Council update alert', case_closed: 'Case closed alert', final_outcome: 'Final outcome', query: 'Query', urgent_query: 'Urgent query', disclosure_request: 'Disclosure request', nino_batch: 'NINo batch' };
  const SIDE_WORDS = { ho: 'Home Office', council: 'Council', partner: 'NINo partner' };
  for (let i = 0; i < sla.rows.length; i += 1) {
    const want = sla.rows[i];
    const cells = (await rows.nth(i).locator('td').allInnerTexts()).map((t) => t.trim());
    assert.match(cells[0], new RegExp(`^Q${want.quarter.slice(-1)} ${want.quarter.slice(0, 4)}`));
    assert.equal(cells[1], TYPE_WORDS[want.type]);
    assert.equal(cells[2], SIDE_WORDS[want.answered_by]);
    assert.deepEqual(cells.slice(3), [String(want.count), String(want.within), `${Number(want.percent_within).toFixed(1)}%`, String(want.median_days), String(want.p90_days)]);
  }
  for (const [type, side] of [['new_case', 'ho'], ['query', 'ho'], ['query', 'council']]) {
    assert.ok(sla.rows.some((r) => r.type === type && r.answered_by === side), `${type} answered by ${side} is counted: ${JSON.stringify(sla.rows)}`);
  }
  // The NINo batches waiting for results now (the demo's partner has some), as the API counts them.
  assert.ok(sla.nino_open, `the HO's report counts open NINo batches: ${JSON.stringify(sla.nino_open)}`);
  const batches = (n) => `${n} ${n === 1 ? 'batch' : 'batches'}`;
  await waitForText(page.locator('#sla-nino-open-heading'), 'NINo batches waiting for results now');
  assert.equal((await page.locator('#sla-nino-due').innerText()).trim(), batches(sla.nino_open.due));
  assert.equal((await page.locator('#sla-nino-overdue').innerText()).trim(), batches(sla.nino_open.overdue));
  await checkA11y(page, 'reports with the SLA table and open NINo batches');
  await noLeaks(page);
  await screenshot(page, 'reports-sla-ho.png');
  assert.equal(await page.locator('#download-sla-csv').getAttribute('href'), `/api/reports/sla?from=${YEAR_START[0]}&to=${TODAY[0]}&format=csv`);
  const csv = await download(page, '#download-sla-csv');
  assert.ok(csv.bytes.subarray(3).toString('utf8').startsWith('Quarter,Type,Answered by,Count,'), csv.bytes.subarray(0, 60).toString('utf8'));

  // One council only.
  await form.locator('[name="council"]').selectOption(String(nfc.id));
  await form.locator('#reports-submit').click();
  await waitForText(page.locator('#sla-table caption, #report-sla'), nfc.name);
  const one = await apiGet('ho.user', `/api/reports/sla?from=${YEAR_START[0]}&to=${TODAY[0]}&council=${nfc.id}`);
  await page.locator('#sla-table, #sla-none').first().waitFor();
  assert.equal(await page.locator('#sla-table tbody tr').count(), one.rows.length);
  assert.equal(await page.locator('#sla-nino-open').count(), 0, 'no NINo batches in a report narrowed to a council');
  assert.match(page.url(), new RegExp(`council=${nfc.id}`));
  assertClean();
  await page.context().close();

  // A Home Office admin has the downloads too (every council, or the one chosen).
  const admin = await pageFor(browser, stack.base, 'ho.admin');
  await admin.page.goto(`${stack.base}/#/reports?from=${YEAR_START[0]}&to=${TODAY[0]}&council=${nfc.id}`);
  await admin.page.locator('#downloads-table').waitFor();
  await admin.page.locator('#sla-table, #sla-none').first().waitFor();
  assert.equal(await admin.page.locator('#download-referrals-xlsx').getAttribute('href'),
    `/api/reports/referrals?from=${YEAR_START[0]}&to=${TODAY[0]}&council=${nfc.id}&format=xlsx`);
  const x = await download(admin.page, '#download-referrals-xlsx');
  assert.equal(x.bytes.subarray(0, 2).toString('latin1'), 'PK');
  admin.assertClean();
  await admin.context.close();
});

test('Network admin: national performance figures with period and legislation only, and the SLA table', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'net.admin');
  await openPerformance(page);
  const form = page.locator('#performance-form');
  assert.equal(await form.locator('[name="team"]').count(), 0);
  assert.equal(await form.locator('[name="caseworker"]').count(), 0);
  assert.equal(await form.locator('[name="council"]').count(), 0);
  assert.equal(await form.locator('[name="from.day"]').count(), 1);
  assert.equal(await form.locator('[name="legislation"]').count(), 1);
  await waitForText(page.locator('#performance-heading'), 'every council');
  await assertPanelShows(page, await apiGet('net.admin', '/api/reports/performance'));
  await form.locator('[name="legislation"]').selectOption('children_act_s17');
  await form.locator('#performance-apply').click();
  await waitForText(page.locator('#performance-period'), 'Children Act 1989 s17');
  await assertPanelShows(page, await apiGet('net.admin', '/api/reports/performance?legislation=children_act_s17'));
  await noLeaks(page);
  await screenshot(page, 'home-performance-network.png');
  // The API refuses the Network a team filter.
  const r = await users['net.admin'].client.req('GET', '/api/reports/performance?team=NRPF%20Team');
  assert.equal(r.status, 403);

  await nav(page).getByRole('link', { name: 'Reports' }).click();
  await waitForHeading(page, 'Reports');
  assert.equal(await page.locator('#reports-form [name="council"]').count(), 0);
  await fillDate(page.locator('#reports-form'), 'from', YEAR_START[1]);
  await fillDate(page.locator('#reports-form'), 'to', TODAY[1]);
  await page.locator('#reports-submit').click();
  await page.locator('#sla-table, #sla-none').first().waitFor();
  const sla = await apiGet('net.admin', `/api/reports/sla?from=${YEAR_START[0]}&to=${TODAY[0]}`);
  assert.equal(await page.locator('#sla-table tbody tr').count(), sla.rows.length);
  assert.equal(await page.locator('#report-downloads').count(), 0);
  assertClean();
  await page.context().close();
});

test('a case created with a referral source shows it; the status at referral shows on the immigration tab', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await page.goto(`${stack.base}/#/cases/new`);
  await waitForHeading(page, 'Create a case');
  const form = page.locator('#case-form');
  const family = `Referral${process.pid % 10000}`;
  await form.locator('[name="principal.given_names"]').fill('Amara');
  await form.locator('[name="principal.family_name"]').fill(family);
  await fillDate(form, 'principal.date_of_birth', '03/05/1979');
  await form.locator('[name="principal.nationality"]').fill('Nigerian');
  await form.locator('[name="legislation"]').selectOption('care_act_2014');
  await form.locator('[name="household_type"]').selectOption('single_adult');
  assert.equal(await form.getByLabel('Referral source (optional)').inputValue(), '');
  await form.getByLabel('Referral source (optional)').selectOption('health');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await form.locator('#create-submit').click();
  const res = await created;
  assert.equal(res.status(), 201, await res.text());
  const kase = await res.json();
  assert.equal(kase.referral_source, 'health');
  assert.equal(kase.status_at_referral, null);
  await waitForText(status(page), `Case ${kase.connect_id} has been created`);
  await waitForText(page.locator('#case-summary'), 'Referral source');
  await waitForText(page.locator('#case-summary'), 'Health service');

  // Changed on the details form.
  await page.locator('#edit-details').click();
  const details = page.locator('#details-form');
  assert.equal(await details.getByLabel('Referral source').inputValue(), 'health');
  await details.getByLabel('Referral source').selectOption('another_council');
  await details.getByRole('button', { name: 'Save details' }).click();
  await waitForText(status(page), 'The case details have been saved');
  await waitForText(page.locator('#case-summary'), 'Another council');

  // Status at referral: not recorded until a status other than "not known" is saved; then fixed.
  await openTab(page, 'Immigration', 'immigration');
  await waitForText(page.locator('#status-at-referral'), 'Not recorded yet');
  await page.locator('#edit-immigration').click();
  const im = page.locator('#immigration-form');
  await im.locator('[name="status"]').selectOption('asylum_claim_recorded');
  await im.locator('#save-immigration').click();
  await waitForText(status(page), 'The immigration page has been saved');
  await waitForText(page.locator('#status-at-referral'), 'Asylum claim recorded');
  await page.locator('#edit-immigration').click();
  await page.locator('#immigration-form [name="status"]').selectOption('asylum_claim_refused');
  await page.locator('#immigration-form #save-immigration').click();
  await waitForText(page.locator('#immigration-summary'), 'Asylum claim refused');
  await waitForText(page.locator('#status-at-referral'), 'Asylum claim recorded');
  await noLeaks(page);
  assertClean();
  await page.context().close();
});
