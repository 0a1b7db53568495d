// Cases: create, read, edit (details, principal, dependants, allocation, immigration, finance), the
// status lifecycle (open referral → open supported → closed → reopened) and the history of every change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { ISO_TIME, assertError, assertStatus, isJson, signIn } from '../lib/http.mjs';
import {
  assertCase, assertNewestFirst, assertPerson, caseBody, cleared, createCase, createCaseAt, dayOffset, dependant, findRow, getCase, history,
  person,
} from '../lib/cases.mjs';

let stack; let nfcUser; let nfcAdmin; let ebcUser; let hoUser;
before(async () => {
  stack = await startStack({ clock: true });
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcUser = await signIn(stack.base, 'ebc.user');
  hoUser = await signIn(stack.base, 'ho.user');
});
after(async () => { await stack?.stop(); });

const near = (iso, ms = 60000) => Math.abs(Date.parse(iso) - Date.now()) < ms;

// ---- create and read ------------------------------------------------------------------------------

test('POST /api/cases: 201 CASE with the exact shape, connect_id "C<id>", status open_referral, fields as sent', async () => {
  const principal = person({ given_names: 'Amina Noor', family_name: 'Haile', date_of_birth: '1988-11-02', nationality: 'Eritrean',
    gender: 'female', other_names: 'Amina Tesfay', ho_reference: 'h1234567/2024-x' });
  const child = dependant({ given_names: 'Selam', family_name: 'Haile', date_of_birth: '2016-05-20', gender: 'female', relationship: 'child' });
  const body = caseBody({ principal, dependants: [child], legislation: 'children_act_s17', household_type: 'lone_parent_family',
    address: '14 Mill Lane, Northfield NF1 2AB', la_involvement: 'Section 17 assessment started.', caseworker_id: nfcUser.user.id,
    team: 'NRPF Team' });
  const r = await nfcUser.req('POST', '/api/cases', { body });
  assertStatus(r, 201, 'create');
  assert.ok(isJson(r), 'JSON answer');
  const c = r.json;
  assertCase(c);
  assertCase(c, 'CASE', { exact: true });
  assertPerson(c.principal, 'CASE.principal', { principal: true, exact: true });
  assert.equal(c.connect_id, `C${c.id}`);
  assert.equal(c.status, 'open_referral');
  assert.deepEqual(c.council, { id: nfcUser.user.org.id, name: 'Northfield City Council' });
  const p = c.principal;
  assert.equal(p.id, 1);
  for (const k of ['given_names', 'family_name', 'date_of_birth', 'nationality', 'gender', 'other_names']) assert.equal(p[k], principal[k], `principal.${k}`);
  assert.equal(p.ho_reference, 'H1234567/2024-X', 'ho_reference stored upper case');
  assert.equal(c.dependants.length, 1);
  const d = c.dependants[0];
  for (const k of ['given_names', 'family_name', 'date_of_birth', 'nationality', 'gender', 'relationship']) assert.equal(d[k], child[k], `dependants[0].${k}`);
  assert.ok(d.id > 1);
  assert.equal(c.legislation, 'children_act_s17');
  assert.equal(c.household_type, 'lone_parent_family');
  assert.equal(c.address, body.address);
  assert.equal(c.la_involvement, body.la_involvement);
  assert.deepEqual(c.caseworker, { id: nfcUser.user.id, name: 'Tom Hughes' });
  assert.equal(c.team, 'NRPF Team');
  assert.equal(c.finance, null);
  assert.equal(c.closure, null);
  assert.deepEqual(c.documents, []);
  assert.equal(c.immigration.status, 'unknown', 'immigration status defaults to unknown');
  assert.equal(c.immigration.recourse_to_public_funds, null);
  assert.equal(c.immigration.outstanding_application, false);
  assert.equal(c.immigration.appeal, false);
  assert.equal(c.immigration.judicial_review, false);
  for (const k of ['leave_expiry', 'application_date', 'appeal_date', 'judicial_review_date']) assert.equal(c.immigration[k], null, `immigration.${k}`);
  assert.ok(near(c.created_at), 'created_at is now');
  assert.ok(near(c.updated_at), 'updated_at is now');
  const g = await nfcUser.req('GET', `/api/cases/${c.id}`);
  assertStatus(g, 200);
  assert.deepEqual(g.json, c, 'GET answers the same CASE');
});

