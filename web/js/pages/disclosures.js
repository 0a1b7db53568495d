// Disclosure requests between the Home Office and partner departments (fcgi/API.md "Disclosure
// requests"). #/disclosures lists the organisation's requests (to countersign, incoming, outgoing) with
// due dates and, for admins, the monthly monitoring report; #/disclosures/new is the agreement's
// template; #/disclosures/{id} is one request with the steps the signed-in user may take. Every page
// carries the protective marking OFFICIAL-SENSITIVE.
import { api } from '../api.js';
import { h, appendChildren, replaceChildren, summaryRow } from '../dom.js';
import { dateInput, formatDate, formatDateTime, parseDate } from '../format.js';
import { field, checkbox, busy, showApiError, showErrors, valueOf } from '../forms.js';
import { isAdmin, LEGAL_BASES, DISCLOSURE_STATUSES, gradeLabel } from '../labels.js';

const word = (list, v) => (list.find(([k]) => k === v) || [null, v])[1];

/** The protective marking, at the top of every disclosure page. */
export function marking() {
  return h('p', { class: 'marking', id: 'protective-marking' }, 'OFFICIAL-SENSITIVE');
}

function statusTag(d) {
  const colour = { disclosed: 'green', refused: 'red', returned: 'red', sent_back: 'yellow', destroyed: 'grey', draft: 'grey' }[d.status] || 'blue';
  return h('span', { class: `tag tag--${colour} disclosure-status` }, word(DISCLOSURE_STATUSES, d.status));
}

function dueTag(d) {
  if (d.due_state === 'overdue') return h('span', { class: 'tag tag--red' }, 'Overdue');
  if (d.due_state === 'due_today') return h('span', { class: 'tag tag--yellow' }, 'Due today');
  return null;
}

function table(items, caption, id) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption, id },
    h('table', { class: 'table disclosures-table' },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {}, ['Request', 'About', 'From', 'To', 'Status', 'Due'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, items.map((d) => h('tr', { dataset: { disclosureId: String(d.id) } },
        h('td', { dataset: { label: 'Request' } }, h('a', { href: `#/disclosures/${d.id}`, class: 'link' }, d.number)),
        h('td', { dataset: { label: 'About' } }, d.subject_label || ''),
        h('td', { dataset: { label: 'From' } }, d.requesting_org.name || ''),
        h('td', { dataset: { label: 'To' } }, d.providing_org.name || ''),
        h('td', { dataset: { label: 'Status' } }, statusTag(d)),
        h('td', { dataset: { label: 'Due' } }, d.due ? formatDate(d.due) : '', ' ', dueTag(d)))))));
}

