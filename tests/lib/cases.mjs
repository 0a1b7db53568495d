// Helpers for the case HTTP tests (tests/http/cases-*.test.mjs): request bodies, the CASE / PERSON /
// CASE_SUMMARY / DOCUMENT / history shapes of fcgi/API.md "## Cases", and real PNG/JPEG/PDF bytes.
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { ISO_TIME, assertError, assertList, assertStatus, isJson, listAll } from './http.mjs';

export const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const CASE_KEYS = ['id', 'connect_id', 'council', 'status', 'principal', 'dependants', 'immigration', 'finance',
  'closure', 'duplicate_of', 'caseworker', 'team', 'legislation', 'household_type', 'referral_source', 'status_at_referral', 'address', 'la_involvement', 'documents', 'previous_closures', 'retention',
  'created_at', 'updated_at'].sort();
export const PERSON_KEYS = ['id', 'given_names', 'family_name', 'date_of_birth', 'nationality', 'gender', 'other_names',
  'ho_reference', 'nino', 'relationship'].sort();
export const SUMMARY_KEYS = ['id', 'connect_id', 'council', 'status', 'name', 'date_of_birth', 'nationality',
  'dependants', 'caseworker', 'team', 'legislation', 'updated_at'].sort();
export const IMMIGRATION_KEYS = ['status', 'recourse_to_public_funds', 'leave_expiry', 'outstanding_application',
  'application_type', 'application_date', 'appeal', 'appeal_date', 'judicial_review', 'judicial_review_date',
  'ho_notes', 'updated_at', 'updated_by'].sort();
export const FINANCE_KEYS = ['support_start_date', 'weekly_subsistence_pence', 'accommodation_type',
  'weekly_accommodation_pence', 'other_costs', 'support_end_date', 'updated_at'].sort();
export const CLOSURE_KEYS = ['closure_date', 'reason', 'notes', 'closed_at', 'closed_by'].sort();
export const DOCUMENT_KEYS = ['id', 'filename', 'content_type', 'size', 'person_id', 'sha256', 'uploaded_at',
  'uploaded_by'].sort();
export const HISTORY_KEYS = ['at', 'by', 'field', 'old', 'new'].sort();
export const MATCH_KEYS = ['id', 'connect_id', 'name', 'date_of_birth', 'status', 'closure_date', 'nationality', 'ho_reference', 'principal', 'caseworker'].sort();

export const STATUSES = ['open_referral', 'open_supported', 'closed'];
export const LEGISLATIONS = ['care_act_2014', 'children_act_s17', 'children_act_s20', 'children_act_s23c',
  'children_act_s24a', 'children_act_s24b'];
export const HOUSEHOLD_TYPES = ['single_adult', 'couple', 'family', 'lone_parent_family', 'care_leaver',
  'looked_after_child', 'other'];
export const GENDERS = ['female', 'male', 'other', 'unknown'];
export const RELATIONSHIPS = ['spouse', 'partner', 'child', 'stepchild', 'other_relative', 'other'];
export const IMMIGRATION_STATUSES = ['unknown', 'no_current_permission', 'asylum_claim_recorded', 'asylum_claim_refused',
  'ltr_nrpf', 'ltr_recourse', 'pending_euss', 'pre_settled_status', 'settled_status', 'appeal_rights_exhausted',
  'british_citizen', 'other'];
export const ACCOMMODATION_TYPES = ['none', 'bed_and_breakfast', 'hostel', 'private_rented', 'temporary', 'supported', 'other'];
export const CLOSURE_REASONS = ['leave_granted_recourse', 'leave_granted_nrpf', 'transferred_to_asylum_support',
  'left_area', 'voluntary_return', 'no_longer_eligible', 'not_destitute', 'died', 'duplicate', 'other'];

const UK_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The UK (Europe/London) date at instant `ms` (milliseconds since the epoch), YYYY-MM-DD: Connect's
 * "today" is the UK date, which in British summer time runs an hour ahead of the UTC one. */
export function ukDate(ms = Date.now()) { return UK_DATE.format(new Date(ms)); }

