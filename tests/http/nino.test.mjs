// NINo tracing on the test clock (fcgi/API.md "NINo tracing"): a grant of leave puts the household's
// people aged 16 or over into the next batch, cut by connectd's scheduler at 09:00 UK time on working
// days (Friday, Saturday and Sunday grants go into Monday's, in order); the first download by a
// designated user of the NINo partner is the receipt and starts the 48-working-hour clock (Friday
// 15:00 before a bank-holiday Monday: Wednesday 15:00); the results upload is all or nothing and
// validates each NINo; a NINo goes on the person and alerts the council; an unconfirmed person becomes
// a query to the Home Office whose answer goes into the next batch. Only designated users download.
// The test clock only moves forward, so the tests run in date order on one stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { actor, setNow, immigrationPage, putImmigration, alertsOfType, home } from '../lib/alerts.mjs';
import { createCase, person, dependant, getCase, history } from '../lib/cases.mjs';
import { getReport, dumpXlsx } from '../lib/reports.mjs';

let stack; let council; let ho; let nino; let clerk; let dwp; let ninoAdmin;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  stack = await startStack({ clock: true, keep: true });
  council = await actor(stack.base, 'nfc.user');
  ho = await actor(stack.base, 'ho.user');
  nino = await actor(stack.base, 'nino.user');
  clerk = await actor(stack.base, 'nino.clerk');
  dwp = await actor(stack.base, 'dwp.user');
  ninoAdmin = await actor(stack.base, 'nino.admin');
});
after(async () => { await stack?.stop(); if (stack?.data) rmSync(stack.data, { recursive: true, force: true }); });

async function grant(caseId, status = 'ltr_recourse') {
  await putImmigration(ho, caseId, immigrationPage({ status, recourse_to_public_funds: status === 'ltr_recourse' }), 'HO grant');
}

/** Waits for the scheduler (it polls every second) to cut the batch of `day`. */
async function batchOf(day, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await nino.req('GET', '/api/nino/batches?limit=100');
    assertStatus(r, 200, 'list batches');
    const b = r.json.items.find((x) => x.day === day);
    if (b) return b;
    if (Date.now() > deadline) throw new Error(`no batch cut on ${day}: ${JSON.stringify(r.json.items.map((x) => x.day))}`);
    await sleep(250);
  }
}

async function fileOf(client, id) {
  return getReport(client, `/api/nino/batches/${id}/file`);
}

async function upload(client, id, csv) {
  return client.req('PUT', `/api/nino/batches/${id}/results`, { raw: csv, headers: { 'content-type': 'text/csv' } });
}

/** 422 validation_failed naming rows: {"error":{code,message,field,errors:[{line,field,message}]}}. */
function assertRowErrors(r, what = '') {
  assert.equal(r.status, 422, `${what} -> ${r.status} ${r.text?.slice(0, 300)}`);
  assert.equal(r.json.error.code, 'validation_failed');
  assert.ok(Array.isArray(r.json.error.errors) && r.json.error.errors.length > 0, 'errors named');
  for (const e of r.json.error.errors) assert.deepEqual(Object.keys(e).sort(), ['field', 'line', 'message']);
  return r.json.error.errors;
}

const batchById = async (id) => (await nino.req('GET', '/api/nino/batches?limit=100')).json.items.find((b) => b.id === id);

let friday; let saturday; let sunday; let mondayBatch;