function reportSection(ctx) {
  const form = h('form', { class: 'form', id: 'disclosure-report-form', novalidate: true },
    field({ label: 'Month', name: 'month', type: 'month', hint: 'For example 2026-11', value: new Date().toISOString().slice(0, 7), width: 10 }),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Show the month'));
  const out = h('div', { id: 'disclosure-report' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const month = valueOf(form, 'month').trim();
    try {
      const r = await busy(form, () => api.get('/api/reports/disclosures', { month }));
      const cols = ['received', 'returned', 'refused', 'disclosed', 'reviewed', 'within_time', 'median_working_days'];
      const words = ['Received', 'Returned', 'Refused', 'Disclosed', 'Reviewed', 'Within time', 'Median working days'];
      const q = `month=${encodeURIComponent(month)}`;
      replaceChildren(out,
        r.rows.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Disclosure requests in ${month}` },
          h('table', { class: 'table' }, h('caption', { class: 'table__caption' }, `Requests sent in ${month}`),
            h('thead', {}, h('tr', {}, ['From', 'To', ...words].map((x) => h('th', { scope: 'col' }, x)))),
            h('tbody', {}, r.rows.map((row) => h('tr', {},
              h('td', {}, row.requesting_org.name), h('td', {}, row.providing_org.name),
              cols.map((c) => h('td', {}, row[c] === null ? '–' : String(row[c])))))))) : h('p', { class: 'body' }, 'No requests were sent in that month.'),
        h('p', { class: 'body' },
          h('a', { href: `/api/reports/disclosures?${q}&format=xlsx`, class: 'link', download: true }, 'Download as Excel'), ' · ',
          h('a', { href: `/api/reports/disclosures?${q}&format=csv`, class: 'link', download: true }, 'Download as CSV')));
    } catch (error) { showApiError(form, error); }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'report-heading' },
    h('h2', { class: 'heading-m', id: 'report-heading' }, 'Monthly monitoring'),
    h('p', { class: 'body' }, 'Requests sent in a month between your organisation and each other organisation: how they were answered, and how many within the agreed working days.'),
    form, out, ctx ? null : null);
}

export async function renderDisclosures(section, ctx) {
  const me = ctx.user;
  const res = await api.get('/api/disclosures', { limit: 500 });
  if (!ctx.isCurrent()) return;
  const items = res.items || [];
  const toSign = items.filter((d) => d.status === 'awaiting_countersign' && d.requester.id !== me.id && me.may_countersign);
  const incoming = items.filter((d) => d.direction === 'incoming');
  const outgoing = items.filter((d) => d.direction === 'outgoing' && !toSign.includes(d));
  appendChildren(section,
    marking(),
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'Disclosure requests'),
    h('p', { class: 'body' }, 'Requests for personal data between the Home Office and partner departments, under the data-sharing agreement. A request leaves your organisation only once a line manager of Executive Officer grade or above has countersigned it.'),
    h('p', { class: 'body' }, h('a', { href: '#/disclosures/new', class: 'button', id: 'new-disclosure' }, 'New request')),
    h('p', { class: 'body', id: 'disclosure-due' }, `${res.due_today} due today, ${res.overdue} overdue for your organisation's answer.`),
    h('h2', { class: 'heading-m' }, 'To countersign'),
    toSign.length ? table(toSign, `${toSign.length} waiting for your countersignature`, 'to-countersign') : h('p', { class: 'body', id: 'none-to-sign' }, 'Nothing is waiting for your countersignature.'),
    h('h2', { class: 'heading-m' }, 'Sent to your organisation'),
    incoming.length ? table(incoming, `${incoming.length} incoming`, 'incoming') : h('p', { class: 'body' }, 'No requests have been sent to your organisation.'),
    h('h2', { class: 'heading-m' }, 'Made by your organisation'),
    outgoing.length ? table(outgoing, `${outgoing.length} outgoing`, 'outgoing') : h('p', { class: 'body' }, 'Your organisation has made no requests you can see.'),
    isAdmin(me) ? reportSection() : null);
}

/** "Given names, Family name[, date of birth]" a line -> PERSON_REFs, or the first bad line's number. */
function parsePeople(text) {
  const people = [];
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = 0; i < lines.length; i += 1) {
    const [given, family, dob] = lines[i].split(',').map((x) => x.trim());
    if (!given || !family) return { bad: i + 1 };
    const p = { given_names: given, family_name: family };
    if (dob) p.date_of_birth = parseDate(dob) || dob;
    people.push(p);
  }
  return { people };
}

export async function renderDisclosureNew(section, ctx) {
  const me = ctx.user;
  // ?edit=ID: the requester changes a draft or a request the countersigner sent back (PUT).
  const editId = Number(ctx.params.get('edit')) || null;
  const editing = editId ? await api.get(`/api/disclosures/${editId}`) : null;
  const editPerson = editing && editing.subject.kind === 'person' ? editing.subject.person : null;
  const caseId = Number(ctx.params.get('case')) || (editPerson && editPerson.case_id) || null;
  const personId = Number(ctx.params.get('person')) || (editPerson && editPerson.person_id) || null;
  const [orgs, kase] = await Promise.all([api.get('/api/disclosures/providers').catch(() => null),
    caseId ? api.get(`/api/cases/${caseId}`) : null]);
  if (!ctx.isCurrent()) return;
  const was = (k) => (editing && editing[k] !== null ? editing[k] : undefined);
  const providers = (orgs && orgs.items) || [];
  // From a case page (the Home Office): the person of the case, named with it.
  const known = kase ? [kase.principal, ...(kase.dependants || [])].find((x) => x && x.id === personId) : null;
  const form = h('form', { class: 'form', id: 'disclosure-form', novalidate: true },
    field({ label: 'Organisation asked', name: 'providing_org', options: [{ value: '', label: 'Choose an organisation' }, ...providers.map((o) => ({ value: String(o.id), label: o.name }))], value: editing ? String(editing.providing_org.id) : '' }),
    known ? h('p', { class: 'body', id: 'about-case' }, `About ${known.given_names} ${known.family_name} of case ${kase.connect_id}.`) : null,
    known ? null : field({ label: 'Who the request is about', name: 'kind', options: [{ value: 'person', label: 'One person' }, { value: 'list', label: 'A list of people' }], value: editing ? editing.subject.kind : 'person' }),
    h('fieldset', { class: 'fieldset', id: 'one-person', hidden: Boolean(editing && editing.subject.kind === 'list') }, h('legend', { class: 'fieldset__legend' }, 'The person the request is about'),
      field({ label: 'Given names', name: 'given_names', width: 20, value: (known || editPerson || {}).given_names }),
      field({ label: 'Family name', name: 'family_name', width: 20, value: (known || editPerson || {}).family_name }),
      field({ label: 'Date of birth (optional)', name: 'date_of_birth', hint: 'For example 27/03/1985', width: 10, value: (known || editPerson || {}).date_of_birth ? dateInput((known || editPerson).date_of_birth) : undefined }),
      field({ label: 'Other identifiers (optional)', name: 'other_identifiers', hint: 'A National Insurance number, a Home Office reference', width: 20, value: known ? known.ho_reference || undefined : (editPerson || {}).other_identifiers })),
    h('fieldset', { class: 'fieldset', id: 'a-list', hidden: !(editing && editing.subject.kind === 'list') }, h('legend', { class: 'fieldset__legend' }, 'The people the request is about'),
      field({ label: 'People', name: 'people', type: 'textarea', hint: 'One a line: given names, family name and (optional) date of birth, separated by commas', attrs: { rows: 4 },
        value: editing && editing.subject.kind === 'list' ? editing.subject.people.map((x) => [x.given_names, x.family_name, x.date_of_birth ? dateInput(x.date_of_birth) : null].filter(Boolean).join(', ')).join('\n') : undefined }),
      field({ label: 'How the list was narrowed to the minimum', name: 'minimum_justification', type: 'textarea', value: editing && editing.subject.kind === 'list' ? editing.subject.minimum_justification : undefined, hint: 'A list goes to the provider’s designated team', attrs: { rows: 2, maxlength: 4000 } })),
    field({ label: 'Information asked for', name: 'information_sought', type: 'textarea', value: was('information_sought'), attrs: { rows: 3, maxlength: 4000 } }),
    field({ label: 'Legal basis', name: 'legal_basis', options: [{ value: '', label: 'Choose the legal basis' }, ...LEGAL_BASES.map(([v, l]) => ({ value: v, label: l }))], value: was('legal_basis') || '' }),
    field({ label: 'Substantial chance of prejudice (crime prevention or detection only)', name: 'prejudice_statement', type: 'textarea', value: was('prejudice_statement'), hint: 'Why not disclosing would be likely to prejudice the prevention or detection of crime', attrs: { rows: 2, maxlength: 4000 } }),
    field({ label: 'Reasons for the request', name: 'reasons', type: 'textarea', value: was('reasons'), attrs: { rows: 3, maxlength: 4000 } }),
    field({ label: 'Other lines of enquiry already pursued', name: 'other_enquiries', type: 'textarea', value: was('other_enquiries'), attrs: { rows: 2, maxlength: 4000 } }),
    h('p', { class: 'body' }, `Requester: ${me.name}, grade ${gradeLabel(me.grade)}.`),
    checkbox({ label: 'Submit it for countersignature now', name: 'submit_now', checked: true }),
    h('button', { type: 'submit', class: 'button', id: 'save-disclosure' }, 'Save the request'));
  const kindSelect = form.querySelector('select[name="kind"]');
  if (kindSelect) {
    kindSelect.addEventListener('change', () => {
      form.querySelector('#one-person').hidden = kindSelect.value !== 'person';
      form.querySelector('#a-list').hidden = kindSelect.value !== 'list';
    });
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (n) => valueOf(form, n).trim();
    const dob = v('date_of_birth');
    const person = { given_names: v('given_names'), family_name: v('family_name') };
    if (dob) person.date_of_birth = parseDate(dob) || dob;
    if (v('other_identifiers')) person.other_identifiers = v('other_identifiers');
    if (known) { person.case_id = kase.id; person.person_id = known.id; }
    let subject = { kind: 'person', person };
    if (kindSelect && kindSelect.value === 'list') {
      const { people, bad } = parsePeople(v('people'));
      if (bad) { showErrors(form, [{ field: 'people', message: `Line ${bad}: give the given names and the family name, separated by a comma` }]); return; }
      subject = { kind: 'list', people, minimum_justification: v('minimum_justification') };
    }
    const body = {
      providing_org: Number(v('providing_org')) || null,
      subject,
      information_sought: v('information_sought'), legal_basis: v('legal_basis') || null,
      reasons: v('reasons'), other_enquiries: v('other_enquiries'),
    };
    if (v('prejudice_statement')) body.prejudice_statement = v('prejudice_statement');
    if (!body.providing_org) { showErrors(form, [{ field: 'providing_org', message: 'Choose the organisation to ask' }]); return; }
    try {
      const d = await busy(form, async () => {
        const made = editing ? await api.put(`/api/disclosures/${editing.id}`, body) : await api.post('/api/disclosures', body);
        return form.querySelector('[name="submit_now"]').checked ? api.post(`/api/disclosures/${made.id}/submit`) : made;
      });
      ctx.navigate(`disclosures/${d.id}`, { flash: { text: `Request ${d.number} saved${d.status === 'awaiting_countersign' ? ' and sent for countersignature' : ''}.`, kind: 'success' } });
    } catch (error) { showApiError(form, error); }
  });
  appendChildren(section, marking(),
    h('h1', { class: 'heading-l' }, editing ? `Change request ${editing.number}` : 'New disclosure request'),
    editing && editing.sent_back ? h('p', { class: 'notice' }, `The countersigner returned it: ${editing.sent_back.reason}`) : null,
    h('p', { class: 'body' }, 'Every field of the agreement’s template is needed. Ask only for what you need, about as few people as possible.'),
    form);
}

/** A form with one text box that posts `what` to the request; `done(updated)` afterwards. */
function stepForm(d, { what, label, name, button, id, secondary, method = 'post', type = 'textarea', extra = [] }, done) {
  const form = h('form', { class: 'form disclosure-step', id, novalidate: true },
    name ? field({ label, name, type, attrs: type === 'textarea' ? { rows: 2, maxlength: 4000 } : {} }) : null,
    ...extra.map((e) => field(e)),
    h('button', { type: 'submit', class: ['button', secondary && 'button--secondary'] }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    if (name) body[name] = valueOf(form, name).trim();
    for (const e of extra) body[e.name] = valueOf(form, e.name).trim();
    if (name && type === 'date') body[name] = parseDate(body[name]) || body[name];
    try {
      const path = `/api/disclosures/${d.id}/${what}`;
      done(await busy(form, () => (method === 'put' ? api.put(path, body) : api.post(path, body))));
    } catch (error) { showApiError(form, error); }
  });
  return form;
}

function actionsFor(d, me, done) {
  const out = [];
  const mineSide = d.direction === 'outgoing';
  const requester = d.requester && d.requester.id === me.id;
  if (mineSide && requester && ['draft', 'sent_back'].includes(d.status)) {
    out.push(h('p', { class: 'body' }, h('a', { href: `#/disclosures/new?edit=${d.id}`, class: 'link', id: 'change-request' }, 'Change the request')),
      stepForm(d, { what: 'submit', button: 'Submit for countersignature', id: 'submit-form' }, done));
  }
  if (mineSide && !requester && me.may_countersign && d.status === 'awaiting_countersign') {
    out.push(stepForm(d, { what: 'countersign', button: 'Countersign and send', id: 'countersign-form' }, done),
      stepForm(d, { what: 'return', label: 'Reason for returning it to the requester', name: 'reason', button: 'Return to the requester', id: 'sendback-form', secondary: true }, done));
  }
  if (!mineSide && ['sent', 'review_requested'].includes(d.status)) {
    const upload = h('form', { class: 'form disclosure-step', id: 'attach-form', novalidate: true },
      field({ label: 'Attach a file', name: 'file', type: 'file', hint: 'A PDF, JPEG or PNG file, up to 10 MB' }),
      h('button', { type: 'submit', class: 'button button--secondary' }, 'Attach'));
    upload.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const file = upload.querySelector('input[name="file"]').files[0];
      if (!file) { showErrors(upload, [{ field: 'file', message: 'Choose a file to attach' }]); return; }
      try {
        await busy(upload, () => api.upload(`/api/disclosures/${d.id}/attachments`, file, { filename: file.name }));
        done(await api.get(`/api/disclosures/${d.id}`));
      } catch (error) { showApiError(upload, error); }
    });
    out.push(
      stepForm(d, { what: 'disclose', label: 'What you disclose', name: 'message', button: 'Disclose', id: 'disclose-form' }, done),
      upload,
      stepForm(d, { what: 'refuse', label: 'Reasons for refusing', name: 'reasons', button: 'Refuse', id: 'refuse-form', secondary: true }, done),
      stepForm(d, { what: 'return', label: 'Why the request does not meet the criteria', name: 'reason', button: 'Return as not meeting the criteria', id: 'return-form', secondary: true }, done));
  }
  if (mineSide && ['refused', 'disclosed'].includes(d.status)) {
    out.push(stepForm(d, { what: 'review', label: 'More information for the review', name: 'information', button: 'Send for review', id: 'review-form', secondary: true }, done));
  }
  if (mineSide && d.status === 'disclosed') {
    out.push(
      stepForm(d, { what: 'keep-until', method: 'put', label: `Keep the data until (at the latest ${formatDate(d.max_keep_until)})`, name: 'keep_until', type: 'text', button: 'Set the date', id: 'keep-form', secondary: true }, done),
      stepForm(d, { what: 'onward', label: 'Why it must be passed on', name: 'reason', button: 'Record an onward transfer', id: 'onward-form', secondary: true, extra: [{ label: 'Passed on to', name: 'to', width: 20 }] }, done),
      stepForm(d, { what: 'destroy', button: 'Destroy the disclosed data now', id: 'destroy-form', secondary: true }, done));
  }
  if (mineSide && ['disclosed', 'destroyed'].includes(d.status) && !d.surplus_confirmation) {
    out.push(stepForm(d, { what: 'confirm-destruction', label: 'What surplus data was destroyed', name: 'note', button: 'Confirm destruction to the provider', id: 'confirm-form', secondary: true }, done));
  }
  return out;
}

