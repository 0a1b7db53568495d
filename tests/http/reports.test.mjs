// Report downloads (fcgi/API.md "## Reports", "### Downloads"): finance (both worksheets and the CSV
// `part=summary`), referrals and resolution, in xlsx (real dates dd/mm/yyyy, money £#,##0.00 numbers,
// bold header frozen at A2, autofilter, column widths) and CSV (BOM, CRLF, RFC 4180 quoting, money
// 1234.50, dates YYYY-MM-DD), checked cell by cell against figures worked out by hand from the known
// dataset of tests/lib/reports.mjs (buildDataset's comment lists every fact used below); formula
// injection; the date-range edges; who may download what; parameter validation.
//
// Money arithmetic (API.md): a weekly amount costs weekly × days ÷ 7 for the days it applies, rounded to
// the penny; "to date" = up to min(to, today); today is 2026-06-15.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, assertError } from '../lib/http.mjs';
import {
  COUNCIL_A as A, COUNCIL_B as B, D, M, assertCsvRows, assertDownload, assertRow2Formats, assertSheetLayout, assertXlsxRows,
  assertIdOrder, buildDataset, dumpXlsx, getReport, parseCsv, reportNow,
} from '../lib/reports.mjs';

let ds;
before(async () => { ds = await buildDataset(); });
after(async () => { await ds?.stack.stop(); });

const R1 = 'from=2026-04-01&to=2026-06-30';

const FIN_HEADER = ['Connect ID', 'Council', 'Team', 'Legislation', 'Caseworker', 'Status', 'Support start', 'Support end',
  'Accommodation', 'Weekly subsistence', 'Weekly accommodation', 'Weekly total', 'Days in period', 'Subsistence in period',
  'Accommodation in period', 'Other costs in period', 'Total in period', 'Days supported to date', 'Total cost to date'];
const SUM_HEADER = ['Council', 'Team', 'Legislation', 'Cases', 'Weekly total', 'Subsistence in period', 'Accommodation in period',
  'Other costs in period', 'Total in period', 'Total cost to date'];
const REF_HEADER = ['Connect ID', 'Council', 'Referral date', 'Team', 'Caseworker', 'Legislation', 'Household type', 'Nationality',
  'Referral source', 'Dependants', 'Status', 'Support start'];
const RES_HEADER = ['Connect ID', 'Council', 'Team', 'Caseworker', 'Legislation', 'Referral date', 'Status at referral',
  'Immigration status now', 'Recourse to public funds', 'Status', 'Closure date', 'Closure reason', 'Days to resolution', 'Days on support'];

// ---- finance, range 2026-04-01..2026-06-30 (days counted up to today, 2026-06-15) ---------------------
// C1: supported 2026-01-05..2026-04-01: 1 day in the range (ends on `from`); 3500×1÷7 = 500; other costs in the
//     range: Storage 2500 (04-20, after the support ended; Laptop 01-20 is before) → 3000. To date: 87 days
//     (Jan 27 + Feb 28 + Mar 31 + Apr 1): 3500×87÷7 = 43500, + every other cost dated up to min(to, today): 19999 + 2500 → 65999.
// C2: 2026-02-02.., 76 days in range (Apr 30 + May 31 + Jun 15): 5000×76÷7 = 54285.71 → 54286; 12345×76÷7 = 134031.43 → 134031;
//     other in range: Uniform 4550 (Deposit 03-15 before; Travel 06-20 after today) → total 192867.
//     To date 134 days (Feb 27 + Mar 31 + Apr 30 + May 31 + Jun 15): 5000×134÷7 = 95714.29 → 95714; 12345×134÷7 = 236318.57 → 236319;
//     other Deposit + Uniform 14550 → 346583.
// C4: 2026-02-10..2026-04-30 (end set by the closure): 30 days in range: 7000×30÷7 = 30000; 20000×30÷7 = 85714.29 → 85714;
//     Furniture 25000 (04-01) → 140714. To date 80 days (Feb 19 + Mar 31 + Apr 30): 80000 + 228571.43 → 228571, + 25000 = 333571.
// C6: 2026-04-06.., 71 days (Apr 25 + May 31 + Jun 15): 4000×71÷7 = 40571.43 → 40571; 9100×71÷7 = 92300 → 132871; to date the same.
// C7: 2026-06-12.., 4 days: 9800×4÷7 = 5600; 21000×4÷7 = 12000 → 17600; to date the same.
// C9: 2023-09-19.., 76 days: 2100×76÷7 = 22800; 7000×76÷7 = 76000 → 98800. To date 1001 days: 300300 + 1001000 = 1301300.
// C3, C5, C8: never supported. No case has half a penny, so rounding each part or the sum gives the same.
const FIN = {
  C1: ['C1', B, null, 'Children Act 1989 s24A', 'Bilal Carter', 'Closed', D('2026-01-05'), D('2026-04-01'), 'None',
    M(3500), M(0), M(3500), 1, M(500), M(0), M(2500), M(3000), 87, M(65999)],
  C2: ['C2', A, 'North', 'Care Act 2014 Part 1', 'Amal Baker', 'Open supported', D('2026-02-02'), null, 'Hostel',
    M(5000), M(12345), M(17345), 76, M(54286), M(134031), M(4550), M(192867), 134, M(346583)],
  C4: ['C4', A, 'North', 'Children Act 1989 s17', 'Arun "AJ" Clarke', 'Closed', D('2026-02-10'), D('2026-04-30'), 'Private rented',
    M(7000), M(20000), M(27000), 30, M(30000), M(85714), M(25000), M(140714), 80, M(333571)],
  C6: ['C6', A, "'+Plus", 'Care Act 2014 Part 1', 'Alice Adams', 'Open supported', D('2026-04-06'), null, 'Bed and breakfast',
    M(4000), M(9100), M(13100), 71, M(40571), M(92300), M(0), M(132871), 71, M(132871)],
  C7: ['C7', B, 'Central, East', 'Children Act 1989 s17', 'Beth Brown', 'Open supported', D('2026-06-12'), null, 'Temporary',
    M(9800), M(21000), M(30800), 4, M(5600), M(12000), M(0), M(17600), 4, M(17600)],
  C9: ['C9', B, 'Central, East', 'Children Act 1989 s17', 'Bilal Carter', 'Open supported', D('2023-09-19'), null, 'Supported',
    M(2100), M(7000), M(9100), 76, M(22800), M(76000), M(0), M(98800), 1001, M(1301300)],
};
// By (Council, Team, Legislation); an empty team first; "+Plus" sorts before "North".
const SUM = {
  aPlus: [A, "'+Plus", 'Care Act 2014 Part 1', 1, M(13100), M(40571), M(92300), M(0), M(132871), M(132871)],
  aNorthCare: [A, 'North', 'Care Act 2014 Part 1', 1, M(17345), M(54286), M(134031), M(4550), M(192867), M(346583)],
  aNorth17: [A, 'North', 'Children Act 1989 s17', 1, M(27000), M(30000), M(85714), M(25000), M(140714), M(333571)],
  bNone: [B, null, 'Children Act 1989 s24A', 1, M(3500), M(500), M(0), M(2500), M(3000), M(65999)],
  bCentral: [B, 'Central, East', 'Children Act 1989 s17', 2, M(39900), M(28400), M(88000), M(0), M(116400), M(1318900)],
};
const SUM_ALL = [SUM.aPlus, SUM.aNorthCare, SUM.aNorth17, SUM.bNone, SUM.bCentral,
  ['Total', null, null, 6, M(100845), M(153757), M(400045), M(32050), M(585852), M(2197924)]];