test('grants on Friday, Saturday and Sunday appear in Monday\'s 09:00 batch in order, people 16 or over only', async () => {
  // Cases made at the real time; the grants come on the test clock.
  friday = await createCase(council, {
    principal: person({ date_of_birth: '1985-03-01' }),
    dependants: [dependant({ date_of_birth: '2020-05-05' }), dependant({ date_of_birth: '2010-01-10' })],
    household_type: 'family',
  });
  saturday = await createCase(council, { principal: person({ date_of_birth: '1990-07-07' }) });
  sunday = await createCase(council, { principal: person({ date_of_birth: '1979-11-11' }) });

  setNow(stack, '2027-01-08T10:00:00Z'); // Friday, after its 09:00 cut
  await grant(friday.id);
  setNow(stack, '2027-01-09T12:00:00Z'); // Saturday
  await grant(saturday.id, 'ltr_nrpf');
  setNow(stack, '2027-01-10T12:00:00Z'); // Sunday: no cut at the weekend
  await grant(sunday.id);
  await sleep(1500);
  let list = await nino.req('GET', '/api/nino/batches?limit=100');
  assert.ok(!list.json.items.some((b) => ['2027-01-09', '2027-01-10'].includes(b.day)), 'no weekend batch');
  assert.equal(list.json.counters.queued, 4, 'four people queued before Monday');

  setNow(stack, '2027-01-11T09:30:00Z'); // Monday 09:30 GMT
  mondayBatch = await batchOf('2027-01-11');
  assert.equal(mondayBatch.count, 4, 'the Friday household\'s adult and 16-year-old, then Saturday\'s, then Sunday\'s');
  assert.equal(mondayBatch.status, 'waiting');
  assert.equal(mondayBatch.received_at, null);
  assert.equal(mondayBatch.due, null);
  assert.equal(mondayBatch.cut_at, '2027-01-11T09:00:00Z');
  assert.equal(mondayBatch.marking, 'OFFICIAL-SENSITIVE');
  assert.match(mondayBatch.file_name, /^OFFICIAL-SENSITIVE.*\.xlsx$/);

  const r = await fileOf(nino, mondayBatch.id);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-disposition'), /filename="OFFICIAL-SENSITIVE_NINo_batch_NINO-\d+_2027-01-11\.xlsx"/);
  const wb = dumpXlsx(r.bytes);
  const sheet = wb.sheets[0];
  assert.match(sheet.page_header, /OFFICIAL-SENSITIVE/, 'marked in the page header');
  assert.match(sheet.page_footer, /OFFICIAL-SENSITIVE/, 'and footer');
  assert.deepEqual(sheet.rows[0].slice(0, 3), ['Connect ID', 'Person', 'Given names']);
  const people = sheet.rows.slice(1).map((row) => [row[0], row[1]]);
  assert.deepEqual(people, [[`C${friday.id}`, 1], [`C${friday.id}`, 3], [`C${saturday.id}`, 1], [`C${sunday.id}`, 1]]);
  assert.deepEqual(sheet.rows[1][4], { date: '1985-03-01' }, 'date of birth');
  assert.deepEqual(sheet.rows[1][7], { date: '2027-01-08' }, 'grant date');

  // The council sees in the case's audit that the NINo partner received the household's data.
  const councilAdmin = await actor(stack.base, 'nfc.admin');
  const audit = await councilAdmin.req('GET', `/api/audit?case=${friday.id}`);
  assertStatus(audit, 200, 'case audit');
  assert.ok(audit.json.items.some((e) => e.action === 'case_nino_batch_downloaded'), 'the download is on the case\'s audit');

  // The download was the receipt: 48 working hours later (no holiday on Monday to Wednesday).
  const after = await batchById(mondayBatch.id);
  assert.equal(after.status, 'received');
  assert.equal(after.downloads, 1);
  assert.equal(Date.parse(after.due) - Date.parse(after.received_at), 48 * 3600 * 1000, `${after.received_at} -> ${after.due}`);
  // A second download is audited too, and does not move the clock.
  assert.equal((await fileOf(nino, mondayBatch.id)).status, 200);
  const again = await batchById(mondayBatch.id);
  assert.equal(again.downloads, 2);
  assert.equal(again.due, after.due);
});

let aprilBatch; let allocatedCase; let unconfirmedCase;

test('a batch received Friday 15:00 before a bank-holiday Monday is due Wednesday 15:00', async () => {
  allocatedCase = await createCase(council, { principal: person({ date_of_birth: '1988-02-02' }) });
  unconfirmedCase = await createCase(council, { principal: person({ date_of_birth: '1992-09-09' }) });
  setNow(stack, '2027-04-29T11:00:00Z'); // Thursday
  await grant(allocatedCase.id);
  await grant(unconfirmedCase.id);
  setNow(stack, '2027-04-30T13:00:00Z'); // Friday, after the 09:00 BST cut
  aprilBatch = await batchOf('2027-04-30');
  assert.equal(aprilBatch.count, 2);
  setNow(stack, '2027-04-30T14:00:00Z'); // 15:00 BST; Monday 3 May 2027 is a bank holiday
  assert.equal((await fileOf(nino, aprilBatch.id)).status, 200);
  const b = await batchById(aprilBatch.id);
  assert.equal(b.received_at.slice(0, 16), '2027-04-30T14:00');
  assert.equal(b.due.slice(0, 16), '2027-05-05T14:00', 'Wednesday 15:00 BST');
  assert.equal(b.overdue, false);
  const h = await home(nino);
  assert.ok(h.nino && h.nino.awaiting_results >= 1, `partner home counts the batch: ${JSON.stringify(h.nino)}`);
  assert.ok(h.nino.overdue >= 1, 'January\'s batch is overdue by now');
  const hh = await home(ho);
  assert.ok(hh.nino && hh.nino.overdue >= 1, 'the HO sees it too');
});

