/* h_reports.c - GET /api/reports/… (fcgi/API.md "Reports"): the checks, then one read transaction
 * over the facts. Downloads check everything before the first byte goes out. */
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_enums.h"
#include "json_get.h"
#include "params.h"
#include "report.h"
#include "report_cases.h"
#include "report_labels.h"
#include "report_national.h"
#include "report_out.h"
#include "report_perf.h"
#include "report_sla.h"
#include "store_case.h"
#include "store_org.h"
#include "store_user.h"
#include "uk_time.h"
#include "calendar.h"

/* What the downloads take beside the range (fcgi/API.md "Reports"), described once. */
typedef struct {
    const char *format, *part;
} download_params;

static const char *const formats[] = {"xlsx", "csv", NULL};
static const char *const parts[] = {"summary", NULL};
static const param_field download_fields[] = {
    {.name = "format", .type = PARAM_ENUM, .values = formats, .offset = offsetof(download_params, format),
     .bad_status = 422, .message = "The format is xlsx or csv."},
    {.name = "part", .type = PARAM_ENUM, .values = parts, .offset = offsetof(download_params, part),
     .bad_status = 422, .message = "The only part is summary."},
};

/* err: a positive errno value (the output) or a store code (the walk). */
static void log_failure(http_req *r, const char *what, int err)
{
    fprintf(stderr, "report %s for user %llu failed: %s\n", what, (unsigned long long)r->uid,
            err > 0 ? strerror(err) : store_strerror(err));
}

typedef enum { DL_FINANCE, DL_REFERRALS, DL_RESOLUTION, DL_SLA } download;

static void run_download(http_req *r, download which)
{
    report_range g;
    if (report_params(r, which == DL_SLA ? REPORT_SLA : REPORT_DOWNLOAD, 0, &g))
        return;
    download_params in;
    if (params_query(r, download_fields, PARAMS_COUNT(download_fields), &in))
        return;
    int xlsx = !in.format || strcmp(in.format, "xlsx") == 0, summary = in.part != NULL;
    if (summary && which != DL_FINANCE) {
        http_error(r, 422, "validation_failed", "Only the finance report has a summary.", "part");
        return;
    }
    static const char *const titles[] = {"finance", "referrals", "resolution", "sla"};
    char filename[96];
    snprintf(filename, sizeof filename, "connect-%s%s-%s-to-%s", titles[which], summary ? "-summary" : "", g.from_s,
             g.to_s);
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    report_out *out = report_out_open(r, xlsx, filename);
    if (!out) {
        store_read_end(r->st, txn);
        return;
    }
    report_names names;
    report_names_init(&names, r->st, txn);
    int rc = 0;
    switch (which) {
    case DL_FINANCE: rc = report_finance(&g, out, &names, summary); break;
    case DL_REFERRALS: rc = report_referrals(&g, out, &names); break;
    case DL_RESOLUTION: rc = report_resolution(&g, out, &names); break;
    case DL_SLA: rc = report_sla(&g, txn, NULL, out); break;
    }
    report_names_free(&names);
    store_read_end(r->st, txn); /* an xlsx is complete on disk now; sending it needs no transaction */
    if (rc)
        report_out_fail(out, rc); /* never a report that silently lacks rows */
    int err = report_out_finish(out);
    if (err) {
        log_failure(r, titles[which], err);
        return;
    }
    /* A download discloses case data: audited like a case view, with the council it covered (0: all). */
    static const char *const actions[] = {"report_finance_downloaded", "report_referrals_downloaded",
                                          "report_resolution_downloaded", "report_sla_downloaded"};
    audit_queue_add(r->now, r->uid, r->org_id, actions[which], g.council);
}

void h_report_finance(http_req *r, const uint64_t *ids)
{
    (void)ids;
    run_download(r, DL_FINANCE);
}

void h_report_referrals(http_req *r, const uint64_t *ids)
{
    (void)ids;
    run_download(r, DL_REFERRALS);
}

void h_report_resolution(http_req *r, const uint64_t *ids)
{
    (void)ids;
    run_download(r, DL_RESOLUTION);
}

void h_report_sla(http_req *r, const uint64_t *ids)
{
    (void)ids;
    download_params in;
    if (params_query(r, download_fields, PARAMS_COUNT(download_fields), &in))
        return;
    if (in.format) {
        run_download(r, DL_SLA);
        return;
    }
    report_range g;
    if (report_params(r, REPORT_SLA, 0, &g))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *rows = NULL, *open = NULL;
    int rc = report_sla(&g, txn, &rows, NULL);
    if (!rc)
        rc = report_sla_nino_open(&g, txn, &open);
    json_t *body = rc ? NULL
                      : json_pack("{s:s,s:s,s:o,s:o,s:o}", "from", g.from_s, "to", g.to_s, "council",
                                  report_council_json(&g), "rows", rows, "nino_open", open);
    if (rc)
        json_decref(rows);
    store_read_end(r->st, txn);
    if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, body);
}

