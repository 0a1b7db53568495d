// Connect single-page app: the shell (session state, hash router, navigation, status messages).
// No framework and no build step; pages live in ./js/pages/.
import { api, setHooks } from './js/api.js';
import { replaceChildren, h } from './js/dom.js';
import { renderSignIn } from './js/pages/signin.js';
import { renderForcedChange } from './js/pages/password.js';
import { renderHome } from './js/pages/home.js';
import { renderProfile, renderMfaRequired } from './js/pages/profile.js';
import { renderUsers } from './js/pages/users.js';
import { renderCaseSearch, renderMyCases } from './js/pages/cases.js';
import { renderCaseNew } from './js/pages/case-new.js';
import { renderCase } from './js/pages/case.js';
import { renderAlerts } from './js/pages/alerts.js';
import { renderQueries } from './js/pages/queries.js';
import { renderQuery } from './js/pages/query.js';
import { renderDue } from './js/pages/due.js';
import { renderRtpf } from './js/pages/rtpf.js';
import { renderLookups } from './js/pages/rtpf-lookups.js';
import { renderRegister } from './js/pages/rtpf-register.js';
import { renderCasesImport } from './js/pages/cases-import.js';
import { renderReports } from './js/pages/reports.js';
import { renderPerformance } from './js/pages/performance.js';
import { renderNational } from './js/pages/national.js';
import { renderAudit } from './js/pages/audit.js';
import { renderDuplicates } from './js/pages/duplicates.js';
import { renderRetention } from './js/pages/retention.js';
import { renderTransfers, renderTransferNew } from './js/pages/transfers.js';
import { renderDisclosures, renderDisclosureNew, renderDisclosure } from './js/pages/disclosures.js';
import { renderNino } from './js/pages/nino.js';
import { renderMiRuns } from './js/pages/mi-runs.js';
import { renderHelp } from './js/pages/help.js';
import {
  orgKindLabel, isAdmin, canSeeCases, canEditCases, canUseRtpf, canSeeLookups, canSeeRegister, canImportCases,
  canSeePerformance, canSeeNational, isNetworkAdmin, canSeeDestructions, isHomeOffice, canUseDisclosures, canSeeNino,
} from './js/labels.js';

const SIGNED_IN_FLAG = 'connect.signedIn';
export const EXPIRED_MESSAGE = 'Your session has expired. Please sign in again.';

const state = {
  user: null,
  returnTo: null, // hash to go back to after signing in
  flash: null, // {text, kind} shown after the next render
  renderSeq: 0,
};

const PAGES = {
  signin: { title: 'Sign in', render: renderSignIn, public: true },
  'change-password': { title: 'Change your password', render: renderForcedChange },
  'two-factor': { title: 'Set up two-factor sign-in', render: renderMfaRequired },
  home: { title: 'Home', render: renderHome },
  profile: { title: 'My profile', render: renderProfile },
  users: { title: 'User accounts', render: renderUsers, admin: true },
  audit: { title: 'Audit', render: renderAudit, admin: true },
  cases: { title: 'Cases', render: renderCaseSearch, cases: true },
  'my-cases': { title: 'My cases', render: renderMyCases, cases: true },
  'cases/new': { title: 'Create a case', render: renderCaseNew, cases: true, council: true },
  'cases/:id': { title: 'Case', render: renderCase, cases: true },
  alerts: { title: 'Alerts', render: renderAlerts, cases: true },
  queries: { title: 'Queries', render: renderQueries, cases: true },
  'queries/:id': { title: 'Query', render: renderQuery, cases: true },
  due: { title: 'Due and overdue', render: renderDue, cases: true },
  'cases/import': { title: 'Import a caseload', render: renderCasesImport, need: 'import' },
  rtpf: { title: 'RTPF checker', render: renderRtpf, need: 'rtpf' },
  'rtpf/lookups': { title: 'Look-up log', render: renderLookups, need: 'lookups' },
  'rtpf/register': { title: 'Status register', render: renderRegister, need: 'register' },
  reports: { title: 'Reports', render: renderReports, need: 'reports' },
  'reports/performance': { title: 'Performance monitoring', render: renderPerformance, need: 'reports' },
  national: { title: 'National report', render: renderNational, need: 'national' },
  duplicates: { title: 'Duplicate cases', render: renderDuplicates, need: 'duplicates' },
  retention: { title: 'Retention', render: renderRetention, need: 'retention' },
  transfers: { title: 'Transfers', render: renderTransfers, need: 'transfers' },
  'transfers/new': { title: 'Transfer a case', render: renderTransferNew, need: 'transfers' },
  'mi-runs': { title: 'MI report runs', render: renderMiRuns, need: 'miRuns' },
  disclosures: { title: 'Disclosure requests', render: renderDisclosures, need: 'disclosures' },
  nino: { title: 'NINo batches', render: renderNino, need: 'nino' },
  'disclosures/new': { title: 'New disclosure request', render: renderDisclosureNew, need: 'disclosures' },
  'disclosures/:id': { title: 'Disclosure request', render: renderDisclosure, need: 'disclosures' },
  help: { title: 'Help', render: renderHelp },
};

