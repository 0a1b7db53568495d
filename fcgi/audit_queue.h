/*
 * audit_queue.h - audit events for reads (disclosures), written in batches.
 *
 * A case view, history read, document download or search changes nothing, so it has no write
 * transaction to carry its audit event; one durable write per read would serialise every read
 * behind the disk. Instead each worker queues the event in memory and a flusher thread appends the
 * queue to the hash-chained audit log every AUDIT_FLUSH_MS in one transaction (and at stop). A worker
 * killed outright loses at most the events of its last AUDIT_FLUSH_MS.
 */
#ifndef CONNECT_AUDIT_QUEUE_H
#define CONNECT_AUDIT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define AUDIT_FLUSH_MS 200

/* Starts the flusher for this process's store. 0 on success. */
int audit_queue_start(store *s);
/* Queues one event {"at","actor","org","action","target"}. */
void audit_queue_add(int64_t at, uint64_t actor, uint64_t org, const char *action, uint64_t target);
/* Queues one event {"at","actor","org","action","targets":[ids]} (a page of search results). */
void audit_queue_add_many(int64_t at, uint64_t actor, uint64_t org, const char *action, const uint64_t *targets,
                          size_t n);
/* Flushes what is queued and stops the flusher. */
void audit_queue_stop(void);

#endif
