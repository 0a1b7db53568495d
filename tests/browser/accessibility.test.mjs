// Accessibility: axe-core (WCAG 2.1 A and AA) on every page each kind of user sees – the sign-in page,
// then, signed in as a council user, a council admin, a Home Office user, a Home Office admin and the
// Network admin: home, the case lists and search, every tab of a case, the forms, alerts and queries,
// the RTPF checker, reports, user accounts, My profile, the caseload import and the "not available"
// pages. Each page is its own subtest, so one run lists every page with a violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { openQuery, sendMessage, putImmigration, immigrationPage } from '../lib/alerts.mjs';
import { launch, newPage, signIn, waitForHeading, waitForText, checkA11y, openTab, fillDate } from './helpers.mjs';

let stack; let browser;
let councilCase; // an open demo case of Northfield with dependants and finance
let councilQuery; // an open query of Northfield
let hoQuery; // the same query, as the Home Office reads it
let updatedCase; // a demo case of Northfield with an open immigration update (fields marked as changed)
const TODAY = new Date().toISOString().slice(0, 10);
const PERIOD = `from=${TODAY.slice(0, 4)}-01-01&to=${TODAY}`;

before(async () => {
  stack = await startStack();
  browser = await launch();
  const nfc = new Client(stack.base);
  assert.equal((await nfc.login('nfc.user')).status, 200);
  const list = await nfc.req('GET', '/api/cases?limit=50');
  assert.equal(list.status, 200, list.text);
  for (const item of list.json.items) {
    const r = await nfc.req('GET', `/api/cases/${item.id}`);
    if (r.json.status !== 'closed' && (r.json.dependants || []).length && r.json.finance) { councilCase = r.json; break; }
  }
  assert.ok(councilCase, 'the demo data has an open case with dependants and finance');
  // A query the council asks and the Home Office answers, so both sides have a conversation to read.
  councilQuery = await openQuery(nfc, councilCase.id, { category: 'progress_update', message: 'Has the claim been decided?' });
  const ho = new Client(stack.base);
  assert.equal((await ho.login('ho.user')).status, 200);
  await sendMessage(ho, councilQuery.id, 'We expect a decision within 6 weeks.');
  hoQuery = councilQuery;
  // Another open case of Northfield whose immigration page the Home Office updates: the council sees
  // the notice and the changed fields marked until it accepts the update.
  const other = list.json.items.find((c) => c.id !== councilCase.id && c.status !== 'closed');
  assert.ok(other, 'the demo data has a second open case');
  await putImmigration(ho, other.id, immigrationPage());
  updatedCase = { case_id: other.id };
});
after(async () => { await browser?.close(); await stack?.stop(); });

/** Open a route and wait until the page has rendered (its heading, nothing busy). */
async function visit(page, route, heading) {
  await page.goto(`${stack.base}/#/${route}`);
  await waitForHeading(page, heading);
  await page.locator('#main-content:not([aria-busy])').waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

/** A subtest per page: open it, optionally do something, then run axe. */
function checker(t, page, P) {
  return (name, route, heading, { then = null, ...opts } = {}) => t.test(name, async () => {
    if (route !== null) await visit(page, route, heading);
    if (then) await then(page);
    await checkA11y(page, name, opts);
    P.assertClean();
  });
}

async function signedIn(username) {
  const P = await newPage(browser);
  await signIn(P.page, stack.base, username);
  await waitForHeading(P.page, /^Welcome, /);
  return P;
}

const CASE_TABS = [
  ['Summary', 'summary'], ['Principal applicant', 'principal'], ['Dependants', 'dependants'],
  ['Immigration', 'immigration'], ['Finance', 'finance'], ['Closure', 'closure'], ['Documents', 'documents'],
  ['Alerts', 'alerts'], ['Queries', 'queries'], ['History', 'history'],
];

async function caseTabs(check, page) {
  const title = new RegExp(`^${councilCase.connect_id}`);
  for (const [name, key] of CASE_TABS) {
    await check(`case page: ${name} tab`, `cases/${councilCase.id}/${key}`, title, {
      then: async (p) => {
        await p.locator(`#panel-${key}:not([hidden])`).waitFor();
        if (key === 'history') await p.locator('#history-table').waitFor();
      },
    });
  }
}

test('sign-in page', async (t) => {
  const P = await newPage(browser);
  const check = checker(t, P.page, P);
  await check('sign-in page', 'signin', 'Sign in to Connect');
  await check('sign-in page with errors', null, null, {
    then: async (p) => {
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.locator('#page .error-summary').waitFor();
    },
  });
  // The check itself: an unlabelled field put into the page is reported, by rule, impact and selector.
  await t.test('the check reports a violation', async () => {
    await P.page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'a11y-unlabelled';
      document.getElementById('page').append(input);
    });
    await assert.rejects(checkA11y(P.page, 'planted'), (e) => {
      assert.match(e.message, /^planted: 1 accessibility violation/);
      assert.match(e.message, /- label \[critical\] Form elements must have labels/);
      assert.match(e.message, /#a11y-unlabelled/);
      return true;
    });
    await P.page.evaluate(() => document.getElementById('a11y-unlabelled').remove());
  });
  await P.context.close();
});

