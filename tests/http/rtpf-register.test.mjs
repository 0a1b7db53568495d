// The HO admin's register upload, PUT /api/rtpf/register (fcgi/API.md "RTPF checker", "Register CSV"):
// the exact header; every bad row reported with its line and field (the first problem of each, up to 200)
// in a 422 validation_failed, and nothing loaded (all or nothing); a good file answers
// {records, added, replaced, total} and a record already in the register is replaced; Excel's byte order
// mark, CRLF and accented names are read as written. The CLI import is in rtpf-register-cli.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import {
  REGISTER_HEADER, genRecord, lookup, assertMatch, assertNoMatch, registerCount, uploadRegister, regCsv, regRow, registerErrors,
  settledStop,
} from '../lib/rtpf.mjs';

let stack; let ho; let checker; let startedAt;
before(async () => {
  startedAt = Date.now();
  stack = await startStack();
  ho = await signIn(stack.base, 'ho.admin');
  checker = await signIn(stack.base, 'ho.user');
});
after(async () => { if (stack) await settledStop(stack, startedAt); });

const future = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
const nullField = (errs) => errs.map(([l, f]) => [l, f ?? null]);

/** A bad upload: 422 with exactly these [line, field] errors, and the register untouched. */
async function refused(text, want, what) {
  const n = await registerCount(ho);
  const r = await uploadRegister(ho, text);
  const got = nullField(registerErrors(r, what));
  if (want) assert.deepEqual(got, want, `${what}: errors ${r.text.slice(0, 1500)}`);
  assert.equal(await registerCount(ho), n, `${what}: nothing was loaded`);
  return r.json.error.errors;
}

test('the header must be exactly the ten columns: otherwise one error on line 1', async () => {
  const cols = REGISTER_HEADER.split(',');
  const row = regRow({ document_number: 'HDR1' });
  const variants = [
    ['a missing column', cols.slice(0, 9).join(',')],
    ['columns in another order', [cols[1], cols[0], ...cols.slice(2)].join(',')],
    ['an extra column', `${REGISTER_HEADER},notes`],
    ['upper case', REGISTER_HEADER.toUpperCase()],
    ['a misspelt column', REGISTER_HEADER.replace('nationality', 'nationalty')],
    ['no header at all', row],
  ];
  for (const [what, header] of variants) {
    const errs = await refused(`${header}\n${row}\n`, null, what);
    assert.equal(errs.length, 1, `${what}: one error`);
    assert.equal(errs[0].line, 1, `${what}: on line 1`);
  }
  await refused('', null, 'an empty body');
  assertNoMatch(await lookup(checker, 'passport', 'HDR1', '1985-06-15'), 'the row under a bad header was not loaded');
});

test('each kind of bad field is reported with its line and field, all of them, and nothing is loaded', async () => {
  const long = 'A'.repeat(101);
  const g = genRecord(50);
  const rows = [
    /* 2 */ regRow({ document_number: 'GOODINBAD1', date_of_birth: '1981-01-01' }),
    /* 3 */ regRow({ document_number: 'BAD3', document_type: 'driving_licence' }),
    /* 4 */ regRow({ document_number: 'AB#12' }),
    /* 5 */ regRow({ document_number: '- -' }),
    /* 6 */ regRow({ document_number: 'N'.repeat(65) }),
    /* 7 */ regRow({ document_number: 'BAD7', date_of_birth: '1980-02-30' }),
    /* 8 */ regRow({ document_number: 'BAD8', date_of_birth: '15/06/1985' }),
    /* 9 */ regRow({ document_number: 'BAD9', date_of_birth: future }),
    /* 10 */ regRow({ document_number: 'BAD10', leave_valid: 'yes' }),
    /* 11 */ regRow({ document_number: 'BAD11', leave_valid: '' }),
    /* 12 */ regRow({ document_number: 'BAD12', recourse_to_public_funds: 'no' }),
    /* 13 */ regRow({ document_number: 'BAD13', leave_expiry: '2027-13-01' }),
    /* 14 */ regRow({ document_number: 'BAD14', given_names: '' }),
    /* 15 */ regRow({ document_number: 'BAD15', family_name: '' }),
    /* 16 */ regRow({ document_number: 'BAD16', given_names: long }),
    /* 17 */ regRow({ document_number: 'BAD17', family_name: long }),
    /* 18 */ regRow({ document_number: 'BAD18', nationality: '' }),
    /* 19 */ regRow({ document_number: 'BAD19', status: '' }),
    /* 20 */ regRow({ document_number: 'BAD20' }).split(',').slice(0, 9).join(','),
    /* 21 */ `${regRow({ document_number: 'BAD21' })},extra`,
    /* 22 */ regRow({ document_number: 'goodinbad-1', date_of_birth: '1981-01-01' }),
    /* 23 */ regRow({ document_type: g.document_type, document_number: g.document_number, date_of_birth: g.match.date_of_birth, given_names: 'Changed' }),
  ];
  const want = [[3, 'document_type'], [4, 'document_number'], [5, 'document_number'], [6, 'document_number'],
    [7, 'date_of_birth'], [8, 'date_of_birth'], [9, 'date_of_birth'], [10, 'leave_valid'], [11, 'leave_valid'],
    [12, 'recourse_to_public_funds'], [13, 'leave_expiry'], [14, 'given_names'], [15, 'family_name'],
    [16, 'given_names'], [17, 'family_name'], [18, 'nationality'], [19, 'status'], [20, null], [21, null],
    [22, 'document_number']];
  const errs = await refused(regCsv(rows), want, 'the mixed file');
  assert.match(errs.find((e) => e.line === 22).message, /\b2\b/, 'the repeat names the line it repeats');
  assertNoMatch(await lookup(checker, 'passport', 'GOODINBAD1', '1981-01-01'), 'a good row of a bad file is not findable');
  assert.deepEqual(assertMatch(await lookup(checker, g.document_type, g.document_number, g.match.date_of_birth)), g.match,
    'a replacement in a bad file did not replace anything');
});

