// Dates and money as people read and type them, and back to what the API wants.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

function realDate(y, m, d) {
  if (y < 1000 || m < 1 || m > 12 || d < 1) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * parseDate('27/03/1985' | '27-3-1985' | '27.03.1985' | '1985-03-27') -> '1985-03-27';
 * '' -> ''; anything else (or a date that does not exist) -> null.
 */
export function parseDate(text) {
  const s = String(text ?? '').trim();
  if (!s) return '';
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return realDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$/.exec(s);
  if (m) return realDate(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/** '1985-03-27' -> '27/03/1985' (for putting back in a form field). */
export function dateInput(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** '1985-03-27' -> '27 March 1985'. */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  if (!m) return iso ? String(iso) : '';
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** '2026-11-24T10:15:00Z' -> '24 November 2026, 10:15' (in the browser's time zone). */
export function formatDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${hh}:${mm}`;
}

const UK_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit',
  second: '2-digit', hourCycle: 'h23',
});

/**
 * '2026-07-01T08:15:09Z' -> '1 July 2026, 09:15:09' in UK time (Europe/London, GMT or BST), whatever
 * the browser's time zone: for records people may be held to (the audit log), to the second, and to
 * the millisecond when the time has them ('2026-07-01T08:15:09.042Z' -> '1 July 2026, 09:15:09.042'):
 * audit events are stamped in milliseconds so that those of one second can be told apart.
 */
export function formatUkDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = Object.fromEntries(UK_TIME.formatToParts(d).map(({ type, value }) => [type, value]));
  // The digits as written, not d.getMilliseconds(): whole-second times (older events) stay as they are.
  const ms = /\.(\d{3})\d*Z$/.exec(String(iso));
  return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}:${p.second}${ms ? `.${ms[1]}` : ''}`;
}

/** Today as 'YYYY-MM-DD' in the browser's time zone. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** 12345 -> '£123.45'. */
export function formatPence(pence) {
  if (pence === null || pence === undefined || pence === '') return '';
  const n = Number(pence);
  if (!Number.isFinite(n)) return String(pence);
  const pounds = Math.floor(n / 100);
  const p = String(Math.abs(n % 100)).padStart(2, '0');
  return `£${pounds.toLocaleString('en-GB')}.${p}`;
}

/** 12345 -> '123.45' (for a form field). */
export function penceInput(pence) {
  if (pence === null || pence === undefined) return '';
  const n = Number(pence);
  if (!Number.isInteger(n)) return '';
  return `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}

/**
 * parsePounds('£1,234.5') -> 123450 pence; '' -> null; not an amount -> NaN.
 * Whole pounds and pence only: no negative amounts, at most 2 decimal places.
 */
export function parsePounds(text) {
  const s = String(text ?? '').trim().replace(/^£\s*/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  if (!s) return null;
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s) || /^()\.(\d{1,2})$/.exec(s);
  if (!m) return Number.NaN;
  return Number(m[1] || '0') * 100 + Number((m[2] || '0').padEnd(2, '0'));
}

/** 2048 -> '2 KB'. */
export function formatSize(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
