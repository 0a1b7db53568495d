/* report_sla.c - the SLA report (fcgi/API.md "Reports"): answered alerts and query messages by
 * quarter, type and answering side, with nearest-rank median and 90th percentile of the working days
 * taken. Each group keeps a histogram, so memory depends on the number of groups, not of items. */
#include "report_sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "store_disclosure.h"
#include "store_nino.h"
#include "uk_time.h"
#include "council_places.h"
#include "nino_batch.h"
#include "work.h"

#define HIST 512 /* working days 0..511 counted in place; longer ones in a list */
#define SIDES 2

typedef struct {
    uint64_t count, within;
    uint32_t hist[HIST];
    uint32_t *long_days; /* values >= HIST, unsorted */
    size_t n_long, cap_long;
} group;

typedef struct {
    int base;    /* year*4 + quarter of `from` */
    int quarters;
    group **groups; /* [quarter][type-1][side] */
} sla_tally;

static int quarter_of(int32_t day)
{
    char d[11];
    calendar_date(day, d);
    return atoi(d) * 4 + (atoi(d + 5) - 1) / 3;
}

static int group_add(group *gr, long days, int within)
{
    gr->count++;
    gr->within += (uint64_t)within;
    if (days < HIST) {
        gr->hist[days]++;
        return 0;
    }
    if (gr->n_long == gr->cap_long) {
        size_t cap = gr->cap_long ? gr->cap_long * 2 : 16;
        uint32_t *p = realloc(gr->long_days, cap * sizeof *p);
        if (!p)
            return STORE_NOMEM;
        gr->long_days = p;
        gr->cap_long = cap;
    }
    gr->long_days[gr->n_long++] = (uint32_t)days;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The value at 1-based rank in the group's sorted values. */
static long at_rank(const group *gr, uint64_t rank)
{
    uint64_t seen = 0;
    for (long d = 0; d < HIST; d++) {
        seen += gr->hist[d];
        if (seen >= rank)
            return d;
    }
    return gr->n_long ? (long)gr->long_days[rank - seen - 1] : 0;
}

static long percentile(const group *gr, unsigned p)
{
    uint64_t rank = (p * gr->count + 99) / 100;
    return at_rank(gr, rank ? rank : 1);
}

typedef struct {
    report_range *g;
    MDB_txn *txn;
    const calendar *cal; /* England and Wales: the Home Office's side */
    council_places places;
    sla_tally *t;
} tally_ctx;

/* The calendar an answer is counted in: a council's answer in its nation's working days (API.md
 * "working days"), the Home Office's in England and Wales's. */
static int calendar_of(tally_ctx *c, const sla_row *row, const calendar **out)
{
    *out = c->cal;
    if (row->answered_by != 'c')
        return 0;
    const council_place *pl;
    int rc = council_places_get(&c->places, row->council_id, &pl);
    if (!rc && pl->division != CALENDAR_ENGLAND_AND_WALES)
        rc = work_calendar_of(c->g->r->st, c->txn, pl->division, out);
    return rc;
}

/* Adds one answered item to its group (store_facts_sla_each callback). */
static int tally_row(const sla_row *row, void *arg)
{
    tally_ctx *c = arg;
    if (c->g->council && row->council_id != c->g->council)
        return 0;
    const calendar *cal;
    int rc = calendar_of(c, row, &cal);
    if (rc)
        return rc;
    char raised[11], answered[11];
    calendar_date(row->raised_day, raised);
    calendar_date(row->answered_day, answered);
    int beyond = 0;
    long days = calendar_working_days_between(cal, raised, answered, &beyond);
    if (days < 0)
        days = 0;
    sla_tally *t = c->t;
    int q = quarter_of(row->answered_day) - t->base;
    if (q < 0 || q >= t->quarters)
        return 0;
    size_t at = ((size_t)q * SLA_TYPES + row->type - 1) * SIDES + (row->answered_by == 'h' ? 0 : 1);
    if (!t->groups[at] && !(t->groups[at] = calloc(1, sizeof(group))))
        return STORE_NOMEM;
    return group_add(t->groups[at], days, days <= row->allowed);
}

static int tally_rows(report_range *g, MDB_txn *txn, const calendar *cal, sla_tally *t)
{
    tally_ctx c = {.g = g, .txn = txn, .cal = cal, .t = t};
    council_places_init(&c.places, g->r->st, txn);
    int rc = store_facts_sla_each(g->r->st, txn, g->from, g->to, tally_row, &c);
    council_places_free(&c.places);
    return rc;
}

/* Disclosure requests the caller's organisation answered as the provider (store_disclosure.h): one
 * more group per quarter, by the quarter of the first decision, against the pair's agreed working
 * days. Not per council: they belong to no council, so a report narrowed to one leaves them out. */
typedef struct {
    report_range *g;
    const calendar *cal;
    sla_tally *t;
    group **groups; /* [quarter] */
} disclosure_tally;

/* Counts one item answered on day `on` (YYYY-MM-DD), raised on `from`, into its quarter's group when
 * the day lies in the report's range. */
static int tally_answered(disclosure_tally *c, const char *from, const char *on, int within)
{
    long day = calendar_day(on);
    if (day < c->g->from || day > c->g->to)
        return 0;
    int q = quarter_of((int32_t)day) - c->t->base, beyond = 0;
    if (q < 0 || q >= c->t->quarters)
        return 0;
    if (!c->groups[q] && !(c->groups[q] = calloc(1, sizeof(group))))
        return STORE_NOMEM;
    long days = calendar_working_days_between(c->cal, from, on, &beyond);
    return group_add(c->groups[q], days < 0 ? 0 : days, within);
}

static int tally_disclosure(const json_t *rec, void *arg)
{
    disclosure_tally *c = arg;
    const json_t *first = json_array_get(json_object_get(rec, "decisions"), 0);
    const char *sent = json_string_value(json_object_get(rec, "sent_on")),
               *on = json_string_value(json_object_get(first, "on")),
               *due = json_string_value(json_object_get(rec, "due"));
    if ((uint64_t)json_integer_value(json_object_get(rec, "providing_org_id")) != c->g->r->org_id || !sent || !on || !due)
        return 0;
    return tally_answered(c, sent, on, strcmp(on, due) <= 0);
}

/* NINo batches the partner completed (store_nino.h): one more group per quarter, by the quarter of
 * completion, from receipt, within when completed by the 48-working-hour due instant. National, like
 * the disclosure requests: left out of a report narrowed to one council. */
static int tally_nino(const json_t *b, void *arg)
{
    disclosure_tally *c = arg;
    const char *received = json_string_value(json_object_get(b, "received_at")),
               *done = json_string_value(json_object_get(b, "completed_at")),
               *due = json_string_value(json_object_get(b, "due"));
    char from[11], on[11];
    if (!received || !done || !due || uk_date_of_iso(received, from) || uk_date_of_iso(done, on))
        return 0;
    return tally_answered(c, from, on, strcmp(done, due) <= 0);
}

/* One decimal place, as the API shows it. */
static double one_place(double v) { return (double)(long long)(v * 10 + 0.5) / 10; }

/* The NINo rows are the Home Office's, over every council: a report narrowed to one leaves them out. */
static int nino_shown(const report_range *g)
{
    return !g->council && strcmp(g->r->org_kind, "home_office") == 0;
}

/* The batches received and not yet answered as of the request's now (test clock included): still
 * within their 48 working hours, or overdue. Counted by nino_count_open, as on the home pages. */
static int nino_open_now(report_range *g, MDB_txn *txn, int64_t *due, int64_t *overdue)
{
    nino_open_counts n;
    int rc = nino_count_open(g->r->st, txn, g->r->now, &n);
    *due = rc ? 0 : n.received - n.overdue;
    *overdue = rc ? 0 : n.overdue;
    return rc;
}

int report_sla_nino_open(report_range *g, MDB_txn *txn, json_t **out)
{
    *out = NULL;
    if (!nino_shown(g)) {
        *out = json_null();
        return 0;
    }
    int64_t due, overdue;
    int rc = nino_open_now(g, txn, &due, &overdue);
    if (rc)
        return rc;
    char at[21];
    http_iso_time(g->r->now, at);
    *out = json_pack("{s:s,s:I,s:I,s:I}", "as_of", at, "awaiting_results", (json_int_t)(due + overdue), "due",
                     (json_int_t)due, "overdue", (json_int_t)overdue);
    return *out ? 0 : STORE_NOMEM;
}

/* The download's last row: the open batches as of now, "within service level" the ones not yet
 * overdue; no working-day figures (nothing was answered). */
static int nino_open_row(report_range *g, MDB_txn *txn, report_out *out)
{
    int64_t due, overdue;
    int rc = nino_open_now(g, txn, &due, &overdue);
    if (rc)
        return rc;
    int64_t local = g->r->now + uk_offset(g->r->now);
    char day[11], when[48];
    uk_date(g->r->now, day);
    snprintf(when, sizeof when, "Open at %.2s/%.2s/%.4s %02d:%02d", day + 8, day + 5, day,
             (int)((local % 86400 + 86400) % 86400 / 3600), (int)((local % 3600 + 3600) % 3600 / 60));
    report_cstr(out, when);
    report_cstr(out, "NINo batch awaiting results");
    report_cstr(out, "NINo partner");
    report_int(out, due + overdue);
    report_int(out, due);
    report_decimal(out, due + overdue ? one_place((double)due * 100.0 / (double)(due + overdue)) : 0, 1);
    report_empty(out);
    report_empty(out);
    report_row_end(out);
    return 0;
}

static const char *const type_words[SLA_TYPES + 1] = {"", "New case", "Council update", "Case closed",
                                                       "Final outcome", "Query", "Urgent query"};

static double percent(const group *gr) { return gr->count ? (double)gr->within * 100.0 / (double)gr->count : 0; }


static const report_col sla_cols[] = {
    {"Quarter", REPORT_TEXT, 10},       {"Type", REPORT_TEXT, 16},
    {"Answered by", REPORT_TEXT, 13},   {"Count", REPORT_INT, 8},
    {"Within service level", REPORT_INT, 12}, {"% within", REPORT_DECIMAL, 10},
    {"Median working days", REPORT_INT, 12}, {"90th percentile working days", REPORT_INT, 14},
};

int report_sla(report_range *g, MDB_txn *txn, json_t **json, report_out *out)
{
    const calendar *cal;
    int rc = work_calendar(g->r->st, txn, &cal);
    if (rc)
        return rc;
    sla_tally t = {.base = quarter_of(g->from)};
    t.quarters = quarter_of(g->to) - t.base + 1;
    size_t n = (size_t)t.quarters * SLA_TYPES * SIDES;
    t.groups = calloc(n, sizeof *t.groups);
    if (!t.groups)
        return STORE_NOMEM;
    rc = tally_rows(g, txn, cal, &t);
    disclosure_tally dt = {.g = g, .cal = cal, .t = &t, .groups = calloc((size_t)t.quarters, sizeof(group *))};
    if (!rc && !dt.groups)
        rc = STORE_NOMEM;
    if (!rc && !g->council)
        rc = store_disclosure_each_of_org(g->r->st, txn, g->r->org_id, tally_disclosure, &dt);
    disclosure_tally nt = {.g = g, .cal = cal, .t = &t, .groups = calloc((size_t)t.quarters, sizeof(group *))};
    if (!rc && !nt.groups)
        rc = STORE_NOMEM;
    if (!rc && nino_shown(g))
        rc = store_nino_each(g->r->st, txn, tally_nino, &nt);
    json_t *rows = json ? json_array() : NULL;
    if (!rc && json && !rows)
        rc = STORE_NOMEM;
    if (!rc && out)
        report_table_begin(out, "SLA", sla_cols, (int)(sizeof sla_cols / sizeof *sla_cols));
    /* The alert and query groups of each quarter, then its disclosure requests, then its NINo batches. */
    for (size_t k = 0; !rc && k < n + 2 * (size_t)t.quarters; k++) {
        size_t quarter_n = (size_t)SLA_TYPES * SIDES + 2, qi = k / quarter_n, j = k % quarter_n;
        int nino = j == quarter_n - 1, disclosure = nino || j == quarter_n - 2;
        size_t i = qi * SLA_TYPES * SIDES + (disclosure ? 0 : j);
        if (qi >= (size_t)t.quarters)
            break;
        group *gr = nino ? nt.groups[qi] : disclosure ? dt.groups[qi] : t.groups[i];
        if (!gr)
            continue;
        if (gr->n_long)
            qsort(gr->long_days, gr->n_long, sizeof *gr->long_days, cmp_u32);
        int q = t.base + (int)qi, type = disclosure ? 0 : (int)(i / SIDES % SLA_TYPES) + 1;
        const char *side = nino ? "partner" : disclosure || i % SIDES == 0 ? "ho" : "council";
        char quarter[32];
        snprintf(quarter, sizeof quarter, "%04d-Q%d", q / 4, q % 4 + 1);
        if (rows && json_array_append_new(
                        rows, json_pack("{s:s,s:s,s:s,s:I,s:I,s:f,s:I,s:I}", "quarter", quarter, "type",
                                        nino         ? "nino_batch"
                                        : disclosure ? "disclosure_request"
                                                     : store_facts_sla_type_names[type],
                                        "answered_by", side, "count",
                                        (json_int_t)gr->count, "within", (json_int_t)gr->within, "percent_within",
                                        one_place(percent(gr)), "median_days", (json_int_t)percentile(gr, 50),
                                        "p90_days", (json_int_t)percentile(gr, 90))))
            rc = STORE_NOMEM;
        if (out) {
            report_cstr(out, quarter);
            report_cstr(out, nino ? "NINo batch" : disclosure ? "Disclosure request" : type_words[type]);
            report_cstr(out, side[0] == 'h' ? "Home Office" : side[0] == 'p' ? "NINo partner" : "Council");
            report_int(out, (int64_t)gr->count);
            report_int(out, (int64_t)gr->within);
            report_decimal(out, one_place(percent(gr)), 1);
            report_int(out, percentile(gr, 50));
            report_int(out, percentile(gr, 90));
            report_row_end(out);
        }
    }
    if (!rc && out && nino_shown(g))
        rc = nino_open_row(g, txn, out);
    if (out)
        report_table_end(out);
    for (size_t i = 0; i < n; i++)
        if (t.groups[i]) {
            free(t.groups[i]->long_days);
            free(t.groups[i]);
        }
    free(t.groups);
    for (int q = 0; dt.groups && q < t.quarters; q++)
        if (dt.groups[q]) {
            free(dt.groups[q]->long_days);
            free(dt.groups[q]);
        }
    free(dt.groups);
    for (int q = 0; nt.groups && q < t.quarters; q++)
        if (nt.groups[q]) {
            free(nt.groups[q]->long_days);
            free(nt.groups[q]);
        }
    free(nt.groups);
    if (json)
        *json = rc ? NULL : rows;
    if (rc)
        json_decref(rows);
    return rc;
}
