// Cases: impossible input → 422 validation_failed with the field named (person fields by their path:
// principal.date_of_birth, dependants.0.family_name), wrong JSON types and unknown fields → 400
// invalid_field, and in every case nothing is saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import { caseBody, caseTotal, createCase, dayOffset, dependant, getCase, history, person, q, randomName, search } from '../lib/cases.mjs';

let stack; let nfcUser; let ebcUser; let hoUser;
before(async () => {
  stack = await startStack();
  nfcUser = await signIn(stack.base, 'nfc.user');
  ebcUser = await signIn(stack.base, 'ebc.user');
  hoUser = await signIn(stack.base, 'ho.user');
});
after(async () => { await stack?.stop(); });

const clone = (x) => JSON.parse(JSON.stringify(x));

/** POST a body built by `mutate(body)`; assert the error; assert the unique principal is not findable. */
async function refused(mutate, status, code, field, what) {
  const body = caseBody({ principal: person({ family_name: randomName(5) }) });
  const marker = body.principal.family_name;
  mutate(body);
  const r = await nfcUser.req('POST', '/api/cases', { body });
  assertError(r, status, code, field, what);
  const found = await search(nfcUser, q(marker));
  assert.equal(found.length, 0, `${what}: nothing saved (search "${marker}" found ${JSON.stringify(found)})`);
}

const TOO_LONG = (n) => 'x'.repeat(n);

test('POST /api/cases: missing minimum fields → 422 with the field path, nothing saved', async () => {
  const total0 = await caseTotal(hoUser);
  const cases = [
    [(b) => { delete b.principal; }, 'principal'],
    [(b) => { b.principal = {}; }, 'principal.given_names'],
    [(b) => { delete b.principal.given_names; }, 'principal.given_names'],
    [(b) => { b.principal.given_names = ''; }, 'principal.given_names'],
    [(b) => { delete b.principal.family_name; }, 'principal.family_name'],
    [(b) => { b.principal.family_name = ''; }, 'principal.family_name'],
    [(b) => { delete b.principal.date_of_birth; }, 'principal.date_of_birth'],
    [(b) => { b.principal.date_of_birth = ''; }, 'principal.date_of_birth'],
    [(b) => { delete b.principal.nationality; }, 'principal.nationality'],
    [(b) => { b.principal.nationality = ''; }, 'principal.nationality'],
    [(b) => { delete b.legislation; }, 'legislation'],
    [(b) => { delete b.household_type; }, 'household_type'],
    [(b) => { b.dependants = [dependant()]; delete b.dependants[0].family_name; }, 'dependants.0.family_name'],
    [(b) => { b.dependants = [dependant(), dependant()]; delete b.dependants[1].given_names; }, 'dependants.1.given_names'],
    [(b) => { b.dependants = [dependant()]; delete b.dependants[0].relationship; }, 'dependants.0.relationship'],
    [(b) => { b.dependants = [dependant()]; delete b.dependants[0].date_of_birth; }, 'dependants.0.date_of_birth'],
    [(b) => { b.dependants = [dependant()]; delete b.dependants[0].nationality; }, 'dependants.0.nationality'],
  ];
  for (const [m, field] of cases) await refused(m, 422, 'validation_failed', field, `missing ${field}`);
  assert.equal(await caseTotal(hoUser), total0, 'no case created');
});

