// Shared assertions and helpers for the HTTP regression tests (tests/http/*.test.mjs).
// They encode fcgi/API.md: one error shape, the USER/ORG shapes, list shape, cookies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, DEMO_PASSWORD, ROOT, rememberSecondFactor, serverSeconds } from './stack.mjs';
import { totp } from './totp.mjs';

export { Client, DEMO_PASSWORD, ROOT };

export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const USER_KEYS = ['id', 'username', 'name', 'role', 'org', 'team', 'email', 'grade', 'may_countersign', 'nino_designated', 'locked', 'must_change_password', 'password_change_reason', 'mfa_enrolled', 'mfa_enrolment_required', 'account_setup_required'].sort();
export const ORG_KEYS = ['id', 'kind', 'name', 'code', 'created_at'].sort();
export const STRONG = 'Correct-Horse-Battery-Staple-42';
export const STRONG2 = 'Purple-Lantern-Over-Quiet-Fjord-7';

let seq = 0;
/** A fresh, valid user name (unique in one test process). */
export function uname(prefix = 'u') { seq += 1; return `${prefix}.${process.pid % 10000}.${seq}`; }

export function isJson(r) {
  const ct = r.headers.get('content-type') || '';
  return /^application\/json;\s*charset=utf-8$/i.test(ct);
}

/**
 * Assert an error answer exactly: status, JSON content type, body {"error":{"code","message","field"}}.
 * field: undefined = not checked; null = must be null; string = must equal.
 */
export function assertError(r, status, code, field, what = '') {
  const ctx = `${what} -> ${r.status} ${r.text?.slice(0, 300)}`;
  assert.equal(r.status, status, `status ${ctx}`);
  assert.ok(isJson(r), `content-type should be application/json, got ${r.headers.get('content-type')} ${ctx}`);
  assert.ok(r.json && typeof r.json === 'object' && !Array.isArray(r.json), `JSON object body ${ctx}`);
  assert.deepEqual(Object.keys(r.json), ['error'], `only "error" at top level ${ctx}`);
  const e = r.json.error;
  assert.deepEqual(Object.keys(e).sort(), ['code', 'field', 'message'], `error keys ${ctx}`);
  assert.equal(e.code, code, `error code ${ctx}`);
  assert.equal(typeof e.message, 'string', `message is a string ${ctx}`);
  assert.ok(e.message.length > 0, `message not empty ${ctx}`);
  assert.ok(e.field === null || typeof e.field === 'string', `field is string|null ${ctx}`);
  if (field !== undefined) assert.equal(e.field, field, `error field ${ctx}`);
}

/** Like assertError but accepts any of several [status, code] pairs. */
export function assertErrorOneOf(r, pairs, field, what = '') {
  const ok = pairs.some(([s, c]) => r.status === s && r.json?.error?.code === c);
  assert.ok(ok, `${what}: expected one of ${JSON.stringify(pairs)}, got ${r.status} ${r.text?.slice(0, 300)}`);
  assertError(r, r.status, r.json.error.code, field, what);
}

export function assertStatus(r, status, what = '') {
  assert.equal(r.status, status, `${what} -> ${r.status} ${r.text?.slice(0, 300)}`);
}

export function assertUser(u, what = 'USER') {
  assert.ok(u && typeof u === 'object', `${what} is an object`);
  assert.deepEqual(Object.keys(u).sort(), USER_KEYS, `${what} keys exactly`);
  assert.ok(Number.isInteger(u.id) && u.id > 0, `${what}.id positive integer`);
  assert.equal(typeof u.username, 'string');
  assert.match(u.username, /^[a-z0-9][a-z0-9._-]{2,63}$/, `${what}.username stored lower case`);
  assert.equal(typeof u.name, 'string');
  assert.ok(['user', 'admin'].includes(u.role), `${what}.role`);
  assert.deepEqual(Object.keys(u.org).sort(), ['id', 'kind', 'name'], `${what}.org keys exactly`);
  assert.ok(Number.isInteger(u.org.id) && u.org.id > 0, `${what}.org.id`);
  assert.ok(['council', 'home_office', 'network', 'partner'].includes(u.org.kind), `${what}.org.kind`);
  assert.equal(typeof u.org.name, 'string');
  assert.ok(u.team === null || typeof u.team === 'string', `${what}.team string|null`);
  assert.ok(u.email === null || (typeof u.email === 'string' && u.email.includes('@')), `${what}.email string|null`);
  assert.equal(typeof u.locked, 'boolean', `${what}.locked boolean`);
  assert.equal(typeof u.must_change_password, 'boolean', `${what}.must_change_password boolean`);
  assert.equal(u.password_change_reason, u.must_change_password ? u.password_change_reason : null, `${what}.password_change_reason null unless a change is required`);
  if (u.must_change_password) assert.ok(['temporary', 'weak'].includes(u.password_change_reason), `${what}.password_change_reason`);
}

export const NATIONS = ['england', 'scotland', 'wales', 'northern_ireland'];
export const REGIONS = ['north_east', 'north_west', 'yorkshire_and_the_humber', 'east_midlands', 'west_midlands', 'east_of_england',
  'london', 'south_east', 'south_west', 'scotland', 'wales', 'northern_ireland'];