test('POST /api/cases: the minimum (principal name, date of birth, nationality; legislation; household type) is enough', async () => {
  const body = { principal: { given_names: 'Kofi', family_name: 'Mensah', date_of_birth: '1979-12-31', nationality: 'Ghanaian' },
    legislation: 'care_act_2014', household_type: 'single_adult' };
  const r = await nfcUser.req('POST', '/api/cases', { body });
  assertStatus(r, 201, 'minimal create');
  assertCase(r.json);
  const p = r.json.principal;
  assert.equal(p.gender, 'unknown', 'gender defaults to unknown');
  assert.ok(cleared(p.other_names), `other_names empty, got ${p.other_names}`);
  assert.ok(cleared(p.ho_reference), `ho_reference empty, got ${p.ho_reference}`);
  assert.deepEqual(r.json.dependants, []);
  assert.equal(r.json.caseworker, null, 'no caseworker unless given');
  assert.equal(r.json.status, 'open_referral');
});

test('POST /api/cases: ids are sequential (each create takes the next id)', async () => {
  const a = await createCase(nfcUser);
  const b = await createCase(nfcAdmin);
  const c = await createCase(ebcUser);
  assert.equal(b.id, a.id + 1);
  assert.equal(c.id, b.id + 1, 'one sequence across councils');
  assert.deepEqual([a.connect_id, b.connect_id, c.connect_id], [`C${a.id}`, `C${a.id + 1}`, `C${a.id + 2}`]);
});

test('GET /api/cases/{id}: unknown 404, non-numeric 404; unsupported method 405', async () => {
  assertError(await nfcUser.req('GET', '/api/cases/99999999'), 404, 'not_found', undefined, 'unknown id');
  assertError(await nfcUser.req('GET', '/api/cases/abc'), 404, 'not_found', undefined, 'abc');
  assertError(await nfcUser.req('GET', '/api/cases/0'), 404, 'not_found', undefined, '0');
  const c = await createCase(nfcUser);
  assertError(await nfcUser.req('PATCH', `/api/cases/${c.id}`, { body: { address: 'x' } }), 405, 'method_not_allowed', undefined, 'PATCH case');
  assertError(await nfcUser.req('DELETE', `/api/cases/${c.id}`), 403, 'forbidden', undefined, 'DELETE case: only the Network admin, of a marked duplicate');
  assertError(await nfcUser.req('PUT', '/api/cases', { body: {} }), 405, 'method_not_allowed', undefined, 'PUT /api/cases');
  assertError(await nfcUser.req('PUT', '/api/cases/99999999', { body: { address: 'x' } }), 404, 'not_found', undefined, 'PUT unknown');
});

// ---- edits ------------------------------------------------------------------------------------------

test('PUT /api/cases/{id}: edits details; fields not sent stay; history legislation/address old → new', async () => {
  const c = await createCase(nfcUser, { legislation: 'care_act_2014', household_type: 'single_adult', address: 'Old Address 1', la_involvement: 'Keep me' });
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { legislation: 'children_act_s20', household_type: 'looked_after_child', address: 'New Address 2' } });
  assertStatus(r, 200, 'PUT details');
  assertCase(r.json);
  assert.equal(r.json.legislation, 'children_act_s20');
  assert.equal(r.json.household_type, 'looked_after_child');
  assert.equal(r.json.address, 'New Address 2');
  assert.equal(r.json.la_involvement, 'Keep me', 'la_involvement not sent, unchanged');
  assert.deepEqual(r.json.principal, c.principal);
  assert.equal(r.json.created_at, c.created_at);
  assert.ok(Date.parse(r.json.updated_at) >= Date.parse(c.updated_at));
  assert.deepEqual(await getCase(nfcUser, c.id), r.json);
  const rows = await history(nfcUser, c.id);
  const h = findRow(rows, 'legislation', { old: 'care_act_2014', new: 'children_act_s20', by: nfcUser.user.id }, 'legislation');
  assert.equal(h.by.name, 'Tom Hughes');
  assert.ok(near(h.at), 'history at is now');
  findRow(rows, 'household_type', { old: 'single_adult', new: 'looked_after_child' }, 'household_type');
  findRow(rows, 'address', { old: 'Old Address 1', new: 'New Address 2' }, 'address');
  assert.ok(!rows.some((x) => x.field === 'la_involvement' && x.old !== null), 'no change row for a field not sent');
});

test('PUT /api/cases/{id}: fields outside the list (status, principal, connect_id, council) → 400 invalid_field, nothing changed', async () => {
  const c = await createCase(nfcUser);
  for (const [k, v] of [['status', 'closed'], ['connect_id', 'C1'], ['council', 2], ['principal', c.principal], ['finance', null], ['id', 5]]) {
    assertError(await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { address: 'Changed?', [k]: v } }), 400, 'invalid_field', k, `PUT details with ${k}`);
  }
  assert.deepEqual(await getCase(nfcUser, c.id), c);
});

