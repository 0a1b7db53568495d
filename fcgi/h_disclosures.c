/* h_disclosures.c - disclosure requests on the agreement's template: a new request (a draft), the
 * organisation's list and one request (fcgi/API.md "Disclosure requests"). The steps after the
 * draft are in h_disclosure_steps.c, attachments in h_disclosure_files.c. */
#include "handlers.h"
#include "json_get.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "disclosure_access.h"
#include "json_in.h"
#include "params.h"
#include "store_case.h"
#include "store_disclosure.h"
#include "store_org.h"
#include "uk_time.h"

#define TEXT_MAX 4000
#define PEOPLE_MAX 200

static const char *const legal_bases[] = {"immigration_s20", "consent", "law_or_court_order", "crime_prevention", NULL};
static const char *const subject_kinds[] = {"person", "list", NULL};

typedef struct {
    uint64_t providing_org;
    const char *information_sought, *legal_basis, *prejudice_statement, *reasons, *other_enquiries;
} request_in;

static const param_field request_fields[] = {
    {.name = "providing_org", .type = PARAM_ID, .required = 1, .offset = offsetof(request_in, providing_org)},
    {.name = "subject", .type = PARAM_IGNORED},
    {.name = "information_sought", .type = PARAM_TEXT, .required = 1, .max_chars = TEXT_MAX,
     .offset = offsetof(request_in, information_sought)},
    {.name = "legal_basis", .type = PARAM_ENUM, .required = 1, .values = legal_bases,
     .offset = offsetof(request_in, legal_basis)},
    {.name = "prejudice_statement", .type = PARAM_TEXT, .max_chars = TEXT_MAX,
     .offset = offsetof(request_in, prejudice_statement)},
    {.name = "reasons", .type = PARAM_TEXT, .required = 1, .max_chars = TEXT_MAX, .offset = offsetof(request_in, reasons)},
    {.name = "other_enquiries", .type = PARAM_TEXT, .required = 1, .max_chars = TEXT_MAX,
     .offset = offsetof(request_in, other_enquiries)},
};

typedef struct {
    const char *kind, *justification;
} subject_in;

static const param_field subject_fields[] = {
    {.name = "kind", .type = PARAM_ENUM, .required = 1, .values = subject_kinds, .offset = offsetof(subject_in, kind)},
    {.name = "person", .type = PARAM_IGNORED},
    {.name = "people", .type = PARAM_IGNORED},
    {.name = "minimum_justification", .type = PARAM_TEXT, .max_chars = TEXT_MAX,
     .offset = offsetof(subject_in, justification)},
};

typedef struct {
    uint64_t case_id, person_id;
    const char *given_names, *family_name, *date_of_birth, *other_identifiers;
} person_in;

static const param_field person_fields[] = {
    {.name = "case_id", .type = PARAM_ID, .offset = offsetof(person_in, case_id)},
    {.name = "person_id", .type = PARAM_ID, .offset = offsetof(person_in, person_id)},
    {.name = "given_names", .type = PARAM_NAME, .required = 1, .max_chars = 200, .offset = offsetof(person_in, given_names)},
    {.name = "family_name", .type = PARAM_NAME, .required = 1, .max_chars = 200, .offset = offsetof(person_in, family_name)},
    {.name = "date_of_birth", .type = PARAM_DATE, .offset = offsetof(person_in, date_of_birth)},
    {.name = "other_identifiers", .type = PARAM_TEXT, .max_chars = 1000, .offset = offsetof(person_in, other_identifiers)},
};

/* One person of the subject, validated; the stored form keeps only what was given. */
static json_t *person_parse(http_req *r, json_t *obj, const char *path, uint64_t *case_id)
{
    if (!json_is_object(obj)) {
        http_error(r, 400, "invalid_field", "A person is an object.", path);
        return NULL;
    }
    person_in p = {0};
    if (params_json(r, obj, path, person_fields, PARAMS_COUNT(person_fields), &p))
        return NULL;
    if (p.person_id && !p.case_id) {
        char field[80];
        snprintf(field, sizeof field, "%s.case_id", path);
        http_error(r, 422, "validation_failed", "A person of a case is named with the case.", field);
        return NULL;
    }
    *case_id = p.case_id;
    json_t *v = json_pack("{s:s,s:s}", "given_names", p.given_names, "family_name", p.family_name);
    if (v && ((p.case_id && json_object_set_new(v, "case_id", json_integer((json_int_t)p.case_id))) ||
              (p.person_id && json_object_set_new(v, "person_id", json_integer((json_int_t)p.person_id))) ||
              (p.date_of_birth && json_object_set_new(v, "date_of_birth", json_string(p.date_of_birth))) ||
              (p.other_identifiers && json_object_set_new(v, "other_identifiers", json_string(p.other_identifiers)))))
        v = (json_decref(v), NULL);
    if (!v)
        http_error(r, 500, "internal", "Out of memory.", NULL);
    return v;
}

