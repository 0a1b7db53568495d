/* Unit tests for store/: organisations, users, sessions, the audit chain, map growth, stale reader
 * slots and the prefix walk (store_iter), on real LMDB files in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "store_audit.h"
#include "store_org.h"
#include "store_session.h"
#include "store_user.h"

#include "store_fixture.h"

/* ---- helpers run as write callbacks ---- */

typedef struct {
    const char *code;
    uint64_t id;
} org_arg;

static int add_org(store *s, MDB_txn *txn, void *arg)
{
    org_arg *a = arg;
    return store_org_create(s, txn, "council", "Test Council", a->code, "2026-01-01T00:00:00Z", &a->id);
}

typedef struct {
    uint64_t org;
    const char *username;
    uint64_t id;
} user_arg;

static int add_user(store *s, MDB_txn *txn, void *arg)
{
    user_arg *a = arg;
    json_t *u = json_pack("{s:I,s:s,s:s,s:s,s:n,s:s,s:i,s:b,s:b,s:i}", "org_id", (json_int_t)a->org, "username",
                          a->username, "name", "Test User", "role", "user", "team", "pw", "$argon2id$x", "failed", 0,
                          "locked", 0, "must_change", 0, "temp_expires", 0);
    int rc = store_user_create(s, txn, u, &a->id);
    json_decref(u);
    return rc;
}

static uint64_t make_org(store *s, const char *code)
{
    org_arg a = {code, 0};
    assert_int_equal(store_write(s, add_org, &a), 0);
    return a.id;
}

static uint64_t make_user(store *s, uint64_t org, const char *username)
{
    user_arg a = {org, username, 0};
    assert_int_equal(store_write(s, add_user, &a), 0);
    return a.id;
}

/* ---- tests ---- */

static void orgs_have_unique_codes(void **state)
{
    fixture *f = *state;
    uint64_t a = make_org(f->s, "AAA"), b = make_org(f->s, "BBB");
    assert_int_equal(b, a + 1);
    org_arg dup = {"AAA", 0};
    assert_int_equal(store_write(f->s, add_org, &dup), STORE_EXISTS);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    uint64_t id;
    assert_int_equal(store_org_by_code(f->s, txn, "BBB", &id), 0);
    assert_int_equal(id, b);
    json_t *org, *list;
    assert_int_equal(store_org_get(f->s, txn, a, &org), 0);
    assert_string_equal(json_string_value(json_object_get(org, "code")), "AAA");
    uint64_t next;
    size_t total;
    assert_int_equal(store_org_list(f->s, txn, 0, 1, &list, &next, &total), 0);
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(total, 2);
    assert_int_equal(next, a);
    json_decref(list);
    assert_int_equal(store_org_list(f->s, txn, next, 1, &list, &next, &total), 0);
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(next, 0);
    json_t *missing = NULL;
    assert_int_equal(store_org_get(f->s, txn, 999, &missing), MDB_NOTFOUND);
    store_read_end(f->s, txn);
    json_decref(org);
    json_decref(list);
}

static void users_unique_and_delete_frees_the_name(void **state)
{
    fixture *f = *state;
    uint64_t org = make_org(f->s, "NFC");
    uint64_t id = make_user(f->s, org, "alice");
    user_arg dup = {org, "alice", 0};
    assert_int_equal(store_write(f->s, add_user, &dup), STORE_EXISTS);

    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    uint64_t found;
    assert_int_equal(store_user_by_username(f->s, txn, "alice", &found), 0);
    assert_int_equal(found, id);
    store_read_end(f->s, txn);
}

typedef struct {
    uint64_t id;
} id_arg;

static int delete_user(store *s, MDB_txn *txn, void *arg)
{
    return store_user_delete(s, txn, ((id_arg *)arg)->id, "2026-02-02T00:00:00Z");
}

