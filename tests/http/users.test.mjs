// /api/users: list, pagination, create, validation, get, patch, delete, unlock, reset-password, and
// organisation boundaries (council admin, HO admin, Network admin, plain users).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { totp } from '../lib/totp.mjs';
import { startStack } from '../lib/stack.mjs';
import {
  Client, DEMO_PASSWORD, STRONG, assertError, assertErrorOneOf, assertList, assertStatus, assertUser,
  createActiveUser, findUser, listAll, loginStatus, signIn,
} from '../lib/http.mjs';

let stack; let nfcAdmin; let nfcUser; let ebcAdmin; let hoAdmin; let hoUser; let netAdmin; let orgs;
before(async () => {
  stack = await startStack();
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  nfcUser = await signIn(stack.base, 'nfc.user');
  ebcAdmin = await signIn(stack.base, 'ebc.admin');
  hoAdmin = await signIn(stack.base, 'ho.admin');
  hoUser = await signIn(stack.base, 'ho.user');
  netAdmin = await signIn(stack.base, 'net.admin');
  const r = await netAdmin.req('GET', '/api/orgs?limit=500');
  assertStatus(r, 200);
  orgs = Object.fromEntries(r.json.items.map((o) => [o.code, o]));
});
after(async () => { await stack?.stop(); });

const body = (over = {}) => ({ username: `usr.${Math.random().toString(36).slice(2, 10)}`, name: 'Some Person', role: 'user', team: null, ...over });
async function total(admin, q = '') { const r = await admin.req('GET', `/api/users?limit=500${q}`); assertStatus(r, 200); return r.json.total; }

// ---- list ----------------------------------------------------------------------------------------

test('list: own organisation only, sorted by user name, {items,next_cursor,total}', async () => {
  const r = await nfcAdmin.req('GET', '/api/users');
  assertStatus(r, 200);
  assertList(r.json);
  assert.ok(r.json.items.length >= 2);
  for (const u of r.json.items) {
    assertUser(u);
    assert.equal(u.org.id, nfcAdmin.user.org.id, `${u.username} belongs to NFC`);
  }
  const names = r.json.items.map((u) => u.username);
  assert.deepEqual(names, [...names].sort(), 'sorted by user name');
  assert.ok(names.includes('nfc.admin') && names.includes('nfc.user'));
  assert.ok(!names.some((n) => n.startsWith('ebc.') || n.startsWith('ho.') || n.startsWith('net.')), 'no other org users');
  if (r.json.total <= 50) {
    assert.equal(r.json.total, r.json.items.length, 'one page holds all');
    assert.equal(r.json.next_cursor, null, 'no next page');
  }
});

test('list: limit/cursor pagination across pages, no duplicates, nothing missed', async () => {
  for (let i = 0; i < 7; i += 1) {
    assertStatus(await nfcAdmin.req('POST', '/api/users', { body: body({ username: `page.${String.fromCharCode(97 + i)}${i}` }) }), 201);
  }
  const all = await nfcAdmin.req('GET', '/api/users?limit=500');
  assertStatus(all, 200);
  const full = all.json.items.map((u) => u.id);
  assert.ok(full.length >= 9);
  for (const limit of [1, 2, 3, 4]) {
    const { items, pages, totals } = await listAll(nfcAdmin, '/api/users', limit);
    const ids = items.map((u) => u.id);
    assert.equal(new Set(ids).size, ids.length, `limit ${limit}: no duplicates`);
    assert.deepEqual(ids, full, `limit ${limit}: same items, same order as one page`);
    assert.equal(pages, Math.ceil(full.length / limit), `limit ${limit}: page count`);
    assert.ok(totals.every((t) => t === full.length), `limit ${limit}: total is the whole count on every page`);
  }
  const first = await nfcAdmin.req('GET', '/api/users?limit=2');
  assert.equal(first.json.items.length, 2);
  assert.equal(typeof first.json.next_cursor, 'string');
});

test('list: default limit 50; limit out of 1..500 or not a number is refused', async () => {
  const r = await nfcAdmin.req('GET', '/api/users');
  assert.ok(r.json.items.length <= 50);
  const pairs = [[400, 'invalid_field'], [422, 'validation_failed']];
  for (const l of ['0', '501', '-1', 'abc', '1.5']) {
    assertErrorOneOf(await nfcAdmin.req('GET', `/api/users?limit=${l}`), pairs, 'limit', `limit=${l}`);
  }
  assertStatus(await nfcAdmin.req('GET', '/api/users?limit=500'), 200);
  assertStatus(await nfcAdmin.req('GET', '/api/users?limit=1'), 200);
});

