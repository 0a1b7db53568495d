// /api/orgs: the Network admin manages organisations; the Home Office may read the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertList, assertOrg, assertStatus, createActiveUser, signIn, ISO_TIME } from '../lib/http.mjs';

let stack; let net;
before(async () => { stack = await startStack(); net = await signIn(stack.base, 'net.admin'); });
after(async () => { await stack?.stop(); });

async function codes() {
  const r = await net.req('GET', '/api/orgs?limit=500');
  assertStatus(r, 200);
  return r.json.items.map((o) => o.code);
}

test('GET /api/orgs (Network admin): list of ORG with the demo organisations', async () => {
  const r = await net.req('GET', '/api/orgs');
  assertStatus(r, 200);
  assertList(r.json);
  for (const o of r.json.items) assertOrg(o);
  const byCode = Object.fromEntries(r.json.items.map((o) => [o.code, o]));
  for (const c of ['NET', 'HO', 'NFC', 'EBC', 'WMC']) assert.ok(byCode[c], `org ${c} listed`);
  assert.equal(byCode.NET.kind, 'network');
  assert.equal(byCode.HO.kind, 'home_office');
  for (const c of ['NFC', 'EBC', 'WMC']) assert.equal(byCode[c].kind, 'council');
  assert.equal(byCode.NFC.name, 'Northfield City Council');
  assert.equal(byCode.EBC.name, 'Eastbrook Borough Council');
  assert.equal(byCode.WMC.name, 'Westmere County Council');
  assert.equal(r.json.total, r.json.items.length);
  assert.equal(new Set(r.json.items.map((o) => o.id)).size, r.json.items.length, 'ids unique');
});

