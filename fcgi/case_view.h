/* case_view.h - the API's shapes of a stored case: CASE and CASE_SUMMARY (fcgi/API.md). Stored ids
 * of users and councils are turned into {"id","name"} within the caller's transaction. */
#ifndef CONNECT_CASE_VIEW_H
#define CONNECT_CASE_VIEW_H

#include <jansson.h>

#include "store.h"

json_t *case_view(store *s, MDB_txn *txn, const json_t *rec);
/* What the view puts back as null when a stored object leaves it out (NULL-terminated), and the view's
 * members in the API's order (shared with case_view_text.c, which must print the same). */
extern const char *const case_person_keys[], *const case_immigration_keys[], *const case_finance_keys[],
    *const case_closure_keys[], *const case_cost_keys[], *const case_doc_keys[], *const case_view_order[];
/* The same, consuming `rec` (no copy: for the hot read path). */
json_t *case_view_take(store *s, MDB_txn *txn, json_t *rec);
/* CASE_SUMMARY (the lists write it as text: case_summary_text.h). */
json_t *case_summary(store *s, MDB_txn *txn, const json_t *rec);
/* {"id","name"} of a user (deleted users keep their name), or null. */
json_t *case_user_ref(store *s, MDB_txn *txn, const json_t *id);

/* {"id","name"} of the record's council. */
json_t *case_council_ref(store *s, MDB_txn *txn, const json_t *rec);
/* The view's "retention" member, {"destroy_on","legal_hold"}, of a record holding at least id,
 * council_id, status and closure.closure_date. */
json_t *case_retention(store *s, MDB_txn *txn, const json_t *rec);
/* "C<id>": the Connect ID of a case record. */
json_t *case_connect_id(const json_t *rec);

#endif
