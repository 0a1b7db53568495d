// The case lifecycle without loose ends (fcgi/API.md "Closing and reopening"): closing resolves each
// alert type as the table says and closes the open queries with a system message; a closed case
// refuses new queries, replies and page changes with 422 case_closed, but takes the HO's final
// outcome and the acceptance of its case closed alert; reopening raises case_reopened (5 working
// days) and resolves the closure's case_closed alert; the daily check raises support_ended when the
// support end date has passed, cleared by closing or moving the date; the HO sees the national
// 1,000-day count. `connectctl check` agrees after each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { createCase, dependant } from '../lib/cases.mjs';
import {
  accept, actor, addDays, addWorkingDays, alertsOfType, assertQuery, caseAlerts, home, openAlert, openQuery, putImmigration, sendMessage, setNow,
} from '../lib/alerts.mjs';

let stack; let nfc; let ho;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  nfc = await actor(stack.base, 'nfc.user');
  ho = await actor(stack.base, 'ho.user');
});
after(async () => { await stack?.stop(); });

const at = (iso) => setNow(stack, iso);
const ctlCheck = (what) => {
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `connectctl check after ${what}: ${r.stdout}\n${r.stderr}`);
};
const close = (c, date = '2026-12-02') => nfc.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: date, reason: 'left_area' } });
const byType = (alerts) => Object.fromEntries(alerts.map((a) => [a.type, a]));

