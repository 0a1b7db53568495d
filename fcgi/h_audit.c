/* h_audit.c - GET /api/audit (a filtered page, or its CSV) and GET /api/audit/verify (fcgi/API.md
 * "Audit"): admins only, each seeing the scope of their organisation's kind. */
#include "handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "json_get.h"
#include "params.h"
#include "report_out.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_org.h"
#include "store_user.h"

typedef struct {
    const char *case_s, *type, *from, *to, *cursor, *format;
    uint64_t user;
    param_int limit;
} audit_params;

static const char *const formats[] = {"csv", NULL};
static const param_field audit_fields[] = {
    {.name = "case", .type = PARAM_STRING, .max_chars = 17, .offset = offsetof(audit_params, case_s)},
    {.name = "user", .type = PARAM_ID, .offset = offsetof(audit_params, user)},
    {.name = "type", .type = PARAM_STRING, .max_chars = AUDIT_ACTION_KEY, .offset = offsetof(audit_params, type)},
    {.name = "from", .type = PARAM_DATE, .offset = offsetof(audit_params, from)},
    {.name = "to", .type = PARAM_DATE, .offset = offsetof(audit_params, to)},
    {.name = "cursor", .type = PARAM_STRING, .max_chars = 40, .offset = offsetof(audit_params, cursor)},
    {.name = "format", .type = PARAM_ENUM, .values = formats, .offset = offsetof(audit_params, format)},
    PARAM_LIMIT_FIELD(audit_params, limit),
};

/* The reader's scope (store_audit.h) from their organisation's kind. */
static audit_scope reader_scope(const http_req *r)
{
    if (strcmp(r->org_kind, "council") == 0 || strcmp(r->org_kind, "partner") == 0)
        return (audit_scope){'o', r->org_id};
    return (audit_scope){strcmp(r->org_kind, "home_office") == 0 ? 'h' : 'n', 0};
}

/* "C123" or "123" -> 123; 0 when neither. */
static uint64_t parse_connect_id(const char *s)
{
    return params_parse_id(s[0] == 'C' || s[0] == 'c' ? s + 1 : s);
}

/* The cursor "TIME.SEQ" (both decimal) into its parts; -1 when malformed. */
static int parse_cursor(const char *s, int64_t *at, uint64_t *seq)
{
    const char *dot = strchr(s, '.');
    char head[24];
    if (!dot || (size_t)(dot - s) >= sizeof head)
        return -1;
    memcpy(head, s, (size_t)(dot - s));
    head[dot - s] = '\0';
    uint64_t t = params_parse_id(head);
    *seq = params_parse_id(dot + 1);
    *at = (int64_t)t;
    return t && *seq ? 0 : -1;
}

/* The named case and user must be in the reader's scope: otherwise the same 404 as a missing one. A
 * council admin names only their council's cases and users; the HO admin any case; the Network admin
 * no case (case events are not theirs). Returns -1 after answering. */
static int check_named(http_req *r, MDB_txn *txn, const audit_scope *scope, uint64_t case_id, uint64_t user_id)
{
    if (case_id) {
        json_t *rec = NULL;
        int rc = store_case_get(r->st, txn, case_id, &rec);
        uint64_t council = rc ? 0 : json_get_u64(rec, "council_id");
        json_decref(rec);
        if (rc && rc != MDB_NOTFOUND) {
            http_store_error(r, rc);
            return -1;
        }
        if (rc || scope->kind == 'n' || (scope->kind == 'o' && council != scope->id)) {
            access_not_found(r, "case", case_id, "No such case.", "case");
            return -1;
        }
    }
    if (user_id) {
        json_t *u = NULL;
        int rc = store_user_get(r->st, txn, user_id, &u);
        uint64_t org = rc ? 0 : json_get_u64(u, "org_id");
        json_decref(u);
        if (rc && rc != MDB_NOTFOUND) {
            http_store_error(r, rc);
            return -1;
        }
        if (rc || (scope->kind == 'o' && org != scope->id)) {
            access_not_found(r, "user", user_id, "No such user.", "user");
            return -1;
        }
    }
    return 0;
}

/* {"id","name"} of a record in DB_ORGS/DB_USERS through get (null when it is gone). */
static json_t *org_ref(store *s, MDB_txn *txn, uint64_t id)
{
    json_t *org = NULL;
    if (!id || store_org_get(s, txn, id, &org))
        return json_null();
    json_t *ref = json_pack("{s:I,s:O}", "id", (json_int_t)id, "name", json_object_get(org, "name"));
    json_decref(org);
    return ref ? ref : json_null();
}

static json_t *actor_ref(store *s, MDB_txn *txn, const json_t *ev)
{
    uint64_t id = json_get_u64(ev, "actor");
    if (!id)
        return json_null();
    json_t *u = NULL;
    json_t *name = NULL;
    if (!store_user_get(s, txn, id, &u))
        name = json_incref(json_object_get(u, "name"));
    json_decref(u);
    return json_pack("{s:I,s:o,s:o}", "id", (json_int_t)id, "name", name ? name : json_null(), "org",
                     org_ref(s, txn, json_get_u64(ev, "org")));
}