const SUM_A = [SUM.aPlus, SUM.aNorthCare, SUM.aNorth17,
  ['Total', null, null, 3, M(57445), M(124857), M(312045), M(29550), M(466452), M(813025)]];
const SUM_B = [SUM.bNone, SUM.bCentral,
  ['Total', null, null, 3, M(43400), M(28900), M(88000), M(2500), M(119400), M(1384899)]];

// ---- referrals --------------------------------------------------------------------------------------
// Referral date = UK date of created_at: C7 was created 2026-06-11T23:30Z, i.e. 00:30 on 12 June in the UK.
const REF = {
  C1: ['C1', B, D('2025-12-15'), null, 'Bilal Carter', 'Children Act 1989 s24A', 'Care leaver', 'Afghan', 'Another council', 0, 'Closed', D('2026-01-05')],
  C2: ['C2', A, D('2026-01-12'), 'North', 'Amal Baker', 'Care Act 2014 Part 1', 'Single adult', 'Eritrean', 'Self-referral', 0, 'Open supported', D('2026-02-02')],
  C3: ['C3', B, D('2026-01-20'), 'Central, East', 'Bilal Carter', 'Care Act 2014 Part 1', 'Single adult', 'Iraqi', 'Police', 0, 'Closed', null],
  C4: ['C4', A, D('2026-02-03'), 'North', 'Arun "AJ" Clarke', 'Children Act 1989 s17', 'Lone parent family', 'Nigerian', 'Health service', 2, 'Closed', D('2026-02-10')],
  C5: ['C5', A, D('2026-03-20'), "'=1+2", null, 'Children Act 1989 s20', 'Looked-after child', "'-Somali", null, 0, 'Open referral', null],
  C6: ['C6', A, D('2026-04-01'), "'+Plus", 'Alice Adams', 'Care Act 2014 Part 1', 'Couple', "'@Home", 'Legal representative', 2, 'Open supported', D('2026-04-06')],
  C7: ['C7', B, D('2026-06-12'), 'Central, East', 'Beth Brown', 'Children Act 1989 s17', 'Family', 'Sudanese', 'Voluntary sector', 3, 'Open supported', D('2026-06-12')],
  C8: ['C8', B, D('2026-06-15'), null, null, 'Care Act 2014 Part 1', 'Other', 'Ukrainian', 'Other', 0, 'Open referral', null],
  C9: ['C9', B, D('2026-06-15'), 'Central, East', 'Bilal Carter', 'Children Act 1989 s17', 'Lone parent family', 'Albanian', 'Council service', 1, 'Open supported', D('2023-09-19')],
};

// ---- resolution, range 2026-04-01..2026-06-30 -------------------------------------------------------
// Open on a day of the range: referral ≤ to and (not closed, or closed ≥ from). C3 (closed 03-31) is out; C1 (closed on
// `from`) is in. Days to resolution = closure − referral: C1 2025-12-15→2026-04-01 = 107; C4 2026-02-03→2026-04-30 = 86.
// Days on support = support start..end (or to date, 06-15), both days counted as in the finance report:
// C1 87, C2 134, C4 80, C6 71, C7 4, C9 1001.
const RES = {
  C1: ['C1', B, null, 'Bilal Carter', 'Children Act 1989 s24A', D('2025-12-15'), 'Asylum claim refused', 'Asylum claim refused', 'No', 'Closed',
    D('2026-04-01'), 'Left the area', 107, 87],
  C2: ['C2', A, 'North', 'Amal Baker', 'Care Act 2014 Part 1', D('2026-01-12'), 'Asylum claim recorded', 'LTR with NRPF condition', 'No', 'Open supported',
    null, null, null, 134],
  C4: ['C4', A, 'North', 'Arun "AJ" Clarke', 'Children Act 1989 s17', D('2026-02-03'), 'LTR with NRPF condition', 'LTR with NRPF condition', 'No', 'Closed',
    D('2026-04-30'), 'Leave granted with NRPF condition', 86, 80],
  C5: ['C5', A, "'=1+2", null, 'Children Act 1989 s20', D('2026-03-20'), 'Unknown', 'Unknown', null, 'Open referral', null, null, null, null],
  C6: ['C6', A, "'+Plus", 'Alice Adams', 'Care Act 2014 Part 1', D('2026-04-01'), 'Pre-settled status', 'Pre-settled status', 'Yes', 'Open supported',
    null, null, null, 71],
  C7: ['C7', B, 'Central, East', 'Beth Brown', 'Children Act 1989 s17', D('2026-06-12'), 'Asylum claim recorded', 'Asylum claim recorded', 'No', 'Open supported',
    null, null, null, 4],
  C8: ['C8', B, null, null, 'Care Act 2014 Part 1', D('2026-06-15'), 'Unknown', 'Unknown', null, 'Open referral', null, null, null, null],
  C9: ['C9', B, 'Central, East', 'Bilal Carter', 'Children Act 1989 s17', D('2026-06-15'), 'Unknown', 'Unknown', null, 'Open supported', null, null, null, 1001],
};