static void deleted_user_is_gone_but_kept(void **state)
{
    fixture *f = *state;
    uint64_t org = make_org(f->s, "NFC");
    uint64_t id = make_user(f->s, org, "bob");
    id_arg a = {id};
    assert_int_equal(store_write(f->s, delete_user, &a), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    json_t *u = NULL;
    uint64_t found;
    assert_int_equal(store_user_get(f->s, txn, id, &u), MDB_NOTFOUND);
    assert_int_equal(store_user_by_username(f->s, txn, "bob", &found), MDB_NOTFOUND);
    /* the record itself is still there, marked */
    unsigned char key[8];
    store_key_u64(key, id);
    assert_int_equal(store_json_get(f->s, txn, DB_USERS, key, 8, &u), 0);
    assert_non_null(json_object_get(u, "deleted_at"));
    json_decref(u);
    store_read_end(f->s, txn);
    /* the name can be used again */
    uint64_t again = make_user(f->s, org, "bob");
    assert_true(again > id);
}

static void user_list_pages_in_name_order(void **state)
{
    fixture *f = *state;
    uint64_t org = make_org(f->s, "NFC"), other = make_org(f->s, "EBC");
    const char *names[] = {"gina", "adam", "fred", "carl", "bea", "eve", "dan"};
    for (size_t i = 0; i < 7; i++)
        make_user(f->s, org, names[i]);
    make_user(f->s, other, "zed");
    const char *want[] = {"adam", "bea", "carl", "dan", "eve", "fred", "gina"};
    char *cursor = NULL;
    size_t seen = 0;
    for (int page = 0; page < 3; page++) {
        MDB_txn *txn;
        assert_int_equal(store_read_begin(f->s, &txn), 0);
        json_t *items;
        char *next;
        size_t total;
        assert_int_equal(store_user_list(f->s, txn, org, cursor, 3, &items, &next, &total), 0);
        store_read_end(f->s, txn);
        assert_int_equal(total, 7);
        for (size_t i = 0; i < json_array_size(items); i++, seen++)
            assert_string_equal(json_string_value(json_object_get(json_array_get(items, i), "username")), want[seen]);
        json_decref(items);
        free(cursor);
        cursor = next;
        if (page < 2)
            assert_non_null(next);
        else
            assert_null(next);
    }
    assert_int_equal(seen, 7);
}

typedef struct {
    unsigned char sids[3][SESSION_ID_LEN];
    uint64_t uid;
    int64_t now;
} sess_arg;

static int add_sessions(store *s, MDB_txn *txn, void *arg)
{
    sess_arg *a = arg;
    int rc = 0;
    for (int i = 0; i < 3 && !rc; i++)
        rc = store_session_create(s, txn, a->sids[i], a->uid, a->now, i == 2 ? a->now - 1 : a->now + 100);
    return rc;
}

static int end_all_but_first(store *s, MDB_txn *txn, void *arg)
{
    sess_arg *a = arg;
    return store_session_delete_user(s, txn, a->uid, a->sids[0]);
}

static int prune(store *s, MDB_txn *txn, void *arg)
{
    sess_arg *a = arg;
    return store_session_prune_user(s, txn, a->uid, a->now);
}

static int session_exists(store *s, const unsigned char *sid)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    uint64_t uid;
    int64_t abs_expiry;
    int rc = store_session_get(s, txn, sid, &uid, &abs_expiry);
    store_read_end(s, txn);
    return rc == 0;
}

static void sessions_end_selectively(void **state)
{
    fixture *f = *state;
    sess_arg a = {.uid = 7, .now = 1000};
    for (int i = 0; i < 3; i++)
        memset(a.sids[i], i + 1, SESSION_ID_LEN);
    assert_int_equal(store_write(f->s, add_sessions, &a), 0);
    assert_int_equal(store_write(f->s, prune, &a), 0); /* the third expired */
    assert_true(session_exists(f->s, a.sids[0]));
    assert_true(session_exists(f->s, a.sids[1]));
    assert_false(session_exists(f->s, a.sids[2]));
    assert_int_equal(store_write(f->s, end_all_but_first, &a), 0);
    assert_true(session_exists(f->s, a.sids[0]));
    assert_false(session_exists(f->s, a.sids[1]));
}

static int audit_three(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    int rc = 0;
    for (int i = 1; i <= 3 && !rc; i++)
        rc = store_audit_add(s, txn, "2026-01-01T00:00:00Z", 1, 2, "login", (uint64_t)i);
    return rc;
}

