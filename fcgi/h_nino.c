/* h_nino.c - NINo batches over HTTP (fcgi/API.md "NINo tracing"): the list, the file (receipt
 * starts the 48-working-hour clock) and the partner's results. */
#include "handlers.h"
#include "json_get.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "calendar.h"
#include "nino_batch.h"
#include "nino_results.h"
#include "params.h"
#include "report_out.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_nino.h"
#include "uk_time.h"
#include "work.h"

#define NINO_MARKING "OFFICIAL-SENSITIVE"
#define NINO_QUERY_DAYS 10
#define NINO_REFUSED (-50001) /* a write's own refusal: the context says what */

/* Designated partner users see and handle batches; the Home Office sees the list and its clock. */
static int may_list(http_req *r)
{
    if (nino_designated(r) || strcmp(r->org_kind, "home_office") == 0)
        return 1;
    access_forbidden(r, "Only the Home Office and the NINo partner's designated users see NINo batches.", NULL);
    return 0;
}

static int must_be_designated(http_req *r)
{
    if (nino_designated(r))
        return 1;
    access_forbidden(r, "Only the NINo partner's designated users handle NINo batch files.", NULL);
    return 0;
}

static void file_name(const json_t *b, char *out, size_t cap)
{
    snprintf(out, cap, "OFFICIAL-SENSITIVE_NINo_batch_%s_%s", json_get_str_or(b, "number", ""), json_get_str_or(b, "day", ""));
}

/* BATCH (fcgi/API.md): the batch without its people. */
static json_t *batch_summary(const json_t *b, const char *now_iso)
{
    json_int_t traced = 0, allocated = 0, unconfirmed = 0, pending = 0;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(b, "people"), i, p) {
        const char *o = json_get_str(json_object_get(p, "result"), "outcome");
        if (!o)
            pending++;
        else if (strcmp(o, "traced") == 0)
            traced++;
        else if (strcmp(o, "allocated") == 0)
            allocated++;
        else
            unconfirmed++;
    }
    char name[96];
    file_name(b, name, sizeof name);
    const char *due = json_get_str(b, "due");
    int open = json_get_str_is(b, "status", "waiting") || json_get_str_is(b, "status", "received");
    json_t *s = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:o,s:O,s:b,s:b,s:O,s:O,s:{s:I,s:I,s:I,s:I},s:s+,s:o}", "id",
                          json_object_get(b, "id"), "number", json_object_get(b, "number"), "cut_at",
                          json_object_get(b, "cut_at"), "day", json_object_get(b, "day"), "count",
                          json_object_get(b, "count"), "status", json_object_get(b, "status"), "received_at",
                          json_get_or_null(b, "received_at"), "due", due ? json_string(due) : json_null(),
                          "completed_at", json_get_or_null(b, "completed_at"), "overdue",
                          open && due && strcmp(due, now_iso) < 0, "due_beyond_calendar",
                          json_is_true(json_object_get(b, "due_beyond")), "downloads", json_object_get(b, "downloads"),
                          "destruction", json_get_or_null(b, "destruction"), "results", "traced", traced, "allocated",
                          allocated, "unconfirmed", unconfirmed, "pending", pending, "file_name", name, ".xlsx",
                          "marking", json_string(NINO_MARKING));
    return s;
}

typedef struct {
    param_int limit;
    uint64_t cursor;
} list_in;

void h_nino_batches_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!may_list(r))
        return;
    static const param_field fields[] = {PARAM_LIMIT_FIELD(list_in, limit), PARAM_CURSOR_FIELD(list_in, cursor)};
    list_in in;
    if (params_query(r, fields, PARAMS_COUNT(fields), &in))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *items = NULL, *out = json_array(), *counts = NULL;
    uint64_t next;
    size_t total;
    char now_iso[21];
    http_iso_time(r->now, now_iso);
    int rc = out ? store_nino_list(r->st, txn, in.cursor, (size_t)in.limit.value, &items, &next, &total) : STORE_NOMEM;
    if (!rc)
        rc = nino_home_counts(r->st, txn, r->now, &counts);
    store_read_end(r->st, txn);
    size_t i;
    json_t *b;
    json_array_foreach(items, i, b) if (!rc && json_array_append_new(out, batch_summary(b, now_iso))) rc = STORE_NOMEM;
    json_decref(items);
    json_t *page = rc ? NULL : h_list_page(out, next, total);
    if (rc || !page) {
        if (!page)
            json_decref(out);
        json_decref(counts);
        http_store_error(r, rc ? rc : STORE_NOMEM);
        return;
    }
    if (json_object_set_new(page, "marking", json_string(NINO_MARKING)) || json_object_set_new(page, "counters", counts)) {
        json_decref(page);
        http_store_error(r, STORE_NOMEM);
        return;
    }
    http_reply(r, 200, page);
}

