// Words shown for the API's codes, and role checks.

export function orgKindLabel(kind) {
  switch (kind) {
    case 'council': return 'Council';
    case 'home_office': return 'Home Office';
    case 'network': return 'Network';
    default: return kind ? String(kind) : 'Unknown';
  }
}

export function roleLabel(role) {
  switch (role) {
    case 'admin': return 'Administrator';
    case 'user': return 'User';
    default: return role ? String(role) : 'Unknown';
  }
}

export function isAdmin(user) {
  return Boolean(user && user.role === 'admin');
}

export function isNetworkAdmin(user) {
  return isAdmin(user) && user.org && user.org.kind === 'network';
}

export function yesNo(b) {
  return b ? 'Yes' : 'No';
}

// ---- who may see and change cases (DESIGN.md's role matrix) ----

/** Council and Home Office users see cases; the Network sees none. */
export function canSeeCases(user) {
  const kind = user && user.org && user.org.kind;
  return kind === 'council' || kind === 'home_office';
}

/** Only a council changes its own cases (create, edit, finance, documents, close, reopen). */
export function canEditCases(user) {
  return Boolean(user && user.org && user.org.kind === 'council');
}

export function isHomeOffice(user) {
  return Boolean(user && user.org && user.org.kind === 'home_office');
}

// ---- case enums: [value, label] in the order they are offered ----

export const CASE_STATUSES = [
  ['open_referral', 'Open – referral'],
  ['open_supported', 'Open – supported'],
  ['closed', 'Closed'],
];

export const LEGISLATION = [
  ['care_act_2014', 'Care Act 2014 (Part 1) – adult with care needs'],
  ['children_act_s17', 'Children Act 1989 s17 – child in need'],
  ['children_act_s20', 'Children Act 1989 s20 – looked-after child'],
  ['children_act_s23c', 'Children Act 1989 s23C – care leaver'],
  ['children_act_s24a', 'Children Act 1989 s24A – care leaver'],
  ['children_act_s24b', 'Children Act 1989 s24B – care leaver'],
];

export const HOUSEHOLD_TYPES = [
  ['single_adult', 'Single adult'],
  ['couple', 'Couple'],
  ['family', 'Family'],
  ['lone_parent_family', 'Lone-parent family'],
  ['care_leaver', 'Care leaver'],
  ['looked_after_child', 'Looked-after child'],
  ['other', 'Other'],
];

export const GENDERS = [
  ['unknown', 'Not known'],
  ['female', 'Female'],
  ['male', 'Male'],
  ['other', 'Other'],
];

export const RELATIONSHIPS = [
  ['spouse', 'Spouse'],
  ['partner', 'Partner'],
  ['child', 'Child'],
  ['stepchild', 'Stepchild'],
  ['other_relative', 'Other relative'],
  ['other', 'Other'],
];

export const IMMIGRATION_STATUSES = [
  ['unknown', 'Not known'],
  ['no_current_permission', 'No current permission'],
  ['asylum_claim_recorded', 'Asylum claim recorded'],
  ['asylum_claim_refused', 'Asylum claim refused'],
  ['ltr_nrpf', 'Leave to remain with NRPF condition'],
  ['ltr_recourse', 'Leave to remain with recourse to public funds'],
  ['pending_euss', 'Pending EU Settlement Scheme application'],
  ['pre_settled_status', 'Pre-settled status'],
  ['settled_status', 'Settled status'],
  ['appeal_rights_exhausted', 'Appeal rights exhausted'],
  ['british_citizen', 'British citizen'],
  ['other', 'Other'],
];

export const ACCOMMODATION_TYPES = [
  ['none', 'None'],
  ['bed_and_breakfast', 'Bed and breakfast'],
  ['hostel', 'Hostel'],
  ['private_rented', 'Private rented'],
  ['temporary', 'Temporary accommodation'],
  ['supported', 'Supported accommodation'],
  ['other', 'Other'],
];