static int tamper(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    unsigned char key[8];
    store_key_u64(key, 2);
    json_t *ev;
    int rc = store_json_get(s, txn, DB_AUDIT, key, 8, &ev);
    if (rc)
        return rc;
    json_object_set_new(ev, "action", json_string("logout"));
    rc = store_json_put(s, txn, DB_AUDIT, key, 8, ev);
    json_decref(ev);
    return rc;
}

static void audit_chain_shows_tampering(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, audit_three, NULL), 0);
    MDB_txn *txn;
    uint64_t count, bad;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_audit_verify(f->s, txn, &count, &bad), 0);
    assert_int_equal(count, 3);
    store_read_end(f->s, txn);
    assert_int_equal(store_write(f->s, tamper, NULL), 0);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_audit_verify(f->s, txn, &count, &bad), STORE_CORRUPT);
    assert_int_equal(bad, 2);
    store_read_end(f->s, txn);
}

typedef struct {
    int i;
} blob_arg;

static int put_blob(store *s, MDB_txn *txn, void *arg)
{
    blob_arg *a = arg;
    static char blob[64 * 1024];
    memset(blob, 'a' + a->i % 26, sizeof blob - 1);
    json_t *v = json_pack("{s:s}", "blob", blob);
    char key[32];
    int n = snprintf(key, sizeof key, "blob:%06d", a->i);
    int rc = store_json_put(s, txn, DB_META, key, (size_t)n, v);
    json_decref(v);
    return rc;
}

