/* store_nino.c - NINo queue, batches, closure days and their destruction (store_nino.h). */
#include "store_nino.h"
#include "json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_internal.h"
#include "store_retention.h"
#include "uk_time.h"

/* 1 when someone born on dob ("YYYY-MM-DD") is NINO_MIN_AGE or over on day. Why strings: the
 * birthday in the year they turn 16 compares as text with the day (29 February sorts correctly). */
static int old_enough(const char *dob, const char *day)
{
    if (!dob || strlen(dob) != 10 || !day)
        return 0;
    int year = atoi(dob);
    char birthday[16];
    snprintf(birthday, sizeof birthday, "%04d%s", year + NINO_MIN_AGE, dob + 4);
    return strcmp(birthday, day) <= 0;
}

int store_nino_enqueue(store *s, MDB_txn *txn, uint64_t case_id, uint64_t person, const char *grant_date,
                       const char *at, int64_t t, const char *information, uint64_t query_id)
{
    uint64_t seq;
    int rc = store_seq_next(s, txn, "nino_queue", &seq);
    if (rc)
        return rc;
    json_t *e = json_pack("{s:I,s:I,s:s,s:s,s:I}", "case_id", (json_int_t)case_id, "person", (json_int_t)person,
                          "grant_date", grant_date, "queued_at", at, "t", (json_int_t)t);
    if (!e)
        return STORE_NOMEM;
    if ((information && json_object_set_new(e, "information", json_string(information))) ||
        (query_id && json_object_set_new(e, "query_id", json_integer((json_int_t)query_id)))) {
        json_decref(e);
        return STORE_NOMEM;
    }
    unsigned char key[8];
    store_key_u64(key, seq);
    rc = store_json_put(s, txn, DB_NINO_QUEUE, key, 8, e);
    json_decref(e);
    return rc;
}

int store_nino_enqueue_household(store *s, MDB_txn *txn, const json_t *case_rec, const char *grant_date,
                                 const char *at, int64_t t, size_t *queued)
{
    *queued = 0;
    uint64_t case_id = json_get_u64(case_rec, "id");
    const json_t *pa = json_object_get(case_rec, "principal");
    int rc = 0;
    if (old_enough(json_get_str(pa, "date_of_birth"), grant_date)) {
        if ((rc = store_nino_enqueue(s, txn, case_id, json_get_u64(pa, "id"), grant_date, at, t, NULL, 0)))
            return rc;
        (*queued)++;
    }
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(case_rec, "dependants"), i, d) {
        if (!old_enough(json_get_str(d, "date_of_birth"), grant_date))
            continue;
        if ((rc = store_nino_enqueue(s, txn, case_id, json_get_u64(d, "id"), grant_date, at, t, NULL, 0)))
            return rc;
        (*queued)++;
    }
    return 0;
}

/* The batch's row for a queued person, copied from the case (NULL with *rc 0: the person is gone). */
static json_t *row_of(store *s, MDB_txn *txn, const json_t *e, size_t n, int *rc)
{
    json_t *case_rec;
    *rc = store_case_get(s, txn, json_get_u64(e, "case_id"), &case_rec);
    if (*rc) {
        if (*rc == MDB_NOTFOUND)
            *rc = 0;
        return NULL;
    }
    const json_t *p = case_person(case_rec, json_get_u64(e, "person"));
    json_t *row = NULL;
    if (p) {
        row = json_pack("{s:I,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "n", (json_int_t)n, "case_id", json_object_get(e, "case_id"),
                        "person", json_object_get(e, "person"), "given_names", json_get_or_null(p, "given_names"),
                        "family_name", json_get_or_null(p, "family_name"), "date_of_birth",
                        json_get_or_null(p, "date_of_birth"), "nationality", json_get_or_null(p, "nationality"),
                        "grant_date", json_get_or_null(e, "grant_date"));
        static const char *const extra[] = {"ho_reference", "nino", NULL};
        for (int i = 0; row && extra[i]; i++)
            if (json_object_get(p, extra[i]) && json_object_set(row, extra[i], json_object_get(p, extra[i])))
                *rc = STORE_NOMEM;
        static const char *const from_queue[] = {"information", "query_id", NULL};
        for (int i = 0; row && from_queue[i]; i++)
            if (json_object_get(e, from_queue[i]) && json_object_set(row, from_queue[i], json_object_get(e, from_queue[i])))
                *rc = STORE_NOMEM;
        if (!row)
            *rc = STORE_NOMEM;
    }
    json_decref(case_rec);
    if (*rc) {
        json_decref(row);
        return NULL;
    }
    return row;
}

