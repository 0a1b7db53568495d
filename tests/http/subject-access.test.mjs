// Subject access (issue 14 items 3 and 4): a council admin's ZIP of everything Connect holds about
// one person (PDF, JSON, their documents), and the "information given to the person" records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import { createCase, dependant, download, pdfBytes, pngBytes, person, upload } from '../lib/cases.mjs';
import { openQuery, sendMessage } from '../lib/alerts.mjs';
import { auditTail, lookup } from '../lib/rtpf.mjs';

let stack; let nfcUser; let nfcAdmin; let ebcAdmin; let hoUser; let hoAdmin;
before(async () => {
  stack = await startStack();
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcAdmin = await signIn(stack.base, 'ebc.admin');
  hoUser = await signIn(stack.base, 'ho.user');
  hoAdmin = await signIn(stack.base, 'ho.admin');
  await buildWorld();
});
after(async () => { await stack?.stop(); });

/** GET as bytes (a ZIP or a JSON error). */
async function getBytes(client, path) {
  const r = await fetch(client.base + path, { headers: { authorization: `Bearer ${client.token}` } });
  const bytes = Buffer.from(await r.arrayBuffer());
  let json = null;
  try { json = JSON.parse(bytes.toString('utf8')); } catch { /* binary */ }
  return { status: r.status, headers: r.headers, bytes, json };
}

/** The entries of a ZIP, read by python3's zipfile: {name: Buffer}. */
function unzip(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'sar-'));
  const file = join(dir, 'x.zip');
  writeFileSync(file, bytes);
  const py = 'import base64,json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n' +
    'print(json.dumps({i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist()}))';
  const r = spawnSync('python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(Object.entries(JSON.parse(r.stdout)).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function pdfText(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'sar-pdf-'));
  const file = join(dir, 'x.pdf');
  writeFileSync(file, bytes);
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, `pdftotext: ${r.stderr}`);
  return r.stdout;
}

const PASSPORT = 'X12 345-678';
let world;

async function buildWorld() {
  const dep = dependant({ given_names: 'Zoë Алиса', family_name: 'Łukasiewicz' });
  const c = await createCase(nfcUser, { principal: person({ given_names: 'Principal', family_name: 'Holder' }), dependants: [dep], household_type: 'family' });
  const depId = c.dependants[0].id;
  const png = pngBytes(7, 5);
  const r1 = await nfcUser.req('POST', `/api/cases/${c.id}/documents?filename=${encodeURIComponent('../passport scan é.png')}&person=${depId}&document_type=passport&document_number=${encodeURIComponent(PASSPORT)}`,
    { raw: png, headers: { 'content-type': 'image/png' } });
  assertStatus(r1, 201, 'upload the dependant\'s passport');
  assert.equal(r1.json.document_type, 'passport');
  assert.equal(r1.json.document_number, 'X12345678');
  const principalDoc = await upload(nfcUser, c.id, pdfBytes('principal only'), { filename: 'principal.pdf', person: 1 });
  assertStatus(principalDoc, 201);
  const q = await openQuery(nfcUser, c.id, { message: 'Is the dependant\'s leave current?' });
  await sendMessage(hoUser, q.id, 'Yes, until next year.');
  // a long text in another script, with a word longer than a line: the PDF wraps it
  await sendMessage(nfcUser, q.id, `${'Ωμέγα '.repeat(500)}${'Я'.repeat(300)}`);
  // an alert: the new_case alert is raised by the creation; a look-up of the dependant's passport
  const l = await lookup(nfcUser, 'passport', 'x12345678', dep.date_of_birth);
  assertStatus(l, 200, 'look-up');
  const other = await lookup(nfcUser, 'passport', 'Q999', dep.date_of_birth);
  assertStatus(other, 200);
  // views by HO users
  assertStatus(await hoUser.req('GET', `/api/cases/${c.id}`), 200);
  assertStatus(await hoAdmin.req('GET', `/api/cases/${c.id}/history`), 200);
  assert.equal((await download(hoUser, c.id, r1.json.id)).status, 200);
  const shared = await nfcUser.req('POST', `/api/cases/${c.id}/shared-with-person`,
    { body: { date: '2026-01-05', what: 'A copy of the support agreement', how: 'letter', notes: 'Posted first class' } });
  assertStatus(shared, 201, 'record shared with person');
  world = { c, depId, dep, png, passportDoc: r1.json, q, shared: shared.json };
  await new Promise((r) => setTimeout(r, 400)); // the batched read events reach the audit log
}

