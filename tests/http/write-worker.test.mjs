// connectd's write worker (connectd --write-socket; nginx's $connectd_pool map): every request that may
// write (every method but GET and HEAD) goes to the one worker serving the write socket, so the durable
// writes of all clients share its commits (store/store.h "Batches"), and reads go to the other
// workers, which answer while the write worker is busy (here: stopped outright).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { startStack } from '../lib/stack.mjs';
import { signIn, assertStatus } from '../lib/http.mjs';
import { caseBody, getCase } from '../lib/cases.mjs';
import { connectdProcs } from '../lib/procs.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { if (stack) await stack.stop(); });

/** The pids among `pids` holding a unix socket whose path ends with `suffix` (the listening socket,
 * or a connection accepted on it), from /proc/net/unix and each process's descriptors. */
function holders(pids, suffix) {
  const inodes = new Set(readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)
    .map((l) => l.trim().split(/\s+/)).filter((f) => f[7] && f[7].endsWith(suffix)).map((f) => f[6]));
  const holds = (pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try { return inodes.has((readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/) || [])[1]); } catch { return false; }
      });
    } catch { return false; }
  };
  return pids.filter(holds);
}

function workers() {
  const { children } = connectdProcs(stack.data);
  return { write: holders(children, '/connectd-write.sock'), read: holders(children, '/connectd.sock') };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('one worker serves the write socket, and it is not one of the read workers', async () => {
  const w = workers();
  assert.equal(w.write.length, 1, `exactly one process holds the write socket: ${w.write}`);
  assert.ok(w.read.length >= 1, `read workers hold the read socket: ${w.read}`);
  assert.ok(!w.read.includes(w.write[0]), 'the write worker does not take reads');
  const threads = Number(readFileSync(`/proc/${w.write[0]}/status`, 'utf8').match(/^Threads:\s+(\d+)/m)[1]);
  assert.ok(threads >= 32, `the write worker runs its 32 threads (it has ${threads})`);
});

test('with the write worker stopped, reads answer and a write waits for it; it completes once the worker runs again', async () => {
  const user = await signIn(stack.base, 'nfc.user');
  const made = await user.req('POST', '/api/cases', { body: caseBody() });
  assertStatus(made, 201, 'a create before');
  const [writer] = workers().write;
  process.kill(writer, 'SIGSTOP');
  try {
    for (const path of ['/api/me', `/api/cases/${made.json.id}`, '/api/home']) {
      const t0 = Date.now();
      const r = await user.req('GET', path);
      assertStatus(r, 200, `GET ${path} while the write worker is stopped`);
      assert.ok(Date.now() - t0 < 2000, `GET ${path} did not wait for the write worker (${Date.now() - t0} ms)`);
    }
    const head = await fetch(`${stack.base}/api/health`, { method: 'HEAD' });
    assert.equal(head.status, 200, 'HEAD goes to the read workers too');
    let settled = false;
    const pending = user.req('POST', '/api/cases', { body: caseBody() }).finally(() => { settled = true; });
    const edit = user.req('PUT', `/api/cases/${made.json.id}`, { body: { la_involvement: 'Edited while the writer was stopped.' } });
    await sleep(1500);
    assert.equal(settled, false, 'the create waits for the write worker');
    process.kill(writer, 'SIGCONT');
    const r = await pending;
    assertStatus(r, 201, 'the create once the write worker runs');
    assert.equal((await getCase(user, r.json.id)).id, r.json.id);
    const e = await edit;
    assertStatus(e, 200, 'the edit once the write worker runs');
  } finally {
    process.kill(writer, 'SIGCONT');
  }
});
