/* store_upgrade.c - the list of upgrade steps, owned here rather than by the environment (store.c), so
 * that the storage core does not depend on the modules built on it. */
#include "store_upgrade.h"

#include "store_audit.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_nino.h"
#include "store_org.h"
#include "store_perf.h"
#include "store_work.h"

/* One step: brings one derived layout up to date inside the write transaction; a no-op when current. */
typedef int (*upgrade_step_fn)(store *s, MDB_txn *txn);

/* In the order they must run; a new layout adds its step at the end. */
static const upgrade_step_fn upgrade_steps[] = {
    /* The reports' facts rows (facts_version). Version 3 added the earlier closures of reopened cases:
     * the rebuild backfills them from each case record's previous_closures, the case's own history of
     * closures and reopenings, so a store written before counts every past closure in its period. */
    store_facts_migrate,
    store_audit_index_migrate, /* the audit log's indexes (audit_index_version) */
    store_case_support_end_migrate, /* open cases by support end date (support_end_index) */
    store_org_nation_migrate, /* councils written before nations existed are in England */
    store_nino_destruction_migrate, /* NINo batches destroyed before the destruction list showed them */
    store_perf_migrate, /* the performance report's pre-aggregates (perf_version), from the facts rows */
    store_case_name_counts_migrate, /* the name index's per-token counts (name_token_counts) */
    store_work_due_counts_migrate, /* open alerts and queries by due date (work_due_counts) */
    store_work_council_due_migrate, /* dated open alerts and queries by council (work_council_due_counts) */
};

static int upgrade_write(store *s, MDB_txn *txn, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof upgrade_steps / sizeof upgrade_steps[0]; i++) {
        int rc = upgrade_steps[i](s, txn);
        if (rc)
            return rc;
    }
    return 0;
}

int store_upgrade(store *s)
{
    return store_write(s, upgrade_write, NULL);
}
