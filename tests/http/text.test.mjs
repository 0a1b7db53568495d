// Text (fcgi/API.md "Text"): every accepted string is stored in Unicode NFC, so a name typed with
// combining accents (NFD) is stored, returned and searched as the composed form, and search finds it
// whichever form is typed; names made only of spaces or invisible characters, and text holding
// bidirectional controls, are refused with 422 validation_failed naming the field, and nothing is saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';
import { caseBody, caseTotal, createCase, dependant, getCase, person, q, randomName, search, uniqueDob } from '../lib/cases.mjs';

let stack; let nfcUser; let nfcAdmin; let netAdmin;
before(async () => {
  stack = await startStack();
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  netAdmin = await signIn(stack.base, 'net.admin');
});
after(async () => { await stack?.stop(); });

const NFD = (s) => s.normalize('NFD');
const RLO = '\u202e'; const ZWSP = '\u200b'; const NBSP = '\u00a0'; const RLM = '\u200f'; const LRI = '\u2066'; const PDI = '\u2069';

test('a principal typed in NFD is stored and returned in NFC, and found by either form', async () => {
  const family = `${randomName(2)}ülléré`; // accents that NFD splits into letter + combining mark
  const given = 'José Ó';
  assert.notEqual(NFD(family), family);
  const c = await createCase(nfcUser, { principal: person({ given_names: NFD(given), family_name: NFD(family), other_names: NFD('Siân') }) });
  assert.equal(c.principal.family_name, family, 'returned NFC');
  assert.equal(c.principal.given_names, given);
  assert.equal(c.principal.other_names, 'Siân');
  const again = await getCase(nfcUser, c.id);
  assert.equal(again.principal.family_name, family, 'stored NFC');
  for (const typed of [family, NFD(family), `${given} ${family}`, NFD(`${given} ${family}`), family.toUpperCase(), NFD(family.toUpperCase())]) {
    const found = await search(nfcUser, q(typed));
    assert.deepEqual(found.map((s) => s.id), [c.id], `search ${JSON.stringify(typed)} (${typed === typed.normalize('NFC') ? 'NFC' : 'NFD'})`);
  }
});

test('names that are blank, invisible or hold direction controls → 422 naming the field, nothing created', async () => {
  const before_ = await caseTotal(nfcUser);
  const cases = [
    [(b) => { b.principal.given_names = '   '; }, 'principal.given_names'],
    [(b) => { b.principal.given_names = ZWSP + ZWSP; }, 'principal.given_names'],
    [(b) => { b.principal.family_name = NBSP; }, 'principal.family_name'],
    [(b) => { b.principal.family_name = `A${RLO}B`; }, 'principal.family_name'],
    [(b) => { b.principal.family_name = `Lee${RLM}`; }, 'principal.family_name'],
    [(b) => { b.principal.other_names = '\ufeff\u2060'; }, 'principal.other_names'],
    [(b) => { b.dependants = [dependant({ given_names: `${LRI}Ann${PDI}` })]; }, 'dependants.0.given_names'],
  ];
  for (const [mutate, field] of cases) {
    const body = caseBody({ principal: person({ family_name: randomName(5) }) });
    const marker = body.principal.family_name;
    mutate(body);
    const r = await nfcUser.req('POST', '/api/cases', { body });
    assertError(r, 422, 'validation_failed', field, field);
    assert.match(r.json.error.message, /spaces or invisible|direction of text/, r.json.error.message);
    assert.equal((await search(nfcUser, q(marker))).length, 0, `${field}: nothing saved`);
  }
  assert.equal(await caseTotal(nfcUser), before_, 'no case created');
});

