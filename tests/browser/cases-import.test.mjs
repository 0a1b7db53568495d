// A council admin imports a caseload from a CSV file in the browser: the created cases' Connect IDs,
// a bad row shown by its line with nothing created, and rows that look like open cases answered
// with "These are different people – import anyway". Only a council's admins see the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, Client } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, heading, waitForText, waitForHeading, screenshot, noLeaks,
} from './helpers.mjs';

let stack; let browser; let dir; let admin;

before(async () => {
  stack = await startStack();
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'connect-import-'));
  admin = new Client(stack.base);
  assert.equal((await admin.login('nfc.admin')).status, 200);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function pageFor(username) {
  const p = await newPage(browser);
  await signIn(p.page, stack.base, username);
  await waitForHeading(p.page, /^Welcome, /);
  return p;
}

async function caseTotal() {
  const r = await admin.req('GET', '/api/cases?limit=1');
  assert.equal(r.status, 200, r.text);
  return r.json.total;
}

const HEADER = 'given_names,family_name,date_of_birth,nationality,household_type,legislation,gender,address';
const PEOPLE = [
  ['Oluwaseun', 'Adeyemi-Brooks', '1961-03-14', 'Nigerian', 'single_adult', 'care_act_2014', 'male', '"4 Mill Lane, Northfield"'],
  ['Thi Lan', 'Vuong', '1975-08-30', 'Vietnamese', 'lone_parent_family', 'children_act_s17', 'female', ''],
  ['Bekim', 'Shkodrani', '1969-12-01', 'Albanian', 'couple', 'care_act_2014', '', ''],
];
function csvFile(name, rows, header = HEADER) {
  const path = join(dir, name);
  writeFileSync(path, `${[header, ...rows.map((r) => r.join(','))].join('\r\n')}\r\n`);
  return path;
}

async function openImport(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases', exact: true }).click();
  await waitForHeading(page, 'Cases');
  await page.getByRole('link', { name: 'Import a caseload (CSV)' }).click();
  await waitForHeading(page, 'Import a caseload');
}

async function upload(page, path) {
  await page.getByLabel('Caseload file (CSV)').setInputFiles(path);
  await page.getByRole('button', { name: 'Import the cases' }).click();
  await page.locator('#import-result, #import-form .error-summary').first().waitFor();
}

test('only a council admin imports a caseload', async () => {
  for (const [who, title] of [['nfc.user', 'Importing a caseload is not available'], ['ho.admin', 'Importing a caseload is not available'], ['net.admin', 'Importing a caseload is not available']]) {
    const { page, assertClean } = await pageFor(who);
    if (who !== 'net.admin') {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases', exact: true }).click();
      await waitForHeading(page, 'Cases');
      assert.equal(await page.getByRole('link', { name: 'Import a caseload (CSV)' }).count(), 0, who);
    }
    await page.goto(`${stack.base}/#/cases/import`);
    await waitForHeading(page, title);
    assert.equal(await page.locator('#import-form').count(), 0, who);
    assertClean();
    await page.context().close();
  }
});

