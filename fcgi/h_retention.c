/* h_retention.c - the retention policy, legal holds, cases due for destruction and the destruction
 * records (fcgi/API.md "Retention and destruction"). */
#include "handlers.h"
#include "json_get.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "calendar.h"
#include "case_access.h"
#include "case_view.h"
#include "json_in.h"
#include "params.h"
#include "report_out.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_org.h"
#include "store_retention.h"
#include "uk_time.h"

/* The policy, holds and due list belong to a council and are its admin's to manage. */
static int require_council_admin(http_req *r)
{
    if (r->is_admin && strcmp(r->org_kind, "council") == 0)
        return 0;
    access_forbidden(r, "Only a council's administrator manages its retention.", NULL);
    return -1;
}

static json_t *policy_json(int years)
{
    return json_pack("{s:i,s:i,s:i,s:i}", "years", years, "default", RETENTION_DEFAULT_YEARS, "min",
                     RETENTION_MIN_YEARS, "max", RETENTION_MAX_YEARS);
}

void h_retention_get(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (require_council_admin(r))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    int years;
    int rc = store_retention_years(r->st, txn, r->org_id, &years);
    store_read_end(r->st, txn);
    if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, policy_json(years));
}

typedef struct {
    param_int years;
} policy_in;

static const param_field policy_fields[] = {
    {.name = "years", .type = PARAM_INT, .required = 1, .min = RETENTION_MIN_YEARS, .max = RETENTION_MAX_YEARS,
     .offset = offsetof(policy_in, years)},
};

typedef struct {
    uint64_t council, actor;
    int years;
    const char *at;
} policy_ctx;

static int policy_write(store *s, MDB_txn *txn, void *arg)
{
    policy_ctx *c = arg;
    int rc = store_retention_set_years(s, txn, c->council, c->years);
    return rc ? rc : store_audit_add(s, txn, c->at, c->actor, c->council, "retention_policy_set", c->council);
}