export const CLOSURE_REASONS = [
  ['leave_granted_recourse', 'Leave granted with recourse to public funds'],
  ['leave_granted_nrpf', 'Leave granted with NRPF condition'],
  ['transferred_to_asylum_support', 'Transferred to Home Office asylum support'],
  ['left_area', 'Left the area'],
  ['voluntary_return', 'Voluntary return'],
  ['no_longer_eligible', 'No longer eligible'],
  ['not_destitute', 'Assessed as not destitute'],
  ['died', 'Died'],
  ['duplicate', 'Duplicate'],
  ['other', 'Other'],
];

/** label(LIST, value): the words for a code; unknown codes are shown as they are. */
export function label(list, value) {
  if (value === null || value === undefined || value === '') return '';
  const hit = list.find(([v]) => v === value);
  return hit ? hit[1] : String(value);
}

/** [{value, label}] for a <select>, optionally with a first empty choice. */
export function options(list, emptyLabel) {
  const out = emptyLabel !== undefined ? [{ value: '', label: emptyLabel }] : [];
  for (const [value, text] of list) out.push({ value, label: text });
  return out;
}

export const statusLabel = (s) => label(CASE_STATUSES, s);
export const legislationLabel = (s) => label(LEGISLATION, s);
export const householdLabel = (s) => label(HOUSEHOLD_TYPES, s);
export const genderLabel = (s) => label(GENDERS, s);
export const relationshipLabel = (s) => label(RELATIONSHIPS, s);
export const immigrationStatusLabel = (s) => label(IMMIGRATION_STATUSES, s);
export const accommodationLabel = (s) => label(ACCOMMODATION_TYPES, s);
export const closureReasonLabel = (s) => label(CLOSURE_REASONS, s);

// ---- history field paths ('principal.family_name', 'dependants.2.date_of_birth') in words ----
const FIELD_WORDS = {
  given_names: 'given names', family_name: 'family name', date_of_birth: 'date of birth', nationality: 'nationality',
  gender: 'gender', other_names: 'other names', ho_reference: 'Home Office reference', relationship: 'relationship',
  status: 'status', legislation: 'legislation', household_type: 'household type', address: 'address',
  la_involvement: 'council’s involvement', caseworker: 'caseworker', caseworker_id: 'caseworker', team: 'team',
  recourse_to_public_funds: 'recourse to public funds', leave_expiry: 'leave expiry',
  outstanding_application: 'outstanding application', application_type: 'application type',
  application_date: 'application date', appeal: 'appeal', appeal_date: 'appeal date', judicial_review: 'judicial review',
  judicial_review_date: 'judicial review date', ho_notes: 'Home Office notes', support_start_date: 'support start date',
  weekly_subsistence_pence: 'weekly subsistence', accommodation_type: 'accommodation type',
  weekly_accommodation_pence: 'weekly accommodation cost', other_costs: 'other costs', support_end_date: 'support end date',
  closure_date: 'closure date', reason: 'reason', notes: 'notes', documents: 'documents', document: 'document',
  description: 'description', amount_pence: 'amount', date: 'date', previous_closures: 'previous closures',
  case: 'case', closed_at: 'closed at', reopened_at: 'reopened at',
};
const SECTION_WORDS = {
  principal: 'Principal applicant', dependants: 'Dependant', immigration: 'Immigration', finance: 'Finance',
  closure: 'Closure', allocation: 'Allocation', documents: 'Documents',
};

/** The words for one field name ('date_of_birth' -> 'date of birth'). */
export function fieldWord(key) {
  return FIELD_WORDS[key] || String(key).replace(/_/g, ' ');
}

export function fieldPathLabel(path) {
  if (!path) return '';
  const parts = String(path).split('.');
  const words = [];
  for (let i = 0; i < parts.length; i += 1) {
    const p = parts[i];
    if (i === 0 && SECTION_WORDS[p]) words.push(SECTION_WORDS[p]);
    else if (/^\d+$/.test(p)) words.push(p);
    else words.push(FIELD_WORDS[p] || p.replace(/_/g, ' '));
  }
  let s = words.join(' ');
  if (parts.length > 1 && SECTION_WORDS[parts[0]]) s = s.replace(/^(\S+(?: applicant)?(?: \d+)?) /, '$1: ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
