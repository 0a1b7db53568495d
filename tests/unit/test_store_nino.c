/* Unit tests for the NINo queue and batches in the store (store_nino.h): people 16 or over only, the
 * cut takes what was queued before its instant in queue order, the open index follows the status,
 * closure days come back sorted and unique, and the destruction after 14 months keeps a record, listed
 * with the cases' destruction records (a batch destroyed by the previous version gets its record from
 * the upgrade step, and check reports it until then). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "store_case.h"
#include "store_fixture.h"
#include "store_internal.h"
#include "store_nino.h"
#include "store_retention.h"

typedef struct {
    uint64_t cases[3];
    uint64_t batch;
    size_t queued;
} nino_ctx;

static json_t *household(const char *pa_dob, const char *dep_dob)
{
    return json_pack("{s:I,s:s,s:{s:i,s:s,s:s,s:s,s:s},s:[{s:i,s:s,s:s,s:s,s:s}],s:i,s:s,s:s}", "council_id", 7,
                     "status", "open_referral", "principal", "id", 1, "given_names", "Ana", "family_name", "Lopes",
                     "date_of_birth", pa_dob, "nationality", "Angolan", "dependants", "id", 2, "given_names", "Rui",
                     "family_name", "Lopes", "date_of_birth", dep_dob, "nationality", "Angolan", "next_person", 3,
                     "legislation", "care_act_2014", "created_at", "2026-12-01T10:00:00Z");
}

static int queue_write(store *s, MDB_txn *txn, void *arg)
{
    nino_ctx *c = arg;
    /* The dependant turns 16 on the grant day in the first case, the day after in the second. */
    static const char *const deps[] = {"2010-12-07", "2010-12-08", "2020-01-01"};
    c->queued = 0;
    for (int i = 0; i < 3; i++) {
        json_t *rec = household("1980-01-01", deps[i]);
        int rc = rec ? store_case_create(s, txn, rec, &c->cases[i]) : STORE_NOMEM;
        size_t q = 0;
        if (!rc)
            rc = store_nino_enqueue_household(s, txn, rec, "2026-12-07", "2026-12-07T10:00:00Z", 1000 + i, &q);
        json_decref(rec);
        if (rc)
            return rc;
        c->queued += q;
    }
    /* Queued after the cut instant: stays for the next batch. */
    return store_nino_enqueue(s, txn, c->cases[0], 1, "2026-12-08", "2026-12-08T10:00:00Z", 5000, "More", 9);
}

static int cut_write(store *s, MDB_txn *txn, void *arg)
{
    nino_ctx *c = arg;
    return store_nino_cut(s, txn, 2000, "2026-12-08T09:00:00Z", "2026-12-08", &c->batch);
}

static void cut_takes_people_16_or_over_in_order(void **state)
{
    fixture *f = *state;
    nino_ctx c = {0};
    assert_int_equal(store_write(f->s, queue_write, &c), 0);
    assert_int_equal(c.queued, 4); /* three principals and the dependant who turned 16 that day */
    assert_int_equal(store_write(f->s, cut_write, &c), 0);
    assert_true(c.batch > 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    json_t *b;
    assert_int_equal(store_nino_get(f->s, txn, c.batch, &b), 0);
    json_t *people = json_object_get(b, "people");
    assert_int_equal(json_array_size(people), 4);
    const uint64_t want[][2] = {{c.cases[0], 1}, {c.cases[0], 2}, {c.cases[1], 1}, {c.cases[2], 1}};
    for (size_t i = 0; i < 4; i++) {
        json_t *p = json_array_get(people, i);
        assert_int_equal(json_integer_value(json_object_get(p, "case_id")), want[i][0]);
        assert_int_equal(json_integer_value(json_object_get(p, "person")), want[i][1]);
        assert_int_equal(json_integer_value(json_object_get(p, "n")), i + 1);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(people, 0), "family_name")), "Lopes");
    assert_string_equal(json_string_value(json_object_get(b, "status")), "waiting");
    size_t left;
    assert_int_equal(store_nino_queued(f->s, txn, &left), 0);
    assert_int_equal(left, 1);
    json_decref(b);
    store_read_end(f->s, txn);
}

static int count_open(const json_t *b, void *arg)
{
    (void)b;
    ++*(int *)arg;
    return 0;
}

typedef struct {
    uint64_t id;
    const char *status;
} status_ctx;

static int set_status(store *s, MDB_txn *txn, void *arg)
{
    status_ctx *c = arg;
    json_t *old, *neu;
    int rc = store_nino_get(s, txn, c->id, &old);
    if (rc)
        return rc;
    neu = json_deep_copy(old);
    json_object_set_new(neu, "status", json_string(c->status));
    rc = store_nino_put(s, txn, old, neu);
    json_decref(old);
    json_decref(neu);
    return rc;
}

static int closures_write(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    json_t *rec = json_pack("{s:s}", "at", "2026-12-01T10:00:00Z");
    int rc = store_nino_closure_set(s, txn, 2, "2026-12-24", rec, 1);
    if (!rc)
        rc = store_nino_closure_set(s, txn, 3, "2026-12-24", rec, 1);
    if (!rc)
        rc = store_nino_closure_set(s, txn, 3, "2026-12-02", rec, 1);
    json_decref(rec);
    return rc;
}

static int migrate_write(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    return store_nino_destruction_migrate(s, txn);
}