const pick = (o, keys) => keys.map((k) => o[k]);
/** The Connect IDs of a CSV's data rows, in ID order (which rows, whatever their order; the order has its own test). */
const idSet = (c) => c.rows.slice(1).map((r) => r[0]).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
/** A CSV cut down to its header and the row of one Connect ID. */
const rowOf = (c, id) => ({ rows: [c.rows[0], ...c.rows.filter((r) => r[0] === id)] });

/** No cell of any sheet is a formula. */
function noFormulas(wb, what) {
  for (const ws of wb.sheets) {
    ws.rows.forEach((r, i) => r.forEach((c, j) => {
      assert.ok(!(c && typeof c === 'object' && 'formula' in c), `${what}: ${ws.name} row ${i + 1} column ${j + 1} is a formula ${JSON.stringify(c)}`);
    }));
  }
}

async function xlsx(client, path, filename, what) {
  reportNow(ds);
  const r = await getReport(client, path);
  assertDownload(r, filename, what);
  const wb = dumpXlsx(r.bytes);
  noFormulas(wb, what);
  return wb;
}

async function csv(client, path, filename, what) {
  reportNow(ds);
  const r = await getReport(client, path);
  assertDownload(r, filename, what);
  return parseCsv(r.bytes, what);
}

// ---- finance ----------------------------------------------------------------------------------------

test('finance xlsx (HO admin, every council): worksheets Cases and By team and legislation, cell by cell, with formats and layout', async () => {
  const wb = await xlsx(ds.u.hoAdmin, `/api/reports/finance?${R1}`, 'connect-finance-2026-04-01-to-2026-06-30.xlsx', 'finance xlsx');
  assert.deepEqual(wb.sheets.map((s) => s.name), ['Cases', 'By team and legislation'], 'two worksheets, in this order');
  const [cases, sum] = wb.sheets;
  assertSheetLayout(cases, 'Cases', FIN_HEADER, 'finance');
  assertXlsxRows(cases, pick(FIN, ['C1', 'C2', 'C4', 'C6', 'C7', 'C9']), 'finance Cases');
  assertRow2Formats(cases, Object.values(FIN), 'finance Cases');
  assertSheetLayout(sum, 'By team and legislation', SUM_HEADER, 'finance');
  assertXlsxRows(sum, SUM_ALL, 'finance By team and legislation');
  assertRow2Formats(sum, SUM.aPlus, 'finance By team and legislation');
});

test('finance csv: BOM, CRLF, quoting, money with two decimals, dates YYYY-MM-DD; part=summary gives the second table', async () => {
  const c = await csv(ds.u.hoAdmin, `/api/reports/finance?${R1}&format=csv`, 'connect-finance-2026-04-01-to-2026-06-30.csv', 'finance csv');
  assertCsvRows(c, FIN_HEADER, pick(FIN, ['C1', 'C2', 'C4', 'C6', 'C7', 'C9']), 'finance csv');
  assert.ok(c.text.includes('"Central, East"'), 'a field holding a comma is quoted');
  assert.ok(c.text.includes('"Arun ""AJ"" Clarke"'), 'a field holding quotes is quoted, the quotes doubled');
  assert.ok(c.text.includes(',13013.00\r\n'), 'money in pounds with two decimals, no thousands separator (C9 total to date)');
  assert.ok(c.text.includes(',2023-09-19,'), 'dates YYYY-MM-DD');
  const s = await csv(ds.u.hoAdmin, `/api/reports/finance?${R1}&format=csv&part=summary`, 'connect-finance-summary-2026-04-01-to-2026-06-30.csv', 'finance summary csv');
  assertCsvRows(s, SUM_HEADER, SUM_ALL, 'finance summary csv');
  assert.ok(s.text.endsWith('Total,,,6,1008.45,1537.57,4000.45,320.50,5858.52,21979.24\r\n'), `the Total row last: ${JSON.stringify(s.text.slice(-80))}`);
});

test('finance: a council admin gets its own council only; naming another council is 404, its own is fine', async () => {
  const wb = await xlsx(ds.u.aAdmin, `/api/reports/finance?${R1}`, 'connect-finance-2026-04-01-to-2026-06-30.xlsx', 'council A finance');
  assertXlsxRows(wb.sheets[0], pick(FIN, ['C2', 'C4', 'C6']), 'council A Cases');
  assertXlsxRows(wb.sheets[1], SUM_A, 'council A By team and legislation');
  const own = await csv(ds.u.aAdmin, `/api/reports/finance?${R1}&format=csv&council=${ds.A.id}`, 'connect-finance-2026-04-01-to-2026-06-30.csv', 'council A finance, council=own');
  assertCsvRows(own, FIN_HEADER, pick(FIN, ['C2', 'C4', 'C6']), 'council A finance csv');
  const bWb = await xlsx(ds.u.bAdmin, `/api/reports/finance?${R1}`, 'connect-finance-2026-04-01-to-2026-06-30.xlsx', 'council B finance');
  assertXlsxRows(bWb.sheets[0], pick(FIN, ['C1', 'C7', 'C9']), 'council B Cases');
  assertXlsxRows(bWb.sheets[1], SUM_B, 'council B By team and legislation');
  reportNow(ds);
  for (const rep of ['finance', 'referrals', 'resolution']) {
    assertError(await getReport(ds.u.aAdmin, `/api/reports/${rep}?${R1}&council=${ds.B.id}`), 404, 'not_found', undefined, `council A admin, ${rep}, council=B`);
    assertError(await getReport(ds.u.bAdmin, `/api/reports/${rep}?${R1}&format=csv&council=${ds.A.id}`), 404, 'not_found', undefined, `council B admin, ${rep}, council=A`);
  }
});

test('finance: the HO admin narrows with council=', async () => {
  const wb = await xlsx(ds.u.hoAdmin, `/api/reports/finance?${R1}&council=${ds.B.id}`, 'connect-finance-2026-04-01-to-2026-06-30.xlsx', 'HO finance council=B');
  assertXlsxRows(wb.sheets[0], pick(FIN, ['C1', 'C7', 'C9']), 'HO council=B Cases');
  assertXlsxRows(wb.sheets[1], SUM_B, 'HO council=B By team and legislation');
  const a = await csv(ds.u.hoAdmin, `/api/reports/finance?${R1}&council=${ds.A.id}&format=csv&part=summary`, 'connect-finance-summary-2026-04-01-to-2026-06-30.csv', 'HO finance summary council=A');
  assertCsvRows(a, SUM_HEADER, SUM_A, 'HO council=A summary');
});

