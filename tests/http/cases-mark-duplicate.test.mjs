// Duplicates, whole (fcgi/API.md "Duplicates"): a council user marks a case as a duplicate of another
// of its cases (it closes with reason `duplicate`, links to the survivor, and its open alerts and
// queries move there); the Network's admin lists marked duplicates without case data and removes them
// through the retention destruction, never a case that is not marked. `connectctl check` after each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import { createCase, person } from '../lib/cases.mjs';
import { actor, caseAlerts, openQuery, putImmigration, setNow } from '../lib/alerts.mjs';

let stack; let nfc; let nfcAdmin; let ebc; let ho; let net;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  nfc = await actor(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebc = await signIn(stack.base, 'ebc.user');
  ho = await actor(stack.base, 'ho.user');
  net = await signIn(stack.base, 'net.admin');
});
after(async () => { await stack?.stop(); });

const ctlCheck = (what) => {
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `connectctl check after ${what}: ${r.stdout}\n${r.stderr}`);
};
const mark = (client, id, survivor) => client.req('POST', `/api/cases/${id}/duplicate-of`, { body: { case_id: survivor } });
const P = (given, family, dob) => person({ given_names: given, family_name: family, date_of_birth: dob });

test('marking: closes with reason duplicate, links, moves open alerts and queries to the survivor', async () => {
  const survivor = await createCase(nfc, { principal: P('Samir', 'Haddad', '1980-01-01') });
  const dup = await createCase(nfc, { principal: P('Samir', 'Hadad', '1980-01-01'), confirm_not_duplicate: true });
  // The survivor was checked by the HO (no new_case); the duplicate has its new_case alert and two queries.
  await putImmigration(ho, survivor.id, { status: 'asylum_claim_recorded' }, 'HO check of the survivor');
  const q1 = await openQuery(nfc, dup.id, { message: 'Council asks.' });
  const q2 = await openQuery(nfc, dup.id, { message: 'Council asks again.' }); // an HO query would clear new_case
  const dupNewCase = (await caseAlerts(nfc, dup.id)).find((a) => a.type === 'new_case' && a.open);
  assert.ok(dupNewCase, 'the duplicate has an open new_case alert');

  const r = await mark(nfc, dup.id, survivor.id);
  assertStatus(r, 200, 'mark');
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.closure.reason, 'duplicate');
  assert.equal(r.json.closure.closure_date, '2026-12-02');
  assert.equal(r.json.duplicate_of, survivor.id);

  const moved = (await caseAlerts(nfc, survivor.id)).find((a) => a.id === dupNewCase.id);
  assert.ok(moved, 'the new_case alert moved to the survivor');
  assert.equal(moved.open, true);
  assert.equal(moved.case_id, survivor.id);
  assert.equal((await caseAlerts(nfc, dup.id)).some((a) => a.id === dupNewCase.id), false, 'no longer on the duplicate');
  for (const q of [q1, q2]) {
    const g = await nfc.req('GET', `/api/queries/${q.id}`);
    assertStatus(g, 200, 'query');
    assert.equal(g.json.case_id, survivor.id, 'query moved');
    assert.equal(g.json.status, 'open', 'still open');
  }
  const sq = await nfc.req('GET', `/api/cases/${survivor.id}/queries`);
  assertStatus(sq, 200, 'survivor queries');
  const sqIds = (sq.json.items ?? sq.json).map((x) => x.id);
  assert.ok(sqIds.includes(q1.id) && sqIds.includes(q2.id), `survivor lists both queries: ${sqIds}`);
  // Closing raises case_closed for the HO on the duplicate, as any closure does.
  assert.ok((await caseAlerts(nfc, dup.id)).some((a) => a.type === 'case_closed' && a.open), 'case_closed raised');
  ctlCheck('mark');
});

test('an alert of a type the survivor already has open is resolved `duplicate`, not moved', async () => {
  const survivor = await createCase(nfc, { principal: P('Yusuf', 'Karimi', '1982-05-05') });
  const dup = await createCase(nfc, { principal: P('Yusuf', 'Karimi', '1982-05-05'), confirm_not_duplicate: true });
  const nc = (await caseAlerts(nfc, dup.id)).find((a) => a.type === 'new_case' && a.open);
  assertStatus(await mark(nfc, dup.id, survivor.id), 200, 'mark');
  const after = (await caseAlerts(nfc, dup.id)).find((a) => a.id === nc.id);
  assert.equal(after.open, false);
  assert.equal(after.cleared_how, 'duplicate');
  assert.equal((await caseAlerts(nfc, survivor.id)).filter((a) => a.type === 'new_case' && a.open).length, 1, 'one new_case on the survivor');
  ctlCheck('mark with a clash');
});

