// The monthly monitoring report of disclosure requests (fcgi/API.md "Disclosure monitoring report"),
// checked cell by cell in JSON, CSV and xlsx: per pair of organisations, the requests sent in the month,
// the provider's first decisions, reviews, answers within the agreed working days and the median
// working days; for the admins of the two organisations only; marked OFFICIAL-SENSITIVE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus } from '../lib/http.mjs';
import { actor, setNow } from '../lib/alerts.mjs';
import { assertDownload, assertSheetLayout, dumpXlsx, getReport } from '../lib/reports.mjs';

let stack; let ho; let hoAdmin; let dwp; let dwpManager; let dwpAdmin;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2027-02-01T10:00:00Z');
  ho = await actor(stack.base, 'ho.user');
  hoAdmin = await actor(stack.base, 'ho.admin');
  dwp = await actor(stack.base, 'dwp.user');
  dwpManager = await actor(stack.base, 'dwp.manager');
  dwpAdmin = await actor(stack.base, 'dwp.admin');
});
after(async () => { await stack?.stop(); });

async function send(requester, signer, providingOrg) {
  const body = {
    providing_org: providingOrg,
    subject: { kind: 'person', person: { given_names: 'Test', family_name: 'Person' } },
    information_sought: 'Status.', legal_basis: 'consent', reasons: 'Asked by the person.', other_enquiries: 'None.',
  };
  const d = await requester.req('POST', '/api/disclosures', { body });
  assertStatus(d, 201);
  assertStatus(await requester.req('POST', `/api/disclosures/${d.json.id}/submit`, {}), 200);
  assertStatus(await signer.req('POST', `/api/disclosures/${d.json.id}/countersign`, {}), 200);
  return d.json.id;
}
async function act(client, iso, id, what, body) {
  setNow(stack, iso);
  const r = await client.req('POST', `/api/disclosures/${id}/${what}`, { body });
  assertStatus(r, 200, `${what} ${id} at ${iso}`);
}

const HEADER = ['Requesting organisation', 'Providing organisation', 'Received', 'Returned', 'Refused', 'Disclosed',
  'Reviewed', 'Within time', 'Median working days'];

test('February 2027, cell by cell', async () => {
  const dwpOrg = dwp.user.org.id; const hoOrg = ho.user.org.id;
  setNow(stack, '2027-02-01T10:00:00Z');
  const a = await send(ho, hoAdmin, dwpOrg);
  const b = await send(ho, hoAdmin, dwpOrg);
  const c = await send(ho, hoAdmin, dwpOrg);
  const d = await send(dwp, dwpManager, hoOrg);
  await act(dwpManager, '2027-02-03T10:00:00Z', a, 'disclose', { message: 'Answer.' }); // 2 working days
  await act(dwpManager, '2027-02-08T10:00:00Z', b, 'refuse', { reasons: 'No.' }); // 5
  await act(ho, '2027-02-09T10:00:00Z', b, 'review', { information: 'More.' });
  await act(dwpAdmin, '2027-02-10T10:00:00Z', b, 'disclose', { message: 'On review.' });
  await act(hoAdmin, '2027-02-02T10:00:00Z', d, 'refuse', { reasons: 'No record.' }); // 1
  setNow(stack, '2027-02-15T10:00:00Z');
  await send(ho, hoAdmin, dwpOrg); // received, not yet answered
  await act(dwpManager, '2027-03-05T10:00:00Z', c, 'return', { reason: 'Incomplete.' }); // 24: late (due 1 March)
  setNow(stack, '2027-03-01T10:00:00Z');
  await send(ho, hoAdmin, dwpOrg); // March: not in February's report
  setNow(stack, '2027-03-08T10:00:00Z');

  const want = [
    { requesting_org: { id: hoOrg, name: 'Home Office' }, providing_org: { id: dwpOrg, name: 'DWP Case Management Group' },
      received: 4, returned: 1, refused: 1, disclosed: 1, reviewed: 1, within_time: 2, median_working_days: 5 },
    { requesting_org: { id: dwpOrg, name: 'DWP Case Management Group' }, providing_org: { id: hoOrg, name: 'Home Office' },
      received: 1, returned: 0, refused: 1, disclosed: 0, reviewed: 0, within_time: 1, median_working_days: 1 },
  ];
  for (const admin of [hoAdmin, dwpAdmin]) {
    const r = await admin.req('GET', '/api/reports/disclosures?month=2027-02');
    assertStatus(r, 200, 'json');
    assert.equal(r.json.marking, 'OFFICIAL-SENSITIVE');
    assert.equal(r.json.month, '2027-02');
    assert.deepEqual(r.json.rows, want, `${admin.username} rows`);
  }
  const cells = [
    ['Home Office', 'DWP Case Management Group', 4, 1, 1, 1, 1, 2, 5],
    ['DWP Case Management Group', 'Home Office', 1, 0, 1, 0, 0, 1, 1],
  ];
  const x = await getReport(hoAdmin, '/api/reports/disclosures?month=2027-02&format=xlsx');
  assertDownload(x, 'connect-disclosures-2027-02.xlsx', 'xlsx');
  assert.equal(x.headers.get('x-protective-marking'), 'OFFICIAL-SENSITIVE');
  const ws = dumpXlsx(x.bytes).sheets[0];
  assertSheetLayout(ws, 'Disclosures', HEADER, 'xlsx');
  assert.deepEqual(ws.rows.slice(1), [['OFFICIAL-SENSITIVE', null, null, null, null, null, null, null, null], ...cells]);
  const csv = await getReport(dwpAdmin, '/api/reports/disclosures?month=2027-02&format=csv');
  assertDownload(csv, 'connect-disclosures-2027-02.csv', 'csv');
  const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.deepEqual(lines, [HEADER.join(','), 'OFFICIAL-SENSITIVE,,,,,,,,',
    'Home Office,DWP Case Management Group,4,1,1,1,1,2,5.0', 'DWP Case Management Group,Home Office,1,0,1,0,0,1,1.0']);

  // The SLA report gains the requests the Home Office answered as the provider.
  const sla = await hoAdmin.req('GET', '/api/reports/sla?from=2027-01-01&to=2027-03-31');
  assertStatus(sla, 200, 'sla');
  assert.deepEqual(sla.json.rows.filter((x) => x.type === 'disclosure_request'), [{ quarter: '2027-Q1', type: 'disclosure_request',
    answered_by: 'ho', count: 1, within: 1, percent_within: 100, median_days: 1, p90_days: 1 }]);

  // A month with nothing: no rows. Bad month: 422. Not an admin: 403.
  assert.deepEqual((await hoAdmin.req('GET', '/api/reports/disclosures?month=2027-01')).json.rows, []);
  assertError(await hoAdmin.req('GET', '/api/reports/disclosures?month=2027-13'), 422, 'validation_failed', 'month');
  assertError(await hoAdmin.req('GET', '/api/reports/disclosures'), 422, 'validation_failed', 'month');
  assertError(await ho.req('GET', '/api/reports/disclosures?month=2027-02'), 403, 'forbidden');
  assertError(await dwp.req('GET', '/api/reports/disclosures?month=2027-02'), 403, 'forbidden');
});
