// Robustness: odd JSON values in every field of every write endpoint, odd ids, concurrent writes.
// Nothing may answer 5xx, every 4xx must have the error shape, and the server must stay healthy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { Client, DEMO_PASSWORD, assertError, assertStatus, createActiveUser, listAll, loginStatus, signIn, uname } from '../lib/http.mjs';

let stack; let admin; let net;
before(async () => {
  stack = await startStack();
  admin = await signIn(stack.base, 'nfc.admin');
  net = await signIn(stack.base, 'net.admin');
});
after(async () => { await stack?.stop(); });

const ODD = [null, 0, -1, 1.5, 1e300, 2 ** 63, true, false, [], [1], {}, { a: 1 }, '', ' ', 'x'.repeat(300), '\u202e\u0000', '😀'.repeat(70), '../../etc/passwd', "' OR 1=1 --", '%s%n%x'];

function assertSane(r, what) {
  assert.ok(r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
  if (r.status >= 400) assertError(r, r.status, r.json?.error?.code, undefined, what);
}

test('odd values in every field: never 5xx, always the error shape', async () => {
  const target = await createActiveUser(admin, { username: uname('fuzz') });
  const endpoints = [
    ['POST', '/api/auth/login', { username: 'fuzz.nobody', password: 'whatever-password' }, new Client(stack.base)],
    ['POST', '/api/users', { username: 'fuzz.new', name: 'Fuzz', role: 'user', team: null }, admin],
    ['PATCH', `/api/users/${target.id}`, { name: 'Fuzz', role: 'user', team: null }, admin],
    ['POST', '/api/orgs', { kind: 'council', name: 'Fuzz Council', code: 'FZ' }, net],
    ['PUT', '/api/me/password', { current_password: 'not-the-password', new_password: 'Fuzzy-Password-Value-1' }, target.client],
  ];
  for (const [m, p, base, c] of endpoints) {
    for (const field of Object.keys(base)) {
      for (const v of ODD) {
        const body = { ...base, [field]: v };
        if (p === '/api/users' && m === 'POST') body.username = field === 'username' ? v : uname('fz');
        if (p === '/api/orgs') body.code = field === 'code' ? v : `F${Math.floor(Math.random() * 1e6)}`;
        const r = await c.req(m, p, { body, auth: c !== undefined });
        assertSane(r, `${m} ${p} ${field}=${JSON.stringify(v)?.slice(0, 30)}`);
      }
    }
  }
  assertStatus(await admin.req('GET', '/api/health'), 200);
  // The odd current passwords were wrong ones: five in a row throttle the user name and end its session.
  assertStatus(await target.client.req('GET', '/api/me'), 401, 'fuzzed user signed out by the throttle');
  const u = await admin.req('GET', `/api/users/${target.id}`);
  assertStatus(u, 200);
  assert.equal(u.json.locked, true, 'wrong current passwords throttled the user name');
});

test('odd ids and paths: 404, never 5xx', async () => {
  for (const id of ['99999999999999999999999', '18446744073709551616', '-0', '+1', '1%2F2', '1;2', '0x10', ' 1', '١']) {
    const r = await admin.req('GET', `/api/users/${id}`);
    assertSane(r, `GET /api/users/${id}`);
    assert.equal(r.status, 404, `GET /api/users/${id}: ${r.status}`);
  }
  for (const q of ['limit=99999999999999999999', 'limit=%00', 'cursor=%FF%FE', 'org=abc', 'limit=1&limit=2', 'x=1']) {
    assertSane(await admin.req('GET', `/api/users?${q}`), `?${q}`);
  }
});

test('a NUL byte in the path: a 4xx answer in the JSON error shape, even when nginx answers it', async () => {
  for (const p of ['/api/users/%00', '/api/me%00', '/api/%00']) {
    const r = await admin.req('GET', p);
    assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r.status}`);
    assertError(r, r.status, r.json?.error?.code, undefined, `GET ${p}`);
  }
});

test('a NUL byte cannot truncate a password at sign-in', async () => {
  for (const raw of [`{"username":"nfc.user","password":"${DEMO_PASSWORD}\\u0000tail"}`, `{"username":"nfc.user\\u0000zzz","password":"${DEMO_PASSWORD}"}`]) {
    const r = await new Client(stack.base).req('POST', '/api/auth/login', { raw, auth: false });
    assert.notEqual(r.status, 200, `NUL-suffixed credential signed in: ${raw}`);
    assertSane(r, raw);
  }
  // the real account is not locked by two failures
  assert.equal(await loginStatus(stack.base, 'nfc.user', DEMO_PASSWORD), 200);
});

test('full-width or look-alike user names do not match a real account', async () => {
  for (const u of ['ｎｆｃ.ａｄｍｉｎ', 'nfc.admın', 'NFC.ADMİN', 'nfc.admin\u200b']) {
    const r = await new Client(stack.base).login(u, DEMO_PASSWORD);
    assert.notEqual(r.status, 200, `${JSON.stringify(u)} signed in`);
    assertSane(r, u);
  }
  assert.equal(await loginStatus(stack.base, 'nfc.admin', DEMO_PASSWORD), 200);
  admin = await signIn(stack.base, 'nfc.admin');
});

test('concurrent creates of the same user name: exactly one 201, the rest 409', async () => {
  const username = uname('race');
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => admin.req('POST', '/api/users', { body: { username, name: `Racer ${i}`, role: 'user', team: null } })));
  const statuses = rs.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
  for (const r of rs.filter((x) => x.status !== 201)) assertError(r, 409, 'conflict', undefined, 'race loser');
  const { items } = await listAll(admin, '/api/users', 500);
  assert.equal(items.filter((u) => u.username === username).length, 1, 'one record');
});

test('concurrent creates of the same org code: exactly one 201, the rest 409', async () => {
  const code = `R${Date.now() % 100000}`;
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => net.req('POST', '/api/orgs', { body: { kind: 'council', name: `Race ${i}`, code } })));
  assert.equal(rs.filter((r) => r.status === 201).length, 1, JSON.stringify(rs.map((r) => r.status)));
  for (const r of rs.filter((x) => x.status !== 201)) assertError(r, 409, 'conflict', undefined, 'race loser');
});

test('concurrent wrong passwords still throttle the user name (no lost updates)', async () => {
  const made = await createActiveUser(admin, { username: uname('burst') });
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => new Client(stack.base).login(made.username, `wrong-${i}-password-x`)));
  for (const r of rs) assert.ok([401, 429].includes(r.status), `${r.status}`);
  const r = await new Client(stack.base).login(made.username, made.password);
  assertError(r, 429, 'too_many_attempts', null, 'right password after 12 concurrent failures');
  const u = await admin.req('GET', `/api/users/${made.id}`);
  assert.equal(u.json.locked, true);
});

test('concurrent requests from many sessions all succeed', async () => {
  const clients = await Promise.all(['nfc.user', 'ebc.user', 'wmc.user', 'ho.user', 'ebc.admin', 'wmc.admin'].map((n) => signIn(stack.base, n)));
  const rs = await Promise.all(clients.flatMap((c) => Array.from({ length: 10 }, () => c.req('GET', '/api/me'))));
  assert.ok(rs.every((r) => r.status === 200), JSON.stringify(rs.map((r) => r.status)));
  for (let i = 0; i < clients.length; i += 1) {
    for (let j = 0; j < 10; j += 1) assert.equal(rs[i * 10 + j].json.username, clients[i].user.username, 'each answer for its own session');
  }
});
