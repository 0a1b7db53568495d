/*
 * ref_text.h - the {"id","name"} texts of councils and users that case answers print in place of the
 * stored ids (case_council_ref, case_user_ref), for answers written as text (json_text.h).
 *
 * Each thread keeps the texts it has printed, one slot per council or user, with the stored bytes of
 * the record each was made from: a text is used again only while those bytes are unchanged (the rule
 * of fcgi/record_cache.h), so a renamed council or caseworker shows at once.
 */
#ifndef CONNECT_REF_TEXT_H
#define CONNECT_REF_TEXT_H

#include "json_members.h"
#include "json_text.h"
#include "store.h"

/* Appends council id's {"id","name"} (name null when there is no such council). 0 or STORE_NOMEM. */
int ref_text_council(store *s, MDB_txn *txn, long long id, json_text *out);
/* Appends user id's {"id","name"} (deleted users keep their name), or null when id <= 0. */
int ref_text_user(store *s, MDB_txn *txn, long long id, json_text *out);
/* The same for a user id as it is stored (v: its JSON text; absent or null: null). 0, STORE_NOMEM, or
 * REF_TEXT_SHAPE when the value is neither null nor a whole number (the caller prints through jansson
 * then, as case_user_ref would read it). */
#define REF_TEXT_SHAPE (-1)
int ref_text_user_slice(store *s, MDB_txn *txn, json_slice v, json_text *out);
/* Forgets this thread's texts (tests). */
void ref_text_clear(void);

#endif