static void map_grows_when_full(void **state)
{
    (void)state;
    char dir[] = "/tmp/connect-grow-XXXXXX";
    assert_non_null(mkdtemp(dir));
    store *s;
    store_options o = {.map_size = 1 << 20}; /* 1 MiB */
    assert_int_equal(store_open(&s, dir, &o), 0);
    size_t before = store_map_size(s);
    for (int i = 0; i < 64; i++) { /* 4 MiB of records */
        blob_arg a = {i};
        assert_int_equal(store_write(s, put_blob, &a), 0);
    }
    assert_true(store_map_size(s) > before);
    /* every record committed is there */
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    json_t *v;
    assert_int_equal(store_json_get(s, txn, DB_META, "blob:000063", 11, &v), 0);
    json_decref(v);
    store_read_end(s, txn);
    store_close(s);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* A store reopened with its data past half the map it asks for gets twice its data: the first write
 * after a start must not find the map full and stall the readers while it grows (map_headroom). */
static void reopen_leaves_room_to_grow(void **state)
{
    (void)state;
    char dir[] = "/tmp/connect-room-XXXXXX";
    assert_non_null(mkdtemp(dir));
    store *s;
    store_options o = {.map_size = 1 << 20}; /* 1 MiB */
    assert_int_equal(store_open(&s, dir, &o), 0);
    for (int i = 0; i < 48; i++) { /* 3 MiB of records: the map grew */
        blob_arg a = {i};
        assert_int_equal(store_write(s, put_blob, &a), 0);
    }
    store_env_stats st;
    assert_int_equal(store_env_stats_get(s, &st), 0);
    size_t used = st.used_pages * st.page_bytes;
    store_close(s);
    assert_int_equal(store_open(&s, dir, &o), 0);
    assert_true(store_map_size(s) >= 2 * used);
    blob_arg a = {48};
    assert_int_equal(store_write(s, put_blob, &a), 0);
    store_close(s);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void stale_reader_slots_are_cleared(void **state)
{
    fixture *f = *state;
    pid_t pid = fork();
    if (pid == 0) {
        store *s;
        MDB_txn *txn;
        if (store_open(&s, f->dir, NULL) || store_read_begin(s, &txn))
            _exit(1);
        _exit(0); /* dies holding a reader slot */
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(store_reader_check(f->s) >= 1);
    assert_int_equal(store_reader_check(f->s), 0);
}

typedef struct {
    store *s;
    uint64_t org;
    int base;
    uint64_t ids[50];
} thread_arg;

static void *make_many(void *p)
{
    thread_arg *t = p;
    for (int i = 0; i < 50; i++) {
        char name[32];
        snprintf(name, sizeof name, "t%d-u%d", t->base, i);
        user_arg a = {t->org, name, 0};
        if (store_write(t->s, add_user, &a))
            return NULL;
        t->ids[i] = a.id;
    }
    return t;
}

static void concurrent_creates_get_distinct_ids(void **state)
{
    fixture *f = *state;
    uint64_t org = make_org(f->s, "NFC");
    thread_arg t[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        t[i] = (thread_arg){.s = f->s, .org = org, .base = i};
        pthread_create(&th[i], NULL, make_many, &t[i]);
    }
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        assert_non_null(ret);
    }
    uint64_t seen[201] = {0};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 50; j++) {
            assert_true(t[i].ids[j] >= 1 && t[i].ids[j] <= 200);
            assert_int_equal(seen[t[i].ids[j]], 0);
            seen[t[i].ids[j]] = 1;
        }
}

static void reopen_keeps_data_and_schema(void **state)
{
    fixture *f = *state;
    uint64_t org = make_org(f->s, "KEEP");
    store_close(f->s);
    assert_int_equal(store_open(&f->s, f->dir, NULL), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    uint64_t id;
    assert_int_equal(store_org_by_code(f->s, txn, "KEEP", &id), 0);
    assert_int_equal(id, org);
    store_read_end(f->s, txn);
}

/* ---- the prefix walk (store_iter) ---- */

/* Keys in DB_CASE_COUNT (empty in a new store), in key order; 0xff bytes are shown as '~'. */
static const char *const walk_keys[] = {"a1", "a2", "b", "b1", "b2", "b\xff", "b\xff\xff", "c1"};
#define WALK_KEYS (sizeof walk_keys / sizeof *walk_keys)

static int put_walk_keys(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    int rc = 0;
    for (size_t i = 0; i < WALK_KEYS && !rc; i++)
        rc = store_u64_put(s, txn, DB_CASE_COUNT, walk_keys[i], strlen(walk_keys[i]), i + 1, 0);
    return rc;
}

/* A walk over DB_CASE_COUNT: prefix (NULL: none), start key (NULL: from the prefix), reverse, how
 * many entries before the loop breaks (0: all), and the error the caller passes to store_iter_end. */
typedef struct {
    const char *prefix, *start;
    int reverse;
    size_t stop_after;
    int caller_rc;
} walk_spec;

/* Runs the walk: out gets the keys it visits, joined by commas; *end_rc what store_iter_end answered. */
static void walk(store *s, const walk_spec *w, char *out, size_t cap, int *end_rc)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    store_iter it;
    size_t plen = w->prefix ? strlen(w->prefix) : 0;
    if (w->reverse)
        store_iter_begin_reverse(&it, s, txn, DB_CASE_COUNT, w->prefix, plen);
    else if (w->start)
        store_iter_begin_at(&it, s, txn, DB_CASE_COUNT, w->prefix, plen, w->start, strlen(w->start));
    else
        store_iter_begin(&it, s, txn, DB_CASE_COUNT, w->prefix, plen);
    size_t n = 0, len = 0;
    int stopped = 0;
    out[0] = '\0';
    while (store_iter_next(&it)) {
        assert_true(it.key.mv_size >= plen);
        assert_memory_equal(it.key.mv_data, w->prefix ? w->prefix : "", plen);
        assert_int_equal(it.val.mv_size, 8);
        for (size_t i = 0; i < it.key.mv_size && len + 2 < cap; i++) {
            unsigned char c = ((const unsigned char *)it.key.mv_data)[i];
            out[len++] = c == 0xff ? '~' : (char)c;
        }
        out[len++] = ',';
        out[len] = '\0';
        if (w->stop_after && ++n == w->stop_after) {
            stopped = 1;
            break;
        }
    }
    if (!stopped)
        assert_int_equal(store_iter_next(&it), 0); /* a finished walk stays finished */
    *end_rc = store_iter_end(&it, w->caller_rc);
    store_read_end(s, txn);
}

static void assert_walk(store *s, walk_spec w, const char *want)
{
    char got[256];
    int rc;
    walk(s, &w, got, sizeof got, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
}

static void walk_an_empty_database(void **state)
{
    fixture *f = *state;
    assert_walk(f->s, (walk_spec){0}, "");
    assert_walk(f->s, (walk_spec){.reverse = 1}, "");
    assert_walk(f->s, (walk_spec){.prefix = "a"}, "");
    assert_walk(f->s, (walk_spec){.prefix = "a", .reverse = 1}, "");
    assert_walk(f->s, (walk_spec){.prefix = "a", .start = "a5"}, "");
}

static void walk_visits_exactly_the_prefix(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, put_walk_keys, NULL), 0);
    assert_walk(f->s, (walk_spec){0}, "a1,a2,b,b1,b2,b~,b~~,c1,");
    assert_walk(f->s, (walk_spec){.reverse = 1}, "c1,b~~,b~,b2,b1,b,a2,a1,");
    assert_walk(f->s, (walk_spec){.prefix = "a"}, "a1,a2,");
    assert_walk(f->s, (walk_spec){.prefix = "b"}, "b,b1,b2,b~,b~~,");
    assert_walk(f->s, (walk_spec){.prefix = "b", .reverse = 1}, "b~~,b~,b2,b1,b,");
    /* A prefix ending in 0xff: the reverse walk seeks past it with "c". */
    assert_walk(f->s, (walk_spec){.prefix = "b\xff"}, "b~,b~~,");
    assert_walk(f->s, (walk_spec){.prefix = "b\xff", .reverse = 1}, "b~~,b~,");
    assert_walk(f->s, (walk_spec){.prefix = "b\xff\xff", .reverse = 1}, "b~~,");
    /* Prefixes with no match: before, between and after the keys, and longer than a key. */
    assert_walk(f->s, (walk_spec){.prefix = "0"}, "");
    assert_walk(f->s, (walk_spec){.prefix = "0", .reverse = 1}, "");
    assert_walk(f->s, (walk_spec){.prefix = "ab"}, "");
    assert_walk(f->s, (walk_spec){.prefix = "ab", .reverse = 1}, "");
    assert_walk(f->s, (walk_spec){.prefix = "d"}, "");
    assert_walk(f->s, (walk_spec){.prefix = "d", .reverse = 1}, "");
    assert_walk(f->s, (walk_spec){.prefix = "a10"}, "");
    /* The prefix of the last key: the walk ends at the end of the database, without an error. */
    assert_walk(f->s, (walk_spec){.prefix = "c"}, "c1,");
    assert_walk(f->s, (walk_spec){.prefix = "c", .reverse = 1}, "c1,");
    assert_walk(f->s, (walk_spec){.prefix = "c1"}, "c1,");
    /* From a start key within the prefix, or from a start key with no prefix. */
    assert_walk(f->s, (walk_spec){.prefix = "b", .start = "b10"}, "b2,b~,b~~,");
    assert_walk(f->s, (walk_spec){.prefix = "b", .start = "b\xff\xff\x01"}, "");
    assert_walk(f->s, (walk_spec){.start = "b2"}, "b2,b~,b~~,c1,");
    assert_walk(f->s, (walk_spec){.start = "c2"}, "");
}

