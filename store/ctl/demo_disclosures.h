/* demo_disclosures.h - the demo's disclosure requests between the Home Office and DWP's Case
 * Management Group, in several states, so that every demo user of either has work waiting. */
#ifndef CONNECT_DEMO_DISCLOSURES_H
#define CONNECT_DEMO_DISCLOSURES_H

#include "store.h"

/* Inside the demo seed's write; the organisations and users exist already. */
int demo_disclosures(store *s, MDB_txn *txn, const char *at);

#endif
