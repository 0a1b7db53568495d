// An in-memory stand-in for the case API (fcgi/API.md "## Cases"), served to the browser through
// Playwright's request interception. It exists so the case pages can be developed and their tests
// run before (or without) the real backend: set CASES_FAKE=1. Sign-in, /api/me and users stay real.
// It follows the contract, not the C code: when the two disagree, the real backend is what counts.

const fold = (s) => String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
const words = (s) => String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^a-z]+/).filter(Boolean);

function err(status, code, message, field = null, extra = {}) {
  return { status, body: { error: { code, message, field }, ...extra } };
}

const PERSON_FIELDS = ['given_names', 'family_name', 'date_of_birth', 'nationality', 'gender', 'other_names', 'ho_reference', 'relationship'];

export class FakeCases {
  constructor() {
    this.cases = new Map();
    this.history = new Map();
    this.files = new Map();
    this.nextId = 1;
    this.nextDoc = 1;
  }

  /** Serve /api/cases* in this browser context as `user` (a USER from the real login). */
  async attach(context, user) {
    await context.route(/\/api\/cases(\/|\?|$)/, async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const raw = req.postDataBuffer();
      const r = this.handle(user, req.method(), url, raw);
      if (r.file) {
        await route.fulfill({ status: 200, body: r.file.bytes, headers: { 'content-type': r.file.type, 'content-disposition': `attachment; filename="${r.file.name}"`, 'x-content-type-options': 'nosniff' } });
        return;
      }
      await route.fulfill({ status: r.status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(r.body) });
    });
  }

  validPerson(p, prefix, dependant) {
    if (!p || typeof p !== 'object') return err(400, 'invalid_field', 'Not a person.', prefix.replace(/\.$/, ''));
    for (const f of ['given_names', 'family_name']) {
      if (typeof p[f] !== 'string' || !p[f].trim() || p[f].length > 100) return err(422, 'validation_failed', `Enter the ${f.replace('_', ' ')} (1 to 100 characters).`, `${prefix}${f}`);
    }
    const d = /^\d{4}-\d{2}-\d{2}$/.test(p.date_of_birth || '') ? new Date(`${p.date_of_birth}T00:00:00Z`) : null;
    if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== p.date_of_birth || p.date_of_birth < '1900-01-01' || d > new Date()) {
      return err(422, 'validation_failed', 'The date of birth must be a real date, not in the future.', `${prefix}date_of_birth`);
    }
    if (typeof p.nationality !== 'string' || p.nationality.trim().length < 2) return err(422, 'validation_failed', 'Enter the nationality (2 to 60 characters).', `${prefix}nationality`);
    if (p.ho_reference && !/^[A-Za-z0-9/-]{1,20}$/.test(p.ho_reference)) return err(422, 'validation_failed', 'The Home Office reference is up to 20 letters, digits, / or -.', `${prefix}ho_reference`);
    if (dependant && !['spouse', 'partner', 'child', 'stepchild', 'other_relative', 'other'].includes(p.relationship)) return err(422, 'validation_failed', 'Choose the relationship.', `${prefix}relationship`);
    return null;
  }

  person(p, id) {
    const out = { id };
    for (const f of PERSON_FIELDS) out[f] = p[f] ?? null;
    out.gender = p.gender || 'unknown';
    if (out.ho_reference) out.ho_reference = out.ho_reference.toUpperCase();
    return out;
  }

  log(c, user, field, oldV, newV) {
    if (JSON.stringify(oldV ?? null) === JSON.stringify(newV ?? null)) return;
    this.history.get(c.id).unshift({ at: new Date().toISOString(), by: { id: user.id, name: user.name }, field, old: oldV ?? null, new: newV ?? null });
  }

  diffPerson(c, user, path, a, b) {
    for (const f of PERSON_FIELDS) this.log(c, user, `${path}.${f}`, a ? a[f] : null, b ? b[f] : null);
  }

  summary(c) {
    return {
      id: c.id, connect_id: c.connect_id, council: c.council, status: c.status,
      name: `${c.principal.given_names} ${c.principal.family_name}`, date_of_birth: c.principal.date_of_birth,
      nationality: c.principal.nationality, dependants: c.dependants.length, caseworker: c.caseworker,
      team: c.team, legislation: c.legislation, updated_at: c.updated_at,
    };
  }

  matches(c, q) {
    const s = q.trim();
    let m = /^c?(\d+)$/i.exec(s);
    if (m) return c.id === Number(m[1]);
    m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
    const dob = m ? `${m[3]}-${m[2]}-${m[1]}` : (/^\d{4}-\d{2}-\d{2}$/.test(s) ? s : null);
    const people = [c.principal, ...c.dependants];
    if (dob) return people.some((p) => p.date_of_birth === dob);
    if (people.some((p) => p.ho_reference && p.ho_reference === s.toUpperCase())) return true;
    const want = words(s);
    return people.some((p) => {
      const have = words(`${p.given_names} ${p.family_name} ${p.other_names || ''}`);
      return want.every((w) => have.some((x) => x.startsWith(w)));
    });
  }

  handle(user, method, url, raw) {
    const kind = user.org.kind;
    if (kind === 'network') return err(403, 'forbidden', 'You may not see cases.');
    const council = kind === 'council';
    const parts = url.pathname.split('/').filter(Boolean).slice(2); // after api/cases
    let body = null;
    const isJson = !(parts[1] === 'documents' && method === 'POST');
    if (isJson && raw && raw.length) {
      try { body = JSON.parse(raw.toString('utf8')); } catch { return err(400, 'invalid_json', 'The body is not JSON.'); }
    }
    const now = new Date().toISOString();

    if (!parts.length) {
      if (method === 'GET') {
        const q = url.searchParams;
        let list = [...this.cases.values()].filter((c) => council ? c.council.id === user.org.id : true).reverse();
        if (q.get('q')) list = list.filter((c) => this.matches(c, q.get('q')));
        if (q.get('status')) list = list.filter((c) => c.status === q.get('status'));
        if (q.get('mine') === '1') list = list.filter((c) => c.caseworker && c.caseworker.id === user.id);
        if (q.get('team')) list = list.filter((c) => (c.team || '').toLowerCase() === q.get('team').toLowerCase());
        if (q.get('legislation')) list = list.filter((c) => c.legislation === q.get('legislation'));
        const limit = Number(q.get('limit') || 50);
        const start = Number(q.get('cursor') || 0);
        const page = list.slice(start, start + limit);
        return { status: 200, body: { items: page.map((c) => this.summary(c)), next_cursor: start + limit < list.length ? String(start + limit) : null, total: list.length } };
      }
      if (method === 'POST') {
        if (!council) return err(403, 'forbidden', 'Only councils create cases.');
        const bad = this.validPerson(body.principal, 'principal.', false);
        if (bad) return bad;
        const deps = Array.isArray(body.dependants) ? body.dependants : [];
        for (let i = 0; i < deps.length; i += 1) {
          const b = this.validPerson(deps[i], `dependants.${i}.`, true);
          if (b) return b;
        }
        if (!body.legislation) return err(422, 'validation_failed', 'Choose the legislation.', 'legislation');
        if (!body.household_type) return err(422, 'validation_failed', 'Choose the household type.', 'household_type');
        if (!body.confirm_not_duplicate) {
          const pa = body.principal;
          const hits = [...this.cases.values()].filter((c) => c.council.id === user.org.id && c.status !== 'closed'
            && [c.principal, ...c.dependants].some((p) => p.date_of_birth === pa.date_of_birth
              && (fold(p.family_name) === fold(pa.family_name) || fold(p.given_names + p.family_name) === fold(pa.family_name + pa.given_names))));
          if (hits.length) {
            return err(409, 'possible_duplicate', 'An open case has a person with the same date of birth and a similar name.', null,
              { matches: hits.map((c) => ({ id: c.id, connect_id: c.connect_id, name: `${c.principal.given_names} ${c.principal.family_name}`, date_of_birth: c.principal.date_of_birth })) });
          }
        }
        const id = this.nextId++;
        let pid = 1;
        const c = {
          id, connect_id: `C${id}`, council: { id: user.org.id, name: user.org.name }, status: 'open_referral',
          principal: this.person(body.principal, pid++), dependants: deps.map((d) => this.person(d, ++pid)),
          immigration: { status: 'unknown', recourse_to_public_funds: null, leave_expiry: null, outstanding_application: false, application_type: null, application_date: null, appeal: false, appeal_date: null, judicial_review: false, judicial_review_date: null, ho_notes: null, updated_at: null, updated_by: null },
          finance: null, closure: null, caseworker: body.caseworker_id ? { id: body.caseworker_id, name: body.caseworker_id === user.id ? user.name : `User ${body.caseworker_id}` } : null,
          team: body.team ?? null, legislation: body.legislation, household_type: body.household_type, address: body.address ?? null,
          la_involvement: body.la_involvement ?? null, documents: [], created_at: now, updated_at: now, nextPid: pid + 1,
        };
        this.cases.set(id, c);
        this.history.set(id, []);
        this.log(c, user, 'status', null, 'open_referral');
        return { status: 201, body: this.view(c) };
      }
      return err(405, 'method_not_allowed', 'Not allowed.');
    }

    const c = this.cases.get(Number(parts[0]));
    if (!c || (council && c.council.id !== user.org.id)) return err(404, 'not_found', 'The case was not found.');
    const sub = parts[1] || '';
    const write = method !== 'GET';
    if (write && !council && sub !== 'immigration') return err(403, 'forbidden', 'The Home Office cannot change this.');
    const done = (status = 200) => { c.updated_at = new Date().toISOString(); return { status, body: this.view(c) }; };

    if (!sub) {
      if (method === 'GET') return { status: 200, body: this.view(c) };
      if (method === 'PUT') {
        for (const f of ['legislation', 'household_type', 'address', 'la_involvement']) {
          if (f in body) { this.log(c, user, f, c[f], body[f]); c[f] = body[f]; }
        }
        return done();
      }
    }
    if (sub === 'principal' && method === 'PUT') {
      const bad = this.validPerson(body, '', false);
      if (bad) return bad;
      const np = this.person(body, 1);
      np.relationship = null;
      this.diffPerson(c, user, 'principal', c.principal, np);
      c.principal = np;
      return done();
    }
    if (sub === 'dependants') {
      const pid = Number(parts[2]);
      if (method === 'POST') {
        const bad = this.validPerson(body, '', true);
        if (bad) return bad;
        const d = this.person(body, c.nextPid++);
        c.dependants.push(d);
        this.diffPerson(c, user, `dependants.${d.id}`, null, d);
        return done(201);
      }
      const i = c.dependants.findIndex((d) => d.id === pid);
      if (i < 0) return err(404, 'not_found', 'No such dependant.');
      if (method === 'PUT') {
        const bad = this.validPerson(body, '', true);
        if (bad) return bad;
        const d = this.person(body, pid);
        this.diffPerson(c, user, `dependants.${pid}`, c.dependants[i], d);
        c.dependants[i] = d;
        return done();
      }
      if (method === 'DELETE') {
        this.diffPerson(c, user, `dependants.${pid}`, c.dependants[i], null);
        c.dependants.splice(i, 1);
        return done();
      }
    }
    if (sub === 'allocation' && method === 'PUT') {
      const cw = body.caseworker_id ? { id: body.caseworker_id, name: body.caseworker_id === user.id ? user.name : `User ${body.caseworker_id}` } : null;
      this.log(c, user, 'caseworker_id', c.caseworker && c.caseworker.id, cw && cw.id);
      this.log(c, user, 'team', c.team, body.team ?? null);
      c.caseworker = cw;
      c.team = body.team ?? null;
      return done();
    }
    if (sub === 'immigration' && method === 'PUT') {
      const im = { ...body, updated_at: now, updated_by: { id: user.id, name: user.name } };
      for (const k of Object.keys(body)) this.log(c, user, `immigration.${k}`, c.immigration[k], body[k]);
      c.immigration = im;
      return done();
    }
    if (sub === 'finance' && method === 'PUT') {
      for (const k of ['weekly_subsistence_pence', 'weekly_accommodation_pence']) {
        if (body[k] !== null && body[k] !== undefined && (!Number.isInteger(body[k]) || body[k] < 0 || body[k] > 100000000)) return err(422, 'validation_failed', 'Money is whole pence.', k);
      }
      if (body.support_end_date && body.support_start_date && body.support_end_date < body.support_start_date) return err(422, 'validation_failed', 'The support end date is before the start date.', 'support_end_date');
      const old = c.finance || {};
      for (const k of Object.keys(body)) this.log(c, user, `finance.${k}`, old[k], body[k]);
      c.finance = { ...body, updated_at: now };
      if (c.status === 'open_referral' && body.support_start_date) { this.log(c, user, 'status', c.status, 'open_supported'); c.status = 'open_supported'; }
      return done();
    }
    if (sub === 'closure') {
      if (method === 'POST') {
        if (c.status === 'closed') return err(422, 'validation_failed', 'The case is already closed.', null);
        if (!body.closure_date || body.closure_date > new Date().toISOString().slice(0, 10)) return err(422, 'validation_failed', 'The closure date cannot be in the future.', 'closure_date');
        if (c.finance && c.finance.support_start_date && body.closure_date < c.finance.support_start_date) return err(422, 'validation_failed', 'The closure date is before the support start date.', 'closure_date');
        c.closure = { closure_date: body.closure_date, reason: body.reason, notes: body.notes ?? null, closed_at: now, closed_by: { id: user.id, name: user.name } };
        this.log(c, user, 'status', c.status, 'closed');
        c.status = 'closed';
        return done();
      }
      if (method === 'DELETE') {
        if (c.status !== 'closed') return err(422, 'validation_failed', 'The case is not closed.', null);
        const next = c.finance && c.finance.support_start_date ? 'open_supported' : 'open_referral';
        this.log(c, user, 'status', 'closed', next);
        c.status = next;
        c.closure = null;
        return done();
      }
    }
    if (sub === 'history' && method === 'GET') {
      const list = this.history.get(c.id);
      const limit = Number(url.searchParams.get('limit') || 50);
      const start = Number(url.searchParams.get('cursor') || 0);
      return { status: 200, body: { items: list.slice(start, start + limit), next_cursor: start + limit < list.length ? String(start + limit) : null, total: list.length } };
    }
    if (sub === 'documents') {
      const docId = Number(parts[2]);
      if (method === 'POST') {
        const b = raw || Buffer.alloc(0);
        if (b.length > 10 * 1024 * 1024) return err(413, 'payload_too_large', 'The file is larger than 10 MB.');
        let type = null;
        if (b.subarray(0, 5).toString('latin1') === '%PDF-') type = 'application/pdf';
        else if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) type = 'image/jpeg';
        else if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) type = 'image/png';
        if (!type) return err(422, 'validation_failed', 'The file must be a PDF, JPEG or PNG.', 'file');
        const d = { id: this.nextDoc++, filename: url.searchParams.get('filename') || 'document', content_type: type, size: b.length, person_id: url.searchParams.get('person') ? Number(url.searchParams.get('person')) : null, sha256: '', uploaded_at: now, uploaded_by: { id: user.id, name: user.name } };
        c.documents.push(d);
        this.files.set(d.id, { bytes: b, type, name: d.filename });
        this.log(c, user, `documents.${d.id}`, null, d.filename);
        return { status: 201, body: d };
      }
      const i = c.documents.findIndex((d) => d.id === docId);
      if (i < 0) return err(404, 'not_found', 'No such document.');
      if (method === 'GET') return { file: this.files.get(docId) };
      if (method === 'DELETE') {
        this.log(c, user, `documents.${docId}`, c.documents[i].filename, null);
        c.documents.splice(i, 1);
        return done();
      }
    }
    return err(404, 'not_found', 'Unknown route.');
  }

  view(c) {
    const { nextPid, ...rest } = c;
    return JSON.parse(JSON.stringify(rest));
  }
}
