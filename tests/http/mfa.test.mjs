// Two-factor sign-in (TOTP, RFC 6238) through nginx: enrolment (QR code, base32 secret, otpauth URI,
// confirmation by a first code, ten recovery codes), sign-in as password then code, no replay, wrong
// codes on the same throttle as wrong passwords, recovery codes used once, the step token that opens
// nothing else, the `required` policy that opens only enrolment, the admin's reset in and out of
// scope, turning it off with the password, and the audit events. Codes are computed here as an
// authenticator app would (tests/lib/totp.mjs); the test clock moves 30 s so that each code is new.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack } from '../lib/stack.mjs';
import {
  Client, ROOT, assertError, assertStatus, assertUser, createActiveUser, findUser, sessionCookiePair, setCookies, signIn,
} from '../lib/http.mjs';
import { decodeJwt, signJwt } from '../lib/jwt.mjs';
import { totp } from '../lib/totp.mjs';

let stack; let anon;
let offset = 0; // the server's clock only moves forward
const later = (seconds) => { offset += seconds; stack.setClockOffset(offset); };
const serverNow = () => Date.now() / 1000 + offset;
const code = (secret) => totp(secret, serverNow());
/** A code for the next 30-second step: moves the clock so that it is not a replay of the last one. */
const nextCode = (secret) => { later(30); return code(secret); };

before(async () => {
  stack = await startStack({ clock: true });
  anon = new Client(stack.base);
});
after(async () => { await stack?.stop(); });
// Signed in afresh when needed: moving the clock ends idle sessions.
const nfc = () => signIn(stack.base, 'nfc.admin');

function ctl(args, s = stack, input = undefined) {
  const r = spawnSync(join(process.env.CONNECT_BIN || join(ROOT, 'bin'), 'connectctl'), ['--data', s.data, ...args], { encoding: 'utf8', input });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
/** The newest audit events, oldest first. */
const auditTail = (s = stack) => ctl(['audit', 'tail', '2000'], s).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).reverse();

/** The line of the launcher's start-up message that matches `re` (it comes just after the stack answers). */
async function saidAtStart(s, re) {
  for (let i = 0; i < 100; i += 1) {
    const m = s.output().match(re);
    if (m) return m[0];
    await new Promise((r) => setTimeout(r, 50));
  }
  return s.output();
}

const login = (username, password, c = anon) => c.req('POST', '/api/auth/login', { body: { username, password }, auth: false });
const second = (mfa_token, c, s = anon) => s.req('POST', '/api/auth/mfa', { body: { mfa_token, code: c }, auth: false });

/** A new active user of Northfield with a second factor: {id, username, password, secret, recovery, client}. */
async function enrolledUser(admin = null, opts = {}) {
  const u = await createActiveUser(admin ?? await nfc(), opts);
  const start = await u.client.req('POST', '/api/me/mfa', { body: {} });
  assertStatus(start, 200, 'enrolment start');
  const conf = await u.client.req('POST', '/api/me/mfa/confirm', { body: { code: code(start.json.secret) } });
  assertStatus(conf, 200, 'enrolment confirm');
  return { ...u, secret: start.json.secret, recovery: conf.json.recovery_codes };
}

/** Password then code: the session answer. */
async function signInTwo(u, c) {
  const r1 = await login(u.username, u.password);
  assertStatus(r1, 200, 'password step');
  assert.equal(r1.json.mfa_required, true);
  const r2 = await second(r1.json.mfa_token, c ?? nextCode(u.secret));
  assertStatus(r2, 200, 'code step');
  const client = new Client(stack.base);
  client.token = r2.json.token;
  return { r1, r2, client };
}

