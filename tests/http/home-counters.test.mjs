// Home page counters (GET /api/home, council with and without mine=1, and HO) after every kind of change:
// create, allocation, HO status check, accept, query open/reply/close, finance (open_supported), a case
// supported for 1,000 days, closure, reopening, final outcome, and time passing (overdue, 1,000 days).
// After each step the counters must equal both the numbers expected here and a recount from the lists.
// Then `connectctl check` on the stopped store must find every counter equal to its recount, and
// `connectctl calendar import` of a calendar with one more bank holiday must move open due dates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack } from '../lib/stack.mjs';
import { STRONG, assertStatus, createActiveUser, uname } from '../lib/http.mjs';
import { createCase, randomName, uniqueDob } from '../lib/cases.mjs';
import {
  COUNCIL_COUNTERS, HO_COUNTERS, accept, actor, addDays, alertList, caseAlerts, home, ids, openAlert, openQuery, personBody, putImmigration,
  queryList, sendMessage, closeQuery, setNow, total,
} from '../lib/alerts.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');
const ctl = (data, args) => spawnSync(join(BIN, 'connectctl'), ['--data', data, ...args], { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });

let stack; let data; let net; let ho; let hoAdmin; let tfcAdmin; let tfcUser; let council;
const tmp = mkdtempSync(join(tmpdir(), 'connect-home-'));
const TODAY = '2026-12-02';
const NOW = `${TODAY}T10:00:00Z`;

before(async () => {
  stack = await startStack({ clock: true, keep: true });
  data = stack.data;
  setNow(stack, NOW);
  net = await actor(stack.base, 'net.admin');
  ho = await actor(stack.base, 'ho.user');
  hoAdmin = await actor(stack.base, 'ho.admin');
  // A council of its own, so that its counters start at zero.
  const org = await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Testford Borough Council', code: 'TFC' } });
  assertStatus(org, 201, 'create council');
  council = org.json;
  const adminName = uname('tfc.admin');
  const a = await createActiveUser(net, { username: adminName, name: 'Tess Admin', role: 'admin', org: council.id });
  const userName = uname('tfc.user');
  await createActiveUser(a.client, { username: userName, name: 'Theo Worker', role: 'user' });
  tfcAdmin = await actor(stack.base, adminName, STRONG);
  tfcUser = await actor(stack.base, userName, STRONG);
});
after(async () => {
  try { await stack?.stop(); } catch { /* already stopped */ }
  if (!process.env.KEEP_DATA) { rmSync(data, { recursive: true, force: true }); rmSync(tmp, { recursive: true, force: true }); }
});

const at = (iso) => setNow(stack, iso);
/** After a restart (a new port), point every client at the new stack. */
function rebase() { for (const c of [net, ho, hoAdmin, tfcAdmin, tfcUser]) c.base = stack.base; }
const zero = () => Object.fromEntries(COUNCIL_COUNTERS.map((k) => [k, 0]));

/** Recount a council's home counters from the lists (mine: the caller's allocated cases). */
async function councilRecount(c, mine) {
  const m = mine ? '&mine=1' : '';
  return {
    immigration_update: await total(c, `/api/alerts?type=immigration_update${m}`),
    query_responses: await total(c, `/api/queries?bucket=responses${m}`),
    new_ho_queries: await total(c, `/api/queries?bucket=new${m}`),
    closure_required: await total(c, `/api/alerts?type=closure_required${m}`),
    final_outcome: await total(c, `/api/alerts?type=final_outcome${m}`),
    open_referral: await total(c, `/api/cases?status=open_referral${m}`),
    open_supported: await total(c, `/api/cases?status=open_supported${m}`),
    thousand_day: await total(c, `/api/cases?thousand_day=1${m}`),
    support_ended: await total(c, `/api/alerts?type=support_ended${m}`),
    nino_result: await total(c, `/api/alerts?type=nino_result${m}`),
    // Queries awaiting the council and its alerts with a due date (support_ended).
    overdue: await total(c, `/api/queries?overdue=1${m}`) + await total(c, `/api/alerts?overdue=1${m}`),
    due_today: await total(c, `/api/queries?due=today${m}`) + await total(c, `/api/alerts?due=today${m}`),
  };
}