test('POST /api/cases: dates that do not exist, future or pre-1900 dates of birth, bad formats → 422', async () => {
  const total0 = await caseTotal(hoUser);
  const bad = ['2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-06-00', '1999-02-30', '2024-1-05', '05/01/2024',
    '2024/01/05', '20240105', '2024-01-05T00:00:00Z', dayOffset(2), dayOffset(400), '2999-01-01', '1899-12-31', '0000-01-01', 'yesterday'];
  for (const d of bad) {
    await refused((b) => { b.principal.date_of_birth = d; }, 422, 'validation_failed', 'principal.date_of_birth', `principal DOB ${d}`);
  }
  for (const d of ['2023-02-29', dayOffset(3)]) {
    await refused((b) => { b.dependants = [dependant({ date_of_birth: d })]; }, 422, 'validation_failed', 'dependants.0.date_of_birth', `dependant DOB ${d}`);
  }
  await refused((b) => { b.dependants = [dependant(), dependant({ date_of_birth: '2021-02-29' })]; }, 422, 'validation_failed', 'dependants.1.date_of_birth', 'second dependant DOB');
  assert.equal(await caseTotal(hoUser), total0, 'no case created');
});

test('POST /api/cases: real edge dates are accepted (29 Feb in a leap year, 1900-01-01, today)', async () => {
  for (const d of ['2024-02-29', '2000-02-29', '1900-01-01', dayOffset(-1)]) {
    const c = await createCase(nfcUser, { principal: person({ date_of_birth: d }) }, `DOB ${d}`);
    assert.equal(c.principal.date_of_birth, d);
  }
});

test('POST /api/cases: unknown legislation, household type, gender, relationship → 422 with the field', async () => {
  const total0 = await caseTotal(hoUser);
  for (const v of ['care_act_2015', 'children_act', 'CARE_ACT_2014', 'Care Act 2014', '']) {
    await refused((b) => { b.legislation = v; }, 422, 'validation_failed', 'legislation', `legislation ${v}`);
  }
  for (const v of ['single', 'household', 'Family', '']) {
    await refused((b) => { b.household_type = v; }, 422, 'validation_failed', 'household_type', `household_type ${v}`);
  }
  for (const v of ['f', 'woman', 'FEMALE']) {
    await refused((b) => { b.principal.gender = v; }, 422, 'validation_failed', 'principal.gender', `gender ${v}`);
  }
  await refused((b) => { b.dependants = [dependant({ gender: 'boy' })]; }, 422, 'validation_failed', 'dependants.0.gender', 'dependant gender');
  for (const v of ['cousin', 'son', 'Child', '']) {
    await refused((b) => { b.dependants = [dependant({ relationship: v })]; }, 422, 'validation_failed', 'dependants.0.relationship', `relationship ${v}`);
  }
  assert.equal(await caseTotal(hoUser), total0, 'no case created');
});

test('POST /api/cases: lengths and formats (names 1–100, nationality 2–60, other names ≤ 200, HO reference, address, notes, team) → 422', async () => {
  const total0 = await caseTotal(hoUser);
  const cases = [
    [(b) => { b.principal.given_names = TOO_LONG(101); }, 'principal.given_names'],
    [(b) => { b.principal.family_name = TOO_LONG(101); }, 'principal.family_name'],
    [(b) => { b.principal.nationality = 'X'; }, 'principal.nationality'],
    [(b) => { b.principal.nationality = TOO_LONG(61); }, 'principal.nationality'],
    [(b) => { b.principal.other_names = TOO_LONG(201); }, 'principal.other_names'],
    [(b) => { b.principal.ho_reference = 'A'.repeat(21); }, 'principal.ho_reference'],
    [(b) => { b.principal.ho_reference = 'AB_123'; }, 'principal.ho_reference'],
    [(b) => { b.principal.ho_reference = 'AB<script>'; }, 'principal.ho_reference'],
    [(b) => { b.principal.family_name = 'Nul\u0000Byte'; }, 'principal.family_name'],
    [(b) => { b.dependants = [dependant({ family_name: TOO_LONG(101) })]; }, 'dependants.0.family_name'],
    [(b) => { b.dependants = [dependant({ ho_reference: 'bad#ref' })]; }, 'dependants.0.ho_reference'],
    [(b) => { b.address = TOO_LONG(301); }, 'address'],
    [(b) => { b.la_involvement = TOO_LONG(2001); }, 'la_involvement'],
    [(b) => { b.team = TOO_LONG(101); }, 'team'],
  ];
  for (const [m, field] of cases) await refused(m, 422, 'validation_failed', field, `bad ${field}`);
  assert.equal(await caseTotal(hoUser), total0, 'no case created');
  // the limits themselves are accepted
  const c = await createCase(nfcUser, {
    principal: person({ given_names: 'G'.repeat(100), family_name: `${randomName(3)}${'f'.repeat(80)}`, nationality: 'UK', other_names: 'o'.repeat(200), ho_reference: 'a'.repeat(20) }),
    address: 'a'.repeat(300), la_involvement: 'l'.repeat(2000), team: 't'.repeat(100),
  }, 'at the limits');
  assert.equal(c.principal.ho_reference, 'A'.repeat(20));
  assert.equal(c.address.length, 300);
});

