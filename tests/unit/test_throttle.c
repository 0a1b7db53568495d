/* Unit tests for the sign-in throttle (store/store_throttle.c) and the user-level calls over it
 * (store_user_fail, unlock and password reset by user name). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "store_audit.h"
#include "store_fixture.h"
#include "store_org.h"
#include "store_session.h"
#include "store_throttle.h"
#include "store_user.h"

#define T0 1800000000 /* a fixed "now" */
#define MIN 60

/* ---- one call per write transaction ---- */

typedef struct {
    const char *name;
    int64_t now, until;
    int began;
} fail_arg;

static int fail_write(store *s, MDB_txn *txn, void *arg)
{
    fail_arg *a = arg;
    return store_throttle_fail(s, txn, a->name, a->now, &a->until, &a->began);
}

/* One failure on `name` at `now`; returns the throttle's end (0: none) and sets *began. */
static int64_t fail_at(store *s, const char *name, int64_t now, int *began)
{
    fail_arg a = {name, now, 0, 0};
    assert_int_equal(store_write(s, fail_write, &a), 0);
    if (began)
        *began = a.began;
    return a.until;
}

static int64_t until_at(store *s, const char *name, int64_t now)
{
    MDB_txn *txn;
    int64_t until;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_throttle_until(s, txn, name, now, &until), 0);
    store_read_end(s, txn);
    return until;
}

static size_t records(store *s)
{
    MDB_txn *txn;
    size_t n;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_throttle_count(s, txn, &n), 0);
    store_read_end(s, txn);
    return n;
}

static int clear_write(store *s, MDB_txn *txn, void *arg)
{
    return store_throttle_clear(s, txn, arg);
}

/* Four failures at `now`: one short of a throttle. */
static void four_failures(store *s, const char *name, int64_t now)
{
    for (int i = 0; i < STORE_THROTTLE_FAILS - 1; i++)
        assert_int_equal(fail_at(s, name, now, NULL), 0);
}

/* ---- the throttle ---- */

static void five_failures_throttle_for_15_minutes(void **state)
{
    fixture *f = *state;
    assert_int_equal(until_at(f->s, "nobody.at.all", T0), 0); /* no key yet: nothing throttled */
    four_failures(f->s, "nobody.at.all", T0);
    assert_int_equal(until_at(f->s, "nobody.at.all", T0), 0);
    int began;
    assert_int_equal(fail_at(f->s, "nobody.at.all", T0 + 5, &began), T0 + 5 + 15 * MIN);
    assert_true(began);
    assert_int_equal(until_at(f->s, "nobody.at.all", T0 + 6), T0 + 5 + 15 * MIN);
    /* While throttled a failure is not counted and does not extend the throttle. */
    assert_int_equal(fail_at(f->s, "nobody.at.all", T0 + 60, &began), T0 + 5 + 15 * MIN);
    assert_false(began);
    /* It ends by itself. */
    assert_int_equal(until_at(f->s, "nobody.at.all", T0 + 5 + 15 * MIN), 0);
    /* Other names are not affected. */
    assert_int_equal(until_at(f->s, "somebody.else", T0 + 6), 0);
}

static void rounds_grow_to_an_hour(void **state)
{
    fixture *f = *state;
    const int64_t expect[] = {15 * MIN, 30 * MIN, 60 * MIN, 60 * MIN};
    int64_t now = T0;
    for (size_t round = 0; round < sizeof expect / sizeof *expect; round++) {
        four_failures(f->s, "ann.smith", now);
        int began;
        int64_t until = fail_at(f->s, "ann.smith", now, &began);
        assert_true(began);
        assert_int_equal(until - now, expect[round]);
        now = until; /* try again as soon as it ends */
    }
}

static void names_are_folded_and_cleared(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < STORE_THROTTLE_FAILS; i++)
        fail_at(f->s, i % 2 ? "Ann.Smith" : "ANN.SMITH", T0, NULL);
    assert_int_equal(until_at(f->s, "ann.smith", T0), T0 + 15 * MIN);
    assert_int_equal(store_write(f->s, clear_write, "aNN.smiTH"), 0);
    assert_int_equal(until_at(f->s, "ann.smith", T0), 0);
    assert_int_equal(records(f->s), 0);
    assert_int_equal(store_write(f->s, clear_write, "never.failed"), 0); /* nothing to clear: fine */
    /* After a clear the count starts again from nothing. */
    four_failures(f->s, "ann.smith", T0);
    assert_int_equal(until_at(f->s, "ann.smith", T0), 0);
}

