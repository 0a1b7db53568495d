/*
 * store_compact.h - rewriting data.mdb compacted, so nothing destroyed survives anywhere in the file.
 *
 * A destruction (store_retention.h) deletes records and store_scrub() zeroes the pages LMDB freed,
 * but LMDB 0.9 leaves old bytes in the unused middle of pages still in use: deleting a record from a
 * page moves the others without clearing the space it held, and a page copied for a write carries
 * whatever its buffer held in its gap. Only a rewrite of the whole file removes them.
 * store_compact() makes that rewrite and puts it in place of the live file:
 *
 *  1. It takes LMDB's own "environment in use" lock: an exclusive fcntl lock on the first byte of
 *     DIR/lock.mdb, the byte every process that has the environment open holds shared. If anyone
 *     has it open (a worker, the mail sender, a connectctl), it returns EBUSY and changes nothing.
 *     Holding it also makes any process that opens the store meanwhile wait in mdb_env_open.
 *  2. It opens data.mdb without LMDB's locking (MDB_NOLOCK: the lock is ours) and writes a compacted
 *     copy (mdb_env_copyfd2 with MDB_CP_COMPACT: live pages only, renumbered, each written from
 *     zeroed buffers and the live part of the page only) to DIR/data.mdb.compact, fsyncs it, and
 *     checks that it opens with the same number of records in the main database.
 *  3. It renames the copy over data.mdb and fsyncs the folder: the swap is atomic, so a crash at any
 *     point leaves either the old file or the new one, never half of either.
 *  4. Before letting go of the lock it opens the new file once with LMDB's locking: being the only
 *     user, LMDB resets the lock file's reader table and transaction id for the new file (a stale
 *     transaction id from the old file would make readers pick the wrong meta page). Then it closes.
 *
 * Every write committed before step 1 is in the copy, and none can commit during it, so nothing
 * acknowledged is lost. The caller must not have the store open in this process (LMDB's fcntl locks
 * belong to the process). connectd runs it in a child of the master with the workers and the mail
 * sender stopped (fcgi/connectd.c); `connectctl retention run` asks connectd for it, or runs it
 * itself when connectd is not running.
 *
 * The outcome of every attempt is written to DIR/compact.json ({"sequence","finished_at","result",
 * "message","bytes_before","bytes_after","seconds"}), replaced atomically, so whoever asked can see
 * that it ran and how it went.
 */
#ifndef CONNECT_STORE_COMPACT_H
#define CONNECT_STORE_COMPACT_H

#include <stdint.h>

typedef struct {
    uint64_t sequence;     /* attempts so far, this one included (from compact.json) */
    int64_t bytes_before;  /* data.mdb's size before */
    int64_t bytes_after;   /* and after (equal to before when nothing was swapped) */
    double seconds;        /* wall time of the attempt */
} store_compact_stats;

/* Compacts DIR/data.mdb in place as above. 0 when the compacted file is in place; EBUSY when another
 * process has the store open; otherwise an LMDB code or errno, with the live file untouched. The
 * outcome is recorded in DIR/compact.json whatever it is; stats may be NULL. */
int store_compact(const char *dir, store_compact_stats *stats);

/* The sequence number recorded in DIR/compact.json (0 when there is none yet): a caller that asked
 * another process to compact reads it before asking and waits for it to change. */
uint64_t store_compact_sequence(const char *dir);

/* 1 when the last attempt recorded in DIR/compact.json did not succeed (busy or failed): the daily
 * run then asks again even on a day it destroyed nothing. */
int store_compact_pending(const char *dir);

#endif
