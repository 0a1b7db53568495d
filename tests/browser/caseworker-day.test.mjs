// The caseworker's day (issue 16), as people see it in the browser: names in every list, a case
// summary that answers questions, read-first forms, alerts one can act on, a home page that is a to-do
// list, history in plain words, one duplicate warning with the right main action, pages that fit at
// 320, 390 and 1280 px, and demo data with real work for every demo user. axe-core (WCAG 2.1 A/AA)
// runs on every page visited; screenshots of the home page and the case summary at 1280 and 390 px go
// to tests/browser/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import {
  launch, newPage, signIn, heading, status, waitForText, waitForHeading, noLeaks, checkA11y, openTab, fillDate, dateValue,
} from './helpers.mjs';
import { apiUsers, pageFor } from './work.mjs';
import { upload, pdfBytes } from '../lib/cases.mjs';

const OUT = join(ROOT, 'tests', 'browser', 'out');
const WIDTHS = [320, 390, 1280];
const DEMO_USERS = ['nfc.user', 'nfc.admin', 'ebc.user', 'ebc.admin', 'wmc.user', 'wmc.admin', 'ho.user', 'ho.admin'];

let stack; let browser; let users;
before(async () => {
  stack = await startStack();
  browser = await launch();
  users = await apiUsers(stack.base, [...DEMO_USERS, 'net.admin']);
});
after(async () => { await browser?.close(); await stack?.stop(); });

const api = async (who, path, opts) => {
  const r = await users[who].client.req(opts?.method || 'GET', path, opts);
  assert.ok(r.status < 300, `${who} ${path}: ${r.status} ${r.text}`);
  return r.json;
};
const longDate = (iso) => new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Nothing scrolls sideways: the document is no wider than the window. */
async function assertFits(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `${what}: the page is ${scroll} px wide in a ${inner} px window (it scrolls sideways)`);
}

async function shot(page, name) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, name), fullPage: true });
}

/** The case with an open immigration update for the council (the demo has one per council). */
async function updatedCase(who = 'nfc.user') {
  const alerts = (await api(who, '/api/alerts?type=immigration_update&limit=50')).items;
  assert.ok(alerts.length, 'the demo council has an immigration update to accept');
  return alerts[0];
}

// ---- 1. names wherever a case appears ----

test('1. lists name the person beside the Connect ID (alerts, queries, due, the query page), and the whole row opens it', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'ho.user');
  // The Home Office's alerts: each row names the principal applicant with their date of birth.
  await page.goto(`${stack.base}/#/alerts`);
  await waitForHeading(page, 'Alerts');
  const alerts = (await api('ho.user', '/api/alerts?limit=50')).items;
  const a = alerts[0];
  const row = page.locator(`#alerts-table tbody tr[data-alert-id="${a.id}"]`);
  await waitForText(row, a.connect_id);
  const cell = await row.locator('th').innerText();
  assert.ok(cell.includes(`${a.principal.name}, born ${longDate(a.principal.date_of_birth)}`), `names the person: ${cell}`);
  await checkA11y(page, 'HO alerts with names');
  // A click anywhere in the row (here the "Raised" cell) opens the case.
  await row.locator('td[data-label="Raised"]').click();
  await waitForHeading(page, new RegExp(`^${a.connect_id}\\s`));

  // Queries list and the query page.
  await page.goto(`${stack.base}/#/queries`);
  await waitForHeading(page, /^Queries/);
  const q = (await api('ho.user', '/api/queries?limit=50')).items[0];
  const qrow = page.locator(`#queries-table tbody tr[data-query-id="${q.id}"]`);
  await waitForText(qrow, `${q.principal.name}, born ${longDate(q.principal.date_of_birth)}`);
  await qrow.locator('td[data-label="Opened"]').click();
  await waitForHeading(page, /query/);
  await waitForText(page.locator('#query-person'), `${q.principal.name}, born ${longDate(q.principal.date_of_birth)}`);
  await checkA11y(page, 'query page with the person');

  // The due page (overdue).
  await page.goto(`${stack.base}/#/due?when=overdue`);
  await waitForHeading(page, 'Overdue');
  const od = (await api('ho.user', '/api/alerts?overdue=1&limit=50')).items[0];
  await waitForText(page.locator(`#due-alerts-table tbody tr[data-alert-id="${od.id}"]`), od.principal.name);
  await checkA11y(page, 'due page with names');
  await noLeaks(page);
  assertClean();
  await page.context().close();
});

