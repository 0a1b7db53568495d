// Alerts: what raises each of the six types (new_case, council_update, immigration_update,
// closure_required, case_closed, final_outcome), its due date counted in UK working days on exact dates
// (Christmas, Easter, the UK date after midnight BST, a due date past the shipped calendar), how each is
// cleared, and overdue items on the HO home page. The server's clock is frozen at chosen instants.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, listAll } from '../lib/http.mjs';
import { createCase, dependant, pngBytes, upload } from '../lib/cases.mjs';
import {
  accept, actor, alertList, immigrationPage, personBody, alertsOfType, assertAlert, caseAlerts, home, ids, openAlert, openQuery, putImmigration, setNow, total, miRun,
} from '../lib/alerts.mjs';

let stack; let nfcUser; let nfcAdmin; let hoUser; let hoAdmin;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  nfcUser = await actor(stack.base, 'nfc.user');
  nfcAdmin = await actor(stack.base, 'nfc.admin');
  hoUser = await actor(stack.base, 'ho.user');
  hoAdmin = await actor(stack.base, 'ho.admin');
});
after(async () => { await stack?.stop(); });

const at = (iso) => setNow(stack, iso);
const ref = (c) => ({ id: c.user.id, name: c.user.name });
const sorted = (a) => [...a].sort();

/** A case whose immigration page the HO has updated (so later council changes raise council_update). */
async function checkedCase(over = {}) {
  const c = await createCase(nfcUser, over);
  await putImmigration(hoUser, c.id, { status: 'asylum_claim_recorded' }, 'HO status check');
  return c;
}

// ---- new_case --------------------------------------------------------------------------------------

test('new_case: raised to the HO when a council creates a case, due 5 working days (Wed 2 Dec → Wed 9 Dec), exact shape', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { caseworker_id: nfcUser.user.id });
  const all = await caseAlerts(nfcUser, c.id);
  assert.equal(all.length, 1, `one alert on a new case: ${JSON.stringify(all)}`);
  const a = all[0];
  assertAlert(a, 'new_case', { exact: true });
  assert.equal(a.type, 'new_case');
  assert.equal(a.to, 'ho');
  assert.equal(a.case_id, c.id);
  assert.equal(a.connect_id, c.connect_id);
  assert.deepEqual(a.council, c.council);
  assert.deepEqual(a.caseworker, ref(nfcUser), 'caseworker of the case');
  assert.deepEqual(a.raised_by, ref(nfcUser), 'raised by the council user who created the case');
  assert.ok(a.raised_at.startsWith('2026-12-02T'), `raised_at on the server clock's day, got ${a.raised_at}`);
  assert.equal(a.due, '2026-12-09');
  assert.equal(a.due_beyond_calendar, false);
  assert.equal(a.overdue, false);
  assert.equal(a.open, true);
  assert.deepEqual(a.fields, []);
  assert.equal(a.outcome, null);
  const hoOpen = await alertList(hoUser, 'type=new_case');
  const mine = hoOpen.find((x) => x.id === a.id);
  assert.deepEqual(mine, a, 'the HO lists the same alert');
  assert.deepEqual((await caseAlerts(hoUser, c.id)), all, 'the HO sees the case alerts too');
  assert.ok(!ids(await alertList(nfcUser)).includes(a.id), 'the council does not list an alert addressed to the HO');
  assert.ok(!ids(await alertList(hoUser, 'type=immigration_update')).includes(a.id), 'type filter');
});

test('new_case due dates: Christmas and Boxing Day 2026, Easter 2027, the UK date after midnight BST, and past the calendar', async () => {
  const table = [
    ['2026-12-18T10:00:00Z', '2026-12-29', false, 'Fri 18 Dec 2026: Mon 21..Thu 24, (Fri 25, Mon 28 bank holidays), Tue 29'],
    ['2026-12-01T23:30:00Z', '2026-12-08', false, 'Tue 1 Dec 23:30 GMT is still 1 Dec in the UK'],
    ['2026-12-25T12:00:00Z', '2027-01-05', false, 'created on Christmas Day: Tue 29, Wed 30, Thu 31, (Fri 1 Jan), Mon 4, Tue 5 Jan'],
    ['2026-12-26T12:00:00Z', '2027-01-05', false, 'created on a Saturday: counting starts on the next working day'],
    ['2027-03-25T10:00:00Z', '2027-04-05', false, 'Thu 25 Mar 2027: (Good Friday 26, Easter Monday 29) Tue 30 .. Mon 5 Apr'],
    ['2027-04-01T23:30:00Z', '2027-04-09', false, 'Thu 1 Apr 23:30 UTC is Fri 2 Apr 00:30 BST: the UK date counts'],
    ['2027-12-17T10:00:00Z', '2027-12-24', false, 'Fri 17 Dec 2027: Mon 20 .. Fri 24, inside the calendar'],
    ['2027-12-23T10:00:00Z', '2028-01-03', true, 'Thu 23 Dec 2027: Fri 24, (Mon 27, Tue 28), Wed 29, Thu 30, Fri 31, Mon 3 Jan 2028: past the calendar'],
  ];
  const wrong = [];
  for (const [instant, due, beyond, what] of table) {
    at(instant);
    const c = await createCase(nfcUser);
    const a = await openAlert(hoUser, c.id, 'new_case', what);
    if (a.due !== due || a.due_beyond_calendar !== beyond) {
      wrong.push(`created ${instant} (${what}): expected due ${due} beyond ${beyond}, got due ${a.due} beyond ${a.due_beyond_calendar}`);
    }
    assert.equal(a.overdue, false, `${what}: not overdue when raised`);
    assert.ok(a.raised_at.startsWith(instant.slice(0, 13)), `${what}: raised_at ${a.raised_at} is the server clock's now`);
  }
  assert.deepEqual(wrong, [], `due dates:\n${wrong.join('\n')}`);
});

