// Queries: categories, message length, the 10-working-day clock that each message starts for the other
// side (dates checked on a frozen server clock), follow-ups that keep the earlier due date, the 4-week
// rule on progress updates, urgent requests (reason, 1 working day, council only), closing, and the lists
// (buckets, mine, overdue, due today, state) scoped to the caller's side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertErrorOneOf, assertStatus, listAll } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import {
  CATEGORIES, actor, addWorkingDays, assertQuery, closeQuery, home, ids, openQuery, putImmigration, queryList, sendMessage, setNow, total,
} from '../lib/alerts.mjs';

let stack; let nfcUser; let nfcAdmin; let ebcUser; let hoUser; let hoAdmin;
before(async () => {
  stack = await startStack({ clock: true });
  setNow(stack, '2026-12-02T10:00:00Z');
  nfcUser = await actor(stack.base, 'nfc.user');
  nfcAdmin = await actor(stack.base, 'nfc.admin');
  ebcUser = await actor(stack.base, 'ebc.user');
  hoUser = await actor(stack.base, 'ho.user');
  hoAdmin = await actor(stack.base, 'ho.admin');
});
after(async () => { await stack?.stop(); });

const at = (iso) => setNow(stack, iso);
const ref = (c) => ({ id: c.user.id, name: c.user.name });
const post = (client, caseId, body) => client.req('POST', `/api/cases/${caseId}/queries`, { body });

async function getQuery(client, id) {
  const r = await client.req('GET', `/api/queries/${id}`);
  assertStatus(r, 200, `GET /api/queries/${id}`);
  assertQuery(r.json);
  return r.json;
}

// ---- opening and the clock -------------------------------------------------------------------------

test('a council opens a query: 201 QUERY (exact shape), awaiting the HO, due 10 working days later (Wed 2 Dec → Wed 16 Dec)', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser, { caseworker_id: nfcUser.user.id });
  const r = await post(nfcUser, c.id, { category: 'status_discrepancy', message: 'CID shows a different status.' });
  assertStatus(r, 201, 'open');
  const q = r.json;
  assertQuery(q, 'QUERY');
  assert.equal(q.case_id, c.id);
  assert.equal(q.connect_id, c.connect_id);
  assert.deepEqual(q.council, c.council);
  assert.deepEqual(q.caseworker, ref(nfcUser));
  assert.equal(q.category, 'status_discrepancy');
  assert.equal(q.urgent, false);
  assert.equal(q.urgent_reason, null);
  assert.equal(q.opened_by, 'council');
  assert.ok(q.opened_at.startsWith('2026-12-02T'), `opened_at on the server clock: ${q.opened_at}`);
  assert.equal(q.status, 'open');
  assert.equal(q.awaiting, 'ho');
  assert.equal(q.due, '2026-12-16');
  assert.equal(q.due_beyond_calendar, false);
  assert.equal(q.overdue, false);
  assert.equal(q.messages.length, 1);
  const m = q.messages[0];
  assert.equal(m.side, 'council');
  assert.deepEqual(m.by, ref(nfcUser));
  assert.equal(m.text, 'CID shows a different status.');
  assert.ok(m.at.startsWith('2026-12-02T'));
  assert.deepEqual(await getQuery(hoUser, q.id), q, 'the HO reads the same query');
  const list = await nfcUser.req('GET', `/api/cases/${c.id}/queries`);
  assertStatus(list, 200);
  assert.deepEqual(list.json.items, [q], 'the case lists it, with its messages');
  assertQuery(q, 'QUERY', { exact: true });
  const item = (await queryList(hoUser, 'bucket=awaiting_ho')).find((x) => x.id === q.id);
  assertQuery(item, 'QUERY list item', { exact: true, withMessages: false });
});

