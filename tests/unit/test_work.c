/* Unit tests for alerts and queries in the store: open lists, counters kept by every write, the
 * caseworker's counters following a reallocation, due dates over bank holidays, and the recount that
 * `connectctl check` runs (which must notice a counter that drifted). Real LMDB files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "case_index.h"
#include "store.h"
#include "store_case.h"
#include "store_fixture.h"
#include "store_recount.h"
#include "store_work.h"

typedef struct {
    uint64_t council, worker, case_id, item;
    char kind;
    json_t *rec;   /* item to create or to put */
    json_t *old;   /* item to replace */
    int op;        /* 0 case, 1 create item, 2 put item, 3 reallocate case */
    uint64_t new_worker;
} step;

static int step_write(store *s, MDB_txn *txn, void *arg)
{
    step *c = arg;
    if (c->op == 0) {
        json_t *rec = json_pack("{s:I,s:s,s:I,s:{s:s,s:s,s:s},s:{s:s}}", "council_id", (json_int_t)c->council,
                                "status", "open_supported", "caseworker_id", (json_int_t)c->worker, "principal",
                                "given_names", "Ada", "family_name", "Example", "date_of_birth", "1980-01-01",
                                "finance", "support_start_date", "2023-01-02");
        int rc = store_case_create(s, txn, rec, &c->case_id);
        json_decref(rec);
        return rc;
    }
    if (c->op == 1) {
        json_t *copy = json_deep_copy(c->rec);
        int rc = store_work_create(s, txn, c->kind, copy, c->worker, &c->item);
        json_decref(copy);
        return rc;
    }
    if (c->op == 2)
        return store_work_put(s, txn, c->kind, c->old, c->rec, c->worker);
    json_t *old;
    int rc = store_case_get(s, txn, c->case_id, &old);
    if (rc)
        return rc;
    json_t *neu = json_deep_copy(old);
    json_object_set_new(neu, "caseworker_id", json_integer((json_int_t)c->new_worker));
    rc = store_case_put(s, txn, old, neu);
    json_decref(old);
    json_decref(neu);
    return rc;
}

static uint64_t count(store *s, uint64_t scope, char side, char bucket, uint64_t worker)
{
    MDB_txn *txn;
    uint64_t n = 99;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_work_count(s, txn, scope, side, bucket, worker, &n), 0);
    store_read_end(s, txn);
    return n;
}

static size_t recount_differences(store *s)
{
    MDB_txn *txn;
    size_t counters, differences;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_recount(s, txn, NULL, &counters, &differences), 0);
    store_read_end(s, txn);
    assert_true(counters > 0);
    return differences;
}

static void counters_follow_items_and_caseworker(void **state)
{
    fixture *f = *state;
    step c = {.council = 7, .worker = 41, .op = 0};
    assert_int_equal(store_write(f->s, step_write, &c), 0);
    json_t *alert = json_pack("{s:I,s:I,s:s,s:s,s:b,s:s}", "case_id", (json_int_t)c.case_id, "council_id",
                              (json_int_t)7, "type", "immigration_update", "to", "council", "open", 1, "due",
                              "2026-12-03");
    c.op = 1, c.kind = WORK_ALERT, c.rec = alert;
    assert_int_equal(store_write(f->s, step_write, &c), 0);
    json_object_set_new(alert, "id", json_integer((json_int_t)c.item));
    assert_int_equal(count(f->s, 7, 'c', 'i', 0), 1);
    assert_int_equal(count(f->s, 0, 'c', 'i', 0), 1);
    assert_int_equal(count(f->s, 7, 'c', 'i', 41), 1);
    assert_int_equal(count(f->s, 7, 'c', 'A', 0), 1);
    assert_int_equal(recount_differences(f->s), 0);

    /* Due dates: overdue before today, due today, and the per-council table. */
    MDB_txn *txn;
    uint64_t overdue, today;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_work_due_counts(f->s, txn, 7, 'c', 0, "2026-12-04", &overdue, &today), 0);
    assert_int_equal(overdue, 1);
    assert_int_equal(today, 0);
    assert_int_equal(store_work_due_counts(f->s, txn, 7, 'c', 41, "2026-12-03", &overdue, &today), 0);
    assert_int_equal(overdue, 0);
    assert_int_equal(today, 1);
    work_council_due *by;
    size_t by_n;
    assert_int_equal(store_work_due_by_council(f->s, txn, 'c', "2026-12-03", &by, &by_n), 0);
    assert_int_equal(by_n, 1);
    assert_int_equal(by[0].council, 7);
    free(by);
    /* The list, filtered by caseworker and due date. */
    uint64_t ids[4], next;
    size_t n, total;
    work_list_query q = {.scope = 0, .side = 'c', .bucket = 'i', .limit = 4, .due = WORK_DUE_OVERDUE,
                         .today = "2026-12-04"};
    assert_int_equal(store_work_list(f->s, txn, &q, ids, &n, &total, &next), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], c.item);
    q.worker = 42;
    assert_int_equal(store_work_list(f->s, txn, &q, ids, &n, &total, &next), 0);
    assert_int_equal(n, 0);
    store_read_end(f->s, txn);

    /* Reallocating the case moves the "my cases" counter. */
    c.op = 3, c.new_worker = 42;
    assert_int_equal(store_write(f->s, step_write, &c), 0);
    assert_int_equal(count(f->s, 7, 'c', 'i', 41), 0);
    assert_int_equal(count(f->s, 7, 'c', 'i', 42), 1);
    assert_int_equal(recount_differences(f->s), 0);

    /* Clearing it empties every bucket. */
    json_t *cleared = json_deep_copy(alert);
    json_object_set_new(cleared, "open", json_false());
    c.op = 2, c.old = alert, c.rec = cleared, c.worker = 42;
    assert_int_equal(store_write(f->s, step_write, &c), 0);
    assert_int_equal(count(f->s, 7, 'c', 'i', 0), 0);
    assert_int_equal(count(f->s, 7, 'c', 'i', 42), 0);
    assert_int_equal(recount_differences(f->s), 0);
    json_decref(alert);
    json_decref(cleared);
}

