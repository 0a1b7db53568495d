// Disclosure requests in the SPA, for the three people of the agreement: the requester (ho.user) fills
// in the template and submits it for countersignature; the countersigner (ho.admin) finds it under
// "To countersign" and countersigns it; the provider (dwp.manager) finds it under "Sent to your
// organisation", is told the answer is needed, and discloses; the requester reads the answer. Every
// page shows OFFICIAL-SENSITIVE; checkA11y on each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { checkA11y, status, waitForHeading, waitForText } from './helpers.mjs';
import { pageFor } from './work.mjs';

let stack; let browser;
before(async () => {
  stack = await startStack();
  const { launch } = await import('./helpers.mjs');
  browser = await launch();
});
after(async () => { await browser?.close(); await stack?.stop(); });

const marking = (page) => waitForText(page.locator('#protective-marking'), 'OFFICIAL-SENSITIVE');

test('requester, countersigner and provider take a request from the template to its answer', async () => {
  // The requester.
  const { page: req, assertClean: reqClean } = await pageFor(browser, stack.base, 'ho.user');
  await req.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Disclosures' }).click();
  await waitForHeading(req, 'Disclosure requests');
  await marking(req);
  await checkA11y(req, 'disclosures list (requester)');
  await req.locator('#new-disclosure').click();
  await waitForHeading(req, 'New disclosure request');
  await marking(req);
  await checkA11y(req, 'new request form');
  // The template is enforced: without a legal basis the server says which field.
  await req.getByLabel('Organisation asked').selectOption({ label: 'DWP Case Management Group' });
  await req.getByLabel('Given names').fill('Rania');
  await req.getByLabel('Family name').fill('Haddad');
  await req.getByLabel('Date of birth (optional)').fill('14/05/1987');
  await req.getByLabel('Information asked for').fill('Benefits claimed since 2024 and the address held.');
  await req.getByLabel('Reasons for the request').fill('Her application for leave depends on how she has been supported.');
  await req.getByLabel('Other lines of enquiry already pursued').fill('Our records and her declarations.');
  await req.getByRole('button', { name: 'Save the request' }).click();
  await waitForText(req.locator('.error-summary'), 'required');
  assert.equal(await req.getByLabel('Legal basis').getAttribute('aria-invalid'), 'true', 'the error is on the legal basis');
  await req.getByLabel('Legal basis').selectOption({ label: 'Immigration purpose: s20(3) Immigration and Asylum Act 1999' });
  await req.getByRole('button', { name: 'Save the request' }).click();
  await waitForHeading(req, /^Disclosure request DR-\d+$/);
  await waitForText(status(req), 'sent for countersignature');
  await waitForText(req.locator('#disclosure-details'), /waiting for countersignature/i);
  const number = (await req.locator('#disclosure-heading').textContent()).replace('Disclosure request ', '').trim();
  await marking(req);
  await checkA11y(req, 'request page (requester)');
  // The requester cannot countersign their own request: no such button.
  assert.equal(await req.locator('#countersign-form').count(), 0);

  // The countersigner.
  const { page: cs, assertClean: csClean } = await pageFor(browser, stack.base, 'ho.admin');
  await cs.goto(`${stack.base}/#/disclosures`);
  await waitForHeading(cs, 'Disclosure requests');
  const row = cs.locator('#to-countersign tr').filter({ hasText: number });
  await row.waitFor();
  await checkA11y(cs, 'disclosures list (countersigner)');
  await row.getByRole('link', { name: number }).click();
  await waitForHeading(cs, `Disclosure request ${number}`);
  await checkA11y(cs, 'request page (countersigner)');
  await cs.getByRole('button', { name: 'Countersign and send' }).click();
  await waitForText(status(cs), 'Sent, waiting for an answer');
  await waitForText(cs.locator('#disclosure-details'), 'Harriet Osei (Grade 7)');

  // The provider.
  const { page: pv, assertClean: pvClean } = await pageFor(browser, stack.base, 'dwp.manager');
  await waitForText(pv.locator('#disclosure-counters'), 'Requests to answer');
  assert.equal(await pv.locator('#home-search-cases').count(), 0, 'a partner user is offered no case search');
  await pv.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Disclosures' }).click();
  await waitForHeading(pv, 'Disclosure requests');
  assert.equal(await pv.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).isVisible(), false);
  const incoming = pv.locator('#incoming tr').filter({ hasText: number });
  await incoming.waitFor();
  await incoming.getByRole('link', { name: number }).click();
  await waitForHeading(pv, `Disclosure request ${number}`);
  await marking(pv);
  await checkA11y(pv, 'request page (provider)');
  await pv.getByRole('button', { name: 'Disclose' }).click();
  await waitForText(pv.locator('#disclose-form .error-summary'), 'required');
  await pv.getByLabel('What you disclose').fill('Universal Credit since March 2024.');
  await pv.getByRole('button', { name: 'Disclose' }).click();
  await waitForText(status(pv), 'Disclosed');
  await waitForText(pv.locator('#decisions'), 'By Samuel Adebayo (Higher Executive Officer (HEO))');

  // The requester reads the answer.
  await req.reload();
  await waitForHeading(req, `Disclosure request ${number}`);
  await waitForText(req.locator('#decisions'), 'Universal Credit since March 2024.');
  await checkA11y(req, 'answered request (requester)');
  await reqClean(); await csClean(); await pvClean();
});

