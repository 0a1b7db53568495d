// The national report (fcgi/API.md "National report"): every figure of the financial year 2024-25
// checked cell by cell in JSON, xlsx and CSV on the known dataset of tests/lib/national.mjs (three
// councils in England, Scotland and Wales); the year boundary against 2025-26, quarter-end snapshots,
// a reopened case, the current year's quarters still to come, the filters, the role rules, the
// councils' nation and region (PATCH /api/orgs/{id}, connectctl org set / check) and a Scottish
// council's query due date skipping St Andrew's Day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../lib/stack.mjs';
import { assertError, assertOrg, assertStatus } from '../lib/http.mjs';
import { assertDownload, assertSheetLayout, dumpXlsx, getReport, parseCsv, xlsxCellOk, M } from '../lib/reports.mjs';
import { buildNational, READ_AT } from '../lib/national.mjs';

let ds;
before(async () => { ds = await buildNational(); });
after(async () => { await ds?.stack.stop(); });

const net = () => ds.u['net.admin'];
const read = () => ds.at(READ_AT);

// ---- the expected report ----------------------------------------------------------------------

const AREAS = [['adults_care_needs', 'Adults with care needs'], ['families', 'Families'],
  ['care_leavers', 'Looked-after children and care leavers'], ['not_recorded', 'Practice area not recorded'], ['all', 'All practice areas']];
const REGIONS = [['north_east', 'North East'], ['north_west', 'North West'], ['yorkshire_and_the_humber', 'Yorkshire and the Humber'],
  ['east_midlands', 'East Midlands'], ['west_midlands', 'West Midlands'], ['east_of_england', 'East of England'], ['london', 'London'],
  ['south_east', 'South East'], ['south_west', 'South West'], ['scotland', 'Scotland'], ['wales', 'Wales'], ['northern_ireland', 'Northern Ireland']];
const NATIONS = [['england', 'England'], ['scotland', 'Scotland'], ['wales', 'Wales'], ['northern_ireland', 'Northern Ireland']];
const STATUSES = ['unknown', 'no_current_permission', 'asylum_claim_recorded', 'asylum_claim_refused', 'ltr_nrpf', 'ltr_recourse', 'pending_euss',
  'pre_settled_status', 'settled_status', 'appeal_rights_exhausted', 'british_citizen', 'other'];
const REASONS = ['leave_granted_recourse', 'leave_granted_nrpf', 'transferred_to_asylum_support', 'left_area', 'voluntary_return',
  'no_longer_eligible', 'not_destitute', 'died', 'duplicate', 'other'];

/** Counts by code (the columns of an immigration or closure section) and their total. */
const counts = (codes, given = {}) => {
  const row = codes.map((c) => given[c] ?? 0);
  return [...row, row.reduce((a, b) => a + b, 0)];
};

