// The audit log, readable by the admins accountable for it (fcgi/API.md "Audit"): GET /api/audit
// newest first with a cursor, filtered by case, user, event type and period, each admin within their
// organisation's scope; its CSV export is formula-safe and itself audited; GET /api/audit/verify says
// whether the chain is intact and names the first tampered event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, createActiveUser, signIn, ISO_TIME } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { editAuditEvent } from '../lib/store-edit.mjs';

let stack, nfcAdmin, ebcAdmin, hoAdmin, netAdmin, nfcUser, hoUser;
before(async () => {
  stack = await startStack({ keep: true });
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcAdmin = await signIn(stack.base, 'ebc.admin');
  hoAdmin = await signIn(stack.base, 'ho.admin');
  netAdmin = await signIn(stack.base, 'net.admin');
  nfcUser = await signIn(stack.base, 'nfc.user');
  hoUser = await signIn(stack.base, 'ho.user');
});
after(async () => { await stack?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const me = async (c) => (await c.req('GET', '/api/me')).json;

/** Every page of a filtered view, following next_cursor. */
async function allPages(c, query, limit = 500) {
  const items = [];
  let cursor = null;
  do {
    const r = await c.req('GET', `/api/audit?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assertStatus(r, 200);
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  return items;
}

let theCase, nfcUserMe, hoUserMe;
test('the events of a case appear newest first with time, actor, organisation and Connect ID', async () => {
  theCase = await createCase(nfcUser);
  assertStatus(await nfcUser.req('GET', `/api/cases/${theCase.id}`), 200);
  assertStatus(await hoUser.req('GET', `/api/cases/${theCase.id}`), 200);
  assertStatus(await nfcUser.req('GET', `/api/cases/${theCase.id}/history`), 200);
  await sleep(800); // the batched read events
  nfcUserMe = await me(nfcUser);
  hoUserMe = await me(hoUser);
  const r = await nfcAdmin.req('GET', `/api/audit?case=C${theCase.id}`);
  assertStatus(r, 200);
  const items = r.json.items;
  const actions = items.map((e) => e.action);
  for (const a of ['case_created', 'case_viewed', 'case_history_viewed']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  const seqs = items.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
  for (const e of items) {
    assert.match(e.at, ISO_TIME);
    assert.match(e.at, /\.\d{3}Z$/, `a new event is stamped to the millisecond: ${e.at}`);
    assert.deepEqual(e.case, { id: theCase.id, connect_id: `C${theCase.id}` });
  }
  const hoView = items.find((e) => e.action === 'case_viewed' && e.actor?.id === hoUserMe.id);
  assert.ok(hoView, 'the Home Office view is on the council\'s trail');
  assert.equal(hoView.actor.name, hoUserMe.name);
  assert.deepEqual(hoView.actor.org, { id: hoUserMe.org.id, name: hoUserMe.org.name });
  assert.equal(hoView.prev, undefined, 'the chain\'s own members stay inside');
});

test('filters by user, type and period, and cursor paging covers each event once', async () => {
  const byUser = await allPages(nfcAdmin, `user=${nfcUserMe.id}`);
  assert.ok(byUser.length >= 3);
  assert.ok(byUser.every((e) => e.actor?.id === nfcUserMe.id));
  const byType = await allPages(hoAdmin, 'type=case_viewed');
  assert.ok(byType.every((e) => e.action === 'case_viewed'));
  assert.ok(byType.some((e) => e.case?.id === theCase.id));
  const today = new Date().toISOString().slice(0, 10);
  const inPeriod = await allPages(nfcAdmin, `case=${theCase.id}&from=${today}&to=${today}`);
  assert.ok(inPeriod.length >= 3);
  assertStatus(await nfcAdmin.req('GET', `/api/audit?case=${theCase.id}&to=2000-01-01`), 200);
  assert.equal((await nfcAdmin.req('GET', `/api/audit?case=${theCase.id}&to=2000-01-01`)).json.items.length, 0);
  const whole = await allPages(hoAdmin, '', 500);
  const paged = await allPages(hoAdmin, '', 2);
  assert.deepEqual(paged.map((e) => e.seq).slice(0, 20), whole.map((e) => e.seq).slice(0, 20), 'pages of 2 give the same events');
  assert.equal(new Set(paged.map((e) => e.seq)).size, paged.length, 'no event twice');
  assertError(await hoAdmin.req('GET', '/api/audit?cursor=zz'), 400, 'invalid_field', 'cursor');
  assertError(await hoAdmin.req('GET', '/api/audit?case=bogus'), 422, 'validation_failed', 'case');
});

test('each role sees its own scope; a named case or user out of scope is 404', async () => {
  // Another council: none of this case's events, and the case filter is not found.
  const ebcAll = await allPages(ebcAdmin, '');
  assert.ok(!ebcAll.some((e) => e.case?.id === theCase.id), 'another council sees none of them');
  assertError(await ebcAdmin.req('GET', `/api/audit?case=C${theCase.id}`), 404, 'not_found');
  assertError(await ebcAdmin.req('GET', `/api/audit?user=${nfcUserMe.id}`), 404, 'not_found');
  // The Home Office admin: the case's events, whoever did them.
  const ho = await allPages(hoAdmin, `case=C${theCase.id}`);
  assert.ok(ho.some((e) => e.action === 'case_viewed' && e.actor?.id === nfcUserMe.id));
  // The Network admin: account and organisation events, never a case's.
  const net = await allPages(netAdmin, '');
  assert.ok(net.length > 0);
  assert.ok(net.every((e) => e.case === null), 'no case events');
  assert.ok(net.some((e) => e.action === 'login'));
  assert.ok(net.every((e) => /^(login|logout|password_|user_|mfa_|account_|network_|org_|weak_password_)/.test(e.action)), net.map((e) => e.action).join());
  assertError(await netAdmin.req('GET', `/api/audit?case=${theCase.id}`), 404, 'not_found');
  // A council admin sees their own users' account events too.
  const nfcLogins = await allPages(nfcAdmin, `type=login&user=${nfcUserMe.id}`);
  assert.ok(nfcLogins.length >= 1);
  // Plain users: 403.
  assertError(await nfcUser.req('GET', '/api/audit'), 403, 'forbidden');
  assertError(await nfcUser.req('GET', '/api/audit/verify'), 403, 'forbidden');
});

test('the CSV export is the filtered view, formula-safe, and is itself audited', async () => {
  const nfcAdminMe = await me(nfcAdmin);
  const sly = await createActiveUser(nfcAdmin, { name: '=HYPERLINK("http://evil")', org: nfcAdminMe.org.id });
  assertStatus(await sly.client.req('GET', `/api/cases/${theCase.id}`), 200);
  await sleep(800);
  const r = await nfcAdmin.req('GET', `/api/audit?case=C${theCase.id}&format=csv`);
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const lines = r.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  assert.match(lines[0], /^Seq,Time \(UTC\),User id,User,Organisation,Event,Case/);
  for (const l of lines.slice(1)) assert.match(l.split(',')[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'the time as stored, in ms');
  assert.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""http://evil"")"`)), 'the formula is neutralised');
  assert.ok(!lines.some((l) => /,=HYPERLINK/.test(l) || /,"=HYPERLINK/.test(l)));
  assert.ok(lines.slice(1).every((l) => l.includes(`C${theCase.id}`)), 'only the case\'s events');
  await sleep(800);
  const exports = await allPages(nfcAdmin, `type=audit_exported&user=${nfcAdminMe.id}`);
  assert.ok(exports.length >= 1);
  assert.equal(exports[0].filter.case, theCase.id);
});

test('verify: intact, then a tampered event is named', async () => {
  const ok = await hoAdmin.req('GET', '/api/audit/verify');
  assertStatus(ok, 200);
  assert.equal(ok.json.ok, true);
  assert.equal(ok.json.broken, null);
  assert.ok(ok.json.events > 5);
  assert.equal(ok.json.newest.seq, ok.json.events);
  assert.match(ok.json.newest.at, ISO_TIME);
  const victim = (await allPages(nfcAdmin, `case=C${theCase.id}&type=case_created`))[0];
  assert.ok(victim);
  await stack.stop();
  editAuditEvent(stack.data, victim.seq, (ev) => { ev.actor = 1; });
  stack = await startStack({ data: stack.data });
  const admin = await signIn(stack.base, 'nfc.admin');
  const bad = await admin.req('GET', '/api/audit/verify');
  assertStatus(bad, 200);
  assert.equal(bad.json.ok, false);
  assert.equal(bad.json.broken.seq, victim.seq);
  assert.equal(bad.json.broken.action, 'case_created');
  assert.equal(bad.json.events, victim.seq - 1, 'intact up to the event before');
});
