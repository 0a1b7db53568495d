// Alerts and queries email the case's allocated caseworker, through the outbox and the real sender, to a
// real SMTP relay on loopback: an immigration update and a closure required alert raised by the HO, and a
// new HO query, each arrive at the caseworker naming the Connect ID and the kind of item and nobody's
// name; council-side changes that go to the HO, and cases without a caseworker, email nobody.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, Client } from '../lib/stack.mjs';
import { assertStatus } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { offsetFor, freePort, waitFor, startRelay, received, sleep } from '../lib/smtp.mjs';

const mailDir = mkdtempSync(join(tmpdir(), 'connect-mail-'));
let relay; let stack; let council; let ho; let me;

before(async () => {
  const port = await freePort();
  relay = await startRelay(port, mailDir);
  // Wednesday 2 December 2026, 10:00 UK: a working day, in working hours.
  stack = await startStack({ clock: offsetFor('2026-12-02T10:00:00Z'), env: { CONNECT_SMTP_URL: `smtp://127.0.0.1:${port}`, CONNECT_PUBLIC_URL: 'https://connect.example.test' } });
  council = new Client(stack.base); await council.login('nfc.user');
  ho = new Client(stack.base); await ho.login('ho.user');
  me = (await council.req('GET', '/api/me')).json;
});
after(async () => {
  await stack?.stop();
  await relay?.stop();
  rmSync(mailDir, { recursive: true, force: true });
});

const about = (c) => received(mailDir).filter((m) => m.body.includes(c.connect_id + ' '));

test('an HO immigration update and closure required on my case each email me, without personal data', async () => {
  const c = await createCase(council, { caseworker_id: me.id });
  assertStatus(await ho.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'ltr_recourse', recourse_to_public_funds: true } }), 200, 'HO update');
  const mails = await waitFor(() => { const m = about(c); return m.length >= 2 && m; }, 'two emails');
  for (const m of mails) {
    assert.deepEqual(m.rcpt_tos, ['nfc.user@example.test']);
    assert.match(m.headers.subject, new RegExp(`on case ${c.connect_id}$`));
    assert.ok(m.body.includes(`https://connect.example.test/#/cases/${c.id}`), m.body);
    for (const personal of [c.principal.given_names, c.principal.family_name, c.principal.date_of_birth, c.principal.nationality]) {
      assert.ok(!m.data.includes(personal), `no personal data in the email: ${personal}`);
    }
  }
  const subjects = mails.map((m) => m.headers.subject).sort();
  assert.deepEqual(subjects, [`Connect: A closure required alert on case ${c.connect_id}`,
    `Connect: An immigration update from the Home Office on case ${c.connect_id}`].sort());
});

test('a new HO query and an HO reply each email the caseworker; the council\'s own messages do not', async () => {
  const c = await createCase(council, { caseworker_id: me.id });
  const q = await ho.req('POST', `/api/cases/${c.id}/queries`, { body: { category: 'status_discrepancy', message: 'Please check the passport.' } });
  assertStatus(q, 201, 'HO query');
  await waitFor(() => about(c).some((m) => m.headers.subject === `Connect: A new query from the Home Office on case ${c.connect_id}`), 'the query email');
  assertStatus(await council.req('POST', `/api/queries/${q.json.id}/messages`, { body: { message: 'Checked: it matches.' } }), 201, 'council reply');
  assertStatus(await ho.req('POST', `/api/queries/${q.json.id}/messages`, { body: { message: 'Thank you.' } }), 201, 'HO reply');
  await waitFor(() => about(c).some((m) => m.headers.subject === `Connect: A reply from the Home Office on a query on case ${c.connect_id}`), 'the reply email');
  await sleep(1500); // the sender polls every second: anything else queued would have gone by now
  assert.equal(about(c).length, 2, 'only the HO side\'s messages email the council');
  assert.ok(about(c).every((m) => !m.data.includes('Please check the passport') && !m.data.includes('Thank you')), 'message text is not in the email');
});

test('nobody is emailed for an unallocated case, or for alerts that go to the HO', async () => {
  const c = await createCase(council); // no caseworker
  assertStatus(await ho.req('PUT', `/api/cases/${c.id}/immigration`, { body: { status: 'asylum_claim_recorded' } }), 200, 'HO update');
  const mine = await createCase(council, { caseworker_id: me.id });
  assertStatus(await council.req('POST', `/api/cases/${mine.id}/closure`, { body: { closure_date: '2026-12-02', reason: 'left_area' } }), 200, 'close');
  await sleep(2500);
  assert.deepEqual(about(c), [], 'unallocated: no email');
  assert.deepEqual(about(mine), [], 'new case and case closed alerts go to the HO: no email to the council');
});
