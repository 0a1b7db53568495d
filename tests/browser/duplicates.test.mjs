// Duplicates in the browser (fcgi/API.md "Duplicates"): a closed match offers "Reopen C…" as the main
// action instead of "Create"; a council user marks a case as a duplicate from its Closure tab; the
// Network admin removes it from "Duplicate cases". Runs against the real stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { launch, newPage, signIn, waitForText, waitForHeading, openTab, fillDate } from './helpers.mjs';
import { caseBody, person, ukDate } from '../lib/cases.mjs';

let stack; let browser; let nfc; let net;
before(async () => {
  stack = await startStack();
  browser = await launch();
  nfc = new Client(stack.base);
  assert.equal((await nfc.login('nfc.user')).status, 200);
  net = new Client(stack.base);
  assert.equal((await net.login('net.admin')).status, 200);
});
after(async () => { await browser?.close(); await stack?.stop(); });

async function pageFor(username) {
  const p = await newPage(browser);
  await signIn(p.page, stack.base, username);
  await waitForHeading(p.page, /^Welcome, /);
  return p;
}
async function create(given, family, dob, confirm = false) {
  const r = await nfc.req('POST', '/api/cases', { body: caseBody({ principal: person({ given_names: given, family_name: family, date_of_birth: dob }), confirm_not_duplicate: confirm }) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('a closed match: "Reopen C…" is the main action, and it reopens the case', async () => {
  const c = await create('Hana', 'Yilmaz', '1984-07-07');
  assert.equal((await nfc.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: ukDate(), reason: 'left_area' } })).status, 200);
  const { page, assertClean } = await pageFor('nfc.user');
  await page.goto(`${stack.base}/#/cases/new`);
  await waitForHeading(page, 'Create a case');
  const form = page.locator('#case-form');
  await form.locator('[name="principal.given_names"]').fill('Hana');
  await form.locator('[name="principal.family_name"]').fill('Yilmaz');
  await fillDate(form, 'principal.date_of_birth', '07/07/1984');
  await form.locator('[name="principal.nationality"]').fill('Turkish');
  await form.locator('[name="legislation"]').selectOption('care_act_2014');
  await form.locator('[name="household_type"]').selectOption('single_adult');
  await form.locator('#create-submit').click();
  const reopen = page.locator(`#reopen-${c.id}`);
  await reopen.waitFor();
  assert.equal(await reopen.innerText(), `Reopen C${c.id}`);
  assert.doesNotMatch(await reopen.getAttribute('class'), /button--secondary/, 'reopen is the primary button');
  assert.match(await page.locator('#create-confirmed').getAttribute('class'), /button--secondary/, 'create is secondary');
  await waitForText(page.locator('#duplicate-matches'), /closed on/i);
  await reopen.click();
  await waitForHeading(page, new RegExp(`^C${c.id}\\s+Hana Yilmaz$`));
  const g = await nfc.req('GET', `/api/cases/${c.id}`);
  assert.equal(g.json.status, 'open_referral', 'reopened');
  assertClean();
});

test('marking a duplicate from the case page; the Network admin removes it', async () => {
  const a = await create('Kofi', 'Boateng', '1977-08-08');
  const b = await create('Kofi', 'Boatang', '1977-08-08', true);
  const { page, assertClean } = await pageFor('nfc.user');
  await page.goto(`${stack.base}/#/cases/${b.id}`);
  await waitForHeading(page, new RegExp(`^C${b.id}`));
  await openTab(page, 'Closure', 'closure');
  await page.locator('#duplicate-form [name="case_id"]').fill(`C${a.id}`);
  await page.locator('#mark-duplicate').click();
  await page.locator('#confirm-yes').click();
  await waitForText(page.locator('#duplicate-of'), `C${a.id}`);
  const g = await nfc.req('GET', `/api/cases/${b.id}`);
  assert.equal(g.json.duplicate_of, a.id);
  assert.equal(g.json.closure.reason, 'duplicate');
  assertClean();

  const n = await pageFor('net.admin');
  await n.page.goto(`${stack.base}/#/duplicates`);
  await waitForHeading(n.page, 'Duplicate cases');
  const row = n.page.locator(`#duplicates-table tr[data-case="${b.id}"]`);
  await row.waitFor();
  await waitForText(row, `C${a.id}`);
  await row.locator(`[data-remove="${b.id}"]`).click();
  await n.page.locator('#confirm-yes').click();
  await waitForText(n.page.locator('#duplicates-status'), `C${b.id} has been removed`);
  await row.waitFor({ state: 'detached' });
  assert.equal((await nfc.req('GET', `/api/cases/${b.id}`)).status, 404, 'destroyed');
  assert.equal((await nfc.req('GET', `/api/cases/${a.id}`)).status, 200, 'the survivor stays');
  n.assertClean();
});