test('POST /api/cases: caseworker of another council / HO / unknown → 422 caseworker_id', async () => {
  const total0 = await caseTotal(hoUser);
  for (const id of [ebcUser.user.id, hoUser.user.id, 99999999]) {
    await refused((b) => { b.caseworker_id = id; }, 422, 'validation_failed', 'caseworker_id', `caseworker ${id}`);
  }
  assert.equal(await caseTotal(hoUser), total0);
});

test('POST /api/cases: wrong JSON types → 400 invalid_field naming the field (path); bad JSON → 400 invalid_json', async () => {
  const total0 = await caseTotal(hoUser);
  const cases = [
    [(b) => { b.principal = 'Jane Doe'; }, 'principal'],
    [(b) => { b.principal = [b.principal]; }, 'principal'],
    [(b) => { b.legislation = 5; }, 'legislation'],
    [(b) => { b.household_type = ['single_adult']; }, 'household_type'],
    [(b) => { b.dependants = {}; }, 'dependants'],
    [(b) => { b.dependants = ['child']; }, 'dependants.0'],
    [(b) => { b.confirm_not_duplicate = 'yes'; }, 'confirm_not_duplicate'],
    [(b) => { b.caseworker_id = String(nfcUser.user.id); }, 'caseworker_id'],
    [(b) => { b.address = 12; }, 'address'],
    [(b) => { b.principal.date_of_birth = 19840101; }, 'principal.date_of_birth'],
    [(b) => { b.principal.given_names = ['A']; }, 'principal.given_names'],
    [(b) => { b.principal.gender = true; }, 'principal.gender'],
    [(b) => { b.dependants = [dependant({ family_name: 7 })]; }, 'dependants.0.family_name'],
  ];
  for (const [m, field] of cases) await refused(m, 400, 'invalid_field', field, `type of ${field}`);
  // unknown fields
  for (const [m, field] of [
    [(b) => { b.status = 'closed'; }, 'status'],
    [(b) => { b.shoe_size = 9; }, 'shoe_size'],
    [(b) => { b.connect_id = 'C1'; }, 'connect_id'],
    [(b) => { b.principal.shoe_size = 9; }, 'principal.shoe_size'],
    [(b) => { b.dependants = [dependant({ favourite_colour: 'red' })]; }, 'dependants.0.favourite_colour'],
  ]) await refused(m, 400, 'invalid_field', field, `unknown ${field}`);
  for (const raw of ['{', 'null', '[]', '"case"', '{"principal":']) {
    assertError(await nfcUser.req('POST', '/api/cases', { raw }), 400, 'invalid_json', undefined, `raw ${raw}`);
  }
  assert.equal(await caseTotal(hoUser), total0, 'no case created');
});

// ---- edits -----------------------------------------------------------------------------------------

/** Send a refused edit; assert the error; assert the CASE and its history did not change. */
async function refusedEdit(c, method, path, body, status, code, field, what) {
  const before1 = await getCase(nfcUser, c.id);
  const h0 = (await history(nfcUser, c.id)).length;
  assertError(await nfcUser.req(method, path, { body }), status, code, field, what);
  assert.deepEqual(await getCase(nfcUser, c.id), before1, `${what}: case unchanged`);
  assert.equal((await history(nfcUser, c.id)).length, h0, `${what}: no history rows`);
}

