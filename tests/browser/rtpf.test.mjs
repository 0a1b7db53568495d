// The RTPF checker in the browser: a look-up that matches leads to a case created from it; no match,
// a wrong date of birth and a bad number say so; the Network has no checker; admins see the look-up
// log; the Home Office admin loads register records from a CSV file that a council then finds; the
// hourly limit is said in words. Runs against the real stack and its demo register.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, Client } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, heading, waitForText, waitForHeading, screenshot, noLeaks, dateValue, fillDate,
} from './helpers.mjs';

const LIMIT = 30; // look-ups per user per hour in this stack
let stack; let browser; let dir;

before(async () => {
  stack = await startStack({ env: { CONNECT_LOOKUP_LIMIT: String(LIMIT) } });
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'connect-rtpf-'));
});
after(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Demo register record i (store/ctl/register_gen.c): document type, number, date of birth and person. */
const TYPES = ['passport', 'national_id', 'brp', 'ukvi_account', 'share_code'];
const GIVEN = ['Amina', 'Kwame', 'Ayesha', 'Rahim', 'Priya', 'Arben', 'Yonas', 'Hodan', 'Tendai', 'Zahra', 'Reza', 'Noor', 'Linh', 'Wei', 'Joao', 'Fatmata'];
const FAMILY = ['Okafor', 'Mensah', 'Khan', 'Rahman', 'Patel', 'Hoxha', 'Haile', 'Warsame', 'Moyo', 'Karimi', 'Hassan', 'Osman', 'Nguyen', 'Wang', 'Silva', 'Kamara'];
const NATIONALITY = ['Nigerian', 'Ghanaian', 'Pakistani', 'Bangladeshi', 'Indian', 'Albanian', 'Eritrean', 'Somali', 'Zimbabwean', 'Iranian', 'Afghan', 'Sudanese', 'Vietnamese', 'Chinese', 'Brazilian', 'Sierra Leonean'];
function genRecord(i) {
  const dob = new Date(Date.UTC(1940, 0, 1) + ((i * 7919) % 25000) * 86400000).toISOString().slice(0, 10);
  return {
    type: TYPES[i % 5], number: `GEN${String(i).padStart(9, '0')}`, dob, uk: dob.split('-').reverse().join('/'),
    given: GIVEN[Math.floor(i / 7) % 16], family: FAMILY[Math.floor(i / 3) % 16], nationality: NATIONALITY[Math.floor(i / 11) % 16],
  };
}

async function pageFor(username) {
  const p = await newPage(browser);
  await signIn(p.page, stack.base, username);
  await waitForHeading(p.page, /^Welcome, /);
  return p;
}

const nav = (page) => page.getByRole('navigation', { name: 'Main' });

async function openChecker(page) {
  await nav(page).getByRole('link', { name: 'RTPF checker' }).click();
  await waitForHeading(page, 'RTPF checker');
}

/** Fill the look-up form (by the labels a person reads) and press Check. */
async function lookUp(page, { type, number, dob }) {
  const form = page.locator('#rtpf-form');
  if (type) await form.getByLabel('Document type').selectOption(type);
  await form.getByLabel('Document number').fill(number);
  await fillDate(form, 'date_of_birth', dob); // the GOV.UK date input: Day, Month, Year
  await form.getByRole('button', { name: 'Check' }).click();
  // The form is busy while the look-up is on its way; wait for the answer to be drawn.
  await page.locator('#rtpf-form:not([aria-busy])').waitFor();
}

/** The look-up's answer, once drawn (a result card, or an error summary). */
async function answer(page) {
  await page.locator('#rtpf-result, #rtpf-form .error-summary').first().waitFor();
  return page.locator('#rtpf-result-area');
}

/** The summary list of the match card as {label: value}. */
async function matchRows(page) {
  return page.locator('#rtpf-match .summary-list__row').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [
    r.querySelector('dt').textContent.trim(), r.querySelector('dd').textContent.trim()])));
}

/** The error shown next to the input labelled `label` (and that it is marked invalid). */
async function fieldError(page, label) {
  // A date field's error marks its Day box (the GOV.UK date input).
  const input = label === 'Date of birth' ? page.locator('#rtpf-form [name="date_of_birth.day"]')
    : page.locator('#rtpf-form').getByLabel(label, { exact: true });
  await page.locator('#rtpf-form .error-summary').waitFor();
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
  const ids = (await input.getAttribute('aria-describedby')).split(' ');
  return page.locator(`[id="${ids.pop()}"]`).innerText();
}

