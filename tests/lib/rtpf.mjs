// Helpers for the RTPF checker tests (tests/http/rtpf*.test.mjs): the demo register's synthetic records
// (a copy of store/ctl/register_gen.c, so a look-up's answer can be compared field by field), the MATCH and
// look-up row shapes of fcgi/API.md "RTPF checker", register CSV building and connectctl.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './stack.mjs';
import { assertList, assertStatus, isJson, listAll } from './http.mjs';
import { ukDate } from './cases.mjs';

export const DOC_TYPES = ['passport', 'national_id', 'brp', 'ukvi_account', 'share_code'];
export const MATCH_KEYS = ['given_names', 'family_name', 'date_of_birth', 'nationality', 'status', 'leave_valid',
  'leave_expiry', 'recourse_to_public_funds'].sort();
export const LOOKUP_ROW_KEYS = ['id', 'at', 'user', 'document_type', 'number_hash', 'matched'].sort();
export const REGISTER_HEADER = 'document_type,document_number,date_of_birth,given_names,family_name,nationality,status,leave_valid,leave_expiry,recourse_to_public_funds';
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

const GIVEN = ['Amina', 'Kwame', 'Ayesha', 'Rahim', 'Priya', 'Arben', 'Yonas', 'Hodan', 'Tendai', 'Zahra', 'Reza', 'Noor', 'Linh', 'Wei', 'Joao', 'Fatmata'];
const FAMILY = ['Okafor', 'Mensah', 'Khan', 'Rahman', 'Patel', 'Hoxha', 'Haile', 'Warsame', 'Moyo', 'Karimi', 'Hassan', 'Osman', 'Nguyen', 'Wang', 'Silva', 'Kamara'];
const NATIONALITY = ['Nigerian', 'Ghanaian', 'Pakistani', 'Bangladeshi', 'Indian', 'Albanian', 'Eritrean', 'Somali', 'Zimbabwean', 'Iranian', 'Afghan', 'Sudanese', 'Vietnamese', 'Chinese', 'Brazilian', 'Sierra Leonean'];
const STATUSES = [
  ['ltr_nrpf', true, false, true], ['ltr_recourse', true, true, true], ['asylum_claim_recorded', false, false, false],
  ['no_current_permission', false, false, false], ['pre_settled_status', true, true, true], ['appeal_rights_exhausted', false, false, false],
];

