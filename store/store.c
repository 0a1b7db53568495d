/* store.c - the LMDB environment, transactions, map growth, sequences and JSON records. */
#include "store.h"
#include "json_members.h"
#include "store_internal.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    /* Readers and writers hold this shared; changing the map size holds it exclusively, because
     * mdb_env_set_mapsize() requires that no transaction of this process is live. */
    pthread_rwlock_t resize_lock;
    /* Group commit (store.h "Durability"), all under commit_mu. A request waits on its own condition
     * (write_req.cv), which its batch's leader signals once the batch is on disk; the next leader is
     * woken alone. One shared condition woke every thread waiting in the write worker (32) at each
     * batch's end, each to contend for commit_mu and most to sleep again: 8 futex calls a write. */
    pthread_mutex_t commit_mu;
    struct write_req *queue, **queue_tail; /* store_write calls waiting for the next batch */
    int batch_running;                     /* a thread is running a batch */
    uint64_t durable_txn;                  /* every txn <= this is on disk */
    store_commit_stats stats;
    char *crash_file; /* CONNECT_TEST_CRASH_AFTER_COMMIT (tests only) */
    uint64_t generation; /* which opening of a store in this process (store_read_snapshot) */
};

/* Openings of a store in this process: a compacted store starts its transaction ids again. */
static _Atomic uint64_t store_openings;
/* This thread's read transaction (store_read_begin), for store_read_snapshot. */
static _Thread_local const MDB_txn *thread_read_txn;

/* One store_write call, on its caller's stack, from the queue to its answer. */
typedef struct write_req {
    store_write_fn fn;
    void *ctx;
    int rc;          /* the callback's or the commit's result */
    uint64_t txn_id; /* the transaction that carried it (rc 0) */
    int own_txn;     /* run alone after its batch was split: txn_id is its own */
    int taken;       /* in a batch (no longer queued): a leader will wake it; under commit_mu */
    int committed;   /* the batch is over, and on disk unless rc says otherwise (rc and txn_id set); under commit_mu */
    pthread_cond_t cv; /* signalled when committed is set, or when it is this request's turn to lead */
    struct write_req *next;
} write_req;

static const char *const db_names[DB_COUNT] = {
    [DB_META] = "meta",
    [DB_ORGS] = "orgs",
    [DB_ORG_CODE] = "org_code",
    [DB_USERS] = "users",
    [DB_USER_NAME] = "user_name",
    [DB_ORG_USERS] = "org_users",
    [DB_SESSIONS] = "sessions",
    [DB_USER_SESSIONS] = "user_sessions",
    [DB_AUDIT] = "audit",
    [DB_CASES] = "cases",
    [DB_CASE_NAME] = "case_name",
    [DB_CASE_DOB] = "case_dob",
    [DB_CASE_HOREF] = "case_horef",
    [DB_CASE_FACET] = "case_facet",
    [DB_CASE_COUNT] = "case_count",
    [DB_CASE_HISTORY] = "case_history",
    [DB_DOCS] = "docs",
    [DB_ALERTS] = "alerts",
    [DB_QUERIES] = "queries",
    [DB_CASE_WORK] = "case_work",
    [DB_WORK_OPEN] = "work_open",
    [DB_OUTBOX] = "outbox",
    [DB_REGISTER] = "register",
    [DB_LOOKUPS] = "lookups",
    [DB_USER_LOOKUPS] = "user_lookups",
    [DB_CASE_FACTS] = "case_facts",
    [DB_SLA] = "sla",
    [DB_THROTTLE] = "throttle",
    [DB_THROTTLE_AGE] = "throttle_age",
    [DB_AUDIT_CASE] = "audit_case",
    [DB_AUDIT_USER] = "audit_user",
    [DB_AUDIT_TYPE] = "audit_type",
    [DB_AUDIT_SCOPE] = "audit_scope",
    [DB_DESTRUCTIONS] = "destructions",
    [DB_HOLDS] = "legal_holds",
    [DB_SCRUB] = "scrub",
    [DB_TRANSFERS] = "transfers",
    [DB_TRANSFER_INDEX] = "transfer_index",
    [DB_DISCLOSURES] = "disclosures",
    [DB_DISCLOSURE_INDEX] = "disclosure_index",
    [DB_DISCLOSURE_FILES] = "disclosure_files",
    [DB_DISCLOSURE_PAIRS] = "disclosure_pairs",
    [DB_NINO_BATCHES] = "nino_batches",
    [DB_NINO_INDEX] = "nino_index",
    [DB_NINO_QUEUE] = "nino_queue",
    [DB_NINO_CLOSURES] = "nino_closures",
    [DB_PERF] = "perf",
    [DB_AUDIT_CASE_RUNS] = "audit_case_runs",
};

#define DEFAULT_MAP_SIZE ((size_t)256 << 20)

MDB_dbi store_dbi(store *s, store_db db) { return s->dbi[db]; }

