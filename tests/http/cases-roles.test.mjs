// Cases: the role × endpoint matrix of fcgi/API.md. Every endpoint is tried by a council user and admin
// (own council), the other council's user and admin, the HO user and admin, and the Network admin,
// against an NFC case. Own council → 2xx; other council → 404; HO → reads and the immigration page
// 2xx, every other write 403 (finance included); Network admin → 403 everywhere. A refused request
// changes nothing (the CASE and its history are as before).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { Client, assertError, assertList, assertStatus, signIn, signInCookie } from '../lib/http.mjs';
import {
  assertCase, assertDocument, caseBody, caseTotal, createCase, dayOffset, dependant, download, getCase, history, pngBytes,
  q, search, upload,
} from '../lib/cases.mjs';

let stack; const C = {};
const ROLES = [
  ['council user', 'nfc.user', 'own'],
  ['council admin', 'nfc.admin', 'own'],
  ['other council user', 'ebc.user', 'other'],
  ['other council admin', 'ebc.admin', 'other'],
  ['HO user', 'ho.user', 'ho'],
  ['HO admin', 'ho.admin', 'ho'],
  ['Network admin', 'net.admin', 'net'],
];
before(async () => {
  stack = await startStack();
  for (const [, u] of ROLES) C[u] = await signIn(stack.base, u);
});
after(async () => { await stack?.stop(); });

const owner = () => C['nfc.user'];
const png = pngBytes(4, 4);

// kind: read | write | immigration.  ok: the success status.  setup → ctx (the case and what the call needs).
const ENDPOINTS = [
  { name: 'GET /api/cases/{id}', kind: 'read', ok: 200, run: (c, x) => c.req('GET', `/api/cases/${x.id}`), check: (r) => assertCase(r.json) },
  {
    name: 'GET /api/cases/{id}/history', kind: 'read', ok: 200,
    setup: async (x) => { assertStatus(await owner().req('PUT', `/api/cases/${x.id}`, { body: { address: 'For history' } }), 200, 'setup edit'); },
    run: (c, x) => c.req('GET', `/api/cases/${x.id}/history`), check: (r) => { assertList(r.json); assert.ok(r.json.items.length > 0); } },
  {
    name: 'GET /api/cases/{id}/documents/{doc}', kind: 'read', ok: 200,
    setup: async (x) => { const r = await upload(owner(), x.id, png, { filename: 'id.png' }); assertStatus(r, 201, 'setup upload'); x.doc = r.json.id; },
    run: (c, x) => download(c, x.id, x.doc),
    check: (r) => { assert.deepEqual(r.bytes, png, 'same bytes'); },
  },
  { name: 'PUT /api/cases/{id}', kind: 'write', ok: 200, run: (c, x) => c.req('PUT', `/api/cases/${x.id}`, { body: { address: 'Changed by role test' } }) },
  {
    name: 'PUT /api/cases/{id}/principal', kind: 'write', ok: 200,
    run: (c, x) => c.req('PUT', `/api/cases/${x.id}/principal`, { body: { given_names: x.case.principal.given_names, family_name: `${x.case.principal.family_name}x`, date_of_birth: x.case.principal.date_of_birth, nationality: 'Sudanese' } }),
  },
  { name: 'POST /api/cases/{id}/dependants', kind: 'write', ok: 201, run: (c, x) => c.req('POST', `/api/cases/${x.id}/dependants`, { body: dependant() }) },
  {
    name: 'PUT /api/cases/{id}/dependants/{pid}', kind: 'write', ok: 200, deps: 1,
    run: (c, x) => c.req('PUT', `/api/cases/${x.id}/dependants/${x.pid}`, { body: dependant({ given_names: 'Edited' }) }),
  },
  { name: 'DELETE /api/cases/{id}/dependants/{pid}', kind: 'write', ok: 200, deps: 1, run: (c, x) => c.req('DELETE', `/api/cases/${x.id}/dependants/${x.pid}`) },
  { name: 'PUT /api/cases/{id}/allocation', kind: 'write', ok: 200, run: (c, x) => c.req('PUT', `/api/cases/${x.id}/allocation`, { body: { caseworker_id: C['nfc.admin'].user.id, team: 'Role Team' } }) },
  { name: 'PUT /api/cases/{id}/immigration', kind: 'immigration', ok: 200, run: (c, x) => c.req('PUT', `/api/cases/${x.id}/immigration`, { body: { status: 'asylum_claim_recorded', leave_expiry: '2027-05-31' } }) },
  {
    name: 'PUT /api/cases/{id}/finance', kind: 'write', ok: 200,
    run: (c, x) => c.req('PUT', `/api/cases/${x.id}/finance`, { body: { support_start_date: '2025-01-06', weekly_subsistence_pence: 5000, accommodation_type: 'hostel', weekly_accommodation_pence: 9000, other_costs: [] } }),
    check: (r) => assert.equal(r.json.status, 'open_supported'),
  },
  {
    name: 'POST /api/cases/{id}/closure', kind: 'write', ok: 200,
    run: (c, x) => c.req('POST', `/api/cases/${x.id}/closure`, { body: { closure_date: dayOffset(0), reason: 'left_area', notes: 'role test' } }),
    check: (r) => assert.equal(r.json.status, 'closed'),
  },
  {
    name: 'DELETE /api/cases/{id}/closure', kind: 'write', ok: 200,
    setup: async (x) => { assertStatus(await owner().req('POST', `/api/cases/${x.id}/closure`, { body: { closure_date: dayOffset(0), reason: 'left_area' } }), 200, 'setup close'); },
    run: (c, x) => c.req('DELETE', `/api/cases/${x.id}/closure`),
    check: (r) => assert.equal(r.json.status, 'open_referral'),
  },
  {
    name: 'POST /api/cases/{id}/documents', kind: 'write', ok: 201,
    run: (c, x) => upload(c, x.id, png, { filename: 'passport.png', contentType: 'image/png' }),
    check: (r) => assertDocument(r.json),
  },
  {
    name: 'DELETE /api/cases/{id}/documents/{doc}', kind: 'write', ok: 200,
    setup: async (x) => { const r = await upload(owner(), x.id, png, { filename: 'id.png' }); assertStatus(r, 201, 'setup upload'); x.doc = r.json.id; },
    run: (c, x) => c.req('DELETE', `/api/cases/${x.id}/documents/${x.doc}`),
    check: (r, x) => assert.ok(!r.json.documents.some((d) => d.id === x.doc), 'document gone'),
  },
];