test('council user: a look-up that matches, then "Create a case from this result" fills the form and creates the case', async () => {
  const { page, assertClean } = await pageFor('nfc.user');
  // The checker is in the navigation and on the home page.
  await page.locator('#home-rtpf').waitFor();
  await openChecker(page);
  const rec = genRecord(5); // a passport of Amina Mensah, leave to remain with recourse
  // Typed as a person would: lower case, with spaces.
  await lookUp(page, { type: 'Passport', number: 'gen 000 000 005', dob: rec.uk });
  await waitForText(await answer(page), 'A record matches');
  const rows = await matchRows(page);
  assert.equal(rows.Name, `${rec.given} ${rec.family}`);
  assert.equal(rows['Date of birth'], '17 December 1979');
  assert.equal(rows.Nationality, rec.nationality);
  assert.equal(rows['Immigration status'], 'Leave to remain with recourse to public funds');
  // Leave to 5 June 2026: valid until then, and never "Yes" after it (the plain "expired on" instead).
  const ukToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
  assert.equal(rows['Leave is valid'], ukToday > '2026-06-05' ? 'No: expired on 5 June 2026' : 'Yes');
  assert.equal(rows['Leave expiry'], '5 June 2026');
  assert.equal(rows['Recourse to public funds'], 'Yes');
  // The result heading takes the focus, so it is read out.
  assert.equal(await page.locator('#rtpf-result-heading').evaluate((el) => el === document.activeElement), true);
  // Nothing of the look-up goes into the address (the number is personal data).
  assert.doesNotMatch(page.url(), /GEN|gen|1979/);
  await noLeaks(page);
  await screenshot(page, 'rtpf-match.png');

  await page.getByRole('link', { name: 'Create a case from this result' }).click();
  await waitForHeading(page, 'Create a case');
  const form = page.locator('#case-form');
  await waitForText(page.locator('#prefilled-from-rtpf'), 'filled in from the Home Office status register');
  assert.equal(await form.getByLabel('Given names').first().inputValue(), rec.given);
  assert.equal(await form.getByLabel('Family name').first().inputValue(), rec.family);
  assert.equal(await dateValue(form, 'principal.date_of_birth'), rec.uk);
  assert.equal(await form.getByLabel('Nationality').first().inputValue(), rec.nationality);
  await form.getByLabel('Legislation').selectOption('care_act_2014');
  await form.getByLabel('Household type').selectOption('single_adult');
  await form.locator('#create-submit').click();

  await page.locator('#case-title').waitFor();
  const title = await heading(page).innerText();
  assert.match(title, new RegExp(`^C\\d+ ${rec.given} ${rec.family}$`));
  await waitForText(page.locator('#case-facts'), 'Born 17 December 1979');
  await waitForText(page.locator('#case-facts'), rec.nationality);
  assertClean();
  await page.context().close();
});