// ---- 4. alerts you can act on ----

test('4. overdue rows say how many working days; "Overdue" and "Due today" are one choice', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await page.goto(`${stack.base}/#/queries?overdue=1`);
  await waitForHeading(page, /overdue$/);
  const items = (await api('nfc.user', '/api/queries?overdue=1&limit=50')).items;
  assert.ok(items.length, 'the demo council has an overdue query');
  const q = items[0];
  const words = `${q.working_days_overdue} working ${q.working_days_overdue === 1 ? 'day' : 'days'} overdue`;
  await waitForText(page.locator(`#queries-table tbody tr[data-query-id="${q.id}"] td[data-label="Due"]`), words);
  const overdue = page.getByRole('radio', { name: 'Overdue', exact: true });
  const today = page.getByRole('radio', { name: 'Due today', exact: true });
  assert.equal(await overdue.isChecked(), true);
  assert.equal(await page.locator('input[type="checkbox"][name="overdue"], input[type="checkbox"][name="due"]').count(), 0, 'no boxes');
  await today.check();
  assert.equal(await overdue.isChecked(), false, 'choosing "Due today" unchooses "Overdue"');
  await page.locator('#query-filters-apply').click();
  await waitForHeading(page, /due today$/);
  assert.match(page.url(), /due=today/);
  assert.doesNotMatch(page.url(), /overdue=1/);
  await checkA11y(page, 'queries with the due choice');
  assertClean();
  await page.context().close();
});

test('4. an immigration update: no blind "Accept" in the list; on the immigration tab each change old → new, then Accept', async () => {
  const a = await updatedCase('nfc.user');
  assert.ok(Array.isArray(a.changes) && a.changes.length, 'the demo update carries its changes');
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await page.goto(`${stack.base}/#/alerts?type=immigration_update`);
  await waitForHeading(page, /^Immigration update alerts/);
  const row = page.locator(`#alerts-table tbody tr[data-alert-id="${a.id}"]`);
  await waitForText(row, 'Status: Asylum claim recorded');
  assert.equal(await row.getByRole('button', { name: /^Accept/ }).count(), 0, 'no Accept in the list');
  await row.getByRole('link', { name: /^Review and accept the changes/ }).click();
  await waitForHeading(page, new RegExp(`^${a.connect_id}\\s`));
  await page.locator('#panel-immigration:not([hidden])').waitFor();
  const list = page.locator('#immigration-change-list');
  await waitForText(list, 'Asylum claim recorded');
  const text = await list.innerText();
  assert.match(text, /Status\s+Asylum claim recorded\s*→\s*(changed to\s*)?Leave to remain/i, text);
  assert.match(text, /Leave expiry\s+Not recorded\s*→\s*(changed to\s*)?31 March 2028/, text);
  await checkA11y(page, 'immigration tab with the changes');
  await page.getByRole('button', { name: 'Accept update' }).click();
  await waitForText(status(page), 'The immigration update has been accepted');
  assert.equal(await page.locator('#immigration-change-list').count(), 0);
  assertClean();
  await page.context().close();
});

// ---- 2. the case summary, an overview ----