size_t store_map_size(store *s)
{
    MDB_envinfo info;
    if (mdb_env_info(s->env, &info) != 0)
        return 0;
    return info.me_mapsize;
}


int store_env_stats_get(store *s, store_env_stats *out)
{
    MDB_envinfo info;
    MDB_stat st;
    int rc = mdb_env_info(s->env, &info);
    if (!rc)
        rc = mdb_env_stat(s->env, &st);
    if (rc)
        return rc;
    out->map_bytes = info.me_mapsize;
    out->page_bytes = st.ms_psize;
    out->used_pages = info.me_last_pgno + 1;
    out->readers_used = info.me_numreaders;
    out->readers_max = info.me_maxreaders;
    return 0;
}

int store_entries(store *s, MDB_txn *txn, store_db db, size_t *out)
{
    MDB_stat st;
    int rc = mdb_stat(txn, s->dbi[db], &st);
    *out = rc ? 0 : st.ms_entries;
    return rc;
}

int store_reader_check(store *s)
{
    int dead = 0;
    int rc = mdb_reader_check(s->env, &dead);
    return rc ? -1 : dead;
}

/* Adopt a size another process set (MDB_MAP_RESIZED), or grow the map ourselves (new_size > 0). */
static int store_resize(store *s, size_t new_size)
{
    pthread_rwlock_wrlock(&s->resize_lock);
    int rc;
    if (new_size > 0 && store_map_size(s) >= new_size)
        rc = 0; /* another thread of ours grew it already */
    else
        rc = mdb_env_set_mapsize(s->env, new_size);
    pthread_rwlock_unlock(&s->resize_lock);
    return rc;
}

/* Under the shared resize lock, like a read transaction (the copy is one), so that no thread of ours
 * changes the map under it; a map another process grew is adopted and the copy begun again. */
int store_backup(store *s, const char *dest)
{
    char file[4200];
    if (snprintf(file, sizeof file, "%s/data.mdb", dest) >= (int)sizeof file)
        return ENAMETOOLONG;
    for (int attempt = 0; attempt < 4; attempt++) {
        pthread_rwlock_rdlock(&s->resize_lock);
        int rc = mdb_env_copy2(s->env, dest, MDB_CP_COMPACT);
        pthread_rwlock_unlock(&s->resize_lock);
        if (rc != MDB_MAP_RESIZED)
            return rc;
        unlink(file); /* made before the copy's transaction could begin */
        if ((rc = store_resize(s, 0)))
            return rc;
    }
    return MDB_MAP_RESIZED;
}

static int schema_check(store *s, MDB_txn *txn)
{
    MDB_val k = {strlen("schema_version"), "schema_version"}, v;
    int rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND) {
        char buf[16];
        int n = snprintf(buf, sizeof buf, "%d", STORE_SCHEMA_VERSION);
        MDB_val nv = {(size_t)n, buf};
        return mdb_put(txn, s->dbi[DB_META], &k, &nv, 0);
    }
    if (rc)
        return rc;
    char buf[16] = {0};
    if (v.mv_size >= sizeof buf)
        return STORE_SCHEMA;
    memcpy(buf, v.mv_data, v.mv_size);
    return atoi(buf) == STORE_SCHEMA_VERSION ? 0 : STORE_SCHEMA;
}

/* Gives an opened store's map room to grow: at least twice what its data uses. LMDB opens a store
 * whose data outgrew the requested size with a map of exactly that data, so the first write that
 * needed a new page found the map full, and growing it waits for every reader of the process to
 * finish and holds new ones back (store_resize): a stall of up to a second in the middle of the
 * day's work, once per start. A map is address space, not disk or memory, and it is only made
 * larger here. */
static int map_headroom(store *s)
{
    store_env_stats st;
    int rc = store_env_stats_get(s, &st);
    if (rc)
        return rc;
    size_t used = st.used_pages * st.page_bytes;
    if (used > SIZE_MAX / 2 || st.map_bytes >= used * 2)
        return 0;
    return mdb_env_set_mapsize(s->env, used * 2);
}

/* Creates and opens s->env on dir and opens every named database in one committed transaction
 * (growing the map if even that does not fit). On failure s->env is closed and NULL. */
