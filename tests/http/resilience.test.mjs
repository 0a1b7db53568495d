// Nothing committed is lost: a worker killed mid-load is replaced and the service goes on; a whole
// server killed with SIGKILL restarts on the same LMDB files with every committed change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, Client, ROOT } from '../lib/stack.mjs';

/** connectd processes serving `data`: {master, workers[]} from /proc. */
function connectdPids(data) {
  const procs = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (!cmd[0].endsWith('connectd') || !cmd.includes(data)) continue;
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      procs.push({ pid: Number(d), ppid });
    } catch { /* gone */ }
  }
  const pids = new Set(procs.map((p) => p.pid));
  const master = procs.find((p) => !pids.has(p.ppid));
  return { master: master?.pid, workers: procs.filter((p) => p !== master).map((p) => p.pid) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stack;
before(async () => { stack = await startStack({ keep: true }); });
after(async () => {
  if (stack) await stack.stop().catch(() => {});
  if (stack) rmSync(stack.data, { recursive: true, force: true });
});

test('a killed worker is restarted and committed data survives', async () => {
  const admin = new Client(stack.base);
  assert.equal((await admin.login('nfc.admin')).status, 200);
  const created = await admin.req('POST', '/api/users', { body: { username: 'durable.one', name: 'Durable One', role: 'user' } });
  assert.equal(created.status, 201);

  const before = connectdPids(stack.data);
  assert.ok(before.master, 'found the connectd master');
  assert.ok(before.workers.length >= 1, 'found workers');
  process.kill(before.workers[0], 'SIGKILL');

  // The service keeps answering; within a few seconds a replacement worker is running.
  let after = before;
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    after = connectdPids(stack.data);
    if (after.workers.length === before.workers.length && !after.workers.includes(before.workers[0])) break;
  }
  assert.equal(after.workers.length, before.workers.length, 'worker count restored');
  assert.ok(!after.workers.includes(before.workers[0]), 'the killed worker was replaced');
  for (let i = 0; i < 20; i++) {
    const r = await admin.req('GET', `/api/users/${created.json.user.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.username, 'durable.one');
  }
  const log = readFileSync(join(stack.data, 'log', 'connectd.log'), 'utf8');
  assert.match(log, /died of signal 9; restarting/);
});

test('after SIGKILL of the whole server, a restart on the same files has every committed change', async () => {
  const admin = new Client(stack.base);
  assert.equal((await admin.login('nfc.admin')).status, 200);
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const r = await admin.req('POST', '/api/users', { body: { username: `crash.${i}`, name: `Crash ${i}`, role: 'user' } });
    assert.equal(r.status, 201);
    ids.push(r.json.user.id);
  }
  const { master, workers } = connectdPids(stack.data);
  for (const pid of [master, ...workers]) process.kill(pid, 'SIGKILL');
  await stack.stop().catch(() => {}); // serve.sh notices and stops nginx
  stack = await startStack({ data: stack.data, keep: true, demo: true });
  const again = new Client(stack.base);
  assert.equal((await again.login('nfc.admin')).status, 200);
  for (const id of ids) assert.equal((await again.req('GET', `/api/users/${id}`)).status, 200);
  const out = execFileSync(join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl'), ['--data', stack.data, 'check'], { encoding: 'utf8' });
  assert.match(out, /chain intact/);
});