test('an unclosed quote is reported on the line where the row starts', async () => {
  const errs = await refused(regCsv([regRow({ document_number: 'UQ1' }), regRow({ document_number: 'UQ2' }).replace('UQ2', '"UQ2')]),
    null, 'unclosed quote on the last row');
  assert.deepEqual(errs.map((e) => e.line), [3], `errors ${JSON.stringify(errs)}`);
  const mid = await refused(regCsv([regRow({ document_number: 'UQ3' }).replace('UQ3', '"UQ3'), regRow({ document_number: 'UQ4' }), regRow({ document_number: 'UQ5' })]),
    null, 'unclosed quote on a middle row');
  assert.deepEqual(mid.map((e) => e.line), [2], `errors ${JSON.stringify(mid)}`);
  assertNoMatch(await lookup(checker, 'passport', 'UQ1', '1985-06-15'));
});

test('the same document twice (also once normalised) is refused on the second line', async () => {
  await refused(regCsv([regRow({ document_number: 'TWICE1' }), regRow({ document_number: 'OTHER1' }), regRow({ document_number: 'twice 1' })]),
    [[4, 'document_number']], 'the same document twice');
  // The same number under two document types is two documents.
  const ok = await uploadRegister(ho, regCsv([regRow({ document_number: 'BOTH1' }), regRow({ document_type: 'brp', document_number: 'BOTH1' })]));
  assertStatus(ok, 200, 'one number under two types');
  assert.equal(ok.json.added, 2);
});

test('at most 200 errors are reported, the first of each bad row', async () => {
  const rows = [];
  for (let i = 0; i < 250; i += 1) rows.push(regRow({ document_number: `MANY${i}`, leave_valid: 'maybe', recourse_to_public_funds: 'perhaps' }));
  const errs = await refused(regCsv(rows), null, '250 bad rows');
  assert.equal(errs.length, 200);
  assert.deepEqual(errs.map((e) => e.line), Array.from({ length: 200 }, (_, i) => i + 2), 'one per row, in order');
  assert.ok(errs.every((e) => e.field === 'leave_valid'), 'the first problem of each row');
});