static int index_key(store *s, MDB_txn *txn, char kind, uint64_t id, int add)
{
    unsigned char key[9];
    key[0] = (unsigned char)kind;
    store_key_u64(key + 1, id);
    if (!add) {
        int rc = store_del(s, txn, DB_NINO_INDEX, key, sizeof key);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    MDB_val k = {sizeof key, key}, v = {0, ""};
    return mdb_put(txn, store_dbi(s, DB_NINO_INDEX), &k, &v, 0);
}

static int is_open(const json_t *b)
{
    return json_get_str_is(b, "status", "waiting") || json_get_str_is(b, "status", "received");
}

static int put_batch(store *s, MDB_txn *txn, const json_t *b)
{
    unsigned char key[8];
    store_key_u64(key, json_get_u64(b, "id"));
    return store_json_put(s, txn, DB_NINO_BATCHES, key, 8, b);
}

int store_nino_cut(store *s, MDB_txn *txn, int64_t before, const char *at, const char *day, uint64_t *id)
{
    *id = 0;
    json_t *rows = json_array(), *keys = json_array();
    if (!rows || !keys) {
        json_decref(rows);
        json_decref(keys);
        return STORE_NOMEM;
    }
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_QUEUE, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        json_error_t jerr;
        json_t *e = json_loadb(it.val.mv_data, it.val.mv_size, 0, &jerr);
        if (!e) {
            rc = STORE_CORRUPT;
            break;
        }
        int64_t t = (int64_t)json_integer_value(json_object_get(e, "t"));
        if (t >= before) {
            json_decref(e);
            break; /* queued after the cut: the next batch's */
        }
        if (json_array_append_new(keys, json_integer((json_int_t)store_u64_from(it.key.mv_data))))
            rc = STORE_NOMEM;
        /* Read the case after the walk: LMDB keeps the cursor valid across reads of other databases. */
        json_t *row = rc ? NULL : row_of(s, txn, e, json_array_size(rows) + 1, &rc);
        json_decref(e);
        if (row && json_array_append_new(rows, row))
            rc = STORE_NOMEM;
        if (rc)
            break;
    }
    rc = store_iter_end(&it, rc);
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k) {
        if (rc)
            break;
        unsigned char key[8];
        store_key_u64(key, (uint64_t)json_integer_value(k));
        rc = store_del(s, txn, DB_NINO_QUEUE, key, 8);
    }
    json_decref(keys);
    if (rc || json_array_size(rows) == 0) {
        json_decref(rows);
        return rc;
    }
    uint64_t bid;
    if ((rc = store_seq_next(s, txn, "nino_batch", &bid))) {
        json_decref(rows);
        return rc;
    }
    char number[32];
    snprintf(number, sizeof number, "NINO-%llu", (unsigned long long)bid);
    json_t *b = json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:o,s:i}", "id", (json_int_t)bid, "number", number, "cut_at", at,
                          "day", day, "count", (json_int_t)json_array_size(rows), "status", "waiting", "people", rows,
                          "downloads", 0);
    if (!b)
        return STORE_NOMEM;
    rc = put_batch(s, txn, b);
    if (!rc)
        rc = index_key(s, txn, 'o', bid, 1);
    if (!rc)
        rc = index_key(s, txn, 'k', bid, 1);
    json_decref(b);
    if (!rc)
        *id = bid;
    return rc;
}

int store_nino_get(store *s, MDB_txn *txn, uint64_t id, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_json_get(s, txn, DB_NINO_BATCHES, key, 8, out);
}

int store_nino_put(store *s, MDB_txn *txn, const json_t *old, const json_t *neu)
{
    uint64_t id = json_get_u64(neu, "id");
    int rc = put_batch(s, txn, neu);
    if (!rc && is_open(old) != is_open(neu))
        rc = index_key(s, txn, 'o', id, is_open(neu));
    int kept_old = !json_get_str_is(old, "status", "destroyed"), kept_new = !json_get_str_is(neu, "status", "destroyed");
    if (!rc && kept_old != kept_new)
        rc = index_key(s, txn, 'k', id, kept_new);
    return rc;
}

