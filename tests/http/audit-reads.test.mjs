// Every disclosure is audited: viewing a case, listing or searching cases, reading a case's history
// and downloading a document each leave an event (who, which organisation, which case or document)
// in the hash-chained audit log, written within a fraction of a second. A refused read discloses
// nothing and leaves no disclosure event (it is an access_refused event: access-refused.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, Client, ROOT } from '../lib/stack.mjs';
import { createCase, pngBytes } from '../lib/cases.mjs';

let stack, nfc, ho, ebc;
before(async () => {
  stack = await startStack();
  nfc = new Client(stack.base); await nfc.login('nfc.user');
  ho = new Client(stack.base); await ho.login('ho.user');
  ebc = new Client(stack.base); await ebc.login('ebc.user');
});
after(async () => { await stack?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function auditTail(n = 500) {
  const bin = join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl');
  const r = spawnSync(bin, ['--data', stack.data, 'audit', 'tail', String(n)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('views, lists, history and downloads are audited with who, organisation and what', async () => {
  const c = await createCase(nfc);
  const up = await nfc.req('POST', `/api/cases/${c.id}/documents?filename=a.png`, { raw: pngBytes(2, 2), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201);
  assert.equal((await nfc.req('GET', `/api/cases/${c.id}`)).status, 200);
  assert.equal((await nfc.req('GET', `/api/cases/${c.id}/history`)).status, 200);
  assert.equal((await nfc.req('GET', `/api/cases/${c.id}/documents/${up.json.id}`)).status, 200);
  assert.equal((await ho.req('GET', `/api/cases/${c.id}`)).status, 200);
  assert.equal((await nfc.req('GET', `/api/cases?q=C${c.id}`)).status, 200);
  await sleep(800);
  const events = auditTail();
  const nfcUser = (await nfc.req('GET', '/api/me')).json;
  const hoUser = (await ho.req('GET', '/api/me')).json;
  const has = (action, actor, target) => events.some((e) => e.action === action && e.actor === actor && e.target === target);
  assert.ok(has('case_viewed', nfcUser.id, c.id), 'council view');
  assert.ok(has('case_viewed', hoUser.id, c.id), 'Home Office view');
  assert.ok(has('case_history_viewed', nfcUser.id, c.id));
  assert.ok(has('document_downloaded', nfcUser.id, up.json.id));
  assert.ok(events.some((e) => e.action === 'cases_listed' && e.actor === nfcUser.id && e.targets.includes(c.id)), 'list');
  const view = events.find((e) => e.action === 'case_viewed' && e.actor === hoUser.id);
  assert.equal(view.org, hoUser.org.id);
  assert.match(view.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
});

test('a refused read (another council) leaves no disclosure event, only an access_refused one', async () => {
  const c = await createCase(nfc);
  assert.equal((await ebc.req('GET', `/api/cases/${c.id}`)).status, 404);
  await sleep(800);
  const ebcUser = (await ebc.req('GET', '/api/me')).json;
  const mine = auditTail().filter((e) => e.actor === ebcUser.id && e.target === c.id);
  assert.deepEqual(mine.map((e) => e.action), ['access_refused'], JSON.stringify(mine));
});

test('the audit chain stays intact with the batched events', async () => {
  const bin = join(process.env.CONNECT_BIN ?? join(ROOT, 'bin'), 'connectctl');
  const r = spawnSync(bin, ['--data', stack.data, 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /chain intact/);
});
