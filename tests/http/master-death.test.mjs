// One master per data folder, and children that die with it (issue 13, item 6). Killing only the
// connectd master with SIGKILL while the mail sender is working through a queue ends its workers and
// its sender within seconds (PR_SET_PDEATHSIG plus parent checks); a restart on the same folder then
// delivers every message exactly once (each outbox message is claimed with a lease before it is sent,
// counted at the SMTP sink by Message-ID). A second connectd on a folder in use refuses to start with
// one clear line on stderr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack } from '../lib/stack.mjs';
import { sleep, offsetFor, setClock, freePort, waitFor, startRelay, received } from '../lib/smtp.mjs';
import { alive, connectdProcs } from '../lib/procs.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');
const MESSAGES = 150;
const NIGHT = '2026-12-02T22:00:00Z'; // Wednesday night: queued mail waits for the morning
const MORNING = '2026-12-03T10:00:00Z'; // Thursday, in UK working hours

const mailDir = mkdtempSync(join(tmpdir(), 'connect-mail-'));
const inbox = join(mailDir, 'in');
let relayPort; let relay; let stack; let data;
const smtpEnv = () => ({ CONNECT_SMTP_URL: `smtp://127.0.0.1:${relayPort}`, CONNECT_MAIL_FROM: 'connect@council.example.test' });

before(async () => {
  relayPort = await freePort();
  relay = await startRelay(relayPort, inbox);
  stack = await startStack({ demo: false, keep: true, clock: offsetFor(NIGHT), env: smtpEnv() });
  data = stack.data;
});
after(async () => {
  await stack?.stop().catch(() => {});
  await relay?.stop();
  rmSync(mailDir, { recursive: true, force: true });
  if (data && !process.env.KEEP_DATA) rmSync(data, { recursive: true, force: true });
});

/** Outbox ids of the messages the sink holds, from their Message-IDs (<outbox-ID.TIME@connect>). */
function deliveredIds() {
  return received(inbox).map((m) => {
    const id = m.headers['message-id']?.match(/^<outbox-(\d+)\.\d+@connect>$/);
    assert.ok(id, `Message-ID ${m.headers['message-id']}`);
    return Number(id[1]);
  });
}

