/* store_check.c - the whole-store consistency check (see store_check.h). */
#include "store_check.h"
#include "store_nino.h"
#include "store_org.h"
#include "store_internal.h" /* check_users reads the user tables and their sizes directly */

#include <inttypes.h>
#include <string.h>

#include "store_audit.h"
#include "store_facts.h"
#include "store_perf.h"
#include "store_recount.h"
#include "store_retention.h"

/* Checks that every live user is in both user indexes and each index entry points back to it. */
static int check_users(store *s, MDB_txn *txn, FILE *report, size_t *live)
{
    int problems = 0;
    *live = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_USERS, NULL, 0);
    while (store_iter_next(&it)) {
        json_error_t err;
        json_t *u = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        uint64_t id = store_u64_from(it.key.mv_data), idx;
        const char *name = json_string_value(json_object_get(u, "username"));
        if (!u || !name) {
            fprintf(report, "user %" PRIu64 ": record does not parse\n", id);
            problems++;
        } else if (!json_object_get(u, "deleted_at")) {
            (*live)++;
            if (store_u64_get(s, txn, DB_USER_NAME, name, strlen(name), &idx) || idx != id) {
                fprintf(report, "user %" PRIu64 ": missing from the user-name index\n", id);
                problems++;
            }
        }
        json_decref(u);
    }
    if (store_iter_end(&it, 0))
        return -1;
    MDB_stat st;
    if (mdb_stat(txn, store_dbi(s, DB_USER_NAME), &st) == 0 && st.ms_entries != *live) {
        fprintf(report, "user-name index has %zu entries for %zu live users\n", (size_t)st.ms_entries, *live);
        problems++;
    }
    if (mdb_stat(txn, store_dbi(s, DB_ORG_USERS), &st) == 0 && st.ms_entries != *live) {
        fprintf(report, "organisation-user index has %zu entries for %zu live users\n", (size_t)st.ms_entries, *live);
        problems++;
    }
    return problems;
}

/* The problems one check adds: 1 when it could not run (said on report), else its differences, at most
 * 1000. */
static int tally(FILE *report, int rc, const char *what, size_t differences)
{
    if (rc) {
        fprintf(report, "cannot %s: %s\n", what, store_strerror(rc));
        return 1;
    }
    return (int)(differences > 1000 ? 1000 : differences);
}

int store_check(store *s, FILE *report, store_check_result *res)
{
    memset(res, 0, sizeof *res);
    MDB_txn *txn;
    int rc = store_read_begin(s, &txn);
    if (rc) {
        res->rc = rc;
        return -1;
    }
    int problems = check_users(s, txn, report, &res->live_users);
    if (problems < 0) {
        fprintf(report, "cannot read the users\n");
        problems = 1;
    }
    uint64_t bad = 0;
    rc = store_audit_verify(s, txn, &res->audit_events, &bad);
    if (rc == STORE_CORRUPT) {
        fprintf(report, "audit chain broken at event %" PRIu64 "\n", bad);
        problems++;
    } else if (rc) {
        fprintf(report, "cannot verify the audit chain: %s\n", store_strerror(rc));
        problems++;
    }
    size_t differences = 0, fact_diffs = 0, leftovers = 0;
    rc = store_recount(s, txn, report, &res->counters, &differences);
    problems += tally(report, rc, "recount the counters", differences);
    rc = store_facts_verify(s, txn, report, &res->facts_rows, &fact_diffs);
    problems += tally(report, rc, "verify the report facts", fact_diffs);
    size_t perf_diffs = 0;
    rc = store_perf_verify(s, txn, report, &res->perf_rows, &perf_diffs);
    problems += tally(report, rc, "verify the performance pre-aggregates", perf_diffs);
    rc = store_retention_verify(s, txn, report, &res->destroyed_cases, &leftovers);
    problems += tally(report, rc, "verify the destroyed cases", leftovers);
    size_t nino_diffs = 0;
    rc = store_nino_verify(s, txn, report, &res->nino_batches, &nino_diffs);
    problems += tally(report, rc, "verify the NINo batches", nino_diffs);
    /* A council without a region counts in the national report under "region not set": reported (a
     * warning, not a fault of the store) so that the Network sets it. */
    rc = store_org_check_regions(s, txn, report, &res->councils_without_region);
    problems += tally(report, rc, "read the organisations", 0);
    store_read_end(s, txn);
    return problems;
}

void store_check_summary(const store_check_result *res, char *out, size_t cap)
{
    snprintf(out, cap,
             "%zu live users, %" PRIu64 " audit events, chain intact, %zu counters equal to a recount, %zu report "
             "facts rows equal to their records, %zu performance pre-aggregate rows equal to a recount, %zu destroyed cases with nothing left, %zu NINo batches with their "
             "indexes, %zu councils without a region",
             res->live_users, res->audit_events, res->counters, res->facts_rows, res->perf_rows, res->destroyed_cases, res->nino_batches,
             res->councils_without_region);
}
