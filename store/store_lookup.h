/*
 * store_lookup.h - the audit of RTPF look-ups and the per-user hourly limit.
 *
 * Every look-up is one row (DB_LOOKUPS: org id | u64 sequence, listed newest first for the
 * organisation's admin): {"seq","at","user_id","org_id","document_type","number_hash","matched"}.
 * The number itself is never stored: number_hash is an HMAC-SHA256 of "type:normalised number"
 * under the data folder's lookup.key, so an admin can see that two look-ups asked for the same
 * document without the store ever holding it. DB_USER_LOOKUPS holds the times of each user's
 * look-ups of the last hour (older ones are dropped as new ones come), each with the user's running
 * ordinal (u64; entries written before ordinals were kept have an empty value), so that counting the
 * hour's look-ups takes two seeks however high the limit ($CONNECT_LOOKUP_LIMIT) is set.
 */
#ifndef CONNECT_STORE_LOOKUP_H
#define CONNECT_STORE_LOOKUP_H

#include "store.h"

#define LOOKUP_WINDOW_SECONDS 3600

/* How many look-ups the user made in the hour before `now` (at most `enough`: the count is the
 * difference of the ordinals of the first entry in the hour and the newest; entries without ordinals
 * are walked, at most `enough` of them), and the time of the oldest of them; drops older entries
 * (inside a write transaction). */
int store_lookup_recent(store *s, MDB_txn *txn, uint64_t uid, int64_t now, unsigned enough, unsigned *count,
                        int64_t *oldest);
/* Records a look-up (row and the user's time), inside a write transaction. */
int store_lookup_add(store *s, MDB_txn *txn, int64_t now, const char *at, uint64_t uid, uint64_t org,
                     const char *doc_type, const char *number_hash, int matched);
/* The organisation's rows, newest first, with sequence < before (0: newest); *next 0 at the end. */
int store_lookup_list(store *s, MDB_txn *txn, uint64_t org, uint64_t before, size_t limit, json_t **items,
                      uint64_t *next, size_t *total);
/* Every row (of any organisation) whose number_hash is one of hashes[n], oldest first per
 * organisation, as a new array; a full walk of the rows (subject access only). */
int store_lookup_matching(store *s, MDB_txn *txn, const char *const *hashes, size_t n, json_t **out);

#endif