static int corrupt_write(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    unsigned char key[9 + CASE_VALUE_MAX];
    size_t klen = case_count_key(key, 7, FACET_STATUS, "open_supported");
    return store_u64_put(s, txn, DB_CASE_COUNT, key, klen, 5, 0);
}

static void recount_notices_drift(void **state)
{
    fixture *f = *state;
    step c = {.council = 7, .worker = 41, .op = 0};
    assert_int_equal(store_write(f->s, step_write, &c), 0);
    assert_int_equal(recount_differences(f->s), 0);
    assert_int_equal(store_write(f->s, corrupt_write, NULL), 0);
    assert_int_equal(recount_differences(f->s), 1);
}

static void thousand_day_counter(void **state)
{
    fixture *f = *state;
    step c = {.council = 7, .worker = 41, .op = 0};
    assert_int_equal(store_write(f->s, step_write, &c), 0); /* support started 2023-01-02 */
    MDB_txn *txn;
    uint64_t n;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_SUPPORT_START, "", "2023-01-01", &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_SUPPORT_START, "", "2023-01-02", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_dated(f->s, txn, 0, DATED_SUPPORT_START, "", "2030-01-01", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_MINE_SUPPORT_START, "41:", "2030-01-01", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_MINE_SUPPORT_START, "4:", "2030-01-01", &n), 0);
    assert_int_equal(n, 0);
    /* Each level of the sum: the same month, the same year, later years. */
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_SUPPORT_START, "", "2023-01-31", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_SUPPORT_START, "", "2023-02-01", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_SUPPORT_START, "", "2024-01-01", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_dated(f->s, txn, 7, DATED_SUPPORT_START, "", "2022-12-31", &n), 0);
    assert_int_equal(n, 0);
    store_read_end(f->s, txn);
}

static void due_dates(void **state)
{
    (void)state;
    calendar cal;
    char err[160];
    assert_int_equal(calendar_load_file("store/bank-holidays.json", &cal, err, sizeof err), 0);
    json_t *item = json_object();
    assert_int_equal(store_work_due(item, &cal, "2026-12-18", 5), 0); /* over Christmas */
    assert_string_equal(json_string_value(json_object_get(item, "due")), "2026-12-29");
    assert_null(json_object_get(item, "due_beyond"));
    assert_int_equal(store_work_due(item, &cal, "2027-12-24", 5), 0); /* into 2028: not covered */
    assert_true(json_is_true(json_object_get(item, "due_beyond")));
    assert_int_equal(store_work_due(item, &cal, "2027-03-25", 1), 0); /* Good Friday 2027 */
    assert_string_equal(json_string_value(json_object_get(item, "due")), "2027-03-30");
    json_decref(item);
    calendar_free(&cal);
}