test('enrolment: a QR code, the base32 secret and the otpauth URI, confirmed by a first code, ten recovery codes', async () => {
  const nfcAdmin = await nfc();
  const u = await createActiveUser(nfcAdmin);
  let me = await u.client.req('GET', '/api/me');
  assertUser(me.json);
  assert.equal(me.json.mfa_enrolled, false);
  assert.equal(me.json.mfa_enrolment_required, false, 'optional policy');

  const start = await u.client.req('POST', '/api/me/mfa', { body: {} });
  assertStatus(start, 200);
  assert.deepEqual(Object.keys(start.json).sort(), ['otpauth_uri', 'qr_svg', 'secret']);
  const { secret, otpauth_uri: uri, qr_svg: svg } = start.json;
  assert.match(secret, /^[A-Z2-7]{32}$/, 'base32, 160 bits');
  const url = new URL(uri);
  assert.equal(url.protocol, 'otpauth:');
  assert.equal(url.host, 'totp');
  assert.equal(decodeURIComponent(url.pathname.slice(1)), `Connect:${u.username} (Northfield City Council)`);
  assert.equal(url.searchParams.get('secret'), secret);
  assert.equal(url.searchParams.get('issuer'), 'Connect');
  assert.equal(url.searchParams.get('algorithm'), 'SHA1');
  assert.equal(url.searchParams.get('digits'), '6');
  assert.equal(url.searchParams.get('period'), '30');
  assert.match(svg, /^(<\?xml[^>]*>\s*)?<svg[\s\S]*<path [^>]*d="M[^"]+"[\s\S]*<\/svg>\s*$/, 'an SVG document with a path');
  assert.doesNotMatch(svg, /<script|on\w+=|style=|href=/i, 'nothing active in it');

  me = await u.client.req('GET', '/api/me');
  assert.equal(me.json.mfa_enrolled, false, 'not enrolled before the first code');
  const wrong = await u.client.req('POST', '/api/me/mfa/confirm', { body: { code: code(secret) === '000000' ? '111111' : '000000' } });
  assertError(wrong, 422, 'validation_failed', 'code');
  const conf = await u.client.req('POST', '/api/me/mfa/confirm', { body: { code: code(secret) } });
  assertStatus(conf, 200);
  assert.deepEqual(Object.keys(conf.json), ['recovery_codes']);
  const codes = conf.json.recovery_codes;
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10, 'all different');
  for (const c of codes) assert.match(c, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);

  me = await u.client.req('GET', '/api/me');
  assertUser(me.json);
  assert.equal(me.json.mfa_enrolled, true);
  assert.doesNotMatch(me.text, /secret|recovery|nonce|pending/i, 'nothing of the factor is shown');
  assertError(await u.client.req('POST', '/api/me/mfa', { body: {} }), 409, 'mfa_already_enrolled');
  assertError(await u.client.req('POST', '/api/me/mfa/confirm', { body: { code: code(secret) } }), 409, 'mfa_already_enrolled');
  // The admin's list shows it.
  assert.equal((await findUser(await nfc(), u.username)).mfa_enrolled, true);
});

test('sign-in is password, then code: the step token opens nothing, the code opens the session (cookie too)', async () => {
  const u = await enrolledUser();
  const r1 = await login(u.username, u.password);
  assertStatus(r1, 200);
  assert.deepEqual(Object.keys(r1.json).sort(), ['mfa_required', 'mfa_token']);
  assert.equal(r1.json.mfa_required, true);
  assert.equal(setCookies(r1.headers).length, 0, 'no cookie after the password alone');
  const step = r1.json.mfa_token;
  assert.equal(decodeJwt(step).payload.sub, String(u.id));
  // The step token is no session.
  const asBearer = new Client(stack.base);
  asBearer.token = step;
  assertError(await asBearer.req('GET', '/api/me'), 401, 'unauthenticated');
  assertError(await asBearer.req('GET', '/api/cases'), 401, 'unauthenticated');
  const asCookie = new Client(stack.base);
  asCookie.cookie = `connect_session=${step}`;
  assertError(await asCookie.req('GET', '/api/me'), 401, 'unauthenticated');

  const c = nextCode(u.secret);
  const r2 = await second(step, c);
  assertStatus(r2, 200);
  assert.deepEqual(Object.keys(r2.json).sort(), ['expires_at', 'token', 'user']);
  assertUser(r2.json.user);
  assert.equal(r2.json.user.mfa_enrolled, true);
  assert.ok(sessionCookiePair(r2.headers), 'the session cookie is set');
  const s = new Client(stack.base);
  s.token = r2.json.token;
  assertStatus(await s.req('GET', '/api/cases'), 200, 'the session opens cases');

  // The step token was used up, and the code cannot be used again (a new password step, same code).
  assertError(await second(step, c), 401, 'mfa_token_invalid', null, 'step token used twice');
  const again = await login(u.username, u.password);
  assertError(await second(again.json.mfa_token, c), 401, 'invalid_code', 'code', 'replayed code');
  // An earlier code (the step before the one used) is a replay too.
  assertError(await second(again.json.mfa_token, totp(u.secret, serverNow() - 30)), 401, 'invalid_code');
  assertStatus(await second(again.json.mfa_token, nextCode(u.secret)), 200, 'the next code works');
  // A user without a second factor still signs in with the password alone.
  const plain = await createActiveUser(await nfc());
  const p = await login(plain.username, plain.password);
  assertStatus(p, 200);
  assert.ok(p.json.token && !p.json.mfa_required);
});

