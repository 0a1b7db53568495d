// Each closure counts in its own period (issue 15 item 2): a case closed in March, reopened in April
// and closed again in May counts one closure in March and one in May — in the performance figures
// (closures, closures by reason, and "open referral" while it was closed) and in the resolution
// report (a row for the earlier closure) — on the test clock. The facts row keeps the case's earlier
// closures (store/store_facts.h, facts_version 3) and `connectctl check` still agrees with the records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertStatus, signIn } from '../lib/http.mjs';
import { createCaseAt } from '../lib/cases.mjs';
import { getReport, parseCsv } from '../lib/reports.mjs';

let stack; let dataDir;
const offsetFor = (iso) => Math.trunc(Date.parse(iso) / 1000 - Date.now() / 1000);
const ctl = (args) => spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', dataDir, ...args],
  { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });

before(async () => {
  stack = await startStack({ clock: true, keep: true });
  dataDir = stack.data;
});
after(async () => { await stack?.stop(); if (dataDir) rmSync(dataDir, { recursive: true, force: true }); });

/** Signs in as `username` with the server's clock at noon UTC on `day` (a token from then). */
async function at(day, username) {
  stack.setClockOffset(offsetFor(`${day}T12:00:00Z`));
  return signIn(stack.base, username);
}

test('a case closed in March, reopened and closed in May counts one closure in each month', async () => {
  // A team of its own, so the figures count this case only (the demo's cases have other teams).
  const TEAM = `Reclosure ${process.pid}`;
  const kase = await createCaseAt(stack, 'nfc.user', '2026-03-02T12:00:00Z', { team: TEAM });
  let user = await at('2026-03-10', 'nfc.user');
  assertStatus(await user.req('POST', `/api/cases/${kase.id}/closure`, { body: { closure_date: '2026-03-10', reason: 'left_area' } }), 200, 'close in March');
  user = await at('2026-04-02', 'nfc.user');
  assertStatus(await user.req('DELETE', `/api/cases/${kase.id}/closure`), 200, 'reopen in April');
  user = await at('2026-05-12', 'nfc.user');
  assertStatus(await user.req('POST', `/api/cases/${kase.id}/closure`, { body: { closure_date: '2026-05-12', reason: 'leave_granted_nrpf' } }), 200, 'close in May');
  stack.setClockOffset(0);
  user = await signIn(stack.base, 'nfc.user');
  const admin = await signIn(stack.base, 'nfc.admin');

  const perf = async (from, to) => {
    const r = await user.req('GET', `/api/reports/performance?from=${from}&to=${to}&team=${encodeURIComponent(TEAM)}`);
    assertStatus(r, 200, `${from}..${to}`);
    const reasons = Object.fromEntries(r.json.closures_by_reason.filter((x) => x.count).map((x) => [x.reason, x.count]));
    return { ...r.json.figures, reasons };
  };
  const march = await perf('2026-03-01', '2026-03-31');
  assert.equal(march.closures, 1, 'March counts the earlier closure');
  assert.deepEqual(march.reasons, { left_area: 1 });
  assert.equal(march.open_referral, 0, 'closed on 31 March');
  const april = await perf('2026-04-01', '2026-04-30');
  assert.equal(april.closures, 0);
  assert.equal(april.open_referral, 1, 'reopened on 2 April: an open referral on 30 April');
  const may = await perf('2026-05-01', '2026-05-31');
  assert.equal(may.closures, 1, 'May counts the closure of now');
  assert.deepEqual(may.reasons, { leave_granted_nrpf: 1 });
  assert.equal(may.open_referral, 0);
  const spring = await perf('2026-03-01', '2026-05-31');
  assert.equal(spring.closures, 2, 'both closures in a period covering both');
  assert.deepEqual(spring.reasons, { left_area: 1, leave_granted_nrpf: 1 });
  assert.equal(spring.referrals, 1, 'still one case referred');

  // The resolution report: March has the earlier closure as a row of its own; May the closure of now.
  const rows = async (from, to) => {
    const r = await getReport(admin, `/api/reports/resolution?from=${from}&to=${to}&format=csv`);
    assert.equal(r.status, 200, r.text);
    const [head, ...body] = parseCsv(r.bytes, `resolution ${from}`).rows;
    const col = (name) => head.indexOf(name);
    return body.filter((row) => row[col('Connect ID')] === `C${kase.id}`)
      .map((row) => [row[col('Status')], row[col('Closure date')], row[col('Closure reason')], row[col('Days to resolution')]]);
  };
  assert.deepEqual(await rows('2026-03-01', '2026-03-31'), [
    ['Closed, since reopened', '2026-03-10', 'Left the area', '8'],
    ['Closed', '2026-05-12', 'Leave granted with NRPF condition', '71'],
  ], 'March: the earlier closure, and the case as it is now (open in March, closed on or after its start)');
  assert.deepEqual(await rows('2026-05-01', '2026-05-31'), [['Closed', '2026-05-12', 'Leave granted with NRPF condition', '71']]);
  assert.deepEqual(await rows('2026-06-01', '2026-06-30'), [], 'closed before June');

  const check = ctl(['check']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
});