function details(d) {
  const p = (d.subject && d.subject.person) || {};
  const people = d.subject && d.subject.kind === 'list' ? d.subject.people.map((x) => `${x.given_names} ${x.family_name}`).join('; ') : null;
  const rows = [
    summaryRow('Status', statusTag(d)),
    summaryRow('From', `${d.requesting_org.name}`),
    summaryRow('To', `${d.providing_org.name}`),
    summaryRow('About', people || `${p.given_names || ''} ${p.family_name || ''}${p.date_of_birth ? `, born ${formatDate(p.date_of_birth)}` : ''}`),
    people ? summaryRow('Why a list', d.subject.minimum_justification) : null,
    summaryRow('Information asked for', h('span', { class: 'pre-line' }, d.information_sought)),
    summaryRow('Legal basis', word(LEGAL_BASES, d.legal_basis)),
    d.prejudice_statement ? summaryRow('Substantial chance of prejudice', h('span', { class: 'pre-line' }, d.prejudice_statement)) : null,
    summaryRow('Reasons', h('span', { class: 'pre-line' }, d.reasons)),
    summaryRow('Other lines of enquiry', h('span', { class: 'pre-line' }, d.other_enquiries)),
    summaryRow('Requester', `${d.requester.name || ''} (${gradeLabel(d.requester_grade)})`),
    d.countersigned_by ? summaryRow('Countersigned by', `${d.countersigned_by.name} (${gradeLabel(d.countersigner_grade)}), ${formatDateTime(d.countersigned_at)}`) : null,
    d.sent_back ? summaryRow('Returned by the countersigner', `${d.sent_back.reason}`) : null,
    d.due ? summaryRow('Answer due', h('span', {}, formatDate(d.review_due || d.due), ' ', dueTag(d))) : null,
    d.keep_until ? summaryRow('Keep until', formatDate(d.keep_until)) : null,
    d.destruction ? summaryRow('Disclosed data destroyed', `${formatDateTime(d.destruction.at)}${d.destruction.run === 'daily' ? ' (keep-until date passed)' : ''}`) : null,
    d.surplus_confirmation ? summaryRow('Surplus data destruction confirmed', `${d.surplus_confirmation.note} (${formatDateTime(d.surplus_confirmation.at)})`) : null,
  ];
  return h('dl', { class: 'summary-list', id: 'disclosure-details' }, ...rows.filter(Boolean));
}

