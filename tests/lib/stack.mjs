// Starts the real Connect stack (nginx + connectd over a unix socket, real LMDB files) on a free
// loopback port with a fresh data folder, through the same launcher `make run` uses (nginx/serve.sh).
// Every HTTP and browser test file starts its own stack so files never share state.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_PASSWORD = 'demo-password-2026';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/**
 * startStack({demo = true, env = {}, data = null, keep = false, clock = false, mfa = 'optional'}) -> {base, port, data, secretKey(), stop()}
 * Pass `data` to start on an existing data folder, and `keep` to leave the folder in place at stop().
 * `clock: true` starts connectd with a test clock that setClockOffset(seconds) moves forward; a number
 * instead of true starts the clock at that offset (seconds after the real time).
 * `mfa` sets CONNECT_MFA (off|optional|required); the tests default to 'optional', so a test that does not
 * care about the second factor signs in with a password alone.
 * `base` is "http://127.0.0.1:PORT". `secretKey()` returns the JWT key bytes (for forging test tokens).
 */
// The test clock of each running stack (by base URL), so helpers can compute codes on the server's time.
const clockFiles = new Map();
// Second factors that helpers set up for accounts (by user name, which the tests make unique; not by
// base URL, which changes when a test restarts its stack): their recovery codes, so that Client.login
// can finish a two-step sign-in for them like a person holding the codes would.
const secondFactors = new Map();

/** Seconds since the epoch on the server of `base` (the real time plus its test clock's offset). */
export function serverSeconds(base) {
  const file = clockFiles.get(base);
  let offset = 0;
  if (file) { try { offset = Number(readFileSync(file, 'utf8').trim()) || 0; } catch { /* no clock */ } }
  return Date.now() / 1000 + offset;
}

/** Remembers the recovery codes of `username`'s second factor (tests/lib/http.mjs). */
export function rememberSecondFactor(username, codes) {
  secondFactors.set(username.toLowerCase(), [...codes]);
}

export async function startStack({ demo = true, env = {}, data: reuse = null, keep = false, clock = false, mfa = 'optional' } = {}) {
  const port = await freePort();
  const data = reuse ?? mkdtempSync(join(tmpdir(), 'connect-test-'));
  const clockFile = join(data, 'test-clock-offset');
  if (clock !== false) {
    writeFileSync(clockFile, String(clock === true ? 0 : Math.trunc(clock)));
    env = { ...env, CONNECT_TEST_CLOCK: clockFile };
  }
  const child = spawn('bash', [join(ROOT, 'nginx', 'serve.sh')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA: data, DEMO: demo ? '1' : '0', LOGIN_RATE: '100r/s', LOGIN_BURST: '100', CONNECT_MFA: mfa, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stack exited early:\n${output}`);
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.status === 200) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) { child.kill('SIGTERM'); throw new Error(`stack did not start:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (clock !== false) clockFiles.set(base, clockFile);
  return {
    base, port, data, clockFile,
    output: () => output,
    /** With {clock: true}: moves the server's clock to `seconds` after the real time. */
    // Written whole and renamed into place: connectd re-reads the file for every request, and a file
    // read between its truncation and its write has no offset in it.
    setClockOffset: (seconds) => { writeFileSync(`${clockFile}.new`, String(Math.trunc(seconds))); renameSync(`${clockFile}.new`, clockFile); },
    secretKey: () => Buffer.from(readFileSync(join(data, 'jwt.key'), 'utf8').trim(), 'hex'),
    /** Stops the stack; throws if a sanitizer (ASan/UBSan builds) reported anything meanwhile. */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const r = await exited;
      let log = '';
      try { log = readFileSync(join(data, 'log', 'connectd.log'), 'utf8'); } catch { /* no log */ }
      if (!process.env.KEEP_DATA && !keep) rmSync(data, { recursive: true, force: true });
      const bad = log.match(/(ERROR: \w+Sanitizer|runtime error:)[\s\S]{0,2000}/);
      if (bad) throw new Error(`sanitizer report in connectd.log:\n${bad[0]}`);
      return r;
    },
  };
}

/** A small client: keeps a bearer token or a cookie, and sends JSON. */
export class Client {
  constructor(base) { this.base = base; this.token = null; this.cookie = null; }
  async req(method, path, { body, raw, headers = {}, auth = true } = {}) {
    const h = { ...headers };
    if (auth && this.token) h.authorization = `Bearer ${this.token}`;
    if (auth && this.cookie) h.cookie = this.cookie;
    let payload;
    if (raw !== undefined) { payload = raw; h['content-type'] ??= 'application/json'; }
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] = 'application/json'; }
    const r = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: r.status, headers: r.headers, json, text };
  }
  async login(username, password = DEMO_PASSWORD) {
    let r = await this.req('POST', '/api/auth/login', { body: { username, password }, auth: false });
    const codes = secondFactors.get(String(username).toLowerCase());
    if (r.status === 200 && r.json.mfa_required && codes) {
      if (!codes.length) throw new Error(`no recovery codes left for ${username}`);
      r = await this.req('POST', '/api/auth/mfa', { body: { mfa_token: r.json.mfa_token, code: codes.shift() }, auth: false });
    }
    if (r.status === 200) this.token = r.json.token;
    return r;
  }
}
