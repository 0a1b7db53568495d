// The Network admin's "NINo partner" panel on the users page: whether the chosen partner department
// is the one that receives the daily NINo batches (API.md "ORG" nino_partner, "NINo tracing"), set or
// cleared with PATCH /api/orgs/{id} {"nino_partner"}. There is one at most: the server refuses a
// second (409), and the message says to clear the other first.
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { showApiError, clearErrors, busy } from '../../forms.js';
import { orgChoiceLabel } from '../../labels.js';

const stateText = (o) => (o.nino_partner
  ? `${o.name} is the NINo partner: its designated users receive the NINo batches.`
  : `${o.name} is not the NINo partner.`);

/** Shows the panel for the chosen organisation (nothing when it is not a partner department). */
export function showNinoPartner(cx) {
  const org = cx.orgs.find((o) => o.id === cx.orgId);
  if (!org || org.kind !== 'partner') { replaceChildren(cx.ninoArea); return; }
  const holder = cx.orgs.find((o) => o.nino_partner && o.id !== org.id);
  const form = h('form', { class: 'form', id: 'nino-partner-form', novalidate: true },
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button button--secondary', id: 'nino-partner-toggle' },
        org.nino_partner ? 'Stop it being the NINo partner' : 'Make it the NINo partner')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await busy(form, async () => {
      let saved;
      try {
        saved = await api.patch(`/api/orgs/${org.id}`, { nino_partner: !org.nino_partner });
      } catch (error) {
        showApiError(form, error, {
          conflict: (e) => ({ field: null, message: e.message || 'Another partner department is the NINo partner: clear its mark first.' }),
        });
        return;
      }
      clearErrors(form);
      Object.assign(org, saved);
      for (const opt of cx.pickerSelect ? cx.pickerSelect.options : []) {
        if (opt.value === String(org.id)) opt.textContent = orgChoiceLabel(org);
      }
      showNinoPartner(cx);
      cx.setStatus(stateText(saved), 'success');
    });
  });
  replaceChildren(cx.ninoArea,
    h('section', { class: 'panel', id: 'nino-partner-panel', 'aria-labelledby': 'nino-partner-heading' },
      h('h2', { class: 'heading-m', id: 'nino-partner-heading' }, 'NINo partner'),
      h('p', { class: 'body body--secondary' },
        'The NINo partner receives the daily batch of people granted leave, to trace or allocate their National Insurance numbers. Its administrator chooses which of its users download the batches. Only one partner department can be the NINo partner.'),
      h('p', { class: 'body', id: 'nino-partner-state' }, stateText(org)),
      !org.nino_partner && holder
        ? h('p', { class: 'body body--secondary', id: 'nino-partner-holder' }, `${holder.name} is the NINo partner now: stop it being the NINo partner first.`)
        : null,
      form));
}
