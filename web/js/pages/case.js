// One case: #/cases/{id}[/{tab}] with tabs for the summary (details and allocation), the principal
// applicant, dependants, immigration (./case-immigration.js), finance (read-only for the Home
// Office), closure, documents, alerts (./case-alerts.js), queries (./case-queries.js) and history. Tabs follow the ARIA tabs pattern (arrow keys, Home, End); the chosen tab is kept in
// the address with history.replaceState, so a reload or a shared link opens the same tab.
import { api } from '../api.js';
import { h, replaceChildren, summaryRow, uid } from '../dom.js';
import { field, showErrors, showApiError, busy, valueOf } from '../forms.js';
import {
  parseDate, dateInput, formatDate, formatDateTime, formatPence, penceInput, parsePounds, formatSize, today,
} from '../format.js';
import { personFields, readPerson, personName, personRows } from '../person.js';
import {
  LEGISLATION, HOUSEHOLD_TYPES, ACCOMMODATION_TYPES, CLOSURE_REASONS, REFERRAL_SOURCES, options,
  referralSourceLabel, legislationLabel, householdLabel, immigrationStatusLabel, accommodationLabel, closureReasonLabel,
  relationshipLabel, statusLabel, genderLabel, fieldPathLabel, fieldWord, canEditCases, isHomeOffice,
} from '../labels.js';
import { statusTag } from './cases.js';
import { caseworkerOptions } from '../caseworkers.js';
import { confirmDialog } from '../dialog.js';
import { drawImmigration } from './case-immigration.js';
import { drawAlerts, drawNotices } from './case-alerts.js';
import { drawQueries } from './case-queries.js';

const TABS = [
  ['summary', 'Summary'],
  ['principal', 'Principal applicant'],
  ['dependants', 'Dependants'],
  ['immigration', 'Immigration'],
  ['finance', 'Finance'],
  ['closure', 'Closure'],
  ['documents', 'Documents'],
  ['alerts', 'Alerts'],
  ['queries', 'Queries'],
  ['history', 'History'],
];

const MAX_UPLOAD = 10 * 1024 * 1024;

const notRecorded = () => h('span', { class: 'muted' }, 'Not recorded');
const orNot = (v) => (v === null || v === undefined || v === '' ? notRecorded() : v);