test('information given to the person: recorded, validated, listed, in history; the council only', async () => {
  const { c, shared } = world;
  assert.deepEqual(Object.keys(shared).sort(), ['date', 'how', 'id', 'notes', 'recorded_at', 'recorded_by', 'what']);
  assert.equal(shared.recorded_by.id, nfcUser.user.id);
  const list = await nfcAdmin.req('GET', `/api/cases/${c.id}/shared-with-person`);
  assertStatus(list, 200);
  assert.equal(list.json.items.length, 1);
  assert.deepEqual(list.json.items[0], shared);
  const h = await nfcUser.req('GET', `/api/cases/${c.id}/history`);
  assert.ok(h.json.items.some((row) => row.field.startsWith('shared_with_person')), 'a history row');
  const path = `/api/cases/${c.id}/shared-with-person`;
  assertError(await nfcUser.req('POST', path, { body: { date: '2026-01-05', what: 'x', how: 'pigeon' } }), 422, 'validation_failed', 'how');
  assertError(await nfcUser.req('POST', path, { body: { what: 'x', how: 'email' } }), 422, 'validation_failed', 'date');
  assertError(await nfcUser.req('POST', path, { body: { date: '2999-01-01', what: 'x', how: 'email' } }), 422, 'validation_failed', 'date');
  assertError(await nfcUser.req('POST', path, { body: { date: '2026-01-05', what: 'x', how: 'email', extra: 1 } }), 400, 'invalid_field', 'extra');
  assertError(await hoUser.req('GET', path), 403, 'forbidden');
  assertError(await hoUser.req('POST', path, { body: { date: '2026-01-05', what: 'x', how: 'email' } }), 403, 'forbidden');
  assertError(await ebcAdmin.req('GET', path), 404, 'not_found');
  assertError(await ebcAdmin.req('POST', path, { body: { date: '2026-01-05', what: 'x', how: 'email' } }), 404, 'not_found');
});

test('subject access for a dependant: the ZIP holds the PDF, the JSON and their documents', async () => {
  const { c, depId, dep, png, passportDoc, q } = world;
  const r = await getBytes(nfcAdmin, `/api/cases/${c.id}/persons/${depId}/subject-access`);
  assert.equal(r.status, 200, r.bytes.subarray(0, 300).toString());
  assert.equal(r.headers.get('content-type'), 'application/zip');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="subject-access-C\d+-\d+\.zip"/);
  const files = unzip(r.bytes);
  assert.deepEqual(readdirSync(join(stack.data, 'tmp')).filter((n) => n.startsWith('connect-sar')), [], 'the temporary files are removed');
  const names = Object.keys(files).sort();
  assert.deepEqual(names, ['documents/1-passport_scan_é.png', 'subject-access.json', 'subject-access.pdf'].sort());
  assert.ok(files['documents/1-passport_scan_é.png'].equals(png), 'the document bytes');
  const pdf = files['subject-access.pdf'];
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = pdfText(pdf);
  assert.ok(text.includes('Łukasiewicz'), `the PDF names the dependant: ${text.slice(0, 400)}`);
  assert.ok(text.includes('Zoë Алиса'), 'names in any script print');
  assert.ok(text.includes(c.connect_id));
  assert.ok(!text.includes('Holder'), 'no other person of the case');
  const j = JSON.parse(files['subject-access.json'].toString('utf8'));
  assert.equal(j.person.id, depId);
  assert.equal(j.person.family_name, 'Łukasiewicz');
  assert.equal(j.person.date_of_birth, dep.date_of_birth);
  assert.equal(j.person_role, 'dependant');
  assert.equal(j.case.connect_id, c.connect_id);
  assert.ok(!('principal' in j.case) && !('dependants' in j.case));
  assert.equal(j.staff_names, false);
  assert.deepEqual(j.produced_by, { organisation: 'Northfield City Council', organisation_kind: 'council', role: 'admin' });
  assert.ok(j.history.length > 0 && j.history.every((h) => !h.field.startsWith('principal')), 'the history concerns them');
  assert.ok(j.history.some((h) => h.field === `documents.${passportDoc.id}`), 'their document\'s history row');
  assert.equal(j.documents.length, 1);
  assert.equal(j.documents[0].id, passportDoc.id);
  assert.equal(j.documents[0].file, 'documents/1-passport_scan_é.png');
  assert.equal(j.documents[0].sha256, passportDoc.sha256);
  assert.equal(j.queries.length, 1);
  assert.equal(j.queries[0].id, q.id);
  assert.deepEqual(j.queries[0].messages.slice(0, 2).map((m) => m.text), ['Is the dependant\'s leave current?', 'Yes, until next year.']);
  assert.equal(j.queries[0].messages.length, 3);
  assert.ok(text.includes('Ωμέγα Ωμέγα'), 'the long message is in the PDF');
  assert.deepEqual(j.queries[0].messages[1].by, { organisation: 'Home Office', organisation_kind: 'home_office', role: 'user' });
  assert.ok(j.alerts.some((a) => a.type === 'new_case'), 'the alerts');
  assert.equal(j.rtpf_lookups.length, 1, 'only the look-up of their passport');
  assert.equal(j.rtpf_lookups[0].document_type, 'passport');
  assert.equal(j.rtpf_lookups[0].by.organisation, 'Northfield City Council');
  assert.equal(j.shared_with_person.length, 1);
  assert.equal(j.shared_with_person[0].what, 'A copy of the support agreement');
  const ho = j.disclosures.filter((d) => d.by.organisation_kind === 'home_office');
  for (const a of ['case_viewed', 'case_history_viewed', 'document_downloaded']) {
    assert.ok(ho.some((d) => d.action === a), `the HO's ${a} is in the trail: ${JSON.stringify(j.disclosures)}`);
  }
  const s = JSON.stringify(j);
  for (const name of ['Tom Hughes', 'Principal', 'Holder']) assert.ok(!s.includes(name), `no ${name} in the export`);
});

