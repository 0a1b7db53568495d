// The case page's Principal applicant tab: the person, and the council's edit form.
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { showErrors, showApiError, busy } from '../../forms.js';
import { personFields, readPerson, personRows, personName } from '../../person.js';
import { subjectAccessLink, sharedSection } from './governance.js';
import { closedNote, isClosed } from './common.js';

export function drawPrincipal(p, cx) {
  const { kase, council, base } = cx;
  const pa = kase.principal || {};
  const edit = council && !isClosed(cx) ? h('button', { type: 'button', class: 'button button--secondary', id: 'edit-principal' }, 'Edit principal applicant') : null;
  const sar = subjectAccessLink(cx, pa, personName(pa));
  replaceChildren(p, cx.panelHeading('Principal applicant', sar || edit ? h('div', { class: 'button-group' }, sar, edit) : null),
    closedNote(cx, 'principal'),
    h('dl', { class: 'summary-list', id: 'principal-summary' }, personRows(pa)),
    sharedSection(cx));
  if (!edit) return;
  edit.addEventListener('click', () => {
    const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
    const form = h('form', { class: 'form', id: 'principal-form', novalidate: true },
      personFields('principal.', pa),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, 'Save principal applicant'), cancel));
    cancel.addEventListener('click', () => { drawPrincipal(p, cx); p.querySelector('#edit-principal').focus(); });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const { person, errors } = readPerson(form, 'principal.', { who: 'the principal applicant' });
      if (errors.length) { showErrors(form, errors); return; }
      await busy(form, async () => {
        try {
          cx.refresh(await api.put(`${base}/principal`, person), 'The principal applicant has been saved.');
        } catch (error) { showApiError(form, error); }
      });
    });
    replaceChildren(p, cx.panelHeading('Edit the principal applicant'), form);
    form.querySelector('input').focus();
  });
}
