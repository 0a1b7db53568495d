// The fields of a PERSON (principal applicant or dependant), shared by the create form and the
// case page. Inputs are named as the API names the fields, with a prefix ('principal.',
// 'dependants.0.'), so a 422 naming 'principal.date_of_birth' lands on the right input.
import { h, summaryRow } from './dom.js';
import { field, dateField, valueOf } from './forms.js';
import { parseDate, formatDate } from './format.js';
import { GENDERS, RELATIONSHIPS, options, genderLabel, relationshipLabel } from './labels.js';

const DOB_HINT = 'For example, 27 3 1985';

/** The inputs for one person; `relationship` adds the dependant's relationship to the PA. */
export function personFields(prefix, person = {}, { relationship = false } = {}) {
  const p = person || {};
  const list = [
    field({ label: 'Given names', name: `${prefix}given_names`, value: p.given_names || '', width: 'large', attrs: { autocomplete: 'off' } }),
    field({ label: 'Family name', name: `${prefix}family_name`, value: p.family_name || '', width: 'large', attrs: { autocomplete: 'off' } }),
    dateField({ label: 'Date of birth', name: `${prefix}date_of_birth`, value: p.date_of_birth || p.date_of_birth_text || '', hint: DOB_HINT }),
    field({ label: 'Nationality', name: `${prefix}nationality`, value: p.nationality || '', width: 'medium', attrs: { autocomplete: 'off' } }),
    field({ label: 'Gender', name: `${prefix}gender`, options: options(GENDERS), value: p.gender || 'unknown' }),
  ];
  if (relationship) {
    list.push(field({ label: 'Relationship to the principal applicant', name: `${prefix}relationship`, options: options(RELATIONSHIPS, 'Choose a relationship'), value: p.relationship || '' }));
  }
  list.push(
    field({ label: 'Other names (optional)', name: `${prefix}other_names`, value: p.other_names || '', width: 'large', hint: 'Previous names, aliases or other spellings', attrs: { autocomplete: 'off' } }),
    field({ label: 'Home Office reference (optional)', name: `${prefix}ho_reference`, value: p.ho_reference || '', width: 'medium', hint: 'Letters, numbers, / and -', attrs: { autocomplete: 'off', autocapitalize: 'characters' } }),
  );
  return list;
}

/**
 * readPerson(form, prefix, {relationship}) -> {person, errors}: the PERSON body (optional empty
 * fields as null) and client-side errors [{field, message}] for what is missing or not a date.
 */
export function readPerson(form, prefix, { relationship = false, who = 'the person' } = {}) {
  const get = (name) => {
    const el = [...form.elements].find((e) => e.name === `${prefix}${name}`);
    return el ? el.value.trim() : '';
  };
  const errors = [];
  const person = {
    given_names: get('given_names'),
    family_name: get('family_name'),
    date_of_birth: valueOf(form, `${prefix}date_of_birth`), // the Day, Month and Year boxes
    nationality: get('nationality'),
    gender: get('gender') || 'unknown',
    other_names: get('other_names') || null,
    ho_reference: get('ho_reference') ? get('ho_reference').toUpperCase() : null,
  };
  if (!person.given_names) errors.push({ field: `${prefix}given_names`, message: `Enter the given names of ${who}` });
  if (!person.family_name) errors.push({ field: `${prefix}family_name`, message: `Enter the family name of ${who}` });
  if (!person.date_of_birth) {
    errors.push({ field: `${prefix}date_of_birth`, message: `Enter the date of birth of ${who}` });
  } else {
    const iso = parseDate(person.date_of_birth);
    if (!iso) errors.push({ field: `${prefix}date_of_birth`, message: `The date of birth of ${who} must be a real date, for example 27 3 1985` });
    else person.date_of_birth = iso;
  }
  if (!person.nationality) errors.push({ field: `${prefix}nationality`, message: `Enter the nationality of ${who}` });
  if (relationship) {
    person.relationship = get('relationship');
    if (!person.relationship) errors.push({ field: `${prefix}relationship`, message: `Choose how ${who} is related to the principal applicant` });
  }
  return { person, errors };
}

export function personName(p) {
  if (!p) return '';
  return [p.given_names, p.family_name].filter(Boolean).join(' ');
}

/** Summary-list rows for a person. */
export function personRows(p, { relationship = false } = {}) {
  const none = () => h('span', { class: 'muted' }, 'Not recorded');
  return [
    summaryRow('Given names', p.given_names || ''),
    summaryRow('Family name', p.family_name || ''),
    summaryRow('Date of birth', formatDate(p.date_of_birth)),
    summaryRow('Nationality', p.nationality || ''),
    summaryRow('Gender', genderLabel(p.gender || 'unknown')),
    relationship ? summaryRow('Relationship', relationshipLabel(p.relationship)) : null,
    summaryRow('Other names', p.other_names || none()),
    summaryRow('Home Office reference', p.ho_reference || none()),
    p.nino ? summaryRow('National Insurance number', p.nino) : null,
  ].filter(Boolean);
}