test('each message starts a 10-working-day clock for the other side; a follow-up from the same side keeps the earlier due date', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  let q = await openQuery(nfcUser, c.id, { category: 'expedite_request', message: 'm1 council' });
  assert.equal(q.due, '2026-12-16');
  at('2026-12-04T10:00:00Z');
  q = await sendMessage(hoUser, q.id, 'm2 HO answer');
  assert.equal(q.awaiting, 'council');
  assert.equal(q.due, '2026-12-18', 'Fri 4 Dec + 10 working days');
  at('2026-12-07T10:00:00Z');
  q = await sendMessage(hoAdmin, q.id, 'm3 HO follow-up');
  assert.equal(q.awaiting, 'council');
  assert.equal(q.due, '2026-12-18', 'a follow-up never buys the other side time (nor takes it away)');
  at('2026-12-18T10:00:00Z');
  q = await sendMessage(nfcUser, q.id, 'm4 council answer');
  assert.equal(q.awaiting, 'ho');
  assert.equal(q.due, '2027-01-06', 'Fri 18 Dec: Mon 21 .. Thu 24, Tue 29 .. Thu 31, (Fri 1 Jan), Mon 4 .. Wed 6 Jan');
  at('2026-12-21T10:00:00Z');
  q = await sendMessage(nfcAdmin, q.id, 'm5 council follow-up');
  assert.equal(q.due, '2027-01-06', 'kept');
  at('2027-01-06T10:00:00Z');
  q = await sendMessage(hoUser, q.id, 'm6 HO answer');
  assert.equal(q.awaiting, 'council');
  assert.equal(q.due, '2027-01-20');
  assert.equal(q.due, addWorkingDays('2027-01-06', 10));
  assert.deepEqual(q.messages.map((m) => m.text), ['m1 council', 'm2 HO answer', 'm3 HO follow-up', 'm4 council answer', 'm5 council follow-up', 'm6 HO answer'], 'messages in the order sent');
  assert.deepEqual(q.messages.map((m) => m.side), ['council', 'ho', 'ho', 'council', 'council', 'ho']);
  assert.deepEqual(q.messages.map((m) => m.by.id), [nfcUser, hoUser, hoAdmin, nfcUser, nfcAdmin, hoUser].map((x) => x.user.id));
  assert.deepEqual(q.messages.map((m) => m.at.slice(0, 10)), ['2026-12-02', '2026-12-04', '2026-12-07', '2026-12-18', '2026-12-21', '2027-01-06']);
  assert.equal(new Set(q.messages.map((m) => m.id)).size, 6, 'message ids unique');
  assert.deepEqual(await getQuery(nfcUser, q.id), q);
});

test('an HO query awaits the council, due 10 working days; the council reply turns it back to the HO', async () => {
  at('2026-12-24T10:00:00Z');
  const c = await createCase(nfcUser);
  // Status-checked first: an HO query on an unchecked case is the status check's, and the council's
  // answer to it gives the HO 5 working days (transfers.test.mjs), not the 10 of an ordinary query.
  await putImmigration(hoUser, c.id, { status: 'asylum_claim_recorded' }, 'HO status check');
  let q = await openQuery(hoUser, c.id, { category: 'fee_waiver', message: 'Has a fee waiver been applied for?' });
  assert.equal(q.opened_by, 'ho');
  assert.equal(q.awaiting, 'council');
  assert.equal(q.due, '2027-01-12', 'Thu 24 Dec: Tue 29, Wed 30, Thu 31, (Fri 1 Jan), Mon 4 .. Fri 8, Mon 11, Tue 12 Jan');
  at('2026-12-29T10:00:00Z');
  q = await sendMessage(nfcUser, q.id, 'Yes, last week.');
  assert.equal(q.awaiting, 'ho');
  assert.equal(q.due, '2027-01-13', 'Tue 29 Dec + 10 working days');
});

test('a due date past the calendar (2028) is still given, counting weekends only, and flagged due_beyond_calendar', async () => {
  at('2027-12-20T10:00:00Z');
  const c = await createCase(nfcUser);
  const q = await openQuery(nfcUser, c.id, { category: 'other', message: 'Over the year end.' });
  assert.equal(q.due, '2028-01-05', 'Mon 20 Dec 2027: Tue 21 .. Fri 24, (Mon 27, Tue 28), Wed 29 .. Fri 31, Mon 3 .. Wed 5 Jan 2028');
  assert.equal(q.due_beyond_calendar, true);
  const u = await openQuery(nfcUser, c.id, { category: 'other', message: 'Urgent, inside the calendar.', urgent: true, urgent_reason: 'legal_proceedings' });
  assert.equal(u.due, '2027-12-21');
  assert.equal(u.due_beyond_calendar, false);
  const listed = (await queryList(hoUser, 'bucket=awaiting_ho')).find((x) => x.id === q.id);
  assert.equal(listed.due_beyond_calendar, true, 'the list item carries the flag');
});