/* ---- the file ---- */

typedef struct {
    http_req *r;
    uint64_t id;
    const char *at;
    json_t *batch; /* out: the batch after the receipt */
    int gone;      /* out: destroyed after 14 months */
} receipt_ctx;

/* Each case whose people the file holds gets its own event, so the case's audit and a subject access
 * export's trail show that the NINo partner received the person's data. */
static int audit_cases_sent(store *s, MDB_txn *txn, const receipt_ctx *c, const json_t *people)
{
    size_t i, j;
    json_t *p, *q;
    json_array_foreach(people, i, p) {
        uint64_t id = json_get_u64(p, "case_id");
        int seen = 0;
        json_array_foreach(people, j, q) if (j < i && json_get_u64(q, "case_id") == id) seen = 1;
        int rc = seen ? 0 : store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "case_nino_batch_downloaded", id);
        if (rc)
            return rc;
    }
    return 0;
}

/* The first download is the receipt: it starts the clock. Every download is audited. */
static int receipt_write(store *s, MDB_txn *txn, void *arg)
{
    receipt_ctx *c = arg;
    json_decref(c->batch);
    c->batch = NULL;
    c->gone = 0;
    json_t *old, *neu;
    int rc = store_nino_get(s, txn, c->id, &old);
    if (rc)
        return rc;
    if (json_get_str_is(old, "status", "destroyed")) {
        json_decref(old);
        c->gone = 1;
        return NINO_REFUSED;
    }
    if (!(neu = json_deep_copy(old))) {
        json_decref(old);
        return STORE_NOMEM;
    }
    if (!json_object_get(neu, "received_at")) {
        char due[21];
        int beyond = 0;
        if ((rc = nino_due(s, txn, c->r->now, due, &beyond)) ||
            json_object_set_new(neu, "received_at", json_string(c->at)) ||
            json_object_set_new(neu, "received_by", json_integer((json_int_t)c->r->uid)) ||
            json_object_set_new(neu, "due", json_string(due)) ||
            (beyond && json_object_set_new(neu, "due_beyond", json_true())) ||
            (json_get_str_is(neu, "status", "waiting") && json_object_set_new(neu, "status", json_string("received"))))
            rc = rc ? rc : STORE_NOMEM;
    }
    if (!rc && json_object_set_new(neu, "downloads", json_integer(json_integer_value(json_object_get(old, "downloads")) + 1)))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_nino_put(s, txn, old, neu);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "nino_batch_downloaded", c->id);
    if (!rc)
        rc = audit_cases_sent(s, txn, c, json_object_get(neu, "people"));
    json_decref(old);
    if (rc)
        json_decref(neu);
    else
        c->batch = neu;
    return rc;
}

static const report_col file_cols[] = {
    {"Connect ID", REPORT_TEXT, 12}, {"Person", REPORT_INT, 8},          {"Given names", REPORT_TEXT, 24},
    {"Family name", REPORT_TEXT, 24}, {"Date of birth", REPORT_DATE, 14}, {"Nationality", REPORT_TEXT, 16},
    {"HO reference", REPORT_TEXT, 16}, {"Grant date", REPORT_DATE, 12},  {"NINo known", REPORT_TEXT, 12},
    {"Information", REPORT_TEXT, 40}, {"Outcome", REPORT_TEXT, 14},      {"NINo", REPORT_TEXT, 12},
    {"Reason", REPORT_TEXT, 40},
};

