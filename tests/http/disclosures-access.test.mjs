// Partner department users never search or browse cases: a sweep of every route of fcgi/router.c (read
// from the source, so a new route is swept too) for a partner user and a partner admin answers 403 or
// 404 wherever the route is not one of theirs, and never 2xx. They see only the disclosure requests of
// their organisation that they take part in: another partner, a colleague who is neither requester nor
// countersigner, and the provider before the request is sent all get 404 (audited).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus, createActiveUser } from '../lib/http.mjs';
import { actor } from '../lib/alerts.mjs';

let stack; let dwp; let dwpAdmin; let dwpManager; let ho; let net; let nino;
before(async () => {
  stack = await startStack();
  dwp = await actor(stack.base, 'dwp.user');
  dwpAdmin = await actor(stack.base, 'dwp.admin');
  dwpManager = await actor(stack.base, 'dwp.manager');
  ho = await actor(stack.base, 'ho.user');
  net = await actor(stack.base, 'net.admin');
  // A second partner department, set up by the Network like a council.
  const org = await net.req('POST', '/api/orgs', { body: { kind: 'partner', name: 'DWP NINo Operations', code: 'NINO' } });
  assertStatus(org, 201, 'partner org');
  assert.equal(org.json.kind, 'partner');
  const admin = await createActiveUser(net, { role: 'admin', org: org.json.id });
  nino = admin.client;
});
after(async () => { await stack?.stop(); });

// Routes a partner user may use: their own account, sign-in, help, their organisation's users (admins),
// the audit of their organisation (admins), the home page, and the disclosure requests. /metrics is no
// user's route: the operators' counts (no personal data, no session), served to loopback only, where
// this test's clients happen to be (tests/http/metrics.test.mjs checks it is refused from elsewhere).
const PARTNER_ROUTES = [/^\/metrics$/, /^\/api\/health$/, /^\/api\/auth\//, /^\/api\/me(\/|$)/, /^\/api\/help$/, /^\/api\/users(\/|$)/,
  /^\/api\/audit(\/|$)/, /^\/api\/home$/, /^\/api\/disclosures(\/|$)/, /^\/api\/reports\/disclosures$/];

function routes() {
  const src = readFileSync(join(ROOT, 'fcgi', 'router.c'), 'utf8');
  return [...src.matchAll(/\{"(GET|POST|PUT|PATCH|DELETE)", "([^"]+)", h_/g)].map((m) => ({ method: m[1], pattern: m[2] }));
}

test('every route outside the partner\'s own answers 403 or 404, never data', async () => {
  const all = routes();
  assert.ok(all.length > 60, `routes read from router.c (${all.length})`);
  let swept = 0;
  const wrong = [];
  for (const who of [dwp, dwpAdmin]) {
    for (const { method, pattern } of all) {
      if (PARTNER_ROUTES.some((re) => re.test(pattern))) continue;
      const path = pattern.replaceAll('{id}', '1');
      // Each route gets a body of the kind it takes, so that the answer is the role check's.
      let opts = method === 'GET' || method === 'DELETE' ? {} : { body: {} };
      if (/import|register/.test(pattern) && method !== 'GET') opts = { raw: 'a,b\r\n1,2\r\n', headers: { 'content-type': 'text/csv' } };
      if (/documents$/.test(pattern) && method === 'POST') opts = { raw: Buffer.from('%PDF-1.4\n'), headers: { 'content-type': 'application/pdf' } };
      const r = await who.req(method, path, opts);
      if (![403, 404].includes(r.status)) wrong.push(`${who.username} ${method} ${path} -> ${r.status} ${r.text.slice(0, 160)}`);
      swept += 1;
    }
    // Searching and browsing in particular.
    for (const q of ['', '?q=Smith', '?status=open_referral', '?q=1990-01-01', '?mine=1']) {
      assertError(await who.req('GET', `/api/cases${q}`), 403, 'forbidden', undefined, `${who.username} search ${q}`);
    }
  }
  assert.deepEqual(wrong, [], 'routes that did not refuse a partner user');
  assert.ok(swept > 100);
  // The refusals are audited for the partner's admin.
  await new Promise((r) => { setTimeout(r, 600); });
  const audit = await dwpAdmin.req('GET', `/api/audit?type=access_refused&limit=50`);
  assertStatus(audit, 200, 'partner admin reads own organisation audit');
  assert.ok(audit.json.items.length > 0, 'refusals audited');
});

test('a partner\'s home page has its disclosure work and no case figures', async () => {
  const h = await dwpManager.req('GET', '/api/home');
  assertStatus(h, 200);
  assert.equal(h.json.side, 'partner');
  assert.deepEqual(h.json.counters, {}, 'no case counters');
  assert.deepEqual(Object.keys(h.json.disclosures).sort(), ['awaiting_countersign', 'due_today', 'held', 'incoming', 'overdue', 'sent_back']);
  assert.ok(h.json.disclosures.awaiting_countersign >= 1, 'the demo request waiting for the manager');
  const hoHome = await ho.req('GET', '/api/home');
  assert.ok(hoHome.json.disclosures.incoming >= 1, 'the HO has DWP requests to answer');
  assert.ok(hoHome.json.disclosures.overdue >= 1, 'one demo request is overdue');
});

test('a partner user reads only requests of their organisation that they take part in', async () => {
  const own = await dwp.req('GET', '/api/disclosures');
  assertStatus(own, 200);
  assert.ok(own.json.items.length > 0, 'the demo gives dwp.user work');
  for (const item of own.json.items) {
    assertStatus(await dwp.req('GET', `/api/disclosures/${item.id}`), 200, 'their own');
    assertError(await nino.req('GET', `/api/disclosures/${item.id}`), 404, 'not_found', undefined, 'another partner');
    assertError(await nino.req('POST', `/api/disclosures/${item.id}/refuse`, { body: { reasons: 'x' } }), 404, 'not_found');
  }
  assert.equal((await nino.req('GET', '/api/disclosures')).json.total, 0, 'the other partner lists nothing');
  // A request made by the manager: a plain colleague who is neither requester nor countersigner cannot read it.
  const mine = await dwpManager.req('POST', '/api/disclosures', { body: {
    providing_org: ho.user.org.id,
    subject: { kind: 'person', person: { given_names: 'Ola', family_name: 'Nowak' } },
    information_sought: 'Immigration status.', legal_basis: 'consent', reasons: 'The person asked us to check.',
    other_enquiries: 'None possible.',
  } });
  assertStatus(mine, 201);
  assertError(await dwp.req('GET', `/api/disclosures/${mine.json.id}`), 404, 'not_found');
  assertStatus(await dwpAdmin.req('GET', `/api/disclosures/${mine.json.id}`), 200, 'the admin oversees');
  // Drafts and requests waiting for countersignature never reach the provider.
  assertError(await ho.req('GET', `/api/disclosures/${mine.json.id}`), 404, 'not_found');
  assert.ok(!(await ho.req('GET', '/api/disclosures')).json.items.some((x) => x.id === mine.json.id));
  // A council has no part in disclosure requests.
  const nfc = await actor(stack.base, 'nfc.user');
  assertError(await nfc.req('GET', '/api/disclosures'), 403, 'forbidden');
  assertError(await nfc.req('GET', `/api/disclosures/${mine.json.id}`), 403, 'forbidden');
  assertError(await nfc.req('GET', '/api/reports/disclosures?month=2026-12'), 403, 'forbidden');
});