test('council user', async (t) => {
  const P = await signedIn('nfc.user');
  const check = checker(t, P.page, P);
  await check('home', 'home', /^Welcome, /);
  await check('performance monitoring (under Reports): figures shown', 'reports/performance', 'Performance monitoring', {
    then: async (p) => {
      await p.locator('#performance-apply').click();
      await waitForText(p.locator('#performance-status'), /\S/);
    },
  });
  await check('home, my cases only', 'home?mine=1', /^Welcome, /);
  await check('case search', 'cases', 'Cases');
  await check('case search with results', null, null, {
    then: async (p) => {
      await p.locator('#page form input').first().fill(councilCase.principal.family_name);
      await p.locator('#page form button[type="submit"]').first().click();
      await waitForText(p.locator('#page'), 'Create a new case');
    },
  });
  await check('my cases', 'my-cases', /^My cases/);
  await check('new case form', 'cases/new', 'Create a case');
  await check('new case form with errors', null, null, {
    then: async (p) => {
      await p.locator('#page form button[type="submit"]').last().click();
      await p.locator('#page .error-summary').waitFor();
    },
  });
  await caseTabs(check, P.page);
  await check('case page: new query form', `cases/${councilCase.id}/queries`, new RegExp(`^${councilCase.connect_id}`), {
    then: async (p) => {
      await openTab(p, 'Queries', 'queries');
      await p.locator('#new-query').click();
      await p.locator('#panel-queries form').first().waitFor();
    },
  });
  await check('case page: edit details form', `cases/${councilCase.id}/summary`, new RegExp(`^${councilCase.connect_id}`), {
    then: async (p) => {
      await p.locator('#panel-summary').getByRole('button', { name: /^Edit details/ }).click();
      await p.locator('#panel-summary form').first().waitFor();
    },
  });
  await check('case page: immigration update to accept', `cases/${updatedCase.case_id}/immigration`, /./, {
    then: async (p) => {
      await p.locator('#immigration-update-notice').waitFor();
      await waitForText(p.locator('#immigration-changes'), 'Changed by the Home Office');
    },
  });
  await check('case page: immigration form (on "Edit")', null, null, {
    then: async (p) => {
      await p.locator('#edit-immigration').click();
      await p.locator('#immigration-form').waitFor();
    },
  });
  await check('case page: finance form (on "Edit")', `cases/${councilCase.id}/finance`, new RegExp(`^${councilCase.connect_id}`), {
    then: async (p) => {
      await p.locator('#edit-finance').click();
      await p.locator('#finance-form').waitFor();
    },
  });
  await check('alerts list', 'alerts', /^Alerts/);
  await check('alerts list: immigration updates', 'alerts?type=immigration_update', 'Immigration update alerts');
  await check('queries list', 'queries', /^Queries/);
  await check('query page', `queries/${councilQuery.id}`, /query/i);
  await check('due and overdue', 'due', /./);
  await check('RTPF checker', 'rtpf', 'RTPF checker');
  await check('RTPF checker with errors', null, null, {
    then: async (p) => {
      await p.locator('#rtpf-form button[type="submit"]').click();
      await p.locator('#rtpf-form .error-summary').waitFor();
    },
  });
  await check('RTPF checker with a match', null, null, {
    then: async (p) => {
      await p.getByLabel(/document type|type of document/i).selectOption('passport');
      await p.getByLabel(/document number/i).fill('GEN000000000');
      await fillDate(p.locator('#rtpf-form'), 'date_of_birth', '01/01/1940');
      await p.locator('#rtpf-form button[type="submit"]').click();
      await p.locator('#rtpf-result, #rtpf-no-match').first().waitFor();
    },
  });
  await check('my profile', 'profile', 'My profile');
  await check('home with a warning (user accounts are for admins)', 'users', /^Welcome, /, {
    then: (p) => waitForText(p.locator('#status'), 'Only administrators'),
  });
  await check('reports (performance monitoring only)', 'reports', 'Reports');
  await check('caseload import (not available)', 'cases/import', /./);
  await P.context.close();
});

