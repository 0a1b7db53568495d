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
  // The Home Office asks a partner department about the person, naming the case (fcgi/API.md "Disclosure requests").
  const ask = cx.user && cx.user.org && cx.user.org.kind === 'home_office' && pa.id
    ? h('a', { href: `#/disclosures/new?case=${kase.id}&person=${pa.id}`, class: 'button button--secondary', id: 'ask-partner' }, 'Ask a partner department')
    : null;
  replaceChildren(p, cx.panelHeading('Principal applicant', sar || edit || ask ? h('div', { class: 'button-group' }, sar, ask, edit) : null),
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
