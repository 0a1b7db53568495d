// Email end to end, with a real SMTP server on loopback (tests/lib/smtp_sink.py, Debian's aiosmtpd):
// connectd's sender delivers what `connectctl outbox add` queues, with the right headers and body;
// keeps it and retries with backoff while the relay is down; sends nothing outside UK working hours;
// loses and repeats nothing across restarts (even when stopped in the middle of a send); queues the
// monthly 1,000-day summary for council admins once; and the API's user email field is validated.
// Every time is set on connectd's test clock relative to the real time, so the dates are fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack, Client } from '../lib/stack.mjs';
import { assertError, assertStatus, assertUser, uname } from '../lib/http.mjs';
import { createCase } from '../lib/cases.mjs';
import { sleep, offsetFor, setClock, freePort, waitFor, startRelay, received } from '../lib/smtp.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');
const withSubject = (dir, subject) => received(dir).filter((m) => m.headers.subject === subject);

/** connectctl on the stack's data folder, on the stack's test clock. */
function ctl(stack, args, input) {
  return spawnSync(join(BIN, 'connectctl'), ['--data', stack.data, ...args], {
    input, encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT, CONNECT_TEST_CLOCK: stack.clockFile },
  });
}
function queue(stack, to, subject, body = 'A test message.\nConnect ID: C12\n') {
  const r = ctl(stack, ['outbox', 'add', '--to', to, '--subject', subject, '--body-stdin'], body);
  assert.equal(r.status, 0, r.stderr);
}
function outbox(stack) {
  const r = ctl(stack, ['outbox', 'list']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
const connectdLog = (stack) => readFileSync(join(stack.data, 'log', 'connectd.log'), 'utf8');

// ---- one relay and a stack without demo data (no councils, so no summaries) ----

const mailDir = mkdtempSync(join(tmpdir(), 'connect-mail-'));
let relayPort;
let relay;
let stack;
let stackData;
const smtpEnv = () => ({ CONNECT_SMTP_URL: `smtp://127.0.0.1:${relayPort}`, CONNECT_MAIL_FROM: 'connect@council.example.test' });

before(async () => {
  relayPort = await freePort();
  relay = await startRelay(relayPort, join(mailDir, 'in'));
  stack = await startStack({ demo: false, keep: true, clock: offsetFor('2026-12-02T10:00:00Z'), env: smtpEnv() });
  stackData = stack.data;
});
after(async () => {
  await stack?.stop();
  await relay?.stop();
  rmSync(mailDir, { recursive: true, force: true });
  if (stackData && !process.env.KEEP_DATA) rmSync(stackData, { recursive: true, force: true });
});
const inbox = () => join(mailDir, 'in');

test('a queued message arrives once, with the right envelope, headers and body', async () => {
  setClock(stack, '2026-12-02T10:00:00Z'); // a Wednesday, in working hours
  const body = 'Hello from the test.\nA case needs attention: C12\n\n.\nA line with a dot above (SMTP dot-stuffing).\n';
  queue(stack, 'caseworker@example.test', 'Connect: test message', body);
  const [m] = await waitFor(() => { const l = withSubject(inbox(), 'Connect: test message'); return l.length && l; }, 'the message');
  assert.equal(m.mail_from, 'connect@council.example.test');
  assert.deepEqual(m.rcpt_tos, ['caseworker@example.test']);
  assert.equal(m.headers.from, 'Connect <connect@council.example.test>');
  assert.equal(m.headers.to, 'caseworker@example.test');
  assert.equal(m.headers['mime-version'], '1.0');
  assert.equal(m.headers['content-type'], 'text/plain; charset=UTF-8');
  const id = m.headers['message-id'].match(/^<outbox-(\d+)\.(\d+)@connect>$/);
  assert.ok(id, `Message-ID ${m.headers['message-id']}`);
  const queuedAt = Date.parse('2026-12-02T10:00:00Z') / 1000;
  assert.ok(Math.abs(Number(id[2]) - queuedAt) < 60, 'the Message-ID carries the time it was queued');
  assert.ok(Math.abs(Date.parse(m.headers.date) / 1000 - queuedAt) < 60, `Date: ${m.headers.date}`);
  assert.match(m.headers.date, /^Wed, 02 Dec 2026 10:0\d:\d\d \+0000$/);
  assert.equal(m.body, body.replace(/\n/g, '\r\n'), 'the body, line for line, with CRLF line ends');
  // The relay has the message before the sender's deletion commits: wait for that commit.
  for (let i = 0; i < 50 && outbox(stack).length; i += 1) await sleep(100);
  assert.deepEqual(outbox(stack), [], 'delivered messages leave the outbox');
  await sleep(2500);
  assert.equal(withSubject(inbox(), 'Connect: test message').length, 1, 'exactly once');
  const log = connectdLog(stack);
  assert.match(log, new RegExp(`mail_sender: outbox ${id[1]} delivered to caseworker@example.test`));
  assert.ok(!log.includes('Hello from the test'), 'the log never holds a body');
});

test('relay down: the message stays queued with attempts and the error, then goes once the relay is back, in working hours', async () => {
  setClock(stack, '2026-12-02T11:00:00Z');
  await relay.stop();
  queue(stack, 'retry@example.test', 'Connect: relay was down');
  const [waiting] = await waitFor(() => { const l = outbox(stack).filter((m) => m.attempts >= 1); return l.length && l; }, 'a failed attempt');
  assert.equal(waiting.to, 'retry@example.test');
  assert.equal(waiting.subject, 'Connect: relay was down');
  assert.equal(waiting.attempts, 1);
  assert.match(waiting.last_error, /connect/i);
  assert.ok(!('body' in waiting), 'outbox list shows no body');
  const nextAt = Date.parse(waiting.next_at) / 1000;
  const failedAt = Date.parse('2026-12-02T11:00:00Z') / 1000;
  assert.ok(nextAt >= failedAt + 30 && nextAt <= failedAt + 40, `retry after 30 s: ${waiting.next_at}`);
  assert.match(connectdLog(stack), /mail_sender: outbox \d+ not delivered \(attempt 1\): .*next try 2026-12-02T11:00:3/);
  await sleep(1500);
  assert.equal(outbox(stack)[0].attempts, 1, 'no new attempt before the backoff has passed');

  relay = await startRelay(relayPort, inbox());
  // Past the backoff but at 22:00: outside working hours, so it waits although it is due.
  setClock(stack, '2026-12-02T22:00:00Z');
  await sleep(3000);
  assert.equal(withSubject(inbox(), 'Connect: relay was down').length, 0, 'nothing sent at 22:00');
  assert.equal(outbox(stack).length, 1);
  setClock(stack, '2026-12-03T08:00:00Z'); // Thursday morning
  await waitFor(() => withSubject(inbox(), 'Connect: relay was down').length, 'the retried message');
  await sleep(2500);
  assert.equal(withSubject(inbox(), 'Connect: relay was down').length, 1, 'exactly once');
  assert.deepEqual(outbox(stack), []);
});

test('nothing is sent at weekends or at night; it goes at 08:00 UK time on the next working day', async () => {
  setClock(stack, '2026-12-05T12:00:00Z'); // Saturday
  queue(stack, 'weekend@example.test', 'Connect: queued on Saturday');
  const [w] = outbox(stack);
  assert.equal(w.next_at, '2026-12-07T08:00:00Z', 'waits for Monday 08:00');
  await sleep(2500);
  setClock(stack, '2026-12-06T22:00:00Z'); // Sunday night
  await sleep(2000);
  setClock(stack, '2026-12-07T07:59:54Z'); // Monday, just before opening
  await sleep(2000);
  assert.equal(withSubject(inbox(), 'Connect: queued on Saturday').length, 0, 'nothing before Monday 08:00');
  setClock(stack, '2026-12-07T08:00:00Z');
  await waitFor(() => withSubject(inbox(), 'Connect: queued on Saturday').length, 'the Saturday message on Monday');
  // Delivered means accepted by the relay and then deleted from the outbox, a moment later.
  await waitFor(() => outbox(stack).length === 0, 'the delivered message to leave the outbox');

  setClock(stack, '2026-12-07T22:00:00Z'); // Monday night
  queue(stack, 'night@example.test', 'Connect: queued at night');
  assert.equal(outbox(stack)[0].next_at, '2026-12-08T08:00:00Z');
  await sleep(2500);
  assert.equal(withSubject(inbox(), 'Connect: queued at night').length, 0, 'nothing at night');
  setClock(stack, '2026-12-08T08:00:05Z');
  await waitFor(() => withSubject(inbox(), 'Connect: queued at night').length, 'the night message in the morning');
  assert.equal(withSubject(inbox(), 'Connect: queued on Saturday').length, 1);
  assert.equal(withSubject(inbox(), 'Connect: queued at night').length, 1);
});

test('connectd restarted with messages waiting delivers each exactly once', async () => {
  setClock(stack, '2026-12-12T12:00:00Z'); // Saturday: they wait
  const subjects = ['Connect: restart 1', 'Connect: restart 2', 'Connect: restart 3'];
  for (const s of subjects) queue(stack, 'restart@example.test', s);
  assert.equal(outbox(stack).length, 3);
  await stack.stop();
  stack = await startStack({ data: stackData, keep: true, demo: false, clock: offsetFor('2026-12-12T12:05:00Z'), env: smtpEnv() });
  await sleep(2000);
  assert.equal(outbox(stack).length, 3, 'still waiting after the restart');
  setClock(stack, '2026-12-14T08:00:00Z'); // Monday
  await waitFor(() => subjects.every((s) => withSubject(inbox(), s).length), 'the three messages');
  await stack.stop();
  stack = await startStack({ data: stackData, keep: true, demo: false, clock: offsetFor('2026-12-14T08:01:00Z'), env: smtpEnv() });
  await sleep(2500);
  for (const s of subjects) assert.equal(withSubject(inbox(), s).length, 1, `${s} exactly once`);
  assert.deepEqual(outbox(stack), []);
});

test('a stop during a send lets the send finish and its deletion commit: the message is not sent again', async () => {
  setClock(stack, '2026-12-14T09:00:00Z');
  rmSync(join(inbox(), 'inflight'), { force: true });
  queue(stack, 'slow@example.test', 'Connect: [slow] in flight at the stop');
  await waitFor(() => existsSync(join(inbox(), 'inflight')), 'the relay to start receiving');
  const t0 = Date.now();
  await stack.stop(); // the relay holds its reply for 2 s
  assert.ok(Date.now() - t0 > 500, 'the stop waited for the send in progress');
  assert.equal(withSubject(inbox(), 'Connect: [slow] in flight at the stop').length, 1, 'the relay has it');
  const log = connectdLog(stack);
  assert.ok(log.lastIndexOf('delivered to slow@example.test') < log.lastIndexOf('connectd: stopped'), 'delivered before connectd stopped');
  stack = await startStack({ data: stackData, keep: true, demo: false, clock: offsetFor('2026-12-14T09:01:00Z'), env: smtpEnv() });
  await sleep(2500);
  assert.equal(withSubject(inbox(), 'Connect: [slow] in flight at the stop').length, 1, 'not sent again after the restart');
  assert.deepEqual(outbox(stack), []);
});

test('connectctl outbox add refuses a bad address or subject, and lists no bodies', () => {
  let r = ctl(stack, ['outbox', 'add', '--to', 'not-an-address', '--subject', 'x', '--body-stdin'], 'b');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--to/);
  r = ctl(stack, ['outbox', 'add', '--to', 'a@example.test', '--subject', '', '--body-stdin'], 'b');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--subject/);
  r = ctl(stack, ['outbox', 'add', '--to', 'a@example.test', '--subject', 'Bcc\r\nX: y', '--body-stdin'], 'b');
  assert.notEqual(r.status, 0);
  r = ctl(stack, ['outbox', 'add', '--to', 'a@example.test', '--subject', 'x'], 'b');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--body-stdin/);
});

