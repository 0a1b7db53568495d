// GET /api/cases: search by name (case, accents, spacing, order; principal and dependants), date of
// birth (both formats), Connect ID (C12 and 12), HO reference (any case); filters status, mine, team,
// caseworker, legislation; pagination (limit/cursor: no duplicates, no gaps, total); council scoping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertErrorOneOf, assertList, assertStatus, listAll, signIn } from '../lib/http.mjs';
import { assertSummary, assertSummaryOf, createCase, dayOffset, dependant, getCase, person, q, randomName, search, uniqueDob } from '../lib/cases.mjs';

let stack; let nfcUser; let nfcAdmin; let ebcUser; let hoUser; let wmcUser;
let A; let B; let D; let E; const PAGED = []; let PAGE_NAME;
before(async () => {
  stack = await startStack();
  nfcUser = await signIn(stack.base, 'nfc.user');
  nfcAdmin = await signIn(stack.base, 'nfc.admin');
  ebcUser = await signIn(stack.base, 'ebc.user');
  hoUser = await signIn(stack.base, 'ho.user');
  wmcUser = await signIn(stack.base, 'wmc.user');
  A = await createCase(nfcUser, {
    principal: person({ given_names: 'José', family_name: 'Álvarez', date_of_birth: '1984-03-07', nationality: 'Venezuelan', gender: 'male', ho_reference: 'HX/2024-5571' }),
    dependants: [dependant({ given_names: 'Marisol', family_name: 'Quintanilla-Ruiz', date_of_birth: '2012-08-19', relationship: 'child' })],
    legislation: 'children_act_s17', household_type: 'lone_parent_family', caseworker_id: nfcUser.user.id, team: 'Alpha Team',
  }, 'A');
  B = await createCase(nfcUser, {
    principal: person({ given_names: 'Aoife', family_name: 'Mc Donald', date_of_birth: '1991-10-10', nationality: 'Nigerian' }),
    legislation: 'care_act_2014', caseworker_id: nfcAdmin.user.id, team: 'Beta Team',
  }, 'B');
  assertStatus(await nfcUser.req('PUT', `/api/cases/${B.id}/finance`, { body: { support_start_date: '2025-02-03', weekly_subsistence_pence: 4000, other_costs: [] } }), 200, 'B finance');
  B = await getCase(nfcUser, B.id);
  D = await createCase(nfcUser, {
    principal: person({ given_names: 'Siobhan', family_name: 'McDonald', date_of_birth: '1993-04-04', nationality: 'Ghanaian' }),
    legislation: 'children_act_s20', household_type: 'looked_after_child',
  }, 'D');
  assertStatus(await nfcUser.req('POST', `/api/cases/${D.id}/closure`, { body: { closure_date: dayOffset(0), reason: 'left_area' } }), 200, 'D closure');
  D = await getCase(nfcUser, D.id);
  E = await createCase(ebcUser, {
    principal: person({ given_names: 'Zuzana', family_name: 'Kovářová', date_of_birth: '1984-03-07', nationality: 'Czech', ho_reference: 'EB-778899' }),
  }, 'E');
  PAGE_NAME = `Pag${randomName(3).toLowerCase()}`;
  for (let i = 0; i < 23; i += 1) PAGED.push(await createCase(nfcUser, { principal: person({ given_names: PAGE_NAME }) }, `paged ${i}`));
});
after(async () => { await stack?.stop(); });

const ids = (items) => items.map((s) => s.id);
async function finds(client, text, c, what = text) {
  const items = await search(client, q(text));
  assert.ok(ids(items).includes(c.id), `search "${what}" finds ${c.connect_id} (${c.principal.given_names} ${c.principal.family_name}); got ${JSON.stringify(items.map((s) => [s.connect_id, s.name]))}`);
  return items;
}
async function misses(client, text, c, what = text) {
  const items = await search(client, q(text));
  assert.ok(!ids(items).includes(c.id), `search "${what}" must not find ${c.connect_id}; got ${JSON.stringify(items.map((s) => [s.connect_id, s.name]))}`);
  return items;
}

