/* store_audit_runs.c - a batch's by-case audit entries, written as one sorted run and swept into
 * DB_AUDIT_CASE a slice of case ids at a time (store_audit.h explains why). */
#include "store_audit.h"
#include "store_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RUN_KEY (8 + AUDIT_CASE_ENTRY) /* run id | case id | ~time | ~seq */
#define SWEEP_KEY "audit_case_sweep"

void audit_batch_free(audit_batch *batch)
{
    free(batch->cases.key);
    free(batch->user.key);
    free(batch->type.key);
    free(batch->scope.key);
    *batch = (audit_batch){0};
}

static int entry_cmp(const void *a, const void *b) { return memcmp(a, b, AUDIT_CASE_ENTRY); }
static int suffix_cmp(const void *a, const void *b) { return memcmp(a, b, 16); }

/* The first run id at or after `from` into *run; MDB_NOTFOUND when there is none. */
static int next_run(store *s, MDB_txn *txn, uint64_t from, uint64_t *run)
{
    unsigned char start[8];
    store_key_u64(start, from);
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_AUDIT_CASE_RUNS, NULL, 0, start, 8);
    int rc = MDB_NOTFOUND;
    if (store_iter_next(&it)) {
        rc = it.key.mv_size == RUN_KEY ? 0 : STORE_CORRUPT;
        if (!rc)
            *run = store_u64_from(it.key.mv_data);
    }
    return store_iter_end(&it, rc);
}

/* Calls fn for each run id in increasing order, until fn returns non-zero: what it returned then
 * (MDB_NOTFOUND as 0), else 0. The one walk over the runs that the sweep, a case's entries and the
 * count of pending runs share. */
static int each_run(store *s, MDB_txn *txn, int (*fn)(store *s, MDB_txn *txn, uint64_t run, void *ctx), void *ctx)
{
    uint64_t run = 0;
    int rc;
    while ((rc = next_run(s, txn, run, &run)) == 0) {
        if ((rc = fn(s, txn, run, ctx)) || run == UINT64_MAX)
            break;
        run++;
    }
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The highest case id there is (0: none): where a sweep ends. */
static int last_case_id(store *s, MDB_txn *txn, uint64_t *out)
{
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_CASES, NULL, 0);
    *out = 0;
    int rc = 0;
    if (store_iter_next(&it)) {
        if (it.key.mv_size == 8)
            *out = store_u64_from(it.key.mv_data);
        else
            rc = STORE_CORRUPT;
    }
    return store_iter_end(&it, rc);
}

/* The slice of case ids a sweep step moves: [from, to), or every id from `from` on when to_end, and
 * the cursor on DB_AUDIT_CASE that puts them. One cursor for the step: a run's entries come in key
 * order, so each put lands on or near the page of the one before, and LMDB's cursor then searches
 * that page alone instead of descending from the root (mdb_put did, for each entry: half of the
 * audit writer's time under lists). */
typedef struct {
    uint64_t from, to;
    int to_end;
    MDB_cursor *into;
} sweep_range;

/* Moves one run's entries in the slice into DB_AUDIT_CASE (each_run). */
static int sweep_run(store *s, MDB_txn *txn, uint64_t run, void *ctx)
{
    const sweep_range *r = ctx;
    unsigned char prefix[8], start[16];
    store_key_u64(prefix, run);
    memcpy(start, prefix, 8);
    store_key_u64(start + 8, r->from);
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_AUDIT_CASE_RUNS, prefix, 8, start, 16);
    int rc = 0;
    while (!rc && store_iter_next(&it)) {
        unsigned char entry[AUDIT_CASE_ENTRY]; /* a copy: deleting rewrites the page it points into */
        if (it.key.mv_size != RUN_KEY) {
            rc = STORE_CORRUPT;
            break;
        }
        memcpy(entry, (const unsigned char *)it.key.mv_data + 8, AUDIT_CASE_ENTRY);
        if (!r->to_end && store_u64_from(entry) >= r->to)
            break;
        MDB_val k = {AUDIT_CASE_ENTRY, entry}, v = {0, ""};
        if ((rc = mdb_cursor_put(r->into, &k, &v, 0)) == 0)
            rc = store_iter_del(&it);
    }
    return store_iter_end(&it, rc);
}

/* Moves the entries of case ids [from, to) -- every id from `from` on when `to_end` -- from every run
 * into DB_AUDIT_CASE. */
static int sweep_slice(store *s, MDB_txn *txn, uint64_t from, uint64_t to, int to_end)
{
    sweep_range r = {from, to, to_end, NULL};
    int rc = mdb_cursor_open(txn, store_dbi(s, DB_AUDIT_CASE), &r.into);
    if (rc)
        return rc;
    rc = each_run(s, txn, sweep_run, &r);
    mdb_cursor_close(r.into);
    return rc;
}

/* The ids of a slice that holds about `budget` of `count` things spread evenly over ids 1..top. */
static uint64_t ids_holding(uint64_t top, double count, double budget, uint64_t span)
{
    if (count > budget) {
        double fit = (double)top * budget / count + 1;
        if (fit < (double)span)
            span = (uint64_t)fit;
    }
    return span;
}

uint64_t store_audit_sweep_span(uint64_t top, uint64_t pending, uint64_t case_pages, size_t added)
{
    uint64_t span = ids_holding(top, (double)case_pages, AUDIT_RUN_SWEEP_PAGES((double)added),
                                top / AUDIT_RUN_SWEEP_STEPS + 1);
    if (span < top / AUDIT_RUN_SWEEP_MAX_STEPS + 1) /* a sweep in so many batches at most, whatever the index's size */
        span = top / AUDIT_RUN_SWEEP_MAX_STEPS + 1;
    return ids_holding(top, (double)pending, AUDIT_RUN_SWEEP_BUDGET((double)added), span);
}