test('PUT /api/cases/{id}/principal: replaces the person (omitted optional fields cleared), id stays 1; history principal.*', async () => {
  const c = await createCase(nfcUser, { principal: person({ given_names: 'Yonas', family_name: 'Tesfaye', other_names: 'Jonas', ho_reference: 'T111', gender: 'male', date_of_birth: '1990-01-15' }) });
  const body = { given_names: 'Yonas', family_name: 'Tesfay', date_of_birth: '1990-01-16', nationality: 'Ethiopian', gender: 'male' };
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}/principal`, { body });
  assertStatus(r, 200, 'PUT principal');
  assertCase(r.json);
  const p = r.json.principal;
  assert.equal(p.id, 1);
  assert.equal(p.family_name, 'Tesfay');
  assert.equal(p.date_of_birth, '1990-01-16');
  assert.equal(p.nationality, 'Ethiopian');
  assert.ok(cleared(p.other_names), `other_names cleared, got ${p.other_names}`);
  assert.ok(cleared(p.ho_reference), `ho_reference cleared, got ${p.ho_reference}`);
  const rows = await history(nfcUser, c.id);
  findRow(rows, 'principal.family_name', { old: 'Tesfaye', new: 'Tesfay', by: nfcUser.user.id }, 'family_name');
  findRow(rows, 'principal.date_of_birth', { old: '1990-01-15', new: '1990-01-16' }, 'date_of_birth');
  findRow(rows, 'principal.nationality', { old: 'Eritrean', new: 'Ethiopian' }, 'nationality');
  findRow(rows, 'principal.other_names', { old: 'Jonas' }, 'other_names cleared');
  findRow(rows, 'principal.ho_reference', { old: 'T111' }, 'ho_reference cleared');
  // omitting gender resets it to the default
  const r2 = await nfcUser.req('PUT', `/api/cases/${c.id}/principal`, { body: { given_names: 'Yonas', family_name: 'Tesfay', date_of_birth: '1990-01-16', nationality: 'Ethiopian' } });
  assertStatus(r2, 200);
  assert.equal(r2.json.principal.gender, 'unknown', 'omitted gender goes back to the default');
});

test('dependants: add → 201 CASE with a new person id; edit → 200; remove → 200; history for each; unknown pid 404', async () => {
  const c = await createCase(nfcUser, { household_type: 'family' });
  const d1 = dependant({ given_names: 'Ruth', family_name: 'Bekele', date_of_birth: '2014-02-03', relationship: 'child', gender: 'female' });
  const a = await nfcUser.req('POST', `/api/cases/${c.id}/dependants`, { body: d1 });
  assertStatus(a, 201, 'add dependant');
  assertCase(a.json);
  assert.equal(a.json.dependants.length, 1);
  const pid = a.json.dependants[0].id;
  assert.ok(pid > 1);
  for (const k of ['given_names', 'family_name', 'date_of_birth', 'relationship', 'gender']) assert.equal(a.json.dependants[0][k], d1[k]);
  const a2 = await nfcUser.req('POST', `/api/cases/${c.id}/dependants`, { body: dependant({ given_names: 'Dawit', relationship: 'spouse', gender: 'male', date_of_birth: '1985-06-07' }) });
  assertStatus(a2, 201, 'add second dependant');
  assert.equal(a2.json.dependants.length, 2);
  const pid2 = a2.json.dependants.find((x) => x.given_names === 'Dawit').id;
  assert.notEqual(pid2, pid);

  const e = await nfcUser.req('PUT', `/api/cases/${c.id}/dependants/${pid}`, { body: { ...d1, date_of_birth: '2014-02-04', relationship: 'stepchild' } });
  assertStatus(e, 200, 'edit dependant');
  assertCase(e.json);
  const ed = e.json.dependants.find((x) => x.id === pid);
  assert.equal(ed.date_of_birth, '2014-02-04');
  assert.equal(ed.relationship, 'stepchild');
  assert.deepEqual(e.json.dependants.find((x) => x.id === pid2), a2.json.dependants.find((x) => x.id === pid2), 'other dependant untouched');
  assert.deepEqual(e.json.principal, c.principal, 'principal untouched');

  const del = await nfcUser.req('DELETE', `/api/cases/${c.id}/dependants/${pid}`);
  assertStatus(del, 200, 'remove dependant');
  assertCase(del.json);
  assert.deepEqual(del.json.dependants.map((x) => x.id), [pid2]);
  assertError(await nfcUser.req('DELETE', `/api/cases/${c.id}/dependants/${pid}`), 404, 'not_found', undefined, 'remove again');
  assertError(await nfcUser.req('PUT', `/api/cases/${c.id}/dependants/${pid}`, { body: d1 }), 404, 'not_found', undefined, 'edit removed');
  assertError(await nfcUser.req('PUT', `/api/cases/${c.id}/dependants/999`, { body: d1 }), 404, 'not_found', undefined, 'edit unknown pid');
  assertError(await nfcUser.req('DELETE', `/api/cases/${c.id}/dependants/999`), 404, 'not_found', undefined, 'remove unknown pid');
  assertError(await nfcUser.req('DELETE', `/api/cases/${c.id}/dependants/1`), 404, 'not_found', undefined, 'the principal is not a dependant');
  assert.deepEqual((await getCase(nfcUser, c.id)).dependants.map((x) => x.id), [pid2]);

  const rows = await history(nfcUser, c.id);
  const dep = new RegExp(`^dependants\\.(${pid}|0)(\\.|$)`);
  assert.ok(rows.some((h) => dep.test(h.field)), `a history row for adding/removing dependant ${pid}: ${JSON.stringify(rows)}`);
  findRow(rows, new RegExp(`^dependants\\.(${pid}|0)\\.date_of_birth$`), { old: '2014-02-03', new: '2014-02-04', by: nfcUser.user.id }, 'dependant date_of_birth');
  findRow(rows, new RegExp(`^dependants\\.(${pid}|0)\\.relationship$`), { old: 'child', new: 'stepchild' }, 'dependant relationship');
});

test('PUT /api/cases/{id}/allocation: caseworker and team; caseworker of another council, HO or unknown → 422 caseworker_id', async () => {
  const c = await createCase(nfcUser);
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}/allocation`, { body: { caseworker_id: nfcAdmin.user.id, team: 'Duty Team' } });
  assertStatus(r, 200, 'allocate');
  assertCase(r.json);
  assert.deepEqual(r.json.caseworker, { id: nfcAdmin.user.id, name: 'Fiona Marsh' });
  assert.equal(r.json.team, 'Duty Team');
  const before1 = await getCase(nfcUser, c.id);
  for (const [id, what] of [[ebcUser.user.id, 'EBC user'], [hoUser.user.id, 'HO user'], [99999999, 'unknown user']]) {
    assertError(await nfcUser.req('PUT', `/api/cases/${c.id}/allocation`, { body: { caseworker_id: id, team: 'Duty Team' } }), 422, 'validation_failed', 'caseworker_id', what);
  }
  assert.deepEqual(await getCase(nfcUser, c.id), before1, 'refused allocations changed nothing');
  const n = await nfcUser.req('PUT', `/api/cases/${c.id}/allocation`, { body: { caseworker_id: null, team: null } });
  assertStatus(n, 200, 'unallocate');
  assert.equal(n.json.caseworker, null);
  assert.equal(n.json.team, null);
  const rows = await history(nfcUser, c.id);
  findRow(rows, /^caseworker(_id)?$/, { new: null }, 'caseworker cleared');
  const set = rows.find((h) => /^caseworker(_id)?$/.test(h.field) && h.new !== null);
  assert.ok(set, 'a caseworker row for the allocation');
  assert.ok(sameId(set.new, nfcAdmin.user.id), `caseworker row new names the caseworker: ${JSON.stringify(set)}`);
  findRow(rows, 'team', { new: 'Duty Team' }, 'team');
  findRow(rows, 'team', { old: 'Duty Team', new: null }, 'team cleared');
});
function sameId(v, id) { return v === id || String(v) === String(id) || (v && typeof v === 'object' && v.id === id); }

