// A Network administrator cannot quietly become a reader of case data: outside its own organisation it
// may only add an organisation's first administrator and unlock or reset one of its administrators;
// each act is audited, emailed to the account and the organisation's other administrators, and the
// account opens nothing but its own set-up until its owner has chosen a password and a second factor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, startStack } from '../lib/stack.mjs';
import { Client, STRONG, STRONG2, assertError, assertStatus, findUser, signIn } from '../lib/http.mjs';
import { totp } from '../lib/totp.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');
let stack; let net; let hoAdmin; let orgs;
before(async () => {
  stack = await startStack();
  net = await signIn(stack.base, 'net.admin');
  hoAdmin = await signIn(stack.base, 'ho.admin');
  const r = await net.req('GET', '/api/orgs?limit=500');
  orgs = Object.fromEntries(r.json.items.map((o) => [o.code, o]));
});
after(async () => { await stack?.stop(); });

const ctl = (...args) => spawnSync(join(BIN, 'connectctl'), ['--data', stack.data, ...args], { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
const audit = () => ctl('audit', 'tail', '60').stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const outbox = () => ctl('outbox', 'list', '500').stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** Signs in with a temporary password, chooses STRONG, then enrols a second factor: the owner's set-up. */
async function ownerSetUp(username, temp) {
  const c = new Client(stack.base);
  assertStatus(await c.login(username, temp), 200, 'signs in with the temporary password');
  assertError(await c.req('GET', '/api/cases'), 403, 'password_change_required', null, 'the password first');
  assertStatus(await c.req('PUT', '/api/me/password', { body: { current_password: temp, new_password: STRONG2 } }), 204);
  const me = await c.req('GET', '/api/me');
  assert.equal(me.json.account_setup_required, true, 'still waiting for the second factor');
  assert.equal(me.json.must_change_password, false);
  for (const [m, p] of [['GET', '/api/cases'], ['GET', '/api/home'], ['GET', '/api/users'], ['GET', '/api/alerts']])
    assertError(await c.req(m, p), 403, 'account_setup_required', null, `${m} ${p} before the second factor`);
  const start = await c.req('POST', '/api/me/mfa', { body: {} });
  assertStatus(start, 200, 'enrolment opens');
  assertStatus(await c.req('POST', '/api/me/mfa/confirm', { body: { code: totp(start.json.secret, Date.now() / 1000) } }), 200);
  const after1 = await c.req('GET', '/api/me');
  assert.equal(after1.json.account_setup_required, false, 'set up');
  return c;
}

test('the Network adds a new council\'s first administrator, who reads nothing until set up', async () => {
  const o = await net.req('POST', '/api/orgs', { body: { kind: 'council', name: 'Lowmoor Borough Council', code: 'LMB' } });
  assertStatus(o, 201);
  const u = await net.req('POST', '/api/users', { body: { username: 'lmb.admin', name: 'Lowmoor Admin', role: 'admin', team: null, org: o.json.id, email: 'lmb.admin@example.test' } });
  assertStatus(u, 201);
  assert.equal(u.json.user.account_setup_required, true);
  assert.ok(audit().some((e) => e.action === 'network_admin_created' && e.target === u.json.user.id), 'audited as a Network act');
  assert.ok(outbox().some((m) => m.to === 'lmb.admin@example.test' && /Network created an administrator/.test(m.subject)), 'the account is told');
  const c = await ownerSetUp('lmb.admin', u.json.temporary_password);
  assertStatus(await c.req('GET', '/api/users'), 200, 'then it runs its council');
  // A second administrator, or a user, is that administrator's to add, not the Network's.
  assertError(await net.req('POST', '/api/users', { body: { username: 'lmb.second', name: 'Second', role: 'admin', team: null, org: o.json.id } }), 403, 'forbidden', 'org');
  assertError(await net.req('POST', '/api/users', { body: { username: 'lmb.staff', name: 'Staff', role: 'user', team: null, org: o.json.id } }), 403, 'forbidden', 'role');
  assert.equal(await findUser(c, 'lmb.second'), undefined);
});

test('the Network cannot add an administrator to the Home Office, which has them', async () => {
  const r = await net.req('POST', '/api/users', { body: { username: 'ho.sneaky', name: 'Sneaky', role: 'admin', team: null, org: orgs.HO.id } });
  assertError(r, 403, 'forbidden', 'org');
  assert.equal(await findUser(hoAdmin, 'ho.sneaky'), undefined, 'nothing created');
});

test('the Network resets an HO administrator on request: audited, both told, and the account must be set up again', async () => {
  const target = await findUser(hoAdmin, 'ho.admin');
  const session = await signIn(stack.base, 'ho.admin');
  const r = await net.req('POST', `/api/users/${target.id}/reset-password`);
  assertStatus(r, 200);
  assertError(await session.req('GET', '/api/cases'), 401, 'unauthenticated', null, 'its sessions end');
  const netId = (await net.req('GET', '/api/me')).json.id;
  assert.ok(audit().some((e) => e.action === 'network_password_reset' && e.target === target.id && e.actor === netId), 'audited with the Network admin as actor');
  const mail = outbox().filter((m) => /reset the password of an administrator account/.test(m.subject));
  assert.ok(mail.some((m) => m.to === 'ho.admin@example.test'), `the account is told: ${JSON.stringify(mail)}`);
  const c = await ownerSetUp('ho.admin', r.json.temporary_password);
  assertStatus(await c.req('GET', '/api/cases'), 200, 'after the owner\'s set-up it reads cases again');
  hoAdmin = c;
});

test('outside its own organisation the Network does nothing else: no edits, deletes, or resets of non-admins', async () => {
  const user = await findUser(hoAdmin, 'ho.user');
  for (const [m, p, b] of [['PATCH', `/api/users/${user.id}`, { role: 'admin' }], ['PATCH', `/api/users/${user.id}`, { email: 'attacker@example.test' }],
    ['DELETE', `/api/users/${user.id}`], ['POST', `/api/users/${user.id}/reset-password`], ['POST', `/api/users/${user.id}/unlock`]])
    assertError(await net.req(m, p, { body: b }), 403, 'forbidden', null, `${m} ${p}`);
  const still = await findUser(hoAdmin, 'ho.user');
  assert.deepEqual(still, user, 'unchanged');
  assertStatus(await (await signIn(stack.base, 'ho.user')).req('GET', '/api/me'), 200, 'its sessions and password stand');
  // Within its own organisation it is an ordinary admin.
  const own = await net.req('POST', '/api/users', { body: { username: 'net.helper', name: 'Net Helper', role: 'user', team: null } });
  assertStatus(own, 201);
  assert.equal(own.json.user.account_setup_required, false);
  assertStatus(await net.req('PATCH', `/api/users/${own.json.user.id}`, { body: { team: 'Onboarding' } }), 200);
  assertStatus(await net.req('DELETE', `/api/users/${own.json.user.id}`), 204);
});

test('an organisation\'s own admin resets as before: no Network mark', async () => {
  const nfcAdmin = await signIn(stack.base, 'nfc.admin');
  const u = await findUser(nfcAdmin, 'nfc.user');
  const r = await nfcAdmin.req('POST', `/api/users/${u.id}/reset-password`);
  assertStatus(r, 200);
  const c = new Client(stack.base);
  assertStatus(await c.login('nfc.user', r.json.temporary_password), 200);
  assertStatus(await c.req('PUT', '/api/me/password', { body: { current_password: r.json.temporary_password, new_password: STRONG } }), 204);
  assertStatus(await c.req('GET', '/api/cases'), 200, 'no second-factor set-up demanded by an own-org reset');
});
