/* test_group_commit.c - store_write's group commit (store.h "Durability"): many threads writing at
 * once share transactions and syncs, every write that returned 0 was on disk by then, and a callback
 * that fails inside a shared transaction undoes only its own writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "store.h"
#include "store_internal.h"

/* LMDB's fdatasync calls land here (the executable's definition comes first): each records the newest
 * committed transaction when it STARTS, and once it has returned every transaction up to that one is
 * on disk. That is the test's own account of durability, independent of store.c's. */
static MDB_env *watched;
static pthread_mutex_t sync_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t synced_upto;
static atomic_ulong fdatasyncs;
static atomic_int fail_sync_in; /* n > 0: the n-th fdatasync from now fails with EIO */

int fdatasync(int fd)
{
    if (atomic_load(&fail_sync_in) > 0 && atomic_fetch_sub(&fail_sync_in, 1) == 1) {
        atomic_fetch_add(&fdatasyncs, 1);
        errno = EIO;
        return -1;
    }
    uint64_t last = 0;
    MDB_envinfo info;
    if (watched && mdb_env_info(watched, &info) == 0)
        last = info.me_last_txnid;
    int rc = (int)syscall(SYS_fdatasync, fd);
    if (rc == 0) {
        pthread_mutex_lock(&sync_mu);
        if (last > synced_upto)
            synced_upto = last;
        pthread_mutex_unlock(&sync_mu);
    }
    atomic_fetch_add(&fdatasyncs, 1);
    return rc;
}

static uint64_t durable_now(void)
{
    pthread_mutex_lock(&sync_mu);
    uint64_t v = synced_upto;
    pthread_mutex_unlock(&sync_mu);
    return v;
}

#define THREADS 16
#define WRITES 150

typedef struct {
    store *s;
    int thread;
    int fail_odd;          /* odd-numbered writes put their key and then fail */
    int undurable;         /* writes that returned 0 before the test saw them synced */
    int errors;            /* unexpected return codes */
} worker;

typedef struct {
    int thread, n, fail;
    uint64_t txn_id;
} put_ctx;

static int key_of(char *out, size_t cap, int thread, int n)
{
    return snprintf(out, cap, "gc:%02d:%04d", thread, n);
}

/* A record of ~1.5 KB (so that the small map of the test fills and grows while batches run). */
static int put_one(store *s, MDB_txn *txn, void *arg)
{
    put_ctx *c = arg;
    char key[32], val[1500];
    int klen = key_of(key, sizeof key, c->thread, c->n);
    memset(val, 'a' + c->thread % 26, sizeof val);
    MDB_val k = {(size_t)klen, key}, v = {sizeof val, val};
    c->txn_id = mdb_txn_id(txn);
    int rc = mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0);
    if (rc)
        return rc;
    return c->fail ? STORE_EXISTS : 0;
}

static void *write_many(void *p)
{
    worker *w = p;
    for (int n = 0; n < WRITES; n++) {
        put_ctx c = {.thread = w->thread, .n = n, .fail = w->fail_odd && (n & 1)};
        int rc = store_write(w->s, put_one, &c);
        if (rc != (c.fail ? STORE_EXISTS : 0))
            w->errors++;
        if (rc == 0 && durable_now() < c.txn_id)
            w->undurable++;
    }
    return NULL;
}