test('council admin', async (t) => {
  const P = await signedIn('nfc.admin');
  const check = checker(t, P.page, P);
  await check('home', 'home', /^Welcome, /);
  await check('user accounts', 'users', 'User accounts');
  await check('user accounts: add user form', null, null, {
    then: async (p) => {
      await p.getByRole('button', { name: 'Add user' }).click();
      await p.locator('#add-user-form').waitFor();
    },
  });
  await check('user accounts: add user form with errors', null, null, {
    then: async (p) => {
      await p.locator('#add-user-form').getByRole('button', { name: 'Create user' }).click();
      await p.locator('#add-user-form .error-summary').waitFor();
    },
  });
  await check('user accounts: temporary password', null, null, {
    then: async (p) => {
      const form = p.locator('#add-user-form');
      await form.getByLabel('User name').fill('a11y.caseworker');
      await form.getByLabel('Full name').fill('Ada Caseworker');
      await form.getByRole('button', { name: 'Create user' }).click();
      await p.locator('#temp-password-panel').waitFor();
    },
  });
  const temp = (await P.page.locator('#temp-password').innerText()).trim();
  await check('user accounts: email dialog', null, null, {
    then: async (p) => {
      await p.locator('#users-table tr[data-username="nfc.user"] button[data-action="email"]').click();
      await p.locator('#email-dialog').waitFor();
    },
  });
  await check('user accounts: email dialog with an error', null, null, {
    then: async (p) => {
      await p.locator('#email-dialog').getByLabel('Email address').fill('not an address');
      await p.locator('#email-dialog').getByRole('button', { name: 'Save' }).click();
      await waitForText(p.locator('#email-dialog'), 'There is a problem');
    },
  });
  await P.page.locator('#email-cancel').click();
  await P.page.locator('#email-dialog').waitFor({ state: 'detached' });
  await check('user accounts: delete confirmation', null, null, {
    then: async (p) => {
      await p.locator('#users-table tr[data-username="nfc.user"] button[data-action="delete"]').click();
      await p.locator('#confirm-dialog').waitFor();
    },
  });
  await P.page.locator('#confirm-no').click();
  await check('caseload import', 'cases/import', /./);
  await check('reports', 'reports', 'Reports');
  await check('reports with errors', null, null, {
    then: async (p) => {
      await p.locator('#downloads-table').waitFor(); // it opens on the financial year so far
      await fillDate(p.locator('#reports-form'), 'from', '');
      await p.locator('#reports-submit').click();
      await p.locator('#reports-form .error-summary').waitFor();
    },
  });
  await check('reports: downloads for a period', `reports?${PERIOD}`, 'Reports', {
    then: (p) => p.locator('#downloads-table').waitFor(),
  });
  await check('look-up log', 'rtpf/lookups', /./);
  await check('my profile', 'profile', 'My profile');
  await P.context.close();

  // The new user must change the temporary password first.
  const N = await newPage(browser);
  const nc = checker(t, N.page, N);
  await signIn(N.page, stack.base, 'a11y.caseworker', temp);
  await waitForHeading(N.page, 'Change your password');
  await nc('forced password change', null, null);
  await nc('forced password change with errors', null, null, {
    then: async (p) => {
      await p.locator('form#forced-password-form button[type="submit"]').click();
      await p.locator('#page .error-summary').waitFor();
    },
  });
  await N.context.close();
});