static void idle_names_are_forgotten(void **state)
{
    fixture *f = *state;
    /* Four failures, then an idle hour: the fifth starts a new count. */
    four_failures(f->s, "idle.one", T0);
    assert_int_equal(fail_at(f->s, "idle.one", T0 + STORE_THROTTLE_FORGET_UNTHROTTLED, NULL), 0);
    /* A throttled name remembers its round for a day after the throttle ends... */
    four_failures(f->s, "idle.two", T0);
    int64_t end = fail_at(f->s, "idle.two", T0, NULL);
    four_failures(f->s, "idle.two", end + 3600);
    assert_int_equal(fail_at(f->s, "idle.two", end + 3600, NULL) - (end + 3600), 30 * MIN);
    /* ...and starts afresh (15 minutes) after a quiet day. */
    int64_t later = end + 3600 + 30 * MIN + STORE_THROTTLE_FORGET_THROTTLED;
    four_failures(f->s, "idle.two", later);
    assert_int_equal(fail_at(f->s, "idle.two", later, NULL) - later, 15 * MIN);
}

static void old_records_are_pruned(void **state)
{
    fixture *f = *state;
    char name[32];
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "random.%d", i);
        fail_at(f->s, name, T0, NULL);
    }
    assert_int_equal(records(f->s), 10);
    /* A later failure on another name forgets the expired ones as it is written. */
    fail_at(f->s, "someone.new", T0 + STORE_THROTTLE_FORGET_UNTHROTTLED + 1, NULL);
    assert_int_equal(records(f->s), 1);
}

/* The names people typed never reach the disk: only their keyed hashes. */
static void raw_names_are_not_stored(void **state)
{
    fixture *f = *state;
    const char *secret = "MyPassword-typed-as-name";
    for (int i = 0; i < STORE_THROTTLE_FAILS; i++)
        fail_at(f->s, secret, T0, NULL);
    assert_int_equal(until_at(f->s, secret, T0), T0 + 15 * MIN);
    char path[128];
    snprintf(path, sizeof path, "%s/data.mdb", f->dir);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    struct stat st;
    assert_int_equal(fstat(fileno(fp), &st), 0);
    char *bytes = malloc((size_t)st.st_size);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
    fclose(fp);
    assert_null(memmem(bytes, (size_t)st.st_size, "mypassword-typed-as-name", 24));
    assert_null(memmem(bytes, (size_t)st.st_size, secret, strlen(secret)));
    free(bytes);
}

/* ---- users ---- */

typedef struct {
    uint64_t org, uid;
} user_ids;

static int add_org_and_user(store *s, MDB_txn *txn, void *arg)
{
    user_ids *a = arg;
    int rc = store_org_create(s, txn, "council", "Test Council", "TC", "2026-01-01T00:00:00Z", &a->org);
    if (rc)
        return rc;
    json_t *u = json_pack("{s:I,s:s,s:s,s:s,s:n,s:n,s:s,s:b,s:i}", "org_id", (json_int_t)a->org, "username",
                          "ann.smith", "name", "Ann Smith", "role", "user", "team", "email", "pw",
                          "$argon2id$old", "must_change", 0, "temp_expires", 0);
    if (!u)
        return STORE_NOMEM;
    rc = store_user_create(s, txn, u, &a->uid);
    json_decref(u);
    if (rc)
        return rc;
    const unsigned char sid[16] = "session-of-ann!";
    return store_session_create(s, txn, sid, a->uid, T0, T0 + 3600);
}

typedef struct {
    uint64_t uid;
    int64_t now, until;
    int began;
} user_fail_arg;

static int user_fail_write(store *s, MDB_txn *txn, void *arg)
{
    user_fail_arg *a = arg;
    json_t *u = NULL;
    int rc = a->uid ? store_user_get(s, txn, a->uid, &u) : 0;
    if (!rc)
        rc = store_user_fail(s, txn, a->uid ? "ann.smith" : "no.such.user", u, a->now, "2026-01-01T00:00:00Z", 0,
                             "login_failed", &a->until, &a->began);
    json_decref(u);
    return rc;
}

static json_t *user_now(store *s, uint64_t uid)
{
    MDB_txn *txn;
    json_t *u;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_user_get(s, txn, uid, &u), 0);
    store_read_end(s, txn);
    return u;
}

static size_t audits(store *s, const char *action)
{
    MDB_txn *txn;
    json_t *rows;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_audit_recent(s, txn, action, 100, &rows), 0);
    store_read_end(s, txn);
    size_t n = json_array_size(rows);
    json_decref(rows);
    return n;
}

static int session_count(store *s, uint64_t uid)
{
    const unsigned char sid[16] = "session-of-ann!";
    MDB_txn *txn;
    uint64_t owner;
    int64_t abs;
    assert_int_equal(store_read_begin(s, &txn), 0);
    int rc = store_session_get(s, txn, sid, &owner, &abs);
    store_read_end(s, txn);
    return rc == 0 && owner == uid;
}