static int env_open(store *s, const char *dir, size_t map_size, unsigned readers)
{
    MDB_txn *txn = NULL;
    int rc;
    if ((rc = mdb_env_create(&s->env))) {
        s->env = NULL;
        return rc;
    }
    if ((rc = mdb_env_set_maxdbs(s->env, DB_COUNT + 8)) || (rc = mdb_env_set_maxreaders(s->env, readers)) ||
        (rc = mdb_env_set_mapsize(s->env, map_size)))
        goto fail;
    /* MDB_NOTLS: reader slots belong to transactions, not threads, so a worker thread pool is safe.
     * MDB_NOMETASYNC: a commit still fdatasyncs its pages before it writes the meta page that points
     * at them, but does not sync that meta page; store_write syncs it, shared (store.h "Durability").
     * MDB_NORDAHEAD: a page not in memory is read alone, not with the 128 KB around it. Requests read
     * a few pages each, scattered over a file of gigabytes: after a restart with a cold page cache,
     * the first case fetch of the 1M-case store took 40-90 ms with readahead and 3-4 ms without, the
     * first name search 110-140 ms and 35-100 ms. The cost is a cold walk over a whole table (a
     * report, `connectctl check`), which reads its pages one by one until they are in memory. */
    if ((rc = mdb_env_open(s->env, dir, MDB_NOTLS | MDB_NOMETASYNC | MDB_NORDAHEAD, 0600)))
        goto fail;
    int dead;
    mdb_reader_check(s->env, &dead);
    if ((rc = map_headroom(s)))
        goto fail;
    for (int attempt = 0;; attempt++) {
        if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) == MDB_MAP_RESIZED && attempt < 8) {
            /* another process grew the map since ours was set: adopt its size and begin again */
            if ((rc = mdb_env_set_mapsize(s->env, 0)))
                goto fail;
            continue;
        }
        if (rc)
            goto fail;
        for (int i = 0; i < DB_COUNT && !rc; i++)
            rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &s->dbi[i]);
        if (!rc)
            rc = schema_check(s, txn);
        if (!rc) {
            rc = mdb_txn_commit(txn);
            txn = NULL;
        }
        if (rc == MDB_MAP_FULL && attempt < 8) {
            if (txn)
                mdb_txn_abort(txn);
            txn = NULL;
            if ((rc = mdb_env_set_mapsize(s->env, store_map_size(s) * 2)))
                goto fail;
            continue;
        }
        if (rc || (rc = mdb_env_sync(s->env, 1))) /* the schema version's meta page, written unsynced */
            goto fail;
        return 0;
    }
fail:
    if (txn)
        mdb_txn_abort(txn);
    mdb_env_close(s->env);
    s->env = NULL;
    return rc;
}

int store_open(store **out, const char *dir, const store_options *opts)
{
    *out = NULL;
    store *s = calloc(1, sizeof *s);
    if (!s)
        return STORE_NOMEM;
    s->generation = ++store_openings;
    size_t map_size = opts && opts->map_size ? opts->map_size : DEFAULT_MAP_SIZE;
    const char *env_map = getenv("CONNECT_MAPSIZE");
    if (!(opts && opts->map_size) && env_map && *env_map) {
        char *end;
        unsigned long long v = strtoull(env_map, &end, 10);
        if (*end == '\0' && v >= 65536)
            map_size = (size_t)v;
    }
    unsigned readers = opts && opts->max_readers ? opts->max_readers : STORE_MAX_READERS;
    if (pthread_rwlock_init(&s->resize_lock, NULL)) {
        free(s);
        return STORE_NOMEM;
    }
    if (pthread_mutex_init(&s->commit_mu, NULL)) {
        pthread_rwlock_destroy(&s->resize_lock);
        free(s);
        return STORE_NOMEM;
    }
    s->queue_tail = &s->queue;
    const char *crash = getenv("CONNECT_TEST_CRASH_AFTER_COMMIT");
    int rc = crash && *crash && !(s->crash_file = strdup(crash)) ? STORE_NOMEM : 0;
    if (!rc)
        rc = env_open(s, dir, map_size, readers);
    if (rc) {
        free(s->crash_file);
        pthread_mutex_destroy(&s->commit_mu);
        pthread_rwlock_destroy(&s->resize_lock);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* Closing the environment is the only way to make LMDB free the page buffers it recycles between
 * write transactions (they are never cleared, so they still hold what earlier writes put in them). */
int store_reopen(store *s)
{
    const char *path;
    unsigned readers;
    int rc;
    if ((rc = mdb_env_get_path(s->env, &path)) || (rc = mdb_env_get_maxreaders(s->env, &readers)))
        return rc;
    size_t map_size = store_map_size(s);
    char *dir = strdup(path);
    if (!dir)
        return STORE_NOMEM;
    pthread_rwlock_wrlock(&s->resize_lock);
    mdb_env_close(s->env);
    rc = env_open(s, dir, map_size, readers); /* syncs: everything committed is durable */
    pthread_mutex_lock(&s->commit_mu);
    s->durable_txn = 0;
    pthread_mutex_unlock(&s->commit_mu);
    pthread_rwlock_unlock(&s->resize_lock);
    free(dir);
    return rc;
}

MDB_env *store_env(store *s) { return s->env; }

void store_close(store *s)
{
    if (!s)
        return;
    if (s->env)
        mdb_env_close(s->env);
    free(s->crash_file);
    pthread_mutex_destroy(&s->commit_mu);
    pthread_rwlock_destroy(&s->resize_lock);
    free(s);
}

int store_read_begin(store *s, MDB_txn **txn)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        pthread_rwlock_rdlock(&s->resize_lock);
        int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
        if (rc == 0) {
            thread_read_txn = *txn;
            return 0; /* the shared lock is held until store_read_end */
        }
        pthread_rwlock_unlock(&s->resize_lock);
        if (rc != MDB_MAP_RESIZED)
            return rc;
        if ((rc = store_resize(s, 0)))
            return rc;
    }
    return MDB_MAP_RESIZED;
}

