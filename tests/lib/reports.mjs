// Helpers for the report tests (tests/http/reports*.test.mjs), fcgi/API.md "## Reports":
// - fetch a report as bytes; dump an .xlsx through tests/lib/xlsx_dump.py (openpyxl); parse a CSV
//   strictly (RFC 4180 with the report's rules: UTF-8 byte order mark, CRLF line ends, quoting);
// - compare report cells with expected rows written with D('YYYY-MM-DD') (a date) and M(pence) (money);
// - build the known dataset: a fresh store (no demo data) with two councils, the Home Office and the
//   Network, nine cases made on chosen days of a test clock, with finance, closures, immigration
//   statuses set by the HO, alerts answered and queries replied to on known days. Every report test
//   file builds the same dataset on its own stack; the expected figures are worked out by hand in the
//   test files from the facts listed in the comments of buildDataset().
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack } from './stack.mjs';
import { STRONG, assertStatus } from './http.mjs';
import { dependant, person, caseBody } from './cases.mjs';
import { Actor, accept, immigrationPage, miRun, openAlert, openQuery, putImmigration, sendMessage, setNow } from './alerts.mjs';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // Debian's, with openpyxl
const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = /^text\/csv;\s*charset=utf-8$/i;
export const MONEY_FORMAT = '£#,##0.00';
export const DATE_FORMAT = 'dd/mm/yyyy';

// ---- fetching -------------------------------------------------------------------------------------

/** GET a report: {status, headers, bytes, text, json}. Signs in again once when the session has ended. */
export async function getReport(client, path) {
  const go = async () => {
    const h = {};
    if (client.token) h.authorization = `Bearer ${client.token}`;
    const r = await fetch(`${client.base}${path}`, { headers: h, redirect: 'manual' });
    const bytes = Buffer.from(await r.arrayBuffer());
    let json = null;
    try { json = JSON.parse(bytes.toString('utf8')); } catch { /* a file */ }
    return { status: r.status, headers: r.headers, bytes, json, text: bytes.subarray(0, 600).toString('utf8') };
  };
  let r = await go();
  if (r.status === 401 && r.json?.error?.code === 'unauthenticated' && typeof client.signIn === 'function') {
    await client.signIn();
    r = await go();
  }
  return r;
}

