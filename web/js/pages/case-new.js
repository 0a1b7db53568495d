// Create a case: the principal applicant, any dependants, the support details and the allocation.
// A possible duplicate (409) is said once, in a panel: each match with what tells people apart (date
// of birth, nationality, HO reference, status, caseworker), the main action "Open C…" (or "Reopen C…"
// for a closed match), and "This is a different person" to create the case anyway.
import { api } from '../api.js';
import { h, replaceChildren, appendChildren, summaryRow } from '../dom.js';
import { field, checkbox, showErrors, showApiError, clearErrors, busy, valueOf } from '../forms.js';
import { formatDate } from '../format.js';
import { personFields, readPerson } from '../person.js';
import { LEGISLATION, HOUSEHOLD_TYPES, REFERRAL_SOURCES, options, statusLabel } from '../labels.js';
import { caseworkerOptions } from '../caseworkers.js';

const notGiven = () => h('span', { class: 'muted' }, 'Not recorded');

export async function renderCaseNew(section, ctx) {
  const me = ctx.user;
  const p = ctx.params;
  const prefill = {
    given_names: p.get('given') || '',
    family_name: p.get('family') || '',
    date_of_birth: p.get('dob') || '',
    nationality: p.get('nationality') || '',
  };
  const fromRtpf = p.get('from') === 'rtpf';
  const cwOptions = await caseworkerOptions(me, null);

  // ---- dependants ----
  const depList = h('div', { class: 'dependants', id: 'new-dependants' });
  const addDep = h('button', { type: 'button', class: 'button button--secondary', id: 'add-dependant' }, 'Add a dependant');
  const depNone = h('p', { class: 'body muted', id: 'no-dependants' }, 'No dependants added.');

  function renumber() {
    const blocks = [...depList.querySelectorAll(':scope > .dependant-block')];
    blocks.forEach((block, i) => {
      for (const el of block.querySelectorAll('[name]')) el.name = el.name.replace(/^dependants\.\d+\./, `dependants.${i}.`);
      for (const g of block.querySelectorAll('[data-field]')) g.dataset.field = g.dataset.field.replace(/^dependants\.\d+\./, `dependants.${i}.`);
      for (const g of block.querySelectorAll('[data-date]')) g.dataset.date = g.dataset.date.replace(/^dependants\.\d+\./, `dependants.${i}.`);
      for (const g of block.querySelectorAll('[data-date-field]')) g.dataset.dateField = g.dataset.dateField.replace(/^dependants\.\d+\./, `dependants.${i}.`);
      block.querySelector('legend').textContent = `Dependant ${i + 1}`;
      block.querySelector('.remove-dependant').textContent = `Remove dependant ${i + 1}`;
    });
    depNone.hidden = blocks.length > 0;
  }

  function addDependant() {
    const i = depList.children.length;
    const remove = h('button', { type: 'button', class: 'button button--secondary button--small remove-dependant' }, `Remove dependant ${i + 1}`);
    const block = h('fieldset', { class: 'fieldset dependant-block' },
      h('legend', { class: 'fieldset__legend fieldset__legend--m' }, `Dependant ${i + 1}`),
      personFields(`dependants.${i}.`, {}, { relationship: true }),
      remove);
    remove.addEventListener('click', () => {
      const next = block.nextElementSibling || block.previousElementSibling;
      block.remove();
      renumber();
      (next ? next.querySelector('input') : addDep).focus();
    });
    depList.append(block);
    renumber();
    block.querySelector('input').focus();
  }
  addDep.addEventListener('click', addDependant);

  // ---- the possible-duplicate panel ----
  const dupArea = h('div', { id: 'duplicate-area' });

  function showDuplicates(error) {
    const data = error.data || {};
    const matches = Array.isArray(data.matches) ? data.matches
      : (data.error && Array.isArray(data.error.matches) ? data.error.matches : []);
    const confirm = checkbox({
      label: 'This is a different person',
      name: 'confirm_not_duplicate',
      hint: 'Tick this only if you have checked the cases above and none of them is this person.',
    });
    // A closed match is a household coming back: reopening its case is the main action, not
    // creating another (fcgi/API.md "Duplicates").
    const closed = matches.filter((m) => m.status === 'closed');
    const reopenButton = (m) => {
      const label = `Reopen ${m.connect_id || `C${m.id}`}`;
      const b = h('button', { type: 'button', class: 'button', id: `reopen-${m.id}`, 'data-reopen': String(m.id) }, label);
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          const kase = await api.del(`/api/cases/${m.id}/closure`);
          ctx.navigate(`cases/${m.id}`, { flash: { text: `Case ${kase.connect_id || `C${m.id}`} has been reopened.`, kind: 'success' } });
        } catch (e) {
          b.disabled = false;
          if (!e.handled) showApiError(form, e);
        }
      });
      return b;
    };
    // The main action: reopen a closed match (a household coming back) or open an open one.
    const openLink = (m) => h('a', { href: `#/cases/${m.id}`, class: 'button', id: `open-${m.id}`, dataset: { open: String(m.id) } },
      `Open ${m.connect_id || `C${m.id}`}`);
    const main = matches.map((m) => (m.status === 'closed' ? reopenButton(m) : openLink(m)));
    const dl = (m) => h('dl', { class: 'summary-list summary-list--compact duplicate__facts' },
      summaryRow('Date of birth', m.date_of_birth ? formatDate(m.date_of_birth) : notGiven()),
      summaryRow('Nationality', m.nationality || notGiven()),
      summaryRow('Home Office reference', m.ho_reference || notGiven()),
      summaryRow('Status', m.status === 'closed' ? `Closed${m.closure_date ? ` on ${formatDate(m.closure_date)}` : ''}` : statusLabel(m.status)),
      summaryRow('Caseworker', (m.caseworker && m.caseworker.name) || notGiven()));
    replaceChildren(dupArea,
      h('section', { class: 'duplicate', id: 'duplicate-panel', 'aria-labelledby': 'duplicate-heading', tabindex: '-1' },
        h('h2', { class: 'heading-m', id: 'duplicate-heading' }, 'This person may already have a case'),
        h('p', { class: 'body' }, closed.length && closed.length === matches.length
          ? 'A closed case has someone with the same date of birth and a similar name. If the household has come back, reopen its case instead of creating a new one.'
          : 'A case has someone with the same date of birth and a similar name. Open it to check before you create another.'),
        h('ul', { class: 'list list--plain duplicate__list', id: 'duplicate-matches' },
          matches.map((m) => h('li', { class: 'duplicate__match', dataset: { caseId: String(m.id) } },
            h('h3', { class: 'heading-s' }, `${m.connect_id || `C${m.id}`}: ${m.name || ''}`,
              m.principal === false ? h('span', { class: 'muted' }, ' (a dependant on the case)') : null),
            dl(m)))),
        h('div', { class: 'button-group', id: 'duplicate-actions' }, main),
        confirm,
        h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button--secondary', id: 'create-confirmed' }, 'Create the case'))));
    return confirm;
  }

  // ---- the form ----
  const form = h('form', { class: 'form', id: 'case-form', novalidate: true },
    dupArea,
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend fieldset__legend--m' }, 'Principal applicant'),
      personFields('principal.', prefill)),
    h('h2', { class: 'heading-m' }, 'Dependants'),
    depNone,
    depList,
    h('p', { class: 'body' }, addDep),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend fieldset__legend--m' }, 'Support'),
      field({ label: 'Legislation', name: 'legislation', options: options(LEGISLATION, 'Choose the legislation'), value: '' }),
      field({ label: 'Household type', name: 'household_type', options: options(HOUSEHOLD_TYPES, 'Choose the household type'), value: '' }),
      field({ label: 'Referral source (optional)', name: 'referral_source', options: options(REFERRAL_SOURCES, 'Not recorded'), value: '', hint: 'Who referred the household to the council.' }),
      field({ label: 'Address (optional)', name: 'address', type: 'textarea', width: 'large', attrs: { rows: 3, autocomplete: 'off' } }),
      field({ label: 'The council’s involvement (optional)', name: 'la_involvement', type: 'textarea', width: 'large', hint: 'Why the council is supporting the household, and what it has done so far.', attrs: { rows: 5 } })),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend fieldset__legend--m' }, 'Allocation'),
      field({ label: 'Caseworker', name: 'caseworker_id', options: cwOptions, value: String(me.id) }),
      field({ label: 'Team (optional)', name: 'team', value: me.team || '', width: 'medium', attrs: { autocomplete: 'off' } })),
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button', id: 'create-submit' }, 'Create case'),
      h('a', { href: '#/cases', class: 'link' }, 'Cancel')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errors = [];
    const pa = readPerson(form, 'principal.', { who: 'the principal applicant' });
    errors.push(...pa.errors);
    const dependants = [];
    const n = depList.querySelectorAll(':scope > .dependant-block').length;
    for (let i = 0; i < n; i += 1) {
      const d = readPerson(form, `dependants.${i}.`, { relationship: true, who: `dependant ${i + 1}` });
      errors.push(...d.errors);
      dependants.push(d.person);
    }
    const body = {
      principal: pa.person,
      dependants,
      legislation: valueOf(form, 'legislation'),
      household_type: valueOf(form, 'household_type'),
      address: valueOf(form, 'address').trim() || null,
      la_involvement: valueOf(form, 'la_involvement').trim() || null,
      caseworker_id: valueOf(form, 'caseworker_id') ? Number(valueOf(form, 'caseworker_id')) : null,
      team: valueOf(form, 'team').trim() || null,
    };
    // Optional: sent only when chosen (the API stores null when it is not recorded).
    if (valueOf(form, 'referral_source')) body.referral_source = valueOf(form, 'referral_source');
    if (!body.legislation) errors.push({ field: 'legislation', message: 'Choose the legislation the council supports the household under' });
    if (!body.household_type) errors.push({ field: 'household_type', message: 'Choose the household type' });
    const confirmBox = form.querySelector('input[name="confirm_not_duplicate"]');
    if (confirmBox && confirmBox.checked) body.confirm_not_duplicate = true;
    if (errors.length) { showErrors(form, errors); return; }

    await busy(form, async () => {
      let created;
      try {
        created = await api.post('/api/cases', body);
      } catch (error) {
        if (error.handled) return;
        if (error.status === 409 && error.code === 'possible_duplicate') {
          // Said once: the panel (its heading focused), not an error summary repeating it.
          clearErrors(form);
          showDuplicates(error);
          form.querySelector('#duplicate-panel').focus();
          return;
        }
        showApiError(form, error);
        return;
      }
      clearErrors(form);
      ctx.navigate(`cases/${created.id}`, { flash: { text: `Case ${created.connect_id || `C${created.id}`} has been created.`, kind: 'success' } });
    });
  });

  appendChildren(section,
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'Create a case'),
    h('p', { class: 'body' }, 'The minimum is the principal applicant’s name, date of birth and nationality. You can add the rest later.'),
    fromRtpf ? h('p', { class: 'notice', id: 'prefilled-from-rtpf' }, 'The principal applicant’s name, date of birth and nationality are filled in from the Home Office status register. Check them before you create the case.') : null,
    form);
}