test('a query opened on a Saturday: day 1 is the next working day (Mon), so 10 working days → Fri 18 Dec; urgent → Mon 7 Dec', async () => {
  at('2026-12-05T11:00:00Z');
  const c = await createCase(nfcUser);
  const q = await openQuery(nfcUser, c.id, { category: 'other', message: 'Sent on a Saturday.' });
  const u = await openQuery(nfcUser, c.id, { category: 'other', message: 'Urgent on a Saturday.', urgent: true, urgent_reason: 'safeguarding' });
  assert.deepEqual([q.due, u.due], ['2026-12-18', '2026-12-07'], '"n working days after D starts counting on the first working day after D"');
});

// ---- validation ------------------------------------------------------------------------------------

test('categories: all eight accepted (either side); an unknown, empty or missing category → 422 field category', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  for (const category of CATEGORIES) {
    const q = await openQuery(nfcUser, c.id, { category, message: `About ${category}.` }, `council ${category}`);
    assert.equal(q.category, category);
  }
  const c2 = await createCase(nfcUser);
  for (const category of CATEGORIES) {
    const q = await openQuery(hoUser, c2.id, { category, message: `HO about ${category}.` }, `HO ${category}`);
    assert.equal(q.category, category);
  }
  for (const [body, what] of [
    [{ category: 'fishing', message: 'x' }, 'unknown'],
    [{ category: 'Progress_Update', message: 'x' }, 'wrong case'],
    [{ category: '', message: 'x' }, 'empty'],
    [{ message: 'x' }, 'missing'],
    [{ category: null, message: 'x' }, 'null'],
  ]) {
    assertErrorOneOf(await post(nfcUser, c.id, body), [[422, 'validation_failed'], ...(what === 'null' ? [[400, 'invalid_field']] : [])], 'category', `category ${what}`);
  }
  const list = await nfcUser.req('GET', `/api/cases/${c.id}/queries`);
  assert.equal(list.json.total, CATEGORIES.length, 'refused requests made nothing');
});

test('messages are 1–4,000 characters (characters, not bytes), on opening and on replies', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  for (const [message, what] of [[undefined, 'missing'], ['', 'empty'], ['x'.repeat(4001), '4001 characters'], ['é'.repeat(4001), '4001 é']]) {
    const body = { category: 'other' };
    if (message !== undefined) body.message = message;
    assertError(await post(nfcUser, c.id, body), 422, 'validation_failed', 'message', `open: ${what}`);
  }
  const long = 'x'.repeat(4000);
  const q = await openQuery(nfcUser, c.id, { category: 'other', message: long }, '4000 characters');
  assert.equal(q.messages[0].text, long);
  const accents = 'é'.repeat(4000);
  const q2 = await openQuery(nfcUser, c.id, { category: 'other', message: accents }, '4000 é (8000 bytes)');
  assert.equal(q2.messages[0].text, accents, 'stored intact');
  for (const [message, what] of [['', 'empty'], ['y'.repeat(4001), '4001 characters']]) {
    assertError(await hoUser.req('POST', `/api/queries/${q.id}/messages`, { body: { message } }), 422, 'validation_failed', 'message', `reply: ${what}`);
  }
  assertError(await hoUser.req('POST', `/api/queries/${q.id}/messages`, { body: {} }), 422, 'validation_failed', 'message', 'reply: missing');
  const r = await sendMessage(hoUser, q.id, 'ü'.repeat(4000), 'reply 4000 ü');
  assert.equal(r.messages.length, 2);
  assert.equal(r.messages[1].text, 'ü'.repeat(4000));
  const one = await sendMessage(nfcUser, q.id, '.', 'one character');
  assert.equal(one.messages[2].text, '.');
});

// ---- the 4-week rule -------------------------------------------------------------------------------

