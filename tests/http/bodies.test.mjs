// Request bodies: malformed JSON, non-object JSON, oversized bodies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { DEMO_PASSWORD, assertError, assertStatus, isJson, listAll, loginStatus, signIn, uname } from '../lib/http.mjs';

let stack; let admin; let user;
before(async () => {
  stack = await startStack();
  admin = await signIn(stack.base, 'nfc.admin');
  user = await signIn(stack.base, 'nfc.user');
});
after(async () => { await stack?.stop(); });

async function count() { return (await listAll(admin, '/api/users', 500)).items.length; }

test('malformed JSON: 400 invalid_json, nothing created', async () => {
  const n = await count();
  for (const raw of ['{"username":"x.y.z","name":"X"', '{username: "abc"}', "{'a':1}", '{"a":1}}', 'not json', '{"a":1,}']) {
    assertError(await admin.req('POST', '/api/users', { raw }), 400, 'invalid_json', null, `body ${raw}`);
  }
  assert.equal(await count(), n);
});

test('JSON that is not an object: 400 invalid_json', async () => {
  const n = await count();
  for (const raw of ['[]', '[{"username":"arr.user","name":"A","role":"user","team":null}]', '42', '"text"', 'null', 'true']) {
    assertError(await admin.req('POST', '/api/users', { raw }), 400, 'invalid_json', null, `body ${raw}`);
  }
  assertError(await user.req('PUT', '/api/me/password', { raw: '[]' }), 400, 'invalid_json', null, 'PUT /api/me/password []');
  assertError(await admin.req('PATCH', `/api/users/${user.user.id}`, { raw: '["name"]' }), 400, 'invalid_json', null, 'PATCH []');
  assert.equal(await count(), n);
});

test('invalid UTF-8 in a JSON body: 400 invalid_json', async () => {
  const raw = Buffer.concat([Buffer.from('{"username":"bad.utf","name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","role":"user","team":null}')]);
  assertError(await admin.req('POST', '/api/users', { raw }), 400, 'invalid_json', null);
});

test('oversized body (200 KiB): 413 payload_too_large JSON, nothing changed', async () => {
  const n = await count();
  const big = JSON.stringify({ username: uname('big'), name: 'x'.repeat(200 * 1024), role: 'user', team: null });
  const r = await admin.req('POST', '/api/users', { raw: big });
  assertError(r, 413, 'payload_too_large', undefined, 'POST /api/users 200 KiB');
  assert.equal(await count(), n);
  const pw = JSON.stringify({ current_password: DEMO_PASSWORD, new_password: 'y'.repeat(200 * 1024) });
  assertError(await user.req('PUT', '/api/me/password', { raw: pw }), 413, 'payload_too_large', undefined, 'PUT /api/me/password 200 KiB');
  assert.equal(await loginStatus(stack.base, 'nfc.user', DEMO_PASSWORD), 200, 'password unchanged');
  const login = JSON.stringify({ username: 'nfc.user', password: 'z'.repeat(200 * 1024) });
  const l = await admin.req('POST', '/api/auth/login', { raw: login, auth: false });
  assertError(l, 413, 'payload_too_large', undefined, 'login 200 KiB');
  assertStatus(await admin.req('GET', '/api/me'), 200, 'server still answers');
});

test('a body just over 64 KiB is refused with 413; one under it is parsed', async () => {
  const over = JSON.stringify({ username: uname('over'), name: 'x'.repeat(65 * 1024), role: 'user', team: null });
  assertError(await admin.req('POST', '/api/users', { raw: over }), 413, 'payload_too_large', undefined, '65 KiB');
  // 60 KiB: parsed, then refused by the name rule (at most 200 characters), not by size
  const under = JSON.stringify({ username: uname('under'), name: 'x'.repeat(60 * 1024), role: 'user', team: null });
  assertError(await admin.req('POST', '/api/users', { raw: under }), 422, 'validation_failed', 'name', '60 KiB');
});

test('413 answer is JSON even from nginx', async () => {
  const r = await admin.req('POST', '/api/users', { raw: 'x'.repeat(300 * 1024) });
  assert.equal(r.status, 413);
  assert.ok(isJson(r), `content-type ${r.headers.get('content-type')}`);
  assert.equal(r.json?.error?.code, 'payload_too_large');
});
