/*
 * report_perf.h - performance monitoring: the figures and chart series of fcgi/API.md "Reports" for
 * a period, over the case facts of one council or of every council.
 */
#ifndef CONNECT_REPORT_PERF_H
#define CONNECT_REPORT_PERF_H

#include "report.h"

typedef struct {
    const char *team;    /* NULL: any */
    uint64_t caseworker; /* 0: any */
    int legislation;     /* store code, 0: any */
} report_perf_filters;

/* The span report_performance accepts: from's month to to's month, at most this many months. */
#define REPORT_PERF_MONTHS_MAX 241

/* *out = {"from","to","figures":{…},"closures_by_reason":[…],"open_supported_by_month":[…]}
 * (the handler adds "filters"). Unfiltered but for the council, from the store's pre-aggregates
 * (store_perf.h); with a team, caseworker or legislation filter, from a pass over the facts. */
int report_performance(report_range *g, const report_perf_filters *f, MDB_txn *txn, json_t **out);
/* The same answer from a pass over the facts whatever the filters: the reference the pre-aggregates
 * are tested against. */
int report_performance_scan(report_range *g, const report_perf_filters *f, MDB_txn *txn, json_t **out);

#endif