function decisions(d) {
  if (!d.decisions.length && !d.pending_attachments.length) return null;
  const words = { returned: 'Returned as not meeting the criteria', refused: 'Refused', disclosed: 'Disclosed' };
  const link = (a) => h('li', {}, h('a', { href: `/api/disclosures/${d.id}/attachments/${a.n}`, class: 'link', download: a.filename }, a.filename));
  return h('section', { id: 'decisions' },
    h('h2', { class: 'heading-m' }, 'Answers'),
    ...d.decisions.map((x, i) => h('div', { class: 'panel decision', dataset: { outcome: x.outcome } },
      h('h3', { class: 'heading-s' }, `${words[x.outcome] || x.outcome}${x.review ? ' on review' : ''}`),
      h('p', { class: 'body' }, `By ${x.by ? x.by.name : ''} (${gradeLabel(x.grade)}), ${formatDateTime(x.at)}`),
      x.reasons ? h('p', { class: 'body pre-line' }, x.reasons) : null,
      x.message ? h('p', { class: 'body pre-line', id: `disclosed-message-${i}` }, x.message) : null,
      Array.isArray(x.attachments) && x.attachments.length ? h('ul', { class: 'list' }, x.attachments.map(link)) : null)),
    d.pending_attachments.length ? h('div', { class: 'panel' }, h('h3', { class: 'heading-s' }, 'Attached, not yet disclosed'),
      h('ul', { class: 'list', id: 'pending-attachments' }, d.pending_attachments.map(link))) : null,
    d.onward.length ? h('div', { class: 'panel' }, h('h3', { class: 'heading-s' }, 'Passed on'),
      h('ul', { class: 'list' }, d.onward.map((o) => h('li', {}, `${o.to}: ${o.reason} (${o.by ? o.by.name : ''}, ${formatDateTime(o.at)})`)))) : null);
}

export async function renderDisclosure(section, ctx) {
  const me = ctx.user;
  const d0 = await api.get(`/api/disclosures/${ctx.args.id}`);
  if (!ctx.isCurrent()) return;
  const body = h('div', { id: 'disclosure' });
  const draw = (d) => {
    replaceChildren(body,
      h('span', { class: 'caption' }, `${d.requesting_org.name} to ${d.providing_org.name}`),
      h('h1', { class: 'heading-l', id: 'disclosure-heading' }, `Disclosure request ${d.number}`),
      details(d), decisions(d),
      h('div', { id: 'disclosure-actions' }, ...actionsFor(d, me, (updated) => {
        draw(updated);
        ctx.setStatus(`Request ${updated.number}: ${word(DISCLOSURE_STATUSES, updated.status)}.`);
      })),
      h('p', { class: 'body' }, h('a', { href: '#/disclosures', class: 'link' }, 'All disclosure requests')));
  };
  draw(d0);
  appendChildren(section, marking(), body);
}
