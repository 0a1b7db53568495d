// The sending council's reports keep its past figures after a transfer (fcgi/API.md "Transfers", "What
// each council's reports count"): a supported case with costs in NFC, transferred to EBC mid-month.
// NFC's finance and referral reports still hold it for the days before the transfer, with the support
// and costs of those days; EBC's hold it from the transfer day on (costs from then, no referral); the
// two councils' figures add up to the case's whole cost; the performance report's referrals stay NFC's;
// `connectctl check` is clean, and so is it after `connectctl facts rebuild`, with the same figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { actor, setNow } from '../lib/alerts.mjs';
import { getReport, parseCsv } from '../lib/reports.mjs';

let stack; let nfc; let nfcAdmin; let ebcAdmin;
before(async () => {
  stack = await startStack({ clock: true });
  nfc = await actor(stack.base, 'nfc.user');
  nfcAdmin = await actor(stack.base, 'nfc.admin');
  ebcAdmin = await actor(stack.base, 'ebc.admin');
});
after(async () => { await stack?.stop(); });

const ctl = (...args) => {
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `connectctl ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

/** The CSV rows of a report for one Connect ID, as objects by column name. */
async function rowsOf(client, kind, from, to, connectId) {
  const r = await getReport(client, `/api/reports/${kind}?from=${from}&to=${to}&format=csv`);
  assert.equal(r.status, 200, `${kind} ${from}..${to}: ${r.text}`);
  const { rows } = parseCsv(r.bytes, kind);
  const head = rows[0];
  return rows.slice(1).filter((row) => row[0] === connectId)
    .map((row) => Object.fromEntries(head.map((h, i) => [h, row[i]])));
}
const perf = async (client, from, to) => {
  const r = await client.req('GET', `/api/reports/performance?from=${from}&to=${to}`);
  assertStatus(r, 200, 'performance');
  return r.json.figures;
};

test('a case transferred mid-month: each council reports its own days, and they add up', async () => {
  // Referred to NFC on 2026-11-02, supported from that day at £70 a week (£10 a day) with a £50 cost
  // on 2026-11-05; EBC accepts the transfer on Monday 2026-11-16 and adds a £30 cost on 2026-11-18.
  setNow(stack, '2026-11-02T10:00:00Z');
  const c = await createCase(nfc);
  assertStatus(await nfc.req('PUT', `/api/cases/${c.id}/finance`, { body: {
    support_start_date: '2026-11-02', weekly_subsistence_pence: 7000, accommodation_type: 'none', weekly_accommodation_pence: 0,
    other_costs: [{ description: 'Cooker', amount_pence: 5000, date: '2026-11-05' }] } }), 200, 'finance');
  setNow(stack, '2026-11-10T10:00:00Z');
  const asked = await nfc.req('POST', `/api/cases/${c.id}/transfer`, { body: { council: ebcAdmin.user.org.id } });
  assertStatus(asked, 201, 'ask');
  setNow(stack, '2026-11-16T10:00:00Z');
  // The performance figures of the days before the transfer, read once those days are past.
  const nfcPerfBefore = await perf(nfcAdmin, '2026-11-01', '2026-11-15');
  const ebcPerfBefore = await perf(ebcAdmin, '2026-11-01', '2026-11-15');
  assertStatus(await ebcAdmin.req('POST', `/api/transfers/${asked.json.id}/accept`, { body: {} }), 200, 'accept');
  setNow(stack, '2026-11-20T10:00:00Z');
  const fin = (await ebcAdmin.req('GET', `/api/cases/${c.id}`)).json.finance;
  assertStatus(await ebcAdmin.req('PUT', `/api/cases/${c.id}/finance`, { body: {
    support_start_date: fin.support_start_date, weekly_subsistence_pence: 7000, accommodation_type: 'none', weekly_accommodation_pence: 0,
    other_costs: [{ description: 'Cooker', amount_pence: 5000, date: '2026-11-05' }, { description: 'Bedding', amount_pence: 3000, date: '2026-11-18' }] } }),
  200, 'receiver adds a cost');
  setNow(stack, '2026-11-30T12:00:00Z');
  ctl('check');

  const expectFigures = async (when) => {
    // The month: NFC has 2..15 November (14 days, £140) and the £50 cost; EBC 16..30 (15 days, £150)
    // and the £30 cost. Together: 29 days and both costs, the case's whole cost (£370).
    const [n] = await rowsOf(nfcAdmin, 'finance', '2026-11-01', '2026-11-30', c.connect_id);
    const [e] = await rowsOf(ebcAdmin, 'finance', '2026-11-01', '2026-11-30', c.connect_id);
    assert.ok(n, `${when}: NFC's finance report keeps the case`);
    assert.ok(e, `${when}: EBC's finance report has the case`);
    assert.deepEqual([n['Support start'], n['Support end'], n['Days in period'], n['Subsistence in period'], n['Other costs in period'],
      n['Total in period'], n['Total cost to date']], ['2026-11-02', '2026-11-15', '14', '140.00', '50.00', '190.00', '190.00'], `${when}: NFC`);
    assert.deepEqual([e['Support start'], e['Support end'], e['Days in period'], e['Subsistence in period'], e['Other costs in period'],
      e['Total in period'], e['Total cost to date']], ['2026-11-16', '', '15', '150.00', '30.00', '180.00', '180.00'], `${when}: EBC`);
    assert.equal(Number(n['Total in period']) + Number(e['Total in period']), 29 * 10 + 50 + 30, `${when}: the councils add up to the case's cost`);
    // Before the transfer: NFC alone, the same as it was; EBC has nothing.
    const [nb] = await rowsOf(nfcAdmin, 'finance', '2026-11-01', '2026-11-15', c.connect_id);
    assert.equal(nb?.['Total in period'], '190.00', `${when}: NFC before the transfer`);
    assert.equal((await rowsOf(ebcAdmin, 'finance', '2026-11-01', '2026-11-15', c.connect_id)).length, 0, `${when}: EBC before`);
    // After: EBC alone.
    assert.equal((await rowsOf(nfcAdmin, 'finance', '2026-11-16', '2026-11-30', c.connect_id)).length, 0, `${when}: NFC after`);
    // The referral is NFC's, for any period; EBC's referral report never lists the case.
    assert.equal((await rowsOf(nfcAdmin, 'referrals', '2026-11-01', '2026-11-30', c.connect_id)).length, 1, `${when}: NFC referral`);
    assert.equal((await rowsOf(ebcAdmin, 'referrals', '2026-11-01', '2026-11-30', c.connect_id)).length, 0, `${when}: no EBC referral`);
    // Performance: neither council's figures for the days before the transfer changed (NFC keeps the
    // referral, the open case and its spend; EBC gains none of them).
    assert.deepEqual(await perf(nfcAdmin, '2026-11-01', '2026-11-15'), nfcPerfBefore, `${when}: NFC performance before the transfer`);
    assert.deepEqual(await perf(ebcAdmin, '2026-11-01', '2026-11-15'), ebcPerfBefore, `${when}: EBC performance before the transfer`);
    // The resolution report: NFC for the month lists it as transferred, EBC as open.
    const [rn] = await rowsOf(nfcAdmin, 'resolution', '2026-11-01', '2026-11-30', c.connect_id);
    assert.equal(rn?.Status, 'Transferred to another council', `${when}: NFC resolution`);
    assert.equal((await rowsOf(ebcAdmin, 'resolution', '2026-11-01', '2026-11-30', c.connect_id)).length, 1, `${when}: EBC resolution`);
  };
  await expectFigures('after the transfer');
  ctl('facts', 'rebuild');
  ctl('check');
  await expectFigures('after facts rebuild');
  // The receiver cannot date a closure back into the sender's time: no report would count it.
  const back = await ebcAdmin.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2026-11-13', reason: 'left_area' } });
  assertError(back, 422, 'validation_failed', 'closure_date', 'a closure before the transfer day');
  assert.match(back.json.error.message, /transferred/);
  assertStatus(await ebcAdmin.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2026-11-16', reason: 'left_area' } }), 200, 'a closure on the transfer day');
});