test('list: {items,next_cursor,total}, CASE_SUMMARY items, newest first', async () => {
  const r = await nfcUser.req('GET', '/api/cases?limit=500');
  assertStatus(r, 200);
  assertList(r.json);
  for (const s of r.json.items) assertSummary(s);
  const list = r.json.items.map((s) => s.id);
  for (let i = 1; i < list.length; i += 1) assert.ok(list[i - 1] > list[i], `newest first: ${list[i - 1]} before ${list[i]}`);
  assert.equal(r.json.total, r.json.items.length);
  const a = r.json.items.find((s) => s.id === A.id);
  assertSummaryOf(a, A, 'A summary');
  assert.equal(a.dependants, 1);
  assertSummaryOf(r.json.items.find((s) => s.id === B.id), B, 'B summary');
  assert.equal(r.json.items.find((s) => s.id === B.id).status, 'open_supported');
  assert.equal(r.json.items.find((s) => s.id === D.id).status, 'closed');
});

test('name: any case, accents, spacing and order ("José Álvarez")', async () => {
  for (const t of ['José Álvarez', 'jose alvarez', 'JOSE ALVAREZ', 'ALVAREZ JOSE', 'álvarez josé', 'alva', 'Alv', 'jose', '  jose    alvarez  ', 'Jose\tAlvarez']) {
    const items = await finds(nfcUser, t, A);
    assert.ok(!ids(items).includes(B.id) && !ids(items).includes(E.id), `"${t}" finds only matching people`);
  }
  await misses(nfcUser, 'alvarez maria', A);
  await misses(nfcUser, 'pedro', A);
});

test('name: dependants are found too', async () => {
  for (const t of ['marisol', 'Quintanilla', 'quintanilla-ruiz', 'QUINTANILLA RUIZ', 'ruiz marisol', 'quintanillaruiz', 'marisol quintanilla']) await finds(nfcUser, t, A);
});

test('name: spacing inside names does not matter ("Mc Donald" / "McDonald")', async () => {
  for (const t of ['mcdonald', 'mc donald', 'MC  DONALD', 'McDonald']) {
    await finds(nfcUser, t, B);
    await finds(nfcUser, t, D);
  }
  const aoife = await finds(nfcUser, 'aoife mcdonald', B);
  assert.ok(!ids(aoife).includes(D.id), 'aoife mcdonald does not find Siobhan');
  await finds(nfcUser, 'MCDONALD AOIFE', B);
  await finds(nfcUser, 'siobhan mc donald', D);
  await finds(hoUser, 'kovarova zuzana', E);
  await finds(hoUser, 'KOVÁŘOVÁ', E);
});

test('date of birth: YYYY-MM-DD and DD/MM/YYYY give the same cases; scoped to the council', async () => {
  const iso = await finds(nfcUser, '1984-03-07', A);
  const uk = await finds(nfcUser, '07/03/1984', A);
  assert.deepEqual(ids(uk), ids(iso));
  assert.ok(!ids(iso).includes(E.id), 'NFC does not see EBC\'s case with the same date of birth');
  assert.ok(!ids(iso).includes(B.id));
  const ho = await finds(hoUser, '1984-03-07', A);
  assert.ok(ids(ho).includes(E.id), 'HO sees both councils\' cases');
  assert.deepEqual(ids(await search(hoUser, q('07/03/1984'))), ids(ho));
  assert.equal((await search(nfcUser, q('1884-03-07'))).length, 0);
});

test('Connect ID: "C<id>" and "<id>" find exactly that case; another council\'s ID finds nothing', async () => {
  for (const t of [A.connect_id, String(A.id)]) assert.deepEqual(ids(await search(nfcUser, q(t))), [A.id], `q=${t}`);
  for (const t of [E.connect_id, String(E.id)]) {
    assert.deepEqual(ids(await search(nfcUser, q(t))), [], `NFC q=${t}`);
    assert.deepEqual(ids(await search(hoUser, q(t))), [E.id], `HO q=${t}`);
    assert.deepEqual(ids(await search(ebcUser, q(t))), [E.id], `EBC q=${t}`);
  }
  assert.deepEqual(ids(await search(nfcUser, q('C99999999'))), []);
});