test('PUT /api/cases/{id}: bad details → 422/400 with the field, nothing saved', async () => {
  const c = await createCase(nfcUser);
  const p = `/api/cases/${c.id}`;
  await refusedEdit(c, 'PUT', p, { legislation: 'care_act_2015' }, 422, 'validation_failed', 'legislation', 'legislation');
  await refusedEdit(c, 'PUT', p, { household_type: 'mansion' }, 422, 'validation_failed', 'household_type', 'household_type');
  await refusedEdit(c, 'PUT', p, { address: TOO_LONG(301) }, 422, 'validation_failed', 'address', 'address');
  await refusedEdit(c, 'PUT', p, { la_involvement: TOO_LONG(2001) }, 422, 'validation_failed', 'la_involvement', 'la_involvement');
  await refusedEdit(c, 'PUT', p, { address: 'Valid', legislation: 'nope' }, 422, 'validation_failed', 'legislation', 'one bad field spoils the save');
  await refusedEdit(c, 'PUT', p, { legislation: 1 }, 400, 'invalid_field', 'legislation', 'legislation type');
  await refusedEdit(c, 'PUT', p, { colour: 'blue' }, 400, 'invalid_field', 'colour', 'unknown');
});

test('PUT /api/cases/{id}/principal: bad person → 422 naming the field (principal.X or X), nothing saved', async () => {
  const c = await createCase(nfcUser);
  const p = `/api/cases/${c.id}/principal`;
  const base = clone(c.principal); delete base.id; delete base.relationship;
  for (const [over, f] of [
    [{ date_of_birth: '2023-02-29' }, 'date_of_birth'], [{ date_of_birth: dayOffset(2) }, 'date_of_birth'],
    [{ family_name: '' }, 'family_name'], [{ nationality: 'X' }, 'nationality'], [{ gender: 'x' }, 'gender'],
  ]) {
    const before1 = await getCase(nfcUser, c.id);
    const r = await nfcUser.req('PUT', p, { body: { ...base, ...over } });
    assertError(r, 422, 'validation_failed', undefined, `principal ${f}`);
    assert.ok([f, `principal.${f}`].includes(r.json.error.field), `field names ${f}: got ${r.json.error.field}`);
    assert.deepEqual(await getCase(nfcUser, c.id), before1, 'unchanged');
  }
  const missing = { ...base }; delete missing.given_names;
  const r = await nfcUser.req('PUT', p, { body: missing });
  assertError(r, 422, 'validation_failed', undefined, 'missing given_names');
  assert.ok(['given_names', 'principal.given_names'].includes(r.json.error.field), `got ${r.json.error.field}`);
  await refusedEdit(c, 'PUT', p, { ...base, shoe: 1 }, 400, 'invalid_field', undefined, 'unknown field');
});

test('dependants: bad person → 422 naming the field, nothing saved', async () => {
  const c = await createCase(nfcUser, { dependants: [dependant({ given_names: 'Existing' })] });
  const pid = c.dependants[0].id;
  for (const [over, f] of [
    [{ relationship: 'cousin' }, 'relationship'], [{ relationship: undefined }, 'relationship'],
    [{ date_of_birth: '2022-02-29' }, 'date_of_birth'], [{ date_of_birth: dayOffset(5) }, 'date_of_birth'],
    [{ family_name: undefined }, 'family_name'],
  ]) {
    const body = dependant(over);
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    for (const [method, path] of [['POST', `/api/cases/${c.id}/dependants`], ['PUT', `/api/cases/${c.id}/dependants/${pid}`]]) {
      const before1 = await getCase(nfcUser, c.id);
      const r = await nfcUser.req(method, path, { body });
      assertError(r, 422, 'validation_failed', undefined, `${method} dependant ${f}`);
      assert.ok(r.json.error.field === f || new RegExp(`^dependants\\.\\d+\\.${f}$`).test(r.json.error.field), `${method} field names ${f}: got ${r.json.error.field}`);
      assert.deepEqual(await getCase(nfcUser, c.id), before1, 'unchanged');
    }
  }
});