test('list: a garbage cursor is refused or ignored, never a crash or another org\'s data', async () => {
  for (const cur of ['%00%ff-not-a-cursor', 'zzzz', '!!!', 'eyJ4IjoxfQ']) {
    const r = await nfcAdmin.req('GET', `/api/users?cursor=${cur}`);
    if (r.status === 200) {
      assertList(r.json);
      assert.ok(r.json.items.every((u) => u.org.id === nfcAdmin.user.org.id), `cursor ${cur}`);
    } else {
      assertErrorOneOf(r, [[400, 'invalid_field'], [422, 'validation_failed']], 'cursor', `cursor ${cur}`);
    }
  }
});

// ---- get -----------------------------------------------------------------------------------------

test('GET /api/users/{id}: 200 USER; unknown or malformed id 404', async () => {
  const u = await findUser(nfcAdmin, 'nfc.user');
  const r = await nfcAdmin.req('GET', `/api/users/${u.id}`);
  assertStatus(r, 200);
  assertUser(r.json);
  assert.deepEqual(r.json, u);
  for (const id of ['999999', '0', '-1', 'abc', '1e3', '01x']) {
    assertError(await nfcAdmin.req('GET', `/api/users/${id}`), 404, 'not_found', null, `id ${id}`);
  }
});

// ---- create --------------------------------------------------------------------------------------

test('create: 201 {user,temporary_password}; user name stored lower case', async () => {
  const r = await nfcAdmin.req('POST', '/api/users', { body: { username: 'Mixed.Case_User-1', name: 'Mixed Case', role: 'user', team: 'North' } });
  assertStatus(r, 201);
  assertUser(r.json.user);
  assert.equal(r.json.user.username, 'mixed.case_user-1');
  assert.equal(r.json.user.team, 'North');
  assert.equal(r.json.user.must_change_password, true);
  assert.equal(await loginStatus(stack.base, 'MIXED.CASE_USER-1', r.json.temporary_password), 200);
});

test('create: team may be omitted or null', async () => {
  const r = await nfcAdmin.req('POST', '/api/users', { body: { username: 'no.team.user', name: 'No Team', role: 'user' } });
  assertStatus(r, 201);
  assert.equal(r.json.user.team, null);
});

test('create: 409 conflict for an existing user name, in this or another organisation, any case', async () => {
  const n = await total(nfcAdmin);
  assertError(await nfcAdmin.req('POST', '/api/users', { body: body({ username: 'nfc.user' }) }), 409, 'conflict', undefined, 'same org');
  assertError(await nfcAdmin.req('POST', '/api/users', { body: body({ username: 'NFC.User' }) }), 409, 'conflict', undefined, 'same org other case');
  assertError(await nfcAdmin.req('POST', '/api/users', { body: body({ username: 'ebc.user' }) }), 409, 'conflict', undefined, 'other council');
  assertError(await nfcAdmin.req('POST', '/api/users', { body: body({ username: 'net.admin' }) }), 409, 'conflict', undefined, 'network');
  assertError(await hoAdmin.req('POST', '/api/users', { body: body({ username: 'nfc.admin' }) }), 409, 'conflict', undefined, 'HO admin, council name');
  assert.equal(await total(nfcAdmin), n, 'nothing created');
  assert.equal(await loginStatus(stack.base, 'ebc.user', DEMO_PASSWORD), 200, 'ebc.user untouched');
});

