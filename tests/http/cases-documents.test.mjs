// Case documents: PDF, JPEG, PNG up to 10 MB, type read from the content (not the name or the
// Content-Type header); downloads as attachments with nosniff and the detected type; who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertErrorOneOf, assertStatus, signIn, signInCookie } from '../lib/http.mjs';
import {
  JPEG_BYTES, assertCase, assertDocument, createCase, dependant, download, findRow, getCase, history, pdfBytes, pngBytes,
  sha256, upload,
} from '../lib/cases.mjs';

let stack; let nfcUser; let nfcAdmin; let ebcUser; let hoUser; let hoAdmin; let netAdmin;
before(async () => {
  stack = await startStack();
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcUser = await signIn(stack.base, 'ebc.user');
  hoUser = await signIn(stack.base, 'ho.user');
  hoAdmin = await signIn(stack.base, 'ho.admin');
  netAdmin = await signIn(stack.base, 'net.admin');
});
after(async () => { await stack?.stop(); });

const near = (iso) => Math.abs(Date.parse(iso) - Date.now()) < 60000;
const PNG = pngBytes(5, 3);
const PDF = pdfBytes();

function assertDownload(d, bytes, type, what) {
  assert.equal(d.status, 200, `${what}: download status ${d.status} ${d.text}`);
  assert.ok(d.bytes.equals(bytes), `${what}: identical bytes (${d.bytes.length} vs ${bytes.length})`);
  const ct = d.headers.get('content-type') || '';
  assert.equal(ct.split(';')[0].trim().toLowerCase(), type, `${what}: Content-Type ${ct}`);
  assert.match(d.headers.get('content-disposition') || '', /^attachment\b/i, `${what}: Content-Disposition ${d.headers.get('content-disposition')}`);
  assert.equal((d.headers.get('x-content-type-options') || '').toLowerCase(), 'nosniff', `${what}: nosniff`);
  const len = d.headers.get('content-length');
  if (len !== null) assert.equal(Number(len), bytes.length, `${what}: Content-Length`);
}

test('upload PNG, JPEG, PDF → 201 DOCUMENT with the detected type; listed on the case; downloads identical', async () => {
  const c = await createCase(nfcUser);
  const files = [
    [PNG, 'passport.png', 'image/png', 'image/png'],
    [JPEG_BYTES, 'photo.jpg', 'image/jpeg', 'image/jpeg'],
    [PDF, 'letter.pdf', 'application/pdf', 'application/pdf'],
  ];
  const docs = [];
  for (const [bytes, filename, sent, detected] of files) {
    const r = await upload(nfcUser, c.id, bytes, { filename, contentType: sent });
    assertStatus(r, 201, `upload ${filename}`);
    assertDocument(r.json);
    const d = r.json;
    assert.equal(d.filename, filename);
    assert.equal(d.content_type, detected);
    assert.equal(d.size, bytes.length);
    assert.equal(d.sha256, sha256(bytes));
    assert.equal(d.person_id, 1);
    assert.deepEqual(d.uploaded_by, { id: nfcUser.user.id, name: 'Tom Hughes' });
    assert.ok(near(d.uploaded_at));
    docs.push([d, bytes, detected]);
  }
  const cs = await getCase(nfcUser, c.id);
  assert.equal(cs.documents.length, 3);
  for (const [d] of docs) assert.deepEqual(cs.documents.find((x) => x.id === d.id), d, 'CASE.documents holds the DOCUMENT');
  assert.equal(new Set(cs.documents.map((x) => x.id)).size, 3);
  for (const [d, bytes, type] of docs) assertDownload(await download(nfcUser, c.id, d.id), bytes, type, d.filename);
  const rows = await history(nfcUser, c.id);
  assert.ok(rows.some((h) => /^documents?\b/.test(h.field) && h.by.id === nfcUser.user.id), `a documents history row: ${JSON.stringify(rows.slice(0, 6))}`);
});

test('the type comes from the content, not the name or Content-Type header', async () => {
  const c = await createCase(nfcUser);
  for (const [bytes, filename, sent, detected] of [
    [JPEG_BYTES, 'scan.pdf', 'application/pdf', 'image/jpeg'],
    [PNG, 'document.jpg', 'image/jpeg', 'image/png'],
    [PDF, 'noextension', 'text/plain', 'application/pdf'],
    [PNG, 'picture.PNG', 'application/octet-stream', 'image/png'],
  ]) {
    const r = await upload(nfcUser, c.id, bytes, { filename, contentType: sent });
    assertStatus(r, 201, filename);
    assert.equal(r.json.content_type, detected, `${filename} sent as ${sent}`);
    assertDownload(await download(nfcUser, c.id, r.json.id), bytes, detected, filename);
  }
});