/** Who may open a page with `need`, and what the others are told: [may(user), title, text]. */
const NEEDS = {
  rtpf: [canUseRtpf, 'The RTPF checker is not available',
    'Looking people up in the Home Office status register is for councils and the Home Office. The Network does not look people up.'],
  lookups: [canSeeLookups, 'The look-up log is not available',
    'Only administrators of a council or of the Home Office see the log of their organisation’s look-ups.'],
  register: [canSeeRegister, 'The status register is not available',
    'Only the Home Office sees the status register. Use the RTPF checker to look a person up.'],
  import: [canImportCases, 'Importing a caseload is not available',
    'Only a council’s administrators import its caseload.'],
  duplicates: [isNetworkAdmin, 'Duplicate cases are not available',
    'Only the Network’s administrators remove the cases councils mark as duplicates.'],
  transfers: [canEditCases, 'Transfers are not available',
    'Transfers move a case from one council to another: only councils ask for them and answer them.'],
  miRuns: [(u) => isHomeOffice(u) && isAdmin(u), 'MI report runs are not available',
    'Only the Home Office’s administrators record the weekly MI report runs.'],
  reports: [canSeePerformance, 'Reports are not available',
    'Reports are for councils, the Home Office and the Network.'],
  nino: [canSeeNino, 'NINo batches are not available',
    'NINo batches go from the Home Office to the NINo partner’s designated users.'],
  disclosures: [canUseDisclosures, 'Disclosure requests are not available',
    'Disclosure requests are exchanged between the Home Office and partner departments under their data-sharing agreement.'],
  national: [canSeeNational, 'The national report is not available',
    'The national report is for the administrators of the Network and of the Home Office.'],
  retention: [canSeeDestructions, 'Retention is not available',
    'Only a council’s administrators manage how long its closed cases are kept; they and the Home Office’s administrators see the destruction records.'],
};

/**
 * The setup a signed-in user must finish before anything else (the server's gate, mirrored): the
 * page that does it, or null. A forced password change comes first, then a required second factor.
 */
function setupPage(user) {
  if (!user) return null;
  if (user.must_change_password) return 'change-password';
  if (user.mfa_enrolment_required) return 'two-factor';
  if (user.account_setup_required) return 'two-factor'; // the Network set the account up: its owner enrols
  return null;
}
const SETUP_PAGES = ['change-password', 'two-factor'];

/** The page for a path, and the parts of the path it takes ('cases/12/finance' -> id 12, tab finance). */
function resolve(path) {
  if (PAGES[path]) return { page: PAGES[path], args: {} };
  const m = /^cases\/(\d{1,15})(?:\/([a-z-]+))?$/.exec(path);
  if (m) return { page: PAGES['cases/:id'], args: { id: Number(m[1]), tab: m[2] || null } };
  const dm = /^disclosures\/(\d{1,15})$/.exec(path);
  if (dm) return { page: PAGES['disclosures/:id'], args: { id: Number(dm[1]) } };
  const qm = /^queries\/(\d{1,15})$/.exec(path);
  if (qm) return { page: PAGES['queries/:id'], args: { id: Number(qm[1]) } };
  return { page: null, args: {} };
}

/** A plain page for a signed-in user who may not use this part of Connect. */
function notAvailable(section, title, text) {
  section.append(
    h('h1', { class: 'heading-l', id: 'not-available' }, title),
    h('p', { class: 'body' }, text),
    h('p', { class: 'body' }, h('a', { href: '#/home', class: 'link' }, 'Go to the home page')));
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  return { path: path || '', params: new URLSearchParams(qs), hash: `#/${raw}` };
}

/** Go to a route ('home', 'users?org=2'); re-renders even when the hash does not change. */
export function navigate(route, { flash } = {}) {
  if (flash) state.flash = flash;
  const target = `#/${route}`;
  if (location.hash === target) render();
  else location.hash = target;
}

// ---- status messages (one polite live region, shown as a banner) ----
const statusEl = () => document.getElementById('status');
let statusTimer = null;

export function setStatus(text, kind = 'success') {
  const el = statusEl();
  window.clearTimeout(statusTimer);
  el.className = `status status--${kind}`;
  // Clear first so the same message twice is announced twice.
  el.textContent = '';
  if (text) {
    statusTimer = window.setTimeout(() => {
      replaceChildren(el, h('p', { class: 'status__text' }, text));
    }, 30);
  }
}