async function hoRecount() {
  return {
    new_case: await total(ho, '/api/alerts?type=new_case'),
    council_update: await total(ho, '/api/alerts?type=council_update'),
    case_closed: await total(ho, '/api/alerts?type=case_closed'),
    case_reopened: await total(ho, '/api/alerts?type=case_reopened'),
    thousand_day: await total(ho, '/api/cases?thousand_day=1'),
    queries_awaiting_ho: await total(ho, '/api/queries?bucket=awaiting_ho'),
    overdue: await total(ho, '/api/alerts?overdue=1') + await total(ho, '/api/queries?overdue=1'),
    due_today: await total(ho, '/api/alerts?due=today') + await total(ho, '/api/queries?due=today'),
  };
}

const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, o[k]]));

// Expected numbers: the council's (all, and the caseworker's own) and the HO's change from its baseline.
const exp = { all: zero(), mine: zero(), ho: { new_case: 0, council_update: 0, case_closed: 0, case_reopened: 0, queries_awaiting_ho: 0 } };
let hoBase;

async function check(step) {
  for (const mine of [false, true]) {
    const h = await home(tfcUser, mine);
    const what = `${step} (council${mine ? ', mine=1' : ''})`;
    assert.equal(h.side, 'council', what);
    assert.equal(h.mine, mine, `${what}: mine flag`);
    const got = pick(h.counters, COUNCIL_COUNTERS);
    const recount = await councilRecount(tfcUser, mine);
    assert.deepEqual(got, recount, `${what}: counters = recount from the lists`);
    assert.deepEqual(got, mine ? exp.mine : exp.all, `${what}: counters = expected`);
  }
  const adm = await home(tfcAdmin, false);
  assert.deepEqual(pick(adm.counters, COUNCIL_COUNTERS), exp.all, `${step}: the council admin sees the same council counters`);
  const h = await home(ho);
  assert.equal(h.side, 'ho', step);
  const got = pick(h.counters, HO_COUNTERS);
  const recount = await hoRecount();
  assert.deepEqual(got, recount, `${step} (HO): counters = recount from the lists`);
  const expected = Object.fromEntries(Object.entries(exp.ho).map(([k, v]) => [k, hoBase[k] + v]));
  assert.deepEqual(pick(got, Object.keys(exp.ho)), expected, `${step} (HO): counters = baseline + expected change`);
  return h;
}

const ctx = {};