/* The performance filters, described once. */
typedef struct {
    const char *team, *legislation;
    uint64_t caseworker;
} perf_params;

static const param_field perf_fields[] = {
    {.name = "team", .type = PARAM_STRING, .max_chars = 100, .offset = offsetof(perf_params, team)},
    {.name = "caseworker", .type = PARAM_ID, .offset = offsetof(perf_params, caseworker), .bad_status = 422,
     .message = "Choose a caseworker by their id."},
    {.name = "legislation", .type = PARAM_ENUM, .values = case_legislations,
     .offset = offsetof(perf_params, legislation), .bad_status = 422, .message = "Unknown legislation."},
};

/* The performance filters (team, caseworker, legislation); the Network may name none. -1 after
 * answering. */
static int perf_filters(http_req *r, report_perf_filters *f)
{
    memset(f, 0, sizeof *f);
    perf_params in;
    if (params_query(r, perf_fields, PARAMS_COUNT(perf_fields), &in))
        return -1;
    if (strcmp(r->org_kind, "network") == 0 && (in.team || in.caseworker)) {
        access_forbidden(r, "The Network sees national totals only.", in.team ? "team" : "caseworker");
        return -1;
    }
    f->team = in.team;
    f->caseworker = in.caseworker;
    f->legislation = case_enum_code(case_legislations, in.legislation);
    return 0;
}

/* The performance figures as a download: one table of (figure, value) rows, so that the CSV, which
 * holds one table, carries every figure of the JSON answer (the FAQ: users "download key performance
 * data"). Written from that answer, so the two can never disagree. */
static void perf_download(http_req *r, const report_range *g, int xlsx, json_t *body)
{
    char filename[96];
    snprintf(filename, sizeof filename, "connect-performance-%s-to-%s", g->from_s, g->to_s);
    report_out *o = report_out_open(r, xlsx, filename);
    if (!o)
        return;
    static const report_col cols[] = {{"Figure", REPORT_TEXT, 44}, {"Value", REPORT_DECIMAL, 16}};
    report_table_begin(o, "Performance", cols, 2);
    json_t *fig = json_object_get(body, "figures");
    static const struct {
        const char *key, *label;
        char kind; /* i: count, m: pence, d: one decimal place (null: empty) */
    } rows[] = {{"open_referral", "Open referrals", 'i'},        {"open_supported", "Open supported", 'i'},
                {"referrals", "Referrals", 'i'},                  {"closures", "Closures", 'i'},
                {"average_days_on_support", "Average days on support", 'd'},
                {"thousand_day", "Supported 1,000 days or more", 'i'}, {"spend_pence", "Spend", 'm'}};
    report_cstr(o, "From");
    report_cstr(o, g->from_s);
    report_row_end(o);
    report_cstr(o, "To");
    report_cstr(o, g->to_s);
    report_row_end(o);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        json_t *v = json_object_get(fig, rows[i].key);
        report_cstr(o, rows[i].label);
        if (rows[i].kind == 'm')
            report_money(o, (int64_t)json_integer_value(v));
        else if (rows[i].kind == 'd' && json_is_number(v))
            report_decimal(o, json_number_value(v), 1);
        else if (rows[i].kind == 'i')
            report_int(o, (int64_t)json_integer_value(v));
        else
            report_empty(o);
        report_row_end(o);
    }
    size_t i;
    json_t *row;
    char label[160];
    json_array_foreach(json_object_get(body, "closures_by_reason"), i, row) {
        int code = case_enum_code1(case_closure_reasons, json_get_str(row, "reason"));
        snprintf(label, sizeof label, "Closures: %s", LABEL(label_closure_reason, code));
        report_cstr(o, label);
        report_int(o, (int64_t)json_integer_value(json_object_get(row, "count")));
        report_row_end(o);
    }
    json_array_foreach(json_object_get(body, "open_supported_by_month"), i, row) {
        snprintf(label, sizeof label, "Open supported at the end of %s", json_get_str_or(row, "month", ""));
        report_cstr(o, label);
        report_int(o, (int64_t)json_integer_value(json_object_get(row, "open_supported")));
        report_row_end(o);
    }
    report_table_end(o);
    int err = report_out_finish(o);
    if (err) {
        log_failure(r, "performance", err);
        return;
    }
    audit_queue_add(r->now, r->uid, r->org_id, "report_performance_downloaded", g->council);
}

