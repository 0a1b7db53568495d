/* Unit tests for the email outbox (queueing, the next due message, claims with a lease, delivery,
 * retries with backoff, listing) and for UK civil time (uk_offset, uk_date, uk_next_working_time): BST changeovers at
 * 01:00 UTC, evenings, weekends, Christmas, Boxing Day and New Year. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "outbox_fixture.h"
#include "store_outbox.h"
#include "uk_time.h"

/* ---- UK time ---- */

static void offset_changes_at_0100_utc(void **state)
{
    (void)state;
    /* 2026: BST from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC. */
    assert_int_equal(uk_offset(utc("2026-03-29T00:59:59Z")), 0);
    assert_int_equal(uk_offset(utc("2026-03-29T01:00:00Z")), 3600);
    assert_int_equal(uk_offset(utc("2026-10-25T00:59:59Z")), 3600);
    assert_int_equal(uk_offset(utc("2026-10-25T01:00:00Z")), 0);
    /* 2027: 28 March and 31 October. */
    assert_int_equal(uk_offset(utc("2027-03-28T00:59:59Z")), 0);
    assert_int_equal(uk_offset(utc("2027-03-28T01:00:00Z")), 3600);
    assert_int_equal(uk_offset(utc("2027-10-31T00:59:59Z")), 3600);
    assert_int_equal(uk_offset(utc("2027-10-31T01:00:00Z")), 0);
    assert_int_equal(uk_offset(utc("2026-01-15T12:00:00Z")), 0);
    assert_int_equal(uk_offset(utc("2026-07-15T12:00:00Z")), 3600);
}

static void uk_dates_cross_midnight_in_summer_only(void **state)
{
    (void)state;
    char d[11];
    uk_date(utc("2026-06-30T23:30:00Z"), d); /* 00:30 BST on 1 July */
    assert_string_equal(d, "2026-07-01");
    uk_date(utc("2026-06-30T22:59:59Z"), d);
    assert_string_equal(d, "2026-06-30");
    uk_date(utc("2026-12-31T23:30:00Z"), d); /* GMT: still New Year's Eve */
    assert_string_equal(d, "2026-12-31");
    uk_date(utc("2027-01-01T00:00:00Z"), d);
    assert_string_equal(d, "2027-01-01");
    uk_date_minus_days(utc("2026-12-01T10:00:00Z"), 1000, d);
    assert_string_equal(d, "2024-03-06");
    uk_date_minus_days(utc("2026-03-01T00:30:00Z"), 1, d); /* across a leap-free February */
    assert_string_equal(d, "2026-02-28");
}

static calendar cal;

static int load_cal(void **state)
{
    (void)state;
    size_t len;
    char *json = shipped_calendar(&len), err[200];
    int rc = json ? calendar_parse(json, len, &cal, err, sizeof err) : -1;
    free(json);
    return rc;
}

static int free_cal(void **state)
{
    (void)state;
    calendar_free(&cal);
    return 0;
}

static void next_working(const char *from, const char *expect)
{
    char got[21];
    iso_of(uk_next_working_time(&cal, utc(from)), got);
    if (strcmp(got, expect) != 0)
        fprintf(stderr, "from %s: expected %s, got %s\n", from, expect, got);
    assert_string_equal(got, expect);
}