test('home counters follow every change, for the council (all and mine=1) and the HO, equal to a recount from the lists', async () => {
  at(NOW);
  hoBase = pick((await home(ho)).counters, HO_COUNTERS);
  const h0 = await check('start');
  assert.deepEqual(pick((await home(tfcUser)).counters, COUNCIL_COUNTERS), zero(), 'a new council starts at zero');
  const uid = tfcUser.user.id;

  // Create (no caseworker): two open referrals, two new_case alerts for the HO.
  at(NOW);
  const A = await createCase(tfcUser); const B = await createCase(tfcAdmin);
  Object.assign(ctx, { A, B });
  exp.all.open_referral = 2; exp.ho.new_case = 2;
  await check('create A and B');

  // Allocation: A becomes the caseworker's.
  assertStatus(await tfcAdmin.req('PUT', `/api/cases/${A.id}/allocation`, { body: { caseworker_id: uid, team: 'Duty' } }), 200, 'allocate A');
  exp.mine.open_referral = 1;
  await check('allocate A');

  // HO status check on A: new_case cleared, immigration_update to the council.
  await putImmigration(ho, A.id, { status: 'asylum_claim_recorded' });
  exp.ho.new_case = 1; exp.all.immigration_update = 1; exp.mine.immigration_update = 1;
  await check('HO status check on A');

  // Reallocation moves the open alert (and the case) between caseworkers' own counters.
  assertStatus(await tfcAdmin.req('PUT', `/api/cases/${A.id}/allocation`, { body: { caseworker_id: tfcAdmin.user.id, team: 'Duty' } }), 200, 'reallocate A to the admin');
  exp.mine.immigration_update = 0; exp.mine.open_referral = 0;
  await check('reallocate A away from the caseworker');
  const moved = await openAlert(tfcUser, A.id, 'immigration_update');
  assert.deepEqual(moved.caseworker, { id: tfcAdmin.user.id, name: 'Tess Admin' }, 'the alert names the new caseworker');
  assert.equal((await home(tfcAdmin, true)).counters.immigration_update, 1, 'now counted for the admin\'s own cases');
  assertStatus(await tfcAdmin.req('PUT', `/api/cases/${A.id}/allocation`, { body: { caseworker_id: null, team: null } }), 200, 'unallocate A');
  assert.equal((await home(tfcAdmin, true)).counters.immigration_update, 0, 'unallocated: nobody\'s');
  await check('A unallocated');
  assertStatus(await tfcAdmin.req('PUT', `/api/cases/${A.id}/allocation`, { body: { caseworker_id: uid, team: 'Duty' } }), 200, 'allocate A back');
  exp.mine.immigration_update = 1; exp.mine.open_referral = 1;
  await check('allocate A back');

  // The council accepts it.
  await accept(tfcUser, (await openAlert(tfcUser, A.id, 'immigration_update')).id);
  exp.all.immigration_update = 0; exp.mine.immigration_update = 0;
  await check('council accepts immigration_update');

  // A council change after the check: council_update; the HO accepts it.
  assertStatus(await tfcUser.req('PUT', `/api/cases/${A.id}/principal`, { body: personBody(A.principal, { other_names: 'Counter Test' }) }), 200);
  exp.ho.council_update = 1;
  await check('council changes the principal of A');
  await accept(hoAdmin, (await openAlert(ho, A.id, 'council_update')).id);
  exp.ho.council_update = 0;
  await check('HO accepts council_update');

  // A council query on B: awaiting the HO (it does not clear B's new_case).
  const qB = await openQuery(tfcAdmin, B.id, { category: 'status_discrepancy', message: 'Status?' });
  exp.ho.queries_awaiting_ho = 1;
  await check('council opens a query on B');
  await sendMessage(ho, qB.id, 'Answered.');
  exp.ho.queries_awaiting_ho = 0; exp.all.query_responses = 1;
  await check('HO answers it');

  // A new case allocated at creation; an HO query on it clears its new_case and is new for the council.
  const C = await createCase(tfcUser, { caseworker_id: uid });
  ctx.C = C;
  exp.all.open_referral = 3; exp.mine.open_referral = 2; exp.ho.new_case = 2;
  await check('create C allocated to the caseworker');
  const qC = await openQuery(ho, C.id, { category: 'other', message: 'Passport please.' });
  exp.ho.new_case = 1; exp.all.new_ho_queries = 1; exp.mine.new_ho_queries = 1;
  await check('HO opens a query on C');
  await sendMessage(tfcUser, qC.id, 'Attached.');
  exp.all.new_ho_queries = 0; exp.mine.new_ho_queries = 0; exp.ho.queries_awaiting_ho = 1;
  await check('council replies on C');
  await closeQuery(tfcAdmin, qB.id);
  exp.all.query_responses = 0;
  await check('council closes the query on B');
  await closeQuery(ho, qC.id);
  exp.ho.queries_awaiting_ho = 0;
  await check('HO closes the query on C');

  // Finance: open referral → open supported; 1,000 days of support counts, 999 does not.
  const fin = (start) => ({ support_start_date: start, weekly_subsistence_pence: 5000, accommodation_type: 'hostel', weekly_accommodation_pence: 9000, other_costs: [] });
  assertStatus(await tfcUser.req('PUT', `/api/cases/${A.id}/finance`, { body: fin('2026-11-01') }), 200, 'finance A');
  exp.all.open_referral = 2; exp.all.open_supported = 1; exp.mine.open_referral = 1; exp.mine.open_supported = 1;
  await check('finance on A');
  assertStatus(await tfcAdmin.req('PUT', `/api/cases/${B.id}/finance`, { body: fin(addDays(TODAY, -1000)) }), 200, 'finance B');
  exp.all.open_referral = 1; exp.all.open_supported = 2; exp.all.thousand_day = 1;
  await check('finance on B, started 1,000 days ago');
  assertStatus(await tfcUser.req('PUT', `/api/cases/${C.id}/finance`, { body: fin(addDays(TODAY, -999)) }), 200, 'finance C');
  exp.all.open_referral = 0; exp.all.open_supported = 3; exp.mine.open_referral = 0; exp.mine.open_supported = 2;
  await check('finance on C, started 999 days ago');
  const td = await tfcUser.req('GET', '/api/cases?thousand_day=1');
  assertStatus(td, 200);
  assert.deepEqual(td.json.items.map((s) => s.id), [B.id], 'thousand_day=1 lists B only');
  assertStatus(await tfcAdmin.req('PUT', `/api/cases/${B.id}/allocation`, { body: { caseworker_id: uid, team: null } }), 200, 'allocate B');
  exp.mine.open_supported = 3; exp.mine.thousand_day = 1;
  await check('allocate B to the caseworker');

  // Recourse: closure_required (and immigration_update); closing clears it and raises case_closed.
  await putImmigration(ho, A.id, { status: 'ltr_recourse', recourse_to_public_funds: true });
  exp.all.closure_required = 1; exp.mine.closure_required = 1; exp.all.immigration_update = 1; exp.mine.immigration_update = 1;
  await check('HO gives A recourse');
  assertStatus(await tfcUser.req('POST', `/api/cases/${A.id}/closure`, { body: { closure_date: '2026-12-02', reason: 'leave_granted_recourse' } }), 200, 'close A');
  // Closing resolves A's immigration update too (fcgi/API.md "Closing and reopening").
  exp.all.closure_required = 0; exp.mine.closure_required = 0; exp.all.open_supported = 2; exp.mine.open_supported = 2; exp.ho.case_closed = 1;
  exp.all.immigration_update = 0; exp.mine.immigration_update = 0;
  await check('council closes A');
  await accept(ho, (await openAlert(ho, A.id, 'case_closed')).id);
  exp.ho.case_closed = 0;
  await check('HO accepts case_closed');
  assertStatus(await tfcUser.req('DELETE', `/api/cases/${A.id}/closure`), 200, 'reopen A');
  exp.all.open_supported = 3; exp.mine.open_supported = 3; exp.ho.case_reopened = 1;
  await check('council reopens A: a case reopened alert for the HO');
  await accept(ho, (await openAlert(ho, A.id, 'case_reopened')).id);
  exp.ho.case_reopened = 0;
  await check('HO accepts case_reopened');

  // Final outcome on B (now the caseworker's); the council accepts it.
  const fo = await ho.req('POST', `/api/cases/${B.id}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: '2026-11-30' } });
  assertStatus(fo, 201, 'final outcome on B');
  exp.all.final_outcome = 1; exp.mine.final_outcome = 1;
  await check('HO records a final outcome on B');
  await accept(tfcUser, fo.json.id);
  exp.all.final_outcome = 0; exp.mine.final_outcome = 0;
  await check('council accepts it');

  // Items that time will make overdue: an HO query on B (due Wed 16 Dec), a new case E (due Wed 9 Dec).
  const qB2 = await openQuery(ho, B.id, { category: 'progress_update', message: 'Any news?' });
  exp.all.new_ho_queries = 1; exp.mine.new_ho_queries = 1; exp.ho.new_case = 0;
  await check('HO opens a query on B (clears its new_case)');
  const E = await createCase(tfcAdmin);
  exp.all.open_referral = 1; exp.ho.new_case = 1;
  await check('create E');
  Object.assign(ctx, { E, qB2 });
  assert.equal(qB2.due, '2026-12-16');
  assert.equal((await openAlert(ho, E.id, 'new_case')).due, '2026-12-09');
  assert.ok(h0.counters.overdue >= 0);
});

test('time passing: overdue queries for the council, overdue alerts for the HO (by_council), and cases reaching 1,000 days', async () => {
  const { A, B, C, E, qB2 } = ctx;
  assert.ok(E, 'the first test ran');
  at('2026-12-17T10:00:00Z');
  exp.all.overdue = 1; exp.mine.overdue = 1; // the HO query on B, due 16 Dec, awaits the council
  exp.all.thousand_day = 2; exp.mine.thousand_day = 2; // C has now been supported for 1,014 days
  const h = await check('17 December');
  const over = await queryList(tfcUser, 'overdue=1');
  assert.deepEqual(ids(over), [qB2.id]);
  const row = h.by_council.find((b) => b.council.id === council.id);
  assert.ok(row, `by_council lists Testford: ${JSON.stringify(h.by_council)}`);
  assert.deepEqual(row, { council: { id: council.id, name: 'Testford Borough Council' }, due_today: 0, overdue: 1 }, 'Testford: E\'s new_case is overdue');
  assert.ok(ids(await alertList(ho, `overdue=1&council=${council.id}`)).includes((await openAlert(ho, E.id, 'new_case')).id));
  const td = await tfcUser.req('GET', '/api/cases?thousand_day=1');
  assert.deepEqual(td.json.items.map((s) => s.id), [B.id, C.id], 'longest first');
  assert.ok(A);
  // Answering clears the council's overdue; the HO's status check clears E's.
  await sendMessage(tfcUser, qB2.id, 'No news yet.');
  exp.all.overdue = 0; exp.mine.overdue = 0; exp.all.new_ho_queries = 0; exp.mine.new_ho_queries = 0; exp.ho.queries_awaiting_ho = 1;
  await check('council answers the overdue query');
  await putImmigration(ho, E.id, { status: 'no_current_permission' });
  exp.ho.new_case = 0; exp.all.immigration_update = 1;
  const h2 = await check('HO checks E late');
  assert.ok(!h2.by_council.some((b) => b.council.id === council.id && b.overdue > 0), 'Testford has nothing overdue now');
});

test('a bulk import of three cases counts like three creates: open referrals and new_case alerts (due in 5 working days)', async () => {
  assert.ok(ctx.E, 'the first test ran');
  at('2026-12-17T10:00:00Z');
  const rows = [0, 1, 2].map(() => [randomName(3), randomName(4), uniqueDob(), 'Eritrean', 'single_adult', 'care_act_2014'].join(','));
  const text = `given_names,family_name,date_of_birth,nationality,household_type,legislation\r\n${rows.join('\r\n')}\r\n`;
  const r = await tfcAdmin.req('POST', '/api/cases/import', { raw: text, headers: { 'content-type': 'text/csv' } });
  assertStatus(r, 201, 'import');
  assert.equal(r.json.created, 3);
  assert.equal(r.json.bulk_service_level, false, 'the council had cases already');
  exp.all.open_referral += 3; exp.ho.new_case += 3;
  await check('bulk import of three cases');
  for (const c of r.json.cases) assert.equal((await openAlert(ho, c.id, 'new_case')).due, '2026-12-24', 'Thu 17 Dec + 5 working days');
});

test('home: shapes exactly as API.md (council, council mine=1, HO)', async () => {
  at('2026-12-17T10:00:00Z');
  const hc = await home(tfcUser);
  const hm = await home(tfcUser, true);
  const hh = await home(ho);
  for (const b of hh.by_council) {
    assert.deepEqual(Object.keys(b).sort(), ['council', 'due_today', 'overdue']);
    assert.deepEqual(Object.keys(b.council).sort(), ['id', 'name']);
    assert.ok(b.due_today > 0 || b.overdue > 0, 'by_council lists only councils with something due today or overdue');
  }
  assert.ok(hh.by_council.length >= 2, `two councils or more in the table: ${JSON.stringify(hh.by_council)}`);
  const names = hh.by_council.map((b) => b.council.name);
  assert.deepEqual(names, [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    'by_council is in council name order');
  // Every difference at once, so that one report names them all.
  const diffs = [];
  const same = (got, want, what) => {
    const g = Object.keys(got).sort();
    const extra = g.filter((k) => !want.includes(k)); const missing = want.filter((k) => !g.includes(k));
    if (extra.length || missing.length) diffs.push(`${what}: extra ${JSON.stringify(extra)}, missing ${JSON.stringify(missing)}`);
  };
  same(hc, ['counters', 'mine', 'side', 'today'], 'council home');
  assert.equal(hc.today, '2026-12-17', 'today is the UK date the counters were judged against');
  same(hc.counters, COUNCIL_COUNTERS, 'council counters');
  same(hm, ['counters', 'mine', 'side', 'today'], 'council home mine=1');
  same(hh, ['by_council', 'counters', 'disclosures', 'mine', 'nino', 'side', 'today'], 'HO home');
  same(hh.counters, HO_COUNTERS, 'HO counters');
  assert.deepEqual(diffs, [], `home shapes differ from API.md:\n${diffs.join('\n')}`);
});

test('connectctl check on the stopped store: exit 0, every counter equal to its recount', async () => {
  assert.ok(ctx.E, 'the first test ran');
  await stack.stop();
  const r = ctl(data, ['check']);
  console.log(`connectctl check -> ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.status, 0, `exit status; stderr: ${r.stderr}`);
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /differ|mismatch|expected|problem/i, 'no counter difference reported');
  const m = r.stdout.match(/(\d+) counters? equal to a recount/);
  assert.ok(m, `check reports the counters it recounted: ${r.stdout}`);
  assert.ok(Number(m[1]) > 0, 'some counters were recounted');
});

