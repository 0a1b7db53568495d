// #/queries/{id} — one query: the message chain (who, which side, when), whom it waits for, its due
// date, a reply box and "Close query".
import { api } from '../api.js';
import { h, replaceChildren, summaryRow } from '../dom.js';
import { field, showErrors, showApiError, busy, valueOf } from '../forms.js';
import { formatDateTime } from '../format.js';
import { dueNode } from '../due.js';
import { personText } from '../case-cell.js';
import { categoryNode, queryStateNode } from '../query-table.js';
import { confirmDialog } from '../dialog.js';
import { queryCategoryLabel, urgentReasonLabel, sideLabel, sideOf } from '../labels.js';

const MAX_MESSAGE = 4000;

/** Messages oldest first. */
function chain(q) {
  const msgs = Array.isArray(q.messages) ? [...q.messages] : [];
  return msgs.sort((a, b) => String(a.at || '').localeCompare(String(b.at || '')) || (a.id || 0) - (b.id || 0));
}

export async function renderQuery(section, ctx) {
  const me = ctx.user;
  const mySide = sideOf(me);
  const path = `/api/queries/${ctx.args.id}`;
  let q;
  try {
    q = await api.get(path);
  } catch (error) {
    if (error.status === 404) {
      ctx.title = 'Query not found';
      replaceChildren(section,
        h('h1', { class: 'heading-l' }, 'Query not found'),
        h('p', { class: 'body' }, 'There is no such query that you can see. It may be on another council’s case, or the link may be wrong.'),
        h('p', { class: 'body' }, h('a', { href: '#/queries', class: 'link' }, 'Go to the queries list')));
      return;
    }
    throw error;
  }
  if (!ctx.isCurrent()) return;

  const title = h('h1', { class: 'heading-l', id: 'query-title' });
  const facts = h('dl', { class: 'summary-list summary-list--compact', id: 'query-facts' });
  const messages = h('ol', { class: 'messages', id: 'query-messages', 'aria-label': 'Messages, oldest first' });
  const actions = h('div', { id: 'query-actions' });

  function draw() {
    const cid = q.connect_id || `C${q.case_id}`;
    replaceChildren(title, `${queryCategoryLabel(q.category)} query`, h('span', { class: 'caption query-title__case' }, `on case ${cid}`));
    ctx.title = `${queryCategoryLabel(q.category)} query on ${cid}`;
    document.title = `${ctx.title} – Connect`;
    const closed = q.status === 'closed';
    replaceChildren(facts,
      summaryRow('Case', h('a', { href: `#/cases/${q.case_id}`, class: 'link', id: 'query-case-link' }, cid)),
      personText(q) ? summaryRow('Principal applicant', h('span', { id: 'query-person' }, personText(q))) : null,
      mySide === 'ho' ? summaryRow('Council', (q.council && q.council.name) || '') : null,
      summaryRow('Category', categoryNode(q)),
      q.urgent ? summaryRow('Urgent because', urgentReasonLabel(q.urgent_reason) || 'Not given') : null,
      summaryRow('Opened', `${formatDateTime(q.opened_at)} by the ${q.opened_by === 'ho' ? 'Home Office' : 'council'}`),
      summaryRow('State', queryStateNode(q)),
      closed
        ? summaryRow('Closed', `${formatDateTime(q.closed_at)}${q.closed_by && q.closed_by.name ? ` by ${q.closed_by.name}` : ''}`)
        : summaryRow('Reply due', dueNode(q)));
    replaceChildren(messages, chain(q).map((m) => h('li', {
      class: ['message', `message--${m.side}`, m.side === mySide && 'message--mine'], dataset: { side: m.side || '' },
    },
    h('p', { class: 'message__meta' },
      h('span', { class: 'message__who' }, (m.by && m.by.name) || 'Someone'),
      h('span', { class: 'message__side' }, ` (${sideLabel(m.side)})`),
      h('span', { class: 'message__when' }, `, ${formatDateTime(m.at)}`)),
    h('p', { class: 'message__text pre-line' }, m.text || ''))));
    replaceChildren(actions, closed
      ? h('p', { class: 'inset', id: 'query-closed' }, 'This query is closed. It takes no more messages.')
      : [replyForm(), closeButton()]);
  }

  function replyForm() {
    const waitingForMe = q.awaiting === mySide;
    const form = h('form', { class: 'form', id: 'reply-form', novalidate: true },
      h('h2', { class: 'heading-m', tabindex: '-1' }, 'Reply'),
      h('p', { class: 'body body--secondary' }, waitingForMe
        ? 'This query is waiting for your reply.'
        : 'This query is waiting for the other side. You can add a follow-up; it does not change the due date.'),
      field({ label: 'Your message', name: 'message', type: 'textarea', width: 'large', hint: `Up to ${MAX_MESSAGE.toLocaleString('en-GB')} characters. Do not include personal details that are not needed.`, attrs: { rows: 6, maxlength: MAX_MESSAGE } }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'send-reply' }, 'Send reply')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = valueOf(form, 'message').trim();
      if (!text) { showErrors(form, [{ field: 'message', message: 'Enter your message' }]); return; }
      if ([...text].length > MAX_MESSAGE) { showErrors(form, [{ field: 'message', message: `The message must be ${MAX_MESSAGE.toLocaleString('en-GB')} characters or fewer` }]); return; }
      await busy(form, async () => {
        try {
          q = await api.post(`${path}/messages`, { message: text });
        } catch (error) { showApiError(form, error); return; }
        draw();
        ctx.setStatus('Your reply has been sent.', 'success');
        const last = messages.lastElementChild;
        if (last) { last.tabIndex = -1; last.focus(); }
      });
    });
    return form;
  }

  function closeButton() {
    const button = h('button', { type: 'button', class: 'button button--secondary', id: 'close-query' }, 'Close query');
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    button.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: 'Close this query?',
        body: 'Nobody can add messages to a closed query. Open a new query if more is needed.',
        confirmLabel: 'Close query',
      });
      if (!ok) return;
      try {
        q = await api.post(`${path}/close`);
      } catch (err) {
        if (err.handled) return;
        error.textContent = err.code === 'conflict' ? 'This query has already been closed. Reload the page to see it.' : err.message;
        error.hidden = false;
        return;
      }
      draw();
      ctx.setStatus('The query has been closed.', 'success');
      title.focus();
    });
    return h('div', { class: 'close-query' }, h('h2', { class: 'heading-m' }, 'Finished?'), error, button);
  }

  draw();
  replaceChildren(section,
    h('p', { class: 'body' }, h('a', { href: '#/queries', class: 'link' }, 'All queries')),
    title,
    facts,
    h('h2', { class: 'heading-m' }, 'Messages'),
    messages,
    actions);
}
