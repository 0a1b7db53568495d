// Disclosure requests between agencies (fcgi/API.md "Disclosure requests"): a request walks from draft
// to countersignature to disclosure to destruction (by the daily run once its keep-until has passed),
// and each refusal path: no countersignature no sending, the requester or a countersigner below EO or
// not marked cannot countersign, a reviewer not senior to the decider cannot review; returns and
// refusals; due today and overdue on the test clock; every read of disclosed data audited and in the
// person's subject access export; emails name the request number only, marked OFFICIAL-SENSITIVE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { assertError, assertStatus, createActiveUser } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { actor, addDays, addWorkingDays, setNow } from '../lib/alerts.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
let stack; let ho; let hoAdmin; let dwp; let dwpManager; let dwpAdmin; let nfc; let nfcAdmin;

before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  ho = await actor(stack.base, 'ho.user');
  hoAdmin = await actor(stack.base, 'ho.admin');
  dwp = await actor(stack.base, 'dwp.user');
  dwpManager = await actor(stack.base, 'dwp.manager');
  dwpAdmin = await actor(stack.base, 'dwp.admin');
  nfc = await actor(stack.base, 'nfc.user');
  nfcAdmin = await actor(stack.base, 'nfc.admin');
});
after(async () => { await stack?.stop(); });

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
const dwpOrg = () => dwp.user.org.id;
const hoOrg = () => ho.user.org.id;

function template(over = {}) {
  return {
    providing_org: dwpOrg(),
    subject: { kind: 'person', person: { given_names: 'Amina', family_name: 'Yusuf', date_of_birth: '1990-02-03' } },
    information_sought: 'Benefits claimed since 2024 and the address held.',
    legal_basis: 'immigration_s20',
    reasons: 'The person has applied for leave; the decision turns on how they have been supported.',
    other_enquiries: 'Our own records and the applicant\'s declarations.',
    ...over,
  };
}

async function draft(client, over = {}) {
  const r = await client.req('POST', '/api/disclosures', { body: template(over) });
  assertStatus(r, 201, 'create request');
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.marking, 'OFFICIAL-SENSITIVE');
  assert.match(r.json.number, /^DR-\d+$/);
  return r.json;
}
async function step(client, id, what, body, status = 200) {
  const r = await client.req('POST', `/api/disclosures/${id}/${what}`, body === undefined ? {} : { body });
  assertStatus(r, status, `${what} ${id}`);
  return r.json;
}
async function sent(client = ho, signer = hoAdmin, over = {}) {
  const d = await draft(client, over);
  await step(client, d.id, 'submit');
  return step(signer, d.id, 'countersign');
}
async function outbox() {
  const r = spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, 'outbox', 'list'], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

