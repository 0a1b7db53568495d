// A closed case in the browser (issue 15 item 1): the server refuses changes with 422 case_closed, so
// the tabs draw no edit controls for it — no "New query", no edit buttons, forms or uploads — and say
// "This case is closed. Reopen it to change it." instead (the Home Office: only the council can reopen
// it). What passes stays: downloads, the subject access export, the HO's "Record final outcome".
// Reopening brings the controls back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { launch, waitForText, waitForHeading, openTab, panel, noLeaks, checkA11y } from './helpers.mjs';
import { apiUsers, pageFor, createCase } from './work.mjs';

let stack; let browser; let users;
before(async () => {
  stack = await startStack();
  browser = await launch();
  users = await apiUsers(stack.base, ['nfc.user', 'ho.user']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

const CLOSED = 'This case is closed. Reopen it to change it.';
const TABS = [
  ['Summary', 'summary', null, ['#edit-details']],
  ['Principal applicant', 'principal', 'principal', ['#edit-principal']],
  ['Dependants', 'dependants', 'dependants', ['#add-dependant', '[data-action="edit"]', '[data-action="remove"]']],
  ['Immigration', 'immigration', 'immigration', ['#edit-immigration', '#immigration-form']],
  ['Finance', 'finance', 'finance', ['#edit-finance', '#finance-form']],
  ['Documents', 'documents', 'documents', ['#upload-form', '[data-action="delete"]']],
  ['Queries', 'queries', 'queries', ['#new-query']],
];

async function openCase(page, id) {
  await page.goto(`${stack.base}/#/cases/${id}`);
  await waitForHeading(page, /^C\d+/);
}

test('a closed case shows a note instead of every edit control; reopening brings them back', async () => {
  const api = users['nfc.user'].client;
  const kase = await createCase(users, 'nfc.user', {
    dependants: [{ given_names: 'Ada', family_name: 'Closed', date_of_birth: '2015-05-05', gender: 'female', nationality: 'Ghanaian', relationship: 'child' }],
  });
  const doc = await api.req('POST', `/api/cases/${kase.id}/documents?filename=letter.pdf`,
    { raw: '%PDF-1.4\n%%EOF\n', headers: { 'content-type': 'application/pdf' } });
  assert.equal(doc.status, 201, doc.text);
  const close = await api.req('POST', `/api/cases/${kase.id}/closure`, { body: { closure_date: new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' }), reason: 'other', notes: 'Moved away' } });
  assert.equal(close.status, 200, close.text);

  const { page, context } = await pageFor(browser, stack.base, 'nfc.user');
  await openCase(page, kase.id);
  for (const [name, key, note, controls] of TABS) {
    await openTab(page, name, key);
    if (note) await waitForText(panel(page, key).locator(`#${note}-closed-note`), CLOSED);
    for (const sel of controls) assert.equal(await panel(page, key).locator(sel).count(), 0, `${name}: no ${sel}`);
  }
  // What still works on a closed case is still offered: the document downloads.
  await openTab(page, 'Documents', 'documents');
  assert.equal(await panel(page, 'documents').getByRole('link', { name: 'letter.pdf' }).count(), 1);
  await openTab(page, 'Queries', 'queries');
  await noLeaks(page);
  await checkA11y(page, 'closed case, queries tab');

  // The Home Office: its immigration form goes, the final outcome stays (the SLA expects it after closure).
  const ho = await pageFor(browser, stack.base, 'ho.user');
  await openCase(ho.page, kase.id);
  await openTab(ho.page, 'Immigration', 'immigration');
  await waitForText(panel(ho.page, 'immigration').locator('#immigration-closed-note'), 'This case is closed. Only the council can reopen it to change it.');
  assert.equal(await ho.page.locator('#immigration-form, #edit-immigration').count(), 0);
  assert.equal(await ho.page.locator('#final-outcome-form').count(), 1, 'the final outcome is still recorded');
  await openTab(ho.page, 'Queries', 'queries');
  assert.equal(await ho.page.locator('#new-query').count(), 0);
  await ho.context.close();

  // Reopened: the controls are back and the notes gone.
  assert.equal((await api.req('DELETE', `/api/cases/${kase.id}/closure`)).status, 200);
  await openCase(page, kase.id);
  for (const [name, key, note, controls] of TABS) {
    await openTab(page, name, key);
    await panel(page, key).locator(controls[0]).first().waitFor();
    if (note) assert.equal(await page.locator(`#${note}-closed-note`).count(), 0, `${name}: no note`);
  }
  await context.close();
});
