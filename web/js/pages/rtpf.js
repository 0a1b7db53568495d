// The RTPF checker: look a person up in the Home Office status register by a qualifying document
// and their date of birth (API.md "RTPF checker"). Nothing of the look-up goes into the address.
import { api } from '../api.js';
import { h, replaceChildren, appendChildren } from '../dom.js';
import { field, dateField, showErrors, showApiError, clearErrors, busy, valueOf } from '../forms.js';
import { parseDate } from '../format.js';
import { DOCUMENT_TYPES, options, canSeeLookups, canSeeRegister } from '../labels.js';
import { matchCard, noMatchCard } from '../rtpf-result.js';

/** A refused look-up (429) in words, with when to try again (from Retry-After, in local time). */
export function tooManyWords(error) {
  if (!Number.isInteger(error.retryAfter)) return error.message || 'You have made too many look-ups. Try again later.';
  const at = new Date(Date.now() + error.retryAfter * 1000);
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  const minutes = Math.max(1, Math.ceil(error.retryAfter / 60));
  return `You have made as many look-ups as are allowed in one hour. Try again after ${hhmm} (in about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}).`;
}

function readForm(form) {
  const errors = [];
  const body = {
    document_type: valueOf(form, 'document_type'),
    document_number: valueOf(form, 'document_number').trim(),
    date_of_birth: valueOf(form, 'date_of_birth').trim(),
  };
  if (!body.document_type) errors.push({ field: 'document_type', message: 'Choose the type of document' });
  if (!body.document_number) errors.push({ field: 'document_number', message: 'Enter the document number' });
  if (!body.date_of_birth) {
    errors.push({ field: 'date_of_birth', message: 'Enter the date of birth' });
  } else {
    const iso = parseDate(body.date_of_birth);
    if (!iso) errors.push({ field: 'date_of_birth', message: 'The date of birth must be a real date, for example 27 3 1985' });
    else body.date_of_birth = iso;
  }
  return { body, errors };
}

export async function renderRtpf(section, ctx) {
  const me = ctx.user;
  const result = h('div', { id: 'rtpf-result-area' });
  const form = h('form', { class: 'form narrow', id: 'rtpf-form', novalidate: true },
    field({ label: 'Document type', name: 'document_type', options: options(DOCUMENT_TYPES, 'Choose the type of document'), value: '' }),
    field({
      label: 'Document number', name: 'document_number', width: 'medium',
      hint: 'As it is written on the document. Spaces and hyphens do not matter.',
      attrs: { autocomplete: 'off', autocapitalize: 'characters' },
    }),
    dateField({ label: 'Date of birth', name: 'date_of_birth' }),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'rtpf-check' }, 'Check')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { body, errors } = readForm(form);
    if (errors.length) { replaceChildren(result); showErrors(form, errors); return; }
    await busy(form, async () => {
      let answer;
      try {
        answer = await api.post('/api/rtpf/lookup', body);
      } catch (error) {
        if (error.handled) return;
        replaceChildren(result);
        if (error.status === 429) {
          showErrors(form, [{ field: null, message: tooManyWords(error) }], { title: 'You cannot look anyone up just now' });
        } else {
          showApiError(form, error);
        }
        return;
      }
      clearErrors(form);
      replaceChildren(result, answer && answer.match ? matchCard(answer.match, me) : noMatchCard(body.date_of_birth, me));
      result.querySelector('h2').focus();
    });
  });

  const more = [];
  if (canSeeLookups(me)) more.push(h('li', {}, h('a', { href: '#/rtpf/lookups', class: 'link', id: 'link-lookups' }, 'The look-up log')));
  if (canSeeRegister(me)) more.push(h('li', {}, h('a', { href: '#/rtpf/register', class: 'link', id: 'link-register' }, 'The status register')));

  appendChildren(section,
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'RTPF checker'),
    h('p', { class: 'body' }, 'Check a person’s immigration status and whether they have recourse to public funds in the Home Office status register. You need one of their documents (a passport, national identity card, biometric residence permit, UKVI account number or share code) and their date of birth.'),
    h('p', { class: 'body muted' }, 'Every look-up is recorded: who made it, when, the type of document and whether it matched.'),
    form,
    result,
    more.length ? h('h2', { class: 'heading-s' }, 'Also here') : null,
    more.length ? h('ul', { class: 'list' }, more) : null);
}
