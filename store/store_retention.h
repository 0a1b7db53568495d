/*
 * store_retention.h - retention policy, legal holds and the destruction of closed cases.
 *
 * Policy. Each council keeps closed cases for `retention_years` (on its organisation record; 1 to 25,
 * 6 when unset): a case is due for destruction on its closure date plus that many years (29 February
 * becomes 28 February in a year that is not a leap year) and is destroyed on or after that day.
 *
 * Due lists are not an index: they are computed by walking the council's report facts rows
 * (DB_CASE_FACTS, store_facts.h), which hold each case's status and closure day in a fixed layout and
 * are keyed by council. The walk decodes a few bytes per case and never parses a record, so it stays
 * bounded by the council's cases (a few thousand; the daily run walks every council, ~1 µs a row),
 * and there is nothing to keep in step when a case closes or reopens, a hold is placed or the
 * policy changes: the due date is always computed from the current closure date and policy.
 *
 * Legal holds: DB_HOLDS, case id -> {"reason","by","at"}. A held case is never destroyed.
 *
 * Destruction (store_case_destroy) removes, in the caller's one write transaction, everything a
 * case's writers wrote: its index entries and counters (case_index_apply with add = 0, the very code
 * an update runs to drop the old entries), its alerts and queries with their messages, lists and
 * counters (store_work_destroy_case), its history rows, its documents, its legal hold, email waiting
 * about it, and the record itself; its report facts become anonymous rows (store_facts.h). It leaves
 * a destruction record (DB_DESTRUCTIONS, u64 id):
 *   {"id","connect_id":"C123","council_id","closure_date","destroy_on","destroyed_at","policy_years",
 *    "run_id","counts":{"people","documents","history","alerts","queries","messages","emails"}}
 * and an audit event {"action":"case_destroyed","target":case id,"org":council,"destruction":id,
 * "run":run id}. Neither holds personal data.
 */
#ifndef CONNECT_STORE_RETENTION_H
#define CONNECT_STORE_RETENTION_H

#include <stdio.h>

#include "store.h"
#include "store_scrub.h"

#define RETENTION_DEFAULT_YEARS 6
#define RETENTION_MIN_YEARS 1
#define RETENTION_MAX_YEARS 25

/* store_case_destroy: the case is not closed, not yet due, or held (nothing was written). */
#define STORE_NOT_DUE (-40020)
/* store_case_destroy_duplicate: the case is not marked as a duplicate (nothing was written). */
#define STORE_NOT_DUPLICATE (-40021)

/* The council's policy in years (the default when unset). MDB_NOTFOUND: no such organisation. */
int store_retention_years(store *s, MDB_txn *txn, uint64_t council, int *years);
/* Sets it (RETENTION_MIN_YEARS..RETENTION_MAX_YEARS, else EINVAL). */
int store_retention_set_years(store *s, MDB_txn *txn, uint64_t council, int years);

/* The day (calendar_day number) a case closed on closure_day is due under a policy of `years`. */
long retention_destroy_day(long closure_day, int years);

/* Legal holds. get: MDB_NOTFOUND when the case has none. */
int store_hold_get(store *s, MDB_txn *txn, uint64_t case_id, json_t **out);
int store_hold_put(store *s, MDB_txn *txn, uint64_t case_id, const json_t *hold);
int store_hold_del(store *s, MDB_txn *txn, uint64_t case_id);

/* A closed case and when it is due. */
typedef struct {
    uint64_t case_id, council_id;
    long closure_day, destroy_day;
    int years;
    int held;
} retention_due_row;
typedef int (*retention_due_fn)(const retention_due_row *r, void *ctx);
/* Calls fn for every closed case of the council (0: every council) due on or before upto_day, held or
 * not, in council then Connect ID order; fn returns 0 to go on, anything else stops and is returned. */
int store_retention_due_each(store *s, MDB_txn *txn, uint64_t council, long upto_day, retention_due_fn fn,
                             void *ctx);

/* Destroys one case (see above) if it is closed, due on today (YYYY-MM-DD) and not held; else
 * STORE_NOT_DUE. at: ISO time of the destruction. *record (may be NULL) gets a new reference to the
 * destruction record. */
int store_case_destroy(store *s, MDB_txn *txn, uint64_t case_id, const char *today, const char *at,
                       const char *run_id, json_t **record);

/* The network admin's removal of a case marked as a duplicate (fcgi/API.md): the same destruction,
 * at once instead of after the policy's years, if the case is closed and marked (duplicate_of), else
 * STORE_NOT_DUPLICATE; a held case is STORE_NOT_DUE. The record adds "reason":"duplicate" and
 * "duplicate_of", has run_id "duplicate", and its audit event names the actor. */
int store_case_destroy_duplicate(store *s, MDB_txn *txn, uint64_t case_id, const char *today, const char *at,
                                 uint64_t actor, json_t **record);

/* The run: every case due on today and not held, each destroyed in its own write transaction (or,
 * dry_run, none). fn (may be NULL) gets each destruction record (dry run: the record that would be
 * written, without "id" and "counts"); *destroyed counts them. When it destroyed any, it then
 * scrubs the free pages (store_scrub.h: it reopens the store, so no other thread of the process may
 * use it during a run); *scrub (may be NULL) gets the scrub's figures (zero when none ran). */
typedef int (*retention_record_fn)(const json_t *record, void *ctx);
int store_retention_run(store *s, const char *today, const char *at, const char *run_id, int dry_run,
                        retention_record_fn fn, void *ctx, size_t *destroyed, store_scrub_stats *scrub);

/* Stores a destruction record of something other than a case (a NINo batch: "kind":"nino_batch",
 * store_nino.c) under the next destruction id, which it sets as rec's "id", so that the list and
 * its downloads show it beside the cases' in one order. */
int store_destruction_add(store *s, MDB_txn *txn, json_t *rec, uint64_t *id);

/* Destruction records of a council (0: all, which adds the NINo batches', which belong to no
 * council), newest first, ids < before (0: from the newest), at
 * most limit (0: all); *next the cursor of the next page (0: none). */
int store_destructions_list(store *s, MDB_txn *txn, uint64_t council, uint64_t before, size_t limit,
                            json_t **items, uint64_t *next);

/* The daily run's bookkeeping: the UK day (YYYY-MM-DD) of the last completed daily run ("" none). */
int store_retention_last_day(store *s, MDB_txn *txn, char out[11]);
int store_retention_set_last_day(store *s, MDB_txn *txn, const char *day);

/* The daily run (connectd's mail sender process calls it on every poll): once per UK day, at or after
 * 02:00 UK time, a run with run id "daily-YYYY-MM-DD"; the day is recorded in the store after the run,
 * so a restart neither skips nor repeats it (a run cut short is finished by the next poll: it only
 * ever destroys what is due). *ran is 1 when it ran now. now: epoch seconds (the test clock applies). */
#define RETENTION_DAILY_AFTER (2 * 3600)
int store_retention_daily(store *s, int64_t now, size_t *destroyed, int *ran, store_scrub_stats *scrub);

/* connectctl check: that nothing still points at a destroyed case: no record, history row, work
 * row or record, legal hold, facts row, name/DOB/HO reference/list index entry or waiting email; and
 * no document that no case lists. One line per problem to report; *destroyed how many records. */
int store_retention_verify(store *s, MDB_txn *txn, FILE *report, size_t *destroyed, size_t *problems);

#endif
