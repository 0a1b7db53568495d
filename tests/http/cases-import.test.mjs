// POST /api/cases/import: a council admin uploads its caseload as CSV. All or nothing; every bad row
// reported with its line; duplicates of open cases refused unless confirmed; each case raises a new
// case alert, due in 20 working days for a new council's upload of more than 30 cases, else 5.
// The server clock is frozen on Wednesday 2026-12-02 10:00 UTC so due dates are exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { assertError, assertStatus, createActiveUser } from '../lib/http.mjs';
import { caseTotal, randomName, uniqueDob } from '../lib/cases.mjs';

const WED = Date.UTC(2026, 11, 2, 10, 0, 0) / 1000;
const HEADER = 'given_names,family_name,date_of_birth,nationality,household_type,legislation';
let stack; let admin; let user; let ho; let net;

function freeze() { stack.setClockOffset(WED - Date.now() / 1000); }
function row(over = {}) {
  const r = { given: randomName(3), family: randomName(4), dob: uniqueDob(), nat: 'Eritrean', hh: 'single_adult', leg: 'care_act_2014', ...over };
  return [r.given, r.family, r.dob, r.nat, r.hh, r.leg].join(',');
}
const csv = (lines) => `${lines.join('\r\n')}\r\n`;
function upload(client, text, query = '') {
  freeze();
  return client.req('POST', `/api/cases/import${query}`, { raw: text, headers: { 'content-type': 'text/csv' } });
}
async function alertsOf(client, id) {
  const r = await client.req('GET', `/api/cases/${id}/alerts`);
  assertStatus(r, 200, 'case alerts');
  return r.json.items;
}

/** A new council with an admin who has set their own password. */
async function newCouncil(code) {
  const org = await net.req('POST', '/api/orgs', { body: { kind: 'council', name: `Council ${code}`, code } });
  assertStatus(org, 201, 'create council');
  // The Network's first admin sets their own password and second factor (createActiveUser does both).
  const a = await createActiveUser(net, { username: `${code.toLowerCase()}.admin`, name: 'New Admin', role: 'admin', org: org.json.id });
  const c = new Client(stack.base);
  assertStatus(await c.login(a.username, a.password), 200, 'login');
  return c;
}

before(async () => {
  stack = await startStack({ clock: true });
  freeze(); // before signing in: a session lives 30 minutes of server time
  admin = new Client(stack.base); await admin.login('nfc.admin');
  user = new Client(stack.base); await user.login('nfc.user');
  ho = new Client(stack.base); await ho.login('ho.admin');
  net = new Client(stack.base); await net.login('net.admin');
});
after(async () => { await stack?.stop(); });

test('only a council admin may import', async () => {
  const body = csv([HEADER, row()]);
  for (const [who, c] of [['council user', user], ['HO admin', ho], ['Network admin', net]]) {
    assertError(await upload(c, body), 403, 'forbidden', null, who);
  }
  assertError(await new Client(stack.base).req('POST', '/api/cases/import', { raw: body, headers: { 'content-type': 'text/csv' } }), 401, 'unauthenticated');
});

test('bad rows are reported with their line numbers and nothing is imported', async () => {
  const before_ = await caseTotal(admin);
  const text = csv([HEADER, row(), row({ dob: '1980-02-30' }), row(), row({ leg: 'poor_law' }), 'only,three,fields', row({ family: '' })]);
  const r = await upload(admin, text);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'validation_failed');
  assert.deepEqual(r.json.error.errors.map((e) => [e.line, e.field]),
    [[3, 'date_of_birth'], [5, 'legislation'], [6, null], [7, 'family_name']]);
  for (const e of r.json.error.errors) assert.ok(e.message.length > 5, e.message);
  assert.equal(await caseTotal(admin), before_, 'nothing was imported');
});

test('the header must name known columns, each once, with every required one', async () => {
  let r = await upload(admin, csv([`${HEADER},shoe_size`, `${row()},42`]));
  assert.equal(r.status, 422);
  assert.match(r.json.error.errors[0].message, /shoe_size/);
  r = await upload(admin, csv(['given_names,family_name,date_of_birth,nationality,household_type', 'A,B,1980-01-01,X,single_adult']));
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.error.errors.map((e) => e.field), ['legislation']);
  r = await upload(admin, csv([`${HEADER},family_name`, `${row()},X`]));
  assert.equal(r.status, 422);
  assert.equal(r.json.error.errors[0].field, 'family_name');
  r = await upload(admin, '');
  assert.equal(r.status, 422);
  r = await upload(admin, csv([HEADER]));
  assert.equal(r.status, 422, 'a header and no cases');
  r = await upload(admin, csv([HEADER, 'A,"B,1980-01-01,X,single_adult,care_act_2014']));
  assert.equal(r.status, 422, 'an unclosed quote');
});

test('quoted fields, a byte order mark and accents are read as Excel writes them', async () => {
  const dob = uniqueDob();
  const text = `\uFEFF${HEADER},address\r\n"José","O""Brien, Núñez",${dob},Chilean,family,children_act_s17,"1 High St,\nNorthfield"\r\n`;
  const r = await upload(admin, text);
  assertStatus(r, 201, 'import');
  assert.equal(r.json.created, 1);
  const got = await admin.req('GET', `/api/cases/${r.json.cases[0].id}`);
  assert.equal(got.json.principal.given_names, 'José');
  assert.equal(got.json.principal.family_name, 'O"Brien, Núñez');
  assert.equal(got.json.address, '1 High St,\nNorthfield');
  assert.equal(got.json.legislation, 'children_act_s17');
});