test('PUT /api/cases/{id}/immigration: bad page → 422/400 with the field, nothing saved', async () => {
  const c = await createCase(nfcUser);
  const p = `/api/cases/${c.id}/immigration`;
  await refusedEdit(c, 'PUT', p, { status: 'refugee' }, 422, 'validation_failed', 'status', 'unknown status');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', leave_expiry: '2026-02-29' }, 422, 'validation_failed', 'leave_expiry', 'leave_expiry');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', application_date: '2025-13-01' }, 422, 'validation_failed', 'application_date', 'application_date');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', appeal_date: '2025-04-31' }, 422, 'validation_failed', 'appeal_date', 'appeal_date');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', judicial_review_date: 'soon' }, 422, 'validation_failed', 'judicial_review_date', 'judicial_review_date');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', application_type: TOO_LONG(101) }, 422, 'validation_failed', 'application_type', 'application_type');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', ho_notes: TOO_LONG(4001) }, 422, 'validation_failed', 'ho_notes', 'ho_notes');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', recourse_to_public_funds: 'no' }, 400, 'invalid_field', 'recourse_to_public_funds', 'recourse type');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', appeal: 1 }, 400, 'invalid_field', 'appeal', 'appeal type');
  await refusedEdit(c, 'PUT', p, { status: 'ltr_nrpf', colour: 'x' }, 400, 'invalid_field', 'colour', 'unknown field');
});

test('PUT /api/cases/{id}/finance: bad page → 422/400 with the field, nothing saved, status unchanged', async () => {
  const c = await createCase(nfcUser);
  const p = `/api/cases/${c.id}/finance`;
  const ok = { support_start_date: '2025-01-06', weekly_subsistence_pence: 5000, accommodation_type: 'hostel', weekly_accommodation_pence: 10000, other_costs: [] };
  const cost = { description: 'Bus pass', amount_pence: 1200, date: '2025-02-01' };
  for (const [over, status, code, field] of [
    [{ support_start_date: '2025-02-29' }, 422, 'validation_failed', 'support_start_date'],
    [{ weekly_subsistence_pence: -1 }, 422, 'validation_failed', 'weekly_subsistence_pence'],
    [{ weekly_subsistence_pence: 100000001 }, 422, 'validation_failed', 'weekly_subsistence_pence'],
    [{ weekly_accommodation_pence: -5 }, 422, 'validation_failed', 'weekly_accommodation_pence'],
    [{ accommodation_type: 'castle' }, 422, 'validation_failed', 'accommodation_type'],
    [{ support_end_date: '2025-01-05' }, 422, 'validation_failed', 'support_end_date'],
    [{ support_end_date: '2025-06-31' }, 422, 'validation_failed', 'support_end_date'],
    [{ other_costs: Array.from({ length: 201 }, () => cost) }, 422, 'validation_failed', 'other_costs'],
    [{ other_costs: [{ ...cost, amount_pence: -1 }] }, 422, 'validation_failed', 'other_costs.0.amount_pence'],
    [{ other_costs: [cost, { ...cost, date: '2025-02-30' }] }, 422, 'validation_failed', 'other_costs.1.date'],
    [{ weekly_subsistence_pence: '5000' }, 400, 'invalid_field', 'weekly_subsistence_pence'],
    [{ other_costs: {} }, 400, 'invalid_field', 'other_costs'],
    [{ other_costs: [{ ...cost, colour: 'x' }] }, 400, 'invalid_field', 'other_costs.0.colour'],
    [{ colour: 'x' }, 400, 'invalid_field', 'colour'],
  ]) {
    await refusedEdit(c, 'PUT', p, { ...ok, ...over }, status, code, field, `finance ${JSON.stringify(over).slice(0, 60)}`);
  }
  // a fractional amount is a wrong type or a broken rule; either way nothing is saved
  const before1 = await getCase(nfcUser, c.id);
  const r = await nfcUser.req('PUT', p, { body: { ...ok, weekly_subsistence_pence: 12.5 } });
  assert.ok((r.status === 400 && r.json?.error?.code === 'invalid_field') || (r.status === 422 && r.json?.error?.code === 'validation_failed'), `12.5 pence → ${r.status} ${r.text}`);
  assert.equal(r.json.error.field, 'weekly_subsistence_pence');
  assert.deepEqual(await getCase(nfcUser, c.id), before1);
  assert.equal(before1.status, 'open_referral');
  // the limits are accepted
  const full = await nfcUser.req('PUT', p, { body: { ...ok, weekly_subsistence_pence: 100000000, support_end_date: '2025-01-06', other_costs: Array.from({ length: 200 }, () => cost) } });
  assertStatus(full, 200, '100,000,000 pence, end = start, 200 other costs');
  assert.equal(full.json.finance.other_costs.length, 200);
});

