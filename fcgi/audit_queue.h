/*
 * audit_queue.h - audit events for reads (disclosures) and refused accesses, written in batches.
 *
 * A case view, history read, document download or search changes nothing, so it has no write
 * transaction to carry its audit event (nor has a refusal); one durable write per read would serialise every read
 * behind the disk. Instead each worker queues the event in memory, and appends it to its journal
 * (audit_journal.h) before the read is answered, and a flusher thread appends the queue to the
 * hash-chained audit log in batches. A worker killed outright loses nothing: the next worker to
 * start writes what its journal holds beyond the last batch. A power loss can take the journal's
 * lines of the last AUDIT_FLUSH_MS: the flusher fdatasyncs the journal that often. A batch is written
 * when the reads pause (no event in the last AUDIT_FLUSH_MS), or under a steady stream of them once
 * its oldest event has waited AUDIT_COMMIT_MS or AUDIT_BATCH_MAX are queued, and at stop: fewer,
 * larger batches cost each read less (one commit's index pages and syncs shared by more).
 * Without a journal (its folder cannot be written, or the disk filled) the queue writes a batch every
 * AUDIT_FLUSH_MS, and a worker killed outright loses the events of that last while.
 *
 * Under load the reads can queue events faster than one thread writes them (a list of 50 cases is
 * one event with 50 indexed targets). So a transaction takes at most AUDIT_BATCH_MAX events, and the
 * flusher writes batch after batch until the queue is empty: other writes (a look-up, a case
 * create) take their turn between batches instead of waiting behind one transaction of everything.
 * And a read that finds AUDIT_QUEUE_SOFT_MAX events queued waits (at most AUDIT_QUEUE_WAIT_MS) for
 * the flusher to catch up before it queues its own: the reads slow to the rate the audit log is
 * written, and the queue's memory stays bounded. That wait is the exception: the flusher thread runs
 * AUDIT_FLUSHER_NICE_AHEAD nice levels ahead of the workers, so that it gets the CPU it needs to keep
 * up instead of an equal share with the threads that fill its queue.
 */
#ifndef CONNECT_AUDIT_QUEUE_H
#define CONNECT_AUDIT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define AUDIT_FLUSH_MS 200
#define AUDIT_COMMIT_MS 1000
#define AUDIT_BATCH_MAX 4096
#define AUDIT_QUEUE_SOFT_MAX 16384
#define AUDIT_QUEUE_WAIT_MS 1000
/* How far ahead of the workers the flusher runs, in nice levels (audit_queue.c, flusher_priority). */
#define AUDIT_FLUSHER_NICE_AHEAD 10

/* Refused accesses (access_refusal.h) are folded per user: the first refusal of a kind opens a
 * window of AUDIT_FOLD_SECONDS and is queued at once; the refusals of the same kind in that window
 * are counted into one more event, queued when the window ends. */
#define AUDIT_FOLD_SECONDS 60
#define AUDIT_FOLD_TARGETS 20 /* distinct target ids a folded event lists */
#define AUDIT_FOLD_MAX 4096   /* open windows per process; beyond that each refusal is its own event */

/* Starts the flusher for this process's store, first replaying the journals of workers that
 * stopped without writing theirs (in <data_dir>/audit-journal; data_dir NULL: no journal, events
 * kept in memory only). 0 on success. */
int audit_queue_start(store *s, const char *data_dir);
/* Queues one event {"at","actor","org","action","target"}. */
void audit_queue_add(int64_t at, uint64_t actor, uint64_t org, const char *action, uint64_t target);
/* Queues one event {"at","actor","org","action","target", ...extra}: extra's members are added (a
 * download's "case", an export's "filter"); extra is taken (decref'd) whatever happens. */
void audit_queue_add_with(int64_t at, uint64_t actor, uint64_t org, const char *action, uint64_t target,
                          json_t *extra);
/* Queues one event {"at","actor","org","action","targets":[ids]} (a page of search results).
 * councils (NULL: unknown) is each target's council as the reader saw it: the writer indexes the
 * event under them instead of reading every case again (store_audit.h, "_councils"). */
void audit_queue_add_many(int64_t at, uint64_t actor, uint64_t org, const char *action, const uint64_t *targets,
                          const uint64_t *councils, size_t n);
/* Queues an "access_refused" event, folded as above. The kind of the fold is (actor, status, kind,
 * method, route): {"at","actor","org","action":"access_refused","status","kind","route":"GET /api/...",
 * "target","count":1} at once, then for the rest of the window {..., "since", "targets":[ids],
 * "count":N} with `at` the last refusal and `since` the first of the N. The counts add up to the
 * refusals. Each worker process folds on its own, so a user probing one route makes at most
 * 2 x workers events a minute. */
void audit_queue_refusal(int64_t at, uint64_t actor, uint64_t org, int status, const char *kind, const char *method,
                         const char *route, uint64_t target);
/* Flushes what is queued (and every open window of refusals) and stops the flusher; the journal is
 * removed once all is written (kept for the next start when the log could not be written). */
void audit_queue_stop(void);

#endif
