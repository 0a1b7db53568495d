// The Network admin's "Where the council is" panel on the users page: the chosen council's nation and
// region (API.md "ORG"), which the national report counts it under and whose bank holidays its side
// of the service levels counts; changed with PATCH /api/orgs/{id}.
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { field, showApiError, clearErrors, busy, valueOf } from '../../forms.js';
import { NATION_LABELS, REGION_LABELS } from '../../labels.js';

const placeText = (o) => `${NATION_LABELS[o.nation] || 'England'}${o.region ? ` · ${REGION_LABELS[o.region]}` : ' · region not set'}`;

/** Shows the panel for the chosen organisation (nothing when it is not a council). */
export function showCouncilPlace(cx) {
  const org = cx.orgs.find((o) => o.id === cx.orgId);
  if (!org || org.kind !== 'council') { replaceChildren(cx.placeArea); return; }
  const summary = h('p', { class: 'body', id: 'council-place' }, placeText(org));
  const form = h('form', { class: 'form', id: 'council-place-form', novalidate: true },
    h('div', { class: 'form--inline' },
      field({ label: 'Nation', name: 'nation', value: org.nation || 'england',
        options: Object.entries(NATION_LABELS).map(([value, label]) => ({ value, label })) }),
      field({ label: 'Region', name: 'region', value: org.region || '', hint: 'In England, one of its nine regions; elsewhere, the nation.',
        options: [{ value: '', label: 'Not set' }, ...Object.entries(REGION_LABELS).map(([value, label]) => ({ value, label }))] })),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button--secondary' }, 'Save where the council is')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { nation: valueOf(form, 'nation') };
    if (valueOf(form, 'region')) body.region = valueOf(form, 'region');
    await busy(form, async () => {
      let saved;
      try {
        saved = await api.patch(`/api/orgs/${org.id}`, body);
      } catch (error) {
        showApiError(form, error);
        return;
      }
      clearErrors(form);
      Object.assign(org, saved);
      showCouncilPlace(cx);
      cx.setStatus(`${org.name} is now in ${placeText(saved)}.`, 'success');
    });
  });
  replaceChildren(cx.placeArea,
    h('section', { class: 'panel', 'aria-labelledby': 'council-place-heading' },
      h('h2', { class: 'heading-m', id: 'council-place-heading' }, 'Where the council is'),
      h('p', { class: 'body body--secondary' }, 'The national report counts the council under its region and nation, and its side of the service levels counts its nation’s bank holidays.'),
      summary, form));
}