test('draft → countersign → disclosure → destruction by the daily run, every read audited', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const c = await createCase(nfc);
  const person = c.principal.id;
  const d = await draft(ho, { subject: { kind: 'person', person: { case_id: c.id, person_id: person, given_names: c.principal.given_names, family_name: c.principal.family_name } } });
  assert.equal(d.case_id, c.id);
  assert.equal(d.requester.id, ho.user.id);
  assert.equal(d.requester_grade, 'EO');
  assert.equal(d.direction, 'outgoing');

  // Not sent yet: the provider does not know it exists.
  assertError(await dwpManager.req('GET', `/api/disclosures/${d.id}`), 404, 'not_found');
  assertError(await dwpManager.req('POST', `/api/disclosures/${d.id}/disclose`, { body: { message: 'x' } }), 404, 'not_found');
  const submitted = await step(ho, d.id, 'submit');
  assert.equal(submitted.status, 'awaiting_countersign');
  assertError(await dwpManager.req('GET', `/api/disclosures/${d.id}`), 404, 'not_found');
  const mails = await outbox();
  assert.ok(mails.includes(`OFFICIAL-SENSITIVE: Connect disclosure request ${d.number}`), `countersigners emailed: ${mails}`);
  assert.ok(!mails.includes(c.principal.family_name), 'no personal data in email');

  const signed = await step(hoAdmin, d.id, 'countersign');
  assert.equal(signed.status, 'sent');
  assert.equal(signed.countersigned_by.id, hoAdmin.user.id);
  assert.equal(signed.countersigner_grade, 'G7');
  assert.equal(signed.sent_on, '2026-12-02');
  assert.equal(signed.due, addWorkingDays('2026-12-02', 20));

  const inbox = await dwpManager.req('GET', '/api/disclosures?box=incoming');
  assertStatus(inbox, 200);
  assert.ok(inbox.json.items.some((x) => x.id === d.id && x.direction === 'incoming'));

  // An attachment is type-checked like a case document.
  const bad = await dwpManager.req('POST', `/api/disclosures/${d.id}/attachments?filename=notes.txt`, { raw: Buffer.from('just text'), headers: { 'content-type': 'application/octet-stream' } });
  assertError(bad, 422, 'validation_failed', 'file');
  const att = await dwpManager.req('POST', `/api/disclosures/${d.id}/attachments?filename=claims.pdf`, { raw: PDF, headers: { 'content-type': 'application/pdf' } });
  assertStatus(att, 201, 'attach');
  assert.equal(att.json.content_type, 'application/pdf');
  // The requester cannot see an attachment before it is disclosed.
  assertError(await ho.req('GET', `/api/disclosures/${d.id}/attachments/${att.json.n}`), 404, 'not_found');

  const disclosed = await step(dwpManager, d.id, 'disclose', { message: 'Universal Credit since March 2024; address on file.' });
  assert.equal(disclosed.status, 'disclosed');
  assert.equal(disclosed.decisions.length, 1);
  assert.equal(disclosed.decisions[0].outcome, 'disclosed');
  assert.equal(disclosed.decisions[0].by.id, dwpManager.user.id, 'the answering officer is recorded');
  assert.equal(disclosed.decisions[0].grade, 'HEO');
  assert.equal(disclosed.keep_until, addDays('2026-12-02', 365));
  assert.equal(disclosed.max_keep_until, addDays('2026-12-02', 365));

  const seen = await ho.req('GET', `/api/disclosures/${d.id}`);
  assertStatus(seen, 200);
  assert.equal(seen.json.decisions[0].message, 'Universal Credit since March 2024; address on file.');
  assert.equal(seen.json.decisions[0].attachments.length, 1);
  const dl = await ho.req('GET', `/api/disclosures/${d.id}/attachments/${att.json.n}`);
  assertStatus(dl, 200, 'download');
  assert.equal(dl.headers.get('x-protective-marking'), 'OFFICIAL-SENSITIVE');
  assert.match(dl.headers.get('content-disposition'), /^attachment; filename="claims.pdf"/);

  // Keep-until within the agreement's maximum; onward transfer only with a reason.
  assertError(await ho.req('PUT', `/api/disclosures/${d.id}/keep-until`, { body: { keep_until: addDays('2026-12-02', 366) } }), 422, 'validation_failed', 'keep_until');
  assertError(await ho.req('PUT', `/api/disclosures/${d.id}/keep-until`, { body: { keep_until: '2026-12-01' } }), 422, 'validation_failed', 'keep_until');
  const kept = await ho.req('PUT', `/api/disclosures/${d.id}/keep-until`, { body: { keep_until: '2026-12-10' } });
  assertStatus(kept, 200);
  assert.equal(kept.json.keep_until, '2026-12-10');
  assertError(await ho.req('POST', `/api/disclosures/${d.id}/onward`, { body: { to: 'Immigration Enforcement' } }), 422, 'validation_failed', 'reason');
  const onward = await step(ho, d.id, 'onward', { to: 'Immigration Enforcement', reason: 'Removal planning needs the address.' });
  assert.equal(onward.onward.length, 1);
  assert.equal(onward.onward[0].to, 'Immigration Enforcement');
  assertError(await dwpManager.req('POST', `/api/disclosures/${d.id}/onward`, { body: { to: 'x', reason: 'y' } }), 403, 'forbidden');

  // Surplus data destroyed and confirmed to the provider, who sees it.
  const confirmed = await step(ho, d.id, 'confirm-destruction', { note: 'The address history beyond 2024 was not needed and is deleted.' });
  assert.equal(confirmed.surplus_confirmation.by.id, ho.user.id);
  const provider = await dwpAdmin.req('GET', `/api/disclosures/${d.id}`);
  assert.equal(provider.json.surplus_confirmation.note, 'The address history beyond 2024 was not needed and is deleted.');

  // Every view and download is in the person's subject access export.
  await sleep(600);
  const sar = await nfcAdmin.req('GET', `/api/audit?case=${c.id}&limit=200`);
  assertStatus(sar, 200);
  const actions = sar.json.items.map((e) => e.action);
  for (const a of ['disclosure_created', 'disclosure_countersigned', 'disclosure_disclosed', 'disclosure_viewed', 'disclosure_attachment_downloaded', 'disclosure_onward_transfer']) {
    assert.ok(actions.includes(a), `${a} in the case's audit (${actions.join(',')})`);
  }
  const zip = await fetch(`${stack.base}/api/cases/${c.id}/persons/${person}/subject-access`, { headers: { authorization: `Bearer ${nfcAdmin.token}` } });
  assert.equal(zip.status, 200);
  const dir = mkdtempSync(join(tmpdir(), 'dr-sar-'));
  writeFileSync(join(dir, 'x.zip'), Buffer.from(await zip.arrayBuffer()));
  const py = spawnSync('python3', ['-c', 'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nn=[i for i in z.namelist() if i.endswith(".json")][0]\nprint(z.read(n).decode())', join(dir, 'x.zip')], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const trail = JSON.parse(py.stdout).disclosures.map((e) => e.action);
  assert.ok(trail.includes('disclosure_viewed') && trail.includes('disclosure_attachment_downloaded'), `SAR trail: ${trail}`);

  // The keep-until day passes: the daily run destroys the data and records it.
  setNow(stack, '2026-12-11T10:00:00Z');
  let after = null;
  for (let i = 0; i < 40; i += 1) {
    after = (await ho.req('GET', `/api/disclosures/${d.id}`)).json;
    if (after.status === 'destroyed') break;
    await sleep(250);
  }
  assert.equal(after.status, 'destroyed');
  assert.equal(after.destruction.run, 'daily');
  assert.equal(after.destruction.attachments, 1);
  assert.equal(after.decisions[0].message, undefined, 'the message is gone');
  assertError(await ho.req('GET', `/api/disclosures/${d.id}/attachments/${att.json.n}`), 404, 'not_found');
  setNow(stack, '2026-12-02T10:00:00Z');
});