export async function renderCase(section, ctx) {
  const me = ctx.user;
  const council = canEditCases(me);
  const id = ctx.args.id;
  const base = `/api/cases/${id}`;

  let kase;
  // The case's alerts and queries; null when they could not be loaded (said in their tabs).
  const activity = { alerts: null, alertsError: '', queries: null, queriesError: '' };
  async function loadActivity() {
    const [a, q] = await Promise.allSettled([api.all(`${base}/alerts`), api.all(`${base}/queries`)]);
    activity.alerts = a.status === 'fulfilled' ? a.value : null;
    activity.alertsError = a.status === 'rejected' ? (a.reason && a.reason.message) || '' : '';
    activity.queries = q.status === 'fulfilled' ? q.value : null;
    activity.queriesError = q.status === 'rejected' ? (q.reason && q.reason.message) || '' : '';
  }
  try {
    [kase] = await Promise.all([api.get(base), loadActivity()]);
  } catch (error) {
    if (error.status === 404) {
      ctx.title = 'Case not found';
      section.append(
        h('h1', { class: 'heading-l' }, 'Case not found'),
        h('p', { class: 'body' }, `There is no case C${id} that you can see. It may belong to another council, or the number may be wrong.`),
        h('p', { class: 'body' }, h('a', { href: '#/cases', class: 'link' }, 'Search for a case')));
      return;
    }
    throw error;
  }
  const cwOptions = council ? await caseworkerOptions(me, kase.caseworker) : [];
  if (!ctx.isCurrent()) return;

  // ---- header ----
  const caption = h('span', { class: 'caption', id: 'case-council' });
  const title = h('h1', { class: 'heading-l case-title', id: 'case-title' });
  const facts = h('p', { class: 'case-facts', id: 'case-facts' });
  function fillHeader() {
    const cid = kase.connect_id || `C${kase.id}`;
    caption.textContent = (kase.council && kase.council.name) || '';
    replaceChildren(title, h('span', { class: 'case-title__id' }, cid), ' ', personName(kase.principal));
    replaceChildren(facts, statusTag(kase.status),
      h('span', { class: 'case-facts__item' }, `Born ${formatDate(kase.principal && kase.principal.date_of_birth)}`),
      h('span', { class: 'case-facts__item' }, (kase.principal && kase.principal.nationality) || ''),
      h('span', { class: 'case-facts__item' }, kase.caseworker ? `Caseworker: ${kase.caseworker.name}` : 'Not allocated'));
    ctx.title = `${cid} ${personName(kase.principal)}`;
    document.title = `${ctx.title} – Connect`;
  }

  // ---- tabs ----
  const tablist = h('div', { class: 'tabs__list', role: 'tablist', 'aria-label': 'Case sections', id: 'case-tabs' });
  const tabs = {};
  const panels = {};
  for (const [key, text] of TABS) {
    const tabId = `tab-${key}`;
    const panelId = `panel-${key}`;
    tabs[key] = h('button', {
      type: 'button', role: 'tab', id: tabId, class: 'tabs__tab', 'aria-controls': panelId,
      'aria-selected': 'false', tabindex: '-1', dataset: { tab: key },
    }, text);
    panels[key] = h('section', { class: 'tabs__panel', role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, tabindex: '0', hidden: true });
    tablist.append(tabs[key]);
  }
  const keys = TABS.map(([k]) => k);
  let current = keys.includes(ctx.args.tab) ? ctx.args.tab : 'summary';

  function select(key, { focusTab = false, focusPanel = false } = {}) {
    current = key;
    for (const k of keys) {
      const on = k === key;
      tabs[k].setAttribute('aria-selected', on ? 'true' : 'false');
      tabs[k].tabIndex = on ? 0 : -1;
      panels[k].hidden = !on;
    }
    if (focusTab) tabs[key].focus();
    if (focusPanel) {
      const heading = panels[key].querySelector('h2');
      (heading || panels[key]).focus();
    }
    const target = key === 'summary' ? `#/cases/${id}` : `#/cases/${id}/${key}`;
    if (location.hash !== target) history.replaceState(history.state, '', target);
    if (key === 'history') loadHistory();
  }
  tablist.addEventListener('click', (ev) => {
    const tab = ev.target instanceof Element ? ev.target.closest('[role="tab"]') : null;
    if (tab) select(tab.dataset.tab, { focusTab: true });
  });
  tablist.addEventListener('keydown', (ev) => {
    const i = keys.indexOf(current);
    let next = null;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') next = keys[(i + 1) % keys.length];
    else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') next = keys[(i - 1 + keys.length) % keys.length];
    else if (ev.key === 'Home') next = keys[0];
    else if (ev.key === 'End') next = keys[keys.length - 1];
    if (next) {
      ev.preventDefault();
      select(next, { focusTab: true });
    }
  });

  function tabCounts() {
    const deps = (kase.dependants || []).length;
    const docs = (kase.documents || []).length;
    tabs.dependants.textContent = deps ? `Dependants (${deps})` : 'Dependants';
    tabs.documents.textContent = docs ? `Documents (${docs})` : 'Documents';
    // Open alerts addressed to the user's side (the other side's are theirs to deal with).
    const openAlerts = (activity.alerts || []).filter((a) => a.open && a.to === (council ? 'council' : 'ho')).length;
    const openQueries = (activity.queries || []).filter((q) => q.status !== 'closed').length;
    tabs.alerts.textContent = openAlerts ? `Alerts (${openAlerts} open)` : 'Alerts';
    tabs.queries.textContent = openQueries ? `Queries (${openQueries} open)` : 'Queries';
  }

  /**
   * After a change the server answered with the new CASE: re-read the alerts and queries (a change
   * may raise or clear one), redraw, keep the tab, say what happened.
   */
  async function refresh(updated, message) {
    if (updated && typeof updated === 'object' && updated.id) kase = updated;
    await loadActivity();
    fillHeader();
    tabCounts();
    drawAll();
    if (message) ctx.setStatus(message, 'success');
    const heading = panels[current].querySelector('h2');
    if (heading) heading.focus();
  }

  async function reload(message) {
    const fresh = await api.get(base);
    await refresh(fresh, message);
  }

  /** An alert or query changed (accepted, opened, an outcome recorded): re-read the case and them. */
  async function activityChanged(message) {
    try {
      await reload(message);
    } catch (error) { failed(error); }
  }

  // What the tab modules see of this page.
  const cx = {
    id, base, user: me, council, ho: isHomeOffice(me),
    get kase() { return kase; },
    get alerts() { return activity.alerts; },
    get alertsError() { return activity.alertsError; },
    get queries() { return activity.queries; },
    get queriesError() { return activity.queriesError; },
    refresh, activityChanged, setStatus: ctx.setStatus, panelHeading: (text, extra) => panelHeading(text, extra),
    select: (key, opts) => select(key, opts),
  };
  const notices = h('div', { class: 'case-notices', id: 'case-notices' });

  function failed(error) {
    if (error && error.handled) return;
    ctx.setStatus((error && error.message) || 'Something went wrong. Try again.', 'error');
  }

  function panelHeading(text, extra) {
    return h('div', { class: 'section-head' }, h('h2', { class: 'heading-m', tabindex: '-1' }, text), extra || null);
  }

  // ==== Summary: details and allocation ====
  function drawSummary() {
    const p = panels.summary;
    const view = h('dl', { class: 'summary-list', id: 'case-summary' },
      summaryRow('Status', statusTag(kase.status)),
      summaryRow('Connect ID', kase.connect_id || `C${kase.id}`),
      summaryRow('Council', (kase.council && kase.council.name) || ''),
      summaryRow('Caseworker', kase.caseworker ? kase.caseworker.name : h('span', { class: 'muted' }, 'Not allocated')),
      summaryRow('Team', orNot(kase.team)),
      summaryRow('Legislation', legislationLabel(kase.legislation)),
      summaryRow('Household type', householdLabel(kase.household_type)),
      summaryRow('Referral source', kase.referral_source ? referralSourceLabel(kase.referral_source) : notRecorded()),
      summaryRow('Address', orNot(kase.address)),
      summaryRow('The council’s involvement', kase.la_involvement ? h('span', { class: 'pre-line' }, kase.la_involvement) : notRecorded()),
      summaryRow('Created', formatDateTime(kase.created_at)),
      summaryRow('Last updated', formatDateTime(kase.updated_at)));
    const editButton = council
      ? h('button', { type: 'button', class: 'button button--secondary', id: 'edit-details', 'aria-expanded': 'false', 'aria-controls': 'details-form' }, 'Edit details')
      : null;
    const formArea = h('div', {});
    replaceChildren(p, panelHeading('Summary', editButton), formArea, view);
    if (council) {
      editButton.addEventListener('click', () => {
        const open = editButton.getAttribute('aria-expanded') === 'true';
        if (open) { replaceChildren(formArea); editButton.setAttribute('aria-expanded', 'false'); return; }
        editButton.setAttribute('aria-expanded', 'true');
        replaceChildren(formArea, detailsForm(() => { replaceChildren(formArea); editButton.setAttribute('aria-expanded', 'false'); editButton.focus(); }));
        formArea.querySelector('select').focus();
      });
      p.append(allocationSection());
    }
  }

  function detailsForm(onCancel) {
    const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
    cancel.addEventListener('click', onCancel);
    const form = h('form', { class: 'form panel', id: 'details-form', novalidate: true },
      h('h3', { class: 'heading-s' }, 'Edit the case details'),
      field({ label: 'Legislation', name: 'legislation', options: options(LEGISLATION), value: kase.legislation }),
      field({ label: 'Household type', name: 'household_type', options: options(HOUSEHOLD_TYPES), value: kase.household_type }),
      field({ label: 'Referral source', name: 'referral_source', options: options(REFERRAL_SOURCES, 'Not recorded'), value: kase.referral_source || '' }),
      field({ label: 'Address', name: 'address', type: 'textarea', value: kase.address || '', width: 'large', attrs: { rows: 3 } }),
      field({ label: 'The council’s involvement', name: 'la_involvement', type: 'textarea', value: kase.la_involvement || '', width: 'large', attrs: { rows: 5 } }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Save details'), cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        legislation: valueOf(form, 'legislation'),
        household_type: valueOf(form, 'household_type'),
        address: valueOf(form, 'address').trim() || null,
        la_involvement: valueOf(form, 'la_involvement').trim() || null,
      };
      // The referral source goes only when it changed (null clears it).
      const source = valueOf(form, 'referral_source') || null;
      if (source !== (kase.referral_source || null)) body.referral_source = source;
      await busy(form, async () => {
        try {
          refresh(await api.put(base, body), 'The case details have been saved.');
        } catch (error) { showApiError(form, error); }
      });
    });
    return form;
  }

  function allocationSection() {
    const form = h('form', { class: 'form form--inline', id: 'allocation-form', novalidate: true },
      field({ label: 'Caseworker', name: 'caseworker_id', options: cwOptions, value: kase.caseworker ? String(kase.caseworker.id) : '' }),
      field({ label: 'Team', name: 'team', value: kase.team || '', width: 'medium', attrs: { autocomplete: 'off' } }),
      h('button', { type: 'submit', class: 'button button--secondary' }, 'Save allocation'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const cw = valueOf(form, 'caseworker_id');
      const body = { caseworker_id: cw ? Number(cw) : null, team: valueOf(form, 'team').trim() || null };
      await busy(form, async () => {
        try {
          refresh(await api.put(`${base}/allocation`, body), 'The allocation has been saved.');
        } catch (error) { showApiError(form, error); }
      });
    });
    return h('div', { class: 'panel', id: 'allocation' },
      h('h3', { class: 'heading-s', id: 'allocation-heading' }, 'Allocation'),
      h('p', { class: 'body body--secondary' }, 'The caseworker is responsible for the case and finds it under My cases.'),
      form);
  }

  // ==== Principal applicant ====
  function drawPrincipal() {
    const p = panels.principal;
    const pa = kase.principal || {};
    const edit = council ? h('button', { type: 'button', class: 'button button--secondary', id: 'edit-principal' }, 'Edit principal applicant') : null;
    replaceChildren(p, panelHeading('Principal applicant', edit),
      h('dl', { class: 'summary-list', id: 'principal-summary' }, personRows(pa)));
    if (!council) return;
    edit.addEventListener('click', () => {
      const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
      const form = h('form', { class: 'form', id: 'principal-form', novalidate: true },
        personFields('principal.', pa),
        h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Save principal applicant'), cancel));
      cancel.addEventListener('click', () => { drawPrincipal(); panels.principal.querySelector('#edit-principal').focus(); });
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const { person, errors } = readPerson(form, 'principal.', { who: 'the principal applicant' });
        if (errors.length) { showErrors(form, errors); return; }
        await busy(form, async () => {
          try {
            refresh(await api.put(`${base}/principal`, person), 'The principal applicant has been saved.');
          } catch (error) { showApiError(form, error); }
        });
      });
      replaceChildren(p, panelHeading('Edit the principal applicant'), form);
      form.querySelector('input').focus();
    });
  }

  // ==== Dependants ====
  function drawDependants() {
    const p = panels.dependants;
    const deps = kase.dependants || [];
    const add = council ? h('button', { type: 'button', class: 'button button--secondary', id: 'add-dependant', 'aria-expanded': 'false', 'aria-controls': 'dependant-add-form' }, 'Add a dependant') : null;
    const formArea = h('div', {});
    const list = deps.length
      ? h('ul', { class: 'person-list', id: 'dependants-list' }, deps.map((d) => dependantItem(d)))
      : h('p', { class: 'body', id: 'no-dependants' }, 'No dependants are recorded.');
    replaceChildren(p, panelHeading('Dependants', add), formArea, list);
    if (!council) return;
    add.addEventListener('click', () => {
      if (add.getAttribute('aria-expanded') === 'true') { replaceChildren(formArea); add.setAttribute('aria-expanded', 'false'); return; }
      add.setAttribute('aria-expanded', 'true');
      const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
      const form = h('form', { class: 'form panel', id: 'dependant-add-form', novalidate: true },
        h('h3', { class: 'heading-s' }, 'Add a dependant'),
        personFields('dependant.', {}, { relationship: true }),
        h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Add dependant'), cancel));
      cancel.addEventListener('click', () => { replaceChildren(formArea); add.setAttribute('aria-expanded', 'false'); add.focus(); });
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const { person, errors } = readPerson(form, 'dependant.', { relationship: true, who: 'the dependant' });
        if (errors.length) { showErrors(form, errors); return; }
        await busy(form, async () => {
          try {
            refresh(await api.post(`${base}/dependants`, person), `${personName(person)} has been added as a dependant.`);
          } catch (error) { showApiError(form, error); }
        });
      });
      replaceChildren(formArea, form);
      form.querySelector('input').focus();
    });
  }

  function dependantItem(d) {
    const name = personName(d);
    const headingId = uid('dep');
    const li = h('li', { class: 'person-card', dataset: { personId: String(d.id) }, 'aria-labelledby': headingId });
    const show = () => {
      const actions = council ? h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button button--small button--secondary', dataset: { action: 'edit' }, 'aria-label': `Edit ${name}`, onclick: () => edit() }, 'Edit'),
        h('button', { type: 'button', class: 'button button--small button--warning', dataset: { action: 'remove' }, 'aria-label': `Remove ${name}`, onclick: () => remove() }, 'Remove')) : null;
      replaceChildren(li,
        h('div', { class: 'section-head' },
          h('h3', { class: 'heading-s', id: headingId }, name, h('span', { class: 'muted' }, ` – ${relationshipLabel(d.relationship)}`)),
          actions),
        h('dl', { class: 'summary-list' }, personRows(d, { relationship: true })));
    };
    const edit = () => {
      const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
      const form = h('form', { class: 'form', novalidate: true, dataset: { personId: String(d.id) } },
        h('h3', { class: 'heading-s', id: headingId }, `Edit ${name}`),
        personFields('dependant.', d, { relationship: true }),
        h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Save dependant'), cancel));
      cancel.addEventListener('click', () => { show(); li.querySelector('[data-action="edit"]').focus(); });
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const { person, errors } = readPerson(form, 'dependant.', { relationship: true, who: 'the dependant' });
        if (errors.length) { showErrors(form, errors); return; }
        await busy(form, async () => {
          try {
            refresh(await api.put(`${base}/dependants/${d.id}`, person), `${personName(person)} has been saved.`);
          } catch (error) { showApiError(form, error); }
        });
      });
      replaceChildren(li, form);
      form.querySelector('input').focus();
    };
    const remove = async () => {
      const ok = await confirmDialog({
        title: `Remove ${name} from this case?`,
        body: 'They will no longer be a dependant on this case. The change is recorded in the history.',
        confirmLabel: 'Remove dependant',
        danger: true,
      });
      if (!ok) return;
      try {
        refresh(await api.del(`${base}/dependants/${d.id}`), `${name} has been removed from the case.`);
      } catch (error) { failed(error); }
    };
    show();
    return li;
  }

  // ==== Finance (council edits; the Home Office reads) ====
  function drawFinance() {
    const p = panels.finance;
    const f = kase.finance;
    if (!council) {
      const rows = f ? [
        summaryRow('Support start date', f.support_start_date ? formatDate(f.support_start_date) : notRecorded()),
        summaryRow('Weekly subsistence', f.weekly_subsistence_pence != null ? formatPence(f.weekly_subsistence_pence) : notRecorded()),
        summaryRow('Accommodation type', f.accommodation_type ? accommodationLabel(f.accommodation_type) : notRecorded()),
        summaryRow('Weekly accommodation cost', f.weekly_accommodation_pence != null ? formatPence(f.weekly_accommodation_pence) : notRecorded()),
        summaryRow('Support end date', f.support_end_date ? formatDate(f.support_end_date) : notRecorded()),
      ] : [];
      const costs = f && Array.isArray(f.other_costs) && f.other_costs.length
        ? h('table', { class: 'table', id: 'other-costs-table' },
          h('caption', { class: 'table__caption' }, 'Other costs'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Description'), h('th', { scope: 'col' }, 'Amount'), h('th', { scope: 'col' }, 'Date'))),
          h('tbody', {}, f.other_costs.map((c) => h('tr', {},
            h('td', { dataset: { label: 'Description' } }, c.description || ''),
            h('td', { dataset: { label: 'Amount' } }, formatPence(c.amount_pence)),
            h('td', { dataset: { label: 'Date' } }, formatDate(c.date))))))
        : h('p', { class: 'body' }, 'No other costs are recorded.');
      replaceChildren(p, panelHeading('Finance'),
        h('p', { class: 'inset', id: 'finance-read-only' }, 'The council records the finance. You can read it but not change it.'),
        f ? h('div', { id: 'finance-view' }, h('dl', { class: 'summary-list', id: 'finance-summary' }, rows), costs)
          : h('p', { class: 'body', id: 'finance-view' }, 'No finance is recorded yet.'));
      return;
    }
    const fin = f || {};
    const costList = h('div', { class: 'cost-rows', id: 'other-costs' });
    const addCost = h('button', { type: 'button', class: 'button button--secondary button--small', id: 'add-cost' }, 'Add another cost');
    const renumber = () => {
      [...costList.children].forEach((row, i) => {
        for (const el of row.querySelectorAll('[name]')) el.name = el.name.replace(/^other_costs\.\d+\./, `other_costs.${i}.`);
        row.querySelector('legend').textContent = `Cost ${i + 1}`;
        row.querySelector('.remove-cost').textContent = `Remove cost ${i + 1}`;
      });
    };
    const costRow = (c = {}) => {
      const i = costList.children.length;
      const remove = h('button', { type: 'button', class: 'button button--secondary button--small remove-cost' }, `Remove cost ${i + 1}`);
      const row = h('fieldset', { class: 'fieldset cost-row' },
        h('legend', { class: 'fieldset__legend' }, `Cost ${i + 1}`),
        h('div', { class: 'form--inline' },
          field({ label: 'Description', name: `other_costs.${i}.description`, value: c.description || '', width: 'medium', attrs: { autocomplete: 'off' } }),
          field({ label: 'Amount (£)', name: `other_costs.${i}.amount_pence`, value: penceInput(c.amount_pence), width: 'small', attrs: { inputmode: 'decimal', autocomplete: 'off' } }),
          field({ label: 'Date', name: `other_costs.${i}.date`, value: dateInput(c.date), width: 'small', attrs: { inputmode: 'numeric', autocomplete: 'off' } }),
          remove));
      remove.addEventListener('click', () => {
        row.remove();
        renumber();
        addCost.focus();
      });
      costList.append(row);
      return row;
    };
    for (const c of (Array.isArray(fin.other_costs) ? fin.other_costs : [])) costRow(c);
    addCost.addEventListener('click', () => { costRow().querySelector('input').focus(); });

    const poundsField = (lbl, name, pence) => field({
      label: lbl, name, value: penceInput(pence), width: 'small', hint: 'In pounds, for example 85.50',
      attrs: { inputmode: 'decimal', autocomplete: 'off' },
    });
    const dateField = (lbl, name, v, hint) => field({ label: lbl, name, value: dateInput(v), width: 'small', hint, attrs: { autocomplete: 'off', inputmode: 'numeric' } });
    const form = h('form', { class: 'form', id: 'finance-form', novalidate: true },
      dateField('Support start date', 'support_start_date', fin.support_start_date, 'The first date the council paid for support, for example 01/10/2026. Saving it makes the case “Open – supported”.'),
      poundsField('Weekly subsistence (£)', 'weekly_subsistence_pence', fin.weekly_subsistence_pence),
      field({ label: 'Accommodation type', name: 'accommodation_type', options: options(ACCOMMODATION_TYPES, 'Not recorded'), value: fin.accommodation_type || '' }),
      poundsField('Weekly accommodation cost (£)', 'weekly_accommodation_pence', fin.weekly_accommodation_pence),
      h('h3', { class: 'heading-s' }, 'Other costs'),
      costList,
      h('p', { class: 'body' }, addCost),
      dateField('Support end date (optional)', 'support_end_date', fin.support_end_date, 'The last date of financial support'),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'save-finance' }, 'Save finance')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const errors = [];
      const date = (name, lbl) => {
        const iso = parseDate(valueOf(form, name));
        if (iso === null) { errors.push({ field: name, message: `${lbl} must be a real date, for example 01/10/2026` }); return null; }
        return iso || null;
      };
      const money = (name, lbl) => {
        const v = parsePounds(valueOf(form, name));
        if (Number.isNaN(v)) { errors.push({ field: name, message: `${lbl} must be an amount in pounds, for example 85.50` }); return null; }
        return v;
      };
      const body = {
        support_start_date: date('support_start_date', 'The support start date'),
        weekly_subsistence_pence: money('weekly_subsistence_pence', 'Weekly subsistence'),
        accommodation_type: valueOf(form, 'accommodation_type') || null,
        weekly_accommodation_pence: money('weekly_accommodation_pence', 'The weekly accommodation cost'),
        other_costs: [],
        support_end_date: date('support_end_date', 'The support end date'),
      };
      [...costList.children].forEach((row, i) => {
        const description = valueOf(form, `other_costs.${i}.description`).trim();
        const amount = money(`other_costs.${i}.amount_pence`, `The amount of cost ${i + 1}`);
        const d = date(`other_costs.${i}.date`, `The date of cost ${i + 1}`);
        if (!description && amount === null && !d) return; // an empty row is ignored
        if (!description) errors.push({ field: `other_costs.${i}.description`, message: `Enter a description for cost ${i + 1}` });
        if (amount === null && !errors.some((e) => e.field === `other_costs.${i}.amount_pence`)) errors.push({ field: `other_costs.${i}.amount_pence`, message: `Enter the amount of cost ${i + 1}` });
        body.other_costs.push({ description, amount_pence: amount, date: d });
      });
      if (errors.length) { showErrors(form, errors); return; }
      const wasReferral = kase.status === 'open_referral';
      await busy(form, async () => {
        let updated;
        try {
          updated = await api.put(`${base}/finance`, body);
        } catch (error) { showApiError(form, error); return; }
        const now = wasReferral && updated && updated.status === 'open_supported' ? ' The case is now open – supported.' : '';
        refresh(updated, `The finance has been saved.${now}`);
      });
    });
    const updated = fin.updated_at ? h('p', { class: 'body body--secondary' }, `Last updated ${formatDateTime(fin.updated_at)}.`) : null;
    replaceChildren(p, panelHeading('Finance'), updated, form);
  }

  // ==== Closure ====
  function previousClosures() {
    const list = Array.isArray(kase.previous_closures) ? kase.previous_closures : [];
    if (!list.length) return null;
    return h('div', { id: 'previous-closures' },
      h('h3', { class: 'heading-s' }, 'Earlier closures'),
      h('ul', { class: 'list' }, list.map((pc) => h('li', {},
        `Closed ${formatDate(pc.closure_date)} – ${closureReasonLabel(pc.reason)}`,
        pc.reopened_at ? `; reopened ${formatDateTime(pc.reopened_at)}` : ''))));
  }

  function drawClosure() {
    const p = panels.closure;
    const c = kase.closure;
    if (kase.status === 'closed' || c) {
      const reopen = council ? h('button', { type: 'button', class: 'button button--secondary', id: 'reopen-case' }, 'Reopen case') : null;
      replaceChildren(p, panelHeading('Closure'),
        h('p', { class: 'body', id: 'closure-state' }, 'This case is closed.'),
        c ? h('dl', { class: 'summary-list', id: 'closure-summary' },
          summaryRow('Closure date', formatDate(c.closure_date)),
          summaryRow('Reason', closureReasonLabel(c.reason)),
          summaryRow('Notes', c.notes ? h('span', { class: 'pre-line' }, c.notes) : notRecorded()),
          summaryRow('Closed', `${formatDateTime(c.closed_at)}${c.closed_by && c.closed_by.name ? ` by ${c.closed_by.name}` : ''}`)) : null,
        reopen,
        previousClosures());
      if (reopen) {
        reopen.addEventListener('click', async () => {
          const ok = await confirmDialog({
            title: 'Reopen this case?',
            body: 'The case becomes open again: supported if finance has a support start date, otherwise a referral.',
            confirmLabel: 'Reopen case',
          });
          if (!ok) return;
          try {
            refresh(await api.del(`${base}/closure`), 'The case has been reopened.');
          } catch (error) { failed(error); }
        });
      }
      return;
    }
    if (!council) {
      replaceChildren(p, panelHeading('Closure'), h('p', { class: 'body', id: 'closure-state' }, 'This case is open. Only the council can close it.'), previousClosures());
      return;
    }
    const start = kase.finance && kase.finance.support_start_date;
    const form = h('form', { class: 'form', id: 'closure-form', novalidate: true },
      field({
        label: 'Closure date', name: 'closure_date', width: 'small', value: '',
        hint: `For a supported case, the last date of financial support. For example, ${dateInput(today())}.`,
        attrs: { autocomplete: 'off', inputmode: 'numeric' },
      }),
      field({ label: 'Reason', name: 'reason', options: options(CLOSURE_REASONS, 'Choose a reason') }),
      field({ label: 'Notes (optional)', name: 'notes', type: 'textarea', width: 'large', attrs: { rows: 4 } }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button--warning', id: 'close-case' }, 'Close case')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const errors = [];
      const raw = valueOf(form, 'closure_date');
      const d = parseDate(raw);
      if (!raw.trim()) errors.push({ field: 'closure_date', message: 'Enter the closure date' });
      else if (!d) errors.push({ field: 'closure_date', message: 'The closure date must be a real date, for example 27/03/2026' });
      else if (d > today()) errors.push({ field: 'closure_date', message: 'The closure date cannot be in the future' });
      else if (start && d < start) errors.push({ field: 'closure_date', message: `The closure date cannot be before the support start date (${formatDate(start)})` });
      const reason = valueOf(form, 'reason');
      if (!reason) errors.push({ field: 'reason', message: 'Choose the reason for closing the case' });
      if (errors.length) { showErrors(form, errors); return; }
      await busy(form, async () => {
        try {
          refresh(await api.post(`${base}/closure`, { closure_date: d, reason, notes: valueOf(form, 'notes').trim() || null }), 'The case has been closed.');
        } catch (error) { showApiError(form, error); }
      });
    });
    replaceChildren(p, panelHeading('Close the case'),
      h('p', { class: 'body', id: 'closure-state' }, 'This case is open.'),
      form,
      previousClosures());
  }

  // ==== Documents ====
  function personLabel(pid) {
    if (!pid) return 'Whole household';
    if (kase.principal && kase.principal.id === pid) return `${personName(kase.principal)} (principal applicant)`;
    const d = (kase.dependants || []).find((x) => x.id === pid);
    return d ? personName(d) : `Person ${pid}`;
  }

  function drawDocuments() {
    const p = panels.documents;
    const docs = kase.documents || [];
    let upload = null;
    if (council) {
      const people = [{ value: '', label: 'Whole household' }];
      if (kase.principal) people.push({ value: String(kase.principal.id || 1), label: `${personName(kase.principal)} (principal applicant)` });
      for (const d of kase.dependants || []) people.push({ value: String(d.id), label: personName(d) });
      upload = h('form', { class: 'form panel', id: 'upload-form', novalidate: true },
        h('h3', { class: 'heading-s' }, 'Upload a document'),
        field({
          label: 'File', name: 'file', type: 'file', hint: 'A PDF, JPEG or PNG file, up to 10 MB',
          attrs: { accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png', class: 'file-input' },
        }),
        field({ label: 'Whose document is it?', name: 'person', options: people, value: '' }),
        h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'upload-button' }, 'Upload')));
      upload.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const input = upload.querySelector('input[name="file"]');
        const file = input.files && input.files[0];
        if (!file) { showErrors(upload, [{ field: 'file', message: 'Choose a file to upload' }]); return; }
        if (file.size > MAX_UPLOAD) { showErrors(upload, [{ field: 'file', message: 'The file must be 10 MB or smaller' }]); return; }
        if (file.size === 0) { showErrors(upload, [{ field: 'file', message: 'The file is empty' }]); return; }
        const person = valueOf(upload, 'person');
        await busy(upload, async () => {
          try {
            await api.upload(`${base}/documents`, file, { filename: file.name, person: person || undefined });
          } catch (error) {
            ctx.setStatus('');
            showApiError(upload, error, {
              payload_too_large: { field: 'file', message: 'The file must be 10 MB or smaller' },
              validation_failed: (e) => ({ field: e.field || 'file', message: e.message }),
            });
            return;
          }
          try { await reload(`${file.name} has been uploaded.`); } catch (error) { failed(error); }
        });
      });
    }
    const list = docs.length
      ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Documents on this case' },
        h('table', { class: 'table', id: 'documents-table' },
          h('caption', { class: 'table__caption' }, `${docs.length} ${docs.length === 1 ? 'document' : 'documents'}`),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'File'),
            h('th', { scope: 'col' }, 'Type'),
            h('th', { scope: 'col' }, 'Size'),
            h('th', { scope: 'col' }, 'Person'),
            h('th', { scope: 'col' }, 'Uploaded'),
            council ? h('th', { scope: 'col' }, 'Actions') : null)),
          h('tbody', {}, docs.map((d) => h('tr', { dataset: { docId: String(d.id), filename: d.filename || '' } },
            h('th', { scope: 'row', class: 'table__name', dataset: { label: 'File' } },
              h('a', { href: `${base}/documents/${d.id}`, class: 'link', download: d.filename || true }, d.filename || `Document ${d.id}`)),
            h('td', { dataset: { label: 'Type' } }, docType(d.content_type)),
            h('td', { dataset: { label: 'Size' } }, formatSize(d.size)),
            h('td', { dataset: { label: 'Person' } }, personLabel(d.person_id)),
            h('td', { dataset: { label: 'Uploaded' } }, `${formatDateTime(d.uploaded_at)}${d.uploaded_by ? ` by ${d.uploaded_by.name}` : ''}`),
            council ? h('td', { class: 'table__actions' }, h('button', {
              type: 'button', class: 'button button--small button--warning', 'aria-label': `Delete ${d.filename}`,
              dataset: { action: 'delete' }, onclick: () => deleteDoc(d),
            }, 'Delete')) : null)))))
      : h('p', { class: 'body', id: 'no-documents' }, 'No documents have been uploaded.');
    replaceChildren(p, panelHeading('Documents'), upload, list);
  }

  async function deleteDoc(d) {
    const ok = await confirmDialog({
      title: `Delete ${d.filename}?`,
      body: 'The document will be removed from the case. The deletion is recorded in the history.',
      confirmLabel: 'Delete document',
      danger: true,
    });
    if (!ok) return;
    try {
      refresh(await api.del(`${base}/documents/${d.id}`), `${d.filename} has been deleted.`);
    } catch (error) { failed(error); }
  }

  // ==== History ====
  let historySeq = 0;
  async function loadHistory() {
    const seq = ++historySeq;
    const p = panels.history;
    const area = h('div', { id: 'history-area' }, h('p', { class: 'loading' }, 'Loading the history…'));
    replaceChildren(p, panelHeading('History'), area);
    const rows = [];
    const tbody = h('tbody', {});
    const more = h('button', { type: 'button', class: 'button button--secondary', id: 'history-more' }, 'Show older changes');
    let cursor = null;
    async function page() {
      const res = await api.get(`${base}/history`, { query: { limit: 100, cursor } });
      if (seq !== historySeq) return;
      const items = res && Array.isArray(res.items) ? res.items : [];
      learnNames(items);
      for (const item of items) {
        const tr = historyRow(item);
        rows.push(tr);
        tbody.append(tr);
      }
      cursor = res && res.next_cursor;
      more.hidden = !cursor;
    }
    try {
      await page();
    } catch (error) {
      if (seq !== historySeq) return;
      if (!error.handled) replaceChildren(area, h('p', { class: 'body field-error' }, error.message));
      return;
    }
    if (seq !== historySeq) return;
    if (!rows.length) { replaceChildren(area, h('p', { class: 'body', id: 'no-history' }, 'No changes have been recorded.')); return; }
    more.addEventListener('click', async () => {
      const before = rows.length;
      try { await page(); } catch (error) { failed(error); return; }
      const first = rows[before];
      if (first) { first.tabIndex = -1; first.focus(); }
    });
    replaceChildren(area,
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Changes to this case' },
        h('table', { class: 'table', id: 'history-table' },
          h('caption', { class: 'table__caption' }, 'Changes to this case, newest first'),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'When'),
            h('th', { scope: 'col' }, 'Who'),
            h('th', { scope: 'col' }, 'What'),
            h('th', { scope: 'col' }, 'Change'))),
          tbody)),
      more);
  }

  /** 'dependants.2.family_name' -> 'Dependant Deniz Demir: family name' while the dependant is on the case. */
  function whatChanged(path) {
    const m = /^dependants\.(\d+)(?:\.(.+))?$/.exec(path || '');
    const d = m && (kase.dependants || []).find((x) => String(x.id) === m[1]);
    if (d) return m[2] ? `Dependant ${personName(d)}: ${fieldWord(m[2].split('.').pop())}` : `Dependant ${personName(d)}`;
    return fieldPathLabel(path);
  }

  // History stores user ids (caseworker_id); name them from what the page knows.
  const userNames = new Map();
  function learnNames(items) {
    for (const o of cwOptions) if (o.value) userNames.set(String(o.value), o.label.replace(/ \(me\)$/, ''));
    if (kase.caseworker) userNames.set(String(kase.caseworker.id), kase.caseworker.name);
    userNames.set(String(me.id), me.name || me.username);
    for (const it of items) if (it.by && it.by.id) userNames.set(String(it.by.id), it.by.name);
  }
  function changeText(item, v) {
    if (/(^|\.)caseworker_id$/.test(item.field || '') && v !== null && v !== undefined && v !== '') {
      return userNames.get(String(v)) || `User ${v}`;
    }
    return valueText(item.field, v);
  }

  function historyRow(item) {
    const created = item.field === 'case' && item.new === 'created';
    const change = created
      ? h('td', { class: 'history-change', dataset: { label: 'Change' } }, 'Case created')
      : h('td', { class: 'history-change', dataset: { label: 'Change' } },
        h('span', { class: isEmpty(item.old) ? 'history-empty' : 'history-old' }, changeText(item, item.old)),
        h('span', { class: 'history-arrow' }, ' → '),
        h('span', { class: 'visually-hidden' }, 'changed to '),
        h('span', { class: isEmpty(item.new) ? 'history-empty' : 'history-new' }, changeText(item, item.new)));
    return h('tr', { dataset: { field: item.field || '' } },
      h('td', { dataset: { label: 'When' } }, formatDateTime(item.at)),
      h('td', { dataset: { label: 'Who' } }, (item.by && item.by.name) || ''),
      h('th', { scope: 'row', dataset: { label: 'What' } }, whatChanged(item.field)),
      change);
  }

  function drawAll() {
    drawSummary();
    drawPrincipal();
    drawDependants();
    drawImmigration(panels.immigration, cx);
    drawFinance();
    drawClosure();
    drawDocuments();
    drawAlerts(panels.alerts, cx);
    drawQueries(panels.queries, cx);
    drawNotices(notices, cx);
    if (current === 'history') loadHistory();
  }

  fillHeader();
  tabCounts();
  drawAll();
  section.append(caption, title, facts, notices,
    h('div', { class: 'tabs' }, tablist, TABS.map(([k]) => panels[k])));
  select(current);
}

