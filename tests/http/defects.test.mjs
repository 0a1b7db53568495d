// Smaller defects found by trying Connect (issue 15 item 7), each on the real stack:
// - PUT of null or "" on a required case field is 422, never a silent "keep the old value";
// - PUT finance {} on a case with no finance changes nothing and writes no history;
// - an unknown member in the body of any route (those that take a body and those that take none)
//   is 400 invalid_field naming it (fcgi/API.md "Errors");
// - an RTPF match whose leave expiry has passed never says leave is valid.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import { caseBody, createCase, dayOffset, dependant, history } from '../lib/cases.mjs';
import { genRecord, lookup, settledStop } from '../lib/rtpf.mjs';

let stack; let startedAt; let user; let admin; let ho; let hoAdmin; let net;
before(async () => {
  startedAt = Date.now();
  stack = await startStack({ clock: true });
  user = await signIn(stack.base, 'nfc.user');
  admin = await signIn(stack.base, 'nfc.admin');
  ho = await signIn(stack.base, 'ho.user');
  hoAdmin = await signIn(stack.base, 'ho.admin');
  net = await signIn(stack.base, 'net.admin');
});
after(async () => { if (stack) await settledStop(stack, startedAt); });

test('PUT /api/cases/{id} with null or "" on a required field is 422 and keeps nothing changed', async () => {
  const c = await createCase(user);
  const rows = (await history(user, c.id)).length;
  for (const [field, value] of [['legislation', null], ['legislation', ''], ['household_type', null], ['household_type', '']]) {
    assertError(await user.req('PUT', `/api/cases/${c.id}`, { body: { [field]: value, address: '2 Other Road' } }),
      422, 'validation_failed', field, `${field}: ${JSON.stringify(value)}`);
  }
  const after = await user.req('GET', `/api/cases/${c.id}`);
  assert.equal(after.json.legislation, c.legislation);
  assert.equal(after.json.household_type, c.household_type);
  assert.equal(after.json.address, c.address, 'the refused request changed nothing');
  assert.equal((await history(user, c.id)).length, rows, 'no history');
  // Left out, they are kept.
  const ok = await user.req('PUT', `/api/cases/${c.id}`, { body: { address: '2 Other Road' } });
  assertStatus(ok, 200);
  assert.equal(ok.json.legislation, c.legislation);
});

test('PUT finance {} (or all nulls) on a case with no finance changes nothing and writes no history', async () => {
  const c = await createCase(user);
  assert.equal(c.finance, null);
  const rows = (await history(user, c.id)).length;
  for (const body of [{}, { support_start_date: null, other_costs: [] }]) {
    const r = await user.req('PUT', `/api/cases/${c.id}/finance`, { body });
    assertStatus(r, 200, JSON.stringify(body));
    assert.equal(r.json.finance, null, 'still no finance');
    assert.equal(r.json.status, 'open_referral');
    assert.equal(r.json.updated_at, c.updated_at, 'not updated');
  }
  assert.equal((await history(user, c.id)).length, rows, 'no history');
});

