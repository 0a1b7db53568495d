// Cross-site requests (fcgi/cross_site.h): every POST/PUT/PATCH/DELETE, sign-in included, must declare
// its body as application/json (text/csv for the CSV uploads; a document upload any type) or answer
// 415 unsupported_media_type, and a cross-site Origin or Sec-Fetch-Site answers 403 cross_site; nothing
// changes either way. Same-origin requests and requests with neither header (curl, scripts) work.
// Under an https CONNECT_PUBLIC_URL the session cookie is __Host-connect_session (Secure, Path=/),
// and it still works over the plain-http loopback nginx. Logout sends Clear-Site-Data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client, DEMO_PASSWORD } from '../lib/stack.mjs';
import {
  assertError, assertStatus, findUser, sessionSetCookie, setCookies, signIn, signInCookie, uname,
} from '../lib/http.mjs';
import { createCase, pngBytes, upload, getCase } from '../lib/cases.mjs';

let stack; let admin; let cookieAdmin;
before(async () => {
  stack = await startStack();
  admin = await signIn(stack.base, 'ebc.admin');
  cookieAdmin = await signInCookie(stack.base, 'ebc.admin');
});
after(async () => { await stack?.stop(); });

const XRW = { 'x-requested-with': 'connect' };
const EVIL = 'http://evil.example';
const LOGIN = JSON.stringify({ username: 'ebc.user', password: DEMO_PASSWORD });

/** A raw request: exactly the headers given (no JSON default). */
async function raw(method, path, { body, headers = {} } = {}) {
  const r = await fetch(stack.base + path, { method, headers, body, redirect: 'manual' });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, json, text };
}