/* The subject: one person, or a list justified as narrowed to the minimum (routed to the provider's
 * designated team). *case_id: the Connect case named, 0 for none. NULL when it answered. */
static json_t *subject_parse(http_req *r, json_t *body, uint64_t *case_id)
{
    json_t *obj = json_object_get(body, "subject");
    *case_id = 0;
    if (!obj || json_is_null(obj)) {
        http_error(r, 422, "validation_failed", "Say who the request is about.", "subject");
        return NULL;
    }
    if (!json_is_object(obj)) {
        http_error(r, 400, "invalid_field", "The subject is an object.", "subject");
        return NULL;
    }
    subject_in in = {0};
    if (params_json(r, obj, "subject", subject_fields, PARAMS_COUNT(subject_fields), &in))
        return NULL;
    if (strcmp(in.kind, "person") == 0) {
        if (json_object_get(obj, "people") || in.justification) {
            http_error(r, 422, "validation_failed", "A request about one person has no list.", "subject.people");
            return NULL;
        }
        json_t *p = person_parse(r, json_object_get(obj, "person"), "subject.person", case_id);
        return p ? json_pack("{s:s,s:o}", "kind", "person", "person", p) : NULL;
    }
    json_t *list = json_object_get(obj, "people");
    if (json_object_get(obj, "person")) {
        http_error(r, 422, "validation_failed", "A list request names its people in the list.", "subject.person");
        return NULL;
    }
    if (!json_is_array(list) || json_array_size(list) < 2 || json_array_size(list) > PEOPLE_MAX) {
        http_error(r, 422, "validation_failed", "A list names 2 to 200 people.", "subject.people");
        return NULL;
    }
    if (!in.justification || !*in.justification) {
        http_error(r, 422, "validation_failed", "Explain how the list was narrowed to the minimum.",
                   "subject.minimum_justification");
        return NULL;
    }
    json_t *people = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        char *path = http_scratch(r, 40);
        uint64_t ignored;
        if (!path || !people) {
            http_error(r, 500, "internal", "Out of memory.", NULL);
            json_decref(people);
            return NULL;
        }
        snprintf(path, 40, "subject.people[%zu]", i);
        json_t *p = person_parse(r, item, path, &ignored);
        if (!p) {
            json_decref(people);
            return NULL;
        }
        if (ignored) {
            json_decref(p);
            json_decref(people);
            http_error(r, 422, "validation_failed", "The people of a list are named without cases.", path);
            return NULL;
        }
        json_array_append_new(people, p);
    }
    return json_pack("{s:s,s:o,s:s,s:s}", "kind", "list", "people", people, "minimum_justification", in.justification,
                     "route", "designated_team");
}

typedef struct {
    http_req *r;
    json_t *rec;        /* the template as a draft record */
    uint64_t id;        /* PUT: the request changed */
    uint64_t case_id, person_id;
    const char *at, *today;
    disclosure_refusal f;
    json_t *view;
} create_ctx;

static int person_on_case(const json_t *case_rec, uint64_t person)
{
    if (json_get_u64(json_object_get(case_rec, "principal"), "id") == person)
        return 1;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(case_rec, "dependants"), i, d) if (json_get_u64(d, "id") == person) return 1;
    return 0;
}