function tooSoon(r, firstAllowed, what) {
  assert.equal(r.status, 422, `${what}: status -> ${r.status} ${r.text?.slice(0, 300)}`);
  assert.equal(r.json?.error?.code, 'too_soon', `${what}: code -> ${r.text?.slice(0, 300)}`);
  assert.equal(typeof r.json.error.message, 'string');
  const d = r.json.error.first_allowed_date ?? r.json.first_allowed_date;
  assert.equal(d, firstAllowed, `${what}: first_allowed_date in ${r.text}`);
  const [y, m, dd] = firstAllowed.split('-');
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const forms = [firstAllowed, `${Number(dd)} ${months[Number(m) - 1]} ${y}`, `${dd}/${m}/${y}`];
  assert.ok(forms.some((f) => r.json.error.message.includes(f)), `${what}: the message names the date (${forms.join(' or ')}): "${r.json.error.message}"`);
}

test('progress_update: a second council one on the same case within 28 days → 422 too_soon naming first_allowed_date; allowed from then', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const other = await createCase(nfcUser);
  const first = await openQuery(nfcUser, c.id, { category: 'progress_update', message: 'Any progress?' });
  tooSoon(await post(nfcAdmin, c.id, { category: 'progress_update', message: 'Again?' }), '2026-12-30', 'same day, another user of the council');
  await closeQuery(nfcUser, first.id, 'closing the first does not reset the rule');
  at('2026-12-29T10:00:00Z');
  tooSoon(await post(nfcUser, c.id, { category: 'progress_update', message: 'Again?' }), '2026-12-30', 'day 27');
  await openQuery(nfcUser, c.id, { category: 'expedite_request', message: 'Please expedite.' }, 'another category is not limited');
  await openQuery(nfcUser, other.id, { category: 'progress_update', message: 'Progress on the other case?' }, 'another case is not limited');
  const list = await nfcUser.req('GET', `/api/cases/${c.id}/queries?state=all`);
  assert.equal(list.json.items.filter((q) => q.category === 'progress_update').length, 1, 'the refused ones were not made');
  at('2026-12-30T10:00:00Z');
  const second = await openQuery(nfcUser, c.id, { category: 'progress_update', message: 'Four weeks on: progress?' }, 'day 28');
  assert.equal(second.category, 'progress_update');
  tooSoon(await post(nfcUser, c.id, { category: 'progress_update', message: 'And again?' }), '2027-01-27', 'the rule restarts from the second one');
});

test('progress_update: an HO progress_update query does not count against the council, and the HO is not limited', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  await openQuery(hoUser, c.id, { category: 'progress_update', message: 'HO: progress on the application?' }, 'HO progress_update');
  at('2026-12-03T10:00:00Z');
  await openQuery(nfcUser, c.id, { category: 'progress_update', message: 'Council: progress?' }, 'council progress_update after an HO one');
  at('2026-12-04T10:00:00Z');
  await openQuery(hoAdmin, c.id, { category: 'progress_update', message: 'HO again.' }, 'the HO may send another');
  tooSoon(await post(nfcUser, c.id, { category: 'progress_update', message: 'Council again.' }), '2026-12-31', 'the council one counts');
});

// ---- urgent ----------------------------------------------------------------------------------------

test('urgent: a reason is required (legal_proceedings, safeguarding, reconsideration); due in 1 working day while awaiting the HO', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  for (const [body, what] of [
    [{ urgent: true }, 'no reason'],
    [{ urgent: true, urgent_reason: '' }, 'empty reason'],
    [{ urgent: true, urgent_reason: 'boredom' }, 'unknown reason'],
  ]) {
    assertError(await post(nfcUser, c.id, { category: 'expedite_request', message: 'Urgent!', ...body }), 422, 'validation_failed', 'urgent_reason', what);
  }
  let q = await openQuery(nfcUser, c.id, { category: 'expedite_request', message: 'Child protection conference tomorrow.', urgent: true, urgent_reason: 'safeguarding' });
  assert.equal(q.urgent, true);
  assert.equal(q.urgent_reason, 'safeguarding');
  assert.equal(q.awaiting, 'ho');
  assert.equal(q.due, '2026-12-03', 'Wed 2 Dec + 1 working day');
  at('2026-12-03T10:00:00Z');
  q = await sendMessage(hoUser, q.id, 'Looking at it.');
  assert.equal(q.awaiting, 'council');
  assert.equal(q.due, '2026-12-17', 'awaiting the council: 10 working days');
  at('2026-12-04T10:00:00Z');
  q = await sendMessage(nfcUser, q.id, 'Thank you; any decision?');
  assert.equal(q.awaiting, 'ho');
  assert.equal(q.due, '2026-12-07', 'awaiting the HO again: 1 working day (Fri 4 → Mon 7 Dec)');
  for (const [instant, reason, due, what] of [
    ['2026-12-24T10:00:00Z', 'legal_proceedings', '2026-12-29', 'Thu 24 Dec → Tue 29 Dec'],
    ['2026-12-18T10:00:00Z', 'reconsideration', '2026-12-21', 'Fri 18 Dec → Mon 21 Dec'],
    ['2027-03-25T10:00:00Z', 'safeguarding', '2027-03-30', 'Thu 25 Mar 2027 → Tue 30 Mar (Easter)'],
  ]) {
    at(instant);
    const u = await openQuery(nfcUser, c.id, { category: 'other', message: what, urgent: true, urgent_reason: reason }, what);
    assert.equal(u.due, due, what);
    assert.equal(u.urgent_reason, reason);
  }
});

