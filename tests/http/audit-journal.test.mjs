// A read is audited even when the worker that served it is killed before its batch reached the log:
// each event is in the worker's journal (<data>/audit-journal) before the read is answered, and the
// workers the master starts in place of the killed ones write what the journals hold to the log,
// each event once. The batches are held back here (CONNECT_TEST_AUDIT_HOLD) so that the kill always
// comes before them: without the journal every one of these events would be lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, Client, ROOT } from '../lib/stack.mjs';
import { createCase } from '../lib/cases.mjs';
import { connectdProcs, alive } from '../lib/procs.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hooks = mkdtempSync(join(tmpdir(), 'connect-audit-hold-'));
const hold = join(hooks, 'hold');

let stack, data;
before(async () => {
  stack = await startStack({ keep: true, env: { CONNECT_TEST_AUDIT_HOLD: hold } });
  data = stack.data;
});
after(async () => {
  await stack?.stop();
  if (data) rmSync(data, { recursive: true, force: true });
  rmSync(hooks, { recursive: true, force: true });
});

function auditTail(n = 2000) {
  const bin = join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl');
  const r = spawnSync(bin, ['--data', data, 'audit', 'tail', String(n)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const journalDir = () => join(data, 'audit-journal');
const journals = () => readdirSync(journalDir()).filter((f) => f.endsWith('.jnl'));

test('the reads a killed worker had answered reach the audit log through its journal, each once', async () => {
  const nfc = new Client(stack.base);
  await nfc.login('nfc.user');
  const me = (await nfc.req('GET', '/api/me')).json;
  const cases = [];
  for (let i = 0; i < 4; i++) cases.push(await createCase(nfc));
  writeFileSync(hold, '');
  await sleep(400); // a flusher turn already past its look at the hold ends
  const views = new Map();
  for (let round = 0; round < 6; round++) {
    for (const c of cases) {
      assert.equal((await nfc.req('GET', `/api/cases/${c.id}`)).status, 200);
      views.set(c.id, (views.get(c.id) ?? 0) + 1);
    }
  }
  const list = await nfc.req('GET', `/api/cases?q=C${cases[0].id}`);
  assert.equal(list.status, 200);
  await sleep(600); // well past a batch's turn: held back, nothing is written
  const held = auditTail().filter((e) => e.actor === me.id && e.action === 'case_viewed');
  assert.equal(held.length, 0, 'the batches were held back');
  const written = journals().filter((f) => statSync(join(journalDir(), f)).size > 0);
  assert.ok(written.length >= 1, `the events are in a journal (${journals()})`);

  const { children } = connectdProcs(stack.data);
  for (const pid of children) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && children.some(alive); i++) await sleep(50);
  assert.ok(!children.some(alive), 'the workers died');
  // The master starts new workers; each writes the journals no live worker holds before it serves.
  let back = false;
  for (let i = 0; i < 100 && !back; i++) {
    await sleep(100);
    back = (await nfc.req('GET', '/api/me')).status === 200;
  }
  assert.ok(back, 'the service answers again');
  let events = [];
  for (let i = 0; i < 50; i++) {
    events = auditTail().filter((e) => e.actor === me.id);
    if (events.filter((e) => e.action === 'case_viewed').length >= 24) break;
    await sleep(100);
  }
  for (const c of cases) {
    const seen = events.filter((e) => e.action === 'case_viewed' && e.target === c.id);
    assert.equal(seen.length, views.get(c.id), `views of case ${c.id}`);
    for (const e of seen) assert.match(e.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
  assert.equal(events.filter((e) => e.action === 'cases_listed' && e.targets.includes(cases[0].id)).length, 1, 'the search');
  for (const f of written) assert.ok(!journals().includes(f), `the killed worker's journal ${f} is gone`);
  unlinkSync(hold);
  const r = spawnSync(join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl'), ['--data', data, 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /chain intact/);
});

test('after a clean stop no journal is left and every read is in the log', async () => {
  const nfc = new Client(stack.base);
  await nfc.login('nfc.user');
  const me = (await nfc.req('GET', '/api/me')).json;
  const c = await createCase(nfc);
  for (let i = 0; i < 5; i++) assert.equal((await nfc.req('GET', `/api/cases/${c.id}`)).status, 200);
  await stack.stop();
  assert.deepEqual(journals(), [], 'the journals went with their workers');
  const views = auditTail().filter((e) => e.actor === me.id && e.action === 'case_viewed' && e.target === c.id);
  assert.equal(views.length, 5);
  stack = null;
});
