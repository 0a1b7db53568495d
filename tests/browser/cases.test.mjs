// Cases in the browser: search (the way into create), create with a dependant, the case page's tabs,
// the duplicate check, the Home Office's view (finance read-only, immigration editable), the Network
// admin (no cases), and documents. Runs against the real stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startStack, Client } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, heading, status, waitForText, waitForHeading, screenshot, noLeaks, tab, panel, openTab, fillDate, dateValue,
} from './helpers.mjs';

let stack; let browser;
const users = {}; // username -> {client, user}

before(async () => {
  stack = await startStack();
  browser = await launch();
  for (const name of ['nfc.user', 'ho.user', 'net.admin']) {
    const client = new Client(stack.base);
    const r = await client.login(name);
    assert.equal(r.status, 200, r.text);
    users[name] = { client, user: r.json.user };
  }
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** A signed-in page for `username`. */
async function pageFor(username, opts) {
  const p = await newPage(browser, opts);
  await signIn(p.page, stack.base, username);
  await waitForHeading(p.page, /^Welcome, /);
  return p;
}

/** Call the case API as `username` (bypassing the browser). */
async function apiAs(username, method, path, body) {
  return users[username].client.req(method, path, body === undefined ? {} : { body });
}

function daysAgo(n) {
  const d = new Date(Date.now() - n * 86400000);
  return { iso: d.toISOString().slice(0, 10), uk: `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}` };
}

const nav = (page) => page.getByRole('navigation', { name: 'Main' });
async function fillPerson(scope, prefix, p) {
  await scope.locator(`[name="${prefix}given_names"]`).fill(p.given);
  await scope.locator(`[name="${prefix}family_name"]`).fill(p.family);
  await fillDate(scope, `${prefix}date_of_birth`, p.dob);
  await scope.locator(`[name="${prefix}nationality"]`).fill(p.nationality);
  if (p.gender) await scope.locator(`[name="${prefix}gender"]`).selectOption(p.gender);
  if (p.relationship) await scope.locator(`[name="${prefix}relationship"]`).selectOption(p.relationship);
}

async function search(page, q) {
  const box = page.getByRole('searchbox', { name: /Name, date of birth/ });
  await box.fill(q);
  await page.locator('#search-button').click();
  await page.waitForFunction((want) => decodeURIComponent(location.hash).includes(want.replace(/ /g, '+')) || new URLSearchParams(location.hash.split('?')[1] || '').get('q') === want, q);
  await page.locator('#case-results table, #no-results').first().waitFor();
}

const caseBody = (given, family, dob, extra = {}) => ({
  principal: { given_names: given, family_name: family, date_of_birth: dob, nationality: 'Ghanaian', gender: 'male' },
  dependants: [],
  legislation: 'care_act_2014',
  household_type: 'single_adult',
  address: '1 High Street',
  la_involvement: 'Care needs assessment completed.',
  caseworker_id: users['nfc.user'].user.id,
  team: 'NRPF Team',
  ...extra,
});

test('council user: search, create with a dependant, find, edit, finance, close, reopen, history', async () => {
  const { page, assertClean } = await pageFor('nfc.user');
  // Home offers the way in; the nav has Cases and My cases.
  await page.locator('#home-search-cases').waitFor();
  await page.locator('#home-my-cases').waitFor();
  await nav(page).getByRole('link', { name: 'Cases', exact: true }).click();
  await waitForHeading(page, 'Cases');

  // Search first: nothing found, so the create button appears and carries the name.
  await search(page, 'Ayşe Demir');
  await waitForText(page.locator('#case-results'), 'No cases found');
  await page.getByRole('link', { name: 'Create a new case' }).click();
  await waitForHeading(page, 'Create a case');
  const form = page.locator('#case-form');
  assert.equal(await form.locator('[name="principal.given_names"]').inputValue(), 'Ayşe');
  assert.equal(await form.locator('[name="principal.family_name"]').inputValue(), 'Demir');

  // Client-side errors are linked to their fields.
  await form.locator('#create-submit').click();
  await waitForText(form.locator('.error-summary'), 'Enter the date of birth of the principal applicant');
  const dob = form.locator('[name="principal.date_of_birth.day"]');
  assert.equal(await dob.getAttribute('aria-invalid'), 'true');
  const described = (await dob.getAttribute('aria-describedby')).split(' ');
  assert.match(await page.locator(`[id="${described.pop()}"]`).innerText(), /date of birth/);

  await fillPerson(form, 'principal.', { given: 'Ayşe', family: 'Demir', dob: '14/02/1988', nationality: 'Turkish', gender: 'female' });
  await form.locator('[name="principal.ho_reference"]').fill('d1234567');
  // Add two dependants, remove the first: the second is renumbered.
  await page.locator('#add-dependant').click();
  await page.locator('#add-dependant').click();
  await fillPerson(form, 'dependants.1.', { given: 'Deniz', family: 'Demir', dob: '12/06/2015', nationality: 'Turkish', relationship: 'child' });
  await form.getByRole('button', { name: 'Remove dependant 1' }).click();
  assert.equal(await form.locator('[name="dependants.0.given_names"]').inputValue(), 'Deniz');
  assert.equal(await form.locator('[name^="dependants.1."]').count(), 0);
  await form.locator('[name="legislation"]').selectOption('children_act_s17');
  await form.locator('[name="household_type"]').selectOption('lone_parent_family');
  await form.locator('[name="address"]').fill('Flat 2, 10 Mill Lane, Northfield');
  await form.locator('[name="la_involvement"]').fill('Referred by the school; child in need assessment started.');
  assert.equal(await form.locator('[name="caseworker_id"]').inputValue(), String(users['nfc.user'].user.id));
  await noLeaks(page);
  await screenshot(page, 'case-create.png');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await form.locator('#create-submit').click();
  const createdRes = await created;
  assert.equal(createdRes.status(), 201, await createdRes.text());
  const kase = await createdRes.json();
  await waitForHeading(page, new RegExp(`^${kase.connect_id}\\s+Ayşe Demir$`));
  await waitForText(status(page), `Case ${kase.connect_id} has been created`);
  await waitForText(page.locator('#case-facts'), 'Open – referral');
  assert.match(page.url(), new RegExp(`#/cases/${kase.id}$`));

  // Found by a name typed in another order and case, without the accent.
  await nav(page).getByRole('link', { name: 'Cases', exact: true }).click();
  await waitForHeading(page, 'Cases');
  await search(page, 'DEMIR ayse');
  const row = page.locator(`#cases-table tbody tr[data-case-id="${kase.id}"]`);
  await row.waitFor();
  const rowText = await row.innerText();
  assert.ok(rowText.includes('Ayşe Demir') && rowText.includes('14 February 1988') && rowText.includes('Turkish'), rowText);
  assert.ok(rowText.includes('Open – referral') && rowText.includes(users['nfc.user'].user.name), rowText);
  // A council user sees no Council column; the create button is there with the results.
  assert.equal(await page.locator('#cases-table thead th', { hasText: 'Council' }).count(), 0);
  await page.locator('#create-case-button').waitFor();
  await noLeaks(page);
  await screenshot(page, 'cases-search.png');
  await row.getByRole('link', { name: kase.connect_id }).click();
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));

  // Tabs: the pattern's roles, and arrow keys move between them.
  const tabs = page.getByRole('tab');
  assert.equal(await tabs.count(), 10);
  assert.equal(await tab(page, 'Summary').getAttribute('aria-selected'), 'true');
  const summaryText = await panel(page, 'summary').innerText();
  for (const want of ['Open – referral', kase.connect_id, 'Children Act 1989 s17', 'Lone-parent family', 'Flat 2, 10 Mill Lane', 'Referred by the school']) {
    assert.ok(summaryText.includes(want), `${want} in ${summaryText}`);
  }
  await noLeaks(page);
  await screenshot(page, 'case-summary.png');
  await tab(page, 'Summary').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await tab(page, 'Principal applicant').getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-principal');
  await page.keyboard.press('End');
  assert.equal(await tab(page, 'History').getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await tab(page, 'History').getAttribute('aria-selected'), 'true');
  assert.match(page.url(), new RegExp(`#/cases/${kase.id}/history$`));
  await waitForText(panel(page, 'history'), 'Changes to this case');

  // The principal applicant's family name is edited.
  await openTab(page, 'Principal applicant', 'principal');
  assert.ok((await panel(page, 'principal').innerText()).includes('D1234567'));
  await page.locator('#edit-principal').click();
  const paForm = page.locator('#principal-form');
  assert.equal(await dateValue(paForm, 'principal.date_of_birth'), '14/02/1988');
  await paForm.locator('[name="principal.family_name"]').fill('Demir-Yılmaz');
  await paForm.getByRole('button', { name: 'Save principal applicant' }).click();
  await waitForText(status(page), 'The principal applicant has been saved');
  await waitForText(page.locator('#principal-summary'), 'Demir-Yılmaz');
  await waitForHeading(page, new RegExp(`^${kase.connect_id}\\s+Ayşe Demir-Yılmaz$`));
  await screenshot(page, 'case-principal.png');

  // Details and allocation on the Summary tab.
  await openTab(page, 'Summary', 'summary');
  await page.locator('#edit-details').click();
  const details = page.locator('#details-form');
  await details.getByLabel('Address').fill('Flat 9, 3 Canal Street, Northfield');
  await details.getByLabel('Household type').selectOption('family');
  await details.getByRole('button', { name: 'Save details' }).click();
  await waitForText(status(page), 'The case details have been saved');
  await waitForText(page.locator('#case-summary'), 'Flat 9, 3 Canal Street');
  assert.equal(await page.locator('#details-form').count(), 0);
  const alloc = page.locator('#allocation-form');
  await alloc.getByLabel('Caseworker').selectOption({ label: 'Not allocated' });
  await alloc.getByLabel('Team').fill('Families Team');
  await alloc.getByRole('button', { name: 'Save allocation' }).click();
  await waitForText(status(page), 'The allocation has been saved');
  await waitForText(page.locator('#case-overview'), 'Not allocated'); // the caseworker is in the overview
  await waitForText(page.locator('#case-summary'), 'Families Team');
  await page.locator('#allocation-form').getByLabel('Caseworker').selectOption(String(users['nfc.user'].user.id));
  await page.locator('#allocation-form').getByRole('button', { name: 'Save allocation' }).click();
  await waitForText(page.locator('#case-facts'), `Caseworker: ${users['nfc.user'].user.name}`);

  // Dependants tab lists the child.
  await openTab(page, 'Dependants', 'dependants');
  await waitForText(panel(page, 'dependants'), 'Deniz Demir');
  assert.ok((await panel(page, 'dependants').innerText()).includes('Child'));
  await screenshot(page, 'case-dependants.png');

  // Finance: pounds in the form, pence to the API; a support start date makes it "Open – supported".
  const start = daysAgo(30);
  await openTab(page, 'Finance', 'finance');
  await page.locator('#edit-finance').click(); // read first, edit on purpose
  const fin = page.locator('#finance-form');
  await fillDate(fin, 'support_start_date', start.uk);
  await fin.locator('[name="weekly_subsistence_pence"]').fill('85.50');
  await fin.locator('[name="accommodation_type"]').selectOption('private_rented');
  await fin.locator('[name="weekly_accommodation_pence"]').fill('£1,210');
  await page.locator('#add-cost').click();
  await fin.locator('[name="other_costs.0.description"]').fill('School uniform');
  await fin.locator('[name="other_costs.0.amount_pence"]').fill('42.99');
  await fin.locator('[name="other_costs.0.date"]').fill(start.uk);
  // A wrong amount is caught before sending.
  await fin.locator('[name="weekly_subsistence_pence"]').fill('eighty');
  await fin.locator('#save-finance').click();
  await waitForText(fin.locator('.error-summary'), 'Weekly subsistence must be an amount in pounds');
  await fin.locator('[name="weekly_subsistence_pence"]').fill('85.50');
  const finRes = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${kase.id}/finance`));
  await fin.locator('#save-finance').click();
  const finReq = (await finRes).request();
  const sent = JSON.parse(finReq.postData());
  assert.equal(sent.weekly_subsistence_pence, 8550);
  assert.equal(sent.weekly_accommodation_pence, 121000);
  assert.equal(sent.support_start_date, start.iso);
  assert.deepEqual(sent.other_costs, [{ description: 'School uniform', amount_pence: 4299, date: start.iso }]);
  await waitForText(status(page), 'The finance has been saved');
  await waitForText(page.locator('#case-facts'), 'Open – supported');
  await waitForText(page.locator('#finance-summary'), '£85.50');
  await page.locator('#edit-finance').click();
  assert.equal(await page.locator('#finance-form [name="weekly_subsistence_pence"]').inputValue(), '85.50');
  await screenshot(page, 'case-finance.png');

  // Immigration tab renders a form for the council too (on "Edit immigration").
  await openTab(page, 'Immigration', 'immigration');
  await page.locator('#edit-immigration').click();
  await page.locator('#immigration-form').waitFor();
  await screenshot(page, 'case-immigration.png');

  // Close (date + reason), then reopen.
  await openTab(page, 'Closure', 'closure');
  const close = page.locator('#closure-form');
  await fillDate(close, 'closure_date', daysAgo(0).uk);
  await close.locator('#close-case').click();
  await waitForText(close.locator('.error-summary'), 'Choose the reason');
  await close.locator('[name="reason"]').selectOption('left_area');
  await close.locator('[name="notes"]').fill('Moved to another area.');
  await close.locator('#close-case').click();
  await waitForText(page.locator('#confirm-dialog'), 'Close this case?'); // closing asks first, as reopening does
  await page.locator('#confirm-yes').click();
  await waitForText(status(page), 'The case has been closed');
  await waitForText(page.locator('#case-facts'), 'Closed');
  await waitForText(page.locator('#closure-summary'), 'Left the area');
  await screenshot(page, 'case-closure-closed.png');
  await page.locator('#reopen-case').click();
  await page.locator('#confirm-dialog').waitFor();
  await page.locator('#confirm-yes').click();
  await waitForText(status(page), 'The case has been reopened');
  await waitForText(page.locator('#case-facts'), 'Open – supported');
  await page.locator('#closure-form').waitFor();

  // History shows the family-name change, old → new.
  await openTab(page, 'History', 'history');
  const change = page.locator('#history-table tbody tr[data-field="principal.family_name"]');
  await change.waitFor();
  const changeText = await change.innerText();
  assert.ok(changeText.includes('Demir') && changeText.includes('Demir-Yılmaz') && changeText.includes('→'), changeText);
  assert.ok(changeText.includes('Principal applicant: family name'), changeText);
  assert.ok(changeText.includes(users['nfc.user'].user.name), changeText);
  // The caseworker is named, not numbered, in the history.
  const cwRows = await page.locator('#history-table tbody tr[data-field="caseworker_id"]').allInnerTexts();
  assert.ok(cwRows.length >= 1, 'caseworker changes are in the history');
  assert.ok(cwRows.every((t) => t.includes(users['nfc.user'].user.name) && !/→\s*\d+\s*$/.test(t)), cwRows.join('\n'));
  await noLeaks(page);
  await screenshot(page, 'case-history.png');

  // A reload keeps the tab.
  await page.reload();
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));
  assert.equal(await tab(page, 'History').getAttribute('aria-selected'), 'true');

  // The case is in My cases (allocated to this user).
  await nav(page).getByRole('link', { name: 'My cases' }).click();
  await waitForHeading(page, 'My cases');
  await page.locator(`#cases-table tbody tr[data-case-id="${kase.id}"]`).waitFor();
  // The whole row is a way in: a click on the person's name opens the case.
  await page.locator(`#cases-table tbody tr[data-case-id="${kase.id}"] td.table__name`).click();
  await waitForHeading(page, new RegExp(`^${kase.connect_id}`));
  assertClean();
});

