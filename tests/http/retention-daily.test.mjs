// The daily destruction run inside connectd (its mail sender process), on the test clock: a case
// that falls due on day D is destroyed once the clock passes 02:00 UK time on D, with its
// destruction record and `case_destroyed` audit event; the run happens once a UK day, so a connectd
// restarted on the same data folder later that day does not run again (a case closed meanwhile
// waits), not before 02:00 the next day either, and after 02:00 the next day it runs again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import { createCaseAt, person } from '../lib/cases.mjs';

let stack; let dataDir;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ymd = (d) => d.toISOString().slice(0, 10);
/** Today (UTC) minus `years` calendar years plus `days` days. */
function yearsAgoPlus(years, days) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return ymd(d);
}
/** The test clock offset that puts the server at `iso` now. */
const offsetFor = (iso) => Math.trunc(Date.parse(iso) / 1000 - Date.now() / 1000);
/** A UTC instant on `day` that is HH:30 UK time or an hour later (GMT or BST): same UK day either way. */
const at = (day, utcHour) => `${day}T${String(utcHour).padStart(2, '0')}:30:00Z`;
const nextDay = (day) => ymd(new Date(Date.parse(`${day}T12:00:00Z`) + 86400000));
const ctl = (args) => spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', dataDir, ...args],
  { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
const log = () => { try { return readFileSync(join(dataDir, 'log', 'connectd.log'), 'utf8'); } catch { return ''; } };

before(async () => {
  stack = await startStack({ clock: true, keep: true });
  dataDir = stack.data;
});
after(async () => { await stack?.stop(); if (dataDir) rmSync(dataDir, { recursive: true, force: true }); });

async function closedCase(user, closureDate) {
  // Referred on the closure day (a closure may not come before the referral), on the test clock.
  const offset = Number(readFileSync(stack.clockFile, 'utf8').trim()) || 0;
  const c = await createCaseAt(stack, 'nfc.user', `${closureDate}T09:00:00Z`, { principal: person() }, offset);
  assertStatus(await user.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: closureDate, reason: 'left_area' } }), 200, 'close');
  return c;
}

/** Polls GET /api/destructions until a record for the case appears (the sender polls every second). */
async function waitForRecord(admin, caseId, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await admin.req('GET', '/api/destructions');
    assertStatus(r, 200, 'destructions');
    const rec = r.json.items.find((i) => i.connect_id === `C${caseId}`);
    if (rec) return rec;
    if (Date.now() > deadline) throw new Error(`no destruction record for C${caseId} after ${ms} ms\n${log().slice(-2000)}`);
    await sleep(250);
  }
}

const auditHas = (caseId, run) => ctl(['audit', 'tail', '200']).stdout.split('\n')
  .some((l) => l.includes('"case_destroyed"') && l.includes(`"target":${caseId}`) && l.includes(`"run":"${run}"`));

test('the daily run destroys what is due after 02:00 UK time, once a day, across a restart', async () => {
  let user = await signIn(stack.base, 'nfc.user');
  // Due in two days' time (the start-up may already have run for today).
  const first = await closedCase(user, yearsAgoPlus(6, 2));
  const view = await user.req('GET', `/api/cases/${first.id}`);
  const D = view.json.retention.destroy_on;
  assert.ok(D > ymd(new Date()), `due after today (${D})`);

  // Before 02:00 UK on D: not yet.
  stack.setClockOffset(offsetFor(at(D, 0)));
  await sleep(2500);
  user = await signIn(stack.base, 'nfc.user');
  assertStatus(await user.req('GET', `/api/cases/${first.id}`), 200, 'not destroyed before 02:00');

  // After 02:00 UK on D: destroyed by the sender's loop, with its record and audit event.
  stack.setClockOffset(offsetFor(at(D, 2)));
  let admin = await signIn(stack.base, 'nfc.admin');
  const rec = await waitForRecord(admin, first.id);
  assert.equal(rec.run_id, `daily-${D}`);
  assert.equal(rec.destroy_on, D);
  assert.equal(rec.policy_years, 6);
  user = await signIn(stack.base, 'nfc.user');
  assertError(await user.req('GET', `/api/cases/${first.id}`), 404, 'not_found');
  assert.ok(auditHas(first.id, `daily-${D}`), 'case_destroyed audit event');
  assert.match(log(), /daily retention run: [1-9]\d* case\(s\) destroyed/);
  // It destroyed something, so the sender asked the master for a compaction (store_compact.h): the
  // workers were stopped and started again around it, and a session from before still works.
  for (let i = 0; i < 100 && !/store compacted from \d+ to \d+ bytes/.test(log()); i += 1) await sleep(100);
  assert.match(log(), /connectd: compacting the store[^]*connectd: store compacted from \d+ to \d+ bytes/);
  assertStatus(await admin.req('GET', '/api/destructions'), 200, 'a session from before the compaction');

  // A case closed later on D (already due) waits for the next day's run, even across a restart.
  const second = await closedCase(user, yearsAgoPlus(6, -1));
  assert.ok((await user.req('GET', `/api/cases/${second.id}`)).json.retention.destroy_on <= D, 'already due');
  await stack.stop();
  const runsBefore = (log().match(/daily retention run:/g) || []).length;
  stack = await startStack({ data: dataDir, keep: true, clock: offsetFor(at(D, 3)) });
  await sleep(3000); // three polls of the restarted sender
  user = await signIn(stack.base, 'nfc.user');
  assertStatus(await user.req('GET', `/api/cases/${second.id}`), 200, 'no second run on D after a restart');
  assert.equal((log().match(/daily retention run:/g) || []).length, runsBefore, 'the restarted sender did not run on D');

  // D+1 before 02:00 UK: still not; after 02:00: the second case goes.
  const D1 = nextDay(D);
  stack.setClockOffset(offsetFor(at(D1, 0)));
  await sleep(2500);
  user = await signIn(stack.base, 'nfc.user');
  assertStatus(await user.req('GET', `/api/cases/${second.id}`), 200, 'not before 02:00 on D+1');
  stack.setClockOffset(offsetFor(at(D1, 2)));
  admin = await signIn(stack.base, 'nfc.admin');
  const rec2 = await waitForRecord(admin, second.id);
  assert.equal(rec2.run_id, `daily-${D1}`);
  user = await signIn(stack.base, 'nfc.user');
  assertError(await user.req('GET', `/api/cases/${second.id}`), 404, 'not_found');
  assert.ok(auditHas(second.id, `daily-${D1}`), 'case_destroyed audit event of D+1');
  const all = (await admin.req('GET', '/api/destructions')).json.items;
  assert.equal(all.filter((i) => i.connect_id === `C${first.id}`).length, 1, 'destroyed once');

  const check = ctl(['check']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
});
