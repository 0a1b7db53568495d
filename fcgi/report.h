/*
 * report.h - what the reports share: who may see which report, the date range and council they asked
 * for, names of councils and caseworkers, and the money rules (fcgi/API.md "Reports"). Rows come from
 * the store's walks over case facts and SLA rows (store_facts.h).
 */
#ifndef CONNECT_REPORT_H
#define CONNECT_REPORT_H

#include <stdint.h>

#include "http.h"
#include "store_facts.h"

typedef enum {
    REPORT_DOWNLOAD,    /* finance, referrals, resolution: council admin (own), HO admin */
    REPORT_PERFORMANCE, /* every user; the Network sees national totals only */
    REPORT_SLA          /* HO users and admins, Network (national totals only) */
} report_kind;

typedef struct {
    http_req *r;
    int32_t from, to;   /* both included */
    int32_t today;      /* the UK date of the request */
    int32_t upto;       /* min(to, today): "to date" */
    uint64_t council;   /* 0: every council the caller may see */
    char council_name[804]; /* its name (200 characters of UTF-8), read once by report_params */
    char from_s[11], to_s[11];
} report_range;

/* Checks the caller's role for the kind and reads from, to and council. With defaults (performance
 * monitoring), a missing to is today and a missing from the first day of the month eleven months
 * earlier. 0, or -1 after answering the error. */
int report_params(http_req *r, report_kind kind, int defaults, report_range *out);
/* {"id","name"} of the range's council, or json null for every council (a new reference). */
json_t *report_council_json(const report_range *g);

/* Names of councils and users, read once per report (the cache grows with the number of distinct
 * councils and caseworkers, never with rows). */
typedef struct {
    store *s;
    MDB_txn *txn;
    json_t *cache; /* "c<id>" / "u<id>" -> name */
} report_names;

void report_names_init(report_names *n, store *s, MDB_txn *txn);
void report_names_free(report_names *n);
/* The name, or NULL (an empty cell) for id 0 or a record that is gone. */
const char *report_council_name(report_names *n, uint64_t id);
const char *report_user_name(report_names *n, uint64_t id);

/* ---- money and days ---- */

/* 1 when the case was supported on day d. */
int report_supported_on(const case_facts *f, int32_t d);
/* Days of [a, b] on which the case was supported (0 when none). */
int64_t report_support_days(const case_facts *f, int32_t a, int32_t b);
/* A weekly amount for days: weekly × days ÷ 7, rounded to the penny (half up). Inline: the
 * performance report costs every support span ending in its range with it. */
static inline int64_t report_weekly_cost(uint32_t weekly_pence, int64_t days)
{
    return ((int64_t)weekly_pence * days * 2 + 7) / 14;
}
/* Other costs dated in [a, b]. */
int64_t report_other_costs(const case_facts *f, int32_t a, int32_t b);
/* Other costs "to date" b: those dated up to b and those without a date (spent at some time). */
int64_t report_other_costs_to(const case_facts *f, int32_t b);

#endif