test('duplicate check: the same person again shows the matches and needs "This is a different person"', async () => {
  const { page, assertClean } = await pageFor('nfc.user');
  const person = { given: 'Mariam', family: 'Haddad', dob: '03/03/1990', nationality: 'Syrian', gender: 'female' };
  async function fillNew() {
    await page.goto(`${stack.base}/#/cases/new`);
    await waitForHeading(page, 'Create a case');
    const form = page.locator('#case-form');
    await fillPerson(form, 'principal.', person);
    await form.locator('[name="legislation"]').selectOption('care_act_2014');
    await form.locator('[name="household_type"]').selectOption('single_adult');
    return form;
  }
  let form = await fillNew();
  await form.locator('#create-submit').click();
  await waitForHeading(page, /^C\d+\s+Mariam Haddad$/);
  const firstId = (await heading(page).innerText()).match(/^C(\d+)/)[1];

  // Again, spelled in another case: refused with the match listed.
  person.family = 'HADDAD';
  form = await fillNew();
  const first = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await form.locator('#create-submit').click();
  assert.equal((await first).status(), 409);
  const panelEl = page.locator('#duplicate-panel');
  await panelEl.waitFor();
  // The warning is said once (the panel, focused; no error summary repeating it), each match with what
  // tells people apart, and "Open C…" as the main action.
  await waitForText(page.locator(`#duplicate-matches [data-case-id="${firstId}"]`), new RegExp(`C${firstId}: Mariam Haddad`));
  const facts = await page.locator(`#duplicate-matches [data-case-id="${firstId}"]`).innerText();
  for (const word of ['Date of birth', '3 March 1990', 'Nationality', 'Syrian', 'Home Office reference', 'Status', 'Caseworker', 'Tom Hughes']) {
    assert.ok(facts.includes(word), `the match says ${word}: ${facts}`);
  }
  const open = page.locator(`#open-${firstId}`);
  assert.equal(await open.innerText(), `Open C${firstId}`);
  assert.doesNotMatch(await open.getAttribute('class'), /button--secondary/, '"Open" is the main action');
  assert.equal(await form.locator('.error-summary').count(), 0, 'said once');
  assert.equal(await page.getByText('This person may already have a case').count(), 1, 'said once');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'duplicate-panel');
  await screenshot(page, 'case-duplicate.png');

  // Submitting again without confirming is still refused.
  const second = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await form.locator('#create-submit').click();
  const secondRes = await second;
  assert.equal(secondRes.status(), 409);
  assert.equal(JSON.parse(secondRes.request().postData()).confirm_not_duplicate, undefined);
  await waitForHeading(page, 'Create a case');

  // Confirmed: created.
  await page.getByLabel('This is a different person').check();
  const third = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await form.locator('#create-submit').click();
  const thirdRes = await third;
  assert.equal(thirdRes.status(), 201, await thirdRes.text());
  assert.equal(JSON.parse(thirdRes.request().postData()).confirm_not_duplicate, true);
  await waitForHeading(page, /^C\d+\s+Mariam HADDAD$/);
  assert.notEqual((await heading(page).innerText()).match(/^C(\d+)/)[1], firstId);
  assertClean();
});