test('an existing council gets 5 working days on each new case alert; the HO sees them', async () => {
  const r = await upload(admin, csv([HEADER, row(), row(), row()]));
  assertStatus(r, 201, 'import');
  assert.equal(r.json.created, 3);
  assert.equal(r.json.bulk_service_level, false);
  assert.equal(r.json.new_case_due, '2026-12-09');
  for (const c of r.json.cases) {
    assert.match(c.connect_id, /^C\d+$/);
    const alerts = await alertsOf(ho, c.id);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].type, 'new_case');
    assert.equal(alerts[0].due, '2026-12-09');
    assert.equal(alerts[0].open, true);
  }
});

test('a new council uploading more than 30 cases gets 20 working days; 30 or fewer, 5', async () => {
  const big = await newCouncil('BIGC');
  const rows = Array.from({ length: 31 }, () => row());
  const r = await upload(big, csv([HEADER, ...rows]));
  assertStatus(r, 201, 'import 31');
  assert.equal(r.json.created, 31);
  assert.equal(r.json.bulk_service_level, true);
  // 20 working days after Wed 2 Dec 2026, over Christmas, Boxing Day (substitute Mon 28) and New Year.
  assert.equal(r.json.new_case_due, '2027-01-04');
  assert.equal((await alertsOf(big, r.json.cases[30].id))[0].due, '2027-01-04');

  const small = await newCouncil('SMLC');
  const r2 = await upload(small, csv([HEADER, ...Array.from({ length: 30 }, () => row())]));
  assertStatus(r2, 201, 'import 30');
  assert.equal(r2.json.bulk_service_level, false);
  assert.equal(r2.json.new_case_due, '2026-12-09');
  // Once it has cases it is no longer new: a later large upload gets 5.
  const r3 = await upload(small, csv([HEADER, ...Array.from({ length: 31 }, () => row())]));
  assertStatus(r3, 201, 'second import');
  assert.equal(r3.json.bulk_service_level, false);
});

test('rows like open cases of the council are refused unless confirmed', async () => {
  const first = row();
  assertStatus(await upload(admin, csv([HEADER, first])), 201, 'first');
  const before_ = await caseTotal(admin);
  const r = await upload(admin, csv([HEADER, row(), first]));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'possible_duplicate');
  assert.equal(r.json.error.duplicates.length, 1);
  assert.equal(r.json.error.duplicates[0].line, 3);
  assert.match(r.json.error.duplicates[0].matches[0].connect_id, /^C\d+$/);
  assert.equal(await caseTotal(admin), before_, 'nothing was imported');
  assertStatus(await upload(admin, csv([HEADER, row(), first]), '?confirm_not_duplicate=1'), 201, 'confirmed');
  assert.equal(await caseTotal(admin), before_ + 2);
});

test('a file over 2 MB is refused by nginx with the JSON error shape', async () => {
  const r = await upload(admin, `${HEADER}\r\n${'x'.repeat(2 * 1024 * 1024 + 10)}`);
  assertError(r, 413, 'payload_too_large', null);
});

test('more than 2,000 cases in one file are refused', async () => {
  const rows = Array.from({ length: 2001 }, (_, i) => `A${i},B${i},1970-01-01,XX,single_adult,care_act_2014`);
  const r = await upload(admin, csv([HEADER, ...rows]));
  assert.equal(r.status, 422, r.text.slice(0, 200));
  assert.match(r.json.error.errors.at(-1).message, /2,000/);
});

test('the same person twice in one file is a duplicate too', async () => {
  const before_ = await caseTotal(admin);
  const twice = row();
  const r = await upload(admin, csv([HEADER, row(), twice, twice]));
  assert.equal(r.status, 409, r.text);
  assert.deepEqual(r.json.error.duplicates.map((d) => d.line), [4]);
  assert.equal(await caseTotal(admin), before_, 'nothing was imported');
});

test('an unknown column with a long non-ASCII name is refused, not dropped', async () => {
  const name = `a${'é'.repeat(40)}`;
  const r = await upload(admin, csv([`${HEADER},${name}`, `${row()},x`]));
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.error.errors[0].message, /Unknown column/);
});

test('an optional referral_date column: validated per row, kept on the case, counted by the reports and bounding closure', async () => {
  const bad = csv([`${HEADER},referral_date`, `${row()},2026-12-03`, `${row()},1989-12-31`, `${row()},2019-02-30`, `${row()},14/03/2019`, `${row()},`]);
  const refused = await upload(admin, bad);
  assert.equal(refused.status, 422, refused.text);
  assert.deepEqual(refused.json.error.errors.map((e) => [e.line, e.field]),
    [[2, 'referral_date'], [3, 'referral_date'], [4, 'referral_date'], [5, 'referral_date']], 'tomorrow (UK), before 1990, no such day, not YYYY-MM-DD; empty is allowed');
  const perf = async () => (await admin.req('GET', '/api/reports/performance?from=2019-03-01&to=2019-03-31')).json.figures.referrals;
  const before_ = await perf();
  const r = await upload(admin, csv([`${HEADER},referral_date`, `${row()},2019-03-14`, `${row()},`]));
  assertStatus(r, 201, 'import');
  assert.equal(await perf(), before_ + 1, 'the imported referral date counts in March 2019; the row without one counts today');
  const [old, fresh] = r.json.cases.map((c) => c.id);
  assertError(await admin.req('POST', `/api/cases/${old}/closure`, { body: { closure_date: '2019-03-13', reason: 'left_area' } }),
    422, 'validation_failed', 'closure_date', 'before the imported referral date');
  assertStatus(await admin.req('POST', `/api/cases/${old}/closure`, { body: { closure_date: '2019-03-14', reason: 'left_area' } }), 200, 'on it');
  assertError(await admin.req('POST', `/api/cases/${fresh}/closure`, { body: { closure_date: '2019-03-14', reason: 'left_area' } }),
    422, 'validation_failed', 'closure_date', 'no referral date column value: the creation date');
});
