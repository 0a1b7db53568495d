// The Closure tab's retention section (API.md "Retention and destruction"): when a closed case will
// be destroyed, or the legal hold that keeps it; a council admin places a hold (a reason, required)
// and lifts it. The answers of PUT/DELETE legal-hold are the case's `retention` block.
import { api } from '../../api.js';
import { h } from '../../dom.js';
import { field, showErrors, showApiError, busy, valueOf } from '../../forms.js';
import { formatDate, formatDateTime } from '../../format.js';
import { isAdmin } from '../../labels.js';
import { confirmDialog } from '../../dialog.js';

const REASON_MAX = 1000;

/** The words for a retention block: the hold, else the destruction date, else null. */
function stateText(ret) {
  const hold = ret.legal_hold;
  if (hold) {
    const by = hold.by && hold.by.name ? ` by ${hold.by.name}` : '';
    return [
      `Under a legal hold since ${formatDateTime(hold.at)}${by}: `,
      h('span', { class: 'pre-line', id: 'legal-hold-reason' }, hold.reason || ''),
      '. It will not be destroyed until the hold is lifted.',
    ];
  }
  if (ret.destroy_on) return `This case will be destroyed on ${formatDate(ret.destroy_on)}.`;
  return null;
}

/**
 * The section, or null when there is nothing to say (an open case without a hold). `cx` is the case
 * page's; a change redraws through cx.refresh with the case's new retention block.
 */
export function retentionSection(cx) {
  const kase = cx.kase;
  const ret = kase.retention || {};
  const text = stateText(ret);
  const admin = cx.council && isAdmin(cx.user);
  const closed = kase.status === 'closed';
  if (!text && !(admin && closed)) return null;
  const parts = [h('h3', { class: 'heading-s', id: 'retention-heading' }, 'Retention')];
  if (text) {
    parts.push(h('p', { class: ['body', ret.legal_hold && 'retention__hold'], id: 'retention-state' }, text));
  }
  const changed = (block, message) => cx.refresh({ ...cx.kase, retention: block }, message);
  if (admin && ret.legal_hold) {
    const lift = h('button', { type: 'button', class: 'button button--secondary', id: 'lift-hold' }, 'Lift the legal hold');
    lift.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: 'Lift the legal hold?',
        body: ret.destroy_on
          ? `The case will be destroyed on ${formatDate(ret.destroy_on)}, or at the next daily run if that date has passed.`
          : 'The case can be destroyed once it is closed and its retention period has passed.',
        confirmLabel: 'Lift the legal hold',
        danger: true,
      });
      if (!ok) return;
      try {
        changed(await api.del(`${cx.base}/legal-hold`), 'The legal hold has been lifted.');
      } catch (error) { cx.failed(error); }
    });
    parts.push(h('div', { class: 'button-group' }, lift));
  } else if (admin && closed) {
    const form = h('form', { class: 'form', id: 'hold-form', novalidate: true },
      field({
        label: 'Reason for a legal hold', name: 'reason', type: 'textarea', width: 'large',
        hint: 'A hold stops the case being destroyed, for example while a legal claim or complaint is open. Say why, in up to 1,000 characters.',
        attrs: { rows: 3 },
      }),
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button--secondary', id: 'place-hold' }, 'Place a legal hold')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const reason = valueOf(form, 'reason').trim();
      if (!reason) { showErrors(form, [{ field: 'reason', message: 'Enter the reason for the legal hold' }]); return; }
      if ([...reason].length > REASON_MAX) { showErrors(form, [{ field: 'reason', message: 'The reason must be 1,000 characters or fewer' }]); return; }
      await busy(form, async () => {
        try {
          changed(await api.put(`${cx.base}/legal-hold`, { reason }), 'A legal hold has been placed on the case.');
        } catch (error) { showApiError(form, error); }
      });
    });
    parts.push(form);
  }
  return h('section', { class: 'retention', id: 'case-retention', 'aria-labelledby': 'retention-heading' }, parts);
}