/* The API's item for a stored event: ids resolved to names and Connect IDs, the chain's own members
 * (prev, hash) left out, the event's details (route, count, since, status, kind, targets…) as stored. */
static json_t *audit_item(store *s, MDB_txn *txn, const json_t *ev)
{
    uint64_t case_id = store_audit_event_case(ev);
    char cid[24];
    snprintf(cid, sizeof cid, "C%" PRIu64, case_id);
    json_t *item = json_pack("{s:O,s:O,s:o,s:O,s:o,s:O}", "seq", json_object_get(ev, "seq"), "at",
                             json_object_get(ev, "at"), "actor", actor_ref(s, txn, ev), "action",
                             json_object_get(ev, "action"), "case",
                             case_id ? json_pack("{s:I,s:s}", "id", (json_int_t)case_id, "connect_id", cid)
                                     : json_null(),
                             "target", json_object_get(ev, "target") ? json_object_get(ev, "target") : json_null());
    if (!item)
        return NULL;
    static const char *const own[] = {"seq", "at", "actor", "org", "action", "case", "target", "prev", "hash"};
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)ev, key, value) {
        int skip = 0;
        for (size_t i = 0; i < sizeof own / sizeof own[0] && !skip; i++)
            skip = strcmp(key, own[i]) == 0;
        if (!skip && json_object_set(item, key, value)) {
            json_decref(item);
            return NULL;
        }
    }
    return item;
}

typedef struct {
    store *s;
    MDB_txn *txn;
    json_t *items;
    report_out *out;
} page_ctx;

static int add_item(const json_t *ev, void *arg)
{
    page_ctx *c = arg;
    json_t *item = audit_item(c->s, c->txn, ev);
    return item && !json_array_append_new(c->items, item) ? 0 : STORE_NOMEM;
}

static const report_col csv_cols[] = {
    {"Seq", REPORT_INT, 8},     {"Time (UTC)", REPORT_TEXT, 22}, {"User id", REPORT_INT, 8},
    {"User", REPORT_TEXT, 24},  {"Organisation", REPORT_TEXT, 24}, {"Event", REPORT_TEXT, 28},
    {"Case", REPORT_TEXT, 10},  {"Target", REPORT_TEXT, 10},      {"Request", REPORT_TEXT, 30},
    {"Count", REPORT_INT, 8},
};

/* One CSV row of an item; every text goes through report_text's formula rule. */
static int add_row(const json_t *ev, void *arg)
{
    page_ctx *c = arg;
    json_t *item = audit_item(c->s, c->txn, ev);
    if (!item)
        return STORE_NOMEM;
    json_t *actor = json_object_get(item, "actor");
    report_int(c->out, (int64_t)json_get_u64(item, "seq"));
    report_cstr(c->out, json_get_str(item, "at"));
    if (json_is_object(actor))
        report_int(c->out, (int64_t)json_get_u64(actor, "id"));
    else
        report_empty(c->out);
    report_cstr(c->out, json_get_str(actor, "name"));
    report_cstr(c->out, json_get_str(json_object_get(actor, "org"), "name"));
    report_cstr(c->out, json_get_str(item, "action"));
    report_cstr(c->out, json_get_str(json_object_get(item, "case"), "connect_id"));
    json_t *target = json_object_get(item, "target");
    char buf[24] = "";
    if (json_is_integer(target))
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(target));
    report_cstr(c->out, buf);
    report_cstr(c->out, json_get_str(item, "route"));
    if (json_is_integer(json_object_get(item, "count")))
        report_int(c->out, (int64_t)json_integer_value(json_object_get(item, "count")));
    else
        report_empty(c->out);
    report_row_end(c->out);
    json_decref(item);
    return report_out_error(c->out) ? STORE_NOMEM : 0; /* the client has gone: stop the walk */
}