test('NINo validation: a bad prefix and a bad suffix are named by row and nothing is recorded', async () => {
  const csv = 'connect_id,person,outcome,nino,reason\r\n' +
    `C${allocatedCase.id},1,allocated,QQ123456C,\r\n` +
    `C${unconfirmedCase.id},1,traced,AB123456E,\r\n`;
  const r = await upload(nino, aprilBatch.id, csv);
  const errs = assertRowErrors(r, 'bad NINos');
  assert.deepEqual(errs.map((e) => [e.line, e.field]), [[2, 'nino'], [3, 'nino']]);
  assert.match(errs[0].message, /prefix/);
  assert.match(errs[1].message, /A, B, C or D/);
  const b = await batchById(aprilBatch.id);
  assert.equal(b.results.pending, 2, 'nothing recorded');
  // A person who is not in the batch is named too.
  const r2 = await upload(nino, aprilBatch.id, `connect_id,person,outcome,nino,reason\nC${allocatedCase.id},2,allocated,AB123456C,\n`);
  assert.equal(assertRowErrors(r2, 'not in the batch')[0].line, 2);
});

test('a valid NINo goes on the person and alerts the council; unconfirmed → HO query → next batch', async () => {
  const csv = 'Connect ID,Person,Outcome,NINo,Reason\r\n' +
    `C${allocatedCase.id},1,allocated,ab 12 34 56 c,\r\n` +
    `C${unconfirmedCase.id},1,unconfirmed,,No trace under this name and date of birth.\r\n`;
  const r = await upload(nino, aprilBatch.id, csv);
  assertStatus(r, 200, 'results');
  assert.equal(r.json.allocated, 1);
  assert.equal(r.json.unconfirmed, 1);
  assert.equal(r.json.batch.status, 'completed');
  // Sent twice: refused, nothing changes.
  assertRowErrors(await upload(nino, aprilBatch.id, csv), 'sent twice');

  const c = await getCase(council, allocatedCase.id);
  assert.equal(c.principal.nino, 'AB123456C', 'the NINo is on the person');
  const hoView = await getCase(ho, allocatedCase.id);
  assert.equal(hoView.principal.nino, 'AB123456C', 'the HO sees it');
  const rows = await history(council, allocatedCase.id);
  assert.ok(rows.some((x) => /nino/.test(x.field) && x.new === 'AB123456C'), `the case's history records it: ${JSON.stringify(rows.slice(0, 3))}`);
  const alerts = await alertsOfType(council, allocatedCase.id, 'nino_result');
  assert.equal(alerts.length, 1, 'the council is alerted');
  assert.equal(alerts[0].to, 'council');
  assert.ok((await home(council)).counters.nino_result >= 1);

  // The unconfirmed person: a query awaiting the HO.
  const qs = await ho.req('GET', `/api/cases/${unconfirmedCase.id}/queries`);
  assertStatus(qs, 200);
  const q = qs.json.items.find((x) => x.status === 'open');
  assert.ok(q, 'an open query');
  assert.equal(q.awaiting, 'ho');
  const answer = 'Known also as Maryam; previous address 4 Elm Road.';
  assertStatus(await ho.req('POST', `/api/queries/${q.id}/messages`, { body: { message: answer } }), 201, 'HO answers');
  const closed = await ho.req('GET', `/api/queries/${q.id}`);
  assert.equal(closed.json.status, 'closed', 'the answer closes the query');

  // Monday 3 May is a bank holiday: the next cut is Tuesday 09:00 BST.
  setNow(stack, '2027-05-03T10:00:00Z');
  await sleep(1500);
  assert.ok(!(await nino.req('GET', '/api/nino/batches?limit=100')).json.items.some((b) => b.day === '2027-05-03'), 'no cut on a bank holiday');
  setNow(stack, '2027-05-04T08:30:00Z');
  const next = await batchOf('2027-05-04');
  assert.equal(next.count, 1);
  const f = await fileOf(nino, next.id);
  assert.equal(f.status, 200);
  const row = dumpXlsx(f.bytes).sheets[0].rows[1];
  assert.equal(row[0], `C${unconfirmedCase.id}`);
  assert.equal(row[9], answer, 'the HO\'s answer goes with the person');
});

