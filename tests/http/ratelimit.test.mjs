// nginx limits sign-in per client address: with LOGIN_RATE=2r/s and LOGIN_BURST=5, a burst of 30
// concurrent sign-ins must see 429 rate_limited (JSON).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { DEMO_PASSWORD, assertError, isJson } from '../lib/http.mjs';

let stack;
before(async () => { stack = await startStack({ env: { LOGIN_RATE: '2r/s', LOGIN_BURST: '5' } }); });
after(async () => { await stack?.stop(); });

test('30 concurrent sign-ins: at least one 429 rate_limited with a JSON body', async () => {
  const one = () => fetch(`${stack.base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'nfc.user', password: DEMO_PASSWORD }),
  }).then(async (r) => { const text = await r.text(); let json = null; try { json = JSON.parse(text); } catch { /* */ } return { status: r.status, headers: r.headers, text, json }; });
  const rs = await Promise.all(Array.from({ length: 30 }, one));
  const statuses = rs.map((r) => r.status);
  const limited = rs.filter((r) => r.status === 429);
  assert.ok(limited.length >= 1, `some 429s expected, got ${JSON.stringify(statuses)}`);
  for (const r of limited) {
    assert.ok(isJson(r), `429 content-type ${r.headers.get('content-type')}`);
    assertError(r, 429, 'rate_limited', null, '429 body');
  }
  assert.ok(statuses.every((s) => s === 200 || s === 429), `only 200 or 429: ${JSON.stringify(statuses)}`);
  assert.ok(statuses.includes(200), 'the burst lets some through');
});

test('the limit applies to sign-in only: other API requests are not limited', async () => {
  const rs = await Promise.all(Array.from({ length: 30 }, () => fetch(`${stack.base}/api/health`)));
  assert.ok(rs.every((r) => r.status === 200), JSON.stringify(rs.map((r) => r.status)));
});

test('after waiting, sign-in works again', async () => {
  await new Promise((r) => setTimeout(r, 4000));
  const r = await fetch(`${stack.base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'nfc.user', password: DEMO_PASSWORD }),
  });
  assert.equal(r.status, 200);
});

test('the second step of sign-in has the same per-address limit', async () => {
  await new Promise((r) => setTimeout(r, 4000)); // the bucket drains after the tests above
  const one = () => fetch(`${stack.base}/api/auth/mfa`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mfa_token: 'not.a.token', code: '123456' }),
  }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
  const rs = await Promise.all(Array.from({ length: 30 }, one));
  const statuses = rs.map((r) => r.status);
  assert.ok(statuses.includes(429), `some 429s expected, got ${JSON.stringify(statuses)}`);
  assert.ok(statuses.includes(401), 'the burst lets some through (401 mfa_token_invalid)');
  for (const r of rs.filter((x) => x.status === 429)) assertError({ ...r, json: JSON.parse(r.text) }, 429, 'rate_limited', null, '429 body');
});
