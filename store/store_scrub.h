/*
 * store_scrub.h - overwriting with zeros what LMDB freed, so destroyed data leaves the live file.
 *
 * LMDB never overwrites a page it frees: a deleted record, or the old copy of a page a write
 * replaced, stays in data.mdb as it was until a later write happens to reuse that page. After a
 * destruction (store_retention.h) the destroyed case's names, records and documents would therefore
 * remain in the live file's free pages. store_scrub() fills every page LMDB can reuse with zeros:
 *
 *  1. It reopens the environment (store_reopen), because LMDB recycles its in-memory page buffers
 *     between write transactions without clearing them, and a page written later carries whatever
 *     its buffer held in its unused middle; after the reopen every buffer is a freshly zeroed one or
 *     one of the scrub's own pages.
 *  2. Fill: in one write transaction it puts records of exactly one overflow page of zeros each
 *     (page size - 16 bytes of page header) under increasing keys into DB_SCRUB, until a record's page
 *     is a new one at the end of the file rather than a reused free page (its page number, read from
 *     the page header in front of the MDB_RESERVE space, is beyond the last page of the committed
 *     state); then commits. So every free page LMDB may reuse now is written with zeros, and the file
 *     grows by one page at most.
 *  3. Empty: a second write transaction drops DB_SCRUB's contents and commits; the pages it frees
 *     hold zeros (overflow pages) or the scrub's own keys (its leaf and branch pages).
 *  4. Steps 2 and 3 run once more: the first pass cannot reuse the pages that pass itself frees (the
 *     old copies of the free list and database roots it rewrote), nor pages a reader still saw while
 *     it ran (LMDB reuses a freed page only when no open read transaction is older than the free).
 *
 * What remains afterwards: pages held by a read transaction open across both passes, and the unused
 * middle of live pages; the compaction that follows a destruction (store_compact.h) removes both.
 *
 * Call it after the destruction transactions have committed, with no transaction of this process
 * open and no other thread using the store (the reopen). On an error from the reopen the store is
 * unusable (store_internal.h).
 */
#ifndef CONNECT_STORE_SCRUB_H
#define CONNECT_STORE_SCRUB_H

#include <stddef.h>

#include "store.h"

typedef struct {
    size_t pages;      /* free pages overwritten with zeros, both passes */
    size_t free_after; /* pages on LMDB's free list afterwards (all hold zeros or scrub keys) */
    double seconds;    /* wall time, reopen included */
} store_scrub_stats;

int store_scrub(store *s, store_scrub_stats *stats);

#endif