// Section key -> column keys, their types, the "zero" row of a place with nothing, and the rows
// that are not zero (by practice area; by region and nation, the all-areas figures).
const SECTIONS = {
  households: {
    columns: ['households', 'councils_reporting', 'dependants', 'children', 'partners'], types: 'iiiii', zero: [0, 0, 0, 0, 0],
    // K1 adults (ELB); K2 families (ELB: a spouse, a child, a stepchild); K3 (STC) and K5 (WCC) care leavers.
    area: { adults_care_needs: [1, 1, 0, 0, 0], families: [1, 1, 3, 2, 1], care_leavers: [2, 2, 0, 0, 0], all: [4, 3, 3, 2, 1] },
    place: { london: [2, 1, 3, 2, 1], scotland: [1, 1, 0, 0, 0], wales: [1, 1, 0, 0, 0], england: [2, 1, 3, 2, 1] },
  },
  costs: {
    columns: ['accommodation_pence', 'subsistence_pence', 'other_pence', 'total_pence', 'average_per_household_pence',
      'thousand_day_households', 'average_per_thousand_day_household_pence'],
    types: 'mmmmmim', zero: [0, 0, 0, 0, null, 0, null],
    // K1: 365 days at £10 + £20 a day. K2: 274 days (1 July - 31 March) at £20, the £50 cost of
    // 1 August (the £30 one of 1 May 2025 is next year's). K3: 121 days at £5 + £10. K5: 183 days
    // (1 April - 30 September) at £10, supported 1,218 days at its closure: a 1,000-day household.
    area: {
      adults_care_needs: [730000, 365000, 0, 1095000, 1095000, 0, null],
      families: [0, 548000, 5000, 553000, 553000, 0, null],
      care_leavers: [121000, 243500, 0, 364500, 182250, 1, 183000],
      all: [851000, 1156500, 5000, 2012500, 503125, 1, 183000],
    },
    place: {
      london: [730000, 913000, 5000, 1648000, 824000, 0, null], england: [730000, 913000, 5000, 1648000, 824000, 0, null],
      scotland: [121000, 60500, 0, 181500, 181500, 0, null], wales: [0, 183000, 0, 183000, 183000, 1, 183000],
    },
  },
  quarter_ends: {
    columns: ['start', 'q1', 'q2', 'q3', 'q4', 'change'], types: 'iiiiii', zero: [0, 0, 0, 0, 0, 0],
    // 31 March 2024, 30 June, 30 September, 31 December, 31 March 2025. K2 starts 1 July; K5 ends on
    // 30 September (supported that day); K3 starts 1 December; K2's closure of 31 January was undone
    // by its reopening, so it is supported on 31 March 2025.
    area: {
      adults_care_needs: [1, 1, 1, 1, 1, 0], families: [0, 0, 1, 1, 1, 1], care_leavers: [1, 1, 1, 1, 1, 0], all: [2, 2, 3, 3, 3, 1],
    },
    place: { london: [1, 1, 2, 2, 2, 1], england: [1, 1, 2, 2, 2, 1], scotland: [0, 0, 0, 1, 1, 1], wales: [1, 1, 1, 0, 0, -1] },
  },
  referrals: {
    columns: ['referrals', 'councils_reporting', 'previous_year', 'change', 'change_percent'], types: 'iiiid', zero: [0, 0, 0, 0, null],
    // 2024-25: K2 (families, ELB), K3 (care leavers, STC), K4 (adults, WCC). 2023-24: K1 (adults, ELB), K5 (care leavers, WCC).
    area: { adults_care_needs: [1, 1, 1, 0, 0], families: [1, 1, 0, 1, null], care_leavers: [1, 1, 1, 0, 0], all: [3, 3, 2, 1, 50] },
    place: { london: [1, 1, 1, 0, 0], england: [1, 1, 1, 0, 0], scotland: [1, 1, 0, 1, null], wales: [1, 1, 1, 0, 0] },
  },
  time_on_support: {
    columns: ['households', 'average_days', 'thousand_day', 'thousand_day_percent'], types: 'idid', zero: [0, null, 0, null],
    // Support start to the year end or the end of support: K1 425 days, K2 274, K3 121, K5 1,218.
    area: { adults_care_needs: [1, 425, 0, 0], families: [1, 274, 0, 0], care_leavers: [2, 669.5, 1, 50], all: [4, 509.5, 1, 25] },
    place: { london: [2, 349.5, 0, 0], england: [2, 349.5, 0, 0], scotland: [1, 121, 0, 0], wales: [1, 1218, 1, 100] },
  },
  immigration_referred: {
    columns: [...STATUSES, 'total'], types: 'i'.repeat(13), zero: counts(STATUSES),
    // The first status the HO recorded: K2 ltr_nrpf, K3 no_current_permission, K4 pending_euss.
    area: {
      adults_care_needs: counts(STATUSES, { pending_euss: 1 }), families: counts(STATUSES, { ltr_nrpf: 1 }),
      care_leavers: counts(STATUSES, { no_current_permission: 1 }),
      all: counts(STATUSES, { pending_euss: 1, ltr_nrpf: 1, no_current_permission: 1 }),
    },
    place: {
      london: counts(STATUSES, { ltr_nrpf: 1 }), england: counts(STATUSES, { ltr_nrpf: 1 }),
      scotland: counts(STATUSES, { no_current_permission: 1 }), wales: counts(STATUSES, { pending_euss: 1 }),
    },
  },
  immigration_supported: {
    columns: [...STATUSES, 'total'], types: 'i'.repeat(13), zero: counts(STATUSES),
    area: {
      adults_care_needs: counts(STATUSES, { asylum_claim_recorded: 1 }), families: counts(STATUSES, { ltr_nrpf: 1 }),
      care_leavers: counts(STATUSES, { no_current_permission: 1, asylum_claim_refused: 1 }),
      all: counts(STATUSES, { asylum_claim_recorded: 1, ltr_nrpf: 1, no_current_permission: 1, asylum_claim_refused: 1 }),
    },
    place: {
      london: counts(STATUSES, { asylum_claim_recorded: 1, ltr_nrpf: 1 }), england: counts(STATUSES, { asylum_claim_recorded: 1, ltr_nrpf: 1 }),
      scotland: counts(STATUSES, { no_current_permission: 1 }), wales: counts(STATUSES, { asylum_claim_refused: 1 }),
    },
  },
  closures: {
    columns: [...REASONS, 'total'], types: 'i'.repeat(11), zero: counts(REASONS),
    // K5 on 30 September; K2's first closure (31 January, since reopened) counts in its year.
    area: {
      families: counts(REASONS, { leave_granted_recourse: 1 }), care_leavers: counts(REASONS, { leave_granted_nrpf: 1 }),
      all: counts(REASONS, { leave_granted_recourse: 1, leave_granted_nrpf: 1 }),
    },
    place: {
      london: counts(REASONS, { leave_granted_recourse: 1 }), england: counts(REASONS, { leave_granted_recourse: 1 }),
      wales: counts(REASONS, { leave_granted_nrpf: 1 }),
    },
  },
  home_office: {
    columns: ['status_checks', 'status_checks_within', 'status_checks_within_percent', 'queries_answered', 'queries_within', 'queries_within_percent'],
    types: 'iidiid', zero: [0, 0, null, 0, 0, null], byArea: false,
    // New case alerts answered: K2 in 8 working days (late), K3 by a query the next day, K4 in 2.
    // Queries answered by the HO: K1's in 12 working days (late), K4's in 2.
    area: { all: [3, 2, 66.7, 2, 1, 50] },
    place: { london: [1, 0, 0, 1, 0, 0], england: [1, 0, 0, 1, 0, 0], scotland: [1, 1, 100, 0, 0, null], wales: [1, 1, 100, 1, 1, 100] },
  },
};

