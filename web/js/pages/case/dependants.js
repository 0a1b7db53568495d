// The case page's Dependants tab: one card per dependant; the council adds, edits and removes them.
import { api } from '../../api.js';
import { h, replaceChildren, uid } from '../../dom.js';
import { showErrors, showApiError, busy } from '../../forms.js';
import { personFields, readPerson, personName, personRows } from '../../person.js';
import { relationshipLabel } from '../../labels.js';
import { confirmDialog } from '../../dialog.js';
import { subjectAccessLink } from './governance.js';
import { closedNote, isClosed } from './common.js';

export function drawDependants(p, cx) {
  const { kase, council, base } = cx;
  const deps = kase.dependants || [];
  const add = council && !isClosed(cx) ? h('button', { type: 'button', class: 'button button--secondary', id: 'add-dependant', 'aria-expanded': 'false', 'aria-controls': 'dependant-add-form' }, 'Add a dependant') : null;
  const formArea = h('div', {});
  const list = deps.length
    ? h('ul', { class: 'person-list', id: 'dependants-list' }, deps.map((d) => dependantItem(d, cx)))
    : h('p', { class: 'body', id: 'no-dependants' }, 'No dependants are recorded.');
  replaceChildren(p, cx.panelHeading('Dependants', add), closedNote(cx, 'dependants'), formArea, list);
  if (!add) return;
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
          cx.refresh(await api.post(`${base}/dependants`, person), `${personName(person)} has been added as a dependant.`);
        } catch (error) { showApiError(form, error); }
      });
    });
    replaceChildren(formArea, form);
    form.querySelector('input').focus();
  });
}

function dependantItem(d, cx) {
  const { council, base } = cx;
  const name = personName(d);
  const headingId = uid('dep');
  const li = h('li', { class: 'person-card', dataset: { personId: String(d.id) }, 'aria-labelledby': headingId });
  const open = !isClosed(cx);
  const show = () => {
    const actions = council ? h('div', { class: 'actions' },
      open ? h('button', { type: 'button', class: 'button button--small button--secondary', dataset: { action: 'edit' }, 'aria-label': `Edit ${name}`, onclick: () => edit() }, 'Edit') : null,
      subjectAccessLink(cx, d, name),
      open ? h('button', { type: 'button', class: 'button button--small button--warning', dataset: { action: 'remove' }, 'aria-label': `Remove ${name}`, onclick: () => remove() }, 'Remove') : null) : null;
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
          cx.refresh(await api.put(`${base}/dependants/${d.id}`, person), `${personName(person)} has been saved.`);
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
      cx.refresh(await api.del(`${base}/dependants/${d.id}`), `${name} has been removed from the case.`);
    } catch (error) { cx.failed(error); }
  };
  show();
  return li;
}
