/*
 * store_mi_run.h - the Home Office's weekly MI report runs, and the final outcomes waiting for one.
 *
 * The SLA counts the HO's deadline for telling a council of a final outcome from "the first weekly MI
 * report run after the decision", not from the decision itself; an HO admin records each run. Both
 * live in DB_META, which every store has, because they are a few dozen small entries a year:
 *   "mi_run:" YYYY-MM-DD          -> {"date","recorded_at","recorded_by"}   (date order = key order)
 *   "mi_wait:" alert id (BE u64)  -> empty: a final_outcome alert raised before any run on or after
 *                                    its decision date, whose due date the next such run sets.
 */
#ifndef CONNECT_STORE_MI_RUN_H
#define CONNECT_STORE_MI_RUN_H

#include "store.h"

/* Stores a run (rec has "date"); MDB_KEYEXIST when that date is recorded already. */
int store_mi_run_add(store *s, MDB_txn *txn, const json_t *rec);
/* Every run, newest first (a new array). */
int store_mi_run_list(store *s, MDB_txn *txn, json_t **out);
/* The date of the first run on or after `date` into out (11 bytes), or out[0] = 0 when none. */
int store_mi_run_first_from(store *s, MDB_txn *txn, const char *date, char out[11]);

/* Marks / unmarks an alert as waiting for a run (unmarking an unmarked one is not an error). */
int store_mi_wait_put(store *s, MDB_txn *txn, uint64_t alert_id);
int store_mi_wait_del(store *s, MDB_txn *txn, uint64_t alert_id);
/* The waiting alerts' ids (a new array of integers, ascending). */
int store_mi_wait_list(store *s, MDB_txn *txn, json_t **out);

#endif
