// Helpers for the alert, query and home-counter HTTP tests (tests/http/alerts-*.test.mjs, queries,
// home-counters): the ALERT / QUERY shapes of fcgi/API.md "Alerts, queries and service levels", a frozen
// test clock, clients that sign in again when a clock jump ends their session, and small request helpers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, DEMO_PASSWORD, ROOT } from './stack.mjs';
import { ISO_TIME, assertList, assertStatus, listAll } from './http.mjs';

export const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const ALERT_KEYS = ['id', 'case_id', 'connect_id', 'council', 'caseworker', 'type', 'to', 'raised_at', 'raised_by',
  'due', 'due_beyond_calendar', 'overdue', 'fields', 'outcome', 'open', 'cleared_at', 'cleared_by', 'cleared_how', 'statement', 'awaiting_mi_run',
  'principal', 'working_days_overdue'].sort();
export const QUERY_KEYS = ['id', 'case_id', 'connect_id', 'council', 'caseworker', 'category', 'urgent', 'urgent_reason',
  'opened_by', 'opened_at', 'status', 'awaiting', 'due', 'due_beyond_calendar', 'overdue', 'message_count', 'messages', 'closed_at', 'closed_by',
  'principal', 'working_days_overdue'].sort();
export const MESSAGE_KEYS = ['id', 'at', 'by', 'side', 'text'].sort();
export const ALERT_TYPES = ['new_case', 'council_update', 'immigration_update', 'closure_required', 'case_closed', 'final_outcome',
  'case_reopened', 'support_ended', 'nino_result'];
export const ALERT_TO = { new_case: 'ho', council_update: 'ho', case_closed: 'ho', immigration_update: 'council', closure_required: 'council',
  final_outcome: 'council', case_reopened: 'ho', support_ended: 'council', nino_result: 'council' };
export const CLEARED_HOW = ['accepted', 'status_check', 'query', 'case_closed', 'case_reopened', 'end_date_changed', 'duplicate'];
export const CATEGORIES = ['status_discrepancy', 'progress_update', 'expedite_request', 'fee_waiver', 'change_of_conditions',
  'transfer_to_asylum_support', 'unable_to_make_application', 'other'];
export const URGENT_REASONS = ['legal_proceedings', 'safeguarding', 'reconsideration'];
export const COUNCIL_COUNTERS = ['immigration_update', 'query_responses', 'new_ho_queries', 'closure_required', 'final_outcome',
  'open_referral', 'open_supported', 'thousand_day', 'overdue', 'due_today', 'support_ended', 'nino_result'].sort();
export const HO_COUNTERS = ['new_case', 'council_update', 'case_closed', 'case_reopened', 'queries_awaiting_ho', 'overdue', 'due_today',
  'thousand_day'].sort();
export const NETWORK_COUNTERS = ['open_referral', 'open_supported', 'closed'].sort();

// ---- the clock ------------------------------------------------------------------------------------

/**
 * Moves the server's clock so that its "now" is the instant `iso` (the offset is relative to real time,
 * so call it again just before each action whose date matters). Returns the offset in seconds.
 */
export function setNow(stack, iso) {
  const t = Date.parse(iso);
  assert.ok(Number.isFinite(t), `setNow: bad instant ${iso}`);
  // The server adds the offset to time(NULL) (whole seconds, rounded down): never land a second early.
  const offset = Math.floor(t / 1000) - Math.floor(Date.now() / 1000);
  stack.setClockOffset(offset);
  return offset;
}

/** Calendar arithmetic on YYYY-MM-DD strings (UTC, no time zone involved). */
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The England and Wales bank holidays of the shipped calendar (store/bank-holidays.json). */
export function shippedHolidays() {
  const j = JSON.parse(readFileSync(join(ROOT, 'store', 'bank-holidays.json'), 'utf8'));
  return new Set(j['england-and-wales'].events.map((e) => e.date));
}

/** n working days after `date` (counting starts on the first working day after it). */
export function addWorkingDays(date, n, holidays = shippedHolidays()) {
  let d = date; let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6 && !holidays.has(d)) left -= 1;
  }
  return d;
}

// ---- clients -------------------------------------------------------------------------------------

/**
 * A client for one demo (or test) user that signs in again, once, when its session has ended (a clock
 * jump of more than 30 minutes ends every session). Any other answer is returned as it is.
 */