function outboxLength() {
  const r = spawnSync(join(BIN, 'connectctl'), ['--data', data, 'outbox', 'list', '1000000'], {
    encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).length;
}

test('a second connectd on the same data folder refuses to start, with one clear line', async () => {
  const socket = join(mkdtempSync(join(tmpdir(), 'connect-sock-')), 'second.sock');
  const r = spawnSync(join(BIN, 'connectd'), ['--data', data, '--socket', socket, '--workers', '1', '--threads', '1'], {
    encoding: 'utf8', timeout: 10000, env: { ...process.env, CONNECT_ROOT: ROOT },
  });
  assert.equal(r.signal, null, 'it ends by itself');
  assert.notEqual(r.status, 0, `exit status ${r.status}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
  const { master } = connectdProcs(data);
  assert.match(lines[0], new RegExp(`^connectd: the data folder .* is in use by another connectd \\(master pid ${master}\\b`));
  assert.equal(existsSync(socket), false, 'it opened no socket');
  rmSync(join(socket, '..'), { recursive: true, force: true });
  const health = await fetch(`${stack.base}/api/health`);
  assert.equal(health.status, 200, 'the running server is untouched (its socket was not replaced)');
});

test('SIGKILL of the master under mail load: its children exit, and after a restart each message arrives once', async () => {
  // Queue the messages at night, so none goes before the load starts.
  for (let i = 1; i <= MESSAGES; i++) {
    const r = spawnSync(join(BIN, 'connectctl'), ['--data', data, 'outbox', 'add', '--to', `load${i}@example.test`,
      '--subject', `Connect: load ${i}`, '--body-stdin'], {
      input: `Load message ${i}.\n`, encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT, CONNECT_TEST_CLOCK: stack.clockFile },
    });
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(outboxLength(), MESSAGES);
  const { master, children } = connectdProcs(data);
  assert.ok(master, 'found the master');
  assert.ok(children.length >= 2, `found the workers and the sender: ${children}`);

  // Morning: the sender starts on the queue; kill only the master while it is part-way through.
  setClock(stack, MORNING);
  await waitFor(() => received(inbox).length >= 10, 'the first deliveries', 20000);
  process.kill(master, 'SIGKILL');
  const killedAt = Date.now();
  const delivered = received(inbox).length;
  assert.ok(delivered < MESSAGES, `killed under load (${delivered} of ${MESSAGES} delivered)`);

  // Every child ends within a few seconds, by itself.
  await waitFor(() => children.every((pid) => !alive(pid)), `the children ${children} to exit`, 8000);
  const took = Date.now() - killedAt;
  assert.ok(took < 5000, `children gone ${took} ms after the master`);
  assert.deepEqual(connectdProcs(data), { master: undefined, children: [] }, 'no connectd left on the folder');
  const stoppedAt = received(inbox).length;
  await sleep(1500);
  assert.equal(received(inbox).length, stoppedAt, 'nothing is sent with no master');

  // Restart on the same folder (the lock is free now that the children are gone): the rest arrive.
  await stack.stop().catch(() => {}); // serve.sh saw connectd end and stopped nginx
  stack = await startStack({ data, keep: true, demo: false, clock: offsetFor(MORNING), env: smtpEnv() });
  await waitFor(() => received(inbox).length >= MESSAGES && outboxLength() === 0, 'every message', 60000);
  await sleep(2000); // anything sent twice would arrive now
  const ids = deliveredIds();
  const counts = new Map();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], 'no message delivered twice');
  assert.equal(ids.length, MESSAGES, 'every message delivered');
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), Array.from({ length: MESSAGES }, (_, i) => i + 1));
  const log = readFileSync(join(data, 'log', 'connectd.log'), 'utf8');
  assert.doesNotMatch(log, /is in use by another connectd/, 'the restart was not refused');
});

test('the lock holds while an orphaned child of a killed master is still running', async () => {
  // A child that outlives its master (stopped, so it cannot act on its death signal yet) keeps the
  // folder locked: a new connectd refuses until it has gone.
  const { master, children } = connectdProcs(data);
  const held = children[0];
  process.kill(held, 'SIGSTOP');
  process.kill(master, 'SIGKILL');
  await waitFor(() => !alive(master), 'the master to die', 5000);
  const socket = join(mkdtempSync(join(tmpdir(), 'connect-sock-')), 'again.sock');
  const r = spawnSync(join(BIN, 'connectd'), ['--data', data, '--socket', socket, '--workers', '1', '--threads', '1'], {
    encoding: 'utf8', timeout: 10000, env: { ...process.env, CONNECT_ROOT: ROOT },
  });
  assert.notEqual(r.status, 0, 'refused while a child of the old master lives');
  assert.match(r.stderr, /is in use by another connectd/);
  process.kill(held, 'SIGCONT'); // its pending SIGTERM (the master's death) now ends it
  await waitFor(() => !alive(held), 'the stopped child to exit', 8000);
  await waitFor(() => connectdProcs(data).children.length === 0, 'every child to exit', 8000);
  await stack.stop().catch(() => {});
  const child = spawn(join(BIN, 'connectd'), ['--data', data, '--socket', socket, '--workers', '1', '--threads', '1'], {
    env: { ...process.env, CONNECT_ROOT: ROOT }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitFor(() => err.includes('workers x') || child.exitCode !== null, 'connectd to start or end', 10000);
    assert.match(err, /workers x/, `connectd starts once the folder is free:\n${err}`);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, err);
  rmSync(join(socket, '..'), { recursive: true, force: true });
  stack = null;
});
