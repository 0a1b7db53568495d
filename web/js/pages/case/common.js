// What several tabs of the case page share.
import { h } from '../../dom.js';

/** "Not recorded", greyed. */
export const notRecorded = () => h('span', { class: 'muted' }, 'Not recorded');

/** The value, or "Not recorded" when it is empty. */
export const orNot = (v) => (v === null || v === undefined || v === '' ? notRecorded() : v);

/** A closed case takes no changes until it is reopened (the server answers 422 case_closed), so the
 * tabs draw no edit controls for it. */
export const isClosed = (cx) => Boolean(cx.kase && cx.kase.status === 'closed');

/** The note a tab shows instead of its edit controls on a closed case (null on an open one). Only the
 * council reopens, so the Home Office is told who can. */
export function closedNote(cx, key) {
  if (!isClosed(cx)) return null;
  return h('p', { class: 'inset closed-note', id: `${key}-closed-note` },
    cx.council ? 'This case is closed. Reopen it to change it.' : 'This case is closed. Only the council can reopen it to change it.');
}
