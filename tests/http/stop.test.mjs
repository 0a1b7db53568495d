// Graceful stop: SIGTERM to the launcher stops nginx and connectd and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { signIn } from '../lib/http.mjs';

test('graceful stop: stop() resolves with exit code 0', async () => {
  const stack = await startStack();
  let result;
  try {
    await signIn(stack.base, 'nfc.admin');
  } finally {
    result = await stack.stop();
  }
  assert.deepEqual(result, { code: 0, sig: null }, `exit ${JSON.stringify(result)}\n${stack.output().slice(-2000)}`);
  await assert.rejects(fetch(`${stack.base}/api/health`), 'nothing listens any more');
});

test('graceful stop while requests are in flight: they finish, exit code 0', async () => {
  const stack = await startStack();
  const c = await signIn(stack.base, 'nfc.admin');
  const inflight = Array.from({ length: 10 }, () => c.req('GET', '/api/users').catch((e) => ({ status: 'error', e })));
  const result = await stack.stop();
  const rs = await Promise.all(inflight);
  assert.deepEqual(result, { code: 0, sig: null }, `exit ${JSON.stringify(result)}`);
  for (const r of rs) assert.ok([200, 503, 'error'].includes(r.status), `in-flight request: ${r.status}`);
});
