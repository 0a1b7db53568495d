// With FASTCGI_KEEPALIVE=1 (serve.sh's default) nginx keeps FastCGI connections to connectd open
// (fastcgi_keep_conn + upstream keepalive); an idle one waits in connectd's epoll set, not in a
// thread. These tests drive far more clients than connectd has threads, with pauses longer than the
// upstream keepalive timeout between bursts, and require every request to be answered promptly:
// nothing stalls behind idle kept connections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { signIn } from '../lib/http.mjs';
import { createCase, download, pdfBytes, upload } from '../lib/cases.mjs';

let stack, token;
before(async () => {
  stack = await startStack({ env: { FASTCGI_KEEPALIVE: '1' } });
  const c = new Client(stack.base);
  token = (await c.login('nfc.user')).json.token;
});
after(async () => { await stack?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function burst(n, path = '/api/me', init = {}) {
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: n }, async () => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 15000);
    try {
      const r = await fetch(stack.base + path, { headers: { authorization: `Bearer ${token}` }, signal: ctl.signal, ...init });
      await r.arrayBuffer();
      return r.status;
    } catch (e) {
      return `error: ${e.name}`;
    } finally {
      clearTimeout(timer);
    }
  }));
  return { results, ms: Date.now() - started };
}

test('300 concurrent clients (many more than connectd threads) are all answered', async () => {
  const { results, ms } = await burst(300);
  const bad = results.filter((s) => s !== 200);
  assert.deepEqual(bad, [], `all 200 (took ${ms} ms)`);
  assert.ok(ms < 15000, `answered in ${ms} ms`);
});

test('after kept connections sit idle past their timeout, the next bursts are answered', async () => {
  for (let round = 0; round < 2; round++) {
    await sleep(11000); // > keepalive_timeout 10s in nginx's upstream block
    const { results, ms } = await burst(100);
    assert.deepEqual(results.filter((s) => s !== 200), [], `round ${round}: all 200 (took ${ms} ms)`);
  }
});

test('slow requests (sign-ins) and fast ones mixed: none waits behind idle connections', async () => {
  const logins = Array.from({ length: 24 }, () => fetch(`${stack.base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'nfc.user', password: 'demo-password-2026' }),
  }).then((r) => r.status));
  const fast = burst(200, '/api/health');
  const [ls, f] = await Promise.all([Promise.all(logins), fast]);
  assert.deepEqual(ls.filter((s) => s !== 200), []);
  assert.deepEqual(f.results.filter((s) => s !== 200), []);
});

// connectd writes each reply whole: its head and body as FastCGI records of up to 64 KB and the end of
// the request, in one write (fcgi/http.c, write_whole). A reply of several records, ending at an odd
// byte, must arrive whole with its Content-Length, and leave the kept connection ready for the next
// request, small or large, on the same pooled connections.
test('replies of several FastCGI records and small ones, mixed on kept connections, arrive whole', async () => {
  const user = await signIn(stack.base, 'nfc.user');
  const c = await createCase(user);
  const pdf = pdfBytes();
  const bytes = Buffer.concat([pdf, Buffer.alloc(3 * 65535 + 7 - pdf.length, 0x20)]);
  const up = await upload(user, c.id, bytes, { filename: 'records.pdf', contentType: 'application/pdf' });
  assert.equal(up.status, 201, up.text);
  const gets = Array.from({ length: 60 }, async (_, i) => {
    if (i % 2) {
      const r = await fetch(`${stack.base}/api/me`, { headers: { authorization: `Bearer ${user.token}` } });
      const me = await r.json();
      return r.status === 200 && me.username === 'nfc.user' ? 'ok' : `me ${r.status}`;
    }
    const d = await download(user, c.id, up.json.id);
    if (d.status !== 200) return `download ${d.status}`;
    if (d.headers.get('content-length') !== String(bytes.length)) return `Content-Length ${d.headers.get('content-length')}`;
    return d.bytes.equals(bytes) ? 'ok' : `bytes differ (${d.bytes.length} of ${bytes.length})`;
  });
  const results = await Promise.all(gets);
  assert.deepEqual(results.filter((x) => x !== 'ok'), []);
});