test('new_case is cleared by the HO status check (status_check), which raises immigration_update with the changed fields', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { caseworker_id: nfcUser.user.id });
  const a = await openAlert(hoUser, c.id, 'new_case', 'before');
  assert.deepEqual(await alertsOfType(nfcUser, c.id, 'immigration_update'), [], 'no immigration_update before the HO acts');
  at('2026-12-03T10:00:00Z');
  await putImmigration(hoUser, c.id, { status: 'asylum_claim_recorded', ho_notes: 'Claim recorded on CID.' });
  const [n] = await alertsOfType(hoUser, c.id, 'new_case');
  assert.equal(n.id, a.id);
  assert.equal(n.open, false, 'cleared');
  assert.equal(n.cleared_how, 'status_check');
  assert.deepEqual(n.cleared_by, ref(hoUser));
  assert.ok(n.cleared_at.startsWith('2026-12-03T'), `cleared_at ${n.cleared_at}`);
  assert.equal(n.due, '2026-12-09', 'due date kept on the cleared alert');
  assert.ok(!ids(await alertList(hoUser, 'type=new_case')).includes(a.id), 'gone from the HO open list');

  const iu = await openAlert(nfcUser, c.id, 'immigration_update', 'raised by the HO change');
  assert.equal(iu.to, 'council');
  assert.equal(iu.due, null);
  assert.deepEqual(iu.raised_by, ref(hoUser));
  assert.deepEqual(iu.caseworker, ref(nfcUser));
  assert.deepEqual(sorted(iu.fields), ['ho_notes', 'status']);
  assert.ok(ids(await alertList(nfcUser, 'type=immigration_update')).includes(iu.id), 'in the council list');
  assert.ok(!ids(await alertList(hoUser)).includes(iu.id), 'not in the HO list');
});

test('new_case is cleared when the HO opens a query on the case (query); a council query does not clear it', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const a = await openAlert(hoUser, c.id, 'new_case');
  await openQuery(nfcUser, c.id, { category: 'status_discrepancy', message: 'Please check the status.' }, 'council query');
  assert.equal((await openAlert(hoUser, c.id, 'new_case', 'after a council query')).id, a.id, 'still open after the council query');
  at('2026-12-04T10:00:00Z');
  await openQuery(hoUser, c.id, { category: 'other', message: 'Please send the passport.' }, 'HO query');
  const [n] = await alertsOfType(hoUser, c.id, 'new_case');
  assert.equal(n.open, false);
  assert.equal(n.cleared_how, 'query');
  assert.deepEqual(n.cleared_by, ref(hoUser));
  assert.ok(n.cleared_at.startsWith('2026-12-04T'));
  assert.deepEqual(await alertsOfType(nfcUser, c.id, 'immigration_update'), [], 'a query is not an immigration change');
});

// ---- council_update --------------------------------------------------------------------------------

test('council_update: nothing before the HO has checked the case', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  assertStatus(await nfcUser.req('POST', `/api/cases/${c.id}/dependants`, { body: dependant() }), 201, 'add dependant');
  assertStatus(await nfcUser.req('PUT', `/api/cases/${c.id}/principal`, { body: personBody(c.principal, { other_names: 'Changed Before Check' }) }), 200, 'principal');
  assertStatus(await upload(nfcUser, c.id, pngBytes(), { filename: 'id.png' }), 201, 'upload');
  await putImmigration(nfcUser, c.id, { status: 'asylum_claim_recorded' }, 'council immigration');
  const all = await caseAlerts(hoUser, c.id);
  assert.deepEqual(all.map((a) => a.type), ['new_case'], `only the new_case alert: ${JSON.stringify(all)}`);
  assert.equal(all[0].open, true, 'a council immigration change is not an HO status check');
});

