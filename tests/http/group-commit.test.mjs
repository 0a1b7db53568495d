// Group commit keeps "success = durable" (store/store.h "Durability"): a worker that dies between
// the commit and the answer gives its client no success and leaves a store that opens and checks;
// and when the whole server is killed with SIGKILL in the middle of a stream of case creates and
// RTPF look-ups from many clients at once, a restart on the same files has every write that was
// acknowledged before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { signIn, assertStatus } from '../lib/http.mjs';
import { caseBody, getCase } from '../lib/cases.mjs';
import { allLookups, connectctl } from '../lib/rtpf.mjs';
import { connectdProcs, alive } from '../lib/procs.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hooks = mkdtempSync(join(tmpdir(), 'connect-crash-hook-'));
const trigger = join(hooks, 'crash-after-commit');

let stack;
before(async () => {
  stack = await startStack({ keep: true, env: { CONNECT_TEST_CRASH_AFTER_COMMIT: trigger, CONNECT_LOOKUP_LIMIT: '100000' } });
});
after(async () => {
  if (stack) await stack.stop().catch(() => {});
  if (stack) rmSync(stack.data, { recursive: true, force: true });
  rmSync(hooks, { recursive: true, force: true });
});

function check(data) {
  const r = connectctl(data, ['check']);
  assert.equal(r.status, 0, `connectctl check:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /chain intact/);
}

test('a worker killed after its commit and before its answer: no success for the client, the store reopens and checks', async () => {
  const user = await signIn(stack.base, 'nfc.user');
  const acked = [];
  for (let i = 0; i < 5; i++) {
    const r = await user.req('POST', '/api/cases', { body: caseBody() });
    assertStatus(r, 201, 'create before the crash');
    acked.push(r.json.id);
  }
  const { children: before } = connectdProcs(stack.data);
  writeFileSync(trigger, '');
  const r = await user.req('POST', '/api/cases', { body: caseBody() });
  assert.ok(r.status >= 500, `the client got no success (status ${r.status})`);
  assert.ok(!existsSync(trigger), 'the hook fired (and consumed its file)');
  // A process killed by SIGKILL closes its sockets before it is reaped (and under ASan its large
  // mappings take a while to tear down), so the client may see the failure a moment before the
  // process is gone: wait for it rather than read /proc once.
  let died = false;
  for (let i = 0; i < 100 && !died; i++) {
    died = before.some((pid) => !alive(pid));
    if (!died) await sleep(50);
  }
  assert.ok(died, 'a worker died');
  // The master replaces the worker; the store it opens is whole and has every acknowledged case.
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    await sleep(100);
    ok = (await user.req('GET', '/api/me')).status === 200;
  }
  assert.ok(ok, 'the service answers again');
  for (const id of acked) assert.equal((await getCase(user, id)).id, id);
  const again = await user.req('POST', '/api/cases', { body: caseBody() });
  assertStatus(again, 201, 'a create after the crash');
  check(stack.data);
});

test('SIGKILL of the whole server mid-stream: after a restart every acknowledged case create and look-up is there', async () => {
  const clients = [];
  for (const name of ['nfc.user', 'nfc.admin']) clients.push(await signIn(stack.base, name));
  const caseIds = [];
  const lookupsAcked = new Map(); // user id -> acknowledged look-ups
  let stop = false;
  const loop = async (c, k) => {
    for (let i = 0; !stop && i < 5000; i++) {
      try {
        if ((k + i) % 2) {
          const r = await c.req('POST', '/api/cases', { body: caseBody() });
          if (r.status === 201) caseIds.push(r.json.id);
        } else {
          const r = await c.req('POST', '/api/rtpf/lookup', {
            body: { document_type: 'passport', document_number: `GC${k}X${i}`, date_of_birth: '1990-01-01' } });
          if (r.status === 200) lookupsAcked.set(c.user.id, (lookupsAcked.get(c.user.id) ?? 0) + 1);
        }
      } catch { return; } // the server is gone
    }
  };
  const running = [];
  for (let k = 0; k < 24; k++) running.push(loop(clients[k % clients.length], k));
  // Let the stream run until both kinds of write have been acknowledged a good number of times.
  for (let i = 0; i < 200 && (caseIds.length < 40 || [...lookupsAcked.values()].reduce((a, b) => a + b, 0) < 40); i++) await sleep(50);
  const { master, children } = connectdProcs(stack.data);
  for (const pid of [master, ...children]) process.kill(pid, 'SIGKILL');
  stop = true;
  // What was acknowledged up to the kill (answers that arrive after it cannot be successes).
  const casesBefore = [...caseIds];
  const lookupsBefore = new Map(lookupsAcked);
  await Promise.all(running);
  assert.ok(casesBefore.length >= 40, `cases acknowledged before the kill: ${casesBefore.length}`);
  await stack.stop().catch(() => {});
  check(stack.data);
  stack = await startStack({ data: stack.data, keep: true, env: { CONNECT_LOOKUP_LIMIT: '100000' } });
  const user = await signIn(stack.base, 'nfc.user');
  for (const id of casesBefore) assert.equal((await getCase(user, id)).id, id, `case ${id} survived`);
  const admin = await signIn(stack.base, 'nfc.admin');
  const rows = await allLookups(admin);
  for (const [uid, n] of lookupsBefore) {
    const kept = rows.filter((row) => row.user.id === uid).length;
    assert.ok(kept >= n, `user ${uid}: ${n} look-ups acknowledged, ${kept} in the look-up audit`);
  }
  check(stack.data);
});
