// Review findings on the reports (fcgi/API.md "## Reports"): failures mid-report and the upgrade of older stores.
//
// 1. A store error in the middle of an .xlsx download (here: a malformed case facts row after a good
//    one; in production a MDB error, out of memory, a row of another facts layout…) must not be sent
//    as a 200 workbook that silently lacks rows (and, for finance, the whole "By team and legislation"
//    sheet). Nothing has been sent yet when an xlsx fails, so the answer can and must be a 500 JSON
//    error — and without the download's Content-Disposition header, which would make the browser save
//    the JSON error as "connect-….xlsx".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack } from '../lib/stack.mjs';
import { STRONG, signIn, assertStatus } from '../lib/http.mjs';
import { caseBody } from '../lib/cases.mjs';
import { getReport } from '../lib/reports.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');

function ctl(data, args, input) {
  const r = spawnSync(join(BIN, 'connectctl'), ['--data', data, ...args], { input, encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
  assert.equal(r.status, 0, `connectctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const be64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b.toString('hex'); };

let stack, data, council, caseId;

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'connect-review-'));
  ctl(data, ['init']);
  council = Number(ctl(data, ['org', 'add', '--kind', 'council', '--name', 'Review Council', '--code', 'RVC']));
  ctl(data, ['org', 'add', '--kind', 'home_office', '--name', 'Home Office', '--code', 'HO']);
  ctl(data, ['user', 'add', '--org', 'RVC', '--username', 'rvc.admin', '--name', 'Rae Admin', '--role', 'admin', '--password-stdin'], `${STRONG}\n`);
  ctl(data, ['user', 'add', '--org', 'HO', '--username', 'ho.admin', '--name', 'Hal Admin', '--role', 'admin', '--password-stdin'], `${STRONG}\n`);
  stack = await startStack({ data, demo: false, keep: true });
  const admin = await signIn(stack.base, 'rvc.admin', STRONG);
  const r = await admin.req('POST', '/api/cases', { body: caseBody({ team: 'North' }) });
  assertStatus(r, 201, 'create a case');
  caseId = r.json.id;
  await stack.stop();

  // A malformed facts row after the good one, in the same council (value too short to decode).
  const dump = spawnSync('mdb_dump', ['-s', 'case_facts', data], { encoding: 'utf8' });
  assert.equal(dump.status, 0, dump.stderr);
  const extra = ` ${be64(council)}${be64(caseId + 1)}\n 000000\n`;
  const file = join(data, 'facts.dump');
  writeFileSync(file, dump.stdout.replace('DATA=END', `${extra}DATA=END`));
  const load = spawnSync('mdb_load', ['-s', 'case_facts', '-f', file, data], { encoding: 'utf8' });
  assert.equal(load.status, 0, load.stderr);

  stack = await startStack({ data, demo: false });
});

after(async () => { await stack?.stop(); });

const today = new Date().toISOString().slice(0, 10);

for (const report of ['referrals', 'finance', 'resolution']) {
  test(`a store error while making the ${report} xlsx is a 500 JSON error, not a 200 workbook missing rows`, async () => {
    const admin = await signIn(stack.base, 'rvc.admin', STRONG);
    const r = await getReport(admin, `/api/reports/${report}?from=2000-01-01&to=${today}&format=xlsx`);
    assert.equal(r.status, 500, `${report}: status ${r.status} (a ${r.bytes.length}-byte ${r.headers.get('content-type')})`);
    assert.equal(r.json?.error?.code, 'internal', `${report}: a JSON error body`);
    assert.equal(r.headers.get('content-disposition'), null, `${report}: no attachment header on the error`);
  });
}

// 1b. The same failure in a CSV: the head has gone out, so a 500 is impossible, but the download must not
//     end like a complete file: connectd breaks the FastCGI stream (http_stream_abort) and nginx cuts
//     the client's connection.
test('a store error while making a CSV does not end as a complete 200 download', async () => {
  const admin = await signIn(stack.base, 'rvc.admin', STRONG);
  const h = { authorization: `Bearer ${admin.token}` };
  // The connection is cut: before the head reaches the client (the fetch fails) or in the body.
  let complete = true;
  let status = null;
  try {
    const r = await fetch(`${stack.base}/api/reports/referrals?from=2000-01-01&to=${today}&format=csv`, { headers: h });
    status = r.status;
    if (r.status === 500) return;
    await r.arrayBuffer();
  } catch { complete = false; }
  assert.equal(complete, false, `status ${status} and the body ended cleanly: a partial report looks complete`);
});

// 2. status_at_referral is new: a store written before it has cases whose immigration status was set
//    (their history says so) but no status_at_referral. store_open's facts migration rebuilds the facts
//    from the records as they are, so the resolution report says "Unknown" at referral for every such
//    case, the CASE says null, and the next immigration update records the *then current* status as
//    "at referral" — not the first one (API.md: "the first immigration status other than unknown saved
//    on the case … it never changes afterwards"). The migration should backfill it from the case
//    history (the first immigration.status row whose new value is not unknown).
test('a store from before status_at_referral: the migration backfills it from the history', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'connect-review-mig-'));
  ctl(dir, ['init']);
  ctl(dir, ['org', 'add', '--kind', 'council', '--name', 'Migrated Council', '--code', 'MGC']);
  ctl(dir, ['org', 'add', '--kind', 'home_office', '--name', 'Home Office', '--code', 'HO']);
  ctl(dir, ['user', 'add', '--org', 'MGC', '--username', 'mgc.admin', '--name', 'Mo Admin', '--role', 'admin', '--password-stdin'], `${STRONG}\n`);
  ctl(dir, ['user', 'add', '--org', 'HO', '--username', 'ho.admin', '--name', 'Hal Admin', '--role', 'admin', '--password-stdin'], `${STRONG}\n`);
  let s = await startStack({ data: dir, demo: false, keep: true });
  let id;
  try {
    const admin = await signIn(s.base, 'mgc.admin', STRONG);
    const ho = await signIn(s.base, 'ho.admin', STRONG);
    const r = await admin.req('POST', '/api/cases', { body: caseBody() });
    assertStatus(r, 201, 'create a case');
    id = r.json.id;
    const page = (status) => ({ status, recourse_to_public_funds: false, leave_expiry: null, outstanding_application: false,
      application_type: null, application_date: null, appeal: false, appeal_date: null, judicial_review: false,
      judicial_review_date: null, ho_notes: null });
    assertStatus(await ho.req('PUT', `/api/cases/${id}/immigration`, { body: page('asylum_claim_refused') }), 200, 'first status');
    assertStatus(await ho.req('PUT', `/api/cases/${id}/immigration`, { body: page('ltr_nrpf') }), 200, 'second status');
  } finally {
    await s.stop();
  }

  // Make it look like a store written before the feature: no status_at_referral on the record, and
  // facts of an older layout (facts_version "0") so that store_open rebuilds them.
  const dump = spawnSync('mdb_dump', ['-s', 'cases', dir], { encoding: 'utf8' });
  assert.equal(dump.status, 0, dump.stderr);
  const lines = dump.stdout.split('\n');
  const head = lines.slice(0, lines.indexOf('HEADER=END') + 1);
  const pairs = [];
  for (let i = head.length; i + 1 < lines.length && lines[i] !== 'DATA=END'; i += 2) {
    const rec = JSON.parse(Buffer.from(lines[i + 1].trim(), 'hex').toString('utf8'));
    assert.equal(rec.status_at_referral, 'asylum_claim_refused', 'the record as this version writes it');
    delete rec.status_at_referral;
    pairs.push(lines[i], ` ${Buffer.from(JSON.stringify(rec), 'utf8').toString('hex')}`);
  }
  const casesFile = join(dir, 'cases.dump');
  writeFileSync(casesFile, [...head, ...pairs, 'DATA=END', ''].join('\n'));
  let load = spawnSync('mdb_load', ['-s', 'cases', '-f', casesFile, dir], { encoding: 'utf8' });
  assert.equal(load.status, 0, load.stderr);
  const metaFile = join(dir, 'meta.dump');
  writeFileSync(metaFile, ['VERSION=3', 'format=bytevalue', 'database=meta', 'type=btree', 'HEADER=END',
    ` ${Buffer.from('facts_version').toString('hex')}`, ` ${Buffer.from('0').toString('hex')}`, 'DATA=END', ''].join('\n'));
  load = spawnSync('mdb_load', ['-s', 'meta', '-f', metaFile, dir], { encoding: 'utf8' });
  assert.equal(load.status, 0, load.stderr);

  s = await startStack({ data: dir, demo: false });
  try {
    const admin = await signIn(s.base, 'mgc.admin', STRONG);
    const c = await admin.req('GET', `/api/cases/${id}`);
    assertStatus(c, 200, 'GET the case');
    assert.equal(c.json.status_at_referral, 'asylum_claim_refused', 'CASE status_at_referral after the upgrade');
    const r = await getReport(admin, `/api/reports/resolution?from=2000-01-01&to=${today}&format=csv`);
    assert.equal(r.status, 200);
    const rows = r.bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((l) => l.split(','));
    const col = rows[0].indexOf('Status at referral');
    assert.equal(rows[1][col], 'Asylum claim refused', 'resolution report: Status at referral after the upgrade');
  } finally {
    await s.stop();
  }
});