static void working_hours(void **state)
{
    (void)state;
    /* Winter (GMT = UTC). */
    next_working("2026-12-02T10:00:00Z", "2026-12-02T10:00:00Z"); /* Wednesday, in hours: itself */
    next_working("2026-12-02T07:59:59Z", "2026-12-02T08:00:00Z");
    next_working("2026-12-02T17:59:59Z", "2026-12-02T17:59:59Z");
    next_working("2026-12-02T18:00:00Z", "2026-12-03T08:00:00Z"); /* evening: next morning */
    next_working("2026-12-02T22:00:00Z", "2026-12-03T08:00:00Z");
    next_working("2026-11-27T18:00:00Z", "2026-11-30T08:00:00Z"); /* Friday 18:00 -> Monday 08:00 */
    next_working("2026-11-28T23:30:00Z", "2026-11-30T08:00:00Z"); /* Saturday night */
    next_working("2026-11-29T12:00:00Z", "2026-11-30T08:00:00Z"); /* Sunday */
    /* Christmas 2026: Friday 25th, Boxing Day Saturday 26th with its substitute Monday 28th. */
    next_working("2026-12-24T18:00:00Z", "2026-12-29T08:00:00Z");
    next_working("2026-12-25T09:00:00Z", "2026-12-29T08:00:00Z");
    /* New Year's Day 2027 is a Friday. */
    next_working("2026-12-31T18:00:00Z", "2027-01-04T08:00:00Z");
    next_working("2026-12-31T17:00:00Z", "2026-12-31T17:00:00Z");
    /* Summer (BST): working hours are 07:00-17:00 UTC. */
    next_working("2026-07-03T17:00:00Z", "2026-07-06T07:00:00Z"); /* Friday 18:00 BST */
    next_working("2026-07-03T16:59:59Z", "2026-07-03T16:59:59Z");
    next_working("2026-06-01T06:30:00Z", "2026-06-01T07:00:00Z"); /* Monday 07:30 BST */
    next_working("2026-06-01T23:30:00Z", "2026-06-02T07:00:00Z"); /* 00:30 BST on Tuesday */
    /* The changeover weekends: Saturday evening GMT -> Monday 08:00 BST, and back. */
    next_working("2026-03-28T22:00:00Z", "2026-03-30T07:00:00Z");
    next_working("2026-03-29T00:30:00Z", "2026-03-30T07:00:00Z"); /* the night of the change itself */
    next_working("2026-10-24T22:00:00Z", "2026-10-26T08:00:00Z");
    next_working("2026-10-25T00:30:00Z", "2026-10-26T08:00:00Z");
    /* Good Friday and Easter Monday 2026 (3 and 6 April). */
    next_working("2026-04-02T17:00:00Z", "2026-04-07T07:00:00Z");
}

/* ---- the outbox ---- */

typedef struct {
    const char *to, *subject, *body;
    int64_t now;
} add_ctx;

static int add_write(store *s, MDB_txn *txn, void *arg)
{
    add_ctx *c = arg;
    return store_outbox_add(s, txn, c->to, c->subject, c->body, c->now);
}

static void add(store *s, const char *to, const char *subject, int64_t now)
{
    add_ctx c = {to, subject, "Body text.\nC12", now};
    assert_int_equal(store_write(s, add_write, &c), 0);
}

typedef struct {
    uint64_t id;
    int64_t now, next_at;
    const char *error;
} op_ctx;

static int done_write(store *s, MDB_txn *txn, void *arg)
{
    return store_outbox_done(s, txn, ((op_ctx *)arg)->id);
}

static int retry_write(store *s, MDB_txn *txn, void *arg)
{
    op_ctx *c = arg;
    return store_outbox_retry(s, txn, c->id, c->now, c->error, &c->next_at);
}

/* The next due message at `now`: its id (0 when none); *msg set when msg is not NULL. */
static uint64_t due(store *s, int64_t now, json_t **msg)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    uint64_t id;
    json_t *m = NULL;
    int rc = store_outbox_next_due(s, txn, now, &id, &m);
    store_read_end(s, txn);
    if (rc == MDB_NOTFOUND) {
        assert_null(m);
        return 0;
    }
    assert_int_equal(rc, 0);
    assert_non_null(m);
    if (msg)
        *msg = m;
    else
        json_decref(m);
    return id;
}

static size_t count(store *s)
{
    MDB_txn *txn;
    size_t n = 99;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_outbox_count(s, txn, &n), 0);
    store_read_end(s, txn);
    return n;
}

static void queued_message_waits_for_working_hours(void **state)
{
    fixture *f = *state;
    assert_int_equal(count(f->s), 0);
    assert_int_equal(due(f->s, utc("2030-01-01T00:00:00Z"), NULL), 0);
    add(f->s, "a@example.test", "Saturday", utc("2026-11-28T12:00:00Z"));
    assert_int_equal(count(f->s), 1);
    assert_int_equal(due(f->s, utc("2026-11-28T12:00:00Z"), NULL), 0);
    assert_int_equal(due(f->s, utc("2026-11-30T07:59:59Z"), NULL), 0);
    json_t *m;
    assert_int_equal(due(f->s, utc("2026-11-30T08:00:00Z"), &m), 1);
    assert_string_equal(json_string_value(json_object_get(m, "to")), "a@example.test");
    assert_string_equal(json_string_value(json_object_get(m, "subject")), "Saturday");
    assert_string_equal(json_string_value(json_object_get(m, "body")), "Body text.\nC12");
    assert_string_equal(json_string_value(json_object_get(m, "created_at")), "2026-11-28T12:00:00Z");
    assert_int_equal(json_integer_value(json_object_get(m, "not_before")), utc("2026-11-30T08:00:00Z"));
    assert_int_equal(json_integer_value(json_object_get(m, "next_at")), utc("2026-11-30T08:00:00Z"));
    assert_int_equal(json_integer_value(json_object_get(m, "attempts")), 0);
    assert_null(json_object_get(m, "last_error"));
    json_decref(m);
}

