// Dates and limits at their exact edges (issue 15 item 8), on connectd's test clock:
// - "today" is the UK date: at 00:30 in British summer time (23:30 UTC the day before) a date of birth,
//   a support start and a closure dated today are accepted, and a closure dated tomorrow is refused;
// - the duplicate check matches the same date of birth only: not a day earlier (the index walk runs
//   forward from the date given), not a day later; names two letters apart match (fcgi/API.md);
// - the RTPF hourly window: a look-up 3,599 seconds old still counts, one 3,600 seconds old does not;
// - a token forged with the key after the 8-hour absolute session limit is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, serverSeconds } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { actor, setNow } from '../lib/alerts.mjs';
import { caseBody, dayOffset, duplicateMatches, person, ukDate } from '../lib/cases.mjs';
import { genRecord, lookup, settledStop } from '../lib/rtpf.mjs';
import { decodeJwt, signJwt } from '../lib/jwt.mjs';

let stack; let startedAt;
before(async () => {
  startedAt = Date.now();
  stack = await startStack({ clock: true, env: { CONNECT_LOOKUP_LIMIT: '2' } });
});
after(async () => { if (stack) await settledStop(stack, startedAt); });

const HOUR = 3600;

/** The next 1 July at 23:30 UTC (00:30 BST on 2 July) after now and after the clock's current instant. */
function nextSummerNight() {
  const nowMs = serverSeconds(stack.base) * 1000;
  let y = new Date(nowMs).getUTCFullYear();
  while (Date.UTC(y, 6, 1, 23, 30) <= nowMs + 2 * 86400000) y += 1;
  return new Date(Date.UTC(y, 6, 1, 23, 30)).toISOString();
}

test('the UK date helper: 23:30 UTC on 1 July is 2 July in the UK; in winter UK and UTC dates agree', () => {
  assert.equal(ukDate(Date.parse('2031-07-01T23:30:00Z')), '2031-07-02');
  assert.equal(ukDate(Date.parse('2031-07-01T22:59:59Z')), '2031-07-01');
  assert.equal(ukDate(Date.parse('2031-12-01T23:30:00Z')), '2031-12-01');
  assert.equal(dayOffset(1, Date.parse('2031-07-01T23:30:00Z')), '2031-07-03');
});

test('at 00:30 BST a date of birth, support start and closure dated today (UK) are accepted; tomorrow is refused', async () => {
  setNow(stack, nextSummerNight());
  const at = serverSeconds(stack.base) * 1000;
  const today = ukDate(at);
  const utcToday = new Date(at).toISOString().slice(0, 10);
  assert.notEqual(today, utcToday, 'the test runs when the UK and UTC dates differ');
  const user = await actor(stack.base, 'nfc.user');
  const c = await user.req('POST', '/api/cases', { body: caseBody({ principal: person({ date_of_birth: today }) }) });
  assertStatus(c, 201, 'born today (UK)');
  const fin = await user.req('PUT', `/api/cases/${c.json.id}/finance`, { body: { support_start_date: today, weekly_subsistence_pence: 5000 } });
  assertStatus(fin, 200, 'support starting today (UK)');
  const tomorrow = dayOffset(1, at);
  assertError(await user.req('POST', `/api/cases/${c.json.id}/closure`, { body: { closure_date: tomorrow, reason: 'other' } }),
    422, 'validation_failed', 'closure_date', 'a closure dated tomorrow (UK)');
  assertError(await user.req('POST', '/api/cases', { body: caseBody({ principal: person({ date_of_birth: tomorrow }) }) }),
    422, 'validation_failed', 'principal.date_of_birth', 'born tomorrow (UK)');
  const closed = await user.req('POST', `/api/cases/${c.json.id}/closure`, { body: { closure_date: today, reason: 'other' } });
  assertStatus(closed, 200, 'a closure dated today (UK)');
  assert.equal(closed.json.closure.closure_date, today);
});

