// The "New query" form: a category (in words), the message, and for councils an "Urgent request"
// box that reveals the required reason. A 422 too_soon (a progress update within 4 weeks of the
// last one) is shown next to the category with the server's message, which names the first date.
import { h } from './dom.js';
import { field, checkbox, showErrors, showApiError, busy, valueOf } from './forms.js';
import { formatDate } from './format.js';
import { QUERY_CATEGORIES, URGENT_REASONS, options } from './labels.js';

const MAX_MESSAGE = 4000;

/** The too_soon message, with the first allowed date added when the server sent it apart. */
export function tooSoonMessage(error) {
  const e = (error.data && error.data.error) || {};
  const first = e.first_allowed_date || (error.data && error.data.first_allowed_date);
  let msg = error.message || 'A progress update was asked for on this case in the last 4 weeks.';
  if (first && msg.includes(first)) msg = msg.split(first).join(formatDate(first));
  else if (first && !msg.includes(formatDate(first))) msg += ` You can ask again from ${formatDate(first)}.`;
  return msg;
}

/**
 * newQueryForm({council, submit(body) -> Promise, onCancel}) -> <form>
 * `submit` posts the body; it throws an ApiError to have it shown on the form.
 */
export function newQueryForm({ council, submit, onCancel }) {
  const reason = field({ label: 'Why is it urgent?', name: 'urgent_reason', options: options(URGENT_REASONS, 'Choose a reason') });
  reason.hidden = true;
  reason.id = 'urgent-reason-group';
  const urgent = council
    ? checkbox({
      label: 'Urgent request', name: 'urgent',
      hint: 'Due in 1 working day. Only for legal proceedings, safeguarding or the reconsideration of a decision.',
      attrs: { 'aria-controls': 'urgent-reason-group' },
    })
    : null;
  if (urgent) {
    urgent.control.addEventListener('change', () => {
      reason.hidden = !urgent.control.checked;
    });
  }
  const cancel = h('button', { type: 'button', class: 'button button--secondary', id: 'cancel-query' }, 'Cancel');
  cancel.addEventListener('click', () => onCancel && onCancel());
  const form = h('form', { class: 'form panel', id: 'new-query-form', novalidate: true },
    h('h3', { class: 'heading-s', id: 'new-query-heading' }, 'New query'),
    field({ label: 'Category', name: 'category', options: options(QUERY_CATEGORIES, 'Choose a category') }),
    field({ label: 'Message', name: 'message', type: 'textarea', width: 'large', hint: `Up to ${MAX_MESSAGE.toLocaleString('en-GB')} characters.`, attrs: { rows: 6, maxlength: MAX_MESSAGE } }),
    urgent,
    council ? reason : null,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'send-query' }, 'Send query'), cancel));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errors = [];
    const category = valueOf(form, 'category');
    const message = valueOf(form, 'message').trim();
    const isUrgent = Boolean(urgent && urgent.control.checked);
    const why = isUrgent ? valueOf(form, 'urgent_reason') : '';
    if (!category) errors.push({ field: 'category', message: 'Choose a category' });
    if (!message) errors.push({ field: 'message', message: 'Enter your message' });
    else if ([...message].length > MAX_MESSAGE) errors.push({ field: 'message', message: `The message must be ${MAX_MESSAGE.toLocaleString('en-GB')} characters or fewer` });
    if (isUrgent && !why) errors.push({ field: 'urgent_reason', message: 'Choose why the request is urgent' });
    if (errors.length) { showErrors(form, errors); return; }
    const body = { category, message };
    if (isUrgent) { body.urgent = true; body.urgent_reason = why; }
    await busy(form, async () => {
      try {
        await submit(body);
      } catch (error) {
        showApiError(form, error, {
          too_soon: (e) => ({ field: 'category', message: tooSoonMessage(e) }),
        });
      }
    });
  });
  return form;
}