test('create: validation 422 with field; wrong types 400 invalid_field; nothing created', async () => {
  const n = await total(nfcAdmin);
  const bad422 = [
    [{ username: 'ab' }, 'username'],
    [{ username: 'a'.repeat(65) }, 'username'],
    [{ username: 'bad name' }, 'username'],
    [{ username: 'bad!chars' }, 'username'],
    [{ username: 'émile.user' }, 'username'],
    [{ username: '.starts.dot' }, 'username'],
    [{ username: '_starts' }, 'username'],
    [{ username: '-starts' }, 'username'],
    [{ username: 'slash/user' }, 'username'],
    [{ username: '' }, 'username'],
    [{ role: 'superuser' }, 'role'],
    [{ role: 'Admin' }, 'role'],
    [{ role: '' }, 'role'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ name: 'Tab\there' }, 'name'],
    [{ name: 'New\nLine' }, 'name'],
    [{ team: 't'.repeat(101) }, 'team'],
  ];
  for (const [over, field] of bad422) {
    assertError(await nfcAdmin.req('POST', '/api/users', { body: body(over) }), 422, 'validation_failed', field, JSON.stringify(over).slice(0, 60));
  }
  const bad400 = [
    [{ username: 123 }, 'username'],
    [{ name: ['x'] }, 'name'],
    [{ role: 1 }, 'role'],
    [{ team: 5 }, 'team'],
    [{ password: 'Chosen-By-Admin-123' }, 'password'],
    [{ locked: false }, 'locked'],
    [{ must_change_password: false }, 'must_change_password'],
  ];
  for (const [over, field] of bad400) {
    assertError(await nfcAdmin.req('POST', '/api/users', { body: body(over) }), 400, 'invalid_field', field, JSON.stringify(over));
  }
  const pairs = [[400, 'invalid_field'], [422, 'validation_failed']];
  for (const f of ['username', 'name', 'role']) {
    const b = body(); delete b[f];
    assertErrorOneOf(await nfcAdmin.req('POST', '/api/users', { body: b }), pairs, f, `missing ${f}`);
  }
  assert.equal(await total(nfcAdmin), n, 'nothing created');
});

test('create: a name with an escaped NUL (valid JSON) is 422 validation_failed on name, not invalid_json', async () => {
  const n = await total(nfcAdmin);
  const r = await nfcAdmin.req('POST', '/api/users', { raw: '{"username":"nul.name","name":"Nul\\u0000byte","role":"user","team":null}' });
  assertError(r, 422, 'validation_failed', 'name');
  assert.equal(await total(nfcAdmin), n);
});

test('create: boundary values accepted (3 and 64 character user names, 200 character name, 100 character team)', async () => {
  assertStatus(await nfcAdmin.req('POST', '/api/users', { body: body({ username: 'a1b' }) }), 201, '3 chars');
  assertStatus(await nfcAdmin.req('POST', '/api/users', { body: body({ username: `z${'9'.repeat(63)}` }) }), 201, '64 chars');
  const r = await nfcAdmin.req('POST', '/api/users', { body: body({ name: 'Ñ'.repeat(200), team: 'T'.repeat(100) }) });
  assertStatus(r, 201, '200-char name, 100-char team');
  assert.equal(r.json.user.name, 'Ñ'.repeat(200));
});

// ---- patch ---------------------------------------------------------------------------------------

test('PATCH: name, team, role → 200 USER; validation 422; self-demotion 422', async () => {
  const made = await createActiveUser(nfcAdmin, { username: 'patch.me' });
  const r = await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { name: 'Patched Name', team: 'South' } });
  assertStatus(r, 200);
  assertUser(r.json);
  assert.equal(r.json.name, 'Patched Name');
  assert.equal(r.json.team, 'South');
  assert.equal(r.json.role, 'user');
  const cleared = await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { team: null } });
  assertStatus(cleared, 200);
  assert.equal(cleared.json.team, null);
  assert.equal(cleared.json.name, 'Patched Name', 'untouched fields stay');
  assertError(await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { role: 'owner' } }), 422, 'validation_failed', 'role');
  assertError(await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { name: '' } }), 422, 'validation_failed', 'name');
  assertError(await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { username: 'renamed' } }), 400, 'invalid_field', 'username', 'username not patchable');
  assertError(await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { locked: true } }), 400, 'invalid_field', 'locked');
  assertError(await nfcAdmin.req('PATCH', `/api/users/${made.id}`, { body: { name: 42 } }), 400, 'invalid_field', 'name');
  const now = await nfcAdmin.req('GET', `/api/users/${made.id}`);
  assert.equal(now.json.name, 'Patched Name');
  assert.equal(now.json.role, 'user');
  const self = await nfcAdmin.req('PATCH', `/api/users/${nfcAdmin.user.id}`, { body: { role: 'user' } });
  assertError(self, 422, 'validation_failed', undefined, 'admin demotes itself');
  const me = await nfcAdmin.req('GET', '/api/me');
  assert.equal(me.json.role, 'admin', 'still admin');
  assertStatus(await nfcAdmin.req('PATCH', `/api/users/${nfcAdmin.user.id}`, { body: { name: 'NFC Admin Renamed' } }), 200, 'admin may rename itself');
  assertError(await nfcAdmin.req('PATCH', '/api/users/999999', { body: { name: 'x' } }), 404, 'not_found', null);
});

// ---- delete --------------------------------------------------------------------------------------

