// The caseworker's day (issue 16), the API side: every ALERT and QUERY names the principal applicant
// (name, date of birth) for those who may see the case, an overdue item says how many working days
// overdue it is, an immigration update carries each changed field as old -> new, My cases can ask for
// open cases only (open=1), and the council never edits the Home Office notes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { createCase } from '../lib/cases.mjs';
import {
  actor, alertList, caseAlerts, immigrationPage, openAlert, openQuery, putImmigration, queryList, setNow,
} from '../lib/alerts.mjs';

let stack; let nfcUser; let hoUser; let ebcUser;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  nfcUser = await actor(stack.base, 'nfc.user');
  hoUser = await actor(stack.base, 'ho.user');
  ebcUser = await actor(stack.base, 'ebc.user');
});
after(async () => { await stack?.stop(); });

const person = { given_names: 'Ada', family_name: 'Okonkwo-Lind', date_of_birth: '1984-05-17', nationality: 'NGA' };

test('an alert and a query name the principal applicant and give their date of birth, on both sides', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { principal: person });
  const [a] = await caseAlerts(nfcUser, c.id);
  assert.deepEqual(a.principal, { name: 'Ada Okonkwo-Lind', date_of_birth: '1984-05-17' });
  const hoItem = (await alertList(hoUser, 'type=new_case')).find((x) => x.case_id === c.id);
  assert.deepEqual(hoItem.principal, { name: 'Ada Okonkwo-Lind', date_of_birth: '1984-05-17' }, 'the HO list names the person');
  const q = await openQuery(nfcUser, c.id, { category: 'other' });
  assert.deepEqual(q.principal, { name: 'Ada Okonkwo-Lind', date_of_birth: '1984-05-17' });
  const listed = (await queryList(hoUser)).find((x) => x.id === q.id);
  assert.deepEqual(listed.principal, q.principal, 'the queries list names the person');
  // Another council never sees the case, so never its name.
  const other = await ebcUser.req('GET', '/api/alerts?state=all&limit=500');
  assert.equal(other.status, 200);
  assert.ok(!JSON.stringify(other.json).includes('Okonkwo-Lind'), 'another council sees no name of this case');
});

test('an overdue item says how many working days overdue it is (weekends and bank holidays not counted)', async () => {
  setNow(stack, '2026-12-02T10:00:00Z'); // Wednesday: a new case alert is due Wed 9 Dec
  const c = await createCase(nfcUser, { principal: { ...person, given_names: 'Bea', family_name: 'Marchetti', date_of_birth: '1990-02-03' } });
  let a = (await alertList(hoUser, 'type=new_case')).find((x) => x.case_id === c.id);
  assert.equal(a.overdue, false);
  assert.equal(a.working_days_overdue, 0, 'not overdue: 0');
  // Tue 15 Dec: Thu 10, Fri 11, Mon 14, Tue 15 = 4 working days after the due date.
  setNow(stack, '2026-12-15T10:00:00Z');
  a = (await alertList(hoUser, 'type=new_case&overdue=1')).find((x) => x.case_id === c.id);
  assert.equal(a.due, '2026-12-09');
  assert.equal(a.overdue, true);
  assert.equal(a.working_days_overdue, 4);
  setNow(stack, '2026-12-02T10:00:00Z');
});

test('an immigration update shows each changed field as old -> new, from where the council last saw it', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { principal: { ...person, given_names: 'Cai', family_name: 'Lindqvist', date_of_birth: '1975-09-30' } });
  await putImmigration(hoUser, c.id, immigrationPage({ status: 'asylum_claim_recorded' }));
  let a = await openAlert(nfcUser, c.id, 'immigration_update', 'first update');
  const status = a.changes.find((x) => x.field === 'status');
  assert.deepEqual(status, { field: 'status', old: 'unknown', new: 'asylum_claim_recorded' });
  // A second change before the council accepts: the old value stays the one the council knew.
  await putImmigration(hoUser, c.id, immigrationPage({ status: 'ltr_nrpf', leave_expiry: '2028-01-31' }));
  a = await openAlert(nfcUser, c.id, 'immigration_update', 'second update');
  assert.deepEqual(a.changes.find((x) => x.field === 'status'), { field: 'status', old: 'unknown', new: 'ltr_nrpf' });
  assert.deepEqual(a.changes.find((x) => x.field === 'leave_expiry'), { field: 'leave_expiry', old: null, new: '2028-01-31' });
  assert.deepEqual(a.changes.map((x) => x.field).sort(), [...a.fields].sort(), 'one change per field named');
});

test('GET /api/cases?open=1 lists open cases only (My cases opens on them), with the caseworker filter too', async () => {
  const all = await nfcUser.req('GET', '/api/cases?limit=500');
  const open = await nfcUser.req('GET', '/api/cases?open=1&limit=500');
  assert.equal(open.status, 200);
  assert.ok(all.json.items.some((c) => c.status === 'closed'), 'the demo council has closed cases');
  assert.ok(open.json.items.length > 0);
  assert.ok(open.json.items.every((c) => c.status !== 'closed'), 'no closed case');
  assert.equal(open.json.total, all.json.items.filter((c) => c.status !== 'closed').length);
  const mine = await nfcUser.req('GET', '/api/cases?open=1&mine=1&limit=500');
  assert.ok(mine.json.items.every((c) => c.status !== 'closed' && c.caseworker && c.caseworker.id === nfcUser.user.id));
  assert.equal(mine.json.total, mine.json.items.length);
  const bad = await nfcUser.req('GET', '/api/cases?open=maybe');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'open');
});

test('the council never edits "Home Office notes": left out they are kept, changed they are refused and nothing changes', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { principal: { ...person, given_names: 'Dee', family_name: 'Abernathy', date_of_birth: '1969-11-11' } });
  await putImmigration(hoUser, c.id, immigrationPage({ status: 'asylum_claim_recorded', ho_notes: 'Claim lodged at the screening unit.' }));
  // Left out: the council's save keeps the notes.
  const body = immigrationPage({ status: 'asylum_claim_recorded', leave_expiry: '2027-03-31' });
  delete body.ho_notes;
  const kept = await putImmigration(nfcUser, c.id, body);
  assert.equal(kept.immigration.ho_notes, 'Claim lodged at the screening unit.');
  assert.equal(kept.immigration.leave_expiry, '2027-03-31');
  // Sent unchanged: fine.
  await putImmigration(nfcUser, c.id, { ...body, ho_notes: 'Claim lodged at the screening unit.' });
  // Changed: 422 on the field, and the page is as it was.
  const r = await nfcUser.req('PUT', `/api/cases/${c.id}/immigration`, { body: { ...body, leave_expiry: '2027-04-30', ho_notes: 'Council wrote this' } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'validation_failed');
  assert.equal(r.json.error.field, 'ho_notes');
  const now = await nfcUser.req('GET', `/api/cases/${c.id}`);
  assert.equal(now.json.immigration.ho_notes, 'Claim lodged at the screening unit.');
  assert.equal(now.json.immigration.leave_expiry, '2027-03-31', 'nothing changed');
  // The Home Office still writes them.
  const ho = await putImmigration(hoUser, c.id, immigrationPage({ status: 'asylum_claim_recorded', ho_notes: 'Interview booked.' }));
  assert.equal(ho.immigration.ho_notes, 'Interview booked.');
});
