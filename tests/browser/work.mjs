// Shared by the browser tests of alerts, queries and the home counters: signed-in API clients for
// the demo users, signed-in pages, cases made through the API, and reading the home counters.
import assert from 'node:assert/strict';
import { Client } from '../lib/stack.mjs';
import { newPage, signIn, waitForHeading, waitForText } from './helpers.mjs';

/** API clients (bearer) for `names`: {username: {client, user}}. */
export async function apiUsers(base, names) {
  const out = {};
  for (const name of names) {
    const client = new Client(base);
    const r = await client.login(name);
    assert.equal(r.status, 200, r.text);
    out[name] = { client, user: r.json.user };
  }
  return out;
}

/** A page signed in as `username`, on the home page. */
export async function pageFor(browser, base, username, opts) {
  const p = await newPage(browser, opts);
  await signIn(p.page, base, username);
  await waitForHeading(p.page, /^Welcome, /);
  return p;
}

let seq = 0;
/** A POST /api/cases body with a unique-enough person (no duplicate check trips). */
export function caseBody(caseworkerId, { given = 'Test', family } = {}) {
  seq += 1;
  const year = 1950 + (process.pid % 40);
  const day = String(1 + (seq % 28)).padStart(2, '0');
  return {
    principal: {
      given_names: given, family_name: family || `Alertcase${process.pid % 1000}x${seq}`,
      date_of_birth: `${year}-0${1 + (seq % 9)}-${day}`, nationality: 'Sudanese', gender: 'female',
    },
    dependants: [],
    legislation: 'care_act_2014',
    household_type: 'single_adult',
    address: '2 Station Road, Northfield',
    la_involvement: 'Care needs assessment completed.',
    caseworker_id: caseworkerId,
    team: 'NRPF Team',
  };
}

/** Create a case as the council user through the API; returns the CASE. */
export async function createCase(users, councilUser = 'nfc.user', over = {}) {
  const u = users[councilUser];
  const r = await u.client.req('POST', '/api/cases', { body: { ...caseBody(u.user.id), ...over } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** The number shown by the home counter `key` (waits for the counters). */
export async function counterValue(page, key) {
  const el = page.locator(`#counter-${key} .counter__value`);
  await el.waitFor();
  const text = (await el.innerText()).replace(/[^\d]/g, '');
  assert.ok(text.length, `counter ${key} shows a number`);
  return Number(text);
}

/** Go home (through the navigation) and wait for freshly drawn counters (not the ones on screen). */
export async function goHome(page) {
  await page.evaluate(() => { const el = document.getElementById('home-counters'); if (el) el.dataset.stale = '1'; });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
  await waitForHeading(page, /^Welcome, /);
  await page.locator('#home-counters:not([data-stale])').waitFor();
}

/** Wait until the home counter `key` shows `n`. */
export async function waitForCounter(page, key, n) {
  await waitForText(page.locator(`#counter-${key} .counter__value`), new RegExp(`^${n}$`));
}

/** Today as DD/MM/YYYY (what a person types). */
export function todayUk() {
  const d = new Date();
  return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
}
