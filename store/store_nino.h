/*
 * store_nino.h - National Insurance number tracing (the NINo agreement between the Home Office and
 * DWP): the queue of people granted leave, the daily batches cut from it, their results, office
 * closure days and the destruction of batches after 14 months. Who may do what, the file formats and
 * the clock's rules live in fcgi/ (h_nino.c, nino_batch.c); this file keeps the records consistent
 * with their indexes.
 *
 * Queue (DB_NINO_QUEUE, u64 sequence, so key order is the order of the grants):
 *   {"case_id","person","grant_date","queued_at","t"(seconds),"information"?,"query_id"?}
 * Batch (DB_NINO_BATCHES, u64 id):
 *   {"id","number":"NINO-<id>","cut_at","day","count","status":"waiting"|"received"|"completed"|"destroyed",
 *    "people":[ROW…],"received_at"?,"received_by"?,"due"?,"due_beyond"?,"downloads":n,
 *    "completed_at"?,"destruction"?:{"at","people","run","record"}}
 *   ("record": the id of its destruction record in DB_DESTRUCTIONS, store_retention.h, of kind
 *   "nino_batch": {"id","kind","batch_id","number","cut_day","destroyed_at","run_id","keep_months","counts":{"people"}})
 *   ROW = {"n","case_id","person","given_names","family_name","date_of_birth","nationality",
 *          "ho_reference"?,"grant_date","nino"?(known before),"information"?,"query_id"?,
 *          "result"?:{"outcome":"traced"|"allocated"|"unconfirmed","nino"?,"reason"?,"at","by"}}
 *   The rows are a copy of what was sent: the file is rebuilt from them, whatever later happens to
 *   the case.
 * Index (DB_NINO_INDEX): 'o' | id while a batch waits for results (the due counters read only these),
 *   'k' | id while its people's data is kept (the daily destruction reads from the oldest).
 * Closure days (DB_NINO_CLOSURES, org id | "YYYY-MM-DD"): {"at","by","reason"?}.
 */
#ifndef CONNECT_STORE_NINO_H
#define CONNECT_STORE_NINO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

#define NINO_MIN_AGE 16
#define NINO_KEEP_MONTHS 14

/* Queues each person of the case aged NINO_MIN_AGE or over on grant_date ("YYYY-MM-DD") for the next
 * cut, in person order; *queued counts them. t is now in seconds, at its ISO form. */
int store_nino_enqueue_household(store *s, MDB_txn *txn, const json_t *case_rec, const char *grant_date,
                                 const char *at, int64_t t, size_t *queued);
/* Queues one person again, with the Home Office's further information (an unconfirmed result's
 * query answered). */
int store_nino_enqueue(store *s, MDB_txn *txn, uint64_t case_id, uint64_t person, const char *grant_date,
                       const char *at, int64_t t, const char *information, uint64_t query_id);
/* Cuts a batch of every queued person queued before `before` (seconds), in queue order, copying
 * their details from their cases (a person or case gone meanwhile is dropped). *id is the new batch,
 * 0 when nobody was queued. day: the UK date of the cut. */
int store_nino_cut(store *s, MDB_txn *txn, int64_t before, const char *at, const char *day, uint64_t *id);

int store_nino_get(store *s, MDB_txn *txn, uint64_t id, json_t **out);
/* Rewrites a batch (same id), moving its index entries with its status. */
int store_nino_put(store *s, MDB_txn *txn, const json_t *old, const json_t *neu);
/* Batches newest first, ids < before (0: from the newest): items (a new array of records), *next the
 * cursor of the next page (0: none), *total every batch. */
int store_nino_list(store *s, MDB_txn *txn, uint64_t before, size_t limit, json_t **items, uint64_t *next,
                    size_t *total);
/* Every batch waiting for results (received or not), oldest first: fn gets each record (borrowed). */
typedef int (*nino_batch_fn)(const json_t *batch, void *ctx);
int store_nino_open_each(store *s, MDB_txn *txn, nino_batch_fn fn, void *ctx);
/* The same with only the named top-level members of each batch (NULL-terminated, as
 * store_json_get_members): a batch holds its people, a counter reads its dates. */
int store_nino_open_each_members(store *s, MDB_txn *txn, const char *const *names, nino_batch_fn fn, void *ctx);
/* Every batch, oldest first (the SLA report: a few hundred a year, their people destroyed after 14
 * months but their dates kept). */
int store_nino_each(store *s, MDB_txn *txn, nino_batch_fn fn, void *ctx);
/* People waiting in the queue for the next cut. */
int store_nino_queued(store *s, MDB_txn *txn, size_t *n);

/* Office closure days. add 1 stores rec under org | day, 0 removes it (MDB_NOTFOUND when absent). */
int store_nino_closure_set(store *s, MDB_txn *txn, uint64_t org, const char *day, const json_t *rec, int add);
/* One organisation's closure days in date order: [{"date","at","by","reason"?}] (a new array). */
int store_nino_closures_of(store *s, MDB_txn *txn, uint64_t org, json_t **out);
/* Every closure day of every organisation as sorted, unique day numbers (calendar_day); *days is
 * malloc'd (NULL when none). The batch clock excludes them. */
int store_nino_closed_days(store *s, MDB_txn *txn, long **days, size_t *n);

/* `connectctl check`: every batch has its 'o' entry exactly while it waits for results and its 'k'
 * entry exactly while its data is kept, a destroyed one its destruction record, and no entry names a
 * missing batch. Each difference is a
 * line on report; *batches counts the batches, *problems the differences. */
int store_nino_verify(store *s, MDB_txn *txn, FILE *report, size_t *batches, size_t *problems);

/* The destruction: every batch cut before `cutoff` ("YYYY-MM-DD", NINO_KEEP_MONTHS before today)
 * loses its people (names, dates, numbers, results) and keeps a record {"at","people","run":"daily"};
 * each is audited "nino_batch_destroyed" with no actor. *n counts them. Its own writes. */
int store_nino_expire(store *s, const char *cutoff, const char *at, size_t *n);
/* Upgrade step: a batch destroyed before the destruction list showed batches gets its record now. */
int store_nino_destruction_migrate(store *s, MDB_txn *txn);
/* Batches whose people were destroyed (every batch less those kept: a walk of the kept ones). */
int store_nino_destroyed_count(store *s, MDB_txn *txn, size_t *n);

#endif
