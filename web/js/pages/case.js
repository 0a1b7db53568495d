// One case: #/cases/{id}[/{tab}]. This file is the shell – the header, the tab navigation, loading
// the case with its alerts and queries, and handing each tab its panel and `cx` (what the tabs see
// of this page); each tab draws itself from ./case/<tab>.js. Tabs follow the ARIA tabs pattern
// (arrow keys, Home, End); the chosen tab is kept in the address with history.replaceState, so a
// reload or a shared link opens the same tab.
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDate } from '../format.js';
import { personName } from '../person.js';
import { canEditCases, isAdmin, isHomeOffice, isNetworkAdmin } from '../labels.js';
import { statusTag } from './cases.js';
import { caseworkerOptions } from '../caseworkers.js';
import { drawSummary } from './case/summary.js';
import { drawPrincipal } from './case/principal.js';
import { drawDependants } from './case/dependants.js';
import { drawImmigration } from './case/immigration.js';
import { drawFinance } from './case/finance.js';
import { drawClosure } from './case/closure.js';
import { drawDocuments } from './case/documents.js';
import { drawAlerts } from './case/alerts.js';
import { drawQueries } from './case/queries.js';
import { drawHistory, showHistory } from './case/history.js';
import { drawNotices } from './case/notices.js';
import { drawAudit, showAudit } from './case/audit.js';

// [key, tab text, draw(panel, cx) after every change, show(panel, cx) each time the tab is shown]
const TABS = [
  ['summary', 'Summary', drawSummary],
  ['principal', 'Principal applicant', drawPrincipal],
  ['dependants', 'Dependants', drawDependants],
  ['immigration', 'Immigration', drawImmigration],
  ['finance', 'Finance', drawFinance],
  ['closure', 'Closure', drawClosure],
  ['documents', 'Documents', drawDocuments],
  ['alerts', 'Alerts', drawAlerts],
  ['queries', 'Queries', drawQueries],
  ['history', 'History', drawHistory, showHistory],
  ['audit', 'Who has seen it', drawAudit, showAudit], // council and Home Office admins only (tabsFor)
];
/** The tabs `user` sees: the audit trail is for the admins accountable for the case. */
function tabsFor(user) {
  const auditor = isAdmin(user) && !isNetworkAdmin(user);
  return TABS.filter(([key]) => key !== 'audit' || auditor);
}
const SHOW = Object.fromEntries(TABS.filter((t) => t[3]).map(([k, , , show]) => [k, show]));

export async function renderCase(section, ctx) {
  const me = ctx.user;
  const tabList = tabsFor(me);
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
  // A council moves an open case to another council when the household moves (#/transfers/new).
  const transferLink = h('p', { class: 'body case-transfer', id: 'case-transfer' });
  function fillHeader() {
    const cid = kase.connect_id || `C${kase.id}`;
    caption.textContent = (kase.council && kase.council.name) || '';
    replaceChildren(title, h('span', { class: 'case-title__id' }, cid), ' ', personName(kase.principal));
    replaceChildren(facts, statusTag(kase.status),
      h('span', { class: 'case-facts__item' }, `Born ${formatDate(kase.principal && kase.principal.date_of_birth)}`),
      h('span', { class: 'case-facts__item' }, (kase.principal && kase.principal.nationality) || ''),
      h('span', { class: 'case-facts__item' }, kase.caseworker ? `Caseworker: ${kase.caseworker.name}` : 'Not allocated'));
    replaceChildren(transferLink, council && kase.status !== 'closed'
      ? h('a', { href: `#/transfers/new?case=${kase.id}`, class: 'link', id: 'transfer-case' }, 'Transfer to another council') : null);
    transferLink.hidden = !(council && kase.status !== 'closed');
    ctx.title = `${cid} ${personName(kase.principal)}`;
    document.title = `${ctx.title} – Connect`;
  }

  // ---- tabs ----
  const tablist = h('div', { class: 'tabs__list', role: 'tablist', 'aria-label': 'Case sections', id: 'case-tabs' });
  const tabs = {};
  const panels = {};
  for (const [key, text] of tabList) {
    const tabId = `tab-${key}`;
    const panelId = `panel-${key}`;
    tabs[key] = h('button', {
      type: 'button', role: 'tab', id: tabId, class: 'tabs__tab', 'aria-controls': panelId,
      'aria-selected': 'false', tabindex: '-1', dataset: { tab: key },
    }, text);
    panels[key] = h('section', { class: 'tabs__panel', role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, tabindex: '0', hidden: true });
    tablist.append(tabs[key]);
  }
  const keys = tabList.map(([k]) => k);
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
    if (SHOW[key]) SHOW[key](panels[key], cx);
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

  // What the tab modules (./case/*.js) see of this page.
  const cx = {
    id, base, user: me, council, ho: isHomeOffice(me),
    get kase() { return kase; },
    get alerts() { return activity.alerts; },
    get alertsError() { return activity.alertsError; },
    get queries() { return activity.queries; },
    get queriesError() { return activity.queriesError; },
    cwOptions,
    refresh, reload, activityChanged, failed, setStatus: ctx.setStatus, panelHeading,
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

  function drawAll() {
    for (const [key, , draw] of tabList) draw(panels[key], cx);
    drawNotices(notices, cx);
    if (SHOW[current]) SHOW[current](panels[current], cx);
  }

  fillHeader();
  tabCounts();
  drawAll();
  section.append(caption, title, facts, transferLink, notices,
    h('div', { class: 'tabs' }, tablist, tabList.map(([k]) => panels[k])));
  select(current);
}