/** The expected rows of a section: [breakdown, name, label, values…]. */
function expectedRows(sec) {
  const rows = [];
  if (sec.byArea === false) rows.push(['all', 'all', 'All councils', ...sec.area.all]);
  else for (const [name, label] of AREAS) rows.push(['practice_area', name, label, ...(sec.area[name] ?? sec.zero)]);
  // The other nations are their own regions (Scotland, Wales), so their region and nation rows agree.
  for (const [name, label] of REGIONS) rows.push(['region', name, label, ...(sec.place[name] ?? sec.zero)]);
  for (const [name, label] of NATIONS) rows.push(['nation', name, label, ...(sec.place[name] ?? sec.zero)]);
  return rows;
}

const SECTION_ORDER = ['households', 'costs', 'quarter_ends', 'referrals', 'time_on_support', 'immigration_referred',
  'immigration_supported', 'closures', 'home_office'];

/** The CSV text of a value of a type: i whole, m pounds and pence, d one decimal place; null empty. */
function csvValue(v, type) {
  if (v === null) return '';
  if (type === 'm') return (v / 100).toFixed(2);
  if (type === 'd') return v.toFixed(1);
  return String(v);
}

async function nationalJson(client, query) {
  const r = await client.req('GET', `/api/reports/national?${query}`);
  assertStatus(r, 200, `national ${query}`);
  return r.json;
}

