/* Unit tests for the store's upgrade step (store_upgrade.h): store_open alone leaves an older layout of
 * the reports' facts as it is; store_upgrade brings it up to date, is idempotent, and is safe when
 * several processes open and upgrade the same store at once; councils without a nation get England.
 * Real LMDB. */
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
#include "store_org.h"
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

/* A council written before nations existed: its record without "nation" (and a Home Office without). */
typedef struct {
    uint64_t council, ho;
} orgs_ctx;

static int old_orgs_write(store *s, MDB_txn *txn, void *arg)
{
    orgs_ctx *c = arg;
    int rc = store_org_create(s, txn, "council", "Old Council", "OLD", "2020-01-01T00:00:00Z", &c->council);
    if (!rc)
        rc = store_org_create(s, txn, "home_office", "Home Office", "HO", "2020-01-01T00:00:00Z", &c->ho);
    json_t *org = NULL;
    if (!rc)
        rc = store_org_get(s, txn, c->council, &org);
    if (!rc) {
        json_object_del(org, "nation");
        unsigned char key[8];
        store_key_u64(key, c->council);
        rc = store_json_put(s, txn, DB_ORGS, key, 8, org);
    }
    json_decref(org);
    return rc;
}

static void councils_of_an_older_store_are_in_england(void **state)
{
    fixture *f = *state;
    orgs_ctx c = {0};
    assert_int_equal(store_write(f->s, old_orgs_write, &c), 0);
    assert_int_equal(store_upgrade(f->s), 0);
    assert_int_equal(store_upgrade(f->s), 0); /* idempotent */
    MDB_txn *txn;
    json_t *council = NULL, *ho = NULL;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_org_get(f->s, txn, c.council, &council), 0);
    assert_int_equal(store_org_get(f->s, txn, c.ho, &ho), 0);
    size_t unset = 0;
    assert_int_equal(store_org_check_regions(f->s, txn, NULL, &unset), 0);
    store_read_end(f->s, txn);
    assert_string_equal(json_string_value(json_object_get(council, "nation")), "england");
    assert_null(json_object_get(council, "region"));
    assert_null(json_object_get(ho, "nation")); /* only councils have a place */
    assert_int_equal(unset, 1);
    json_decref(council);
    json_decref(ho);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_leaves_the_layout_and_upgrade_brings_it_up_to_date, setup, teardown),
        cmocka_unit_test_setup_teardown(processes_upgrading_at_once_all_succeed, setup, teardown),
        cmocka_unit_test_setup_teardown(councils_of_an_older_store_are_in_england, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