function clearStatus() {
  window.clearTimeout(statusTimer);
  const el = statusEl();
  el.className = 'status';
  el.textContent = '';
}

// ---- session ----
function markSignedIn(on) {
  try {
    if (on) sessionStorage.setItem(SIGNED_IN_FLAG, '1');
    else sessionStorage.removeItem(SIGNED_IN_FLAG);
  } catch { /* storage may be unavailable */ }
}

function wasSignedIn() {
  try { return sessionStorage.getItem(SIGNED_IN_FLAG) === '1'; } catch { return false; }
}

function sessionExpired() {
  const { path, hash } = parseHash();
  if (state.user || wasSignedIn()) {
    if (path && path !== 'signin' && !SETUP_PAGES.includes(path)) state.returnTo = hash;
    state.flash = { text: EXPIRED_MESSAGE, kind: 'warning' };
  }
  state.user = null;
  markSignedIn(false);
  updateChrome();
  navigate('signin');
}

/** Called by the sign-in page with the USER from a successful login (and a message to show). */
export function signedIn(user, flash) {
  state.user = user;
  markSignedIn(true);
  updateChrome();
  const setup = setupPage(user);
  if (setup) {
    navigate(setup, { flash });
    return;
  }
  continueToApp(flash);
}

/** After signing in (and any forced password change): back to where the user was, else home. */
export function continueToApp(flash) {
  const back = state.returnTo;
  state.returnTo = null;
  if (flash) state.flash = flash;
  if (back && back !== '#/signin' && !SETUP_PAGES.some((p) => back === `#/${p}`)) {
    if (location.hash === back) render();
    else location.hash = back;
  } else {
    navigate('home');
  }
}

export async function signOut() {
  try {
    await api.post('/api/auth/logout', undefined, { handle401: false });
  } catch { /* the session may be gone already; sign out locally regardless */ }
  state.user = null;
  state.returnTo = null;
  markSignedIn(false);
  updateChrome();
  navigate('signin', { flash: { text: 'You have signed out.', kind: 'success' } });
}

/** Re-read the signed-in user (role and organisation can change at any time). */
export async function refreshUser() {
  const user = await api.get('/api/me');
  state.user = user;
  updateChrome();
  return user;
}

setHooks({
  unauthenticated: () => sessionExpired(),
  passwordChangeRequired: () => {
    if (state.user) state.user.must_change_password = true;
    updateChrome();
    navigate('change-password');
  },
  mfaEnrolmentRequired: (error) => {
    if (state.user && error.code === 'account_setup_required') state.user.account_setup_required = true;
    else if (state.user) state.user.mfa_enrolment_required = true;
    updateChrome();
    navigate('two-factor');
  },
});