test('closing resolves new_case, council_update, immigration_update, closure_required; keeps final_outcome and case_closed', async () => {
  at('2026-12-02T10:00:00Z');
  // A: never checked by the HO (new_case open).
  const a = await createCase(nfc);
  // B: checked with recourse (immigration_update, closure_required), then a council change (council_update) and a final outcome.
  const b = await createCase(nfc);
  await putImmigration(ho, b.id, { status: 'ltr_recourse', recourse_to_public_funds: true }, 'HO check with recourse');
  assertStatus(await nfc.req('PUT', `/api/cases/${b.id}`, { body: { address: '2 Moved Street' } }), 200, 'detail change');
  assertStatus(await nfc.req('POST', `/api/cases/${b.id}/dependants`, { body: dependant() }), 201, 'dependant');
  assertStatus(await ho.req('POST', `/api/cases/${b.id}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: '2026-12-01' } }), 201, 'final outcome');
  const hoBefore = (await home(ho)).counters;
  const open = byType((await caseAlerts(nfc, b.id)).filter((x) => x.open));
  for (const t of ['immigration_update', 'closure_required', 'council_update', 'final_outcome']) assert.ok(open[t], `B has ${t} open: ${JSON.stringify(Object.keys(open))}`);

  at('2026-12-03T10:00:00Z');
  assertStatus(await close(a), 200, 'close A');
  assertStatus(await close(b), 200, 'close B');
  const na = byType(await caseAlerts(nfc, a.id));
  assert.equal(na.new_case.open, false, 'new_case resolved');
  assert.equal(na.new_case.cleared_how, 'case_closed');
  assert.equal(na.case_closed.open, true, 'the closure raises case_closed');
  const all = await caseAlerts(nfc, b.id);
  for (const t of ['immigration_update', 'closure_required', 'council_update']) {
    const x = all.find((y) => y.type === t);
    assert.equal(x.open, false, `${t} resolved by closing`);
    assert.equal(x.cleared_how, 'case_closed', `${t} cleared_how`);
    assert.ok(x.cleared_at.startsWith('2026-12-03'), `${t} cleared_at`);
  }
  assert.equal(all.find((y) => y.type === 'final_outcome').open, true, 'final_outcome kept: the council still accepts it');
  assert.equal(all.find((y) => y.type === 'case_closed').open, true, 'case_closed kept for the HO');
  const hoAfter = (await home(ho)).counters;
  assert.equal(hoAfter.new_case, hoBefore.new_case - 1, 'HO new case count follows');
  assert.equal(hoAfter.council_update, hoBefore.council_update - 1, 'HO council update count follows');
  assert.equal(hoAfter.case_closed, hoBefore.case_closed + 2, 'two case closed alerts');
  // What the SLA still expects after closure passes: the council accepts the final outcome, the HO the closure.
  await accept(nfc, all.find((y) => y.type === 'final_outcome').id, 'final outcome accepted on a closed case');
  await accept(ho, all.find((y) => y.type === 'case_closed').id, 'case closed accepted');
  ctlCheck('closing with every alert type');
});

test('closing closes open queries with a system message; a closed case refuses new queries, replies and page changes with 422 case_closed', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfc);
  await putImmigration(ho, c.id, { status: 'asylum_claim_recorded' }, 'HO check');
  const q1 = await openQuery(nfc, c.id, { category: 'other', message: 'Council asks.' });
  const q2 = await openQuery(ho, c.id, { category: 'status_discrepancy', message: 'HO asks.' });
  const hoBefore = (await home(ho)).counters.queries_awaiting_ho;
  at('2026-12-22T10:00:00Z'); // both queries overdue now
  const overdueBefore = (await home(ho)).counters.overdue;
  assertStatus(await close(c, '2026-12-21'), 200, 'close');
  for (const q of [q1, q2]) {
    const r = await nfc.req('GET', `/api/queries/${q.id}`);
    assertStatus(r, 200);
    assertQuery(r.json, 'closed by the closure');
    assert.equal(r.json.status, 'closed');
    assert.equal(r.json.awaiting, null);
    const last = r.json.messages.at(-1);
    assert.equal(last.side, 'system');
    assert.equal(last.by, null);
    assert.match(last.text, /case was closed/);
  }
  const h = (await home(ho)).counters;
  assert.equal(h.queries_awaiting_ho, hoBefore - 1, 'the council query no longer awaits the HO');
  assert.equal(h.overdue, overdueBefore - 1, 'nor counts in the HO overdue figures');
  assertError(await nfc.req('POST', `/api/cases/${c.id}/queries`, { body: { category: 'other', message: 'More?' } }), 422, 'case_closed', undefined, 'council query');
  assertError(await ho.req('POST', `/api/cases/${c.id}/queries`, { body: { category: 'other', message: 'More?' } }), 422, 'case_closed', undefined, 'HO query');
  assertError(await ho.req('POST', `/api/queries/${q1.id}/messages`, { body: { message: 'Reply' } }), 422, 'case_closed', undefined, 'reply');
  assertError(await nfc.req('PUT', `/api/cases/${c.id}`, { body: { address: 'Elsewhere' } }), 422, 'case_closed', undefined, 'details');
  assertError(await nfc.req('PUT', `/api/cases/${c.id}/finance`, { body: { support_start_date: '2026-11-01' } }), 422, 'case_closed', undefined, 'finance');
  assertError(await ho.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'ltr_recourse' } }), 422, 'case_closed', undefined, 'immigration');
  ctlCheck('queries closed with the case');
  // Reopened, it takes queries again.
  assertStatus(await nfc.req('DELETE', `/api/cases/${c.id}/closure`), 200, 'reopen');
  const q3 = await openQuery(nfc, c.id, { category: 'other', message: 'Back again.' });
  await sendMessage(ho, q3.id, 'Answer');
});

test('reopening raises case_reopened to the HO, due 5 working days, and resolves the closure\'s case_closed; closing again resolves case_reopened', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfc);
  assertStatus(await close(c), 200, 'close');
  const closed = await openAlert(ho, c.id, 'case_closed');
  at('2026-12-18T10:00:00Z'); // Friday: 5 working days later is Tue 29 Dec (Christmas and Boxing Day)
  assertStatus(await nfc.req('DELETE', `/api/cases/${c.id}/closure`), 200, 'reopen');
  const cc = (await alertsOfType(ho, c.id, 'case_closed')).find((x) => x.id === closed.id);
  assert.equal(cc.open, false);
  assert.equal(cc.cleared_how, 'case_reopened');
  const r = await openAlert(ho, c.id, 'case_reopened');
  assert.equal(r.to, 'ho');
  assert.equal(r.due, addWorkingDays('2026-12-18', 5));
  assert.equal(r.due, '2026-12-29');
  ctlCheck('reopen');
  assertStatus(await close(c, '2026-12-18'), 200, 'close again');
  const again = (await alertsOfType(ho, c.id, 'case_reopened')).find((x) => x.id === r.id);
  assert.equal(again.open, false);
  assert.equal(again.cleared_how, 'case_closed');
  assertStatus(await nfc.req('DELETE', `/api/cases/${c.id}/closure`), 200, 'reopen again');
  await accept(ho, (await openAlert(ho, c.id, 'case_reopened')).id, 'HO accepts the reopening');
  ctlCheck('reopen twice');
});

/** Waits until the mail sender's daily check has raised (or not) the alert. */
async function waitAlert(c, type, want) {
  for (let i = 0; i < 60; i++) {
    const open = (await alertsOfType(nfc, c.id, type)).filter((x) => x.open);
    if (want ? open.length : true) return open;
    await new Promise((res) => setTimeout(res, 250));
  }
  return [];
}

test('support_ended: the daily check raises it when the end date has passed; closing or moving the end date clears it', async () => {
  at('2027-01-04T09:00:00Z');
  const fin = (end) => ({ support_start_date: '2026-10-01', support_end_date: end, weekly_subsistence_pence: 5000 });
  const a = await createCase(nfc); const b = await createCase(nfc); const later = await createCase(nfc);
  assertStatus(await nfc.req('PUT', `/api/cases/${a.id}/finance`, { body: fin('2027-01-05') }), 200);
  assertStatus(await nfc.req('PUT', `/api/cases/${b.id}/finance`, { body: fin('2027-01-05') }), 200);
  assertStatus(await nfc.req('PUT', `/api/cases/${later.id}/finance`, { body: fin('2027-02-01') }), 200);
  // The end date is the last day of support: nothing on it.
  at('2027-01-05T12:00:00Z');
  await new Promise((res) => setTimeout(res, 2500));
  assert.deepEqual(await alertsOfType(nfc, a.id, 'support_ended'), [], 'not on the end date itself');
  // The next UK day: the check raises it for A and B, not for the later case.
  at('2027-01-06T08:00:00Z');
  const [sa] = await waitAlert(a, 'support_ended', true);
  assert.ok(sa, 'raised by the daily check');
  assert.equal(sa.to, 'council');
  assert.equal(sa.raised_by, null, 'raised by Connect itself');
  assert.equal(sa.due, addWorkingDays('2027-01-06', 5));
  assert.equal((await waitAlert(b, 'support_ended', true)).length, 1);
  assert.deepEqual(await alertsOfType(nfc, later.id, 'support_ended'), [], 'end date still ahead');
  const h = (await home(nfc)).counters;
  assert.ok(h.support_ended >= 2, `council home counts it: ${JSON.stringify(h)}`);
  assertError(await nfc.req('POST', `/api/alerts/${sa.id}/accept`), 422, 'validation_failed', undefined, 'not accepted: closing or a new end date clears it');
  ctlCheck('support_ended raised');
  // The check runs once a day: a second pass the same day raises nothing new.
  await new Promise((res) => setTimeout(res, 2000));
  assert.equal((await alertsOfType(nfc, a.id, 'support_ended')).length, 1, 'once per day');
  // Moving the end date clears it (A); closing clears it (B).
  assertStatus(await nfc.req('PUT', `/api/cases/${a.id}/finance`, { body: fin('2027-03-01') }), 200, 'new end date');
  const ca = (await alertsOfType(nfc, a.id, 'support_ended'))[0];
  assert.equal(ca.open, false);
  assert.equal(ca.cleared_how, 'end_date_changed');
  assertStatus(await close(b, '2027-01-05'), 200, 'close B');
  const cb = (await alertsOfType(nfc, b.id, 'support_ended'))[0];
  assert.equal(cb.open, false);
  assert.equal(cb.cleared_how, 'case_closed');
  ctlCheck('support_ended cleared');
  // The next day: A's new date is ahead, B is closed: nothing is raised again.
  at('2027-01-07T08:00:00Z');
  await new Promise((res) => setTimeout(res, 2500));
  assert.equal((await alertsOfType(nfc, a.id, 'support_ended')).filter((x) => x.open).length, 0);
  assert.equal((await alertsOfType(nfc, b.id, 'support_ended')).filter((x) => x.open).length, 0);
});

test('the HO home page shows the national 1,000-day count', async () => {
  at('2027-01-08T10:00:00Z');
  const before = (await home(ho)).counters.thousand_day;
  assert.ok(Number.isInteger(before));
  const c = await createCase(nfc);
  assertStatus(await nfc.req('PUT', `/api/cases/${c.id}/finance`, { body: { support_start_date: addDays('2027-01-08', -1000), weekly_subsistence_pence: 100 } }), 200);
  assert.equal((await home(ho)).counters.thousand_day, before + 1, 'one more 1,000-day case');
  assertStatus(await close(c, '2027-01-08'), 200);
  assert.equal((await home(ho)).counters.thousand_day, before, 'closed: no longer counted');
  ctlCheck('thousand_day');
});