test('council_update after the HO check, for each change kind: its field, raised by the council, due 5 working days; HO accepts', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await checkedCase({ caseworker_id: nfcUser.user.id, dependants: [dependant({ given_names: 'Kept' }), dependant({ given_names: 'Changing' })] });
  const changing = c.dependants.find((d) => d.given_names === 'Changing') ?? c.dependants[1];
  assert.deepEqual(await alertsOfType(hoUser, c.id, 'council_update'), [], 'the HO check itself raises none');
  const steps = [
    ['dependant_added', () => nfcUser.req('POST', `/api/cases/${c.id}/dependants`, { body: dependant({ given_names: 'Added' }) }), 201],
    ['dependant', () => nfcUser.req('PUT', `/api/cases/${c.id}/dependants/${changing.id}`, { body: personBody(changing, { other_names: 'Now Changed' }) }), 200],
    ['dependant', () => nfcUser.req('DELETE', `/api/cases/${c.id}/dependants/${changing.id}`), 200],
    ['principal', () => nfcUser.req('PUT', `/api/cases/${c.id}/principal`, { body: personBody(c.principal, { other_names: 'Also Known' }) }), 200],
    ['document', () => upload(nfcUser, c.id, pngBytes(4, 4), { filename: 'passport.png' }), 201],
    ['immigration', () => nfcUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'asylum_claim_recorded', leave_expiry: '2027-01-31' } }), 200],
  ];
  const seen = new Set();
  for (const [i, [field, run, code]] of steps.entries()) {
    const day = `2026-12-0${2 + (i % 3)}`; // Wed 2, Thu 3, Fri 4 December
    at(`${day}T10:00:00Z`);
    assertStatus(await run(), code, `change ${i} (${field})`);
    const a = await openAlert(hoUser, c.id, 'council_update', `after ${field} (step ${i})`);
    assert.ok(!seen.has(a.id), 'a new alert after the last one was accepted');
    seen.add(a.id);
    assert.deepEqual(a.fields, [field], `step ${i}: fields`);
    assert.equal(a.to, 'ho');
    assert.deepEqual(a.raised_by, ref(nfcUser));
    assert.deepEqual(a.caseworker, ref(nfcUser));
    assert.ok(a.raised_at.startsWith(`${day}T`));
    assert.equal(a.due, { '2026-12-02': '2026-12-09', '2026-12-03': '2026-12-10', '2026-12-04': '2026-12-11' }[day], `step ${i}: due 5 working days after ${day}`);
    assert.ok(ids(await alertList(hoUser, 'type=council_update')).includes(a.id), 'in the HO list');
    const done = await accept(hoAdmin, a.id, `HO accepts step ${i}`);
    assert.equal(done.open, false);
    assert.equal(done.cleared_how, 'accepted');
    assert.deepEqual(done.cleared_by, ref(hoAdmin));
    assert.ok(!ids(await alertList(hoUser, 'type=council_update')).includes(a.id), 'gone from the HO open list');
  }
  assert.equal((await alertsOfType(hoUser, c.id, 'council_update')).length, steps.length, 'one alert per accepted round');
});

test('council_update: one open alert collects every change in fields; its due date is that of the first change', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await checkedCase();
  at('2026-12-03T10:00:00Z');
  assertStatus(await nfcUser.req('POST', `/api/cases/${c.id}/dependants`, { body: dependant() }), 201);
  const first = await openAlert(hoUser, c.id, 'council_update', 'first');
  assert.equal(first.due, '2026-12-10');
  at('2026-12-04T10:00:00Z');
  assertStatus(await nfcAdmin.req('PUT', `/api/cases/${c.id}/principal`, { body: personBody(c.principal, { other_names: 'Second Change' }) }), 200);
  at('2026-12-07T10:00:00Z');
  assertStatus(await upload(nfcUser, c.id, pngBytes(5, 5), { filename: 'brp.png' }), 201);
  await putImmigration(nfcUser, c.id, { status: 'asylum_claim_recorded', leave_expiry: '2027-06-30' }, 'council immigration');
  await putImmigration(hoUser, c.id, { status: 'asylum_claim_recorded', ho_notes: 'HO again' }, 'an HO change is not a council update');
  const all = await alertsOfType(hoUser, c.id, 'council_update');
  assert.equal(all.length, 1, `one council_update alert: ${JSON.stringify(all)}`);
  const a = all[0];
  assert.equal(a.id, first.id);
  assert.equal(a.open, true);
  assert.deepEqual(sorted(a.fields), ['dependant_added', 'document', 'immigration', 'principal']);
  assert.equal(a.due, '2026-12-10', 'due date of the first change');
  assert.ok(a.raised_at.startsWith('2026-12-03T'), 'raised when the first change was made');
  await accept(hoUser, a.id);
  at('2026-12-08T10:00:00Z');
  assertStatus(await nfcUser.req('PUT', `/api/cases/${c.id}/principal`, { body: personBody(c.principal, { other_names: 'Third Change' }) }), 200);
  const b = await openAlert(hoUser, c.id, 'council_update', 'after acceptance');
  assert.notEqual(b.id, a.id);
  assert.deepEqual(b.fields, ['principal'], 'a fresh alert starts a fresh list');
  assert.equal(b.due, '2026-12-15');
});

