/* store.c - the LMDB environment, transactions, map growth, sequences and JSON records. */
#include "store.h"
#include "store_internal.h"

#include <errno.h>
#include <sys/statvfs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    /* Readers and writers hold this shared; changing the map size holds it exclusively, because
     * mdb_env_set_mapsize() requires that no transaction of this process is live. */
    pthread_rwlock_t resize_lock;
};

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
};

#define DEFAULT_MAP_SIZE ((size_t)256 << 20)

void store_key_u64(unsigned char out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

uint64_t store_u64_from(const unsigned char in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | in[i];
    return v;
}

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
    /* MDB_NOTLS: reader slots belong to transactions, not threads, so a worker thread pool is safe. */
    if ((rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0600)))
        goto fail;
    int dead;
    mdb_reader_check(s->env, &dead);
    for (int attempt = 0;; attempt++) {
        if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)))
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
        if (rc)
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
    int rc = env_open(s, dir, map_size, readers);
    if (rc) {
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
    rc = env_open(s, dir, map_size, readers);
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
    pthread_rwlock_destroy(&s->resize_lock);
    free(s);
}

int store_read_begin(store *s, MDB_txn **txn)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        pthread_rwlock_rdlock(&s->resize_lock);
        int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
        if (rc == 0)
            return 0; /* the shared lock is held until store_read_end */
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
    mdb_txn_abort(txn);
    pthread_rwlock_unlock(&s->resize_lock);
}

int store_write(store *s, store_write_fn fn, void *ctx)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        MDB_txn *txn;
        pthread_rwlock_rdlock(&s->resize_lock);
        int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
        if (rc == 0) {
            rc = fn(s, txn, ctx);
            if (rc == 0)
                rc = mdb_txn_commit(txn);
            else
                mdb_txn_abort(txn);
        }
        pthread_rwlock_unlock(&s->resize_lock);
        if (rc == MDB_MAP_RESIZED) {
            if ((rc = store_resize(s, 0)))
                return rc;
            continue;
        }
        if (rc == MDB_MAP_FULL) {
            size_t now = store_map_size(s);
            fprintf(stderr, "store: map full at %zu bytes, growing to %zu\n", now, now * 2);
            if ((rc = store_resize(s, now * 2)))
                return rc;
            continue;
        }
        return rc;
    }
    return MDB_MAP_FULL;
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