test('GET /api/orgs paginates', async () => {
  const all = (await net.req('GET', '/api/orgs?limit=500')).json.items.map((o) => o.id);
  const seen = []; let cursor = null;
  do {
    const r = await net.req('GET', `/api/orgs?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assertStatus(r, 200);
    assert.ok(r.json.items.length <= 2, `?limit=2 gave ${r.json.items.length} items`);
    seen.push(...r.json.items.map((o) => o.id));
    cursor = r.json.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, all);
});

test('POST /api/orgs: 201 ORG, code upper case, listed afterwards', async () => {
  const before1 = Date.now();
  const r = await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Harbourside Council', code: 'hbc2' } });
  assertStatus(r, 201);
  assertOrg(r.json);
  assert.equal(r.json.kind, 'council');
  assert.equal(r.json.name, 'Harbourside Council');
  assert.equal(r.json.code, 'HBC2');
  assert.match(r.json.created_at, ISO_TIME);
  const created = Date.parse(r.json.created_at);
  assert.ok(created >= before1 - 5000 && created <= Date.now() + 5000, 'created_at is now');
  const list = await net.req('GET', '/api/orgs?limit=500');
  assert.deepEqual(list.json.items.find((o) => o.id === r.json.id), r.json);
});

test('POST /api/orgs: duplicate code 409 conflict (any case), nothing created', async () => {
  const n = (await codes()).length;
  assertError(await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Copy', code: 'NFC' } }), 409, 'conflict', undefined, 'NFC');
  assertError(await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Copy', code: 'nfc' } }), 409, 'conflict', undefined, 'nfc');
  assertError(await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Copy', code: 'HO' } }), 409, 'conflict', undefined, 'HO');
  assert.equal((await codes()).length, n);
});

test('POST /api/orgs: validation 422 with field, wrong types 400, nothing created', async () => {
  const n = (await codes()).length;
  const ok = { kind: 'council', name: 'Valid Name', code: 'VAL1' };
  for (const [over, field] of [
    [{ kind: 'home_office' }, 'kind'], [{ kind: 'network' }, 'kind'], [{ kind: 'parish' }, 'kind'], [{ kind: '' }, 'kind'],
    [{ code: 'A' }, 'code'], [{ code: 'A'.repeat(17) }, 'code'], [{ code: 'AB-1' }, 'code'], [{ code: 'ÄB' }, 'code'], [{ code: '' }, 'code'],
    [{ name: '' }, 'name'], [{ name: 'n'.repeat(201) }, 'name'], [{ name: 'Bad\u0007Bell' }, 'name'],
  ]) {
    assertError(await net.req('POST', '/api/orgs', { body: { ...ok, ...over } }), 422, 'validation_failed', field, JSON.stringify(over));
  }
  for (const [over, field] of [[{ kind: 1 }, 'kind'], [{ code: 12 }, 'code'], [{ name: ['x'] }, 'name'], [{ id: 5 }, 'id']]) {
    assertError(await net.req('POST', '/api/orgs', { body: { ...ok, ...over } }), 400, 'invalid_field', field, JSON.stringify(over));
  }
  assert.equal((await codes()).length, n);
  assertStatus(await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Two', code: 'AB' } }), 201, '2-character code');
  assertStatus(await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Sixteen', code: 'ABCDEFGHIJ123456' } }), 201, '16-character code');
});

test('orgs: only the Network admin creates (403 for everyone else, nothing created); the Home Office and councils list (a council chooses where to transfer a case)', async () => {
  const n = (await codes()).length;
  for (const name of ['nfc.admin', 'nfc.user', 'ho.admin', 'ho.user', 'ebc.admin', 'wmc.user']) {
    const c = await signIn(stack.base, name);
    const list = await c.req('GET', '/api/orgs?limit=500');
    assert.equal(list.status, 200, `${name} GET: reads the list of organisations`);
    assert.deepEqual(list.json.items.map((o) => o.code).sort(), (await codes()).sort(), `${name} sees every organisation`);
    assertError(await c.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Rogue', code: 'ROGUE' } }), 403, 'forbidden', null, `${name} POST`);
  }
  assert.equal((await codes()).length, n);
  assert.ok(!(await codes()).includes('ROGUE'));
});

test('orgs: a second Network admin (created by the first) has the same rights', async () => {
  const made = await createActiveUser(net, { username: 'net.deputy', name: 'Deputy', role: 'admin' });
  assert.equal(made.user.org.kind, 'network');
  const r = await made.client.req('GET', '/api/orgs');
  assertStatus(r, 200);
  assert.ok(r.json.items.some((o) => o.code === 'NFC'));
});

test('the NINo partner mark: shown on partners, set and cleared by the Network admin only, one partner at most, audited', async () => {
  const list = async (who = net) => Object.fromEntries((await who.req('GET', '/api/orgs?limit=500')).json.items.map((o) => [o.code, o]));
  let orgs = await list();
  assert.equal(orgs.DWPNINO.nino_partner, true, 'the demo\'s NINo partner');
  assert.equal(orgs.DWP.nino_partner, false, 'another partner department');
  assert.equal('nino_partner' in orgs.NFC, false, 'a council has no such member');
  assert.equal((await list(await signIn(stack.base, 'ho.user'))).DWPNINO.nino_partner, true, 'the Home Office reads it too');
  const nino = orgs.DWPNINO.id; const dwp = orgs.DWP.id;
  const patch = (who, id, body) => who.req('PATCH', `/api/orgs/${id}`, { body });

  // Only a partner department; only one at a time; only the Network admin.
  assertError(await patch(net, orgs.NFC.id, { nino_partner: true }), 422, 'validation_failed', 'nino_partner', 'a council');
  assertError(await patch(net, orgs.HO.id, { nino_partner: true }), 422, 'validation_failed', 'nino_partner', 'the Home Office');
  assertError(await patch(net, dwp, { nino_partner: true }), 409, 'conflict', 'nino_partner', 'a second NINo partner');
  assertError(await patch(net, dwp, { nino_partner: 'yes' }), 400, 'invalid_field', 'nino_partner', 'not a boolean');
  for (const name of ['ho.admin', 'nino.admin', 'dwp.admin', 'nfc.admin']) {
    assertError(await patch(await signIn(stack.base, name), nino, { nino_partner: false }), 403, 'forbidden', null, `${name} PATCH`);
  }
  assertError(await patch(net, 999999, { nino_partner: false }), 404, 'not_found', null, 'no such organisation');
  orgs = await list();
  assert.equal(orgs.DWPNINO.nino_partner, true, 'nothing changed');
  assert.equal(orgs.DWP.nino_partner, false);

  // While its mark is cleared its designated users lose the batches; then another partner takes it.
  const designated = await signIn(stack.base, 'nino.user');
  assertStatus(await designated.req('GET', '/api/nino/batches'), 200, 'designated user of the NINo partner');
  const off = await patch(net, nino, { nino_partner: false });
  assertStatus(off, 200, 'cleared');
  assertOrg(off.json);
  assert.equal(off.json.nino_partner, false);
  assertError(await designated.req('GET', '/api/nino/batches'), 403, 'forbidden', null, 'no longer the NINo partner');
  const on = await patch(net, dwp, { nino_partner: true });
  assertStatus(on, 200, 'DWP marked');
  assert.equal(on.json.nino_partner, true);
  assertError(await patch(net, nino, { nino_partner: true }), 409, 'conflict', 'nino_partner', 'DWP holds it now');
  assertStatus(await patch(net, dwp, { nino_partner: false }), 200, 'DWP cleared');
  assertStatus(await patch(net, nino, { nino_partner: true }), 200, 'back to DWP NINo Operations');
  assertStatus(await designated.req('GET', '/api/nino/batches'), 200, 'the designation counts again');
  orgs = await list();
  assert.equal(orgs.DWPNINO.nino_partner, true);
  assert.equal(orgs.DWP.nino_partner, false);

  // Audited on the organisation, with the Network admin as actor.
  const audit = await net.req('GET', `/api/audit?type=org_nino_partner_cleared`);
  assertStatus(audit, 200, 'audit');
  assert.deepEqual(audit.json.items.map((e) => e.target?.id ?? e.target).filter((t) => t === nino || t === dwp).sort(), [nino, dwp].sort(),
    `cleared events: ${JSON.stringify(audit.json.items.slice(0, 2))}`);
  const set = await net.req('GET', `/api/audit?type=org_nino_partner_set`);
  assert.ok(set.json.items.length >= 2, 'set events');
});

test('orgs: without a token 401', async () => {
  const r = await fetch(`${stack.base}/api/orgs`);
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, 'unauthenticated');
});