// ---- immigration_update ----------------------------------------------------------------------------

test('immigration_update: one open alert per case listing the fields the HO changed since the council last accepted', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { caseworker_id: nfcUser.user.id });
  await putImmigration(hoUser, c.id, { status: 'asylum_claim_recorded', ho_notes: 'Recorded.' });
  const a = await openAlert(nfcUser, c.id, 'immigration_update', 'first');
  assert.deepEqual(sorted(a.fields), ['ho_notes', 'status']);
  await putImmigration(hoAdmin, c.id, { status: 'asylum_claim_recorded', ho_notes: 'Recorded.', leave_expiry: '2027-06-30' });
  const b = await openAlert(nfcUser, c.id, 'immigration_update', 'second HO change');
  assert.equal(b.id, a.id, 'the same open alert');
  assert.deepEqual(sorted(b.fields), ['ho_notes', 'leave_expiry', 'status'], 'fields accumulate');
  assert.ok(ids(await alertList(nfcUser, 'type=immigration_update')).includes(a.id));
  assertError(await hoUser.req('POST', `/api/alerts/${a.id}/accept`), 403, 'forbidden', undefined, 'the HO cannot accept it');
  at('2026-12-03T10:00:00Z');
  const done = await accept(nfcUser, a.id, 'council accepts');
  assert.equal(done.cleared_how, 'accepted');
  assert.deepEqual(done.cleared_by, ref(nfcUser));
  assert.ok(done.cleared_at.startsWith('2026-12-03T'));
  assert.ok(!ids(await alertList(nfcUser, 'type=immigration_update')).includes(a.id), 'gone from the council list');
  await putImmigration(nfcUser, c.id, { status: 'asylum_claim_recorded', ho_notes: 'Recorded.', leave_expiry: '2027-06-30', application_type: 'Council edit' });
  assert.equal((await alertsOfType(nfcUser, c.id, 'immigration_update')).filter((x) => x.open).length, 0, 'a council change raises no immigration_update');
  await putImmigration(hoUser, c.id, { status: 'asylum_claim_recorded', ho_notes: 'Recorded.', leave_expiry: '2027-06-30', application_type: 'Council edit', appeal: true, appeal_date: '2026-11-30' });
  const n = await openAlert(nfcUser, c.id, 'immigration_update', 'after acceptance');
  assert.notEqual(n.id, a.id);
  assert.deepEqual(sorted(n.fields), ['appeal', 'appeal_date'], 'only what changed since the council accepted');
});

// ---- closure_required ------------------------------------------------------------------------------

test('closure_required: raised when the HO gives recourse (recourse true; ltr_recourse, settled_status, british_citizen); not otherwise', async () => {
  at('2026-12-02T10:00:00Z');
  const raising = [
    [{ status: 'other', recourse_to_public_funds: true }, 'recourse_to_public_funds true'],
    [{ status: 'ltr_recourse' }, 'ltr_recourse'],
    [{ status: 'settled_status' }, 'settled_status'],
    [{ status: 'british_citizen' }, 'british_citizen'],
  ];
  for (const [page, what] of raising) {
    const c = await createCase(nfcUser);
    await putImmigration(hoUser, c.id, page, what);
    const a = await openAlert(nfcUser, c.id, 'closure_required', what);
    assert.equal(a.to, 'council');
    assert.equal(a.due, null);
    assert.deepEqual(a.raised_by, ref(hoUser));
    assert.ok(ids(await alertList(nfcUser, 'type=closure_required')).includes(a.id), `${what}: in the council list`);
  }
  const quiet = [
    [{ status: 'ltr_nrpf', recourse_to_public_funds: false }, 'ltr_nrpf without recourse'],
    [{ status: 'pre_settled_status', recourse_to_public_funds: false }, 'pre_settled_status without recourse'],
    [{ status: 'asylum_claim_recorded' }, 'asylum claim'],
  ];
  for (const [page, what] of quiet) {
    const c = await createCase(nfcUser);
    await putImmigration(hoUser, c.id, page, what);
    assert.deepEqual(await alertsOfType(nfcUser, c.id, 'closure_required'), [], `${what}: no closure_required`);
  }
  const council = await createCase(nfcUser);
  await putImmigration(nfcUser, council.id, { status: 'ltr_recourse', recourse_to_public_funds: true }, 'the council records recourse itself');
  assert.deepEqual(await alertsOfType(nfcUser, council.id, 'closure_required'), [], 'only the HO change raises it');
  const closed = await createCase(nfcUser);
  assertStatus(await nfcUser.req('POST', `/api/cases/${closed.id}/closure`, { body: { closure_date: '2026-12-02', reason: 'left_area' } }), 200, 'close');
  assertError(await hoUser.req('PUT', `/api/cases/${closed.id}/immigration`, { body: immigrationPage({ status: 'ltr_recourse', recourse_to_public_funds: true }) }),
    422, 'case_closed', undefined, 'a closed case is frozen');
  assert.deepEqual(await alertsOfType(nfcUser, closed.id, 'closure_required'), [], 'not on a closed case');
});

