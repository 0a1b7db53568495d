// Words shown for the API's codes, and role checks.

export function orgKindLabel(kind) {
  switch (kind) {
    case 'council': return 'Council';
    case 'home_office': return 'Home Office';
    case 'network': return 'Network';
    case 'partner': return 'Partner department';
    default: return kind ? String(kind) : 'Unknown';
  }
}

/** An organisation in a list of choices: "DWP NINo Operations (Partner department, NINo partner)". */
export function orgChoiceLabel(o) {
  return `${o.name} (${orgKindLabel(o.kind)}${o.nino_partner ? ', NINo partner' : ''})`;
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

/** Disclosure requests are between the Home Office and partner departments. */
export function canUseDisclosures(user) {
  const kind = user && user.org && user.org.kind;
  return kind === 'home_office' || kind === 'partner';
}

export function isPartner(user) {
  return Boolean(user && user.org && user.org.kind === 'partner');
}

/** A designated user of the NINo partner: downloads the NINo batches and sends their results. */
export function isNinoDesignated(user) {
  return isPartner(user) && Boolean(user.nino_designated);
}

/** Who sees the NINo batches page: the Home Office (the list and its clock) and designated users. */
export function canSeeNino(user) {
  return Boolean(user && user.org && user.org.kind === 'home_office') || isNinoDesignated(user);
}

/** Grades (fcgi/API.md "Users"): civil-service grades, then the council titles ranked with them. */
export const GRADES = [
  ['AO', 'Administrative Officer (AO)'], ['EO', 'Executive Officer (EO)'], ['HEO', 'Higher Executive Officer (HEO)'],
  ['SEO', 'Senior Executive Officer (SEO)'], ['G7', 'Grade 7'], ['G6', 'Grade 6'], ['SCS', 'Senior Civil Service (SCS)'],
  ['council_officer', 'Council officer (as AO)'], ['council_senior_officer', 'Council senior officer (as EO)'],
  ['council_team_manager', 'Council team manager (as HEO)'], ['council_service_manager', 'Council service manager (as SEO)'],
  ['council_head_of_service', 'Council head of service (as Grade 7)'],
  ['council_assistant_director', 'Council assistant director (as Grade 6)'], ['council_director', 'Council director (as SCS)'],
];

export function gradeLabel(grade) {
  if (!grade) return 'no grade recorded';
  const g = GRADES.find(([k]) => k === grade);
  return g ? g[1] : String(grade);
}

export const LEGAL_BASES = [
  ['immigration_s20', 'Immigration purpose: s20(3) Immigration and Asylum Act 1999'],
  ['consent', 'The person’s consent'],
  ['law_or_court_order', 'Required by law or a court order'],
  ['crime_prevention', 'Prevention or detection of crime'],
];

export const DISCLOSURE_STATUSES = [
  ['draft', 'Draft'], ['awaiting_countersign', 'Waiting for countersignature'], ['sent_back', 'Returned by the countersigner'],
  ['sent', 'Sent, waiting for an answer'], ['returned', 'Returned as not meeting the criteria'], ['refused', 'Refused'],
  ['disclosed', 'Disclosed'], ['review_requested', 'Sent for review'], ['destroyed', 'Disclosed data destroyed'],
];

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

export const REFERRAL_SOURCES = [
  ['self_referral', 'Self-referral'],
  ['voluntary_sector', 'Voluntary sector'],
  ['legal_representative', 'Legal representative'],
  ['health', 'Health service'],
  ['police', 'Police'],
  ['home_office', 'Home Office'],
  ['another_council', 'Another council'],
  ['council_service', 'Council service'],
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
export const referralSourceLabel = (s) => label(REFERRAL_SOURCES, s);

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
  case: 'case', closed_at: 'closed at', reopened_at: 'reopened at', referral_source: 'referral source',
  status_at_referral: 'status at referral',
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

// ---- alerts and queries (API.md "Alerts, queries and service levels") ----

/** The side of Connect a user works on: 'council', 'ho', or null (the Network). */
export function sideOf(user) {
  const kind = user && user.org && user.org.kind;
  if (kind === 'council') return 'council';
  if (kind === 'home_office') return 'ho';
  return null;
}

export const SIDES = [
  ['council', 'Council'],
  ['ho', 'Home Office'],
  ['partner', 'NINo partner'], // the SLA report's NINo batches (API.md "NINo tracing")
];
export const sideLabel = (s) => label(SIDES, s);

export const ALERT_TYPES = [
  ['new_case', 'New case'],
  ['council_update', 'Council update'],
  ['immigration_update', 'Immigration update'],
  ['closure_required', 'Closure required'],
  ['case_closed', 'Case closed'],
  ['final_outcome', 'Final outcome'],
  ['case_reopened', 'Case reopened'],
  ['support_ended', 'Support ended'],
  ['nino_result', 'NINo allocated: the household can claim benefits – plan closure'],
];
export const alertTypeLabel = (s) => label(ALERT_TYPES, s);

/** The alert types addressed to each side (the filters of the alerts list). */
export const ALERT_TYPES_TO = {
  council: ['immigration_update', 'closure_required', 'final_outcome', 'support_ended', 'nino_result'],
  ho: ['new_case', 'council_update', 'case_closed', 'case_reopened'],
};

/** What a council update alert's `fields` name. */
const ALERT_FIELD_WORDS = {
  dependant_added: 'dependant added',
  dependant: 'dependant changed',
  principal: 'principal applicant changed',
  document: 'document uploaded',
  immigration: 'immigration page updated',
};

/** An alert's `fields` in words ('status' -> 'status', 'dependant_added' -> 'dependant added'). */
export function alertFieldWord(key) {
  return ALERT_FIELD_WORDS[key] || fieldWord(key);
}

export const CLEARED_HOW = [
  ['accepted', 'Accepted'],
  ['status_check', 'Status check completed'],
  ['query', 'Query raised'],
  ['case_closed', 'Case closed'],
  ['case_reopened', 'Case reopened'],
  ['end_date_changed', 'Support end date changed'],
];
export const clearedHowLabel = (s) => label(CLEARED_HOW, s);

export const FINAL_OUTCOMES = [
  ['leave_granted', 'Leave granted'],
  ['removal', 'Removal'],
];
export const finalOutcomeLabel = (s) => label(FINAL_OUTCOMES, s);

export const QUERY_CATEGORIES = [
  ['status_discrepancy', 'Status discrepancy'],
  ['progress_update', 'Progress update'],
  ['expedite_request', 'Expedite request'],
  ['fee_waiver', 'Fee waiver'],
  ['change_of_conditions', 'Change of conditions'],
  ['transfer_to_asylum_support', 'Transfer to asylum support'],
  ['unable_to_make_application', 'Unable to make an application'],
  ['other', 'Other'],
];
export const queryCategoryLabel = (s) => label(QUERY_CATEGORIES, s);

export const URGENT_REASONS = [
  ['legal_proceedings', 'Legal proceedings'],
  ['safeguarding', 'Safeguarding'],
  ['reconsideration', 'Reconsideration of a decision'],
];
export const urgentReasonLabel = (s) => label(URGENT_REASONS, s);

/** The buckets of the queries list, per side ('' = those awaiting the caller's side). */
export const QUERY_BUCKETS = {
  council: [
    ['', 'Awaiting the council'],
    ['responses', 'Responses from the Home Office'],
    ['new', 'New queries from the Home Office'],
  ],
  ho: [
    ['', 'Awaiting the Home Office'],
  ],
};
export function queryBucketLabel(side, bucket) {
  const hit = (QUERY_BUCKETS[side] || []).find(([v]) => v === (bucket || ''));
  if (hit) return hit[1];
  if (bucket === 'awaiting_ho') return 'Awaiting the Home Office';
  return bucket ? String(bucket) : '';
}

/** Whom an open query waits for, in words. */
export function awaitingLabel(side) {
  if (side === 'council') return 'Waiting for the council';
  if (side === 'ho') return 'Waiting for the Home Office';
  return 'Not waiting for anyone';
}

// ---- home page counters (GET /api/home), in the order they are shown ----
export const HOME_COUNTERS = {
  nino: [
    ['waiting', 'Batches to download'],
    ['awaiting_results', 'Batches waiting for results'],
    ['due_today', 'Results due today'],
    ['overdue', 'Results overdue'],
    ['queued', 'People waiting for the next batch'],
  ],
  disclosures: [
    ['awaiting_countersign', 'Requests to countersign'],
    ['sent_back', 'Your requests returned by the countersigner'],
    ['incoming', 'Requests to answer'],
    ['due_today', 'Answers due today'],
    ['overdue', 'Answers overdue'],
    ['held', 'Disclosed data your organisation holds'],
  ],
  council: [
    ['immigration_update', 'Immigration updates to accept'],
    ['query_responses', 'Query responses from the Home Office'],
    ['new_ho_queries', 'New queries from the Home Office'],
    ['closure_required', 'Cases to close (closure required)'],
    ['final_outcome', 'Final outcomes to accept'],
    ['support_ended', 'Cases to close (support ended)'],
    ['nino_result', 'National Insurance numbers found (plan closure)'],
    ['overdue', 'Overdue'],
    ['due_today', 'Due today'],
    ['open_referral', 'Open referrals'],
    ['open_supported', 'Open financially supported cases'],
    ['thousand_day', '1,000-day cases'],
    ['retention_due', 'Due for destruction in the next 90 days'],
  ],
  ho: [
    ['new_case', 'New case alerts'],
    ['council_update', 'Council update alerts'],
    ['case_closed', 'Case closed alerts'],
    ['case_reopened', 'Case reopened alerts'],
    ['queries_awaiting_ho', 'Queries awaiting the Home Office'],
    ['thousand_day', '1,000-day cases (national)'],
    ['due_today', 'Due today'],
    ['overdue', 'Overdue'],
  ],
  network: [
    ['open_referral', 'Open referrals'],
    ['open_supported', 'Open financially supported cases'],
    ['closed', 'Closed cases'],
  ],
};

// ---- the RTPF checker and bulk imports (API.md "RTPF checker", "Bulk import of a council's caseload") ----

export const DOCUMENT_TYPES = [
  ['passport', 'Passport'],
  ['national_id', 'National identity card'],
  ['brp', 'Biometric residence permit'],
  ['ukvi_account', 'UKVI account number'],
  ['share_code', 'Share code'],
];
export const documentTypeLabel = (s) => label(DOCUMENT_TYPES, s);

/** Council and Home Office users look people up; the Network does not. */
export const canUseRtpf = (user) => canSeeCases(user);

/** The look-up log: admins of a council or of the Home Office. */
export const canSeeLookups = (user) => isAdmin(user) && canSeeCases(user);

/** The status register's size: the Home Office; loading it: the Home Office's admins. */
export const canSeeRegister = (user) => isHomeOffice(user);
export const canLoadRegister = (user) => isHomeOffice(user) && isAdmin(user);

/** A council's admin imports its caseload. */
export const canImportCases = (user) => canEditCases(user) && isAdmin(user);

/** A council's admin manages its retention: the policy, legal holds, the due list, the destruction records. */
export const canManageRetention = (user) => canEditCases(user) && isAdmin(user);
/** The Retention page: council admins (their policy, due cases and records), HO admins (every record). */
export const canSeeDestructions = (user) => canManageRetention(user) || (isHomeOffice(user) && isAdmin(user));

// ---- reports (API.md "Reports") ----

/** Performance monitoring (#/reports/performance, so the Reports page): everyone who sees cases, and the Network. */
export const canSeePerformance = (user) => canSeeCases(user) || isNetworkAdmin(user);

/** The finance, referrals and resolution downloads: admins of a council or of the Home Office. */
export const canDownloadReports = (user) => isAdmin(user) && canSeeCases(user);

/** The SLA report: the Home Office and the Network. */
export const canSeeSla = (user) => isHomeOffice(user) || isNetworkAdmin(user);

/** The national report (GET /api/reports/national): the Network's and the Home Office's administrators. */
export const canSeeNational = (user) => isNetworkAdmin(user) || (isHomeOffice(user) && isAdmin(user));

/** Where a council is (API.md "ORG"): the nations, and the regions (England's nine, then the other nations). */
export const NATION_LABELS = { england: 'England', scotland: 'Scotland', wales: 'Wales', northern_ireland: 'Northern Ireland' };
export const REGION_LABELS = {
  north_east: 'North East', north_west: 'North West', yorkshire_and_the_humber: 'Yorkshire and the Humber',
  east_midlands: 'East Midlands', west_midlands: 'West Midlands', east_of_england: 'East of England', london: 'London',
  south_east: 'South East', south_west: 'South West', scotland: 'Scotland', wales: 'Wales', northern_ireland: 'Northern Ireland',
};

/** The figures of the performance monitoring report (GET /api/reports/performance), in the order shown. */
export const PERFORMANCE_FIGURES = [
  ['open_referral', 'Open referrals'],
  ['open_supported', 'Open supported cases'],
  ['referrals', 'Referrals in the period'],
  ['closures', 'Closures in the period'],
  ['average_days_on_support', 'Average days on support'],
  ['thousand_day', '1,000-day cases'],
  ['spend_pence', 'Spend in the period'],
];

/** The SLA report's item types, in the API's order. */
export const SLA_TYPES = [
  ['new_case', 'New case alert'],
  ['council_update', 'Council update alert'],
  ['case_closed', 'Case closed alert'],
  ['final_outcome', 'Final outcome'],
  ['query', 'Query'],
  ['urgent_query', 'Urgent query'],
  ['disclosure_request', 'Disclosure request'],
  ['nino_batch', 'NINo batch'],
];
export const slaTypeLabel = (s) => label(SLA_TYPES, s);
