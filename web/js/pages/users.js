// User accounts (admins): list, add, unlock, reset password, delete; the Network admin also picks
// the organisation and adds councils. This file is the shell – the page's parts, the chosen
// organisation and `cx` (what the parts see of this page); the parts are in ./users/: list.js (the
// table), actions.js (the per-user actions and their dialogs), add-user.js (the add-user form),
// credential.js (the temporary password, shown once), organisations.js (the Network admin's
// organisation picker and "Add a council"), council-place.js (the chosen council's nation and region)
// and nino-partner.js (whether the chosen partner department is the NINo partner).
import { api } from '../api.js';
import { h } from '../dom.js';
import { isNetworkAdmin } from '../labels.js';
import { loadUsers } from './users/list.js';
import { showCredential } from './users/credential.js';
import { setAddOpen } from './users/add-user.js';
import { buildPicker, buildCouncilForm, syncPicker } from './users/organisations.js';
import { showCouncilPlace } from './users/council-place.js';
import { showNinoPartner } from './users/nino-partner.js';

export async function renderUsers(section, ctx) {
  const me = ctx.user;
  const network = isNetworkAdmin(me);
  let orgId = me.org && me.org.id;
  if (network) {
    const wanted = Number.parseInt(ctx.params.get('org') || '', 10);
    if (Number.isInteger(wanted) && wanted > 0) orgId = wanted;
  }

  // What the parts (./users/*.js) see of this page: its areas, the organisations (Network admin) and
  // the chosen one (both change as the Network admin works), and what the parts ask of each other.
  const cx = {
    me, network, orgs: [], orgId, pickerSelect: null,
    setStatus: ctx.setStatus, isCurrent: ctx.isCurrent,
    credentialArea: h('div', { id: 'credential-area' }),
    listHeading: h('h2', { class: 'heading-m', id: 'users-heading', tabindex: '-1' }),
    listArea: h('div', { id: 'users-list' }),
    addToggle: h('button', {
      type: 'button', class: 'button button--secondary', id: 'add-user-toggle',
      'aria-expanded': 'false', 'aria-controls': 'add-user-section',
    }, 'Add user'),
    addSection: h('section', { class: 'panel', id: 'add-user-section', hidden: true, 'aria-labelledby': 'add-user-heading' }),
    pickerArea: h('div', { id: 'org-picker-area' }),
    councilArea: h('div', { id: 'add-council-area' }),
    placeArea: h('div', { id: 'council-place-area' }),
    ninoArea: h('div', { id: 'nino-partner-area' }),
    orgName() {
      if (!network) return (me.org && me.org.name) || 'your organisation';
      const o = cx.orgs.find((x) => x.id === cx.orgId);
      return o ? o.name : `organisation ${cx.orgId}`;
    },
    async loadUsers(opts) {
      await loadUsers(cx, opts);
      if (network) { showCouncilPlace(cx); showNinoPartner(cx); }
    },
    showCredential: (user, password, what) => showCredential(cx, user, password, what),
    setAddOpen: (open, focusToggle) => setAddOpen(cx, open, focusToggle),
    syncPicker: () => syncPicker(cx),
    actionFailed(error) {
      if (error.handled) return;
      ctx.setStatus(error.message, 'error');
    },
  };
  cx.addToggle.addEventListener('click', () => cx.setAddOpen(cx.addSection.hidden, true));

  // ---- first load ----
  if (network) {
    cx.orgs = await api.all('/api/orgs');
    buildPicker(cx);
    buildCouncilForm(cx);
  }
  await cx.loadUsers();

  section.append(
    h('span', { class: 'caption' }, network ? 'Network administration' : cx.orgName()),
    h('h1', { class: 'heading-l' }, 'User accounts'),
    cx.pickerArea,
    cx.placeArea,
    cx.ninoArea,
    cx.credentialArea,
    h('div', { class: 'section-head' }, cx.listHeading, cx.addToggle),
    cx.addSection,
    cx.listArea,
    cx.councilArea);
}
