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
 */
#ifndef CONNECT_STORE_OUTBOX_H
#define CONNECT_STORE_OUTBOX_H

#include "store.h"

/* Queues one message (inside the caller's write transaction). now: epoch seconds. */
int store_outbox_add(store *s, MDB_txn *txn, const char *to, const char *subject, const char *body, int64_t now);

#endif