void store_read_end(store *s, MDB_txn *txn)
{
    if (!txn)
        return;
    if (thread_read_txn == txn)
        thread_read_txn = NULL;
    mdb_txn_abort(txn);
    pthread_rwlock_unlock(&s->resize_lock);
}

int store_read_snapshot(const store *s, MDB_txn *txn, uint64_t *gen, uint64_t *id)
{
    if (!txn || txn != thread_read_txn)
        return -1;
    *gen = s->generation;
    *id = (uint64_t)mdb_txn_id(txn);
    return 0;
}

/* ---- writes: group commit (store.h "Durability") ---- */

/* Runs one request of a batch in a nested transaction of txn, so that a callback that fails (or
 * returns an error on purpose) undoes only its own writes. A batch of one needs no nesting. */
static int batch_run_one(store *s, MDB_txn *txn, write_req *r, int nested)
{
    if (!nested)
        return r->fn(s, txn, r->ctx);
    MDB_txn *child;
    int rc = mdb_txn_begin(s->env, txn, 0, &child);
    if (rc)
        return rc;
    rc = r->fn(s, child, r->ctx);
    if (rc)
        mdb_txn_abort(child);
    else
        rc = mdb_txn_commit(child);
    return rc;
}

/* An error that is the batch's, not one callback's: the whole transaction is redone (map full or
 * resized) or the requests are run one by one (too many dirty pages for them together). */
static int batch_error(int rc)
{
    return rc == MDB_MAP_FULL || rc == MDB_MAP_RESIZED || rc == MDB_TXN_FULL || rc == MDB_BAD_TXN;
}

/* Takes every queued request (the leader's own among them) as the batch. */
static write_req *take_queue(store *s)
{
    pthread_mutex_lock(&s->commit_mu);
    write_req *batch = s->queue;
    s->queue = NULL;
    s->queue_tail = &s->queue;
    for (write_req *r = batch; r; r = r->next)
        r->taken = 1;
    pthread_mutex_unlock(&s->commit_mu);
    return batch;
}

/* One attempt at the batch *reqs in one write transaction: each request's rc is its callback's
 * result; returns 0 when the transaction committed (or every callback failed and nothing was left to
 * commit), else the error that stopped the whole batch. An empty *reqs is filled from the queue once
 * the transaction has begun: the requests that came while LMDB's write lock was held elsewhere (by
 * another process's commit and its fdatasync) join this batch rather than wait for the next. */
static int batch_attempt(store *s, write_req **batch, uint64_t *txn_id)
{
    MDB_txn *txn;
    pthread_rwlock_rdlock(&s->resize_lock);
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc) {
        pthread_rwlock_unlock(&s->resize_lock);
        return rc;
    }
    if (!*batch)
        *batch = take_queue(s);
    write_req *reqs = *batch;
    int nested = reqs->next != NULL;
    int any = 0;
    for (write_req *r = reqs; r && !rc; r = r->next) {
        r->rc = batch_run_one(s, txn, r, nested);
        if (batch_error(r->rc) && (nested || r->rc != MDB_TXN_FULL))
            rc = r->rc;
        any |= r->rc == 0;
    }
    *txn_id = mdb_txn_id(txn);
    if (rc || !any)
        mdb_txn_abort(txn);
    else if ((rc = mdb_txn_commit(txn))) {
        for (write_req *r = reqs; r; r = r->next)
            if (r->rc == 0)
                r->rc = rc; /* nothing of the batch was committed */
        rc = batch_error(rc) ? rc : 0;
    } else {
        /* A transaction that wrote nothing commits nothing: LMDB writes no meta page for it and gives
         * its id to the next one. Its callbacks saw the transaction before it, which is the one that
         * must be on disk; waiting on the unused id would take the next commit's for ours. */
        MDB_envinfo info;
        if (mdb_env_info(s->env, &info) == 0 && (uint64_t)info.me_last_txnid < *txn_id)
            *txn_id = (uint64_t)info.me_last_txnid;
    }
    pthread_rwlock_unlock(&s->resize_lock);
    return rc;
}

/* Sets every request of the batch (taken from the queue if still empty) to the error rc. */
static void batch_fail(store *s, write_req **batch, int rc)
{
    if (!*batch)
        *batch = take_queue(s);
    for (write_req *r = *batch; r; r = r->next)
        r->rc = rc;
}

/* Runs the batch to its end: the map grown or re-read and the batch redone as needed, or each request
 * alone when they do not fit one transaction together. *batch: as batch_attempt. */