export class Actor extends Client {
  constructor(base, username, password = DEMO_PASSWORD) { super(base); this.username = username; this.password = password; }
  async signIn() {
    const r = await this.login(this.username, this.password);
    assertStatus(r, 200, `sign in ${this.username}`);
    this.user = r.json.user;
    return this;
  }
  async req(method, path, opts = {}) {
    let r = await super.req(method, path, opts);
    if (opts.auth !== false && r.status === 401 && r.json?.error?.code === 'unauthenticated') {
      await this.signIn();
      r = await super.req(method, path, opts);
    }
    return r;
  }
}

export async function actor(base, username, password) { return new Actor(base, username, password).signIn(); }

// ---- shapes --------------------------------------------------------------------------------------

function isRef(v, what) {
  assert.ok(v && typeof v === 'object', `${what} object`);
  assert.deepEqual(Object.keys(v).sort(), ['id', 'name'], `${what} keys {id,name}`);
  assert.ok(Number.isInteger(v.id) && v.id > 0, `${what}.id`);
  assert.equal(typeof v.name, 'string', `${what}.name`);
}
const refOrNull = (v, what) => { if (v !== null) isRef(v, what); };
const dateOrNull = (v, what) => { if (v !== null) assert.match(String(v), DATE, `${what} YYYY-MM-DD or null`); };

/** exact: keys exactly as API.md; otherwise every API.md key must be present. */
export function assertAlert(a, what = 'ALERT', { exact = false } = {}) {
  assert.ok(a && typeof a === 'object', `${what} object`);
  // An immigration update also carries `changes` (old -> new) once the HO's change was recorded.
  if (exact) assert.deepEqual(Object.keys(a).filter((k) => k !== 'changes' || a.type !== 'immigration_update').sort(), ALERT_KEYS, `${what} keys exactly`);
  else for (const k of ALERT_KEYS) assert.ok(k in a, `${what} has key ${k}: ${JSON.stringify(a)}`);
  assert.ok(Number.isInteger(a.id) && a.id > 0, `${what}.id`);
  assert.ok(Number.isInteger(a.case_id) && a.case_id > 0, `${what}.case_id`);
  assert.equal(a.connect_id, `C${a.case_id}`, `${what}.connect_id`);
  isRef(a.council, `${what}.council`);
  refOrNull(a.caseworker, `${what}.caseworker`);
  assert.ok(ALERT_TYPES.includes(a.type), `${what}.type ${a.type}`);
  assert.equal(a.to, ALERT_TO[a.type], `${what}.to for ${a.type}`);
  assert.match(a.raised_at, ISO_TIME, `${what}.raised_at`);
  refOrNull(a.raised_by, `${what}.raised_by`);
  dateOrNull(a.due, `${what}.due`);
  assert.equal(typeof a.awaiting_mi_run, 'boolean', `${what}.awaiting_mi_run`);
  if (a.type !== 'final_outcome') assert.equal(a.awaiting_mi_run, false, `${what}.awaiting_mi_run only for a final outcome`);
  if (['immigration_update', 'closure_required', 'nino_result'].includes(a.type)) assert.equal(a.due, null, `${what}.due null for ${a.type}`);
  // A final outcome with no MI run on or after its decision yet has no deadline (fcgi/API.md).
  else if (a.awaiting_mi_run) assert.equal(a.due, null, `${what}.due null while awaiting an MI run`);
  else assert.match(String(a.due), DATE, `${what}.due set for ${a.type}`);
  assert.equal(typeof a.due_beyond_calendar, 'boolean', `${what}.due_beyond_calendar`);
  assert.equal(typeof a.overdue, 'boolean', `${what}.overdue`);
  assert.ok(Array.isArray(a.fields) && a.fields.every((f) => typeof f === 'string'), `${what}.fields array of strings`);
  assert.ok(a.outcome === null || (typeof a.outcome === 'object' && !Array.isArray(a.outcome)), `${what}.outcome object|null`);
  assert.equal(typeof a.open, 'boolean', `${what}.open`);
  if (a.open) {
    assert.equal(a.cleared_at, null, `${what}: open, cleared_at null`);
    assert.equal(a.cleared_by, null, `${what}: open, cleared_by null`);
    assert.equal(a.cleared_how, null, `${what}: open, cleared_how null`);
  } else {
    assert.match(a.cleared_at, ISO_TIME, `${what}.cleared_at`);
    refOrNull(a.cleared_by, `${what}.cleared_by`);
    assert.ok(CLEARED_HOW.includes(a.cleared_how), `${what}.cleared_how ${a.cleared_how}`);
    assert.equal(a.overdue, false, `${what}: a cleared alert is never overdue`);
  }
}

