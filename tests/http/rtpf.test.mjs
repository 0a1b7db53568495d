// The RTPF checker (fcgi/API.md "RTPF checker"): POST /api/rtpf/lookup answers {"match":MATCH} with the
// register record's 8 fields or {"match":null}; document numbers are normalised (spaces, hyphens, case);
// bad input is refused in the error shape and not audited; every look-up leaves a row for the
// organisation's admin (GET /api/rtpf/lookups, with a keyed hash, never the number) and an
// rtpf_match / rtpf_no_match event in the audit chain; who may do what; and a match can become a case.
// The hourly limit is in rtpf-limit.test.mjs, the register upload and CLI import in rtpf-register*.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, Client } from '../lib/stack.mjs';
import { assertError, assertErrorOneOf, assertStatus, signIn, listAll } from '../lib/http.mjs';
import { ukDate, caseBody, duplicateMatches } from '../lib/cases.mjs';
import {
  genRecord, lookup, assertMatch, assertNoMatch, lookupsPage, registerCount, uploadRegister, regCsv, regRow, auditTail, connectctl, settledStop,
} from '../lib/rtpf.mjs';

let stack; let startedAt;
const u = {}; // signed-in clients by user name
before(async () => {
  startedAt = Date.now();
  stack = await startStack();
  for (const name of ['net.admin', 'ho.admin', 'ho.user', 'nfc.admin', 'nfc.user', 'ebc.admin', 'ebc.user']) {
    u[name] = await signIn(stack.base, name);
  }
});
after(async () => { if (stack) await settledStop(stack, startedAt); });

const dayOffset = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
const total = async (admin) => (await lookupsPage(admin, 1)).json.total;

// ---- the look-up key ----------------------------------------------------------------------------

test('connectd starts its workers on a fresh data folder without a restart: the look-up key is made once', async () => {
  // Every worker loads DATA/lookup.key (creating it the first time); none may fail doing so.
  const wait = startedAt + 2000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const log = readFileSync(join(stack.data, 'log', 'connectd.log'), 'utf8');
  assert.doesNotMatch(log, /look-up key|exited with|died of signal|restarting/, `connectd.log:\n${log}`);
  assert.match(readFileSync(join(stack.data, 'lookup.key'), 'utf8'), /^[0-9a-f]{64}\n$/, 'lookup.key holds a 32-byte hex key');
});

// ---- 1. match ---------------------------------------------------------------------------------------

test('a match answers exactly the 8 MATCH fields with the register record\'s values', async () => {
  // Records 0..4 cover the five document types; 10..14 have a status without leave, so no expiry.
  for (const i of [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 27, 299]) {
    const g = genRecord(i);
    const r = await lookup(u['nfc.user'], g.document_type, g.document_number, g.match.date_of_birth);
    const m = assertMatch(r, `record ${i} (${g.document_type} ${g.document_number})`);
    assert.deepEqual(m, g.match, `record ${i}: values equal the register record`);
  }
  // Spot checks that do not depend on the copy of register_gen.c in tests/lib/rtpf.mjs.
  const first = assertMatch(await lookup(u['nfc.user'], 'passport', 'GEN000000000', '1940-01-01'));
  assert.equal(first.date_of_birth, '1940-01-01');
  assert.match(first.leave_expiry, /^\d{4}-\d{2}-\d{2}$/);
  // Valid in the register; answered as valid only until its expiry date (UK) has passed.
  assert.equal(first.leave_valid, first.leave_expiry >= ukDate());
  const noLeave = assertMatch(await lookup(u['nfc.user'], 'passport', 'GEN000000010', genRecord(10).match.date_of_birth));
  assert.equal(noLeave.leave_expiry, null, 'leave_expiry is null (present, not omitted) when the record has none');
  assert.ok('leave_expiry' in noLeave);
  assert.equal(noLeave.leave_valid, false);
});

// ---- 2. no match ------------------------------------------------------------------------------------