test('wrong codes count on the same throttle as wrong passwords: then even the right code answers 429', async () => {
  const u = await enrolledUser();
  assertError(await login(u.username, 'not-the-password-1'), 401, 'invalid_credentials');
  assertError(await login(u.username, 'not-the-password-2'), 401, 'invalid_credentials');
  const r1 = await login(u.username, u.password);
  const step = r1.json.mfa_token;
  const good = nextCode(u.secret);
  const bad = good === '123456' ? '654321' : '123456';
  assertError(await second(step, bad), 401, 'invalid_code', 'code', 'third failure');
  assertError(await second(step, 'zzzz-zzzz-zzzz'), 401, 'invalid_code', 'code', 'fourth failure (a wrong recovery code)');
  const fifth = await second(step, bad);
  assertError(fifth, 429, 'too_many_attempts', null, 'the fifth failure throttles the name');
  assert.ok(Number(fifth.headers.get('retry-after')) > 0);
  assertError(await second(step, good), 429, 'too_many_attempts', null, 'right code while throttled');
  assertError(await login(u.username, u.password), 429, 'too_many_attempts', null, 'right password while throttled');
  const events = auditTail().filter((e) => e.target === u.id);
  assert.equal(events.filter((e) => e.action === 'mfa_failed').length, 3);
  assert.ok(events.some((e) => e.action === 'login_throttled'));
  // The throttle ends by itself; then password and code work, and clear the count.
  later(16 * 60);
  await signInTwo(u);
  // A right password alone does not clear the count of wrong codes (or each new step would reset it).
  const s1 = await login(u.username, u.password);
  for (let i = 0; i < 4; i += 1) assertError(await second(s1.json.mfa_token, bad), 401, 'invalid_code');
  const s2 = await login(u.username, u.password);
  assertError(await second(s2.json.mfa_token, bad), 429, 'too_many_attempts', null, 'the count carried over');
  later(31 * 60);
});

test('a recovery code works once, and says how many are left', async () => {
  const u = await enrolledUser();
  const rc = u.recovery[3];
  const { r2 } = await signInTwo(u, rc.toUpperCase().replaceAll('-', ' '));
  assert.equal(r2.json.recovery_codes_left, 9);
  assertUser(r2.json.user);
  const r1 = await login(u.username, u.password);
  assertError(await second(r1.json.mfa_token, rc), 401, 'invalid_code', 'code', 'used recovery code');
  const ok = await second(r1.json.mfa_token, u.recovery[7]);
  assertStatus(ok, 200);
  assert.equal(ok.json.recovery_codes_left, 8);
  const events = auditTail().filter((e) => e.target === u.id);
  const used = events.filter((e) => e.action === 'recovery_used');
  assert.deepEqual(used.map((e) => e.left), [9, 8]);
  assert.deepEqual(events.filter((e) => e.action === 'login').slice(-2).map((e) => e.mfa), ['recovery', 'recovery']);
});

