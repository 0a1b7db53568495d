/*
 * audit_journal.h - the audit queue's events on disk until they are in the audit log.
 *
 * The audit queue (audit_queue.h) keeps a read's event in memory until its flusher writes a batch to
 * the hash-chained log. Without more, a worker killed outright (kill -9, the OOM killer, a crash)
 * loses the events it had queued. So each event is also appended, as it is queued and before the
 * read is answered, to this process's journal: one line "<seq> <event JSON>\n" written with one
 * write() to a file in <data>/audit-journal/. A write() is in the page cache when it returns, so the
 * line outlives the process that wrote it; only a power loss can take the lines not yet synced, and
 * the flusher fdatasyncs them every AUDIT_FLUSH_MS (audit_queue.c).
 *
 * Each batch the flusher writes records, in the same transaction, the journal's highest seq it holds
 * (DB_META "audit_journal:<id>", audit_journal_mark), so what the log has is known exactly: a
 * journal's events with seq above its mark are the ones not yet written. A process holds an
 * exclusive flock on its journal files while it lives; a starting worker replays the journals that
 * no process holds (audit_journal_replay): their events above the mark go to the log, the files are
 * removed, then the mark. Replaying twice is harmless (the mark skips what is written), so a worker
 * killed in the middle of a replay loses nothing either.
 *
 * Files: <data>/audit-journal/<id>.<gen>.jnl, id 16 hex digits, random per process (the mark's key),
 * gen counting up from 1. A file is made and locked as <name>.tmp and only then renamed, so that no
 * starting worker ever finds a live process's journal unlocked. The journal is emptied (truncated) whenever everything in it is written;
 * when a load never lets the queue empty, it goes on in a new file once it holds
 * AUDIT_JOURNAL_ROTATE_BYTES, and the old one is removed as soon as its events are all written.
 * Events hold ids, action names and times only (store_audit.h), and the files are the owner's only.
 *
 * Not thread-safe by itself: the queue calls append and settle with its mutex held, and sync and
 * close from the flusher (which is the only thread that rotates or closes the files).
 */
#ifndef CONNECT_AUDIT_JOURNAL_H
#define CONNECT_AUDIT_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define AUDIT_JOURNAL_DIR "audit-journal"
#define AUDIT_JOURNAL_ROTATE_BYTES (64u << 20)
/* A journal being made (".tmp") older than this, and unlocked, is a dead maker's: the next replay
 * removes it. */
#define AUDIT_JOURNAL_TMP_STALE_S 60
/* After a failed append, a new journal is tried at most this often (seconds). */
#define AUDIT_JOURNAL_RETRY_S 60
#define AUDIT_JOURNAL_MARK_PREFIX "audit_journal:"

/* The size at which a journal goes on in a new file: AUDIT_JOURNAL_ROTATE_BYTES (tests lower it). */
extern uint64_t audit_journal_rotate_bytes;

/* Opens this process's journal in <data_dir>/audit-journal (made if missing), or goes on with the
 * one a stop kept. 0, or -1 with a message on stderr: the queue then works without it, as before
 * journals. */
int audit_journal_open(const char *data_dir);
/* 1 when the journal is open and has not failed since (append, sync and mark do something). */
int audit_journal_active(void);
/* Appends event `seq` (its compact JSON text[0..len), one line). 0, or -1 when the write failed
 * (a full disk): the journal is then off (with one message), the event is still queued, and the
 * next settle that finds every event written starts a new journal (at most once a
 * AUDIT_JOURNAL_RETRY_S). $CONNECT_TEST_JOURNAL_FAIL (tests only) names a file while which exists
 * every append fails so. */
int audit_journal_append(uint64_t seq, const char *text, size_t len);
/* fdatasync of what was appended since the last sync (nothing when nothing was). */
void audit_journal_sync(void);
/* In a batch's transaction: the journal's events up to seq are in the log. */
int audit_journal_mark(store *s, MDB_txn *txn, uint64_t seq);
/* After a batch is durable: every event up to `written` is in the log, and `assigned` is the highest
 * seq appended. Empties the journal when the two meet, starts a new file when it has grown past
 * AUDIT_JOURNAL_ROTATE_BYTES, and removes old files whose events are all written; a journal that
 * failed is replaced by a new one when the two meet. */
void audit_journal_settle(uint64_t written, uint64_t assigned);
/* No more appends (the queue calls it with its mutex held, at stop, before it closes). */
void audit_journal_deactivate(void);
/* At a stop. written_all (every event is in the log): removes the files, then the mark. Otherwise
 * syncs them and keeps them open and locked: the queue still holds their events and writes them if
 * the process goes on (audit_journal_open then goes on with the same journal); if it exits, the lock
 * goes with it and the next start replays them. */
void audit_journal_close(store *s, int written_all);
/* The journals no live process holds, in <data_dir>/audit-journal: their events not yet in the log
 * are appended to it (in batches of at most batch_max), then the files and marks are removed; marks
 * left without a journal are removed too. *replayed counts the events written. 0, or a store error
 * (the files are kept for the next start). */
int audit_journal_replay(store *s, const char *data_dir, size_t batch_max, size_t *replayed);

#endif
