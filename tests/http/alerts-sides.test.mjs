// Who may touch which alert or query: each side clears only the alerts addressed to it (403 for the other
// side's), another council's alert, case or query answers 404, the Network admin is refused (403) on
// every alert, query and home-list endpoint but reads national totals on /api/home; accepting twice 409,
// unknown ids 404, bad bodies 400/422 in the one error shape, 401 without a session, 405 for wrong methods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { assertError, assertErrorOneOf, assertStatus, isJson, signInCookie } from '../lib/http.mjs';
import { createCase, pngBytes, upload } from '../lib/cases.mjs';
import {
  NETWORK_COUNTERS, accept, actor, alertList, alertsOfType, caseAlerts, ids, openAlert, openQuery, personBody, putImmigration, queryList, setNow, total,
} from '../lib/alerts.mjs';

let stack; const A = {};
let X; let Y; let Q; const alerts = {};
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  for (const u of ['nfc.user', 'nfc.admin', 'ebc.user', 'ebc.admin', 'ho.user', 'ho.admin', 'net.admin']) A[u] = await actor(stack.base, u);
  // Case X: checked by the HO (immigration_update), changed by the council (council_update), final outcome
  // recorded (final_outcome), recourse given (closure_required). Case Y: new (new_case), then closed (case_closed).
  X = await createCase(A['nfc.user'], { caseworker_id: A['nfc.user'].user.id });
  Y = await createCase(A['nfc.user']);
  alerts.new_case = await openAlert(A['ho.user'], Y.id, 'new_case', 'setup');
  await putImmigration(A['ho.user'], X.id, { status: 'asylum_claim_recorded', ho_notes: 'Checked.' }, 'setup HO check');
  assertStatus(await upload(A['nfc.user'], X.id, pngBytes(), { filename: 'id.png' }), 201, 'setup upload');
  const fo = await A['ho.user'].req('POST', `/api/cases/${X.id}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: '2026-11-30' } });
  assertStatus(fo, 201, 'setup final outcome');
  await putImmigration(A['ho.user'], X.id, { status: 'ltr_recourse', recourse_to_public_funds: true, ho_notes: 'Granted.' }, 'setup recourse');
  alerts.immigration_update = await openAlert(A['nfc.user'], X.id, 'immigration_update', 'setup');
  alerts.council_update = await openAlert(A['ho.user'], X.id, 'council_update', 'setup');
  alerts.final_outcome = await openAlert(A['nfc.user'], X.id, 'final_outcome', 'setup');
  alerts.closure_required = await openAlert(A['nfc.user'], X.id, 'closure_required', 'setup');
  const Z = await createCase(A['nfc.user']);
  assertStatus(await A['nfc.user'].req('POST', `/api/cases/${Z.id}/closure`, { body: { closure_date: '2026-12-02', reason: 'left_area' } }), 200, 'setup close');
  alerts.case_closed = await openAlert(A['ho.user'], Z.id, 'case_closed', 'setup');
  Q = await openQuery(A['nfc.user'], X.id, { category: 'status_discrepancy', message: 'The status looks wrong.' }, 'setup query');
});
after(async () => { await stack?.stop(); });

const HO_SIDE = ['new_case', 'council_update', 'case_closed'];
const COUNCIL_SIDE = ['immigration_update', 'final_outcome', 'closure_required'];

test('each side cannot clear the other side\'s alerts: 403 forbidden, and the alert stays open', async () => {
  setNow(stack, '2026-12-02T11:00:00Z');
  for (const type of HO_SIDE) {
    for (const u of ['nfc.user', 'nfc.admin']) {
      assertError(await A[u].req('POST', `/api/alerts/${alerts[type].id}/accept`), 403, 'forbidden', undefined, `${u} accepts ${type}`);
    }
  }
  for (const type of COUNCIL_SIDE) {
    for (const u of ['ho.user', 'ho.admin']) {
      assertError(await A[u].req('POST', `/api/alerts/${alerts[type].id}/accept`), 403, 'forbidden', undefined, `${u} accepts ${type}`);
    }
  }
  for (const type of HO_SIDE) {
    const a = (await alertsOfType(A['ho.user'], alerts[type].case_id, type)).find((x) => x.id === alerts[type].id);
    assert.equal(a.open, true, `${type} still open`);
  }
  for (const type of COUNCIL_SIDE) {
    const a = (await alertsOfType(A['nfc.user'], alerts[type].case_id, type)).find((x) => x.id === alerts[type].id);
    assert.equal(a.open, true, `${type} still open`);
  }
  // Each side lists only the alerts addressed to it.
  const council = await alertList(A['nfc.user'], 'state=all');
  assert.ok(council.every((a) => a.to === 'council'), 'council list: only alerts to the council');
  const ho = await alertList(A['ho.user'], 'state=all');
  assert.ok(ho.every((a) => a.to === 'ho'), 'HO list: only alerts to the HO');
  for (const t of COUNCIL_SIDE) assert.ok(ids(council).includes(alerts[t].id), `council lists its ${t}`);
  for (const t of HO_SIDE) assert.ok(ids(ho).includes(alerts[t].id), `HO lists ${t}`);
});

test('another council\'s alerts, cases and queries answer 404 (never 403), and never appear in its lists', async () => {
  setNow(stack, '2026-12-02T11:00:00Z');
  for (const u of ['ebc.user', 'ebc.admin']) {
    const c = A[u];
    for (const [type, a] of Object.entries(alerts)) {
      assertError(await c.req('POST', `/api/alerts/${a.id}/accept`), 404, 'not_found', undefined, `${u} accepts NFC ${type}`);
    }
    assertError(await c.req('GET', `/api/cases/${X.id}/alerts`), 404, 'not_found', undefined, `${u} case alerts`);
    assertError(await c.req('GET', `/api/cases/${X.id}/queries`), 404, 'not_found', undefined, `${u} case queries`);
    assertError(await c.req('POST', `/api/cases/${X.id}/queries`, { body: { category: 'other', message: 'Not mine.' } }), 404, 'not_found', undefined, `${u} opens a query`);
    assertError(await c.req('GET', `/api/queries/${Q.id}`), 404, 'not_found', undefined, `${u} reads the query`);
    assertError(await c.req('POST', `/api/queries/${Q.id}/messages`, { body: { message: 'Hello.' } }), 404, 'not_found', undefined, `${u} writes to it`);
    assertError(await c.req('POST', `/api/queries/${Q.id}/close`), 404, 'not_found', undefined, `${u} closes it`);
    const ebcAlerts = await alertList(c, 'state=all');
    const ebcQueries = await queryList(c, 'state=all');
    for (const a of Object.values(alerts)) assert.ok(!ids(ebcAlerts).includes(a.id), `${u}: NFC alert ${a.id} not listed`);
    assert.ok(!ids(ebcQueries).includes(Q.id), `${u}: NFC query not listed`);
    assert.ok(ebcAlerts.every((a) => a.council.id === c.user.org.id), `${u}: only its own council's alerts`);
    assert.ok(ebcQueries.every((q) => q.council.id === c.user.org.id), `${u}: only its own council's queries`);
  }
  const q = await A['nfc.user'].req('GET', `/api/queries/${Q.id}`);
  assertStatus(q, 200, 'the query is untouched');
  assert.equal(q.json.messages.length, 1);
  assert.equal(q.json.status, 'open');
});

