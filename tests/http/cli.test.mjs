// connectctl, the operators' command line: init (key 0600, safe to repeat, calendar stored), org add,
// user add (password from stdin, policy applied), calendar import, check, backup; exit codes and
// one-line reasons; and a user it creates signs in through the real stack.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startStack, Client } from '../lib/stack.mjs';

const BIN = process.env.CONNECT_BIN ?? join(ROOT, 'bin');
const data = mkdtempSync(join(tmpdir(), 'connect-cli-'));
const ctl = (args, input) => spawnSync(join(BIN, 'connectctl'), ['--data', data, ...args], { input, encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
after(() => rmSync(data, { recursive: true, force: true }));

test('init makes the store and a private key, and is safe to repeat', () => {
  let r = ctl(['init']);
  assert.equal(r.status, 0, r.stderr);
  const key = readFileSync(join(data, 'jwt.key'), 'utf8');
  assert.match(key, /^[0-9a-f]{64}\n$/);
  assert.equal(statSync(join(data, 'jwt.key')).mode & 0o777, 0o600);
  r = ctl(['init']);
  assert.equal(r.status, 0);
  assert.equal(readFileSync(join(data, 'jwt.key'), 'utf8'), key, 'the key is kept');
});

test('org add prints the id; a taken code or a bad kind is refused with a reason', () => {
  const r = ctl(['org', 'add', '--kind', 'council', '--name', 'Riverside Council', '--code', 'rsc']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\n$/);
  const dup = ctl(['org', 'add', '--kind', 'council', '--name', 'Again', '--code', 'RSC']);
  assert.notEqual(dup.status, 0);
  assert.match(dup.stderr, /^connectctl: .*RSC.*\n$/);
  const kind = ctl(['org', 'add', '--kind', 'parish', '--name', 'X', '--code', 'XX']);
  assert.notEqual(kind.status, 0);
  assert.match(kind.stderr, /kind/);
});

test('user add reads the password from stdin and applies the policy', () => {
  const weak = ctl(['user', 'add', '--org', 'RSC', '--username', 'rsc.admin', '--name', 'Rita Admin', '--role', 'admin', '--password-stdin'], 'short\n');
  assert.notEqual(weak.status, 0);
  assert.match(weak.stderr, /at least 12/);
  const common = ctl(['user', 'add', '--org', 'RSC', '--username', 'rsc.admin', '--name', 'Rita Admin', '--role', 'admin', '--password-stdin'], '1qaz2wsx3edc\n');
  assert.notEqual(common.status, 0);
  assert.match(common.stderr, /common/);
  // zxcvbn's estimate, and the user name, the organisation's name and "connect" with digits around.
  for (const [pw, why] of [['password1234', /too easy to guess/], ['qwertyuiop12', /keyboard pattern/],
    ['aaaaaaaaaaaa', /repeated/], ['Riverside2026!!', /organisation's name/], ['rsc.admin12345', /user name/],
    ['connect-connect-1', /"connect"/], ['riverside-admin-pass', /too easy to guess/]]) {
    const r = ctl(['user', 'add', '--org', 'RSC', '--username', 'rsc.admin', '--name', 'Rita Admin', '--role', 'admin', '--password-stdin'], `${pw}\n`);
    assert.notEqual(r.status, 0, pw);
    assert.match(r.stderr, why, pw);
    assert.match(r.stderr, /Use three or four unrelated words, 12 characters or more\./, pw);
  }
  const ok = ctl(['user', 'add', '--org', 'RSC', '--username', 'rsc.admin', '--name', 'Rita Admin', '--role', 'admin', '--password-stdin'], 'kestrel-orchard-lantern-9\n');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^\d+\n$/);
  const again = ctl(['user', 'add', '--org', 'RSC', '--username', 'RSC.Admin', '--name', 'Other', '--role', 'user', '--password-stdin'], 'heron-quarry-blanket-4\n');
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /taken/);
  const noOrg = ctl(['user', 'add', '--org', 'NOPE', '--username', 'x.user', '--name', 'X', '--role', 'user', '--password-stdin'], 'a-perfectly-fine-pass\n');
  assert.notEqual(noOrg.status, 0);
  assert.match(noOrg.stderr, /NOPE/);
});

test('calendar import: a good file is stored, a bad one refused with the reason', () => {
  const good = ctl(['calendar', 'import', join(ROOT, 'store', 'bank-holidays.json')]);
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /83 bank holidays, 2018 to 2027/);
  const badFile = join(data, 'bad.json');
  writeFileSync(badFile, '{"england-and-wales":{"events":[{"date":"2026-02-30"}]}}');
  const bad = ctl(['calendar', 'import', badFile]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /not a date/);
});

test('check and backup succeed on a healthy store', () => {
  const c = ctl(['check']);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /chain intact/);
  const dest = join(data, 'backup');
  const b = ctl(['backup', dest]);
  assert.equal(b.status, 0, b.stderr);
  assert.ok(existsSync(join(dest, 'data.mdb')));
});

test('a user made by the CLI signs in through nginx and connectd', async () => {
  rmSync(join(data, 'backup'), { recursive: true, force: true });
  const stack = await startStack({ data, keep: true, demo: false });
  try {
    const c = new Client(stack.base);
    const r = await c.login('rsc.admin', 'kestrel-orchard-lantern-9');
    assert.equal(r.status, 200);
    assert.equal(r.json.user.org.name, 'Riverside Council');
    assert.equal(r.json.user.role, 'admin');
    assert.equal(r.json.user.must_change_password, false);
  } finally {
    await stack.stop();
  }
});