static int drop_due_counts(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    int rc = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, NULL, 0);
    while (!rc && store_iter_next(&it))
        if (it.key.mv_size > 9 && ((const unsigned char *)it.key.mv_data)[8] == 'u')
            rc = store_iter_del(&it);
    if ((rc = store_iter_end(&it, rc)))
        return rc;
    return store_del(s, txn, DB_META, "work_due_counts", strlen("work_due_counts"));
}

/* An open list without a due filter reads its total from the counter and stops at the page: the
 * pages still join up, newest first, whatever the cursor. */
static void counted_list_pages(void **state)
{
    fixture *f = *state;
    step c = {.council = 7, .worker = 41, .op = 0};
    assert_int_equal(store_write(f->s, step_write, &c), 0);
    uint64_t made[7];
    for (int i = 0; i < 7; i++) {
        json_t *alert = json_pack("{s:I,s:I,s:s,s:s,s:b,s:s}", "case_id", (json_int_t)c.case_id, "council_id",
                                  (json_int_t)7, "type", "immigration_update", "to", "council", "open", 1, "due",
                                  i % 2 ? "2026-12-03" : "2026-12-09");
        c.op = 1, c.kind = WORK_ALERT, c.rec = alert;
        assert_int_equal(store_write(f->s, step_write, &c), 0);
        made[i] = c.item;
        json_decref(alert);
    }
    for (uint64_t scope = 0; scope <= 7; scope += 7) {
        for (int mine = 0; mine <= 1; mine++) {
            MDB_txn *txn;
            uint64_t ids[3], next = 0;
            size_t n, total, seen = 0;
            assert_int_equal(store_read_begin(f->s, &txn), 0);
            do {
                work_list_query q = {.scope = scope, .side = 'c', .bucket = 'i', .limit = 3, .before = next,
                                     .worker = mine && scope ? 41 : 0};
                assert_int_equal(store_work_list(f->s, txn, &q, ids, &n, &total, &next), 0);
                assert_int_equal(total, 7);
                for (size_t i = 0; i < n; i++)
                    assert_int_equal(ids[i], made[6 - seen - i]);
                seen += n;
                assert_true(next == 0 || n == 3);
            } while (next);
            assert_int_equal(seen, 7);
            /* A due filter has no counter: counted by the walk. */
            work_list_query d = {.scope = scope, .side = 'c', .bucket = 'i', .limit = 3, .due = WORK_DUE_OVERDUE,
                                 .today = "2026-12-04"};
            assert_int_equal(store_work_list(f->s, txn, &d, ids, &n, &total, &next), 0);
            assert_int_equal(total, 3);
            assert_int_equal(n, 3);
            assert_int_equal(ids[0], made[5]);
            assert_int_equal(next, 0);
            /* Every alert of the side: the due filters' totals come from the 'u' counters. */
            work_list_query a = {.scope = scope, .side = 'c', .bucket = 'A', .limit = 2, .due = WORK_DUE_OVERDUE,
                                 .today = "2026-12-04"};
            assert_int_equal(store_work_list(f->s, txn, &a, ids, &n, &total, &next), 0);
            assert_int_equal(total, 3);
            assert_int_equal(n, 2);
            assert_int_equal(ids[1], made[3]);
            assert_int_equal(next, made[3]);
            a.due = WORK_DUE_TODAY, a.today = "2026-12-09";
            assert_int_equal(store_work_list(f->s, txn, &a, ids, &n, &total, &next), 0);
            assert_int_equal(total, 4);
            store_read_end(f->s, txn);
        }
    }
    assert_int_equal(recount_differences(f->s), 0);
    /* A store written before the 'u' counters gets them on its upgrade. */
    assert_int_equal(store_write(f->s, drop_due_counts, NULL), 0);
    assert_true(recount_differences(f->s) > 0);
    assert_int_equal(store_upgrade(f->s), 0);
    assert_int_equal(recount_differences(f->s), 0);
}

/* The HO's table of councils (overdue and due today per council) is what a walk of every item says,
 * with items due before, on and after today in several councils, after a query is answered (closed),
 * and again after the per-council totals are dropped and rebuilt by their upgrade step. */
static int drop_council_totals(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    int rc = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, NULL, 0);
    while (!rc && store_iter_next(&it))
        if (it.key.mv_size > 9 && ((const unsigned char *)it.key.mv_data)[8] == 'C')
            rc = store_iter_del(&it);
    if ((rc = store_iter_end(&it, rc)))
        return rc;
    return store_del(s, txn, DB_META, "work_council_due_counts", strlen("work_council_due_counts"));
}