test('free text: direction overrides refused, a right-to-left mark and real scripts kept as typed', async () => {
  const before_ = await caseTotal(nfcUser);
  let r = await nfcUser.req('POST', '/api/cases', { body: caseBody({ la_involvement: `Paid by ${RLO}cod.exe` }) });
  assertError(r, 422, 'validation_failed', 'la_involvement');
  r = await nfcUser.req('POST', '/api/cases', { body: caseBody({ team: `North${LRI}` }) });
  assertError(r, 422, 'validation_failed', 'team');
  assert.equal(await caseTotal(nfcUser), before_, 'no case created');
  const note = `שרה ${RLM}(2) — 王秀英, Llŷr, प्रिया\nline two`;
  const c = await createCase(nfcUser, {
    la_involvement: note,
    principal: person({ given_names: 'محمد', family_name: `${randomName(2)}-Иванова` }),
  });
  assert.equal(c.la_involvement, note);
  assert.equal(c.principal.given_names, 'محمد');
  assertError(await nfcUser.req('GET', `/api/cases?${q(`A${RLO}B`)}`), 422, 'validation_failed', 'q');
});

test('POST /api/users and PATCH: a blank, invisible or bidi display name → 422 name; NFD stored as NFC', async () => {
  const count = async () => { const r = await nfcAdmin.req('GET', '/api/users?limit=500'); assertStatus(r, 200); return r.json.total; };
  const n = await count();
  const body = (name) => ({ username: `txt.${Math.random().toString(36).slice(2, 10)}`, name, role: 'user' });
  for (const name of ['   ', ZWSP, `${ZWSP}${NBSP}`, `Ann${RLO}Lee`, `${RLM}Ann`]) {
    const r = await nfcAdmin.req('POST', '/api/users', { body: body(name) });
    assertError(r, 422, 'validation_failed', 'name', JSON.stringify(name));
  }
  assert.equal(await count(), n, 'nothing created');
  const r = await nfcAdmin.req('POST', '/api/users', { body: body(NFD('Siân Ó Briain')) });
  assertStatus(r, 201);
  assert.equal(r.json.user.name, 'Siân Ó Briain');
  const id = r.json.user.id;
  assertError(await nfcAdmin.req('PATCH', `/api/users/${id}`, { body: { name: ZWSP } }), 422, 'validation_failed', 'name');
  const p = await nfcAdmin.req('PATCH', `/api/users/${id}`, { body: { name: NFD('Zoë Müller') } });
  assertStatus(p, 200);
  const g = await nfcAdmin.req('GET', `/api/users/${id}`);
  assertStatus(g, 200);
  assert.equal(g.json.name, 'Zoë Müller');
});

test('POST /api/orgs: an invisible organisation name → 422 name', async () => {
  for (const name of [ZWSP, `Council ${RLO}ABC`]) {
    assertError(await netAdmin.req('POST', '/api/orgs', { body: { kind: 'council', name, code: 'ZZT' } }), 422, 'validation_failed', 'name');
  }
});

test('the caseload import reports each bad name with its line, and imports nothing', async () => {
  const HEADER = 'given_names,family_name,date_of_birth,nationality,household_type,legislation';
  const row = (given, family) => [given, family, uniqueDob(), 'Eritrean', 'single_adult', 'care_act_2014'].join(',');
  const text = `${[HEADER, row('Ann', randomName(4)), row(ZWSP + ZWSP, randomName(4)), row('Ann', `A${RLO}B`),
    row('"   "', randomName(4)), row(NFD('José'), randomName(4))].join('\r\n')}\r\n`;
  const before_ = await caseTotal(nfcAdmin);
  const r = await nfcAdmin.req('POST', '/api/cases/import', { raw: text, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.errors.map((e) => [e.line, e.field]), [[3, 'given_names'], [4, 'family_name'], [5, 'given_names']]);
  assert.match(r.json.error.errors[0].message, /spaces or invisible/);
  assert.match(r.json.error.errors[1].message, /direction of text/);
  assert.equal(await caseTotal(nfcAdmin), before_, 'nothing imported');

  const family = `${randomName(3)}é`;
  const ok = await nfcAdmin.req('POST', '/api/cases/import', { raw: `${HEADER}\r\n${row(NFD('Zoë'), NFD(family))}\r\n`, headers: { 'content-type': 'text/csv' } });
  assertStatus(ok, 201, 'import');
  const c = await getCase(nfcAdmin, ok.json.cases[0].id);
  assert.equal(c.principal.given_names, 'Zoë');
  assert.equal(c.principal.family_name, family);
});
