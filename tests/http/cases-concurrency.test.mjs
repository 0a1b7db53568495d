// Connect IDs are sequential and unique under concurrent creation: 40 creates at once (several users,
// two councils, separate connections) → 40 distinct, consecutive ids, each "C<id>", all readable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertStatus, signIn } from '../lib/http.mjs';
import { assertCase, caseBody, caseTotal, createCase, getCase, person, q, search } from '../lib/cases.mjs';

let stack; let users;
before(async () => {
  stack = await startStack();
  users = await Promise.all(['nfc.user', 'nfc.admin', 'ebc.user', 'ebc.admin'].map((u) => signIn(stack.base, u)));
});
after(async () => { await stack?.stop(); });

test('40 concurrent creates → 40 distinct, consecutive connect_ids; the next create takes the next id', async () => {
  const ho = await signIn(stack.base, 'ho.admin');
  const total0 = await caseTotal(ho);
  const bodies = Array.from({ length: 40 }, (_, i) => caseBody({ principal: person({ given_names: `Conc${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}` }) }));
  const rs = await Promise.all(bodies.map((b, i) => users[i % users.length].req('POST', '/api/cases', { body: b })));
  rs.forEach((r, i) => assertStatus(r, 201, `create ${i}`));
  rs.forEach((r) => assertCase(r.json));
  const ids = rs.map((r) => r.json.id).sort((a, b) => a - b);
  assert.equal(new Set(ids).size, 40, `40 distinct ids: ${ids}`);
  assert.equal(ids[39] - ids[0], 39, `consecutive: ${ids}`);
  for (const r of rs) assert.equal(r.json.connect_id, `C${r.json.id}`);
  assert.equal(new Set(rs.map((r) => r.json.connect_id)).size, 40, 'distinct connect_ids');
  rs.forEach((r, i) => {
    assert.equal(r.json.principal.family_name, bodies[i].principal.family_name, 'each answer is the case that request created');
    assert.equal(r.json.council.id, users[i % users.length].user.org.id);
  });
  assert.equal(await caseTotal(ho), total0 + 40, 'exactly 40 more cases');
  for (const r of rs) {
    const c = await getCase(ho, r.json.id);
    assert.deepEqual(c, r.json, `GET ${r.json.connect_id} equals the create answer`);
  }
  const next = await createCase(users[0]);
  assert.equal(next.id, ids[39] + 1, 'the next id follows');
  // every case is in the search index exactly once
  for (const r of rs.slice(0, 10)) {
    const found = await search(ho, q(r.json.connect_id));
    assert.deepEqual(found.map((s) => s.id), [r.json.id]);
  }
});

test('concurrent edits of one case: every answer is 200 and the final case holds one of them; history has every change', async () => {
  const c = await createCase(users[0]);
  const addrs = Array.from({ length: 16 }, (_, i) => `Address ${i}`);
  const rs = await Promise.all(addrs.map((a, i) => users[i % 2].req('PUT', `/api/cases/${c.id}`, { body: { address: a } })));
  rs.forEach((r, i) => assertStatus(r, 200, `edit ${i}`));
  const final = await getCase(users[0], c.id);
  assert.ok(addrs.includes(final.address));
  const h = await users[0].req('GET', `/api/cases/${c.id}/history?limit=500`);
  assertStatus(h, 200);
  const rows = h.json.items.filter((x) => x.field === 'address' && addrs.includes(x.new));
  assert.equal(rows.length, 16, 'one address row per edit');
  assert.equal(rows[0].new, final.address, 'the newest row is the final value');
});

test('concurrent dependant additions: all kept, person ids distinct', async () => {
  const c = await createCase(users[0]);
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => users[i % 2].req('POST', `/api/cases/${c.id}/dependants`,
    { body: person({ relationship: 'child', given_names: `Kid${String.fromCharCode(97 + i)}` }) })));
  rs.forEach((r, i) => assertStatus(r, 201, `add ${i}`));
  const final = await getCase(users[0], c.id);
  assert.equal(final.dependants.length, 12, 'no lost update');
  assert.equal(new Set(final.dependants.map((d) => d.id)).size, 12);
});
