// Refused access is evidence: another council's case, document, alert or query (and a record that
// does not exist at all) answers 404 exactly as before, and a role refusal 403, but each is an
// access_refused event in the audit chain naming the user, organisation, route, kind and id, never
// personal data. A prober cannot flood the log: refusals of one kind by one user are folded per
// minute into at most two events per worker process, whose counts add up to the refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startStack, Client, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { createCase, pngBytes, upload } from '../lib/cases.mjs';
import { openAlert, openQuery } from '../lib/alerts.mjs';

let stack; const u = {}; let nfcCase; let nfcDoc; let alert; let query; let ebcCase;
before(async () => {
  stack = await startStack({ clock: true });
  for (const name of ['nfc.user', 'ebc.user', 'ebc.admin', 'wmc.user', 'ho.user']) {
    u[name] = new Client(stack.base);
    assertStatus(await u[name].login(name), 200, `sign in ${name}`);
    u[name].user = (await u[name].req('GET', '/api/me')).json;
  }
  nfcCase = await createCase(u['nfc.user']);
  const up = await upload(u['nfc.user'], nfcCase.id, pngBytes(), { filename: 'id.png' });
  assertStatus(up, 201, 'upload');
  nfcDoc = up.json;
  alert = await openAlert(u['ho.user'], nfcCase.id, 'new_case', 'setup');
  query = await openQuery(u['nfc.user'], nfcCase.id, { category: 'other', message: 'A question.' });
  ebcCase = await createCase(u['ebc.user']);
});
after(async () => { await stack?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function auditTail(n = 2000) {
  const bin = join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl');
  const r = spawnSync(bin, ['--data', stack.data, 'audit', 'tail', String(n)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
/** The access_refused events of one user (waiting for the audit queue's flush). */
async function refusalsOf(who, match = () => true, { atLeast = 1 } = {}) {
  let mine = [];
  for (let i = 0; i < 25; i += 1) {
    mine = auditTail().filter((e) => e.action === 'access_refused' && e.actor === who.user.id && match(e));
    if (mine.length >= atLeast) break;
    await sleep(200);
  }
  return mine;
}
const IMMEDIATE_KEYS = ['seq', 'prev', 'hash', 'at', 'actor', 'org', 'action', 'status', 'kind', 'route', 'target', 'count'].sort();

test('a council user probing another council\'s case, document, alert and query: 404 each time, each an audited refusal', async () => {
  const ebc = u['ebc.user'];
  const probes = [
    ['GET', `/api/cases/${nfcCase.id}`, 'case', nfcCase.id, 'GET /api/cases/{id}'],
    ['PUT', `/api/cases/${nfcCase.id}/finance`, 'case', nfcCase.id, 'PUT /api/cases/{id}/finance', { weekly_subsistence_pence: 1 }],
    ['GET', `/api/cases/${nfcCase.id}/documents/${nfcDoc.id}`, 'case', nfcCase.id, 'GET /api/cases/{id}/documents/{id}'],
    // Its own case, another council's document id: the document is what is refused.
    ['GET', `/api/cases/${ebcCase.id}/documents/${nfcDoc.id}`, 'document', nfcDoc.id, 'GET /api/cases/{id}/documents/{id}'],
    ['DELETE', `/api/cases/${ebcCase.id}/documents/${nfcDoc.id}`, 'document', nfcDoc.id, 'DELETE /api/cases/{id}/documents/{id}'],
    ['POST', `/api/alerts/${alert.id}/accept`, 'alert', alert.id, 'POST /api/alerts/{id}/accept'],
    ['GET', `/api/queries/${query.id}`, 'query', query.id, 'GET /api/queries/{id}'],
    ['POST', `/api/queries/${query.id}/messages`, 'query', query.id, 'POST /api/queries/{id}/messages', { message: 'Mine now?' }],
  ];
  for (const [method, path, , , , body] of probes) {
    assertError(await ebc.req(method, path, body ? { body } : {}), 404, 'not_found', null, `${method} ${path}`);
  }
  // Nothing of NFC's changed or leaked: the document is still there, the query has one message.
  assertStatus(await u['nfc.user'].req('GET', `/api/cases/${nfcCase.id}/documents/${nfcDoc.id}`), 200);
  assert.equal((await u['nfc.user'].req('GET', `/api/queries/${query.id}`)).json.messages.length, 1);

  const events = await refusalsOf(ebc, () => true, { atLeast: probes.length });
  for (const [method, path, kind, target, route] of probes) {
    const e = events.find((x) => x.route === route && x.kind === kind && x.target === target);
    assert.ok(e, `an access_refused event for ${method} ${path}: ${JSON.stringify(events)}`);
    assert.equal(e.status, 404);
    assert.equal(e.org, ebc.user.org.id);
    assert.equal(e.count, 1);
    assert.match(e.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.deepEqual(Object.keys(e).sort(), IMMEDIATE_KEYS, 'ids, kind and route only: no personal data');
  }
  // The owner's own reads are disclosures, never refusals.
  assert.deepEqual(await refusalsOf(u['nfc.user'], () => true, { atLeast: 0 }), []);
});

test('a record that does not exist is refused and audited the same way', async () => {
  const wmc = u['wmc.user'];
  const missing = 987654321;
  const r = await wmc.req('GET', `/api/cases/${missing}`);
  assertError(r, 404, 'not_found', null);
  const other = await wmc.req('GET', `/api/cases/${nfcCase.id}`);
  assert.equal(other.text, r.text, 'the same answer for another council\'s case and for none at all');
  const events = await refusalsOf(wmc, (e) => e.target === missing);
  assert.equal(events.length, 1);
  assert.equal(events[0].kind, 'case');
  assert.equal(events[0].route, 'GET /api/cases/{id}');
});

test('another organisation\'s user and council are refused (404) and audited', async () => {
  const admin = u['ebc.admin'];
  const nfcUserId = u['nfc.user'].user.id;
  assertError(await admin.req('GET', `/api/users/${nfcUserId}`), 404, 'not_found', null);
  assertError(await admin.req('POST', `/api/users/${nfcUserId}/reset-password`), 404, 'not_found', null);
  assertError(await admin.req('GET', `/api/reports/resolution?from=2026-01-01&to=2026-03-31&council=${u['nfc.user'].user.org.id}`), 404, 'not_found', 'council');
  const events = await refusalsOf(admin, () => true, { atLeast: 3 });
  assert.ok(events.some((e) => e.kind === 'user' && e.target === nfcUserId && e.route === 'GET /api/users/{id}'), JSON.stringify(events));
  assert.ok(events.some((e) => e.kind === 'user' && e.target === nfcUserId && e.route === 'POST /api/users/{id}/reset-password'));
  assert.ok(events.some((e) => e.kind === 'council' && e.target === u['nfc.user'].user.org.id && e.route === 'GET /api/reports/resolution'));
  // The refused reset changed nothing: nfc.user still signs in with its password.
  assert.equal((await new Client(stack.base).login('nfc.user')).status, 200);
});

test('a role refusal (the Home Office editing finance) answers 403 and is audited the same way', async () => {
  const ho = u['ho.user'];
  const r = await ho.req('PUT', `/api/cases/${nfcCase.id}/finance`, { body: { weekly_subsistence_pence: 5000 } });
  assertError(r, 403, 'forbidden', null);
  const events = await refusalsOf(ho, (e) => e.route === 'PUT /api/cases/{id}/finance');
  assert.equal(events.length, 1);
  assert.equal(events[0].status, 403);
  assert.equal(events[0].kind, 'role');
  assert.equal(events[0].target, nfcCase.id);
  assert.equal(events[0].org, ho.user.org.id);
});

test('50 probes in a row: a bounded number of events whose counts add up to 50', async () => {
  const prober = new Client(stack.base);
  assertStatus(await prober.login('wmc.admin'), 200);
  prober.user = (await prober.req('GET', '/api/me')).json;
  const targets = [];
  for (let i = 0; i < 50; i += 1) {
    const id = i % 2 ? nfcCase.id : ebcCase.id + 1000 + i;
    targets.push(id);
    assertError(await prober.req('GET', `/api/cases/${id}`), 404, 'not_found', null, `probe ${i}`);
  }
  const route = (e) => e.route === 'GET /api/cases/{id}';
  // Within the minute: one event per worker process that saw a probe, the rest are being counted.
  await sleep(800);
  const workers = Number(process.env.WORKERS) || availableParallelism();
  const early = await refusalsOf(prober, route);
  assert.ok(early.length >= 1 && early.length <= workers, `${early.length} events at first (workers: ${workers})`);
  assert.ok(early.every((e) => e.count === 1));
  // When the minute is up the folded counts are written: at most two events per worker in all.
  stack.setClockOffset(61);
  let events = [];
  for (let i = 0; i < 30; i += 1) {
    await sleep(200);
    events = await refusalsOf(prober, route);
    if (events.reduce((n, e) => n + e.count, 0) >= 50) break;
  }
  assert.equal(events.reduce((n, e) => n + e.count, 0), 50, `counts add up: ${JSON.stringify(events.map((e) => e.count))}`);
  assert.ok(events.length <= 2 * workers, `${events.length} events for 50 probes`);
  const folded = events.filter((e) => e.count > 1);
  assert.ok(folded.length >= 1, 'a folded event');
  for (const e of folded) {
    assert.ok(Array.isArray(e.targets) && e.targets.length >= 1 && e.targets.length <= 20, 'targets listed');
    assert.ok(e.targets.every((id) => targets.includes(id)), 'only probed ids');
    assert.match(e.since, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(e.since <= e.at);
  }
  // The chain stays intact.
  const check = spawnSync(join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl'), ['--data', stack.data, 'check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
});
