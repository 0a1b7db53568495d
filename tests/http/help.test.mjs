// The Help page (issue 15 item 7): GET /api/help for everyone signed in, PUT /api/help for the
// Network admin only, each contact validated by its table; the demo seeds sensible contacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { assertError, assertStatus, signIn } from '../lib/http.mjs';

let stack; let net; let others;
before(async () => {
  stack = await startStack();
  net = await signIn(stack.base, 'net.admin');
  others = await Promise.all(['nfc.user', 'nfc.admin', 'ho.user', 'ho.admin'].map((u) => signIn(stack.base, u)));
});
after(async () => { if (stack) await stack.stop(); });

const contact = (over = {}) => ({
  name: 'Duty officer', email: 'duty@example.test', phone: '+44 (0)20 7946-0123', hours: '24 hours', notes: 'Line one\nLine two',
  ...over,
});

test('every signed-in user reads the seeded contacts; nobody signed out does', async () => {
  for (const who of [net, ...others]) {
    const r = await who.req('GET', '/api/help');
    assertStatus(r, 200, who.user.username);
    assert.equal(r.json.network.name, 'NRPF Network helpdesk');
    assert.match(r.json.network.email, /@/);
    assert.equal(r.json.ho_escalation.name, 'Home Office NRPF escalation duty officer');
    assert.match(r.json.ho_escalation.notes, /Urgent cases only/);
  }
  assertError(await net.req('GET', '/api/help', { auth: false }), 401, 'unauthenticated');
});

test('only the Network admin changes the contacts; the others are refused and change nothing', async () => {
  const body = { network: contact({ name: 'Network desk' }), ho_escalation: contact({ name: 'HO escalation', email: null }) };
  for (const who of others)
    assertError(await who.req('PUT', '/api/help', { body }), 403, 'forbidden', undefined, who.user.username);
  assert.equal((await others[0].req('GET', '/api/help')).json.network.name, 'NRPF Network helpdesk');

  const r = await net.req('PUT', '/api/help', { body });
  assertStatus(r, 200);
  assert.equal(r.json.network.name, 'Network desk');
  assert.equal(r.json.network.notes, 'Line one\nLine two');
  assert.equal(r.json.ho_escalation.email, null);
  assert.equal(r.json.updated_by, net.user.id);
  const seen = await others[2].req('GET', '/api/help');
  assert.deepEqual(seen.json, r.json, 'the HO user reads what the Network saved');
  const audit = await net.req('GET', '/api/audit?type=network_help_set');
  assertStatus(audit, 200);
  assert.equal(audit.json.items.length, 1, 'the change is audited');
});

test('each contact is validated by its table', async () => {
  const before = (await net.req('GET', '/api/help')).json;
  const cases = [
    [{ network: contact() }, 422, 'validation_failed', 'ho_escalation'],
    [{ network: contact(), ho_escalation: 'x' }, 400, 'invalid_field', 'ho_escalation'],
    [{ network: contact({ name: '' }), ho_escalation: contact() }, 422, 'validation_failed', 'network.name'],
    [{ network: contact({ name: 'x'.repeat(121) }), ho_escalation: contact() }, 422, 'validation_failed', 'network.name'],
    [{ network: contact({ email: 'not an address' }), ho_escalation: contact() }, 422, 'validation_failed', 'network.email'],
    [{ network: contact(), ho_escalation: contact({ phone: 'ask reception' }) }, 422, 'validation_failed', 'ho_escalation.phone'],
    [{ network: contact(), ho_escalation: contact({ phone: '123' }) }, 422, 'validation_failed', 'ho_escalation.phone'],
    [{ network: contact({ email: null, phone: null }), ho_escalation: contact() }, 422, 'validation_failed', 'network.email'],
    [{ network: contact({ hours: 7 }), ho_escalation: contact() }, 400, 'invalid_field', 'network.hours'],
    [{ network: contact({ hours: 'a\u0007b' }), ho_escalation: contact() }, 422, 'validation_failed', 'network.hours'],
    [{ network: contact({ fax: '1' }), ho_escalation: contact() }, 400, 'invalid_field', 'network.fax'],
    [{ network: contact(), ho_escalation: contact(), updated_at: 'x' }, 400, 'invalid_field', 'updated_at'],
  ];
  for (const [body, status, code, field] of cases)
    assertError(await net.req('PUT', '/api/help', { body }), status, code, field, JSON.stringify(body).slice(0, 80));
  assert.deepEqual((await net.req('GET', '/api/help')).json, before, 'no refused request changed anything');
});