// ---- the monthly summary and the API, on the demo data ----

test('the 1,000-day summary reaches each council admin with an address once, on the first working day of the month', async () => {
  const demo = await startStack({ keep: true, clock: offsetFor('2026-11-28T12:00:00Z'), env: smtpEnv() }); // a Saturday
  const data = demo.data;
  try {
    const worker = new Client(demo.base);
    assertStatus(await worker.login('nfc.user'), 200, 'nfc.user signs in');
    // Tuesday 1 December 2026 less 1,000 days is 6 March 2024.
    const old = await createCase(worker);
    assertStatus(await worker.req('PUT', `/api/cases/${old.id}/finance`, { body: { support_start_date: '2024-03-06' } }), 200, 'finance');
    const recent = await createCase(worker);
    assertStatus(await worker.req('PUT', `/api/cases/${recent.id}/finance`, { body: { support_start_date: '2024-03-07' } }), 200, 'finance');
    const closed = await createCase(worker);
    assertStatus(await worker.req('PUT', `/api/cases/${closed.id}/finance`, { body: { support_start_date: '2020-01-01' } }), 200, 'finance');
    assertStatus(await worker.req('POST', `/api/cases/${closed.id}/closure`, { body: { closure_date: '2026-11-28', reason: 'left_area' } }), 200, 'closure');

    const admin = new Client(demo.base);
    assertStatus(await admin.login('nfc.admin'), 200);
    const second = uname('second.admin');
    assertStatus(await admin.req('POST', '/api/users', { body: { username: second, name: 'Second Admin', role: 'admin', email: `${second}@example.test` } }), 201);
    const noMail = uname('nomail.admin');
    assertStatus(await admin.req('POST', '/api/users', { body: { username: noMail, name: 'No Mail', role: 'admin' } }), 201);

    const subject = 'Connect: 1,000-day summary for Northfield City Council, December 2026';
    setClock(demo, '2026-12-01T07:59:50Z'); // the first working day, before opening
    await sleep(2500);
    assert.equal(withSubject(inbox(), subject).length, 0, 'nothing before 08:00');
    setClock(demo, '2026-12-01T08:00:00Z');
    const nfc = await waitFor(() => { const l = withSubject(inbox(), subject); return l.length >= 2 && l; }, 'the Northfield summaries');
    assert.deepEqual(nfc.map((m) => m.rcpt_tos[0]).sort(), [`${second}@example.test`, 'nfc.admin@example.test'].sort(),
      'the admins with an address, and not the caseworker');
    const { body } = nfc[0];
    assert.ok(body.includes(`\r\nC${old.id}\r\n`), `lists C${old.id} (1,000 days):\n${body}`);
    assert.ok(!body.includes(`C${recent.id}\r\n`), 'not a case of 999 days');
    assert.ok(!body.includes(`C${closed.id}\r\n`), 'not a closed case');
    const ids = body.match(/^C\d+$/gm) ?? [];
    assert.match(body, new RegExp(`or before 2024-03-06: ${ids.length}\r\n`), 'the count matches the list');
    for (const c of [old, recent, closed]) {
      assert.ok(!body.includes(c.principal.family_name) && !body.includes(c.principal.given_names), 'no names');
    }
    for (const council of ['Eastbrook Borough Council', 'Westmere County Council']) {
      await waitFor(() => withSubject(inbox(), `Connect: 1,000-day summary for ${council}, December 2026`).length, council);
    }
    // Later the same day, and after a restart: not again.
    setClock(demo, '2026-12-01T15:00:00Z');
    await sleep(2500);
    await demo.stop();
    Object.assign(demo, await startStack({ data, keep: true, clock: offsetFor('2026-12-01T15:30:00Z'), env: smtpEnv() }));
    await sleep(2500);
    assert.equal(withSubject(inbox(), subject).length, 2, 'each admin got it once');
    assert.equal(withSubject(inbox(), 'Connect: 1,000-day summary for Westmere County Council, December 2026').length, 1);
    // The second working day of the month never sends one.
    setClock(demo, '2026-12-02T09:00:00Z');
    await sleep(2000);
    assert.equal(received(inbox()).filter((m) => m.headers.subject.startsWith('Connect: 1,000-day summary')).length, 4);
  } finally {
    await demo.stop();
    if (!process.env.KEEP_DATA) rmSync(data, { recursive: true, force: true });
  }
});

