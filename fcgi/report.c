/* report.c - roles, parameters, names and money rules shared by the reports (report.h). */
#include "report.h"
#include "json_get.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "calendar.h"
#include "params.h"
#include "store_org.h"
#include "store_user.h"
#include "uk_time.h"

#define DAY_MIN_S "1900-01-01"
#define DAY_MAX_S "2100-12-31"

static int kind_is(const http_req *r, const char *k) { return r->org_kind && strcmp(r->org_kind, k) == 0; }

/* A strict YYYY-MM-DD date within 1900..2100 as a day number, FACTS_NO_DAY otherwise. */
static int32_t parse_day(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return FACTS_NO_DAY;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return FACTS_NO_DAY;
    long d = calendar_day(s);
    if (d == CALENDAR_NO_DAY || d < calendar_day(DAY_MIN_S) || d > calendar_day(DAY_MAX_S))
        return FACTS_NO_DAY;
    return (int32_t)d;
}

/* May the caller see this kind of report at all? Answers 403 when not. */
static int role_allows(http_req *r, report_kind kind)
{
    int council = kind_is(r, "council"), ho = kind_is(r, "home_office"), network = kind_is(r, "network");
    int ok = kind == REPORT_PERFORMANCE ? council || ho || network
             : kind == REPORT_SLA       ? ho || network
                                        : (council || ho) && r->is_admin;
    if (!ok)
        access_forbidden(r, "Your role may not see this report.", NULL);
    return ok;
}

/* The council= of the query (0: absent) checked against the caller; 0 (every council) when absent. */
static int council_param(http_req *r, uint64_t id, report_range *out)
{
    int council = kind_is(r, "council");
    out->council = council ? r->org_id : 0;
    if (council)
        snprintf(out->council_name, sizeof out->council_name, "%s",
                 json_get_str_or(r->org, "name", ""));
    if (!id)
        return 0;
    if (kind_is(r, "network")) {
        access_forbidden(r, "The Network sees national totals only.", "council");
        return -1;
    }
    if (council) {
        if (id != r->org_id) {
            access_not_found(r, "council", (uint64_t)id, "No such council.", "council");
            return -1;
        }
        return 0;
    }
    json_t *org = NULL;
    MDB_txn *txn;
    int rc = store_read_begin(r->st, &txn);
    if (!rc) {
        rc = store_org_get(r->st, txn, id, &org);
        store_read_end(r->st, txn);
    }
    int is_council = org && json_get_str_is(org, "kind", "council");
    if (is_council)
        snprintf(out->council_name, sizeof out->council_name, "%s",
                 json_get_str_or(org, "name", ""));
    json_decref(org);
    if (rc && rc != MDB_NOTFOUND) {
        http_store_error(r, rc);
        return -1;
    }
    if (!is_council) {
        access_not_found(r, "council", (uint64_t)id, "No such council.", "council");
        return -1;
    }
    out->council = id;
    return 0;
}

#define DATE_MESSAGE "Give a real date as YYYY-MM-DD, between 1900-01-01 and 2100-12-31."

/* The parameters every report takes (fcgi/API.md "Reports"), described once; whether from and to
 * are required depends on the report, so report_params checks that. */
typedef struct {
    const char *from, *to;
    uint64_t council;
} range_params;

static const param_field range_fields[] = {
    {.name = "from", .type = PARAM_DATE, .offset = offsetof(range_params, from), .bad_status = 422,
     .message = DATE_MESSAGE},
    {.name = "to", .type = PARAM_DATE, .offset = offsetof(range_params, to), .bad_status = 422,
     .message = DATE_MESSAGE},
    {.name = "council", .type = PARAM_ID, .offset = offsetof(range_params, council), .bad_status = 422,
     .message = "Choose a council by its id."},
};

/* A date of the query (NULL: absent) within 1900..2100 as a day number and its text. */
static int date_param(http_req *r, const char *name, const char *value, int32_t *out, char text[11], int required)
{
    if (!value && !required) {
        *out = FACTS_NO_DAY;
        return 0;
    }
    *out = parse_day(value);
    if (*out == FACTS_NO_DAY) {
        http_error(r, 422, "validation_failed", DATE_MESSAGE, name);
        return -1;
    }
    calendar_date(*out, text);
    return 0;
}