test('an unknown member in any body is 400 invalid_field naming it', async () => {
  const c = await createCase(admin, caseBody({ dependants: [dependant()] }));
  const dep = c.dependants[0].id;
  const q = await user.req('POST', `/api/cases/${c.id}/queries`, { body: { category: 'progress_update', message: 'Any news?' } });
  assertStatus(q, 201, 'open a query');
  const alerts = await ho.req('GET', `/api/cases/${c.id}/alerts`);
  const alertId = alerts.json.items[0].id;
  const x = { x_unknown: 1 };
  const routes = [
    [null, 'POST', '/api/auth/login', { username: 'nfc.user', password: 'x', ...x }],
    [null, 'POST', '/api/auth/mfa', { ...x }],
    [user, 'POST', '/api/auth/logout', x],
    [user, 'PUT', '/api/me/password', { current_password: 'a', new_password: 'b', ...x }],
    [user, 'POST', '/api/me/mfa', x],
    [user, 'POST', '/api/me/mfa/confirm', { code: '123456', ...x }],
    [user, 'DELETE', '/api/me/mfa', x],
    [admin, 'POST', '/api/users', { username: 'unknown.member', name: 'U M', role: 'user', ...x }],
    [admin, 'PATCH', `/api/users/${user.user.id}`, { name: 'N', ...x }],
    [admin, 'DELETE', `/api/users/${user.user.id}`, x],
    [admin, 'POST', `/api/users/${user.user.id}/unlock`, x],
    [admin, 'POST', `/api/users/${user.user.id}/reset-password`, x],
    [admin, 'DELETE', `/api/users/${user.user.id}/mfa`, x],
    [net, 'POST', '/api/orgs', { kind: 'council', name: 'Unknown Member Council', code: 'UMC', ...x }],
    [user, 'POST', '/api/cases', { ...caseBody(), ...x }],
    [user, 'PUT', `/api/cases/${c.id}`, x],
    [user, 'PUT', `/api/cases/${c.id}/principal`, { ...c.principal, ...x }],
    [user, 'POST', `/api/cases/${c.id}/dependants`, { ...dependant(), ...x }],
    [user, 'PUT', `/api/cases/${c.id}/dependants/${dep}`, { ...dependant(), ...x }],
    [user, 'DELETE', `/api/cases/${c.id}/dependants/${dep}`, x],
    [user, 'PUT', `/api/cases/${c.id}/allocation`, x],
    [ho, 'PUT', `/api/cases/${c.id}/immigration`, x],
    [user, 'PUT', `/api/cases/${c.id}/finance`, x],
    [user, 'POST', `/api/cases/${c.id}/closure`, { closure_date: dayOffset(0), reason: 'other', ...x }],
    [user, 'DELETE', `/api/cases/${c.id}/closure`, x],
    [user, 'DELETE', `/api/cases/${c.id}/documents/1`, x],
    [ho, 'POST', `/api/cases/${c.id}/final-outcome`, { outcome: 'removal', decision_date: dayOffset(0), ...x }],
    [admin, 'POST', `/api/cases/${c.id}/shared-with-person`, { ...x }],
    [user, 'POST', `/api/cases/${c.id}/queries`, { category: 'progress_update', message: 'm', ...x }],
    [hoAdmin, 'POST', `/api/alerts/${alertId}/accept`, x],
    [user, 'POST', `/api/queries/${q.json.id}/messages`, { message: 'm', ...x }],
    [user, 'POST', `/api/queries/${q.json.id}/close`, x],
    [user, 'POST', '/api/rtpf/lookup', { document_type: 'passport', document_number: 'A1', date_of_birth: '1980-01-01', ...x }],
    [admin, 'PUT', '/api/retention', { years: 6, ...x }],
    [admin, 'PUT', `/api/cases/${c.id}/legal-hold`, { reason: 'r', ...x }],
    [admin, 'DELETE', `/api/cases/${c.id}/legal-hold`, x],
    [net, 'PUT', '/api/help', { network: { name: 'N', email: 'n@example.test' }, ho_escalation: { name: 'H', phone: '020 7946 0000' }, ...x }],
  ];
  for (const [who, method, path, body] of routes) {
    const client = who ?? user;
    const r = await client.req(method, path, { body, auth: who !== null });
    assertError(r, 400, 'invalid_field', 'x_unknown', `${method} ${path}`);
  }
  // Nothing was done by the refused requests.
  const after = await user.req('GET', `/api/cases/${c.id}`);
  assertStatus(after, 200);
  assert.equal(after.json.status, 'open_referral');
  assert.equal(after.json.dependants.length, 1);
  // A route that takes no body still takes none, or {}.
  assertStatus(await user.req('POST', `/api/queries/${q.json.id}/close`, { body: {} }), 200, 'close with {}');
});

test('an RTPF match whose leave expiry has passed says leave is not valid', async () => {
  // Demo record 5: leave with recourse, valid in the register, expiring 2026-06-05.
  const g = genRecord(5);
  assert.equal(g.match.leave_expiry, '2026-06-05');
  const at = (iso) => stack.setClockOffset(Math.floor(Date.parse(iso) / 1000) - Math.floor(Date.now() / 1000));
  if (Date.now() < Date.parse('2026-06-05T00:00:00Z')) {
    at('2026-06-05T12:00:00Z');
    const r = await lookup(await signIn(stack.base, 'ebc.user'), g.document_type, g.document_number, g.match.date_of_birth);
    assertStatus(r, 200);
    assert.equal(r.json.match.leave_valid, true, 'valid on its last day');
  }
  at(new Date(Math.max(Date.now(), Date.parse('2026-06-06T12:00:00Z')) + 86400000).toISOString());
  const late = await signIn(stack.base, 'ebc.user');
  const r = await lookup(late, g.document_type, g.document_number, g.match.date_of_birth);
  assertStatus(r, 200);
  assert.equal(r.json.match.leave_expiry, '2026-06-05');
  assert.equal(r.json.match.leave_valid, false, 'never valid after its expiry');
  stack.setClockOffset(0);
});