test('expired, forged, replaced and session tokens are refused as step tokens', async () => {
  const u = await enrolledUser();
  const key = stack.secretKey();
  const stepKey = createHmac('sha256', key).update('connect mfa step v1').digest();
  // Expired: the clock passes the 5 minutes.
  const old = await login(u.username, u.password);
  later(5 * 60 + 1);
  assertError(await second(old.json.mfa_token, code(u.secret)), 401, 'mfa_token_invalid', null, 'expired');
  // A session token is not a step token.
  const plain = await createActiveUser(await nfc());
  assertError(await second(plain.client.token, '123456'), 401, 'mfa_token_invalid', null, 'session token');
  // Forged: under the session key, with a made-up nonce under the right key, garbage.
  const now = Math.floor(serverNow());
  const claims = { sub: String(u.id), sid: '00'.repeat(16), iat: now, exp: now + 300 };
  assertError(await second(signJwt(claims, key), code(u.secret)), 401, 'mfa_token_invalid', null, 'under the session key');
  assertError(await second(signJwt(claims, stepKey), code(u.secret)), 401, 'mfa_token_invalid', null, 'unknown nonce');
  assertError(await second('not.a.token', code(u.secret)), 401, 'mfa_token_invalid', null, 'garbage');
  // A real nonce in a token that claims a longer life than ours ever have.
  const fresh = await login(u.username, u.password);
  const sid = decodeJwt(fresh.json.mfa_token).payload.sid;
  assertError(await second(signJwt({ ...claims, sid, exp: now + 3600 }, stepKey), code(u.secret)), 401, 'mfa_token_invalid', null, 'long-lived');
  // A new sign-in replaces the pending step.
  const newer = await login(u.username, u.password);
  assertError(await second(fresh.json.mfa_token, nextCode(u.secret)), 401, 'mfa_token_invalid', null, 'replaced by a newer sign-in');
  // A password change makes the pending step worthless.
  const { client } = await signInTwo(u);
  const pending = await login(u.username, u.password);
  assertStatus(await client.req('PUT', '/api/me/password', { body: { current_password: u.password, new_password: 'Violet-Harbour-Under-Slow-Rain-9' } }), 204);
  assertError(await second(pending.json.mfa_token, nextCode(u.secret)), 401, 'mfa_token_invalid', null, 'password changed');
  assert.ok(newer.json.mfa_token);
  // Bad bodies.
  assertError(await anon.req('POST', '/api/auth/mfa', { body: { mfa_token: 'x' }, auth: false }), 422, 'validation_failed', 'code');
  assertError(await anon.req('POST', '/api/auth/mfa', { body: { mfa_token: 'x', code: '1', extra: 1 }, auth: false }), 400, 'invalid_field', 'extra');
});

test('turning it off needs the password (a wrong one counts on the throttle)', async () => {
  const u = await enrolledUser();
  const { client } = await signInTwo(u);
  assertError(await client.req('DELETE', '/api/me/mfa', { body: {} }), 422, 'validation_failed', 'password');
  assertError(await client.req('DELETE', '/api/me/mfa', { body: { password: 'not-my-password' } }), 422, 'validation_failed', 'password');
  assert.ok(auditTail().some((e) => e.action === 'mfa_disable_failed' && e.target === u.id));
  assertStatus(await client.req('DELETE', '/api/me/mfa', { body: { password: u.password } }), 204);
  const me = await client.req('GET', '/api/me');
  assert.equal(me.json.mfa_enrolled, false);
  assertError(await client.req('DELETE', '/api/me/mfa', { body: { password: u.password } }), 409, 'mfa_not_enrolled');
  const r = await login(u.username, u.password);
  assertStatus(r, 200);
  assert.ok(r.json.token, 'the password alone again');
  assert.ok(auditTail().some((e) => e.action === 'mfa_disabled' && e.target === u.id));
});

test('an admin resets a second factor in scope only: sessions end, the user is emailed, it is audited', async () => {
  const nfcAdmin = await nfc();
  const u = await enrolledUser(nfcAdmin);
  assertStatus(await nfcAdmin.req('PATCH', `/api/users/${u.id}`, { body: { email: `${u.username}@example.test` } }), 200);
  const { client } = await signInTwo(u);
  // Out of scope: another council's admin, a caseworker, the Home Office admin.
  const ebcAdmin = await signIn(stack.base, 'ebc.admin');
  assertError(await ebcAdmin.req('DELETE', `/api/users/${u.id}/mfa`), 404, 'not_found');
  assertError(await (await signIn(stack.base, 'ho.admin')).req('DELETE', `/api/users/${u.id}/mfa`), 404, 'not_found');
  assertError(await u.client.req('DELETE', `/api/users/${u.id}/mfa`), 403, 'forbidden');
  assertError(await nfcAdmin.req('DELETE', `/api/users/${nfcAdmin.user.id}/mfa`), 422, 'validation_failed', null, 'not one\'s own');
  assertStatus(await client.req('GET', '/api/me'), 200, 'still signed in');

  assertStatus(await nfcAdmin.req('DELETE', `/api/users/${u.id}/mfa`), 204);
  assertError(await client.req('GET', '/api/me'), 401, 'unauthenticated', null, 'the user\'s sessions ended');
  assert.equal((await findUser(await nfc(), u.username)).mfa_enrolled, false);
  assertError(await nfcAdmin.req('DELETE', `/api/users/${u.id}/mfa`), 409, 'mfa_not_enrolled', null, 'nothing left to reset');
  const r = await login(u.username, u.password);
  assert.ok(r.json.token, 'the password alone again');
  const ev = auditTail().find((e) => e.action === 'mfa_reset' && e.target === u.id);
  assert.equal(ev.actor, nfcAdmin.user.id);
  const mail = ctl(['outbox', 'list']).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((m) => m.to === `${u.username}@example.test`);
  assert.equal(mail.length, 1);
  assert.match(mail[0].subject, /two-factor sign-in was reset/);

  // The Network admin may reset a council's admin.
  const admin2 = await enrolledUser(nfcAdmin, { role: 'admin' });
  const net = await signIn(stack.base, 'net.admin');
  assertStatus(await net.req('DELETE', `/api/users/${admin2.id}/mfa`), 204);
});