static void user_failures_share_the_name_throttle(void **state)
{
    fixture *f = *state;
    user_ids ids = {0, 0};
    assert_int_equal(store_write(f->s, add_org_and_user, &ids), 0);
    user_fail_arg a = {ids.uid, T0, 0, 0};
    for (int i = 1; i < STORE_THROTTLE_FAILS; i++) {
        assert_int_equal(store_write(f->s, user_fail_write, &a), 0);
        assert_int_equal(a.until, 0);
    }
    assert_int_equal(audits(f->s, "login_failed"), 4);
    assert_int_equal(store_write(f->s, user_fail_write, &a), 0);
    assert_true(a.began);
    assert_int_equal(a.until, T0 + 15 * MIN);
    assert_int_equal(audits(f->s, "login_throttled"), 1);
    json_t *u = user_now(f->s, ids.uid);
    assert_int_equal(json_integer_value(json_object_get(u, "throttled_until")), T0 + 15 * MIN);
    json_decref(u);
    assert_int_equal(until_at(f->s, "ann.smith", T0), T0 + 15 * MIN);
    /* Sessions survive: an anonymous guesser cannot sign anyone out. */
    assert_true(session_count(f->s, ids.uid));
    /* An unknown name is throttled the same way, and writes no audit row. */
    user_fail_arg nobody = {0, T0, 0, 0};
    for (int i = 0; i < STORE_THROTTLE_FAILS; i++)
        assert_int_equal(store_write(f->s, user_fail_write, &nobody), 0);
    assert_int_equal(nobody.until, T0 + 15 * MIN);
    assert_int_equal(audits(f->s, "login_failed"), 5);
}

typedef struct {
    const char *name;
    uint64_t uid;
} by_name_arg;

static int unlock_write(store *s, MDB_txn *txn, void *arg)
{
    by_name_arg *a = arg;
    return store_user_unlock_by_name(s, txn, a->name, "2026-01-01T00:00:00Z", &a->uid);
}

static int reset_write(store *s, MDB_txn *txn, void *arg)
{
    by_name_arg *a = arg;
    return store_user_reset_password_by_name(s, txn, a->name, "$argon2id$new", 1, T0 + 3600,
                                             "2026-01-01T00:00:00Z", &a->uid);
}

static void unlock_by_name_clears_the_throttle(void **state)
{
    fixture *f = *state;
    user_ids ids = {0, 0};
    assert_int_equal(store_write(f->s, add_org_and_user, &ids), 0);
    user_fail_arg a = {ids.uid, T0, 0, 0};
    for (int i = 0; i < STORE_THROTTLE_FAILS; i++)
        assert_int_equal(store_write(f->s, user_fail_write, &a), 0);
    assert_int_equal(until_at(f->s, "ann.smith", T0), T0 + 15 * MIN);
    by_name_arg b = {"Ann.Smith", 0};
    assert_int_equal(store_write(f->s, unlock_write, &b), 0);
    assert_int_equal(b.uid, ids.uid);
    assert_int_equal(until_at(f->s, "ann.smith", T0), 0);
    json_t *u = user_now(f->s, ids.uid);
    assert_null(json_object_get(u, "throttled_until"));
    json_decref(u);
    assert_int_equal(audits(f->s, "account_unlocked"), 1);
    by_name_arg nobody = {"no.such.user", 0};
    assert_int_equal(store_write(f->s, unlock_write, &nobody), MDB_NOTFOUND);
    by_name_arg bad = {"not a user name!", 0};
    assert_int_equal(store_write(f->s, unlock_write, &bad), MDB_NOTFOUND);
}

static void reset_by_name_sets_the_hash_and_ends_sessions(void **state)
{
    fixture *f = *state;
    user_ids ids = {0, 0};
    assert_int_equal(store_write(f->s, add_org_and_user, &ids), 0);
    user_fail_arg a = {ids.uid, T0, 0, 0};
    for (int i = 0; i < STORE_THROTTLE_FAILS; i++)
        assert_int_equal(store_write(f->s, user_fail_write, &a), 0);
    assert_true(session_count(f->s, ids.uid));
    by_name_arg b = {"ANN.SMITH", 0};
    assert_int_equal(store_write(f->s, reset_write, &b), 0);
    assert_int_equal(b.uid, ids.uid);
    json_t *u = user_now(f->s, ids.uid);
    assert_string_equal(json_string_value(json_object_get(u, "pw")), "$argon2id$new");
    assert_true(json_is_true(json_object_get(u, "must_change")));
    assert_int_equal(json_integer_value(json_object_get(u, "temp_expires")), T0 + 3600);
    assert_null(json_object_get(u, "throttled_until"));
    json_decref(u);
    assert_false(session_count(f->s, ids.uid));
    assert_int_equal(until_at(f->s, "ann.smith", T0), 0);
    assert_int_equal(audits(f->s, "password_reset"), 1);
    by_name_arg nobody = {"no.such.user", 0};
    assert_int_equal(store_write(f->s, reset_write, &nobody), MDB_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(five_failures_throttle_for_15_minutes, setup, teardown),
        cmocka_unit_test_setup_teardown(rounds_grow_to_an_hour, setup, teardown),
        cmocka_unit_test_setup_teardown(names_are_folded_and_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(idle_names_are_forgotten, setup, teardown),
        cmocka_unit_test_setup_teardown(old_records_are_pruned, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_names_are_not_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(user_failures_share_the_name_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(unlock_by_name_clears_the_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_by_name_sets_the_hash_and_ends_sessions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
