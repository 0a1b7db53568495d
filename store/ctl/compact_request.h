/*
 * compact_request.h - getting data.mdb compacted (store_compact.h) from the command line, whether or
 * not connectd is running on the data folder.
 *
 * connectd's workers and mail sender keep the store open, so a compaction can only happen while they
 * are stopped: when connectd holds DATA/connectd.lock we send its master SIGUSR2 (it stops them, runs
 * the compaction in a child and starts them again; fcgi/connectd.c) and wait until DATA/compact.json
 * records a new attempt; when it does not, we compact ourselves. The caller must have closed its own
 * store first (LMDB's locks are per process: our open environment would count as "in use").
 */
#ifndef CONNECT_COMPACT_REQUEST_H
#define CONNECT_COMPACT_REQUEST_H

#include "store_compact.h"

/* 0 when the compacted file is in place (stats filled, by connectd or by us); EBUSY when the store
 * was in use by another process; ETIMEDOUT when connectd did not answer within timeout_s; ESRCH when
 * the lock's holder cannot be signalled; otherwise the compaction's error. who says which did it. */
int compact_request(const char *data, int timeout_s, store_compact_stats *stats, const char **who);

#endif