test('PUT /api/cases/{id}/immigration: replaces the page (omitted fields cleared), updated_by/updated_at, HO may edit; history', async () => {
  const c = await createCase(nfcUser);
  const page = { status: 'ltr_nrpf', recourse_to_public_funds: false, leave_expiry: '2027-03-31', outstanding_application: true,
    application_type: 'FLR(FP)', application_date: '2025-01-10', appeal: false, appeal_date: null, judicial_review: false,
    judicial_review_date: null, ho_notes: null }; // the council never writes the Home Office notes (caseworker-day.test.mjs)
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: page });
  assertStatus(r, 200, 'council immigration');
  assertCase(r.json);
  for (const [k, v] of Object.entries(page)) assert.deepEqual(r.json.immigration[k], v, `immigration.${k}`);
  assert.deepEqual(r.json.immigration.updated_by, { id: nfcUser.user.id, name: 'Tom Hughes' });
  assert.ok(near(r.json.immigration.updated_at));
  const h = await hoUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'asylum_claim_recorded', appeal: true, appeal_date: '2025-02-01' } });
  assertStatus(h, 200, 'HO immigration');
  const im = h.json.immigration;
  assert.equal(im.status, 'asylum_claim_recorded');
  assert.equal(im.appeal, true);
  assert.equal(im.appeal_date, '2025-02-01');
  assert.equal(im.leave_expiry, null, 'omitted leave_expiry cleared');
  assert.equal(im.outstanding_application, false, 'omitted boolean cleared to false');
  assert.equal(im.recourse_to_public_funds, null, 'omitted recourse cleared to null');
  assert.ok(cleared(im.application_type) && im.application_date === null && cleared(im.ho_notes), 'omitted fields cleared');
  assert.deepEqual(im.updated_by, { id: hoUser.user.id, name: 'Hamid Qureshi' });
  const rows = await history(nfcUser, c.id);
  findRow(rows, 'immigration.status', { old: 'unknown', new: 'ltr_nrpf', by: nfcUser.user.id }, 'council status');
  findRow(rows, 'immigration.status', { old: 'ltr_nrpf', new: 'asylum_claim_recorded', by: hoUser.user.id }, 'HO status');
  findRow(rows, 'immigration.leave_expiry', { old: '2027-03-31', new: null, by: hoUser.user.id }, 'leave_expiry cleared');
  assert.equal(rows[0].by.id, hoUser.user.id, 'newest row is the HO change');
});

