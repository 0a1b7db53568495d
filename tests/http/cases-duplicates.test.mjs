// The duplicate check of POST /api/cases: an open case of the same council with a person born on the
// same day with a similar name → 409 possible_duplicate with the matches, nothing created; with
// confirm_not_duplicate:true → 201. Closed cases count (the match says so: reopen, not create);
// other councils' cases do not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertStatus, signIn } from '../lib/http.mjs';
import { caseBody, caseTotal, createCase, dayOffset, dependant, duplicateMatches, person, q, search } from '../lib/cases.mjs';

let stack; let nfcUser; let nfcAdmin; let ebcUser; let hoAdmin;
before(async () => {
  stack = await startStack();
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcUser = await signIn(stack.base, 'ebc.user');
  hoAdmin = await signIn(stack.base, 'ho.admin');
});
after(async () => { await stack?.stop(); });

const P = (given, family, dob, over = {}) => person({ given_names: given, family_name: family, date_of_birth: dob, ...over });

async function refusedAsDuplicate(client, body, existing, what) {
  const total0 = await caseTotal(hoAdmin);
  const r = await client.req('POST', '/api/cases', { body });
  const m = duplicateMatches(r, what);
  const hit = m.find((x) => x.id === existing.id);
  assert.ok(hit, `${what}: matches include ${existing.connect_id}: ${JSON.stringify(m)}`);
  assert.equal(hit.connect_id, existing.connect_id);
  assert.equal(hit.date_of_birth, existing.principal.date_of_birth);
  assert.ok(hit.name.includes(existing.principal.family_name), `${what}: match name "${hit.name}"`);
  assert.equal(await caseTotal(hoAdmin), total0, `${what}: nothing created`);
  return m;
}

test('same date of birth + same name (any case) → 409 with the matches; nothing created', async () => {
  const a = await createCase(nfcUser, { principal: P('Amara', 'Okonkwo', '1986-04-12') });
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Amara', 'Okonkwo', '1986-04-12') }), a, 'identical');
  await refusedAsDuplicate(nfcAdmin, caseBody({ principal: P('AMARA', 'OKONKWO', '1986-04-12') }), a, 'upper case, another user of the council');
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('amara', 'okonkwo', '1986-04-12') }), a, 'lower case');
});

test('similar names: given/family swapped, one letter off, accents → 409', async () => {
  const a = await createCase(nfcUser, { principal: P('Chidinma', 'Eze-Nwosu', '1990-09-09') });
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Eze-Nwosu', 'Chidinma', '1990-09-09') }), a, 'swapped');
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Chidinma', 'Eze-Nwusu', '1990-09-09') }), a, 'one letter off in the family name');
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Chidnma', 'Eze-Nwosu', '1990-09-09') }), a, 'one letter missing in the given name');
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Chídinma', 'Ézé-Nwosu', '1990-09-09') }), a, 'accents');
  const b = await createCase(nfcUser, { principal: P('Mohammed', 'Rahman', '1975-01-30') });
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Mohamed', 'Rahman', '1975-01-30') }), b, 'Mohammed/Mohamed');
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Rahman', 'Mohammed', '1975-01-30') }), b, 'Rahman Mohammed');
});

test('409 matches: {id,connect_id,name,date_of_birth}; every similar open case is listed', async () => {
  const a = await createCase(nfcUser, { principal: P('Fatima', 'Bello', '1982-02-14') });
  const r = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: P('Fatima', 'Bello', '1982-02-14'), confirm_not_duplicate: true }) });
  assertStatus(r, 201, 'confirmed different person');
  const b = r.json;
  const m = await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Fatima', 'Belo', '1982-02-14') }), a, 'two matches');
  assert.ok(m.some((x) => x.id === b.id), `both similar cases listed: ${JSON.stringify(m)}`);
  assert.equal(new Set(m.map((x) => x.id)).size, m.length, 'each case once');
});

test('a principal matching an existing dependant (same DOB, similar name) → 409', async () => {
  const a = await createCase(nfcUser, { dependants: [dependant({ given_names: 'Ifeoma', family_name: 'Adeyemi', date_of_birth: '2011-07-01', relationship: 'child' })] });
  const r = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: P('Ifeoma', 'Adeyemi', '2011-07-01') }) });
  const m = duplicateMatches(r, 'dependant match');
  assert.ok(m.some((x) => x.id === a.id), `the case holding the dependant is a match: ${JSON.stringify(m)}`);
});