function expected(kind, side) {
  if (side === 'own') return 'ok';
  if (side === 'other') return 404;
  if (side === 'net') return 403;
  return kind === 'write' ? 403 : 'ok'; // HO
}

for (const e of ENDPOINTS) {
  for (const [label, username, side] of ROLES) {
    const exp = expected(e.kind, side);
    test(`${e.name} as ${label} (${username}) → ${exp === 'ok' ? e.ok : exp}`, async () => {
      const cs = await createCase(owner(), { dependants: e.deps ? [dependant()] : [] });
      const x = { id: cs.id, case: cs, pid: cs.dependants[0]?.id };
      if (e.setup) await e.setup(x);
      x.case = await getCase(owner(), x.id);
      const h0 = (await history(owner(), x.id)).length;
      const r = await e.run(C[username], x);
      if (exp === 'ok') {
        assertStatus(r, e.ok, `${e.name} as ${username}`);
        if (e.check) e.check(r, x);
        else if (e.kind !== 'read') assertCase(r.json);
        if (e.kind !== 'read') {
          const after1 = await getCase(owner(), x.id);
          assert.notDeepEqual(after1, x.case, 'the write changed the case');
        }
      } else {
        assertError(r, exp, exp === 404 ? 'not_found' : 'forbidden', undefined, `${e.name} as ${username}`);
        assert.deepEqual(await getCase(owner(), x.id), x.case, `refused ${e.name} by ${username}: case unchanged`);
        assert.equal((await history(owner(), x.id)).length, h0, `refused ${e.name} by ${username}: no history rows`);
      }
    });
  }
}

test('GET /api/cases (list and search) per role: own council and HO see the case; other council does not; Network 403', async () => {
  const cs = await createCase(owner());
  for (const [label, username, side] of ROLES) {
    const c = C[username];
    if (side === 'net') {
      assertError(await c.req('GET', '/api/cases'), 403, 'forbidden', undefined, `list as ${label}`);
      assertError(await c.req('GET', `/api/cases?${q(cs.connect_id)}`), 403, 'forbidden', undefined, `search as ${label}`);
      continue;
    }
    const r = await c.req('GET', '/api/cases?limit=500');
    assertStatus(r, 200, `list as ${label}`);
    assertList(r.json);
    const byId = await search(c, q(cs.connect_id));
    const byName = await search(c, q(`${cs.principal.given_names} ${cs.principal.family_name}`));
    const seen = side === 'other' ? [] : [cs.id];
    assert.deepEqual(byId.map((s) => s.id), seen, `${label} searching ${cs.connect_id}`);
    assert.deepEqual(byName.map((s) => s.id), seen, `${label} searching the name`);
    assert.equal(r.json.items.some((s) => s.id === cs.id), side !== 'other', `${label} list`);
    if (side === 'other') assert.ok(r.json.items.every((s) => s.council.id === c.user.org.id), `${label} sees only its own council's cases`);
  }
});