test('closure_required cannot be accepted (422) and clears when the council closes the case (case_closed)', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  await putImmigration(hoUser, c.id, { status: 'ltr_recourse', recourse_to_public_funds: true });
  const a = await openAlert(nfcUser, c.id, 'closure_required');
  assertError(await nfcUser.req('POST', `/api/alerts/${a.id}/accept`), 422, 'validation_failed', undefined, 'accept closure_required');
  assertError(await nfcAdmin.req('POST', `/api/alerts/${a.id}/accept`), 422, 'validation_failed', undefined, 'admin accept closure_required');
  assert.equal((await openAlert(nfcUser, c.id, 'closure_required', 'after the refused accept')).id, a.id, 'still open');
  at('2026-12-03T10:00:00Z');
  assertStatus(await nfcAdmin.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2026-12-03', reason: 'leave_granted_recourse' } }), 200, 'close');
  const [n] = await alertsOfType(nfcUser, c.id, 'closure_required');
  assert.equal(n.open, false);
  assert.equal(n.cleared_how, 'case_closed');
  assert.deepEqual(n.cleared_by, ref(nfcAdmin));
  assert.ok(n.cleared_at.startsWith('2026-12-03T'));
  assert.ok(!ids(await alertList(nfcUser, 'type=closure_required')).includes(a.id), 'gone from the council list');
});

// ---- case_closed -----------------------------------------------------------------------------------

test('case_closed: raised to the HO when the council closes a case, due 5 working days (Fri 18 Dec → Tue 29 Dec); HO accepts', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { caseworker_id: nfcUser.user.id });
  assert.deepEqual(await alertsOfType(hoUser, c.id, 'case_closed'), []);
  at('2026-12-18T10:00:00Z');
  assertStatus(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2026-12-02', reason: 'voluntary_return' } }), 200, 'close');
  const a = await openAlert(hoUser, c.id, 'case_closed');
  assert.equal(a.to, 'ho');
  assert.equal(a.due, '2026-12-29');
  assert.equal(a.due_beyond_calendar, false);
  assert.deepEqual(a.raised_by, ref(nfcUser));
  assert.ok(a.raised_at.startsWith('2026-12-18T'));
  assert.ok(ids(await alertList(hoUser, 'type=case_closed')).includes(a.id));
  assertError(await nfcUser.req('POST', `/api/alerts/${a.id}/accept`), 403, 'forbidden', undefined, 'the council cannot accept it');
  const done = await accept(hoUser, a.id);
  assert.equal(done.cleared_how, 'accepted');
  assert.deepEqual(done.cleared_by, ref(hoUser));
  assert.ok(!ids(await alertList(hoUser, 'type=case_closed')).includes(a.id));
  // Reopen and close again: a second case_closed alert.
  at('2026-12-21T10:00:00Z');
  assertStatus(await nfcUser.req('DELETE', `/api/cases/${c.id}/closure`), 200, 'reopen');
  assertStatus(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2026-12-03', reason: 'left_area' } }), 200, 'close again');
  const b = await openAlert(hoUser, c.id, 'case_closed', 'second closure');
  assert.notEqual(b.id, a.id);
  assert.equal(b.due, '2026-12-30', 'Mon 21 Dec: Tue 22, Wed 23, Thu 24, Tue 29, Wed 30');
});

// ---- final_outcome ---------------------------------------------------------------------------------

