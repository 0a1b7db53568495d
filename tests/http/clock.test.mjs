// Lifetimes that need time to pass, on connectd's test clock: the 30-minute idle limit, the 8-hour
// absolute limit (even for a token renewed a minute ago), and the 7-day life of a temporary password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';

let stack;
before(async () => { stack = await startStack({ clock: true }); });
after(async () => { await stack?.stop(); });

const MIN = 60, HOUR = 3600, DAY = 86400;

test('a token unused for 30 minutes is refused; used within them it is renewed', async () => {
  stack.setClockOffset(0);
  const c = new Client(stack.base);
  assert.equal((await c.login('nfc.user')).status, 200);
  stack.setClockOffset(29 * MIN);
  const r = await c.req('GET', '/api/me');
  assert.equal(r.status, 200);
  assert.ok(r.headers.get('x-connect-token'), 'a renewed token comes back');
  stack.setClockOffset(31 * MIN);
  assert.equal((await c.req('GET', '/api/me')).status, 401, 'the original token has expired');
  c.token = r.headers.get('x-connect-token');
  assert.equal((await c.req('GET', '/api/me')).status, 200, 'the renewed one still works');
});

test('a session ends 8 hours after sign-in however active the user is', async () => {
  stack.setClockOffset(0);
  const c = new Client(stack.base);
  assert.equal((await c.login('ebc.user')).status, 200);
  let offset = 0;
  // Stay active every 20 minutes, switching to each renewed token, up to 7h40m.
  while (offset < 7 * HOUR + 40 * MIN) {
    offset += 20 * MIN;
    stack.setClockOffset(offset);
    const r = await c.req('GET', '/api/me');
    assert.equal(r.status, 200, `active at +${offset / MIN} min`);
    const fresh = r.headers.get('x-connect-token');
    if (fresh) c.token = fresh;
  }
  // The last renewal cannot reach past sign-in + 8h.
  const payload = JSON.parse(Buffer.from(c.token.split('.')[1], 'base64url').toString());
  assert.ok(payload.exp - (payload.iat - offset) <= 8 * HOUR + 5, 'exp capped at sign-in + 8 hours');
  assert.ok(payload.exp - payload.iat < 30 * MIN, 'the last renewal is shorter than the idle lifetime');
  stack.setClockOffset(8 * HOUR + 1 * MIN);
  const late = await c.req('GET', '/api/me');
  assert.equal(late.status, 401);
  assert.equal(late.json.error.code, 'unauthenticated');
});

test('a temporary password works for 7 days, then sign-in says it has expired', async () => {
  stack.setClockOffset(0);
  const admin = new Client(stack.base);
  assert.equal((await admin.login('wmc.admin')).status, 200);
  const a = await admin.req('POST', '/api/users', { body: { username: 'temp.early', name: 'Temp Early', role: 'user' } });
  const b = await admin.req('POST', '/api/users', { body: { username: 'temp.late', name: 'Temp Late', role: 'user' } });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  stack.setClockOffset(7 * DAY - HOUR);
  const early = await new Client(stack.base).login('temp.early', a.json.temporary_password);
  assert.equal(early.status, 200);
  assert.equal(early.json.user.must_change_password, true);
  stack.setClockOffset(7 * DAY + MIN);
  const late = await new Client(stack.base).login('temp.late', b.json.temporary_password);
  assert.equal(late.status, 401);
  assert.equal(late.json.error.code, 'temporary_password_expired');
});
