// The HTTPS side of the package test (package.test.mjs runs it as a child process, because Node reads
// NODE_EXTRA_CA_CERTS, the test certificate, only when it starts). Uses the tests' own client.
//   node tls-client.mjs load BASE HTTP_BASE USER PASSWORD BACKUP_CMD_JSON
//     signs in (setting up the second factor the shipped CONNECT_MFA=required asks for), checks the
//     cookie, HSTS and the HTTP redirect, then creates cases from 4 clients at once, runs the backup
//     command while they write, and prints {"before":[ids acknowledged before the backup began],
//     "inflight":[sent before, acknowledged after], "after":[sent after], "backup":{"status","stderr"},
//     "code": an unused recovery code}
//   node tls-client.mjs verify BASE USER PASSWORD RECOVERY_CODE IDS_JSON
//     signs in with the recovery code and fetches each case: prints {"found":[…],"missing":[…]}
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Client } from '../lib/stack.mjs';
import { totp } from '../lib/totp.mjs';
import { caseBody } from '../lib/cases.mjs';

const [mode, ...args] = process.argv.slice(2);

async function signInWithCode(base, user, password, code) {
  const c = new Client(base);
  const r = await c.req('POST', '/api/auth/login', { body: { username: user, password }, auth: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.mfa_required, true, r.text);
  const done = await c.req('POST', '/api/auth/mfa', { body: { mfa_token: r.json.mfa_token, code }, auth: false });
  assert.equal(done.status, 200, done.text);
  c.token = done.json.token;
  return { client: c, response: done };
}

if (mode === 'load') {
  const [base, httpBase, user, password, backupCmd] = args;
  // First sign-in: the password opens only the set-up of the second factor.
  const c = new Client(base);
  const first = await c.login(user, password);
  assert.equal(first.status, 200, first.text);
  const me = await c.req('GET', '/api/me');
  assert.equal(me.json.mfa_enrolment_required, true, 'the shipped CONNECT_MFA=required is in force');
  const start = await c.req('POST', '/api/me/mfa', { body: {} });
  assert.equal(start.status, 200, start.text);
  const secret = start.json.secret;
  const confirm = await c.req('POST', '/api/me/mfa/confirm', { body: { code: totp(secret, Date.now() / 1000) } });
  assert.equal(confirm.status, 200, confirm.text);
  // A new sign-in with a recovery code (the TOTP code of this step is spent); over https the cookie is
  // __Host- and Secure, and HSTS is sent.
  const codes = confirm.json.recovery_codes;
  const { client, response } = await signInWithCode(base, user, password, codes[0]);
  const cookie = response.headers.get('set-cookie') || '';
  assert.match(cookie, /^__Host-connect_session=[^;]+;.*\bSecure\b/i, `cookie: ${cookie}`);
  assert.match(response.headers.get('strict-transport-security') || '', /max-age=\d+/);
  const plain = await fetch(`${httpBase}/some/page`, { redirect: 'manual' });
  assert.equal(plain.status, 301);
  assert.match(plain.headers.get('location'), /^https:\/\//);
  const metrics = await fetch(`${base}/metrics`);
  assert.equal(metrics.status, 200, 'metrics answer on loopback');

  const before = []; const after = []; let backupStarted = false; let stop = false;
  const writer = async () => {
    while (!stop) {
      const wasStarted = backupStarted;
      const r = await client.req('POST', '/api/cases', { body: caseBody() });
      assert.equal(r.status, 201, r.text);
      // Acknowledged before the backup began only if the request was also sent before it began.
      (wasStarted ? after : before).push(r.json.id);
    }
  };
  const writers = [writer(), writer(), writer(), writer()];
  await new Promise((r) => setTimeout(r, 1500));
  const [cmd, ...cmdArgs] = JSON.parse(backupCmd);
  const ackedAtStart = before.length;
  backupStarted = true;
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise((r) => setTimeout(r, 300));
  stop = true;
  await Promise.all(writers);
  assert.ok(ackedAtStart > 0 && after.length > 0, 'writes went on before and while the backup ran');
  process.stdout.write(JSON.stringify({ before: before.slice(0, ackedAtStart), inflight: before.slice(ackedAtStart), after, backup: { status, stderr }, code: codes[1] }));
} else if (mode === 'verify') {
  const [base, user, password, code, idsJson] = args;
  const { client } = await signInWithCode(base, user, password, code);
  const found = []; const missing = [];
  for (const id of JSON.parse(idsJson)) {
    const r = await client.req('GET', `/api/cases/${id}`);
    (r.status === 200 ? found : missing).push(id);
  }
  process.stdout.write(JSON.stringify({ found, missing }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
