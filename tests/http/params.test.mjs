// Malformed query parameters (fcgi/API.md "Malformed query parameters"): a bad percent escape, an encoded
// NUL, an unknown enum value, a number or id that does not parse and a parameter given twice answer 400
// invalid_field naming the parameter, instead of the parameter silently vanishing; the valid forms still
// work; unknown parameters are still ignored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertList, assertStatus, signIn } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';

let stack; let nfc; let ho; let admin;
before(async () => {
  stack = await startStack();
  nfc = await signIn(stack.base, 'nfc.user');
  ho = await signIn(stack.base, 'ho.user');
  admin = await signIn(stack.base, 'nfc.admin');
});
after(async () => { await stack?.stop(); });

const bad = (r, field, what) => assertError(r, 400, 'invalid_field', field, what);

test('a bad percent escape or an encoded NUL in a parameter is 400 naming it', async () => {
  for (const [path, field] of [
    ['/api/cases?q=%zz', 'q'],
    ['/api/cases?q=smith%', 'q'],
    ['/api/cases?q=ab%2', 'q'],
    ['/api/cases?q=a%00b', 'q'],
    ['/api/cases?status=%zz', 'status'],
    ['/api/cases?team=%00', 'team'],
    ['/api/cases?limit=%00', 'limit'],
    ['/api/cases?cursor=%zz', 'cursor'],
    ['/api/alerts?type=%zz', 'type'],
    ['/api/queries?bucket=%00', 'bucket'],
    ['/api/users?cursor=%00%ff-not-a-cursor', 'cursor'],
    ['/api/home?mine=%zz', 'mine'],
  ]) {
    const c = path.startsWith('/api/users') ? admin : nfc;
    bad(await c.req('GET', path), field, `GET ${path}`);
  }
  bad(await ho.req('GET', '/api/reports/performance?team=%zz'), 'team', 'performance team=%zz');
  bad(await ho.req('GET', '/api/reports/sla?from=%00&to=2026-06-30'), 'from', 'sla from=%00');
});

test('an unknown enum value is 400 naming the parameter', async () => {
  for (const [path, field] of [
    ['/api/cases?status=bogus', 'status'],
    ['/api/cases?legislation=bogus', 'legislation'],
    ['/api/cases?mine=maybe', 'mine'],
    ['/api/cases?thousand_day=2', 'thousand_day'],
    ['/api/alerts?type=bogus', 'type'],
    ['/api/alerts?to=nobody', 'to'],
    ['/api/alerts?state=bogus', 'state'],
    ['/api/queries?bucket=bogus', 'bucket'],
  ]) {
    bad(await nfc.req('GET', path), field, `GET ${path}`);
  }
});

test('a limit or cursor that does not parse is 400 naming it', async () => {
  for (const v of ['abc', '1.5', '0', '501', '-1', '+5', '99999999999999999999', '0x10']) {
    bad(await nfc.req('GET', `/api/cases?limit=${encodeURIComponent(v)}`), 'limit', `cases limit=${v}`);
    bad(await nfc.req('GET', `/api/alerts?limit=${encodeURIComponent(v)}`), 'limit', `alerts limit=${v}`);
  }
  for (const v of ['abc', '0', '-1', '01', '1e3', '12345678901234567']) {
    bad(await nfc.req('GET', `/api/cases?cursor=${encodeURIComponent(v)}`), 'cursor', `cases cursor=${v}`);
    bad(await nfc.req('GET', `/api/queries?cursor=${encodeURIComponent(v)}`), 'cursor', `queries cursor=${v}`);
  }
  bad(await nfc.req('GET', '/api/cases?caseworker=abc'), 'caseworker', 'caseworker=abc');
});

test('a parameter given twice is 400 naming it', async () => {
  bad(await nfc.req('GET', '/api/cases?status=closed&status=open_referral'), 'status', 'status twice');
  bad(await admin.req('GET', '/api/users?limit=1&limit=2'), 'limit', 'limit twice');
});

test('text that is not UTF-8 is 422 naming the parameter; a search is at most 200 characters, spaces around it aside', async () => {
  assertError(await nfc.req('GET', '/api/cases?q=%FF'), 422, 'validation_failed', 'q', 'q=%FF');
  assertStatus(await nfc.req('GET', `/api/cases?q=${encodeURIComponent(`  ${'é'.repeat(200)}  `)}`), 200, '200 two-byte characters');
  assertError(await nfc.req('GET', `/api/cases?q=${encodeURIComponent('é'.repeat(201))}`), 422, 'validation_failed', 'q', '201 characters');
  assertError(await nfc.req('GET', `/api/cases?team=${'t'.repeat(101)}`), 422, 'validation_failed', 'team', 'team of 101 characters');
});

test('the valid forms still work: encoded text, enums, flags, limit and cursor; empty and unknown parameters are ignored', async () => {
  const c = await createCase(nfc, { principal: { given_names: 'Zoë', family_name: 'Ångström-Params', date_of_birth: '1981-05-06', nationality: 'Swedish' } });
  const byName = await nfc.req('GET', `/api/cases?q=${encodeURIComponent('zoë ångström-params')}`);
  assertStatus(byName, 200, 'search by an encoded name');
  assert.ok(byName.json.items.some((s) => s.id === c.id), 'the case is found by its encoded name');
  const plus = await nfc.req('GET', '/api/cases?q=Zo%C3%AB+%C3%85ngstr%C3%B6m-Params');
  assert.ok(plus.json.items.some((s) => s.id === c.id), '+ is a space');
  for (const q of ['status=open_referral', 'status=', 'mine=1', 'mine=true', 'mine=0', 'mine=false', 'legislation=care_act_2014',
    'thousand_day=1', 'limit=1', 'limit=500', 'status=open_referral&colour=blue', 'x=%zz', '%zz=1', 'q=&status=']) {
    const r = await nfc.req('GET', `/api/cases?${q}`);
    assertStatus(r, 200, `cases?${q}`);
    assertList(r.json, `cases?${q}`);
  }
  const one = await nfc.req('GET', '/api/cases?limit=1');
  assert.equal(one.json.items.length, 1);
  assert.ok(one.json.next_cursor, 'more than one case: a next page');
  const next = await nfc.req('GET', `/api/cases?limit=1&cursor=${one.json.next_cursor}`);
  assertStatus(next, 200, 'the next page');
  assert.notEqual(next.json.items[0].id, one.json.items[0].id, 'the cursor moves on');
  for (const q of ['type=new_case&to=ho', 'state=all', 'overdue=1', 'due=today', 'mine=1&limit=5']) {
    assertStatus(await nfc.req('GET', `/api/alerts?${q}`), 200, `alerts?${q}`);
  }
  for (const q of ['bucket=responses', 'state=closed']) {
    assertStatus(await nfc.req('GET', `/api/queries?${q}`), 200, `queries?${q}`);
  }
  assertStatus(await admin.req('GET', '/api/users?limit=1'), 200, 'users?limit=1');
  assertStatus(await nfc.req('GET', '/api/home?mine=1'), 200, 'home?mine=1');
});