static int32_t day_of(const json_t *o, const char *k)
{
    long d = calendar_day(json_get_str_or(o, k, ""));
    return d == CALENDAR_NO_DAY || d < 0 ? -1 : (int32_t)d;
}

void h_nino_batch_file(http_req *r, const uint64_t *ids)
{
    if (!must_be_designated(r))
        return;
    char at[21];
    http_iso_time(r->now, at);
    receipt_ctx c = {.r = r, .id = ids[0], .at = at};
    int rc = store_write(r->st, receipt_write, &c);
    if (rc == MDB_NOTFOUND) {
        access_not_found(r, "nino_batch", ids[0], "No such NINo batch.", NULL);
        return;
    }
    if (rc == NINO_REFUSED) {
        http_error(r, 409, "conflict", "This batch's data was destroyed 14 months after it was sent.", NULL);
        return;
    }
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    char name[96];
    file_name(c.batch, name, sizeof name);
    report_out *o = report_out_open(r, 1, name);
    if (!o) {
        json_decref(c.batch);
        return;
    }
    report_marking(o, NINO_MARKING);
    report_table_begin(o, "NINo batch", file_cols, (int)(sizeof file_cols / sizeof file_cols[0]));
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(c.batch, "people"), i, p) {
        char cid[24];
        snprintf(cid, sizeof cid, "C%llu", (unsigned long long)json_get_u64(p, "case_id"));
        report_cstr(o, cid);
        report_int(o, (int64_t)json_get_u64(p, "person"));
        report_cstr(o, json_get_str(p, "given_names"));
        report_cstr(o, json_get_str(p, "family_name"));
        int32_t dob = day_of(p, "date_of_birth"), grant = day_of(p, "grant_date");
        if (dob < 0)
            report_empty(o);
        else
            report_date(o, dob);
        report_cstr(o, json_get_str(p, "nationality"));
        report_cstr(o, json_get_str(p, "ho_reference"));
        if (grant < 0)
            report_empty(o);
        else
            report_date(o, grant);
        report_cstr(o, json_get_str(p, "nino"));
        report_cstr(o, json_get_str(p, "information"));
        const json_t *res = json_object_get(p, "result");
        report_cstr(o, json_get_str(res, "outcome"));
        report_cstr(o, json_get_str(res, "nino"));
        report_cstr(o, json_get_str(res, "reason"));
        report_row_end(o);
    }
    report_table_end(o);
    json_decref(c.batch);
    report_out_finish(o);
}

/* ---- the results ---- */

typedef struct {
    http_req *r;
    uint64_t id;
    const char *at;
    json_t *rows;   /* the parsed file */
    json_t *errors; /* out: rows that do not fit the batch */
    const char *refusal;
    int refusal_status;
    json_t *view; /* out */
    json_int_t counts[3];
} results_ctx;

static json_t *find_row(json_t *people, uint64_t case_id, uint64_t person)
{
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p) if (json_get_u64(p, "case_id") == case_id && json_get_u64(p, "person") == person) return p;
    return NULL;
}

/* A traced or allocated NINo: recorded on the person, audited, and the council alerted. */
static int record_nino(results_ctx *c, store *s, MDB_txn *txn, work_ctx *w, const json_t *res)
{
    json_t *old, *neu;
    int rc = store_case_get(s, txn, json_get_u64(res, "case_id"), &old);
    if (rc == MDB_NOTFOUND)
        return 0; /* destroyed meanwhile: the result stays on the batch only */
    if (rc)
        return rc;
    json_t *p = (neu = json_deep_copy(old)) ? case_person(neu, json_get_u64(res, "person")) : NULL;
    if (!neu)
        rc = STORE_NOMEM;
    else if (p && json_object_set(p, "nino", json_object_get(res, "nino")))
        rc = STORE_NOMEM;
    if (!rc && p)
        rc = store_case_put(s, txn, old, neu);
    /* The case's history says who recorded the number and when, like any change of the person. */
    if (!rc && p)
        rc = store_case_history_diff(s, txn, json_get_u64(res, "case_id"), old, neu, c->at, c->r->uid);
    if (!rc && p)
        rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "case_nino_recorded", json_get_u64(res, "case_id"));
    if (!rc && p) {
        json_t *outcome = json_pack("{s:I,s:s}", "person", (json_int_t)json_get_u64(res, "person"), "outcome",
                                    json_get_str_or(res, "outcome", ""));
        rc = outcome ? work_raise(w, neu, "nino_result", NULL, outcome, NULL, -1) : STORE_NOMEM;
    }
    json_decref(old);
    json_decref(neu);
    return rc;
}

