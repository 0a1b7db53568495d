// The final outcome clock (fcgi/API.md "MI report runs"): due 7 working days after the first weekly MI
// report run on or after the decision date. An HO admin records each run; before one is recorded the
// alert says so (due null, awaiting_mi_run), and recording it sets the due date of every final outcome
// it covers, in the same write. On the test clock; `connectctl check` clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { actor, addWorkingDays, assertAlert, caseAlerts, setNow } from '../lib/alerts.mjs';

let stack; let nfc; let nfcAdmin; let ho; let hoAdmin;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  nfc = await actor(stack.base, 'nfc.user');
  nfcAdmin = await actor(stack.base, 'nfc.admin');
  ho = await actor(stack.base, 'ho.user');
  hoAdmin = await actor(stack.base, 'ho.admin');
});
after(async () => { await stack?.stop(); });

const ctlCheck = (what) => {
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `connectctl check after ${what}: ${r.stdout}\n${r.stderr}`);
};
const outcome = async (caseId, decided) => {
  const r = await ho.req('POST', `/api/cases/${caseId}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: decided } });
  assertStatus(r, 201, `final outcome decided ${decided}`);
  assertAlert(r.json, 'final_outcome');
  return r.json;
};

test('only an HO admin records and lists runs; one a date, never in the future', async () => {
  for (const who of [ho, nfc, nfcAdmin]) {
    assertError(await who.req('POST', '/api/mi-runs', { body: { date: '2026-11-30' } }), 403, 'forbidden');
    assertError(await who.req('GET', '/api/mi-runs'), 403, 'forbidden');
  }
  assertError(await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-12-03' } }), 422, 'validation_failed', 'date');
  assertError(await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-02-30' } }), 422, 'validation_failed', 'date');
  assertError(await hoAdmin.req('POST', '/api/mi-runs', { body: {} }), 422, 'validation_failed', 'date');
  assertError(await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-11-02', when: 'x' } }), 400, 'invalid_field');
  const r = await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-11-02' } });
  assertStatus(r, 201, 'record');
  assert.equal(r.json.date, '2026-11-02');
  assert.equal(r.json.recorded_by, hoAdmin.user.id);
  assert.equal(r.json.alerts_updated, 0);
  assertError(await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-11-02' } }), 409, 'conflict', 'date');
  assertStatus(await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-11-09' } }), 201, 'second');
  const list = await hoAdmin.req('GET', '/api/mi-runs');
  assertStatus(list, 200, 'list');
  assert.deepEqual(list.json.items.map((x) => x.date), ['2026-11-09', '2026-11-02'], 'newest first');
  ctlCheck('runs');
});

test('a decision before a recorded run: due 7 working days after that run, not after the decision', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const c = await createCase(nfc);
  // Decided Wed 4 Nov: the first run on or after it is Mon 9 Nov (the 2 Nov run is before it).
  const a = await outcome(c.id, '2026-11-04');
  assert.equal(a.awaiting_mi_run, false);
  assert.equal(a.outcome.mi_run, '2026-11-09');
  assert.equal(a.due, addWorkingDays('2026-11-09', 7));
  assert.equal(a.outcome.late, true, 'raised on 2 Dec, long after');
  ctlCheck('due from a run');
});

test('no run yet: due null and awaiting_mi_run; recording the run sets the due date of each alert it covers', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const c = await createCase(nfc);
  const d = await createCase(nfc);
  const a = await outcome(c.id, '2026-11-30');
  assert.equal(a.due, null);
  assert.equal(a.awaiting_mi_run, true);
  assert.equal(a.outcome.mi_run, null);
  assert.equal(a.outcome.late, false, 'no deadline yet, so not late');
  const b = await outcome(d.id, '2026-12-02');
  assert.equal(b.awaiting_mi_run, true);

  // The Monday run covers the 30 Nov decision only (the 2 Dec one is after it).
  const run = await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-11-30' } });
  assertStatus(run, 201, 'run');
  assert.equal(run.json.alerts_updated, 1);
  const a2 = (await caseAlerts(nfc, c.id)).find((x) => x.id === a.id);
  assert.equal(a2.awaiting_mi_run, false);
  assert.equal(a2.due, addWorkingDays('2026-11-30', 7));
  assert.equal(a2.outcome.mi_run, '2026-11-30');
  assert.equal(a2.outcome.late, false, 'raised 2 Dec, before its deadline');
  assert.equal(a2.overdue, false, 'the HO deadline never makes it overdue for the council');
  const b2 = (await caseAlerts(nfc, d.id)).find((x) => x.id === b.id);
  assert.equal(b2.awaiting_mi_run, true);
  assert.equal(b2.due, null);

  // The next run, a week on, covers it; the first alert keeps its date.
  setNow(stack, '2026-12-07T10:00:00Z');
  const next = await hoAdmin.req('POST', '/api/mi-runs', { body: { date: '2026-12-07' } });
  assertStatus(next, 201, 'next run');
  assert.equal(next.json.alerts_updated, 1);
  const b3 = (await caseAlerts(nfc, d.id)).find((x) => x.id === b.id);
  assert.equal(b3.due, addWorkingDays('2026-12-07', 7));
  assert.equal(b3.outcome.mi_run, '2026-12-07');
  assert.equal((await caseAlerts(nfc, c.id)).find((x) => x.id === a.id).due, addWorkingDays('2026-11-30', 7));
  ctlCheck('runs recorded after the alerts');
});
