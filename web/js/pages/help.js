// #/help: the contacts the SLA puts behind the Help button (GET /api/help) — the NRPF Network's
// contact and the Home Office's escalation contact for urgent cases. Everyone reads them; the Network
// admin edits them in place (PUT /api/help, both contacts at once, as the API replaces the document).
import { api } from '../api.js';
import { h, replaceChildren, summaryRow } from '../dom.js';
import { field, showErrors, showApiError, clearErrors, busy, valueOf } from '../forms.js';
import { isNetworkAdmin } from '../labels.js';

const CONTACTS = [
  ['network', 'NRPF Network', 'Questions about Connect, your account and the service levels.'],
  ['ho_escalation', 'Home Office escalation for urgent cases', 'Only for a case that cannot wait for the usual service levels.'],
];
const PARTS = [
  ['name', 'Name or role', 'text', 120],
  ['email', 'Email address', 'email', 254],
  ['phone', 'Telephone', 'tel', 40],
  ['hours', 'Hours', 'text', 200],
  ['notes', 'Notes', 'textarea', 1000],
];

const notGiven = () => h('span', { class: 'muted' }, 'Not given');

function contactCard(key, title, intro, c) {
  const headingId = `help-${key}-heading`;
  return h('section', { class: 'panel', id: `help-${key}`, 'aria-labelledby': headingId },
    h('h2', { class: 'heading-m', id: headingId }, title),
    h('p', { class: 'body' }, intro),
    h('dl', { class: 'summary-list' },
      summaryRow('Name or role', c.name || notGiven()),
      summaryRow('Email', c.email ? h('a', { class: 'link', href: `mailto:${c.email}` }, c.email) : notGiven()),
      summaryRow('Telephone', c.phone ? h('a', { class: 'link', href: `tel:${c.phone.replace(/[^0-9+]/g, '')}` }, c.phone) : notGiven()),
      summaryRow('Hours', c.hours || notGiven()),
      summaryRow('Notes', c.notes ? h('span', { class: 'pre-line' }, c.notes) : notGiven())));
}

function editForm(help, onSaved, onCancel) {
  const form = h('form', { class: 'form', id: 'help-form', novalidate: true },
    ...CONTACTS.map(([key, title]) => h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend' }, title),
      ...PARTS.map(([part, label, type, max]) => field({
        label, name: `${key}.${part}`, type, value: help[key][part] ?? '', required: part === 'name',
        hint: part === 'email' ? 'An email address or a telephone number, or both' : undefined,
        attrs: { maxlength: max },
      })))),
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button', id: 'help-save' }, 'Save contacts'),
      h('button', { type: 'button', class: 'button button--secondary', id: 'help-cancel' }, 'Cancel')));
  form.querySelector('#help-cancel').addEventListener('click', onCancel);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    const missing = [];
    for (const [key, title] of CONTACTS) {
      body[key] = {};
      for (const [part] of PARTS) {
        const v = valueOf(form, `${key}.${part}`).trim();
        body[key][part] = v === '' ? null : v;
      }
      if (!body[key].name) missing.push({ field: `${key}.name`, message: `Enter the name or role of the ${title} contact` });
    }
    if (missing.length) { showErrors(form, missing); return; }
    await busy(form, async () => {
      try {
        const saved = await api.put('/api/help', body);
        clearErrors(form);
        onSaved(saved);
      } catch (error) {
        showApiError(form, error);
      }
    });
  });
  return form;
}

export async function renderHelp(section, ctx) {
  const me = ctx.user;
  const help = await api.get('/api/help');
  if (!ctx.isCurrent()) return;
  const area = h('div', { id: 'help-area' });
  section.append(
    h('h1', { class: 'heading-l', id: 'help-heading', tabindex: '-1' }, 'Help'),
    h('p', { class: 'body' }, 'Who to contact when you need help with Connect or with a case.'),
    area);

  const show = (data, focusEdit = false) => {
    const editButton = isNetworkAdmin(me)
      ? h('button', { type: 'button', class: 'button button--secondary', id: 'help-edit' }, 'Edit contacts') : null;
    replaceChildren(area, ...CONTACTS.map(([key, title, intro]) => contactCard(key, title, intro, data[key])), editButton);
    if (!editButton) return;
    editButton.addEventListener('click', () => {
      const form = editForm(data, (saved) => {
        ctx.setStatus('The Help contacts have been saved.');
        show(saved, true);
      }, () => show(data, true));
      replaceChildren(area, form);
      form.querySelector('input').focus();
    });
    if (focusEdit) editButton.focus();
  };
  show(help);
}