/* An unconfirmed person goes back to the Home Office as a query: its answer goes into the next batch
 * (h_queries.c). */
static int unconfirmed_query(results_ctx *c, store *s, MDB_txn *txn, work_ctx *w, const json_t *res,
                             const json_t *row, const json_t *batch)
{
    json_t *case_rec;
    int rc = store_case_get(s, txn, json_get_u64(res, "case_id"), &case_rec);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    char text[1024];
    snprintf(text, sizeof text,
             "DWP could not confirm a National Insurance number for person %llu on this case (batch %s): %s\n"
             "Reply with more information and the person goes into the next NINo batch.",
             (unsigned long long)json_get_u64(res, "person"), json_get_str_or(batch, "number", ""),
             json_get_str_or(res, "reason", ""));
    json_t *q = json_pack("{s:I,s:I,s:s,s:b,s:s,s:s,s:s,s:I,s:s,s:s,s:[{s:i,s:s,s:I,s:s,s:s}],s:{s:I,s:I,s:O}}",
                          "case_id", (json_int_t)json_get_u64(res, "case_id"), "council_id",
                          (json_int_t)json_get_u64(case_rec, "council_id"), "category", "other", "urgent", 0,
                          "opened_by", "ho", "opened_at", c->at, "opened_on", w->today, "opened_by_user",
                          (json_int_t)c->r->uid, "status", "open", "awaiting", "ho", "messages", "id", 1, "at", c->at,
                          "by", (json_int_t)c->r->uid, "side", "system", "text", text, "nino", "batch_id",
                          (json_int_t)c->id, "person", (json_int_t)json_get_u64(res, "person"), "grant_date",
                          json_get_or_null(row, "grant_date"));
    uint64_t qid;
    rc = q ? work_set_due(s, txn, q, w->today, NINO_QUERY_DAYS) : STORE_NOMEM;
    if (!rc)
        rc = store_work_create(s, txn, WORK_QUERY, q, json_get_u64(case_rec, "caseworker_id"), &qid);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "query_opened", json_get_u64(res, "case_id"));
    json_decref(q);
    json_decref(case_rec);
    return rc;
}

static int bad_row(results_ctx *c, const json_t *res, const char *field, const char *message)
{
    json_t *e = json_pack("{s:O,s:s,s:s}", "line", json_object_get(res, "line"), "field", field, "message", message);
    return e && json_array_append_new(c->errors, e) == 0 ? 0 : STORE_NOMEM;
}