test('HO reference: any case finds the case; scoped to the council', async () => {
  for (const t of ['HX/2024-5571', 'hx/2024-5571', 'Hx/2024-5571']) assert.deepEqual(ids(await search(nfcUser, q(t))), [A.id], `q=${t}`);
  for (const t of ['EB-778899', 'eb-778899']) {
    assert.deepEqual(ids(await search(nfcUser, q(t))), [], `NFC ${t}`);
    assert.deepEqual(ids(await search(hoUser, q(t))), [E.id], `HO ${t}`);
  }
});

test('filter status: only that status, and the right cases', async () => {
  for (const [status, inc, exc] of [['open_referral', A, B], ['open_supported', B, A], ['closed', D, B]]) {
    const items = await search(nfcUser, `status=${status}`);
    assert.ok(items.every((s) => s.status === status), `status=${status} items all ${status}`);
    assert.ok(ids(items).includes(inc.id), `status=${status} includes ${inc.connect_id}`);
    assert.ok(!ids(items).includes(exc.id), `status=${status} excludes ${exc.connect_id}`);
  }
  assert.deepEqual(ids(await search(nfcUser, `${q('mcdonald')}&status=closed`)), [D.id], 'q + status');
  assert.deepEqual(ids(await search(nfcUser, `${q('mcdonald')}&status=open_supported`)), [B.id], 'q + status');
});

test('filter mine=1: the signed-in user\'s allocated cases', async () => {
  const mineAdmin = await search(nfcAdmin, 'mine=1');
  assert.ok(mineAdmin.every((s) => s.caseworker?.id === nfcAdmin.user.id), 'all allocated to nfc.admin');
  assert.ok(ids(mineAdmin).includes(B.id) && !ids(mineAdmin).includes(A.id));
  const mineUser = await search(nfcUser, 'mine=1');
  assert.ok(mineUser.every((s) => s.caseworker?.id === nfcUser.user.id), 'all allocated to nfc.user');
  assert.ok(ids(mineUser).includes(A.id) && !ids(mineUser).includes(B.id));
  assert.deepEqual(ids(await search(nfcUser, `mine=1&${q('alvarez')}`)), [A.id]);
  assert.deepEqual(ids(await search(nfcAdmin, `mine=1&${q('alvarez')}`)), []);
});

test('filter team, caseworker, legislation', async () => {
  const beta = await search(nfcUser, `team=${encodeURIComponent('Beta Team')}`);
  assert.ok(beta.length > 0 && beta.every((s) => s.team === 'Beta Team'));
  assert.ok(ids(beta).includes(B.id) && !ids(beta).includes(A.id));
  const alpha = await search(nfcUser, `team=${encodeURIComponent('Alpha Team')}`);
  assert.ok(ids(alpha).includes(A.id) && alpha.every((s) => s.team === 'Alpha Team'));
  const cw = await search(nfcUser, `caseworker=${nfcAdmin.user.id}`);
  assert.ok(cw.every((s) => s.caseworker?.id === nfcAdmin.user.id));
  assert.ok(ids(cw).includes(B.id) && !ids(cw).includes(A.id));
  const leg = await search(nfcUser, 'legislation=children_act_s20');
  assert.ok(leg.every((s) => s.legislation === 'children_act_s20'));
  assert.ok(ids(leg).includes(D.id) && !ids(leg).includes(A.id));
  const s17 = await search(nfcUser, 'legislation=children_act_s17&status=open_referral');
  assert.ok(ids(s17).includes(A.id) && s17.every((s) => s.legislation === 'children_act_s17' && s.status === 'open_referral'));
  assert.deepEqual(ids(await search(nfcUser, 'legislation=children_act_s24b&team=Nobody')), []);
});