test('only the NINo partner\'s designated users download or upload; refusals are 403', async () => {
  for (const who of [clerk, dwp, ho, council]) {
    assertError(await fileOf(who, aprilBatch.id), 403, 'forbidden', undefined, `${who.username} file`);
    assertError(await upload(who, aprilBatch.id, 'connect_id,person,outcome,nino,reason\n'), 403, 'forbidden', undefined, `${who.username} upload`);
  }
  for (const who of [clerk, dwp, council]) assertError(await who.req('GET', '/api/nino/batches'), 403, 'forbidden', undefined, `${who.username} list`);
  assertStatus(await ho.req('GET', '/api/nino/batches'), 200, 'the HO sees the list');
  assertError(await fileOf(nino, 999999), 404, 'not_found');
  // The partner's admin designates the clerk; another partner's admin cannot designate anyone.
  const dwpAdmin = await actor(stack.base, 'dwp.admin');
  const me = await dwp.req('GET', '/api/me');
  assertError(await dwpAdmin.req('PATCH', `/api/users/${me.json.id}`, { body: { nino_designated: true } }), 422, 'validation_failed', 'nino_designated');
  const clerkMe = await clerk.req('GET', '/api/me');
  assert.equal(clerkMe.json.nino_designated, false);
  const p = await ninoAdmin.req('PATCH', `/api/users/${clerkMe.json.id}`, { body: { nino_designated: true } });
  assertStatus(p, 200);
  assert.equal(p.json.nino_designated, true);
  assert.equal((await fileOf(clerk, aprilBatch.id)).status, 200, 'now designated');
});

let mayBatch;

test('an office closure day stops the clock (HO or NINo partner admins only); removing it puts the due instant back', async () => {
  const c = await createCase(council, { principal: person({ date_of_birth: '1975-05-05' }) });
  setNow(stack, '2027-05-10T11:00:00Z'); // Monday
  await grant(c.id);
  setNow(stack, '2027-05-11T08:30:00Z'); // Tuesday 09:30 BST
  mayBatch = await batchOf('2027-05-11');
  setNow(stack, '2027-05-11T14:00:00Z'); // 15:00 BST
  assert.equal((await fileOf(nino, mayBatch.id)).status, 200);
  let b = await batchById(mayBatch.id);
  assert.equal(b.due.slice(0, 16), '2027-05-13T14:00', 'Thursday 15:00');

  for (const who of [nino, council, dwp]) {
    assertError(await who.req('POST', '/api/nino/closures', { body: { date: '2027-05-12' } }), 403, 'forbidden', undefined, `${who.username} adds a closure`);
  }
  assertError(await ninoAdmin.req('POST', '/api/nino/closures', { body: { date: '2027-02-30' } }), 422, 'validation_failed', 'date');
  const add = await ninoAdmin.req('POST', '/api/nino/closures', { body: { date: '2027-05-12', reason: 'Office move' } });
  assertStatus(add, 201, 'closure added');
  assert.equal(add.json.batches_moved, 1);
  b = await batchById(mayBatch.id);
  assert.equal(b.due.slice(0, 16), '2027-05-14T14:00', 'Friday 15:00: Wednesday does not count');
  const list = await ninoAdmin.req('GET', '/api/nino/closures');
  assert.deepEqual(list.json.items.map((x) => [x.date, x.reason]), [['2027-05-12', 'Office move']]);
  assertStatus(await ninoAdmin.req('DELETE', '/api/nino/closures/20270512'), 204, 'closure removed');
  assertError(await ninoAdmin.req('DELETE', '/api/nino/closures/20270512'), 404, 'not_found');
  b = await batchById(mayBatch.id);
  assert.equal(b.due.slice(0, 16), '2027-05-13T14:00', 'back to Thursday');
  const hoAdmin = await actor(stack.base, 'ho.admin');
  assertStatus(await hoAdmin.req('POST', '/api/nino/closures', { body: { date: '2027-12-24' } }), 201, 'the HO records its own');
});

