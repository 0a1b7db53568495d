// The audit viewer in the browser (fcgi/API.md "Audit"): a council user views a demo case (and has no
// audit tab nor Audit page); the council admin then sees that view on the case's "Who has seen it" tab
// (who by name and organisation, when in UK time with the date), and on the Audit page the chain's
// status, the user and event filters kept in the address, "Next page", the CSV download matching the
// view, and the users page's "Recent activity" link; the Home Office admin has the tab too.
// The browser runs in New York time: the times shown must still be UK time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack, Client } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, waitForHeading, waitForText, noLeaks, screenshot, tab, openTab, panel, checkA11y, userRow,
} from './helpers.mjs';

const TZ = 'America/New_York';
let stack; let browser;
let kase; // a demo case of North Field Council
let tom; // nfc.user (USER)
let admin; // a Client signed in as nfc.admin

before(async () => {
  stack = await startStack();
  browser = await launch();
  const user = new Client(stack.base);
  const r = await user.login('nfc.user');
  assert.equal(r.status, 200, r.text);
  tom = r.json.user;
  const list = await user.req('GET', '/api/cases?limit=5');
  assert.equal(list.status, 200, list.text);
  kase = list.json.items[0];
  assert.ok(kase, 'the demo data has a council case');
  admin = new Client(stack.base);
  assert.equal((await admin.login('nfc.admin')).status, 200);
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** UK time as the page shows it: '1 July 2026, 09:15:09.042' (the milliseconds as stored). */
function ukTime(iso) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit',
    second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map(({ type, value }) => [type, value]));
  return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}:${p.second}${iso.slice(19, 23)}`;
}

/** The admin's audit events for a query string, every page. */
async function events(qs) {
  const out = [];
  let cursor = '';
  for (;;) {
    const r = await admin.req('GET', `/api/audit?${qs}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.items);
    if (!r.json.next_cursor) return out;
    cursor = r.json.next_cursor;
  }
}

/** Waits until the flusher has written at least `n` events for the query (reads are audited in batches). */
async function waitForEvents(qs, n) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const got = await events(qs);
    if (got.length >= n) return got;
    if (Date.now() > deadline) assert.fail(`expected ${n} events for ${qs}, found ${got.length}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** RFC 4180 rows (quoted cells, CRLF). */
function parseCsv(text) {
  const rows = []; let row = []; let cell = ''; let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const mainNav = (page) => page.getByRole('navigation', { name: 'Main' });

test('a council user views a case and has neither the audit tab nor the Audit page', async () => {
  const { page, assertClean, context } = await newPage(browser, { timezoneId: TZ });
  await signIn(page, stack.base, 'nfc.user');
  await waitForHeading(page, `Welcome, ${tom.name}`);
  assert.equal(await mainNav(page).getByRole('link', { name: 'Audit' }).count(), 0, 'no Audit entry for a user');
  await page.goto(`${stack.base}/#/cases/${kase.id}`);
  await page.locator('#case-tabs').waitFor();
  assert.equal(await tab(page, 'Who has seen it').count(), 0, 'no audit tab for a user');
  await page.goto(`${stack.base}/#/audit`);
  await waitForHeading(page, `Welcome, ${tom.name}`); // sent home
  assertClean();
  await context.close();
});