test('server 422 on a person field is shown on that input', async () => {
  const { page, assertClean } = await pageFor('nfc.user');
  await page.goto(`${stack.base}/#/cases/new`);
  await waitForHeading(page, 'Create a case');
  const form = page.locator('#case-form');
  await page.locator('#add-dependant').click();
  await fillPerson(form, 'principal.', { given: 'Omar', family: 'Farah', dob: '01/01/1985', nationality: 'Somali' });
  // A birth date in the future passes the browser's check but not the server's.
  await fillPerson(form, 'dependants.0.', { given: 'Hodan', family: 'Farah', dob: '01/01/2099', nationality: 'Somali', relationship: 'child' });
  await form.locator('[name="legislation"]').selectOption('children_act_s17');
  await form.locator('[name="household_type"]').selectOption('lone_parent_family');
  const res = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await form.locator('#create-submit').click();
  const r = await res;
  assert.equal(r.status(), 422);
  const { error } = await r.json();
  assert.equal(error.field, 'dependants.0.date_of_birth');
  const input = form.locator('[name="dependants.0.date_of_birth.day"]');
  await page.waitForSelector('[name="dependants.0.date_of_birth.day"][aria-invalid="true"]');
  const ids = (await input.getAttribute('aria-describedby')).split(' ');
  assert.equal((await page.locator(`[id="${ids.pop()}"]`).innerText()).replace(/^Error:\s*/, '').trim(), error.message);
  assertClean();
});