function endpoints() {
  return [
    ['GET', '/api/alerts'],
    ['GET', '/api/alerts?type=new_case'],
    ['GET', `/api/cases/${X.id}/alerts`],
    ['POST', `/api/alerts/${alerts.new_case.id}/accept`],
    ['POST', `/api/alerts/${alerts.immigration_update.id}/accept`],
    ['POST', `/api/cases/${X.id}/final-outcome`, { outcome: 'removal', decision_date: '2026-11-30' }],
    ['GET', '/api/queries'],
    ['GET', '/api/queries?bucket=awaiting_ho'],
    ['GET', `/api/cases/${X.id}/queries`],
    ['POST', `/api/cases/${X.id}/queries`, { category: 'other', message: 'From the network.' }],
    ['GET', `/api/queries/${Q.id}`],
    ['POST', `/api/queries/${Q.id}/messages`, { message: 'From the network.' }],
    ['POST', `/api/queries/${Q.id}/close`],
  ];
}

test('Network admin: 403 forbidden on every alert and query endpoint; /api/home gives the national case totals', async () => {
  setNow(stack, '2026-12-02T11:00:00Z');
  const net = A['net.admin'];
  for (const [m, p, body] of endpoints()) {
    assertError(await net.req(m, p, body ? { body } : {}), 403, 'forbidden', undefined, `network ${m} ${p}`);
  }
  const h = await net.req('GET', '/api/home');
  assertStatus(h, 200, 'network home');
  assert.ok(isJson(h));
  assert.equal(h.json.side, 'network');
  assert.deepEqual(Object.keys(h.json.counters).sort(), NETWORK_COUNTERS);
  const ho = A['ho.user'];
  for (const k of NETWORK_COUNTERS) {
    assert.equal(h.json.counters[k], await total(ho, `/api/cases?status=${k}`), `national ${k} = every council's ${k} cases`);
  }
  assert.ok(h.json.counters.open_referral >= 1 && h.json.counters.closed >= 1);
  assert.equal((await alertsOfType(A['nfc.user'], X.id, 'final_outcome')).length, 1, 'no alert made by the network');
  assert.equal((await A['nfc.user'].req('GET', `/api/queries/${Q.id}`)).json.messages.length, 1, 'no message added by the network');
  assert.deepEqual(Object.keys(h.json).sort(), ['counters', 'mine', 'side', 'today'], `network home keys exactly as API.md: ${h.text}`);
});