test('?staff_names=1 names the staff; the export is audited', async () => {
  const { c, depId } = world;
  const r = await getBytes(nfcAdmin, `/api/cases/${c.id}/persons/${depId}/subject-access?staff_names=1`);
  assert.equal(r.status, 200);
  const j = JSON.parse(unzip(r.bytes)['subject-access.json'].toString('utf8'));
  assert.equal(j.staff_names, true);
  assert.ok(typeof j.produced_by.name === 'string' && j.produced_by.name.length > 0);
  assert.ok(JSON.stringify(j).includes('Tom Hughes'), 'the caseworker by name');
  assert.ok(j.disclosures.some((d) => d.action === 'subject_access_exported'), 'the earlier export is in the trail');
  const ev = auditTail(stack.data, 200).events.filter((e) => e.action === 'subject_access_exported');
  assert.ok(ev.length >= 2);
  const named = ev.find((e) => e.staff_names === true && e.target === c.id);
  assert.ok(named, `the export with staff names: ${JSON.stringify(ev)}`);
  assert.equal(named.person, depId);
  assert.equal(named.actor, nfcAdmin.user.id);
  assert.ok(ev.some((e) => e.staff_names === false && e.target === c.id && e.person === depId), 'the redacted export');
});

test('the principal applicant\'s export holds their own documents, not the dependant\'s', async () => {
  const { c } = world;
  const r = await getBytes(nfcAdmin, `/api/cases/${c.id}/persons/1/subject-access`);
  assert.equal(r.status, 200);
  const files = unzip(r.bytes);
  assert.deepEqual(Object.keys(files).sort(), ['documents/1-principal.pdf', 'subject-access.json', 'subject-access.pdf']);
  const j = JSON.parse(files['subject-access.json'].toString('utf8'));
  assert.equal(j.person_role, 'principal_applicant');
  assert.equal(j.rtpf_lookups.length, 0);
  assert.ok(!JSON.stringify(j).includes('Łukasiewicz'), 'not the dependant');
});

test('scope: another council 404, council user 403, HO 403, unknown person 404, bad flag 400', async () => {
  const { c, depId } = world;
  const path = `/api/cases/${c.id}/persons/${depId}/subject-access`;
  assertError(await ebcAdmin.req('GET', path), 404, 'not_found');
  assertError(await nfcUser.req('GET', path), 403, 'forbidden');
  assertError(await hoUser.req('GET', path), 403, 'forbidden');
  assertError(await hoAdmin.req('GET', path), 403, 'forbidden');
  assertError(await nfcAdmin.req('GET', `/api/cases/${c.id}/persons/200/subject-access`), 404, 'not_found');
  assertError(await nfcAdmin.req('GET', `${path}?staff_names=maybe`), 400, 'invalid_field', 'staff_names');
  assertError(await nfcAdmin.req('POST', `/api/cases/${c.id}/documents?filename=a.png&document_type=passport`, { raw: pngBytes(2, 2) }), 422, 'validation_failed', 'document_number');
});
