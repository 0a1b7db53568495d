// Destroying a transferred case (fcgi/API.md "Retention and destruction": what survives): the sender's
// report for the period it held the case still counts it (its frozen row, now anonymous), and nothing
// names the case's Connect ID any more: not GET /api/transfers for either council, not the reports,
// and `connectctl check` proves it, before and after `connectctl facts rebuild`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertStatus } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { actor, setNow } from '../lib/alerts.mjs';
import { getReport } from '../lib/reports.mjs';

let stack; let nfc; let nfcAdmin; let ebcAdmin;
before(async () => {
  stack = await startStack({ clock: true });
  nfc = await actor(stack.base, 'nfc.user');
  nfcAdmin = await actor(stack.base, 'nfc.admin');
  ebcAdmin = await actor(stack.base, 'ebc.admin');
});
after(async () => { await stack?.stop(); });

const ctl = (...args) => {
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, ...args],
    { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
  assert.equal(r.status, 0, `connectctl ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

/** Whether CSV text holds `id` as a whole field (C13 must not match C130). */
const hasField = (text, id) => new RegExp(`(^|[,\\n"])${id}([,\\r\\n"]|$)`).test(text);

test('a transferred case destroyed: the sender still counts it, nothing names it', async () => {
  // Ten years ago: referred to NFC and supported, moved to EBC, closed by EBC.
  const y = new Date().getUTCFullYear() - 10;
  setNow(stack, `${y}-03-02T10:00:00Z`);
  const c = await createCase(nfc);
  assertStatus(await nfc.req('PUT', `/api/cases/${c.id}/finance`, { body: {
    support_start_date: `${y}-03-02`, weekly_subsistence_pence: 7000, accommodation_type: 'none', weekly_accommodation_pence: 0,
    other_costs: [{ description: 'Cooker', amount_pence: 5000, date: `${y}-03-05` }] } }), 200, 'finance');
  const asked = await nfc.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebcAdmin.user.org.id } });
  assertStatus(asked, 201, 'ask');
  setNow(stack, `${y}-03-16T10:00:00Z`);
  assertStatus(await ebcAdmin.req('POST', `/api/transfers/${asked.json.id}/accept`, { body: {} }), 200, 'accept');
  setNow(stack, `${y}-03-21T10:00:00Z`);
  assertStatus(await ebcAdmin.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: `${y}-03-20`, reason: 'left_area' } }), 200, 'close');
  setNow(stack, new Date().toISOString());
  const finance = async () => {
    const r = await getReport(nfcAdmin, `/api/reports/finance?from=${y}-03-01&to=${y}-03-31&format=csv`);
    assert.equal(r.status, 200, r.text);
    return r.text;
  };
  const before_ = await finance();
  assert.ok(hasField(before_, c.connect_id), 'the sender lists the case before');
  assert.ok(before_.includes('50.00'), 'with its cost');

  ctl('retention', 'run');
  const d = (await ebcAdmin.req('GET', '/api/destructions')).json.items.find((x) => x.connect_id === c.connect_id);
  assert.ok(d, 'destroyed');
  for (let round = 0; round < 2; round++) {
    const after_ = await finance();
    assert.ok(!hasField(after_, c.connect_id), 'no Connect ID in the report');
    assert.ok(after_.includes('50.00'), 'the sender still counts its cost');
    assert.equal(after_.split('\n').length, before_.split('\n').length, 'same rows');
    for (const who of [nfc, ebcAdmin]) {
      const t = await who.req('GET', '/api/transfers');
      assertStatus(t, 200, 'transfers');
      const mine = t.json.items.find((x) => x.id === asked.json.id);
      assert.ok(mine, 'the transfer is still listed');
      assert.equal(mine.connect_id, null);
      assert.equal(mine.principal, null);
      assert.ok(!JSON.stringify(t.json).includes(`"${c.connect_id}"`));
    }
    const out = ctl('check');
    assert.ok(!new RegExp(`\\b${c.connect_id}\\b`).test(out), out);
    ctl('facts', 'rebuild');
  }
});