// ---- header and navigation ----
function updateChrome() {
  const nav = document.getElementById('site-nav');
  const who = document.getElementById('who');
  const user = state.user;
  const { path } = parseHash();
  if (!user) {
    nav.hidden = true;
    who.hidden = true;
    who.textContent = '';
    return;
  }
  nav.hidden = false;
  const forced = Boolean(setupPage(user));
  for (const li of nav.querySelectorAll('li')) {
    if (li.classList.contains('site-nav__signout')) { li.hidden = false; continue; }
    if (forced) { li.hidden = true; continue; }
    if (li.hasAttribute('data-admin-only')) li.hidden = !isAdmin(user);
    else if (li.hasAttribute('data-cases-only')) li.hidden = !canSeeCases(user);
    else if (li.hasAttribute('data-rtpf-only')) li.hidden = !canUseRtpf(user);
    else if (li.hasAttribute('data-reports-only')) li.hidden = !canSeePerformance(user);
    else if (li.hasAttribute('data-national-only')) li.hidden = !canSeeNational(user);
    else if (li.hasAttribute('data-network-admin-only')) li.hidden = !isNetworkAdmin(user);
    else if (li.hasAttribute('data-retention-only')) li.hidden = !canSeeDestructions(user);
    else if (li.hasAttribute('data-council-only')) li.hidden = !canEditCases(user);
    else if (li.hasAttribute('data-disclosures-only')) li.hidden = !canUseDisclosures(user);
    else if (li.hasAttribute('data-nino-only')) li.hidden = !canSeeNino(user);
    else if (li.hasAttribute('data-ho-admin-only')) li.hidden = !(isHomeOffice(user) && isAdmin(user));
    else li.hidden = false;
  }
  const section = path.startsWith('cases/') ? 'cases' : path.startsWith('queries/') ? 'queries'
    : path.startsWith('rtpf/') ? 'rtpf' : path.startsWith('reports/') ? 'reports' : path.startsWith('transfers/') ? 'transfers'
      : path.startsWith('disclosures/') ? 'disclosures' : path;
  for (const a of nav.querySelectorAll('a[data-route]')) {
    if (a.dataset.route === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  who.hidden = false;
  const org = user.org || {};
  replaceChildren(who,
    h('span', { class: 'site-header__user' }, user.name || user.username),
    h('span', { class: 'site-header__org' }, `${org.name || ''}${org.kind ? ` (${orgKindLabel(org.kind)})` : ''}`));
}

// ---- router ----
async function render() {
  const seq = ++state.renderSeq;
  const { path, params, hash } = parseHash();
  const { page, args } = resolve(path);
  const user = state.user;

  if (!page) { navigate(user ? 'home' : 'signin'); return; }
  if (page.public) {
    if (user) { navigate(setupPage(user) || 'home'); return; }
  } else {
    if (!user) {
      state.returnTo = hash;
      navigate('signin');
      return;
    }
    const setup = setupPage(user);
    if (setup && path !== setup) { navigate(setup); return; }
    if (!setup && SETUP_PAGES.includes(path)) { navigate('home'); return; }
  }

  const flash = state.flash;
  state.flash = null;
  clearStatus();
  updateChrome();

  const container = document.getElementById('page');
  const main = document.getElementById('main-content');
  main.setAttribute('aria-busy', 'true');
  const section = h('div', { class: 'page' });
  const ctx = {
    user: state.user,
    params,
    args,
    navigate,
    setStatus,
    refreshUser,
    signedIn,
    continueToApp,
    isCurrent: () => seq === state.renderSeq,
    title: null, // a page may set a more specific document title
  };
  try {
    // Signed-in pages start from a fresh USER: an expired session shows here, on any navigation.
    if (!page.public) {
      ctx.user = await refreshUser();
      if (seq !== state.renderSeq) return;
      const setup = setupPage(ctx.user);
      if (setup && path !== setup) { navigate(setup); return; }
      if (!setup && SETUP_PAGES.includes(path)) { navigate('home'); return; }
      if (page.admin && !isAdmin(ctx.user)) {
        navigate('home', { flash: { text: 'Only administrators can manage user accounts.', kind: 'warning' } });
        return;
      }
    }
    const need = page.need && NEEDS[page.need];
    if (need && !need[0](ctx.user)) {
      notAvailable(section, need[1], need[2]);
    } else if (page.cases && !canSeeCases(ctx.user)) {
      notAvailable(section, 'Cases are not available', 'Case records, alerts and queries are not available to your organisation. Network administrators see counts only, never cases.');
    } else if (page.council && !canEditCases(ctx.user)) {
      notAvailable(section, 'Creating cases is not available', 'Only councils create cases. You can search for cases and open them.');
    } else {
      await page.render(section, ctx);
    }
  } catch (error) {
    if (error && error.handled) return;
    if (seq !== state.renderSeq) return;
    replaceChildren(section,
      h('h1', { class: 'heading-l', tabindex: '-1' }, 'Sorry, there is a problem'),
      h('p', { class: 'body' }, (error && error.message) || 'Something went wrong.'),
      h('p', { class: 'body' }, h('a', { href: '#/home', class: 'link' }, 'Go to the home page')));
  }
  if (seq !== state.renderSeq) return;
  main.removeAttribute('aria-busy');
  replaceChildren(container, section);
  document.title = `${ctx.title || page.title} – Connect`;
  const heading = section.querySelector('h1');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
  window.scrollTo(0, 0);
  if (flash) setStatus(flash.text, flash.kind);
}

async function start() {
  document.getElementById('sign-out').addEventListener('click', () => { signOut(); });
  // Following a link to the page already shown reloads it (fresh data), as a normal site would.
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.target instanceof Element ? ev.target.closest('a[href^="#/"]') : null;
    if (a && a.getAttribute('href') === location.hash) {
      ev.preventDefault();
      render();
    }
  });
  // The skip link must not change the hash (that is the router's).
  document.getElementById('skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    const heading = document.querySelector('#page h1');
    (heading || document.getElementById('main-content')).focus();
  });
  try {
    state.user = await api.get('/api/me', { handle401: false });
    markSignedIn(true);
  } catch (error) {
    state.user = null;
    if (error.status === 401) {
      if (wasSignedIn()) {
        const { path, hash } = parseHash();
        if (path && path !== 'signin' && !SETUP_PAGES.includes(path)) state.returnTo = hash;
        state.flash = { text: EXPIRED_MESSAGE, kind: 'warning' };
      }
      markSignedIn(false);
    } else if (!['password_change_required', 'mfa_enrolment_required', 'account_setup_required'].includes(error.code)) {
      state.flash = { text: error.message, kind: 'error' };
    }
  }
  window.addEventListener('hashchange', () => { render(); });
  updateChrome();
  render();
}

start();