test('the operator\'s reset-password (connectctl) also removes the second factor: the way back in for a lost phone', async () => {
  const u = await enrolledUser();
  const fresh = 'Amber-Quarry-Beneath-Tall-Pines-3';
  ctl(['user', 'reset-password', u.username, '--password-stdin'], stack, `${fresh}\n`);
  const r = await login(u.username, fresh);
  assertStatus(r, 200);
  assert.ok(r.json.token, 'a session with the new password alone');
  assert.equal(r.json.user.mfa_enrolled, false);
  assert.equal(r.json.user.must_change_password, true);
  const ev = auditTail().filter((e) => e.target === u.id && ['password_reset', 'mfa_reset'].includes(e.action));
  assert.deepEqual(ev.map((e) => [e.action, e.actor]), [['password_reset', null], ['mfa_reset', null]]);
});

test('policy off: second factors are ignored at sign-in and cannot be enrolled', async () => {
  const off = await startStack({ mfa: 'off' });
  try {
    const c = await signIn(off.base, 'nfc.user');
    assert.equal(c.user.mfa_enrolled, false);
    assertError(await c.req('POST', '/api/me/mfa', { body: {} }), 403, 'mfa_off');
    assert.match(await saidAtStart(off, /Two-factor sign-in: [^\n]*/), /Two-factor sign-in: off\. Set CONNECT_MFA=required for production\./);
  } finally { await off.stop(); }
});

test('policy required: an account without a second factor gets a session that opens only enrolment', async () => {
  const req = await startStack({ mfa: 'required', clock: true });
  try {
    assert.equal(await saidAtStart(req, /Two-factor sign-in: [^\n]*/), 'Two-factor sign-in: required.');
    const c = await signIn(req.base, 'nfc.user');
    assert.equal(c.user.mfa_enrolment_required, true);
    const me = await c.req('GET', '/api/me');
    assertStatus(me, 200);
    assert.equal(me.json.mfa_enrolment_required, true);
    assert.equal(me.json.mfa_enrolled, false);
    for (const [m, p] of [['GET', '/api/cases'], ['GET', '/api/home'], ['GET', '/api/alerts'], ['GET', '/api/cases/1']]) {
      assertError(await c.req(m, p), 403, 'mfa_enrolment_required', null, `${m} ${p}`);
    }
    const start = await c.req('POST', '/api/me/mfa', { body: {} });
    assertStatus(start, 200);
    assertStatus(await c.req('POST', '/api/me/mfa/confirm', { body: { code: totp(start.json.secret, Date.now() / 1000) } }), 200);
    const after = await c.req('GET', '/api/me');
    assert.equal(after.json.mfa_enrolment_required, false);
    assertStatus(await c.req('GET', '/api/cases'), 200, 'enrolled: cases open');
    // Turning it off puts the account back to enrolment only.
    assertStatus(await c.req('DELETE', '/api/me/mfa', { body: { password: 'demo-password-2026' } }), 204);
    assertError(await c.req('GET', '/api/cases'), 403, 'mfa_enrolment_required');
    assertStatus(await c.req('POST', '/api/auth/logout', { body: {} }), 204, 'sign-out stays open');
  } finally { await req.stop(); }
});

test('every change is an audit event, and the login says how the second factor was passed', async () => {
  const u = await enrolledUser();
  await signInTwo(u);
  const events = auditTail().filter((e) => e.target === u.id);
  const actions = events.map((e) => e.action);
  for (const a of ['mfa_enrolment_started', 'mfa_enrolled', 'login']) assert.ok(actions.includes(a), a);
  assert.equal(events.filter((e) => e.action === 'login').at(-1).mfa, 'totp');
  assert.doesNotMatch(JSON.stringify(events), new RegExp(u.secret), 'no secret in the audit');
  ctl(['check']); // the audit chain (and everything else) is intact
});
