// The access log <data>/log/access.log: one line per API request with method, path, status,
// microseconds and user id; never a password or a token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { Client, DEMO_PASSWORD, STRONG, assertStatus, signIn } from '../lib/http.mjs';

let stack; let admin; let temp; let lines;
const WRONG = 'Wrong-Secret-Passw0rd-xyz';
const tokens = [];

before(async () => {
  stack = await startStack();
  admin = await signIn(stack.base, 'nfc.admin');
  tokens.push(admin.token);
  for (let i = 0; i < 3; i += 1) assertStatus(await admin.req('GET', '/api/me'), 200);
  assertStatus(await admin.req('GET', '/api/users?limit=1'), 200);
  assert.equal((await admin.req('GET', '/api/nope-log-probe')).status, 404);
  assert.equal((await new Client(stack.base).login('nfc.user', WRONG)).status, 401);
  const created = await admin.req('POST', '/api/users', { body: { username: 'log.probe', name: 'Log Probe', role: 'user', team: null } });
  assertStatus(created, 201);
  temp = created.json.temporary_password;
  const probe = await signIn(stack.base, 'log.probe', temp);
  tokens.push(probe.token);
  assertStatus(await probe.req('PUT', '/api/me/password', { body: { current_password: temp, new_password: STRONG } }), 204);
  // cookie-authenticated request too
  const cookieLogin = await new Client(stack.base).req('POST', '/api/auth/login', { body: { username: 'nfc.user', password: DEMO_PASSWORD }, auth: false });
  tokens.push(cookieLogin.json.token);
  const cookie = `connect_session=${cookieLogin.json.token}`;
  assertStatus(await new Client(stack.base).req('GET', '/api/me', { headers: { cookie } }), 200);
  await new Promise((r) => setTimeout(r, 500));
  const file = join(stack.data, 'log', 'access.log');
  assert.ok(existsSync(file), `${file} exists`);
  lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
});
after(async () => { await stack?.stop(); });

// lines for exactly this path (with or without a query string), not a longer path
const forPath = (path) => lines.filter((l) => new RegExp(`(^|[\\s"'=])${path.replace(/[.?]/g, '\\$&')}([\\s"'?,]|$)`).test(l));
const hasToken = (l, v) => new RegExp(`(^|[^0-9A-Za-z])${v}([^0-9A-Za-z]|$)`).test(l);

test('one line per API request to GET /api/me (4 requests → 4 lines)', () => {
  const me = forPath('/api/me');
  assert.equal(me.length, 4, `lines:\n${me.join('\n')}`);
  for (const l of me) {
    assert.ok(hasToken(l, 'GET'), `method in ${l}`);
    assert.ok(hasToken(l, '200'), `status in ${l}`);
  }
});

test('lines carry method, path, status and the signed-in user id', () => {
  const me = forPath('/api/me');
  const adminLines = me.filter((l) => hasToken(l, String(admin.user.id)));
  assert.ok(adminLines.length >= 3, `admin id ${admin.user.id} in the /api/me lines:\n${me.join('\n')}`);
  const users = forPath('/api/users');
  assert.ok(users.some((l) => hasToken(l, 'GET') && hasToken(l, '200') && hasToken(l, String(admin.user.id))), `GET /api/users line:\n${users.join('\n')}`);
  assert.ok(users.some((l) => hasToken(l, 'POST') && hasToken(l, '201')), `POST /api/users 201 line:\n${users.join('\n')}`);
  const nope = forPath('/api/nope-log-probe');
  assert.equal(nope.length, 1, nope.join('\n'));
  assert.ok(hasToken(nope[0], '404'));
  const logins = forPath('/api/auth/login');
  assert.ok(logins.some((l) => hasToken(l, 'POST') && hasToken(l, '401')), `failed login line:\n${logins.join('\n')}`);
  assert.ok(logins.filter((l) => hasToken(l, '200')).length >= 3, `successful login lines:\n${logins.join('\n')}`);
  const pw = forPath('/api/me/password');
  assert.equal(pw.length, 1);
  assert.ok(hasToken(pw[0], 'PUT') && hasToken(pw[0], '204'));
});

test('lines carry a duration in microseconds', () => {
  for (const l of forPath('/api/me')) {
    // a duration field: an integer with a microseconds marker ("us", "µs", "usec", "micros") or any
    // integer besides status and user id
    const marked = /(\d+\s*(us|µs|usec)\b)|((us|usec|micro\w*|duration\w*|elapsed\w*|time\w*)["']?\s*[:=]\s*\d+)/i.test(l);
    const ints = (l.match(/(?<![\w.:/-])\d+(?![\w.:/-])/g) || []).filter((n) => n !== '200' && n !== String(admin.user.id));
    assert.ok(marked || ints.length >= 1, `a microseconds figure in: ${l}`);
  }
});

test('the log never holds a password or a token', () => {
  const text = lines.join('\n');
  for (const secret of [DEMO_PASSWORD, WRONG, temp, STRONG]) {
    assert.ok(!text.includes(secret), `password leaked: ${secret}`);
  }
  for (const t of tokens) {
    assert.ok(!text.includes(t), 'token leaked');
    const [h, p, s] = t.split('.');
    assert.ok(!text.includes(s), 'token signature leaked');
    assert.ok(!text.includes(`${h}.${p}`), 'token header.payload leaked');
  }
  assert.ok(!/connect_session=/.test(text), 'cookie leaked');
  assert.ok(!/bearer\s+\S/i.test(text), 'authorization header leaked');
});

test('health checks are logged too (every API request)', () => {
  assert.ok(forPath('/api/health').length >= 1);
});
