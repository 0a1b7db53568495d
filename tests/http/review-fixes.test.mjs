// Regression tests for defects found in review: a sign-in racing a password change, long non-Latin
// names in lists and the duplicate check, person ids past one byte, unrecognised non-ASCII field
// names, upload file names, closure and support end dates, guessing the current password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { caseBody, createCase, createCaseAt, person, dependant, search, q, pngBytes } from '../lib/cases.mjs';

let stack, nfc;
before(async () => {
  stack = await startStack({ clock: true });
  nfc = new Client(stack.base);
  assert.equal((await nfc.login('nfc.user')).status, 200);
});
after(async () => { await stack?.stop(); });

test('no session made with the old password survives a password change racing it', async () => {
  const admin = new Client(stack.base);
  await admin.login('nfc.admin');
  const made = await admin.req('POST', '/api/users', { body: { username: 'race.user', name: 'Race User', role: 'user' } });
  const first = new Client(stack.base);
  await first.login('race.user', made.json.temporary_password);
  const oldPw = 'old-password-for-race-1';
  assert.equal((await first.req('PUT', '/api/me/password', { body: { current_password: made.json.temporary_password, new_password: oldPw } })).status, 204);
  const owner = new Client(stack.base);
  assert.equal((await owner.login('race.user', oldPw)).status, 200);
  // Sign-ins with the old password race the change.
  const racers = Array.from({ length: 12 }, () => new Client(stack.base));
  const logins = racers.map((c, i) => new Promise((r) => setTimeout(r, i * 4)).then(() => c.login('race.user', oldPw)));
  const change = owner.req('PUT', '/api/me/password', { body: { current_password: oldPw, new_password: 'new-password-after-race' } });
  await Promise.all([...logins, change]);
  assert.equal((await change).status, 204);
  for (const c of racers) {
    if (!c.token) continue;
    assert.equal((await c.req('GET', '/api/me')).status, 401, 'a session made with the old password is over');
  }
  assert.equal((await owner.req('GET', '/api/me')).status, 200, 'the changing session goes on');
});

test('long non-Latin names: listed, searchable, and caught by the duplicate check', async () => {
  const given = 'a' + 'あ'.repeat(99);
  const body = caseBody({ principal: person({ given_names: given, family_name: 'Tesfaye', date_of_birth: '1961-01-01' }) });
  const r1 = await nfc.req('POST', '/api/cases', { body });
  assert.equal(r1.status, 201);
  const found = await search(nfc, q('tesfaye'));
  assert.ok(found.some((s) => s.id === r1.json.id), 'found by family name');
  const r2 = await nfc.req('POST', '/api/cases', { body });
  assert.equal(r2.status, 409);
  assert.equal(r2.json.error.code, 'possible_duplicate');
  const longFamily = 'Ж'.repeat(51);
  const b2 = caseBody({ principal: person({ given_names: 'Olga', family_name: longFamily, date_of_birth: '1962-02-02' }) });
  assert.equal((await nfc.req('POST', '/api/cases', { body: b2 })).status, 201);
  assert.equal((await nfc.req('POST', '/api/cases', { body: b2 })).status, 409);
});

test('a case refuses more dependants once person ids would pass 255, and every dependant stays indexed', async () => {
  const c = await createCase(nfc);
  let last;
  for (let i = 0; i < 260; i++) {
    const add = await nfc.req('POST', `/api/cases/${c.id}/dependants`, { body: dependant() });
    if (add.status !== 201) { last = add; break; }
    const d = add.json.dependants.at(-1);
    assert.equal((await nfc.req('DELETE', `/api/cases/${c.id}/dependants/${d.id}`)).status, 200);
  }
  assert.ok(last, 'additions stop');
  assert.equal(last.status, 422);
  assert.equal(last.json.error.code, 'validation_failed');
});

test('an unrecognised field with a non-ASCII name is 400 invalid_field, not 500', async () => {
  const r = await nfc.req('POST', '/api/auth/login', { body: { ['a' + 'あ'.repeat(60)]: 1 }, auth: false });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_field');
});

test('upload file names: invalid UTF-8 is 422, a 74-character Japanese name is fine', async () => {
  const c = await createCase(nfc);
  const png = pngBytes(2, 2);
  const bad = await nfc.req('POST', `/api/cases/${c.id}/documents?filename=%FF.png`, { raw: png, headers: { 'content-type': 'image/png' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'filename');
  const name = 'あ'.repeat(70) + '.png';
  const ok = await nfc.req('POST', `/api/cases/${c.id}/documents?filename=${encodeURIComponent(name)}`, { raw: png, headers: { 'content-type': 'image/png' } });
  assert.equal(ok.status, 201);
  assert.equal(ok.json.filename, name);
});

test('closure and the support end date: no closure before it; reopening keeps one the caseworker set', async () => {
  const c = await createCaseAt(stack, 'nfc.user', '2025-01-01T12:00:00Z'); // referred before the closures below
  const fin = { support_start_date: '2025-01-01', support_end_date: '2025-03-01', weekly_subsistence_pence: 5000 };
  assert.equal((await nfc.req('PUT', `/api/cases/${c.id}/finance`, { body: fin })).status, 200);
  const early = await nfc.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-02-01', reason: 'left_area' } });
  assert.equal(early.status, 422);
  assert.equal(early.json.error.field, 'closure_date');
  assert.equal((await nfc.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-03-01', reason: 'left_area' } })).status, 200);
  const reopened = await nfc.req('DELETE', `/api/cases/${c.id}/closure`);
  assert.equal(reopened.status, 200);
  assert.equal(reopened.json.finance.support_end_date, '2025-03-01', 'the end date the caseworker entered stays');
  // Closed, then any finance change is refused: a closed case is frozen until it is reopened.
  assert.equal((await nfc.req('POST', `/api/cases/${c.id}/closure`, { body: { closure_date: '2025-03-01', reason: 'left_area' } })).status, 200);
  const later = await nfc.req('PUT', `/api/cases/${c.id}/finance`, { body: { ...fin, support_end_date: '2025-06-01' } });
  assert.equal(later.status, 422);
  assert.equal(later.json.error.code, 'case_closed');
});

test('five wrong current passwords throttle the user name and end its sessions', async () => {
  const admin = new Client(stack.base);
  await admin.login('wmc.admin');
  const made = await admin.req('POST', '/api/users', { body: { username: 'guess.target', name: 'Guess Target', role: 'user' } });
  const c = new Client(stack.base);
  await c.login('guess.target', made.json.temporary_password);
  const codes = [];
  for (let i = 0; i < 5; i++) {
    const r = await c.req('PUT', '/api/me/password', { body: { current_password: `wrong-guess-${i}-xxxx`, new_password: 'whatever-new-password-1' } });
    codes.push(r.status);
  }
  assert.deepEqual(codes, [422, 422, 422, 422, 429]);
  assert.equal((await c.req('GET', '/api/me')).status, 401);
  assert.equal((await new Client(stack.base).login('guess.target', made.json.temporary_password)).status, 429);
});

test('removing a dependant unlinks their documents (they stay on the case)', async () => {
  const c = await createCase(nfc, { dependants: [dependant()] });
  const pid = c.dependants[0].id;
  const up = await nfc.req('POST', `/api/cases/${c.id}/documents?filename=id.png&person=${pid}`, { raw: pngBytes(2, 2), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201);
  const after = await nfc.req('DELETE', `/api/cases/${c.id}/dependants/${pid}`);
  assert.equal(after.status, 200);
  const doc = after.json.documents.find((d) => d.id === up.json.id);
  assert.ok(doc, 'the document stays');
  assert.equal(doc.person_id, null);
});
