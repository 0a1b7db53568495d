/* report_sla.c - the SLA report (fcgi/API.md "Reports"): answered alerts and query messages by
 * quarter, type and answering side, with nearest-rank median and 90th percentile of the working days
 * taken. Each group keeps a histogram, so memory depends on the number of groups, not of items. */
#include "report_sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "council_places.h"
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

static const char *const type_words[SLA_TYPES + 1] = {"", "New case", "Council update", "Case closed",
                                                       "Final outcome", "Query", "Urgent query"};

static double percent(const group *gr) { return gr->count ? (double)gr->within * 100.0 / (double)gr->count : 0; }

/* One decimal place, as the API shows it. */
static double one_place(double v) { return (double)(long long)(v * 10 + 0.5) / 10; }

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
    json_t *rows = json ? json_array() : NULL;
    if (!rc && json && !rows)
        rc = STORE_NOMEM;
    if (!rc && out)
        report_table_begin(out, "SLA", sla_cols, (int)(sizeof sla_cols / sizeof *sla_cols));
    for (size_t i = 0; !rc && i < n; i++) {
        group *gr = t.groups[i];
        if (!gr)
            continue;
        if (gr->n_long)
            qsort(gr->long_days, gr->n_long, sizeof *gr->long_days, cmp_u32);
        int q = t.base + (int)(i / (SLA_TYPES * SIDES)), type = (int)(i / SIDES % SLA_TYPES) + 1;
        const char *side = i % SIDES == 0 ? "ho" : "council";
        char quarter[32];
        snprintf(quarter, sizeof quarter, "%04d-Q%d", q / 4, q % 4 + 1);
        if (rows && json_array_append_new(
                        rows, json_pack("{s:s,s:s,s:s,s:I,s:I,s:f,s:I,s:I}", "quarter", quarter, "type",
                                        store_facts_sla_type_names[type], "answered_by", side, "count",
                                        (json_int_t)gr->count, "within", (json_int_t)gr->within, "percent_within",
                                        one_place(percent(gr)), "median_days", (json_int_t)percentile(gr, 50),
                                        "p90_days", (json_int_t)percentile(gr, 90))))
            rc = STORE_NOMEM;
        if (out) {
            report_cstr(out, quarter);
            report_cstr(out, type_words[type]);
            report_cstr(out, i % SIDES == 0 ? "Home Office" : "Council");
            report_int(out, (int64_t)gr->count);
            report_int(out, (int64_t)gr->within);
            report_decimal(out, one_place(percent(gr)), 1);
            report_int(out, percentile(gr, 50));
            report_int(out, percentile(gr, 90));
            report_row_end(out);
        }
    }
    if (out)
        report_table_end(out);
    for (size_t i = 0; i < n; i++)
        if (t.groups[i]) {
            free(t.groups[i]->long_days);
            free(t.groups[i]);
        }
    free(t.groups);
    if (json)
        *json = rc ? NULL : rows;
    if (rc)
        json_decref(rows);
    return rc;
}