test('filters: totals match the items', async () => {
  for (const f of ['status=open_referral', 'status=closed', 'mine=1', `caseworker=${nfcUser.user.id}`, 'legislation=care_act_2014', `team=${encodeURIComponent('Alpha Team')}`, q(PAGE_NAME)]) {
    const { items, totals } = await listAll(nfcUser, `/api/cases?${f}`, 4);
    assert.equal(new Set(ids(items)).size, items.length, `${f}: no duplicates`);
    for (const t of totals) assert.equal(t, items.length, `${f}: total ${t} equals the ${items.length} items`);
  }
});

test('bad filters: 400/422 naming the parameter', async () => {
  const pairs = [[400, 'invalid_field'], [422, 'validation_failed']];
  for (const [p, field] of [['status=archived', 'status'], ['legislation=care_act_2015', 'legislation'], ['caseworker=abc', 'caseworker'],
    ['limit=0', 'limit'], ['limit=501', 'limit'], ['limit=abc', 'limit']]) {
    assertErrorOneOf(await nfcUser.req('GET', `/api/cases?${p}`), pairs, field, p);
  }
});

test('pagination: limit/cursor pages — no duplicates, no gaps, total correct, newest first', async () => {
  const want = PAGED.map((c) => c.id).sort((x, y) => y - x);
  for (const limit of [1, 5, 7, 23, 50]) {
    const { items, pages, totals } = await listAll(nfcUser, `/api/cases?${q(PAGE_NAME)}`, limit);
    assert.deepEqual(ids(items), want, `limit=${limit}: all ${want.length} in order, none twice`);
    assert.equal(pages, Math.max(1, Math.ceil(want.length / limit)), `limit=${limit}: page count`);
    for (const t of totals) assert.equal(t, want.length, `limit=${limit}: total`);
  }
  const all = await nfcUser.req('GET', '/api/cases?limit=500');
  const { items, totals } = await listAll(nfcUser, '/api/cases', 6);
  assert.deepEqual(ids(items), ids(all.json.items), 'unfiltered list by pages equals the one-page list');
  for (const t of totals) assert.equal(t, all.json.total);
  const first = await nfcUser.req('GET', '/api/cases?limit=3');
  assert.equal(first.json.items.length, 3);
  assert.ok(first.json.next_cursor, 'a next_cursor while more remain');
  const lastPage = await nfcUser.req('GET', `/api/cases?${q(PAGE_NAME)}&limit=23`);
  assert.equal(lastPage.json.next_cursor, null, 'no next_cursor on the last page');
  const dflt = await nfcUser.req('GET', '/api/cases');
  assert.ok(dflt.json.items.length <= 50, 'default limit 50');
});

test('council scoping: NFC never sees EBC\'s cases; EBC never NFC\'s; WMC none of either; HO sees both', async () => {
  const nfc = await search(nfcUser, '');
  assert.ok(nfc.every((s) => s.council.id === nfcUser.user.org.id), 'NFC list holds only NFC cases');
  assert.ok(!ids(nfc).includes(E.id));
  const ebc = await search(ebcUser, '');
  assert.ok(ebc.every((s) => s.council.id === ebcUser.user.org.id), 'EBC list holds only EBC cases');
  assert.ok(ids(ebc).includes(E.id) && !ids(ebc).includes(A.id));
  const wmc = await search(wmcUser, '');
  assert.ok(!ids(wmc).includes(A.id) && !ids(wmc).includes(E.id));
  const ho = await search(hoUser, '');
  for (const c of [A, B, D, E]) assert.ok(ids(ho).includes(c.id), `HO sees ${c.connect_id}`);
  assert.equal(ho.length, (await hoUser.req('GET', '/api/cases?limit=1')).json.total);
  assert.ok(ho.length >= nfc.length + ebc.length);
  for (const t of ['kovarova', 'zuzana', 'EB-778899', E.connect_id, '1984-03-07']) {
    assert.ok(!ids(await search(nfcUser, q(t))).includes(E.id), `NFC search "${t}" does not reveal EBC's case`);
  }
  await finds(ebcUser, 'zuzana kovarova', E);
  await misses(ebcUser, 'jose alvarez', A);
  const hoA = (await search(hoUser, q(A.connect_id)))[0];
  assertSummaryOf(hoA, A, 'HO summary of A');
});

