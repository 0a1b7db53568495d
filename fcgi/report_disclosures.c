/* report_disclosures.c - the monthly monitoring of disclosure requests, per pair of organisations
 * (fcgi/API.md "Disclosure monitoring report"): for the admins of the Home Office and of partner
 * departments, about the pairs their organisation is part of, as JSON, xlsx or CSV.
 *
 * The month's requests are those sent to the provider (countersigned) in it. Of them: returned,
 * refused and disclosed count the provider's first decision; reviewed, those sent for review;
 * within time, those whose first decision came on or before the due date; the median is of the
 * working days from sending to the first decision, over the decided ones (the mean of the two
 * middle values when their number is even). The walk reads the organisation's requests (a few
 * thousand a year), never anyone else's. */
#include "handlers.h"
#include "json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "calendar.h"
#include "disclosure_access.h"
#include "disclosure_rules.h"
#include "params.h"
#include "report_out.h"
#include "store_disclosure.h"
#include "store_org.h"
#include "work.h"

typedef struct {
    uint64_t requesting, providing;
    long received, returned, refused, disclosed, reviewed, within;
    long *days;
    size_t n_days, cap_days;
} pair_row;

typedef struct {
    pair_row *rows;
    size_t n, cap;
} pair_table;

static pair_row *pair_find(pair_table *t, uint64_t requesting, uint64_t providing)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].requesting == requesting && t->rows[i].providing == providing)
            return &t->rows[i];
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        pair_row *p = realloc(t->rows, cap * sizeof *p);
        if (!p)
            return NULL;
        t->rows = p;
        t->cap = cap;
    }
    t->rows[t->n] = (pair_row){.requesting = requesting, .providing = providing};
    return &t->rows[t->n++];
}

static int days_add(pair_row *p, long d)
{
    if (p->n_days == p->cap_days) {
        size_t cap = p->cap_days ? p->cap_days * 2 : 16;
        long *q = realloc(p->days, cap * sizeof *q);
        if (!q)
            return STORE_NOMEM;
        p->days = q;
        p->cap_days = cap;
    }
    p->days[p->n_days++] = d;
    return 0;
}

static void pair_table_free(pair_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->rows[i].days);
    free(t->rows);
}

typedef struct {
    pair_table *t;
    const calendar *cal;
    const char *month;
} tally_ctx;

/* Adds one request to its pair's row when it was sent in the month. */
static int tally(const json_t *rec, void *arg)
{
    tally_ctx *c = arg;
    pair_table *t = c->t;
    const calendar *cal = c->cal;
    const char *month = c->month;
    const char *sent = json_get_str_or(rec, "sent_on", NULL);
    if (!sent || strncmp(sent, month, 7) != 0)
        return 0;
    pair_row *p = pair_find(t, json_get_u64(rec, "requesting_org_id"), json_get_u64(rec, "providing_org_id"));
    if (!p)
        return STORE_NOMEM;
    p->received++;
    const json_t *decisions = json_object_get(rec, "decisions"), *first = json_array_get(decisions, 0);
    size_t i;
    json_t *d;
    int reviewed = json_object_get(rec, "review") != NULL;
    json_array_foreach(decisions, i, d) reviewed |= json_is_true(json_object_get(d, "review"));
    p->reviewed += reviewed;
    if (!first)
        return 0;
    const char *outcome = json_get_str_or(first, "outcome", ""), *on = json_get_str_or(first, "on", "");
    p->returned += !strcmp(outcome, "returned");
    p->refused += !strcmp(outcome, "refused");
    p->disclosed += !strcmp(outcome, "disclosed");
    p->within += strcmp(on, json_get_str_or(rec, "due", "")) <= 0;
    int beyond = 0;
    return days_add(p, calendar_working_days_between(cal, sent, on, &beyond));
}

/* Rows in a fixed order: by requesting, then providing organisation id. */
static int pair_cmp(const void *a, const void *b)
{
    const pair_row *x = a, *y = b;
    if (x->requesting != y->requesting)
        return x->requesting < y->requesting ? -1 : 1;
    return (x->providing > y->providing) - (x->providing < y->providing);
}

static const char *org_name(store *s, MDB_txn *txn, uint64_t id, json_t **keep)
{
    json_t *o;
    if (store_org_get(s, txn, id, &o))
        return "";
    json_array_append_new(*keep, o);
    return json_get_str_or(o, "name", "");
}

static const report_col cols[] = {
    {"Requesting organisation", REPORT_TEXT, 34}, {"Providing organisation", REPORT_TEXT, 34},
    {"Received", REPORT_INT, 10},   {"Returned", REPORT_INT, 10},      {"Refused", REPORT_INT, 10},
    {"Disclosed", REPORT_INT, 10},  {"Reviewed", REPORT_INT, 10},      {"Within time", REPORT_INT, 12},
    {"Median working days", REPORT_DECIMAL, 20},
};