test('a good file loads: records, added, replaced and total; a changed record replaces the old one', async () => {
  const before_ = await registerCount(ho);
  const g = genRecord(65); // a passport, born 1980 (dates before 1970 have a test of their own)
  assert.ok(g.match.date_of_birth >= '1970-01-01');
  const rows = [
    regRow({ document_number: 'NEW 0001', date_of_birth: '1970-01-01', given_names: 'Ada', family_name: 'One', leave_expiry: '' }),
    regRow({ document_type: 'ukvi_account', document_number: 'new-0002', date_of_birth: '1971-02-02', given_names: 'Bo', family_name: 'Two', status: 'ltr_recourse', recourse_to_public_funds: 'true' }),
    regRow({ document_type: 'national_id', document_number: 'NEW0003', date_of_birth: '1972-03-03', given_names: 'C'.repeat(100), family_name: 'Three', leave_valid: 'false', leave_expiry: '' }),
    regRow({ document_type: g.document_type, document_number: g.document_number, date_of_birth: g.match.date_of_birth, given_names: 'Replaced', family_name: 'Person', nationality: 'Eritrean', status: 'settled_status', leave_valid: 'true', leave_expiry: '', recourse_to_public_funds: 'true' }),
  ];
  const r = await uploadRegister(ho, regCsv(rows));
  assertStatus(r, 200, 'upload');
  assert.deepEqual(Object.keys(r.json).sort(), ['added', 'records', 'replaced', 'total']);
  assert.deepEqual(r.json, { records: 4, added: 3, replaced: 1, total: before_ + 3 });
  assert.equal(await registerCount(ho), before_ + 3);
  assert.deepEqual(assertMatch(await lookup(checker, 'passport', 'NEW0001', '1970-01-01')),
    { given_names: 'Ada', family_name: 'One', date_of_birth: '1970-01-01', nationality: 'Eritrean', status: 'ltr_nrpf', leave_valid: true, leave_expiry: null, recourse_to_public_funds: false });
  assert.equal(assertMatch(await lookup(checker, 'ukvi_account', 'NEW0002', '1971-02-02')).recourse_to_public_funds, true);
  assert.equal(assertMatch(await lookup(checker, 'national_id', 'new 0003', '1972-03-03')).given_names, 'C'.repeat(100), '100 characters is allowed');
  assert.deepEqual(assertMatch(await lookup(checker, g.document_type, g.document_number, g.match.date_of_birth)),
    { given_names: 'Replaced', family_name: 'Person', date_of_birth: g.match.date_of_birth, nationality: 'Eritrean', status: 'settled_status', leave_valid: true, leave_expiry: null, recourse_to_public_funds: true });

  // Upload one of them again, changed (new date of birth, status, expiry).
  const again = await uploadRegister(ho, regCsv([regRow({ document_number: 'new-0001', date_of_birth: '1970-01-02', given_names: 'Ada', family_name: 'Onenew', status: 'ltr_recourse', leave_expiry: '2028-08-08', recourse_to_public_funds: 'true' })]));
  assertStatus(again, 200, 'the changed record');
  assert.deepEqual(again.json, { records: 1, added: 0, replaced: 1, total: before_ + 3 });
  assert.equal(await registerCount(ho), before_ + 3);
  assertNoMatch(await lookup(checker, 'passport', 'NEW0001', '1970-01-01'), 'the old date of birth no longer matches');
  assert.deepEqual(assertMatch(await lookup(checker, 'passport', 'NEW0001', '1970-01-02')),
    { given_names: 'Ada', family_name: 'Onenew', date_of_birth: '1970-01-02', nationality: 'Eritrean', status: 'ltr_recourse', leave_valid: true, leave_expiry: '2028-08-08', recourse_to_public_funds: true });
});

test('a byte order mark, CRLF line endings, quoted fields and accented names are read as Excel writes them', async () => {
  const before_ = await registerCount(ho);
  const rows = [
    regRow({ document_number: 'ACC1', date_of_birth: '1988-08-08', given_names: 'José María', family_name: 'Núñez-Ødegård', nationality: 'Côte d’Ivoire' }),
    regRow({ document_number: 'ACC2', date_of_birth: '1989-09-09', given_names: 'Zoë, Anaïs', family_name: 'O"Brien', nationality: 'Ελληνική' }),
  ];
  const r = await uploadRegister(ho, regCsv(rows, { bom: true, eol: '\r\n' }));
  assertStatus(r, 200, 'BOM + CRLF');
  assert.equal(r.json.added, 2);
  assert.equal(await registerCount(ho), before_ + 2);
  const a = assertMatch(await lookup(checker, 'passport', 'acc1', '1988-08-08'));
  assert.equal(a.given_names, 'José María');
  assert.equal(a.family_name, 'Núñez-Ødegård');
  assert.equal(a.nationality, 'Côte d’Ivoire');
  assert.equal(a.recourse_to_public_funds, false, 'the last field is not read with a trailing CR');
  const b = assertMatch(await lookup(checker, 'passport', 'ACC2', '1989-09-09'));
  assert.equal(b.given_names, 'Zoë, Anaïs');
  assert.equal(b.family_name, 'O"Brien');
  assert.equal(b.nationality, 'Ελληνική');
  // A file without a final line ending, and one with a blank line at its end.
  const c = await uploadRegister(ho, `${REGISTER_HEADER}\r\n${regRow({ document_number: 'NOEOL1' })}`);
  assertStatus(c, 200, 'no final line ending');
  assertMatch(await lookup(checker, 'passport', 'NOEOL1', '1985-06-15'));
  // Not UTF-8: refused.
  const latin1 = Buffer.concat([Buffer.from(`${REGISTER_HEADER}\n`), Buffer.from(regRow({ document_number: 'LAT1', given_names: 'Jos\u00e9' }), 'latin1'), Buffer.from('\n')]);
  const bad = await ho.req('PUT', '/api/rtpf/register', { raw: latin1, headers: { 'content-type': 'text/csv' } });
  registerErrors(bad, 'Latin-1 text');
  assertNoMatch(await lookup(checker, 'passport', 'LAT1', '1985-06-15'));
});