test('users have an email address: set, shown, changed, cleared and validated through the API and connectctl', async () => {
  const demo = await startStack({ env: {} });
  try {
    const admin = new Client(demo.base);
    assertStatus(await admin.login('nfc.admin'), 200);
    const me = await admin.req('GET', '/api/me');
    assertUser(me.json);
    assert.equal(me.json.email, 'nfc.admin@example.test', 'demo users have <username>@example.test');

    const username = uname('mail.user');
    const made = await admin.req('POST', '/api/users', { body: { username, name: 'Mail User', role: 'user', email: 'Mail.User@Example.test' } });
    assertStatus(made, 201);
    assertUser(made.json.user);
    assert.equal(made.json.user.email, 'Mail.User@Example.test');
    const id = made.json.user.id;
    let r = await admin.req('GET', `/api/users/${id}`);
    assert.equal(r.json.email, 'Mail.User@Example.test');
    r = await admin.req('PATCH', `/api/users/${id}`, { body: { email: 'new@example.test' } });
    assertStatus(r, 200);
    assert.equal(r.json.email, 'new@example.test');
    r = await admin.req('PATCH', `/api/users/${id}`, { body: { name: 'Renamed' } });
    assert.equal(r.json.email, 'new@example.test', 'kept when not given');
    r = await admin.req('PATCH', `/api/users/${id}`, { body: { email: '' } });
    assert.equal(r.json.email, null, 'an empty string clears it');
    r = await admin.req('PATCH', `/api/users/${id}`, { body: { email: 'again@example.test' } });
    r = await admin.req('PATCH', `/api/users/${id}`, { body: { email: null } });
    assert.equal(r.json.email, null, 'null clears it');
    const plain = await admin.req('POST', '/api/users', { body: { username: uname('plain'), name: 'Plain', role: 'user' } });
    assert.equal(plain.json.user.email, null, 'none unless given');

    const bad = ['ab', 'no-at-sign.example.test', 'two@@example.test', 'a@b@example.test', 'with space@example.test',
      'tab\t@example.test', 'line\r\nBcc: x@example.test', 'cr\r@example.test', '@example.test', 'user@',
      `${'x'.repeat(250)}@e.st`, '<a@example.test>', 'a,b@example.test', 'né@example.test'];
    for (const email of bad) {
      assertError(await admin.req('POST', '/api/users', { body: { username: uname('bad'), name: 'Bad', role: 'user', email } }), 422, 'validation_failed', 'email', `POST ${JSON.stringify(email)}`);
      assertError(await admin.req('PATCH', `/api/users/${id}`, { body: { email } }), 422, 'validation_failed', 'email', `PATCH ${JSON.stringify(email)}`);
    }
    assertError(await admin.req('PATCH', `/api/users/${id}`, { body: { email: 42 } }), 400, 'invalid_field', 'email');
    r = await admin.req('GET', `/api/users/${id}`);
    assert.equal(r.json.email, null, 'nothing stored by refused changes');
    assert.equal(r.json.name, 'Renamed');
    const longest = `${'x'.repeat(240)}@example.test`; // 253 characters
    r = await admin.req('PATCH', `/api/users/${id}`, { body: { email: longest } });
    assertStatus(r, 200);
    assert.equal(r.json.email, longest);

    // connectctl user add --email
    const cliUser = uname('cli.mail');
    let c = ctl(demo, ['user', 'add', '--org', 'NFC', '--username', cliUser, '--name', 'Cli Mail', '--role', 'user', '--email', 'cli@example.test', '--password-stdin'], 'Quiet-Harbour-Lantern-77\n');
    assert.equal(c.status, 0, c.stderr);
    r = await admin.req('GET', `/api/users/${c.stdout.trim()}`);
    assertStatus(r, 200);
    assert.equal(r.json.email, 'cli@example.test');
    c = ctl(demo, ['user', 'add', '--org', 'NFC', '--username', uname('cli.bad'), '--name', 'Cli Bad', '--role', 'user', '--email', 'nope', '--password-stdin'], 'Quiet-Harbour-Lantern-77\n');
    assert.notEqual(c.status, 0);
    assert.match(c.stderr, /--email/);
  } finally {
    await demo.stop();
  }
});