test('marking is refused: itself, another council (404), marked or closed case, marked or closed survivor; HO 403', async () => {
  const a = await createCase(nfc, { principal: P('Lina', 'Aziz', '1991-02-02') });
  const b = await createCase(nfc, { principal: P('Lina', 'Azis', '1991-02-02'), confirm_not_duplicate: true });
  const c = await createCase(nfc, { principal: P('Lina', 'Asiz', '1991-02-02'), confirm_not_duplicate: true });
  const e = await createCase(ebc, { principal: P('Lina', 'Aziz', '1991-02-02') });
  assertError(await mark(nfc, a.id, a.id), 422, 'validation_failed', 'case_id', 'itself');
  assertError(await mark(nfc, a.id, e.id), 404, 'not_found', null, 'another council\'s survivor');
  assertError(await mark(ebc, a.id, e.id), 404, 'not_found', null, 'another council\'s case');
  assertError(await mark(ho, a.id, b.id), 403, 'forbidden', null, 'the HO');
  assertError(await nfc.req('POST', `/api/cases/${a.id}/duplicate-of`, { body: { case_id: b.id, extra: 1 } }), 400, 'invalid_field', 'extra', 'unknown member');
  assertStatus(await mark(nfcAdmin, b.id, a.id), 200, 'an admin marks B');
  assertError(await mark(nfc, b.id, a.id), 422, 'case_closed', null, 'already marked');
  assertError(await mark(nfc, c.id, b.id), 422, 'validation_failed', 'case_id', 'survivor itself marked');
  assertStatus(await nfc.req('POST', `/api/cases/${a.id}/closure`, { body: { closure_date: '2026-12-02', reason: 'left_area' } }), 200, 'close A');
  assertError(await mark(nfc, c.id, a.id), 422, 'validation_failed', 'case_id', 'closed survivor');
  ctlCheck('refusals');
});

test('the Network lists marked duplicates without case data and removes only marked ones, with a destruction record', async () => {
  const a = await createCase(nfc, { principal: P('Omar', 'Nasser', '1970-03-03') });
  const b = await createCase(nfc, { principal: P('Omar', 'Naser', '1970-03-03'), confirm_not_duplicate: true });
  await openQuery(nfc, b.id, { message: 'Moves with the mark.' });
  assertStatus(await mark(nfc, b.id, a.id), 200, 'mark');

  const l = await net.req('GET', '/api/cases?duplicate=1');
  assertStatus(l, 200, 'network list');
  const row = l.json.items.find((x) => x.id === b.id);
  assert.ok(row, `listed: ${JSON.stringify(l.json.items)}`);
  assert.deepEqual(Object.keys(row).sort(), ['connect_id', 'council', 'duplicate_of', 'id', 'marked_at']);
  assert.equal(row.duplicate_of, a.id);
  assert.equal(row.connect_id, `C${b.id}`);
  assert.ok(!l.json.items.some((x) => x.id === a.id), 'the survivor is not listed');
  assert.ok(!JSON.stringify(l.json).includes('Naser'), 'no names');

  assertError(await net.req('GET', '/api/cases'), 403, 'forbidden', null, 'the Network has no other case list');
  assertError(await nfcAdmin.req('DELETE', `/api/cases/${b.id}`), 403, 'forbidden', null, 'a council admin');
  assertError(await ho.req('DELETE', `/api/cases/${b.id}`), 403, 'forbidden', null, 'the HO');
  assertError(await net.req('DELETE', `/api/cases/${a.id}`), 422, 'not_a_duplicate', null, 'an unmarked case');
  assertStatus(await nfc.req('GET', `/api/cases/${a.id}`), 200, 'unmarked case kept');

  const d = await net.req('DELETE', `/api/cases/${b.id}`);
  assertStatus(d, 200, 'remove');
  assert.equal(d.json.reason, 'duplicate');
  assert.equal(d.json.duplicate_of, a.id);
  assert.equal(d.json.connect_id, `C${b.id}`);
  assertError(await nfc.req('GET', `/api/cases/${b.id}`), 404, 'not_found', null, 'gone');
  assertError(await net.req('DELETE', `/api/cases/${b.id}`), 404, 'not_found', null, 'twice');
  const ds = await nfcAdmin.req('GET', '/api/destructions');
  assertStatus(ds, 200, 'destructions');
  assert.ok(ds.json.items.some((x) => x.connect_id === `C${b.id}` && x.reason === 'duplicate'), 'destruction record');
  assert.ok(!(await net.req('GET', '/api/cases?duplicate=1')).json.items.some((x) => x.id === b.id), 'no longer listed');
  ctlCheck('remove');
});

test('reopening a case marked by mistake unmarks it', async () => {
  const a = await createCase(nfc, { principal: P('Rita', 'Mensah', '1985-04-04') });
  const b = await createCase(nfc, { principal: P('Rita', 'Mensa', '1985-04-04'), confirm_not_duplicate: true });
  assertStatus(await mark(nfc, b.id, a.id), 200, 'mark');
  const r = await nfc.req('DELETE', `/api/cases/${b.id}/closure`);
  assertStatus(r, 200, 'reopen');
  assert.equal(r.json.duplicate_of, null);
  assert.ok(!(await net.req('GET', '/api/cases?duplicate=1')).json.items.some((x) => x.id === b.id), 'not listed');
  assertError(await net.req('DELETE', `/api/cases/${b.id}`), 422, 'not_a_duplicate', null, 'unmarked');
  ctlCheck('reopen');
});