void h_audit_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!r->is_admin) {
        access_forbidden(r, "Only administrators read the audit log.", NULL);
        return;
    }
    audit_params in;
    if (params_query(r, audit_fields, PARAMS_COUNT(audit_fields), &in))
        return;
    audit_filter f = {.scope = reader_scope(r), .user_id = in.user, .from = 0, .to = INT64_MAX};
    f.limit = in.format ? 0 : (size_t)in.limit.value;
    if (in.case_s && !(f.case_id = parse_connect_id(in.case_s))) {
        http_error(r, 422, "validation_failed", "The case is a Connect ID such as C123.", "case");
        return;
    }
    if (in.type) {
        for (const char *p = in.type; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || *p == '_')) {
                http_error(r, 422, "validation_failed", "An event type is lower-case letters and _.", "type");
                return;
            }
        f.action = in.type;
    }
    if (in.from)
        f.from = store_audit_parse_time(in.from);
    if (in.to)
        f.to = store_audit_parse_time(in.to) + 86399; /* the whole day */
    if (in.from && in.to && f.to < f.from) {
        http_error(r, 422, "validation_failed", "The period ends before it starts.", "to");
        return;
    }
    if (in.cursor && parse_cursor(in.cursor, &f.cursor_at, &f.cursor_seq)) {
        http_error(r, 400, "invalid_field", "The cursor is not valid.", "cursor");
        return;
    }
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    if (check_named(r, txn, &f.scope, f.case_id, f.user_id)) {
        store_read_end(r->st, txn);
        return;
    }
    page_ctx c = {r->st, txn, NULL, NULL};
    int64_t next_at = 0;
    uint64_t next_seq = 0;
    if (in.format) {
        if (!(c.out = report_out_open(r, 0, "connect-audit"))) {
            store_read_end(r->st, txn);
            return;
        }
        report_table_begin(c.out, "Audit", csv_cols, (int)(sizeof csv_cols / sizeof csv_cols[0]));
        int rc = store_audit_page(r->st, txn, &f, add_row, &c, &next_at, &next_seq);
        store_read_end(r->st, txn);
        if (rc)
            report_out_fail(c.out, rc);
        report_table_end(c.out);
        int err = report_out_finish(c.out);
        if (err) {
            fprintf(stderr, "audit export for user %" PRIu64 " failed: %s\n", r->uid,
                    err > 0 ? strerror(err) : store_strerror(err));
            return;
        }
        /* An export discloses the trail itself: audited with the filter it covered. */
        audit_queue_add_with(r->now, r->uid, r->org_id, "audit_exported", 0,
                             json_pack("{s:{s:o,s:o,s:o,s:o,s:o}}", "filter", "case",
                                       f.case_id ? json_integer((json_int_t)f.case_id) : json_null(), "user",
                                       f.user_id ? json_integer((json_int_t)f.user_id) : json_null(), "type",
                                       in.type ? json_string(in.type) : json_null(), "from",
                                       in.from ? json_string(in.from) : json_null(), "to",
                                       in.to ? json_string(in.to) : json_null()));
        return;
    }
    c.items = json_array();
    int rc = c.items ? store_audit_page(r->st, txn, &f, add_item, &c, &next_at, &next_seq) : STORE_NOMEM;
    store_read_end(r->st, txn);
    char cursor[48];
    snprintf(cursor, sizeof cursor, "%" PRId64 ".%" PRIu64, next_at, next_seq);
    json_t *body = rc ? NULL
                      : json_pack("{s:o,s:o}", "items", c.items, "next_cursor",
                                  next_seq ? json_string(cursor) : json_null());
    if (rc) {
        json_decref(c.items);
        http_store_error(r, rc);
        return;
    }
    if (!body) {
        http_store_error(r, STORE_NOMEM);
        return;
    }
    http_reply(r, 200, body);
}

void h_audit_verify(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!r->is_admin) {
        access_forbidden(r, "Only administrators read the audit log.", NULL);
        return;
    }
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    uint64_t count = 0, bad = 0;
    int rc = store_audit_verify(r->st, txn, &count, &bad);
    if (rc == STORE_CORRUPT && bad)
        rc = 0; /* a broken chain is the answer, not a failure */
    json_t *newest = NULL, *broken = NULL;
    if (!rc)
        rc = store_audit_recent(r->st, txn, NULL, 1, &newest);
    if (!rc && bad) {
        unsigned char key[8];
        store_key_u64(key, bad);
        json_t *ev = NULL;
        /* The stored event may be damaged beyond parsing: its seq is what names it then. */
        if (store_json_get(r->st, txn, DB_AUDIT, key, 8, &ev) == 0)
            broken = json_pack("{s:I,s:O,s:O}", "seq", (json_int_t)bad, "at",
                               json_object_get(ev, "at") ? json_object_get(ev, "at") : json_null(), "action",
                               json_object_get(ev, "action") ? json_object_get(ev, "action") : json_null());
        else
            broken = json_pack("{s:I,s:n,s:n}", "seq", (json_int_t)bad, "at", "action");
        json_decref(ev);
        if (!broken)
            rc = STORE_NOMEM;
    }
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(newest);
        json_decref(broken);
        http_store_error(r, rc);
        return;
    }
    json_t *last = json_array_get(newest, 0);
    json_t *body = json_pack("{s:b,s:I,s:o,s:o}", "ok", !bad, "events", (json_int_t)count, "newest",
                             last ? json_pack("{s:O,s:O}", "seq", json_object_get(last, "seq"), "at",
                                              json_object_get(last, "at"))
                                  : json_null(),
                             "broken", broken ? broken : json_null());
    json_decref(newest);
    if (!body) {
        http_store_error(r, STORE_NOMEM);
        return;
    }
    http_reply(r, 200, body);
}