static int results_write(store *s, MDB_txn *txn, void *arg)
{
    results_ctx *c = arg;
    json_decref(c->view);
    c->view = NULL;
    json_array_clear(c->errors);
    c->refusal = NULL;
    memset(c->counts, 0, sizeof c->counts);
    json_t *old, *neu = NULL;
    int rc = store_nino_get(s, txn, c->id, &old);
    if (rc)
        return rc;
    if (json_get_str_is(old, "status", "destroyed")) {
        c->refusal_status = 409;
        c->refusal = "This batch's data was destroyed 14 months after it was sent.";
        json_decref(old);
        return NINO_REFUSED;
    }
    if (!json_object_get(old, "received_at")) {
        c->refusal_status = 409;
        c->refusal = "This batch has not been downloaded yet: download it before sending its results.";
        json_decref(old);
        return NINO_REFUSED;
    }
    if (!(neu = json_deep_copy(old))) {
        json_decref(old);
        return STORE_NOMEM;
    }
    json_t *people = json_object_get(neu, "people");
    size_t i;
    json_t *res;
    /* Every row checked against the batch before anything is written: all or nothing. */
    json_array_foreach(c->rows, i, res) {
        json_t *row = find_row(people, json_get_u64(res, "case_id"), json_get_u64(res, "person"));
        if (!row)
            rc = bad_row(c, res, "person", "This person is not in this batch.");
        else if (json_object_get(row, "result"))
            rc = bad_row(c, res, "person", "This person's result was sent already.");
        if (rc)
            break;
    }
    if (!rc && json_array_size(c->errors))
        rc = NINO_REFUSED;
    work_ctx w;
    work_ctx_system(&w, s, txn, c->r->now, c->at);
    w.uid = c->r->uid;
    json_array_foreach(c->rows, i, res) {
        if (rc)
            break;
        json_t *row = find_row(people, json_get_u64(res, "case_id"), json_get_u64(res, "person"));
        const char *outcome = json_get_str_or(res, "outcome", "");
        json_t *result = json_pack("{s:s,s:s,s:I}", "outcome", outcome, "at", c->at, "by", (json_int_t)c->r->uid);
        if (!result || (json_object_get(res, "nino") && json_object_set(result, "nino", json_object_get(res, "nino"))) ||
            (json_object_get(res, "reason") && json_object_set(result, "reason", json_object_get(res, "reason")))) {
            json_decref(result);
            rc = STORE_NOMEM;
            break;
        }
        if (json_object_set_new(row, "result", result)) { /* steals result even when it fails */
            rc = STORE_NOMEM;
            break;
        }
        int unconfirmed = strcmp(outcome, "unconfirmed") == 0;
        c->counts[unconfirmed ? 2 : strcmp(outcome, "traced") == 0 ? 0 : 1]++;
        rc = unconfirmed ? unconfirmed_query(c, s, txn, &w, res, row, neu) : record_nino(c, s, txn, &w, res);
    }
    work_ctx_done(&w);
    int complete = 1;
    json_t *p;
    json_array_foreach(people, i, p) complete &= json_object_get(p, "result") != NULL;
    if (!rc && complete &&
        (json_object_set_new(neu, "status", json_string("completed")) ||
         json_object_set_new(neu, "completed_at", json_string(c->at))))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_nino_put(s, txn, old, neu);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "nino_results_recorded", c->id);
    char now_iso[21];
    http_iso_time(c->r->now, now_iso);
    if (!rc && !(c->view = json_pack("{s:o,s:I,s:I,s:I}", "batch", batch_summary(neu, now_iso), "traced", c->counts[0],
                                     "allocated", c->counts[1], "unconfirmed", c->counts[2])))
        rc = STORE_NOMEM;
    json_decref(old);
    json_decref(neu);
    return rc;
}

static void refuse_rows(http_req *r, json_t *errors)
{
    json_t *body = json_pack("{s:{s:s,s:s,s:n,s:O}}", "error", "code", "validation_failed", "message",
                             "Nothing was recorded: correct the rows named and send the whole file again.", "field",
                             "errors", errors);
    http_reply(r, 422, body);
}

void h_nino_batch_results(http_req *r, const uint64_t *ids)
{
    if (!must_be_designated(r))
        return;
    if (http_read_body_max(r, NINO_RESULTS_MAX_BYTES))
        return;
    json_t *rows, *errors;
    int p = nino_results_parse(r->body ? r->body : "", r->body_len, &rows, &errors);
    if (p < 0) {
        http_store_error(r, STORE_NOMEM);
        return;
    }
    if (p > 0) {
        refuse_rows(r, errors);
        json_decref(rows);
        json_decref(errors);
        return;
    }
    json_decref(errors);
    char at[21];
    http_iso_time(r->now, at);
    results_ctx c = {.r = r, .id = ids[0], .at = at, .rows = rows, .errors = json_array()};
    int rc = c.errors ? store_write(r->st, results_write, &c) : STORE_NOMEM;
    if (rc == MDB_NOTFOUND)
        access_not_found(r, "nino_batch", ids[0], "No such NINo batch.", NULL);
    else if (rc == NINO_REFUSED && c.refusal)
        http_error(r, c.refusal_status, "conflict", c.refusal, NULL);
    else if (rc == NINO_REFUSED)
        refuse_rows(r, c.errors);
    else if (rc)
        http_store_error(r, rc);
    else {
        http_reply(r, 200, c.view);
        c.view = NULL;
    }
    json_decref(c.view);
    json_decref(c.errors);
    json_decref(rows);
}