test('a forged or garbage cursor never reveals another council\'s cases', async () => {
  for (const cur of [String(E.id + 1), String(A.id + 1), 'zzzz', '!!!', 'eyJ4IjoxfQ', '%00']) {
    const r = await nfcUser.req('GET', `/api/cases?limit=500&cursor=${encodeURIComponent(cur)}`);
    if (r.status === 200) {
      assertList(r.json);
      assert.ok(r.json.items.every((s) => s.council.id === nfcUser.user.org.id), `cursor ${cur}`);
    } else {
      assertErrorOneOf(r, [[400, 'invalid_field'], [422, 'validation_failed']], 'cursor', `cursor ${cur}`);
    }
  }
});

test('closed cases are found by name, Connect ID and date of birth too', async () => {
  assert.deepEqual(ids(await search(nfcUser, q(D.connect_id))), [D.id]);
  await finds(nfcUser, 'siobhan', D);
  await finds(nfcUser, '1993-04-04', D);
});

test('every case the HO lists (demo data included) reads back as a valid CASE that matches its summary', async () => {
  const all = await search(hoUser, '');
  assert.ok(all.length >= 4);
  for (const s of all) {
    const c = await getCase(hoUser, s.id);
    assertSummaryOf(s, c, `summary of ${s.connect_id}`);
    assert.equal(s.updated_at, c.updated_at, `${s.connect_id} updated_at`);
  }
});

test('a name search past 1,000 matches says "more than 1,000" and still pages through every match', async () => {
  const family = `Cap${randomName(3).toLowerCase()}`;
  const rows = ['given_names,family_name,date_of_birth,nationality,household_type,legislation'];
  for (let i = 0; i < 1003; i += 1) rows.push([randomName(3), family, uniqueDob(), 'Eritrean', 'single_adult', 'care_act_2014'].join(','));
  const imported = await nfcAdmin.req('POST', '/api/cases/import?confirm_not_duplicate=1', { raw: `${rows.join('\r\n')}\r\n`, headers: { 'content-type': 'text/csv' } });
  assertStatus(imported, 201, 'import 1,003 cases of one family name');
  for (const [who, c] of [['HO', hoUser], ['council', nfcUser]]) {
    const first = await c.req('GET', `/api/cases?q=${encodeURIComponent(family)}`);
    assertStatus(first, 200, `${who} search`);
    assert.equal(first.json.total, 1000, `${who}: the total stops at 1,000`);
    assert.equal(first.json.total_capped, true, `${who}: and says it is capped`);
    assert.equal(first.json.items.length, 50);
    assert.ok(first.json.next_cursor, 'more pages');
    // The last page is reached through the cursors: every match, once, newest first.
    const { items: all, totals } = await listAll(c, `/api/cases?q=${encodeURIComponent(family)}`, 500);
    assert.ok(totals.every((t) => t === 1000), `${who}: every page says 1,000`);
    assert.equal(all.length, 1003, `${who}: every match`);
    assert.equal(new Set(all.map((x) => x.id)).size, 1003);
    for (let i = 1; i < all.length; i += 1) assert.ok(all[i - 1].id > all[i].id, 'newest first');
  }
  // Lists that are not name searches count exactly, past 1,000 too.
  for (const path of ['/api/cases', '/api/cases?status=open_referral', '/api/cases?legislation=care_act_2014']) {
    const list = await nfcUser.req('GET', path);
    assertStatus(list, 200, path);
    assert.ok(list.json.total > 1000, `${path}: ${list.json.total}`);
    assert.equal(list.json.total_capped, undefined, `${path}: exact`);
  }
  // Fewer than the cap: an exact total and no total_capped.
  const few = await hoUser.req('GET', `/api/cases?q=${encodeURIComponent(PAGE_NAME)}`);
  assert.equal(few.json.total, 23);
  assert.equal(few.json.total_capped, undefined);
});
