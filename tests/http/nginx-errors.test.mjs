// Errors that nginx answers itself on /api/ are JSON in the API's shape {"error":{code,message,field:null}},
// with the security headers (issue 13, item 7): a body over the API's limit (413), connectd not
// reachable (503 unavailable, as the SPA expects), and nginx's own failure (500 internal: here it cannot
// buffer a request body to disk). Nothing reaches connectd in any of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { signIn } from '../lib/http.mjs';

let stack; let admin;
before(async () => {
  // A new FastCGI connection per request: the "connectd unreachable" case hides the socket, which a
  // connection nginx kept open from before would go around.
  stack = await startStack({ env: { FASTCGI_KEEPALIVE: '0' } });
  admin = await signIn(stack.base, 'nfc.admin');
});
after(async () => { if (stack) await stack.stop(); });

/** Asserts r is nginx's JSON error: status, exact body, JSON content type, security headers. */
function assertNginxJson(r, status, code, what) {
  const ctx = `${what}: ${r.status} ${r.headers.get('content-type')} ${r.text.slice(0, 300)}`;
  assert.equal(r.status, status, ctx);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json\b/, ctx);
  assert.deepEqual(Object.keys(r.json ?? {}), ['error'], ctx);
  assert.equal(r.json.error.code, code, ctx);
  assert.equal(typeof r.json.error.message, 'string', ctx);
  assert.ok(r.json.error.message.length > 10, ctx);
  assert.equal(r.json.error.field, null, ctx);
  assert.deepEqual(Object.keys(r.json.error), ['code', 'message', 'field'], ctx);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: security headers`);
  assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/, `${what}: CSP`);
  assert.equal(r.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
}

test('a body over the API limit is a JSON 413', async () => {
  const r = await admin.req('POST', '/api/users', { raw: JSON.stringify({ username: 'big.body', name: 'x'.repeat(70 * 1024), role: 'user' }) });
  assertNginxJson(r, 413, 'payload_too_large', 'POST /api/users with 70 KiB');
  const doc = await admin.req('POST', '/api/cases/1/documents?filename=big.pdf', {
    raw: Buffer.alloc(10 * 1024 * 1024 + 1024, 0x41), headers: { 'content-type': 'application/pdf' },
  });
  assertNginxJson(doc, 413, 'payload_too_large', 'a document over 10 MiB');
});

test('connectd unreachable: a JSON 503 unavailable, and service again once it is back', async () => {
  // Reads and writes go to connectd's two sockets (nginx/fastcgi.conf): each hidden in turn.
  const socket = join(stack.data, 'run', 'connectd.sock');
  const writes = join(stack.data, 'run', 'connectd-write.sock');
  renameSync(socket, `${socket}.away`);
  try {
    const r = await admin.req('GET', '/api/me');
    assertNginxJson(r, 503, 'unavailable', 'GET /api/me with no connectd socket');
  } finally {
    renameSync(`${socket}.away`, socket);
  }
  renameSync(writes, `${writes}.away`);
  try {
    assert.equal((await admin.req('GET', '/api/me')).status, 200, 'reads are served without the write socket');
    const post = await admin.req('POST', '/api/users', { body: { username: 'no.backend', name: 'No Backend', role: 'user' } });
    assertNginxJson(post, 503, 'unavailable', 'POST with no connectd write socket');
  } finally {
    renameSync(`${writes}.away`, writes);
  }
  assert.equal((await admin.req('GET', '/api/me')).status, 200);
  const post = await admin.req('POST', '/api/users', { body: { username: 'back.again', name: 'Back Again', role: 'user' } });
  assert.equal(post.status, 201, 'writes are served again');
});

test("nginx's own failure is a JSON 500 internal", async () => {
  // A body larger than the 64 KiB buffer goes to nginx's temporary folder: make that impossible.
  const bodies = join(stack.data, 'run', 'tmp', 'body');
  rmSync(bodies, { recursive: true, force: true });
  writeFileSync(bodies, 'not a folder');
  try {
    const r = await admin.req('POST', '/api/cases/1/documents?filename=scan.pdf', {
      raw: Buffer.alloc(200 * 1024, 0x41), headers: { 'content-type': 'application/pdf' },
    });
    assertNginxJson(r, 500, 'internal', 'a document nginx cannot buffer');
  } finally {
    rmSync(bodies, { force: true });
    mkdirSync(bodies);
  }
});