static void lowest_due_id_first(void **state)
{
    fixture *f = *state;
    int64_t wed = utc("2026-12-02T10:00:00Z");
    add(f->s, "one@example.test", "1", wed);
    add(f->s, "two@example.test", "2", wed);
    add(f->s, "three@example.test", "3", wed + 60);
    assert_int_equal(due(f->s, wed, NULL), 1);
    /* 1 fails and waits: 2 is next; 3 is not due until a minute later. */
    op_ctx op = {.id = 1, .now = wed, .error = "Connection refused"};
    assert_int_equal(store_write(f->s, retry_write, &op), 0);
    assert_int_equal(due(f->s, wed, NULL), 2);
    op.id = 2;
    assert_int_equal(store_write(f->s, done_write, &op), 0);
    assert_int_equal(due(f->s, wed, NULL), 0);
    assert_int_equal(due(f->s, wed + 30, NULL), 1);
    op.id = 1;
    assert_int_equal(store_write(f->s, done_write, &op), 0);
    assert_int_equal(due(f->s, wed + 59, NULL), 0);
    assert_int_equal(due(f->s, wed + 60, NULL), 3);
    assert_int_equal(count(f->s), 1);
    /* Deleting twice: not found, and nothing else touched. */
    op.id = 2;
    assert_int_equal(store_write(f->s, done_write, &op), MDB_NOTFOUND);
    assert_int_equal(count(f->s), 1);
}

static void backoff_doubles_to_an_hour(void **state)
{
    (void)state;
    assert_int_equal(store_outbox_backoff(1), 30);
    assert_int_equal(store_outbox_backoff(2), 60);
    assert_int_equal(store_outbox_backoff(3), 120);
    assert_int_equal(store_outbox_backoff(7), 1920);
    assert_int_equal(store_outbox_backoff(8), 3600); /* 3840 capped */
    assert_int_equal(store_outbox_backoff(100), 3600);
    assert_int_equal(store_outbox_backoff(INT64_MAX), 3600);
}

static void retries_count_and_keep_the_error(void **state)
{
    fixture *f = *state;
    int64_t t = utc("2026-12-02T09:00:00Z");
    add(f->s, "a@example.test", "retry", t);
    static const int64_t waits[] = {30, 60, 120, 240, 480, 960, 1920, 3600, 3600};
    for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
        char err[32];
        snprintf(err, sizeof err, "failure %zu", i + 1);
        op_ctx op = {.id = 1, .now = t, .error = err};
        assert_int_equal(store_write(f->s, retry_write, &op), 0);
        assert_int_equal(op.next_at, t + waits[i]);
        assert_int_equal(due(f->s, t + waits[i] - 1, NULL), 0);
        json_t *m;
        assert_int_equal(due(f->s, t + waits[i], &m), 1);
        assert_int_equal(json_integer_value(json_object_get(m, "attempts")), (json_int_t)i + 1);
        assert_string_equal(json_string_value(json_object_get(m, "last_error")), err);
        assert_int_equal(json_integer_value(json_object_get(m, "not_before")), utc("2026-12-02T09:00:00Z"));
        json_decref(m);
        t += waits[i];
    }
    /* A long error is cut on a character boundary ("é" is two bytes). */
    char long_err[STORE_OUTBOX_ERROR_MAX + 10];
    memset(long_err, 'x', sizeof long_err);
    memcpy(long_err + STORE_OUTBOX_ERROR_MAX - 1, "\xc3\xa9", 2);
    long_err[sizeof long_err - 1] = '\0';
    op_ctx op = {.id = 1, .now = t, .error = long_err};
    assert_int_equal(store_write(f->s, retry_write, &op), 0);
    json_t *m;
    assert_int_equal(due(f->s, op.next_at, &m), 1);
    const char *kept = json_string_value(json_object_get(m, "last_error"));
    assert_non_null(kept);
    assert_int_equal(strlen(kept), STORE_OUTBOX_ERROR_MAX - 1);
    json_decref(m);
    /* Retrying a message that is not there. */
    op.id = 42;
    assert_int_equal(store_write(f->s, retry_write, &op), MDB_NOTFOUND);
}