typedef struct {
    const char *month, *format;
} report_in;

void h_report_disclosures(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if ((strcmp(r->org_kind, "home_office") != 0 && strcmp(r->org_kind, "partner") != 0) || !r->is_admin) {
        access_forbidden(r, "The disclosure monitoring report is for the admins of the organisations that exchange requests.",
                         NULL);
        return;
    }
    static const char *const formats[] = {"json", "xlsx", "csv", NULL};
    static const param_field fields[] = {
        {.name = "month", .type = PARAM_STRING, .required = 1, .max_chars = 7, .offset = offsetof(report_in, month)},
        {.name = "format", .type = PARAM_ENUM, .values = formats, .offset = offsetof(report_in, format)},
    };
    report_in in = {0};
    if (params_query(r, fields, PARAMS_COUNT(fields), &in))
        return;
    char first_day[11];
    snprintf(first_day, sizeof first_day, "%.7s-01", in.month);
    if (strlen(in.month) != 7 || calendar_day(first_day) == CALENDAR_NO_DAY) {
        http_error(r, 422, "validation_failed", "Give the month as YYYY-MM.", "month");
        return;
    }
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    pair_table t = {0};
    tally_ctx tc = {.t = &t, .month = in.month};
    int rc = work_calendar(r->st, txn, &tc.cal);
    if (!rc)
        rc = store_disclosure_each_of_org(r->st, txn, r->org_id, tally, &tc);
    if (t.n > 1)
        qsort(t.rows, t.n, sizeof *t.rows, pair_cmp);
    json_t *names = json_array(), *rows = json_array();
    if (!rc && (!names || !rows))
        rc = STORE_NOMEM;
    int download = in.format && strcmp(in.format, "json") != 0;
    report_out *out = NULL;
    if (!rc && download) {
        char filename[64];
        snprintf(filename, sizeof filename, "connect-disclosures-%s", in.month);
        http_header_add(r, "X-Protective-Marking: " DISCLOSURE_MARKING);
        if (!(out = report_out_open(r, strcmp(in.format, "xlsx") == 0, filename))) {
            store_read_end(r->st, txn);
            pair_table_free(&t);
            json_decref(names);
            json_decref(rows);
            return;
        }
        report_table_begin(out, "Disclosures", cols, (int)(sizeof cols / sizeof cols[0]));
        /* The protective marking is the first row, above the figures (the header row stays the
         * table's first, frozen and filtered in the workbook). */
        report_cstr(out, DISCLOSURE_MARKING);
        for (size_t k = 1; k < sizeof cols / sizeof cols[0]; k++)
            report_empty(out);
        report_row_end(out);
    }
    for (size_t i = 0; i < t.n && !rc; i++) {
        pair_row *p = &t.rows[i];
        long median = disclosure_median_tenths(p->days, p->n_days);
        const char *from = org_name(r->st, txn, p->requesting, &names), *to = org_name(r->st, txn, p->providing, &names);
        if (out) {
            report_cstr(out, from);
            report_cstr(out, to);
            long v[] = {p->received, p->returned, p->refused, p->disclosed, p->reviewed, p->within};
            for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
                report_int(out, v[k]);
            if (median < 0)
                report_empty(out);
            else
                report_decimal(out, (double)median / 10.0, 1);
            report_row_end(out);
            continue;
        }
        json_t *row = json_pack("{s:{s:I,s:s},s:{s:I,s:s},s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "requesting_org", "id",
                                (json_int_t)p->requesting, "name", from, "providing_org", "id", (json_int_t)p->providing,
                                "name", to, "received", (json_int_t)p->received, "returned", (json_int_t)p->returned,
                                "refused", (json_int_t)p->refused, "disclosed", (json_int_t)p->disclosed, "reviewed",
                                (json_int_t)p->reviewed, "within_time", (json_int_t)p->within, "median_working_days",
                                median < 0 ? json_null() : json_real((double)median / 10.0));
        if (!row || json_array_append_new(rows, row))
            rc = STORE_NOMEM;
    }
    store_read_end(r->st, txn);
    pair_table_free(&t);
    json_decref(names);
    if (out) {
        json_decref(rows);
        report_table_end(out);
        if (rc)
            report_out_fail(out, rc);
        if (!report_out_finish(out))
            audit_queue_add(r->now, r->uid, r->org_id, "report_disclosures_downloaded", r->org_id);
        return;
    }
    if (rc) {
        json_decref(rows);
        http_store_error(r, rc);
        return;
    }
    http_reply(r, 200, json_pack("{s:s,s:s,s:o}", "marking", DISCLOSURE_MARKING, "month", in.month, "rows", rows));
}