test('the HO cannot send an urgent query; nothing is made', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  for (const u of [hoUser, hoAdmin]) {
    const r = await post(u, c.id, { category: 'other', message: 'HO urgent?', urgent: true, urgent_reason: 'safeguarding' });
    assertErrorOneOf(r, [[422, 'validation_failed'], [403, 'forbidden']], undefined, `${u.username} urgent`);
    if (r.status === 422) assert.equal(r.json.error.field, 'urgent', 'field urgent');
  }
  const list = await hoUser.req('GET', `/api/cases/${c.id}/queries?state=all`);
  assert.equal(list.json.total, 0);
  const plain = await openQuery(hoUser, c.id, { category: 'other', message: 'HO, not urgent.', urgent: false });
  assert.equal(plain.urgent, false);
});

// ---- closing ---------------------------------------------------------------------------------------

test('closing: either side closes; closed_at/closed_by; no more messages (422); closing again 409', async () => {
  at('2026-12-02T10:00:00Z');
  const c = await createCase(nfcUser);
  const q = await openQuery(nfcUser, c.id, { category: 'change_of_conditions', message: 'Change of conditions applied for.' });
  at('2026-12-03T10:00:00Z');
  const closed = await closeQuery(hoUser, q.id, 'the HO closes the council\'s query');
  assert.equal(closed.status, 'closed');
  assert.equal(closed.awaiting, null);
  assert.deepEqual(closed.closed_by, ref(hoUser));
  assert.ok(closed.closed_at.startsWith('2026-12-03T'));
  assert.equal(closed.messages.length, 1);
  for (const u of [nfcUser, hoUser]) {
    assertError(await u.req('POST', `/api/queries/${q.id}/messages`, { body: { message: 'One more thing.' } }), 422, 'validation_failed', undefined, `${u.username} writes to a closed query`);
  }
  assertError(await nfcUser.req('POST', `/api/queries/${q.id}/close`), 409, 'conflict', undefined, 'close again');
  const again = await getQuery(nfcUser, q.id);
  assert.deepEqual(again, closed, 'unchanged');
  const q2 = await openQuery(hoUser, c.id, { category: 'other', message: 'HO question.' });
  const c2 = await closeQuery(nfcAdmin, q2.id, 'the council closes the HO\'s query');
  assert.deepEqual(c2.closed_by, ref(nfcAdmin));
  assert.ok(!ids(await queryList(nfcUser, 'bucket=new')).includes(q2.id), 'gone from the open list');
  assert.ok(ids(await queryList(nfcUser, 'state=closed')).includes(q2.id), 'in state=closed');
});

// ---- lists -----------------------------------------------------------------------------------------