int store_nino_list(store *s, MDB_txn *txn, uint64_t before, size_t limit, json_t **items, uint64_t *next,
                    size_t *total)
{
    *items = json_array();
    *next = 0;
    *total = 0;
    if (!*items)
        return STORE_NOMEM;
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, DB_NINO_BATCHES), &st);
    if (rc)
        return rc;
    *total = st.ms_entries;
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_NINO_BATCHES, NULL, 0);
    while (store_iter_next(&it)) {
        uint64_t id = store_u64_from(it.key.mv_data);
        if (before && id >= before)
            continue;
        if (json_array_size(*items) == limit) {
            *next = json_get_u64(json_array_get(*items, limit - 1), "id");
            break;
        }
        json_error_t jerr;
        json_t *b = json_loadb(it.val.mv_data, it.val.mv_size, 0, &jerr);
        if (!b || json_array_append_new(*items, b)) {
            rc = b ? STORE_NOMEM : STORE_CORRUPT;
            break;
        }
    }
    return store_iter_end(&it, rc);
}

int store_nino_open_each(store *s, MDB_txn *txn, nino_batch_fn fn, void *ctx)
{
    return store_nino_open_each_members(s, txn, NULL, fn, ctx);
}

int store_nino_open_each_members(store *s, MDB_txn *txn, const char *const *names, nino_batch_fn fn, void *ctx)
{
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_INDEX, "o", 1);
    int rc = 0;
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 9) {
            rc = STORE_CORRUPT;
            break;
        }
        json_t *b = NULL;
        unsigned char key[8];
        store_key_u64(key, store_u64_from((const unsigned char *)it.key.mv_data + 1));
        if ((rc = store_json_get_members(s, txn, DB_NINO_BATCHES, key, 8, names, &b)))
            break;
        rc = fn(b, ctx);
        json_decref(b);
        if (rc)
            break;
    }
    return store_iter_end(&it, rc);
}

int store_nino_each(store *s, MDB_txn *txn, nino_batch_fn fn, void *ctx)
{
    return store_json_each(s, txn, DB_NINO_BATCHES, fn, ctx);
}

int store_nino_queued(store *s, MDB_txn *txn, size_t *n)
{
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, DB_NINO_QUEUE), &st);
    *n = rc ? 0 : st.ms_entries;
    return rc;
}

int store_nino_destroyed_count(store *s, MDB_txn *txn, size_t *n)
{
    size_t all = 0, kept = 0;
    *n = 0;
    int rc = store_entries(s, txn, DB_NINO_BATCHES, &all);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_INDEX, "k", 1);
    while (!rc && store_iter_next(&it))
        kept++;
    if (!(rc = store_iter_end(&it, rc)) && all > kept)
        *n = all - kept;
    return rc;
}

/* ---- office closure days ---- */

static void closure_key(unsigned char key[18], uint64_t org, const char *day)
{
    store_key_u64(key, org);
    memcpy(key + 8, day, 10);
}

int store_nino_closure_set(store *s, MDB_txn *txn, uint64_t org, const char *day, const json_t *rec, int add)
{
    unsigned char key[18];
    closure_key(key, org, day);
    return add ? store_json_put(s, txn, DB_NINO_CLOSURES, key, sizeof key, rec)
               : store_del(s, txn, DB_NINO_CLOSURES, key, sizeof key);
}

int store_nino_closures_of(store *s, MDB_txn *txn, uint64_t org, json_t **out)
{
    if (!(*out = json_array()))
        return STORE_NOMEM;
    unsigned char prefix[8];
    store_key_u64(prefix, org);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_CLOSURES, prefix, 8);
    int rc = 0;
    while (store_iter_next(&it)) {
        json_error_t jerr;
        json_t *c = it.key.mv_size == 18 ? json_loadb(it.val.mv_data, it.val.mv_size, 0, &jerr) : NULL;
        if (!c) {
            rc = STORE_CORRUPT;
            break;
        }
        if (json_object_set_new(c, "date", json_stringn((const char *)it.key.mv_data + 8, 10)) ||
            json_array_append_new(*out, c)) {
            rc = STORE_NOMEM;
            break;
        }
    }
    return store_iter_end(&it, rc);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int store_nino_closed_days(store *s, MDB_txn *txn, long **days, size_t *n)
{
    *days = NULL;
    *n = 0;
    size_t cap = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_CLOSURES, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        char d[11];
        if (it.key.mv_size != 18) {
            rc = STORE_CORRUPT;
            break;
        }
        memcpy(d, (const char *)it.key.mv_data + 8, 10);
        d[10] = 0;
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            long *p = realloc(*days, ncap * sizeof *p);
            if (!p) {
                rc = STORE_NOMEM;
                break;
            }
            *days = p;
            cap = ncap;
        }
        (*days)[(*n)++] = calendar_day(d);
    }
    rc = store_iter_end(&it, rc);
    if (rc) {
        free(*days);
        *days = NULL;
        *n = 0;
        return rc;
    }
    if (*n) {
        qsort(*days, *n, sizeof **days, cmp_long);
        size_t u = 1;
        for (size_t i = 1; i < *n; i++)
            if ((*days)[i] != (*days)[u - 1])
                (*days)[u++] = (*days)[i];
        *n = u;
    }
    return 0;
}