// ---- the tests --------------------------------------------------------------------------------

test('JSON: every figure of 2024-25 by practice area, region and nation', async () => {
  read();
  const rep = await nationalJson(net(), 'year=2024');
  assert.deepEqual(Object.keys(rep).sort(), ['filters', 'from', 'sections', 'to', 'upto', 'year']);
  assert.deepEqual([rep.year, rep.from, rep.to, rep.upto], [2024, '2024-04-01', '2025-03-31', '2025-03-31']);
  assert.deepEqual(rep.filters, { region: null, nation: null });
  assert.deepEqual(rep.sections.map((s) => s.key), SECTION_ORDER);
  for (const s of rep.sections) {
    const sec = SECTIONS[s.key];
    assert.deepEqual(s.columns.map((c) => c.key), sec.columns, `${s.key}: columns`);
    assert.deepEqual(s.columns.map((c) => c.type),
      [...sec.types].map((t, i) => (t === 'i' ? 'int' : t === 'm' ? 'money' : sec.columns[i].endsWith('percent') ? 'percent' : 'decimal')), `${s.key}: column types`);
    assert.ok(s.columns.every((c) => typeof c.label === 'string' && c.label.length > 0), `${s.key}: labels`);
    assert.equal(typeof s.title, 'string');
    const exp = expectedRows(sec);
    assert.equal(s.rows.length, exp.length, `${s.key}: rows (no "region not set" row: every council has a region)`);
    exp.forEach((er, i) => {
      const got = s.rows[i];
      assert.deepEqual([got.breakdown, got.name, got.label], er.slice(0, 3), `${s.key}: row ${i}`);
      assert.deepEqual(sec.columns.map((c) => got.values[c]), er.slice(3), `${s.key}: ${got.breakdown} ${got.name}`);
      assert.deepEqual(Object.keys(got.values).sort(), [...sec.columns].sort(), `${s.key}: ${got.name} value keys`);
    });
  }
});

test('xlsx: one sheet per section, every cell as in JSON', async () => {
  read();
  const r = await getReport(net(), '/api/reports/national?year=2024&format=xlsx');
  assertDownload(r, 'connect-national-2024-25.xlsx', 'national xlsx');
  const wb = dumpXlsx(r.bytes);
  assert.deepEqual(wb.sheets.map((s) => s.name), SECTION_ORDER);
  const rep = await nationalJson(net(), 'year=2024');
  for (const ws of wb.sheets) {
    const sec = SECTIONS[ws.name];
    const jsec = rep.sections.find((s) => s.key === ws.name);
    assertSheetLayout(ws, ws.name, ['Breakdown', 'Name', ...jsec.columns.map((c) => c.label)], 'national');
    const exp = expectedRows(sec);
    const rows = ws.rows.slice(1);
    assert.equal(rows.length, exp.length, `${ws.name}: rows`);
    exp.forEach((er, i) => {
      const want = [er[0], er[2], ...er.slice(3).map((v, j) => (sec.types[j] === 'm' && v !== null ? M(v) : v))];
      want.forEach((ec, j) => assert.ok(xlsxCellOk(rows[i][j], ec),
        `${ws.name} row ${i + 2} (${er[1]}) column ${ws.rows[0][j]}: expected ${JSON.stringify(ec)}, got ${JSON.stringify(rows[i][j])}`));
    });
  }
});

