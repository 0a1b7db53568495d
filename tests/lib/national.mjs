// The known dataset of the national report tests (tests/http/reports-national.test.mjs, the browser
// test tests/browser/national-report.test.mjs): three councils in three nations, six cases over the
// financial years 2023-24 to 2025-26, built through the API on a test clock. The expected figures
// are worked out by hand in the test from the facts below.
//
// Councils: ELB Eastham London Borough (england, london), STC Strathmore Council (scotland),
// WCC Wyeford County Council (wales). Every event at 10:00Z unless said (UK date = UTC date).
//
// K1 (ELB) referred 2024-01-15, care_act_2014 (adults), no dependants. HO status 2024-01-17
//    asylum_claim_recorded. Finance: start 2024-02-01, subsistence 7000/wk, hostel 14000/wk. Open.
//    Query by the council 2024-05-01, answered by the HO 2024-05-20 (12 working days: 6 May is a
//    bank holiday; allowed 10: late). The HO opens a query on it 2024-11-26 (left unanswered).
// K5 (WCC) referred 2024-02-20, children_act_s24b (care leavers). HO status 2024-02-22
//    asylum_claim_refused. Finance (2024-02-26): start 2021-06-01, subsistence 7000/wk, none 0.
//    Closed 2024-09-30 leave_granted_nrpf (support end becomes 2024-09-30).
// K2 (ELB) referred 2024-06-10, children_act_s17 (families), dependants spouse, child, stepchild.
//    HO status 2024-06-20 ltr_nrpf (8 working days: late). Finance (2024-07-01): start 2024-07-01,
//    subsistence 14000/wk, none 0, other costs 5000 on 2024-08-01 and 3000 on 2025-05-01.
//    Closed 2025-01-31 leave_granted_recourse; reopened 2025-02-10 (the end date the closure set is
//    cleared); closed again 2025-06-30 voluntary_return (support end 2025-06-30).
// K3 (STC) referred Monday 2024-11-25, children_act_s20 (care leavers). The HO opens a query on it
//    2024-11-26 instead of the status check (1 working day: in time); due from the council 10 Scottish
//    working days later, 2024-12-11 (St Andrew's Day, Saturday 30 November, is Monday 2 December).
//    Finance (2024-12-02): start 2024-12-01, subsistence 3500/wk, supported 7000/wk. The council
//    answers 2024-12-05; HO status 2024-12-09 no_current_permission. Open.
// K4 (WCC) referred 2025-03-20, care_act_2014 (adults), dependant partner. HO status 2025-03-24
//    pending_euss (2 working days). Query by the council 2025-03-25, answered by the HO 2025-03-27
//    (2 working days). No finance. Closed 2025-04-15 not_destitute.
// K6 (ELB) referred 2025-05-05, care_act_2014. Open referral, no status.
// The reports are read on 2026-06-15 (both years complete).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack } from './stack.mjs';
import { STRONG, assertStatus } from './http.mjs';
import { dependant, person, caseBody } from './cases.mjs';
import { Actor, immigrationPage, openQuery, putImmigration, sendMessage, setNow } from './alerts.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');
export const READ_AT = '2026-06-15T12:00:00Z';

