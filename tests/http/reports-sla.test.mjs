// SLA report (fcgi/API.md "### SLA"): items answered in the range, by quarter of the answer, type and
// answering side, on the known dataset of tests/lib/reports.mjs, with every working-day count worked out
// by hand (England and Wales bank holidays: Good Friday 2026-04-03, Easter Monday 04-06, Early May 05-04).
// Time taken = working days after the raised date up to and including the answer date (0 the same day).
// Percentiles are nearest-rank: rank ⌈p × n / 100⌉ of the sorted values.
//
// Items (raised → answered, working days, allowed):
//   new_case      C1 (B) 2025-12-15 → 12-22  5/5  within   2025-Q4
//   new_case      C2 (A) 2026-01-12 → 01-14  2/5  within   2026-Q1
//   new_case      C3 (B) 2026-01-20 → 01-29  7/5  late     2026-Q1
//   new_case      C4 (A) 2026-02-03 → 02-05  2/5  within   2026-Q1
//   new_case      C5 (A) 2026-03-20 → 03-25  3/5  within   2026-Q1 (cleared by the HO's query)
//   new_case      C6 (A) 2026-04-01 → 04-15  8/5  late     2026-Q2
//   new_case      C7 (B) 2026-06-12 → 06-15  1/5  within   2026-Q2 (raised 2026-06-11T23:30Z: the UK date is 06-12)
//   new_case      C8 (B) 2026-06-15 → 06-15  0/5  within   2026-Q2 (cleared by the HO's query)
//   council_update C6 (A) 2026-04-20 → 05-05 10/5  late     2026-Q2
//   case_closed   C3 (B) 2026-03-31 → 03-31  0/5  within   2026-Q1
//   case_closed   C1 (B) 2026-04-01 → 04-08  3/5  within   2026-Q2
//   case_closed   C4 (A) 2026-04-30 → 05-08  5/5  within   2026-Q2
//   final_outcome C6 (A) decision 2026-05-01 → raised 05-14  8/7  late  2026-Q2
//   query Qa (C2, A): council 02-16 → HO 02-27   9/10 within  ho       2026-Q1
//                     HO 02-27 → council 03-03    2/10 within  council  2026-Q1
//                     council 03-03 (+ follow-up 03-05) → HO 03-19  12/10 late  ho  2026-Q1 (the first unanswered message counts)
//   query Qb (C5, A): HO 03-25 → council 04-10   10/10 within council  2026-Q2
//   urgent Qu (C6, A): council 04-22 → HO 04-24   2/1 late     ho       2026-Q2
//                      HO 04-24 → council 04-28   2/10 within  council  2026-Q2
//   Qc (C8): opened by the HO today, unanswered: not an item. C7's, C9's new_case: C9's is open, not an item.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, STRONG, assertError, assertStatus, createActiveUser } from '../lib/http.mjs';
import { serverSeconds } from '../lib/stack.mjs';
import { Actor, home, immigrationPage, putImmigration } from '../lib/alerts.mjs';
import { caseBody, person } from '../lib/cases.mjs';
import { miRun } from '../lib/alerts.mjs';
import { assertDownload, assertSheetLayout, buildDataset, dumpXlsx, getReport, parseCsv, reportNow } from '../lib/reports.mjs';

let ds;
before(async () => { ds = await buildDataset(); });
after(async () => { await ds?.stack.stop(); });

const row = (quarter, type, answered_by, count, within, percent_within, median_days, p90_days) => ({ quarter, type, answered_by, count, within, percent_within, median_days, p90_days });

