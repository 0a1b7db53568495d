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