test('no session: 401 unauthenticated everywhere, /api/home included; a cookie POST without X-Requested-With: 403 csrf', async () => {
  setNow(stack, '2026-12-02T11:00:00Z');
  const anon = new Client(stack.base);
  for (const [m, p, body] of [...endpoints(), ['GET', '/api/home']]) {
    assertError(await anon.req(m, p, body ? { body } : {}), 401, 'unauthenticated', undefined, `anonymous ${m} ${p}`);
  }
  const cookie = await signInCookie(stack.base, 'nfc.user');
  assertError(await cookie.req('POST', `/api/alerts/${alerts.immigration_update.id}/accept`), 403, 'csrf', undefined, 'cookie accept without the header');
  assertError(await cookie.req('POST', `/api/queries/${Q.id}/messages`, { body: { message: 'x' } }), 403, 'csrf', undefined, 'cookie message without the header');
  assertError(await cookie.req('POST', `/api/cases/${X.id}/queries`, { body: { category: 'other', message: 'x' } }), 403, 'csrf', undefined, 'cookie query without the header');
  assert.equal((await openAlert(A['nfc.user'], X.id, 'immigration_update', 'after csrf')).id, alerts.immigration_update.id, 'still open');
  const ok = await cookie.req('GET', '/api/alerts', { headers: {} });
  assertStatus(ok, 200, 'a cookie GET needs no header');
});