test('no record, or a record with another date of birth or document type, answers {"match":null}', async () => {
  const c = u['ho.user'];
  const g = genRecord(7); // brp
  assert.equal(g.document_type, 'brp');
  assertMatch(await lookup(c, g.document_type, g.document_number, g.match.date_of_birth), 'the control look-up matches');
  assertNoMatch(await lookup(c, 'passport', 'NOSUCHDOC12345', '1980-05-05'), 'unknown number');
  assertNoMatch(await lookup(c, 'brp', 'GEN000300000', '1980-05-05'), 'unknown number in the GEN series');
  const otherDob = dayOffset(0) === g.match.date_of_birth ? '1999-09-09' : '1950-06-06';
  assertNoMatch(await lookup(c, g.document_type, g.document_number, otherDob), 'right number, wrong date of birth');
  const nextDay = new Date(Date.parse(`${g.match.date_of_birth}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  assertNoMatch(await lookup(c, g.document_type, g.document_number, nextDay), 'date of birth one day out');
  for (const t of ['passport', 'national_id', 'ukvi_account', 'share_code']) {
    assertNoMatch(await lookup(c, t, g.document_number, g.match.date_of_birth), `right number and birth date under ${t}`);
  }
});

// ---- 3. normalisation -------------------------------------------------------------------------------

test('spaces, hyphens and lower case in the number are ignored', async () => {
  const c = u['ebc.user'];
  const g = genRecord(0);
  for (const n of ['gen-000 000 000', 'GEN 000-000-000', '  gen000000000  ', 'g-e-n-0-0-0-0-0-0-0-0-0', 'Gen000000000']) {
    const m = assertMatch(await lookup(c, 'passport', n, g.match.date_of_birth), `"${n}"`);
    assert.deepEqual(m, g.match, `"${n}" finds GEN000000000`);
  }
  // 64 letters and digits after normalising are allowed (no record: null); 65 are not.
  assertNoMatch(await lookup(c, 'passport', 'A'.repeat(64), '1980-01-01'), '64 characters');
  assertNoMatch(await lookup(c, 'passport', `${'AB-'.repeat(32)}`, '1980-01-01'), '64 characters once hyphens are dropped');
  assertError(await lookup(c, 'passport', 'A'.repeat(65), '1980-01-01'), 422, 'validation_failed', 'document_number', '65 characters');
});

test('a record loaded with spaces, hyphens and lower case in the CSV is found by its normalised number', async () => {
  const before_ = await registerCount(u['ho.admin']);
  const row = regRow({ document_type: 'share_code', document_number: 'wx 12-34 yz', date_of_birth: '1977-07-07', given_names: 'Norma', family_name: 'Lised', status: 'settled_status', leave_expiry: '', recourse_to_public_funds: 'true' });
  const up = await uploadRegister(u['ho.admin'], regCsv([row]));
  assertStatus(up, 200, 'upload');
  assert.equal(await registerCount(u['ho.admin']), before_ + 1);
  const want = { given_names: 'Norma', family_name: 'Lised', date_of_birth: '1977-07-07', nationality: 'Eritrean', status: 'settled_status', leave_valid: true, leave_expiry: null, recourse_to_public_funds: true };
  for (const n of ['WX1234YZ', 'wx1234yz', 'WX 12 34 YZ', 'wx-12-34-yz', 'wx 12-34 yz']) {
    assert.deepEqual(assertMatch(await lookup(u['ebc.user'], 'share_code', n, '1977-07-07'), `"${n}"`), want, `"${n}"`);
  }
});

// ---- 4. validation ----------------------------------------------------------------------------------

test('bad input is refused in the error shape, naming the field, and is not audited', async () => {
  const c = u['nfc.admin'];
  const countBefore = await total(c);
  const chainBefore = auditTail(stack.data, 100000).events.filter((e) => /^rtpf_/.test(e.action)).length;
  const ok = { document_type: 'passport', document_number: 'GEN000000000', date_of_birth: '1940-01-01' };
  const send = (body) => c.req('POST', '/api/rtpf/lookup', { body });
  const v = (field, over, what) => [field, { ...ok, ...over }, what];
  const cases422 = [
    v('document_type', { document_type: 'driving_licence' }, 'unknown document type'),
    v('document_type', { document_type: '' }, 'empty document type'),
    v('date_of_birth', { date_of_birth: '1940-1-1' }, 'malformed date'),
    v('date_of_birth', { date_of_birth: '01/01/1940' }, 'date in another format'),
    v('date_of_birth', { date_of_birth: '1940-01-01T00:00:00Z' }, 'a time, not a date'),
    v('date_of_birth', { date_of_birth: '2023-02-30' }, 'impossible date'),
    v('date_of_birth', { date_of_birth: '2023-02-29' }, 'not a leap year'),
    v('date_of_birth', { date_of_birth: '1940-13-01' }, 'month 13'),
    v('date_of_birth', { date_of_birth: dayOffset(2) }, 'future date'),
    v('date_of_birth', { date_of_birth: '2999-01-01' }, 'far future date'),
    v('document_number', { document_number: 'AB#12' }, 'other characters'),
    v('document_number', { document_number: 'GEN000000000.' }, 'a full stop'),
    v('document_number', { document_number: 'GENÉ00000000' }, 'a non-ASCII letter'),
    v('document_number', { document_number: '- -' }, 'empty after normalising'),
    v('document_number', { document_number: '' }, 'empty'),
    v('document_number', { document_number: 'A'.repeat(65) }, 'longer than 64'),
    v('document_number', { document_number: 'A'.repeat(300) }, 'much longer than 64'),
  ];
  for (const [field, body, what] of cases422) assertError(await send(body), 422, 'validation_failed', field, what);

  const either = [[400, 'invalid_field'], [422, 'validation_failed']];
  for (const f of ['document_type', 'document_number', 'date_of_birth']) {
    const body = { ...ok }; delete body[f];
    assertErrorOneOf(await send(body), either, f, `missing ${f}`);
    assertErrorOneOf(await send({ ...ok, [f]: null }), either, f, `${f} null`);
  }
  assertError(await send({ ...ok, document_number: 123456 }), 400, 'invalid_field', 'document_number', 'number as a JSON number');
  assertError(await send({ ...ok, date_of_birth: 19400101 }), 400, 'invalid_field', 'date_of_birth', 'date as a JSON number');
  assertErrorOneOf(await send({ ...ok, document_type: ['passport'] }), either, 'document_type', 'type as an array');
  assertError(await send({ ...ok, notes: 'x' }), 400, 'invalid_field', 'notes', 'an unknown member');
  assertError(await c.req('POST', '/api/rtpf/lookup', { raw: '{"document_type":"passport",' }), 400, 'invalid_json', null, 'broken JSON');
  assertError(await c.req('POST', '/api/rtpf/lookup', { raw: '["passport","GEN000000000","1940-01-01"]' }), 400, 'invalid_json', null, 'an array body');
  assertError(await c.req('POST', '/api/rtpf/lookup', { raw: '' }), 400, 'invalid_json', null, 'no body');

  assert.equal(await total(c), countBefore, 'no look-up row for a refused request');
  const chainAfter = auditTail(stack.data, 100000).events.filter((e) => /^rtpf_/.test(e.action)).length;
  assert.equal(chainAfter, chainBefore, 'no rtpf_* audit event for a refused request');
  // The control: a valid look-up by the same admin is counted.
  assertMatch(await send(ok));
  assert.equal(await total(c), countBefore + 1, 'a valid look-up adds one row');
});

// ---- 6. the look-up audit ---------------------------------------------------------------------------

test('the council admin lists its council\'s look-ups, newest first, with a keyed hash and never the number', async () => {
  const user = u['nfc.user'];
  const g = genRecord(20);
  assert.equal(g.document_type, 'passport');
  const NOT_IN_REGISTER = 'QZ7NOTREG4242';
  assertMatch(await lookup(user, 'passport', 'GEN000000020', g.match.date_of_birth), 'a');
  assertMatch(await lookup(user, 'passport', 'gen-000 000 020', g.match.date_of_birth), 'b: the same document written otherwise');
  assertNoMatch(await lookup(user, 'passport', 'qz7-notreg 4242', '1981-03-04'), 'c: not in the register');
  assertNoMatch(await lookup(user, 'brp', 'GEN000000020', g.match.date_of_birth), 'd: the same number under another type');
  const seen = await lookupsPage(u['nfc.admin']);
  const [d, c, b, a] = seen.json.items;
  const me = u['nfc.user'].user;
  for (const [row, type, matched, what] of [[a, 'passport', true, 'a'], [b, 'passport', true, 'b'], [c, 'passport', false, 'c'], [d, 'brp', false, 'd']]) {
    assert.equal(row.user.id, me.id, `${what}: user id`);
    assert.equal(row.user.name, me.name, `${what}: user name`);
    assert.equal(row.document_type, type, `${what}: document type`);
    assert.equal(row.matched, matched, `${what}: matched`);
    assert.ok(Math.abs(Date.parse(row.at) - Date.now()) < 120000, `${what}: at is now (${row.at})`);
  }
  assert.ok(d.id > c.id && c.id > b.id && b.id > a.id, 'newest first (ids)');
  const items = seen.json.items;
  for (let i = 1; i < items.length; i += 1) {
    assert.ok(Date.parse(items[i - 1].at) >= Date.parse(items[i].at), `newest first (at) at ${i}`);
    assert.ok(items[i - 1].id > items[i].id, `newest first (id) at ${i}`);
  }
  assert.equal(a.number_hash, b.number_hash, 'the same document, normalised, has the same hash');
  assert.notEqual(a.number_hash, c.number_hash, 'another document has another hash');
  assert.notEqual(a.number_hash, d.number_hash, 'the same number under another type has another hash');
  // HMAC-SHA256 of "type:number" (normalised) under the data folder's lookup.key.
  const keyFile = join(stack.data, 'lookup.key');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'lookup.key is private');
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
  assert.equal(key.length >= 32, true, 'a key of at least 32 bytes');
  const hmac = (msg) => createHmac('sha256', key).update(msg).digest('hex');
  assert.equal(a.number_hash, hmac('passport:GEN000000020'));
  assert.equal(c.number_hash, hmac(`passport:${NOT_IN_REGISTER}`));
  assert.equal(d.number_hash, hmac('brp:GEN000000020'));
  // The number itself is nowhere in the answer.
  for (const s of ['GEN000000020', '000000020', 'gen-000 000 020', NOT_IN_REGISTER, 'NOTREG', 'qz7-notreg']) {
    assert.ok(!seen.text.toUpperCase().includes(s.toUpperCase()), `the list does not hold "${s}"`);
  }
  assert.equal(seen.json.total, (await allLookups(u['nfc.admin'])).length, 'total counts every row');

  // Another council's admin does not see them; the HO admin sees HO look-ups only.
  assertMatch(await lookup(u['ho.user'], 'passport', 'GEN000000015', genRecord(15).match.date_of_birth), 'an HO look-up');
  assertMatch(await lookup(u['ebc.admin'], 'passport', 'GEN000000025', genRecord(25).match.date_of_birth), 'an EBC look-up');
  const orgUsers = async (admin) => new Set((await listAll(admin, '/api/users', 500)).items.map((x) => x.id));
  for (const [adminName, must] of [['ebc.admin', 'ebc.admin'], ['ho.admin', 'ho.user']]) {
    const admin = u[adminName];
    const rows = await allLookups(admin);
    const mine = await orgUsers(admin);
    assert.ok(rows.length > 0, `${adminName} sees some look-ups`);
    assert.ok(rows.some((x) => x.user.id === u[must].user.id), `${adminName} sees ${must}'s look-up`);
    for (const x of rows) {
      assert.ok(mine.has(x.user.id), `${adminName} sees only its organisation's look-ups (user ${x.user.id})`);
      assert.ok(![a.id, b.id, c.id, d.id].includes(x.id), `${adminName} does not see NFC's rows`);
      assert.ok(![a.number_hash, c.number_hash, d.number_hash].includes(x.number_hash), `${adminName} does not see NFC's hashes`);
    }
  }
  const nfcRows = await allLookups(u['nfc.admin']);
  const nfcUsers = await orgUsers(u['nfc.admin']);
  for (const x of nfcRows) assert.ok(nfcUsers.has(x.user.id), 'NFC sees only NFC look-ups');
});

async function allLookups(admin) { return (await listAll(admin, '/api/rtpf/lookups', 500)).items; }

test('the list pages with limit and cursor like every list', async () => {
  const all = await allLookups(u['nfc.admin']);
  assert.ok(all.length >= 5, 'enough rows to page');
  const paged = await listAll(u['nfc.admin'], '/api/rtpf/lookups', 2);
  assert.deepEqual(paged.items.map((x) => x.id), all.map((x) => x.id), 'pages of 2 give the same rows in the same order');
  assert.ok(paged.totals.every((t) => t === all.length), 'total on every page');
});

test('each look-up is an rtpf_match / rtpf_no_match event in the audit chain, without the number', async () => {
  const NOT_IN_REGISTER = 'KV93UNKNOWN77';
  const g = genRecord(30);
  assertMatch(await lookup(u['ebc.user'], g.document_type, g.document_number, g.match.date_of_birth));
  assertNoMatch(await lookup(u['ebc.user'], 'national_id', NOT_IN_REGISTER.toLowerCase(), '1966-06-16'));
  const { raw, events } = auditTail(stack.data, 20);
  const me = u['ebc.user'].user;
  const mine = events.filter((e) => e.actor === me.id && /^rtpf_/.test(e.action));
  assert.ok(mine.some((e) => e.action === 'rtpf_match'), `an rtpf_match event by ebc.user in ${raw}`);
  assert.ok(mine.some((e) => e.action === 'rtpf_no_match'), `an rtpf_no_match event by ebc.user in ${raw}`);
  for (const e of mine) {
    assert.equal(e.org, me.org.id, 'the event names the organisation');
    assert.match(e.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
  for (const s of [g.document_number, NOT_IN_REGISTER, g.document_number.slice(3)]) {
    assert.ok(!raw.toUpperCase().includes(s), `audit tail does not show "${s}"`);
  }
  const check = connectctl(stack.data, ['check']);
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /chain intact/);
});

test('a looked-up number that is not in the register is not stored anywhere in the data folder', async () => {
  const NUMBER = 'ZX48QNOTHERE9137';
  assertNoMatch(await lookup(u['nfc.user'], 'passport', NUMBER, '1972-02-02'));
  assertNoMatch(await lookup(u['ho.admin'], 'ukvi_account', NUMBER.toLowerCase(), '1972-02-02'));
  const mdb = readFileSync(join(stack.data, 'data.mdb'));
  for (const s of [NUMBER, NUMBER.toLowerCase(), 'NOTHERE9137']) {
    assert.equal(mdb.indexOf(Buffer.from(s)), -1, `data.mdb does not hold "${s}"`);
    assert.equal(mdb.indexOf(Buffer.from(s, 'utf16le')), -1, `data.mdb does not hold "${s}" (UTF-16)`);
  }
  // Nor any other file the stack keeps (logs, keys, the access log).
  const files = [];
  const walk = (dir) => { for (const n of readdirSync(dir)) { const p = join(dir, n); const st = statSync(p); if (st.isDirectory()) walk(p); else if (st.isFile()) files.push(p); } };
  walk(stack.data);
  for (const f of files) {
    const buf = readFileSync(f);
    assert.equal(buf.indexOf(Buffer.from(NUMBER)), -1, `${f} does not hold the number`);
    assert.equal(buf.indexOf(Buffer.from(NUMBER.toLowerCase())), -1, `${f} does not hold the number (as sent)`);
  }
});

// ---- 7. roles ---------------------------------------------------------------------------------------

test('council and HO users and admins may look up; the Network may not; without a session 401', async () => {
  const g = genRecord(40);
  for (const name of ['nfc.user', 'nfc.admin', 'ebc.user', 'ebc.admin', 'ho.user', 'ho.admin']) {
    assert.deepEqual(assertMatch(await lookup(u[name], g.document_type, g.document_number, g.match.date_of_birth), name), g.match, name);
  }
  const netBefore = await total(u['ho.admin']);
  assertError(await lookup(u['net.admin'], g.document_type, g.document_number, g.match.date_of_birth), 403, 'forbidden', undefined, 'Network admin');
  assertError(await lookup(new Client(stack.base), g.document_type, g.document_number, g.match.date_of_birth), 401, 'unauthenticated', undefined, 'no session');
  const bad = new Client(stack.base); bad.token = `${u['nfc.user'].token.slice(0, -4)}AAAA`;
  assertError(await lookup(bad, g.document_type, g.document_number, g.match.date_of_birth), 401, 'unauthenticated', undefined, 'a forged token');
  assert.equal(await total(u['ho.admin']), netBefore);
});

test('the look-up list is for council and HO admins only', async () => {
  for (const name of ['nfc.admin', 'ebc.admin', 'ho.admin']) await lookupsPage(u[name]);
  for (const name of ['nfc.user', 'ebc.user', 'ho.user', 'net.admin']) {
    assertError(await u[name].req('GET', '/api/rtpf/lookups'), 403, 'forbidden', undefined, name);
  }
  assertError(await new Client(stack.base).req('GET', '/api/rtpf/lookups'), 401, 'unauthenticated');
});

test('the register count is for the HO; the register upload for the HO admin only', async () => {
  const n = await registerCount(u['ho.admin']);
  // 300 synthetic records, a DEMO passport for each of the first three open cases of each council
  // (fewer where a council has fewer open demo cases) and the one record loaded by an earlier test.
  assert.ok(n > 300 + 1 && n <= 300 + 9 + 1, `the demo register holds the 300 synthetic records and the DEMO passports (${n})`);
  assert.equal(await registerCount(u['ho.user']), n, 'HO user sees the same count');
  for (const name of ['nfc.user', 'nfc.admin', 'ebc.admin', 'net.admin']) {
    assertError(await u[name].req('GET', '/api/rtpf/register'), 403, 'forbidden', undefined, `GET register as ${name}`);
  }
  assertError(await new Client(stack.base).req('GET', '/api/rtpf/register'), 401, 'unauthenticated');
  const body = regCsv([regRow({ document_number: 'ROLECHECK1', date_of_birth: '1990-01-01' })]);
  for (const name of ['ho.user', 'nfc.admin', 'nfc.user', 'ebc.admin', 'net.admin']) {
    assertError(await uploadRegister(u[name], body), 403, 'forbidden', undefined, `PUT register as ${name}`);
  }
  assertError(await uploadRegister(new Client(stack.base), body), 401, 'unauthenticated');
  assert.equal(await registerCount(u['ho.admin']), n, 'nothing was loaded by a refused upload');
  assertNoMatch(await lookup(u['ho.user'], 'passport', 'ROLECHECK1', '1990-01-01'), 'the refused row is not findable');
  const ok = await uploadRegister(u['ho.admin'], body);
  assertStatus(ok, 200, 'HO admin uploads');
  assert.equal(await registerCount(u['ho.user']), n + 1);
});

// ---- 9. from a match to a case ----------------------------------------------------------------------

test('a match can be turned into a case; a match whose holder already has a case is a possible duplicate', async () => {
  const user = u['nfc.user'];
  const g = genRecord(123);
  const m = assertMatch(await lookup(user, g.document_type, g.document_number, g.match.date_of_birth));
  const principal = { given_names: m.given_names, family_name: m.family_name, date_of_birth: m.date_of_birth, nationality: m.nationality, gender: 'unknown' };
  const made = await user.req('POST', '/api/cases', { body: caseBody({ principal }) });
  assertStatus(made, 201, 'create from the match');
  for (const k of ['given_names', 'family_name', 'date_of_birth', 'nationality']) assert.equal(made.json.principal[k], m[k], k);

  // DEMONFC1 is the passport of the principal applicant of NFC's first open demo case.
  const list = await listAll(user, '/api/cases', 500);
  const open = list.items.filter((x) => x.status !== 'closed').sort((x, y) => x.id - y.id);
  const first = open[0];
  const demo = assertMatch(await lookup(user, 'passport', 'demo nfc 1', first.date_of_birth), 'DEMONFC1');
  const kase = (await user.req('GET', `/api/cases/${first.id}`)).json;
  assert.equal(demo.given_names, kase.principal.given_names);
  assert.equal(demo.family_name, kase.principal.family_name);
  assert.equal(demo.nationality, kase.principal.nationality);
  const again = await user.req('POST', '/api/cases', { body: caseBody({ principal: { given_names: demo.given_names, family_name: demo.family_name, date_of_birth: demo.date_of_birth, nationality: demo.nationality, gender: 'unknown' } }) });
  const matches = duplicateMatches(again, 'case from DEMONFC1');
  assert.ok(matches.some((x) => x.id === first.id), `the existing case ${first.id} is among the matches ${JSON.stringify(matches)}`);
});