static void retries_never_fall_outside_working_hours(void **state)
{
    fixture *f = *state;
    int64_t t = utc("2026-12-04T17:59:50Z"); /* Friday, ten seconds before the end of the day */
    add(f->s, "a@example.test", "late", t);
    op_ctx op = {.id = 1, .now = t, .error = "timeout"};
    assert_int_equal(store_write(f->s, retry_write, &op), 0);
    char at[21];
    assert_string_equal(iso_of(op.next_at, at), "2026-12-07T08:00:00Z"); /* Monday morning */
    assert_int_equal(due(f->s, utc("2026-12-05T12:00:00Z"), NULL), 0);
    assert_int_equal(due(f->s, utc("2026-12-07T08:00:00Z"), NULL), 1);
}

static void list_shows_no_bodies(void **state)
{
    fixture *f = *state;
    int64_t t = utc("2026-12-02T10:00:00Z");
    add(f->s, "a@example.test", "first", t);
    add(f->s, "b@example.test", "second", t);
    op_ctx op = {.id = 2, .now = t, .error = "550 no such user"};
    assert_int_equal(store_write(f->s, retry_write, &op), 0);
    MDB_txn *txn;
    json_t *items;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_outbox_list(f->s, txn, 10, &items), 0);
    store_read_end(f->s, txn);
    assert_int_equal(json_array_size(items), 2);
    json_t *a = json_array_get(items, 0), *b = json_array_get(items, 1);
    assert_int_equal(json_integer_value(json_object_get(a, "id")), 1);
    assert_string_equal(json_string_value(json_object_get(a, "to")), "a@example.test");
    assert_string_equal(json_string_value(json_object_get(a, "subject")), "first");
    assert_true(json_is_null(json_object_get(a, "last_error")));
    assert_null(json_object_get(a, "body"));
    assert_int_equal(json_integer_value(json_object_get(b, "attempts")), 1);
    assert_int_equal(json_integer_value(json_object_get(b, "next_at")), t + 30);
    assert_string_equal(json_string_value(json_object_get(b, "last_error")), "550 no such user");
    assert_null(json_object_get(b, "body"));
    json_decref(items);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_outbox_list(f->s, txn, 1, &items), 0);
    store_read_end(f->s, txn);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
}

/* ---- claims ---- */

typedef struct {
    int64_t now, owner;
    uint64_t id;
} claim_ctx;

static int claim_write(store *s, MDB_txn *txn, void *arg)
{
    claim_ctx *c = arg;
    json_t *m = NULL;
    int rc = store_outbox_claim(s, txn, c->now, c->owner, STORE_OUTBOX_LEASE, &c->id, &m);
    if (!rc) {
        /* The record handed back is the claimed one. */
        if (json_integer_value(json_object_get(m, "claimed_by")) != c->owner ||
            json_integer_value(json_object_get(m, "lease_until")) != c->now + STORE_OUTBOX_LEASE)
            rc = STORE_CORRUPT;
    }
    json_decref(m);
    return rc;
}

/* The id `owner` claims at `now`, 0 when nothing is free. */
static uint64_t claim(store *s, int64_t now, int64_t owner)
{
    claim_ctx c = {.now = now, .owner = owner};
    int rc = store_write(s, claim_write, &c);
    if (rc == MDB_NOTFOUND)
        return 0;
    assert_int_equal(rc, 0);
    return c.id;
}

static void a_claimed_message_is_nobody_elses(void **state)
{
    fixture *f = *state;
    int64_t t = utc("2026-12-02T10:00:00Z");
    add(f->s, "one@example.test", "1", t);
    add(f->s, "two@example.test", "2", t);
    assert_int_equal(claim(f->s, t, 101), 1);
    assert_int_equal(claim(f->s, t, 202), 2); /* not 1: it is 101's */
    assert_int_equal(claim(f->s, t, 303), 0);
    assert_int_equal(claim(f->s, t, 101), 0); /* not even its own claimer takes it twice */
    assert_int_equal(due(f->s, t, NULL), 0);  /* a held message is not due to anybody */
    assert_int_equal(count(f->s), 2);          /* claimed, not removed */
}