test('2. the case summary starts with an overview: status and recourse, leave, open work with due dates, support and cost, caseworker', async () => {
  const cases = (await api('nfc.user', '/api/cases?open=1&mine=1&limit=50')).items;
  // The demo case with queries both ways (one overdue) and finance.
  const queries = (await api('nfc.user', '/api/queries?overdue=1&limit=50')).items;
  const kase = await api('nfc.user', `/api/cases/${queries[0].case_id}`);
  assert.ok(cases.some((c) => c.id === kase.id));
  for (const width of [1280, 390]) {
    const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user', { viewport: { width, height: 900 } });
    await page.goto(`${stack.base}/#/cases/${kase.id}`);
    await waitForHeading(page, new RegExp(`^${kase.connect_id}\\s`));
    const ov = page.locator('#case-overview');
    await waitForText(ov, 'Immigration status');
    const text = await ov.innerText();
    for (const words of ['Immigration status', 'Recourse to public funds', 'Leave expiry', 'Open alerts and queries', 'Support start',
      'Weekly cost', 'Cost to date', 'Caseworker', 'Tom Hughes', 'Overdue']) {
      assert.ok(text.toLowerCase().includes(words.toLowerCase()), `the overview says ${words}: ${text}`);
    }
    // How many working days depends on today's weekday (the demo's due dates follow the real date).
    assert.match(text, /\b[1-9]\d* working days? overdue\b/i, `the overview counts the working days overdue: ${text}`);
    // The overview comes before the administrative details.
    const order = await page.evaluate(() => {
      const o = document.getElementById('case-overview');
      const d = document.getElementById('case-summary');
      return Boolean(o.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(order, 'overview first, then the details');
    await waitForText(page.locator('#details-heading'), 'Administrative details');
    await assertFits(page, `case summary at ${width}`);
    await checkA11y(page, `case summary at ${width}`);
    await shot(page, `case-summary-${width}.png`);
    assertClean();
    await page.context().close();
  }
});

// ---- 3. read first, edit on purpose ----

test('3. immigration and finance show as summaries with "Edit"; the council never edits Home Office notes; closing asks first', async () => {
  const client = users['nfc.user'].client;
  const created = await client.req('POST', '/api/cases', {
    body: {
      principal: { given_names: 'Rosa', family_name: 'Quintero-Vale', date_of_birth: '1983-06-09', nationality: 'Colombian', gender: 'female' },
      dependants: [], legislation: 'care_act_2014', household_type: 'single_adult', caseworker_id: users['nfc.user'].user.id,
    },
  });
  assert.equal(created.status, 201, created.text);
  const kase = created.json;
  await users['ho.user'].client.req('PUT', `/api/cases/${kase.id}/immigration`, { body: { status: 'asylum_claim_recorded', ho_notes: 'Screening interview done.' } });
  await client.req('PUT', `/api/cases/${kase.id}/finance`, { body: { support_start_date: '2026-11-02', weekly_subsistence_pence: 5000, weekly_accommodation_pence: 20000 } });

  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await page.goto(`${stack.base}/#/cases/${kase.id}/immigration`);
  await page.locator('#immigration-summary').waitFor();
  assert.equal(await page.locator('#immigration-form').count(), 0, 'no form until "Edit"');
  await waitForText(page.locator('#immigration-summary'), 'Screening interview done.');
  await page.locator('#edit-immigration').click();
  await page.locator('#immigration-form').waitFor();
  assert.equal(await page.locator('#immigration-form [name="ho_notes"]').count(), 0, 'the council never edits the Home Office notes');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'status');
  await checkA11y(page, 'immigration form (council)');
  await page.locator('#cancel-immigration').click();
  await page.locator('#immigration-summary').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-immigration', 'Cancel returns to "Edit"');
  // Saving from the form keeps the notes.
  await page.locator('#edit-immigration').click();
  await page.locator('#immigration-form [name="leave_expiry"]').fill('30/09/2027');
  await page.locator('#save-immigration').click();
  await waitForText(status(page), 'The immigration page has been saved');
  await waitForText(page.locator('#immigration-summary'), 'Screening interview done.');

  await openTab(page, 'Finance', 'finance');
  await page.locator('#finance-summary').waitFor();
  assert.equal(await page.locator('#finance-form').count(), 0);
  await page.locator('#edit-finance').click();
  await page.locator('#finance-form').waitFor();
  await checkA11y(page, 'finance form');
  await page.locator('#cancel-finance').click();
  await page.locator('#finance-summary').waitFor();

  // Closing asks first; "Cancel" leaves the case open.
  await openTab(page, 'Closure', 'closure');
  const form = page.locator('#closure-form');
  const d = new Date();
  await fillDate(form, 'closure_date', `${d.getDate()}/${d.getMonth() + 1}/${d.getFullYear()}`);
  await form.locator('[name="reason"]').selectOption('left_area');
  await form.locator('#close-case').click();
  const dialog = page.locator('#confirm-dialog');
  await waitForText(dialog, 'Close this case?');
  await checkA11y(page, 'close confirmation');
  await page.locator('#confirm-no').click();
  assert.equal((await client.req('GET', `/api/cases/${kase.id}`)).json.status, 'open_supported', 'not closed without confirming');
  await form.locator('#close-case').click();
  await page.locator('#confirm-yes').click();
  await waitForText(status(page), 'The case has been closed');
  // A closed case is read-only: no "Edit" anywhere.
  await openTab(page, 'Immigration', 'immigration');
  assert.equal(await page.locator('#edit-immigration').count(), 0);
  await openTab(page, 'Finance', 'finance');
  assert.equal(await page.locator('#edit-finance').count(), 0);
  assertClean();
  await page.context().close();
});

// ---- 5. the home page, a to-do list; performance under Reports; My cases opens on open cases ----

test('5. home: counters, then the caseworker\'s own overdue and due items; performance has its own page; My cases opens on open cases', async () => {
  for (const width of [1280, 390]) {
    const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user', { viewport: { width, height: 900 } });
    await page.locator('#home-todo').waitFor();
    const order = await page.evaluate(() => [...document.querySelectorAll('#page h2')].map((x) => x.id || x.textContent));
    assert.equal(order[0], 'home-counters-heading', `counters first: ${order}`);
    assert.equal(order[1], 'home-todo-heading', `then the to-do list: ${order}`);
    await waitForText(page.locator('#home-todo-heading'), 'Your cases: overdue and due today');
    const todo = await page.locator('#home-todo-list').innerText();
    assert.match(todo, /working days? overdue/i, todo);
    assert.equal(await page.locator('#performance').count(), 0, 'no performance monitoring on the home page');
    await assertFits(page, `home at ${width}`);
    await checkA11y(page, `home at ${width}`);
    await shot(page, `home-${width}.png`);
    assertClean();
    await page.context().close();
  }
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  // My cases: open cases.
  await page.locator('#site-nav').getByRole('link', { name: 'My cases' }).click();
  await waitForHeading(page, 'My cases');
  await waitForText(page.locator('#results-heading'), 'Your open cases');
  assert.equal(await page.locator('#case-search [name="status"]').inputValue(), 'open');
  const statuses = await page.locator('#cases-table .case-status').allInnerTexts();
  assert.ok(statuses.length > 0 && statuses.every((s) => !/Closed/.test(s)), `open cases only: ${statuses}`);
  // Reports → Performance monitoring.
  await page.locator('#site-nav').getByRole('link', { name: 'Reports' }).click();
  await waitForHeading(page, 'Reports');
  await page.locator('#reports-performance').click();
  await waitForHeading(page, 'Performance monitoring');
  await page.locator('#performance-figures').waitFor();
  await checkA11y(page, 'performance page');
  // A period with no closures says so instead of drawing empty bars.
  await page.goto(`${stack.base}/#/reports/performance?from=2001-01-01&to=2001-01-31`);
  await waitForText(page.locator('#chart-closures-none'), 'No closures in this period.');
  assert.equal(await page.locator('#chart-closures svg').count(), 0);
  assertClean();
  await page.context().close();
});

/** The date field `name`: its legend, its hint's example date (ISO) and whether it has the three boxes. */
async function dateFieldFacts(scope, name) {
  const group = scope.locator(`[data-date-field="${name}"]`);
  const legend = (await group.locator('legend').innerText()).trim();
  const hint = await group.locator('.hint').innerText();
  const m = /For example, (\d{1,2}) (\d{1,2}) (\d{4})/.exec(hint);
  assert.ok(m, `${name}: one example format, "For example, 27 3 1985": ${hint}`);
  // A case page may render its panel again once the case has loaded: boxes read while the first
  // rendering is being replaced are detached, without labels. Read them again until they are attached.
  let boxes = [];
  for (let tries = 0; tries < 50; tries++) {
    boxes = await group.locator('input').evaluateAll((is) => is.map((i) => [i.name, i.labels[0]?.textContent.trim(), i.inputMode]));
    if (boxes.length && boxes.every((b) => b[1] !== undefined)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(boxes, [[`${name}.day`, 'Day', 'numeric'], [`${name}.month`, 'Month', 'numeric'], [`${name}.year`, 'Year', 'numeric']]);
  return { legend, example: `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` };
}

test('6. dates people type are Day, Month and Year boxes with one example format, never a future example for a past event', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.admin');
  await page.goto(`${stack.base}/#/cases/new`);
  await waitForHeading(page, 'Create a case');
  const dob = await dateFieldFacts(page.locator('#case-form'), 'principal.date_of_birth');
  assert.equal(dob.legend, 'Date of birth');
  assert.ok(dob.example < today, `date of birth example ${dob.example} is in the past`);
  // An error lands on the group: the message above the boxes, every box marked.
  await fillDate(page.locator('#case-form'), 'principal.date_of_birth', '31/02/1990');
  await page.locator('#create-submit').click();
  const group = page.locator('[data-date-field="principal.date_of_birth"]');
  await waitForText(group.locator('.field-error'), 'must be a real date, for example 27 3 1985');
  assert.deepEqual(await group.locator('input').evaluateAll((is) => is.map((i) => i.getAttribute('aria-invalid'))), ['true', 'true', 'true']);
  await checkA11y(page, 'create form with a date error');

  const kase = (await api('nfc.admin', '/api/cases?open=1&limit=1')).items[0];
  // Each step waits for its own page: the case page draws every tab's panel, hidden, so a form
  // could otherwise be read from the page being left while the next one is still loading.
  await page.goto(`${stack.base}/#/cases/${kase.id}/finance`);
  await page.locator('#panel-finance:not([hidden]) #edit-finance').click();
  for (const name of ['support_start_date', 'support_end_date']) {
    const f = await dateFieldFacts(page.locator('#panel-finance:not([hidden]) #finance-form'), name);
    assert.ok(f.example < today, `${name} example ${f.example} is in the past`);
  }
  await page.goto(`${stack.base}/#/cases/${kase.id}/closure`);
  const closureForm = page.locator('#panel-closure:not([hidden]) #closure-form');
  await closureForm.waitFor();
  const closure = await dateFieldFacts(closureForm, 'closure_date');
  assert.ok(closure.example < today, `closure example ${closure.example} is in the past`);
  await page.goto(`${stack.base}/#/reports`);
  await waitForHeading(page, 'Reports');
  await page.locator('#downloads-table').waitFor();
  for (const name of ['from', 'to']) {
    const f = await dateFieldFacts(page.locator('#reports-form'), name);
    assert.ok(f.example < today, `report ${name} example ${f.example} is in the past`);
  }
  await page.goto(`${stack.base}/#/reports/performance`);
  await page.locator('#performance-figures').waitFor();
  for (const name of ['from', 'to']) await dateFieldFacts(page.locator('#performance-form'), name);
  assertClean();
  await page.context().close();
});

test('6. the reports page opens on a sensible period (the financial year so far) with its downloads', async () => {
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.admin');
  await page.goto(`${stack.base}/#/reports`);
  await waitForHeading(page, 'Reports');
  await page.locator('#downloads-table').waitFor();
  const d = new Date();
  const fy = d.getMonth() < 3 ? d.getFullYear() - 1 : d.getFullYear();
  assert.equal(await dateValue(page.locator('#reports-form'), 'from'), `01/04/${fy}`);
  await waitForText(page.locator('#downloads-period'), `1 April ${fy} to`);
  await checkA11y(page, 'reports with the default period');
  assertClean();
  await page.context().close();
});

// ---- 7. history in plain words ----

test('7. history says "Tom Hughes uploaded tenancy-agreement.pdf", never a hash or a user id', async () => {
  const kase = (await api('nfc.user', '/api/cases?open=1&mine=1&limit=1')).items[0];
  const up = await upload(users['nfc.user'].client, kase.id, pdfBytes('Tenancy agreement'), { filename: 'tenancy-agreement.pdf', contentType: 'application/pdf' });
  assert.ok(up.status === 201, `upload: ${up.status} ${up.text}`);
  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  await page.goto(`${stack.base}/#/cases/${kase.id}/history`);
  const table = page.locator('#history-table');
  await waitForText(table, 'Tom Hughes uploaded tenancy-agreement.pdf');
  const text = await table.innerText();
  assert.doesNotMatch(text, /\b[0-9a-f]{32,}\b/, 'no hash');
  assert.doesNotMatch(text, /(uploaded by|caseworker|user)\s*:?\s*\d+\b/i, 'no user id');
  await checkA11y(page, 'history');
  assertClean();
  await page.context().close();
});

// ---- 9. pages that fit ----

test('9. nothing scrolls sideways at 320, 390 and 1280 px; the skip link reaches the content; the banner is in a landmark; a search announces its count', async () => {
  const kase = (await api('nfc.user', '/api/cases?open=1&mine=1&limit=1')).items[0];
  const routes = {
    'nfc.admin': ['home', 'cases', 'my-cases', 'alerts', 'queries', 'due?when=overdue', `cases/${kase.id}`, `cases/${kase.id}/immigration`,
      `cases/${kase.id}/finance`, `cases/${kase.id}/history`, 'cases/new', 'reports', 'reports/performance', 'users', 'rtpf', 'retention', 'audit', 'help', 'profile'],
    'ho.admin': ['home', 'alerts', 'due?when=overdue', 'reports', 'reports/performance', 'users'],
  };
  for (const [who, list] of Object.entries(routes)) {
    for (const width of WIDTHS) {
      const { page, assertClean } = await pageFor(browser, stack.base, who, { viewport: { width, height: 800 } });
      for (const route of list) {
        await page.goto(`${stack.base}/#/${route}`);
        await page.locator('#page h1').waitFor();
        await page.waitForFunction(() => !document.getElementById('main-content').hasAttribute('aria-busy'));
        await page.waitForTimeout(150);
        await assertFits(page, `${who} #/${route} at ${width}px`);
        if (route === 'users') {
          // Every "Delete" button is inside the window.
          const rights = await page.locator('#users-table button[data-action="delete"]').evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().right));
          for (const r of rights) assert.ok(r <= width, `a Delete button ends at ${r} px in ${width}`);
          if (width === 1280) {
            const hidden = await page.locator('#users-table').evaluate((t) => t.closest('.table-wrap').scrollWidth - t.closest('.table-wrap').clientWidth);
            assert.ok(hidden <= 0, `the user accounts table scrolls ${hidden} px sideways at 1280`);
          }
        }
        if (width === 320) {
          const wide = await page.evaluate(() => [...document.querySelectorAll('#page select, #page input')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.name));
          assert.deepEqual(wide, [], `${route}: controls wider than the window`);
        }
      }
      assertClean();
      await page.context().close();
    }
  }

  const { page, assertClean } = await pageFor(browser, stack.base, 'nfc.user');
  for (const route of ['home', 'cases', `cases/${kase.id}`, 'alerts', 'reports/performance']) {
    await page.goto(`${stack.base}/#/${route}`);
    await page.locator('#page h1').waitFor();
    // The skip link is the first thing the keyboard reaches, and Enter moves focus to the content.
    const first = await page.evaluate(() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
      .find((e) => e.tabIndex >= 0 && !e.closest('[hidden]'))?.id);
    assert.equal(first, 'skip-link', `${route}: the skip link comes first`);
    await page.locator('#skip-link').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => Boolean(document.activeElement.closest('#main-content'))), true, `${route}: focus in the main content`);
  }
  assert.equal(await page.evaluate(() => Boolean(document.querySelector('.phase-banner').closest('header, main, footer, nav'))), true, 'the banner is in a landmark');
  // A search says how many it found, in a status region.
  await page.goto(`${stack.base}/#/cases?q=${encodeURIComponent(kase.name)}`);
  await waitForText(page.locator('#search-status'), /^\d+ cases? found$/);
  assert.equal(await page.locator('#search-status').getAttribute('role'), 'status');
  assertClean();
  await page.context().close();
});