/* The template's rules that need the store: the organisation asked, and the case and person named. */
static int template_check(store *s, MDB_txn *txn, create_ctx *c)
{
    json_t *org = NULL, *case_rec = NULL;
    uint64_t providing = json_get_u64(c->rec, "providing_org_id");
    int rc = store_org_get(s, txn, providing, &org);
    if (rc == MDB_NOTFOUND || (!rc && ((!json_get_str_is(org, "kind", "home_office") && !json_get_str_is(org, "kind", "partner")) ||
                                       providing == c->r->org_id)))
        rc = disclosure_refuse(&c->f, 422, "validation_failed", "providing_org",
                               "Choose the Home Office or a partner department other than your own.");
    if (!rc && c->case_id) {
        rc = store_case_get(s, txn, c->case_id, &case_rec);
        if (rc == MDB_NOTFOUND || (!rc && c->person_id && !person_on_case(case_rec, c->person_id)))
            rc = disclosure_refuse(&c->f, 422, "validation_failed", "subject.person.case_id",
                                   "No such case, or no such person on it.");
    }
    json_decref(org);
    json_decref(case_rec);
    return rc;
}

static int create_write(store *s, MDB_txn *txn, void *arg)
{
    create_ctx *c = arg;
    json_decref(c->view);
    c->view = NULL;
    uint64_t id;
    int rc = template_check(s, txn, c);
    json_t *copy = rc ? NULL : json_deep_copy(c->rec);
    if (!rc && !copy)
        rc = STORE_NOMEM;
    if (!rc && !(rc = store_disclosure_create(s, txn, copy, &id)))
        rc = disclosure_audit(s, txn, c->r, c->at, "disclosure_created", copy);
    if (!rc && !(c->view = disclosure_view(s, txn, c->r, copy, c->today)))
        rc = STORE_NOMEM;
    json_decref(copy);
    return rc;
}

/* The members of the template, replaced as a whole by a change of the draft. */
static const char *const template_members[] = {"subject", "case_id", "information_sought", "legal_basis",
                                               "prejudice_statement", "reasons", "other_enquiries", NULL};

static int change_write(store *s, MDB_txn *txn, void *arg)
{
    create_ctx *c = arg;
    json_decref(c->view);
    c->view = NULL;
    json_t *old, *neu;
    int rc = disclosure_load(s, txn, c->r, c->id, &old, &neu);
    if (rc)
        return rc;
    if (json_get_u64(old, "requester_id") != c->r->uid)
        rc = disclosure_refuse(&c->f, 403, "forbidden", NULL, "Only the requester changes their request.");
    else if (!json_get_str_is(old, "status", "draft") && !json_get_str_is(old, "status", "sent_back"))
        rc = disclosure_refuse(&c->f, 409, "conflict", NULL, "A request can be changed only before it is submitted.");
    else if (json_get_u64(old, "providing_org_id") != json_get_u64(c->rec, "providing_org_id"))
        rc = disclosure_refuse(&c->f, 422, "validation_failed", "providing_org",
                               "A request keeps the organisation it asks: make a new request to ask another.");
    if (!rc)
        rc = template_check(s, txn, c);
    for (const char *const *k = template_members; *k && !rc; k++) {
        json_t *v = json_object_get(c->rec, *k);
        if (v)
            rc = json_object_set(neu, *k, v) ? STORE_NOMEM : 0;
        else
            json_object_del(neu, *k);
    }
    if (!rc && json_object_set_new(neu, "changed_at", json_string(c->at)))
        rc = STORE_NOMEM;
    if (!rc && !(rc = store_disclosure_put(s, txn, old, neu)) &&
        !(rc = disclosure_audit(s, txn, c->r, c->at, "disclosure_changed", neu)) &&
        !(c->view = disclosure_view(s, txn, c->r, neu, c->today)))
        rc = STORE_NOMEM;
    json_decref(old);
    json_decref(neu);
    return rc;
}

/* Reads and checks the template (the rules that need no store) into a draft record for the caller;
 * NULL when it answered. */