test('finance date edges: support ending on `from` is in (1 day), starting on `to` is in (1 day), starting on `to`+1 is out', async () => {
  // 2026-04-02..2026-06-12: C1 (ended 04-01) is out; C7 (started 06-12 = to) is in with 1 day: 9800÷7 = 1400, 21000÷7 = 3000.
  // "To date" is min(to, today) = 06-12: 1 day, 4400.
  let c = await csv(ds.u.hoAdmin, '/api/reports/finance?from=2026-04-02&to=2026-06-12&format=csv', 'connect-finance-2026-04-02-to-2026-06-12.csv', 'finance 04-02..06-12');
  assert.deepEqual(idSet(c), ['C2', 'C4', 'C6', 'C7', 'C9'], 'rows 04-02..06-12');
  assertCsvRows(rowOf(c, 'C7'), FIN_HEADER, [['C7', B, 'Central, East', 'Children Act 1989 s17', 'Beth Brown', 'Open supported',
    D('2026-06-12'), null, 'Temporary', M(9800), M(21000), M(30800), 1, M(1400), M(3000), M(0), M(4400), 1, M(4400)]], 'C7 starting on `to`');
  // 2026-04-01..2026-06-11: C1 (ended on `from`) is in with 1 day; C7 (started 06-12 = to+1) is out.
  c = await csv(ds.u.hoAdmin, '/api/reports/finance?from=2026-04-01&to=2026-06-11&format=csv', 'connect-finance-2026-04-01-to-2026-06-11.csv', 'finance 04-01..06-11');
  assert.deepEqual(idSet(c), ['C1', 'C2', 'C4', 'C6', 'C9'], 'rows 04-01..06-11');
  assertCsvRows(rowOf(c, 'C1'), FIN_HEADER, [FIN.C1], 'C1 ending on `from`');
  // A range before any support (C9 started 2023-09-19): header only, and the Total row of zeros.
  c = await csv(ds.u.hoAdmin, '/api/reports/finance?from=2023-01-01&to=2023-01-31&format=csv', 'connect-finance-2023-01-01-to-2023-01-31.csv', 'finance, nobody supported');
  assert.deepEqual(c.rows, [FIN_HEADER], 'only the header when no case was supported in the range');
  c = await csv(ds.u.hoAdmin, '/api/reports/finance?from=2023-01-01&to=2023-01-31&format=csv&part=summary', 'connect-finance-summary-2023-01-01-to-2023-01-31.csv', 'summary, nobody supported');
  assertCsvRows(c, SUM_HEADER, [['Total', null, null, 0, M(0), M(0), M(0), M(0), M(0), M(0)]], 'empty summary: the Total row');
  const wb = await xlsx(ds.u.hoAdmin, '/api/reports/finance?from=2023-01-01&to=2023-01-31', 'connect-finance-2023-01-01-to-2023-01-31.xlsx', 'finance xlsx, nobody supported');
  assertSheetLayout(wb.sheets[0], 'Cases', FIN_HEADER, 'empty finance');
  assertXlsxRows(wb.sheets[0], [], 'empty finance Cases');
  assertSheetLayout(wb.sheets[1], 'By team and legislation', SUM_HEADER, 'empty finance');
  assertXlsxRows(wb.sheets[1], [['Total', null, null, 0, M(0), M(0), M(0), M(0), M(0), M(0)]], 'empty finance: the Total row');
});

// ---- referrals ---------------------------------------------------------------------------------------

