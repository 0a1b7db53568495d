// Sign-in faults made for real, not faked: a temporary password older than 7 days (on connectd's
// test clock) and connectd unreachable behind nginx (nginx answers 503 in the API's JSON shape). The
// person sees a plain sentence each time.
import { test, before, after } from 'node:test';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, Client } from '../lib/stack.mjs';
import { launch, newPage, signIn, waitForText } from './helpers.mjs';

let stack; let browser;
// A connection per request (FASTCGI_KEEPALIVE=0): a FastCGI connection nginx keeps open would reach
// connectd past the hidden socket (as in tests/http/nginx-errors.test.mjs).
before(async () => { stack = await startStack({ clock: true, env: { FASTCGI_KEEPALIVE: '0' } }); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop().catch(() => {}); });

test('a temporary password older than 7 days: the page says so and what to do', async () => {
  const admin = new Client(stack.base);
  await admin.login('nfc.admin');
  const made = await admin.req('POST', '/api/users', { body: { username: 'late.starter', name: 'Late Starter', role: 'user' } });
  stack.setClockOffset(7 * 86400 + 60);
  const { page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'late.starter', made.json.temporary_password);
  await waitForText(page.locator('.error-summary'), 'Your temporary password has expired');
  stack.setClockOffset(0);
  assertClean();
});

test('with connectd unreachable behind nginx, sign-in says the service is unavailable', async () => {
  // nginx finds no FastCGI socket (as when connectd is down) and answers 503 in the JSON shape. Both
  // go: the read workers' and the write worker's (sign-in is a POST: nginx/fastcgi.conf).
  const socks = ['connectd.sock', 'connectd-write.sock'].map((f) => join(stack.data, 'run', f));
  for (const sock of socks) renameSync(sock, `${sock}.away`);
  try {
    const { page, assertClean } = await newPage(browser);
    await signIn(page, stack.base, 'nfc.user');
    await waitForText(page.locator('.error-summary'), 'The service is not available right now');
    assertClean();
  } finally {
    for (const sock of socks) renameSync(`${sock}.away`, sock);
  }
  const back = await new Client(stack.base).login('nfc.user');
  if (back.status !== 200) throw new Error(`sign-in after the socket came back: ${back.status}`);
});