export function assertOrg(o, what = 'ORG') {
  // A council also has its nation, and its region once the Network has set it (fcgi/API.md "Organisations");
  // a partner department says whether it is the NINo partner.
  const keys = o.kind === 'council' ? [...ORG_KEYS, 'nation', ...('region' in o ? ['region'] : [])].sort()
    : o.kind === 'partner' ? [...ORG_KEYS, 'nino_partner'].sort() : ORG_KEYS;
  if (o.kind === 'partner') assert.equal(typeof o.nino_partner, 'boolean', `${what}.nino_partner`);
  assert.deepEqual(Object.keys(o).sort(), keys, `${what} keys exactly`);
  if (o.kind === 'council') {
    assert.ok(NATIONS.includes(o.nation), `${what}.nation`);
    if ('region' in o) assert.ok(REGIONS.includes(o.region), `${what}.region`);
  }
  assert.ok(Number.isInteger(o.id) && o.id > 0);
  assert.ok(['council', 'home_office', 'network', 'partner'].includes(o.kind));
  assert.equal(typeof o.name, 'string');
  assert.match(o.code, /^[A-Z0-9]{2,16}$/);
  assert.match(o.created_at, ISO_TIME);
}

export function assertList(body, what = 'list') {
  assert.ok(body && typeof body === 'object', `${what} is an object`);
  // total_capped: a name search past 1,000 matches (fcgi/API.md "Cases"); only ever true.
  assert.deepEqual(Object.keys(body).filter((k) => k !== 'total_capped').sort(), ['items', 'next_cursor', 'total'], `${what} keys exactly`);
  assert.ok(body.total_capped === undefined || body.total_capped === true, `${what}.total_capped true when present`);
  assert.ok(Array.isArray(body.items), `${what}.items array`);
  assert.ok(body.next_cursor === null || (typeof body.next_cursor === 'string' && body.next_cursor.length > 0), `${what}.next_cursor string|null`);
  assert.ok(Number.isInteger(body.total) && body.total >= 0, `${what}.total integer`);
}

/** All Set-Cookie header values of a fetch Response headers. */
export function setCookies(headers) {
  return typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie')].filter(Boolean);
}

/** The connect_session Set-Cookie header (string) or undefined. */
export function sessionSetCookie(headers) {
  return setCookies(headers).find((c) => /^\s*connect_session=/.test(c));
}

/** "connect_session=VALUE" from a response, for a Cookie header. */
export function sessionCookiePair(headers) {
  const c = sessionSetCookie(headers);
  return c ? c.split(';')[0].trim() : undefined;
}

/** Sign in and return a Client holding the bearer token (asserts 200). */
export async function signIn(base, username, password = DEMO_PASSWORD) {
  const c = new Client(base);
  const r = await c.login(username, password);
  assertStatus(r, 200, `sign in ${username}`);
  c.user = r.json.user;
  c.loginResponse = r;
  return c;
}

/** Sign in with a cookie only (no bearer); returns the Client. */
export async function signInCookie(base, username, password = DEMO_PASSWORD) {
  const c = new Client(base);
  const r = await c.req('POST', '/api/auth/login', { body: { username, password }, auth: false });
  assertStatus(r, 200, `cookie sign in ${username}`);
  c.cookie = sessionCookiePair(r.headers);
  assert.ok(c.cookie, 'login sets connect_session');
  c.user = r.json.user;
  return c;
}

/**
 * Admin creates a user; the user signs in with the temporary password and sets `password`.
 * Returns {id, user, client (bearer, fully active), password}.
 */
export async function createActiveUser(admin, { username = uname(), name = 'Test Person', role = 'user', team = null, org, password = STRONG } = {}) {
  const body = { username, name, role, team };
  if (org !== undefined) body.org = org;
  const r = await admin.req('POST', '/api/users', { body });
  assertStatus(r, 201, `create ${username}`);
  const temp = r.json.temporary_password;
  const c = await signIn(admin.base, username, temp);
  const ch = await c.req('PUT', '/api/me/password', { body: { current_password: temp, new_password: password } });
  assertStatus(ch, 204, `first password change of ${username}`);
  let me = await c.req('GET', '/api/me');
  assertStatus(me, 200);
  if (me.json.account_setup_required || me.json.mfa_enrolment_required) {
    // An account the Network made (or a required policy): its owner sets up a second factor first.
    const start = await c.req('POST', '/api/me/mfa', { body: {} });
    assertStatus(start, 200, `second factor of ${username}`);
    const done = await c.req('POST', '/api/me/mfa/confirm', { body: { code: totp(start.json.secret, serverSeconds(admin.base)) } });
    assertStatus(done, 200, `second factor of ${username} confirmed`);
    rememberSecondFactor(username, done.json.recovery_codes);
    me = await c.req('GET', '/api/me');
    assertStatus(me, 200);
  }
  return { id: r.json.user.id, user: me.json, client: c, password, username };
}

/** Follow next_cursor until the end; returns {items, pages, totals}. */
export async function listAll(client, path, limit) {
  const items = []; const totals = []; let pages = 0; let cursor = null;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    let p = `${path}${sep}limit=${limit}`;
    if (cursor) p += `&cursor=${encodeURIComponent(cursor)}`;
    const r = await client.req('GET', p);
    assertStatus(r, 200, `GET ${p}`);
    assertList(r.json, p);
    assert.ok(r.json.items.length <= limit, `page has at most ${limit} items`);
    items.push(...r.json.items); totals.push(r.json.total); pages += 1;
    cursor = r.json.next_cursor;
    if (!cursor) break;
    assert.ok(pages < 1000, 'pagination terminates');
  }
  return { items, pages, totals };
}

/** Find a user (by username) in the admin's organisation list (or ?org=). */
export async function findUser(admin, username, orgId) {
  const { items } = await listAll(admin, orgId ? `/api/users?org=${orgId}` : '/api/users', 500);
  return items.find((u) => u.username === username);
}

export function commonPasswords() {
  return new Set(readFileSync(join(ROOT, 'auth', 'common-passwords.txt'), 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.toLowerCase()));
}

/** Whether `password` signs in (200) for `username`; returns the status. */
export async function loginStatus(base, username, password) {
  const c = new Client(base);
  const r = await c.login(username, password);
  return r.status;
}
