// The caseworker choices of case allocation, shared by the create form, the case page's summary tab
// and the performance filters.
import { api } from './api.js';
import { isAdmin } from './labels.js';

/** The caseworker choices: an admin picks any user of the council; a user, themselves or nobody. */
export async function caseworkerOptions(me, current) {
  const opts = [{ value: '', label: 'Not allocated' }];
  let users = [];
  if (isAdmin(me)) {
    try { users = await api.all('/api/users'); } catch (error) { if (error.handled) throw error; users = []; }
  }
  if (!users.some((u) => u.id === me.id)) users.unshift(me);
  if (current && current.id && !users.some((u) => u.id === current.id)) users.push({ id: current.id, name: current.name });
  for (const u of users) opts.push({ value: String(u.id), label: u.id === me.id ? `${u.name || u.username} (me)` : (u.name || u.username) });
  return opts;
}
