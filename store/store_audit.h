/*
 * store_audit.h - the append-only audit log, chained by hash so that tampering shows.
 *
 * Each event is a JSON object the caller builds (at, actor, org, action, target, ...); append adds
 * "seq", "prev" (the previous event's hash, 64 zeros for the first) and "hash" = SHA-256 hex of
 * prev + the compact JSON of the event without "hash". Events hold ids and action names, never
 * passwords, tokens or personal data.
 */
#ifndef CONNECT_STORE_AUDIT_H
#define CONNECT_STORE_AUDIT_H

#include "store.h"

/* Appends `event` (modified in place: seq, prev and hash are set). Inside a write transaction. */
int store_audit_append(store *s, MDB_txn *txn, json_t *event);
/* Appends n events in order (each modified like store_audit_append), reading the chain's end and the
 * sequence once: the way to write a batch. */
int store_audit_append_many(store *s, MDB_txn *txn, json_t *const *events, size_t n);
/* Convenience: appends {"at","actor","org","action","target"} (0 ids are stored as null). */
int store_audit_add(store *s, MDB_txn *txn, const char *at, uint64_t actor, uint64_t org, const char *action,
                    uint64_t target);
/* Recomputes the chain; returns 0 when intact, STORE_CORRUPT and the first bad seq otherwise. */
int store_audit_verify(store *s, MDB_txn *txn, uint64_t *count, uint64_t *bad_seq);
/* The newest `limit` events matching action (NULL: any), newest first, as a new array. */
int store_audit_recent(store *s, MDB_txn *txn, const char *action, size_t limit, json_t **out);
/* Calls fn for every event about case_id, newest first, until fn returns non-zero (that value is
 * returned). An event is about a case when it names it: a case action's "target", a list's
 * "targets", or a download of one of its documents. */
int store_audit_case_each(store *s, MDB_txn *txn, uint64_t case_id, int (*fn)(const json_t *event, void *ctx),
                          void *ctx);

#endif