test('final_outcome: HO only; due 7 working days after the MI run on the decision date; outcome.late; the council accepts', async () => {
  at('2026-12-02T10:00:00Z');
  // Weekly MI report runs on each decision day below, so each clock starts on its decision date
  // (tests/http/mi-runs.test.mjs covers runs after the decision and none yet).
  for (const d of ['2026-11-20', '2026-11-25', '2026-12-02']) await miRun(hoAdmin, d);
  const c = await createCase(nfcUser, { caseworker_id: nfcUser.user.id });
  const post = (client, body) => client.req('POST', `/api/cases/${c.id}/final-outcome`, { body });
  assertError(await post(nfcUser, { outcome: 'leave_granted', decision_date: '2026-11-25' }), 403, 'forbidden', undefined, 'council');
  assertError(await post(nfcAdmin, { outcome: 'leave_granted', decision_date: '2026-11-25' }), 403, 'forbidden', undefined, 'council admin');
  assertError(await post(hoUser, { outcome: 'leave_granted', decision_date: '2026-12-03' }), 422, 'validation_failed', 'decision_date', 'tomorrow');
  assertError(await post(hoUser, { outcome: 'leave_granted', decision_date: '2026-02-30' }), 422, 'validation_failed', 'decision_date', 'no such date');
  assertError(await post(hoUser, { outcome: 'leave_granted' }), 422, 'validation_failed', 'decision_date', 'missing date');
  assertError(await post(hoUser, { outcome: 'deported', decision_date: '2026-11-25' }), 422, 'validation_failed', 'outcome', 'unknown outcome');
  assertError(await post(hoUser, { decision_date: '2026-11-25' }), 422, 'validation_failed', 'outcome', 'missing outcome');
  assert.deepEqual(await alertsOfType(nfcUser, c.id, 'final_outcome'), [], 'nothing raised by refused requests');

  const late = await post(hoUser, { outcome: 'leave_granted', decision_date: '2026-11-20', notes: 'Granted LTR.' });
  assertStatus(late, 201, 'late outcome');
  assertAlert(late.json, 'final_outcome');
  const a = late.json;
  assert.equal(a.type, 'final_outcome');
  assert.equal(a.to, 'council');
  assert.equal(a.case_id, c.id);
  assert.equal(a.due, '2026-12-01', 'Fri 20 Nov + 7 working days = Tue 1 Dec');
  assert.equal(a.outcome?.late, true, `raised on 2 Dec, after the 1 Dec deadline: ${JSON.stringify(a.outcome)}`);
  assert.equal(a.outcome.outcome, 'leave_granted');
  assert.equal(a.outcome.decision_date, '2026-11-20');
  assert.deepEqual(a.raised_by, ref(hoUser));
  assert.deepEqual(a.caseworker, ref(nfcUser));
  assert.deepEqual((await caseAlerts(nfcUser, c.id)).find((x) => x.id === a.id), a, 'the case lists the same alert');
  assert.ok(ids(await alertList(nfcUser, 'type=final_outcome')).includes(a.id), 'in the council list');

  const c2 = await createCase(nfcUser);
  const onTime = await hoAdmin.req('POST', `/api/cases/${c2.id}/final-outcome`, { body: { outcome: 'removal', decision_date: '2026-11-25' } });
  assertStatus(onTime, 201, 'removal');
  assert.equal(onTime.json.due, '2026-12-04', 'Wed 25 Nov + 7 working days = Fri 4 Dec');
  assert.equal(onTime.json.outcome.late, false);
  assert.equal(onTime.json.outcome.outcome, 'removal');
  const c3 = await createCase(nfcUser);
  const today = await hoUser.req('POST', `/api/cases/${c3.id}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: '2026-12-02' } });
  assertStatus(today, 201, 'decided today');
  assert.equal(today.json.due, '2026-12-11');
  assert.equal(today.json.outcome.late, false);

  assertError(await hoUser.req('POST', `/api/alerts/${a.id}/accept`), 403, 'forbidden', undefined, 'HO accepting its own outcome');
  const done = await accept(nfcUser, a.id, 'council accepts');
  assert.equal(done.cleared_how, 'accepted');
  assert.deepEqual(done.cleared_by, ref(nfcUser));
  assert.ok(!ids(await alertList(nfcUser, 'type=final_outcome')).includes(a.id));

  const closed = await createCase(nfcUser);
  assertStatus(await nfcUser.req('POST', `/api/cases/${closed.id}/closure`, { body: { closure_date: '2026-12-02', reason: 'left_area' } }), 200);
  // The SLA still expects the HO's final outcome after closure: a closed case takes it.
  const onClosed = await hoUser.req('POST', `/api/cases/${closed.id}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: '2026-11-25' } });
  assertStatus(onClosed, 201, 'final outcome on a closed case');
  assert.equal(onClosed.json.type, 'final_outcome');
  assert.equal(onClosed.json.open, true);
  assertError(await hoUser.req('POST', '/api/cases/98765432/final-outcome', { body: { outcome: 'leave_granted', decision_date: '2026-11-25' } }),
    404, 'not_found', undefined, 'unknown case');
});

test('final_outcome decided on a Sunday: the clock starts at the next MI run (Mon 23 Nov) → Wed 2 Dec', async () => {
  at('2026-12-02T10:00:00Z');
  await miRun(hoAdmin, '2026-11-23');
  const c = await createCase(nfcUser);
  const r = await hoUser.req('POST', `/api/cases/${c.id}/final-outcome`, { body: { outcome: 'removal', decision_date: '2026-11-22' } });
  assertStatus(r, 201);
  assert.equal(r.json.due, '2026-12-02', 'Mon 23 Nov + 7 working days');
  assert.equal(r.json.outcome.mi_run, '2026-11-23');
  assert.equal(r.json.outcome.late, false, 'raised on 2 Dec, the last day');
});

