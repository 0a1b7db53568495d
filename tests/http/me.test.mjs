// GET /api/me and PUT /api/me/password (password policy).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import {
  DEMO_PASSWORD, STRONG, assertError, assertStatus, assertUser, commonPasswords, createActiveUser, loginStatus, signIn,
} from '../lib/http.mjs';

let stack; let admin;
before(async () => {
  stack = await startStack();
  admin = await signIn(stack.base, 'nfc.admin');
});
after(async () => { await stack?.stop(); });

const put = (c, body) => c.req('PUT', '/api/me/password', { body });

test('GET /api/me: 200 USER of the signed-in user, for every demo role', async () => {
  const expect = {
    'net.admin': ['admin', 'network'], 'ho.admin': ['admin', 'home_office'], 'ho.user': ['user', 'home_office'],
    'nfc.admin': ['admin', 'council'], 'nfc.user': ['user', 'council'], 'ebc.admin': ['admin', 'council'],
    'ebc.user': ['user', 'council'], 'wmc.admin': ['admin', 'council'], 'wmc.user': ['user', 'council'],
  };
  for (const [name, [role, kind]] of Object.entries(expect)) {
    const c = await signIn(stack.base, name);
    const r = await c.req('GET', '/api/me');
    assertStatus(r, 200, name);
    assertUser(r.json, name);
    assert.equal(r.json.username, name);
    assert.equal(r.json.role, role, `${name} role`);
    assert.equal(r.json.org.kind, kind, `${name} org kind`);
    assert.equal(r.json.must_change_password, false);
    assert.equal(r.json.locked, false);
  }
});

test('wrong current password: 422 validation_failed field current_password, nothing changed', async () => {
  const made = await createActiveUser(admin, { username: 'me.wrongcur' });
  const r = await put(made.client, { current_password: 'not-the-current-one', new_password: 'Brand-New-Passphrase-77' });
  assertError(r, 422, 'validation_failed', 'current_password');
  assert.equal(await loginStatus(stack.base, made.username, 'Brand-New-Passphrase-77'), 401, 'new one not set');
  assert.equal(await loginStatus(stack.base, made.username, STRONG), 200, 'old one still works');
});

test('weak new password: 422 field new_password (short, username, common, too long)', async () => {
  const made = await createActiveUser(admin, { username: 'long.username.x' });
  const c = made.client;
  const common = commonPasswords();
  assert.ok(common.has('leavemealone'), 'leavemealone is in auth/common-passwords.txt');
  assert.ok(common.has('qazwsxedcrfv'), 'qazwsxedcrfv is in auth/common-passwords.txt');
  assert.ok(common.has('1qaz2wsx3edc'), '1qaz2wsx3edc is in auth/common-passwords.txt');
  const weak = {
    'empty': '',
    '11 characters': 'abcdefghijk',
    'the user name': 'long.username.x',
    'the user name, other case': 'LONG.USERNAME.X',
    'common (leavemealone)': 'leavemealone',
    'common, other case (LeaveMeAlone)': 'LeaveMeAlone',
    'common (qazwsxedcrfv)': 'qazwsxedcrfv',
    'common (1qaz2wsx3edc)': '1qaz2wsx3edc',
    '257 characters': 'a1b2c3d4e5f'.repeat(23) + 'abcd',
    '11 Unicode characters (33 bytes)': '日本語のパスワード試験',
  };
  assert.equal(weak['257 characters'].length, 257);
  assert.equal([...weak['11 Unicode characters (33 bytes)']].length, 11);
  for (const [what, pw] of Object.entries(weak)) {
    assertError(await put(c, { current_password: STRONG, new_password: pw }), 422, 'validation_failed', 'new_password', what);
  }
  assert.equal(await loginStatus(stack.base, made.username, STRONG), 200, 'password unchanged');
  assertStatus(await c.req('GET', '/api/me'), 200, 'session still fine');
});

test('policy boundaries: 12 Unicode characters and 256 characters are accepted', async () => {
  const made = await createActiveUser(admin, { username: 'me.bounds' });
  const twelve = 'ÅÉÎÕÜßçñøæœ€';
  assert.equal([...twelve].length, 12);
  assertStatus(await put(made.client, { current_password: STRONG, new_password: twelve }), 204, '12 Unicode characters');
  assert.equal(await loginStatus(stack.base, made.username, twelve), 200);
  // 256 characters without a pattern (a repeated pair such as 'k9'.repeat(128) is refused as a repeat).
  let x = 12345;
  const long = Array.from({ length: 256 }, () => { x = (x * 1103515245 + 12345) % 2 ** 31; return 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[(x >> 16) % 62]; }).join('');
  assert.equal(long.length, 256);
  assertStatus(await put(made.client, { current_password: twelve, new_password: long }), 204, '256 characters');
  assert.equal(await loginStatus(stack.base, made.username, long), 200);
});

test('wrong types and missing fields on PUT /api/me/password', async () => {
  const c = await signIn(stack.base, 'wmc.user');
  assertError(await put(c, { current_password: 1234, new_password: STRONG }), 400, 'invalid_field', 'current_password');
  assertError(await put(c, { current_password: DEMO_PASSWORD, new_password: ['x'] }), 400, 'invalid_field', 'new_password');
  assertError(await put(c, { current_password: DEMO_PASSWORD, new_password: STRONG, extra: 1 }), 400, 'invalid_field', 'extra');
  const m = await put(c, { current_password: DEMO_PASSWORD });
  assert.ok([400, 422].includes(m.status), `missing new_password: ${m.status}`);
  assertError(m, m.status, m.status === 400 ? 'invalid_field' : 'validation_failed', 'new_password', 'missing new_password');
  assert.equal(await loginStatus(stack.base, 'wmc.user', DEMO_PASSWORD), 200, 'unchanged');
});

test('success: 204, the new password signs in, the old one does not', async () => {
  const c = await signIn(stack.base, 'ebc.user');
  const r = await put(c, { current_password: DEMO_PASSWORD, new_password: 'Winter-Orchard-Ladder-2026' });
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assert.equal(await loginStatus(stack.base, 'ebc.user', 'Winter-Orchard-Ladder-2026'), 200, 'new password');
  assert.equal(await loginStatus(stack.base, 'ebc.user', DEMO_PASSWORD), 401, 'old password');
  const me = await c.req('GET', '/api/me');
  assertStatus(me, 200, 'the session that changed it still works');
  assert.equal(me.json.must_change_password, false);
});

test('new password equal to the current one: 204, or 422 on new_password', async () => {
  const made = await createActiveUser(admin, { username: 'me.same' });
  const r = await put(made.client, { current_password: STRONG, new_password: STRONG });
  assert.ok([204, 422].includes(r.status), `${r.status} ${r.text}`);
  if (r.status === 422) assertError(r, 422, 'validation_failed', 'new_password');
  assert.equal(await loginStatus(stack.base, made.username, STRONG), 200);
});

test('GET /api/me without a token: 401', async () => {
  const r = await fetch(`${stack.base}/api/me`);
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, 'unauthenticated');
});