test('CSV: one row per figure (section, breakdown, name, figure, value), every value checked', async () => {
  read();
  const r = await getReport(net(), '/api/reports/national?year=2024&format=csv');
  assertDownload(r, 'connect-national-2024-25.csv', 'national csv');
  const { rows } = parseCsv(r.bytes, 'national csv');
  assert.deepEqual(rows[0], ['Section', 'Breakdown', 'Name', 'Figure', 'Value']);
  const rep = await nationalJson(net(), 'year=2024');
  const want = [];
  for (const key of SECTION_ORDER) {
    const sec = SECTIONS[key];
    const jsec = rep.sections.find((s) => s.key === key);
    for (const er of expectedRows(sec)) {
      sec.columns.forEach((c, j) => want.push([jsec.title, er[0], er[2], jsec.columns[j].label, csvValue(er[3 + j], sec.types[j])]));
    }
  }
  assert.equal(rows.length - 1, want.length, 'one row per figure');
  want.forEach((w, i) => assert.deepEqual(rows[i + 1], w, `CSV row ${i + 2}`));
});

test('the year boundary: 2025-26 starts where 2024-25 ended; each cost and closure in its own year', async () => {
  read();
  const y24 = await nationalJson(net(), 'year=2024');
  const y25 = await nationalJson(net(), 'year=2025');
  const cell = (rep, key, name, col) => rep.sections.find((s) => s.key === key).rows.find((r) => r.name === name && r.breakdown !== 'region').values[col];
  assert.deepEqual([y25.from, y25.to], ['2025-04-01', '2026-03-31']);
  // 31 March 2025 closes one year and opens the next.
  assert.equal(cell(y25, 'quarter_ends', 'all', 'start'), cell(y24, 'quarter_ends', 'all', 'q4'));
  assert.deepEqual(['start', 'q1', 'q2', 'q3', 'q4', 'change'].map((c) => cell(y25, 'quarter_ends', 'all', c)), [3, 3, 2, 2, 2, -1],
    'K2 (families) supported until its second closure on 30 June 2025');
  // Households 2025-26: K1, K2 (to 30 June), K3; K5 ended in 2024.
  assert.deepEqual(['households', 'councils_reporting'].map((c) => cell(y25, 'households', 'all', c)), [3, 2]);
  // K2's costs: 274 days and £50 in 2024-25; 91 days (1 April - 30 June 2025) and the £30 of 1 May 2025 in 2025-26.
  assert.deepEqual(['subsistence_pence', 'other_pence'].map((c) => cell(y25, 'costs', 'families', c)), [182000, 3000]);
  assert.deepEqual(['accommodation_pence', 'subsistence_pence', 'other_pence', 'total_pence', 'average_per_household_pence'].map((c) => cell(y25, 'costs', 'all', c)),
    [1095000, 729500, 3000, 1827500, 609167]);
  // Referrals: K6 in 2025-26, against the three of 2024-25.
  assert.deepEqual(['referrals', 'previous_year', 'change', 'change_percent'].map((c) => cell(y25, 'referrals', 'all', c)), [1, 3, -2, -66.7]);
  // The reopened K2: its second closure (voluntary return) counts in 2025-26, the first in 2024-25.
  assert.equal(cell(y25, 'closures', 'families', 'voluntary_return'), 1);
  assert.equal(cell(y25, 'closures', 'families', 'leave_granted_recourse'), 0);
  assert.equal(cell(y25, 'closures', 'adults_care_needs', 'not_destitute'), 1);
  // Time on support to the year end or the end of support: K1 790, K2 365, K3 486.
  assert.deepEqual(['households', 'average_days'].map((c) => cell(y25, 'time_on_support', 'all', c)), [3, 547]);
  assert.equal(cell(y25, 'home_office', 'all', 'status_checks'), 0, 'no HO work in 2025-26');
});

test('the current year: quarter ends still to come have no figure', async () => {
  read(); // 15 June 2026
  const y26 = await nationalJson(net(), 'year=2026');
  assert.equal(y26.upto, '2026-06-15');
  const q = y26.sections.find((s) => s.key === 'quarter_ends').rows.find((r) => r.name === 'all').values;
  assert.deepEqual(q, { start: 2, q1: null, q2: null, q3: null, q4: null, change: null }, 'K1 and K3 on 31 March 2026');
  const h = y26.sections.find((s) => s.key === 'households').rows.find((r) => r.name === 'all').values;
  assert.equal(h.households, 2, 'supported in the year so far');
});