// ---- 10. demo data that shows the product ----

test('10. every demo user signs in to real work, and nothing was due before it was raised', async () => {
  for (const who of DEMO_USERS) {
    const side = who.startsWith('ho.') ? 'ho' : 'council';
    const home = await api(who, '/api/home');
    assert.ok(home.counters.overdue >= 1, `${who}: something overdue (${JSON.stringify(home.counters)})`);
    if (side === 'council') {
      const mine = await api(who, '/api/cases?open=1&mine=1&limit=1');
      assert.ok(mine.total >= 1, `${who}: open cases of their own`);
    }
    const alerts = (await api(who, '/api/alerts?limit=500')).items;
    const queries = (await api(who, '/api/queries?state=all&limit=500')).items;
    assert.ok(alerts.length + queries.length > 0, `${who}: alerts or queries`);
    for (const x of [...alerts, ...queries]) {
      const raised = (x.raised_at || x.opened_at).slice(0, 10);
      if (x.due) assert.ok(raised <= x.due, `${who}: item ${x.id} raised ${raised} after its due date ${x.due}`);
      const kase = await api(who, `/api/cases/${x.case_id}`);
      assert.ok(kase.created_at.slice(0, 10) <= raised, `${who}: item ${x.id} raised before its case C${kase.id} was created`);
      if (x.type === 'immigration_update') {
        for (const c of x.changes) assert.deepEqual(c.new, kase.immigration[c.field], `the update's new ${c.field} is the case's`);
      }
      if (x.type === 'new_case') assert.equal(kase.immigration.status, 'unknown', 'a new case alert on a case the HO has not checked');
    }
    // Due today exists on a working day (at a weekend the next working day is the soonest).
    const day = new Date().getDay();
    if (day !== 0 && day !== 6) assert.ok(home.counters.due_today >= 1, `${who}: something due today`);
    // Signed in, the home page shows it.
    const { page, assertClean } = await newPage(browser);
    await signIn(page, stack.base, who);
    await waitForHeading(page, /^Welcome, /);
    await page.locator('#home-todo-list').waitFor();
    assertClean();
    await page.context().close();
  }
  const net = await api('net.admin', '/api/home');
  assert.ok(net.counters.open_referral >= 1 && net.counters.open_supported >= 1, 'the Network sees national counts');
});

// ---- 8. one duplicate warning with the right main action is in cases.test.mjs and duplicates.test.mjs ----
