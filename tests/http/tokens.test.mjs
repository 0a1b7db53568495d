// JWT handling: tampering, algorithms, expiry, forging with the real key, revocation, renewal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { b64url, decodeJwt, now, randomSid, signJwt } from '../lib/jwt.mjs';
import {
  Client, ISO_TIME, STRONG, STRONG2, assertError, assertStatus, createActiveUser, findUser,
  sessionCookiePair, sessionSetCookie, signIn, signInCookie,
} from '../lib/http.mjs';

let stack; let key; let anon; let nfcAdmin;
before(async () => {
  stack = await startStack();
  key = stack.secretKey();
  anon = new Client(stack.base);
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
});
after(async () => { await stack?.stop(); });

const bearer = (token, path = '/api/me', method = 'GET') => anon.req(method, path, { headers: { authorization: `Bearer ${token}` } });

test('the JWT key is 32+ random bytes', () => {
  assert.ok(key.length >= 32, `key length ${key.length}`);
});

test('no token: 401 unauthenticated on every signed-in endpoint', async () => {
  for (const [m, p] of [['GET', '/api/me'], ['GET', '/api/users'], ['GET', '/api/users/1'], ['GET', '/api/orgs'],
    ['POST', '/api/auth/logout'], ['PUT', '/api/me/password'], ['POST', '/api/users'], ['PATCH', '/api/users/1'],
    ['DELETE', '/api/users/1'], ['POST', '/api/users/1/unlock'], ['POST', '/api/users/1/reset-password'], ['POST', '/api/orgs']]) {
    const body = ['GET', 'DELETE'].includes(m) ? undefined : {};
    assertError(await anon.req(m, p, { body, headers: { 'x-requested-with': 'connect' } }), 401, 'unauthenticated', null, `${m} ${p}`);
  }
});