test('PUT /api/cases/{id}/finance: without support_start_date stays open_referral; with it → open_supported; history', async () => {
  const c = await createCase(nfcUser);
  const f0 = { weekly_subsistence_pence: 4500, accommodation_type: 'none', weekly_accommodation_pence: 0, other_costs: [] };
  const r0 = await nfcUser.req('PUT', `/api/cases/${c.id}/finance`, { body: f0 });
  assertStatus(r0, 200, 'finance without start date');
  assertCase(r0.json);
  assert.equal(r0.json.status, 'open_referral', 'no support start date: still open referral');
  assert.equal(r0.json.finance.weekly_subsistence_pence, 4500);
  assert.equal(r0.json.finance.support_start_date, null);

  const f = { support_start_date: '2025-01-06', weekly_subsistence_pence: 6120, accommodation_type: 'private_rented',
    weekly_accommodation_pence: 25000, other_costs: [{ description: 'School uniform', amount_pence: 3599, date: '2025-02-03' }],
    support_end_date: null };
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}/finance`, { body: f });
  assertStatus(r, 200, 'finance');
  assertCase(r.json);
  assert.equal(r.json.status, 'open_supported');
  for (const [k, v] of Object.entries(f)) if (k !== 'other_costs') assert.deepEqual(r.json.finance[k], v, `finance.${k}`);
  assert.equal(r.json.finance.other_costs.length, 1);
  for (const [k, v] of Object.entries(f.other_costs[0])) assert.equal(r.json.finance.other_costs[0][k], v, `other_costs.0.${k}`);
  assert.deepEqual(Object.keys(r.json.finance.other_costs[0]).sort(), ['amount_pence', 'date', 'description', 'id'], 'other_costs item keys exactly as API.md');
  assert.ok(near(r.json.finance.updated_at));
  assert.deepEqual(await getCase(nfcUser, c.id), r.json);
  const ho = await getCase(hoUser, c.id);
  assert.deepEqual(ho.finance, r.json.finance, 'HO reads the finance page');
  const rows = await history(nfcUser, c.id);
  findRow(rows, 'status', { old: 'open_referral', new: 'open_supported', by: nfcUser.user.id }, 'status');
  findRow(rows, 'finance.weekly_subsistence_pence', { old: 4500, new: 6120 }, 'subsistence');
  findRow(rows, 'finance.support_start_date', { old: null, new: '2025-01-06' }, 'support_start_date');
  findRow(rows, 'finance.accommodation_type', { old: 'none', new: 'private_rented' }, 'accommodation');
});

// ---- closure and reopening -------------------------------------------------------------------------

async function supportedCase(start = '2025-01-06') {
  // Created on its support start: the closures below are dated in 2025, never before the referral.
  const c = await createCaseAt(stack, 'nfc.user', `${start}T12:00:00Z`);
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}/finance`, { body: { support_start_date: start, weekly_subsistence_pence: 5000, accommodation_type: 'hostel', weekly_accommodation_pence: 10000, other_costs: [] } });
  assertStatus(r, 200, 'finance');
  assert.equal(r.json.status, 'open_supported');
  return r.json;
}

