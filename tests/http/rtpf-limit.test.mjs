// The RTPF look-up limit (fcgi/API.md "RTPF checker"): at most CONNECT_LOOKUP_LIMIT (default 60) look-ups
// by one user in the last hour; past it 429 rate_limited with Retry-After, not recorded as a look-up;
// other users are unaffected; an hour after the oldest look-up in the window the user may look up again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, signIn } from '../lib/http.mjs';
import { genRecord, lookup, assertMatch, assertNoMatch, allLookups, settledStop } from '../lib/rtpf.mjs';

const MIN = 60;
let stack; let startedAt;
before(async () => {
  startedAt = Date.now();
  stack = await startStack({ env: { CONNECT_LOOKUP_LIMIT: '5' }, clock: true });
  stack.setClockOffset(0);
});
after(async () => { if (stack) await settledStop(stack, startedAt); });

const g = (i) => genRecord(i);
const hit = (c, i) => lookup(c, g(i).document_type, g(i).document_number, g(i).match.date_of_birth);
const rowsBy = async (admin, userId) => (await allLookups(admin)).filter((x) => x.user.id === userId).length;

function assertLimited(r, what) {
  assertError(r, 429, 'rate_limited', null, what);
  const ra = r.headers.get('retry-after');
  assert.match(ra ?? '', /^\d+$/, `${what}: Retry-After is a number of seconds (${ra})`);
  return Number(ra);
}

test('the 6th look-up in an hour with CONNECT_LOOKUP_LIMIT=5 is refused with 429 and Retry-After, and not recorded', async () => {
  stack.setClockOffset(0);
  const user = await signIn(stack.base, 'nfc.user');
  const admin = await signIn(stack.base, 'nfc.admin');
  const start = await rowsBy(admin, user.user.id);
  assert.equal(start, 0);
  for (let i = 0; i < 4; i += 1) assertMatch(await hit(user, i), `look-up ${i + 1}`);
  assertNoMatch(await lookup(user, 'passport', 'NOPE00005', '1980-01-01'), 'look-up 5 (no match counts too)');
  const ra = assertLimited(await hit(user, 5), 'look-up 6');
  assert.ok(ra > 3600 - 5 * MIN && ra <= 3600, `Retry-After about an hour (${ra})`);
  assertLimited(await lookup(user, 'passport', 'NOPE00007', '1980-01-01'), 'look-up 7');
  assert.equal(await rowsBy(admin, user.user.id), 5, 'the refused look-ups are not in the list');
  // Refused look-ups do not count either: the limit is still the 5 that were answered (checked below
  // when the window moves on).
});

test('other users are not affected by one user\'s limit', async () => {
  stack.setClockOffset(0);
  for (const name of ['nfc.admin', 'ebc.user', 'ho.user']) {
    const c = await signIn(stack.base, name);
    assertMatch(await hit(c, 10), `${name} may look up`);
  }
  const user = await signIn(stack.base, 'nfc.user');
  assertLimited(await hit(user, 10), 'nfc.user is still limited');
});

test('the window slides: still limited 30 minutes on, free again 61 minutes on, then limited after 5 more', async () => {
  stack.setClockOffset(30 * MIN);
  let user = await signIn(stack.base, 'nfc.user');
  const ra = assertLimited(await hit(user, 11), '30 minutes later');
  assert.ok(ra > 30 * MIN - 5 * MIN && ra <= 30 * MIN + 5, `Retry-After about 30 minutes now (${ra})`);

  stack.setClockOffset(61 * MIN);
  user = await signIn(stack.base, 'nfc.user'); // the earlier session has been idle more than 30 minutes
  for (let i = 0; i < 5; i += 1) assertMatch(await hit(user, 20 + i), `61 minutes later, look-up ${i + 1}`);
  assertLimited(await hit(user, 25), '61 minutes later, look-up 6');
  const admin = await signIn(stack.base, 'nfc.admin');
  assert.equal(await rowsBy(admin, user.user.id), 10, 'the 5 old and 5 new answered look-ups are listed; no refused ones');
});

test('without CONNECT_LOOKUP_LIMIT the limit is 60 an hour', async () => {
  const plainStarted = Date.now();
  const plain = await startStack();
  try {
    const user = await signIn(plain.base, 'ebc.user');
    for (let i = 0; i < 60; i += 1) {
      const r = await hit(user, i);
      assert.equal(r.status, 200, `look-up ${i + 1} -> ${r.status} ${r.text}`);
      assert.deepEqual(r.json.match, g(i).match, `look-up ${i + 1}`);
    }
    assertLimited(await hit(user, 60), 'look-up 61');
    const other = await signIn(plain.base, 'ebc.admin');
    assertMatch(await hit(other, 60), 'another user of the same council');
    assert.equal(await rowsBy(other, user.user.id), 60);
  } finally {
    await settledStop(plain, plainStarted);
  }
});
