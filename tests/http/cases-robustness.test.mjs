// Cases: odd ids, odd query strings, odd upload parameters and unusual names never give a 5xx or a
// crash; answers stay in the JSON error shape; non-Latin and very long names round-trip and are found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, isJson, signIn } from '../lib/http.mjs';
import { createCase, dependant, getCase, person, pngBytes, q, search, upload } from '../lib/cases.mjs';

let stack; let nfcUser; let hoUser;
before(async () => {
  stack = await startStack();
  nfcUser = await signIn(stack.base, 'nfc.user');
  hoUser = await signIn(stack.base, 'ho.user');
});
after(async () => { await stack?.stop(); });

function sane(r, what) {
  assert.ok(r.status < 500, `${what}: ${r.status} ${r.text?.slice(0, 200)}`);
  if (r.status >= 400) assertError(r, r.status, r.json?.error?.code, undefined, what);
}

test('odd case, person and document ids: 404 (never 5xx)', async () => {
  const c = await createCase(nfcUser, { dependants: [dependant()] });
  sane(await nfcUser.req('GET', '/api/cases/%00'), 'GET /api/cases/%00 (a 4xx, nginx may answer it)');
  for (const id of ['-1', '1e3', '0x10', '18446744073709551616', '99999999999999999999999', '1%2F2', ' 1', '+1', '١']) {
    const r = await nfcUser.req('GET', `/api/cases/${id}`);
    sane(r, `GET /api/cases/${id}`);
    assert.equal(r.status, 404, `GET /api/cases/${id}`);
  }
  for (const pid of ['-1', 'abc', '18446744073709551616', '0', '4294967297']) {
    const r = await nfcUser.req('PUT', `/api/cases/${c.id}/dependants/${pid}`, { body: dependant() });
    sane(r, `PUT dependant ${pid}`);
    assert.equal(r.status, 404, `PUT dependant ${pid}`);
  }
  for (const doc of ['-1', 'abc', '18446744073709551616', '0']) {
    const r = await nfcUser.req('GET', `/api/cases/${c.id}/documents/${doc}`);
    sane(r, `GET document ${doc}`);
    assert.equal(r.status, 404, `GET document ${doc}`);
  }
  assert.deepEqual(await getCase(nfcUser, c.id), c);
});

test('odd search strings and parameters: never 5xx, always the list shape or a JSON error', async () => {
  const odd = ['', ' ', 'C', 'c', 'C0', '0', '-1', 'C-1', 'C99999999999999999999999', '00/00/0000', '31/02/2024', '2024-02-30',
    '1984-3-7', '%', '_', '*', "O'Brien", '--', '/', '\u0000', '😀', '李小龙', 'a'.repeat(2000), 'a b c d e f g h i j k l m n o p q r s t u v w x y z',
    '<script>alert(1)</script>', "' OR 1=1 --"];
  for (const t of odd) {
    const r = await nfcUser.req('GET', `/api/cases?${q(t)}`);
    sane(r, `q=${JSON.stringify(t).slice(0, 40)}`);
    if (r.status === 200) assert.ok(r.json.items.every((s) => s.council.id === nfcUser.user.org.id), 'own council only');
  }
  for (const p of ['mine=abc', 'mine=0', 'mine=', 'team=', `team=${'t'.repeat(500)}`, 'caseworker=-1', 'caseworker=99999999999999999999',
    'status=', 'legislation=', 'limit=99999999999999999999', 'limit=1&limit=2', 'cursor=', 'cursor=-5', 'x=1', 'q=a&q=b']) {
    sane(await nfcUser.req('GET', `/api/cases?${p}`), p);
  }
  assertStatus(await nfcUser.req('GET', '/api/me'), 200, 'still up');
});

test('odd upload parameters: a 4xx JSON answer (never 5xx), nothing saved', async () => {
  const c = await createCase(nfcUser);
  const png = pngBytes();
  for (const qs of ['', '?person=1', '?filename=', '?filename=a.png&person=abc', '?filename=a.png&person=-1', '?filename=a.png&person=0',
    `?filename=${'n'.repeat(1000)}.png&person=1`, '?filename=%00.png&person=1']) {
    const r = await nfcUser.req('POST', `/api/cases/${c.id}/documents${qs}`, { raw: png, headers: { 'content-type': 'image/png' } });
    assert.ok(r.status < 500, `upload${qs}: ${r.status} ${r.text?.slice(0, 200)}`);
    if (r.status === 201) continue; // a default was taken (e.g. no person → principal); checked below
    sane(r, `upload${qs}`);
  }
  const after1 = await getCase(nfcUser, c.id);
  for (const d of after1.documents) {
    assert.ok(d.filename.length > 0 && d.filename.length <= 1010, 'stored file names are sane');
    assert.ok(!d.filename.includes('\u0000'), 'no NUL in a stored file name');
  }
  // a JSON body sent to the upload route is just a non-image file
  assertError(await upload(nfcUser, c.id, Buffer.from('{"a":1}'), { filename: 'x.json', contentType: 'application/json' }), 422, 'validation_failed', 'file', 'JSON body');
});

test('non-Latin, apostrophe, hyphen and very long names round-trip and are searchable', async () => {
  const names = [
    ['小龙', '李'],
    ['Мария', 'Иванова'],
    ['محمد', 'العلي'],
    ["Siobhán", "O'Brien"],
    ['Jean-Pierre', 'Dupont-Aignan'],
    ['Ngũgĩ', 'wa Thiong\'o'],
  ];
  for (const [g, f] of names) {
    const c = await createCase(nfcUser, { principal: person({ given_names: g, family_name: f }) }, `${g} ${f}`);
    assert.equal(c.principal.given_names, g);
    assert.equal(c.principal.family_name, f);
    const found = await search(nfcUser, q(`${g} ${f}`));
    assert.ok(found.some((s) => s.id === c.id), `"${g} ${f}" found by its own name`);
    assert.ok(found.find((s) => s.id === c.id).name.includes(f), 'summary name as stored');
  }
  const ob = await search(nfcUser, q('obrien'));
  assert.ok(ob.some((s) => s.name.includes("O'Brien")), 'O\'Brien found by obrien');
  const long = await createCase(nfcUser, { principal: person({ given_names: 'Abel', family_name: `Long${'x'.repeat(96)}` }) }, 'long token');
  for (const n of [47, 48, 49, 64, 100]) {
    const found = await search(nfcUser, q(`long${'x'.repeat(96)}`.slice(0, n)));
    assert.ok(found.some((s) => s.id === long.id), `a 100-character family name is found by its first ${n} characters`);
  }
  const hoFound = await search(hoUser, q(long.connect_id));
  assert.deepEqual(hoFound.map((s) => s.id), [long.id]);
});

test('many given names (20 short ones, within the 100-character limit) do not hide the family name from search', async () => {
  const c = await createCase(nfcUser, { principal: person({ given_names: 'A b c d e f g h i j k l m n o p q r s t', family_name: 'Zebedayo' }) }, 'many tokens');
  assert.ok((await search(nfcUser, q('zebedayo'))).some((s) => s.id === c.id), 'found by family name');
  assert.ok((await search(nfcUser, q('a zebedayo'))).some((s) => s.id === c.id), 'found by given + family name');
  const d = await createCase(nfcUser, { dependants: [dependant({ given_names: 'Ba Be Bi Bo Bu Ca Ce Ci Co Cu Da De Di Do Du Fa Fe', family_name: 'Quorreli' })] }, 'dependant with many tokens');
  assert.ok((await search(nfcUser, q('quorreli'))).some((s) => s.id === d.id), 'dependant found by family name');
});