test('POST /api/cases/{id}/closure: bad date/reason → 422 with the field, nothing saved', async () => {
  const c = await supportedCase('2025-01-06');
  const cases = [
    [{ closure_date: '2025-01-05', reason: 'left_area' }, 'closure_date', 'before the support start'],
    [{ closure_date: dayOffset(2), reason: 'left_area' }, 'closure_date', 'in the future'],
    [{ closure_date: '2025-02-30', reason: 'left_area' }, 'closure_date', 'no such date'],
    [{ closure_date: '2025-13-01', reason: 'left_area' }, 'closure_date', 'month 13'],
    [{ closure_date: '31/03/2025', reason: 'left_area' }, 'closure_date', 'not YYYY-MM-DD'],
    [{ reason: 'left_area' }, 'closure_date', 'missing date'],
    [{ closure_date: '2025-03-31', reason: 'got_bored' }, 'reason', 'unknown reason'],
    [{ closure_date: '2025-03-31', reason: '' }, 'reason', 'empty reason'],
    [{ closure_date: '2025-03-31' }, 'reason', 'missing reason'],
  ];
  for (const [body, field, what] of cases) {
    assertError(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body }), 422, 'validation_failed', field, what);
  }
  assertError(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-03-31', reason: 'left_area', extra: 1 } }), 400, 'invalid_field', 'extra', 'unknown field');
  assertError(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: 20250331, reason: 'left_area' } }), 400, 'invalid_field', 'closure_date', 'number date');
  const after1 = await getCase(nfcUser, c.id);
  assert.equal(after1.status, 'open_supported');
  assert.equal(after1.closure, null);
  assert.deepEqual(after1, c, 'nothing saved');
});

test('closure → closed (closure page, closed_by), closing twice 422; reopen → open_supported; reopening twice 422; history', async () => {
  const c = await supportedCase('2025-01-06');
  const r = await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-03-31', reason: 'leave_granted_recourse', notes: 'Granted LTR with recourse.' } });
  assertStatus(r, 200, 'close');
  assertCase(r.json);
  assert.equal(r.json.status, 'closed');
  const cl = r.json.closure;
  assert.equal(cl.closure_date, '2025-03-31');
  assert.equal(cl.reason, 'leave_granted_recourse');
  assert.equal(cl.notes, 'Granted LTR with recourse.');
  assert.deepEqual(cl.closed_by, { id: nfcUser.user.id, name: 'Tom Hughes' });
  assert.ok(near(cl.closed_at));
  // API.md is silent on finance at closure; the backend fills support_end_date with the closure date
  // (DESIGN.md: "closure date (for supported cases, the last date of financial support)"). Both accepted.
  const { support_end_date: endAfter, ...finAfter } = r.json.finance;
  const { support_end_date: endBefore, ...finBefore } = c.finance;
  assert.deepEqual(finAfter, finBefore, 'finance kept');
  assert.ok(endAfter === endBefore || endAfter === '2025-03-31', `support_end_date unchanged or the closure date, got ${endAfter}`);

  const again = await nfcAdmin.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-04-01', reason: 'left_area' } });
  assertError(again, 422, 'validation_failed', undefined, 'closing twice');
  assert.deepEqual(await getCase(nfcUser, c.id), r.json, 'second closure changed nothing');

  const o = await nfcAdmin.req('DELETE', `/api/cases/${c.id}/closure`);
  assertStatus(o, 200, 'reopen');
  assertCase(o.json);
  assert.equal(o.json.status, 'open_supported', 'reopened with a support start date: open supported');
  assert.equal(o.json.closure, null);
  assertError(await nfcAdmin.req('DELETE', `/api/cases/${c.id}/closure`), 422, 'validation_failed', undefined, 'reopening an open case');

  const rows = await history(nfcUser, c.id);
  assertNewestFirst(rows);
  const closed = findRow(rows, 'status', { old: 'open_supported', new: 'closed', by: nfcUser.user.id }, 'closed');
  const reopened = findRow(rows, 'status', { old: 'closed', new: 'open_supported', by: nfcAdmin.user.id }, 'reopened');
  assert.ok(rows.indexOf(reopened) < rows.indexOf(closed), 'reopen listed before (newer than) the closure');
  assert.ok(rows.some((h) => /^closure/.test(h.field)), 'a closure.* history row');
});

test('closure of an open referral; closure date equal to the support start is allowed; reopening a referral → open_referral', async () => {
  const ref = await createCase(nfcUser);
  const r = await nfcUser.req('POST', `/api/cases/${ref.id}/closure`, { body: { closure_date: dayOffset(0), reason: 'not_destitute' } });
  assertStatus(r, 200, 'close referral');
  assert.equal(r.json.status, 'closed');
  assert.ok(cleared(r.json.closure.notes), 'notes optional');
  const o = await nfcUser.req('DELETE', `/api/cases/${ref.id}/closure`);
  assertStatus(o, 200, 'reopen referral');
  assert.equal(o.json.status, 'open_referral');
  const rows = await history(nfcUser, ref.id);
  findRow(rows, 'status', { old: 'closed', new: 'open_referral' }, 'reopen referral');

  const s = await supportedCase('2025-01-06');
  const e = await nfcUser.req('POST', `/api/cases/${s.id}/closure`, { body: { closure_date: '2025-01-06', reason: 'voluntary_return', notes: null } });
  assertStatus(e, 200, 'closure on the support start date');
  assert.equal(e.json.status, 'closed');
  const t = await supportedCase('2025-01-06');
  assertStatus(await nfcUser.req('POST', `/api/cases/${t.id}/closure`, { body: { closure_date: dayOffset(0), reason: 'died' } }), 200, 'closure today');
});