static void walk_stops_early(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, put_walk_keys, NULL), 0);
    assert_walk(f->s, (walk_spec){.prefix = "b", .stop_after = 2}, "b,b1,");
    assert_walk(f->s, (walk_spec){.prefix = "b", .reverse = 1, .stop_after = 1}, "b~~,");
    assert_walk(f->s, (walk_spec){.stop_after = 1}, "a1,");
}

static void walk_reports_errors(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, put_walk_keys, NULL), 0);
    char got[256];
    int rc;
    /* The caller's own error passes through store_iter_end. */
    walk(f->s, &(walk_spec){.prefix = "a", .stop_after = 1, .caller_rc = STORE_CORRUPT}, got, sizeof got, &rc);
    assert_int_equal(rc, STORE_CORRUPT);
    assert_string_equal(got, "a1,");
    /* A reverse walk cannot seek past a prefix longer than any key may be (511 bytes): refused. */
    char long_prefix[600];
    memset(long_prefix, 'b', sizeof long_prefix - 1);
    long_prefix[sizeof long_prefix - 1] = '\0';
    walk(f->s, &(walk_spec){.prefix = long_prefix, .reverse = 1}, got, sizeof got, &rc);
    assert_int_equal(rc, MDB_BAD_VALSIZE);
    assert_string_equal(got, "");
    /* ... and the caller's error wins over the walk's. */
    walk(f->s, &(walk_spec){.prefix = long_prefix, .reverse = 1, .caller_rc = STORE_NOMEM}, got, sizeof got, &rc);
    assert_int_equal(rc, STORE_NOMEM);
}