const dayAfter = (base, n) => new Date(Date.parse(`${base}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

/**
 * Demo register record i (0..299), as store/ctl/register_gen.c makes it: {document_type, document_number, match}
 * where `match` is the exact MATCH object a look-up must answer on the UK date `today`.
 */
export function genRecord(i, today = ukDate()) {
  const [status, valid, recourse, hasExpiry] = STATUSES[Math.floor(i / 5) % 6];
  const expiry = hasExpiry ? dayAfter('2026-01-01', (i * 31) % 1500) : null;
  return {
    document_type: DOC_TYPES[i % 5],
    document_number: `GEN${String(i).padStart(9, '0')}`,
    match: {
      given_names: GIVEN[Math.floor(i / 7) % 16],
      family_name: FAMILY[Math.floor(i / 3) % 16],
      date_of_birth: dayAfter('1940-01-01', (i * 7919) % 25000),
      nationality: NATIONALITY[Math.floor(i / 11) % 16],
      status,
      // leave whose expiry date has passed (UK date) is never answered as valid
      leave_valid: valid && !(expiry && expiry < today),
      leave_expiry: expiry,
      recourse_to_public_funds: recourse,
    },
  };
}

/** POST /api/rtpf/lookup. */
export function lookup(client, document_type, document_number, date_of_birth) {
  return client.req('POST', '/api/rtpf/lookup', { body: { document_type, document_number, date_of_birth } });
}

/** Asserts a 200 {"match":MATCH} with exactly the 8 keys and their types; returns the MATCH. */
export function assertMatch(r, what = 'look-up') {
  const ctx = `${what} -> ${r.status} ${r.text?.slice(0, 300)}`;
  assert.equal(r.status, 200, ctx);
  assert.ok(isJson(r), `JSON content type ${ctx}`);
  assert.deepEqual(Object.keys(r.json), ['match'], `only "match" at top level ${ctx}`);
  const m = r.json.match;
  assert.ok(m && typeof m === 'object' && !Array.isArray(m), `match is an object ${ctx}`);
  assert.deepEqual(Object.keys(m).sort(), MATCH_KEYS, `MATCH keys exactly ${ctx}`);
  for (const k of ['given_names', 'family_name', 'nationality', 'status']) assert.equal(typeof m[k], 'string', `${k} string ${ctx}`);
  assert.match(m.date_of_birth, DATE, `date_of_birth ${ctx}`);
  assert.equal(typeof m.leave_valid, 'boolean', `leave_valid boolean ${ctx}`);
  assert.equal(typeof m.recourse_to_public_funds, 'boolean', `recourse_to_public_funds boolean ${ctx}`);
  assert.ok(m.leave_expiry === null || DATE.test(m.leave_expiry), `leave_expiry date|null ${ctx}`);
  return m;
}

/** Asserts exactly 200 {"match":null}. */
export function assertNoMatch(r, what = 'look-up') {
  const ctx = `${what} -> ${r.status} ${r.text?.slice(0, 300)}`;
  assert.equal(r.status, 200, ctx);
  assert.ok(isJson(r), `JSON content type ${ctx}`);
  assert.deepEqual(r.json, { match: null }, ctx);
}

/** Asserts one row of GET /api/rtpf/lookups. */
export function assertLookupRow(row, what = 'look-up row') {
  assert.deepEqual(Object.keys(row).sort(), LOOKUP_ROW_KEYS, `${what}: keys exactly ${JSON.stringify(row)}`);
  assert.ok(Number.isInteger(row.id) && row.id > 0, `${what}: id`);
  assert.match(row.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, `${what}: at`);
  assert.deepEqual(Object.keys(row.user).sort(), ['id', 'name'], `${what}: user {id,name}`);
  assert.ok(Number.isInteger(row.user.id) && row.user.id > 0, `${what}: user.id`);
  assert.equal(typeof row.user.name, 'string');
  assert.ok(DOC_TYPES.includes(row.document_type), `${what}: document_type`);
  assert.match(row.number_hash, /^[0-9a-f]{64}$/, `${what}: number_hash 64 hex`);
  assert.equal(typeof row.matched, 'boolean', `${what}: matched boolean`);
}

/** The first page (newest first) of GET /api/rtpf/lookups: the list body, shape asserted. */
export async function lookupsPage(client, limit = 500) {
  const r = await client.req('GET', `/api/rtpf/lookups?limit=${limit}`);
  assertStatus(r, 200, 'GET /api/rtpf/lookups');
  assertList(r.json, 'look-ups');
  for (const row of r.json.items) assertLookupRow(row);
  return r;
}

/** Every row of the organisation's look-up list (all pages). */
export async function allLookups(client) { return (await listAll(client, '/api/rtpf/lookups', 500)).items; }

/** `{"records":N}` of GET /api/rtpf/register (asserts the shape). */
export async function registerCount(client) {
  const r = await client.req('GET', '/api/rtpf/register');
  assertStatus(r, 200, 'GET /api/rtpf/register');
  assert.deepEqual(Object.keys(r.json), ['records'], `register count keys ${r.text}`);
  assert.ok(Number.isInteger(r.json.records) && r.json.records >= 0);
  return r.json.records;
}

/** PUT /api/rtpf/register with a CSV body. */
export function uploadRegister(client, text) {
  return client.req('PUT', '/api/rtpf/register', { raw: text, headers: { 'content-type': 'text/csv' } });
}

/** A register CSV row from an object (fields quoted when needed). */
export function regRow(over = {}) {
  const r = {
    document_type: 'passport', document_number: 'X1', date_of_birth: '1985-06-15', given_names: 'Test', family_name: 'Person',
    nationality: 'Eritrean', status: 'ltr_nrpf', leave_valid: 'true', leave_expiry: '2027-03-31', recourse_to_public_funds: 'false', ...over,
  };
  return REGISTER_HEADER.split(',').map((k) => {
    const v = String(r[k]);
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}

/** A CSV text: header plus rows, CRLF or LF. */
export const regCsv = (rows, { header = REGISTER_HEADER, eol = '\n', bom = false } = {}) =>
  `${bom ? '\uFEFF' : ''}${[header, ...rows].join(eol)}${eol}`;

/**
 * Asserts a 422 validation_failed register answer: error {code, message, field, errors:[{line, field, message}]};
 * returns the errors as [[line, field], ...].
 */
export function registerErrors(r, what = 'register upload') {
  const ctx = `${what} -> ${r.status} ${r.text?.slice(0, 600)}`;
  assert.equal(r.status, 422, ctx);
  assert.ok(isJson(r), `JSON ${ctx}`);
  assert.deepEqual(Object.keys(r.json), ['error'], `only "error" at top level ${ctx}`);
  const e = r.json.error;
  assert.equal(e.code, 'validation_failed', ctx);
  assert.equal(typeof e.message, 'string');
  assert.ok(Array.isArray(e.errors) && e.errors.length > 0, `error.errors array ${ctx}`);
  for (const x of e.errors) {
    assert.ok(Number.isInteger(x.line) && x.line >= 1, `errors[].line ${JSON.stringify(x)}`);
    assert.ok(x.field === null || typeof x.field === 'string', `errors[].field string|null ${JSON.stringify(x)}`);
    assert.ok(typeof x.message === 'string' && x.message.length > 3, `errors[].message ${JSON.stringify(x)}`);
  }
  return e.errors.map((x) => [x.line, x.field]);
}

export const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');

/** Runs bin/connectctl --data DIR ...args; returns spawnSync's result (utf8). */
export function connectctl(data, args, input) {
  return spawnSync(join(BIN, 'connectctl'), ['--data', data, ...args], { input, encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
}

/** The last n audit events (parsed JSON lines) and the raw output of `connectctl audit tail n`. */
export function auditTail(data, n = 500) {
  const r = connectctl(data, ['audit', 'tail', String(n)]);
  assert.equal(r.status, 0, r.stderr);
  return { raw: r.stdout, events: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

/**
 * Stops a stack, but not before it has run `minMs` since `startedAt`. Work-around: on a fresh data
 * folder connectd's workers race to create lookup.key, one exits and is restarted about a second later,
 * and a SIGTERM that reaches connectd during that restart can leave the new worker running and the stop
 * waiting for ever (see the "connectd starts ... without a restart" test in rtpf.test.mjs).
 */
export async function settledStop(stack, startedAt, minMs = 2500) {
  const wait = startedAt + minMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return stack.stop();
}