/* The store as the previous version left a destroyed batch: no record in the list, none named. */
static int forget_record(store *s, MDB_txn *txn, void *arg)
{
    uint64_t batch = *(uint64_t *)arg;
    json_t *b;
    int rc = store_nino_get(s, txn, batch, &b);
    if (rc)
        return rc;
    json_t *d = json_object_get(b, "destruction");
    unsigned char key[8];
    store_key_u64(key, (uint64_t)json_integer_value(json_object_get(d, "record")));
    json_object_del(d, "record");
    if (!(rc = store_del(s, txn, DB_DESTRUCTIONS, key, 8))) {
        store_key_u64(key, batch);
        rc = store_json_put(s, txn, DB_NINO_BATCHES, key, 8, b);
    }
    json_decref(b);
    return rc;
}

static void open_index_closures_and_destruction(void **state)
{
    fixture *f = *state;
    nino_ctx c = {0};
    assert_int_equal(store_write(f->s, queue_write, &c), 0);
    assert_int_equal(store_write(f->s, cut_write, &c), 0);
    MDB_txn *txn;
    int open = 0;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_nino_open_each(f->s, txn, count_open, &open), 0);
    store_read_end(f->s, txn);
    assert_int_equal(open, 1);
    status_ctx sc = {c.batch, "completed"};
    assert_int_equal(store_write(f->s, set_status, &sc), 0);
    open = 0;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_nino_open_each(f->s, txn, count_open, &open), 0);
    store_read_end(f->s, txn);
    assert_int_equal(open, 0);

    assert_int_equal(store_write(f->s, closures_write, NULL), 0);
    long *days;
    size_t n;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_nino_closed_days(f->s, txn, &days, &n), 0);
    store_read_end(f->s, txn);
    assert_int_equal(n, 2);
    assert_int_equal(days[0], calendar_day("2026-12-02"));
    assert_int_equal(days[1], calendar_day("2026-12-24"));
    free(days);

    /* Not yet due: kept. Then due: destroyed once, with its record. */
    size_t gone;
    assert_int_equal(store_nino_expire(f->s, "2026-12-08", "2028-02-08T02:00:00Z", &gone), 0);
    assert_int_equal(gone, 0);
    assert_int_equal(store_nino_expire(f->s, "2026-12-09", "2028-02-09T02:00:00Z", &gone), 0);
    assert_int_equal(gone, 1);
    assert_int_equal(store_nino_expire(f->s, "2026-12-09", "2028-02-09T02:00:00Z", &gone), 0);
    assert_int_equal(gone, 0);
    json_t *b;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_nino_get(f->s, txn, c.batch, &b), 0);
    store_read_end(f->s, txn);
    assert_string_equal(json_string_value(json_object_get(b, "status")), "destroyed");
    assert_int_equal(json_array_size(json_object_get(b, "people")), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "destruction"), "people")), 4);
    /* Its record is in the destruction list (every council's: the batch belongs to none), holding its
     * number and count and nothing about the people; not in a council's. */
    uint64_t record = (uint64_t)json_integer_value(json_object_get(json_object_get(b, "destruction"), "record"));
    assert_true(record > 0);
    json_decref(b);
    json_t *items;
    uint64_t next;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_destructions_list(f->s, txn, 0, 0, 0, &items, &next), 0);
    size_t destroyed = 0, problems = 9;
    assert_int_equal(store_nino_destroyed_count(f->s, txn, &destroyed), 0);
    assert_int_equal(store_nino_verify(f->s, txn, stderr, &destroyed, &problems), 0);
    store_read_end(f->s, txn);
    assert_int_equal(problems, 0);
    assert_int_equal(json_array_size(items), 1);
    json_t *rec = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(rec, "id")), record);
    assert_string_equal(json_string_value(json_object_get(rec, "kind")), "nino_batch");
    assert_int_equal(json_integer_value(json_object_get(rec, "batch_id")), c.batch);
    assert_string_equal(json_string_value(json_object_get(rec, "run_id")), "daily-2028-02-09");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rec, "counts"), "people")), 4);
    assert_null(json_object_get(rec, "people"));
    json_decref(items);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_destructions_list(f->s, txn, 7, 0, 0, &items, &next), 0);
    store_read_end(f->s, txn);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    /* The upgrade step leaves a recorded batch alone. */
    assert_int_equal(store_write(f->s, migrate_write, NULL), 0);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_destructions_list(f->s, txn, 0, 0, 0, &items, &next), 0);
    store_read_end(f->s, txn);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
    /* A batch destroyed by the previous version: check reports it, the upgrade step records it. */
    assert_int_equal(store_write(f->s, forget_record, &c.batch), 0);
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_nino_verify(f->s, txn, devnull, &destroyed, &problems), 0);
    store_read_end(f->s, txn);
    assert_int_equal(problems, 1);
    assert_int_equal(store_write(f->s, migrate_write, NULL), 0);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_nino_verify(f->s, txn, devnull, &destroyed, &problems), 0);
    assert_int_equal(store_destructions_list(f->s, txn, 0, 0, 0, &items, &next), 0);
    store_read_end(f->s, txn);
    fclose(devnull);
    assert_int_equal(problems, 0);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "batch_id")), c.batch);
    assert_true((uint64_t)json_integer_value(json_object_get(json_array_get(items, 0), "id")) > record);
    json_decref(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(cut_takes_people_16_or_over_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(open_index_closures_and_destruction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
