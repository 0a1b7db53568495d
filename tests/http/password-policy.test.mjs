// The password policy (zxcvbn): weak passwords refused with a field error that says why and what to
// do; a user whose stored password no longer meets the policy must change it at the next sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { WEAK_PASSWORD, WEAK_PASSWORD_HASH, editUserRecord } from '../lib/store-edit.mjs';
import {
  Client, DEMO_PASSWORD, STRONG, assertError, assertStatus, assertUser, createActiveUser, findUser, loginStatus, signIn,
} from '../lib/http.mjs';

let stack;
before(async () => { stack = await startStack({ keep: true }); });
after(async () => { await stack?.stop(); });

const WHAT_TO_DO = 'Use three or four unrelated words, 12 characters or more.';

test('weak new passwords: 422 on new_password, saying why in plain words', async () => {
  const admin = await signIn(stack.base, 'nfc.admin');
  const made = await createActiveUser(admin, { username: 'tom.policy' });
  const weak = {
    'password1234': /too easy to guess/,
    'aaaaaaaaaaaa': /repeated/,
    '123456789012': /sequence/,
    'qwertyuiop12': /keyboard pattern/,
    'iloveyou1234': /too easy to guess/,
    '            ': /repeated/,
    'Northfield2026!!': /your organisation's name/,
    'northfield-city-council-1': /your organisation's name/,
    'connect-connect-1': /"connect"/,
    'CONNECT2026connect': /"connect"/,
    'tom.policy12345': /your user name/,
    'TOM-POLICY-2026!': /your user name/,
  };
  for (const [pw, why] of Object.entries(weak)) {
    const r = await made.client.req('PUT', '/api/me/password', { body: { current_password: STRONG, new_password: pw } });
    assertError(r, 422, 'validation_failed', 'new_password', JSON.stringify(pw));
    assert.match(r.json.error.message, why, `${JSON.stringify(pw)}: ${r.json.error.message}`);
    assert.ok(r.json.error.message.includes(WHAT_TO_DO), `${JSON.stringify(pw)} says what to do: ${r.json.error.message}`);
  }
  assert.equal(await loginStatus(stack.base, 'tom.policy', STRONG), 200, 'the password is unchanged');
  // A passphrase that merely contains the organisation's name is fine.
  assertStatus(await made.client.req('PUT', '/api/me/password', { body: { current_password: STRONG, new_password: 'northfield granite kettle orchard' } }), 204);
});

test('a user whose password no longer meets the policy must change it first', async () => {
  const admin = await signIn(stack.base, 'ebc.admin');
  const u = await findUser(admin, 'ebc.user');
  // The password was set under the old rules: put its hash in the store while the stack is down.
  await stack.stop();
  editUserRecord(stack.data, u.id, (rec) => { rec.pw = WEAK_PASSWORD_HASH; });
  stack = await startStack({ data: stack.data, keep: true });

  const c = new Client(stack.base);
  const r = await c.login('ebc.user', WEAK_PASSWORD);
  assertStatus(r, 200, 'the old password still signs in');
  assertUser(r.json.user);
  assert.equal(r.json.user.must_change_password, true);
  assert.equal(r.json.user.password_change_reason, 'weak');
  // Nothing but /api/me, the password change and logout.
  const blocked = await c.req('GET', '/api/cases');
  assertError(blocked, 403, 'password_change_required', null, 'GET /api/cases');
  assert.match(blocked.json.error.message, /too easy to guess/);
  const me = await c.req('GET', '/api/me');
  assertStatus(me, 200);
  assert.equal(me.json.password_change_reason, 'weak');
  // The admin sees that the user must change the password.
  const seen = await (await signIn(stack.base, 'ebc.admin')).req('GET', `/api/users/${u.id}`);
  assert.equal(seen.json.must_change_password, true);
  assert.equal(seen.json.password_change_reason, 'weak');
  // Signing in again does not get round it.
  const again = await new Client(stack.base).login('ebc.user', WEAK_PASSWORD);
  assert.equal(again.json.user.password_change_reason, 'weak');
  // Another weak one is refused; a strong one is taken and everything opens again.
  assertError(await c.req('PUT', '/api/me/password', { body: { current_password: WEAK_PASSWORD, new_password: 'password12345' } }), 422, 'validation_failed', 'new_password');
  assertStatus(await c.req('PUT', '/api/me/password', { body: { current_password: WEAK_PASSWORD, new_password: STRONG } }), 204);
  const after2 = await c.req('GET', '/api/me');
  assert.equal(after2.json.must_change_password, false);
  assert.equal(after2.json.password_change_reason, null);
  assertStatus(await c.req('GET', '/api/cases'), 200, 'cases open again');
  assert.equal(await loginStatus(stack.base, 'ebc.user', WEAK_PASSWORD), 401, 'the weak password is gone');
});

test('the demo password meets the policy: no demo user is asked to change it', async () => {
  for (const name of ['net.admin', 'ho.admin', 'nfc.user', 'ebc.admin', 'wmc.user']) {
    const r = await new Client(stack.base).login(name, DEMO_PASSWORD);
    assertStatus(r, 200, name);
    assert.equal(r.json.user.must_change_password, false, name);
    assert.equal(r.json.user.password_change_reason, null, name);
  }
});