test('council admin imports three cases: their Connect IDs, the service level, and the cases exist', async () => {
  const { page, assertClean } = await pageFor('nfc.admin');
  await openImport(page);
  // The columns are explained, required ones first.
  const columns = await page.locator('#import-columns tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
  assert.deepEqual(columns.slice(0, 6), [['given_names', 'Yes'], ['family_name', 'Yes'], ['date_of_birth', 'Yes'], ['nationality', 'Yes'], ['household_type', 'Yes'], ['legislation', 'Yes']]);
  assert.ok(columns.some(([c, r]) => c === 'ho_reference' && r === 'No'));
  await waitForText(page.locator('#import-columns'), 'single_adult (Single adult)');

  // No file chosen.
  await page.getByRole('button', { name: 'Import the cases' }).click();
  await waitForText(page.locator('#import-form .error-summary'), 'Choose the CSV file to import');
  assert.equal(await page.getByLabel('Caseload file (CSV)').getAttribute('aria-invalid'), 'true');

  const before_ = await caseTotal();
  await upload(page, csvFile('three.csv', PEOPLE));
  await waitForText(page.locator('#import-result'), '3 cases imported');
  assert.equal(await page.locator('#import-result-heading').evaluate((el) => el === document.activeElement), true);
  const links = await page.locator('#imported-cases a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  assert.equal(links.length, 3);
  for (const [text, href] of links) {
    assert.match(text, /^C\d+$/);
    assert.equal(href, `#/cases/${text.slice(1)}`);
  }
  // The council had cases already, so the usual 5 working days apply, with the alerts' due date.
  const level = await page.locator('#import-service-level').innerText();
  assert.match(level, /The usual service level applied: 5 working days\. The Home Office’s new case alerts for them are due by \d{1,2} [A-Z][a-z]+ \d{4}\./);
  assert.equal(await caseTotal(), before_ + 3);
  await noLeaks(page);
  await screenshot(page, 'cases-import-created.png');

  // Each case exists with the row's person; the first opens from its link.
  for (let i = 0; i < 3; i += 1) {
    const r = await admin.req('GET', `/api/cases/${links[i][0].slice(1)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.principal.family_name, PEOPLE[i][1]);
    assert.equal(r.json.principal.date_of_birth, PEOPLE[i][2]);
    assert.equal(r.json.household_type, PEOPLE[i][4]);
  }
  await page.getByRole('link', { name: links[0][0], exact: true }).click();
  await page.locator('#case-title').waitFor();
  assert.equal(await heading(page).innerText(), `${links[0][0]} Oluwaseun Adeyemi-Brooks`);
  assertClean();
  await page.context().close();
});

test('a file with a bad row: its line is shown and nothing is created', async () => {
  const { page, assertClean } = await pageFor('nfc.admin');
  await openImport(page);
  const before_ = await caseTotal();
  await upload(page, csvFile('bad.csv', [
    ['Ines', 'Carvalho-Dias', '1983-06-11', 'Portuguese', 'single_adult', 'care_act_2014', 'female', ''],
    ['Yared', 'Gebremedhin', '1979-02-30', 'Eritrean', 'single_adult', 'care_act_2014', 'male', ''],
    ['Salma', 'Haddad', '1990-10-10', 'Syrian', 'family', 'poor_law_1601', 'female', ''],
  ]));
  await waitForText(page.locator('#import-result'), 'Nothing was imported');
  const rows = await page.locator('#import-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.deepEqual(rows.map((r) => r.slice(0, 2)), [['Line 3', 'date_of_birth'], ['Line 4', 'legislation']]);
  for (const r of rows) assert.ok(r[2].length > 5, r[2]);
  await waitForText(page.locator('#import-form .error-summary'), '2 rows are not valid: nothing was imported');
  assert.equal(await caseTotal(), before_, 'nothing was created');
  assert.equal(await page.locator('#imported-cases').count(), 0);
  await noLeaks(page);
  await screenshot(page, 'cases-import-errors.png');

  // A file that is not a caseload at all (a missing required column).
  await upload(page, csvFile('header.csv', [['A', 'B', '1980-01-01', 'X']], 'given_names,family_name,date_of_birth,nationality'));
  await waitForText(page.locator('#import-errors'), 'household_type');
  assert.equal(await caseTotal(), before_);
  assertClean();
  await page.context().close();
});

test('rows that look like open cases: the matches, then "These are different people – import anyway"', async () => {
  const { page, assertClean } = await pageFor('nfc.admin');
  await openImport(page);
  const before_ = await caseTotal();
  // Line 2 is new; line 3 is the same person as an imported case (the names' letters swapped).
  const existing = (await admin.req('GET', `/api/cases?q=${encodeURIComponent('Bekim Shkodrani')}`)).json.items[0];
  assert.ok(existing, 'the imported case of Bekim Shkodrani');
  const file = csvFile('dup.csv', [
    ['Mariam', 'Tadesse-Wolde', '1958-04-22', 'Ethiopian', 'single_adult', 'care_act_2014', 'female', ''],
    ['Bekim', 'Shkodarni', '1969-12-01', 'Albanian', 'couple', 'care_act_2014', 'male', ''],
  ]);
  await upload(page, file);
  await waitForText(page.locator('#import-result'), 'Some rows look like cases you already have');
  const items = await page.locator('#import-duplicates li').allTextContents();
  assert.equal(items.length, 1, items.join('\n'));
  assert.match(items[0], new RegExp(`^Line 3: ${existing.connect_id} – Bekim Shkodrani(?: \\(opens in a new tab\\))?, born 1 December 1969`));
  const link = page.locator('#import-duplicates a').first();
  assert.equal(await link.getAttribute('href'), `#/cases/${existing.id}`);
  assert.equal(await caseTotal(), before_, 'nothing imported yet');
  await noLeaks(page);
  await screenshot(page, 'cases-import-duplicates.png');

  await page.getByRole('button', { name: 'These are different people – import anyway' }).click();
  await waitForText(page.locator('#import-result'), '2 cases imported');
  assert.equal(await page.locator('#imported-cases a').count(), 2);
  assert.equal(await caseTotal(), before_ + 2);
  const found = (await admin.req('GET', `/api/cases?q=${encodeURIComponent('Shkodarni')}`)).json.items;
  assert.ok(found.some((c) => c.name === 'Bekim Shkodarni'), JSON.stringify(found));
  assertClean();
  await page.context().close();
});