static int rebuild_council_totals(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    return store_work_council_due_migrate(s, txn);
}

/* expect[council 7..9] = {overdue, due today}; checks the table against it. */
static void table_is(store *s, const char *today, const uint64_t expect[3][2])
{
    MDB_txn *txn;
    work_council_due *by;
    size_t n;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_work_due_by_council(s, txn, 'h', today, &by, &n), 0);
    work_council_due *again; /* the same snapshot again: the kept table, the same rows */
    size_t again_n;
    assert_int_equal(store_work_due_by_council(s, txn, 'h', today, &again, &again_n), 0);
    store_read_end(s, txn);
    assert_int_equal(again_n, n);
    if (n)
        assert_memory_equal(again, by, n * sizeof *by);
    free(again);
    size_t rows = 0;
    for (uint64_t c = 7; c <= 9; c++) {
        const uint64_t *e = expect[c - 7];
        const work_council_due *row = NULL;
        for (size_t i = 0; i < n; i++)
            if (by[i].council == c)
                row = &by[i];
        if (!e[0] && !e[1]) {
            assert_null(row); /* nothing overdue or due today: no row */
            continue;
        }
        assert_non_null(row);
        rows++;
        assert_int_equal(row->overdue, e[0]);
        assert_int_equal(row->due_today, e[1]);
    }
    assert_int_equal(n, rows);
    free(by);
}

static void council_table_counts_every_date(void **state)
{
    fixture *f = *state;
    static const char *const dues[] = {"2025-01-02", "2026-11-30", "2026-12-03", "2026-12-03", "2026-12-09", "2027-01-05"};
    uint64_t expect[3][2] = {{0}};
    json_t *first_query = NULL;
    uint64_t first_item = 0, first_worker = 0;
    for (uint64_t council = 7; council <= 9; council++) {
        step c = {.council = council, .worker = 40 + council, .op = 0};
        assert_int_equal(store_write(f->s, step_write, &c), 0);
        for (size_t i = 0; i < sizeof dues / sizeof dues[0]; i++) {
            if (council == 9 && i < 4)
                continue; /* council 9: only items not yet due */
            json_t *q = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s}", "case_id", (json_int_t)c.case_id, "council_id",
                                  (json_int_t)council, "subject", "Status", "status", "open", "awaiting", "ho", "due",
                                  dues[i]);
            c.op = 1, c.kind = WORK_QUERY, c.rec = q;
            assert_int_equal(store_write(f->s, step_write, &c), 0);
            int cmp = strcmp(dues[i], "2026-12-03");
            expect[council - 7][cmp < 0 ? 0 : 1] += cmp <= 0;
            if (!first_query) {
                json_object_set_new(q, "id", json_integer((json_int_t)c.item));
                first_query = json_incref(q);
                first_item = c.item;
                first_worker = c.worker;
            }
            json_decref(q);
        }
    }
    table_is(f->s, "2026-12-03", (const uint64_t(*)[2])expect);
    /* Answered: no longer open, no longer overdue. */
    json_t *answered = json_deep_copy(first_query);
    json_object_set_new(answered, "status", json_string("closed"));
    step put = {.council = 7, .worker = first_worker, .item = first_item, .op = 2, .kind = WORK_QUERY, .old = first_query,
                .rec = answered};
    assert_int_equal(store_write(f->s, step_write, &put), 0);
    expect[0][0]--;
    table_is(f->s, "2026-12-03", (const uint64_t(*)[2])expect);
    assert_int_equal(recount_differences(f->s), 0);
    /* The totals rebuilt from the dated counters by the upgrade step: the same table. */
    assert_int_equal(store_write(f->s, drop_council_totals, NULL), 0);
    assert_int_not_equal(recount_differences(f->s), 0);
    assert_int_equal(store_write(f->s, rebuild_council_totals, NULL), 0);
    table_is(f->s, "2026-12-03", (const uint64_t(*)[2])expect);
    assert_int_equal(recount_differences(f->s), 0);
    json_decref(first_query);
    json_decref(answered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(counters_follow_items_and_caseworker, setup, teardown),
        cmocka_unit_test_setup_teardown(recount_notices_drift, setup, teardown),
        cmocka_unit_test_setup_teardown(counted_list_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(council_table_counts_every_date, setup, teardown),
        cmocka_unit_test_setup_teardown(thousand_day_counter, setup, teardown),
        cmocka_unit_test(due_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