test('dates of birth before 1970 load (the register holds people born from 1900 on)', async () => {
  const before_ = await registerCount(ho);
  const rows = [
    regRow({ document_number: 'OLD1969', date_of_birth: '1969-12-31', given_names: 'Eve', family_name: 'Sixtynine' }),
    regRow({ document_number: 'OLD1950', date_of_birth: '1950-05-05', given_names: 'Ann', family_name: 'Fifty' }),
    regRow({ document_number: 'OLD1901', date_of_birth: '1901-01-01', given_names: 'Cen', family_name: 'Tenarian', leave_expiry: '' }),
  ];
  const r = await uploadRegister(ho, regCsv(rows));
  assertStatus(r, 200, 'births in 1969, 1950 and 1901');
  assert.deepEqual(r.json, { records: 3, added: 3, replaced: 0, total: before_ + 3 });
  assert.equal(assertMatch(await lookup(checker, 'passport', 'OLD1950', '1950-05-05')).family_name, 'Fifty');
  assert.equal(assertMatch(await lookup(checker, 'passport', 'OLD1969', '1969-12-31')).date_of_birth, '1969-12-31');
  // And a demo record born before 1970 can be re-loaded (replaced) from its CSV row.
  const g = genRecord(51);
  assert.ok(g.match.date_of_birth < '1970-01-01');
  const again = await uploadRegister(ho, regCsv([regRow({ document_type: g.document_type, document_number: g.document_number, date_of_birth: g.match.date_of_birth, given_names: 'Reloaded' })]));
  assertStatus(again, 200, 'a pre-1970 demo record replaced');
  assert.equal(assertMatch(await lookup(checker, g.document_type, g.document_number, g.match.date_of_birth)).given_names, 'Reloaded');
});

test('a header with no records is refused; a large file loads in one go', async () => {
  await refused(`${REGISTER_HEADER}\n`, null, 'header only');
  const before_ = await registerCount(ho);
  const rows = [];
  for (let i = 0; i < 20000; i += 1) rows.push(regRow({ document_type: 'share_code', document_number: `BULK${i}`, date_of_birth: '1975-01-01', given_names: `Given${i}` }));
  const text = regCsv(rows);
  assert.ok(text.length > 1.5e6, 'well over the default API body size');
  const r = await uploadRegister(ho, text);
  assertStatus(r, 200, '20,000 records');
  assert.deepEqual(r.json, { records: 20000, added: 20000, replaced: 0, total: before_ + 20000 });
  assert.equal(assertMatch(await lookup(checker, 'share_code', 'bulk19999', '1975-01-01')).given_names, 'Given19999');
});

test('a body over 64 MB is refused with 413', async () => {
  const before_ = await registerCount(ho);
  const row = regRow({ document_number: 'BIG', given_names: 'X'.repeat(90) });
  const n = Math.ceil((65 * 1024 * 1024) / row.length);
  const text = `${REGISTER_HEADER}\n${Array.from({ length: n }, (_, i) => row.replace('BIG', `BIG${i}`)).join('\n')}\n`;
  assert.ok(text.length > 64 * 1024 * 1024);
  const r = await uploadRegister(ho, text);
  assertError(r, 413, 'payload_too_large', undefined, '65 MB');
  assert.equal(await registerCount(ho), before_);
});

test('two 64-character numbers that differ only at the end are two documents', async () => {
  const a = `${'A'.repeat(63)}1`; const b = `${'A'.repeat(63)}2`;
  const r = await uploadRegister(ho, regCsv([
    regRow({ document_type: 'ukvi_account', document_number: a, date_of_birth: '1980-01-01' }),
    regRow({ document_type: 'ukvi_account', document_number: b, date_of_birth: '1980-01-01' }),
  ]));
  assertStatus(r, 200, 'two long numbers');
  assert.equal(r.json.records, 2);
  assertMatch(await lookup(checker, 'ukvi_account', b, '1980-01-01'));
});