test('a closure dated before the referral date (the UK date the case was created) → 422 closure_date; on it → 200', async () => {
  // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the referral date is 1 July.
  const c = await createCaseAt(stack, 'nfc.user', '2025-06-30T23:30:00Z');
  const before = await getCase(nfcUser, c.id);
  assertError(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-06-30', reason: 'left_area' } }),
    422, 'validation_failed', 'closure_date', 'the UTC date of creation is the day before the UK referral date');
  assert.deepEqual(await getCase(nfcUser, c.id), before, 'nothing saved');
  const ok = await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-07-01', reason: 'left_area' } });
  assertStatus(ok, 200, 'closure on the referral date');
  assert.equal(ok.json.closure.closure_date, '2025-07-01');
  const fresh = await createCase(nfcUser);
  assertError(await nfcUser.req('POST', `/api/cases/${fresh.id}/closure`, { body: { closure_date: dayOffset(-1), reason: 'left_area' } }),
    422, 'validation_failed', 'closure_date', 'a case created today closed yesterday');
});

test('every closure reason in DESIGN.md is accepted', async () => {
  for (const reason of ['leave_granted_recourse', 'leave_granted_nrpf', 'transferred_to_asylum_support', 'left_area', 'voluntary_return',
    'no_longer_eligible', 'not_destitute', 'died', 'duplicate', 'other']) {
    const c = await createCaseAt(stack, 'nfc.user', '2025-06-30T09:00:00Z');
    const r = await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-06-30', reason } });
    assertStatus(r, 200, reason);
    assert.equal(r.json.closure.reason, reason);
  }
});

// ---- history ---------------------------------------------------------------------------------------

