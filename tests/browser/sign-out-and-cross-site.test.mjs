// In a real browser: signing out clears the session cookie with Clear-Site-Data and signing in again
// still works; and another site's page cannot sign the browser in with a form post (the classic
// login CSRF, text/plain body carrying JSON): Connect answers 403 cross_site and sets no cookie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, DEMO_PASSWORD } from '../lib/stack.mjs';
import { launch, newPage, signIn, signOut, status, waitForHeading, waitForText } from './helpers.mjs';

let stack; let browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { await browser?.close(); await stack?.stop(); });

const sessionCookies = async (context) => (await context.cookies()).filter((c) => /connect_session$/.test(c.name));

test('sign out: Clear-Site-Data, no session cookie left, and signing in again works', async () => {
  const { context, page, assertClean } = await newPage(browser);
  await signIn(page, stack.base, 'nfc.user');
  await waitForHeading(page, /^Welcome, /);
  assert.equal((await sessionCookies(context)).length, 1, 'signed in: one session cookie');

  const logout = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
  await signOut(page);
  const r = await logout;
  assert.equal(r.status(), 204);
  assert.equal(await r.headerValue('clear-site-data'), '"cookies", "storage"');
  await waitForText(status(page), 'You have signed out');
  assert.deepEqual(await sessionCookies(context), [], 'no session cookie after signing out');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'nothing left in sessionStorage');

  await signIn(page, stack.base, 'nfc.user', DEMO_PASSWORD, { goto: false });
  await waitForHeading(page, /^Welcome, /);
  assertClean();
});

test('another site\'s form cannot sign the browser in: 403 cross_site, no cookie', async () => {
  const { context, page } = await newPage(browser);
  // The attacker's page, served by the test itself on another site (localhost is not 127.0.0.1; both
  // are loopback, so Chrome's private-network rules stay out of the way).
  const attacker = `http://localhost:${stack.port}`;
  const field = '{"username":"nfc.user","password":"demo-password-2026","x":"';
  await page.route(`${attacker}/attacker.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><form method="post" enctype="text/plain" action="${stack.base}/api/auth/login">`
      + `<input type="hidden" name='${field}' value='"}'></form><script>document.forms[0].submit()</script>`,
  }));
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await page.goto(`${attacker}/attacker.html`);
  const r = await answer;
  assert.equal(r.status(), 403);
  assert.equal((await r.json()).error.code, 'cross_site');
  assert.equal(await r.headerValue('set-cookie'), null, 'no Set-Cookie');
  assert.deepEqual(await sessionCookies(context), [], 'the browser holds no session');
  // The browser shows Connect's answer, not a signed-in app.
  await page.waitForURL(`${stack.base}/api/auth/login`);
  assert.match(await page.content(), /cross_site/);
});