/** A QUERY (withMessages: the full record; false: a list item, which has no "messages"). */
export function assertQuery(q, what = 'QUERY', { exact = false, withMessages = true } = {}) {
  assert.ok(q && typeof q === 'object', `${what} object`);
  const keys = withMessages ? QUERY_KEYS : QUERY_KEYS.filter((k) => k !== 'messages');
  if (exact) assert.deepEqual(Object.keys(q).sort(), keys, `${what} keys exactly`);
  else for (const k of keys) assert.ok(k in q, `${what} has key ${k}: ${JSON.stringify(q).slice(0, 400)}`);
  if (!withMessages) assert.ok(!('messages' in q), `${what}: a list item carries no messages`);
  assert.ok(Number.isInteger(q.id) && q.id > 0, `${what}.id`);
  assert.ok(Number.isInteger(q.case_id) && q.case_id > 0, `${what}.case_id`);
  assert.equal(q.connect_id, `C${q.case_id}`, `${what}.connect_id`);
  isRef(q.council, `${what}.council`);
  refOrNull(q.caseworker, `${what}.caseworker`);
  assert.ok(CATEGORIES.includes(q.category), `${what}.category ${q.category}`);
  assert.equal(typeof q.urgent, 'boolean', `${what}.urgent`);
  if (q.urgent) assert.ok(URGENT_REASONS.includes(q.urgent_reason), `${what}.urgent_reason ${q.urgent_reason}`);
  else assert.equal(q.urgent_reason, null, `${what}.urgent_reason null when not urgent`);
  assert.ok(['council', 'ho'].includes(q.opened_by), `${what}.opened_by`);
  assert.match(q.opened_at, ISO_TIME, `${what}.opened_at`);
  assert.ok(['open', 'closed'].includes(q.status), `${what}.status`);
  assert.equal(typeof q.due_beyond_calendar, 'boolean', `${what}.due_beyond_calendar`);
  assert.equal(typeof q.overdue, 'boolean', `${what}.overdue`);
  dateOrNull(q.due, `${what}.due`);
  if (q.status === 'open') {
    assert.ok(['council', 'ho'].includes(q.awaiting), `${what}.awaiting for an open query`);
    assert.match(String(q.due), DATE, `${what}.due for an open query`);
    assert.equal(q.closed_at, null, `${what}.closed_at`);
    assert.equal(q.closed_by, null, `${what}.closed_by`);
  } else {
    assert.equal(q.awaiting, null, `${what}.awaiting null when closed`);
    assert.equal(q.overdue, false, `${what}: a closed query is never overdue`);
    assert.match(q.closed_at, ISO_TIME, `${what}.closed_at`);
    isRef(q.closed_by, `${what}.closed_by`);
  }
  if (withMessages) {
    assert.ok(Array.isArray(q.messages) && q.messages.length >= 1, `${what}.messages non-empty array`);
    for (const [i, m] of q.messages.entries()) {
      assert.deepEqual(Object.keys(m).sort(), MESSAGE_KEYS, `${what}.messages[${i}] keys exactly`);
      assert.ok(Number.isInteger(m.id) && m.id > 0, `${what}.messages[${i}].id`);
      assert.match(m.at, ISO_TIME, `${what}.messages[${i}].at`);
      // Connect's own message (the case closed) has no author.
      if (m.side === 'system') assert.equal(m.by, null, `${what}.messages[${i}].by null for a system message`);
      else isRef(m.by, `${what}.messages[${i}].by`);
      assert.ok(['council', 'ho', 'system'].includes(m.side), `${what}.messages[${i}].side`);
      assert.equal(typeof m.text, 'string', `${what}.messages[${i}].text`);
    }
  }
}

// ---- requests ------------------------------------------------------------------------------------

/** Every alert of a case (open and cleared), asserting the list and ALERT shapes. */
export async function caseAlerts(client, caseId) {
  const { items } = await listAll(client, `/api/cases/${caseId}/alerts`, 500);
  items.forEach((a, i) => { assertAlert(a, `case ${caseId} alert[${i}]`); assert.equal(a.case_id, caseId); });
  return items;
}

/** The alerts of a case of one type (newest first). */
export async function alertsOfType(client, caseId, type) {
  return (await caseAlerts(client, caseId)).filter((a) => a.type === type);
}