test('GET /api/cases/{id}/history: list shape, every row {at,by,field,old,new}, newest first, paginates', async () => {
  const c = await createCase(nfcUser);
  assertStatus(await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { address: 'Step 1' } }), 200);
  assertStatus(await nfcAdmin.req('PUT', `/api/cases/${c.id}`, { body: { address: 'Step 2' } }), 200);
  assertStatus(await hoUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'no_current_permission' } }), 200);
  assertStatus(await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { address: 'Step 3' } }), 200);
  const r = await nfcUser.req('GET', `/api/cases/${c.id}/history`);
  assertStatus(r, 200);
  assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next_cursor', 'total']);
  const rows = await history(nfcUser, c.id);
  assert.equal(r.json.total, rows.length);
  assertNewestFirst(rows);
  for (const h of rows) assert.ok(near(h.at), `at is recent: ${h.at}`);
  assert.equal(rows[0].field, 'address');
  assert.ok(sameAddr(rows[0], 'Step 2', 'Step 3') && rows[0].by.id === nfcUser.user.id, `newest row: ${JSON.stringify(rows[0])}`);
  const i3 = rows.indexOf(findRow(rows, 'address', { old: 'Step 2', new: 'Step 3' }));
  const iHo = rows.indexOf(findRow(rows, 'immigration.status', { old: 'unknown', new: 'no_current_permission', by: hoUser.user.id }));
  const i2 = rows.indexOf(findRow(rows, 'address', { old: 'Step 1', new: 'Step 2', by: nfcAdmin.user.id }));
  const i1 = rows.indexOf(findRow(rows, 'address', { new: 'Step 1', by: nfcUser.user.id }));
  assert.ok(i3 < iHo && iHo < i2 && i2 < i1, `order newest first: ${[i3, iHo, i2, i1]}`);
  assert.equal(findRow(rows, 'address', { old: 'Step 1', new: 'Step 2' }).by.name, 'Fiona Marsh');
  // pagination: limit=1 pages give the same rows in the same order
  const paged = []; let cursor = null;
  do {
    const p = await nfcUser.req('GET', `/api/cases/${c.id}/history?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assertStatus(p, 200);
    assert.ok(p.json.items.length <= 1);
    assert.equal(p.json.total, rows.length);
    paged.push(...p.json.items); cursor = p.json.next_cursor;
  } while (cursor && paged.length < 500);
  assert.deepEqual(paged, rows);
  assertError(await nfcUser.req('GET', '/api/cases/99999999/history'), 404, 'not_found', undefined, 'history of unknown case');
});
function sameAddr(h, o, n) { return h.old === o && h.new === n; }

test('history: an unchanged save writes no rows', async () => {
  const c = await createCase(nfcUser);
  const n0 = (await history(nfcUser, c.id)).length;
  assertStatus(await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { address: c.address, legislation: c.legislation } }), 200);
  const rows = await history(nfcUser, c.id);
  assert.equal(rows.length, n0, `no rows for a save that changes nothing: ${JSON.stringify(rows.slice(0, 5))}`);
});

test('CASE timestamps: updated_at moves on a change, created_at never', async () => {
  const c = await createCase(nfcUser);
  await new Promise((r) => setTimeout(r, 1100));
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { address: 'Moved' } });
  assertStatus(r, 200);
  assert.equal(r.json.created_at, c.created_at);
  assert.ok(Date.parse(r.json.updated_at) > Date.parse(c.updated_at), `updated_at advanced: ${c.updated_at} → ${r.json.updated_at}`);
  assert.match(r.json.updated_at, ISO_TIME);
});

test('lifecycle loop: close → reopen → close again → reopen; each step in the history', async () => {
  const c = await supportedCase('2025-01-06');
  for (const [date, reason] of [['2025-02-28', 'left_area'], ['2025-04-30', 'voluntary_return']]) {
    const cl = await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: date, reason } });
    assertStatus(cl, 200, `close ${date}`);
    assert.equal(cl.json.status, 'closed');
    assert.equal(cl.json.closure.closure_date, date);
    assert.equal(cl.json.closure.reason, reason);
    const op = await nfcUser.req('DELETE', `/api/cases/${c.id}/closure`);
    assertStatus(op, 200, 'reopen');
    assert.equal(op.json.status, 'open_supported');
    assert.equal(op.json.closure, null);
  }
  const rows = (await history(nfcUser, c.id)).filter((h) => h.field === 'status');
  assert.deepEqual(rows.map((h) => `${h.old}>${h.new}`),
    ['closed>open_supported', 'open_supported>closed', 'closed>open_supported', 'open_supported>closed', 'open_referral>open_supported'],
    'status rows newest first');
});

// ---- referral source and status at referral (the reports' columns) ---------------------------------

test('referral_source: set on create, changed and cleared by PUT, unknown value 422 naming it; in the history', async () => {
  const c = await createCase(nfcUser, caseBody({ referral_source: 'legal_representative' }));
  assert.equal(c.referral_source, 'legal_representative');
  const bad = await nfcUser.req('POST', '/api/cases', { body: caseBody({ referral_source: 'friend' }) });
  assertError(bad, 422, 'validation_failed', 'referral_source');
  const badPut = await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { referral_source: 'friend' } });
  assertError(badPut, 422, 'validation_failed', 'referral_source');
  assert.equal((await getCase(nfcUser, c.id)).referral_source, 'legal_representative', 'a refused PUT changes nothing');
  const put = await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { referral_source: 'police' } });
  assertStatus(put, 200, 'change');
  assert.equal(put.json.referral_source, 'police');
  const other = await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { address: '1 High Street' } });
  assert.equal(other.json.referral_source, 'police', 'fields not sent stay');
  const clear = await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { referral_source: null } });
  assert.equal(clear.json.referral_source, null);
  const rows = await history(nfcUser, c.id);
  findRow(rows, 'referral_source', { old: 'legal_representative', new: 'police' }, 'referral_source change');
  const plain = await createCase(nfcUser, caseBody());
  assert.equal(plain.referral_source, null, 'not recorded: null');
});

test('status_at_referral: null until a status other than unknown is saved, then the first one for good', async () => {
  const c = await createCase(nfcUser, caseBody());
  assert.equal(c.status_at_referral, null);
  let r = await hoUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'unknown' } });
  assertStatus(r, 200, 'unknown saved');
  assert.equal(r.json.status_at_referral, null, 'unknown is not a status at referral');
  r = await hoUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'no_current_permission' } });
  assert.equal(r.json.status_at_referral, 'no_current_permission');
  r = await hoUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'ltr_nrpf', recourse_to_public_funds: false } });
  assert.equal(r.json.immigration.status, 'ltr_nrpf');
  assert.equal(r.json.status_at_referral, 'no_current_permission', 'never changes afterwards');
  const put = await nfcUser.req('PUT', `/api/cases/${c.id}`, { body: { status_at_referral: 'other' } });
  assertError(put, 400, 'invalid_field', 'status_at_referral');
});
