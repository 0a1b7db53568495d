// CSRF: cookie-authenticated POST/PUT/PATCH/DELETE need X-Requested-With: connect; bearer requests do not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import {
  DEMO_PASSWORD, STRONG, assertError, assertStatus, createActiveUser, findUser, loginStatus, signIn, signInCookie, uname,
} from '../lib/http.mjs';

let stack; let bearerAdmin; let cookieAdmin;
before(async () => {
  stack = await startStack();
  bearerAdmin = await signIn(stack.base, 'ebc.admin');
  cookieAdmin = await signInCookie(stack.base, 'ebc.admin');
});
after(async () => { await stack?.stop(); });

const XRW = { 'x-requested-with': 'connect' };

test('cookie GET needs no X-Requested-With', async () => {
  const r = await cookieAdmin.req('GET', '/api/users');
  assertStatus(r, 200);
});

test('cookie POST /api/users without the header: 403 csrf, nothing created', async () => {
  const username = uname('csrf');
  const r = await cookieAdmin.req('POST', '/api/users', { body: { username, name: 'Csrf Test', role: 'user', team: null } });
  assertError(r, 403, 'csrf', null);
  assert.equal(await findUser(bearerAdmin, username), undefined, 'user not created');
  // a wrong header value is no better
  const w = await cookieAdmin.req('POST', '/api/users', { body: { username, name: 'Csrf Test', role: 'user', team: null }, headers: { 'x-requested-with': 'XMLHttpRequest' } });
  assertError(w, 403, 'csrf', null, 'X-Requested-With: XMLHttpRequest');
  assert.equal(await findUser(bearerAdmin, username), undefined, 'user not created');
});

test('cookie POST /api/users with X-Requested-With: connect works', async () => {
  const username = uname('csrf');
  const r = await cookieAdmin.req('POST', '/api/users', { body: { username, name: 'Csrf Ok', role: 'user', team: null }, headers: XRW });
  assertStatus(r, 201);
  assert.ok(await findUser(bearerAdmin, username));
});

test('cookie PATCH without the header: 403 csrf, unchanged; with it: works', async () => {
  const u = await findUser(bearerAdmin, 'ebc.user');
  const r = await cookieAdmin.req('PATCH', `/api/users/${u.id}`, { body: { name: 'Hijacked' } });
  assertError(r, 403, 'csrf', null);
  const after1 = await bearerAdmin.req('GET', `/api/users/${u.id}`);
  assert.equal(after1.json.name, u.name, 'name unchanged');
  const ok = await cookieAdmin.req('PATCH', `/api/users/${u.id}`, { body: { team: 'CSRF team' }, headers: XRW });
  assertStatus(ok, 200);
  assert.equal(ok.json.team, 'CSRF team');
});

test('cookie DELETE without the header: 403 csrf, user still there; with it: 204', async () => {
  const made = await createActiveUser(bearerAdmin, { username: uname('csrfdel') });
  assertError(await cookieAdmin.req('DELETE', `/api/users/${made.id}`), 403, 'csrf', null);
  assertStatus(await bearerAdmin.req('GET', `/api/users/${made.id}`), 200, 'still there');
  assertStatus(await made.client.req('GET', '/api/me'), 200, 'its session still works');
  assertStatus(await cookieAdmin.req('DELETE', `/api/users/${made.id}`, { headers: XRW }), 204);
  assertError(await bearerAdmin.req('GET', `/api/users/${made.id}`), 404, 'not_found', null);
});

test('cookie PUT /api/me/password without the header: 403 csrf, password unchanged; with it: 204', async () => {
  const made = await createActiveUser(bearerAdmin, { username: uname('csrfpw') });
  const cookieUser = await signInCookie(stack.base, made.username, STRONG);
  const r = await cookieUser.req('PUT', '/api/me/password', { body: { current_password: STRONG, new_password: 'Another-Strong-Password-99' } });
  assertError(r, 403, 'csrf', null);
  assert.equal(await loginStatus(stack.base, made.username, STRONG), 200, 'old password still signs in');
  const ok = await cookieUser.req('PUT', '/api/me/password', { body: { current_password: STRONG, new_password: 'Another-Strong-Password-99' }, headers: XRW });
  assertStatus(ok, 204);
  assert.equal(await loginStatus(stack.base, made.username, 'Another-Strong-Password-99'), 200);
});

test('cookie POST unlock / reset-password / logout without the header: 403 csrf, no effect', async () => {
  const made = await createActiveUser(bearerAdmin, { username: uname('csrfrst') });
  assertError(await cookieAdmin.req('POST', `/api/users/${made.id}/reset-password`), 403, 'csrf', null, 'reset');
  assertStatus(await made.client.req('GET', '/api/me'), 200, 'session not ended by a refused reset');
  assert.equal(await loginStatus(stack.base, made.username, STRONG), 200, 'password not reset');
  assertError(await cookieAdmin.req('POST', `/api/users/${made.id}/unlock`), 403, 'csrf', null, 'unlock');
  assertError(await cookieAdmin.req('POST', '/api/auth/logout'), 403, 'csrf', null, 'logout');
  assertStatus(await cookieAdmin.req('GET', '/api/me'), 200, 'cookie session not ended');
});

test('bearer-authenticated writes need no X-Requested-With', async () => {
  const username = uname('bearer');
  const r = await bearerAdmin.req('POST', '/api/users', { body: { username, name: 'Bearer Ok', role: 'user', team: null } });
  assertStatus(r, 201);
  const id = r.json.user.id;
  assertStatus(await bearerAdmin.req('PATCH', `/api/users/${id}`, { body: { name: 'Bearer Patched' } }), 200);
  assertStatus(await bearerAdmin.req('POST', `/api/users/${id}/unlock`), 204);
  assertStatus(await bearerAdmin.req('POST', `/api/users/${id}/reset-password`), 200);
  assertStatus(await bearerAdmin.req('DELETE', `/api/users/${id}`), 204);
  const c = await signIn(stack.base, 'ebc.user');
  assertStatus(await c.req('POST', '/api/auth/logout'), 204);
});

test('sign-in itself needs no X-Requested-With', async () => {
  assert.equal(await loginStatus(stack.base, 'ebc.user', DEMO_PASSWORD), 200);
});

test('cookie logout with the header: 204 and the cookie is refused afterwards', async () => {
  const c = await signInCookie(stack.base, 'ebc.user');
  assertStatus(await c.req('POST', '/api/auth/logout', { headers: XRW }), 204);
  assertError(await c.req('GET', '/api/me'), 401, 'unauthenticated', null);
});