/* ---- destruction after 14 months ---- */

typedef struct {
    const char *cutoff, *at;
    int done;      /* out: 1 when nothing more is due */
    int destroyed; /* out: 1 when this write destroyed one */
} expire_ctx;

/* The batch's destruction record in the retention list (store_destruction_add): its number, cut day,
 * when and how many people, nothing about them. The batch's "destruction" gets its id as "record". */
static int destruction_record(store *s, MDB_txn *txn, json_t *batch)
{
    json_t *d = json_object_get(batch, "destruction");
    const char *at = json_get_str(d, "at");
    char day[11], run[32];
    if (!at || uk_date_of_iso(at, day))
        return STORE_CORRUPT;
    snprintf(run, sizeof run, "daily-%s", day);
    json_t *rec = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:i,s:{s:I}}", "kind", "nino_batch", "batch_id",
                            (json_int_t)json_get_u64(batch, "id"), "number", json_get_str_or(batch, "number", ""),
                            "cut_day", json_get_str_or(batch, "day", ""), "destroyed_at", at, "run_id", run,
                            "keep_months", NINO_KEEP_MONTHS, "counts", "people",
                            (json_int_t)json_integer_value(json_object_get(d, "people")));
    uint64_t id = 0;
    int rc = rec ? store_destruction_add(s, txn, rec, &id) : STORE_NOMEM;
    json_decref(rec);
    if (!rc && json_object_set_new(d, "record", json_integer((json_int_t)id)))
        rc = STORE_NOMEM;
    return rc;
}

/* Destroys the oldest kept batch if it is due (one batch a write, so each is short). */
static int expire_one(store *s, MDB_txn *txn, void *arg)
{
    expire_ctx *c = arg;
    c->done = 1;
    c->destroyed = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_INDEX, "k", 1);
    uint64_t id = 0;
    if (store_iter_next(&it) && it.key.mv_size == 9)
        id = store_u64_from((const unsigned char *)it.key.mv_data + 1);
    int rc = store_iter_end(&it, 0);
    if (rc || !id)
        return rc;
    json_t *old, *neu = NULL;
    if ((rc = store_nino_get(s, txn, id, &old)))
        return rc;
    if (strcmp(json_get_str_or(old, "day", ""), c->cutoff) >= 0) {
        json_decref(old);
        return 0;
    }
    if (!(neu = json_deep_copy(old)) ||
        json_object_set_new(neu, "destruction",
                            json_pack("{s:s,s:I,s:s}", "at", c->at, "people",
                                      (json_int_t)json_array_size(json_object_get(old, "people")), "run", "daily")) ||
        json_object_set_new(neu, "people", json_array()) || json_object_set_new(neu, "status", json_string("destroyed")))
        rc = STORE_NOMEM;
    if (!rc)
        rc = destruction_record(s, txn, neu);
    if (!rc)
        rc = store_nino_put(s, txn, old, neu);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, 0, 0, "nino_batch_destroyed", id);
    json_decref(old);
    json_decref(neu);
    if (!rc) {
        c->done = 0;
        c->destroyed = 1;
    }
    return rc;
}

/* 1 when the oldest kept batch was cut before cutoff. Why: the scheduler asks every second, and a
 * read costs nothing where a write would take the store's write lock. */
static int expire_due(store *s, const char *cutoff, int *rc)
{
    MDB_txn *txn;
    if ((*rc = store_read_begin(s, &txn)))
        return 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_INDEX, "k", 1);
    uint64_t id = 0;
    if (store_iter_next(&it) && it.key.mv_size == 9)
        id = store_u64_from((const unsigned char *)it.key.mv_data + 1);
    *rc = store_iter_end(&it, 0);
    json_t *b = NULL;
    if (!*rc && id)
        *rc = store_nino_get(s, txn, id, &b);
    int due = !*rc && b && strcmp(json_get_str_or(b, "day", ""), cutoff) < 0;
    json_decref(b);
    store_read_end(s, txn);
    return due;
}

int store_nino_expire(store *s, const char *cutoff, const char *at, size_t *n)
{
    expire_ctx c = {.cutoff = cutoff, .at = at};
    int rc = 0;
    *n = 0;
    if (!expire_due(s, cutoff, &rc))
        return rc;
    while (!(rc = store_write(s, expire_one, &c)) && c.destroyed)
        (*n)++;
    return rc;
}