test('results as an xlsx workbook; the SLA report counts completed batches against their clock', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'nino-xlsx-'));
  const file = join(dir, 'results.xlsx');
  const b = await batchById(mayBatch.id);
  const f = dumpXlsx((await fileOf(nino, mayBatch.id)).bytes).sheets[0].rows[1];
  const py = `import openpyxl,sys\nwb=openpyxl.Workbook();ws=wb.active\nws.append(["Connect ID","Person","Outcome","NINo","Reason"])\nws.append([sys.argv[2],${f[1]},"traced","JK 00 00 00 D",None])\nwb.save(sys.argv[1])\n`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file, f[0]], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const bytes = readFileSync(file);
  rmSync(dir, { recursive: true, force: true });
  const up = await nino.req('PUT', `/api/nino/batches/${b.id}/results`, { raw: bytes, headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
  assertStatus(up, 200, 'xlsx results');
  assert.equal(up.json.traced, 1);
  assert.equal(up.json.batch.status, 'completed');
  // A workbook that is not one is refused with the file named.
  const bad = await nino.req('PUT', `/api/nino/batches/${b.id}/results`, { raw: Buffer.from('PK\x03\x04garbage'), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.errors[0].line, 1);

  const hoAdmin = await actor(stack.base, 'ho.admin');
  const sla = await hoAdmin.req('GET', '/api/reports/sla?from=2027-04-01&to=2027-06-30');
  assertStatus(sla, 200, 'SLA');
  const row = sla.json.rows.find((x) => x.type === 'nino_batch');
  assert.ok(row, `a NINo batch row: ${JSON.stringify(sla.json.rows)}`);
  assert.equal(row.answered_by, 'partner');
  assert.equal(row.count, 2, 'April\'s and May\'s batches');
  assert.equal(row.within, 2);
});

test('batches are destroyed 14 months after their cut, keeping a record; their file is gone', async () => {
  setNow(stack, '2028-03-12T10:00:00Z'); // 14 months after January's cut
  const deadline = Date.now() + 15000;
  let b;
  for (;;) {
    b = await batchById(mondayBatch.id);
    if (b.status === 'destroyed' || Date.now() > deadline) break;
    await sleep(250);
  }
  assert.equal(b.status, 'destroyed');
  assert.equal(b.destruction.people, 4);
  assert.equal(b.destruction.run, 'daily');
  assert.equal(b.count, 4, 'the count is kept');
  assertError(await fileOf(nino, mondayBatch.id), 409, 'conflict');
  assert.notEqual((await batchById(aprilBatch.id)).status, 'destroyed', 'April\'s is kept until June 2028');

  // Its destruction record is in the retention list beside the cases' (the HO admin's: every council's),
  // as a NINo batch, with nothing about the people in it.
  const hoAdmin = await actor(stack.base, 'ho.admin');
  const list = await hoAdmin.req('GET', '/api/destructions?limit=100');
  assertStatus(list, 200, 'destructions');
  const rec = list.json.items.find((d) => d.kind === 'nino_batch' && d.batch_id === mondayBatch.id);
  assert.ok(rec, `the batch's record: ${JSON.stringify(list.json.items.slice(0, 3))}`);
  assert.deepEqual(Object.keys(rec).sort(), ['batch_id', 'council', 'counts', 'cut_day', 'destroyed_at', 'id', 'keep_months', 'kind', 'number', 'run_id']);
  assert.deepEqual({ ...rec, id: 0, destroyed_at: '' }, {
    id: 0, kind: 'nino_batch', batch_id: mondayBatch.id, number: mondayBatch.number, cut_day: '2027-01-11', destroyed_at: '',
    run_id: 'daily-2028-03-12', keep_months: 14, counts: { people: 4 }, council: null,
  });
  assert.equal(b.destruction.record, rec.id, 'the batch names its record');
  assert.ok(Date.parse(rec.destroyed_at) >= Date.parse('2028-03-12T00:00:00Z'), rec.destroyed_at);
  const text = JSON.stringify(list.json);
  for (const p of [friday.principal, saturday.principal, sunday.principal]) {
    assert.ok(!text.includes(p.family_name) && !text.includes(p.date_of_birth), 'no personal data in the records');
  }
  assert.ok(list.json.items.filter((d) => d.kind !== 'nino_batch').every((d) => d.kind === 'case'), 'the others are cases');
  // A batch belongs to no council: a council admin's list does not show it.
  const councilAdmin = await actor(stack.base, 'nfc.admin');
  const mine = await councilAdmin.req('GET', '/api/destructions?limit=100');
  assertStatus(mine, 200, 'council destructions');
  assert.ok(!mine.json.items.some((d) => d.kind === 'nino_batch'), 'not in a council\'s list');
  // The download says what each row is.
  const csv = await getReport(hoAdmin, '/api/destructions?format=csv');
  assert.equal(csv.status, 200, csv.text);
  const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
  assert.match(lines[0], /^Destruction,Kind,Connect ID,NINo batch,Council,/);
  const line = lines.find((l) => l.startsWith(`${rec.id},`));
  assert.ok(line, 'the batch\'s row');
  assert.match(line, new RegExp(`^${rec.id},NINo batch,,${mondayBatch.number},,`));
  assert.match(line, /,daily-2028-03-12,4,,,,,,$/);
});

test('connectctl check on the stopped store: every batch has its index entries', async () => {
  await stack.stop();
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, 'check'], { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\d+ NINo batches with their indexes/);
  assert.doesNotMatch(r.stdout + r.stderr, /without its destruction record/);
});