void h_retention_put(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (require_council_admin(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    policy_in in = {0};
    if (params_json(r, body, NULL, policy_fields, PARAMS_COUNT(policy_fields), &in) == 0) {
        char at[21];
        http_iso_time(r->now, at);
        policy_ctx c = {r->org_id, r->uid, (int)in.years.value, at};
        int rc = store_write(r->st, policy_write, &c);
        if (rc)
            http_store_error(r, rc);
        else
            http_reply(r, 200, policy_json(c.years));
    }
    json_decref(body);
}

/* ---- legal holds ---- */

typedef struct {
    const char *reason;
} hold_in;

static const param_field hold_fields[] = {
    {.name = "reason", .type = PARAM_TEXT, .required = 1, .max_chars = 1000, .offset = offsetof(hold_in, reason)},
};

typedef struct {
    uint64_t case_id, actor, org;
    const char *reason, *at;
    int refused; /* the case is another council's or does not exist */
} hold_ctx;

static int hold_write(store *s, MDB_txn *txn, void *arg)
{
    hold_ctx *c = arg;
    json_t *rec;
    int rc = store_case_get(s, txn, c->case_id, &rec);
    c->refused = rc == MDB_NOTFOUND || (!rc && json_get_u64(rec, "council_id") != c->org);
    json_decref(rec);
    if (c->refused)
        return MDB_NOTFOUND;
    if (rc)
        return rc;
    if (c->reason) {
        json_t *hold = json_pack("{s:s,s:I,s:s}", "reason", c->reason, "by", (json_int_t)c->actor, "at", c->at);
        rc = hold ? store_hold_put(s, txn, c->case_id, hold) : STORE_NOMEM;
        json_decref(hold);
    } else if ((rc = store_hold_del(s, txn, c->case_id)) == MDB_NOTFOUND) {
        return 0; /* lifting a hold that is not there changes nothing */
    }
    return rc ? rc : store_audit_add(s, txn, c->at, c->actor, c->org, c->reason ? "legal_hold_placed" : "legal_hold_lifted",
                                     c->case_id);
}

/* Both verbs answer the case's retention block ({"destroy_on","legal_hold"}). */
static void hold_change(http_req *r, uint64_t case_id, const char *reason)
{
    char at[21];
    http_iso_time(r->now, at);
    hold_ctx c = {case_id, r->uid, r->org_id, reason, at, 0};
    int rc = store_write(r->st, hold_write, &c);
    if (c.refused) {
        access_not_found(r, "case", case_id, "No such case.", NULL);
        return;
    }
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    MDB_txn *txn;
    json_t *rec;
    if (case_read_begin(r, case_id, &txn, &rec))
        return;
    json_t *view = case_view_take(r->st, txn, rec);
    store_read_end(r->st, txn);
    if (!view) {
        http_store_error(r, STORE_NOMEM);
        return;
    }
    http_reply(r, 200, json_incref(json_object_get(view, "retention")));
    json_decref(view);
}

void h_case_hold_put(http_req *r, const uint64_t *ids)
{
    if (require_council_admin(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    hold_in in = {0};
    if (params_json(r, body, NULL, hold_fields, PARAMS_COUNT(hold_fields), &in) == 0)
        hold_change(r, ids[0], in.reason);
    json_decref(body);
}

void h_case_hold_delete(http_req *r, const uint64_t *ids)
{
    if (require_council_admin(r))
        return;
    hold_change(r, ids[0], NULL);
}

/* ---- due list ---- */

typedef struct {
    param_int within;
} due_in;

static const param_field due_fields[] = {
    {.name = "within", .type = PARAM_INT, .min = 0, .max = 3660, .dflt = 90, .offset = offsetof(due_in, within),
     .bad_status = 422, .message = "within is a number of days from 0 to 3660."},
};

typedef struct {
    store *s;
    MDB_txn *txn;
    json_t *items;
} due_list;

static int due_item(const retention_due_row *row, void *ctx)
{
    due_list *d = ctx;
    char cid[24], closure[11], on[11];
    snprintf(cid, sizeof cid, "C%" PRIu64, row->case_id);
    calendar_date(row->closure_day, closure);
    calendar_date(row->destroy_day, on);
    json_t *hold = json_null();
    if (row->held && store_hold_get(d->s, d->txn, row->case_id, &hold))
        hold = json_null();
    json_t *item = json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)row->case_id, "connect_id", cid,
                             "closure_date", closure, "destroy_on", on, "legal_hold", hold);
    return !item || json_array_append_new(d->items, item) ? STORE_NOMEM : 0;
}

void h_retention_due(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (require_council_admin(r))
        return;
    due_in in = {0};
    if (params_query(r, due_fields, PARAMS_COUNT(due_fields), &in))
        return;
    char today[11];
    uk_date(r->now, today);
    long upto = calendar_day(today) + (long)in.within.value;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    due_list d = {r->st, txn, json_array()};
    int rc = d.items ? store_retention_due_each(r->st, txn, r->org_id, upto, due_item, &d) : STORE_NOMEM;
    int years = RETENTION_DEFAULT_YEARS;
    if (!rc)
        rc = store_retention_years(r->st, txn, r->org_id, &years);
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(d.items);
        http_store_error(r, rc);
        return;
    }
    http_reply(r, 200, json_pack("{s:s,s:I,s:i,s:o}", "today", today, "within", (json_int_t)in.within.value,
                                 "years", years, "items", d.items));
}

/* ---- destruction records ---- */

typedef struct {
    const char *format;
    param_int limit;
    uint64_t cursor;
} destructions_in;

static const char *const formats[] = {"xlsx", "csv", NULL};
static const param_field destructions_fields[] = {
    {.name = "format", .type = PARAM_ENUM, .values = formats, .offset = offsetof(destructions_in, format),
     .bad_status = 422, .message = "The format is xlsx or csv."},
    PARAM_LIMIT_FIELD(destructions_in, limit),
    PARAM_CURSOR_FIELD(destructions_in, cursor),
};

static const report_col destruction_cols[] = {
    {"Destruction", REPORT_INT, 11},   {"Kind", REPORT_TEXT, 11},          {"Connect ID", REPORT_TEXT, 11},
    {"NINo batch", REPORT_TEXT, 12},   {"Council", REPORT_TEXT, 24},
    {"Closure date", REPORT_DATE, 12}, {"Due on", REPORT_DATE, 12},        {"Destroyed at (UTC)", REPORT_TEXT, 21},
    {"Policy (years)", REPORT_INT, 9}, {"Run", REPORT_TEXT, 28},           {"People", REPORT_INT, 8},
    {"Documents", REPORT_INT, 10},     {"History rows", REPORT_INT, 10},   {"Alerts", REPORT_INT, 8},
    {"Queries", REPORT_INT, 8},        {"Messages", REPORT_INT, 9},        {"Emails", REPORT_INT, 8},
};

static void count_cell(report_out *o, const json_t *rec, const char *name)
{
    report_int(o, json_integer_value(json_object_get(json_object_get(rec, "counts"), name)));
}

/* The records as a download, one row each (the council's name read once per row's council). */
static void destructions_download(http_req *r, MDB_txn *txn, json_t *items, int xlsx)
{
    report_out *o = report_out_open(r, xlsx, "destructions");
    if (!o)
        return;
    report_table_begin(o, "Destructions", destruction_cols, (int)(sizeof destruction_cols / sizeof *destruction_cols));
    size_t i;
    json_t *rec;
    json_array_foreach(items, i, rec) {
        int batch = json_get_str_is(rec, "kind", "nino_batch");
        json_t *council = batch ? NULL : case_council_ref(r->st, txn, rec);
        report_int(o, json_integer_value(json_object_get(rec, "id")));
        report_cstr(o, batch ? "NINo batch" : "Case");
        report_cstr(o, json_get_str(rec, "connect_id"));
        report_cstr(o, json_get_str(rec, "number"));
        report_cstr(o, json_get_str(council, "name"));
        json_decref(council);
        long closure = calendar_day(json_get_str_or(rec, "closure_date", "")),
             on = calendar_day(json_get_str_or(rec, "destroy_on", ""));
        report_date(o, closure == CALENDAR_NO_DAY ? FACTS_NO_DAY : (int32_t)closure);
        report_date(o, on == CALENDAR_NO_DAY ? FACTS_NO_DAY : (int32_t)on);
        report_cstr(o, json_get_str(rec, "destroyed_at"));
        if (batch)
            report_empty(o);
        else
            report_int(o, json_integer_value(json_object_get(rec, "policy_years")));
        report_cstr(o, json_get_str(rec, "run_id"));
        static const char *const counts[] = {"people", "documents", "history", "alerts", "queries", "messages",
                                             "emails"};
        for (size_t k = 0; k < sizeof counts / sizeof *counts; k++)
            if (batch && k) /* a batch held people only */
                report_empty(o);
            else
                count_cell(o, rec, counts[k]);
        report_row_end(o);
    }
    report_table_end(o);
    report_out_finish(o);
}

/* A record as the API shows it: its kind, and a case's council by name (a NINo batch has none: its
 * people came from any council). */
static void destruction_view(http_req *r, MDB_txn *txn, json_t *rec)
{
    if (json_get_str_is(rec, "kind", "nino_batch")) {
        json_object_set_new(rec, "council", json_null());
        return;
    }
    json_object_set_new(rec, "kind", json_string("case"));
    json_object_set_new(rec, "council", case_council_ref(r->st, txn, rec));
}

void h_destructions(http_req *r, const uint64_t *ids)
{
    (void)ids;
    int council_admin = r->is_admin && strcmp(r->org_kind, "council") == 0,
        ho_admin = r->is_admin && strcmp(r->org_kind, "home_office") == 0;
    if (!council_admin && !ho_admin) {
        access_forbidden(r, "Only a council's or the Home Office's administrator sees destruction records.", NULL);
        return;
    }
    destructions_in in = {0};
    if (params_query(r, destructions_fields, PARAMS_COUNT(destructions_fields), &in))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *items;
    uint64_t next;
    uint64_t council = council_admin ? r->org_id : 0;
    /* A download holds every record of the scope; the JSON list is paged. */
    int rc = store_destructions_list(r->st, txn, council, in.format ? 0 : in.cursor,
                                     in.format ? 0 : (size_t)in.limit.value, &items, &next);
    if (rc) {
        store_read_end(r->st, txn);
        http_store_error(r, rc);
        return;
    }
    if (in.format) {
        destructions_download(r, txn, items, strcmp(in.format, "xlsx") == 0);
        store_read_end(r->st, txn);
        audit_queue_add(r->now, r->uid, r->org_id, "destructions_exported", 0);
        json_decref(items);
        return;
    }
    size_t i;
    json_t *rec;
    json_array_foreach(items, i, rec) destruction_view(r, txn, rec);
    store_read_end(r->st, txn);
    http_reply(r, 200, h_list_page(items, next, json_array_size(items)));
}
