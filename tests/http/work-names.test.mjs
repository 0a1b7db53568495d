// Alerts and queries name the person and say how late they are (issue 16, items 1 and 4): every ALERT
// and QUERY carries the principal applicant's name and date of birth (for those who may see the case),
// an overdue item says how many working days overdue it is, and an immigration update carries each
// changed field as old -> new.
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
