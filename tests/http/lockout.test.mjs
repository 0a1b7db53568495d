// Account lockout after 5 consecutive sign-in failures; admin unlock; failure count resets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { Client, DEMO_PASSWORD, assertError, assertErrorOneOf, assertStatus, assertUser, findUser, signIn } from '../lib/http.mjs';

let stack; let anon; let admin;
before(async () => {
  stack = await startStack();
  anon = new Client(stack.base);
  admin = await signIn(stack.base, 'wmc.admin');
});
after(async () => { await stack?.stop(); });

const login = (username, password) => anon.req('POST', '/api/auth/login', { body: { username, password }, auth: false });

test('5 wrong passwords lock the account; then even the right password answers 423 account_locked', async () => {
  for (let i = 1; i <= 4; i += 1) {
    assertError(await login('wmc.user', `wrong-password-${i}`), 401, 'invalid_credentials', null, `failure ${i}`);
  }
  // the 5th failure locks the account (its own answer may still be 401 or already 423)
  assertErrorOneOf(await login('wmc.user', 'wrong-password-5'), [[401, 'invalid_credentials'], [423, 'account_locked']], null, 'failure 5');
  assertError(await login('wmc.user', DEMO_PASSWORD), 423, 'account_locked', null, 'right password while locked');
  assertError(await login('WMC.User', DEMO_PASSWORD), 423, 'account_locked', null, 'right password, other case, while locked');
  assertError(await login('wmc.user', 'wrong-password-6'), 423, 'account_locked', null, 'wrong password while locked');
});

test('the admin sees USER.locked true', async () => {
  const u = await findUser(admin, 'wmc.user');
  assert.ok(u, 'wmc.user listed');
  assertUser(u);
  assert.equal(u.locked, true, 'locked in the list');
  const one = await admin.req('GET', `/api/users/${u.id}`);
  assertStatus(one, 200);
  assert.equal(one.json.locked, true, 'locked in GET /api/users/{id}');
});

test('admin unlock: 204, locked false, sign-in works again', async () => {
  const u = await findUser(admin, 'wmc.user');
  const r = await admin.req('POST', `/api/users/${u.id}/unlock`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  const one = await admin.req('GET', `/api/users/${u.id}`);
  assert.equal(one.json.locked, false);
  const ok = await login('wmc.user', DEMO_PASSWORD);
  assertStatus(ok, 200, 'sign in after unlock');
  assert.equal(ok.json.user.locked, false);
});

test('unlock clears the failure count', async () => {
  const u = await findUser(admin, 'wmc.user');
  for (let i = 1; i <= 4; i += 1) assertError(await login('wmc.user', `nope-${i}-nope-nope`), 401, 'invalid_credentials', null);
  assertStatus(await admin.req('POST', `/api/users/${u.id}/unlock`), 204, 'unlock an unlocked account');
  for (let i = 1; i <= 4; i += 1) assertError(await login('wmc.user', `nope-${i}-again-nope`), 401, 'invalid_credentials', null, `after unlock ${i}`);
  assertStatus(await login('wmc.user', DEMO_PASSWORD), 200, 'still not locked: count was cleared by unlock');
});

test('the failure count resets after a successful sign-in', async () => {
  for (let i = 1; i <= 4; i += 1) assertError(await login('nfc.user', `bad-${i}-password!`), 401, 'invalid_credentials', null, `first run ${i}`);
  assertStatus(await login('nfc.user', DEMO_PASSWORD), 200, 'success resets');
  for (let i = 1; i <= 4; i += 1) assertError(await login('nfc.user', `bad-${i}-password?`), 401, 'invalid_credentials', null, `second run ${i}`);
  assertStatus(await login('nfc.user', DEMO_PASSWORD), 200, 'still not locked after 8 non-consecutive failures');
});

test('failures are counted on the account whatever the case of the user name', async () => {
  for (let i = 1; i <= 5; i += 1) {
    const r = await login(i % 2 ? 'EBC.USER' : 'ebc.user', `wrong-${i}-password`);
    assert.ok([401, 423].includes(r.status), `failure ${i}: ${r.status}`);
  }
  assertError(await login('ebc.user', DEMO_PASSWORD), 423, 'account_locked', null);
  const ebcAdmin = await signIn(stack.base, 'ebc.admin');
  const u = await findUser(ebcAdmin, 'ebc.user');
  assert.equal(u.locked, true);
  assertStatus(await ebcAdmin.req('POST', `/api/users/${u.id}/unlock`), 204);
  assertStatus(await login('ebc.user', DEMO_PASSWORD), 200);
});

test('a locked admin cannot sign in either; another org\'s admin cannot unlock (404)', async () => {
  for (let i = 1; i <= 5; i += 1) await login('nfc.admin', `wrong-${i}-password`);
  assertError(await login('nfc.admin', DEMO_PASSWORD), 423, 'account_locked', null);
  // WMC admin cannot see or unlock an NFC account
  const net = await signIn(stack.base, 'net.admin');
  const orgs = await net.req('GET', '/api/orgs');
  const nfc = orgs.json.items.find((o) => o.code === 'NFC');
  const nfcAdmin = await findUser(net, 'nfc.admin', nfc.id);
  assert.equal(nfcAdmin.locked, true, 'network admin sees it locked');
  assertError(await admin.req('POST', `/api/users/${nfcAdmin.id}/unlock`), 404, 'not_found', null, 'WMC admin unlocking NFC admin');
  assertError(await login('nfc.admin', DEMO_PASSWORD), 423, 'account_locked', null, 'still locked');
  // the Network admin may unlock any organisation's user
  assertStatus(await net.req('POST', `/api/users/${nfcAdmin.id}/unlock`), 204);
  assertStatus(await login('nfc.admin', DEMO_PASSWORD), 200);
});
