// Retention and destruction on the test clock: the policy (bounds, scope), legal holds, the due list,
// `connectctl retention run` destroying a case closed 6 years and a day ago with nothing personal left
// in its compacted backup nor anywhere in the live data.mdb (connectd compacts it), a held case surviving, the destruction record and audit
// event, the referrals report still counting the destroyed case, and the daily run in connectd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import { createCaseAt, dependant, getCase, pdfBytes, person, upload } from '../lib/cases.mjs';
import { locate } from '../lib/lmdb-pages.mjs';

const BIN = join(ROOT, 'bin');
let stack; let nfcUser; let nfcAdmin; let ebcAdmin; let hoAdmin;
const ctl = (args, env = {}) => spawnSync(join(BIN, 'connectctl'), ['--data', stack.data, ...args],
  { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT, ...env } });
const word = () => `Zq${randomBytes(6).toString('hex')}`.replace(/[0-9]/g, (d) => 'abcdefghij'[d]);
const ymd = (d) => d.toISOString().slice(0, 10);
function yearsAgo(years, days) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - days);
  return ymd(d);
}

before(async () => {
  stack = await startStack({ clock: true, keep: true });
  dataDir = stack.data;
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcAdmin = await signIn(stack.base, 'ebc.admin');
  hoAdmin = await signIn(stack.base, 'ho.admin');
});
let dataDir;
after(async () => { await stack?.stop(); if (dataDir) rmSync(dataDir, { recursive: true, force: true }); });

/** A case with distinctive names and a document, closed on closureDate. */
async function closedCase(closureDate, names) {
  // Referred on its support start, 8 years ago: a closure may not be dated before the referral.
  const c = await createCaseAt(stack, 'nfc.user', `${yearsAgo(8, 0)}T12:00:00Z`, {
    principal: person({ given_names: names[0], family_name: names[1], ho_reference: `H${randomBytes(4).toString('hex')}` }),
    dependants: [dependant({ given_names: names[2], family_name: names[1] })],
  });
  const up = await upload(nfcUser, c.id, pdfBytes(names[3]), { filename: 'letter.pdf', contentType: 'application/pdf' });
  assertStatus(up, 201, 'upload');
  const start = yearsAgo(8, 0);
  assertStatus(await nfcUser.req('PUT', `/api/cases/${c.id}/finance`, { body: { support_start_date: start, weekly_subsistence_pence: 4321, accommodation_type: 'hostel', weekly_accommodation_pence: 10000, other_costs: [] } }), 200, 'finance');
  assertStatus(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: closureDate, reason: 'left_area' } }), 200, 'close');
  return c;
}

async function referralsRows() {
  const r = await nfcAdmin.req('GET', `/api/reports/referrals?from=${yearsAgo(9, 0)}&to=${ymd(new Date())}&format=csv`);
  assertStatus(r, 200, 'referrals csv');
  return r.text.trim().split(/\r\n/).length - 1;
}

test('policy: council admin reads and sets 1..25 years; 0 and 26 → 422; other roles 403', async () => {
  const g = await nfcAdmin.req('GET', '/api/retention');
  assertStatus(g, 200, 'get policy');
  assert.equal(g.json.years, 6);
  assertError(await nfcAdmin.req('PUT', '/api/retention', { body: { years: 0 } }), 422, 'validation_failed', 'years', '0');
  assertError(await nfcAdmin.req('PUT', '/api/retention', { body: { years: 26 } }), 422, 'validation_failed', 'years', '26');
  assertStatus(await nfcAdmin.req('PUT', '/api/retention', { body: { years: 7 } }), 200, 'set 7');
  assert.equal((await nfcAdmin.req('GET', '/api/retention')).json.years, 7);
  assert.equal((await ebcAdmin.req('GET', '/api/retention')).json.years, 6, 'another council keeps its own');
  assertStatus(await nfcAdmin.req('PUT', '/api/retention', { body: { years: 6 } }), 200, 'back to 6');
  assertError(await nfcUser.req('GET', '/api/retention'), 403, 'forbidden');
  assertError(await hoAdmin.req('PUT', '/api/retention', { body: { years: 6 } }), 403, 'forbidden');
});

