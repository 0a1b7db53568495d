// Performance monitoring (fcgi/API.md "### Performance monitoring"): every figure on the known dataset of
// tests/lib/reports.mjs (buildDataset's comment lists the facts), worked out by hand; the filters team,
// caseworker and legislation; council scoping per role; the default period; parameter validation.
// Today is 2026-06-15. Other costs: C1 Laptop 19999 on 2026-01-20 and Storage 2500 on 04-20 (after its support
// ended 04-01); C2 Deposit 10000 on 03-15, Uniform 4550 on 05-10, Travel 3000 on 06-20 (after today); C4 Furniture
// 25000 on 04-01. Support periods (start..end): C1 2026-01-05..04-01, C2 02-02.., C4 02-10..04-30,
// C6 04-06.., C7 06-12.., C9 2023-09-19.. (1,000 days before today). Referral dates: C1 2025-12-15,
// C2 01-12, C3 01-20, C4 02-03, C5 03-20, C6 04-01, C7 06-12, C8 06-15, C9 06-15. Closures: C3 03-31
// duplicate, C1 04-01 left_area, C4 04-30 leave_granted_nrpf. Council A: C2, C4, C5, C6; B: C1, C3, C7, C8, C9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../lib/stack.mjs';
import { Client, assertError, createActiveUser } from '../lib/http.mjs';
import { NAMES, assertDownload, buildDataset, dumpXlsx, getReport, parseCsv, reportNow } from '../lib/reports.mjs';
import { CLOSURE_REASONS, caseBody } from '../lib/cases.mjs';

let ds;
before(async () => { ds = await buildDataset(); });
after(async () => { await ds?.stack.stop(); });

const P1 = 'from=2026-04-01&to=2026-06-15';

