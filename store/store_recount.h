/*
 * store_recount.h - recounting every counter from the records (connectctl check).
 *
 * The home page reads counters that each write keeps up to date in its own transaction. A recount
 * derives the same counters from scratch with the very functions the writes use (case_index_count,
 * store_work_count_item), tallies them in memory and compares the tally with DB_CASE_COUNT, so a
 * counter that drifted from its records is reported with both numbers.
 */
#ifndef CONNECT_STORE_RECOUNT_H
#define CONNECT_STORE_RECOUNT_H

#include <stdio.h>

#include "store.h"

/* Inside a read transaction. Writes one line per difference to report (may be NULL); *counters is
 * how many stored counters there are, *differences how many differ (missing or extra included). */
int store_recount(store *s, MDB_txn *txn, FILE *report, size_t *counters, size_t *differences);

#endif