/* One step of the sweep, after a batch that added `added` entries: the next slice of the case ids
 * (the rest of them, from the highest id's slice on, so that entries of cases destroyed since are
 * swept too). A slice is an AUDIT_RUN_SWEEP_STEPS-th of the ids, or fewer: when the runs hold more
 * than about AUDIT_RUN_SWEEP_BUDGET(added) entries in it (a step after a burst of searches, millions
 * of entries waiting, held the write lock for a second of the durable writes' time; the budget is
 * twice what the batch added, so the runs still shrink), and when DB_AUDIT_CASE has more than about
 * AUDIT_RUN_SWEEP_PAGES(added) pages in it (a 64th of a by-case index grown to a gigabyte is 16 MB
 * written a batch, whatever the batch). */
static int sweep_step(store *s, MDB_txn *txn, size_t added)
{
    MDB_stat runs, cases;
    int rc = mdb_stat(txn, store_dbi(s, DB_AUDIT_CASE_RUNS), &runs);
    if (rc || runs.ms_entries == 0) /* nothing to sweep: no seeks, and no write of the position a batch */
        return rc;
    uint64_t from = 0, top = 0;
    if ((rc = store_u64_get(s, txn, DB_META, SWEEP_KEY, strlen(SWEEP_KEY), &from)) == MDB_NOTFOUND)
        rc = 0;
    if (rc || (rc = last_case_id(s, txn, &top)) || (rc = mdb_stat(txn, store_dbi(s, DB_AUDIT_CASE), &cases)))
        return rc;
    uint64_t span = store_audit_sweep_span(top, runs.ms_entries, cases.ms_leaf_pages, added);
    int to_end = from >= top || top - from < span;
    if ((rc = sweep_slice(s, txn, from, from + span, to_end)))
        return rc;
    return store_u64_put(s, txn, DB_META, SWEEP_KEY, strlen(SWEEP_KEY), to_end ? 0 : from + span, 0);
}

int store_audit_run_write(store *s, MDB_txn *txn, audit_batch *batch, uint64_t run_id)
{
    const audit_key_list *cases = &batch->cases;
    if (cases->n) {
        qsort(cases->key, cases->n, AUDIT_CASE_ENTRY, entry_cmp);
        MDB_cursor *cur;
        int rc = mdb_cursor_open(txn, store_dbi(s, DB_AUDIT_CASE_RUNS), &cur);
        if (rc)
            return rc;
        unsigned char key[RUN_KEY];
        store_key_u64(key, run_id);
        for (size_t i = 0; i < cases->n && !rc; i++) {
            const unsigned char *entry = cases->key + i * AUDIT_CASE_ENTRY;
            if (i && memcmp(entry, entry - AUDIT_CASE_ENTRY, AUDIT_CASE_ENTRY) == 0)
                continue; /* one event listing a case twice */
            memcpy(key + 8, entry, AUDIT_CASE_ENTRY);
            MDB_val k = {RUN_KEY, key}, v = {0, ""};
            rc = mdb_cursor_put(cur, &k, &v, MDB_APPEND); /* MDB_KEYEXIST if run_id is not the newest */
        }
        mdb_cursor_close(cur);
        if (rc)
            return rc;
    }
    return sweep_step(s, txn, cases->n);
}

/* A case's entries being gathered from the runs (store_audit_run_entries). */
typedef struct {
    uint64_t case_id;
    const unsigned char *from;
    unsigned char (*out)[16];
    size_t n, cap;
} case_entries;

/* Appends one run's entries for the case (each_run). */
static int gather_run(store *s, MDB_txn *txn, uint64_t run, void *ctx)
{
    case_entries *e = ctx;
    unsigned char prefix[16], start[32];
    store_key_u64(prefix, run);
    store_key_u64(prefix + 8, e->case_id);
    memcpy(start, prefix, 16);
    if (e->from)
        memcpy(start + 16, e->from, 16);
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_AUDIT_CASE_RUNS, prefix, 16, start, e->from ? 32 : 16);
    int rc = 0;
    while (!rc && store_iter_next(&it)) {
        if (it.key.mv_size != RUN_KEY) {
            rc = STORE_CORRUPT;
            break;
        }
        if (e->n == e->cap) {
            size_t grown_cap = e->cap ? e->cap * 2 : 16;
            void *grown = realloc(e->out, grown_cap * 16);
            if (!grown) {
                rc = STORE_NOMEM;
                break;
            }
            e->out = grown;
            e->cap = grown_cap;
        }
        memcpy(e->out[e->n++], (const unsigned char *)it.key.mv_data + 16, 16);
    }
    return store_iter_end(&it, rc);
}

int store_audit_run_entries(store *s, MDB_txn *txn, uint64_t case_id, const unsigned char *from,
                            unsigned char (**out)[16], size_t *n)
{
    case_entries e = {case_id, from, NULL, 0, 0};
    int rc = each_run(s, txn, gather_run, &e);
    if (rc) {
        free(e.out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    *out = e.out;
    *n = e.n;
    if (*n > 1) /* runs are in seq order, not always in time order */
        qsort(*out, *n, 16, suffix_cmp);
    return 0;
}

static int count_run(store *s, MDB_txn *txn, uint64_t run, void *ctx)
{
    (void)s;
    (void)txn;
    (void)run;
    ++*(size_t *)ctx;
    return 0;
}

int store_audit_runs_pending(store *s, MDB_txn *txn, size_t *entries, size_t *runs)
{
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, DB_AUDIT_CASE_RUNS), &st);
    *entries = rc ? 0 : st.ms_entries;
    *runs = 0;
    return rc ? rc : each_run(s, txn, count_run, runs);
}
