// Transfers between councils (fcgi/API.md "Transfers between councils"): #/transfers lists the
// council's requests (outgoing) and, for its admins, the requests to it (incoming) with the accept
// (choose the caseworker) and decline (give the reason) forms; #/transfers/new?case=ID asks to move a
// case to another council.
import { api } from '../api.js';
import { h, appendChildren, replaceChildren } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { field, busy, showApiError, showErrors, valueOf } from '../forms.js';
import { personName } from '../person.js';
import { isAdmin } from '../labels.js';
import { caseworkerOptions } from '../caseworkers.js';

const STATUS = { pending: ['Waiting for an answer', 'blue'], accepted: ['Accepted', 'green'], declined: ['Declined', 'grey'] };

function statusTag(t) {
  const [text, colour] = STATUS[t.status] || [t.status, 'grey'];
  return h('span', { class: `tag tag--${colour} transfer-status` }, text);
}

/** The accept and decline forms of one pending incoming transfer; `done(updated)` after either. */
function answerForms(t, cwOptions, { setStatus, done }) {
  const who = `${t.connect_id} ${personName(t.principal)}`;
  const accept = h('form', { class: 'form transfer-accept', novalidate: true, 'aria-label': `Accept ${who}` },
    field({ label: 'Caseworker at your council', name: 'caseworker_id', options: cwOptions, value: '' }),
    h('button', { type: 'submit', class: 'button' }, 'Accept the transfer'));
  const decline = h('form', { class: 'form transfer-decline', novalidate: true, 'aria-label': `Decline ${who}` },
    field({ label: 'Reason for declining', name: 'reason', type: 'textarea', attrs: { rows: 2, maxlength: 2000 } }),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Decline the transfer'));
  accept.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const cw = valueOf(accept, 'caseworker_id');
    try {
      const updated = await busy(accept, () => api.post(`/api/transfers/${t.id}/accept`, cw ? { caseworker_id: Number(cw) } : {}));
      setStatus(`${who} is now your council’s case.`);
      done(updated);
    } catch (error) { showApiError(accept, error); }
  });
  decline.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const reason = valueOf(decline, 'reason').trim();
    if (!reason) { showErrors(decline, [{ field: 'reason', message: 'Enter the reason for declining' }]); return; }
    try {
      const updated = await busy(decline, () => api.post(`/api/transfers/${t.id}/decline`, { reason }));
      setStatus(`You declined the transfer of ${who}.`);
      done(updated);
    } catch (error) { showApiError(decline, error); }
  });
  return h('div', { class: 'transfer-answer' }, accept, decline);
}

function row(t, me, cwOptions, ctx, redraw) {
  const incoming = t.direction === 'incoming';
  const cells = [
    h('td', { dataset: { label: 'Case' } }, incoming && t.status !== 'accepted'
      ? `${t.connect_id} ${personName(t.principal)}`
      : h('a', { href: `#/cases/${String(t.connect_id).replace(/^C/, '')}`, class: 'link' }, `${t.connect_id} ${personName(t.principal)}`)),
    h('td', { dataset: { label: 'Born' } }, formatDate(t.principal && t.principal.date_of_birth)),
    h('td', { dataset: { label: 'From' } }, (t.from && t.from.name) || ''),
    h('td', { dataset: { label: 'To' } }, (t.to && t.to.name) || ''),
    h('td', { dataset: { label: 'Asked' } }, formatDateTime(t.requested_at), t.requested_by ? ` by ${t.requested_by.name}` : ''),
    h('td', { dataset: { label: 'Status' } }, statusTag(t),
      t.decline_reason ? h('p', { class: 'pre-line transfer-reason' }, t.decline_reason) : null),
  ];
  const action = h('td', { dataset: { label: 'Action' } });
  if (incoming && t.status === 'pending' && isAdmin(me)) {
    action.append(answerForms(t, cwOptions, { setStatus: ctx.setStatus, done: redraw }));
  }
  cells.push(action);
  return h('tr', { dataset: { transferId: String(t.id), direction: t.direction } }, cells);
}

function table(items, caption, me, cwOptions, ctx, redraw) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table transfers-table' },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {}, ['Case', 'Born', 'From', 'To', 'Asked', 'Status', 'Action'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, items.map((t) => row(t, me, cwOptions, ctx, redraw)))));
}

export async function renderTransfers(section, ctx) {
  const me = ctx.user;
  const [items, cwOptions] = await Promise.all([api.all('/api/transfers'), isAdmin(me) ? caseworkerOptions(me) : []]);
  if (!ctx.isCurrent()) return;
  const body = h('div', { id: 'transfers' });
  const draw = (list) => {
    const incoming = list.filter((t) => t.direction === 'incoming');
    const outgoing = list.filter((t) => t.direction === 'outgoing');
    const redraw = async () => { draw(await api.all('/api/transfers')); };
    replaceChildren(body,
      isAdmin(me) ? h('h2', { class: 'heading-m' }, 'Cases other councils ask to move to you') : null,
      isAdmin(me) ? (incoming.length ? table(incoming, `${incoming.length} incoming`, me, cwOptions, ctx, redraw)
        : h('p', { class: 'body', id: 'no-incoming' }, 'No council has asked to move a case to you.')) : null,
      h('h2', { class: 'heading-m' }, 'Cases your council asked to move'),
      outgoing.length ? table(outgoing, `${outgoing.length} outgoing`, me, cwOptions, ctx, redraw)
        : h('p', { class: 'body', id: 'no-outgoing' }, 'Your council has not asked to move any case.'));
  };
  draw(items);
  appendChildren(section,
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'Transfers'),
    h('p', { class: 'body' }, 'When a household moves, its council asks the new council to take the case. The new council’s administrators accept it (choosing a caseworker) or decline it with a reason. An accepted case keeps its Connect ID and history; the old council no longer sees it.'),
    body);
}

export async function renderTransferNew(section, ctx) {
  const id = Number(ctx.params.get('case'));
  const [kase, orgs] = await Promise.all([api.get(`/api/cases/${id}`), api.all('/api/orgs')]);
  if (!ctx.isCurrent()) return;
  const councils = orgs.filter((o) => o.kind === 'council' && (!kase.council || o.id !== kase.council.id));
  const who = `${kase.connect_id} ${personName(kase.principal)}`;
  const form = h('form', { class: 'form', id: 'transfer-form', novalidate: true },
    field({ label: 'Council to move the case to', name: 'council', options: [{ value: '', label: 'Choose a council' }, ...councils.map((o) => ({ value: String(o.id), label: o.name }))], value: '' }),
    h('button', { type: 'submit', class: 'button' }, 'Ask to transfer'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const council = valueOf(form, 'council');
    if (!council) { showErrors(form, [{ field: 'council', message: 'Choose the council to move the case to' }]); return; }
    try {
      await busy(form, () => api.post(`/api/cases/${id}/transfer`, { council: Number(council) }));
      ctx.navigate('transfers', { flash: { text: `You asked to transfer ${who}. It stays with your council until they answer.`, kind: 'success' } });
    } catch (error) {
      showApiError(form, error, { conflict: { field: null, message: 'This case already has a transfer waiting for an answer.' } });
    }
  });
  appendChildren(section,
    h('span', { class: 'caption' }, who),
    h('h1', { class: 'heading-l' }, 'Transfer the case to another council'),
    h('p', { class: 'body' }, 'The other council’s administrators accept or decline. Until they accept, the case stays with your council.'),
    form,
    h('p', { class: 'body' }, h('a', { href: `#/cases/${id}`, class: 'link' }, 'Back to the case')));
}
