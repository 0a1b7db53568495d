// Temporary passwords: created users and reset users must change the password before anything else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import {
  Client, STRONG, assertError, assertStatus, assertUser, signIn,
} from '../lib/http.mjs';

let stack; let admin;
before(async () => {
  stack = await startStack();
  admin = await signIn(stack.base, 'nfc.admin');
});
after(async () => { await stack?.stop(); });

let created; let temp; let newAdmin;

test('admin creates a user: 201 {user, temporary_password}', async () => {
  const r = await admin.req('POST', '/api/users', { body: { username: 'temp.admin', name: 'Temp Admin', role: 'admin', team: 'Intake' } });
  assertStatus(r, 201);
  assert.deepEqual(Object.keys(r.json).sort(), ['temporary_password', 'user']);
  assertUser(r.json.user);
  created = r.json.user;
  temp = r.json.temporary_password;
  assert.equal(created.username, 'temp.admin');
  assert.equal(created.name, 'Temp Admin');
  assert.equal(created.role, 'admin');
  assert.equal(created.team, 'Intake');
  assert.equal(created.org.id, admin.user.org.id, 'created in the admin\'s organisation');
  assert.equal(created.locked, false);
  assert.equal(created.must_change_password, true);
  assert.equal(typeof temp, 'string');
  assert.equal([...temp].length, 20, 'temporary password is 20 characters');
  const again = await admin.req('GET', `/api/users/${created.id}`);
  assertStatus(again, 200);
  assert.deepEqual(again.json, created);
});

test('sign-in with the temporary password: must_change_password true', async () => {
  newAdmin = new Client(stack.base);
  const r = await newAdmin.login('temp.admin', temp);
  assertStatus(r, 200);
  assert.equal(r.json.user.must_change_password, true);
  assert.equal(r.json.user.password_change_reason, 'temporary');
});

test('any other endpoint: 403 password_change_required', async () => {
  assertError(await newAdmin.req('GET', '/api/users'), 403, 'password_change_required', null, 'GET /api/users');
  assertError(await newAdmin.req('GET', `/api/users/${admin.user.id}`), 403, 'password_change_required', null, 'GET /api/users/{id}');
  const n = (await admin.req('GET', '/api/users?limit=500')).json.total;
  assertError(await newAdmin.req('POST', '/api/users', { body: { username: 'temp.child', name: 'X', role: 'user', team: null } }), 403, 'password_change_required', null, 'POST /api/users');
  assert.equal((await admin.req('GET', '/api/users?limit=500')).json.total, n, 'nothing created');
  assertError(await newAdmin.req('PATCH', `/api/users/${admin.user.id}`, { body: { name: 'Changed' } }), 403, 'password_change_required', null, 'PATCH');
  assertError(await newAdmin.req('POST', `/api/users/${admin.user.id}/reset-password`), 403, 'password_change_required', null, 'reset');
  assertError(await newAdmin.req('DELETE', `/api/users/${admin.user.id}`), 403, 'password_change_required', null, 'DELETE');
  assertError(await newAdmin.req('GET', '/api/orgs'), 403, 'password_change_required', null, 'GET /api/orgs');
  const me = await admin.req('GET', '/api/me');
  assert.equal(me.json.name, admin.user.name, 'admin untouched');
});

test('GET /api/me works with a temporary password', async () => {
  const r = await newAdmin.req('GET', '/api/me');
  assertStatus(r, 200);
  assertUser(r.json);
  assert.equal(r.json.username, 'temp.admin');
  assert.equal(r.json.must_change_password, true);
});

test('with a temporary password, a wrong current password gives 422 current_password and the restriction stays', async () => {
  const r = await newAdmin.req('PUT', '/api/me/password', { body: { current_password: 'wrong-temporary-pw', new_password: STRONG } });
  assertError(r, 422, 'validation_failed', 'current_password');
  assertError(await newAdmin.req('GET', '/api/users'), 403, 'password_change_required', null);
});

test('after the change, everything works with the same token', async () => {
  assertStatus(await newAdmin.req('PUT', '/api/me/password', { body: { current_password: temp, new_password: STRONG } }), 204);
  const me = await newAdmin.req('GET', '/api/me');
  assertStatus(me, 200);
  assert.equal(me.json.must_change_password, false);
  const list = await newAdmin.req('GET', '/api/users');
  assertStatus(list, 200, 'GET /api/users after the change');
  assert.ok(list.json.items.some((u) => u.username === 'temp.admin'));
  assert.equal((await new Client(stack.base).login('temp.admin', temp)).status, 401, 'temporary password no longer works');
  assertStatus(await new Client(stack.base).login('temp.admin', STRONG), 200);
});

test('logout works with a temporary password', async () => {
  const r = await admin.req('POST', '/api/users', { body: { username: 'temp.logout', name: 'Temp Logout', role: 'user', team: null } });
  assertStatus(r, 201);
  const c = new Client(stack.base);
  assertStatus(await c.login('temp.logout', r.json.temporary_password), 200);
  assertStatus(await c.req('POST', '/api/auth/logout'), 204);
  assertError(await c.req('GET', '/api/me'), 401, 'unauthenticated', null);
});

test('after reset-password: old password refused, temporary one gives must_change_password', async () => {
  const list = await admin.req('GET', '/api/users?limit=500');
  const u = list.json.items.find((x) => x.username === 'nfc.user');
  const r = await admin.req('POST', `/api/users/${u.id}/reset-password`);
  assertStatus(r, 200);
  assert.deepEqual(Object.keys(r.json), ['temporary_password']);
  const t = r.json.temporary_password;
  assert.equal([...t].length, 20);
  const after = await admin.req('GET', `/api/users/${u.id}`);
  assert.equal(after.json.must_change_password, true);
  assert.equal(after.json.locked, false);
  assert.equal((await new Client(stack.base).login('nfc.user', 'demo-password-2026')).status, 401, 'old password refused');
  const c = new Client(stack.base);
  const l = await c.login('nfc.user', t);
  assertStatus(l, 200);
  assert.equal(l.json.user.must_change_password, true);
  assertStatus(await c.req('PUT', '/api/me/password', { body: { current_password: t, new_password: STRONG } }), 204);
  assertStatus(await c.req('GET', '/api/me'), 200);
});

test('temporary passwords differ between users and resets', async () => {
  const seen = new Set();
  for (let i = 0; i < 3; i += 1) {
    const r = await admin.req('POST', '/api/users', { body: { username: `temp.uniq${i}`, name: `Uniq ${i}`, role: 'user', team: null } });
    assertStatus(r, 201);
    seen.add(r.json.temporary_password);
    const x = await admin.req('POST', `/api/users/${r.json.user.id}/reset-password`);
    assertStatus(x, 200);
    seen.add(x.json.temporary_password);
  }
  assert.equal(seen.size, 6);
});