test('a closure dated tomorrow (UK) is refused in the middle of the day too', async () => {
  setNow(stack, new Date((Math.floor(serverSeconds(stack.base)) + 3 * 86400) * 1000).toISOString().slice(0, 10) + 'T12:00:00Z');
  const user = await actor(stack.base, 'nfc.user');
  const c = await user.req('POST', '/api/cases', { body: caseBody() });
  assertStatus(c, 201);
  const at = serverSeconds(stack.base) * 1000;
  assertError(await user.req('POST', `/api/cases/${c.json.id}/closure`, { body: { closure_date: dayOffset(1, at), reason: 'other' } }),
    422, 'validation_failed', 'closure_date', 'tomorrow');
  assertStatus(await user.req('POST', `/api/cases/${c.json.id}/closure`, { body: { closure_date: dayOffset(0, at), reason: 'other' } }),
    200, 'today');
});

test('the duplicate check: the same date of birth matches, a day earlier or later does not; names two letters apart match', async () => {
  const user = await actor(stack.base, 'nfc.user');
  const dob = '1983-05-17';
  const first = await user.req('POST', '/api/cases', { body: caseBody({ principal: person({ given_names: 'Mohamad', family_name: 'Warsami', date_of_birth: dob }) }) });
  assertStatus(first, 201);
  const same = await user.req('POST', '/api/cases', { body: caseBody({ principal: person({ given_names: 'Mohamed', family_name: 'Warsame', date_of_birth: dob }) }) });
  const m = duplicateMatches(same, 'Mohamed Warsame / Mohamad Warsami, same date of birth');
  assert.ok(m.some((x) => x.id === first.json.id), JSON.stringify(m));
  for (const d of ['1983-05-16', '1983-05-18']) {
    const r = await user.req('POST', '/api/cases', { body: caseBody({ principal: person({ given_names: 'Mohamad', family_name: 'Warsami', date_of_birth: d }) }) });
    assertStatus(r, 201, `born ${d}, a day from ${dob}: not a duplicate`);
  }
});

test('RTPF hourly window: a look-up 3,599 seconds old still counts, one 3,600 seconds old does not', async () => {
  // Start on a second boundary so each request lands in the second the clock was set to.
  const t0 = Math.floor(serverSeconds(stack.base)) + 10 * 86400;
  const atSecond = async (t) => {
    const ms = Date.now() % 1000;
    if (ms > 300) await new Promise((r) => setTimeout(r, 1010 - ms));
    setNow(stack, new Date(t * 1000).toISOString());
  };
  const g = (i) => genRecord(i);
  const hit = (c, i) => lookup(c, g(i).document_type, g(i).document_number, g(i).match.date_of_birth);
  await atSecond(t0);
  const user = await actor(stack.base, 'ebc.user');
  await atSecond(t0);
  assertStatus(await hit(user, 1), 200, 'look-up 1');
  assertStatus(await hit(user, 2), 200, 'look-up 2');
  await atSecond(t0 + HOUR - 1);
  const limited = await hit(user, 3);
  assertError(limited, 429, 'rate_limited', null, '3,599 seconds later');
  assert.equal(limited.headers.get('retry-after'), '1');
  await atSecond(t0 + HOUR);
  assertStatus(await hit(user, 3), 200, '3,600 seconds later');
});

test('a token forged with the key after the 8-hour absolute limit is refused; before it, accepted', async () => {
  const t0 = Math.floor(serverSeconds(stack.base)) + 20 * 86400;
  setNow(stack, new Date(t0 * 1000).toISOString());
  const user = await actor(stack.base, 'wmc.user');
  const { payload } = decodeJwt(user.token);
  const key = stack.secretKey();
  const forge = (now) => signJwt({ ...payload, iat: now, exp: now + 1800 }, key);
  const bearer = (token) => fetch(`${stack.base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  setNow(stack, new Date((payload.iat + 8 * HOUR - 120) * 1000).toISOString());
  assert.equal((await bearer(forge(Math.floor(serverSeconds(stack.base))))).status, 200, 'two minutes before the limit');
  setNow(stack, new Date((payload.iat + 8 * HOUR + 60) * 1000).toISOString());
  const late = await bearer(forge(Math.floor(serverSeconds(stack.base))));
  assert.equal(late.status, 401, 'a minute after the limit, even with fresh iat and exp');
  assert.equal((await late.json()).error.code, 'unauthenticated');
});
