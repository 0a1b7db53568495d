/*
 * store_work.h - alerts and queries: the work the councils and the Home Office owe each other.
 *
 * Both are "items" of a case. Records (JSON, key u64 id):
 *   alert (DB_ALERTS): {"id","case_id","council_id","type","to":"ho"|"council","raised_at","raised_by",
 *     "due"?,"due_from"?,"due_days"?,"due_beyond"?,"fields":[…]?,"outcome":{…}?,"open":bool,
 *     "cleared_at"?,"cleared_by"?,"cleared_how"?}
 *   query (DB_QUERIES): {"id","case_id","council_id","category","urgent":bool,"urgent_reason"?,
 *     "opened_by":"council"|"ho","opened_at","status":"open"|"closed","awaiting":"council"|"ho"?,
 *     "due"?,"due_from"?,"due_days"?,"due_beyond"?,"messages":[{"id","at","by","side","text"}],
 *     "closed_at"?,"closed_by"?}
 * A due date is recomputable: it is `due_days` working days after `due_from` (store_work_recompute_due
 * runs that after a new calendar is imported).
 *
 * While an item is open it is in a *bucket* of the side that owes it something:
 *   HO:      'n' new case, 'u' council update, 'x' case closed (alerts), 'q' query awaiting the HO
 *   council: 'i' immigration update, 'c' closure required, 'f' final outcome, 's' support ended,
 *            'b' NINo result (alerts),
 *            'r' query response (the council's own query, answered), 'h' new HO query
 * and in the side's catch-all bucket 'A' (alerts) or 'Q' (queries). Each bucket is listed by
 * DB_WORK_OPEN (scope | side | bucket | ~id, newest first; scope = the council and 0 = every council)
 * and counted in DB_CASE_COUNT, in the same transaction as the change:
 *   scope | 'k' | side bucket                 open items
 *   council | 'm' | "caseworker:" side bucket  the same for the case's caseworker ("my cases")
 *   scope | 'd' | side ":" due                 open items due that day (overdue = the days before today)
 *   0 | 'D' | side ":" due ":" council         the same per council (the HO's "by council" table)
 *   council | 'e' | "caseworker:" side ":" due
 *   scope | 'u' | side 'A'/'Q' ":" due         every open alert / query due that day (the totals of
 *                                             the overdue and due-today lists)
 * Sides are the characters 'h' (Home Office) and 'c' (council).
 * Every item, open or not, is also listed under scope | '*' | kind | ~id (value: caseworker, side,
 * bucket of its type, open flag, due) for the lists of cleared and closed items.
 */
#ifndef CONNECT_STORE_WORK_H
#define CONNECT_STORE_WORK_H

#include "calendar.h"
#include "case_index.h"
#include "store_case.h"
#include "store.h"

#define WORK_ALERT 'a'
#define WORK_QUERY 'q'
#define WORK_SIDE_HO 'h'
#define WORK_SIDE_COUNCIL 'c'

/* Side character of an item's bucket and the bucket (0 when the item is not open). */
char store_work_bucket(char kind, const json_t *item, char *side);
/* Bucket of an alert type ("new_case" ...), 0 when unknown. */
char store_work_alert_bucket(const char *type);

int store_work_get(store *s, MDB_txn *txn, char kind, uint64_t id, json_t **out);
/* Stores a new item (id assigned into rec and *id), listing and counting it under the case's
 * caseworker `worker` (0: none). */
int store_work_create(store *s, MDB_txn *txn, char kind, json_t *rec, uint64_t worker, uint64_t *id);
/* Replaces `old` by `rec` (same id), moving its list entries and counters. */
int store_work_put(store *s, MDB_txn *txn, char kind, const json_t *old, const json_t *rec, uint64_t worker);
/* Moves an item to another case: `rec` is `old` with the new case_id (and council_id); its case row,
 * list entries and counters move from the old case's caseworker to the new one's (0: none). */
int store_work_move(store *s, MDB_txn *txn, char kind, const json_t *old, const json_t *rec, uint64_t old_worker,
                    uint64_t new_worker);
