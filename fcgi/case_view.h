/* case_view.h - the API's shapes of a stored case: CASE and CASE_SUMMARY (fcgi/API.md). Stored ids
 * of users and councils are turned into {"id","name"} within the caller's transaction. */
#ifndef CONNECT_CASE_VIEW_H
#define CONNECT_CASE_VIEW_H

#include <jansson.h>

#include "store.h"

json_t *case_view(store *s, MDB_txn *txn, const json_t *rec);
json_t *case_summary(store *s, MDB_txn *txn, const json_t *rec);
/* {"id","name"} of a user (deleted users keep their name), or null. */
json_t *case_user_ref(store *s, MDB_txn *txn, const json_t *id);

#endif
