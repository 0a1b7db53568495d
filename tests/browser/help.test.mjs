// The Help page in the browser (issue 15 item 7): every role finds "Help" in the header and reads the
// seeded contacts; only the Network admin sees "Edit contacts", edits in place (errors from the
// server shown at their fields), and what it saves is what the others then read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { launch, waitForHeading, waitForText, status, noLeaks, checkA11y } from './helpers.mjs';
import { pageFor } from './work.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

async function openHelp(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Help' }).click();
  await waitForHeading(page, 'Help');
}

test('everyone reads the contacts from the header link; nobody but the Network admin may edit', async () => {
  for (const username of ['nfc.user', 'ho.user', 'ho.admin']) {
    const { page, context } = await pageFor(browser, stack.base, username);
    await openHelp(page);
    const network = page.locator('#help-network');
    await waitForText(network, /NRPF Network helpdesk/);
    assert.equal(await network.getByRole('link', { name: 'help@nrpf-network.example.test' }).getAttribute('href'),
      'mailto:help@nrpf-network.example.test');
    await waitForText(page.locator('#help-ho_escalation'), /Urgent cases only/);
    assert.equal(await page.locator('#help-edit').count(), 0, `${username} has no edit button`);
    await noLeaks(page);
    if (username === 'nfc.user') await checkA11y(page, 'help page (council user)');
    await context.close();
  }
});

test('the Network admin edits the contacts in place; errors show at their fields; the others read the change', async () => {
  const { page, context } = await pageFor(browser, stack.base, 'net.admin');
  await openHelp(page);
  await page.locator('#help-edit').click();
  const form = page.locator('#help-form');
  await form.waitFor();
  await checkA11y(page, 'help edit form');
  await page.getByLabel('Telephone').nth(1).fill('ring reception');
  await page.locator('#help-save').click();
  await waitForText(page.locator('.error-summary'), /digits, spaces/);
  assert.equal(await page.getByLabel('Telephone').nth(1).getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'help form with an error');

  await page.getByLabel('Telephone').nth(1).fill('020 7946 0555');
  await page.getByLabel('Name or role').first().fill('Connect service desk');
  await page.getByLabel('Notes').nth(1).fill('');
  await page.locator('#help-save').click();
  await waitForText(status(page), /The Help contacts have been saved/);
  await waitForText(page.locator('#help-network'), /Connect service desk/);
  await waitForText(page.locator('#help-ho_escalation'), /020 7946 0555/);
  await waitForText(page.locator('#help-ho_escalation'), /Not given/);
  assert.ok(await page.locator('#help-edit').evaluate((el) => el === document.activeElement), 'focus back on Edit');
  await context.close();

  const other = await pageFor(browser, stack.base, 'ebc.user');
  await openHelp(other.page);
  await waitForText(other.page.locator('#help-network'), /Connect service desk/);
  await waitForText(other.page.locator('#help-ho_escalation'), /020 7946 0555/);
  await other.context.close();
});