test('no countersignature, no sending; the requester, a grade below EO or an unmarked user cannot countersign', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const d = await draft(ho);
  assertError(await hoAdmin.req('POST', `/api/disclosures/${d.id}/countersign`), 409, 'conflict', undefined, 'a draft is not waiting for a countersignature');
  await step(ho, d.id, 'submit');
  assertError(await ho.req('POST', `/api/disclosures/${d.id}/countersign`), 403, 'forbidden');
  const ao = await createActiveUser(hoAdmin, { role: 'user' });
  assertStatus(await hoAdmin.req('PATCH', `/api/users/${ao.id}`, { body: { grade: 'AO', may_countersign: true } }), 200);
  assertError(await ao.client.req('POST', `/api/disclosures/${d.id}/countersign`), 403, 'forbidden');
  const heo = await createActiveUser(hoAdmin, { role: 'user' });
  const patched = await hoAdmin.req('PATCH', `/api/users/${heo.id}`, { body: { grade: 'HEO' } });
  assert.equal(patched.json.grade, 'HEO');
  assert.equal(patched.json.may_countersign, false);
  // Unmarked: the request is not even theirs to see.
  assertError(await heo.client.req('POST', `/api/disclosures/${d.id}/countersign`), 404, 'not_found');
  assertError(await hoAdmin.req('PATCH', `/api/users/${heo.id}`, { body: { grade: 'Grade 9' } }), 422, 'validation_failed', 'grade');
  // The provider has still not seen it.
  assertError(await dwpAdmin.req('GET', `/api/disclosures/${d.id}`), 404, 'not_found');
  // The countersigner sends it back with a reason; the requester submits it again.
  assertError(await ho.req('PUT', `/api/disclosures/${d.id}`, { body: template() }), 409, 'conflict', undefined, 'submitted: no change');
  const back = await step(hoAdmin, d.id, 'return', { reason: 'Say which benefits.' });
  assert.equal(back.status, 'sent_back');
  assert.equal(back.sent_back.reason, 'Say which benefits.');
  // The requester changes the request and submits it again; only they may, and only to the same provider.
  assertError(await hoAdmin.req('PUT', `/api/disclosures/${d.id}`, { body: template() }), 403, 'forbidden');
  assertError(await ho.req('PUT', `/api/disclosures/${d.id}`, { body: template({ providing_org: nfc.user.org.id }) }), 422, 'validation_failed', 'providing_org');
  const changed = await ho.req('PUT', `/api/disclosures/${d.id}`, { body: template({ information_sought: 'Universal Credit and Housing Benefit since 2024.' }) });
  assertStatus(changed, 200, 'change');
  assert.equal(changed.json.information_sought, 'Universal Credit and Housing Benefit since 2024.');
  assert.equal(changed.json.status, 'sent_back');
  await step(ho, d.id, 'submit');
  const ok = await step(hoAdmin, d.id, 'countersign');
  assert.equal(ok.status, 'sent');
});