static void an_expired_lease_is_claimable_again(void **state)
{
    fixture *f = *state;
    int64_t t = utc("2026-12-02T10:00:00Z");
    add(f->s, "a@example.test", "lease", t);
    assert_int_equal(claim(f->s, t, 101), 1);
    /* 101 died mid-send: its lease holds the message until it runs out, then anybody may take it. */
    assert_int_equal(claim(f->s, t + STORE_OUTBOX_LEASE - 1, 202), 0);
    assert_int_equal(due(f->s, t + STORE_OUTBOX_LEASE - 1, NULL), 0);
    assert_int_equal(claim(f->s, t + STORE_OUTBOX_LEASE, 202), 1);
    json_t *m;
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    unsigned char key[8];
    store_key_u64(key, 1);
    assert_int_equal(store_json_get(f->s, txn, DB_OUTBOX, key, 8, &m), 0);
    store_read_end(f->s, txn);
    assert_int_equal(json_integer_value(json_object_get(m, "claimed_by")), 202);
    assert_int_equal(json_integer_value(json_object_get(m, "lease_until")), t + 2 * STORE_OUTBOX_LEASE);
    json_decref(m);
    /* A failed attempt gives the claim up: the retry is due at its next_at, to any sender. */
    op_ctx op = {.id = 1, .now = t + STORE_OUTBOX_LEASE, .error = "timeout"};
    assert_int_equal(store_write(f->s, retry_write, &op), 0);
    assert_int_equal(op.next_at, t + STORE_OUTBOX_LEASE + 30);
    assert_int_equal(due(f->s, op.next_at, &m), 1);
    assert_null(json_object_get(m, "claimed_by"));
    assert_null(json_object_get(m, "lease_until"));
    json_decref(m);
    assert_int_equal(claim(f->s, op.next_at, 303), 1);
}

#define RACE_MESSAGES 300

typedef struct {
    store *s;
    int64_t now, owner;
    uint64_t got[RACE_MESSAGES];
    size_t n;
    int failed;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    for (;;) {
        claim_ctx c = {.now = r->now, .owner = r->owner};
        int rc = store_write(r->s, claim_write, &c);
        if (rc == MDB_NOTFOUND)
            break;
        if (rc || r->n == RACE_MESSAGES) {
            r->failed = 1;
            break;
        }
        r->got[r->n++] = c.id;
    }
    return NULL;
}

static void two_claimers_at_once_never_share_a_message(void **state)
{
    fixture *f = *state;
    int64_t t = utc("2026-12-02T10:00:00Z");
    for (int i = 0; i < RACE_MESSAGES; i++)
        add(f->s, "race@example.test", "race", t);
    static racer a, b;
    a = (racer){.s = f->s, .now = t, .owner = 1};
    b = (racer){.s = f->s, .now = t, .owner = 2};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_false(a.failed);
    assert_false(b.failed);
    /* Every message claimed exactly once between them. */
    assert_int_equal(a.n + b.n, RACE_MESSAGES);
    static int seen[RACE_MESSAGES + 1];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < a.n; i++)
        seen[a.got[i]]++;
    for (size_t i = 0; i < b.n; i++)
        seen[b.got[i]]++;
    for (int id = 1; id <= RACE_MESSAGES; id++)
        assert_int_equal(seen[id], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offset_changes_at_0100_utc),
        cmocka_unit_test(uk_dates_cross_midnight_in_summer_only),
        cmocka_unit_test_setup_teardown(working_hours, load_cal, free_cal),
        cmocka_unit_test_setup_teardown(queued_message_waits_for_working_hours, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(lowest_due_id_first, setup_cal, teardown),
        cmocka_unit_test(backoff_doubles_to_an_hour),
        cmocka_unit_test_setup_teardown(retries_count_and_keep_the_error, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(retries_never_fall_outside_working_hours, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(list_shows_no_bodies, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(a_claimed_message_is_nobody_elses, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(an_expired_lease_is_claimable_again, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(two_claimers_at_once_never_share_a_message, setup_cal, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