/* Batches destroyed before their destructions were listed get their record (upgrade step): their
 * ids are gathered first (a JSON array: a handful), since the walk must not see its own writes. */
static int collect_unrecorded(const json_t *b, void *arg)
{
    const json_t *d = json_object_get(b, "destruction");
    if (!d || json_object_get(d, "record"))
        return 0;
    return json_array_append_new(arg, json_integer((json_int_t)json_get_u64(b, "id"))) ? STORE_NOMEM : 0;
}

int store_nino_destruction_migrate(store *s, MDB_txn *txn)
{
    json_t *ids = json_array();
    int rc = ids ? store_nino_each(s, txn, collect_unrecorded, ids) : STORE_NOMEM;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        json_t *b;
        uint64_t id = (uint64_t)json_integer_value(v);
        if (rc || (rc = store_nino_get(s, txn, id, &b)))
            break;
        unsigned char key[8];
        store_key_u64(key, id);
        if (!(rc = destruction_record(s, txn, b)))
            rc = store_json_put(s, txn, DB_NINO_BATCHES, key, 8, b);
        json_decref(b);
    }
    json_decref(ids);
    return rc;
}

/* 1 when the index holds kind | id. */
static int index_has(store *s, MDB_txn *txn, char kind, uint64_t id, int *rc)
{
    unsigned char key[9];
    key[0] = (unsigned char)kind;
    store_key_u64(key + 1, id);
    MDB_val k = {sizeof key, key}, v;
    int r = mdb_get(txn, store_dbi(s, DB_NINO_INDEX), &k, &v);
    if (r && r != MDB_NOTFOUND)
        *rc = r;
    return r == 0;
}

typedef struct {
    store *s;
    MDB_txn *txn;
    FILE *report;
    size_t batches, problems;
    int rc;
} verify_ctx;

static int verify_batch(const json_t *b, void *arg)
{
    verify_ctx *c = arg;
    uint64_t id = json_get_u64(b, "id");
    c->batches++;
    int want_o = is_open(b), want_k = !json_get_str_is(b, "status", "destroyed");
    if (index_has(c->s, c->txn, 'o', id, &c->rc) != want_o) {
        fprintf(c->report, "NINo batch %llu: its open index entry is %s\n", (unsigned long long)id, want_o ? "missing" : "left over");
        c->problems++;
    }
    if (index_has(c->s, c->txn, 'k', id, &c->rc) != want_k) {
        fprintf(c->report, "NINo batch %llu: its kept-data index entry is %s\n", (unsigned long long)id,
                want_k ? "missing" : "left over");
        c->problems++;
    }
    /* A destroyed batch's record in the destruction list names it back. */
    uint64_t record = json_get_u64(json_object_get(b, "destruction"), "record");
    if (!c->rc && !want_k) {
        unsigned char key[8];
        store_key_u64(key, record);
        json_t *rec = NULL;
        int r = record ? store_json_get(c->s, c->txn, DB_DESTRUCTIONS, key, 8, &rec) : MDB_NOTFOUND;
        if (r && r != MDB_NOTFOUND)
            c->rc = r;
        else if (r || !json_get_str_is(rec, "kind", "nino_batch") || json_get_u64(rec, "batch_id") != id) {
            fprintf(c->report, "NINo batch %llu: destroyed without its destruction record\n", (unsigned long long)id);
            c->problems++;
        }
        json_decref(rec);
    }
    return c->rc;
}

int store_nino_verify(store *s, MDB_txn *txn, FILE *report, size_t *batches, size_t *problems)
{
    verify_ctx c = {.s = s, .txn = txn, .report = report};
    int rc = store_nino_each(s, txn, verify_batch, &c);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_NINO_INDEX, NULL, 0);
    while (!rc && store_iter_next(&it)) {
        json_t *b = NULL;
        uint64_t id = it.key.mv_size == 9 ? store_u64_from((const unsigned char *)it.key.mv_data + 1) : 0;
        int r = id ? store_nino_get(s, txn, id, &b) : MDB_NOTFOUND;
        json_decref(b);
        if (r == MDB_NOTFOUND) {
            fprintf(report, "NINo index: an entry names no batch (%llu)\n", (unsigned long long)id);
            c.problems++;
        } else if (r) {
            rc = r;
        }
    }
    rc = store_iter_end(&it, rc);
    *batches = c.batches;
    *problems = c.problems;
    return rc;
}
