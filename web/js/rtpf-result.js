// The answer of an RTPF look-up: the matching record (with "Create a case from this result" for a
// council), or the plain "no match" sentence with a way to create a case anyway.
import { h, summaryRow } from './dom.js';
import { formatDate, today } from './format.js';
import { immigrationStatusLabel, yesNo, canEditCases } from './labels.js';

export const NO_MATCH = 'No record matches this document and date of birth.';

function route(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  const s = qs.toString();
  return `#/${path}${s ? `?${s}` : ''}`;
}

/** The create form's address, filled in from the record. */
export function createCaseHref(m) {
  return route('cases/new', {
    given: m.given_names, family: m.family_name, dob: m.date_of_birth, nationality: m.nationality, from: 'rtpf',
  });
}

/** The card for a match. */
export function matchCard(m, user) {
  const name = [m.given_names, m.family_name].filter(Boolean).join(' ');
  const council = canEditCases(user);
  // The server never answers leave as valid past its expiry date; say plainly that it has expired.
  const expired = m.leave_expiry && !m.leave_valid && m.leave_expiry < today();
  return h('section', { class: 'panel rtpf-result', id: 'rtpf-result', 'aria-labelledby': 'rtpf-result-heading', dataset: { match: 'yes' } },
    h('h2', { class: 'heading-m', id: 'rtpf-result-heading', tabindex: '-1' }, 'A record matches'),
    h('dl', { class: 'summary-list', id: 'rtpf-match' },
      summaryRow('Name', name),
      summaryRow('Date of birth', formatDate(m.date_of_birth)),
      summaryRow('Nationality', m.nationality || ''),
      summaryRow('Immigration status', immigrationStatusLabel(m.status)),
      summaryRow('Leave is valid', expired ? `No: expired on ${formatDate(m.leave_expiry)}` : yesNo(m.leave_valid)),
      summaryRow('Leave expiry', m.leave_expiry ? formatDate(m.leave_expiry) : h('span', { class: 'muted' }, 'None recorded')),
      summaryRow('Recourse to public funds', yesNo(m.recourse_to_public_funds))),
    m.recourse_to_public_funds
      ? h('p', { class: 'notice', id: 'rtpf-recourse-note' }, 'This person has recourse to public funds, so they may be able to get mainstream benefits and housing help.')
      : null,
    council
      ? h('div', { class: 'button-group' },
        h('a', { href: createCaseHref(m), class: 'button', id: 'create-from-result' }, 'Create a case from this result'),
        h('a', { href: route('cases', { q: name }), class: 'link', id: 'search-from-result' }, 'Search existing cases first'))
      : h('p', { class: 'body' },
        h('a', { href: route('cases', { q: name }), class: 'link', id: 'search-from-result' }, 'Search cases for this person')));
}

/** The answer when nothing matches. */
export function noMatchCard(dob, user) {
  return h('section', { class: 'panel rtpf-result', id: 'rtpf-result', 'aria-labelledby': 'rtpf-result-heading', dataset: { match: 'no' } },
    h('h2', { class: 'heading-m', id: 'rtpf-result-heading', tabindex: '-1' }, 'No match'),
    h('p', { class: 'body', id: 'rtpf-no-match' }, NO_MATCH),
    h('p', { class: 'body' }, 'Check the document number and the date of birth, or try another of the person’s documents.'),
    canEditCases(user)
      ? h('p', { class: 'body' }, h('a', { href: route('cases/new', { dob }), class: 'link', id: 'create-case-link' }, 'Create a case'))
      : null);
}
