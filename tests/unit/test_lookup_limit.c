/* test_lookup_limit.c - counting a user's RTPF look-ups of the last hour (store_lookup.h): by the
 * entries' ordinals (two seeks, whatever the limit), by walking entries written before ordinals,
 * and across a clock that steps back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "store_fixture.h"
#include "store_internal.h"
#include "store_lookup.h"

#define NOW 1800000000LL
#define UID 42

typedef struct {
    int64_t at;
    uint64_t uid;
    int old_format; /* write the entry as before ordinals: an empty value, no row */
    uint64_t seq;
} add_ctx;

static int add_write(store *s, MDB_txn *txn, void *arg)
{
    add_ctx *c = arg;
    if (!c->old_format)
        return store_lookup_add(s, txn, c->at, "2027-01-15T08:00:00Z", c->uid, 7, "passport",
                                "0000000000000000000000000000000000000000000000000000000000000000", 0);
    unsigned char key[24];
    store_key_u64(key, c->uid);
    store_key_u64(key + 8, (uint64_t)c->at);
    store_key_u64(key + 16, ++c->seq + 1000000);
    MDB_val k = {24, key}, v = {0, ""};
    return mdb_put(txn, store_dbi(s, DB_USER_LOOKUPS), &k, &v, 0);
}

static void add(store *s, uint64_t uid, int64_t at, int old_format)
{
    static uint64_t seq;
    add_ctx c = {.at = at, .uid = uid, .old_format = old_format, .seq = seq};
    assert_int_equal(store_write(s, add_write, &c), 0);
    seq = c.seq;
}

typedef struct {
    uint64_t uid;
    int64_t now;
    unsigned enough, count;
    int64_t oldest;
} recent_ctx;

static int recent_write(store *s, MDB_txn *txn, void *arg)
{
    recent_ctx *c = arg;
    return store_lookup_recent(s, txn, c->uid, c->now, c->enough, &c->count, &c->oldest);
}

static recent_ctx recent(store *s, uint64_t uid, int64_t now, unsigned enough)
{
    recent_ctx c = {.uid = uid, .now = now, .enough = enough};
    assert_int_equal(store_write(s, recent_write, &c), 0);
    return c;
}

static size_t entries(store *s)
{
    MDB_txn *txn;
    size_t n;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_entries(s, txn, DB_USER_LOOKUPS, &n), 0);
    store_read_end(s, txn);
    return n;
}

/* 50 look-ups before the hour and 300 in it: the old ones are dropped, the count is 300 with a limit
 * of a hundred million, capped at a lower limit, and the oldest in the hour is reported. */
static void counts_the_hour_whatever_the_limit(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 50; i++)
        add(f->s, UID, NOW - 5000 + i, 0);
    for (int i = 0; i < 300; i++)
        add(f->s, UID, NOW - 3000 + i, 0);
    add(f->s, UID + 1, NOW - 10, 0); /* another user's */
    recent_ctx c = recent(f->s, UID, NOW, 100000000);
    assert_int_equal(c.count, 300);
    assert_int_equal(c.oldest, NOW - 3000);
    assert_int_equal(entries(f->s), 301); /* the 50 out of the window are gone */
    c = recent(f->s, UID, NOW, 60);
    assert_int_equal(c.count, 60);
    assert_int_equal(c.oldest, NOW - 3000);
    /* 700 seconds on, the hour starts after NOW - 2900: the first 101 of the 300 have left it */
    c = recent(f->s, UID, NOW + 700, 100000000);
    assert_int_equal(c.count, 199);
    assert_int_equal(c.oldest, NOW - 2899);
    assert_int_equal(recent(f->s, UID + 1, NOW, 1000).count, 1);
    assert_int_equal(recent(f->s, UID + 2, NOW, 1000).count, 0);
}

/* Entries written before ordinals (empty values) are counted by walking them, mixed with new ones,
 * until they leave the hour; then the ordinals count alone. */
static void counts_entries_from_before_ordinals(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 20; i++)
        add(f->s, UID, NOW - 3500 + i, 1);
    assert_int_equal(recent(f->s, UID, NOW, 1000).count, 20);
    assert_int_equal(recent(f->s, UID, NOW, 5).count, 5);
    for (int i = 0; i < 30; i++)
        add(f->s, UID, NOW - 100 + i, 0);
    recent_ctx c = recent(f->s, UID, NOW, 1000);
    assert_int_equal(c.count, 50);
    assert_int_equal(c.oldest, NOW - 3500);
    c = recent(f->s, UID, NOW + 200, 1000); /* the old ones have left the hour */
    assert_int_equal(c.count, 30);
    assert_int_equal(c.oldest, NOW - 100);
    assert_int_equal(entries(f->s), 30);
}

/* A clock that steps back files the look-up at the newest one's time: still counted, in order. */
static void a_clock_stepping_back_keeps_the_count(void **state)
{
    fixture *f = *state;
    add(f->s, UID, NOW, 0);
    add(f->s, UID, NOW - 600, 0);
    add(f->s, UID, NOW - 600, 0);
    recent_ctx c = recent(f->s, UID, NOW, 1000);
    assert_int_equal(c.count, 3);
    assert_int_equal(c.oldest, NOW);
    add(f->s, UID, NOW + 10, 0);
    assert_int_equal(recent(f->s, UID, NOW + 10, 1000).count, 4);
    assert_int_equal(recent(f->s, UID, NOW + 3600, 1000).count, 1); /* the three filed at NOW have gone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(counts_the_hour_whatever_the_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(counts_entries_from_before_ordinals, setup, teardown),
        cmocka_unit_test_setup_teardown(a_clock_stepping_back_keeps_the_count, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