test('POST /api/cases per role: councils 201 (their own council), HO user/admin and Network admin 403, nothing created', async () => {
  for (const [label, username, side] of ROLES) {
    const c = C[username];
    const total0 = await caseTotal(C['ho.admin']);
    const body = caseBody();
    const r = await c.req('POST', '/api/cases', { body });
    if (side === 'own' || side === 'other') {
      assertStatus(r, 201, `create as ${label}`);
      assertCase(r.json);
      assert.equal(r.json.council.id, c.user.org.id, `${label}: the case belongs to the creator's council`);
      assert.equal(await caseTotal(C['ho.admin']), total0 + 1);
    } else {
      assertError(r, 403, 'forbidden', undefined, `create as ${label}`);
      assert.equal(await caseTotal(C['ho.admin']), total0, `${label}: nothing created`);
      // The search is spelling-tolerant: a random name may find another a letter or two apart, so
      // what must not be found is this person.
      const full = `${body.principal.given_names} ${body.principal.family_name}`;
      const found = (await search(C['ho.admin'], q(body.principal.family_name))).filter((x) => x.name === full);
      assert.equal(found.length, 0, `${label}: the refused case is not found by its name`);
    }
  }
});

test('unknown case id: 404 for council and HO users', async () => {
  for (const u of ['nfc.user', 'ho.user', 'ho.admin']) {
    assertError(await C[u].req('GET', '/api/cases/98765432'), 404, 'not_found', undefined, u);
    assertError(await C[u].req('PUT', '/api/cases/98765432/immigration', { body: { status: 'unknown' } }), 404, 'not_found', undefined, `${u} immigration`);
  }
});

test('not signed in: 401 on every case endpoint', async () => {
  const cs = await createCase(owner());
  const anon = new Client(stack.base);
  for (const [m, p] of [['GET', '/api/cases'], ['POST', '/api/cases'], ['GET', `/api/cases/${cs.id}`], ['PUT', `/api/cases/${cs.id}`],
    ['GET', `/api/cases/${cs.id}/history`], ['PUT', `/api/cases/${cs.id}/immigration`], ['PUT', `/api/cases/${cs.id}/finance`],
    ['POST', `/api/cases/${cs.id}/closure`], ['POST', `/api/cases/${cs.id}/documents?filename=a.png&person=1`]]) {
    assertError(await anon.req(m, p, { body: m === 'GET' ? undefined : {} }), 401, 'unauthenticated', undefined, `${m} ${p}`);
  }
  assert.deepEqual(await getCase(owner(), cs.id), cs);
});

test('cookie sign-in: case writes need X-Requested-With (403 csrf), and work with it', async () => {
  const c = await signInCookie(stack.base, 'nfc.user');
  const total0 = await caseTotal(C['ho.admin']);
  assertError(await c.req('POST', '/api/cases', { body: caseBody() }), 403, 'csrf', undefined, 'no header');
  assert.equal(await caseTotal(C['ho.admin']), total0);
  const r = await c.req('POST', '/api/cases', { body: caseBody(), headers: { 'x-requested-with': 'connect' } });
  assertStatus(r, 201, 'with header');
  assertError(await c.req('PUT', `/api/cases/${r.json.id}/finance`, { body: { weekly_subsistence_pence: 1 } }), 403, 'csrf', undefined, 'finance without header');
  assert.equal((await getCase(owner(), r.json.id)).finance, null);
});

test('HO never writes finance: user and admin 403 on a supported case too; the page is unchanged', async () => {
  const cs = await createCase(owner());
  assertStatus(await owner().req('PUT', `/api/cases/${cs.id}/finance`, { body: { support_start_date: '2025-01-06', weekly_subsistence_pence: 5000, other_costs: [] } }), 200);
  const before1 = await getCase(owner(), cs.id);
  for (const u of ['ho.user', 'ho.admin']) {
    assertError(await C[u].req('PUT', `/api/cases/${cs.id}/finance`, { body: { support_start_date: '2025-01-06', weekly_subsistence_pence: 1, other_costs: [] } }), 403, 'forbidden', undefined, u);
    const seen = await getCase(C[u], cs.id);
    assert.deepEqual(seen.finance, before1.finance, `${u} reads the finance page`);
  }
  assert.deepEqual(await getCase(owner(), cs.id), before1);
});

test('HO edits the immigration page of any council\'s case; the council sees the change', async () => {
  const ebc = await createCase(C['ebc.user']);
  const r = await C['ho.admin'].req('PUT', `/api/cases/${ebc.id}/immigration`, { body: { status: 'pending_euss', outstanding_application: true, application_type: 'EUSS', application_date: '2025-03-03' } });
  assertStatus(r, 200, 'HO admin on an EBC case');
  assert.equal(r.json.immigration.status, 'pending_euss');
  const seen = await getCase(C['ebc.user'], ebc.id);
  assert.equal(seen.immigration.status, 'pending_euss');
  assert.deepEqual(seen.immigration.updated_by, { id: C['ho.admin'].user.id, name: C['ho.admin'].user.name });
  assertError(await C['nfc.user'].req('PUT', `/api/cases/${ebc.id}/immigration`, { body: { status: 'unknown' } }), 404, 'not_found', undefined, 'NFC on an EBC case');
  assert.equal((await getCase(C['ebc.user'], ebc.id)).immigration.status, 'pending_euss');
});
