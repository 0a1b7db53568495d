// POST /api/auth/login and POST /api/auth/logout: answer shapes, cookie, identical failures, input checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { decodeJwt, now } from '../lib/jwt.mjs';
import {
  Client, DEMO_PASSWORD, ISO_TIME, assertError, assertErrorOneOf, assertStatus, assertUser, isJson,
  sessionSetCookie, sessionCookiePair, signIn,
} from '../lib/http.mjs';

let stack; let anon;
before(async () => { stack = await startStack(); anon = new Client(stack.base); });
after(async () => { await stack?.stop(); });

const login = (body, opts = {}) => anon.req('POST', '/api/auth/login', { body, auth: false, ...opts });

test('login success: token, expires_at, USER exactly, claims', async () => {
  const t0 = now();
  const r = await login({ username: 'nfc.user', password: DEMO_PASSWORD });
  assertStatus(r, 200);
  assert.ok(isJson(r));
  assert.deepEqual(Object.keys(r.json).sort(), ['expires_at', 'token', 'user']);
  assert.equal(typeof r.json.token, 'string');
  assert.match(r.json.expires_at, ISO_TIME);
  const u = r.json.user;
  assertUser(u);
  assert.equal(u.username, 'nfc.user');
  assert.equal(u.role, 'user');
  assert.equal(u.org.kind, 'council');
  assert.equal(u.locked, false);
  assert.equal(u.must_change_password, false);

  const { header, payload } = decodeJwt(r.json.token);
  assert.equal(header.alg, 'HS256');
  assert.equal(payload.sub, String(u.id), 'sub is the user id as a string');
  assert.match(payload.sid, /^[0-9a-f]{32}$/, 'sid is 32 hex digits');
  assert.ok(Number.isInteger(payload.iat) && Number.isInteger(payload.exp));
  assert.ok(payload.iat >= t0 - 5 && payload.iat <= now() + 5, 'iat is now');
  assert.ok(payload.exp > payload.iat && payload.exp - payload.iat <= 1800, 'exp at most 30 minutes after iat');
  assert.ok(payload.exp - payload.iat >= 1700, 'idle lifetime about 30 minutes');
  const exp = Date.parse(r.json.expires_at) / 1000;
  assert.ok(Math.abs(exp - payload.exp) <= 1, `expires_at (${r.json.expires_at}) matches exp (${payload.exp})`);

  const me = await anon.req('GET', '/api/me', { headers: { authorization: `Bearer ${r.json.token}` } });
  assertStatus(me, 200);
  assert.deepEqual(me.json, u, 'GET /api/me gives the same USER');
});

test('login sets connect_session cookie: HttpOnly, SameSite=Strict, Path=/api, holding the token', async () => {
  const r = await login({ username: 'nfc.user', password: DEMO_PASSWORD });
  assertStatus(r, 200);
  const c = sessionSetCookie(r.headers);
  assert.ok(c, `Set-Cookie connect_session present: ${r.headers.get('set-cookie')}`);
  const attrs = c.split(';').map((s) => s.trim());
  const lower = attrs.map((a) => a.toLowerCase());
  assert.ok(lower.includes('httponly'), `HttpOnly in ${c}`);
  assert.ok(lower.includes('samesite=strict'), `SameSite=Strict in ${c}`);
  assert.ok(attrs.includes('Path=/api') || lower.includes('path=/api'), `Path=/api in ${c}`);
  assert.ok(!lower.includes('secure'), 'no Secure flag over plain HTTP');
  assert.equal(attrs[0], `connect_session=${r.json.token}`, 'cookie holds the token');
  // the cookie alone authenticates a GET
  const me = await anon.req('GET', '/api/me', { headers: { cookie: sessionCookiePair(r.headers) } });
  assertStatus(me, 200);
  assert.equal(me.json.username, 'nfc.user');
});

test('wrong password and unknown user give identical 401 invalid_credentials bodies', async () => {
  const a = await login({ username: 'ebc.user', password: 'wrong-password-123' });
  const b = await login({ username: 'no.such.user', password: 'wrong-password-123' });
  const c = await login({ username: 'no.such.user', password: DEMO_PASSWORD });
  assertError(a, 401, 'invalid_credentials', null, 'wrong password');
  assertError(b, 401, 'invalid_credentials', null, 'unknown user');
  assertError(c, 401, 'invalid_credentials', null, 'unknown user, demo password');
  assert.equal(a.text, b.text, 'identical body text');
  assert.equal(a.text, c.text, 'identical body text');
  assert.equal(sessionSetCookie(a.headers), undefined, 'no session cookie on failure');
  // one success resets the failure count of ebc.user
  assertStatus(await login({ username: 'ebc.user', password: DEMO_PASSWORD }), 200);
});