test('connectctl calendar import: a new bank holiday inside open due windows moves them one working day later; cleared items keep theirs', async () => {
  const { A, B, E, qB2 } = ctx;
  assert.ok(E, 'the first test ran');
  // Before: E's new_case was cleared (due 9 Dec), A's case_closed was accepted (due 9 Dec).
  // Open: the query on B awaits the HO since 17 Dec (due 24 Dec: B is new, 5 working days), E's immigration_update (no due date).
  // Make a fresh open item with a known due date first: a new case created on Wed 2 Dec is due Wed 9 Dec.
  stack = await startStack({ clock: true, keep: true, data });
  rebase();
  setNow(stack, NOW);
  const F = await createCase(tfcAdmin);
  const f0 = await openAlert(ho, F.id, 'new_case');
  assert.equal(f0.due, '2026-12-09');
  const q = await openQuery(tfcUser, F.id, { category: 'other', message: 'Due Wed 16 Dec.' });
  assert.equal(q.due, '2026-12-16');
  const qb = (await ho.req('GET', `/api/queries/${qB2.id}`)).json;
  // B is still a new case (no status check yet): the council's answer gives the HO the new case row's
  // 5 working days for the status check, not an ordinary query's 10.
  assert.equal(qb.due, '2026-12-24', 'the answer of 17 Dec is due 5 working days later');
  await stack.stop();

  const cal = JSON.parse(readFileSync(join(ROOT, 'store', 'bank-holidays.json'), 'utf8'));
  cal['england-and-wales'].events.push({ title: 'Test holiday', date: '2026-12-07', notes: '', bunting: false });
  cal['england-and-wales'].events.sort((x, y) => x.date.localeCompare(y.date));
  const file = join(tmp, 'bank-holidays-plus.json');
  writeFileSync(file, JSON.stringify(cal));
  const imp = ctl(data, ['calendar', 'import', file]);
  assert.equal(imp.status, 0, `calendar import: ${imp.stderr}`);

  stack = await startStack({ clock: true, keep: true, data });
  rebase();
  setNow(stack, NOW);
  const f1 = await openAlert(ho, F.id, 'new_case', 'after import');
  assert.equal(f1.due, '2026-12-10', 'Mon 7 Dec is now a holiday: Wed 9 → Thu 10 Dec');
  const q1 = (await tfcUser.req('GET', `/api/queries/${q.id}`)).json;
  assert.equal(q1.due, '2026-12-17', 'Wed 16 → Thu 17 Dec');
  const qb1 = (await ho.req('GET', `/api/queries/${qB2.id}`)).json;
  assert.equal(qb1.due, '2026-12-24', 'a due window after the new holiday does not move');
  const closed = (await caseAlerts(ho, A.id)).find((a) => a.type === 'case_closed');
  assert.equal(closed.open, false);
  assert.equal(closed.due, '2026-12-09', 'a cleared alert keeps its due date');
  const eNew = (await caseAlerts(ho, E.id)).find((a) => a.type === 'new_case');
  assert.equal(eNew.due, '2026-12-09', 'cleared: unchanged');
  // A new item made now counts with the new calendar too.
  const G = await createCase(tfcAdmin);
  assert.equal((await openAlert(ho, G.id, 'new_case')).due, '2026-12-10', 'new items use the imported calendar');
  assert.ok(B);
  await stack.stop();
  const r = ctl(data, ['check']);
  assert.equal(r.status, 0, `check after the import: ${r.stdout}${r.stderr}`);
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /differ|mismatch/i);
});
