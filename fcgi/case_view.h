/* case_view.h - the API's shapes of a stored case: CASE and CASE_SUMMARY (fcgi/API.md). Stored ids
 * of users and councils are turned into {"id","name"} within the caller's transaction. */
#ifndef CONNECT_CASE_VIEW_H
#define CONNECT_CASE_VIEW_H

#include <jansson.h>

#include "store.h"

json_t *case_view(store *s, MDB_txn *txn, const json_t *rec);
/* The same, consuming `rec` (no copy: for the hot read path). */
json_t *case_view_take(store *s, MDB_txn *txn, json_t *rec);
/* Names looked up once per request: a page of 50 summaries repeats the same councils and caseworkers. */
typedef struct {
    size_t n;
    uint64_t ids[64];
    json_t *refs[64];
} case_ref_cache;
void case_ref_cache_free(case_ref_cache *c);

/* CASE_SUMMARY; the caches may be NULL. */
json_t *case_summary(store *s, MDB_txn *txn, const json_t *rec, case_ref_cache *councils, case_ref_cache *users);
/* {"id","name"} of a user (deleted users keep their name), or null. */
json_t *case_user_ref(store *s, MDB_txn *txn, const json_t *id);

/* {"id","name"} of the record's council. */
json_t *case_council_ref(store *s, MDB_txn *txn, const json_t *rec);
/* "C<id>": the Connect ID of a case record. */
json_t *case_connect_id(const json_t *rec);

#endif