/** Asserts a 200 download: content type and the exact Content-Disposition file name. */
export function assertDownload(r, filename, what = '') {
  assert.equal(r.status, 200, `${what}: status -> ${r.status} ${r.text}`);
  const ext = filename.split('.').pop();
  const ct = r.headers.get('content-type') || '';
  if (ext === 'xlsx') {
    assert.equal(ct.split(';')[0].trim(), XLSX_TYPE, `${what}: content type`);
    assert.equal(r.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', `${what}: an xlsx is a zip file`);
  } else {
    assert.match(ct, CSV_TYPE, `${what}: content type ${ct}`);
  }
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="${filename}"`, `${what}: Content-Disposition`);
}

// ---- xlsx -----------------------------------------------------------------------------------------

/** The workbook as JSON (see xlsx_dump.py): {sheets:[{name, freeze_panes, auto_filter, col_widths, header_bold, rows, formats_row2, …}]}. */
export function dumpXlsx(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'connect-xlsx-'));
  try {
    const file = join(dir, 'report.xlsx');
    writeFileSync(file, bytes);
    const r = spawnSync(PYTHON, [join(ROOT, 'tests', 'lib', 'xlsx_dump.py'), file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `xlsx_dump.py failed (is python3-openpyxl installed?): ${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Column letter of a 1-based column number. */
export function colLetter(n) {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/**
 * The worksheet conventions of API.md: header row bold and equal to `header`, frozen below the header
 * (A2), an autofilter over the header's columns (A1:<last>1, or down to the last row), and every column
 * given a width.
 */
export function assertSheetLayout(ws, name, header, what = '') {
  const w = `${what} sheet ${name}`;
  assert.equal(ws.name, name, `${w}: name`);
  assert.deepEqual(ws.rows[0], header, `${w}: header row`);
  assert.equal(ws.max_column, header.length, `${w}: no columns beyond the header`);
  assert.deepEqual(ws.header_bold, header.map(() => true), `${w}: header cells bold`);
  assert.equal(ws.freeze_panes, 'A2', `${w}: header row frozen (freeze panes at A2)`);
  const last = colLetter(header.length);
  const okRefs = [`A1:${last}1`, `A1:${last}${ws.rows.length}`];
  assert.ok(okRefs.includes(ws.auto_filter), `${w}: autofilter over the header columns, one of ${okRefs.join(' / ')}, got ${ws.auto_filter}`);
  for (let c = 1; c <= header.length; c += 1) {
    const d = ws.col_widths.find((x) => x.min <= c && c <= x.max);
    assert.ok(d && d.width > 0, `${w}: column ${colLetter(c)} has a width set (${JSON.stringify(ws.col_widths)})`);
  }
}

// ---- expected cells -------------------------------------------------------------------------------

/** An expected date cell. */
export const D = (date) => ({ date });
/** An expected money cell, in pence. */
export const M = (pence) => ({ pence });

/** Compare one xlsx cell with an expected value (string, integer, null, D(), M()). */
export function xlsxCellOk(got, exp) {
  if (exp === null) return got === null;
  if (typeof exp === 'string') return got === exp;
  if (typeof exp === 'number') return got === exp;
  if ('date' in exp) return got !== null && typeof got === 'object' && got.date === exp.date && Object.keys(got).length === 1;
  if ('pence' in exp) return typeof got === 'number' && Math.abs(got * 100 - exp.pence) < 1e-6;
  return false;
}

/**
 * Pair the data rows with the expected rows. Rows whose first cell is a Connect ID are paired by it (so that a
 * row in the wrong place still has its cells checked; the order is checked by assertIdOrder); others by position.
 */
function pairRows(rows, expected, what) {
  assert.equal(rows.length, expected.length, `${what}: ${expected.length} data rows, got ${rows.length}: ${JSON.stringify(rows.map((r) => r[0]))}`);
  const byId = expected.every((r) => typeof r[0] === 'string' && /^C\d+$/.test(r[0]));
  return expected.map((er, i) => {
    if (!byId) return [er, rows[i], i];
    const k = rows.findIndex((r) => r[0] === er[0]);
    assert.ok(k >= 0, `${what}: a row for ${er[0]}; rows ${JSON.stringify(rows.map((r) => r[0]))}`);
    return [er, rows[k], k];
  });
}

/** Assert xlsx data rows (after the header) equal `expected` cell by cell (order: see assertIdOrder). */
export function assertXlsxRows(ws, expected, what = '') {
  const rows = ws.rows.slice(1).filter((r) => r.some((c) => c !== null));
  for (const [er, got, k] of pairRows(rows, expected, what)) {
    assert.equal(got.length, er.length, `${what}: row ${k + 2} width`);
    er.forEach((ec, j) => {
      assert.ok(xlsxCellOk(got[j], ec), `${what}: row ${k + 2} (${er[0]}) column ${ws.rows[0][j]}: expected ${JSON.stringify(ec)}, got ${JSON.stringify(got[j])}`);
    });
  }
}

/** API.md: "Rows are in Connect ID order (ascending)" — across councils too. */
export function assertIdOrder(rows, expectedIds, what = '') {
  assert.deepEqual(rows.map((r) => r[0]), expectedIds, `${what}: rows in Connect ID order`);
}

/**
 * Assert the number formats of row 2: dates dd/mm/yyyy, money £#,##0.00 (where the expected row has them).
 * `expected`: the expected row 2, or a list of expected rows to pick row 2's from by its Connect ID.
 */
export function assertRow2Formats(ws, expected, what = '') {
  const expectedRow2 = Array.isArray(expected[0]) ? expected.find((r) => r[0] === ws.rows[1][0]) : expected;
  assert.ok(expectedRow2, `${what}: row 2 is one of the expected rows (${ws.rows[1][0]})`);
  expectedRow2.forEach((ec, j) => {
    if (ec && typeof ec === 'object' && 'date' in ec) assert.equal(ws.formats_row2[j], DATE_FORMAT, `${what}: ${ws.rows[0][j]} date format`);
    if (ec && typeof ec === 'object' && 'pence' in ec) assert.equal(ws.formats_row2[j], MONEY_FORMAT, `${what}: ${ws.rows[0][j]} money format`);
  });
}

/** The CSV text of an expected cell: dates YYYY-MM-DD, money in pounds with two decimals, empty for null. */
export function csvText(exp) {
  if (exp === null) return '';
  if (typeof exp === 'string') return exp;
  if (typeof exp === 'number') return String(exp);
  if ('date' in exp) return exp.date;
  if ('pence' in exp) return `${Math.trunc(exp.pence / 100)}.${String(exp.pence % 100).padStart(2, '0')}`;
  throw new Error(`csvText: ${JSON.stringify(exp)}`);
}

// ---- csv ------------------------------------------------------------------------------------------

/**
 * Parse a report CSV strictly: it must start with the UTF-8 byte order mark, be valid UTF-8, end every
 * record with CRLF (no bare CR or LF outside quotes), and quote per RFC 4180 (a quoted field is followed
 * by a comma or a line end; `"` inside is doubled; no `"` inside an unquoted field).
 * Returns {rows: [[string…]…], quoted: [[bool…]…]}.
 */
export function parseCsv(bytes, what = 'csv') {
  assert.ok(Buffer.isBuffer(bytes), `${what}: bytes`);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${what}: starts with the UTF-8 byte order mark`);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
  const rows = []; const quoted = [];
  let i = 0;
  assert.ok(text.length > 0, `${what}: not empty (a header row at least)`);
  while (i < text.length) {
    const row = []; const q = [];
    for (;;) {
      let field = ''; let isQuoted = false;
      if (text[i] === '"') {
        isQuoted = true; i += 1;
        for (;;) {
          assert.ok(i < text.length, `${what}: unterminated quoted field in record ${rows.length + 1}`);
          if (text[i] === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i += 1; break;
          }
          field += text[i]; i += 1;
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          assert.notEqual(text[i], '"', `${what}: a bare quote inside an unquoted field in record ${rows.length + 1}`);
          field += text[i]; i += 1;
        }
      }
      row.push(field); q.push(isQuoted);
      if (text[i] === ',') { i += 1; continue; }
      assert.ok(i < text.length, `${what}: the last record ends with CRLF`);
      assert.equal(text.slice(i, i + 2), '\r\n', `${what}: record ${rows.length + 1} ends with CRLF (got ${JSON.stringify(text.slice(i, i + 2))})`);
      i += 2;
      break;
    }
    rows.push(row); quoted.push(q);
  }
  const width = rows[0].length;
  rows.forEach((r, n) => assert.equal(r.length, width, `${what}: record ${n + 1} has ${width} fields`));
  return { rows, quoted, text };
}

/** Assert CSV data rows equal the expected rows, cell by cell (order: see assertIdOrder). */
export function assertCsvRows(csv, header, expected, what = '') {
  assert.deepEqual(csv.rows[0], header, `${what}: header row`);
  for (const [er, got, k] of pairRows(csv.rows.slice(1), expected, what)) {
    er.forEach((ec, j) => {
      assert.equal(got[j], csvText(ec), `${what}: row ${k + 2} (${er[0]}) column ${header[j]}`);
    });
  }
}

// ---- the dataset ----------------------------------------------------------------------------------

export const TODAY = '2026-06-15'; // a Monday (BST)
export const COUNCIL_A = 'Alderley Borough Council';
export const COUNCIL_B = 'Brookfield City Council';
export const NAMES = {
  aAdmin: 'Alice Adams', aUser: 'Amal Baker', aUser2: 'Arun "AJ" Clarke', bAdmin: 'Beth Brown', bUser: 'Bilal Carter',
  hoAdmin: 'Hana Officer', hoUser: 'Harry Checker', net: 'Nina Network',
};

function ctl(data, args, input) {
  const r = spawnSync(join(BIN, 'connectctl'), ['--data', data, ...args], { input, encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
  assert.equal(r.status, 0, `connectctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * The known dataset, built through the API on a fresh stack whose clock moves from 2025-12-15 to
 * TODAY (2026-06-15, 12:00Z). Councils A (Alderley) and B (Brookfield); Connect IDs 1..9 in creation
 * order. Every event at 10:00Z unless said (UK date = UTC date in winter; BST +1 h in summer).
 *
 * C1 (B) created 2025-12-15 by Bilal Carter, caseworker Bilal Carter, team none, children_act_s24a,
 *    care_leaver, nationality Afghan, referral_source another_council, no dependants.
 *    2025-12-22 HO status asylum_claim_refused, recourse false (new_case answered: 5 working days).
 *    Finance (set 2026-04-01 15:00Z): start 2026-01-05, subsistence 3500/wk, accommodation none 0/wk,
 *    other costs Laptop 19999 on 2026-01-20 and Storage 2500 on 2026-04-20 (after the support ended),
 *    support end 2026-04-01.
 *    Closed 2026-04-01 (16:00Z), closure_date 2026-04-01, left_area; case_closed accepted by the HO 2026-04-08 (3 wd).
 * C2 (A) created 2026-01-12 by Amal Baker, caseworker Amal Baker, team North, care_act_2014, single_adult,
 *    Eritrean, self_referral, no dependants.
 *    2026-01-14 HO status asylum_claim_recorded, recourse false (new_case: 2 wd); 2026-03-02 HO ltr_nrpf, false.
 *    Finance (set TODAY): start 2026-02-02, subsistence 5000, hostel 12345, other costs Deposit 10000 on
 *    2026-03-15, Uniform 4550 on 2026-05-10, Travel 3000 on 2026-06-20 (after TODAY). Open supported.
 *    Query Qa (council, status_discrepancy): council 2026-02-16, HO 2026-02-27 (9 wd), council 2026-03-03
 *    (answers the HO: 2 wd), council again 2026-03-05 (a follow-up), HO 2026-03-19 (12 wd from 03-03).
 * C3 (B) created 2026-01-20 by Bilal Carter, caseworker Bilal Carter, team "Central, East", care_act_2014,
 *    single_adult, Iraqi, police, no dependants. 2026-01-29 HO no_current_permission, false (new_case: 7 wd).
 *    No finance. Closed 2026-03-31 (12:00Z), duplicate; case_closed accepted 2026-03-31 15:00Z (0 wd).
 * C4 (A) created 2026-02-03 by Amal Baker, caseworker Arun "AJ" Clarke, team North, children_act_s17,
 *    lone_parent_family, Nigerian, health, 2 dependants. 2026-02-05 HO ltr_nrpf, false (new_case: 2 wd).
 *    Finance (set 2026-04-30 14:00Z): start 2026-02-10, subsistence 7000, private_rented 20000, other cost
 *    Furniture 25000 on 2026-04-01, no end. Closed 2026-04-30 (15:00Z), leave_granted_nrpf (support end
 *    becomes 2026-04-30); case_closed accepted 2026-05-08 (5 wd: 4 May is a bank holiday).
 * C5 (A) created 2026-03-20 by Alice Adams, no caseworker, team "=1+2", children_act_s20, looked_after_child,
 *    nationality "-Somali", no referral source, no dependants. No immigration status ever set, no finance.
 *    2026-03-25 the HO opens query Qb on it (clears new_case: 3 wd); the council replies 2026-04-10
 *    (10 wd: Good Friday 3 Apr and Easter Monday 6 Apr are bank holidays).
 * C6 (A) created 2026-04-01 09:00Z by Alice Adams, caseworker Alice Adams, team "+Plus", care_act_2014,
 *    couple, nationality "@Home", legal_representative, 1 dependant (spouse).
 *    2026-04-15 HO pre_settled_status, recourse true (new_case: 8 wd, late).
 *    2026-04-20 the council adds a dependant (council_update), accepted by the HO admin 2026-05-05 (10 wd, late).
 *    Urgent query Qu (safeguarding) by the council 2026-04-22; HO reply 2026-04-24 (2 wd, allowed 1);
 *    council reply 2026-04-28 (2 wd, allowed 10).
 *    2026-05-14 HO final outcome leave_granted, decision_date 2026-05-01 (8 wd, allowed 7).
 *    Finance (set TODAY): start 2026-04-06, subsistence 4000, bed_and_breakfast 9100, no other costs.
 * C7 (B) created 2026-06-11 23:30Z (UK 2026-06-12 00:30) by Beth Brown, caseworker Beth Brown, team
 *    "Central, East", children_act_s17, family, Sudanese, voluntary_sector, 3 dependants.
 *    Finance (set 2026-06-12): start 2026-06-12, subsistence 9800, temporary 21000.
 *    TODAY 11:30Z HO status asylum_claim_recorded, recourse false (new_case raised on the UK date 06-12, a
 *    Friday: 1 working day).
 * C8 (B) created TODAY 09:00Z by Bilal Carter, no caseworker, no team, care_act_2014, household other,
 *    Ukrainian, referral_source other, no dependants. Open referral. TODAY 11:30Z the HO opens a query on it
 *    (clears new_case: 0 working days; the query stays unanswered).
 * C9 (B) created TODAY 10:00Z by Bilal Carter, caseworker Bilal Carter, team "Central, East",
 *    children_act_s17, lone_parent_family, Albanian, council_service, 1 dependant.
 *    Finance (set TODAY): start 2023-09-19 (exactly 1,000 days before TODAY), subsistence 2100, supported 7000.
 */
export async function buildDataset() {
  const data = mkdtempSync(join(tmpdir(), 'connect-reports-'));
  ctl(data, ['init']);
  const org = (kind, name, code) => Number(ctl(data, ['org', 'add', '--kind', kind, '--name', name, '--code', code]));
  const hoOrg = org('home_office', 'Home Office', 'HO');
  const netOrg = org('network', 'NRPF Network', 'NET');
  const A = { id: org('council', COUNCIL_A, 'ABC'), name: COUNCIL_A };
  const B = { id: org('council', COUNCIL_B, 'BCC'), name: COUNCIL_B };
  const ids = {};
  const user = (key, code, username, role, team) => {
    const args = ['user', 'add', '--org', code, '--username', username, '--name', NAMES[key], '--role', role, '--password-stdin'];
    if (team) args.push('--team', team);
    ids[key] = Number(ctl(data, args, `${STRONG}\n`));
    return username;
  };
  const un = {
    aAdmin: user('aAdmin', 'ABC', 'abc.admin', 'admin'), aUser: user('aUser', 'ABC', 'abc.user', 'user', 'North'),
    aUser2: user('aUser2', 'ABC', 'abc.user2', 'user'), bAdmin: user('bAdmin', 'BCC', 'bcc.admin', 'admin'),
    bUser: user('bUser', 'BCC', 'bcc.user', 'user'), hoAdmin: user('hoAdmin', 'HO', 'ho.admin', 'admin'),
    hoUser: user('hoUser', 'HO', 'ho.user', 'user'), net: user('net', 'NET', 'net.admin', 'admin'),
  };
  assert.ok(hoOrg > 0 && netOrg > 0);

  const stack = await startStack({ data, demo: false, clock: Math.floor(Date.parse('2025-12-15T09:00:00Z') / 1000) - Math.floor(Date.now() / 1000) });
  const at = (iso) => setNow(stack, iso);
  const u = {};
  for (const [k, name] of Object.entries(un)) u[k] = await new Actor(stack.base, name, STRONG).signIn();

  const cases = {};
  let n = 0;
  async function create(client, key, { nationality, deps = 0, depRel = 'child', ...over }) {
    const body = caseBody({
      principal: person({ nationality }),
      dependants: Array.from({ length: deps }, () => dependant({ relationship: depRel })),
      ...over,
    });
    const r = await client.req('POST', '/api/cases', { body });
    assertStatus(r, 201, `create ${key}`);
    n += 1;
    assert.equal(r.json.id, n, `${key} gets Connect ID C${n}`);
    cases[key] = r.json;
    return r.json;
  }
  const imm = (client, c, status, rtpf) => putImmigration(client, c.id, immigrationPage({ status, recourse_to_public_funds: rtpf }), `HO status on ${c.connect_id}`);
  const finance = async (client, c, f) => assertStatus(await client.req('PUT', `/api/cases/${c.id}/finance`, { body: f }), 200, `finance ${c.connect_id}`);
  const close = async (client, c, closure_date, reason) => assertStatus(await client.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date, reason } }), 200, `close ${c.connect_id}`);

  at('2025-12-15T10:00:00Z');
  const C1 = await create(u.bUser, 'C1', { nationality: 'Afghan', legislation: 'children_act_s24a', household_type: 'care_leaver', referral_source: 'another_council', caseworker_id: ids.bUser });
  at('2025-12-22T10:00:00Z');
  await imm(u.hoUser, C1, 'asylum_claim_refused', false);

  at('2026-01-12T10:00:00Z');
  const C2 = await create(u.aUser, 'C2', { nationality: 'Eritrean', legislation: 'care_act_2014', household_type: 'single_adult', referral_source: 'self_referral', caseworker_id: ids.aUser, team: 'North' });
  at('2026-01-14T10:00:00Z');
  await imm(u.hoUser, C2, 'asylum_claim_recorded', false);

  at('2026-01-20T10:00:00Z');
  const C3 = await create(u.bUser, 'C3', { nationality: 'Iraqi', legislation: 'care_act_2014', household_type: 'single_adult', referral_source: 'police', caseworker_id: ids.bUser, team: 'Central, East' });
  at('2026-01-29T10:00:00Z');
  await imm(u.hoUser, C3, 'no_current_permission', false);

  at('2026-02-03T10:00:00Z');
  const C4 = await create(u.aUser, 'C4', { nationality: 'Nigerian', deps: 2, legislation: 'children_act_s17', household_type: 'lone_parent_family', referral_source: 'health', caseworker_id: ids.aUser2, team: 'North' });
  at('2026-02-05T10:00:00Z');
  await imm(u.hoUser, C4, 'ltr_nrpf', false);

  at('2026-02-16T10:00:00Z');
  const Qa = await openQuery(u.aUser, C2.id, { category: 'status_discrepancy', message: 'Is the claim recorded?' }, 'Qa');
  at('2026-02-27T10:00:00Z');
  await sendMessage(u.hoUser, Qa.id, 'Yes, recorded.', 'Qa HO reply');
  at('2026-03-02T10:00:00Z');
  await imm(u.hoUser, C2, 'ltr_nrpf', false);
  at('2026-03-03T10:00:00Z');
  await sendMessage(u.aUser, Qa.id, 'Thank you; and the conditions?', 'Qa council reply');
  at('2026-03-05T10:00:00Z');
  await sendMessage(u.aUser, Qa.id, 'Chasing our question of 3 March.', 'Qa council follow-up');
  at('2026-03-19T10:00:00Z');
  await sendMessage(u.hoUser, Qa.id, 'NRPF condition applies.', 'Qa HO second reply');

  at('2026-03-20T10:00:00Z');
  const C5 = await create(u.aAdmin, 'C5', { nationality: '-Somali', legislation: 'children_act_s20', household_type: 'looked_after_child', team: '=1+2' });
  at('2026-03-25T10:00:00Z');
  const Qb = await openQuery(u.hoUser, C5.id, { category: 'other', message: 'Please send the passport.' }, 'Qb');

  at('2026-03-31T12:00:00Z');
  await close(u.bUser, C3, '2026-03-31', 'duplicate');
  at('2026-03-31T15:00:00Z');
  await accept(u.hoUser, (await openAlert(u.hoUser, C3.id, 'case_closed', 'C3')).id, 'accept case_closed C3');

  at('2026-04-01T09:00:00Z');
  const C6 = await create(u.aAdmin, 'C6', { nationality: '@Home', deps: 1, depRel: 'spouse', legislation: 'care_act_2014', household_type: 'couple', referral_source: 'legal_representative', caseworker_id: ids.aAdmin, team: '+Plus' });
  at('2026-04-01T15:00:00Z');
  await finance(u.bUser, C1, { support_start_date: '2026-01-05', weekly_subsistence_pence: 3500, accommodation_type: 'none', weekly_accommodation_pence: 0,
    other_costs: [{ description: 'Laptop', amount_pence: 19999, date: '2026-01-20' }, { description: 'Storage', amount_pence: 2500, date: '2026-04-20' }],
    support_end_date: '2026-04-01' });
  at('2026-04-01T16:00:00Z');
  await close(u.bUser, C1, '2026-04-01', 'left_area');
  at('2026-04-08T10:00:00Z');
  await accept(u.hoUser, (await openAlert(u.hoUser, C1.id, 'case_closed', 'C1')).id, 'accept case_closed C1');
  at('2026-04-10T10:00:00Z');
  await sendMessage(u.aUser, Qb.id, 'Passport attached.', 'Qb council reply');
  at('2026-04-15T10:00:00Z');
  await imm(u.hoUser, C6, 'pre_settled_status', true);
  at('2026-04-20T10:00:00Z');
  assertStatus(await u.aAdmin.req('POST', `/api/cases/${C6.id}/dependants`, { body: dependant() }), 201, 'add a dependant to C6');
  at('2026-04-22T10:00:00Z');
  const Qu = await openQuery(u.aAdmin, C6.id, { category: 'other', message: 'Urgent: safeguarding.', urgent: true, urgent_reason: 'safeguarding' }, 'Qu');
  at('2026-04-24T10:00:00Z');
  await sendMessage(u.hoUser, Qu.id, 'Looking into it.', 'Qu HO reply');
  at('2026-04-28T10:00:00Z');
  await sendMessage(u.aAdmin, Qu.id, 'Thank you.', 'Qu council reply');
  at('2026-04-30T14:00:00Z');
  await finance(u.aUser, C4, { support_start_date: '2026-02-10', weekly_subsistence_pence: 7000, accommodation_type: 'private_rented', weekly_accommodation_pence: 20000,
    other_costs: [{ description: 'Furniture', amount_pence: 25000, date: '2026-04-01' }] });
  at('2026-04-30T15:00:00Z');
  await close(u.aUser, C4, '2026-04-30', 'leave_granted_nrpf');
  at('2026-05-05T10:00:00Z');
  await accept(u.hoAdmin, (await openAlert(u.hoAdmin, C6.id, 'council_update', 'C6')).id, 'accept council_update C6');
  at('2026-05-08T10:00:00Z');
  await accept(u.hoUser, (await openAlert(u.hoUser, C4.id, 'case_closed', 'C4')).id, 'accept case_closed C4');
  at('2026-05-14T10:00:00Z');
  // The weekly MI report ran on the decision day: the 7 working days count from it.
  await miRun(u.hoAdmin, '2026-05-01');
  assertStatus(await u.hoUser.req('POST', `/api/cases/${C6.id}/final-outcome`, { body: { outcome: 'leave_granted', decision_date: '2026-05-01' } }), 201, 'final outcome C6');

  at('2026-06-11T23:30:00Z');
  const C7 = await create(u.bAdmin, 'C7', { nationality: 'Sudanese', deps: 3, legislation: 'children_act_s17', household_type: 'family', referral_source: 'voluntary_sector', caseworker_id: ids.bAdmin, team: 'Central, East' });
  at('2026-06-12T10:00:00Z');
  await finance(u.bAdmin, C7, { support_start_date: '2026-06-12', weekly_subsistence_pence: 9800, accommodation_type: 'temporary', weekly_accommodation_pence: 21000, other_costs: [] });

  at(`${TODAY}T09:00:00Z`);
  await create(u.bUser, 'C8', { nationality: 'Ukrainian', legislation: 'care_act_2014', household_type: 'other', referral_source: 'other' });
  at(`${TODAY}T10:00:00Z`);
  const C9 = await create(u.bUser, 'C9', { nationality: 'Albanian', deps: 1, legislation: 'children_act_s17', household_type: 'lone_parent_family', referral_source: 'council_service', caseworker_id: ids.bUser, team: 'Central, East' });
  at(`${TODAY}T11:00:00Z`);
  await finance(u.aUser, C2, { support_start_date: '2026-02-02', weekly_subsistence_pence: 5000, accommodation_type: 'hostel', weekly_accommodation_pence: 12345,
    other_costs: [{ description: 'Deposit', amount_pence: 10000, date: '2026-03-15' }, { description: 'Uniform', amount_pence: 4550, date: '2026-05-10' },
      { description: 'Travel', amount_pence: 3000, date: '2026-06-20' }] });
  await finance(u.aAdmin, C6, { support_start_date: '2026-04-06', weekly_subsistence_pence: 4000, accommodation_type: 'bed_and_breakfast', weekly_accommodation_pence: 9100, other_costs: [] });
  await finance(u.bUser, C9, { support_start_date: '2023-09-19', weekly_subsistence_pence: 2100, accommodation_type: 'supported', weekly_accommodation_pence: 7000, other_costs: [] });
  at(`${TODAY}T11:30:00Z`);
  await imm(u.hoUser, C7, 'asylum_claim_recorded', false);
  await openQuery(u.hoUser, cases.C8.id, { category: 'other', message: 'Any documents?' }, 'Qc');
  at(`${TODAY}T12:00:00Z`);

  return { stack, data, at, u, ids, A, B, cases, queries: { Qa, Qb, Qu } };
}

/** The "now" of the reports: TODAY at 12:00Z (call before each request batch: the test clock runs). */
export function reportNow(ds) { ds.at(`${TODAY}T12:00:00Z`); }