/* THREADS writers at once; each write returned what it should, and 0 only once it was synced. */
static void run_writers(store *s, int fail_odd, worker *ws)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ws[i] = (worker){.s = s, .thread = i, .fail_odd = fail_odd};
        assert_int_equal(pthread_create(&t[i], NULL, write_many, &ws[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(ws[i].errors, 0);
        assert_int_equal(ws[i].undurable, 0);
    }
}

static int present(store *s, int thread, int n)
{
    char key[32];
    int klen = key_of(key, sizeof key, thread, n);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    MDB_val k = {(size_t)klen, key}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    store_read_end(s, txn);
    assert_true(rc == 0 || rc == MDB_NOTFOUND);
    return rc == 0;
}

static store *open_small(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/connect-unit-gc-XXXXXX");
    assert_non_null(mkdtemp(dir));
    store *s;
    store_options o = {.map_size = 512 * 1024};
    assert_int_equal(store_open(&s, dir, &o), 0);
    pthread_mutex_lock(&sync_mu);
    synced_upto = 0; /* transaction ids start again in a new store */
    pthread_mutex_unlock(&sync_mu);
    watched = store_env(s);
    return s;
}

static void close_and_remove(store *s, const char *dir)
{
    watched = NULL;
    store_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* Every write that returned 0 had been synced; the writers shared transactions and syncs; the map
 * grew under them (512 KiB to several MiB) without losing a write. */
static void concurrent_writes_share_syncs_and_each_is_durable(void **state)
{
    (void)state;
    char dir[64];
    store *s = open_small(dir, sizeof dir);
    unsigned long syncs_before = atomic_load(&fdatasyncs);
    worker ws[THREADS];
    run_writers(s, 0, ws);
    store_commit_stats st;
    store_commit_stats_get(s, &st);
    unsigned long syncs = atomic_load(&fdatasyncs) - syncs_before;
    print_message("%d writes: %llu transactions, %lu fdatasyncs in all (%llu extra for the meta pages)\n",
                  THREADS * WRITES, (unsigned long long)st.batches, syncs, (unsigned long long)st.syncs);
    assert_int_equal(st.writes, THREADS * WRITES);
    assert_true(st.batches < st.writes);
    assert_true(syncs < (unsigned long)(THREADS * WRITES));
    assert_true(store_map_size(s) > 512 * 1024);
    for (int i = 0; i < THREADS; i++)
        for (int n = 0; n < WRITES; n++)
            assert_true(present(s, i, n));
    close_and_remove(s, dir);
}

/* In shared transactions, a callback that wrote and then failed leaves nothing behind, and the
 * others' writes are all there. */
static void a_failing_write_undoes_only_its_own(void **state)
{
    (void)state;
    char dir[64];
    store *s = open_small(dir, sizeof dir);
    worker ws[THREADS];
    run_writers(s, 1, ws);
    store_commit_stats st;
    store_commit_stats_get(s, &st);
    assert_true(st.batches < st.writes);
    for (int i = 0; i < THREADS; i++)
        for (int n = 0; n < WRITES; n++)
            assert_int_equal(present(s, i, n), !(n & 1));
    close_and_remove(s, dir);
}

/* A write alone still returns only once it is on disk (it leads its own sync). */
static void a_lone_write_is_synced(void **state)
{
    (void)state;
    char dir[64];
    store *s = open_small(dir, sizeof dir);
    put_ctx c = {.thread = 99, .n = 1};
    unsigned long before = atomic_load(&fdatasyncs);
    assert_int_equal(store_write(s, put_one, &c), 0);
    assert_true(durable_now() >= c.txn_id);
    /* its commit's own fdatasync (pages) and the shared one (meta page) */
    assert_true(atomic_load(&fdatasyncs) - before >= 2);
    close_and_remove(s, dir);
}

/* A callback that returns 0 without writing anything: LMDB's commit of an empty transaction writes
 * nothing and does not use up its id, so the next write that does commit gets that same id. */
static int write_nothing(store *s, MDB_txn *txn, void *arg)
{
    (void)s;
    *(uint64_t *)arg = mdb_txn_id(txn);
    return 0;
}

/* A write that changed nothing must not make the store believe that a transaction not yet committed
 * is on disk: the write after it is still synced before store_write returns. */
static void a_write_after_an_empty_one_is_still_synced(void **state)
{
    (void)state;
    char dir[64];
    store *s = open_small(dir, sizeof dir);
    put_ctx c = {.thread = 98, .n = 1};
    assert_int_equal(store_write(s, put_one, &c), 0);
    uint64_t empty_id = 0;
    assert_int_equal(store_write(s, write_nothing, &empty_id), 0);
    assert_true(empty_id > c.txn_id);
    put_ctx d = {.thread = 98, .n = 2};
    assert_int_equal(store_write(s, put_one, &d), 0);
    assert_int_equal(d.txn_id, empty_id); /* the id the empty commit did not use */
    assert_true(durable_now() >= d.txn_id);
    /* and the empty write's answer did not wait on a transaction that never came */
    uint64_t again = 0;
    assert_int_equal(store_write(s, write_nothing, &again), 0);
    assert_true(durable_now() >= again - 1);
    close_and_remove(s, dir);
}

/* A write whose commit went through but whose meta page could not be synced is not reported as one
 * that changed nothing (EIO, "nothing was saved"): it is there for every reader, only not known to be
 * on disk. The next write syncs again. */
static void a_failed_sync_after_the_commit_says_so(void **state)
{
    (void)state;
    char dir[64];
    store *s = open_small(dir, sizeof dir);
    put_ctx c = {.thread = 97, .n = 1};
    atomic_store(&fail_sync_in, 2); /* the commit's own fdatasync passes, the meta page's fails */
    int rc = store_write(s, put_one, &c);
    atomic_store(&fail_sync_in, 0);
    assert_int_equal(rc, STORE_UNSYNCED);
    assert_true(present(s, 97, 1));
    put_ctx d = {.thread = 97, .n = 2};
    assert_int_equal(store_write(s, put_one, &d), 0);
    assert_true(durable_now() >= d.txn_id);
    /* A commit whose own fdatasync fails commits nothing: that one is an error like any other. */
    put_ctx e = {.thread = 97, .n = 3};
    atomic_store(&fail_sync_in, 1);
    rc = store_write(s, put_one, &e);
    atomic_store(&fail_sync_in, 0);
    assert_int_equal(rc, EIO);
    assert_false(present(s, 97, 3));
    close_and_remove(s, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_writes_share_syncs_and_each_is_durable),
        cmocka_unit_test(a_failing_write_undoes_only_its_own),
        cmocka_unit_test(a_lone_write_is_synced),
        cmocka_unit_test(a_write_after_an_empty_one_is_still_synced),
        cmocka_unit_test(a_failed_sync_after_the_commit_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