static void batch_run(store *s, write_req **batch, uint64_t *txn_id)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        int rc = batch_attempt(s, batch, txn_id);
        write_req *reqs = *batch;
        if (rc == 0)
            return;
        if (rc == MDB_MAP_RESIZED) {
            rc = store_resize(s, 0);
        } else if (rc == MDB_MAP_FULL) {
            size_t now = store_map_size(s);
            fprintf(stderr, "store: map full at %zu bytes, growing to %zu\n", now, now * 2);
            rc = store_resize(s, now * 2);
        } else if (reqs && reqs->next) { /* MDB_TXN_FULL or a spoilt transaction: one by one */
            for (write_req *r = reqs, *next; r; r = next) {
                next = r->next;
                r->next = NULL;
                write_req *one = r;
                batch_run(s, &one, &r->txn_id);
                r->next = next;
                r->own_txn = 1;
            }
            return;
        }
        if (rc) {
            batch_fail(s, batch, rc);
            return;
        }
    }
    batch_fail(s, batch, MDB_MAP_FULL);
}

/* The newest transaction committed by any process (the meta page with the highest id). */
static uint64_t last_txn(store *s)
{
    MDB_envinfo info;
    pthread_rwlock_rdlock(&s->resize_lock);
    int rc = mdb_env_info(s->env, &info);
    pthread_rwlock_unlock(&s->resize_lock);
    return rc ? 0 : (uint64_t)info.me_last_txnid;
}

/* The crash test's hook (store.h): dies like `kill -9` after a commit, before its answer. */
static void crash_if_asked(store *s)
{
    struct stat sb;
    if (s->crash_file && stat(s->crash_file, &sb) == 0 && unlink(s->crash_file) == 0)
        raise(SIGKILL);
}

/* The leader, once its batch is over: makes every transaction up to `need` durable, the batch's. A
 * commit fdatasyncs its pages before it writes its meta page (MDB_NOMETASYNC), so that page needs one
 * more fdatasync: made here at once, while the next batch (whose leader was woken first) runs. It
 * writes that meta page and whatever pages the next batch has written by then (which its own commit
 * then finds clean). Returns 0, or STORE_UNSYNCED when the sync failed. With commit_mu held; released
 * during the sync. need 0: nothing was committed. */
static int batch_sync(store *s, uint64_t need)
{
    if (need && s->crash_file) { /* every committing batch, even one another leader's sync covered */
        pthread_mutex_unlock(&s->commit_mu);
        crash_if_asked(s);
        pthread_mutex_lock(&s->commit_mu);
    }
    if (need <= s->durable_txn)
        return 0;
    pthread_mutex_unlock(&s->commit_mu);
    uint64_t covers = last_txn(s); /* committed before the sync begins: on disk once it ends */
    pthread_rwlock_rdlock(&s->resize_lock);
    int rc = mdb_env_sync(s->env, 1);
    pthread_rwlock_unlock(&s->resize_lock);
    pthread_mutex_lock(&s->commit_mu);
    s->stats.syncs++;
    if (rc) { /* committed, so not "nothing changed"; the next write syncs again */
        fprintf(stderr, "store: syncing committed writes failed: %s\n", mdb_strerror(rc));
        return STORE_UNSYNCED;
    }
    if (covers < need)
        covers = need;
    if (covers > s->durable_txn)
        s->durable_txn = covers;
    return 0;
}

int store_write(store *s, store_write_fn fn, void *ctx)
{
    write_req req = {.fn = fn, .ctx = ctx};
    if (pthread_cond_init(&req.cv, NULL))
        return STORE_NOMEM;
    pthread_mutex_lock(&s->commit_mu);
    *s->queue_tail = &req;
    s->queue_tail = &req.next;
    while (!req.committed) {
        /* Taken into a batch, it waits for that batch's leader, even while no batch runs: the leader
         * syncs with commit_mu released, after the next leader was woken. */
        if (s->batch_running || req.taken) {
            pthread_cond_wait(&req.cv, &s->commit_mu);
            continue;
        }
        /* Lead the next batch: every request queued when LMDB's write lock is ours, ours among them. */
        write_req *batch = NULL;
        s->batch_running = 1;
        pthread_mutex_unlock(&s->commit_mu);
        uint64_t id = 0, need = 0;
        batch_run(s, &batch, &id);
        pthread_mutex_lock(&s->commit_mu);
        s->batch_running = 0;
        s->stats.batches++;
        if (s->queue) /* the next batch's leader: the oldest request that came meanwhile */
            pthread_cond_signal(&s->queue->cv);
        for (write_req *r = batch; r; r = r->next) {
            if (!r->own_txn)
                r->txn_id = id;
            if (r->rc == 0 && r->txn_id > need)
                need = r->txn_id;
        }
        int synced = batch_sync(s, need);
        for (write_req *r = batch, *next; r; r = next) {
            next = r->next; /* r belongs to its caller once committed is set */
            if (r->rc == 0 && r->txn_id > s->durable_txn)
                r->rc = synced;
            s->stats.writes++;
            r->committed = 1;
            if (r != &req)
                pthread_cond_signal(&r->cv);
        }
    }
    int rc = req.rc;
    pthread_mutex_unlock(&s->commit_mu);
    pthread_cond_destroy(&req.cv);
    return rc;
}