test('the council admin sees the view on the case tab, with who and when', async () => {
  const views = await waitForEvents(`case=C${kase.id}&user=${tom.id}&type=case_viewed`, 1);
  const view = views[0];
  assert.equal(view.actor.name, tom.name);

  const { page, assertClean, context } = await newPage(browser, { timezoneId: TZ });
  await signIn(page, stack.base, 'nfc.admin');
  await waitForHeading(page, /^Welcome, /);
  await page.goto(`${stack.base}/#/cases/${kase.id}`);
  await page.locator('#case-tabs').waitFor();
  await openTab(page, 'Who has seen it', 'audit');
  const p = panel(page, 'audit');
  await waitForText(p.locator('h2').first(), 'Who has seen or changed this case');
  const row = p.locator(`#case-audit-table tbody tr[data-seq="${view.seq}"]`);
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  assert.match(view.at, /\.\d{3}Z$/, 'a new event is stamped to the millisecond');
  assert.equal(cells[0], `${ukTime(view.at)}\nUTC ${view.at}`, 'the time in UK time with the date, and as recorded in UTC');
  assert.match(cells[0], /^\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d:\d\d\.\d{3}\nUTC \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(await row.locator('td time').getAttribute('datetime'), view.at);
  assert.equal(cells[1], `${tom.name}, ${tom.org.name}`, 'who: name and organisation');
  assert.match(cells[2], /^Viewed the case/);
  assert.equal(cells.length, 3, 'no Case column on the case page itself');
  assert.equal(await page.evaluate(() => location.hash), `#/cases/${kase.id}/audit`);
  await noLeaks(page);
  await screenshot(page, 'audit-case-tab.png');
  await checkA11y(page, 'case audit tab');
  assertClean();
  await context.close();
});

test('the Audit page: chain status, filters in the address, next page, CSV, Recent activity', async () => {
  // More than a page (50) of Tom's case views.
  const user = new Client(stack.base);
  assert.equal((await user.login('nfc.user')).status, 200);
  for (let i = 0; i < 55; i += 1) assert.equal((await user.req('GET', `/api/cases/${kase.id}`)).status, 200);
  const qs = `user=${tom.id}&type=case_viewed`;
  await waitForEvents(qs, 56);
  await new Promise((res) => setTimeout(res, 600)); // every flusher has written its batch
  const expected = await events(qs);

  const { page, assertClean, context } = await newPage(browser, { timezoneId: TZ });
  await signIn(page, stack.base, 'nfc.admin');
  await waitForHeading(page, /^Welcome, /);
  await mainNav(page).getByRole('link', { name: 'Audit' }).click();
  await waitForHeading(page, 'Audit');
  await waitForText(page.locator('#audit-chain'), /^The audit log is intact: all \d+ events, up to the latest at \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d:\d\d\.\d{3}, match the chain\.$/);
  await page.locator('#audit-table').waitFor();
  await noLeaks(page);
  await screenshot(page, 'audit-page.png');
  await checkA11y(page, 'audit page');

  // Filter by user and event type: the address keeps them.
  await page.getByLabel('User', { exact: true }).selectOption(String(tom.id));
  await page.getByLabel('Event', { exact: true }).selectOption('case_viewed');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL((u) => u.hash === `#/audit?${qs}`);
  await waitForText(page.locator('#audit-table caption'), `Audit events by ${tom.name}, ${tom.org.name} of type case_viewed`);
  const seqs = async () => page.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.seq)));
  assert.deepEqual(await seqs(), expected.slice(0, 50).map((e) => e.seq));
  for (const who of await page.locator('#audit-table tbody td[data-label="Who"]').allInnerTexts()) assert.equal(who, `${tom.name}, ${tom.org.name}`);
  for (const what of await page.locator('#audit-table tbody td[data-label="What"]').allInnerTexts()) assert.match(what, /^Viewed the case/);
  await screenshot(page, 'audit-page-filtered.png');
  await checkA11y(page, 'audit page, filtered');

  // A reload keeps the filters.
  await page.reload();
  await waitForHeading(page, 'Audit');
  await page.locator('#audit-table').waitFor();
  assert.equal(await page.getByLabel('User', { exact: true }).inputValue(), String(tom.id));
  assert.equal(await page.getByLabel('Event', { exact: true }).inputValue(), 'case_viewed');
  assert.deepEqual(await seqs(), expected.slice(0, 50).map((e) => e.seq));

  // Next page: the rest, the filters still in the address; then back to the first page.
  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL((u) => u.hash.startsWith(`#/audit?${qs}&cursor=`));
  await page.locator(`#audit-table tbody tr:first-child[data-seq="${expected[50].seq}"]`).waitFor();
  assert.deepEqual(await seqs(), expected.slice(50).map((e) => e.seq));
  assert.equal(await page.getByRole('link', { name: 'Next page' }).count(), 0);
  await page.getByRole('link', { name: 'First page' }).click();
  await page.waitForURL((u) => u.hash === `#/audit?${qs}`);

  // The CSV link downloads the whole filtered view.
  await page.locator('#audit-table').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#audit-csv').click()]);
  const body = readFileSync(await download.path(), 'utf8');
  assert.ok(body.startsWith('\uFEFF'), 'UTF-8 with BOM');
  const rows = parseCsv(body.slice(1));
  assert.deepEqual(rows[0], ['Seq', 'Time (UTC)', 'User id', 'User', 'Organisation', 'Event', 'Case', 'Target', 'Request', 'Count']);
  assert.equal(rows.length - 1, expected.length);
  rows.slice(1).forEach((r, i) => {
    const e = expected[i];
    assert.equal(Number(r[0]), e.seq);
    assert.equal(r[2], String(tom.id));
    assert.equal(r[3], tom.name);
    assert.equal(r[4], tom.org.name);
    assert.equal(r[5], 'case_viewed');
    assert.equal(r[6], kase.connect_id);
  });
  assert.match(rows[1][1], new RegExp(`^${expected[0].at.slice(0, 16).replace('T', '[T ]')}`), 'times in UTC');

  // The users page's "Recent activity" opens the Audit page filtered by that user.
  await mainNav(page).getByRole('link', { name: 'User accounts' }).click();
  await waitForHeading(page, 'User accounts');
  await userRow(page, 'nfc.user').locator('[data-action="activity"]').click();
  await page.waitForURL((u) => u.hash === `#/audit?user=${tom.id}`);
  await waitForHeading(page, 'Audit');
  await page.locator('#audit-table').waitFor();
  assert.equal(await page.getByLabel('User', { exact: true }).inputValue(), String(tom.id));
  assert.equal(await page.getByLabel('Event', { exact: true }).inputValue(), '');
  for (const who of await page.locator('#audit-table tbody td[data-label="Who"]').allInnerTexts()) assert.equal(who, `${tom.name}, ${tom.org.name}`);

  // Nothing matches: an empty state, not an empty table.
  await page.getByLabel('Event', { exact: true }).selectOption('case_reopened');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await waitForText(page.locator('#audit-none'), 'No events match these filters.');
  assert.equal(await page.locator('#audit-csv').count(), 0);
  await noLeaks(page);
  assertClean();
  await context.close();
});

test('the Home Office admin has the tab and sees the council user\'s view', async () => {
  const { page, assertClean, context } = await newPage(browser, { timezoneId: TZ });
  await signIn(page, stack.base, 'ho.admin');
  await waitForHeading(page, /^Welcome, /);
  assert.equal(await mainNav(page).getByRole('link', { name: 'Audit' }).count(), 1);
  await page.goto(`${stack.base}/#/cases/${kase.id}/audit`);
  await page.locator('#panel-audit:not([hidden])').waitFor();
  await waitForText(panel(page, 'audit').locator('#case-audit-table'), `${tom.name}, ${tom.org.name}`);
  // More than 50 events: "Show older events" adds the rest below.
  const rows = panel(page, 'audit').locator('#case-audit-table tbody tr');
  assert.equal(await rows.count(), 50);
  await page.getByRole('button', { name: 'Show older events' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#case-audit-table tbody tr').length > 50);
  assert.ok(await page.getByRole('button', { name: 'Show older events' }).isHidden());
  await screenshot(page, 'audit-case-tab-ho.png');
  assertClean();
  await context.close();
});