test('accepting twice: 409 conflict (the same user or another of the side); unknown ids: 404', async () => {
  setNow(stack, '2026-12-02T12:00:00Z');
  const a = alerts.council_update;
  const done = await accept(A['ho.admin'], a.id, 'HO admin accepts');
  assert.equal(done.open, false);
  assertError(await A['ho.admin'].req('POST', `/api/alerts/${a.id}/accept`), 409, 'conflict', undefined, 'again, same user');
  assertError(await A['ho.user'].req('POST', `/api/alerts/${a.id}/accept`), 409, 'conflict', undefined, 'again, other HO user');
  const [after1] = (await caseAlerts(A['ho.user'], X.id)).filter((x) => x.id === a.id);
  assert.deepEqual(after1.cleared_by, { id: A['ho.admin'].user.id, name: A['ho.admin'].user.name }, 'the first acceptance stands');
  const iu = alerts.immigration_update;
  await accept(A['nfc.admin'], iu.id, 'a council admin accepts the caseworker\'s alert');
  assertError(await A['nfc.user'].req('POST', `/api/alerts/${iu.id}/accept`), 409, 'conflict', undefined, 'council again');

  for (const c of [A['nfc.user'], A['ho.user']]) {
    const who = c.username;
    for (const p of ['/api/alerts/98765432/accept', '/api/alerts/abc/accept', '/api/alerts/0/accept']) {
      assertError(await c.req('POST', p), 404, 'not_found', undefined, `${who} POST ${p}`);
    }
    for (const p of ['/api/queries/98765432', '/api/queries/abc', '/api/cases/98765432/alerts', '/api/cases/98765432/queries']) {
      assertError(await c.req('GET', p), 404, 'not_found', undefined, `${who} GET ${p}`);
    }
    assertError(await c.req('POST', '/api/queries/98765432/messages', { body: { message: 'x' } }), 404, 'not_found', undefined, `${who} message to unknown query`);
    assertError(await c.req('POST', '/api/queries/98765432/close'), 404, 'not_found', undefined, `${who} close unknown query`);
    assertError(await c.req('POST', '/api/cases/98765432/queries', { body: { category: 'other', message: 'x' } }), 404, 'not_found', undefined, `${who} query on unknown case`);
  }
  const q = await openQuery(A['nfc.user'], X.id, { category: 'other', message: 'To be closed twice.' });
  assertStatus(await A['nfc.user'].req('POST', `/api/queries/${q.id}/close`), 200, 'close');
  assertError(await A['nfc.user'].req('POST', `/api/queries/${q.id}/close`), 409, 'conflict', undefined, 'close twice');
  assertError(await A['ho.user'].req('POST', `/api/queries/${q.id}/close`), 409, 'conflict', undefined, 'close twice, other side');
});

test('bad bodies: invalid JSON 400 invalid_json, unknown or mistyped fields 400 invalid_field, broken rules 422; nothing is made', async () => {
  setNow(stack, '2026-12-02T12:00:00Z');
  const c = A['nfc.user'];
  const qp = `/api/cases/${X.id}/queries`;
  const before1 = (await c.req('GET', qp)).json.total;
  assertError(await c.req('POST', qp, { raw: '{"category":' }), 400, 'invalid_json', undefined, 'truncated JSON');
  assertError(await c.req('POST', qp, { raw: '[]' }), 400, 'invalid_json', undefined, 'array');
  assertError(await c.req('POST', qp, { raw: '"other"' }), 400, 'invalid_json', undefined, 'string');
  assertError(await c.req('POST', qp, { raw: '' }), 400, 'invalid_json', undefined, 'empty body');
  assertError(await c.req('POST', qp, { body: { category: 'other', message: 'hi', colour: 'red' } }), 400, 'invalid_field', 'colour', 'unknown field');
  assertError(await c.req('POST', qp, { body: { category: 5, message: 'hi' } }), 400, 'invalid_field', 'category', 'number category');
  assertError(await c.req('POST', qp, { body: { category: 'other', message: ['hi'] } }), 400, 'invalid_field', 'message', 'array message');
  assertError(await c.req('POST', qp, { body: { category: 'other', message: 'hi', urgent: 'yes' } }), 400, 'invalid_field', 'urgent', 'string urgent');
  assertError(await c.req('POST', qp, { body: { category: 'fishing', message: 'hi' } }), 422, 'validation_failed', 'category', 'unknown category');
  assertError(await c.req('POST', qp, { body: { category: 'other' } }), 422, 'validation_failed', 'message', 'no message');
  assert.equal((await c.req('GET', qp)).json.total, before1, 'no query made by refused requests');

  const mp = `/api/queries/${Q.id}/messages`;
  assertError(await c.req('POST', mp, { raw: '{' }), 400, 'invalid_json', undefined, 'message: bad JSON');
  assertError(await c.req('POST', mp, { body: { message: 'x', extra: 1 } }), 400, 'invalid_field', 'extra', 'message: unknown field');
  assertError(await c.req('POST', mp, { body: { message: 7 } }), 400, 'invalid_field', 'message', 'message: number');
  assertError(await c.req('POST', mp, { body: {} }), 422, 'validation_failed', 'message', 'message: missing');
  assert.equal((await c.req('GET', `/api/queries/${Q.id}`)).json.messages.length, 1, 'no message added');

  const fp = `/api/cases/${Y.id}/final-outcome`;
  const h = A['ho.user'];
  assertError(await h.req('POST', fp, { raw: 'nope' }), 400, 'invalid_json', undefined, 'outcome: bad JSON');
  assertError(await h.req('POST', fp, { body: { outcome: 'leave_granted', decision_date: '2026-11-01', extra: true } }), 400, 'invalid_field', 'extra', 'outcome: unknown field');
  assertError(await h.req('POST', fp, { body: { outcome: 'leave_granted', decision_date: 20261101 } }), 400, 'invalid_field', 'decision_date', 'outcome: number date');
  assertError(await h.req('POST', fp, { body: { outcome: 'leave_granted', decision_date: '01/11/2026' } }), 422, 'validation_failed', 'decision_date', 'outcome: not YYYY-MM-DD');
  assert.deepEqual(await alertsOfType(h, Y.id, 'final_outcome'), [], 'no final_outcome made');
});