test('sign-in as text/plain, form-encoded, multipart or untyped: 415 naming application/json, no session', async () => {
  const form = new URLSearchParams({ username: 'ebc.user', password: DEMO_PASSWORD }).toString();
  const cases = [
    ['text/plain', LOGIN],
    ['text/plain;charset=UTF-8', LOGIN],
    ['application/x-www-form-urlencoded', form],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nebc.user\r\n--x--\r\n`],
  ];
  for (const [type, body] of cases) {
    const r = await raw('POST', '/api/auth/login', { body, headers: { 'content-type': type } });
    assertError(r, 415, 'unsupported_media_type', null, type);
    assert.match(r.json.error.message, /application\/json/, 'the message names the expected type');
    assert.equal(sessionSetCookie(r.headers), undefined, `no session cookie (${type})`);
    assert.ok(!r.text.includes('token'), 'no token');
  }
  // A body without any Content-Type is refused too.
  const untyped = await raw('POST', '/api/auth/login', { body: new Blob([LOGIN]) });
  assertError(untyped, 415, 'unsupported_media_type', null, 'no Content-Type');
  // application/json with a charset is fine.
  assertStatus(await raw('POST', '/api/auth/login', { body: LOGIN, headers: { 'content-type': 'application/json; charset=utf-8' } }), 200);
});

test('sign-in with a cross-site Origin or Sec-Fetch-Site: 403 cross_site and no session; same-origin signs in', async () => {
  for (const headers of [{ origin: EVIL }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' },
    { origin: stack.base, 'sec-fetch-site': 'cross-site' }, { origin: EVIL, 'sec-fetch-site': 'same-origin' }]) {
    const r = await raw('POST', '/api/auth/login', { body: LOGIN, headers: { 'content-type': 'application/json', ...headers } });
    assertError(r, 403, 'cross_site', null, JSON.stringify(headers));
    assert.equal(sessionSetCookie(r.headers), undefined, 'no session cookie');
  }
  for (const headers of [{ origin: stack.base, 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}]) {
    const r = await raw('POST', '/api/auth/login', { body: LOGIN, headers: { 'content-type': 'application/json', ...headers } });
    assertStatus(r, 200, JSON.stringify(headers));
    assert.ok(sessionSetCookie(r.headers), 'session cookie');
  }
});

test('a cookie POST / PATCH / DELETE from another site: 403 cross_site, nothing changed', async () => {
  const username = uname('xsite');
  const body = JSON.stringify({ username, name: 'Cross Site', role: 'user', team: null });
  for (const headers of [{ origin: EVIL }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
    const r = await cookieAdmin.req('POST', '/api/users', { raw: body, headers: { ...XRW, ...headers } });
    assertError(r, 403, 'cross_site', null, JSON.stringify(headers));
  }
  assert.equal(await findUser(admin, username), undefined, 'user not created');
  const target = await findUser(admin, 'ebc.user');
  assertError(await cookieAdmin.req('PATCH', `/api/users/${target.id}`, { body: { name: 'Hijacked' }, headers: { ...XRW, origin: EVIL } }), 403, 'cross_site', null);
  assertError(await cookieAdmin.req('DELETE', `/api/users/${target.id}`, { headers: { ...XRW, 'sec-fetch-site': 'cross-site' } }), 403, 'cross_site', null);
  assert.equal((await admin.req('GET', `/api/users/${target.id}`)).json.name, target.name, 'unchanged, not deleted');
  // A bearer token is no excuse for a cross-site request either.
  assertError(await admin.req('POST', '/api/users', { raw: body, headers: { origin: EVIL } }), 403, 'cross_site', null, 'bearer');
  // The same request from Connect's own page works.
  const ok = await cookieAdmin.req('POST', '/api/users', { raw: body, headers: { ...XRW, origin: stack.base, 'sec-fetch-site': 'same-origin' } });
  assertStatus(ok, 201);
  // A cross-site read changes nothing and is not refused here (the cookie is SameSite=Strict).
  assertStatus(await cookieAdmin.req('GET', '/api/users', { headers: { 'sec-fetch-site': 'cross-site' } }), 200);
});

test('a cookie write with a form or text body: 415, nothing changed', async () => {
  const username = uname('xtype');
  const json = JSON.stringify({ username, name: 'Typed Wrong', role: 'user', team: null });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
    assertError(await cookieAdmin.req('POST', '/api/users', { raw: json, headers: { ...XRW, 'content-type': type } }), 415, 'unsupported_media_type', null, type);
  }
  assert.equal(await findUser(admin, username), undefined, 'user not created');
  const target = await findUser(admin, 'ebc.user');
  assertError(await cookieAdmin.req('PATCH', `/api/users/${target.id}`, { raw: '{"name":"Typed"}', headers: { ...XRW, 'content-type': 'text/plain' } }), 415, 'unsupported_media_type', null);
  assert.equal((await admin.req('GET', `/api/users/${target.id}`)).json.name, target.name);
});

test('bodyless writes need no Content-Type; a declared wrong one is still refused', async () => {
  const target = await findUser(admin, 'ebc.user');
  assertStatus(await cookieAdmin.req('POST', `/api/users/${target.id}/unlock`, { headers: XRW }), 204, 'no body, no type');
  assertStatus(await cookieAdmin.req('POST', `/api/users/${target.id}/unlock`, { headers: { ...XRW, 'content-type': 'application/json' } }), 204, 'no body, JSON type');
  assertError(await cookieAdmin.req('POST', `/api/users/${target.id}/unlock`, { headers: { ...XRW, 'content-type': 'text/plain' } }), 415, 'unsupported_media_type', null);
});

test('uploads keep their types: CSV routes take text/csv only, a document any type; all get the Origin check', async () => {
  const csvAdmin = await signIn(stack.base, 'ebc.admin');
  const imp = await csvAdmin.req('POST', '/api/cases/import', { raw: 'a,b\r\n', headers: { 'content-type': 'text/plain' } });
  assertError(imp, 415, 'unsupported_media_type', null, 'import as text/plain');
  assert.match(imp.json.error.message, /text\/csv/);
  const ho = await signIn(stack.base, 'ho.admin');
  const reg = await ho.req('PUT', '/api/rtpf/register', { raw: 'a,b\r\n', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(reg, 415, 'unsupported_media_type', null, 'register as a form');
  assertError(await ho.req('PUT', '/api/rtpf/register', { raw: 'a,b\r\n', headers: { 'content-type': 'text/csv', origin: EVIL } }), 403, 'cross_site', null);

  const user = await signIn(stack.base, 'ebc.user');
  const c = await createCase(user);
  assertStatus(await upload(user, c.id, pngBytes(), { filename: 'x.png', contentType: 'image/png' }), 201);
  const evil = await user.req('POST', `/api/cases/${c.id}/documents?filename=y.png`, { raw: pngBytes(), headers: { 'content-type': 'image/png', origin: EVIL } });
  assertError(evil, 403, 'cross_site', null, 'cross-site upload');
  const typed = await user.req('POST', `/api/cases/${c.id}/documents?filename=z.png`, { raw: pngBytes(), headers: { 'content-type': 'text/plain' } });
  assertStatus(typed, 201, 'a document is typed by its bytes');
  assert.equal((await getCase(user, c.id)).documents.length, 2, 'the cross-site upload saved nothing');
});

test('logout sends Clear-Site-Data: "cookies", "storage" and clears the cookie', async () => {
  const c = await signInCookie(stack.base, 'ebc.user');
  const r = await c.req('POST', '/api/auth/logout', { headers: XRW });
  assertStatus(r, 204);
  assert.equal(r.headers.get('clear-site-data'), '"cookies", "storage"');
  assert.match(sessionSetCookie(r.headers) ?? '', /^connect_session=;.*Max-Age=0/i);
});

test('CONNECT_PUBLIC_URL=https://…: the cookie is __Host-connect_session (Secure, Path=/, no Domain) and works over plain http', async () => {
  const PUBLIC = 'https://connect.example.test';
  const s = await startStack({ env: { CONNECT_PUBLIC_URL: PUBLIC } });
  try {
    const anon = new Client(s.base);
    const r = await anon.req('POST', '/api/auth/login', { body: { username: 'ebc.admin', password: DEMO_PASSWORD }, auth: false, headers: { origin: PUBLIC, 'sec-fetch-site': 'same-origin' } });
    assertStatus(r, 200, 'sign-in from the public origin');
    const all = setCookies(r.headers);
    assert.equal(all.length, 1, all.join(' | '));
    const attrs = all[0].split(';').map((x) => x.trim());
    assert.equal(attrs[0], `__Host-connect_session=${r.json.token}`);
    const lower = attrs.slice(1).map((x) => x.toLowerCase());
    assert.ok(lower.includes('secure'), `Secure: ${all[0]}`);
    assert.ok(lower.includes('path=/'), `Path=/: ${all[0]}`);
    assert.ok(lower.includes('httponly') && lower.includes('samesite=strict'), all[0]);
    assert.ok(!lower.some((a) => a.startsWith('domain')), 'no Domain');

    const cookie = attrs[0];
    const me = await anon.req('GET', '/api/me', { headers: { cookie } });
    assertStatus(me, 200, 'the __Host- cookie over plain http');
    assert.equal(me.json.username, 'ebc.admin');
    const made = await anon.req('POST', '/api/users', { body: { username: uname('host'), name: 'Host Cookie', role: 'user', team: null }, headers: { cookie, ...XRW, origin: PUBLIC } });
    assertStatus(made, 201, 'a cookie write from the public origin');
    // The name of the other mode is not read: a planted connect_session cookie opens nothing.
    assertError(await anon.req('GET', '/api/me', { headers: { cookie: `connect_session=${r.json.token}` } }), 401, 'unauthenticated', null);
    // The loopback origin nginx sees is Connect's own too; another site is not.
    assertStatus(await anon.req('POST', '/api/auth/login', { body: { username: 'ebc.user', password: DEMO_PASSWORD }, auth: false, headers: { origin: s.base } }), 200);
    assertError(await anon.req('POST', '/api/auth/login', { body: { username: 'ebc.user', password: DEMO_PASSWORD }, auth: false, headers: { origin: 'https://evil.example.test' } }), 403, 'cross_site', null);

    const out = await anon.req('POST', '/api/auth/logout', { headers: { cookie, ...XRW } });
    assertStatus(out, 204);
    assert.equal(out.headers.get('clear-site-data'), '"cookies", "storage"');
    const cleared = setCookies(out.headers)[0] ?? '';
    assert.match(cleared, /^__Host-connect_session=;/);
    assert.match(cleared, /Path=\/;/);
    assert.match(cleared, /Secure/);
    assertError(await anon.req('GET', '/api/me', { headers: { cookie } }), 401, 'unauthenticated', null);
  } finally {
    await s.stop();
  }
});