int report_params(http_req *r, report_kind kind, int defaults, report_range *out)
{
    memset(out, 0, sizeof *out);
    out->r = r;
    if (!role_allows(r, kind))
        return -1;
    char today[11];
    uk_date(r->now, today);
    out->today = (int32_t)calendar_day(today);
    range_params in;
    if (params_query(r, range_fields, PARAMS_COUNT(range_fields), &in) ||
        date_param(r, "from", in.from, &out->from, out->from_s, !defaults) ||
        date_param(r, "to", in.to, &out->to, out->to_s, !defaults))
        return -1;
    int to_given = out->to != FACTS_NO_DAY;
    if (!to_given) {
        out->to = out->today;
        calendar_date(out->to, out->to_s);
    }
    if (out->from == FACTS_NO_DAY) {
        int y = atoi(out->to_s), m = atoi(out->to_s + 5) - 11;
        if (m < 1) {
            m += 12;
            y--;
        }
        char first[32];
        snprintf(first, sizeof first, "%04d-%02d-01", y, m);
        out->from = (int32_t)calendar_day(first);
        if (out->from == FACTS_NO_DAY || out->from < calendar_day(DAY_MIN_S))
            out->from = (int32_t)calendar_day(DAY_MIN_S);
        calendar_date(out->from, out->from_s);
    }
    if (out->to < out->from) {
        /* With `to` left to its default (today), it is the start that is wrong. */
        http_error(r, 422, "validation_failed",
                   to_given ? "The end of the period is before its start." : "The start of the period is after today.",
                   to_given ? "to" : "from");
        return -1;
    }
    out->upto = out->to < out->today ? out->to : out->today;
    return council_param(r, in.council, out);
}

json_t *report_council_json(const report_range *g)
{
    json_t *ref = g->council ? json_pack("{s:I,s:s}", "id", (json_int_t)g->council, "name", g->council_name) : NULL;
    return ref ? ref : json_null();
}

/* ---- names ---- */

void report_names_init(report_names *n, store *s, MDB_txn *txn)
{
    n->s = s;
    n->txn = txn;
    n->cache = json_object();
}

void report_names_free(report_names *n) { json_decref(n->cache); }

static const char *cached_name(report_names *n, char kind, uint64_t id)
{
    if (!id || !n->cache)
        return NULL;
    char key[24];
    snprintf(key, sizeof key, "%c%" PRIu64, kind, id);
    json_t *hit = json_object_get(n->cache, key);
    if (hit)
        return json_string_value(hit); /* NULL for a cached json null: gone */
    json_t *rec = NULL;
    int rc = kind == 'c' ? store_org_get(n->s, n->txn, id, &rec) : store_user_get(n->s, n->txn, id, &rec);
    const char *name = rc ? NULL : json_get_str(rec, "name");
    if (!name && !rc && kind == 'u')
        name = json_get_str(rec, "username");
    json_object_set_new(n->cache, key, name ? json_string(name) : json_null());
    json_decref(rec);
    return json_get_str(n->cache, key);
}

const char *report_council_name(report_names *n, uint64_t id) { return cached_name(n, 'c', id); }
const char *report_user_name(report_names *n, uint64_t id) { return cached_name(n, 'u', id); }

/* ---- money and days ---- */

int report_supported_on(const case_facts *f, int32_t d)
{
    return f->support_start != FACTS_NO_DAY && f->support_start <= d &&
           (f->support_end == FACTS_NO_DAY || f->support_end >= d);
}

int64_t report_support_days(const case_facts *f, int32_t a, int32_t b)
{
    if (f->support_start == FACTS_NO_DAY)
        return 0;
    int64_t lo = f->support_start > a ? f->support_start : a;
    int64_t hi = f->support_end != FACTS_NO_DAY && f->support_end < b ? f->support_end : b;
    return hi >= lo ? hi - lo + 1 : 0;
}

int64_t report_other_costs(const case_facts *f, int32_t a, int32_t b)
{
    int64_t sum = 0;
    for (unsigned i = 0; i < f->n_costs; i++) {
        int32_t day;
        uint32_t pence;
        store_facts_cost(f, i, &day, &pence);
        /* Only the costs dated while the case was this row's council's (a transferred case). */
        if (day != FACTS_NO_DAY && day >= a && day <= b && store_facts_owns(f, day))
            sum += pence;
    }
    return sum;
}

int64_t report_other_costs_to(const case_facts *f, int32_t b)
{
    int64_t sum = 0;
    for (unsigned i = 0; i < f->n_costs; i++) {
        int32_t day;
        uint32_t pence;
        store_facts_cost(f, i, &day, &pence);
        if ((day == FACTS_NO_DAY || day <= b) && store_facts_owns(f, day))
            sum += pence;
    }
    return sum;
}
