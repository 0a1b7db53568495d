/*
 * store_perf.h - the pre-aggregates behind performance monitoring (fcgi/report_perf.c).
 *
 * The Home Office's all-councils report used to read every case facts row (a million rows: 200 ms).
 * Instead, every write of a facts row (store_facts.c) applies, in the same transaction, the
 * difference between what the old row and the new row add to these tallies (DB_PERF):
 *
 *   'D' | scope (BE) | day (BE, offset) -> tally vector of the day (below)
 *   'M' | scope (BE) | month (BE)       -> the sum of the month's 'D' vectors
 *   'S' | council | end month | start month -> the support spans with an end (perf_span) in those months
 *   'C' | 0 | end month | start month       -> the sums over every council's spans in those months (cell)
 *
 * scope is a council id, or 0 for the sum over every council. A tally vector holds, per day d, either
 * deltas (a figure "on day D" is the sum of the vectors up to D: open referrals, open supported, the
 * thousand-day cases) or events (a figure "in a range" is the sum over the range: referrals, closures
 * by reason, ended support and its days, dated other costs), all as report_perf.c's scan counts them
 * from the rows store_facts_cases_each hands out. The weekly costs of a case are rounded per case
 * over the days it is counted, which no sum of days gives: support with no end is tallied by its
 * start day, per (weekly amount mod 7, start mod 7) with the sums of the amounts and of amount ×
 * start, which is enough to round each case exactly; support with an end is listed as a span under
 * the months it starts and ends, so that a report reads only the spans ending in or after its range;
 * for every council, each (end month, start month) cell also sums its spans (their costs from start to
 * end, amounts, amount × end and × start, counts by amount mod 7 and end or start mod 7), so that the
 * Home Office's report costs the cells that lie wholly on one side of `from` and of `to` without
 * reading their spans, and reads the spans of the few months that hold `from` or `to`.
 *
 * Days outside 1900-01-01..2100-12-31 (the reports' limits) are folded into the first or dropped.
 * The vectors are stored sparse: (uint16 slot, int64 value, host order) pairs, slots ascending, no
 * zero; a row whose tallies are all zero is deleted, so a recount gives the same bytes. The layout is
 * versioned by DB_META "perf_version": store_upgrade() builds the tables when it is missing
 * (store_perf_migrate), and `connectctl check` compares them with a recount (store_perf_verify).
 * While it is missing (during a facts rebuild) writes leave the tables alone and the report scans.
 */
#ifndef CONNECT_STORE_PERF_H
#define CONNECT_STORE_PERF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_facts.h"

#define PERF_VERSION "1"
#define PERF_DAY_LO (-25567) /* 1900-01-01 */
#define PERF_DAY_HI 47846    /* 2100-12-31 */
#define PERF_REASONS 11      /* closure reason codes 0 (none or unknown) to 10 */
/* Per weekly amount (subsistence, then accommodation) of support with no end: 49 counts by
 * (amount mod 7) * 7 + (start day mod 7), then the sum of the amounts and of amount × start day. */
#define PERF_OPEN_SLOTS 51
#define PERF_OPEN_SUM 49
#define PERF_OPEN_SUM_BY_START 50

/* The slots of a tally vector. */
enum {
    PERF_OPEN_REFERRAL, /* deltas */
    PERF_OPEN_SUPPORTED,
    PERF_THOUSAND_DAY,
    PERF_REFERRALS, /* events */
    PERF_CLOSURES,  /* PERF_REASONS slots, by reason code */
    PERF_ENDED = PERF_CLOSURES + PERF_REASONS,
    PERF_ENDED_DAYS,
    PERF_COSTS,
    PERF_OPEN, /* 2 × PERF_OPEN_SLOTS, by the day support started */
    PERF_TALLIES = PERF_OPEN + 2 * PERF_OPEN_SLOTS
};
typedef int64_t perf_tallies[PERF_TALLIES];