void h_report_performance(http_req *r, const uint64_t *ids)
{
    (void)ids;
    report_range g;
    report_perf_filters f;
    download_params dl;
    if (report_params(r, REPORT_PERFORMANCE, 1, &g) || perf_filters(r, &f) ||
        params_query(r, download_fields, PARAMS_COUNT(download_fields), &dl))
        return;
    if (dl.part) {
        http_error(r, 422, "validation_failed", "Only the finance report has a summary.", "part");
        return;
    }
    int months = (atoi(g.to_s) * 12 + atoi(g.to_s + 5)) - (atoi(g.from_s) * 12 + atoi(g.from_s + 5)) + 1;
    if (months > REPORT_PERF_MONTHS_MAX) {
        http_error(r, 422, "validation_failed", "The period may span at most 20 years.", "from");
        return;
    }
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *body = NULL, *worker = json_null();
    if (f.caseworker) {
        json_t *u = NULL;
        int urc = store_user_get(r->st, txn, f.caseworker, &u);
        /* Only a user of a council the caller may see; anyone else is "no such caseworker". */
        uint64_t org = u ? (uint64_t)json_integer_value(json_object_get(u, "org_id")) : 0;
        int visible = !urc && (strcmp(r->org_kind, "home_office") == 0 ? 1 : org == r->org_id) &&
                      (!g.council || org == g.council);
        if (visible)
            worker = json_pack("{s:I,s:O}", "id", (json_int_t)f.caseworker, "name", json_object_get(u, "name"));
        json_decref(u);
        if (!visible) {
            store_read_end(r->st, txn);
            access_not_found(r, "user", f.caseworker, "No such caseworker.", "caseworker");
            return;
        }
    }
    int rc = report_performance(&g, &f, txn, &body);
    if (!rc) {
        json_t *filters = json_pack("{s:o,s:s?,s:o,s:s?}", "council", report_council_json(&g), "team", f.team,
                                    "caseworker", worker, "legislation",
                                    f.legislation ? case_legislations[f.legislation] : NULL);
        worker = NULL;
        if (!filters || json_object_set_new(body, "filters", filters))
            rc = STORE_NOMEM;
    }
    json_decref(worker);
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(body);
        http_store_error(r, rc);
    } else if (dl.format) {
        perf_download(r, &g, strcmp(dl.format, "xlsx") == 0, body);
        json_decref(body);
    } else {
        http_reply(r, 200, body);
    }
}

/* ---- the national report ---- */

typedef struct {
    param_int year;
    const char *region, *nation, *format;
} national_query;

static const char *const national_formats[] = {"json", "xlsx", "csv", NULL};
static const param_field national_fields[] = {
    {.name = "year", .type = PARAM_INT, .required = 1, .min = 2000, .max = 2099, .offset = offsetof(national_query, year),
     .bad_status = 422, .message = "The year is the one the financial year starts in (1 April), e.g. 2024."},
    {.name = "region", .type = PARAM_ENUM, .values = store_org_regions, .offset = offsetof(national_query, region),
     .bad_status = 422, .message = "Unknown region."},
    {.name = "nation", .type = PARAM_ENUM, .values = store_org_nations, .offset = offsetof(national_query, nation),
     .bad_status = 422, .message = "The nation is england, scotland, wales or northern_ireland."},
    {.name = "format", .type = PARAM_ENUM, .values = national_formats, .offset = offsetof(national_query, format),
     .bad_status = 422, .message = "The format is json, xlsx or csv."},
};

/* GET /api/reports/national: the Network's and the Home Office's admins only (anonymous aggregates of
 * every council; fcgi/API.md "National report"). */
void h_report_national(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!r->is_admin || (strcmp(r->org_kind, "network") != 0 && strcmp(r->org_kind, "home_office") != 0)) {
        access_forbidden(r, "Only the Network's and the Home Office's administrators see the national report.", NULL);
        return;
    }
    national_query in;
    if (params_query(r, national_fields, PARAMS_COUNT(national_fields), &in))
        return;
    if (in.region && in.nation && strcmp(store_org_region_nation(in.region), in.nation) != 0) {
        http_error(r, 422, "validation_failed", "The region is not in that nation.", "region");
        return;
    }
    char today[11];
    uk_date(r->now, today);
    national_params p = {.year = (int)in.year.value, .region = in.region, .nation = in.nation,
                         .today = (int32_t)calendar_day(today)};
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *body = NULL;
    int rc = report_national(r->st, txn, &p, &body);
    store_read_end(r->st, txn);
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    if (!in.format || strcmp(in.format, "json") == 0) {
        http_reply(r, 200, body);
        return;
    }
    char filename[96];
    snprintf(filename, sizeof filename, "connect-national-%d-%02d%s%s", p.year, (p.year + 1) % 100,
             in.region ? "-" : in.nation ? "-" : "", in.region ? in.region : in.nation ? in.nation : "");
    report_out *o = report_out_open(r, strcmp(in.format, "xlsx") == 0, filename);
    if (o) {
        report_national_write(o, body);
        int err = report_out_finish(o);
        if (err)
            log_failure(r, "national", err);
        else
            audit_queue_add(r->now, r->uid, r->org_id, "report_national_downloaded", 0);
    }
    json_decref(body);
}
