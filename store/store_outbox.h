/*
 * store_outbox.h - email waiting to be sent.
 *
 * A message is queued inside the write transaction of the change it reports, so it exists exactly
 * when the change does. The sender process (fcgi/mail_sender.c) delivers it and deletes it in a
 * write transaction once the relay has accepted it. Record (DB_OUTBOX, key: u64 id):
 *   {"to","subject","body","created_at":ISO,"not_before":epoch s,"next_at":epoch s,"attempts":n,
 *    "last_error":text|absent}
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

/* Queues one message (inside the caller's write transaction). now: epoch seconds. */
int store_outbox_add(store *s, MDB_txn *txn, const char *to, const char *subject, const char *body, int64_t now);

/* The lowest-id message whose next_at <= now: its id and a new reference to its record (caller
 * json_decref). MDB_NOTFOUND when nothing is due. Reads only up to the first due message. */
int store_outbox_next_due(store *s, MDB_txn *txn, int64_t now, uint64_t *id, json_t **msg);

/* Deletes a delivered message (write transaction). MDB_NOTFOUND when it is not there. */
int store_outbox_done(store *s, MDB_txn *txn, uint64_t id);

/* Records a failed attempt (write transaction): attempts + 1, last_error = error (cut to
 * STORE_OUTBOX_ERROR_MAX bytes on a UTF-8 boundary), next_at = the first working-hours instant at or
 * after now + store_outbox_backoff(attempts), also put in *next_at when next_at is not NULL. */
int store_outbox_retry(store *s, MDB_txn *txn, uint64_t id, int64_t now, const char *error, int64_t *next_at);

/* Seconds to wait after the attempts-th failed attempt (attempts >= 1): 30, 60, 120 ... at most 3600. */
int64_t store_outbox_backoff(int64_t attempts);

/* Number of messages waiting. */
int store_outbox_count(store *s, MDB_txn *txn, size_t *n);

/* Up to `limit` messages in id order, without their bodies: a new array of
 * {"id","to","subject","created_at","attempts","next_at","last_error"|null}. */
int store_outbox_list(store *s, MDB_txn *txn, size_t limit, json_t **out);

#endif