test('confirm_not_duplicate:true → 201; confirm_not_duplicate:false is the same as omitting it', async () => {
  const a = await createCase(nfcUser, { principal: P('Grace', 'Mwangi', '1989-12-01') });
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Grace', 'Mwangi', '1989-12-01'), confirm_not_duplicate: false }), a, 'false');
  const total0 = await caseTotal(hoAdmin);
  const r = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: P('Grace', 'Mwangi', '1989-12-01'), confirm_not_duplicate: true }) });
  assertStatus(r, 201, 'confirmed');
  assert.notEqual(r.json.id, a.id);
  assert.equal(await caseTotal(hoAdmin), total0 + 1);
  assert.equal((await search(nfcUser, q('grace mwangi'))).length, 2);
});

test('no match: different date of birth, or a clearly different name → 201', async () => {
  await createCase(nfcUser, { principal: P('Tendai', 'Moyo', '1992-03-03') });
  await createCase(nfcUser, { principal: P('Tendai', 'Moyo', '1992-03-04') }, 'next day');
  await createCase(nfcUser, { principal: P('Tendai', 'Moyo', '1993-03-03') }, 'next year');
  await createCase(nfcUser, { principal: P('Bartholomew', 'Fitzgerald', '1992-03-03') }, 'another name, same DOB');
});

test('a closed case counts too: the match carries its status and closure date (reopen, not create)', async () => {
  const a = await createCase(nfcUser, { principal: P('Nadia', 'Haddad', '1987-05-05') });
  assertStatus(await nfcUser.req('POST', `/api/cases/${a.id}/closure`, { body: { closure_date: dayOffset(0), reason: 'left_area' } }), 200, 'close');
  const m = await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Nadia', 'Haddad', '1987-05-05') }), a, 'closed case');
  const hit = m.find((x) => x.id === a.id);
  assert.equal(hit.status, 'closed');
  assert.equal(hit.closure_date, dayOffset(0));
  assertStatus(await nfcUser.req('DELETE', `/api/cases/${a.id}/closure`), 200, 'reopen');
  const m2 = duplicateMatches(await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: P('Nadia', 'Haddad', '1987-05-05') }) }), 'after reopening');
  const hit2 = m2.find((x) => x.id === a.id);
  assert.ok(hit2, `the reopened case is a match: ${JSON.stringify(m2)}`);
  assert.equal(hit2.status, 'open_referral');
  assert.equal(hit2.closure_date, null, 'an open match has no closure date');
});

test('names match in any word order, as search does', async () => {
  const a = await createCase(nfcUser, { principal: P('José', 'García López', '1979-11-03') });
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Jose', 'Lopez Garcia', '1979-11-03') }), a, 'family names swapped');
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Lopez Garcia', 'Jose', '1979-11-03') }), a, 'given and family swapped, family words swapped');
  await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Garcia Jose', 'Lopes', '1979-11-03') }), a, 'any order, one letter off');
  const r = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: P('Jose', 'Lopez Garcia', '1979-11-04') }) });
  assertStatus(r, 201, 'another date of birth is another person');
  const other = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: P('Maria', 'Lopez Garcia', '1979-11-03') }) });
  assertStatus(other, 201, 'another given name is another person');
});

test('another council\'s case does not count', async () => {
  const a = await createCase(ebcUser, { principal: P('Olena', 'Shevchenko', '1980-08-24') });
  const r = await nfcUser.req('POST', '/api/cases', { body: caseBody({ principal: P('Olena', 'Shevchenko', '1980-08-24') }) });
  assertStatus(r, 201, 'NFC creates despite EBC\'s case');
  assert.notEqual(r.json.council.id, a.council.id);
  await refusedAsDuplicate(ebcUser, caseBody({ principal: P('Olena', 'Shevchenko', '1980-08-24') }), a, 'same council still refused');
});

test('the duplicate answer never lists another council\'s cases', async () => {
  const e = await createCase(ebcUser, { principal: P('Samir', 'Khalil', '1984-11-11') });
  const n = await createCase(nfcUser, { principal: P('Samir', 'Khalil', '1984-11-11') });
  const m = await refusedAsDuplicate(nfcUser, caseBody({ principal: P('Samir', 'Khalil', '1984-11-11') }), n, 'NFC');
  assert.ok(!m.some((x) => x.id === e.id), `EBC's case not disclosed to NFC: ${JSON.stringify(m)}`);
});