test('referrals xlsx and csv, cell by cell (every label of the dataset)', async () => {
  const all = pick(REF, ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9']);
  const wb = await xlsx(ds.u.hoAdmin, '/api/reports/referrals?from=2025-12-01&to=2026-06-30', 'connect-referrals-2025-12-01-to-2026-06-30.xlsx', 'referrals xlsx');
  assert.deepEqual(wb.sheets.map((s) => s.name), ['Referrals']);
  assertSheetLayout(wb.sheets[0], 'Referrals', REF_HEADER, 'referrals');
  assertXlsxRows(wb.sheets[0], all, 'referrals');
  assertRow2Formats(wb.sheets[0], Object.values(REF), 'referrals');
  const c = await csv(ds.u.hoAdmin, '/api/reports/referrals?from=2025-12-01&to=2026-06-30&format=csv', 'connect-referrals-2025-12-01-to-2026-06-30.csv', 'referrals csv');
  assertCsvRows(c, REF_HEADER, all, 'referrals csv');
  const a = await csv(ds.u.aAdmin, '/api/reports/referrals?from=2025-12-01&to=2026-06-30&format=csv', 'connect-referrals-2025-12-01-to-2026-06-30.csv', 'referrals council A');
  assertCsvRows(a, REF_HEADER, pick(REF, ['C2', 'C4', 'C5', 'C6']), 'referrals council A');
  const b = await xlsx(ds.u.hoAdmin, `/api/reports/referrals?${R1}&council=${ds.B.id}`, 'connect-referrals-2026-04-01-to-2026-06-30.xlsx', 'referrals HO council=B');
  assertXlsxRows(b.sheets[0], pick(REF, ['C7', 'C8', 'C9']), 'referrals HO council=B');
});

test('referral date edges: on `from` and on `to` included, `to`+1 excluded, judged on the UK date', async () => {
  const ids = async (from, to) => {
    const c = await csv(ds.u.hoAdmin, `/api/reports/referrals?from=${from}&to=${to}&format=csv`, `connect-referrals-${from}-to-${to}.csv`, `referrals ${from}..${to}`);
    assert.deepEqual(c.rows[0], REF_HEADER);
    return idSet(c);
  };
  assert.deepEqual(await ids('2026-04-01', '2026-06-12'), ['C6', 'C7'], 'C6 referred on `from`, C7 on `to` (UK date 06-12)');
  assert.deepEqual(await ids('2026-04-01', '2026-06-11'), ['C6'], 'C7 referred on `to`+1 (UK date; 06-11 in UTC) is out');
  assert.deepEqual(await ids('2026-04-02', '2026-06-11'), [], 'C6 referred on `from`-1 is out: header only');
  assert.deepEqual(await ids('2026-06-12', '2026-06-12'), ['C7'], 'a one-day range');
  assert.deepEqual(await ids('2026-06-15', '2026-06-15'), ['C8', 'C9'], 'referred today');
});

// ---- resolution ------------------------------------------------------------------------------------

test('resolution xlsx and csv, cell by cell', async () => {
  const rows = pick(RES, ['C1', 'C2', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9']);
  const wb = await xlsx(ds.u.hoAdmin, `/api/reports/resolution?${R1}`, 'connect-resolution-2026-04-01-to-2026-06-30.xlsx', 'resolution xlsx');
  assert.deepEqual(wb.sheets.map((s) => s.name), ['Resolution']);
  assertSheetLayout(wb.sheets[0], 'Resolution', RES_HEADER, 'resolution');
  assertXlsxRows(wb.sheets[0], rows, 'resolution');
  assertRow2Formats(wb.sheets[0], Object.values(RES), 'resolution');
  const c = await csv(ds.u.hoAdmin, `/api/reports/resolution?${R1}&format=csv`, 'connect-resolution-2026-04-01-to-2026-06-30.csv', 'resolution csv');
  assertCsvRows(c, RES_HEADER, rows, 'resolution csv');
  const a = await xlsx(ds.u.aAdmin, `/api/reports/resolution?${R1}`, 'connect-resolution-2026-04-01-to-2026-06-30.xlsx', 'resolution council A');
  assertXlsxRows(a.sheets[0], pick(RES, ['C2', 'C4', 'C5', 'C6']), 'resolution council A');
});

test('resolution edges: closed on `from` is in, closed the day before is out, referred after `to` is out', async () => {
  // 2026-03-31..2026-03-31: C1..C5 were open that day (C3 closed on it); C6 was referred 04-01.
  // C3: closure 03-31 − referral 01-20 = 70 days; never supported. C2: supported 02-02..03-31 (to date = to) = 58 days.
  const c = await csv(ds.u.hoAdmin, '/api/reports/resolution?from=2026-03-31&to=2026-03-31&format=csv', 'connect-resolution-2026-03-31-to-2026-03-31.csv', 'resolution 03-31');
  assert.deepEqual(idSet(c), ['C1', 'C2', 'C3', 'C4', 'C5']);
  assertCsvRows(rowOf(c, 'C3'), RES_HEADER, [['C3', B, 'Central, East', 'Bilal Carter', 'Care Act 2014 Part 1', D('2026-01-20'),
    'No current permission', 'No current permission', 'No', 'Closed', D('2026-03-31'), 'Duplicate', 70, null]], 'C3 closed on the day');
  assertCsvRows(rowOf(c, 'C2'), RES_HEADER, [['C2', A, 'North', 'Amal Baker', 'Care Act 2014 Part 1', D('2026-01-12'),
    'Asylum claim recorded', 'LTR with NRPF condition', 'No', 'Open supported', null, null, null, 58]], 'C2 supported to `to`');
  const d = await csv(ds.u.hoAdmin, '/api/reports/resolution?from=2026-04-02&to=2026-06-30&format=csv', 'connect-resolution-2026-04-02-to-2026-06-30.csv', 'resolution 04-02..');
  assert.deepEqual(idSet(d), ['C2', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9'], 'C1 (closed 04-01) is out');
});

// ---- row order -------------------------------------------------------------------------------------

test('rows are in Connect ID order; the Home Office\'s by council, then Connect ID; in xlsx and csv', async () => {
  // API.md: "Rows are in Connect ID order (ascending; the Home Office's: by council, then Connect ID)."
  // Council A (Alderley, created first) holds C2, C4, C5, C6; council B (Brookfield) C1, C3, C7, C8, C9.
  for (const [rep, q, ho, a, b] of [
    ['finance', R1, ['C2', 'C4', 'C6', 'C1', 'C7', 'C9'], ['C2', 'C4', 'C6'], ['C1', 'C7', 'C9']],
    ['referrals', 'from=2025-12-01&to=2026-06-30', ['C2', 'C4', 'C5', 'C6', 'C1', 'C3', 'C7', 'C8', 'C9'], ['C2', 'C4', 'C5', 'C6'], ['C1', 'C3', 'C7', 'C8', 'C9']],
    ['resolution', R1, ['C2', 'C4', 'C5', 'C6', 'C1', 'C7', 'C8', 'C9'], ['C2', 'C4', 'C5', 'C6'], ['C1', 'C7', 'C8', 'C9']],
  ]) {
    const [from, to] = q.split('&').map((x) => x.split('=')[1]);
    for (const [who, client, ids] of [['HO admin', ds.u.hoAdmin, ho], ['council A admin', ds.u.aAdmin, a], ['council B admin', ds.u.bAdmin, b]]) {
      const wb = await xlsx(client, `/api/reports/${rep}?${q}`, `connect-${rep}-${from}-to-${to}.xlsx`, `${who} ${rep} xlsx`);
      assertIdOrder(wb.sheets[0].rows.slice(1), ids, `${who} ${rep} xlsx`);
      const c = await csv(client, `/api/reports/${rep}?${q}&format=csv`, `connect-${rep}-${from}-to-${to}.csv`, `${who} ${rep} csv`);
      assertIdOrder(c.rows.slice(1), ids, `${who} ${rep} csv`);
    }
  }
});

// ---- formula injection --------------------------------------------------------------------------------

test('formula injection: team and nationality starting with = + - @ are written with a leading \' in xlsx and csv', async () => {
  const wb = await xlsx(ds.u.hoAdmin, '/api/reports/referrals?from=2026-03-20&to=2026-04-01', 'connect-referrals-2026-03-20-to-2026-04-01.xlsx', 'injection xlsx');
  const rows = wb.sheets[0].rows;
  assert.deepEqual(rows.slice(1).map((r) => [r[0], r[3], r[7]]).sort(), [['C5', "'=1+2", "'-Somali"], ['C6', "'+Plus", "'@Home"]], 'xlsx: team and nationality as text with a leading quote');
  const c = await csv(ds.u.hoAdmin, '/api/reports/referrals?from=2026-03-20&to=2026-04-01&format=csv', 'connect-referrals-2026-03-20-to-2026-04-01.csv', 'injection csv');
  assert.deepEqual(c.rows.slice(1).map((r) => [r[0], r[3], r[7]]).sort(), [['C5', "'=1+2", "'-Somali"], ['C6', "'+Plus", "'@Home"]], 'csv: the same');
  for (const bad of [',=1+2', ',-Somali', ',+Plus', ',@Home']) assert.ok(!c.text.includes(bad), `csv never starts a field with ${bad.slice(1)}`);
  // The finance summary's Team column too (its own sheet), in both formats.
  const f = await xlsx(ds.u.aAdmin, `/api/reports/finance?${R1}`, 'connect-finance-2026-04-01-to-2026-06-30.xlsx', 'injection finance');
  assert.equal(f.sheets[1].rows[1][1], "'+Plus");
  const s = await csv(ds.u.aAdmin, `/api/reports/finance?${R1}&format=csv&part=summary`, 'connect-finance-summary-2026-04-01-to-2026-06-30.csv', 'injection summary csv');
  assert.equal(s.rows[1][1], "'+Plus");
});

// ---- who may download ------------------------------------------------------------------------------

test('downloads: council users, HO users and the Network get 403; no token 401', async () => {
  reportNow(ds);
  for (const rep of ['finance', 'referrals', 'resolution']) {
    for (const [who, c] of [['council user', ds.u.aUser], ['council user B', ds.u.bUser], ['HO user', ds.u.hoUser], ['Network admin', ds.u.net]]) {
      for (const fmt of ['', '&format=csv']) {
        assertError(await getReport(c, `/api/reports/${rep}?${R1}${fmt}`), 403, 'forbidden', undefined, `${who} ${rep}${fmt}`);
      }
    }
    assertError(await getReport({ base: ds.stack.base }, `/api/reports/${rep}?${R1}`), 401, 'unauthenticated', undefined, `${rep} without a token`);
  }
});

// ---- parameters ------------------------------------------------------------------------------------

test('parameters: missing, malformed, unreal, out-of-range dates and to < from are 422 naming the field; unknown council 404; unknown parameters ignored', async () => {
  reportNow(ds);
  const bad = [
    ['to=2026-06-30', 'from'],
    ['from=2026-04-01', 'to'],
    ['', 'from'],
    ['from=2026-4-1&to=2026-06-30', 'from'],
    ['from=20260401&to=2026-06-30', 'from'],
    ['from=2026-04-01x&to=2026-06-30', 'from'],
    ['from=&to=2026-06-30', 'from'],
    ['from=2026-04-01&to=2026-13-01', 'to'],
    ['from=2026-04-01&to=2026-02-29', 'to'],
    ['from=2026-04-31&to=2026-06-30', 'from'],
    ['from=1899-12-31&to=2026-06-30', 'from'],
    ['from=2026-04-01&to=2101-01-01', 'to'],
    ['from=2026-05-01&to=2026-04-30', 'to'],
  ];
  for (const rep of ['finance', 'referrals', 'resolution']) {
    for (const [q, field] of bad) {
      for (const fmt of ['', '&format=csv']) {
        assertError(await getReport(ds.u.hoAdmin, `/api/reports/${rep}?${q}${fmt}`), 422, 'validation_failed', field, `${rep}?${q}${fmt}`);
      }
    }
    assertError(await getReport(ds.u.hoAdmin, `/api/reports/${rep}?${R1}&council=999999`), 404, 'not_found', undefined, `${rep} unknown council`);
    assertError(await getReport(ds.u.hoAdmin, `/api/reports/${rep}?${R1}&council=${ds.u.hoAdmin.user.org.id}`), 404, 'not_found', undefined, `${rep} council= the Home Office`);
    // Edges that are fine: a leap day, 1900-01-01 and 2100-12-31, from = to, and an unknown parameter.
    for (const q of ['from=2024-02-29&to=2024-03-01', 'from=1900-01-01&to=1900-01-01', 'from=2100-12-31&to=2100-12-31', `${R1}&colour=blue`]) {
      const r = await getReport(ds.u.hoAdmin, `/api/reports/${rep}?${q}&format=csv`);
      assert.equal(r.status, 200, `${rep}?${q} -> ${r.status} ${r.text}`);
    }
  }
  for (const rep of ['finance', 'referrals', 'resolution', 'performance', 'sla']) {
    assertError(await ds.u.hoAdmin.req('POST', `/api/reports/${rep}?${R1}`, { body: {} }), 405, 'method_not_allowed', undefined, `POST ${rep}`);
  }
  const r = await getReport(ds.u.hoAdmin, `/api/reports/referrals?${R1}&colour=blue&format=csv`);
  assertCsvRows(parseCsv(r.bytes), REF_HEADER, pick(REF, ['C6', 'C7', 'C8', 'C9']), 'unknown parameter ignored');
});

// ---- audit -----------------------------------------------------------------------------------------

function auditTail(n = 2000) {
  const r = spawnSync(join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl'), ['--data', ds.stack.data, 'audit', 'tail', String(n)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('every download is an audit event naming the council it covered (0 for all); a refused one leaves none', async () => {
  const before = auditTail().length;
  assert.ok(before > 0);
  await csv(ds.u.hoAdmin, `/api/reports/finance?${R1}&format=csv`, 'connect-finance-2026-04-01-to-2026-06-30.csv', 'HO finance');
  await xlsx(ds.u.hoAdmin, `/api/reports/referrals?${R1}&council=${ds.B.id}`, 'connect-referrals-2026-04-01-to-2026-06-30.xlsx', 'HO referrals council=B');
  await csv(ds.u.aAdmin, `/api/reports/resolution?${R1}&format=csv`, 'connect-resolution-2026-04-01-to-2026-06-30.csv', 'council A resolution');
  reportNow(ds);
  const sla = await getReport(ds.u.hoUser, `/api/reports/sla?${R1}&format=csv`);
  assertDownload(sla, 'connect-sla-2026-04-01-to-2026-06-30.csv', 'HO user SLA csv');
  assertError(await getReport(ds.u.net, `/api/reports/finance?${R1}`), 403, 'forbidden', undefined, 'Network finance');
  assertError(await getReport(ds.u.aUser, `/api/reports/referrals?${R1}`), 403, 'forbidden', undefined, 'council user referrals');
  let events = [];
  for (let i = 0; i < 30; i += 1) {
    events = auditTail(200);
    if (events.some((e) => e.action === 'report_sla_downloaded')) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  // The audit log shows a target of 0 ("all councils") as null, as for every event (store_audit's id_or_null).
  const has = (action, actor, target) => events.some((e) => e.action === action && e.actor === actor && (e.target ?? 0) === target);
  assert.ok(has('report_finance_downloaded', ds.ids.hoAdmin, 0), 'HO finance, every council: target 0');
  assert.ok(has('report_referrals_downloaded', ds.ids.hoAdmin, ds.B.id), 'HO referrals for council B');
  assert.ok(has('report_resolution_downloaded', ds.ids.aAdmin, ds.A.id), 'council A resolution: its council');
  assert.ok(has('report_sla_downloaded', ds.ids.hoUser, 0), 'HO user SLA csv');
  for (const who of ['net', 'aUser']) {
    assert.ok(!events.some((e) => e.actor === ds.ids[who] && /^report_/.test(e.action)), `a refused download by ${who} is not an event`);
  }
});

// ---- the case fields the reports read (API.md "## Cases") -----------------------------------------------
// Last in this file: it changes the dataset (and puts it back where the other tests would notice).

test('CASE carries referral_source and status_at_referral (the first status other than unknown, never changed afterwards)', async () => {
  reportNow(ds);
  const get = async (id) => { const r = await ds.u.hoAdmin.req('GET', `/api/cases/${id}`); assert.equal(r.status, 200); return r.json; };
  const c2 = await get(ds.cases.C2.id);
  assert.equal(c2.referral_source, 'self_referral');
  assert.equal(c2.immigration.status, 'ltr_nrpf');
  assert.equal(c2.status_at_referral, 'asylum_claim_recorded', 'the first status stays after the HO changed it');
  const c5 = await get(ds.cases.C5.id);
  assert.equal(c5.referral_source, null, 'not recorded: null');
  assert.equal(c5.status_at_referral, null, 'no status ever saved: null');
  // An HO save of `unknown` does not set it; the next real status does, and a later one does not change it.
  const c8 = ds.cases.C8.id;
  const imm = async (status) => {
    const r = await ds.u.hoUser.req('PUT', `/api/cases/${c8}/immigration`, { body: { status, recourse_to_public_funds: null } });
    assert.equal(r.status, 200, `HO status ${status} -> ${r.status} ${r.text?.slice(0, 200)}`);
    return r.json;
  };
  assert.equal((await imm('unknown')).status_at_referral, null, 'unknown is not a status at referral');
  assert.equal((await imm('pending_euss')).status_at_referral, 'pending_euss');
  assert.equal((await imm('settled_status')).status_at_referral, 'pending_euss', 'never changes afterwards');
  const res = await csv(ds.u.hoAdmin, '/api/reports/resolution?from=2026-06-15&to=2026-06-15&format=csv', 'connect-resolution-2026-06-15-to-2026-06-15.csv', 'resolution after the status change');
  const row8 = res.rows.find((r) => r[0] === 'C8');
  assert.deepEqual([row8[6], row8[7], row8[8]], ['Pending EU Settlement Scheme application', 'Settled status', ''], 'C8: status at referral, now, recourse empty');
  // The council edits referral_source; an unknown value is 422 naming it.
  const c5id = ds.cases.C5.id;
  let r = await ds.u.aAdmin.req('PUT', `/api/cases/${c5id}`, { body: { referral_source: 'police' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.referral_source, 'police');
  assertError(await ds.u.aAdmin.req('PUT', `/api/cases/${c5id}`, { body: { referral_source: 'carrier_pigeon' } }), 422, 'validation_failed', 'referral_source', 'unknown referral_source');
  const ref = await csv(ds.u.aAdmin, '/api/reports/referrals?from=2026-03-20&to=2026-03-20&format=csv', 'connect-referrals-2026-03-20-to-2026-03-20.csv', 'referrals after the edit');
  assert.equal(ref.rows[1][8], 'Police', 'the referral report follows the edit');
  r = await ds.u.aAdmin.req('PUT', `/api/cases/${c5id}`, { body: { referral_source: null } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.referral_source, null, 'null clears it');
});

// ---- every label, and the facts following each kind of change (last: it changes C8) ---------------------

const LEG = { care_act_2014: 'Care Act 2014 Part 1', children_act_s17: 'Children Act 1989 s17', children_act_s20: 'Children Act 1989 s20',
  children_act_s23c: 'Children Act 1989 s23C', children_act_s24a: 'Children Act 1989 s24A', children_act_s24b: 'Children Act 1989 s24B' };
const HH = { single_adult: 'Single adult', couple: 'Couple', family: 'Family', lone_parent_family: 'Lone parent family', care_leaver: 'Care leaver',
  looked_after_child: 'Looked-after child', other: 'Other' };
const SRC = { self_referral: 'Self-referral', voluntary_sector: 'Voluntary sector', legal_representative: 'Legal representative', health: 'Health service',
  police: 'Police', home_office: 'Home Office', another_council: 'Another council', council_service: 'Council service', other: 'Other' };
const IMM = { unknown: 'Unknown', no_current_permission: 'No current permission', asylum_claim_recorded: 'Asylum claim recorded',
  asylum_claim_refused: 'Asylum claim refused', ltr_nrpf: 'LTR with NRPF condition', ltr_recourse: 'LTR with recourse',
  pending_euss: 'Pending EU Settlement Scheme application', pre_settled_status: 'Pre-settled status', settled_status: 'Settled status',
  appeal_rights_exhausted: 'Appeal rights exhausted', british_citizen: 'British citizen', other: 'Other' };
const ACC = { none: 'None', bed_and_breakfast: 'Bed and breakfast', hostel: 'Hostel', private_rented: 'Private rented', temporary: 'Temporary',
  supported: 'Supported', other: 'Other' };
const REASON = { leave_granted_recourse: 'Leave granted with recourse', leave_granted_nrpf: 'Leave granted with NRPF condition',
  transferred_to_asylum_support: 'Transferred to HO asylum support', left_area: 'Left the area', voluntary_return: 'Voluntary return',
  no_longer_eligible: 'No longer eligible', not_destitute: 'Assessed as not destitute', died: 'Died', duplicate: 'Duplicate', other: 'Other' };

test('every label of API.md in the cells, each report following the change at once (C8: edits, HO status, finance, closure, reopening, allocation)', async () => {
  const id = ds.cases.C8.id;
  const day = 'from=2026-06-15&to=2026-06-15';
  const row = async (rep, q = day) => {
    const [from, to] = q.split('&').map((x) => x.split('=')[1]);
    const c = await csv(ds.u.hoAdmin, `/api/reports/${rep}?${q}&format=csv`, `connect-${rep}-${from}-to-${to}.csv`, `${rep} ${q}`);
    return c.rows.find((r) => r[0] === 'C8' && r[9] !== 'Closed, since reopened') ?? null;
  };
  /** The resolution rows of C8's earlier closures (a reopened case keeps each closure in its period). */
  const earlier = async () => {
    const c = await csv(ds.u.hoAdmin, `/api/reports/resolution?${day}&format=csv`, 'connect-resolution-2026-06-15-to-2026-06-15.csv', 'resolution');
    return c.rows.filter((r) => r[0] === 'C8' && r[9] === 'Closed, since reopened').map((r) => [r[10], r[11], r[12], r[13]]);
  };
  const put = async (client, path, body, what, status = 200) => {
    reportNow(ds);
    const r = await client.req(path.startsWith('DELETE ') ? 'DELETE' : path.startsWith('POST ') ? 'POST' : 'PUT', path.replace(/^(DELETE|POST) /, ''), body === undefined ? {} : { body });
    assert.equal(r.status, status, `${what} -> ${r.status} ${r.text?.slice(0, 300)}`);
    return r.json;
  };
  for (const [code, label] of Object.entries(LEG)) {
    await put(ds.u.bUser, `/api/cases/${id}`, { legislation: code }, `legislation ${code}`);
    assert.equal((await row('referrals'))[5], label, `legislation ${code}`);
  }
  for (const [code, label] of Object.entries(HH)) {
    await put(ds.u.bUser, `/api/cases/${id}`, { household_type: code }, `household ${code}`);
    assert.equal((await row('referrals'))[6], label, `household ${code}`);
  }
  for (const [code, label] of [...Object.entries(SRC), [null, '']]) {
    await put(ds.u.bUser, `/api/cases/${id}`, { referral_source: code }, `referral_source ${code}`);
    assert.equal((await row('referrals'))[8], label, `referral_source ${code}`);
  }
  for (const [i, [code, label]] of Object.entries(IMM).entries()) {
    const rtpf = [true, false, null][i % 3];
    await put(ds.u.hoUser, `/api/cases/${id}/immigration`, { status: code, recourse_to_public_funds: rtpf }, `HO status ${code}`);
    const r = await row('resolution');
    assert.deepEqual([r[7], r[8]], [label, { true: 'Yes', false: 'No', null: '' }[String(rtpf)]], `immigration ${code}, recourse ${rtpf}`);
  }
  // A caseworker whose name starts with "=" is written with a leading quote too.
  const u = await ds.u.bAdmin.req('POST', '/api/users', { body: { username: 'bcc.evil', name: '=Eve Evil', role: 'user', team: null } });
  assert.equal(u.status, 201, u.text);
  await put(ds.u.bAdmin, `/api/cases/${id}/allocation`, { caseworker_id: u.json.user.id, team: '@Night' }, 'allocate C8');
  assert.deepEqual([(await row('referrals'))[3], (await row('referrals'))[4]], ["'@Night", "'=Eve Evil"], 'team and caseworker with a leading quote');
  // Finance: every accommodation type; the case becomes open supported from 06-15 (1 day: 700 + 1400 = 2100).
  for (const [code, label] of Object.entries(ACC)) {
    await put(ds.u.bUser, `/api/cases/${id}/finance`, { support_start_date: '2026-06-15', weekly_subsistence_pence: 4900, accommodation_type: code,
      weekly_accommodation_pence: 9800, other_costs: [] }, `finance ${code}`);
    const r = await row('finance');
    assert.deepEqual([r[5], r[8], r[12], r[16], r[17], r[18]], ['Open supported', label, '1', '21.00', '1', '21.00'], `accommodation ${code}`);
  }
  // Closure with every reason, then reopening: status, closure date and reason, days to resolution (06-15 − 06-15 = 0),
  // the support end set by the closure (and cleared by the reopening), and closures_by_reason. Every closure counts
  // in its own period, so the day's figures add one closure (of that reason) per round, and each reopened closure
  // keeps a resolution row of its own.
  const done = [];
  for (const [code, label] of Object.entries(REASON)) {
    await put(ds.u.bUser, `POST /api/cases/${id}/closure`, { closure_date: '2026-06-15', reason: code }, `close ${code}`);
    const r = await row('resolution');
    assert.deepEqual([r[9], r[10], r[11], r[12], r[13]], ['Closed', '2026-06-15', label, '0', '1'], `closed: ${code}`);
    assert.equal((await row('finance'))[7], '2026-06-15', 'the closure date became the support end');
    const p = await ds.u.hoUser.req('GET', `/api/reports/performance?${day}&council=${ds.B.id}`);
    assert.equal(p.status, 200);
    done.push([code, label]);
    assert.deepEqual(p.json.closures_by_reason, Object.keys(REASON).map((reason) => ({ reason, count: done.some(([c]) => c === reason) ? 1 : 0 })), `closures_by_reason: ${code}`);
    assert.equal(p.json.figures.closures, done.length);
    await put(ds.u.bUser, `DELETE /api/cases/${id}/closure`, undefined, `reopen after ${code}`);
    const o = await row('resolution');
    assert.deepEqual([o[9], o[10], o[11], o[12]], ['Open supported', '', '', ''], `reopened after ${code}`);
    assert.deepEqual(await earlier(), done.map(([, l]) => ['2026-06-15', l, '0', '']), `earlier closures after ${code}`);
    assert.equal((await row('finance'))[7], '', 'the support end set by the closure is cleared on reopening');
  }
  // Text beyond ASCII comes through as UTF-8 in both formats.
  const team = 'Équipe Nord-Est — ☃ ñ';
  await put(ds.u.bAdmin, `/api/cases/${id}/allocation`, { caseworker_id: null, team }, 'allocate C8 to a team with accents');
  assert.deepEqual([(await row('referrals'))[3], (await row('referrals'))[4]], [team, ''], 'csv: UTF-8 team, no caseworker');
  const wb = await xlsx(ds.u.hoAdmin, `/api/reports/referrals?${day}`, 'connect-referrals-2026-06-15-to-2026-06-15.xlsx', 'UTF-8 xlsx');
  const x8 = wb.sheets[0].rows.find((r) => r[0] === 'C8');
  assert.deepEqual([x8[3], x8[4]], [team, null], 'xlsx: UTF-8 team, no caseworker');
  // Clearing the finance page turns it back into an open referral, out of the finance report.
  await put(ds.u.bUser, `/api/cases/${id}/finance`, {}, 'clear finance');
  assert.equal(await row('finance'), null, 'no longer in the finance report');
  assert.deepEqual([(await row('referrals'))[10], (await row('referrals'))[11]], ['Open referral', ''], 'an open referral again');
});