test('user unlock and user reset-password: the operator\'s way back in, on a live stack, audited', async () => {
  const stack = await startStack({ data, keep: true, demo: false });
  try {
    const c = new Client(stack.base);
    const before = new Client(stack.base);
    assert.equal((await before.login('rsc.admin', 'kestrel-orchard-lantern-9')).status, 200);
    for (let i = 0; i < 5; i++) await c.login('rsc.admin', `wrong-guess-number-${i}`);
    assert.equal((await c.login('rsc.admin', 'kestrel-orchard-lantern-9')).status, 429, 'throttled');
    const un = ctl(['user', 'unlock', 'RSC.Admin']);
    assert.equal(un.status, 0, un.stderr);
    assert.match(un.stdout, /^\d+\n$/);
    assert.equal((await c.login('rsc.admin', 'kestrel-orchard-lantern-9')).status, 200, 'unlocked at once');
    const nobody = ctl(['user', 'unlock', 'no.such.user']);
    assert.notEqual(nobody.status, 0);
    assert.equal(nobody.stderr, 'connectctl: no user named no.such.user\n');
    assert.notEqual(ctl(['user', 'unlock']).status, 0, 'the user name is required');

    const weak = ctl(['user', 'reset-password', 'rsc.admin', '--password-stdin'], 'password1234\n');
    assert.notEqual(weak.status, 0);
    assert.match(weak.stderr, /too easy to guess/);
    assert.notEqual(ctl(['user', 'reset-password', 'rsc.admin'], 'walnut-harbour-quill-33\n').status, 0, '--password-stdin is required');
    const reset = ctl(['user', 'reset-password', 'rsc.admin', '--password-stdin'], 'walnut-harbour-quill-33\n');
    assert.equal(reset.status, 0, reset.stderr);
    assert.equal(reset.stdout, un.stdout, 'the same user id');
    assert.equal((await before.req('GET', '/api/me')).status, 401, 'the sessions it had are ended');
    assert.equal((await c.login('rsc.admin', 'kestrel-orchard-lantern-9')).status, 401, 'the old password is gone');
    const fresh = new Client(stack.base);
    const r = await fresh.login('rsc.admin', 'walnut-harbour-quill-33');
    assert.equal(r.status, 200);
    assert.equal(r.json.user.must_change_password, true, 'a password the operator chose must be changed');
    const tail = ctl(['audit', 'tail', '40']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const id = Number(un.stdout);
    for (const action of ['account_unlocked', 'password_reset'])
      assert.ok(tail.some((e) => e.action === action && e.target === id && !e.actor), `${action} audited with no actor: ${JSON.stringify(tail.slice(0, 5))}`);
  } finally {
    await stack.stop();
  }
});

// Every command connectctl dispatches, with the words that name it (the usage is generated from the
// same table, so a command missing here or there is a bug in one of the two).
const COMMANDS = ['init', 'org add', 'org set', 'user add', 'user unlock', 'user reset-password', 'seed-demo', 'backup', 'restore', 'calendar import', 'register import',
  'gen-register', 'gen-cases', 'audit tail', 'outbox add', 'outbox list', 'check', 'retention run', 'compact', 'scrub', 'facts rebuild', 'disclosure-pair set',
  'org set-nino-partner'];
const run = (args) => spawnSync(join(BIN, 'connectctl'), args, { encoding: 'utf8', env: { ...process.env, CONNECT_ROOT: ROOT } });
const listed = (usage) => usage.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim());

test('--help prints the usage with every command, its arguments and a description, and exits 0', () => {
  const r = run(['--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^usage: connectctl --data DIR COMMAND \[ARGUMENTS\]\n/);
  const lines = listed(r.stdout);
  assert.equal(lines.length, COMMANDS.length, `one line per command:\n${r.stdout}`);
  for (const cmd of COMMANDS)
    assert.ok(lines.some((l) => l === cmd || l.startsWith(`${cmd} `)), `the usage lists ${cmd}:\n${r.stdout}`);
  assert.ok(lines.includes('backup DEST'));
  assert.ok(lines.includes('calendar import FILE'));
  assert.ok(lines.includes('audit tail [N]'));
  assert.ok(lines.some((l) => l.startsWith('outbox add --to ADDRESS --subject S --body-stdin')));
  assert.ok(lines.some((l) => l.startsWith('user add --org CODE') && l.endsWith('--password-stdin')));
  // Each command is followed by its one-line description.
  const all = r.stdout.split('\n');
  for (let i = 0; i < all.length; i++)
    if (/^ {2}\S/.test(all[i])) assert.match(all[i + 1], /^ {6}\S.{10,}$/, `a description under ${all[i]}`);
  assert.equal(run(['--data', data, '--help']).stdout, r.stdout, 'the same after --data DIR');
});

test('no arguments, or an unknown command, print the usage on stderr and fail', () => {
  const none = run([]);
  assert.notEqual(none.status, 0);
  assert.equal(none.stdout, '');
  assert.equal(listed(none.stderr).length, COMMANDS.length, none.stderr);
  const noCommand = run(['--data', data]);
  assert.notEqual(noCommand.status, 0);
  assert.equal(listed(noCommand.stderr).length, COMMANDS.length);
  const unknown = ctl(['frobnicate']);
  assert.notEqual(unknown.status, 0);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /^connectctl: unknown command frobnicate\nusage: connectctl --data DIR/);
  assert.equal(listed(unknown.stderr).length, COMMANDS.length);
  const second = ctl(['outbox', 'sned']);
  assert.notEqual(second.status, 0);
  assert.match(second.stderr, /^connectctl: unknown command outbox sned\n/);
  const missing = ctl(['backup']);
  assert.notEqual(missing.status, 0);
  assert.equal(missing.stderr, 'connectctl: usage: connectctl --data DIR backup DEST\n');
});