static json_t *template_parse(http_req *r, const char *at, uint64_t *case_id, uint64_t *person_id)
{
    const char *grade = json_get_str_or(r->user, "grade", NULL);
    if (!grade) {
        http_error(r, 422, "validation_failed",
                   "Your administrator must record your grade before you can make a request.", "grade");
        return NULL;
    }
    json_t *body = json_in_body_object(r), *subject = NULL, *rec = NULL;
    if (!body)
        return NULL;
    request_in in = {0};
    *case_id = 0;
    if (params_json(r, body, NULL, request_fields, PARAMS_COUNT(request_fields), &in) ||
        !(subject = subject_parse(r, body, case_id)))
        goto out;
    if (strcmp(in.legal_basis, "crime_prevention") == 0 && (!in.prejudice_statement || !*in.prejudice_statement)) {
        http_error(r, 422, "validation_failed",
                   "State why not disclosing would be likely to prejudice the prevention or detection of crime "
                   "(a substantial chance of prejudice).",
                   "prejudice_statement");
        goto out;
    }
    /* Partner departments never search or browse cases: they cannot name one either. */
    if (*case_id && strcmp(r->org_kind, "home_office") != 0) {
        http_error(r, 422, "validation_failed", "Only the Home Office names a Connect case in a request.",
                   "subject.person.case_id");
        goto out;
    }
    *person_id = json_get_u64(json_object_get(subject, "person"), "person_id");
    rec = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:O,s:s,s:s,s:s,s:s,s:[],s:[],s:[]}", "status", "draft",
                    "requesting_org_id", (json_int_t)r->org_id, "providing_org_id", (json_int_t)in.providing_org,
                    "requester_id", (json_int_t)r->uid, "requester_grade", grade, "created_at", at, "subject", subject,
                    "information_sought", in.information_sought, "legal_basis", in.legal_basis, "reasons", in.reasons,
                    "other_enquiries", in.other_enquiries, "decisions", "pending_attachments", "onward");
    if (rec && ((*case_id && json_object_set_new(rec, "case_id", json_integer((json_int_t)*case_id))) ||
                (in.prejudice_statement && *in.prejudice_statement &&
                 json_object_set_new(rec, "prejudice_statement", json_string(in.prejudice_statement)))))
        rec = (json_decref(rec), NULL);
    if (!rec)
        http_error(r, 500, "internal", "Out of memory.", NULL);
out:
    json_decref(subject);
    json_decref(body);
    return rec;
}

/* POST /api/disclosures (id 0) and PUT /api/disclosures/{id}: the template, as a new draft or as the
 * new content of a draft or sent-back request. */
static void run_template(http_req *r, uint64_t id)
{
    if (!disclosure_caller_ok(r))
        return;
    char at[21], today[11];
    http_iso_time(r->now, at);
    uk_date(r->now, today);
    create_ctx c = {.r = r, .id = id, .at = at, .today = today};
    if (!(c.rec = template_parse(r, at, &c.case_id, &c.person_id)))
        return;
    int rc = store_write(r->st, id ? change_write : create_write, &c);
    if (rc)
        disclosure_answer_error(r, rc, &c.f, id);
    else
        http_reply(r, id ? 200 : 201, c.view), c.view = NULL;
    json_decref(c.view);
    json_decref(c.rec);
}

void h_disclosures_create(http_req *r, const uint64_t *ids)
{
    (void)ids;
    run_template(r, 0);
}

void h_disclosure_put(http_req *r, const uint64_t *ids) { run_template(r, ids[0]); }

/* ---- GET /api/disclosures ---- */

static const char *const boxes[] = {"all", "outgoing", "incoming", "countersign", NULL};
static const char *const statuses[] = {"draft", "awaiting_countersign", "sent_back", "sent", "returned", "refused",
                                       "disclosed", "review_requested", "destroyed", NULL};

typedef struct {
    param_int limit;
    uint64_t cursor;
    const char *box, *status;
} list_in;

static int in_box(const http_req *r, const json_t *rec, const char *box)
{
    if (!strcmp(box, "outgoing"))
        return disclosure_is_requester_side(r, rec);
    if (!strcmp(box, "incoming"))
        return !disclosure_is_requester_side(r, rec);
    if (!strcmp(box, "countersign"))
        return disclosure_is_requester_side(r, rec) && json_get_str_is(rec, "status", "awaiting_countersign") &&
               json_get_u64(rec, "requester_id") != r->uid;
    return 1;
}

typedef struct {
    http_req *r;
    MDB_txn *txn;
    const list_in *q;
    const char *box, *today;
    json_t *items;
    size_t due_today, overdue, total, limit;
    uint64_t next;
} list_ctx;