test('PUT /api/cases/{id}/allocation: bad input → 422/400, nothing saved', async () => {
  const c = await createCase(nfcUser);
  const p = `/api/cases/${c.id}/allocation`;
  await refusedEdit(c, 'PUT', p, { caseworker_id: ebcUser.user.id, team: null }, 422, 'validation_failed', 'caseworker_id', 'other council');
  await refusedEdit(c, 'PUT', p, { caseworker_id: null, team: TOO_LONG(101) }, 422, 'validation_failed', 'team', 'team length');
  await refusedEdit(c, 'PUT', p, { caseworker_id: 'Tom', team: null }, 400, 'invalid_field', 'caseworker_id', 'caseworker type');
  await refusedEdit(c, 'PUT', p, { caseworker_id: null, team: null, colour: 1 }, 400, 'invalid_field', 'colour', 'unknown');
});

test('bodies that are not JSON objects → 400 invalid_json on every case write', async () => {
  const c = await createCase(nfcUser, { dependants: [dependant()] });
  const pid = c.dependants[0].id;
  for (const [m, path] of [['PUT', `/api/cases/${c.id}`], ['PUT', `/api/cases/${c.id}/principal`], ['POST', `/api/cases/${c.id}/dependants`],
    ['PUT', `/api/cases/${c.id}/dependants/${pid}`], ['PUT', `/api/cases/${c.id}/allocation`], ['PUT', `/api/cases/${c.id}/immigration`],
    ['PUT', `/api/cases/${c.id}/finance`], ['POST', `/api/cases/${c.id}/closure`]]) {
    for (const raw of ['nope', '[1]']) {
      assertError(await nfcUser.req(m, path, { raw }), 400, 'invalid_json', undefined, `${m} ${path} ${raw}`);
    }
  }
  assert.deepEqual(await getCase(nfcUser, c.id), c, 'nothing changed');
});

test('ambiguous in API.md, either answer accepted: gender "" (422, or the default "unknown"); HO reference with spaces (422, or spaces dropped)', async () => {
  const g = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: person({ gender: '' }) }) });
  if (g.status === 201) assert.equal(g.json.principal.gender, 'unknown', 'empty gender taken as the default');
  else assertError(g, 422, 'validation_failed', 'principal.gender', 'gender ""');
  const h = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: person({ ho_reference: 'ab 123/4' }) }) });
  if (h.status === 201) assert.equal(h.json.principal.ho_reference, 'AB123/4', 'spaces dropped, upper case');
  else assertError(h, 422, 'validation_failed', 'principal.ho_reference', 'ho_reference with a space');
});
