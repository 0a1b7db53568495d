// A full disk (issue 13, item 7): with the data folder on a small tmpfs filled to the last byte, a
// write answers a JSON 507 storage_full with the agreed sentence (not 503 "busy", not 500), nothing of
// it is saved, reads go on (a register upload, spooled to disk first, is refused the same way), and
// once space is freed the same writes succeed and the store checks clean. Needs root (mount -t
// tmpfs); skipped otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack } from '../lib/stack.mjs';
import { findUser, isJson, signIn } from '../lib/http.mjs';
import { REGISTER_HEADER, regRow } from '../lib/rtpf.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');
const FULL = {
  error: {
    code: 'storage_full',
    message: "Connect cannot save changes: the server's disk is full. Nothing was saved.",
    field: null,
  },
};

/** Writes zeros into `path` until the file system has no byte left. */
function fillUp(path) {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try { writeSync(fd, chunk); } catch (e) { if (e.code === 'ENOSPC') break; throw e; }
      }
    }
  } finally { closeSync(fd); }
}

function mountTmpfs(dir, size) {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.error?.message || 'mount failed');
}

const canMount = process.getuid?.() === 0;

test('a full disk answers 507 storage_full, saves nothing, and writes work again once space is freed', { skip: !canMount && 'needs root to mount a tmpfs' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'connect-full-'));
  const why = mountTmpfs(dir, '24m');
  if (why) { rmdirSync(dir); t.skip(`cannot mount a tmpfs: ${why}`); return; }
  let stack;
  try {
    stack = await startStack({ data: dir, keep: true });
    const admin = await signIn(stack.base, 'nfc.admin');
    const ho = await signIn(stack.base, 'ho.admin');
    const before = await admin.req('GET', '/api/users');
    assert.equal(before.status, 200);

    fillUp(join(dir, 'filler'));
    // LMDB reuses pages freed by earlier writes before it needs new ones: write until the disk says no.
    let full = null; let made = 0; let username;
    for (let i = 0; i < 400 && !full; i++) {
      username = `disk.full.${i}`;
      const r = await admin.req('POST', '/api/users', { body: { username, name: `Disk Full ${i}`, role: 'user' } });
      if (r.status === 201) { made++; continue; }
      full = r;
    }
    assert.ok(full, `a write failed once the disk was full (${made} fitted in freed pages)`);
    assert.equal(full.status, 507, `status ${full.status} ${full.text}\n${(() => { try { return readFileSync(join(dir, 'log', 'connectd.log'), 'utf8').slice(-1500); } catch { return ''; } })()}`);
    assert.ok(isJson(full), `JSON: ${full.headers.get('content-type')}`);
    assert.deepEqual(full.json, FULL);
    assert.equal(full.headers.get('x-content-type-options'), 'nosniff', 'the security headers are there');

    // Nothing of it was saved, and reading goes on.
    assert.equal(await findUser(admin, username), undefined, 'the refused user does not exist');
    const again = await admin.req('POST', '/api/users', { body: { username, name: 'Disk Full Again', role: 'user' } });
    assert.equal(again.status, 507, 'still full: still 507');
    // A register upload is spooled to the data folder's tmp/ first: that fails the same way.
    const registerBefore = (await ho.req('GET', '/api/rtpf/register')).json.records;
    const upload = await ho.req('PUT', '/api/rtpf/register', {
      raw: `${REGISTER_HEADER}\n${regRow({ document_number: 'FULL1' })}\n`, headers: { 'content-type': 'text/csv' },
    });
    assert.equal(upload.status, 507, upload.text);
    assert.deepEqual(upload.json, FULL);
    assert.equal((await ho.req('GET', '/api/rtpf/register')).json.records, registerBefore, 'no record loaded');

    // Space freed: the same write now succeeds.
    rmSync(join(dir, 'filler'));
    const ok = await admin.req('POST', '/api/users', { body: { username, name: 'Disk Full Saved', role: 'user' } });
    assert.equal(ok.status, 201, ok.text);
    const saved = await findUser(admin, username);
    assert.equal(saved?.name, 'Disk Full Saved');
    const loaded = await ho.req('PUT', '/api/rtpf/register', {
      raw: `${REGISTER_HEADER}\n${regRow({ document_number: 'FULL1' })}\n`, headers: { 'content-type': 'text/csv' },
    });
    assert.equal(loaded.status, 200, loaded.text);
    assert.equal(loaded.json.added, 1);
    await stack.stop();
    stack = null;
    const out = execFileSync(join(BIN, 'connectctl'), ['--data', dir, 'check'], { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
    assert.match(out, /chain intact/, out);
  } finally {
    if (stack) await stack.stop().catch(() => {});
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});