// ---- overdue ---------------------------------------------------------------------------------------

async function hoRecount() {
  const alertsOver = await total(hoUser, '/api/alerts?overdue=1');
  const queriesOver = await total(hoUser, '/api/queries?overdue=1');
  const alertsToday = await total(hoUser, '/api/alerts?due=today');
  const queriesToday = await total(hoUser, '/api/queries?due=today');
  return { overdue: alertsOver + queriesOver, due_today: alertsToday + queriesToday };
}

test('overdue: due today on the due date, overdue the day after; listed by overdue=1 and counted on the HO home page', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const a = await openAlert(hoUser, c.id, 'new_case');
  assert.equal(a.due, '2026-12-09');
  const nfc = c.council.id;

  at('2026-12-09T10:00:00Z');
  let x = await openAlert(hoUser, c.id, 'new_case', 'on the due date');
  assert.equal(x.overdue, false, 'due today is not overdue');
  assert.ok(ids(await alertList(hoUser, 'due=today')).includes(a.id), 'listed by due=today');
  assert.ok(!ids(await alertList(hoUser, 'overdue=1')).includes(a.id), 'not listed by overdue=1');
  let h = await home(hoUser);
  let rc = await hoRecount();
  assert.equal(h.counters.due_today, rc.due_today, `HO due_today = recount ${JSON.stringify(h)}`);
  assert.equal(h.counters.overdue, rc.overdue, 'HO overdue = recount');
  assert.ok(h.counters.due_today >= 1);
  const row9 = h.by_council.find((b) => b.council.id === nfc);
  assert.ok(row9 && row9.due_today >= 1, `by_council lists NFC with something due today: ${JSON.stringify(h.by_council)}`);

  at('2026-12-10T10:00:00Z');
  x = await openAlert(hoUser, c.id, 'new_case', 'the day after');
  assert.equal(x.overdue, true, 'overdue the day after the due date');
  const over = await alertList(hoUser, 'overdue=1');
  assert.ok(ids(over).includes(a.id), 'listed by overdue=1');
  assert.ok(over.every((y) => y.overdue && y.open && y.due < '2026-12-10'), 'overdue=1 lists only open alerts due before today');
  assert.ok(ids(await alertList(hoUser, `overdue=1&council=${nfc}`)).includes(a.id), 'council filter keeps it');
  const ebc = (await actor(stack.base, 'ebc.user')).user.org.id;
  assert.ok(!ids(await alertList(hoUser, `overdue=1&council=${ebc}`)).includes(a.id), 'another council filter drops it');
  assert.ok(!ids(await alertList(hoUser, 'due=today')).includes(a.id), 'no longer due today');
  h = await home(hoUser);
  rc = await hoRecount();
  assert.equal(h.side, 'ho');
  assert.equal(h.counters.overdue, rc.overdue, `HO overdue = recount: ${JSON.stringify(h.counters)} vs ${JSON.stringify(rc)}`);
  assert.equal(h.counters.due_today, rc.due_today, 'HO due_today = recount');
  assert.ok(h.counters.overdue >= 1);
  const row = h.by_council.find((b) => b.council.id === nfc);
  assert.ok(row && row.overdue >= 1, `by_council lists NFC as overdue: ${JSON.stringify(h.by_council)}`);
  const nfcOver = (await alertList(hoUser, `overdue=1&council=${nfc}`)).length + (await total(hoUser, `/api/queries?overdue=1&council=${nfc}`));
  assert.equal(row.overdue, nfcOver, 'by_council overdue = that council\'s overdue alerts and queries');

  await putImmigration(hoUser, c.id, { status: 'no_current_permission' }, 'late status check');
  const [done] = await alertsOfType(hoUser, c.id, 'new_case');
  assert.equal(done.open, false);
  assert.equal(done.overdue, false, 'a cleared alert is not overdue');
  assert.ok(!ids(await alertList(hoUser, 'overdue=1')).includes(a.id));
  const h2 = await home(hoUser);
  assert.equal(h2.counters.overdue, h.counters.overdue - 1, 'clearing it takes one off the overdue count');
});