async function perf(client, query, what = query) {
  reportNow(ds);
  const r = await client.req('GET', `/api/reports/performance${query ? `?${query}` : ''}`);
  assert.equal(r.status, 200, `${what} -> ${r.status} ${r.text?.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/i, `${what}: JSON`);
  return r.json;
}

/** closures_by_reason: every reason in the order of the labels, zeros included. */
function byReason(counts = {}) {
  return CLOSURE_REASONS.map((reason) => ({ reason, count: counts[reason] ?? 0 }));
}
const months = (pairs) => pairs.map(([month, n]) => ({ month, open_supported: n }));
const noFilters = { council: null, team: null, caseworker: null, legislation: null };

// Every council, 2026-04-01..2026-06-15:
// open_supported on 06-15: C2, C6, C7, C9 = 4; open_referral: C5, C8 = 2 (C3 is closed); referrals: C6, C7, C8, C9 = 4;
// closures: C1 (left_area), C4 (leave_granted_nrpf) = 2; support ended in range: C1 87 days, C4 80 days → 83.5;
// thousand_day: C9 (started 2023-09-19, exactly 1,000 days before 06-15) = 1;
// spend: the finance report's "Total in period" over the range: C1 3000 (500 + Storage 2500) + C2 192867 + C4 140714 + C6 132871
// + C7 17600 + C9 98800 = 585852;
// by month: 04-30 C2, C4, C6, C9 = 4; 05-31 C2, C6, C9 = 3; 06-15 C2, C6, C7, C9 = 4.
const ALL_P1 = {
  figures: { open_referral: 2, open_supported: 4, referrals: 4, closures: 2, average_days_on_support: 83.5, thousand_day: 1, spend_pence: 585852 },
  closures_by_reason: byReason({ leave_granted_nrpf: 1, left_area: 1 }),
  open_supported_by_month: months([['2026-04', 4], ['2026-05', 3], ['2026-06', 4]]),
};
// Council A: open_supported C2, C6; open_referral C5; referrals C6; closures C4 (80 days); spend 192867 + 140714 + 132871 = 466452;
// months: 04-30 C2, C4, C6; 05-31 C2, C6; 06-15 C2, C6.
const A_P1 = {
  figures: { open_referral: 1, open_supported: 2, referrals: 1, closures: 1, average_days_on_support: 80, thousand_day: 0, spend_pence: 466452 },
  closures_by_reason: byReason({ leave_granted_nrpf: 1 }),
  open_supported_by_month: months([['2026-04', 3], ['2026-05', 2], ['2026-06', 2]]),
};
// Council B: open_supported C7, C9; open_referral C8; referrals C7, C8, C9; closures C1 (87 days); spend 3000 + 17600 + 98800 = 119400;
// months: 04-30 C9; 05-31 C9; 06-15 C7, C9.
const B_P1 = {
  figures: { open_referral: 1, open_supported: 2, referrals: 3, closures: 1, average_days_on_support: 87, thousand_day: 1, spend_pence: 119400 },
  closures_by_reason: byReason({ left_area: 1 }),
  open_supported_by_month: months([['2026-04', 1], ['2026-05', 1], ['2026-06', 2]]),
};

const ref = (key) => ({ id: ds[key].id, name: ds[key].name });

test('performance, every council (HO user and HO admin): each figure on the dataset', async () => {
  for (const c of [ds.u.hoUser, ds.u.hoAdmin]) {
    const r = await perf(c, P1);
    assert.deepEqual(r, { from: '2026-04-01', to: '2026-06-15', filters: noFilters, ...ALL_P1 }, `${c.username}: all councils`);
  }
});

test('performance: council= narrows for the HO; a council\'s users see their own council', async () => {
  assert.deepEqual(await perf(ds.u.hoUser, `${P1}&council=${ds.A.id}`), { from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('A') }, ...A_P1 }, 'HO council=A');
  assert.deepEqual(await perf(ds.u.hoAdmin, `${P1}&council=${ds.B.id}`), { from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('B') }, ...B_P1 }, 'HO council=B');
  for (const c of [ds.u.aUser, ds.u.aAdmin]) {
    assert.deepEqual(await perf(c, P1), { from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('A') }, ...A_P1 }, `${c.username}: own council`);
    assert.deepEqual(await perf(c, `${P1}&council=${ds.A.id}`), { from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('A') }, ...A_P1 }, `${c.username}: council=own`);
  }
  for (const c of [ds.u.bUser, ds.u.bAdmin]) {
    assert.deepEqual(await perf(c, P1), { from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('B') }, ...B_P1 }, `${c.username}: own council`);
  }
  reportNow(ds);
  assertError(await ds.u.aUser.req('GET', `/api/reports/performance?${P1}&council=${ds.B.id}`), 404, 'not_found', undefined, 'council user naming another council');
  assertError(await ds.u.bAdmin.req('GET', `/api/reports/performance?${P1}&council=${ds.A.id}`), 404, 'not_found', undefined, 'council admin naming another council');
  assertError(await ds.u.hoUser.req('GET', `/api/reports/performance?${P1}&council=999999`), 404, 'not_found', undefined, 'HO naming an unknown council');
  assertError(await ds.u.hoUser.req('GET', `/api/reports/performance?${P1}&council=${ds.u.hoUser.user.org.id}`), 404, 'not_found', undefined, 'HO naming its own organisation (not a council)');
});

test('performance: the Network gets national totals only; naming a council, team or caseworker is 403', async () => {
  assert.deepEqual(await perf(ds.u.net, P1), { from: '2026-04-01', to: '2026-06-15', filters: noFilters, ...ALL_P1 }, 'Network: national totals');
  reportNow(ds);
  for (const q of [`council=${ds.A.id}`, 'team=North', `caseworker=${ds.ids.aUser}`]) {
    assertError(await ds.u.net.req('GET', `/api/reports/performance?${P1}&${q}`), 403, 'forbidden', undefined, `Network with ${q}`);
  }
  assertError(await new Client(ds.stack.base).req('GET', `/api/reports/performance?${P1}`), 401, 'unauthenticated', undefined, 'no token');
  // The Network may filter by legislation: care_act_2014 nationally is C2, C3, C6, C8 (see the filters test).
  assert.deepEqual(await perf(ds.u.net, `${P1}&legislation=care_act_2014`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, legislation: 'care_act_2014' },
    figures: { open_referral: 1, open_supported: 2, referrals: 2, closures: 0, average_days_on_support: null, thousand_day: 0, spend_pence: 325738 },
    closures_by_reason: byReason(),
    open_supported_by_month: months([['2026-04', 2], ['2026-05', 2], ['2026-06', 2]]),
  }, 'Network legislation=care_act_2014');
});

test('performance: a caseworker the caller may not see is 404 (a council names its own users only)', async () => {
  reportNow(ds);
  assertError(await ds.u.aAdmin.req('GET', `/api/reports/performance?${P1}&caseworker=${ds.ids.bUser}`), 404, 'not_found', undefined, 'council A admin naming a council B user');
  assertError(await ds.u.aUser.req('GET', `/api/reports/performance?${P1}&caseworker=${ds.ids.hoUser}`), 404, 'not_found', undefined, 'council user naming an HO user');
  assertError(await ds.u.bUser.req('GET', `/api/reports/performance?${P1}&caseworker=999999`), 404, 'not_found', undefined, 'unknown user');
  // Arun "AJ" Clarke (council A): C4 alone — closed 04-30 after 80 days; spend 140714; supported on 04-30 only.
  assert.deepEqual(await perf(ds.u.aUser, `${P1}&caseworker=${ds.ids.aUser2}`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('A'), caseworker: { id: ds.ids.aUser2, name: NAMES.aUser2 } },
    figures: { open_referral: 0, open_supported: 0, referrals: 0, closures: 1, average_days_on_support: 80, thousand_day: 0, spend_pence: 140714 },
    closures_by_reason: byReason({ leave_granted_nrpf: 1 }),
    open_supported_by_month: months([['2026-04', 1], ['2026-05', 0], ['2026-06', 0]]),
  }, 'caseworker=Arun');
});

test('performance filters: team (exact), caseworker, legislation, and combined with council', async () => {
  // Team North (council A): C2 and C4. open_supported C2; closures C4 (80 days); spend 192867 + 140714 = 333581;
  // months: 04-30 C2, C4; 05-31 C2; 06-15 C2.
  assert.deepEqual(await perf(ds.u.aAdmin, `${P1}&team=North`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('A'), team: 'North' },
    figures: { open_referral: 0, open_supported: 1, referrals: 0, closures: 1, average_days_on_support: 80, thousand_day: 0, spend_pence: 333581 },
    closures_by_reason: byReason({ leave_granted_nrpf: 1 }),
    open_supported_by_month: months([['2026-04', 2], ['2026-05', 1], ['2026-06', 1]]),
  }, 'team=North');
  // Matched exactly: no case has team "north" or "Nort".
  for (const t of ['north', 'Nort']) {
    const r = await perf(ds.u.aAdmin, `${P1}&team=${t}`);
    assert.deepEqual(r.figures, { open_referral: 0, open_supported: 0, referrals: 0, closures: 0, average_days_on_support: null, thousand_day: 0, spend_pence: 0 }, `team=${t} matches nothing`);
    assert.deepEqual(r.open_supported_by_month, months([['2026-04', 0], ['2026-05', 0], ['2026-06', 0]]));
  }
  // A team with a comma, URL-encoded (council B, HO): C3, C7, C9. open_supported C7, C9; referrals C7, C9; C3 closed 03-31 (before);
  // spend 17600 + 98800 = 116400; thousand_day C9; months: 04-30 C9; 05-31 C9; 06-15 C7, C9.
  assert.deepEqual(await perf(ds.u.hoUser, `${P1}&team=${encodeURIComponent('Central, East')}`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, team: 'Central, East' },
    figures: { open_referral: 0, open_supported: 2, referrals: 2, closures: 0, average_days_on_support: null, thousand_day: 1, spend_pence: 116400 },
    closures_by_reason: byReason(),
    open_supported_by_month: months([['2026-04', 1], ['2026-05', 1], ['2026-06', 2]]),
  }, 'team="Central, East"');
  // Caseworker Amal Baker: C2 only. spend 192867.
  assert.deepEqual(await perf(ds.u.aUser, `${P1}&caseworker=${ds.ids.aUser}`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('A'), caseworker: { id: ds.ids.aUser, name: NAMES.aUser } },
    figures: { open_referral: 0, open_supported: 1, referrals: 0, closures: 0, average_days_on_support: null, thousand_day: 0, spend_pence: 192867 },
    closures_by_reason: byReason(),
    open_supported_by_month: months([['2026-04', 1], ['2026-05', 1], ['2026-06', 1]]),
  }, 'caseworker=Amal Baker');
  // Caseworker Bilal Carter (HO, every council): C1, C3, C9. open_supported C9; referrals C9; closures C1 (87 days);
  // spend 3000 + 98800 = 101800; thousand_day C9; months 1, 1, 1.
  assert.deepEqual(await perf(ds.u.hoAdmin, `${P1}&caseworker=${ds.ids.bUser}`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, caseworker: { id: ds.ids.bUser, name: NAMES.bUser } },
    figures: { open_referral: 0, open_supported: 1, referrals: 1, closures: 1, average_days_on_support: 87, thousand_day: 1, spend_pence: 101800 },
    closures_by_reason: byReason({ left_area: 1 }),
    open_supported_by_month: months([['2026-04', 1], ['2026-05', 1], ['2026-06', 1]]),
  }, 'caseworker=Bilal Carter');
  // Legislation care_act_2014 (every council): C2, C3, C6, C8. open_supported C2, C6; open_referral C8; referrals C6, C8;
  // no closure in range (C3 closed 03-31); spend 192867 + 132871 = 325738; months 2, 2, 2.
  assert.deepEqual(await perf(ds.u.hoUser, `${P1}&legislation=care_act_2014`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, legislation: 'care_act_2014' },
    figures: { open_referral: 1, open_supported: 2, referrals: 2, closures: 0, average_days_on_support: null, thousand_day: 0, spend_pence: 325738 },
    closures_by_reason: byReason(),
    open_supported_by_month: months([['2026-04', 2], ['2026-05', 2], ['2026-06', 2]]),
  }, 'legislation=care_act_2014');
  // Council B and children_act_s17: C7, C9. spend 17600 + 98800 = 116400.
  assert.deepEqual(await perf(ds.u.hoUser, `${P1}&council=${ds.B.id}&legislation=children_act_s17`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('B'), legislation: 'children_act_s17' },
    figures: { open_referral: 0, open_supported: 2, referrals: 2, closures: 0, average_days_on_support: null, thousand_day: 1, spend_pence: 116400 },
    closures_by_reason: byReason(),
    open_supported_by_month: months([['2026-04', 1], ['2026-05', 1], ['2026-06', 2]]),
  }, 'council=B legislation=children_act_s17');
  // Council A, team North and legislation children_act_s17: C4 alone. Closed 04-30 (80 days), spend 140714; months: 04-30 C4.
  assert.deepEqual(await perf(ds.u.aAdmin, `${P1}&team=North&legislation=children_act_s17`), {
    from: '2026-04-01', to: '2026-06-15', filters: { ...noFilters, council: ref('A'), team: 'North', legislation: 'children_act_s17' },
    figures: { open_referral: 0, open_supported: 0, referrals: 0, closures: 1, average_days_on_support: 80, thousand_day: 0, spend_pence: 140714 },
    closures_by_reason: byReason({ leave_granted_nrpf: 1 }),
    open_supported_by_month: months([['2026-04', 1], ['2026-05', 0], ['2026-06', 0]]),
  }, 'team=North legislation=children_act_s17');
});

test('performance: the thousand-day edge, `to` in the past, and a range up to today', async () => {
  // to = 06-14: C9 has been supported 999 days, not 1,000. open_supported on 06-14: C2, C6, C7, C9 = 4;
  // open_referral by 06-14: C5 (C8 was referred 06-15) = 1; referrals 04-01..06-14: C6, C7 = 2; spend: 06-14 is one day less
  // for C2, C6, C7, C9 (75, 70, 3, 75 days): C2 5000×75÷7 = 53571.43 → 53571, 12345×75÷7 = 132267.86 → 132268, + 4550 = 190389;
  // C6 4000×70÷7 = 40000, 9100×70÷7 = 91000 → 131000; C7 9800×3÷7 = 4200, 21000×3÷7 = 9000 → 13200; C9 2100×75÷7 = 22500,
  // 7000×75÷7 = 75000 → 97500; C1 3000; C4 140714 → 575803.
  const r = await perf(ds.u.hoAdmin, 'from=2026-04-01&to=2026-06-14');
  assert.deepEqual(r, {
    from: '2026-04-01', to: '2026-06-14', filters: noFilters,
    figures: { open_referral: 1, open_supported: 4, referrals: 2, closures: 2, average_days_on_support: 83.5, thousand_day: 0, spend_pence: 575803 },
    closures_by_reason: byReason({ leave_granted_nrpf: 1, left_area: 1 }),
    open_supported_by_month: months([['2026-04', 4], ['2026-05', 3], ['2026-06', 4]]),
  });
  // 2026-03-01..2026-03-31: open_supported on 03-31: C1, C2, C4, C9 = 4; open_referral by 03-31: C5 (C3 closed on 03-31) = 1;
  // referrals: C5 = 1; closures: C3 (duplicate) = 1; no support ended in March → null; spend: 31 days of C1 (3500×31÷7 = 15500),
  // C2 (5000×31÷7 = 22142.86 → 22143; 12345×31÷7 = 54670.71 → 54671; Deposit 10000 on 03-15 → 86814),
  // C4 (7000×31÷7 = 31000; 20000×31÷7 = 88571.43 → 88571 → 119571), C9 (2100×31÷7 = 9300; 7000×31÷7 = 31000 → 40300) = 262185.
  const m = await perf(ds.u.hoAdmin, 'from=2026-03-01&to=2026-03-31');
  assert.deepEqual(m, {
    from: '2026-03-01', to: '2026-03-31', filters: noFilters,
    figures: { open_referral: 1, open_supported: 4, referrals: 1, closures: 1, average_days_on_support: null, thousand_day: 0, spend_pence: 262185 },
    closures_by_reason: byReason({ duplicate: 1 }),
    open_supported_by_month: months([['2026-03', 4]]),
  });
});

test('performance: the default period is the twelve calendar months to today', async () => {
  // from 2025-07-01 (first day of the month eleven months before June 2026), to 2026-06-15.
  // referrals: all nine; closures C3 (duplicate), C1 (left_area), C4 (leave_granted_nrpf); ended in range: C1 87, C4 80 → 83.5.
  // spend: each case to date within the range: C1 65999 (with Storage), C2 346583, C4 333571, C6 132871, C7 17600,
  // C9 from 2025-07-01: 350 days (Jul–Dec 184 + Jan–May 151 + 15): 2100×350÷7 = 105000, 7000×350÷7 = 350000 → 455000; total 1351624.
  // Months 2025-07..2025-12: C9 alone; 2026-01-31: C1, C9; 02-28 and 03-31: C1, C2, C4, C9; 04-30: C2, C4, C6, C9; 05-31: C2, C6, C9;
  // 06-15: C2, C6, C7, C9.
  const r = await perf(ds.u.hoUser, '');
  assert.deepEqual(r, {
    from: '2025-07-01', to: '2026-06-15', filters: noFilters,
    figures: { open_referral: 2, open_supported: 4, referrals: 9, closures: 3, average_days_on_support: 83.5, thousand_day: 1, spend_pence: 1351624 },
    closures_by_reason: byReason({ leave_granted_nrpf: 1, left_area: 1, duplicate: 1 }),
    open_supported_by_month: months([['2025-07', 1], ['2025-08', 1], ['2025-09', 1], ['2025-10', 1], ['2025-11', 1], ['2025-12', 1],
      ['2026-01', 2], ['2026-02', 4], ['2026-03', 4], ['2026-04', 4], ['2026-05', 3], ['2026-06', 4]]),
  });
  const a = await perf(ds.u.aUser, '');
  assert.equal(a.from, '2025-07-01');
  assert.equal(a.to, '2026-06-15');
  assert.equal(a.figures.referrals, 4, 'council A: C2, C4, C5, C6');
});

test('performance parameters: bad dates, to < from, more than 20 years, unknown legislation are 422 naming the field', async () => {
  reportNow(ds);
  const bad = [
    ['from=2026-4-1&to=2026-06-15', 'from'],
    ['from=2026-04-01&to=2026-06-31', 'to'],
    ['from=2026-02-29&to=2026-06-15', 'from'],
    ['from=1899-12-31&to=1900-01-31', 'from'],
    ['from=2100-12-01&to=2101-01-01', 'to'],
    ['from=2026-05-01&to=2026-04-30', 'to'],
    ['from=2005-01-01&to=2026-06-15', 'from'],
    [`${P1}&legislation=care_act`, 'legislation'],
  ];
  for (const [q, field] of bad) {
    assertError(await ds.u.hoUser.req('GET', `/api/reports/performance?${q}`), 422, 'validation_failed', field, `performance?${q}`);
  }
  for (const q of ['from=2024-02-29&to=2024-03-01', 'from=2026-06-15&to=2026-06-15', `${P1}&colour=blue`]) {
    const r = await ds.u.hoUser.req('GET', `/api/reports/performance?${q}`);
    assert.equal(r.status, 200, `performance?${q} -> ${r.status} ${r.text?.slice(0, 200)}`);
  }
  const r = await ds.u.hoUser.req('GET', `/api/reports/performance?${P1}&colour=blue`);
  assert.deepEqual(r.json.figures, ALL_P1.figures, 'an unknown parameter is ignored');
});

test('performance figures are judged as on `to` from the dates, not from the case\'s status now', async () => {
  // 2026-04-01..2026-04-05: C6 (referred 04-01, supported from 04-06, open supported now) is an open referral on 04-05;
  // open_supported: C2, C4, C9 (C1 ended 04-01); open_referral: C5, C6; referrals: C6; closures: C1 (87 days);
  // spend, 5 days: C1 1 day 500; C2 5000×5÷7 = 3571.43 → 3571, 12345×5÷7 = 8817.86 → 8818 → 12389; C4 7000×5÷7 = 5000,
  // 20000×5÷7 = 14285.71 → 14286, + Furniture 25000 (04-01) → 44286; C9 1500 + 5000 = 6500 → 63675.
  assert.deepEqual(await perf(ds.u.hoUser, 'from=2026-04-01&to=2026-04-05'), {
    from: '2026-04-01', to: '2026-04-05', filters: noFilters,
    figures: { open_referral: 2, open_supported: 3, referrals: 1, closures: 1, average_days_on_support: 87, thousand_day: 0, spend_pence: 63675 },
    closures_by_reason: byReason({ left_area: 1 }),
    open_supported_by_month: months([['2026-04', 3]]),
  }, 'early April');
  // January: C2 (referred 01-12, supported from 02-02) and C3 (referred 01-20, closed 03-31, after `to`) are open referrals;
  // C1 (from 01-05) and C9 supported; spend: C1 27 days 3500×27÷7 = 13500 + Laptop 19999 (01-20) = 33499; C9 31 days 9300 + 31000 = 40300.
  assert.deepEqual(await perf(ds.u.hoUser, 'from=2026-01-01&to=2026-01-31'), {
    from: '2026-01-01', to: '2026-01-31', filters: noFilters,
    figures: { open_referral: 2, open_supported: 2, referrals: 2, closures: 0, average_days_on_support: null, thousand_day: 0, spend_pence: 73799 },
    closures_by_reason: byReason(),
    open_supported_by_month: months([['2026-01', 2]]),
  }, 'January');
});

test('large sums do not overflow: £1,000,000 a week for 20 years (a council of its own)', async () => {
  // Last in this file: a third council, so the figures above are untouched. Support from 2006-06-16 to today:
  // 7,305 days; 100,000,000 × 7305 ÷ 7 = 104,357,142,857.14 → 104357142857 pence (far beyond 32 bits).
  reportNow(ds);
  const org = await ds.u.net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Carrow District Council', code: 'CDC' } });
  assert.equal(org.status, 201, org.text);
  const admin = await createActiveUser(ds.u.net, { username: 'cdc.admin', name: 'Cara Admin', role: 'admin', org: org.json.id });
  const c = await admin.client.req('POST', '/api/cases', { body: caseBody({ legislation: 'children_act_s23c', household_type: 'care_leaver' }) });
  assert.equal(c.status, 201, c.text);
  const f = await admin.client.req('PUT', `/api/cases/${c.json.id}/finance`, { body: { support_start_date: '2006-06-16', weekly_subsistence_pence: 100000000,
    accommodation_type: 'other', weekly_accommodation_pence: 0, other_costs: [{ description: 'Big', amount_pence: 100000000, date: '2026-06-01' }] } });
  assert.equal(f.status, 200, f.text);
  // 2025-07-01..2026-06-15: 350 days → 5,000,000,000 + the other cost 100,000,000.
  const r = await perf(ds.u.hoUser, `council=${org.json.id}`);
  assert.deepEqual(r.figures, { open_referral: 0, open_supported: 1, referrals: 1, closures: 0, average_days_on_support: null, thousand_day: 1, spend_pence: 5100000000 });
  // The finance report, 2026-04-01..2026-06-30: 76 days → 100,000,000 × 76 ÷ 7 = 1,085,714,285.71 → 1085714286; to date 7305 days.
  reportNow(ds);
  const dl = await getReport(ds.u.hoAdmin, `/api/reports/finance?from=2026-04-01&to=2026-06-30&format=csv&council=${org.json.id}`);
  assert.equal(dl.status, 200, dl.text);
  const csv = parseCsv(dl.bytes, 'CDC finance');
  assert.deepEqual(csv.rows.slice(1), [[`C${c.json.id}`, 'Carrow District Council', '', 'Children Act 1989 s23C', '', 'Open supported', '2006-06-16', '', 'Other',
    '1000000.00', '0.00', '1000000.00', '76', '10857142.86', '0.00', '1000000.00', '11857142.86', '7305', '1044571428.57']]);
  const x = await getReport(ds.u.hoAdmin, `/api/reports/finance?from=2026-04-01&to=2026-06-30&council=${org.json.id}`);
  assert.equal(x.status, 200);
  const wb = dumpXlsx(x.bytes);
  const pence = (v) => Math.round(v * 100);
  assert.equal(pence(wb.sheets[0].rows[1][18]), 104457142857, 'xlsx total cost to date, in pounds');
  const sums = [1, ...[100000000, 1085714286, 0, 100000000, 1185714286, 104457142857].map((p) => p)];
  assert.deepEqual(wb.sheets[1].rows.slice(1).map((row) => [row[3], ...row.slice(4).map(pence)]), [sums, sums], 'by team and legislation, and the Total row');
  assert.equal(wb.sheets[1].rows[2][0], 'Total');
});

test('performance downloads: ?format=csv holds every JSON figure; ?format=xlsx the same rows, opened by openpyxl', async () => {
  const json = await perf(ds.u.hoUser, P1);
  reportNow(ds);
  const csv = await getReport(ds.u.hoUser, `/api/reports/performance?${P1}&format=csv`);
  assertDownload(csv, 'connect-performance-2026-04-01-to-2026-06-15.csv', 'csv');
  const f = json.figures;
  const money = (p) => (p / 100).toFixed(2);
  const expected = [
    ['Figure', 'Value'], ['From', '2026-04-01'], ['To', '2026-06-15'],
    ['Open referrals', String(f.open_referral)], ['Open supported', String(f.open_supported)], ['Referrals', String(f.referrals)],
    ['Closures', String(f.closures)], ['Average days on support', f.average_days_on_support === null ? '' : f.average_days_on_support.toFixed(1)],
    ['Supported 1,000 days or more', String(f.thousand_day)], ['Spend', money(f.spend_pence)],
    ...json.closures_by_reason.map((c) => [c.reason, String(c.count)]),
    ...json.open_supported_by_month.map((m) => [`Open supported at the end of ${m.month}`, String(m.open_supported)]),
  ];
  const { rows } = parseCsv(csv.bytes, 'performance csv');
  assert.equal(rows.length, expected.length, 'one row per figure, reason and month');
  rows.forEach((row, i) => {
    if (/^Closures: /.test(row[0])) assert.equal(row[1], expected[i][1], `${row[0]}: the count of ${expected[i][0]}`);
    else assert.deepEqual(row, expected[i], `row ${i}`);
  });
  assert.equal(f.closures, 2, 'the dataset has closures in the period (a non-trivial comparison)');
  reportNow(ds);
  const x = await getReport(ds.u.hoUser, `/api/reports/performance?${P1}&format=xlsx`);
  assertDownload(x, 'connect-performance-2026-04-01-to-2026-06-15.xlsx', 'xlsx');
  const ws = dumpXlsx(x.bytes).sheets[0];
  assert.equal(ws.name, 'Performance');
  assert.deepEqual(ws.rows.map((r) => r[0]), rows.map((r) => r[0]), 'the same figures in the same order');
  assert.equal(ws.rows[4][1], f.open_supported);
  assert.equal(ws.rows[9][1], f.spend_pence / 100);
  reportNow(ds);
  assertError(await ds.u.hoUser.req('GET', `/api/reports/performance?${P1}&format=pdf`), 422, 'validation_failed', 'format', 'unknown format');
});

// The unfiltered figures above come from the pre-aggregates (store/store_perf.h), kept by every write of the
// dataset (creations, support, closures, reopening, other costs); `connectctl check` recounts them from the facts.
test('connectctl check: the performance pre-aggregates equal a recount of the facts after the dataset\'s writes', () => {
  const r = spawnSync(join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl'), ['--data', ds.data, 'check'],
    { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
  assert.equal(r.status, 0, `exit status; stdout: ${r.stdout} stderr: ${r.stderr}`);
  const m = r.stdout.match(/(\d+) performance pre-aggregate rows equal to a recount/);
  assert.ok(m, `check reports the pre-aggregate rows: ${r.stdout}`);
  assert.ok(Number(m[1]) > 0, 'some rows were recounted');
});
