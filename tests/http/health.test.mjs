// GET /api/health, unknown routes, wrong methods, and the security headers nginx adds everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { Client, assertError, assertStatus, isJson, signIn } from '../lib/http.mjs';

let stack; let anon; let admin;
before(async () => {
  stack = await startStack();
  anon = new Client(stack.base);
  admin = await signIn(stack.base, 'nfc.admin');
});
after(async () => { await stack?.stop(); });

test('health: 200 {"status":"ok","version"} without authentication and nothing else', async () => {
  const r = await anon.req('GET', '/api/health');
  assertStatus(r, 200);
  assert.ok(isJson(r), `content-type ${r.headers.get('content-type')}`);
  assert.match(r.headers.get('content-type'), /charset=utf-8/i);
  assert.deepEqual(Object.keys(r.json).sort(), ['status', 'version']);
  assert.equal(r.json.status, 'ok');
  assert.equal(typeof r.json.version, 'string');
  assert.ok(r.json.version.length > 0);
});

test('health: a garbage bearer token does not matter', async () => {
  const r = await anon.req('GET', '/api/health', { headers: { authorization: 'Bearer garbage' } });
  assertStatus(r, 200);
  assert.equal(r.json.status, 'ok');
});

test('unknown route: 404 not_found JSON (anonymous and signed in)', async () => {
  for (const p of ['/api/nope', '/api/health/extra', '/api/users/1/nope', '/api/orgs/1/nope', '/api/']) {
    assertError(await admin.req('GET', p), 404, 'not_found', null, `admin GET ${p}`);
  }
  assertError(await anon.req('GET', '/api/does-not-exist'), 404, 'not_found', null, 'anonymous GET /api/does-not-exist');
  assertError(await admin.req('POST', '/api/does-not-exist', { body: {}, headers: { 'x-requested-with': 'connect' } }), 404, 'not_found', null, 'POST unknown');
});

test('wrong method on a known path: 405 method_not_allowed', async () => {
  assertError(await anon.req('DELETE', '/api/health'), 405, 'method_not_allowed', null, 'DELETE /api/health');
  assertError(await anon.req('POST', '/api/health', { body: {} }), 405, 'method_not_allowed', null, 'POST /api/health');
  assertError(await anon.req('GET', '/api/auth/login'), 405, 'method_not_allowed', null, 'GET /api/auth/login');
  assertError(await admin.req('GET', '/api/auth/logout'), 405, 'method_not_allowed', null, 'GET /api/auth/logout');
  assertError(await admin.req('PUT', '/api/users', { body: {} }), 405, 'method_not_allowed', null, 'PUT /api/users');
  assertError(await admin.req('DELETE', '/api/me'), 405, 'method_not_allowed', null, 'DELETE /api/me');
  assertError(await admin.req('GET', '/api/me/password'), 405, 'method_not_allowed', null, 'GET /api/me/password');
  assertError(await admin.req('GET', `/api/users/${admin.user.id}/unlock`), 405, 'method_not_allowed', null, 'GET unlock');
  const net = await signIn(stack.base, 'net.admin');
  assertError(await net.req('DELETE', '/api/orgs'), 405, 'method_not_allowed', null, 'DELETE /api/orgs');
  // the admin is still signed in and nothing broke
  assertStatus(await admin.req('GET', '/api/me'), 200);
});

function assertSecurityHeaders(r, what) {
  const csp = r.headers.get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy present`);
  assert.match(csp, /default-src 'self'/, `${what}: CSP default-src 'self' (${csp})`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP frame-ancestors 'none' (${csp})`);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  const server = r.headers.get('server');
  if (server) assert.doesNotMatch(server, /\d/, `${what}: Server header leaks a version: ${server}`);
}

test('security headers on a normal API response', async () => {
  const r = await anon.req('GET', '/api/health');
  assertStatus(r, 200);
  assertSecurityHeaders(r, 'GET /api/health');
  const me = await admin.req('GET', '/api/me');
  assertStatus(me, 200);
  assertSecurityHeaders(me, 'GET /api/me');
});

test('security headers on error responses (404, 401, 405)', async () => {
  const r = await anon.req('GET', '/api/nope');
  assert.equal(r.status, 404);
  assertSecurityHeaders(r, 'GET /api/nope');
  const u = await anon.req('GET', '/api/me');
  assert.equal(u.status, 401);
  assertSecurityHeaders(u, 'GET /api/me unauthenticated');
  const m = await anon.req('DELETE', '/api/health');
  assert.equal(m.status, 405);
  assertSecurityHeaders(m, 'DELETE /api/health');
  const s = await anon.req('GET', '/no-such-static-file.js');
  assert.ok([200, 404].includes(s.status), `static miss: ${s.status}`);
  assertSecurityHeaders(s, 'GET /no-such-static-file.js');
});

test('security headers on a static file (the SPA)', async () => {
  const r = await anon.req('GET', '/', { auth: false });
  assertStatus(r, 200, 'GET /');
  assert.match(r.headers.get('content-type') || '', /text\/html/);
  assertSecurityHeaders(r, 'GET /');
});

test('no nginx version in the Server header', async () => {
  for (const p of ['/api/health', '/api/nope', '/']) {
    const r = await anon.req('GET', p);
    const server = r.headers.get('server') || '';
    assert.doesNotMatch(server, /nginx\/\d/i, `${p}: Server: ${server}`);
    assert.doesNotMatch(server, /\d+\.\d+/, `${p}: Server: ${server}`);
  }
});