// Every council.
const Q4_2025 = [row('2025-Q4', 'new_case', 'ho', 1, 1, 100, 5, 5)];
const Q1_2026 = [
  row('2026-Q1', 'new_case', 'ho', 4, 3, 75, 2, 7), // [2, 2, 3, 7]: median rank 2 → 2; p90 rank ⌈3.6⌉ = 4 → 7
  row('2026-Q1', 'case_closed', 'ho', 1, 1, 100, 0, 0),
  row('2026-Q1', 'query', 'ho', 2, 1, 50, 9, 12), // [9, 12]: rank 1 → 9; rank ⌈1.8⌉ = 2 → 12
  row('2026-Q1', 'query', 'council', 1, 1, 100, 2, 2),
];
const Q2_2026 = [
  row('2026-Q2', 'new_case', 'ho', 3, 2, 66.7, 1, 8), // [0, 1, 8]: rank ⌈1.5⌉ = 2 → 1; rank ⌈2.7⌉ = 3 → 8
  row('2026-Q2', 'council_update', 'ho', 1, 0, 0, 10, 10),
  row('2026-Q2', 'case_closed', 'ho', 2, 2, 100, 3, 5), // [3, 5]
  row('2026-Q2', 'final_outcome', 'ho', 1, 0, 0, 8, 8),
  row('2026-Q2', 'query', 'council', 1, 1, 100, 10, 10),
  row('2026-Q2', 'urgent_query', 'ho', 1, 0, 0, 2, 2),
  row('2026-Q2', 'urgent_query', 'council', 1, 1, 100, 2, 2),
];
// Council A: C2, C4, C5, C6 and the queries on them.
const A_ROWS = [
  row('2026-Q1', 'new_case', 'ho', 3, 3, 100, 2, 3), // [2, 2, 3]: rank 2 → 2; rank 3 → 3
  row('2026-Q1', 'query', 'ho', 2, 1, 50, 9, 12),
  row('2026-Q1', 'query', 'council', 1, 1, 100, 2, 2),
  row('2026-Q2', 'new_case', 'ho', 1, 0, 0, 8, 8),
  row('2026-Q2', 'council_update', 'ho', 1, 0, 0, 10, 10),
  row('2026-Q2', 'case_closed', 'ho', 1, 1, 100, 5, 5),
  row('2026-Q2', 'final_outcome', 'ho', 1, 0, 0, 8, 8),
  row('2026-Q2', 'query', 'council', 1, 1, 100, 10, 10),
  row('2026-Q2', 'urgent_query', 'ho', 1, 0, 0, 2, 2),
  row('2026-Q2', 'urgent_query', 'council', 1, 1, 100, 2, 2),
];
// Council B: C1, C3, C7, C8.
const B_ROWS = [
  row('2025-Q4', 'new_case', 'ho', 1, 1, 100, 5, 5),
  row('2026-Q1', 'new_case', 'ho', 1, 0, 0, 7, 7),
  row('2026-Q1', 'case_closed', 'ho', 1, 1, 100, 0, 0),
  row('2026-Q2', 'new_case', 'ho', 2, 2, 100, 0, 1), // [0, 1]: rank 1 → 0; rank 2 → 1
  row('2026-Q2', 'case_closed', 'ho', 1, 1, 100, 3, 3),
];

// The NINo batches received and not yet answered, as of the request (the HO's report over every council;
// null for the Network and for a report narrowed to a council). `as_of` is the server's now: checked
// against the test clock, then written 'NOW' so that whole answers compare.
const NONE_OPEN = { as_of: 'NOW', awaiting_results: 0, due: 0, overdue: 0 };
function nowed(json, what) {
  if (json?.nino_open) {
    const t = Date.parse(json.nino_open.as_of);
    assert.match(json.nino_open.as_of, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, `${what}: as_of`);
    assert.ok(Math.abs(t / 1000 - serverSeconds(ds.stack.base)) < 120, `${what}: as_of ${json.nino_open.as_of} is the server's now`);
    json.nino_open.as_of = 'NOW';
  }
  return json;
}