test('filters: a region or a nation counts its councils only', async () => {
  read();
  const london = await nationalJson(net(), 'year=2024&region=london');
  assert.deepEqual(london.filters, { region: 'london', nation: null });
  const all = (rep, key) => rep.sections.find((s) => s.key === key).rows.find((r) => r.name === 'all').values;
  assert.deepEqual(all(london, 'households'), { households: 2, councils_reporting: 1, dependants: 3, children: 2, partners: 1 });
  assert.equal(london.sections[0].rows.find((r) => r.name === 'wales' && r.breakdown === 'nation').values.households, 0);
  const scotland = await nationalJson(net(), 'year=2024&nation=scotland');
  assert.deepEqual(all(scotland, 'costs').total_pence, 181500);
  assert.deepEqual(all(scotland, 'home_office'), { status_checks: 1, status_checks_within: 1, status_checks_within_percent: 100, queries_answered: 0, queries_within: 0, queries_within_percent: null });
  const r = await getReport(net(), '/api/reports/national?year=2024&nation=wales&format=csv');
  assertDownload(r, 'connect-national-2024-25-wales.csv', 'wales csv');
  assertError(await net().req('GET', '/api/reports/national?year=2024&region=london&nation=wales'), 422, 'validation_failed', 'region');
  assertError(await net().req('GET', '/api/reports/national?year=2024&region=atlantis'), 422, 'validation_failed', 'region');
  assertError(await net().req('GET', '/api/reports/national?year=2024&nation=mars'), 422, 'validation_failed', 'nation');
  assertError(await net().req('GET', '/api/reports/national?year=1999'), 422, 'validation_failed', 'year');
  assertError(await net().req('GET', '/api/reports/national'), 422, 'validation_failed', 'year');
  assertError(await net().req('GET', '/api/reports/national?year=2024&format=pdf'), 422, 'validation_failed', 'format');
});

test('roles: the Network and the HO admins only; councils and HO users 403, audited', async () => {
  read();
  assertStatus(await ds.u['ho.admin'].req('GET', '/api/reports/national?year=2024'), 200, 'HO admin');
  for (const who of ['elb.admin', 'elb.user', 'stc.admin', 'ho.user']) {
    for (const format of ['', '&format=xlsx', '&format=csv']) {
      assertError(await ds.u[who].req('GET', `/api/reports/national?year=2024${format}`), 403, 'forbidden', null, `${who} ${format}`);
    }
  }
  // Each refusal is an access_refused event (folded per user and route), once the audit queue has flushed.
  const me = (await ds.u['elb.admin'].req('GET', '/api/me')).json;
  let found = [];
  for (let i = 0; i < 25 && !found.length; i += 1) {
    const tail = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', ds.data, 'audit', 'tail', '500'], { encoding: 'utf8' });
    found = tail.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .filter((e) => e.action === 'access_refused' && e.actor === me.id && e.route === 'GET /api/reports/national');
    if (!found.length) await new Promise((res) => setTimeout(res, 200));
  }
  assert.ok(found.length > 0, 'the council admin\'s refusal is audited');
  assert.equal(found[0].status, 403);
});

test('a Scottish council\'s query is due 10 Scottish working days on: St Andrew\'s Day (Monday 2 December 2024) skipped', async () => {
  // Both opened by the HO on Tuesday 26 November 2024; England and Wales has no holiday then.
  assert.equal(ds.queries.Q3.due, '2024-12-11', 'STC: 27, 28, 29 Nov, 3-6, 9-11 Dec');
  assert.equal(ds.queries.QE.due, '2024-12-10', 'ELB: 27, 28, 29 Nov, 2-6, 9, 10 Dec');
  // The Home Office's side counts England and Wales's days whatever the council: Q3 awaits the HO
  // since the council's answer of 5 December, due 5 working days later (a status check query).
  read();
  const q3 = await ds.u['ho.user'].req('GET', `/api/queries/${ds.queries.Q3.id}`);
  assertStatus(q3, 200);
  assert.equal(q3.json.due, '2024-12-12');
  // The SLA report counts the council's answer (26 November to 5 December) in Scottish working days:
  // 27, 28, 29 November, 3, 4, 5 December = 6 (England and Wales would count 2 December too).
  const sla = await ds.u['ho.admin'].req('GET', `/api/reports/sla?from=2024-10-01&to=2024-12-31&council=${ds.orgs.S}`);
  assertStatus(sla, 200);
  const answered = sla.json.rows.filter((r) => r.answered_by === 'council');
  assert.deepEqual(answered.map((r) => [r.quarter, r.type, r.count, r.within, r.median_days]), [['2024-Q4', 'query', 1, 1, 6]]);
});

