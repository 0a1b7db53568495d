// Moving council (fcgi/API.md "Transfers"): the sending council asks, the receiving council's admin
// sees it and accepts (in one write: council, caseworker, alerts and queries move) or declines with a
// reason; the sender loses access (404), the HO keeps it and gets a council update alert; both see the
// transfer in history. Then the SLA's wording: the council's answer to an HO query on a new case gives
// the HO 5 working days, and the HO's statement when accepting an alert. `connectctl check` clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { actor, addWorkingDays, caseAlerts, home, openAlert, openQuery, putImmigration, sendMessage, setNow } from '../lib/alerts.mjs';

let stack; let nfc; let nfcAdmin; let ebc; let ebcAdmin; let ho;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  nfc = await actor(stack.base, 'nfc.user');
  nfcAdmin = await actor(stack.base, 'nfc.admin');
  ebc = await actor(stack.base, 'ebc.user');
  ebcAdmin = await actor(stack.base, 'ebc.admin');
  ho = await actor(stack.base, 'ho.user');
});
after(async () => { await stack?.stop(); });

const ctlCheck = (what) => {
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `connectctl check after ${what}: ${r.stdout}\n${r.stderr}`);
};
const history = async (client, id) => {
  const r = await client.req('GET', `/api/cases/${id}/history?limit=200`);
  assertStatus(r, 200, 'history');
  return r.json.items;
};

test('a transfer accepted moves the case, its alerts and queries; the sender loses it', async () => {
  const c = await createCase(nfc);
  await openQuery(nfc, c.id, {}, 'council query');
  const ebcOrg = ebc.user.org.id;
  const nfcHomeBefore = (await home(nfc)).counters;

  assertError(await ho.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebcOrg } }), 403, 'forbidden');
  assertError(await ebc.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebcOrg } }), 404, 'not_found');
  assertError(await nfc.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: nfc.user.org.id } }), 422, 'validation_failed');
  const asked = await nfc.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebcOrg } });
  assertStatus(asked, 201, 'ask');
  assert.equal(asked.json.status, 'pending');
  assert.equal(asked.json.direction, 'outgoing');
  assertError(await nfc.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebcOrg } }), 409, 'conflict');

  // The receiving admin sees it incoming; a receiving user does not; the sender sees it outgoing.
  const inc = (await ebcAdmin.req('GET', '/api/transfers')).json.items.find((t) => t.id === asked.json.id);
  assert.equal(inc.direction, 'incoming');
  assert.equal(inc.principal.family_name, c.principal.family_name);
  assert.ok(!(await ebc.req('GET', '/api/transfers')).json.items.some((t) => t.id === asked.json.id));
  assert.ok((await nfc.req('GET', '/api/transfers')).json.items.some((t) => t.id === asked.json.id && t.direction === 'outgoing'));
  assertError(await ho.req('GET', '/api/transfers'), 403, 'forbidden');
  // Before acceptance: still the sender's.
  assertStatus(await nfc.req('GET', `/api/cases/${c.id}`), 200, 'sender reads before');
  assertError(await ebcAdmin.req('GET', `/api/cases/${c.id}`), 404, 'not_found');
  assertError(await nfcAdmin.req('POST', `/api/transfers/${asked.json.id}/accept`), 403, 'forbidden');
  assertError(await ebc.req('POST', `/api/transfers/${asked.json.id}/accept`), 403, 'forbidden');

  setNow(stack, '2026-12-03T10:00:00Z');
  const ok = await ebcAdmin.req('POST', `/api/transfers/${asked.json.id}/accept`, { body: { caseworker_id: ebc.user.id } });
  assertStatus(ok, 200, 'accept');
  assert.equal(ok.json.status, 'accepted');
  assertError(await ebcAdmin.req('POST', `/api/transfers/${asked.json.id}/decline`, { body: { reason: 'late' } }), 409, 'conflict');

  assertError(await nfc.req('GET', `/api/cases/${c.id}`), 404, 'not_found');
  const moved = await ebc.req('GET', `/api/cases/${c.id}`);
  assertStatus(moved, 200, 'receiver reads');
  assert.equal(moved.json.connect_id, c.connect_id, 'same Connect ID');
  assert.equal(moved.json.council.id, ebcOrg);
  assert.equal(moved.json.caseworker.id, ebc.user.id);
  assertStatus(await ho.req('GET', `/api/cases/${c.id}`), 200, 'HO reads');
  // Its alerts and queries went with it; the HO has a council update alert naming the council.
  const alerts = await caseAlerts(ebc, c.id);
  assert.ok(alerts.every((a) => a.council.id === ebcOrg));
  const cu = await openAlert(ho, c.id, 'council_update');
  assert.deepEqual(cu.fields, ['council']);
  assert.equal(cu.due, addWorkingDays('2026-12-03', 5));
  const qs = await ebc.req('GET', `/api/cases/${c.id}/queries`);
  assertStatus(qs, 200, 'queries');
  assert.equal(qs.json.items.length, 1);
  assert.equal(qs.json.items[0].council.id, ebcOrg);
  const nfcHomeAfter = (await home(nfc)).counters;
  assert.equal(nfcHomeAfter.open_referral, nfcHomeBefore.open_referral - 1, 'the sender counts one case fewer');
  // History: the request and the move, with the council change.
  const h = await history(ebc, c.id);
  assert.ok(h.some((r) => r.field === 'transfer' && r.new.status === 'requested'));
  assert.ok(h.some((r) => r.field === 'transfer' && r.new.status === 'accepted'));
  ctlCheck('accept');
});

