// What several tabs of the case page share.
import { h } from '../../dom.js';

/** "Not recorded", greyed. */
export const notRecorded = () => h('span', { class: 'muted' }, 'Not recorded');

/** The value, or "Not recorded" when it is empty. */
export const orNot = (v) => (v === null || v === undefined || v === '' ? notRecorded() : v);
