/*
 * store_upgrade.h - bringing a store written by an older Connect up to this one's layout.
 *
 * store_open() only opens the environment and checks its schema version; it knows nothing of what the
 * layers above derive from the records. Those derived layouts (today: the reports' facts rows,
 * store_facts.h) are brought up to date by store_upgrade(), which every program that opens a store runs
 * once, right after store_open() and before it reads or writes anything else: connectd's workers and
 * mail sender, connectctl, the unit-test fixture.
 *
 * Each step looks at its own version key in DB_META and does nothing when the store is current, so an
 * upgrade is idempotent. All steps run in one write transaction (store_write: all or nothing, the map
 * grows when it must); LMDB lets one writer in at a time, so when several processes open the same store
 * at once the first upgrades it and the others find it current.
 */
#ifndef CONNECT_STORE_UPGRADE_H
#define CONNECT_STORE_UPGRADE_H

#include "store.h"

/* Runs every upgrade step (see above). 0, or the first failing step's store code. */
int store_upgrade(store *s);

#endif
