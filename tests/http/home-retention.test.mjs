// The council admin's home counter "retention_due" (API.md "Home page"): the council's closed cases due
// for destruction within 90 days, held or not — the number GET /api/retention/due lists by default —
// for admins only, council-wide even with mine=1; a case whose date is further away, or reopened, is
// not counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertStatus, signIn } from '../lib/http.mjs';
import { createCaseAt } from '../lib/cases.mjs';

let stack; let nfcUser; let nfcAdmin; let ebcAdmin; let hoAdmin;
const ymd = (d) => d.toISOString().slice(0, 10);
/** The date `years` years and `days` days before today (UTC). */
function yearsAgo(years, days) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - days);
  return ymd(d);
}

before(async () => {
  stack = await startStack({ clock: true });
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcAdmin = await signIn(stack.base, 'ebc.admin');
  hoAdmin = await signIn(stack.base, 'ho.admin');
});
after(async () => { await stack?.stop(); });

async function home(client, mine = false) {
  const r = await client.req('GET', `/api/home${mine ? '?mine=1' : ''}`);
  assertStatus(r, 200, 'home');
  return r.json.counters;
}
async function dueCount(client) {
  const r = await client.req('GET', '/api/retention/due');
  assertStatus(r, 200, 'retention due');
  return r.json.items.length;
}
async function closedOn(closureDate) {
  const c = await createCaseAt(stack, 'nfc.user', `${yearsAgo(8, 0)}T12:00:00Z`);
  assertStatus(await nfcUser.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: closureDate, reason: 'left_area' } }), 200, 'close');
  return c;
}

test('retention_due: council admins only, = the due list, held cases counted, reopened ones not', async () => {
  assert.ok(!('retention_due' in await home(nfcUser)), 'a council user has no retention_due');
  assert.ok(!('retention_due' in await home(hoAdmin)), 'the Home Office has no retention_due');
  const base = (await home(nfcAdmin)).retention_due;
  assert.ok(Number.isInteger(base), `a council admin has retention_due: ${base}`);
  assert.equal(base, await dueCount(nfcAdmin), 'the counter = the items of the default due list');
  const ebcBase = (await home(ebcAdmin)).retention_due;

  const soon = await closedOn(yearsAgo(6, -30)); // due in about 30 days
  const later = await closedOn(yearsAgo(6, -120)); // due in about 120 days: outside the window
  assert.equal((await home(nfcAdmin)).retention_due, base + 1, 'the case due within 90 days is counted, the later one not');
  assert.equal((await home(nfcAdmin, true)).retention_due, base + 1, 'mine=1 does not narrow it: retention is the council\'s');
  assert.equal((await home(ebcAdmin)).retention_due, ebcBase, 'another council\'s count is unchanged');
  assert.equal((await home(nfcAdmin)).retention_due, await dueCount(nfcAdmin), 'still = the due list');

  assertStatus(await nfcAdmin.req('PUT', `/api/cases/${soon.id}/legal-hold`, { body: { reason: 'Litigation' } }), 200, 'hold');
  assert.equal((await home(nfcAdmin)).retention_due, base + 1, 'a held case is still listed and counted');
  assertStatus(await nfcAdmin.req('DELETE', `/api/cases/${soon.id}/legal-hold`), 200, 'lift');

  // A shorter policy brings the later case into the window; the default puts it back out.
  const pol = await nfcAdmin.req('GET', '/api/retention');
  assertStatus(pol, 200, 'policy');
  try {
    assertStatus(await nfcAdmin.req('PUT', '/api/retention', { body: { years: 5 } }), 200, 'policy 5');
    const five = (await home(nfcAdmin)).retention_due;
    assert.ok(five >= base + 2, `both cases are due under 5 years: ${five}`);
    assert.equal(five, await dueCount(nfcAdmin), 'still = the due list');
  } finally {
    assertStatus(await nfcAdmin.req('PUT', '/api/retention', { body: { years: pol.json.years } }), 200, 'policy back');
  }

  assertStatus(await nfcUser.req('DELETE', `/api/cases/${soon.id}/closure`), 200, 'reopen');
  assert.equal((await home(nfcAdmin)).retention_due, base, 'a reopened case has no date');
  assert.ok(later.id);
});