void store_commit_stats_get(store *s, store_commit_stats *out)
{
    pthread_mutex_lock(&s->commit_mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->commit_mu);
}

int store_seq_next(store *s, MDB_txn *txn, const char *name, uint64_t *out)
{
    char key[64];
    int n = snprintf(key, sizeof key, "seq:%s", name);
    if (n < 0 || (size_t)n >= sizeof key)
        return EINVAL;
    uint64_t cur = 0;
    int rc = store_u64_get(s, txn, DB_META, key, (size_t)n, &cur);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    *out = cur + 1;
    return store_u64_put(s, txn, DB_META, key, (size_t)n, cur + 1, 0);
}

int store_json_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, json_t **out)
{
    *out = NULL;
    MDB_val k = {klen, (void *)key}, v;
    int rc = mdb_get(txn, s->dbi[db], &k, &v);
    if (rc)
        return rc;
    json_error_t err;
    *out = json_loadb(v.mv_data, v.mv_size, 0, &err);
    return *out ? 0 : STORE_CORRUPT;
}

int store_meta_marked(store *s, MDB_txn *txn, const char *key, int *done)
{
    MDB_val k = {strlen(key), (void *)key}, v;
    int rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
    *done = rc == 0;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_meta_mark(store *s, MDB_txn *txn, const char *key)
{
    MDB_val k = {strlen(key), (void *)key}, v = {1, "1"};
    return mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
}

int store_json_get_members(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen,
                           const char *const *names, json_t **out)
{
    *out = NULL;
    if (!names)
        return store_json_get(s, txn, db, key, klen, out);
    MDB_val k = {klen, (void *)key}, v;
    int rc = mdb_get(txn, s->dbi[db], &k, &v);
    if (rc)
        return rc;
    if ((*out = json_members_load(v.mv_data, v.mv_size, names)))
        return 0;
    /* Not a text the scan reads (or no memory): the whole record, then, or the parser's verdict. */
    return store_json_get(s, txn, db, key, klen, out);
}

int store_bytes_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, const void **data,
                    size_t *len)
{
    MDB_val k = {klen, (void *)key}, v;
    int rc = mdb_get(txn, s->dbi[db], &k, &v);
    *data = rc ? NULL : v.mv_data;
    *len = rc ? 0 : v.mv_size;
    return rc;
}

int store_json_put(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, const json_t *val)
{
    char *text = json_dumps(val, JSON_COMPACT);
    if (!text)
        return STORE_NOMEM;
    MDB_val k = {klen, (void *)key}, v = {strlen(text), text};
    int rc = mdb_put(txn, s->dbi[db], &k, &v, 0);
    free(text);
    return rc;
}

int store_json_append(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, const json_t *val)
{
    char *text = json_dumps(val, JSON_COMPACT);
    if (!text)
        return STORE_NOMEM;
    MDB_val k = {klen, (void *)key}, v = {strlen(text), text};
    int rc = mdb_put(txn, s->dbi[db], &k, &v, MDB_APPEND);
    if (rc == MDB_KEYEXIST)
        rc = mdb_put(txn, s->dbi[db], &k, &v, 0);
    free(text);
    return rc;
}

int store_u64_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, uint64_t *out)
{
    MDB_val k = {klen, (void *)key}, v;
    int rc = mdb_get(txn, s->dbi[db], &k, &v);
    if (rc)
        return rc;
    if (v.mv_size != 8)
        return STORE_CORRUPT;
    *out = store_u64_from(v.mv_data);
    return 0;
}

int store_u64_put(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, uint64_t val, unsigned flags)
{
    unsigned char buf[8];
    store_key_u64(buf, val);
    MDB_val k = {klen, (void *)key}, v = {8, buf};
    int rc = mdb_put(txn, s->dbi[db], &k, &v, flags);
    return rc == MDB_KEYEXIST ? STORE_EXISTS : rc;
}

int store_del(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen)
{
    MDB_val k = {klen, (void *)key};
    return mdb_del(txn, s->dbi[db], &k, NULL);
}

/* ---- walks (store.h) ---- */

enum { ITER_FRESH, ITER_WALKING, ITER_DONE };

static void iter_init(store_iter *it, store *s, MDB_txn *txn, store_db db, const void *prefix, size_t prefix_len,
                      const void *start, size_t start_len, int reverse)
{
    *it = (store_iter){.prefix = prefix, .prefix_len = prefix_len, .start = start, .start_len = start_len,
                       .reverse = reverse, .state = ITER_FRESH};
    if ((it->rc = mdb_cursor_open(txn, s->dbi[db], &it->cur))) {
        it->cur = NULL;
        it->state = ITER_DONE;
    }
}

void store_iter_begin(store_iter *it, store *s, MDB_txn *txn, store_db db, const void *prefix, size_t prefix_len)
{
    iter_init(it, s, txn, db, prefix, prefix_len, NULL, 0, 0);
}