/* What a walk does in a transaction that LMDB has failed (a write hit MDB_MAP_FULL). */
typedef struct {
    int first_step, fill_rc, step_after, end_after, open_after_step, open_after_end;
} failed_walk;

static int walk_across_map_full(store *s, MDB_txn *txn, void *arg)
{
    failed_walk *w = arg;
    store_iter it, late;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, "a", 1);
    w->first_step = store_iter_next(&it);
    static char blob[64 * 1024];
    memset(blob, 'x', sizeof blob - 1);
    json_t *v = json_pack("{s:s}", "blob", blob);
    w->fill_rc = v ? 0 : STORE_NOMEM;
    for (int i = 0; i < 64 && !w->fill_rc; i++) { /* 4 MiB into a 1 MiB map */
        char key[32];
        int n = snprintf(key, sizeof key, "blob:%06d", i);
        w->fill_rc = store_json_put(s, txn, DB_META, key, (size_t)n, v);
    }
    json_decref(v);
    w->step_after = store_iter_next(&it);
    w->end_after = store_iter_end(&it, 0);
    store_iter_begin(&late, s, txn, DB_CASE_COUNT, "a", 1);
    w->open_after_step = store_iter_next(&late);
    w->open_after_end = store_iter_end(&late, 0);
    return STORE_CORRUPT; /* not MDB_MAP_FULL: store_write must not grow the map and run this again */
}

static void walk_reports_lmdb_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/connect-walk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    store *s;
    store_options o = {.map_size = 1 << 20}; /* 1 MiB */
    assert_int_equal(store_open(&s, dir, &o), 0);
    assert_int_equal(store_write(s, put_walk_keys, NULL), 0);
    failed_walk w;
    assert_int_equal(store_write(s, walk_across_map_full, &w), STORE_CORRUPT);
    assert_int_equal(w.first_step, 1);
    assert_int_equal(w.fill_rc, MDB_MAP_FULL);
    /* The walk under way stops at its next step and reports LMDB's error, not a short list. */
    assert_int_equal(w.step_after, 0);
    assert_int_equal(w.end_after, MDB_BAD_TXN);
    /* A walk begun after it cannot open its cursor: no entry, the error from store_iter_end. */
    assert_int_equal(w.open_after_step, 0);
    assert_int_equal(w.open_after_end, MDB_BAD_TXN);
    store_close(s);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* Deletes every entry under "b" whose key is two bytes long, while walking. */
static int delete_two_byte_b_keys(store *s, MDB_txn *txn, void *arg)
{
    size_t *deleted = arg;
    *deleted = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, "b", 1);
    int rc = 0;
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 2)
            continue;
        if ((rc = store_iter_del(&it)))
            break;
        (*deleted)++;
    }
    return store_iter_end(&it, rc);
}

static void walk_deletes_as_it_goes(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, put_walk_keys, NULL), 0);
    size_t deleted;
    assert_int_equal(store_write(f->s, delete_two_byte_b_keys, &deleted), 0);
    assert_int_equal(deleted, 3);
    assert_walk(f->s, (walk_spec){0}, "a1,a2,b,b~~,c1,");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(orgs_have_unique_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(users_unique_and_delete_frees_the_name, setup, teardown),
        cmocka_unit_test_setup_teardown(deleted_user_is_gone_but_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(user_list_pages_in_name_order, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_end_selectively, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_chain_shows_tampering, setup, teardown),
        cmocka_unit_test(map_grows_when_full),
        cmocka_unit_test(reopen_leaves_room_to_grow),
        cmocka_unit_test_setup_teardown(stale_reader_slots_are_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_creates_get_distinct_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(reopen_keeps_data_and_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(walk_an_empty_database, setup, teardown),
        cmocka_unit_test_setup_teardown(walk_visits_exactly_the_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(walk_stops_early, setup, teardown),
        cmocka_unit_test_setup_teardown(walk_reports_errors, setup, teardown),
        cmocka_unit_test(walk_reports_lmdb_errors),
        cmocka_unit_test_setup_teardown(walk_deletes_as_it_goes, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