/** The date `days` after the UK date at instant `ms` (default now), YYYY-MM-DD. A test on the test
 * clock passes the server's instant (serverSeconds(base) * 1000). */
export function dayOffset(days, ms = Date.now()) {
  const d = new Date(`${ukDate(ms)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// Unique dates of birth in 1940..1979 (fixed test dates live in 1980+), so that two generated people never
// trip the duplicate check by accident.
let dobSeq = randomInt(0, 2000);
export function uniqueDob() {
  dobSeq += 1;
  const d = new Date(Date.UTC(1940, 0, 1) + (dobSeq % 14600) * 86400000);
  return d.toISOString().slice(0, 10);
}

const CONS = 'bdfgklmnprstvz'; const VOW = 'aeiou';
/** A random pronounceable name of `syl` syllables, capitalised ("Kabetumo"). */
export function randomName(syl = 4) {
  let s = '';
  for (let i = 0; i < syl; i += 1) s += CONS[randomInt(CONS.length)] + VOW[randomInt(VOW.length)];
  return s[0].toUpperCase() + s.slice(1);
}

/** A valid PERSON body (principal unless `relationship` is given). */
export function person(over = {}) {
  return { given_names: randomName(3), family_name: randomName(4), date_of_birth: uniqueDob(), nationality: 'Eritrean', gender: 'female', ...over };
}

export function dependant(over = {}) { return person({ relationship: 'child', gender: 'male', ...over }); }

/** A valid POST /api/cases body. */
export function caseBody(over = {}) {
  return {
    principal: person(),
    dependants: [],
    legislation: 'care_act_2014',
    household_type: 'single_adult',
    address: '1 Test Street, Northfield',
    la_involvement: 'Referred by the test suite.',
    ...over,
  };
}

/** POST /api/cases and assert 201 CASE; returns the CASE. */
export async function createCase(client, over = {}, what = 'create case') {
  const r = await client.req('POST', '/api/cases', { body: caseBody(over) });
  assertStatus(r, 201, what);
  assertCase(r.json, what);
  return r.json;
}

/**
 * A case created by `username` with the server's test clock at the instant `iso` (a stack started with
 * `clock: true`), the clock then put back to `offset` (default: the real time). A closure may not be
 * dated before the case's referral date, so a test that closes a case on an old date creates it then.
 * The user signs in at that instant (a token issued now would be "from the future" there); the caller's
 * own clients, signed in at the real time, stay valid.
 */
export async function createCaseAt(stack, username, iso, over = {}, offset = 0) {
  const { signIn } = await import('./http.mjs');
  stack.setClockOffset(Math.floor(Date.parse(iso) / 1000) - Math.floor(Date.now() / 1000));
  try {
    const client = await signIn(stack.base, username);
    return await createCase(client, over, `create case at ${iso}`);
  } finally {
    stack.setClockOffset(offset);
  }
}

export async function getCase(client, id) {
  const r = await client.req('GET', `/api/cases/${id}`);
  assertStatus(r, 200, `GET /api/cases/${id}`);
  assertCase(r.json);
  return r.json;
}

/** GET /api/cases?… total (asserting 200 and the list shape). */
export async function caseTotal(client, query = '') {
  const r = await client.req('GET', `/api/cases?limit=1${query ? `&${query}` : ''}`);
  assertStatus(r, 200, `GET /api/cases?${query}`);
  assertList(r.json);
  return r.json.total;
}

/** Every item of GET /api/cases?q=… (follows cursors). */
export async function search(client, query, limit = 500) {
  const { items } = await listAll(client, `/api/cases${query ? `?${query}` : ''}`, limit);
  for (const s of items) assertSummary(s);
  return items;
}
export const q = (text) => `q=${encodeURIComponent(text)}`;

export async function history(client, id) {
  const { items } = await listAll(client, `/api/cases/${id}/history`, 500);
  for (const h of items) assertHistoryRow(h);
  return items;
}

/** Cleared optional value: the API says "cleared" without saying null or "" (both accepted). */
export function cleared(v) { return v === null || v === ''; }

function nullOr(v, check, what) {
  if (v !== null) check(v, what);
}
function isStr(v, what) { assert.equal(typeof v, 'string', `${what} string`); }
function isDate(v, what) { assert.match(String(v), DATE, `${what} YYYY-MM-DD`); }
function isRef(v, what) {
  assert.ok(v && typeof v === 'object', `${what} object`);
  assert.deepEqual(Object.keys(v).sort(), ['id', 'name'], `${what} keys {id,name}`);
  assert.ok(Number.isInteger(v.id) && v.id > 0, `${what}.id`);
  assert.equal(typeof v.name, 'string', `${what}.name`);
}

export function assertPerson(p, what = 'PERSON', { principal = false, exact = false } = {}) {
  assert.ok(p && typeof p === 'object', `${what} object`);
  if (exact || !principal) assert.deepEqual(Object.keys(p).sort(), PERSON_KEYS, `${what} keys exactly`);
  else assert.deepEqual(Object.keys(p).filter((k) => k !== 'relationship').sort(), PERSON_KEYS.filter((k) => k !== 'relationship'), `${what} keys (relationship tolerated absent)`);
  assert.ok(Number.isInteger(p.id) && p.id > 0, `${what}.id positive integer`);
  if (principal) assert.equal(p.id, 1, `${what}.id is 1 for the principal applicant`);
  else assert.ok(p.id > 1, `${what}.id > 1 for a dependant`);
  isStr(p.given_names, `${what}.given_names`); isStr(p.family_name, `${what}.family_name`);
  isDate(p.date_of_birth, `${what}.date_of_birth`); isStr(p.nationality, `${what}.nationality`);
  assert.ok(GENDERS.includes(p.gender), `${what}.gender ${p.gender}`);
  nullOr(p.other_names, isStr, `${what}.other_names`);
  nullOr(p.ho_reference, isStr, `${what}.ho_reference`);
  if (p.ho_reference) assert.match(p.ho_reference, /^[A-Z0-9/-]{1,20}$/, `${what}.ho_reference stored upper case`);
  if (principal) assert.ok(cleared(p.relationship ?? null), `${what}.relationship empty for the principal, got ${p.relationship}`);
  else assert.ok(RELATIONSHIPS.includes(p.relationship), `${what}.relationship ${p.relationship}`);
}

export function assertImmigration(im, what = 'IMMIGRATION') {
  assert.ok(im && typeof im === 'object', `${what} object`);
  assert.deepEqual(Object.keys(im).sort(), IMMIGRATION_KEYS, `${what} keys exactly`);
  assert.ok(IMMIGRATION_STATUSES.includes(im.status), `${what}.status ${im.status}`);
  assert.ok(im.recourse_to_public_funds === null || typeof im.recourse_to_public_funds === 'boolean', `${what}.recourse_to_public_funds bool|null`);
  for (const k of ['outstanding_application', 'appeal', 'judicial_review']) assert.equal(typeof im[k], 'boolean', `${what}.${k} boolean`);
  for (const k of ['leave_expiry', 'application_date', 'appeal_date', 'judicial_review_date']) nullOr(im[k], isDate, `${what}.${k}`);
  nullOr(im.application_type, isStr, `${what}.application_type`);
  nullOr(im.ho_notes, isStr, `${what}.ho_notes`);
  if (im.updated_at !== null) assert.match(im.updated_at, ISO_TIME, `${what}.updated_at`);
  nullOr(im.updated_by, isRef, `${what}.updated_by`);
}

export function assertFinance(f, what = 'FINANCE') {
  assert.ok(f && typeof f === 'object', `${what} object`);
  assert.deepEqual(Object.keys(f).sort(), FINANCE_KEYS, `${what} keys exactly`);
  nullOr(f.support_start_date, isDate, `${what}.support_start_date`);
  nullOr(f.support_end_date, isDate, `${what}.support_end_date`);
  for (const k of ['weekly_subsistence_pence', 'weekly_accommodation_pence']) {
    assert.ok(f[k] === null || (Number.isInteger(f[k]) && f[k] >= 0), `${what}.${k} integer ≥ 0 or null`);
  }
  assert.ok(f.accommodation_type === null || ACCOMMODATION_TYPES.includes(f.accommodation_type), `${what}.accommodation_type`);
  assert.ok(Array.isArray(f.other_costs), `${what}.other_costs array`);
  for (const [i, c] of f.other_costs.entries()) {
    for (const k of ['amount_pence', 'date', 'description']) assert.ok(k in c, `${what}.other_costs.${i} has ${k}`);
    assert.ok(Number.isInteger(c.amount_pence) && c.amount_pence >= 0);
  }
  assert.match(f.updated_at, ISO_TIME, `${what}.updated_at`);
}

export function assertClosure(c, what = 'CLOSURE') {
  assert.ok(c && typeof c === 'object', `${what} object`);
  assert.deepEqual(Object.keys(c).sort(), CLOSURE_KEYS, `${what} keys exactly`);
  isDate(c.closure_date, `${what}.closure_date`);
  assert.ok(CLOSURE_REASONS.includes(c.reason), `${what}.reason`);
  nullOr(c.notes, isStr, `${what}.notes`);
  assert.match(c.closed_at, ISO_TIME, `${what}.closed_at`);
  isRef(c.closed_by, `${what}.closed_by`);
}

export function assertDocument(d, what = 'DOCUMENT') {
  assert.ok(d && typeof d === 'object', `${what} object`);
  assert.deepEqual(Object.keys(d).sort(), DOCUMENT_KEYS, `${what} keys exactly`);
  assert.ok(Number.isInteger(d.id) && d.id > 0, `${what}.id`);
  isStr(d.filename, `${what}.filename`);
  assert.ok(['application/pdf', 'image/jpeg', 'image/png'].includes(d.content_type), `${what}.content_type ${d.content_type}`);
  assert.ok(Number.isInteger(d.size) && d.size > 0, `${what}.size`);
  assert.ok(d.person_id === null || (Number.isInteger(d.person_id) && d.person_id > 0), `${what}.person_id`);
  assert.match(d.sha256, /^[0-9a-f]{64}$/, `${what}.sha256 64 hex digits`);
  assert.match(d.uploaded_at, ISO_TIME, `${what}.uploaded_at`);
  isRef(d.uploaded_by, `${what}.uploaded_by`);
}

/** Keys a CASE carried beyond API.md (reported by the strict shape test in cases-crud). */
export const extraCaseKeys = new Set();

/** exact: the keys must be API.md's exactly; otherwise API.md's keys must all be there (extras noted). */
export function assertCase(c, what = 'CASE', { exact = false } = {}) {
  assert.ok(c && typeof c === 'object', `${what} object`);
  if (exact) assert.deepEqual(Object.keys(c).sort(), CASE_KEYS, `${what} keys exactly`);
  else {
    for (const k of CASE_KEYS) assert.ok(k in c, `${what} has key ${k}`);
    for (const k of Object.keys(c)) if (!CASE_KEYS.includes(k)) extraCaseKeys.add(k);
  }
  assert.ok(Number.isInteger(c.id) && c.id > 0, `${what}.id positive integer`);
  assert.equal(c.connect_id, `C${c.id}`, `${what}.connect_id is "C" + id`);
  isRef(c.council, `${what}.council`);
  assert.ok(STATUSES.includes(c.status), `${what}.status ${c.status}`);
  assertPerson(c.principal, `${what}.principal`, { principal: true });
  assert.ok(Array.isArray(c.dependants), `${what}.dependants array`);
  c.dependants.forEach((p, i) => assertPerson(p, `${what}.dependants[${i}]`));
  const ids = [1, ...c.dependants.map((p) => p.id)];
  assert.equal(new Set(ids).size, ids.length, `${what} person ids unique`);
  assertImmigration(c.immigration, `${what}.immigration`);
  if (c.finance !== null) assertFinance(c.finance, `${what}.finance`);
  if (c.closure !== null) assertClosure(c.closure, `${what}.closure`);
  assert.equal(c.status === 'closed', c.closure !== null, `${what}: closure present exactly when closed`);
  nullOr(c.caseworker, isRef, `${what}.caseworker`);
  nullOr(c.team, isStr, `${what}.team`);
  assert.ok(LEGISLATIONS.includes(c.legislation), `${what}.legislation`);
  assert.ok(HOUSEHOLD_TYPES.includes(c.household_type), `${what}.household_type`);
  nullOr(c.address, isStr, `${what}.address`);
  nullOr(c.la_involvement, isStr, `${what}.la_involvement`);
  assert.ok(Array.isArray(c.documents), `${what}.documents array`);
  c.documents.forEach((d, i) => assertDocument(d, `${what}.documents[${i}]`));
  assert.match(c.created_at, ISO_TIME, `${what}.created_at`);
  assert.match(c.updated_at, ISO_TIME, `${what}.updated_at`);
  assert.ok(Date.parse(c.updated_at) >= Date.parse(c.created_at), `${what}.updated_at ≥ created_at`);
}

export function assertSummary(s, what = 'CASE_SUMMARY') {
  assert.ok(s && typeof s === 'object', `${what} object`);
  assert.deepEqual(Object.keys(s).sort(), SUMMARY_KEYS, `${what} keys exactly`);
  assert.ok(Number.isInteger(s.id) && s.id > 0);
  assert.equal(s.connect_id, `C${s.id}`, `${what}.connect_id`);
  isRef(s.council, `${what}.council`);
  assert.ok(STATUSES.includes(s.status), `${what}.status`);
  isStr(s.name, `${what}.name`); isDate(s.date_of_birth, `${what}.date_of_birth`); isStr(s.nationality, `${what}.nationality`);
  assert.ok(Number.isInteger(s.dependants) && s.dependants >= 0, `${what}.dependants count`);
  nullOr(s.caseworker, isRef, `${what}.caseworker`);
  nullOr(s.team, isStr, `${what}.team`);
  assert.ok(LEGISLATIONS.includes(s.legislation), `${what}.legislation`);
  assert.match(s.updated_at, ISO_TIME, `${what}.updated_at`);
}

/** The summary a CASE should list as. */
export function assertSummaryOf(s, c, what = 'summary') {
  assert.equal(s.id, c.id, `${what}.id`);
  assert.equal(s.connect_id, c.connect_id);
  assert.deepEqual(s.council, c.council, `${what}.council`);
  assert.equal(s.status, c.status, `${what}.status`);
  assert.ok(s.name.includes(c.principal.given_names) && s.name.includes(c.principal.family_name), `${what}.name "${s.name}" holds the principal's names`);
  assert.equal(s.date_of_birth, c.principal.date_of_birth, `${what}.date_of_birth`);
  assert.equal(s.nationality, c.principal.nationality, `${what}.nationality`);
  assert.equal(s.dependants, c.dependants.length, `${what}.dependants`);
  assert.deepEqual(s.caseworker, c.caseworker, `${what}.caseworker`);
  assert.equal(s.team, c.team, `${what}.team`);
  assert.equal(s.legislation, c.legislation, `${what}.legislation`);
}

export function assertHistoryRow(h, what = 'history row') {
  assert.ok(h && typeof h === 'object', `${what} object`);
  assert.deepEqual(Object.keys(h).sort(), HISTORY_KEYS, `${what} keys exactly`);
  assert.match(h.at, ISO_TIME, `${what}.at`);
  isRef(h.by, `${what}.by`);
  assert.equal(typeof h.field, 'string', `${what}.field`);
  assert.ok(h.field.length > 0);
}

/** History values may be JSON values or their text: compare loosely. */
export function sameValue(a, b) {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return cleared(a ?? null) && cleared(b ?? null);
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

/**
 * Find a history row by field (string or RegExp) and optional old/new values; asserts one exists.
 */
export function findRow(rows, field, { old, new: nu, by } = {}, what = '') {
  const ok = (h) => (field instanceof RegExp ? field.test(h.field) : h.field === field)
    && (old === undefined || sameValue(h.old, old)) && (nu === undefined || sameValue(h.new, nu))
    && (by === undefined || h.by.id === by);
  const row = rows.find(ok);
  assert.ok(row, `${what}: history has a row field=${field} old=${JSON.stringify(old)} new=${JSON.stringify(nu)} by=${by}; rows: ${JSON.stringify(rows.slice(0, 40))}`);
  return row;
}

export function assertNewestFirst(rows, what = 'history') {
  for (let i = 1; i < rows.length; i += 1) {
    assert.ok(Date.parse(rows[i - 1].at) >= Date.parse(rows[i].at), `${what}: newest first at ${i}: ${rows[i - 1].at} before ${rows[i].at}`);
  }
}

/** The matches of a 409 possible_duplicate (top level per API.md; also looked for inside "error"). */
export function duplicateMatches(r, what = '') {
  assert.equal(r.status, 409, `${what}: status -> ${r.status} ${r.text?.slice(0, 400)}`);
  assert.ok(isJson(r), `${what}: JSON`);
  assert.equal(r.json?.error?.code, 'possible_duplicate', `${what}: error.code -> ${r.text?.slice(0, 400)}`);
  assert.equal(typeof r.json.error.message, 'string');
  const m = r.json.matches ?? r.json.error.matches;
  assert.ok(Array.isArray(m), `${what}: "matches" array in ${r.text?.slice(0, 400)}`);
  for (const x of m) {
    assert.deepEqual(Object.keys(x).sort(), MATCH_KEYS, `${what}: match keys exactly`);
    assert.equal(x.connect_id, `C${x.id}`);
    isStr(x.name, 'match.name'); isDate(x.date_of_birth, 'match.date_of_birth');
  }
  return m;
}

export { assertError };

// ---- files ------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) { let c = n; for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; t[n] = c >>> 0; }
  return t;
})();
function crc32(buf) { let c = 0xffffffff; for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; }
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A real RGB PNG of w×h pixels; `extra` bytes of a private ancillary chunk pad it to a size. */
export function pngBytes(w = 3, h = 2, extra = 0) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let y = 0; y < h; y += 1) {
    raw[y * (1 + w * 3)] = 0;
    for (let x = 0; x < w; x += 1) { const o = y * (1 + w * 3) + 1 + x * 3; raw[o] = (x * 80) & 255; raw[o + 1] = (y * 120) & 255; raw[o + 2] = 200; }
  }
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw))];
  if (extra > 0) parts.push(chunk('teXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(extra, 0x41)])));
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

// A real 4×4 baseline JPEG (made with libjpeg, quality 50).
export const JPEG_BYTES = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAEAAQDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDIooorkPqD/9k=', 'base64');

/** A real one-page PDF 1.4 with a correct cross-reference table. */
export function pdfBytes(text = 'Connect test document') {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(Buffer.byteLength(out, 'latin1')); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** POST a document (raw body). Returns the raw response. */
export function upload(client, caseId, bytes, { filename = 'file.bin', person = 1, contentType = 'application/octet-stream' } = {}) {
  let path = `/api/cases/${caseId}/documents?filename=${encodeURIComponent(filename)}`;
  if (person !== null) path += `&person=${person}`;
  return client.req('POST', path, { raw: bytes, headers: { 'content-type': contentType } });
}

/** GET a document as bytes: {status, headers, bytes, json}. */
export async function download(client, caseId, docId) {
  const h = {};
  if (client.token) h.authorization = `Bearer ${client.token}`;
  if (client.cookie) h.cookie = client.cookie;
  const r = await fetch(`${client.base}/api/cases/${caseId}/documents/${docId}`, { headers: h, redirect: 'manual' });
  const bytes = Buffer.from(await r.arrayBuffer());
  let json = null;
  try { json = JSON.parse(bytes.toString('utf8')); } catch { /* a file */ }
  return { status: r.status, headers: r.headers, bytes, json, text: bytes.subarray(0, 400).toString('latin1') };
}