test('not PDF/JPEG/PNG → 422 field file (text named x.pdf, HTML named x.png, SVG, GIF, empty), nothing saved', async () => {
  const c = await createCase(nfcUser);
  const bad = [
    [Buffer.from('This is only text, not a PDF.\n'), 'x.pdf', 'application/pdf'],
    [Buffer.from('<!doctype html><script>alert(1)</script>'), 'x.png', 'image/png'],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'x.jpg', 'image/svg+xml'],
    [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'x.gif', 'image/gif'],
    [Buffer.from('PK\x03\x04 zip archive', 'latin1'), 'x.pdf', 'application/pdf'],
    [Buffer.from('{"a":1}'), 'x.png', 'application/json'],
    [Buffer.alloc(0), 'empty.pdf', 'application/pdf'],
    [Buffer.from([0x89, 0x50, 0x4e]), 'short.png', 'image/png'],
  ];
  for (const [bytes, filename, ct] of bad) {
    assertError(await upload(nfcUser, c.id, bytes, { filename, contentType: ct }), 422, 'validation_failed', 'file', `${filename} (${bytes.subarray(0, 12).toString('latin1')})`);
  }
  const after1 = await getCase(nfcUser, c.id);
  assert.deepEqual(after1, c, 'nothing saved');
});

test('size: ~9.5 MB accepted and round-trips; 11 MB → 413 payload_too_large (JSON), nothing saved', async () => {
  const c = await createCase(nfcUser);
  const big = pngBytes(2, 2, 9_500_000);
  const r = await upload(nfcUser, c.id, big, { filename: 'big.png', contentType: 'image/png' });
  assertStatus(r, 201, '9.5 MB');
  assert.equal(r.json.size, big.length);
  assert.equal(r.json.sha256, sha256(big));
  assertDownload(await download(nfcUser, c.id, r.json.id), big, 'image/png', 'big.png');
  const before1 = await getCase(nfcUser, c.id);
  const huge = pngBytes(2, 2, 11 * 1024 * 1024);
  const t = await upload(nfcUser, c.id, huge, { filename: 'huge.png', contentType: 'image/png' });
  assertError(t, 413, 'payload_too_large', undefined, '11 MB');
  const hugePdf = Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024 - PDF.length, 0x20)]);
  assertError(await upload(nfcUser, c.id, hugePdf, { filename: 'huge.pdf' }), 413, 'payload_too_large', undefined, '11 MB PDF');
  assert.deepEqual(await getCase(nfcUser, c.id), before1, 'nothing saved');
  assertStatus(await nfcUser.req('GET', '/api/me'), 200, 'server still answers');
});

test('a JSON body over 64 KiB is still refused on the other case endpoints (the 10 MB limit is for uploads only)', async () => {
  const c = await createCase(nfcUser);
  const raw = JSON.stringify({ address: 'x'.repeat(100 * 1024) });
  assertError(await nfcUser.req('PUT', `/api/cases/${c.id}`, { raw }), 413, 'payload_too_large', undefined, 'PUT details 100 KiB');
});

test('person: a document belongs to the principal or a dependant', async () => {
  const c = await createCase(nfcUser, { dependants: [dependant()] });
  const pid = c.dependants[0].id;
  const r = await upload(nfcUser, c.id, PNG, { filename: 'child-id.png', person: pid });
  assertStatus(r, 201, 'dependant document');
  assert.equal(r.json.person_id, pid);
  const bad = await upload(nfcUser, c.id, PNG, { filename: 'nobody.png', person: 999 });
  assertErrorOneOf(bad, [[422, 'validation_failed'], [404, 'not_found']], undefined, 'unknown person');
  if (bad.status === 422) assert.equal(bad.json.error.field, 'person');
  assert.equal((await getCase(nfcUser, c.id)).documents.length, 1);
});

