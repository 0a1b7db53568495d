// Subject access on the case page: a council admin downloads a person's ZIP from the Principal
// applicant and Dependants tabs; a council user records "Information given to the person" and sees
// it listed; a council user (not admin) has no download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStack, Client } from '../lib/stack.mjs';
import { pngBytes } from '../lib/cases.mjs';
import { launch, newPage, signIn, waitForHeading, waitForText, openTab, panel, status, checkA11y } from './helpers.mjs';

let stack; let browser; let kase;
before(async () => {
  stack = await startStack();
  browser = await launch();
  const client = new Client(stack.base);
  assert.equal((await client.login('nfc.user')).status, 200);
  const list = await client.req('GET', '/api/cases?limit=50');
  for (const item of list.json.items.filter((c) => c.status !== 'closed')) { // documents are uploaded to an open case
    const r = await client.req('GET', `/api/cases/${item.id}`);
    if ((r.json.dependants || []).length) { kase = r.json; break; }
  }
  assert.ok(kase, 'a demo case with dependants');
});
after(async () => { await browser?.close(); await stack?.stop(); });

async function openCase(page, who) {
  await signIn(page, stack.base, who);
  await waitForHeading(page, /Home|Cases|Connect/).catch(() => {});
  await page.goto(`${stack.base}/#/cases/${kase.id}/principal`);
  await panel(page, 'principal').locator('#principal-summary').waitFor();
}

test('a council admin downloads a dependant\'s subject access ZIP from the case page', async () => {
  const { page, assertClean, context } = await newPage(browser);
  await openCase(page, 'nfc.admin');
  const principalLink = panel(page, 'principal').locator('[data-action="subject-access"]');
  assert.equal(await principalLink.count(), 1, 'the principal\'s download');
  await openTab(page, 'Dependants', 'dependants');
  const dep = kase.dependants[0];
  const link = panel(page, 'dependants').locator(`[data-action="subject-access"][data-person-id="${dep.id}"]`);
  await link.waitFor();
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(dl.suggestedFilename(), new RegExp(`^subject-access-C${kase.id}-${dep.id}\\.zip$`));
  const bytes = readFileSync(await dl.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a ZIP');
  assert.ok(bytes.includes(Buffer.from('subject-access.pdf')) && bytes.includes(Buffer.from('subject-access.json')));
  assertClean();
  await context.close();
});

test('information given to the person: the form records it and the list shows it; a user has no download', async () => {
  const { page, assertClean, context } = await newPage(browser);
  await openCase(page, 'nfc.user');
  const p = panel(page, 'principal');
  assert.equal(await p.locator('[data-action="subject-access"]').count(), 0, 'no export for a council user');
  await p.locator('#shared-with-person').waitFor();
  await p.locator('#add-shared').click();
  const form = p.locator('#shared-form');
  await form.getByRole('button', { name: 'Save' }).click();
  await waitForText(form, 'Say what was given or told to the person');
  await form.getByLabel('What was given or told').fill('Copy of the assessment, explained in person');
  await form.getByLabel('How').selectOption('in_person');
  await form.getByRole('button', { name: 'Save' }).click();
  await waitForText(status(page), 'has been recorded');
  await waitForText(p.locator('#shared-list'), 'Copy of the assessment, explained in person');
  await waitForText(p.locator('#shared-list'), 'In person');
  await checkA11y(page, 'principal tab with information given', { include: '#panel-principal' });
  assertClean();
  await context.close();
});

test('an identity document uploaded with its type and number keeps them (subject access matches look-ups by them)', async () => {
  const { page, assertClean, context } = await newPage(browser);
  await openCase(page, 'nfc.user');
  await openTab(page, 'Documents', 'documents');
  const form = page.locator('#upload-form');
  await form.locator('input[name="file"]').setInputFiles({ name: 'id-card.png', mimeType: 'image/png', buffer: pngBytes(4, 4) });
  const dep = kase.dependants[0];
  await form.getByLabel('Whose document is it?').selectOption(String(dep.id));
  await form.getByLabel('Identity document type (optional)').selectOption('national_id');
  await form.getByRole('button', { name: 'Upload' }).click();
  await waitForText(form, 'Enter the identity document\'s number');
  await form.getByLabel('Identity document number (optional)').fill('ab 123-45');
  await form.getByRole('button', { name: 'Upload' }).click();
  await waitForText(status(page), 'id-card.png has been uploaded');
  const client = new Client(stack.base);
  assert.equal((await client.login('nfc.user')).status, 200);
  const c = await client.req('GET', `/api/cases/${kase.id}`);
  const doc = c.json.documents.find((d) => d.filename === 'id-card.png');
  assert.ok(doc, 'uploaded');
  assert.equal(doc.person_id, dep.id);
  assert.equal(doc.document_type, 'national_id');
  assert.equal(doc.document_number, 'AB12345');
  assertClean();
  await context.close();
});