test('no match, a wrong date of birth and a bad number: plain words, and a way to create a case', async () => {
  const { page, assertClean } = await pageFor('nfc.user');
  await openChecker(page);

  // Nothing chosen or typed: each field says what it needs, before anything is sent.
  await page.locator('#rtpf-check').click();
  await waitForText(page.locator('#rtpf-form .error-summary'), 'Choose the type of document');
  assert.match(await fieldError(page, 'Document number'), /Enter the document number/);
  assert.match(await fieldError(page, 'Date of birth'), /Enter the date of birth/);

  // A document that is not in the register.
  await lookUp(page, { type: 'Share code', number: 'W7X 9KT 4LQ', dob: '03/04/1990' });
  const area = await answer(page);
  await waitForText(area, 'No record matches this document and date of birth.');
  await noLeaks(page);
  assert.equal(await page.locator('#rtpf-form .error-summary').count(), 0);
  const create = page.getByRole('link', { name: 'Create a case', exact: true });
  assert.match(await create.getAttribute('href'), /^#\/cases\/new\?dob=1990-04-03$/);

  // A real document with another date of birth is no match either.
  const rec = genRecord(10);
  await lookUp(page, { type: 'Passport', number: rec.number, dob: '01/01/1970' });
  await waitForText(page.locator('#rtpf-no-match'), 'No record matches this document and date of birth.');
  assert.equal(await page.locator('#rtpf-match').count(), 0);
  // ... and with the right one it matches.
  await lookUp(page, { type: 'Passport', number: rec.number, dob: rec.uk });
  await waitForText(page.locator('#rtpf-result'), 'A record matches');

  // The server's field errors land next to the field they name.
  await lookUp(page, { type: 'Passport', number: '!!!', dob: rec.uk });
  assert.match(await fieldError(page, 'Document number'), /letters and digits/);
  assert.equal(await page.locator('#rtpf-result').count(), 0, 'the old result is gone');
  await lookUp(page, { type: 'Passport', number: rec.number, dob: '01/01/2999' });
  assert.match(await fieldError(page, 'Date of birth'), /future/);
  assert.equal(await page.locator('#rtpf-form [name="document_number"]').getAttribute('aria-invalid'), null);

  // "Create a case" after no match opens the form with the date of birth.
  await lookUp(page, { type: 'Passport', number: 'ZZ0000001', dob: '03/04/1990' });
  await waitForText(page.locator('#rtpf-no-match'), 'No record matches');
  await page.getByRole('link', { name: 'Create a case', exact: true }).click();
  await waitForHeading(page, 'Create a case');
  assert.equal(await dateValue(page.locator('#case-form'), 'principal.date_of_birth'), '03/04/1990');
  assert.equal(await page.locator('#case-form [name="principal.family_name"]').inputValue(), '');
  assert.equal(await page.locator('#prefilled-from-rtpf').count(), 0);
  assertClean();
  await page.context().close();
});

test('a demo passport of someone with a case: creating from it trips the duplicate check', async () => {
  const ho = new Client(stack.base);
  await ho.login('ho.user');
  const cases = (await ho.req('GET', '/api/cases?limit=500')).json.items
    .filter((c) => c.council.name === 'Northfield City Council' && c.status !== 'closed').sort((a, b) => a.id - b.id);
  const first = cases[0];
  const { page, assertClean } = await pageFor('nfc.user');
  await openChecker(page);
  await lookUp(page, { type: 'Passport', number: 'DEMONFC1', dob: first.date_of_birth.split('-').reverse().join('/') });
  await waitForText(page.locator('#rtpf-result'), 'A record matches');
  assert.equal((await matchRows(page)).Name, first.name);
  await page.getByRole('link', { name: 'Create a case from this result' }).click();
  await waitForHeading(page, 'Create a case');
  await page.locator('#case-form').getByLabel('Legislation').selectOption('care_act_2014');
  await page.locator('#case-form').getByLabel('Household type').selectOption('single_adult');
  await page.locator('#create-submit').click();
  await waitForText(page.locator('#duplicate-panel'), 'This person may already have a case');
  await waitForText(page.locator('#duplicate-matches'), first.connect_id);
  assertClean();
  await page.context().close();
});

test('the Network admin has no RTPF checker', async () => {
  const { page, assertClean } = await pageFor('net.admin');
  assert.equal(await nav(page).getByRole('link', { name: 'RTPF checker' }).count(), 0);
  assert.equal(await page.locator('#home-rtpf').count(), 0);
  for (const [route, title] of [['rtpf/lookups', 'The look-up log is not available'],
    ['rtpf/register', 'The status register is not available'], ['rtpf', 'The RTPF checker is not available']]) {
    await page.goto(`${stack.base}/#/${route}`);
    await waitForHeading(page, title);
  }
  await waitForText(page.locator('#page'), 'The Network does not look people up.');
  assert.equal(await page.locator('#rtpf-form').count(), 0);
  assertClean();
  await page.context().close();
});

test('admins see their organisation’s look-up log; a council user cannot open it', async () => {
  // The council user's look-ups above: a match first (GEN000000005), the same documents again.
  const me = new Client(stack.base);
  const councilUser = (await me.login('nfc.user')).json.user;
  const { page, assertClean } = await pageFor('nfc.admin');
  await openChecker(page);
  await page.getByRole('link', { name: 'The look-up log' }).click();
  await waitForHeading(page, 'Look-up log');
  await waitForText(page.locator('#code-explained'), 'the same document has the same code');
  const rows = await page.locator('#lookups-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  // When, Who, Document type, Matched, Document code; newest first. The council user made 6 look-ups
  // above (the refused ones, a bad number and a future date, are not look-ups).
  assert.equal(rows.length, 6, JSON.stringify(rows));
  for (const r of rows) {
    assert.equal(r[1], councilUser.name);
    assert.match(r[4], /^[0-9a-f]{12}$/);
    assert.match(r[0], /^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}$/);
  }
  assert.deepEqual(rows.at(-1).slice(2, 4), ['Passport', 'Yes'], 'the first look-up (GEN000000005) matched');
  assert.ok(rows.some((r) => r[2] === 'Share code' && r[3] === 'No'));
  // GEN000000010 with a wrong and then the right date of birth: one code, matched No and Yes.
  const byCode = new Map();
  for (const r of rows) byCode.set(r[4], [...(byCode.get(r[4]) || []), r[3]]);
  assert.ok([...byCode.values()].some((m) => m.length === 2 && m.includes('Yes') && m.includes('No')), JSON.stringify(rows));
  await noLeaks(page);
  await screenshot(page, 'rtpf-lookups.png');
  assertClean();
  await page.context().close();

  const user = await pageFor('nfc.user');
  await openChecker(user.page);
  assert.equal(await user.page.getByRole('link', { name: 'The look-up log' }).count(), 0);
  await user.page.goto(`${stack.base}/#/rtpf/lookups`);
  await waitForHeading(user.page, 'The look-up log is not available');
  assert.equal(await user.page.locator('#lookups-table').count(), 0);
  user.assertClean();
  await user.page.context().close();

  // Another organisation's admin does not see them.
  const ho = await pageFor('ho.admin');
  await ho.page.goto(`${stack.base}/#/rtpf/lookups`);
  await waitForHeading(ho.page, 'Look-up log');
  assert.equal(await ho.page.locator('#lookups-table').count(), 0);
  await waitForText(ho.page.locator('#no-lookups'), 'No look-ups yet.');
  ho.assertClean();
  await ho.page.context().close();
});

const HEADER = 'document_type,document_number,date_of_birth,given_names,family_name,nationality,status,leave_valid,leave_expiry,recourse_to_public_funds';

test('the Home Office admin loads register records from a CSV file; a bad row is shown by its line; a council finds the record', async () => {
  const { page, assertClean } = await pageFor('ho.admin');
  await openChecker(page);
  await page.getByRole('link', { name: 'The status register' }).click();
  await waitForHeading(page, 'Status register');
  const before_ = await waitForText(page.locator('#register-count'), /The register holds [\d,]+ records\./);
  const n = Number(/holds ([\d,]+)/.exec(before_)[1].replace(/,/g, ''));
  assert.ok(n >= 300, before_);

  // Choosing no file says so.
  await page.getByRole('button', { name: 'Upload the register' }).click();
  await waitForText(page.locator('#register-form .error-summary'), 'Choose the CSV file to upload');

  const good = join(dir, 'register.csv');
  writeFileSync(good, `${HEADER}\r\npassport,UPL-445 566,1987-05-14,Meseret,Tesfaye,Ethiopian,ltr_nrpf,true,2027-03-31,false\r\n`
    + 'share_code,SC1 234 567,1992-11-02,"Ana Maria",Costa,Portuguese,pre_settled_status,true,,true\r\n');
  await page.getByLabel('Register file (CSV)').setInputFiles(good);
  await page.getByRole('button', { name: 'Upload the register' }).click();
  await waitForText(page.locator('#register-result'), 'The register has been loaded');
  const summary = await page.locator('#register-summary .summary-list__row').evaluateAll((rows) => rows.map((r) => r.textContent.trim()));
  assert.deepEqual(summary, ['Records in the file2', 'New documents added2', 'Existing documents replaced0', `Records in the register now${(n + 2).toLocaleString('en-GB')}`]);
  await waitForText(page.locator('#register-count'), `The register holds ${(n + 2).toLocaleString('en-GB')} records.`);
  assert.equal(await page.locator('#register-form .error-summary').count(), 0);

  // A file with a bad row on line 3: nothing loaded, the line shown.
  const bad = join(dir, 'register-bad.csv');
  writeFileSync(bad, `${HEADER}\npassport,UPL445566,1987-05-14,Meseret,Tesfaye,Ethiopian,ltr_recourse,true,2027-03-31,true\n`
    + 'passport,NEW000001,1990-02-30,Bad,Date,Nowhere,ltr_nrpf,true,,false\n');
  await page.getByLabel('Register file (CSV)').setInputFiles(bad);
  await page.getByRole('button', { name: 'Upload the register' }).click();
  await waitForText(page.locator('#register-result'), 'Nothing was loaded');
  const errRows = await page.locator('#register-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.equal(errRows.length, 1, JSON.stringify(errRows));
  assert.equal(errRows[0][0], 'Line 3');
  assert.equal(errRows[0][1], 'date_of_birth');
  assert.ok(errRows[0][2].length > 5);
  await waitForText(page.locator('#register-form .error-summary'), '1 row is not valid: nothing was loaded');
  await waitForText(page.locator('#register-count'), `The register holds ${(n + 2).toLocaleString('en-GB')} records.`);
  await noLeaks(page);
  await screenshot(page, 'rtpf-register-errors.png');
  assertClean();
  await page.context().close();

  // A council user finds the uploaded record (the first file's, not the refused replacement).
  const council = await pageFor('ebc.user');
  await openChecker(council.page);
  await lookUp(council.page, { type: 'Passport', number: 'upl445566', dob: '14/05/1987' });
  await waitForText(council.page.locator('#rtpf-result'), 'A record matches');
  const rows = await matchRows(council.page);
  assert.equal(rows.Name, 'Meseret Tesfaye');
  assert.equal(rows.Nationality, 'Ethiopian');
  assert.equal(rows['Immigration status'], 'Leave to remain with NRPF condition');
  assert.equal(rows['Leave expiry'], '31 March 2027');
  assert.equal(rows['Recourse to public funds'], 'No');
  await lookUp(council.page, { type: 'Share code', number: 'sc1-234-567', dob: '02/11/1992' });
  await waitForText(council.page.locator('#rtpf-result'), 'Ana Maria Costa');
  await noLeaks(council.page);
  assert.equal((await matchRows(council.page))['Leave expiry'], 'None recorded');
  // A council does not see the register.
  assert.equal(await council.page.getByRole('link', { name: 'The status register' }).count(), 0);
  await council.page.goto(`${stack.base}/#/rtpf/register`);
  await waitForHeading(council.page, 'The status register is not available');
  council.assertClean();
  await council.page.context().close();
});

test('a Home Office user sees the register read-only and looks people up without creating cases', async () => {
  const { page, assertClean } = await pageFor('ho.user');
  await page.goto(`${stack.base}/#/rtpf/register`);
  await waitForHeading(page, 'Status register');
  await waitForText(page.locator('#register-count'), /The register holds [\d,]+ records\./);
  await waitForText(page.locator('#register-read-only'), 'Only Home Office administrators load records');
  assert.equal(await page.locator('input[type="file"]').count(), 0);

  await openChecker(page);
  const rec = genRecord(0);
  await lookUp(page, { type: 'Passport', number: rec.number, dob: rec.uk });
  await waitForText(page.locator('#rtpf-result'), 'A record matches');
  assert.equal(await page.getByRole('link', { name: 'Create a case from this result' }).count(), 0);
  const search = page.getByRole('link', { name: 'Search cases for this person' });
  assert.match(await search.getAttribute('href'), /^#\/cases\?q=Amina\+Okafor$/);
  await lookUp(page, { type: 'Passport', number: 'ZZ0000001', dob: rec.uk });
  await waitForText(page.locator('#rtpf-no-match'), 'No record matches');
  assert.equal(await page.getByRole('link', { name: 'Create a case', exact: true }).count(), 0);
  assertClean();
  await page.context().close();
});

test('after the hourly limit the checker says when to try again', async () => {
  const api = new Client(stack.base);
  await api.login('wmc.user');
  for (let i = 0; i < LIMIT; i += 1) {
    const r = await api.req('POST', '/api/rtpf/lookup', { body: { document_type: 'passport', document_number: `X${i}`, date_of_birth: '1980-01-01' } });
    assert.equal(r.status, 200, r.text);
  }
  const { page, assertClean } = await pageFor('wmc.user');
  await openChecker(page);
  await lookUp(page, { type: 'Passport', number: 'GEN000000000', dob: '01/01/1940' });
  const summary = page.locator('#rtpf-form .error-summary');
  await waitForText(summary, 'You cannot look anyone up just now');
  const text = await summary.innerText();
  assert.match(text, /as many look-ups as are allowed in one hour\. Try again after \d{2}:\d{2} \(in about \d+ minutes?\)\./);
  assert.equal(await page.locator('#rtpf-result').count(), 0);
  assert.equal(await summary.evaluate((el) => el === document.activeElement), true);
  assertClean();
  await page.context().close();
});