void store_iter_begin_at(store_iter *it, store *s, MDB_txn *txn, store_db db, const void *prefix,
                         size_t prefix_len, const void *start, size_t start_len)
{
    iter_init(it, s, txn, db, prefix, prefix_len, start, start_len, 0);
}

void store_iter_begin_reverse(store_iter *it, store *s, MDB_txn *txn, store_db db, const void *prefix,
                              size_t prefix_len)
{
    iter_init(it, s, txn, db, prefix, prefix_len, NULL, 0, 1);
}

#define STORE_KEY_MAX 511 /* LMDB's largest key (its default build) */

/* Puts the cursor on the last key with the prefix. LMDB can only seek forwards (the first key >= a
 * key), so seek the first key past every key with the prefix -- the prefix with its trailing 0xff
 * bytes dropped and the last remaining byte incremented -- and step back one; when no key is past
 * them (or the prefix is all 0xff bytes), the last key of the database is the candidate. */
static int iter_seek_last(store_iter *it)
{
    const unsigned char *p = it->prefix;
    size_t n = it->prefix_len;
    while (n > 0 && p[n - 1] == 0xff)
        n--;
    if (n == 0)
        return mdb_cursor_get(it->cur, &it->key, &it->val, MDB_LAST);
    if (n > STORE_KEY_MAX)
        return MDB_BAD_VALSIZE;
    unsigned char past[STORE_KEY_MAX];
    memcpy(past, p, n);
    past[n - 1]++;
    it->key = (MDB_val){n, past};
    int rc = mdb_cursor_get(it->cur, &it->key, &it->val, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND)
        return mdb_cursor_get(it->cur, &it->key, &it->val, MDB_LAST);
    return rc ? rc : mdb_cursor_get(it->cur, &it->key, &it->val, MDB_PREV);
}

/* The first entry of a forward walk: from the start key, else from the prefix, else the first. */
static int iter_seek_first(store_iter *it)
{
    const void *from = it->start_len ? it->start : it->prefix;
    size_t len = it->start_len ? it->start_len : it->prefix_len;
    if (len == 0)
        return mdb_cursor_get(it->cur, &it->key, &it->val, MDB_FIRST);
    it->key = (MDB_val){len, (void *)from};
    return mdb_cursor_get(it->cur, &it->key, &it->val, MDB_SET_RANGE);
}

/* A walk of more than ITER_HINT_AFTER entries is a bulk read (a report, an export, a check), not a
 * request's few pages: the store is opened without readahead (MDB_NORDAHEAD, for those few pages),
 * so such a walk asks for it itself, ITER_HINT_BYTES of the file at a time from the page it is on
 * (up to it, walking in reverse).
 * A table's leaf pages lie mostly in key order in the file, so this reads ahead what comes next; a
 * cold report ran 4x slower without it. Only a hint: madvise's errors (an entry in a write
 * transaction's own memory, a range past the map's end) change nothing. */
#define ITER_HINT_AFTER 256
#define ITER_HINT_BYTES ((size_t)256 << 10)

static void iter_hint(store_iter *it)
{
    const char *at = it->key.mv_data;
    if (!at || (at >= it->hinted_lo && at < it->hinted_hi))
        return;
    uintptr_t page = (uintptr_t)at & ~(uintptr_t)4095;
    if (it->reverse && page >= ITER_HINT_BYTES) /* the pages before this one, and this one */
        page -= ITER_HINT_BYTES - 4096;
    it->hinted_lo = (const char *)page;
    it->hinted_hi = it->hinted_lo + ITER_HINT_BYTES;
    /* In memory already (the usual case): asking would cost a page-cache look-up per page of the
     * window, a twentieth of a long name search's time, where mincore mostly reads our page tables.
     * Every page of the window is checked: an earlier window's readahead may have brought in some. */
    unsigned char resident[ITER_HINT_BYTES / 4096];
    if (mincore((void *)page, ITER_HINT_BYTES, resident) == 0) {
        size_t i = 0;
        while (i < sizeof resident && (resident[i] & 1))
            i++;
        if (i == sizeof resident)
            return;
    }
    (void)madvise((void *)page, ITER_HINT_BYTES, MADV_WILLNEED);
}

int store_iter_next(store_iter *it)
{
    int rc;
    if (it->state == ITER_DONE)
        return 0;
    if (it->state == ITER_FRESH) {
        it->state = ITER_WALKING;
        rc = it->reverse ? iter_seek_last(it) : iter_seek_first(it);
    } else {
        rc = mdb_cursor_get(it->cur, &it->key, &it->val, it->reverse ? MDB_PREV : MDB_NEXT);
    }
    if (rc || it->key.mv_size < it->prefix_len ||
        (it->prefix_len && memcmp(it->key.mv_data, it->prefix, it->prefix_len) != 0)) {
        it->rc = rc == MDB_NOTFOUND ? 0 : rc;
        it->state = ITER_DONE;
        it->key = it->val = (MDB_val){0, NULL};
        return 0;
    }
    if (++it->walked > ITER_HINT_AFTER)
        iter_hint(it);
    return 1;
}

