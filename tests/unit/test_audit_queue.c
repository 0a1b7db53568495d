/* Unit tests for fcgi/audit_queue.c under load: more events than a batch and more than the queue's
 * soft limit, queued faster than they are written, all end in the hash-chained log (none lost, the
 * chain intact), written in transactions of at most AUDIT_BATCH_MAX events, with the queueing
 * threads held back while the flusher catches up rather than the queue growing without bound; and a
 * read at the limit let through by the flusher's next batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "audit_queue.h"
#include "store_audit.h"
#include "store_fixture.h"

#define THREADS 4
#define PER_THREAD 12000 /* 48,000 in all: three times the soft limit, 24 batches at the least */

typedef struct {
    int id;
    double seconds;
} adder;

static void *add_events(void *arg)
{
    adder *a = arg;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < PER_THREAD; i++)
        audit_queue_add(1800000000, (uint64_t)a->id + 1, 1, "case_viewed", (uint64_t)i + 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    a->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return NULL;
}

static void every_event_written_in_bounded_batches(void **state)
{
    fixture *f = *state;
    store_commit_stats before, after;
    store_commit_stats_get(f->s, &before);
    assert_int_equal(audit_queue_start(f->s, NULL), 0);
    pthread_t t[THREADS];
    adder a[THREADS];
    for (int i = 0; i < THREADS; i++) {
        a[i] = (adder){.id = i};
        assert_int_equal(pthread_create(&t[i], NULL, add_events, &a[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    audit_queue_stop();
    store_commit_stats_get(f->s, &after);
    assert_true(verified_events(f->s) >= (uint64_t)THREADS * PER_THREAD);
    /* At most AUDIT_BATCH_MAX events a transaction: at least this many write calls. */
    uint64_t writes = after.writes - before.writes;
    assert_true(writes >= (uint64_t)THREADS * PER_THREAD / AUDIT_BATCH_MAX);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static atomic_int read_done;
static double read_returned_at;

static void *one_read(void *arg)
{
    (void)arg;
    audit_queue_add(1800000000, 9, 1, "case_viewed", 424242);
    read_returned_at = now_s();
    atomic_store(&read_done, 1);
    return NULL;
}

/* A read that finds AUDIT_QUEUE_SOFT_MAX events queued waits while no batch can be written, and the
 * next batch lets it through, long before the bound of AUDIT_QUEUE_WAIT_MS; nothing is lost. */
static void a_read_at_the_limit_waits_for_the_next_batch(void **state)
{
    fixture *f = *state;
    char hold[128];
    audit_hold_batches(f, hold, sizeof hold);
    assert_int_equal(audit_queue_start(f->s, NULL), 0);
    for (int i = 0; i < AUDIT_QUEUE_SOFT_MAX; i++) /* up to the limit: none of these waits */
        audit_queue_add(1800000000, 1, 1, "case_viewed", (uint64_t)i + 1);
    atomic_store(&read_done, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, one_read, NULL), 0);
    usleep(150000);
    assert_false(atomic_load(&read_done)); /* held: no batch, so the read waits */
    double released = now_s();
    assert_int_equal(unlink(hold), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(read_returned_at - released < (AUDIT_QUEUE_WAIT_MS - 150) / 1000.0 * 0.8);
    audit_queue_stop();
    unsetenv("CONNECT_TEST_AUDIT_HOLD");
    assert_int_equal(verified_events(f->s), AUDIT_QUEUE_SOFT_MAX + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_event_written_in_bounded_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(a_read_at_the_limit_waits_for_the_next_batch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