test('a declined transfer leaves the case where it was, with the reason in history', async () => {
  const c = await createCase(nfc);
  const asked = await nfcAdmin.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebc.user.org.id } });
  assertStatus(asked, 201, 'ask');
  assertError(await ebcAdmin.req('POST', `/api/transfers/${asked.json.id}/decline`, { body: {} }), 422, 'validation_failed');
  const no = await ebcAdmin.req('POST', `/api/transfers/${asked.json.id}/decline`, { body: { reason: 'Not in our area' } });
  assertStatus(no, 200, 'decline');
  assert.equal(no.json.decline_reason, 'Not in our area');
  assertStatus(await nfc.req('GET', `/api/cases/${c.id}`), 200, 'still the sender');
  assertError(await ebc.req('GET', `/api/cases/${c.id}`), 404, 'not_found');
  const h = await history(nfc, c.id);
  assert.ok(h.some((r) => r.field === 'transfer' && r.new.status === 'declined' && r.new.reason === 'Not in our area'));
  // A new request is allowed once the last was answered.
  assertStatus(await nfc.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebc.user.org.id } }), 201, 'ask again');
  ctlCheck('decline');
});

test("the council's answer to an HO query on a new case gives the HO 5 working days", async () => {
  setNow(stack, '2026-12-07T10:00:00Z');
  const c = await createCase(nfc);
  const q = await openQuery(ho, c.id, { message: 'Which reference?' }, 'HO query on a new case');
  const r = await sendMessage(nfc, q.id, 'This one.');
  assert.equal(r.due, addWorkingDays('2026-12-07', 5));
  // An ordinary query, on a case the HO has checked: 10.
  const d = await createCase(nfc);
  await putImmigration(ho, d.id, { status: 'asylum_claim_recorded', recourse_to_public_funds: false }, 'check');
  const q2 = await openQuery(ho, d.id, { message: 'Anything else?' }, 'HO query on a checked case');
  assert.equal((await sendMessage(nfc, q2.id, 'No.')).due, addWorkingDays('2026-12-07', 10));
  ctlCheck('status check clock');
});

test('accepting an alert may carry the HO statement, kept on the alert and in history', async () => {
  const c = await createCase(nfc);
  const rec = await nfc.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2026-12-07', reason: 'left_area' } });
  assertStatus(rec, 200, 'close');
  const a = await openAlert(ho, c.id, 'case_closed');
  assertError(await ho.req('POST', `/api/alerts/${a.id}/accept`, { body: { statment: 'typo' } }), 400, 'invalid_field');
  const r = await ho.req('POST', `/api/alerts/${a.id}/accept`, { body: { statement: 'We understand the family left.' } });
  assertStatus(r, 200, 'accept');
  assert.equal(r.json.statement, 'We understand the family left.');
  const h = await history(nfc, c.id);
  assert.ok(h.some((x) => x.field === 'alert_statement' && x.new.statement === 'We understand the family left.'));
  ctlCheck('statement');
});