async function sla(client, query, what = query, { now = true } = {}) {
  if (now) reportNow(ds);
  const r = await client.req('GET', `/api/reports/sla?${query}`);
  assert.equal(r.status, 200, `${what} -> ${r.status} ${r.text?.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/i, `${what}: JSON`);
  return nowed(r.json, what);
}

test('SLA, every council (HO user and HO admin): count, within, percent, median and 90th percentile by quarter, type and side', async () => {
  for (const c of [ds.u.hoUser, ds.u.hoAdmin]) {
    assert.deepEqual(await sla(c, 'from=2026-01-01&to=2026-06-30'),
      { from: '2026-01-01', to: '2026-06-30', council: null, rows: [...Q1_2026, ...Q2_2026], nino_open: NONE_OPEN }, `${c.username} 2026 H1`);
  }
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2025-10-01&to=2026-06-30'),
    { from: '2025-10-01', to: '2026-06-30', council: null, rows: [...Q4_2025, ...Q1_2026, ...Q2_2026], nino_open: NONE_OPEN }, 'from 2025-Q4');
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-04-01&to=2026-06-30'),
    { from: '2026-04-01', to: '2026-06-30', council: null, rows: Q2_2026, nino_open: NONE_OPEN }, 'Q2 only');
});

test('SLA range edges: items answered on `from` and on `to` count, the day after `to` does not', async () => {
  // 02-27 (Qa's first HO reply) and 03-03 (the council's reply) are in; nothing else was answered 02-27..03-03.
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-02-27&to=2026-03-03'), {
    from: '2026-02-27', to: '2026-03-03', council: null,
    rows: [row('2026-Q1', 'query', 'ho', 1, 1, 100, 9, 9), row('2026-Q1', 'query', 'council', 1, 1, 100, 2, 2)], nino_open: NONE_OPEN,
  });
  // 02-28..03-02: nothing answered.
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-02-28&to=2026-03-02'), { from: '2026-02-28', to: '2026-03-02', council: null, rows: [], nino_open: NONE_OPEN });
  // 03-31..04-08: C3's case_closed (03-31, Q1) and C1's (04-08, Q2) fall in different quarters.
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-03-31&to=2026-04-08'), {
    from: '2026-03-31', to: '2026-04-08', council: null,
    rows: [row('2026-Q1', 'case_closed', 'ho', 1, 1, 100, 0, 0), row('2026-Q2', 'case_closed', 'ho', 1, 1, 100, 3, 3)], nino_open: NONE_OPEN,
  });
  // 06-15 alone: C7's new_case (1 working day from the UK date 06-12) and C8's (0).
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-06-15&to=2026-06-15'), {
    from: '2026-06-15', to: '2026-06-15', council: null, rows: [row('2026-Q2', 'new_case', 'ho', 2, 2, 100, 0, 1)], nino_open: NONE_OPEN,
  });
});

test('SLA: council= narrows for the HO; an unknown council is 404', async () => {
  assert.deepEqual(await sla(ds.u.hoUser, `from=2025-10-01&to=2026-06-30&council=${ds.A.id}`),
    { from: '2025-10-01', to: '2026-06-30', council: { id: ds.A.id, name: ds.A.name }, rows: A_ROWS, nino_open: null }, 'council A');
  assert.deepEqual(await sla(ds.u.hoAdmin, `from=2025-10-01&to=2026-06-30&council=${ds.B.id}`),
    { from: '2025-10-01', to: '2026-06-30', council: { id: ds.B.id, name: ds.B.name }, rows: B_ROWS, nino_open: null }, 'council B');
  reportNow(ds);
  assertError(await ds.u.hoUser.req('GET', '/api/reports/sla?from=2026-01-01&to=2026-06-30&council=999999'), 404, 'not_found', undefined, 'unknown council');
  assertError(await ds.u.hoUser.req('GET', `/api/reports/sla?from=2026-01-01&to=2026-06-30&council=${ds.u.net.user.org.id}`), 404, 'not_found', undefined, 'the Network is not a council');
});

test('SLA: the Network gets national totals; naming a council is 403; councils may not see it', async () => {
  assert.deepEqual(await sla(ds.u.net, 'from=2025-10-01&to=2026-06-30'),
    { from: '2025-10-01', to: '2026-06-30', council: null, rows: [...Q4_2025, ...Q1_2026, ...Q2_2026], nino_open: null }, 'Network national totals');
  reportNow(ds);
  assertError(await ds.u.net.req('GET', `/api/reports/sla?from=2026-01-01&to=2026-06-30&council=${ds.A.id}`), 403, 'forbidden', undefined, 'Network naming a council');
  for (const [who, c] of [['council user', ds.u.aUser], ['council admin', ds.u.aAdmin], ['council B admin', ds.u.bAdmin]]) {
    assertError(await c.req('GET', '/api/reports/sla?from=2026-01-01&to=2026-06-30'), 403, 'forbidden', undefined, `${who} SLA`);
    assertError(await getReport(c, '/api/reports/sla?from=2026-01-01&to=2026-06-30&format=csv'), 403, 'forbidden', undefined, `${who} SLA csv`);
  }
  assertError(await new Client(ds.stack.base).req('GET', '/api/reports/sla?from=2026-01-01&to=2026-06-30'), 401, 'unauthenticated', undefined, 'no token');
});

const SLA_HEADER = ['Quarter', 'Type', 'Answered by', 'Count', 'Within service level', '% within', 'Median working days', '90th percentile working days'];
// API.md: the type in words and the side as "Home Office" or "Council" in the downloads.
const TYPE_WORDS = { new_case: 'New case', council_update: 'Council update', case_closed: 'Case closed', final_outcome: 'Final outcome', query: 'Query', urgent_query: 'Urgent query' };
const SIDE_WORDS = { ho: 'Home Office', council: 'Council' };

/** One report row (cells) against one JSON row. */
function sameRow(cells, exp, what) {
  assert.deepEqual(cells.slice(0, 3), [exp.quarter, TYPE_WORDS[exp.type], SIDE_WORDS[exp.answered_by]], `${what}: Quarter, Type, Answered by`);
  assert.deepEqual(cells.slice(3).map(Number), [exp.count, exp.within, exp.percent_within, exp.median_days, exp.p90_days], `${what}: figures`);
}

/** The downloads' last row for the HO: the NINo batches open as of now (UK time), within = not yet overdue. */
function openRow(cells, { day, hour, due, overdue }, what) {
  assert.match(String(cells[0]), new RegExp(`^Open at ${day} ${hour}:\\d\\d$`), `${what}: Quarter says when`);
  assert.deepEqual(cells.slice(1, 3), ['NINo batch awaiting results', 'NINo partner'], `${what}: Type, Answered by`);
  const pct = due + overdue ? Math.round((due * 1000) / (due + overdue)) / 10 : 0;
  assert.deepEqual(cells.slice(3, 6).map(Number), [due + overdue, due, pct], `${what}: Count, Within, % within`);
  assert.deepEqual(cells.slice(6).map((v) => v ?? ''), ['', ''], `${what}: no working-day figures`);
}

test('SLA as csv and xlsx downloads (same columns), for the HO user and the Network', async () => {
  const rows = [...Q1_2026, ...Q2_2026];
  reportNow(ds);
  for (const c of [ds.u.hoUser, ds.u.net]) {
    // The Home Office's download ends with the NINo batches open now (none here); the Network's has no such row.
    const ho = c === ds.u.hoUser;
    const r = await getReport(c, '/api/reports/sla?from=2026-01-01&to=2026-06-30&format=csv');
    assertDownload(r, 'connect-sla-2026-01-01-to-2026-06-30.csv', `${c.username} SLA csv`);
    const csv = parseCsv(r.bytes, 'SLA csv');
    assert.deepEqual(csv.rows[0], SLA_HEADER, 'SLA csv header');
    assert.equal(csv.rows.length - 1, rows.length + (ho ? 1 : 0), 'SLA csv rows');
    rows.forEach((e, i) => sameRow(csv.rows[i + 1], e, `SLA csv row ${i + 2}`));
    assert.equal(csv.rows[5][5], '66.7', 'percent within to one decimal place');
    if (ho) openRow(csv.rows[rows.length + 1], { day: '15/06/2026', hour: '13', due: 0, overdue: 0 }, 'SLA csv open row');
    const x = await getReport(c, '/api/reports/sla?from=2026-01-01&to=2026-06-30&format=xlsx');
    assertDownload(x, 'connect-sla-2026-01-01-to-2026-06-30.xlsx', `${c.username} SLA xlsx`);
    const wb = dumpXlsx(x.bytes);
    assert.deepEqual(wb.sheets.map((s) => s.name), ['SLA']);
    assertSheetLayout(wb.sheets[0], 'SLA', SLA_HEADER, 'SLA xlsx');
    assert.equal(wb.sheets[0].rows.length - 1, rows.length + (ho ? 1 : 0), 'SLA xlsx rows');
    rows.forEach((e, i) => {
      const cells = wb.sheets[0].rows[i + 1];
      for (const j of [3, 4, 5, 6, 7]) assert.equal(typeof cells[j], 'number', `SLA xlsx row ${i + 2} column ${SLA_HEADER[j]} is a number`);
      sameRow(cells, e, `SLA xlsx row ${i + 2}`);
    });
    if (ho) openRow(wb.sheets[0].rows[rows.length + 1], { day: '15/06/2026', hour: '13', due: 0, overdue: 0 }, 'SLA xlsx open row');
  }
  const b = await getReport(ds.u.hoAdmin, `/api/reports/sla?from=2025-10-01&to=2026-06-30&format=csv&council=${ds.B.id}`);
  assertDownload(b, 'connect-sla-2025-10-01-to-2026-06-30.csv', 'SLA csv council=B');
  const csv = parseCsv(b.bytes, 'SLA csv council=B');
  assert.equal(csv.rows.length - 1, B_ROWS.length);
  B_ROWS.forEach((e, i) => sameRow(csv.rows[i + 1], e, `SLA csv council=B row ${i + 2}`));
});

test('SLA parameters: from and to are required real dates, to ≥ from; 422 naming the field', async () => {
  reportNow(ds);
  for (const [q, field] of [
    ['to=2026-06-30', 'from'], ['from=2026-01-01', 'to'], ['', 'from'], ['from=2026-1-1&to=2026-06-30', 'from'],
    ['from=2026-01-01&to=2026-06-31', 'to'], ['from=1899-12-31&to=2026-06-30', 'from'], ['from=2026-01-01&to=2101-01-01', 'to'],
    ['from=2026-07-01&to=2026-06-30', 'to'],
  ]) {
    assertError(await ds.u.hoUser.req('GET', `/api/reports/sla?${q}`), 422, 'validation_failed', field, `sla?${q}`);
    assertError(await getReport(ds.u.hoUser, `/api/reports/sla?${q}&format=csv`), 422, 'validation_failed', field, `sla?${q}&format=csv`);
  }
  const r = await sla(ds.u.hoUser, 'from=2026-01-01&to=2026-06-30&colour=blue', 'unknown parameter');
  assert.deepEqual(r.rows, [...Q1_2026, ...Q2_2026], 'an unknown parameter is ignored');
});

// ---- more items, last in this file (they add to the dataset) ---------------------------------------------

test('a reply on the same day is 0 working days; a query closed without a reply is no item; a final outcome is counted in the quarter it was raised', async () => {
  reportNow(ds);
  const C8 = ds.cases.C8.id; const C9 = ds.cases.C9.id;
  // Qc (opened by the HO on C8 today) answered by the council today: query / council, 0 working days.
  const qc = await ds.u.hoUser.req('GET', `/api/cases/${C8}/queries`);
  assert.equal(qc.status, 200);
  const r1 = await ds.u.bUser.req('POST', `/api/queries/${qc.json.items[0].id}/messages`, { body: { message: 'Sent today.' } });
  assert.equal(r1.status, 201, r1.text);
  // A council query on C9 closed by the HO without a reply.
  const q = await ds.u.bUser.req('POST', `/api/cases/${C9}/queries`, { body: { category: 'other', message: 'Anything?' } });
  assert.equal(q.status, 201, q.text);
  assert.equal((await ds.u.hoUser.req('POST', `/api/queries/${q.json.id}/close`)).status, 200);
  // A final outcome decided on 2026-03-31 (Q1) and raised today (Q2): 50 working days (April 20, May 19, June 11;
  // Good Friday, Easter Monday, 4 May and 25 May are bank holidays), allowed 7.
  await miRun(ds.u.hoAdmin, '2026-03-31'); // the MI report ran on the decision day
  const fo = await ds.u.hoAdmin.req('POST', `/api/cases/${C9}/final-outcome`, { body: { outcome: 'removal', decision_date: '2026-03-31' } });
  assert.equal(fo.status, 201, fo.text);
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-06-15&to=2026-06-15'), {
    from: '2026-06-15', to: '2026-06-15', council: null,
    rows: [row('2026-Q2', 'new_case', 'ho', 2, 2, 100, 0, 1), row('2026-Q2', 'final_outcome', 'ho', 1, 0, 0, 50, 50), row('2026-Q2', 'query', 'council', 1, 1, 100, 0, 0)],
    nino_open: NONE_OPEN,
  });
  // The quarter: C6's (8) and C9's (50) final outcomes; Qb (10) and Qc (0) answered by the council.
  const q2 = (await sla(ds.u.hoUser, 'from=2026-04-01&to=2026-06-30')).rows;
  assert.deepEqual(q2.filter((x) => ['final_outcome', 'query'].includes(x.type)), [
    row('2026-Q2', 'final_outcome', 'ho', 2, 0, 0, 8, 50), row('2026-Q2', 'query', 'council', 2, 2, 100, 0, 10)]);
});

test('a bulk upload of more than 30 cases by a new council: its new case alerts are allowed 20 working days', async () => {
  // A council of its own (the clock moves past the dataset's today: last test of the file).
  reportNow(ds);
  const org = await ds.u.net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Dunmore Council', code: 'DNC' } });
  assert.equal(org.status, 201, org.text);
  const admin = await createActiveUser(ds.u.net, { username: 'dnc.admin', name: 'Dee Admin', role: 'admin', org: org.json.id });
  const lines = ['given_names,family_name,date_of_birth,nationality,household_type,legislation'];
  for (let i = 0; i < 31; i += 1) lines.push(`Bulk${String.fromCharCode(65 + (i % 26))}${i},Person${String.fromCharCode(97 + (i % 26))}x${i},${1950 + i}-0${1 + (i % 9)}-1${i % 10},Iranian,single_adult,care_act_2014`);
  const imp = await admin.client.req('POST', '/api/cases/import', { raw: `${lines.join('\r\n')}\r\n`, headers: { 'content-type': 'text/csv' } });
  assert.equal(imp.status, 201, imp.text);
  assert.equal(imp.json.bulk_service_level, true);
  const [a, b, c] = imp.json.cases;
  const check = async (iso, kase) => {
    ds.at(iso);
    const r = await ds.u.hoUser.req('PUT', `/api/cases/${kase.id}/immigration`, { body: { status: 'asylum_claim_recorded', recourse_to_public_funds: false } });
    assert.equal(r.status, 200, r.text);
  };
  await check('2026-06-29T10:00:00Z', a); // 10 working days after 06-15
  await check('2026-07-13T10:00:00Z', b); // 20: within
  await check('2026-07-14T10:00:00Z', c); // 21: late
  ds.at('2026-07-14T12:00:00Z');
  const r = await ds.u.hoUser.req('GET', `/api/reports/sla?from=2026-06-01&to=2026-09-30&council=${org.json.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { from: '2026-06-01', to: '2026-09-30', council: { id: org.json.id, name: 'Dunmore Council' },
    rows: [row('2026-Q2', 'new_case', 'ho', 1, 1, 100, 10, 10), row('2026-Q3', 'new_case', 'ho', 2, 1, 50, 20, 21)], nino_open: null });
});