/** The one open alert of `type` on the case (asserts there is exactly one). */
export async function openAlert(client, caseId, type, what = '') {
  const open = (await alertsOfType(client, caseId, type)).filter((a) => a.open);
  assert.equal(open.length, 1, `${what}: exactly one open ${type} alert on case ${caseId}, got ${JSON.stringify(open)}`);
  return open[0];
}

/** GET /api/alerts?… every item (follows cursors), asserting shapes. */
export async function alertList(client, query = '') {
  const { items, totals } = await listAll(client, `/api/alerts${query ? `?${query}` : ''}`, 500);
  items.forEach((a, i) => assertAlert(a, `alerts?${query} [${i}]`));
  assert.equal(totals[0], items.length, `alerts?${query}: total is the number of items`);
  return items;
}

/** GET /api/…?… total with limit=1. */
export async function total(client, path) {
  const sep = path.includes('?') ? '&' : '?';
  const r = await client.req('GET', `${path}${sep}limit=1`);
  assertStatus(r, 200, `GET ${path}`);
  assertList(r.json, path);
  return r.json.total;
}

/** GET /api/queries?… every item (follows cursors), asserting list-item shapes. */
export async function queryList(client, query = '') {
  const { items, totals } = await listAll(client, `/api/queries${query ? `?${query}` : ''}`, 500);
  items.forEach((q, i) => assertQuery(q, `queries?${query} [${i}]`, { withMessages: false }));
  assert.equal(totals[0], items.length, `queries?${query}: total is the number of items`);
  return items;
}

export async function accept(client, alertId, what = 'accept') {
  const r = await client.req('POST', `/api/alerts/${alertId}/accept`);
  assertStatus(r, 200, what);
  assertAlert(r.json, what);
  return r.json;
}

/** An IMMIGRATION page body (PUT replaces the page: what is not given is cleared). */
export function immigrationPage(over = {}) {
  return { status: 'asylum_claim_recorded', recourse_to_public_funds: false, leave_expiry: null, outstanding_application: false,
    application_type: null, application_date: null, appeal: false, appeal_date: null, judicial_review: false,
    judicial_review_date: null, ho_notes: null, ...over };
}

export async function putImmigration(client, caseId, page, what = 'PUT immigration') {
  const r = await client.req('PUT', `/api/cases/${caseId}/immigration`, { body: page });
  assertStatus(r, 200, what);
  return r.json;
}

export async function openQuery(client, caseId, body, what = 'open query') {
  const r = await client.req('POST', `/api/cases/${caseId}/queries`, { body: { category: 'other', message: 'A question from the test suite.', ...body } });
  assertStatus(r, 201, what);
  assertQuery(r.json, what);
  return r.json;
}

export async function sendMessage(client, queryId, message, what = 'message') {
  const r = await client.req('POST', `/api/queries/${queryId}/messages`, { body: { message } });
  assertStatus(r, 201, what);
  assertQuery(r.json, what);
  return r.json;
}

export async function closeQuery(client, queryId, what = 'close query') {
  const r = await client.req('POST', `/api/queries/${queryId}/close`);
  assertStatus(r, 200, what);
  assertQuery(r.json, what);
  return r.json;
}

export async function home(client, mine = false) {
  const r = await client.req('GET', `/api/home${mine ? '?mine=1' : ''}`);
  assertStatus(r, 200, `GET /api/home${mine ? '?mine=1' : ''}`);
  return r.json;
}

export const ids = (items) => items.map((x) => x.id);

/** A PERSON body from a stored PERSON (no id; nulls left out; relationship only for dependants). */
export function personBody(p, over = {}) {
  const out = {};
  for (const k of ['given_names', 'family_name', 'date_of_birth', 'nationality', 'gender', 'other_names', 'ho_reference', 'relationship']) {
    if (p[k] !== null && p[k] !== undefined && !(k === 'relationship' && p.id === 1)) out[k] = p[k];
  }
  return { ...out, ...over };
}

// Records a weekly MI report run (HO admin): the final outcome clock counts from the first run on or
// after the decision. 409 (already recorded, e.g. by an earlier test of the file) is as good as 201.
export async function miRun(client, date) {
  const r = await client.req('POST', '/api/mi-runs', { body: { date } });
  if (r.status !== 409) assertStatus(r, 201, `MI run ${date}`);
  return r.json;
}