test('lists: buckets (responses, new, awaiting_ho), default, mine=1, state, council=, overdue=1 and due=today; a council sees only its own', async () => {
  at('2026-12-02T10:00:00Z');
  const A = await createCase(nfcUser, { caseworker_id: nfcUser.user.id });
  const B = await createCase(nfcUser, { caseworker_id: nfcAdmin.user.id });
  // Status-checked, so that the HO's queries on them are ordinary ones (10 working days each way).
  for (const x of [A, B]) await putImmigration(hoUser, x.id, { status: 'asylum_claim_recorded' }, 'HO status check');
  const q1 = await openQuery(nfcUser, A.id, { message: 'q1: council, awaiting HO' });
  const q2 = await openQuery(nfcAdmin, B.id, { message: 'q2: council, answered by HO' });
  await sendMessage(hoUser, q2.id, 'q2 answer');
  const q3 = await openQuery(hoUser, A.id, { message: 'q3: HO, awaiting council' });
  const q4 = await openQuery(hoUser, B.id, { message: 'q4: HO, council replied' });
  await sendMessage(nfcAdmin, q4.id, 'q4 reply');
  const q5 = await openQuery(nfcUser, A.id, { message: 'q5: closed' });
  await closeQuery(nfcUser, q5.id);
  const E = await createCase(ebcUser);
  const qe = await openQuery(ebcUser, E.id, { message: 'EBC query' });
  const qeHo = await openQuery(hoUser, E.id, { message: 'HO to EBC' });
  const has = async (client, query, expectIn, expectOut, what) => {
    const got = ids(await queryList(client, query));
    for (const q of expectIn) assert.ok(got.includes(q.id), `${what} (${query}): lists ${q.messages[0].text}`);
    for (const q of expectOut) assert.ok(!got.includes(q.id), `${what} (${query}): does not list ${q.messages[0].text}`);
    return got;
  };
  // Council side.
  await has(nfcUser, 'bucket=responses', [q2], [q1, q3, q4, q5, qe, qeHo], 'council');
  await has(nfcUser, 'bucket=new', [q3], [q1, q2, q4, q5, qe, qeHo], 'council');
  await has(nfcUser, '', [q2, q3], [q1, q4, q5, qe, qeHo], 'council default: awaiting the council');
  await has(nfcUser, 'mine=1', [q3], [q1, q2, q4, q5], 'caseworker mine');
  await has(nfcAdmin, 'mine=1', [q2], [q1, q3, q4, q5], 'admin mine');
  await has(nfcUser, 'bucket=responses&mine=1', [], [q2], 'responses on my cases');
  await has(nfcAdmin, 'bucket=responses&mine=1', [q2], [], 'responses on the admin\'s cases');
  await has(nfcUser, 'bucket=new&mine=1', [q3], [], 'new on my cases');
  for (const q of await queryList(nfcUser, '')) assert.equal(q.council.id, nfcUser.user.org.id, 'council lists hold only its own queries');
  await has(ebcUser, '', [qeHo], [q1, q2, q3, q4, q5], 'EBC');
  await has(ebcUser, 'bucket=new', [qeHo], [qe, q3], 'EBC new');
  // HO side.
  await has(hoUser, 'bucket=awaiting_ho', [q1, q4, qe], [q2, q3, q5, qeHo], 'HO awaiting_ho');
  await has(hoUser, '', [q1, q4, qe], [q2, q3, q5, qeHo], 'HO default: awaiting the HO');
  await has(hoAdmin, '', [q1, q4, qe], [], 'HO sees every council');
  await has(hoUser, `council=${A.council.id}`, [q1, q4], [qe], 'HO council filter NFC');
  await has(hoUser, `council=${E.council.id}`, [qe], [q1, q4], 'HO council filter EBC');
  // A list item is the QUERY without messages, and matches the full record otherwise.
  const item = (await queryList(hoUser, 'bucket=awaiting_ho')).find((q) => q.id === q1.id);
  const { messages, ...rest } = await getQuery(hoUser, q1.id);
  assert.ok(messages.length === 1);
  assert.deepEqual(item, rest, 'list item = QUERY less messages');
  // Case lists: every query of the case, newest first, with messages.
  const caseList = await nfcUser.req('GET', `/api/cases/${A.id}/queries`);
  assertStatus(caseList, 200);
  assert.deepEqual(caseList.json.items.map((q) => q.id), [q5.id, q3.id, q1.id], 'every query of case A, newest first');
  caseList.json.items.forEach((q) => assertQuery(q, 'case query'));

  // Due today and overdue: all were opened or answered on Wed 2 Dec, so due Wed 16 Dec.
  at('2026-12-16T10:00:00Z');
  await has(hoUser, 'due=today', [q1, q4], [q2, q3], 'HO due today');
  await has(hoUser, 'overdue=1', [], [q1, q4], 'HO not overdue yet');
  await has(nfcUser, 'due=today', [q2, q3], [q1, q4], 'council due today');
  assert.equal((await getQuery(hoUser, q1.id)).overdue, false, 'due today is not overdue');
  at('2026-12-17T10:00:00Z');
  await has(hoUser, 'overdue=1', [q1, q4, qe], [q2, q3, q5, qeHo], 'HO overdue');
  await has(nfcUser, 'overdue=1', [q2, q3], [q1, q4, q5], 'council overdue');
  await has(nfcUser, 'overdue=1&mine=1', [q3], [q2], 'council overdue on my cases');
  await has(hoUser, 'due=today', [], [q1, q4], 'no longer due today');
  for (const q of await queryList(hoUser, 'overdue=1')) assert.ok(q.overdue && q.awaiting === 'ho' && q.due < '2026-12-17', `HO overdue item ${q.id}`);
  assert.equal((await getQuery(nfcUser, q3.id)).overdue, true);
  assert.equal((await getQuery(nfcUser, q5.id)).overdue, false, 'closed: never overdue');
  const h = await home(nfcUser);
  assert.equal(h.counters.overdue, await total(nfcUser, '/api/queries?overdue=1'), 'council home overdue = queries awaiting the council past due');
  const hm = await home(nfcUser, true);
  assert.equal(hm.counters.overdue, await total(nfcUser, '/api/queries?overdue=1&mine=1'), 'council home overdue, mine');
  // Answering an overdue query: no longer overdue, new due date from today.
  const ans = await sendMessage(nfcUser, q3.id, 'Late answer.');
  assert.equal(ans.overdue, false);
  assert.equal(ans.awaiting, 'ho');
  assert.equal(ans.due, '2027-01-05', 'Thu 17 Dec + 10 working days: Fri 18 .. Thu 24, Tue 29 .. Thu 31, Mon 4, Tue 5 Jan');
  await has(nfcUser, 'overdue=1', [q2], [q3], 'after the answer');
  Object.assign(lists, { q1, q2, q3, q4, q5, qe, qeHo });
});

