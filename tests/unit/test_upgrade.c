/* Unit tests for the store's upgrade step (store_upgrade.h): store_open alone leaves an older layout of
 * the reports' facts as it is; store_upgrade brings it up to date, is idempotent, and is safe when
 * several processes open and upgrade the same store at once. Real LMDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_fixture.h"
#include "store_internal.h" /* white box: drops the facts table to stand for an old store */
#include "store_upgrade.h"

typedef struct {
    json_t *rec;
    uint64_t id;
} create_ctx;

static int create_write(store *s, MDB_txn *txn, void *arg)
{
    create_ctx *c = arg;
    return store_case_create(s, txn, c->rec, &c->id);
}

/* Makes the store look as an older Connect left it: no facts rows and facts_version "0". */
static int make_stale_write(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    int rc = mdb_drop(txn, store_dbi(s, DB_CASE_FACTS), 0);
    if (rc)
        return rc;
    MDB_val k = {strlen("facts_version"), "facts_version"}, v = {1, "0"};
    return mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0);
}

/* The stored facts_version into out (empty when none). */
static void facts_version(store *s, char out[16])
{
    MDB_txn *txn;
    MDB_val k = {strlen("facts_version"), "facts_version"}, v;
    out[0] = '\0';
    assert_int_equal(store_read_begin(s, &txn), 0);
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    if (rc == 0) {
        assert_true(v.mv_size < 16);
        memcpy(out, v.mv_data, v.mv_size);
        out[v.mv_size] = '\0';
    } else {
        assert_int_equal(rc, MDB_NOTFOUND);
    }
    store_read_end(s, txn);
}

/* How many facts rows the records give and how many of them are missing or differ. */
static void verify(store *s, size_t *rows, size_t *diffs)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_facts_verify(s, txn, NULL, rows, diffs), 0);
    store_read_end(s, txn);
}

/* A store with two cases whose facts are of an older layout, closed again. */
static void make_stale_store(fixture *f)
{
    for (int i = 0; i < 2; i++) {
        json_t *rec = json_pack("{s:I,s:s,s:{s:i,s:s,s:s,s:s,s:s},s:[],s:s,s:s}", "council_id", (json_int_t)7,
                                "status", "open_referral", "principal", "id", 1, "given_names", i ? "Ama" : "Kofi",
                                "family_name", "Mensah", "date_of_birth", "1990-05-01", "nationality", "Ghanaian",
                                "dependants", "legislation", "care_act_2014", "household_type", "single_adult");
        assert_non_null(rec);
        create_ctx c = {rec, 0};
        assert_int_equal(store_write(f->s, create_write, &c), 0);
        json_decref(rec);
    }
    assert_int_equal(store_write(f->s, make_stale_write, NULL), 0);
    store_close(f->s);
    f->s = NULL;
}

static void open_leaves_the_layout_and_upgrade_brings_it_up_to_date(void **state)
{
    fixture *f = *state;
    make_stale_store(f);
    assert_int_equal(store_open(&f->s, f->dir, NULL), 0);
    char version[16];
    size_t rows = 0, diffs = 0;
    facts_version(f->s, version);
    assert_string_equal(version, "0"); /* the environment knows nothing of the facts */
    verify(f->s, &rows, &diffs);
    assert_int_equal(rows, 2);
    assert_int_equal(diffs, 2);

    assert_int_equal(store_upgrade(f->s), 0);
    facts_version(f->s, version);
    assert_string_equal(version, FACTS_VERSION);
    verify(f->s, &rows, &diffs);
    assert_int_equal(rows, 2);
    assert_int_equal(diffs, 0);

    /* Again: nothing to do, nothing changed. */
    assert_int_equal(store_upgrade(f->s), 0);
    facts_version(f->s, version);
    assert_string_equal(version, FACTS_VERSION);
    verify(f->s, &rows, &diffs);
    assert_int_equal(diffs, 0);
}

static void processes_upgrading_at_once_all_succeed(void **state)
{
    fixture *f = *state;
    make_stale_store(f);
    enum { CHILDREN = 4 };
    pid_t pids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            store *s;
            int rc = store_open(&s, f->dir, NULL);
            if (!rc)
                rc = store_upgrade(s);
            if (!rc)
                store_close(s);
            _exit(rc ? 1 : 0);
        }
    }
    for (int i = 0; i < CHILDREN; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(store_open(&f->s, f->dir, NULL), 0);
    char version[16];
    size_t rows = 0, diffs = 0;
    facts_version(f->s, version);
    assert_string_equal(version, FACTS_VERSION);
    verify(f->s, &rows, &diffs);
    assert_int_equal(rows, 2);
    assert_int_equal(diffs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_leaves_the_layout_and_upgrade_brings_it_up_to_date, setup, teardown),
        cmocka_unit_test_setup_teardown(processes_upgrading_at_once_all_succeed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