test('wrong method on a known path: 405 method_not_allowed', async () => {
  setNow(stack, '2026-12-02T12:00:00Z');
  const c = A['ho.user'];
  const cases = [
    ['GET', `/api/alerts/${alerts.new_case.id}/accept`],
    ['DELETE', '/api/alerts'],
    ['POST', '/api/alerts', {}],
    ['PUT', `/api/queries/${Q.id}`, {}],
    ['GET', `/api/queries/${Q.id}/close`],
    ['GET', `/api/queries/${Q.id}/messages`],
    ['GET', `/api/cases/${X.id}/final-outcome`],
    ['DELETE', `/api/cases/${X.id}/alerts`],
    ['POST', '/api/home', {}],
  ];
  for (const [m, p, body] of cases) {
    assertErrorOneOf(await c.req(m, p, body ? { body } : {}), [[405, 'method_not_allowed']], undefined, `${m} ${p}`);
  }
});

test('a council user and admin of the same council share its side: the admin sees and clears the caseworker\'s alerts', async () => {
  setNow(stack, '2026-12-02T13:00:00Z');
  const c = await createCase(A['nfc.user'], { caseworker_id: A['nfc.user'].user.id });
  await putImmigration(A['ho.admin'], c.id, { status: 'no_current_permission' });
  const a = await openAlert(A['nfc.admin'], c.id, 'immigration_update');
  assert.ok(ids(await alertList(A['nfc.admin'], 'type=immigration_update')).includes(a.id), 'the admin lists it');
  assert.ok(ids(await alertList(A['nfc.user'], 'type=immigration_update&mine=1')).includes(a.id), 'the caseworker lists it with mine=1');
  assert.ok(!ids(await alertList(A['nfc.admin'], 'type=immigration_update&mine=1')).includes(a.id), 'not the admin\'s own case');
  // The council changes the case after the HO check: the HO side (user or admin) accepts.
  assertStatus(await A['nfc.admin'].req('PUT', `/api/cases/${c.id}/principal`, { body: personBody(c.principal, { other_names: 'Side Test' }) }), 200);
  const cu = await openAlert(A['ho.user'], c.id, 'council_update');
  await accept(A['ho.admin'], cu.id);
  await accept(A['nfc.admin'], a.id);
});