/* Every item of a kind on a case, newest first (a new array). */
int store_work_of_case(store *s, MDB_txn *txn, uint64_t case_id, char kind, json_t **items);
/* The case's caseworker changed: moves its open items' "my cases" counters. */
int store_work_reallocate(store *s, MDB_txn *txn, uint64_t case_id, uint64_t old_worker, uint64_t new_worker);
/* Hands every counter of an open item (delta +1) to sink, writing nothing (connectctl check). */
int store_work_count_item(char kind, const json_t *item, uint64_t worker, case_count_sink sink, void *ctx);

/* Destroys every alert and query of a case (store_retention.h): their list entries and counters
 * (with the case's caseworker `worker`), records and DB_CASE_WORK rows go, their SLA rows become
 * anonymous under destruction_id. Adds what went to *alerts, *queries and *messages. */
int store_work_destroy_case(store *s, MDB_txn *txn, uint64_t case_id, uint64_t worker, uint64_t destruction_id,
                            size_t *alerts, size_t *queries, size_t *messages);

/* Sets an item's due date: `days` working days after `from` (members due, due_from, due_days and
 * due_beyond, true when the date lies after the calendar's last year). */
int store_work_due(json_t *item, const calendar *cal, const char *from, int days);
/* The division whose bank holidays an item's clock counts: a clock on the council's side (an alert
 * "to" the council, a query "awaiting" it) counts its council's nation's (store_org_division); the
 * Home Office's side counts England and Wales's. */
int store_work_due_division(store *s, MDB_txn *txn, const json_t *item, calendar_division *out);
/* Recomputes the due date of every open item with the calendars, one per division (after an import);
 * *changed counts the items whose date moved. */
int store_work_recompute_due(store *s, MDB_txn *txn, const calendar cals[CALENDAR_DIVISIONS], size_t *changed);

/* Due-date filters of a list. */
typedef enum { WORK_DUE_ANY, WORK_DUE_OVERDUE, WORK_DUE_TODAY } work_due;

typedef enum { WORK_STATE_OPEN, WORK_STATE_CLOSED, WORK_STATE_ALL } work_state;

typedef struct {
    uint64_t scope;    /* council id, or 0 for every council */
    char side, bucket; /* bucket 'A' / 'Q' for every alert / query of the side */
    work_state state;  /* not open: `kind` says which items; side 0 / bucket 'A','Q' any */
    char kind;
    uint64_t worker;   /* 0 any */
    work_due due;
    const char *today; /* YYYY-MM-DD, for the due filters */
    uint64_t before;   /* cursor: only ids < before; 0 from the newest */
    size_t limit;
} work_list_query;

/* Upgrade step: the counters of open alerts / queries by due date ('u') of a store written before
 * them (meta "work_due_counts"); a no-op once done. */
int store_work_due_counts_migrate(store *s, MDB_txn *txn);
/* Upgrade step: the counters of dated open alerts / queries by side and council ('C') of a store
 * written before them (meta "work_council_due_counts"); a no-op once done. */
int store_work_council_due_migrate(store *s, MDB_txn *txn);

/* Open items of one bucket, newest first: ids[0..*n), *total in all, *next cursor (0: none). */
int store_work_list(store *s, MDB_txn *txn, const work_list_query *q, uint64_t *ids, size_t *n, size_t *total,
                    uint64_t *next);

/* Open items of a bucket in scope (worker 0: all). */
int store_work_count(store *s, MDB_txn *txn, uint64_t scope, char side, char bucket, uint64_t worker,
                     uint64_t *out);
/* Open items of a side due before today and due today, in scope (worker 0: all). */
int store_work_due_counts(store *s, MDB_txn *txn, uint64_t scope, char side, uint64_t worker, const char *today,
                          uint64_t *overdue, uint64_t *due_today);
/* One council's overdue and due-today items of a side. */
typedef struct {
    uint64_t council, overdue, due_today;
} work_council_due;
/* Per council, for one side: the councils with any overdue or due today, in no particular order, in
 * *rows (the caller frees it; NULL when *n is 0). */
int store_work_due_by_council(store *s, MDB_txn *txn, char side, const char *today, work_council_due **rows,
                              size_t *n);
/* Sum of a dated counter (DATED_SUPPORT_START ...) over values "prefix" + date with date <= last
 * (YYYY-MM-DD): whole years before last's year, whole months before its month, then its days. */
int store_count_dated(store *s, MDB_txn *txn, uint64_t scope, dated_facets f, const char *prefix, const char *last,
                      uint64_t *out);

#endif
