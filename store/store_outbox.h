/*
 * store_outbox.h - email waiting to be sent.
 *
 * A message is queued inside the write transaction of the change it reports, so it exists exactly
 * when the change does. The sender process (fcgi/mail_sender.c) claims it in a write transaction,
 * delivers it and deletes it in another once the relay has accepted it. Record (DB_OUTBOX, key: u64 id):
 *   {"to","subject","body","created_at":ISO,"not_before":epoch s,"next_at":epoch s,"attempts":n,
 *    "last_error":text|absent,"claimed_by":owner|absent,"lease_until":epoch s|absent}
 * A claim is a lease: until lease_until the message belongs to the sender that claimed it (its pid)
 * and no other claim can take it, so two senders never deliver the same message; a sender that dies
 * mid-send leaves the lease to run out, and the message is then claimable again (delivered at least
 * once, never by two senders at the same time). A failed attempt gives the claim up.
 * `not_before` is the first instant in UK working hours (uk_time.h) at or after queueing: nobody is
 * emailed at night or at weekends. Bodies name Connect IDs and kinds of items, never a person.
 *
 * After a failed attempt the message waits STORE_OUTBOX_FIRST_RETRY seconds, doubling with each
 * further failure up to STORE_OUTBOX_MAX_RETRY, and again never outside working hours. There is no
 * index on next_at: the outbox holds a handful of messages, and the sender walks it in id order.
 */
#ifndef CONNECT_STORE_OUTBOX_H
#define CONNECT_STORE_OUTBOX_H

#include "store.h"

#define STORE_OUTBOX_FIRST_RETRY 30
#define STORE_OUTBOX_MAX_RETRY 3600
#define STORE_OUTBOX_ERROR_MAX 300 /* bytes of last_error kept */
#define STORE_OUTBOX_LEASE 300 /* seconds a claim holds a message: well over a send's longest (60 s, mail_smtp.c) */

/* Queues one message (inside the caller's write transaction). now: epoch seconds. */
int store_outbox_add(store *s, MDB_txn *txn, const char *to, const char *subject, const char *body, int64_t now);

/* The lowest-id message whose next_at <= now and that no lease holds at now: its id and a new
 * reference to its record (caller json_decref). MDB_NOTFOUND when nothing is due. Reads only up to
 * the first due message. */
int store_outbox_next_due(store *s, MDB_txn *txn, int64_t now, uint64_t *id, json_t **msg);

/* Claims the message store_outbox_next_due would give (write transaction): sets claimed_by = owner
 * and lease_until = now + lease on it, and returns its id and a new reference to the claimed record.
 * MDB_NOTFOUND when nothing is due and free. */
int store_outbox_claim(store *s, MDB_txn *txn, int64_t now, int64_t owner, int64_t lease, uint64_t *id, json_t **msg);

/* Deletes a delivered message (write transaction). MDB_NOTFOUND when it is not there. */
int store_outbox_done(store *s, MDB_txn *txn, uint64_t id);

/* Records a failed attempt (write transaction): attempts + 1, last_error = error (cut to
 * STORE_OUTBOX_ERROR_MAX bytes on a UTF-8 boundary), next_at = the first working-hours instant at or
 * after now + store_outbox_backoff(attempts), also put in *next_at when next_at is not NULL; any
 * claim is released. */
int store_outbox_retry(store *s, MDB_txn *txn, uint64_t id, int64_t now, const char *error, int64_t *next_at);

/* Seconds to wait after the attempts-th failed attempt (attempts >= 1): 30, 60, 120 ... at most 3600. */
int64_t store_outbox_backoff(int64_t attempts);

/* Number of messages waiting. */
int store_outbox_count(store *s, MDB_txn *txn, size_t *n);

/* Up to `limit` messages in id order, without their bodies: a new array of
 * {"id","to","subject","created_at","attempts","next_at","last_error"|null}. */
int store_outbox_list(store *s, MDB_txn *txn, size_t limit, json_t **out);

/* Deletes every waiting message about case case_id (its link "/#/cases/ID" or "case CID" in the
 * subject or body), inside the destruction's write transaction; *n counts them. A walk of the
 * outbox, which holds a handful of messages. */
int store_outbox_forget_case(store *s, MDB_txn *txn, uint64_t case_id, size_t *n);
/* 1 when a waiting message is about case case_id (as store_outbox_forget_case decides). */
int store_outbox_is_about(const json_t *msg, uint64_t case_id);
#endif
