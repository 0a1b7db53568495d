// b. A council admin adds a user and sees the temporary password once; the new user must change it
//    first; five wrong sign-ins throttle the user name and the admin unlocks it; the admin resets the
//    password; the admin deletes the user after a confirmation step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, signOut, changePassword, status, waitForText, waitForHeading,
  screenshot, userRow,
} from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const NEW = { username: 'new.caseworker', name: 'Nia Caseworker', team: 'Referrals' };
const WHO = `${NEW.name} (${NEW.username})`;

async function openUsers(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'User accounts' }).click();
  await waitForHeading(page, 'User accounts');
  await page.locator('#users-table').waitFor();
}

test('council admin manages a user from creation to deletion', async () => {
  const api = new Client(stack.base);
  const adminLogin = await api.login('nfc.admin');
  assert.equal(adminLogin.status, 200, adminLogin.text);
  const admin = adminLogin.json.user;

  const A = await newPage(browser);
  const U = await newPage(browser); // the new user, in a second browser context
  const pa = A.page; const pu = U.page;

  // The admin signs in and opens User accounts.
  await signIn(pa, stack.base, 'nfc.admin');
  await waitForHeading(pa, `Welcome, ${admin.name}`);
  await openUsers(pa);
  await waitForText(pa.locator('#users-heading'), admin.org.name);
  await userRow(pa, 'nfc.user').waitFor();
  const headers = await pa.locator('#users-table thead').innerText();
  for (const h of ['User name', 'Name', 'Role', 'Team', 'Locked', 'Must change password']) assert.ok(headers.includes(h), headers);

  // Add a user.
  await pa.getByRole('button', { name: 'Add user' }).click();
  const form = pa.locator('#add-user-form');
  await form.getByLabel('User name').fill(NEW.username);
  await form.getByLabel('Full name').fill(NEW.name);
  await form.getByLabel('Role').selectOption('user');
  await form.getByLabel('Team (optional)').fill(NEW.team);
  await form.getByRole('button', { name: 'Create user' }).click();
  const panel = pa.locator('#temp-password-panel');
  await waitForText(panel, `Temporary password for ${WHO}`);
  await waitForText(panel, 'shown only once');
  const temp1 = (await pa.locator('#temp-password').innerText()).trim();
  assert.ok(temp1.length >= 12, `temporary password: ${temp1}`);
  const row = userRow(pa, NEW.username);
  await row.waitFor();
  assert.equal((await row.locator('.table__must-change').innerText()).trim().toUpperCase(), 'YES');
  assert.equal((await row.locator('.table__locked').innerText()).trim(), 'No');
  await screenshot(pa, 'user-accounts.png');

  // Adding the same user name again is refused, on the user name field.
  await pa.getByRole('button', { name: 'Add user' }).click();
  await form.getByLabel('User name').fill(NEW.username);
  await form.getByLabel('Full name').fill('Someone Else');
  await form.getByRole('button', { name: 'Create user' }).click();
  await pa.waitForSelector('#add-user-form input[name="username"][aria-invalid="true"]');
  await waitForText(pa.locator('#add-user-form .error-summary'), /\S/);
  await form.getByRole('button', { name: 'Cancel' }).click();

  // The password is shown once: after leaving the page it is gone.
  await pa.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
  await waitForHeading(pa, `Welcome, ${admin.name}`);
  await openUsers(pa);
  assert.equal(await pa.locator('#temp-password-panel').count(), 0);

  // The new user signs in and must change the password before anything else.
  await signIn(pu, stack.base, NEW.username, temp1);
  await waitForHeading(pu, 'Change your password');
  const nav = pu.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'Home' }).isVisible(), false);
  assert.equal(await nav.getByRole('link', { name: 'My profile' }).isVisible(), false);
  await pu.goto(`${stack.base}/#/profile`);
  await waitForHeading(pu, 'Change your password');
  await changePassword(pu, temp1, 'first real password 2026');
  await waitForHeading(pu, `Welcome, ${NEW.name}`);
  await waitForText(status(pu), 'Your password has been changed');
  await signOut(pu);

  // Five wrong passwords through the sign-in page throttle the user name for 15 minutes.
  for (let i = 1; i <= 4; i += 1) {
    await signIn(pu, stack.base, NEW.username, `wrong password number ${i}`, { goto: false });
    await waitForText(pu.locator('.error-summary'), 'The user name or password is not correct.');
    // Wait for the form to be usable again before the next try.
    await pu.waitForSelector('#signin-form:not([aria-busy])');
  }
  await signIn(pu, stack.base, NEW.username, 'wrong password number 5', { goto: false });
  await waitForText(pu.locator('.error-summary'), 'Too many failed sign-in attempts with this user name. Try again in 15 minutes');
  await pu.waitForSelector('#signin-form:not([aria-busy])');
  // Even the right password is refused while the name is throttled.
  await signIn(pu, stack.base, NEW.username, 'first real password 2026', { goto: false });
  await pu.waitForSelector('#signin-form:not([aria-busy])');
  await waitForText(pu.locator('.error-summary'), 'Try again in 15 minutes');
  assert.equal(await pu.getByRole('heading', { name: `Welcome, ${NEW.name}` }).count(), 0);

  // The admin sees "Locked" and unlocks it.
  await openUsers(pa);
  await waitForText(row.locator('.table__locked'), /locked/i);
  await row.getByRole('button', { name: `Unlock ${WHO}` }).click();
  await waitForText(status(pa), `The account of ${WHO} has been unlocked.`);
  await waitForText(row.locator('.table__locked'), 'No');
  assert.equal(await row.getByRole('button', { name: `Unlock ${WHO}` }).count(), 0);

  // The user can sign in again.
  await signIn(pu, stack.base, NEW.username, 'first real password 2026', { goto: false });
  await waitForHeading(pu, `Welcome, ${NEW.name}`);

  // The admin resets the password (with a confirmation step); the new temporary password is shown once.
  await row.getByRole('button', { name: `Reset password for ${WHO}` }).click();
  const dialog = pa.getByRole('dialog');
  await waitForText(dialog, `Reset the password for ${WHO}?`);
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  await waitForText(panel, `New temporary password for ${WHO}`);
  const temp2 = (await pa.locator('#temp-password').innerText()).trim();
  assert.ok(temp2.length >= 12 && temp2 !== temp1);
  await waitForText(row.locator('.table__must-change'), /yes/i);

  // The reset ended the user's session: their next navigation goes to sign-in.
  await pu.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My profile' }).click();
  await waitForHeading(pu, 'Sign in to Connect');
  await waitForText(status(pu), 'Your session has expired. Please sign in again.');
  // The old password no longer works; the new temporary one does, and must be changed.
  await signIn(pu, stack.base, NEW.username, 'first real password 2026', { goto: false });
  await waitForText(pu.locator('.error-summary'), 'The user name or password is not correct.');
  await signIn(pu, stack.base, NEW.username, temp2, { goto: false });
  await waitForHeading(pu, 'Change your password');
  await changePassword(pu, temp2, 'second real password 2026');
  // The session had expired on the way to My profile: after the change the user is back there.
  await waitForHeading(pu, 'My profile');
  await waitForText(status(pu), 'Your password has been changed');

  // The admin deletes the user: cancelling first changes nothing.
  await row.getByRole('button', { name: `Delete ${WHO}` }).click();
  await waitForText(dialog, `Delete the account of ${WHO}?`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await row.count(), 1);
  await row.getByRole('button', { name: `Delete ${WHO}` }).click();
  await dialog.getByRole('button', { name: 'Delete account' }).click();
  await waitForText(status(pa), `The account of ${WHO} has been deleted.`);
  await row.waitFor({ state: 'detached' });
  assert.equal(await row.count(), 0);
  assert.equal(await userRow(pa, 'nfc.user').count(), 1);

  // And the deleted user's session is gone.
  await pu.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
  await waitForHeading(pu, 'Sign in to Connect');

  A.assertClean();
  U.assertClean();
});