test('an unknown user name is throttled exactly like a known one: 4 × 401, then 429 too_many_attempts', async () => {
  for (const name of ['ghost.user', 'ho.user']) {
    for (let i = 0; i < 4; i += 1) {
      assertError(await login({ username: name, password: `wrong-${i}-password` }), 401, 'invalid_credentials', null, `${name} attempt ${i + 1}`);
    }
    const r = await login({ username: name, password: 'wrong-4-password' });
    assertError(r, 429, 'too_many_attempts', null, `${name} attempt 5`);
    assert.equal(r.headers.get('retry-after'), '900', `${name}: Retry-After 15 minutes`);
  }
  assertError(await login({ username: 'ho.user', password: DEMO_PASSWORD }), 429, 'too_many_attempts', null, 'right password while throttled');
});

test('user name is case-insensitive at sign-in', async () => {
  for (const name of ['NFC.Admin', 'NFC.ADMIN', 'nfc.admin']) {
    const r = await login({ username: name, password: DEMO_PASSWORD });
    assertStatus(r, 200, name);
    assert.equal(r.json.user.username, 'nfc.admin');
  }
});

test('password is case-sensitive', async () => {
  assertError(await login({ username: 'wmc.user', password: DEMO_PASSWORD.toUpperCase() }), 401, 'invalid_credentials', null);
  assertStatus(await login({ username: 'wmc.user', password: DEMO_PASSWORD }), 200);
});

test('missing fields: 400 invalid_field or 422 validation_failed naming the field', async () => {
  const pairs = [[400, 'invalid_field'], [422, 'validation_failed']];
  assertErrorOneOf(await login({ password: DEMO_PASSWORD }), pairs, 'username', 'no username');
  assertErrorOneOf(await login({ username: 'nfc.user' }), pairs, 'password', 'no password');
  const e = await login({});
  assertErrorOneOf(e, pairs, undefined, 'empty object');
  assert.ok(['username', 'password'].includes(e.json.error.field), `field names a missing one: ${e.text}`);
});

test('wrong types: 400 invalid_field naming the field', async () => {
  assertError(await login({ username: 42, password: DEMO_PASSWORD }), 400, 'invalid_field', 'username', 'username number');
  assertError(await login({ username: ['nfc.user'], password: DEMO_PASSWORD }), 400, 'invalid_field', 'username', 'username array');
  // null may count as a wrong type (400) or as a missing value (422); either way the field is named
  assertErrorOneOf(await login({ username: null, password: DEMO_PASSWORD }), [[400, 'invalid_field'], [422, 'validation_failed']], 'username', 'username null');
  assertError(await login({ username: 'nfc.user', password: true }), 400, 'invalid_field', 'password', 'password bool');
  assertError(await login({ username: 'nfc.user', password: { p: 1 } }), 400, 'invalid_field', 'password', 'password object');
});

test('unknown field: 400 invalid_field naming it', async () => {
  assertError(await login({ username: 'nfc.user', password: DEMO_PASSWORD, remember: true }), 400, 'invalid_field', 'remember');
});

test('login: malformed JSON and non-object JSON give 400 invalid_json', async () => {
  assertError(await login(undefined, { raw: '{"username":"nfc.user",' }), 400, 'invalid_json', null, 'truncated');
  assertError(await login(undefined, { raw: '[]' }), 400, 'invalid_json', null, 'array');
  assertError(await login(undefined, { raw: '"nfc.user"' }), 400, 'invalid_json', null, 'string');
  assertError(await login(undefined, { raw: 'null' }), 400, 'invalid_json', null, 'null');
  assertError(await login(undefined, { raw: '' }), 400, 'invalid_json', null, 'empty body');
});

test('logout: 204, token refused afterwards, cookie cleared', async () => {
  const c = await signIn(stack.base, 'wmc.admin');
  const r = await c.req('POST', '/api/auth/logout');
  assertStatus(r, 204);
  assert.equal(r.text, '', '204 has no body');
  const sc = sessionSetCookie(r.headers);
  assert.ok(sc, 'logout sets connect_session to clear it');
  assert.ok(/^connect_session=;/.test(sc) || /max-age=0/i.test(sc) || /expires=thu, 01 jan 1970/i.test(sc),
    `cookie cleared: ${sc}`);
  assertError(await c.req('GET', '/api/me'), 401, 'unauthenticated', null, 'token after logout');
  assertError(await c.req('POST', '/api/auth/logout'), 401, 'unauthenticated', null, 'second logout');
});

test('logout without a token: 401 unauthenticated', async () => {
  assertError(await anon.req('POST', '/api/auth/logout'), 401, 'unauthenticated', null);
});

test('logout ends only that session', async () => {
  const a = await signIn(stack.base, 'wmc.user');
  const b = await signIn(stack.base, 'wmc.user');
  assertStatus(await a.req('POST', '/api/auth/logout'), 204);
  assertError(await a.req('GET', '/api/me'), 401, 'unauthenticated', null);
  assertStatus(await b.req('GET', '/api/me'), 200, 'other session still works');
});
