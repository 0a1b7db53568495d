// The compaction under load (store_compact.h, connectd.c's pool_compact): `connectctl compact` while
// clients keep creating cases through nginx. connectd stops its workers and mail sender, rewrites
// data.mdb and starts them again; requests arriving meanwhile wait in the socket's queue, so every
// request gets its answer (no 502/503), every case acknowledged (201) before, during or after the
// swap is readable afterwards, and sessions from before it still work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertStatus, signIn } from '../lib/http.mjs';
import { caseBody, person } from '../lib/cases.mjs';

let stack; let users;
before(async () => {
  stack = await startStack();
  users = await Promise.all(['nfc.user', 'nfc.admin', 'ebc.user', 'ebc.admin'].map((u) => signIn(stack.base, u)));
});
after(async () => { await stack?.stop(); });

/** Runs connectctl asynchronously (spawnSync would block the event loop and with it the clients). */
function ctl(args) {
  return new Promise((resolve) => {
    const p = spawn(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, ...args],
      { env: { ...process.env, CONNECT_ROOT: ROOT } });
    let stdout = ''; let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('a compaction under write load loses no acknowledged write and fails no request', async () => {
  let done = false;
  const results = [];
  const writer = async (client, w) => {
    for (let i = 0; !done || i < 3; i += 1) {
      const family = `Compact${'abcdefghij'[w]}${String(i).replace(/\d/g, (d) => 'klmnopqrst'[d])}`;
      const r = await client.req('POST', '/api/cases', { body: caseBody({ principal: person({ family_name: family }) }) });
      results.push({ client, family, status: r.status, id: r.json?.id, at: Date.now() });
    }
  };
  const writers = users.map((u, w) => writer(u, w));
  await new Promise((r) => setTimeout(r, 500));
  const outcomeFile = join(stack.data, 'compact.json');
  const before = existsSync(outcomeFile) ? JSON.parse(readFileSync(outcomeFile, 'utf8')).sequence : 0;
  const started = Date.now();
  const run = await ctl(['compact']);
  const ended = Date.now();
  await new Promise((r) => setTimeout(r, 500));
  done = true;
  await Promise.all(writers);

  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /data\.mdb compacted by connectd from \d+ to \d+ bytes/);
  const outcome = JSON.parse(readFileSync(join(stack.data, 'compact.json'), 'utf8'));
  assert.equal(outcome.result, 'ok');
  assert.equal(outcome.sequence, before + 1);

  const during = results.filter((r) => r.at >= started && r.at <= ended).length;
  console.log(`compaction: ${outcome.bytes_before} -> ${outcome.bytes_after} bytes in ${outcome.seconds.toFixed(3)} s; ${results.length} writes, ${during} answered while connectctl waited`);
  const bad = results.filter((r) => r.status !== 201);
  assert.deepEqual(bad.map((r) => `${r.family}: ${r.status}`), [], 'every request answered 201');
  assert.ok(results.some((r) => r.at < started) && results.some((r) => r.at > ended), 'writes before and after');
  for (const r of results) {
    const g = await r.client.req('GET', `/api/cases/${r.id}`);
    assertStatus(g, 200, `case ${r.id} acknowledged ${r.at < started ? 'before' : r.at > ended ? 'after' : 'during'}`);
    assert.equal(g.json.principal.family_name, r.family);
  }
});

test('a second compaction counts on and keeps every record', async () => {
  const seq = JSON.parse(readFileSync(join(stack.data, 'compact.json'), 'utf8')).sequence;
  const run = await ctl(['compact']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(readFileSync(join(stack.data, 'compact.json'), 'utf8')).sequence, seq + 1);
  const r = await users[0].req('GET', '/api/cases?limit=5');
  assertStatus(r, 200, 'list after two compactions');
});
