/*
 * record_cache.h - per-thread caches of what authenticating a request costs most: session tokens
 * already verified, and records (users, organisations) already parsed.
 *
 * Neither skips a check whose input may have changed:
 *  - A token's signature, algorithm and claims are a function of its bytes and the key (fixed for the
 *    life of the process), so a token seen verified before is verified again by comparing its bytes
 *    in full; the time checks (auth_jwt_current) are made on every request. Whether the session still
 *    exists (sign-out, revocation, password change) is read from the store every time (session.c).
 *  - A record is parsed again unless its stored bytes, read in the request's own transaction, are
 *    byte for byte those it was parsed from: a role change, a disabled user, an organisation renamed,
 *    any write at all to the record, gives new bytes and a fresh parse.
 * What the record cache hands out is shared with later requests of the same thread: callers must
 * treat it as read-only (http.h says so of r->user and r->org).
 * Each thread has its own entries (no locks); they are freed when the thread ends.
 */
#ifndef CONNECT_RECORD_CACHE_H
#define CONNECT_RECORD_CACHE_H

#include <jansson.h>
#include <stddef.h>

#include "auth_jwt.h"
#include "store.h"

/* 1 and *c filled when this thread verified exactly this token before (record_cache_token_put);
 * 0 otherwise. The caller still checks the times (auth_jwt_current). */
int record_cache_token(const char *token, auth_claims *c);
/* Remembers that token verified to claims c (only ever call it after auth_jwt_verify succeeded). */
void record_cache_token_put(const char *token, const auth_claims *c);

/* The record under (db, 8-byte key) in txn, parsed, as a new reference: the parse cached for the
 * same stored bytes, or a fresh one (then kept). 0; MDB_NOTFOUND or an LMDB error; STORE_CORRUPT
 * when the bytes are not JSON; STORE_NOMEM. */
int record_cache_get(store *s, MDB_txn *txn, store_db db, uint64_t id, json_t **out);

/* Forgets everything this thread cached (tests). */
void record_cache_clear(void);

#endif
