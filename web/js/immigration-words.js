// An immigration page value in words (an alert's old → new, the immigration tab's list of changes).
import { formatDate } from './format.js';
import { immigrationStatusLabel } from './labels.js';

/** 'ltr_nrpf' -> the status in words, true -> 'Yes', '2027-01-31' -> '31 January 2027', empty -> 'Not recorded'. */
export function immigrationValueText(key, v) {
  if (v === null || v === undefined || v === '') return 'Not recorded';
  if (key === 'status' || key === 'status_at_referral') return immigrationStatusLabel(v);
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(v))) return formatDate(v);
  return String(v);
}