test('Home Office user', async (t) => {
  const P = await signedIn('ho.user');
  const check = checker(t, P.page, P);
  await check('home', 'home', /^Welcome, /);
  await check('case search', 'cases', 'Cases');
  await caseTabs(check, P.page);
  await check('alerts list', 'alerts', /^Alerts/);
  await check('queries list', 'queries', /^Queries/);
  await check('query page', `queries/${hoQuery.id}`, /query/i);
  await check('due and overdue', 'due?when=overdue', /./);
  await check('RTPF checker', 'rtpf', 'RTPF checker');
  await check('status register', 'rtpf/register', /./);
  await check('reports (SLA)', 'reports', 'Reports');
  await check('reports: SLA for a period', `reports?${PERIOD}`, 'Reports', {
    then: (p) => p.locator('#report-sla').waitFor(),
  });
  await check('new case (not available)', 'cases/new', /./);
  await check('my profile', 'profile', 'My profile');
  await P.context.close();
});

test('Home Office admin', async (t) => {
  const P = await signedIn('ho.admin');
  const check = checker(t, P.page, P);
  await check('home', 'home', /^Welcome, /);
  await check('user accounts', 'users', 'User accounts');
  await check('reports', 'reports', 'Reports');
  await check('reports: downloads and SLA for a period', `reports?${PERIOD}`, 'Reports', {
    then: (p) => p.locator('#downloads-table').waitFor(),
  });
  await check('status register (upload)', 'rtpf/register', /./);
  await check('look-up log', 'rtpf/lookups', /./);
  await check('my profile', 'profile', 'My profile');
  await P.context.close();
});

test('Network admin', async (t) => {
  const P = await signedIn('net.admin');
  const check = checker(t, P.page, P);
  await check('home', 'home', /^Welcome, /);
  await check('user accounts', 'users', 'User accounts');
  await check('reports (SLA)', 'reports', 'Reports');
  await check('reports: SLA for a period', `reports?${PERIOD}`, 'Reports', {
    then: (p) => p.locator('#report-sla').waitFor(),
  });
  await check('user accounts of another organisation', null, null, {
    then: async (p) => {
      await visit(p, 'users', 'User accounts');
      const select = p.locator('#org-picker select');
      const values = await select.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      await select.selectOption(values[values.length - 1]);
      await p.locator('#org-picker button[type="submit"]').click();
      await p.waitForURL(/org=/);
      await p.locator('#users-table').waitFor();
    },
  });
  await check('add a council with errors', null, null, {
    then: async (p) => {
      await p.locator('#add-council-form button[type="submit"]').click();
      await p.locator('#add-council-form .error-summary').waitFor();
    },
  });
  await check('my profile', 'profile', 'My profile');
  await check('cases (not available)', 'cases', /./);
  await check('RTPF checker (not available)', 'rtpf', /./);
  await P.context.close();
});

test('small screen (375 px wide): council user and HO admin', async (t) => {
  const P = await newPage(browser, { viewport: { width: 375, height: 740 } });
  await signIn(P.page, stack.base, 'nfc.user');
  await waitForHeading(P.page, /^Welcome, /);
  const check = checker(t, P.page, P);
  await check('home', 'home', /^Welcome, /);
  await check('case search', 'cases', 'Cases');
  await check('case page: Finance tab', `cases/${councilCase.id}/finance`, new RegExp(`^${councilCase.connect_id}`), {
    then: (p) => p.locator('#panel-finance:not([hidden])').waitFor(),
  });
  await check('case page: Summary tab', `cases/${councilCase.id}/summary`, new RegExp(`^${councilCase.connect_id}`), {
    then: (p) => p.locator('#panel-summary:not([hidden])').waitFor(),
  });
  await check('new case form', 'cases/new', 'Create a case');
  await check('alerts list', 'alerts', /^Alerts/);
  await check('queries list', 'queries', /^Queries/);
  await check('RTPF checker', 'rtpf', 'RTPF checker');
  await P.context.close();
  const A = await newPage(browser, { viewport: { width: 375, height: 740 } });
  await signIn(A.page, stack.base, 'ho.admin');
  await waitForHeading(A.page, /^Welcome, /);
  const ac = checker(t, A.page, A);
  await ac('HO admin: home', 'home', /^Welcome, /);
  await ac('HO admin: user accounts', 'users', 'User accounts');
  await ac('HO admin: reports for a period', `reports?${PERIOD}`, 'Reports', {
    then: (p) => p.locator('#downloads-table').waitFor(),
  });
  await A.context.close();
});
