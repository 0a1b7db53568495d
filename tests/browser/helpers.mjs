// Shared helpers for the browser tests: launch Debian's chromium, sign in through the page, and
// catch script errors and Content-Security-Policy violations.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ROOT, DEMO_PASSWORD } from '../lib/stack.mjs';

export { DEMO_PASSWORD };
export const OUT = join(ROOT, 'tests', 'out');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new context + page that records page errors, CSP violations and window dialogs
 * (alert/confirm/prompt must never appear). `problems` lists them; `assertClean()` checks none.
 * `timezoneId` (e.g. 'America/New_York') sets the browser's time zone (default: the machine's).
 */
export async function newPage(browser, { viewport = { width: 1280, height: 900 }, timezoneId } = {}) {
  const context = await browser.newContext({ viewport, timezoneId, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(`csp: ${text}`);
  });
  page.on('dialog', async (d) => { problems.push(`window dialog: ${d.type()} ${d.message()}`); await d.dismiss(); });
  return {
    context, page, problems,
    assertClean() { assert.deepEqual(problems, [], `problems in the page:\n${problems.join('\n')}`); },
  };
}

/** The page's main heading. */
export function heading(page) {
  return page.locator('#page h1');
}

/** The status banner (live region). */
export function status(page) {
  return page.locator('#status');
}

/** Go to the sign-in page (from anywhere) and sign in through the form. */
export async function signIn(page, base, username, password = DEMO_PASSWORD, { goto = true } = {}) {
  if (goto) await page.goto(`${base}/#/signin`);
  await page.getByRole('heading', { level: 1, name: 'Sign in to Connect' }).waitFor();
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Fill and submit a change-password form (forced page or My profile). */
export async function changePassword(page, current, next, confirm = next) {
  const form = page.locator('form#forced-password-form, form#password-form');
  await form.locator('input[name="current_password"]').fill(current);
  await form.locator('input[name="new_password"]').fill(next);
  await form.locator('input[name="confirm_password"]').fill(confirm);
  await form.locator('button[type="submit"]').click();
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in to Connect' }).waitFor();
}

export async function screenshot(page, name) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, name), fullPage: true });
}

/** Text of the user-accounts table row for `username` (or null when absent). */
export function userRow(page, username) {
  return page.locator(`#users-table tbody tr[data-username="${username}"]`);
}

/** Wait until the locator's visible text contains `text` (string or RegExp); returns the text. */
export async function waitForText(locator, text, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    last = await locator.first().innerText({ timeout: 1000 }).catch(() => null);
    if (last !== null && (text instanceof RegExp ? text.test(last) : last.includes(text))) return last;
    if (Date.now() > deadline) {
      throw new assert.AssertionError({ message: `expected ${text} in ${locator} but saw: ${JSON.stringify(last)}` });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait until the main heading reads `text`. */
export async function waitForHeading(page, text) {
  return waitForText(heading(page), text instanceof RegExp ? text : new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

/** No "null"/"undefined"/"[object Object]"/NaN leaks into the page's text. */
export async function noLeaks(page) {
  const text = await page.locator('#page').innerText();
  assert.doesNotMatch(text, /\bnull\b|\bundefined\b|\[object Object\]|\bNaN\b/, text);
}

/** The case page's tabs and their panels. */
export const tab = (page, name) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
export const panel = (page, key) => page.locator(`#panel-${key}`);
export async function openTab(page, name, key) {
  await tab(page, name).click();
  await page.locator(`#panel-${key}:not([hidden])`).waitFor();
}

// ---- accessibility (axe-core) ----

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The WCAG 2.1 A and AA rules (the project's standard). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Run axe-core on the page as it is now and fail with a readable list of violations (rule, impact,
 * help, the target selectors). axe is put into the page with page.evaluate: that runs through the
 * DevTools protocol, outside the CSP (`script-src 'self'` refuses the inline <script> that
 * page.addScriptTag would add, with `content` or `path`). The SPA keeps `window.axe` across hash
 * navigations; a full load needs it again, which the check notices.
 *
 * `label` names the check in the failure. `disable` is {ruleId: 'why'} – every rule turned off for
 * this one check must say why (a false positive, or what cannot sensibly be fixed).
 * `include`/`exclude` are CSS selectors to narrow the context (default: the whole document).
 */
export async function checkA11y(page, label, { disable = {}, include = null, exclude = [] } = {}) {
  for (const [id, why] of Object.entries(disable)) {
    assert.ok(typeof why === 'string' && why.trim().length > 10, `checkA11y(${label}): say why rule ${id} is off`);
  }
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async ({ tags, off, include, exclude }) => {
    const rules = Object.fromEntries(off.map((id) => [id, { enabled: false }]));
    const context = { exclude: exclude.map((s) => [s]) };
    if (include) context.include = [[include]];
    const r = await window.axe.run(context, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' >>> '), summary: n.failureSummary })),
    }));
  }, { tags: AXE_TAGS, off: Object.keys(disable), include, exclude });
  if (result.length === 0) return;
  const lines = [`${label}: ${result.length} accessibility violation(s) (axe-core, WCAG 2.1 A/AA) at ${page.url()}`];
  for (const v of result) {
    lines.push(`- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 10)) {
      lines.push(`    ${n.target}`);
      if (n.summary) lines.push(...n.summary.split('\n').map((s) => `      ${s.trim()}`));
    }
    if (v.nodes.length > 10) lines.push(`    … and ${v.nodes.length - 10} more`);
  }
  throw new assert.AssertionError({ message: lines.join('\n') });
}

// ---- the GOV.UK date input (Day, Month and Year boxes named NAME.day, NAME.month, NAME.year) ----

/** Type a date given as 'dd/mm/yyyy' (or '' to clear) into the date field `name` within `scope`. */
export async function fillDate(scope, name, text) {
  const m = /^\s*(\d{1,2})\D+(\d{1,2})\D+(\d{4})\s*$/.exec(text || '');
  const [d, mo, y] = m ? [m[1], m[2], m[3]] : (text ? [text, '', ''] : ['', '', '']);
  await scope.locator(`[name="${name}.day"]`).fill(d);
  await scope.locator(`[name="${name}.month"]`).fill(mo);
  await scope.locator(`[name="${name}.year"]`).fill(y);
}

/** The date field `name` as 'dd/mm/yyyy' ('' when empty). */
export async function dateValue(scope, name) {
  const [d, m, y] = await Promise.all(['day', 'month', 'year'].map((k) => scope.locator(`[name="${name}.${k}"]`).inputValue()));
  if (!d && !m && !y) return '';
  return `${d.padStart(2, '0')}/${m.padStart(2, '0')}/${y}`;
}
