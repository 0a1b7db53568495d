/*
 * store_transfer.h - a case moving to another council: the request and its answer.
 *
 * Record (DB_TRANSFERS, key u64 id):
 *   {"id","case_id","from_council_id","to_council_id","status":"pending"|"accepted"|"declined",
 *    "requested_at","requested_by","answered_at"?,"answered_by"?,"decline_reason"?,"caseworker_id"?,
 *    "facts_at_transfer"? (accepted: the case's report facts as they were, store_facts_snapshot, from
 *    which the sender's frozen facts row is derived)}
 * Listed in DB_TRANSFER_INDEX under both councils ('o' | org | ~id, newest first) and under the case
 * ('c' | case | ~id), so a council's list and "does this case have a pending transfer" never read
 * other councils' records. The councils of a transfer never change, so neither do its index entries.
 *
 * A transfer of a destroyed case keeps only what a destruction record may keep:
 *   {"id","from_council_id","to_council_id","status","requested_at","answered_at"?,"case_destroyed":true}
 * (no case id, snapshot, users or reason), its 'c' entries are gone and its frozen facts row is
 * anonymous (store_facts_transfer_anonymise).
 */
#ifndef CONNECT_STORE_TRANSFER_H
#define CONNECT_STORE_TRANSFER_H

#include "store.h"

/* Stores a new transfer (id assigned into rec and *id) and its index entries. */
int store_transfer_create(store *s, MDB_txn *txn, json_t *rec, uint64_t *id);
int store_transfer_get(store *s, MDB_txn *txn, uint64_t id, json_t **out);
/* Rewrites a transfer (same id and councils). */
int store_transfer_put(store *s, MDB_txn *txn, const json_t *rec);
/* Transfers naming the council, newest first, ids < before (0: from the newest): ids[0..*n) (room for
 * limit), *next the cursor of the next page (0: none). */
int store_transfer_of_org(store *s, MDB_txn *txn, uint64_t org, uint64_t before, size_t limit, uint64_t *ids,
                          size_t *n, uint64_t *next);
/* Strips every transfer of case_id as above, in the destruction's write; *n counts them. */
int store_transfer_forget_case(store *s, MDB_txn *txn, uint64_t case_id, uint64_t destruction_id, size_t *n);
/* The case's pending transfer id, or 0. */
int store_transfer_pending(store *s, MDB_txn *txn, uint64_t case_id, uint64_t *id);

#endif