test('a case closed 6 years and a day ago is destroyed by connectctl retention run; a held one survives; nothing personal remains', async () => {
  const doomedNames = [word(), word(), word(), word()];
  const heldNames = [word(), word(), word(), word()];
  const rowsBefore = await referralsRows();
  const doomed = await closedCase(yearsAgo(6, 1), doomedNames);
  const held = await closedCase(yearsAgo(6, 1), heldNames);
  const rowsWith = await referralsRows();
  assert.equal(rowsWith, rowsBefore + 2);

  const view = await getCase(nfcUser, doomed.id);
  assert.equal(view.retention.destroy_on, yearsAgo(0, 1), 'closure date + 6 years');
  assert.equal(view.retention.legal_hold, null);

  // Holds: scope (another council → 404), role (403), reason required.
  assertError(await ebcAdmin.req('PUT', `/api/cases/${held.id}/legal-hold`, { body: { reason: 'x' } }), 404, 'not_found');
  assertError(await nfcUser.req('PUT', `/api/cases/${held.id}/legal-hold`, { body: { reason: 'x' } }), 403, 'forbidden');
  assertError(await nfcAdmin.req('PUT', `/api/cases/${held.id}/legal-hold`, { body: {} }), 422, 'validation_failed', 'reason');
  const h = await nfcAdmin.req('PUT', `/api/cases/${held.id}/legal-hold`, { body: { reason: 'Judicial review pending' } });
  assertStatus(h, 200, 'hold');
  assert.equal(h.json.legal_hold.reason, 'Judicial review pending');
  assert.equal(h.json.legal_hold.by.id, nfcAdmin.user.id);

  const due = await nfcAdmin.req('GET', '/api/retention/due');
  assertStatus(due, 200, 'due');
  const dueIds = due.json.items.map((i) => i.id);
  assert.ok(dueIds.includes(doomed.id) && dueIds.includes(held.id));
  assert.ok(due.json.items.find((i) => i.id === held.id).legal_hold, 'the due list shows the hold');
  assert.equal((await ebcAdmin.req('GET', '/api/retention/due')).json.items.some((i) => i.id === doomed.id), false, 'scope');
  assertError(await nfcAdmin.req('GET', '/api/retention/due?within=-1'), 422, 'validation_failed', 'within');

  const dry = ctl(['retention', 'run', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`"connect_id":"C${doomed.id}"`));
  assert.doesNotMatch(dry.stdout, new RegExp(`"connect_id":"C${held.id}"`));
  assert.equal((await nfcUser.req('GET', `/api/cases/${doomed.id}`)).status, 200, 'a dry run destroys nothing');

  const run = ctl(['retention', 'run']);
  assert.equal(run.status, 0, run.stderr);
  const rec = JSON.parse(run.stdout.split('\n').find((l) => l.includes(`"C${doomed.id}"`)));
  assert.deepEqual(rec.counts, { people: 2, documents: 1, history: rec.counts.history, alerts: rec.counts.alerts, queries: 0, messages: 0, emails: rec.counts.emails });
  assert.ok(rec.counts.history >= 3);

  assertError(await nfcUser.req('GET', `/api/cases/${doomed.id}`), 404, 'not_found');
  assertStatus(await nfcUser.req('GET', `/api/cases/${held.id}`), 200, 'the held case survives');
  const search = await nfcUser.req('GET', `/api/cases?q=${doomedNames[1]}`);
  assert.equal(search.json.items.length, 0, 'not found by name');

  // The records: council admin sees its own, HO admin all, another council none; CSV and xlsx.
  const mine = await nfcAdmin.req('GET', '/api/destructions');
  assertStatus(mine, 200, 'destructions');
  const d = mine.json.items.find((i) => i.connect_id === `C${doomed.id}`);
  assert.ok(d, 'the record');
  assert.equal(d.policy_years, 6);
  assert.equal(d.closure_date, yearsAgo(6, 1));
  assert.equal(JSON.stringify(d).includes(doomedNames[1]), false);
  assert.ok((await hoAdmin.req('GET', '/api/destructions')).json.items.some((i) => i.id === d.id));
  assert.equal((await ebcAdmin.req('GET', '/api/destructions')).json.items.some((i) => i.id === d.id), false);
  assertError(await nfcUser.req('GET', '/api/destructions'), 403, 'forbidden');
  const csv = await nfcAdmin.req('GET', '/api/destructions?format=csv');
  assertStatus(csv, 200, 'csv');
  assert.match(csv.text, new RegExp(`C${doomed.id}`));
  const xlsx = await nfcAdmin.req('GET', '/api/destructions?format=xlsx');
  assertStatus(xlsx, 200, 'xlsx');

  // The audit event.
  const tail = ctl(['audit', 'tail', '50']);
  assert.ok(tail.stdout.split('\n').some((l) => l.includes('"case_destroyed"') && l.includes(`"target":${doomed.id}`)), 'audit event');

  // The reports for the old period still count it (an anonymous row, no Connect ID).
  assert.equal(await referralsRows(), rowsWith, 'referrals still add up');

  // connectctl check: nothing points at the destroyed case.
  const check = ctl(['check']);
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /[1-9]\d* destroyed cases with nothing left/);

  // The run scrubbed LMDB's free pages (store_scrub.h), then had the running connectd compact the
  // file, and said so; connectd serves on with every session and record it had.
  assert.match(run.stderr, /\d+ free page\(s\) overwritten with zeros/);
  assert.match(run.stderr, /data\.mdb compacted by connectd from \d+ to \d+ bytes/);
  assertStatus(await nfcUser.req('GET', `/api/cases/${held.id}`), 200, 'a session from before the compaction');

  // Nothing personal remains in the compacted backup (`connectctl backup`): not the principal's or the
  // dependant's names, nor the document's bytes (pdfBytes puts doomedNames[3] in the file).
  const backup = join(mkdtempSync(join(tmpdir(), 'connect-bk-')), 'b');
  const bk = ctl(['backup', backup]);
  assert.equal(bk.status, 0, bk.stderr);
  await stack.stop();
  const files = readdirSync(backup).map((f) => join(backup, f));
  assert.ok(files.some((f) => f.endsWith('data.mdb')), 'the backup holds the store (and the key files)');
  for (const f of files) {
    const bytes = readFileSync(f).toString('latin1');
    for (const n of doomedNames) assert.equal(bytes.includes(n), false, `${n} in ${f}`);
    if (f.endsWith('data.mdb')) assert.ok(bytes.includes(heldNames[1]), `the held case's name is still in ${f}`);
  }
  // The live data.mdb: the run had connectd rewrite it compacted (store_compact.h) while requests
  // waited, so no page of it, free or live, used or unused space, holds any of them; the held case
  // is still there, in use.
  let live = readFileSync(join(dataDir, 'data.mdb'));
  assert.deepEqual(locate(live, doomedNames), [], 'destroyed bytes in the live file');
  // With connectd stopped, `connectctl compact` does it itself; `connectctl scrub` zeroes free pages.
  const scrub = ctl(['scrub']);
  assert.equal(scrub.status, 0, scrub.stderr);
  assert.ok(JSON.parse(scrub.stdout).pages >= 0);
  const seq = JSON.parse(readFileSync(join(dataDir, 'compact.json'), 'utf8')).sequence;
  const compact = ctl(['compact']);
  assert.equal(compact.status, 0, compact.stderr);
  assert.match(compact.stderr, /data\.mdb compacted by connectctl from \d+ to \d+ bytes/);
  assert.equal(JSON.parse(readFileSync(join(dataDir, 'compact.json'), 'utf8')).sequence, seq + 1);
  live = readFileSync(join(dataDir, 'data.mdb'));
  assert.deepEqual(locate(live, doomedNames), []);
  assert.ok(locate(live, [heldNames[1]]).some((h) => h.where === 'used'), 'the held case is still in use');
  const outcome = JSON.parse(readFileSync(join(dataDir, 'compact.json'), 'utf8'));
  assert.equal(outcome.result, 'ok');
  assert.ok(outcome.bytes_after <= outcome.bytes_before, 'compaction does not grow the file');
  rmSync(backup, { recursive: true, force: true });
  stack = null;
});