test('the provider returns a request that does not meet the criteria, or refuses it; a review needs a more senior officer', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const a = await sent();
  assertError(await ho.req('POST', `/api/disclosures/${a.id}/return`, { body: { reason: 'x' } }), 409, 'conflict');
  const returned = await step(dwpManager, a.id, 'return', { reason: 'The legal basis does not cover benefit history.' });
  assert.equal(returned.status, 'returned');
  assert.equal(returned.decisions[0].outcome, 'returned');
  assert.equal(returned.decisions[0].reasons, 'The legal basis does not cover benefit history.');
  assertError(await dwpManager.req('POST', `/api/disclosures/${a.id}/refuse`, { body: { reasons: 'x' } }), 409, 'conflict');

  const b = await sent();
  assertError(await ho.req('POST', `/api/disclosures/${b.id}/refuse`, { body: { reasons: 'x' } }), 403, 'forbidden');
  assertError(await dwpManager.req('POST', `/api/disclosures/${b.id}/refuse`, { body: {} }), 422, 'validation_failed', 'reasons');
  const refused = await step(dwpManager, b.id, 'refuse', { reasons: 'Disclosure would prejudice an investigation.' });
  assert.equal(refused.status, 'refused');
  assertError(await dwpManager.req('POST', `/api/disclosures/${b.id}/review`, { body: { information: 'x' } }), 403, 'forbidden');
  const review = await step(ho, b.id, 'review', { information: 'The investigation closed in November; see the court reference.' });
  assert.equal(review.status, 'review_requested');
  assert.equal(review.review_due, addWorkingDays('2026-12-02', 20));
  // The same grade as the decider (HEO) cannot decide the review; a G7 can.
  const peer = await createActiveUser(dwpAdmin, { role: 'user' });
  assertStatus(await dwpAdmin.req('PATCH', `/api/users/${peer.id}`, { body: { grade: 'HEO' } }), 200);
  assertError(await peer.client.req('POST', `/api/disclosures/${b.id}/disclose`, { body: { message: 'x' } }), 403, 'forbidden');
  assertError(await dwpManager.req('POST', `/api/disclosures/${b.id}/refuse`, { body: { reasons: 'x' } }), 403, 'forbidden');
  const decided = await step(dwpAdmin, b.id, 'disclose', { message: 'Jobseeker\'s Allowance 2024-2025.' });
  assert.equal(decided.status, 'disclosed');
  assert.equal(decided.decisions.length, 2);
  assert.equal(decided.decisions[1].review, true);
  assert.equal(decided.decisions[1].grade, 'G7');
});