test('councils\' nation and region: PATCH /api/orgs/{id} by the Network, connectctl org set and check', async () => {
  read();
  const created = await net().req('POST', '/api/orgs', { body: { kind: 'council', name: 'Lisburn Test Council', code: 'LTC' } });
  assertStatus(created, 201);
  assertOrg(created.json);
  assert.equal(created.json.nation, 'england', 'a new council is in England until told');
  assert.ok(!('region' in created.json));
  const id = created.json.id;
  const patch = (who, body) => ds.u[who].req('PATCH', `/api/orgs/${id}`, { body });
  const ni = await patch('net.admin', { nation: 'northern_ireland' });
  assertStatus(ni, 200);
  assertOrg(ni.json);
  assert.deepEqual([ni.json.nation, ni.json.region], ['northern_ireland', 'northern_ireland']);
  const ne = await patch('net.admin', { region: 'north_east' });
  assertStatus(ne, 200);
  assert.deepEqual([ne.json.nation, ne.json.region], ['england', 'north_east']);
  assertError(await patch('net.admin', { nation: 'scotland', region: 'london' }), 422, 'validation_failed', 'region');
  assertError(await patch('net.admin', { nation: 'atlantis' }), 422, 'validation_failed', 'nation');
  assertError(await patch('net.admin', { region: 'atlantis' }), 422, 'validation_failed', 'region');
  assertError(await patch('net.admin', {}), 422, 'validation_failed', 'nation');
  assertError(await patch('elb.admin', { nation: 'wales' }), 403, 'forbidden', null);
  assertError(await patch('ho.admin', { nation: 'wales' }), 403, 'forbidden', null);
  assertError(await net().req('PATCH', `/api/orgs/${ds.orgs.ho}`, { body: { nation: 'wales' } }), 422, 'validation_failed', 'nation');
  assertError(await net().req('PATCH', '/api/orgs/999999', { body: { nation: 'wales' } }), 404, 'not_found', null);
  const list = await net().req('GET', '/api/orgs?limit=100');
  assertStatus(list, 200);
  const ltc = list.json.items.find((o) => o.id === id);
  assert.deepEqual([ltc.nation, ltc.region], ['england', 'north_east'], 'the list shows it');
  list.json.items.forEach((o) => assertOrg(o));
  // The CLI: check reports a council without a region; org set gives it one.
  const cli = (...args) => spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', ds.data, ...args], { encoding: 'utf8' });
  const c2 = await net().req('POST', '/api/orgs', { body: { kind: 'council', name: 'Regionless Council', code: 'RGC' } });
  assertStatus(c2, 201);
  let check = cli('check');
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stderr, /council RGC \(Regionless Council\) has no region/);
  assert.match(check.stdout, /, 1 councils without a region/);
  const set = cli('org', 'set', 'RGC', '--nation', 'scotland');
  assert.equal(set.status, 0, set.stderr);
  assert.equal(set.stdout.trim(), 'RGC: scotland, scotland');
  assert.notEqual(cli('org', 'set', 'RGC', '--nation', 'wales', '--region', 'london').status, 0);
  assert.notEqual(cli('org', 'set', 'HO', '--nation', 'wales').status, 0, 'the HO is no council');
  check = cli('check');
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /facts rows equal to their records.*, 0 councils without a region/);
});
