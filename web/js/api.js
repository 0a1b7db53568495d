// The API client. Cookie authentication only (the session cookie is HttpOnly and set by the
// server); every state-changing request carries X-Requested-With: connect and a JSON body.

export class ApiError extends Error {
  constructor(status, code, message, field = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    // Set when a global handler (expired session, forced password change) already acted on it,
    // so the page that made the call should stay quiet.
    this.handled = false;
  }
}

const FALLBACK = {
  400: ['invalid_json', 'The request could not be understood.'],
  401: ['unauthenticated', 'Your session has expired. Please sign in again.'],
  403: ['forbidden', 'You do not have permission to do that.'],
  404: ['not_found', 'The record was not found.'],
  405: ['method_not_allowed', 'That action is not allowed.'],
  409: ['conflict', 'That record already exists.'],
  413: ['payload_too_large', 'What you sent is too large.'],
  422: ['validation_failed', 'Check what you entered and try again.'],
  429: ['rate_limited', 'Too many attempts. Wait a minute and try again.'],
  500: ['internal', 'Sorry, there is a problem with the service. Nothing was changed. Try again later.'],
  502: ['unavailable', 'Sorry, the service is unavailable. Try again later.'],
  503: ['unavailable', 'Sorry, the service is busy or unavailable. Try again in a few minutes.'],
  504: ['unavailable', 'Sorry, the service took too long to answer. Try again later.'],
};

const hooks = {
  unauthenticated: null, // (error) => void
  passwordChangeRequired: null, // (error) => void
  mfaEnrolmentRequired: null, // (error) => void
};

/** Register the global handlers used by the app shell. */
export function setHooks(h) { Object.assign(hooks, h); }

/**
 * request(method, path, {body, query, handle401 = true}) -> parsed JSON or null (204)
 * Throws ApiError on any non-2xx answer or when the server cannot be reached.
 */
export async function request(method, path, { body, query, handle401 = true, raw, contentType } = {}) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-Requested-With'] = 'connect';
    if (raw !== undefined) {
      // A file upload: the bytes as they are.
      headers['Content-Type'] = contentType || 'application/octet-stream';
      init.body = raw;
    } else {
      headers['Content-Type'] = 'application/json';
      // Bodiless actions (logout, unlock, reset) still send an empty JSON object.
      if (method !== 'DELETE') init.body = JSON.stringify(body === undefined ? {} : body);
      else if (body !== undefined) init.body = JSON.stringify(body);
    }
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'network', 'Could not reach Connect. Check your connection and try again.');
  }

  let data = null;
  const type = response.headers.get('content-type') || '';
  if (response.status !== 204 && type.includes('json')) {
    try { data = await response.json(); } catch { data = null; }
  }

  if (response.ok) return data;

  const [fallbackCode, fallbackMessage] = FALLBACK[response.status]
    || (response.status >= 500 ? FALLBACK[500] : ['error', 'Something went wrong. Try again.']);
  const err = data && data.error && typeof data.error === 'object' ? data.error : {};
  const error = new ApiError(
    response.status,
    typeof err.code === 'string' ? err.code : fallbackCode,
    typeof err.message === 'string' && err.message ? err.message : fallbackMessage,
    typeof err.field === 'string' ? err.field : null,
  );
  error.data = data; // the whole answer (a 409 possible_duplicate carries its matches)
  // 429: how many seconds to wait (Retry-After), when the server says.
  const retry = Number.parseInt(response.headers.get('retry-after') || '', 10);
  error.retryAfter = Number.isInteger(retry) && retry >= 0 ? retry : null;

  if (response.status === 401 && handle401 && hooks.unauthenticated) {
    error.handled = true;
    hooks.unauthenticated(error);
  } else if (response.status === 403 && error.code === 'password_change_required' && hooks.passwordChangeRequired) {
    error.handled = true;
    hooks.passwordChangeRequired(error);
  } else if (response.status === 403 && (error.code === 'mfa_enrolment_required' || error.code === 'account_setup_required')
             && hooks.mfaEnrolmentRequired) {
    error.handled = true;
    hooks.mfaEnrolmentRequired(error);
  }
  throw error;
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
  /** POST a file's raw bytes (a File or Blob) as the body. */
  upload: (path, file, query, opts) => request('POST', path, { ...opts, query, raw: file, contentType: file.type || 'application/octet-stream' }),
  /** Send a file's bytes as the body with a given method and type (a CSV import: 'text/csv'). */
  sendFile: (method, path, file, { query, contentType } = {}) => request(method, path, { query, raw: file, contentType }),

  /** Every item of a paged list (follows next_cursor). */
  async all(path, query = {}) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < 100; page += 1) {
      const res = await request('GET', path, { query: { ...query, limit: 500, cursor } });
      const list = res && Array.isArray(res.items) ? res.items : [];
      items.push(...list);
      cursor = res && res.next_cursor;
      if (!cursor) break;
    }
    return items;
  },
};