test('garbage bearer tokens: 401 unauthenticated', async () => {
  for (const t of ['garbage', 'a.b.c', '..', 'e30.e30.', 'Bearer', 'x'.repeat(5000)]) {
    assertError(await bearer(t), 401, 'unauthenticated', null, `token ${t.slice(0, 20)}`);
  }
  assertError(await anon.req('GET', '/api/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'unauthenticated', null, 'Basic auth');
  assertError(await anon.req('GET', '/api/me', { headers: { authorization: 'Bearer' } }), 401, 'unauthenticated', null, 'empty bearer');
  assertError(await anon.req('GET', '/api/me', { headers: { cookie: 'connect_session=garbage' } }), 401, 'unauthenticated', null, 'garbage cookie');
});

test('tampered payload (sub changed, old signature) is refused', async () => {
  const c = await signIn(stack.base, 'nfc.user');
  assertStatus(await c.req('GET', '/api/me'), 200);
  const { parts, payload } = decodeJwt(c.token);
  const forged = `${parts[0]}.${b64url({ ...payload, sub: String(nfcAdmin.user.id) })}.${parts[2]}`;
  assertError(await bearer(forged), 401, 'unauthenticated', null, 'tampered sub');
  assertError(await bearer(forged, '/api/users'), 401, 'unauthenticated', null, 'tampered sub on admin endpoint');
  // flipping one signature character is refused too
  const sig = parts[2];
  const flipped = `${parts[0]}.${parts[1]}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  assertError(await bearer(flipped), 401, 'unauthenticated', null, 'flipped signature');
  assertStatus(await c.req('GET', '/api/me'), 200, 'original token still fine');
});

test('alg none token is refused', async () => {
  const c = await signIn(stack.base, 'nfc.user');
  const { payload } = decodeJwt(c.token);
  for (const alg of ['none', 'None', 'NONE']) {
    const t = signJwt(payload, key, { alg: 'none', header: { alg, typ: 'JWT' } });
    assertError(await bearer(t), 401, 'unauthenticated', null, `alg ${alg}`);
    // and with a (meaningless) signature attached
    const withSig = `${t}${b64url(Buffer.from('sig'))}`;
    assertError(await bearer(withSig), 401, 'unauthenticated', null, `alg ${alg} with signature`);
  }
});

test('HS512 and HS384 tokens signed with the right secret and valid claims are refused', async () => {
  const c = await signIn(stack.base, 'nfc.user');
  const { payload } = decodeJwt(c.token);
  for (const alg of ['HS512', 'HS384']) {
    assertError(await bearer(signJwt(payload, key, { alg })), 401, 'unauthenticated', null, alg);
  }
  // control: the same claims under HS256 work
  assertStatus(await bearer(signJwt(payload, key)), 200, 'same claims HS256');
});

test('forged HS256 with the right secret: exp in the past 401, exp in the future 200', async () => {
  const c = await signIn(stack.base, 'nfc.user');
  const { payload } = decodeJwt(c.token);
  const t = now();
  const expired = signJwt({ sub: payload.sub, sid: payload.sid, iat: t - 1900, exp: t - 100 }, key);
  assertError(await bearer(expired), 401, 'unauthenticated', null, 'exp in the past');
  const justExpired = signJwt({ sub: payload.sub, sid: payload.sid, iat: t - 1801, exp: t - 1 }, key);
  assertError(await bearer(justExpired), 401, 'unauthenticated', null, 'exp one second ago');
  const valid = signJwt({ sub: payload.sub, sid: payload.sid, iat: t, exp: t + 1200 }, key);
  const r = await bearer(valid);
  assertStatus(r, 200, 'forged token with future exp (proves forging works)');
  assert.equal(r.json.username, 'nfc.user');
});

test('token without exp, or with a non-numeric exp, is refused', async () => {
  const c = await signIn(stack.base, 'nfc.user');
  const { payload } = decodeJwt(c.token);
  const t = now();
  assertError(await bearer(signJwt({ sub: payload.sub, sid: payload.sid, iat: t }, key)), 401, 'unauthenticated', null, 'no exp');
  assertError(await bearer(signJwt({ sub: payload.sub, sid: payload.sid, iat: t, exp: String(t + 600) }, key)), 401, 'unauthenticated', null, 'exp string');
  assertError(await bearer(signJwt({ sub: payload.sub, sid: payload.sid, iat: t, exp: null }, key)), 401, 'unauthenticated', null, 'exp null');
});

test('forged tokens for a session that does not exist, or of another user, are refused', async () => {
  const c = await signIn(stack.base, 'nfc.user');
  const { payload } = decodeJwt(c.token);
  const t = now();
  assertError(await bearer(signJwt({ sub: payload.sub, sid: randomSid(), iat: t, exp: t + 600 }, key)), 401, 'unauthenticated', null, 'random sid');
  assertError(await bearer(signJwt({ sub: String(nfcAdmin.user.id), sid: payload.sid, iat: t, exp: t + 600 }, key)), 401, 'unauthenticated', null, 'sid of another user');
  assertError(await bearer(signJwt({ sub: '999999', sid: payload.sid, iat: t, exp: t + 600 }, key)), 401, 'unauthenticated', null, 'unknown sub');
  assertError(await bearer(signJwt({ sid: payload.sid, iat: t, exp: t + 600 }, key)), 401, 'unauthenticated', null, 'no sub');
  assertError(await bearer(signJwt({ sub: payload.sub, iat: t, exp: t + 600 }, key)), 401, 'unauthenticated', null, 'no sid');
  // a token signed with another key
  assertError(await bearer(signJwt(payload, Buffer.alloc(32, 7))), 401, 'unauthenticated', null, 'wrong key');
});

test('a token after logout is refused, even re-signed with a future exp', async () => {
  const c = await signIn(stack.base, 'ebc.user');
  const { payload } = decodeJwt(c.token);
  assertStatus(await c.req('POST', '/api/auth/logout'), 204);
  assertError(await c.req('GET', '/api/me'), 401, 'unauthenticated', null, 'after logout');
  const t = now();
  assertError(await bearer(signJwt({ ...payload, iat: t, exp: t + 900 }, key)), 401, 'unauthenticated', null, 're-signed after logout');
});

test('password change ends the user\'s OTHER sessions; the current one still works', async () => {
  const made = await createActiveUser(nfcAdmin, { username: 'tok.pwchange' });
  const a = await signIn(stack.base, made.username, STRONG);
  const b = await signIn(stack.base, made.username, STRONG);
  const cookieSession = await signInCookie(stack.base, made.username, STRONG);
  assertStatus(await b.req('GET', '/api/me'), 200);
  const r = await a.req('PUT', '/api/me/password', { body: { current_password: STRONG, new_password: STRONG2 } });
  assertStatus(r, 204);
  assertError(await b.req('GET', '/api/me'), 401, 'unauthenticated', null, 'other bearer session');
  assertError(await cookieSession.req('GET', '/api/me'), 401, 'unauthenticated', null, 'other cookie session');
  assertError(await made.client.req('GET', '/api/me'), 401, 'unauthenticated', null, 'first session');
  assertStatus(await a.req('GET', '/api/me'), 200, 'current session still works');
});

test('admin reset-password ends all sessions of the user', async () => {
  const made = await createActiveUser(nfcAdmin, { username: 'tok.reset' });
  const a = await signIn(stack.base, made.username, STRONG);
  assertStatus(await a.req('GET', '/api/me'), 200);
  const r = await nfcAdmin.req('POST', `/api/users/${made.id}/reset-password`);
  assertStatus(r, 200);
  assertError(await a.req('GET', '/api/me'), 401, 'unauthenticated', null, 'session after reset');
  assertError(await made.client.req('GET', '/api/me'), 401, 'unauthenticated', null, 'older session after reset');
});

test('admin delete ends all sessions of the user (even re-signed tokens)', async () => {
  const made = await createActiveUser(nfcAdmin, { username: 'tok.delete' });
  const { payload } = decodeJwt(made.client.token);
  assertStatus(await made.client.req('GET', '/api/me'), 200);
  assertStatus(await nfcAdmin.req('DELETE', `/api/users/${made.id}`), 204);
  assertError(await made.client.req('GET', '/api/me'), 401, 'unauthenticated', null, 'after delete');
  const t = now();
  assertError(await bearer(signJwt({ ...payload, iat: t, exp: t + 900 }, key)), 401, 'unauthenticated', null, 're-signed after delete');
});

test('role change via PATCH takes effect on the next request with the same token', async () => {
  const made = await createActiveUser(nfcAdmin, { username: 'tok.demoted', role: 'admin' });
  assertStatus(await made.client.req('GET', '/api/users'), 200, 'admin lists users');
  const p = await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { role: 'user' } });
  assertStatus(p, 200);
  assert.equal(p.json.role, 'user');
  assertError(await made.client.req('GET', '/api/users'), 403, 'forbidden', null, 'demoted admin, same token');
  const n = (await nfcAdmin.req('GET', '/api/users?limit=500')).json.total;
  assertError(await made.client.req('POST', '/api/users', { body: { username: 'tok.by.demoted', name: 'X', role: 'user', team: null } }), 403, 'forbidden', null, 'demoted admin creates');
  assert.equal((await nfcAdmin.req('GET', '/api/users?limit=500')).json.total, n, 'nothing created');
  const me = await made.client.req('GET', '/api/me');
  assertStatus(me, 200);
  assert.equal(me.json.role, 'user');
  // and promotion works at once too
  assertStatus(await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { role: 'admin' } }), 200);
  assertStatus(await made.client.req('GET', '/api/users'), 200, 'promoted again, same token');
});

test('a bearer header wins over the cookie', async () => {
  const user = await signInCookie(stack.base, 'nfc.user');
  const other = await signIn(stack.base, 'ebc.user');
  const r = await anon.req('GET', '/api/me', { headers: { cookie: user.cookie, authorization: `Bearer ${other.token}` } });
  assertStatus(r, 200);
  assert.equal(r.json.username, 'ebc.user');
  const bad = await anon.req('GET', '/api/me', { headers: { cookie: user.cookie, authorization: 'Bearer garbage' } });
  assertError(bad, 401, 'unauthenticated', null, 'invalid bearer + valid cookie');
});

test('token renewal: a valid token older than 5 minutes gets X-Connect-Token that works', async () => {
  const c = await signIn(stack.base, 'wmc.user');
  const { payload } = decodeJwt(c.token);
  const t = now();
  const old = signJwt({ sub: payload.sub, sid: payload.sid, iat: t - 600, exp: t + 1200 }, key);
  const r = await bearer(old);
  assertStatus(r, 200);
  const fresh = r.headers.get('x-connect-token');
  assert.ok(fresh, 'X-Connect-Token present');
  assert.notEqual(fresh, old);
  const exp = r.headers.get('x-connect-token-expires');
  assert.match(exp || '', ISO_TIME, `X-Connect-Token-Expires ISO: ${exp}`);
  const d = decodeJwt(fresh);
  assert.equal(d.header.alg, 'HS256');
  assert.equal(d.payload.sub, payload.sub);
  assert.equal(d.payload.sid, payload.sid, 'same session');
  const t2 = now();
  assert.ok(d.payload.exp > t2 + 1700 && d.payload.exp <= t2 + 1805, `new exp is now + 30 min (${d.payload.exp - t2}s)`);
  assert.ok(Math.abs(Date.parse(exp) / 1000 - d.payload.exp) <= 1, 'X-Connect-Token-Expires matches exp');
  const sc = sessionSetCookie(r.headers);
  assert.ok(sc, 'new connect_session cookie too');
  assert.equal(sessionCookiePair(r.headers), `connect_session=${fresh}`);
  const again = await bearer(fresh);
  assertStatus(again, 200, 'renewed token works');
  assert.equal(again.json.username, 'wmc.user');
  assert.equal(again.headers.get('x-connect-token'), null, 'a fresh token is not renewed again');
});

test('token renewal: a token under 5 minutes old is not renewed', async () => {
  const c = await signIn(stack.base, 'wmc.user');
  const r = await c.req('GET', '/api/me');
  assertStatus(r, 200);
  assert.equal(r.headers.get('x-connect-token'), null);
  assert.equal(sessionSetCookie(r.headers), undefined, 'no new cookie');
});

test('token renewal over the cookie: a new connect_session cookie and X-Connect-Token', async () => {
  const c = await signIn(stack.base, 'ebc.admin');
  const { payload } = decodeJwt(c.token);
  const t = now();
  const old = signJwt({ sub: payload.sub, sid: payload.sid, iat: t - 900, exp: t + 900 }, key);
  const r = await anon.req('GET', '/api/users', { headers: { cookie: `connect_session=${old}` } });
  assertStatus(r, 200);
  const fresh = r.headers.get('x-connect-token');
  assert.ok(fresh, 'X-Connect-Token present');
  const sc = sessionSetCookie(r.headers);
  assert.ok(sc, 'Set-Cookie connect_session present');
  const lower = sc.split(';').map((a) => a.trim().toLowerCase());
  assert.ok(lower.includes('httponly') && lower.includes('samesite=strict') && lower.includes('path=/api'), `cookie attributes: ${sc}`);
  assert.equal(sessionCookiePair(r.headers), `connect_session=${fresh}`);
  assertStatus(await anon.req('GET', '/api/me', { headers: { cookie: `connect_session=${fresh}` } }), 200, 'renewed cookie works');
});