test('the template is enforced: bad input changes nothing', async () => {
  const before = (await ho.req('GET', '/api/disclosures')).json.total;
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ legal_basis: undefined }) }), 422, 'validation_failed', 'legal_basis');
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ legal_basis: 'because' }) }), 422, 'validation_failed', 'legal_basis');
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ legal_basis: 'crime_prevention' }) }), 422, 'validation_failed', 'prejudice_statement');
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ reasons: '' }) }), 422, 'validation_failed', 'reasons');
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ other_enquiries: undefined }) }), 422, 'validation_failed', 'other_enquiries');
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ surprise: 1 }) }), 400, 'invalid_field', 'surprise');
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ providing_org: hoOrg() }) }), 422, 'validation_failed', 'providing_org');
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ providing_org: nfc.user.org.id }) }), 422, 'validation_failed', 'providing_org');
  const people = [{ given_names: 'A', family_name: 'B' }, { given_names: 'C', family_name: 'D' }];
  assertError(await ho.req('POST', '/api/disclosures', { body: template({ subject: { kind: 'list', people } }) }), 422, 'validation_failed', 'subject.minimum_justification');
  assertError(await dwp.req('POST', '/api/disclosures', { body: template({ providing_org: hoOrg(), subject: { kind: 'person', person: { case_id: 1, given_names: 'A', family_name: 'B' } } }) }), 422, 'validation_failed', 'subject.person.case_id');
  assertError(await nfc.req('POST', '/api/disclosures', { body: template() }), 403, 'forbidden');
  assertEqualTotal(before);
  const list = await draft(ho, { subject: { kind: 'list', people, minimum_justification: 'Only the two adults of the household.' } });
  assert.equal(list.subject.route, 'designated_team');
  const crime = await draft(ho, { legal_basis: 'crime_prevention', prejudice_statement: 'Not disclosing would be likely to prejudice the detection of a fraud.' });
  assert.equal(crime.prejudice_statement, 'Not disclosing would be likely to prejudice the detection of a fraud.');
  async function assertEqualTotal(n) { assert.equal((await ho.req('GET', '/api/disclosures')).json.total, n, 'nothing was created'); }
});

test('due today and overdue count on the test clock, for the provider', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const base = (await dwpManager.req('GET', '/api/disclosures')).json;
  const d = await sent();
  const due = addWorkingDays('2026-12-02', 20);
  setNow(stack, `${due}T10:00:00Z`);
  const today = (await dwpManager.req('GET', '/api/disclosures')).json;
  const item = today.items.find((x) => x.id === d.id);
  assert.equal(item.due_state, 'due_today');
  assert.ok(today.due_today >= 1);
  setNow(stack, `${addWorkingDays(due, 1)}T10:00:00Z`);
  const late = (await dwpManager.req('GET', '/api/disclosures')).json;
  assert.equal(late.items.find((x) => x.id === d.id).due_state, 'overdue');
  assert.ok(late.overdue >= base.overdue + 1, 'overdue counted');
  // The requester's own list is not the provider's work.
  const mine = (await ho.req('GET', '/api/disclosures?box=outgoing')).json;
  assert.ok(mine.items.some((x) => x.id === d.id));
  await step(dwpManager, d.id, 'refuse', { reasons: 'No record of this person.' });
  const after2 = (await dwpManager.req('GET', '/api/disclosures')).json;
  assert.equal(after2.overdue, late.overdue - 1, 'answered: no longer overdue');
  setNow(stack, '2026-12-02T10:00:00Z');
});

test('the agreement of a pair sets the working days to answer and the longest keep (connectctl disclosure-pair set)', async () => {
  setNow(stack, '2026-12-02T10:00:00Z');
  const ctl = (args) => spawnSync(join(ROOT, 'bin', 'connectctl'), ['--data', stack.data, ...args], { encoding: 'utf8' });
  assert.notEqual(ctl(['disclosure-pair', 'set', '--from', 'HO', '--to', 'NOPE', '--days', '5', '--max-keep-days', '30']).status, 0);
  assert.notEqual(ctl(['disclosure-pair', 'set', '--from', 'HO', '--to', 'DWP', '--days', '0', '--max-keep-days', '30']).status, 0);
  const r = ctl(['disclosure-pair', 'set', '--from', 'HO', '--to', 'DWP', '--days', '5', '--max-keep-days', '30']);
  assert.equal(r.status, 0, r.stderr);
  const d = await sent();
  assert.equal(d.due, addWorkingDays('2026-12-02', 5));
  assert.equal(d.due_days, 5);
  const answered = await step(dwpManager, d.id, 'disclose', { message: 'Answer.' });
  assert.equal(answered.max_keep_until, addDays('2026-12-02', 30));
  // The other direction keeps the default.
  const back = await sent(dwp, dwpManager, { providing_org: hoOrg() });
  assert.equal(back.due, addWorkingDays('2026-12-02', 20));
});