export function ctl(data, args, input) {
  const r = spawnSync(join(BIN, 'connectctl'), ['--data', data, ...args], { input, encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
  assert.equal(r.status, 0, `connectctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

export async function buildNational() {
  const data = mkdtempSync(join(tmpdir(), 'connect-national-'));
  ctl(data, ['init']);
  const org = (kind, name, code) => Number(ctl(data, ['org', 'add', '--kind', kind, '--name', name, '--code', code]));
  const orgs = {
    ho: org('home_office', 'Home Office', 'HO'), net: org('network', 'NRPF Network', 'NET'),
    E: org('council', 'Eastham London Borough', 'ELB'), S: org('council', 'Strathmore Council', 'STC'),
    W: org('council', 'Wyeford County Council', 'WCC'),
  };
  ctl(data, ['org', 'set', 'ELB', '--region', 'london']);
  ctl(data, ['org', 'set', 'STC', '--nation', 'scotland']);
  ctl(data, ['org', 'set', 'WCC', '--nation', 'wales', '--region', 'wales']);
  const users = [['ELB', 'elb.admin', 'admin'], ['ELB', 'elb.user', 'user'], ['STC', 'stc.admin', 'admin'], ['STC', 'stc.user', 'user'],
    ['WCC', 'wcc.admin', 'admin'], ['WCC', 'wcc.user', 'user'], ['HO', 'ho.admin', 'admin'], ['HO', 'ho.user', 'user'], ['NET', 'net.admin', 'admin']];
  for (const [code, username, role] of users) {
    ctl(data, ['user', 'add', '--org', code, '--username', username, '--name', `Test ${username}`, '--role', role, '--password-stdin'], `${STRONG}\n`);
  }
  const stack = await startStack({ data, demo: false, clock: Math.floor(Date.parse('2024-01-15T09:00:00Z') / 1000) - Math.floor(Date.now() / 1000) });
  const at = (iso) => setNow(stack, iso.length === 10 ? `${iso}T10:00:00Z` : iso);
  const u = {};
  for (const [, username] of users) u[username] = await new Actor(stack.base, username, STRONG).signIn();

  const k = {};
  const create = async (client, key, { deps = [], ...over }) => {
    const r = await client.req('POST', '/api/cases', { body: caseBody({ principal: person(), dependants: deps.map((relationship) => dependant({ relationship })), ...over }) });
    assertStatus(r, 201, `create ${key}`);
    k[key] = r.json;
    return r.json;
  };
  const imm = (c, status) => putImmigration(u['ho.user'], c.id, immigrationPage({ status, recourse_to_public_funds: false }), `HO status on ${c.connect_id}`);
  const finance = async (client, c, f) => assertStatus(await client.req('PUT', `/api/cases/${c.id}/finance`, { body: f }), 200, `finance ${c.connect_id}`);
  const close = async (client, c, closure_date, reason) => assertStatus(await client.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date, reason } }), 200, `close ${c.connect_id}`);
  const E = u['elb.user']; const S = u['stc.user']; const W = u['wcc.user']; const HO = u['ho.user'];

  at('2024-01-15');
  const K1 = await create(E, 'K1', { legislation: 'care_act_2014', household_type: 'single_adult' });
  at('2024-01-17');
  await imm(K1, 'asylum_claim_recorded');
  at('2024-02-01');
  await finance(E, K1, { support_start_date: '2024-02-01', weekly_subsistence_pence: 7000, accommodation_type: 'hostel', weekly_accommodation_pence: 14000, other_costs: [] });
  at('2024-02-20');
  const K5 = await create(W, 'K5', { legislation: 'children_act_s24b', household_type: 'care_leaver' });
  at('2024-02-22');
  await imm(K5, 'asylum_claim_refused');
  at('2024-02-26');
  await finance(W, K5, { support_start_date: '2021-06-01', weekly_subsistence_pence: 7000, accommodation_type: 'none', weekly_accommodation_pence: 0, other_costs: [] });
  at('2024-05-01');
  const Q1 = await openQuery(E, K1.id, { category: 'other', message: 'Any news?' }, 'Q1');
  at('2024-05-20');
  await sendMessage(HO, Q1.id, 'Not yet.', 'Q1 HO reply');
  at('2024-06-10');
  const K2 = await create(E, 'K2', { legislation: 'children_act_s17', household_type: 'family', deps: ['spouse', 'child', 'stepchild'] });
  at('2024-06-20');
  await imm(K2, 'ltr_nrpf');
  at('2024-07-01');
  await finance(E, K2, { support_start_date: '2024-07-01', weekly_subsistence_pence: 14000, accommodation_type: 'none', weekly_accommodation_pence: 0,
    other_costs: [{ description: 'Cot', amount_pence: 5000, date: '2024-08-01' }, { description: 'Coat', amount_pence: 3000, date: '2025-05-01' }] });
  at('2024-09-30');
  await close(W, K5, '2024-09-30', 'leave_granted_nrpf');
  at('2024-11-25');
  const K3 = await create(S, 'K3', { legislation: 'children_act_s20', household_type: 'looked_after_child' });
  at('2024-11-26');
  const Q3 = await openQuery(HO, K3.id, { category: 'other', message: 'Please send the passport.' }, 'Q3');
  const QE = await openQuery(HO, K1.id, { category: 'other', message: 'Please confirm the address.' }, 'QE');
  at('2024-12-02');
  await finance(S, K3, { support_start_date: '2024-12-01', weekly_subsistence_pence: 3500, accommodation_type: 'supported', weekly_accommodation_pence: 7000, other_costs: [] });
  at('2024-12-05');
  await sendMessage(S, Q3.id, 'Passport attached.', 'Q3 council reply');
  at('2024-12-09');
  await imm(K3, 'no_current_permission');
  at('2025-01-31');
  await close(E, K2, '2025-01-31', 'leave_granted_recourse');
  at('2025-02-10');
  assertStatus(await E.req('DELETE', `/api/cases/${K2.id}/closure`), 200, 'reopen K2');
  at('2025-03-20');
  const K4 = await create(W, 'K4', { legislation: 'care_act_2014', household_type: 'couple', deps: ['partner'] });
  at('2025-03-24');
  await imm(K4, 'pending_euss');
  at('2025-03-25');
  const Q4 = await openQuery(W, K4.id, { category: 'other', message: 'When will the application be decided?' }, 'Q4');
  at('2025-03-27');
  await sendMessage(HO, Q4.id, 'Within a month.', 'Q4 HO reply');
  at('2025-04-15');
  await close(W, K4, '2025-04-15', 'not_destitute');
  at('2025-05-05');
  await create(E, 'K6', { legislation: 'care_act_2014', household_type: 'single_adult' });
  at('2025-06-30');
  await close(E, K2, '2025-06-30', 'voluntary_return');
  at(READ_AT);
  return { stack, data, at, u, orgs, k, queries: { Q1, Q3, QE, Q4 } };
}