static int list_one(const json_t *rec, void *arg)
{
    list_ctx *c = arg;
    if (!disclosure_visible(c->r, rec) || !in_box(c->r, rec, c->box) ||
        (c->q->status && !json_get_str_is(rec, "status", c->q->status)))
        return 0;
    const char *due = disclosure_due_state(rec, c->today);
    if (due && !disclosure_is_requester_side(c->r, rec))
        *(strcmp(due, "overdue") ? &c->due_today : &c->overdue) += 1;
    c->total++;
    uint64_t id = json_get_u64(rec, "id");
    if (c->q->cursor && id >= c->q->cursor)
        return 0;
    if (json_array_size(c->items) == c->limit) {
        if (!c->next)
            c->next = json_get_u64(json_array_get(c->items, c->limit - 1), "id");
        return 0;
    }
    json_t *v = disclosure_summary(c->r->st, c->txn, c->r, rec, c->today);
    return !v || json_array_append_new(c->items, v) ? STORE_NOMEM : 0;
}

void h_disclosures_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!disclosure_caller_ok(r))
        return;
    static const param_field fields[] = {
        PARAM_LIMIT_FIELD(list_in, limit), PARAM_CURSOR_FIELD(list_in, cursor),
        {.name = "box", .type = PARAM_ENUM, .values = boxes, .offset = offsetof(list_in, box)},
        {.name = "status", .type = PARAM_ENUM, .values = statuses, .offset = offsetof(list_in, status)},
    };
    list_in q = {0};
    if (params_query(r, fields, PARAMS_COUNT(fields), &q))
        return;
    char today[11];
    uk_date(r->now, today);
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    /* Every request of the organisation is read for the totals; the page is cut from the cursor. */
    list_ctx c = {.r = r, .txn = txn, .q = &q, .box = q.box ? q.box : "all", .today = today, .items = json_array(),
                  .limit = (size_t)q.limit.value};
    int rc = c.items ? store_disclosure_each_of_org(r->st, txn, r->org_id, list_one, &c) : STORE_NOMEM;
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(c.items);
        http_store_error(r, rc);
        return;
    }
    http_reply(r, 200,
               json_pack("{s:s,s:o,s:o,s:I,s:I,s:I}", "marking", DISCLOSURE_MARKING, "items", c.items, "next_cursor",
                         c.next ? json_sprintf("%llu", (unsigned long long)c.next) : json_null(), "total",
                         (json_int_t)c.total, "due_today", (json_int_t)c.due_today, "overdue", (json_int_t)c.overdue));
}

/* ---- GET /api/disclosures/{id} ---- */

void h_disclosure_get(http_req *r, const uint64_t *ids)
{
    if (!disclosure_caller_ok(r))
        return;
    char today[11];
    uk_date(r->now, today);
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *rec = NULL, *view = NULL;
    int rc = store_disclosure_get(r->st, txn, ids[0], &rec);
    if (!rc && !disclosure_visible(r, rec))
        rc = MDB_NOTFOUND;
    if (!rc && !(view = disclosure_view(r->st, txn, r, rec, today)))
        rc = STORE_NOMEM;
    store_read_end(r->st, txn);
    if (!rc)
        disclosure_audit_read(r, "disclosure_viewed", rec, NULL);
    json_decref(rec);
    if (rc == MDB_NOTFOUND)
        access_not_found(r, "disclosure", ids[0], "No such disclosure request.", NULL);
    else if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, view);
}

/* ---- GET /api/disclosures/providers ---- */

/* The organisations the caller may ask: the Home Office and the partner departments other than their
 * own (names and ids only). Partner users may not read the organisation list, which names councils. */
void h_disclosure_providers(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!disclosure_caller_ok(r))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *items = json_array(), *page = NULL;
    uint64_t after = 0, next = 0;
    size_t total;
    int rc = items ? 0 : STORE_NOMEM;
    do {
        if (rc || (rc = store_org_list(r->st, txn, after, 500, &page, &next, &total)))
            break;
        size_t i;
        json_t *o;
        json_array_foreach(page, i, o) {
            if ((!json_get_str_is(o, "kind", "home_office") && !json_get_str_is(o, "kind", "partner")) ||
                json_get_u64(o, "id") == r->org_id)
                continue;
            json_t *v = json_pack("{s:O,s:O,s:O}", "id", json_object_get(o, "id"), "name", json_object_get(o, "name"),
                                  "kind", json_object_get(o, "kind"));
            if (!v || json_array_append_new(items, v))
                rc = STORE_NOMEM;
        }
        json_decref(page);
        page = NULL;
        after = next;
    } while (!rc && next);
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(items);
        http_store_error(r, rc);
        return;
    }
    http_reply(r, 200, json_pack("{s:o}", "items", items));
}