const lists = {};
test('GET /api/queries pages with limit and cursor: the same items as one page, none twice', async () => {
  at('2026-12-17T10:00:00Z');
  const one = await queryList(hoUser, '');
  assert.ok(one.length >= 4, `enough queries to page: ${one.length}`);
  const { items, totals } = await listAll(hoUser, '/api/queries', 3);
  assert.deepEqual(ids(items), ids(one));
  assert.ok(totals.every((t) => t === one.length));
});

test('lists: state=closed lists closed queries, state=all open and closed; still scoped to the caller\'s council', async () => {
  const { q1, q2, q3, q4, q5, qe, qeHo } = lists;
  assert.ok(q1, 'the previous test ran');
  at('2026-12-17T10:00:00Z');
  const ids0 = async (client, query) => ids(await queryList(client, query));
  const closed = await ids0(nfcUser, 'state=closed');
  assert.ok(closed.includes(q5.id), 'state=closed lists the closed query');
  for (const q of [q1, q2, q3, q4, qe]) assert.ok(!closed.includes(q.id), `state=closed: not ${q.id}`);
  const all = await ids0(nfcUser, 'state=all');
  for (const q of [q1, q2, q3, q4, q5]) assert.ok(all.includes(q.id), `state=all lists ${q.id}`);
  for (const q of [qe, qeHo]) assert.ok(!all.includes(q.id), 'not another council\'s');
  const ebc = await ids0(ebcUser, 'state=all');
  for (const q of [qe, qeHo]) assert.ok(ebc.includes(q.id));
  for (const q of [q1, q2, q3, q4, q5]) assert.ok(!ebc.includes(q.id));
  const hoAll = await ids0(hoAdmin, 'state=all');
  for (const q of [q1, q2, q3, q4, q5, qe, qeHo]) assert.ok(hoAll.includes(q.id), `HO state=all lists ${q.id}`);
  const hoClosed = await queryList(hoAdmin, 'state=closed');
  assert.ok(hoClosed.every((q) => q.status === 'closed'), 'state=closed: only closed');
});