test('Home Office user: sees the council, finance is read-only, immigration is editable', async () => {
  const start = daysAgo(10);
  const made = await apiAs('nfc.user', 'POST', '/api/cases', caseBody('Joseph', 'Mensah', '1979-05-20'));
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = made.json.id;
  const fin = await apiAs('nfc.user', 'PUT', `/api/cases/${id}/finance`, {
    support_start_date: start.iso, weekly_subsistence_pence: 7000, accommodation_type: 'hostel',
    weekly_accommodation_pence: 15050, other_costs: [{ description: 'Travel', amount_pence: 1240, date: start.iso }], support_end_date: null,
  });
  assert.equal(fin.status, 200, JSON.stringify(fin.json));

  const { page, assertClean } = await pageFor('ho.user');
  await nav(page).getByRole('link', { name: 'Cases', exact: true }).click();
  await waitForHeading(page, 'Cases');
  // With no query, the newest cases of every council, a page at a time (the demo data has > 25).
  await page.locator('#cases-table').waitFor();
  {
    const firstPage = await page.locator('#cases-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.caseId));
    assert.equal(firstPage.length, 25);
    await page.locator('#next-page').click();
    await page.locator('#first-page').waitFor();
    const secondPage = await page.locator('#cases-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.caseId));
    assert.ok(secondPage.length > 0);
    assert.ok(secondPage.every((x) => !firstPage.includes(x)), 'the next page has other cases');
    const councils = await page.locator('#cases-table tbody td[data-label="Council"]').allInnerTexts();
    assert.ok(councils.length && councils.every(Boolean));
  }
  await search(page, 'mensah');
  const row = page.locator(`#cases-table tbody tr[data-case-id="${id}"]`);
  await row.waitFor();
  assert.ok((await row.innerText()).includes(made.json.council.name));
  await page.locator('#cases-table thead th', { hasText: 'Council' }).waitFor();
  assert.equal(await page.locator('#create-case-button').count(), 0, 'no create for the Home Office');
  await noLeaks(page);
  await screenshot(page, 'cases-search-home-office.png');
  await row.getByRole('link', { name: made.json.connect_id }).click();
  await waitForHeading(page, new RegExp(`^${made.json.connect_id}\\s+Joseph Mensah$`));
  await waitForText(page.locator('#case-council'), made.json.council.name);
  assert.equal(await page.locator('#edit-details').count(), 0);
  assert.equal(await page.locator('#allocation-form').count(), 0);

  // Finance: read only, no inputs at all.
  await openTab(page, 'Finance', 'finance');
  await waitForText(panel(page, 'finance'), 'You can read it but not change it');
  assert.equal(await panel(page, 'finance').locator('input, select, textarea, button').count(), 0);
  const finText = await panel(page, 'finance').innerText();
  for (const want of ['£70.00', 'Hostel', '£150.50', 'Travel', '£12.40']) assert.ok(finText.includes(want), `${want} in ${finText}`);
  await noLeaks(page);
  await screenshot(page, 'case-finance-home-office.png');

  // Principal, dependants, closure and documents: nothing to change.
  await openTab(page, 'Principal applicant', 'principal');
  assert.equal(await page.locator('#edit-principal').count(), 0);
  await openTab(page, 'Closure', 'closure');
  assert.equal(await panel(page, 'closure').locator('input, select, textarea, button').count(), 0);
  await openTab(page, 'Documents', 'documents');
  assert.equal(await page.locator('#upload-form').count(), 0);

  // Immigration: editable (on "Edit immigration") and saved.
  await openTab(page, 'Immigration', 'immigration');
  await page.locator('#edit-immigration').click();
  const im = page.locator('#immigration-form');
  await im.getByLabel('Immigration status').selectOption('asylum_claim_recorded');
  await im.getByLabel('Recourse to public funds').selectOption('no');
  await im.getByLabel('There is an outstanding application').check();
  await im.getByLabel('Application type (optional)').fill('Asylum');
  await im.getByLabel('Application date (optional)').fill(start.uk);
  await im.getByLabel('Home Office notes (optional)').fill('Claim recorded; interview to be arranged.');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${id}/immigration`));
  await im.locator('#save-immigration').click();
  assert.equal((await saved).status(), 200);
  await waitForText(status(page), 'The immigration page has been saved');
  await waitForText(page.locator('#immigration-summary'), 'Asylum claim recorded');
  await waitForText(page.locator('#immigration-updated'), users['ho.user'].user.name);
  await screenshot(page, 'case-immigration-home-office.png');
  const back = await apiAs('nfc.user', 'GET', `/api/cases/${id}`);
  assert.equal(back.json.immigration.status, 'asylum_claim_recorded');
  assert.equal(back.json.immigration.recourse_to_public_funds, false);
  assert.equal(back.json.immigration.application_date, start.iso);
  assertClean();
});

test('Network admin: no Cases link, and #/cases says it is not available', async () => {
  const { page, assertClean } = await pageFor('net.admin');
  assert.equal(await nav(page).getByRole('link', { name: 'Cases', exact: true }).count(), 0);
  assert.equal(await nav(page).getByRole('link', { name: 'My cases' }).count(), 0);
  assert.equal(await page.locator('#home-search-cases').count(), 0);
  for (const route of ['cases', 'my-cases', 'cases/new', 'cases/1']) {
    await page.goto(`${stack.base}/#/${route}`);
    await waitForHeading(page, 'Cases are not available');
    await waitForText(page.locator('#page'), 'not available to your organisation');
  }
  assertClean();
});

/** A valid 2×2 PNG (so the server's type check sees the real signature). */
function tinyPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 0, 255, 0, 255, 255, 255]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

