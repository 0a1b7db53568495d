// The sign-in throttle that replaced the lockout: 5 failures on a user name (known or unknown alike)
// throttle it for 15 minutes, then 30, then 60; a throttled name answers 429 too_many_attempts with
// Retry-After and checks no password; the same answers for a name with and without an account; the
// throttle ends by itself (on the test clock) and an admin can end it at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { Client, DEMO_PASSWORD, assertError, assertStatus, assertUser, findUser, signIn } from '../lib/http.mjs';

const MIN = 60;
let stack; let anon;
let offset = 0; // the server's clock only moves forward
const later = (seconds) => { offset += seconds; stack.setClockOffset(offset); };

before(async () => {
  stack = await startStack({ clock: true });
  anon = new Client(stack.base);
});
// Signed in afresh by each test: moving the clock ends idle sessions.
const wmcAdmin = () => signIn(stack.base, 'wmc.admin');
after(async () => { await stack?.stop(); });

const login = (username, password) => anon.req('POST', '/api/auth/login', { body: { username, password }, auth: false });

/** The parts of an answer an attacker could compare (Retry-After counts down, so it is compared apart). */
const shape = (r) => ({ status: r.status, body: r.text, retryAfter: r.headers.get('retry-after') !== null });

/** 429 too_many_attempts, with Retry-After in the last `minutes` minutes and a message saying when. */
function assertThrottled(r, minutes, what) {
  assertError(r, 429, 'too_many_attempts', null, what);
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(wait > (minutes - 1) * MIN && wait <= minutes * MIN, `${what}: Retry-After ${wait}, expected in the last ${minutes} minutes`);
  assert.match(r.json.error.message, new RegExp(`Try again in ${minutes} minutes?,`), `${what}: says when`);
  assert.doesNotMatch(r.json.error.message, /exist|unknown|no such/i, `${what}: says nothing about the account`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('a known and an unknown user name get the same answers, in about the same time', async () => {
  const known = []; const unknown = []; const tKnown = []; const tUnknown = [];
  for (let i = 1; i <= 5; i += 1) {
    let t = performance.now();
    known.push(await login('wmc.user', `wrong-password-${i}`));
    tKnown.push(performance.now() - t);
    t = performance.now();
    unknown.push(await login('wmc.nobody', `wrong-password-${i}`));
    tUnknown.push(performance.now() - t);
  }
  for (let i = 0; i < 4; i += 1) {
    assertError(known[i], 401, 'invalid_credentials', null, `known failure ${i + 1}`);
    assert.deepEqual(shape(unknown[i]), shape(known[i]), `failure ${i + 1}: the same answer`);
  }
  // The fifth failure starts the throttle, and says so.
  assertThrottled(known[4], 15, 'known failure 5');
  assert.equal(known[4].headers.get('retry-after'), String(15 * MIN), 'the whole 15 minutes');
  assert.deepEqual(shape(unknown[4]), shape(known[4]), 'failure 5: the same answer');
  assert.equal(unknown[4].headers.get('retry-after'), known[4].headers.get('retry-after'), 'failure 5: the same Retry-After');
  // Both checked a password (argon2id) each time: neither is answered much faster.
  const ratio = median(tUnknown.slice(0, 4)) / median(tKnown.slice(0, 4));
  assert.ok(ratio > 0.4 && ratio < 2.5, `unknown/known time ratio ${ratio.toFixed(2)} (${tUnknown.map(Math.round)} vs ${tKnown.map(Math.round)})`);

  // While throttled: the right password is refused too, with the same answer as for a wrong one and
  // as for the unknown name.
  const right = await login('wmc.user', DEMO_PASSWORD);
  assertThrottled(right, 15, 'right password while throttled');
  assert.deepEqual(shape(await login('WMC.User', 'wrong-password-6')), shape(right), 'wrong password, other case');
  assert.deepEqual(shape(await login('wmc.nobody', DEMO_PASSWORD)), shape(right), 'unknown name');
});

test('the admin sees USER.locked true while the name is throttled', async () => {
  const admin = await wmcAdmin();
  const u = await findUser(admin, 'wmc.user');
  assert.ok(u, 'wmc.user listed');
  assertUser(u);
  assert.equal(u.locked, true, 'locked in the list');
  const one = await admin.req('GET', `/api/users/${u.id}`);
  assertStatus(one, 200);
  assert.equal(one.json.locked, true, 'locked in GET /api/users/{id}');
});

test('the throttle ends by itself after 15 minutes, for the known and the unknown name', async () => {
  later(14 * MIN);
  assertThrottled(await login('wmc.user', DEMO_PASSWORD), 1, 'a minute before the end');
  later(MIN);
  const ok = await login('wmc.user', DEMO_PASSWORD);
  assertStatus(ok, 200, 'sign in after 15 minutes');
  assert.equal(ok.json.user.locked, false);
  assertError(await login('wmc.nobody', 'wrong-password-7'), 401, 'invalid_credentials', null, 'unknown name counts again');
  const u = await findUser(await wmcAdmin(), 'wmc.user');
  assert.equal(u.locked, false, 'not locked for the admin either');
});

test('repeated rounds grow: 15, 30, then 60 minutes', async () => {
  const round = async (minutes) => {
    for (let i = 1; i <= 4; i += 1) assertError(await login('ebc.user', `round-wrong-${i}-x`), 401, 'invalid_credentials', null, `round of ${minutes}: ${i}`);
    assertThrottled(await login('ebc.user', 'round-wrong-5-x'), minutes, `round of ${minutes}`);
    later(minutes * MIN);
  };
  await round(15);
  await round(30);
  await round(60);
  await round(60);
  assertStatus(await login('ebc.user', DEMO_PASSWORD), 200, 'a success after the last round');
  // A success forgets the rounds: the next throttle is 15 minutes again.
  await round(15);
});

test('admin unlock: 204, locked false, sign-in works again at once', async () => {
  const admin = await wmcAdmin();
  for (let i = 1; i <= 5; i += 1) await login('wmc.user', `wrong-again-${i}`);
  assertThrottled(await login('wmc.user', DEMO_PASSWORD), 15, 'throttled');
  const u = await findUser(admin, 'wmc.user');
  assert.equal(u.locked, true);
  const r = await admin.req('POST', `/api/users/${u.id}/unlock`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  const one = await admin.req('GET', `/api/users/${u.id}`);
  assert.equal(one.json.locked, false);
  const ok = await login('wmc.user', DEMO_PASSWORD);
  assertStatus(ok, 200, 'sign in after unlock');
  assert.equal(ok.json.user.locked, false);
});

test('unlock clears the failure count', async () => {
  const admin = await wmcAdmin();
  const u = await findUser(admin, 'wmc.user');
  for (let i = 1; i <= 4; i += 1) assertError(await login('wmc.user', `nope-${i}-nope-nope`), 401, 'invalid_credentials', null);
  assertStatus(await admin.req('POST', `/api/users/${u.id}/unlock`), 204, 'unlock an unthrottled account');
  for (let i = 1; i <= 4; i += 1) assertError(await login('wmc.user', `nope-${i}-again-nope`), 401, 'invalid_credentials', null, `after unlock ${i}`);
  assertStatus(await login('wmc.user', DEMO_PASSWORD), 200, 'not throttled: the count was cleared by unlock');
});

test('the failure count resets after a successful sign-in', async () => {
  for (let i = 1; i <= 4; i += 1) assertError(await login('nfc.user', `bad-${i}-password!`), 401, 'invalid_credentials', null, `first run ${i}`);
  assertStatus(await login('nfc.user', DEMO_PASSWORD), 200, 'success resets');
  for (let i = 1; i <= 4; i += 1) assertError(await login('nfc.user', `bad-${i}-password?`), 401, 'invalid_credentials', null, `second run ${i}`);
  assertStatus(await login('nfc.user', DEMO_PASSWORD), 200, 'not throttled after 8 non-consecutive failures');
});

test('an anonymous guesser cannot sign anyone out: sessions outlive the throttle on their name', async () => {
  const user = await signIn(stack.base, 'ho.user');
  for (let i = 1; i <= 5; i += 1) await login('ho.user', `guess-${i}-guess`);
  assertThrottled(await login('ho.user', DEMO_PASSWORD), 15, 'throttled');
  assertStatus(await user.req('GET', '/api/me'), 200, 'the signed-in session still works');
  later(15 * MIN);
});

test('a throttled admin cannot sign in either; another org\'s admin cannot unlock (404); the Network admin can', async () => {
  const admin = await wmcAdmin();
  for (let i = 1; i <= 5; i += 1) await login('nfc.admin', `wrong-${i}-password`);
  assertThrottled(await login('nfc.admin', DEMO_PASSWORD), 15, 'throttled admin');
  const net = await signIn(stack.base, 'net.admin');
  const orgs = await net.req('GET', '/api/orgs');
  const nfc = orgs.json.items.find((o) => o.code === 'NFC');
  const nfcAdmin = await findUser(net, 'nfc.admin', nfc.id);
  assert.equal(nfcAdmin.locked, true, 'network admin sees it locked');
  assertError(await admin.req('POST', `/api/users/${nfcAdmin.id}/unlock`), 404, 'not_found', null, 'WMC admin unlocking NFC admin');
  assertThrottled(await login('nfc.admin', DEMO_PASSWORD), 15, 'still throttled');
  assertStatus(await net.req('POST', `/api/users/${nfcAdmin.id}/unlock`), 204);
  assertStatus(await login('nfc.admin', DEMO_PASSWORD), 200);
});

test('wrong current passwords count on the same throttle: the fifth ends the sessions; the throttle refuses sign-in too', async () => {
  const c = await signIn(stack.base, 'wmc.admin');
  const put = (current) => c.req('PUT', '/api/me/password', { body: { current_password: current, new_password: 'Granite-Kettle-Orchard-42' } });
  for (let i = 1; i <= 4; i += 1) assertError(await put(`wrong-current-${i}`), 422, 'validation_failed', 'current_password', `wrong current ${i}`);
  assertThrottled(await put('wrong-current-5'), 15, 'the fifth wrong current password');
  assertStatus(await c.req('GET', '/api/me'), 401, 'the session ended');
  assertThrottled(await login('wmc.admin', DEMO_PASSWORD), 15, 'sign-in throttled too');
  later(15 * MIN);
  assertStatus(await login('wmc.admin', DEMO_PASSWORD), 200, 'after 15 minutes');
});
