/* demo_nino.h - the demo's NINo batches, so that the NINo partner's designated users have real work:
 * one batch waiting to be downloaded (cut today), one received and due within 48 working hours, one
 * received long ago and overdue. */
#ifndef CONNECT_DEMO_NINO_H
#define CONNECT_DEMO_NINO_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Inside the demo seed's write; cases holds case ids of one council (at least 6: open cases the Home
 * Office has not touched, whose immigration page then records the grant that queued them), now the
 * seed's time. */
int demo_nino(store *s, MDB_txn *txn, const uint64_t *cases, size_t n, int64_t now);

#endif
