// Edits a stopped stack's store with LMDB's own tools (mdb_dump / mdb_load, Debian's lmdb-utils), to
// set up states the API can no longer produce, e.g. a password chosen under an older, weaker policy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** argon2id (t=2, m=19456 KiB, p=1, fixed salt) of "password1234", which today's policy refuses. */
export const WEAK_PASSWORD = 'password1234';
export const WEAK_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$Y29ubmVjdC10ZXN0LXNsdA$uCqsFPj1sueyeLScJzP2HfTLc/3m+rNM39DjNPZqUiY';

/** Database `db` of the store in `data`: the dump header and the hex key and value lines. */
function dumpDb(data, db) {
  const r = spawnSync('mdb_dump', ['-s', db, data], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const end = lines.indexOf('HEADER=END');
  assert.ok(end > 0, 'mdb_dump header');
  return { header: lines.slice(0, end + 1), body: lines.slice(end + 1).filter((l) => l.startsWith(' ')).map((l) => l.slice(1)) };
}

/**
 * Changes user `id`'s stored record with `edit(record)` in the store in `data`, which no process may
 * have open for writing (stop the stack first, with keep: true).
 */
export function editUserRecord(data, id, edit) {
  editJsonRecord(data, 'users', id, edit);
}

/**
 * Changes audit event `seq` with `edit(event)` behind the chain's back (what tampering with the file
 * looks like); the same rules as editUserRecord.
 */
export function editAuditEvent(data, seq, edit) {
  editJsonRecord(data, 'audit', seq, edit);
}

/** Rewrites the JSON record under the u64 key `id` of database `db` with `edit(record)`. */
function editJsonRecord(data, db, id, edit) {
  const { header, body } = dumpDb(data, db);
  const key = BigInt(id).toString(16).padStart(16, '0');
  const at = body.findIndex((k, i) => i % 2 === 0 && k === key);
  assert.ok(at >= 0, `${db} record ${id} in the store`);
  const record = JSON.parse(Buffer.from(body[at + 1], 'hex').toString('utf8'));
  edit(record);
  const value = Buffer.from(JSON.stringify(record), 'utf8').toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'connect-edit-'));
  try {
    const file = join(dir, `${db}.dump`);
    writeFileSync(file, `${header.join('\n')}\n ${key}\n ${value}\nDATA=END\n`);
    const r = spawnSync('mdb_load', ['-s', db, '-f', file, data], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