test('NINo batches waiting for results, as of now on the test clock: one due, one overdue; the Home Office\'s home page counts the same', async () => {
  // Last in the file: the clock moves on from 2026-07-14 (BST: UK time = UTC + 1).
  ds.at('2026-07-14T12:05:00Z');
  const net = ds.u.net;
  const org = await net.req('POST', '/api/orgs', { body: { kind: 'partner', name: 'DWP NINo Operations', code: 'NINO' } });
  assertStatus(org, 201, 'the partner department');
  assertStatus(await net.req('PATCH', `/api/orgs/${org.json.id}`, { body: { nino_partner: true } }), 200, 'marked as the NINo partner');
  const admin = await createActiveUser(net, { username: 'nino.ops.admin', name: 'Nia Admin', role: 'admin', org: org.json.id });
  const made = await createActiveUser(admin.client, { username: 'nino.ops.user', name: 'Noor User' });
  assertStatus(await admin.client.req('PATCH', `/api/users/${made.id}`, { body: { nino_designated: true } }), 200, 'designated');
  const dwp = await new Actor(ds.stack.base, 'nino.ops.user', STRONG).signIn();
  const cases = [];
  for (let i = 0; i < 3; i += 1) {
    const r = await ds.u.aUser.req('POST', '/api/cases', { body: caseBody({ principal: person() }) });
    assertStatus(r, 201, `case ${i + 1}`);
    cases.push(r.json);
  }
  const grant = (c) => putImmigration(ds.u.hoUser, c.id, immigrationPage({ status: 'ltr_recourse', recourse_to_public_funds: true }), `grant on ${c.connect_id}`);
  const batchOf = async (day) => {
    const deadline = Date.now() + 15000;
    for (;;) {
      const r = await dwp.req('GET', '/api/nino/batches?limit=100');
      assertStatus(r, 200, 'batches');
      const b = r.json.items.find((x) => x.day === day);
      if (b) return b;
      assert.ok(Date.now() < deadline, `no batch cut on ${day}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  };
  const receive = async (b) => assertStatus(await getReport(dwp, `/api/nino/batches/${b.id}/file`), 200, `download ${b.number}`);

  ds.at('2026-07-14T13:00:00Z');
  await grant(cases[0]);
  ds.at('2026-07-15T08:30:00Z'); // Wednesday 09:30 BST: after the cut
  const first = await batchOf('2026-07-15');
  ds.at('2026-07-15T09:00:00Z');
  await receive(first); // due 48 working hours later: Friday 10:00 BST
  ds.at('2026-07-15T10:00:00Z');
  await grant(cases[1]);
  ds.at('2026-07-16T08:30:00Z');
  const second = await batchOf('2026-07-16');
  ds.at('2026-07-16T09:00:00Z');
  await receive(second); // due Monday 20 July 10:00 BST
  ds.at('2026-07-16T10:00:00Z');
  await grant(cases[2]);
  ds.at('2026-07-17T08:30:00Z');
  assert.equal((await batchOf('2026-07-17')).status, 'waiting', 'cut, not yet downloaded: no clock, not counted');

  // Friday 13:00 BST: the first is overdue, the second still due.
  ds.at('2026-07-17T12:00:00Z');
  const open = { as_of: 'NOW', awaiting_results: 2, due: 1, overdue: 1 };
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-10-01&to=2026-12-31', 'HO, nothing answered in the range', { now: false }),
    { from: '2026-10-01', to: '2026-12-31', council: null, rows: [], nino_open: open });
  assert.deepEqual((await sla(ds.u.hoAdmin, 'from=2026-01-01&to=2026-12-31', 'HO admin', { now: false })).nino_open, open, 'whatever the range');
  assert.equal((await sla(ds.u.net, 'from=2026-10-01&to=2026-12-31', 'Network', { now: false })).nino_open, null, 'not the Network\'s');
  assert.equal((await sla(ds.u.hoUser, `from=2026-10-01&to=2026-12-31&council=${ds.A.id}`, 'narrowed', { now: false })).nino_open, null, 'not per council');
  const h = await home(ds.u.hoUser);
  assert.equal(h.nino.awaiting_results, 2, 'home: awaiting results');
  assert.equal(h.nino.overdue, 1, 'home: overdue');
  assert.ok(h.nino.waiting >= 1, 'home: Friday\'s batch (and any cut from the dataset\'s earlier grants) not yet downloaded');
  const csv = parseCsv((await getReport(ds.u.hoUser, '/api/reports/sla?from=2026-10-01&to=2026-12-31&format=csv')).bytes, 'open csv');
  assert.equal(csv.rows.length, 2, 'the header and the open row');
  openRow(csv.rows[1], { day: '17/07/2026', hour: '13', due: 1, overdue: 1 }, 'SLA csv open row');
  const x = dumpXlsx((await getReport(ds.u.hoUser, '/api/reports/sla?from=2026-10-01&to=2026-12-31&format=xlsx')).bytes);
  openRow(x.sheets[0].rows[1], { day: '17/07/2026', hour: '13', due: 1, overdue: 1 }, 'SLA xlsx open row');

  // The partner answers the second batch: it leaves the open count and is answered within (1 working day).
  ds.at('2026-07-17T12:30:00Z');
  const up = await dwp.req('PUT', `/api/nino/batches/${second.id}/results`, {
    raw: `connect_id,person,outcome,nino,reason\r\nC${cases[1].id},1,allocated,AB123456C,\r\n`, headers: { 'content-type': 'text/csv' },
  });
  assertStatus(up, 200, 'results');
  assert.equal(up.json.batch.status, 'completed');
  assert.deepEqual(await sla(ds.u.hoUser, 'from=2026-07-17&to=2026-07-17', 'after the results', { now: false }), {
    from: '2026-07-17', to: '2026-07-17', council: null,
    rows: [row('2026-Q3', 'nino_batch', 'partner', 1, 1, 100, 1, 1)],
    nino_open: { as_of: 'NOW', awaiting_results: 1, due: 0, overdue: 1 },
  });
  // The next Monday the overdue one is still counted, a week on as of then.
  ds.at('2026-07-20T12:00:00Z');
  assert.deepEqual((await sla(ds.u.hoUser, 'from=2026-10-01&to=2026-12-31', 'Monday', { now: false })).nino_open,
    { as_of: 'NOW', awaiting_results: 1, due: 0, overdue: 1 });
});
