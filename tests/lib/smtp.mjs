// A real SMTP relay on loopback for the email tests (tests/lib/smtp_sink.py over Debian's aiosmtpd),
// and what it received.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './stack.mjs';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // Debian's, with aiosmtpd
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seconds from the real time to the instant `iso`: the test-clock offset that makes it "now" (rounded
 * up, as connectd's clock counts whole seconds: "now" is then `iso` or at most a second after it). */
export const offsetFor = (iso) => Math.ceil(Date.parse(iso) / 1000 - Date.now() / 1000);
export const setClock = (stack, iso) => stack.setClockOffset(offsetFor(iso));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export async function waitFor(check, what, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The SMTP relay: a python process writing each message it accepts into `dir`. */
export async function startRelay(port, dir) {
  const child = spawn(PYTHON, [join(ROOT, 'tests', 'lib', 'smtp_sink.py'), String(port), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`the SMTP relay did not start:\n${out}`);
    return out.includes('ready');
  }, 'the SMTP relay');
  return { async stop() { if (child.exitCode === null) child.kill('SIGTERM'); await exited; } };
}

/** Decodes RFC 2047 "B" words (UTF-8), dropping the folding between adjacent words. */
export function decodeWords(v) {
  return v.replace(/(=\?UTF-8\?B\?[^?]*\?=)\s+(?==\?UTF-8\?B\?)/gi, '$1')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

/** Every message the relay accepted, oldest first: {mail_from, rcpt_tos, data, headers, body}. */
export function received(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const m = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const cut = m.data.indexOf('\r\n\r\n');
    const head = m.data.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
    const headers = {};
    for (const line of head.split('\r\n')) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    headers.subject = decodeWords(headers.subject ?? '');
    return { ...m, headers, body: m.data.slice(cut + 4) };
  });
}