/* The slots of a cell, per weekly amount (subsistence, then accommodation). */
enum {
    PERF_CELL_COST,         /* sum of each span's cost from its start to its end */
    PERF_CELL_SUM,          /* sum of the amounts */
    PERF_CELL_SUM_BY_END,   /* sum of amount × end day */
    PERF_CELL_SUM_BY_START, /* sum of amount × start day */
    PERF_CELL_BY_END,       /* 49 counts by (amount mod 7) * 7 + (end day mod 7) */
    PERF_CELL_BY_START = PERF_CELL_BY_END + 49, /* 49 counts by (amount mod 7) * 7 + (start day mod 7) */
    PERF_CELL_KIND = PERF_CELL_BY_START + 49,
    /* Then, once per cell: the number of spans by the day of the month (0 to 30) they end, and start,
     * so that a cell in the month of `from` or `to` that lies wholly on one side of it is still summed. */
    PERF_CELL_END_DAY = 2 * PERF_CELL_KIND,
    PERF_CELL_START_DAY = PERF_CELL_END_DAY + 31,
    PERF_CELL_SLOTS = PERF_CELL_START_DAY + 31
};

/* Month numbers (year × 12 + month − 1) of days, and back. */
int32_t store_perf_month(int32_t day);
int32_t store_perf_month_first_day(int32_t month);

/* Support with an end, as the row's council had it (store_facts_cases_each's cut). */
typedef struct {
    int32_t start, end;
    uint32_t weekly_subsistence, weekly_accommodation;
} perf_span;

/* 1 in *ready when the tables are built and kept (perf_version current). */
int store_perf_ready(store *s, MDB_txn *txn, int *ready);
/* out[i] = the sum of the 'D' vectors of the council (0: every council) dated up to days[i]. */
int store_perf_sums(store *s, MDB_txn *txn, uint64_t council, const int32_t *days, size_t n, perf_tallies *out);
/* Calls fn with the spans of the council (0: every council) ending in from_day's month or later, a
 * month's list at a time: n spans of PERF_SPAN_SIZE bytes at p (read them with perf_span_at). */
#define PERF_SPAN_SIZE 16
typedef int (*store_perf_span_fn)(const unsigned char *p, size_t n, void *ctx);
/* Calls fn with the spans of every council ending in end_month (and starting in start_month, unless it is
 * INT32_MIN). */
int store_perf_spans_in(store *s, MDB_txn *txn, int32_t end_month, int32_t start_month, store_perf_span_fn fn,
                        void *ctx);
/* Calls fn with every council's cells (PERF_CELL_SLOTS values) of spans ending in from_day's month or
 * later. */
typedef int (*store_perf_cell_fn)(int32_t end_month, int32_t start_month, const int64_t *cell, void *ctx);
int store_perf_cells_each(store *s, MDB_txn *txn, int32_t from_day, store_perf_cell_fn fn, void *ctx);
static inline void perf_span_at(const unsigned char *p, size_t i, perf_span *out)
{
    memcpy(out, p + i * PERF_SPAN_SIZE, PERF_SPAN_SIZE);
}
int store_perf_spans_each(store *s, MDB_txn *txn, uint64_t council, int32_t from_day, store_perf_span_fn fn,
                          void *ctx);

/* What replacing the facts row old by neu (either NULL: none; both of one council) changes, applied
 * in the write transaction. Called by store_facts.c for every row it writes or deletes. */
int store_perf_row_change(store *s, MDB_txn *txn, const case_facts *old, const case_facts *neu);
/* Stops the tables being kept (a facts rebuild is about to rewrite every row); store_perf_build
 * starts them again. */
int store_perf_suspend(store *s, MDB_txn *txn);
/* Derives the tables anew from every facts row and sets perf_version. */
int store_perf_build(store *s, MDB_txn *txn);
/* Builds when perf_version is missing or old (a step of store_upgrade.c). */
int store_perf_migrate(store *s, MDB_txn *txn);
/* Recounts the tables from the facts rows and compares (connectctl check): one line per difference
 * on report (may be NULL); *rows is how many rows the recount gives, *differences how many are
 * missing, differ or were not expected. */
int store_perf_verify(store *s, MDB_txn *txn, FILE *report, size_t *rows, size_t *differences);

#endif