test('documents: a PNG is uploaded and listed; a text file named .pdf is refused', async () => {
  const made = await apiAs('nfc.user', 'POST', '/api/cases', caseBody('Lena', 'Novak', '1992-09-09'));
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = made.json.id;
  const { page, context, assertClean } = await pageFor('nfc.user');
  await page.goto(`${stack.base}/#/cases/${id}/documents`);
  await waitForHeading(page, /Lena Novak$/);
  assert.equal(await tab(page, 'Documents').getAttribute('aria-selected'), 'true');
  await waitForText(panel(page, 'documents'), 'No documents have been uploaded');

  // Nothing chosen: a client-side error.
  const form = page.locator('#upload-form');
  await form.locator('#upload-button').click();
  await waitForText(form.locator('.error-summary'), 'Choose a file to upload');

  const png = tinyPng();
  await form.getByLabel('File').setInputFiles({ name: 'passport scan.png', mimeType: 'image/png', buffer: png });
  await form.getByLabel('Whose document is it?').selectOption({ label: 'Lena Novak (principal applicant)' });
  const up = page.waitForResponse((r) => r.url().includes(`/api/cases/${id}/documents`) && r.request().method() === 'POST');
  await form.locator('#upload-button').click();
  const upRes = await up;
  assert.equal(upRes.status(), 201, await upRes.text());
  const url = new URL(upRes.url());
  assert.equal(url.searchParams.get('filename'), 'passport scan.png');
  assert.equal(url.searchParams.get('person'), '1');
  assert.equal(upRes.request().headers()['content-type'], 'image/png');
  assert.equal((await upRes.json()).size, png.length, 'the raw bytes are the body');
  await waitForText(status(page), 'passport scan.png has been uploaded');
  const docRow = page.locator('#documents-table tbody tr[data-filename="passport scan.png"]');
  await docRow.waitFor();
  const docText = await docRow.innerText();
  assert.ok(docText.includes('PNG image') && docText.includes('Lena Novak') && docText.includes(users['nfc.user'].user.name), docText);
  await waitForText(tab(page, 'Documents'), 'Documents (1)');

  // The download link gives the file as an attachment (with the page's session cookie).
  const href = await docRow.getByRole('link', { name: 'passport scan.png' }).getAttribute('href');
  assert.equal(href, `/api/cases/${id}/documents/${(await upRes.json()).id}`);
  {
    const dl = await context.request.get(stack.base + href);
    assert.equal(dl.status(), 200);
    assert.match(dl.headers()['content-disposition'] || '', /^attachment/);
    assert.equal(dl.headers()['x-content-type-options'], 'nosniff');
    assert.deepEqual(await dl.body(), png);
  }
  await screenshot(page, 'case-documents.png');

  // A text file renamed .pdf: refused, the message shown on the file input.
  await page.locator('#upload-form').getByLabel('File').setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from('This is not a PDF, just text.\n') });
  const bad = page.waitForResponse((r) => r.url().includes(`/api/cases/${id}/documents`) && r.request().method() === 'POST');
  await page.locator('#upload-button').click();
  const badRes = await bad;
  assert.equal(badRes.status(), 422);
  const { error } = await badRes.json();
  await waitForText(page.locator('#upload-form .error-summary'), error.message);
  assert.equal(await page.locator('#upload-form input[name="file"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#documents-table tbody tr').count(), 1);
  await screenshot(page, 'case-documents-error.png');

  // Delete it, after confirming.
  await docRow.getByRole('button', { name: 'Delete passport scan.png' }).click();
  await page.locator('#confirm-yes').click();
  await waitForText(status(page), 'passport scan.png has been deleted');
  await waitForText(panel(page, 'documents'), 'No documents have been uploaded');

  // On a phone the tabs stack and the page does not scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await openTab(page, 'Summary', 'summary');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling');
  await screenshot(page, 'case-mobile.png');
  assertClean();
});