int store_iter_del(store_iter *it)
{
    return it->state == ITER_WALKING ? mdb_cursor_del(it->cur, 0) : EINVAL;
}

int store_iter_end(store_iter *it, int rc)
{
    if (it->cur)
        mdb_cursor_close(it->cur);
    it->cur = NULL;
    it->state = ITER_DONE;
    return rc ? rc : it->rc;
}

int store_json_each(store *s, MDB_txn *txn, store_db db, store_json_fn fn, void *ctx)
{
    store_iter it;
    store_iter_begin(&it, s, txn, db, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        json_t *rec = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
        if (!rec) {
            rc = STORE_CORRUPT;
            break;
        }
        rc = fn(rec, ctx);
        json_decref(rec);
        if (rc)
            break;
    }
    return store_iter_end(&it, rc);
}

int store_disk_full(store *s)
{
    const char *path = NULL;
    struct statvfs fs;
    if (mdb_env_get_path(s->env, &path) || !path || statvfs(path, &fs) != 0)
        return 0;
    /* Less than a few pages free: a commit that failed now failed for want of space. */
    return (unsigned long long)fs.f_bavail * fs.f_frsize < 4 * 65536ULL;
}

const char *store_strerror(int rc)
{
    switch (rc) {
    case STORE_EXISTS: return "record exists";
    case STORE_CORRUPT: return "stored record does not parse";
    case STORE_NOMEM: return "out of memory";
    case STORE_SCHEMA: return "store has another schema version";
    case STORE_UNSYNCED: return "write committed but not confirmed on disk";
    default: return mdb_strerror(rc);
    }
}

static size_t owner_index_key(unsigned char out[17], char kind, uint64_t owner, uint64_t id)
{
    out[0] = (unsigned char)kind;
    store_key_u64(out + 1, owner);
    store_key_u64(out + 9, ~id); /* newest first in key order */
    return 17;
}

int store_owner_index_put(store *s, MDB_txn *txn, store_db db, char kind, uint64_t owner, uint64_t id)
{
    unsigned char key[17];
    MDB_val k = {owner_index_key(key, kind, owner, id), key}, v = {0, ""};
    return mdb_put(txn, store_dbi(s, db), &k, &v, 0);
}

int store_owner_index_page(store *s, MDB_txn *txn, store_db db, char kind, uint64_t owner, uint64_t before,
                           size_t limit, uint64_t *ids, size_t *n, uint64_t *next)
{
    *n = 0;
    *next = 0;
    unsigned char prefix[9], start[17];
    prefix[0] = (unsigned char)kind;
    store_key_u64(prefix + 1, owner);
    owner_index_key(start, kind, owner, before ? before - 1 : UINT64_MAX);
    store_iter it;
    store_iter_begin_at(&it, s, txn, db, prefix, sizeof prefix, start, before ? sizeof start : 9);
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 17)
            return store_iter_end(&it, STORE_CORRUPT);
        uint64_t id = ~store_u64_from((const unsigned char *)it.key.mv_data + 9);
        if (*n == limit) {
            *next = ids[*n - 1];
            break;
        }
        ids[(*n)++] = id;
    }
    return store_iter_end(&it, 0);
}

int store_rows_newest(store *s, MDB_txn *txn, store_db db, uint64_t owner, uint64_t before, size_t limit,
                      json_t **items, uint64_t *next, size_t *total)
{
    *items = json_array();
    *next = 0;
    *total = 0;
    if (!*items)
        return STORE_NOMEM;
    unsigned char prefix[8];
    store_key_u64(prefix, owner);
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, db, prefix, 8);
    int rc = 0;
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 16)
            break;
        uint64_t seq = store_u64_from((const unsigned char *)it.key.mv_data + 8);
        (*total)++;
        if (before && seq >= before)
            continue;
        if (json_array_size(*items) >= limit) {
            if (!*next)
                *next = (uint64_t)json_integer_value(json_object_get(json_array_get(*items, limit - 1), "seq"));
            continue;
        }
        json_error_t err;
        json_t *row = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!row || json_object_set_new(row, "seq", json_integer((json_int_t)seq)) ||
            json_array_append_new(*items, row)) {
            rc = row ? STORE_NOMEM : STORE_CORRUPT;
            break;
        }
    }
    if (!(rc = store_iter_end(&it, rc)))
        return 0;
    json_decref(*items);
    *items = NULL;
    return rc;
}

int store_meta_day(store *s, MDB_txn *txn, const char *key, char out[11])
{
    MDB_val k = {strlen(key), (void *)key}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    out[0] = 0;
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (v.mv_size != 10)
        return STORE_CORRUPT;
    memcpy(out, v.mv_data, 10);
    out[10] = 0;
    return 0;
}

int store_meta_day_set(store *s, MDB_txn *txn, const char *key, const char *day)
{
    MDB_val k = {strlen(key), (void *)key}, v = {10, (void *)day};
    return strlen(day) == 10 ? mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0) : STORE_CORRUPT;
}