test('a partner admin records a user\'s grade and countersigning mark', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'dwp.admin');
  await page.goto(`${stack.base}/#/users`);
  const row = page.locator('tr[data-username="dwp.user"]');
  await row.waitFor();
  await waitForText(row.locator('.table__grade'), 'AO');
  await row.getByRole('button', { name: 'Set the grade and countersigning of' }).click();
  const dialog = page.locator('#grade-dialog');
  await dialog.waitFor();
  await checkA11y(page, 'grade dialog');
  await dialog.getByLabel('Grade').selectOption('EO');
  await dialog.getByLabel('May countersign disclosure requests').check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await waitForText(page.locator('tr[data-username="dwp.user"] .table__grade'), 'EO (countersigns)');
  await assertClean();
});

test('the Home Office asks about a person from their case; a list needs its justification', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'ho.user');
  await page.goto(`${stack.base}/#/cases/1/principal`);
  await page.locator('#ask-partner').click();
  await waitForHeading(page, 'New disclosure request');
  await waitForText(page.locator('#about-case'), /of case C1\./);
  await checkA11y(page, 'request form from a case');
  await page.getByLabel('Organisation asked').selectOption({ label: 'DWP Case Management Group' });
  await page.getByLabel('Information asked for').fill('Address held.');
  await page.getByLabel('Legal basis').selectOption({ label: 'The person’s consent' });
  await page.getByLabel('Reasons for the request').fill('She asked us to confirm her address.');
  await page.getByLabel('Other lines of enquiry already pursued').fill('None.');
  await page.getByRole('button', { name: 'Save the request' }).click();
  await waitForHeading(page, /^Disclosure request DR-\d+$/);
  const id = Number(page.url().split('/').pop());
  const r = await page.evaluate(async (x) => (await fetch(`/api/disclosures/${x}`)).json(), id);
  assert.equal(r.case_id, 1, 'named with the case');

  await page.goto(`${stack.base}/#/disclosures/new`);
  await waitForHeading(page, 'New disclosure request');
  await page.getByLabel('Organisation asked').selectOption({ label: 'DWP Case Management Group' });
  await page.getByLabel('Who the request is about').selectOption('list');
  await page.getByLabel('People', { exact: true }).fill('Ana, Silva, 01/02/1990\nBo, Chen');
  await page.getByLabel('Information asked for').fill('Benefits held.');
  await page.getByLabel('Legal basis').selectOption({ label: 'The person’s consent' });
  await page.getByLabel('Reasons for the request').fill('A household application.');
  await page.getByLabel('Other lines of enquiry already pursued').fill('None.');
  await page.getByRole('button', { name: 'Save the request' }).click();
  await waitForText(page.locator('.error-summary'), /narrowed|minimum|required/i);
  await page.getByLabel('How the list was narrowed to the minimum').fill('Only the two adults of the household.');
  await page.getByLabel('Submit it for countersignature now').uncheck();
  await page.getByRole('button', { name: 'Save the request' }).click();
  await waitForHeading(page, /^Disclosure request DR-\d+$/);
  await waitForText(page.locator('#disclosure-details'), 'Ana Silva; Bo Chen');
  // The requester changes it before the countersignature: the form comes back filled in.
  await page.locator('#change-request').click();
  await waitForHeading(page, /^Change request DR-\d+$/);
  assert.equal(await page.getByLabel('People', { exact: true }).inputValue(), 'Ana, Silva, 01/02/1990\nBo, Chen');
  await page.getByLabel('Information asked for').fill('Benefits held since 2025.');
  await page.getByRole('button', { name: 'Save the request' }).click();
  await waitForHeading(page, /^Disclosure request DR-\d+$/);
  await waitForText(page.locator('#disclosure-details'), 'Benefits held since 2025.');
  await assertClean();
});
