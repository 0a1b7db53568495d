/*
 * store_throttle.h - the sign-in throttle: failed password checks counted per user name, whether or
 * not an account has that name, so that the answers tell an attacker nothing and nobody can lock an
 * account for good.
 *
 * Rules (also in README.md and fcgi/API.md):
 *  - STORE_THROTTLE_FAILS failures on one user name in a row throttle it: 15 minutes for the first
 *    round, 30 for the second, 60 for the third and every later one (STORE_THROTTLE_MAX_SECONDS).
 *  - While a name is throttled nothing is checked: attempts are refused and not counted.
 *  - A name is forgotten (a fresh start) when nothing has failed on it for an hour, or, once it has
 *    been throttled, for a day after its last throttle or failure. Old records are pruned as new
 *    failures are written, and at most STORE_THROTTLE_RECORDS are kept (the soonest to expire go
 *    first), so random names cannot fill the disk.
 *  - A success on the name (a right password) or an admin's unlock clears it.
 *
 * Records are keyed by HMAC-SHA256 of the folded (ASCII lower-case) name under a random key kept in
 * the store (DB_META "throttle_key", made by the first failure): the names people typed, which may
 * be mistyped passwords or personal data, are never stored.
 *   DB_THROTTLE:      32-byte name hash -> {"fails","round","until","last"} (unix seconds)
 *   DB_THROTTLE_AGE:  u64 expiry | 32-byte name hash -> empty (the pruning order)
 */
#ifndef CONNECT_STORE_THROTTLE_H
#define CONNECT_STORE_THROTTLE_H

#include "store.h"

#define STORE_THROTTLE_FAILS 5
#define STORE_THROTTLE_FIRST_SECONDS (15 * 60)
#define STORE_THROTTLE_MAX_SECONDS (60 * 60)
#define STORE_THROTTLE_FORGET_UNTHROTTLED (60 * 60)
#define STORE_THROTTLE_FORGET_THROTTLED (24 * 60 * 60)
#define STORE_THROTTLE_RECORDS 100000

/* *until = the end of the name's throttle when it is throttled at `now`, else 0. Read or write
 * transaction. */
int store_throttle_until(store *s, MDB_txn *txn, const char *name, int64_t now, int64_t *until);
/* Counts one failure on `name` at `now` (write transaction). *until = the end of its throttle when
 * the name is throttled after this call (already throttled: the failure is not counted), else 0;
 * *began = 1 when this failure started the throttle. */
int store_throttle_fail(store *s, MDB_txn *txn, const char *name, int64_t now, int64_t *until, int *began);
/* Forgets every failure on `name` (write transaction). 0 also when there was nothing to forget. */
int store_throttle_clear(store *s, MDB_txn *txn, const char *name);
/* How many names have a record (for tests). */
int store_throttle_count(store *s, MDB_txn *txn, size_t *count);

#endif