// Bookkeeping inside recorded objects that says nothing to a reader (ids of records and users).
const HIDDEN_KEYS = new Set(['id', 'updated_at', 'updated_by', 'closed_by', 'reopened_by']);

const isEmpty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);

function docType(t) {
  if (t === 'application/pdf') return 'PDF';
  if (t === 'image/jpeg') return 'JPEG image';
  if (t === 'image/png') return 'PNG image';
  return t || '';
}

/** A history value in words: codes as labels, pence as pounds, dates as dates, empty as "(empty)". */
function valueText(path, v) {
  if (v === null || v === undefined || v === '') return '(empty)';
  const last = String(path || '').split('.').pop();
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) {
    if (!v.length) return '(none)';
    return v.map((x) => valueText(path, x)).join(' | ');
  }
  if (typeof v === 'object') {
    if ('amount_pence' in v && 'description' in v) {
      return `${v.description || 'Cost'} ${formatPence(v.amount_pence)}${v.date ? ` (${formatDate(v.date)})` : ''}`;
    }
    if ('name' in v && Object.keys(v).length <= 2) return String(v.name);
    // A whole page (finance, closure, a previous closure): its filled-in fields, in words.
    const parts = [];
    for (const [k, x] of Object.entries(v)) {
      if (HIDDEN_KEYS.has(k) || isEmpty(x)) continue;
      parts.push(`${fieldPathLabel(k)}: ${valueText(`${path}.${k}`, x)}`);
    }
    return parts.length ? parts.join('; ') : '(empty)';
  }
  if (/_pence$/.test(last) && Number.isFinite(Number(v))) return formatPence(v);
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return formatDate(s);
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) return formatDateTime(s);
  switch (last) {
    case 'status': return String(path).startsWith('immigration') ? immigrationStatusLabel(s) : statusLabel(s);
    case 'legislation': return legislationLabel(s);
    case 'household_type': return householdLabel(s);
    case 'referral_source': return referralSourceLabel(s);
    case 'status_at_referral': return immigrationStatusLabel(s);
    case 'gender': return genderLabel(s);
    case 'relationship': return relationshipLabel(s);
    case 'accommodation_type': return accommodationLabel(s);
    case 'reason': return closureReasonLabel(s);
    default: return s;
  }
}