test('DELETE: 204, gone from GET and list; deleting oneself 422; unknown 404', async () => {
  const made = await createActiveUser(nfcAdmin, { username: 'delete.me' });
  const r = await nfcAdmin.req('DELETE', `/api/users/${made.id}`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assertError(await nfcAdmin.req('GET', `/api/users/${made.id}`), 404, 'not_found', null);
  assert.equal(await findUser(nfcAdmin, 'delete.me'), undefined);
  assert.equal(await loginStatus(stack.base, 'delete.me', STRONG), 401, 'deleted user cannot sign in');
  assertError(await nfcAdmin.req('DELETE', `/api/users/${made.id}`), 404, 'not_found', null, 'delete twice');
  assertError(await nfcAdmin.req('DELETE', `/api/users/${nfcAdmin.user.id}`), 422, 'validation_failed', undefined, 'delete oneself');
  assertStatus(await nfcAdmin.req('GET', '/api/me'), 200, 'admin still there');
});

// ---- reset-password / unlock ---------------------------------------------------------------------

test('reset-password: 200 {temporary_password}, unlocks, requires a change', async () => {
  const made = await createActiveUser(nfcAdmin, { username: 'reset.me' });
  for (let i = 0; i < 5; i += 1) await new Client(stack.base).login('reset.me', `wrong-${i}-password`);
  assert.equal((await nfcAdmin.req('GET', `/api/users/${made.id}`)).json.locked, true, 'locked first');
  const r = await nfcAdmin.req('POST', `/api/users/${made.id}/reset-password`);
  assertStatus(r, 200);
  assert.deepEqual(Object.keys(r.json), ['temporary_password']);
  const u = (await nfcAdmin.req('GET', `/api/users/${made.id}`)).json;
  assert.equal(u.locked, false, 'reset unlocks');
  assert.equal(u.must_change_password, true);
  assert.equal(await loginStatus(stack.base, 'reset.me', STRONG), 401, 'old password refused');
  assert.equal(await loginStatus(stack.base, 'reset.me', r.json.temporary_password), 200);
  assertError(await nfcAdmin.req('POST', '/api/users/999999/reset-password'), 404, 'not_found', null);
  assertError(await nfcAdmin.req('POST', '/api/users/999999/unlock'), 404, 'not_found', null);
});

// ---- plain users ---------------------------------------------------------------------------------

test('a plain user gets 403 forbidden on every admin endpoint, and nothing changes', async () => {
  const nTotals = [await total(nfcAdmin), await total(hoAdmin)];
  const targets = [];
  for (const [c, admin, targetName] of [[nfcUser, nfcAdmin, 'nfc.admin'], [hoUser, hoAdmin, 'ho.admin']]) {
    const who = c.user.username;
    // the target is an admin of the user's own organisation (another org's record would answer 404)
    const target = await findUser(admin, targetName);
    targets.push([admin, target]);
    const calls = [
      ['GET', '/api/users'], ['GET', `/api/users?org=${orgs.NFC.id}`], ['GET', `/api/users/${target.id}`],
      ['GET', `/api/users/${c.user.id}`],
      ['POST', '/api/users', body()], ['PATCH', `/api/users/${target.id}`, { name: 'Owned' }],
      ['PATCH', `/api/users/${c.user.id}`, { role: 'admin' }],
      ['DELETE', `/api/users/${target.id}`], ['POST', `/api/users/${target.id}/unlock`],
      ['POST', `/api/users/${target.id}/reset-password`],
      ['POST', '/api/orgs', { kind: 'council', name: 'Evil Council', code: 'EVIL' }],
    ];
    // Reading the list of organisations is not an admin action: the Home Office's filters choose
    // councils from it, and a council user chooses where to transfer a case (transfers.test.mjs).
    for (const [m, p, b] of calls) assertError(await c.req(m, p, { body: b }), 403, 'forbidden', null, `${who} ${m} ${p}`);
    const me = await c.req('GET', '/api/me');
    assert.equal(me.json.role, 'user', `${who} still a user`);
  }
  assert.deepEqual([await total(nfcAdmin), await total(hoAdmin)], nTotals, 'nothing created');
  for (const [admin, target] of targets) {
    const t = await admin.req('GET', `/api/users/${target.id}`);
    assert.deepEqual(t.json, target, `${target.username} unchanged`);
    assert.equal(await loginStatus(stack.base, target.username, DEMO_PASSWORD), 200, `${target.username} password not reset`);
  }
  assert.ok(!(await netAdmin.req('GET', '/api/orgs?limit=500')).json.items.some((o) => o.code === 'EVIL'), 'no org created');
});

// ---- organisation boundaries ---------------------------------------------------------------------

test('a council admin acting on another council\'s user: 404 not_found on GET/PATCH/DELETE/unlock/reset, nothing changed', async () => {
  const victim = await findUser(ebcAdmin, 'ebc.user');
  assert.ok(victim);
  const calls = [
    ['GET', `/api/users/${victim.id}`], ['PATCH', `/api/users/${victim.id}`, { name: 'Hijacked' }],
    ['PATCH', `/api/users/${victim.id}`, { role: 'admin' }], ['DELETE', `/api/users/${victim.id}`],
    ['POST', `/api/users/${victim.id}/unlock`], ['POST', `/api/users/${victim.id}/reset-password`],
  ];
  for (const [m, p, b] of calls) assertError(await nfcAdmin.req(m, p, { body: b }), 404, 'not_found', null, `NFC admin ${m} ${p}`);
  const after1 = await ebcAdmin.req('GET', `/api/users/${victim.id}`);
  assertStatus(after1, 200, 'still exists');
  assert.deepEqual(after1.json, victim, 'unchanged');
  assert.equal(await loginStatus(stack.base, 'ebc.user', DEMO_PASSWORD), 200, 'password not reset');
  // an unknown id and another org's id answer the same
  const a = await nfcAdmin.req('GET', `/api/users/${victim.id}`);
  const b = await nfcAdmin.req('GET', '/api/users/999998');
  assert.deepEqual(a.json, b.json, 'same body as an unknown id');
});

test('a council admin cannot list or create in another organisation', async () => {
  const r = await nfcAdmin.req('GET', `/api/users?org=${orgs.EBC.id}`);
  if (r.status === 200) {
    assert.ok(r.json.items.every((u) => u.org.id === nfcAdmin.user.org.id), `no EBC users leaked: ${r.text.slice(0, 200)}`);
  } else {
    assertErrorOneOf(r, [[400, 'invalid_field'], [403, 'forbidden'], [404, 'not_found']], undefined, 'NFC admin ?org=EBC');
  }
  const n = await total(ebcAdmin);
  const c = await nfcAdmin.req('POST', '/api/users', { body: body({ username: 'sneaky.ebc', org: orgs.EBC.id }) });
  assert.ok([400, 403, 404, 422].includes(c.status), `NFC admin creating in EBC: ${c.status} ${c.text}`);
  assert.equal(await total(ebcAdmin), n, 'nothing created in EBC');
  assert.equal(await findUser(netAdmin, 'sneaky.ebc', orgs.EBC.id), undefined);
});

test('HO admin manages HO users only', async () => {
  const list = await hoAdmin.req('GET', '/api/users');
  assertStatus(list, 200);
  assert.ok(list.json.items.length >= 2);
  assert.ok(list.json.items.every((u) => u.org.kind === 'home_office'), 'only HO users');
  const made = await hoAdmin.req('POST', '/api/users', { body: body({ username: 'ho.checker', name: 'HO Checker' }) });
  assertStatus(made, 201);
  assert.equal(made.json.user.org.kind, 'home_office');
  assert.equal(made.json.user.org.id, hoAdmin.user.org.id);
  const hoUserRec = list.json.items.find((u) => u.username === 'ho.user');
  assertStatus(await hoAdmin.req('PATCH', `/api/users/${hoUserRec.id}`, { body: { team: 'Status checks' } }), 200);
  const nfc = await findUser(nfcAdmin, 'nfc.user');
  for (const [m, p, b] of [['GET', `/api/users/${nfc.id}`], ['PATCH', `/api/users/${nfc.id}`, { name: 'HO Changed' }],
    ['DELETE', `/api/users/${nfc.id}`], ['POST', `/api/users/${nfc.id}/unlock`], ['POST', `/api/users/${nfc.id}/reset-password`]]) {
    assertError(await hoAdmin.req(m, p, { body: b }), 404, 'not_found', null, `HO admin ${m} ${p}`);
  }
  const n2 = await nfcAdmin.req('GET', `/api/users/${nfc.id}`);
  assertStatus(n2, 200);
  assert.deepEqual(n2.json, nfc, 'NFC user unchanged');
  // and councils cannot touch HO users
  assertError(await nfcAdmin.req('GET', `/api/users/${hoUserRec.id}`), 404, 'not_found', null, 'NFC admin on HO user');
});

test('Network admin: ?org=ID lists a council\'s users; unknown org 404', async () => {
  const r = await netAdmin.req('GET', `/api/users?org=${orgs.EBC.id}`);
  assertStatus(r, 200);
  assertList(r.json);
  assert.ok(r.json.items.length >= 2);
  assert.ok(r.json.items.every((u) => u.org.id === orgs.EBC.id));
  assert.ok(r.json.items.some((u) => u.username === 'ebc.admin'));
  const own = await netAdmin.req('GET', '/api/users');
  assertStatus(own, 200);
  assert.ok(own.json.items.every((u) => u.org.kind === 'network'), 'without ?org: the Network\'s own users');
  assertErrorOneOf(await netAdmin.req('GET', '/api/users?org=999999'), [[404, 'not_found'], [422, 'validation_failed']], undefined, '?org=unknown');
});

test('Network admin: creates a council (POST /api/orgs) and its first admin, who can sign in', async () => {
  const o = await netAdmin.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Southvale District Council', code: 'svd' } });
  assertStatus(o, 201);
  assert.equal(o.json.code, 'SVD', 'code stored upper case');
  assert.equal(o.json.kind, 'council');
  const orgId = o.json.id;
  assertError(await netAdmin.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Another', code: 'SVD' } }), 409, 'conflict', undefined, 'duplicate code');
  const u = await netAdmin.req('POST', '/api/users', { body: { username: 'svd.admin', name: 'Southvale Admin', role: 'admin', team: null, org: orgId } });
  assertStatus(u, 201);
  assertUser(u.json.user);
  assert.equal(u.json.user.org.id, orgId);
  assert.equal(u.json.user.org.kind, 'council');
  assert.equal(u.json.user.org.name, 'Southvale District Council');
  assert.equal(u.json.user.role, 'admin');
  const svd = new Client(stack.base);
  const l = await svd.login('svd.admin', u.json.temporary_password);
  assertStatus(l, 200, 'first admin signs in');
  assert.equal(l.json.user.must_change_password, true);
  assertStatus(await svd.req('PUT', '/api/me/password', { body: { current_password: u.json.temporary_password, new_password: STRONG } }), 204);
  // An account the Network made opens nothing else until its owner has a second factor (network-admin.test.mjs).
  assertError(await svd.req('GET', '/api/users'), 403, 'account_setup_required', null);
  const mfa = await svd.req('POST', '/api/me/mfa', { body: {} });
  assertStatus(mfa, 200);
  assertStatus(await svd.req('POST', '/api/me/mfa/confirm', { body: { code: totp(mfa.json.secret, Date.now() / 1000) } }), 200);
  const list = await svd.req('GET', '/api/users');
  assertStatus(list, 200);
  assert.deepEqual(list.json.items.map((x) => x.username), ['svd.admin'], 'new council has only its admin');
  const staff = await svd.req('POST', '/api/users', { body: body({ username: 'svd.user' }) });
  assertStatus(staff, 201, 'the new admin adds staff');
  assert.equal(staff.json.user.org.id, orgId);
  // The Network does not manage the council's staff: that is its admin's work.
  assertError(await netAdmin.req('PATCH', `/api/users/${staff.json.user.id}`, { body: { team: 'Intake' } }), 403, 'forbidden', null);
  assertError(await netAdmin.req('POST', `/api/users/${staff.json.user.id}/reset-password`), 403, 'forbidden', null);
  assertError(await netAdmin.req('DELETE', `/api/users/${staff.json.user.id}`), 403, 'forbidden', null);
  // other councils cannot see it
  assertError(await nfcAdmin.req('GET', `/api/users/${u.json.user.id}`), 404, 'not_found', null);
});

test('Network admin: POST /api/users without org creates in its own organisation; unknown org 404/422', async () => {
  const r = await netAdmin.req('POST', '/api/users', { body: body({ username: 'net.second', role: 'admin' }) });
  assertStatus(r, 201);
  assert.equal(r.json.user.org.kind, 'network');
  const bad = await netAdmin.req('POST', '/api/users', { body: body({ username: 'orphan.user', org: 999999 }) });
  assertErrorOneOf(bad, [[404, 'not_found'], [422, 'validation_failed']], undefined, 'org 999999');
  const badType = await netAdmin.req('POST', '/api/users', { body: body({ username: 'orphan.user2', org: 'NFC' }) });
  assertError(badType, 400, 'invalid_field', 'org', 'org as string');
});