test('roles: HO user/admin download but never upload or delete (403); other council 404; Network admin 403', async () => {
  const c = await createCase(nfcUser);
  const up = await upload(nfcUser, c.id, PDF, { filename: 'letter.pdf' });
  assertStatus(up, 201);
  const doc = up.json;
  const snapshot = await getCase(nfcUser, c.id);
  for (const ho of [hoUser, hoAdmin]) {
    assertDownload(await download(ho, c.id, doc.id), PDF, 'application/pdf', `${ho.user.username} download`);
    assertError(await upload(ho, c.id, PNG, { filename: 'ho.png' }), 403, 'forbidden', undefined, `${ho.user.username} upload`);
    assertError(await ho.req('DELETE', `/api/cases/${c.id}/documents/${doc.id}`), 403, 'forbidden', undefined, `${ho.user.username} delete`);
  }
  const e = await download(ebcUser, c.id, doc.id);
  assertError(e, 404, 'not_found', undefined, 'EBC download');
  assert.ok(!e.bytes.includes(Buffer.from('%PDF')), 'no file bytes to another council');
  assertError(await upload(ebcUser, c.id, PNG, { filename: 'ebc.png' }), 404, 'not_found', undefined, 'EBC upload');
  assertError(await ebcUser.req('DELETE', `/api/cases/${c.id}/documents/${doc.id}`), 404, 'not_found', undefined, 'EBC delete');
  assertError(await download(netAdmin, c.id, doc.id), 403, 'forbidden', undefined, 'Network download');
  assertError(await upload(netAdmin, c.id, PNG, { filename: 'net.png' }), 403, 'forbidden', undefined, 'Network upload');
  assertError(await netAdmin.req('DELETE', `/api/cases/${c.id}/documents/${doc.id}`), 403, 'forbidden', undefined, 'Network delete');
  assert.deepEqual(await getCase(nfcUser, c.id), snapshot, 'refused calls changed nothing');
  assertDownload(await download(nfcAdmin, c.id, doc.id), PDF, 'application/pdf', 'council admin download');
});

test('DELETE a document → 200 CASE without it; its download is 404; deleting again 404; history row', async () => {
  const c = await createCase(nfcUser);
  const a = (await upload(nfcUser, c.id, PNG, { filename: 'a.png' })).json;
  const b = (await upload(nfcUser, c.id, JPEG_BYTES, { filename: 'b.jpg' })).json;
  const r = await nfcAdmin.req('DELETE', `/api/cases/${c.id}/documents/${a.id}`);
  assertStatus(r, 200, 'delete');
  assertCase(r.json);
  assert.deepEqual(r.json.documents.map((d) => d.id), [b.id]);
  assertError(await download(nfcUser, c.id, a.id), 404, 'not_found', undefined, 'download deleted');
  assertError(await nfcAdmin.req('DELETE', `/api/cases/${c.id}/documents/${a.id}`), 404, 'not_found', undefined, 'delete again');
  assertDownload(await download(nfcUser, c.id, b.id), JPEG_BYTES, 'image/jpeg', 'other document kept');
  const rows = await history(nfcUser, c.id);
  findRow(rows, /^documents?\b/, { by: nfcAdmin.user.id }, 'delete row');
});

test('a document is reachable only through its own case', async () => {
  const c1 = await createCase(nfcUser);
  const c2 = await createCase(nfcUser);
  const d = (await upload(nfcUser, c1.id, PNG, { filename: 'one.png' })).json;
  assertError(await download(nfcUser, c2.id, d.id), 404, 'not_found', undefined, 'via another case');
  assertError(await nfcUser.req('DELETE', `/api/cases/${c2.id}/documents/${d.id}`), 404, 'not_found', undefined, 'delete via another case');
  assertError(await download(nfcUser, c1.id, 99999999), 404, 'not_found', undefined, 'unknown doc');
  assertError(await download(nfcUser, 99999999, d.id), 404, 'not_found', undefined, 'unknown case');
  assertEqualDocs(await getCase(nfcUser, c1.id), [d.id]);
});
function assertEqualDocs(c, ids) { assert.deepEqual(c.documents.map((x) => x.id), ids); }

test('a hostile file name cannot inject headers and downloads stay attachments', async () => {
  const c = await createCase(nfcUser);
  for (const filename of ['evil"\r\nX-Injected: 1.png', 'a";filename=evil.html', '../../etc/passwd.png', 'naïve façade.png']) {
    const r = await upload(nfcUser, c.id, PNG, { filename });
    if (r.status === 422) { assertError(r, 422, 'validation_failed', 'filename', filename); continue; }
    assertStatus(r, 201, filename);
    const d = await download(nfcUser, c.id, r.json.id);
    assertDownload(d, PNG, 'image/png', JSON.stringify(filename));
    assert.equal(d.headers.get('x-injected'), null, 'no injected header');
    const cd = d.headers.get('content-disposition');
    assert.ok(!/[\r\n]/.test(cd), 'no line breaks in Content-Disposition');
    assert.ok(!/filename=evil\.html/i.test(cd.replace(/filename\*?="[^"]*"/g, '')), `no second filename parameter: ${cd}`);
  }
});

test('downloads work with the session cookie (browser links), without X-Requested-With', async () => {
  const c = await createCase(nfcUser);
  const d = (await upload(nfcUser, c.id, PDF, { filename: 'cookie.pdf' })).json;
  const cookieClient = await signInCookie(stack.base, 'nfc.user');
  assertDownload(await download(cookieClient, c.id, d.id), PDF, 'application/pdf', 'cookie download');
  assertError(await upload(cookieClient, c.id, PNG, { filename: 'csrf.png' }), 403, 'csrf', undefined, 'cookie upload without header');
});