test('overdue follows the UK date: at 23:30 UTC in British Summer Time it is already the next day', async () => {
  at('2027-04-01T10:00:00Z');
  const c = await createCase(nfcUser);
  const a = await openAlert(hoUser, c.id, 'new_case');
  assert.equal(a.due, '2027-04-08', 'Thu 1 Apr 2027: Fri 2, Mon 5 .. Thu 8');
  at('2027-04-08T22:30:00Z'); // 23:30 BST on Thu 8 April
  let x = await openAlert(hoUser, c.id, 'new_case', '23:30 BST on the due date');
  assert.equal(x.overdue, false, 'still the due date in the UK');
  assert.ok(ids(await alertList(hoUser, 'due=today')).includes(a.id), 'due today in the UK');
  at('2027-04-08T23:30:00Z'); // 00:30 BST on Fri 9 April
  x = await openAlert(hoUser, c.id, 'new_case', '00:30 BST the day after');
  assert.equal(x.overdue, true, 'the UK date is 9 April: overdue');
  assert.ok(ids(await alertList(hoUser, 'overdue=1')).includes(a.id));
});

test('GET /api/alerts?state=all lists cleared alerts too (newest first); state=open, the default, only open ones', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const a = await openAlert(hoUser, c.id, 'new_case');
  await putImmigration(hoUser, c.id, { status: 'no_current_permission' });
  const iu = await openAlert(nfcUser, c.id, 'immigration_update');
  await accept(nfcUser, iu.id);
  assert.ok(!ids(await alertList(hoUser, 'type=new_case')).includes(a.id), 'default: open only');
  assert.ok(!ids(await alertList(hoUser, 'type=new_case&state=open')).includes(a.id), 'state=open');
  const all = await alertList(hoUser, 'type=new_case&state=all');
  const got = all.find((x) => x.id === a.id);
  assert.ok(got, 'state=all lists the cleared new_case');
  assert.equal(got.cleared_how, 'status_check');
  const councilAll = await alertList(nfcUser, 'state=all');
  assert.ok(ids(councilAll).includes(iu.id), 'the council\'s state=all lists its accepted alert');
  assert.ok(councilAll.every((x) => x.to === 'council'), 'still only its side');
  for (let i = 1; i < all.length; i += 1) assert.ok(all[i - 1].id > all[i].id, 'newest first (ids grow with time; the tests move the clock back and forth)');
});

test('GET /api/alerts pages with limit and cursor: the same items as one page, none twice, total on every page', async () => {
  at('2026-12-02T10:00:00Z');
  for (let i = 0; i < 3; i += 1) await createCase(nfcAdmin);
  const one = await alertList(hoUser, 'state=open');
  assert.ok(one.length >= 5, `enough alerts to page: ${one.length}`);
  const { items, pages, totals } = await listAll(hoUser, '/api/alerts', 2);
  assert.ok(pages >= 3, 'several pages');
  assert.deepEqual(ids(items), ids(one), 'same items in the same order');
  assert.ok(totals.every((t) => t === one.length), 'total on every page');
});

test('a new case alert cannot be accepted (422): only the status check or an HO query clears it', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const a = await openAlert(hoUser, c.id, 'new_case');
  const r = await hoUser.req('POST', `/api/alerts/${a.id}/accept`);
  assertError(r, 422, 'validation_failed', null, 'accept new_case');
  assert.match(r.json.error.message, /status check|query/);
  assert.equal((await openAlert(hoUser, c.id, 'new_case', 'after the refused accept')).id, a.id, 'still open');
});

test('the HO saving the immigration page unchanged is still its status check: the new case alert clears', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const a = await openAlert(hoUser, c.id, 'new_case');
  const page = (await hoUser.req('GET', `/api/cases/${c.id}`)).json.immigration;
  const body = Object.fromEntries(Object.entries(page).filter(([k, v]) => v !== null && !['updated_at', 'updated_by'].includes(k)));
  await putImmigration(hoUser, c.id, body, 'the same page again');
  const [n] = await alertsOfType(hoUser, c.id, 'new_case');
  assert.equal(n.id, a.id);
  assert.equal(n.open, false);
  assert.equal(n.cleared_how, 'status_check');
  assert.deepEqual(await alertsOfType(nfcUser, c.id, 'immigration_update'), [], 'nothing changed: no immigration update');
});

test('a final outcome raised late is flagged on the alert but never counts as overdue for the council', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const before_ = (await home(nfcUser)).counters;
  await miRun(hoAdmin, '2026-10-01');
  const r = await hoUser.req('POST', `/api/cases/${c.id}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: '2026-10-01' } });
  assertStatus(r, 201, 'final outcome');
  assert.equal(r.json.outcome.late, true);
  assert.equal(r.json.overdue, false, 'the council owes nothing by that date');
  const after_ = (await home(nfcUser)).counters;
  assert.equal(after_.final_outcome, before_.final_outcome + 1);
  assert.equal(after_.overdue, before_.overdue, 'council overdue unchanged');
  assert.equal(after_.due_today, before_.due_today);
  assert.ok(!ids(await alertList(nfcUser, 'overdue=1')).includes(r.json.id), 'not in the overdue list');
});
