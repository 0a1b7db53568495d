/* case_index.c - writing and removing a case's index entries and counters. */
#include "case_index.h"
#include "json_get.h"
#include "store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name_norm.h"
#include "store_case.h"

static size_t put_value(unsigned char *p, const char *value)
{
    size_t n = value ? strlen(value) : 0;
    if (n > CASE_VALUE_MAX)
        n = CASE_VALUE_MAX;
    if (n)
        memcpy(p, value, n);
    return n;
}

size_t case_count_key(unsigned char *out, uint64_t scope, char facet, const char *value)
{
    store_key_u64(out, scope);
    out[8] = (unsigned char)facet;
    return 9 + put_value(out + 9, value);
}

size_t case_facet_prefix(unsigned char *out, uint64_t scope, char facet, const char *value)
{
    size_t n = case_count_key(out, scope, facet, value);
    out[n] = 0;
    return n + 1;
}

int case_tuple_parse(const void *data, size_t len, case_tuple *t)
{
    const unsigned char *p = data;
    if (len < 11 || len < 11u + p[10])
        return -1;
    t->status = p[0];
    t->legislation = p[1];
    t->caseworker = store_u64_from(p + 2);
    t->team_len = p[10];
    t->team = (const char *)p + 11;
    size_t used = 11 + t->team_len;
    if (used < len && p[used] == 0x1e) {
        t->rest = (const char *)p + used + 1;
        t->rest_len = len - used - 1;
    } else {
        t->rest = NULL;
        t->rest_len = 0;
    }
    return 0;
}

/* An index entry or a counter of one record, collected instead of written (case_index_replace). */
typedef struct {
    store_db db; /* DB_CASE_COUNT: a counter (a key, no value) */
    size_t klen, vlen;
    unsigned char *bytes; /* the key, then the value */
    int netted;           /* a counter whose change is already written */
} idx_entry;

typedef struct {
    idx_entry *e;
    size_t n, cap;
} idx_list;

typedef struct {
    store *s;
    MDB_txn *txn;
    int add;
    case_count_sink sink; /* set: counters go here and no index entry is written (recounts) */
    void *sink_ctx;
    idx_list *collect; /* set: entries and counters are collected here and nothing is written */
    uint64_t id;
    unsigned char tuple[CASE_TUPLE_MAX];
    size_t tuple_len;
} idx_ctx;

static int collect_add(idx_list *l, store_db db, const void *key, size_t klen, const void *val, size_t vlen)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        idx_entry *more = realloc(l->e, cap * sizeof *more);
        if (!more)
            return STORE_NOMEM;
        l->e = more;
        l->cap = cap;
    }
    unsigned char *bytes = malloc(klen + vlen + 1);
    if (!bytes)
        return STORE_NOMEM;
    memcpy(bytes, key, klen);
    if (vlen)
        memcpy(bytes + klen, val, vlen);
    l->e[l->n++] = (idx_entry){db, klen, vlen, bytes, 0};
    return 0;
}

static void collect_free(idx_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i].bytes);
    free(l->e);
}

static int put_or_del(idx_ctx *c, store_db db, const void *key, size_t klen, const void *val, size_t vlen)
{
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    if (c->collect)
        return collect_add(c->collect, db, key, klen, val, vlen);
    if (c->sink)
        return 0;
    if (c->add)
        return mdb_put(c->txn, store_dbi(c->s, db), &k, &v, 0);
    int rc = mdb_del(c->txn, store_dbi(c->s, db), &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int case_count_delta(void *ctx, const unsigned char *key, size_t klen, int delta)
{
    case_count_db *d = ctx;
    uint64_t n = 0;
    int rc = store_u64_get(d->s, d->txn, DB_CASE_COUNT, key, klen, &n);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (delta > 0)
        n += (uint64_t)delta;
    else
        n = n > (uint64_t)-delta ? n - (uint64_t)-delta : 0;
    if (n == 0)
        return rc == MDB_NOTFOUND ? 0 : store_del(d->s, d->txn, DB_CASE_COUNT, key, klen);
    return store_u64_put(d->s, d->txn, DB_CASE_COUNT, key, klen, n, 0);
}

static int count_add(idx_ctx *c, uint64_t scope, char facet, const char *value)
{
    unsigned char key[9 + CASE_VALUE_MAX];
    size_t klen = case_count_key(key, scope, facet, value);
    if (c->collect)
        return collect_add(c->collect, DB_CASE_COUNT, key, klen, NULL, 0);
    if (c->sink)
        return c->sink(c->sink_ctx, key, klen, c->add ? 1 : -1);
    case_count_db d = {c->s, c->txn};
    return case_count_delta(&d, key, klen, c->add ? 1 : -1);
}

static int facet(idx_ctx *c, uint64_t scope, char f, const char *value)
{
    unsigned char key[9 + CASE_VALUE_MAX + 1 + 8];
    size_t klen = case_facet_prefix(key, scope, f, value);
    store_key_u64(key + klen, UINT64_MAX - c->id); /* newest first */
    int rc = put_or_del(c, DB_CASE_FACET, key, klen + 8, c->tuple, c->tuple_len);
    return rc ? rc : count_add(c, scope, f, value);
}

static int index_case(idx_ctx *c, const json_t *rec);
static int support_end(idx_ctx *c, const char *status, const json_t *rec);


/* Index entries of one person in one scope. */
static int person(idx_ctx *c, uint64_t scope, const json_t *p)
{
    json_int_t pid = json_integer_value(json_object_get(p, "id"));
    if (pid <= 0 || pid > 255)
        return 0;
    name_tokens t = {0};
    /* Family name first: a long list of given names must never crowd it out. */
    name_tokenize(json_get_str(p, "family_name"), 1, &t);
    name_tokenize(json_get_str(p, "given_names"), 1, &t);
    name_tokenize(json_get_str(p, "other_names"), 0, &t);
    unsigned char val[CASE_TUPLE_MAX + 1 + NAME_TOKENS_MAX * (NAME_TOKEN_MAX + 1)];
    memcpy(val, c->tuple, c->tuple_len);
    size_t vlen = c->tuple_len;
    val[vlen++] = 0x1e;
    for (size_t i = 0; i < t.n; i++) {
        size_t l = strlen(t.tok[i]);
        memcpy(val + vlen, t.tok[i], l);
        vlen += l;
        if (i + 1 < t.n)
            val[vlen++] = 0x1f;
    }
    unsigned char key[8 + NAME_TOKEN_MAX + 1 + 8 + 1];
    int rc = 0;
    for (size_t i = 0; i < t.n && !rc; i++) {
        size_t l = strlen(t.tok[i]);
        store_key_u64(key, scope);
        memcpy(key + 8, t.tok[i], l);
        key[8 + l] = 0;
        store_key_u64(key + 9 + l, c->id);
        key[17 + l] = (unsigned char)pid;
        rc = put_or_del(c, DB_CASE_NAME, key, 18 + l, val, vlen);
        if (!rc) /* tokens are distinct (name_tokenize): one entry, one count */
            rc = count_add(c, scope, FACET_NAME_TOKEN, t.tok[i]);
    }
    if (rc)
        return rc;
    const char *dob = json_get_str(p, "date_of_birth");
    if (dob && strlen(dob) == 10) {
        unsigned char dkey[8 + 8 + 8 + 1];
        store_key_u64(dkey, scope);
        memcpy(dkey + 8, dob, 4);
        memcpy(dkey + 12, dob + 5, 2);
        memcpy(dkey + 14, dob + 8, 2);
        store_key_u64(dkey + 16, c->id);
        dkey[24] = (unsigned char)pid;
        unsigned char dval[CASE_TUPLE_MAX + 1 + 2 * NAME_FOLD_MAX + 1];
        memcpy(dval, c->tuple, c->tuple_len);
        size_t dlen = c->tuple_len;
        dval[dlen++] = 0x1e;
        dlen += name_fold(json_get_str(p, "given_names"), (char *)dval + dlen, NAME_FOLD_MAX);
        dval[dlen++] = 0x1f;
        dlen += name_fold(json_get_str(p, "family_name"), (char *)dval + dlen, NAME_FOLD_MAX);
        if ((rc = put_or_del(c, DB_CASE_DOB, dkey, sizeof dkey, dval, dlen)))
            return rc;
    }
    const char *ref = json_get_str(p, "ho_reference");
    if (ref) {
        char norm[32];
        case_horef_norm(ref, norm, sizeof norm);
        size_t l = strlen(norm);
        if (l) {
            unsigned char rkey[8 + 32 + 1 + 8 + 1];
            store_key_u64(rkey, scope);
            memcpy(rkey + 8, norm, l);
            rkey[8 + l] = 0;
            store_key_u64(rkey + 9 + l, c->id);
            rkey[17 + l] = (unsigned char)pid;
            rc = put_or_del(c, DB_CASE_HOREF, rkey, 18 + l, c->tuple, c->tuple_len);
        }
    }
    return rc;
}

size_t case_tuple_of(const json_t *rec, unsigned char *out)
{
    const char *team = json_get_str(rec, "team");
    out[0] = (unsigned char)case_enum_code(case_statuses, json_get_str(rec, "status"));
    out[1] = (unsigned char)case_enum_code(case_legislations, json_get_str(rec, "legislation"));
    store_key_u64(out + 2, (uint64_t)json_integer_value(json_object_get(rec, "caseworker_id")));
    size_t tl = team ? strlen(team) : 0;
    if (tl > 255)
        tl = 255;
    out[10] = (unsigned char)tl;
    if (tl)
        memcpy(out + 11, team, tl);
    return 11 + tl;
}

/* The home page's counters that belong to the case itself: the caller's cases by status (mine), and
 * open supported cases by the date support started, so that "1,000 or more days ago" is a sum over
 * at most one key per distinct start date, whatever the number of cases. */
static int home_counts(idx_ctx *c, uint64_t council, const char *status, uint64_t worker, const json_t *rec)
{
    char v[64];
    int rc = 0;
    if (worker && status) {
        snprintf(v, sizeof v, "%" PRIu64 ":%s", worker, status);
        rc = count_add(c, council, FACET_MINE_STATUS, v);
    }
    const char *start = json_get_str(json_object_get(rec, "finance"), "support_start_date");
    if (rc || !start || strlen(start) != 10 || (status && strcmp(status, "closed") == 0))
        return rc;
    const uint64_t scopes[2] = {council, 0};
    char month[8], year[5];
    snprintf(month, sizeof month, "%.7s", start);
    snprintf(year, sizeof year, "%.4s", start);
    for (int i = 0; i < 2 && !rc; i++) {
        rc = facet(c, scopes[i], FACET_SUPPORT_START, start);
        if (!rc)
            rc = count_add(c, scopes[i], FACET_SUPPORT_START_MONTH, month);
        if (!rc)
            rc = count_add(c, scopes[i], FACET_SUPPORT_START_YEAR, year);
    }
    if (!rc && worker) {
        const char *levels[3] = {start, month, year};
        const char facets[3] = {FACET_MINE_SUPPORT_START, FACET_MINE_SUPPORT_START_MONTH, FACET_MINE_SUPPORT_START_YEAR};
        for (int i = 0; i < 3 && !rc; i++) {
            snprintf(v, sizeof v, "%" PRIu64 ":%s", worker, levels[i]);
            rc = count_add(c, council, facets[i], v);
        }
    }
    return rc;
}

int case_index_count(const json_t *rec, case_count_sink sink, void *ctx)
{
    idx_ctx c = {.add = 1, .sink = sink, .sink_ctx = ctx};
    return index_case(&c, rec);
}

int case_index_apply(store *s, MDB_txn *txn, const json_t *rec, int add)
{
    idx_ctx c = {.s = s, .txn = txn, .add = add};
    return index_case(&c, rec);
}

/* The entry of l with e's database and key (and value too when with_value); NULL when none. */
static idx_entry *collect_find(idx_list *l, const idx_entry *e, int with_value)
{
    for (size_t i = 0; i < l->n; i++) {
        idx_entry *x = &l->e[i];
        if (x->db == e->db && x->klen == e->klen && memcmp(x->bytes, e->bytes, e->klen) == 0 &&
            (!with_value || (x->vlen == e->vlen && memcmp(x->bytes + x->klen, e->bytes + e->klen, e->vlen) == 0)))
            return x;
    }
    return NULL;
}

/* How many of l's counters have e's key, each then marked as netted. */
static int collect_take(idx_list *l, const idx_entry *e)
{
    int n = 0;
    for (size_t i = 0; i < l->n; i++) {
        idx_entry *x = &l->e[i];
        if (!x->netted && x->db == DB_CASE_COUNT && x->klen == e->klen && memcmp(x->bytes, e->bytes, e->klen) == 0) {
            x->netted = 1;
            n++;
        }
    }
    return n;
}

int case_index_replace(store *s, MDB_txn *txn, const json_t *old, const json_t *rec, size_t *writes)
{
    idx_list was = {0}, now = {0};
    idx_ctx cw = {.s = s, .txn = txn, .add = 1, .collect = &was}, cn = {.s = s, .txn = txn, .add = 1, .collect = &now};
    int rc = index_case(&cw, old);
    if (!rc)
        rc = index_case(&cn, rec);
    size_t n = 0;
    /* The old record's entries that the new one does not have go; the new one's that differ come. */
    for (size_t i = 0; i < was.n && !rc; i++) {
        idx_entry *e = &was.e[i];
        if (e->db == DB_CASE_COUNT || collect_find(&now, e, 0))
            continue;
        MDB_val k = {e->klen, e->bytes};
        rc = mdb_del(txn, store_dbi(s, e->db), &k, NULL);
        rc = rc == MDB_NOTFOUND ? 0 : rc;
        n++;
    }
    for (size_t i = 0; i < now.n && !rc; i++) {
        idx_entry *e = &now.e[i];
        if (e->db == DB_CASE_COUNT || collect_find(&was, e, 1))
            continue;
        MDB_val k = {e->klen, e->bytes}, v = {e->vlen, e->bytes + e->klen};
        rc = mdb_put(txn, store_dbi(s, e->db), &k, &v, 0);
        n++;
    }
    /* Each counter once, by its net change: a record may count twice under one key (two people of
     * one family name), and most of an edit's counters do not change at all. */
    case_count_db d = {s, txn};
    idx_list *lists[2] = {&was, &now};
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n && !rc; i++) {
            idx_entry *e = &lists[l]->e[i];
            if (e->db != DB_CASE_COUNT || e->netted)
                continue;
            int delta = collect_take(&now, e) - collect_take(&was, e);
            if (delta) {
                rc = case_count_delta(&d, e->bytes, e->klen, delta);
                n++;
            }
        }
    collect_free(&was);
    collect_free(&now);
    if (writes)
        *writes = n;
    return rc;
}

static int index_case(idx_ctx *c0, const json_t *rec)
{
    idx_ctx c = *c0;
    c.id = (uint64_t)json_integer_value(json_object_get(rec, "id"));
    uint64_t council = (uint64_t)json_integer_value(json_object_get(rec, "council_id"));
    if (!c.id || !council)
        return STORE_CORRUPT;
    const char *status = json_get_str(rec, "status"), *legislation = json_get_str(rec, "legislation"), *team = json_get_str(rec, "team");
    uint64_t worker = (uint64_t)json_integer_value(json_object_get(rec, "caseworker_id"));
    c.tuple_len = case_tuple_of(rec, c.tuple);
    char worker_s[24];
    snprintf(worker_s, sizeof worker_s, "%" PRIu64, worker);
    const uint64_t scopes[2] = {council, 0};
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        uint64_t sc = scopes[i];
        rc = facet(&c, sc, FACET_ALL, NULL);
        if (!rc && status)
            rc = facet(&c, sc, FACET_STATUS, status);
        if (!rc && worker)
            rc = facet(&c, sc, FACET_CASEWORKER, worker_s);
        if (!rc && team)
            rc = facet(&c, sc, FACET_TEAM, team);
        if (!rc && legislation)
            rc = facet(&c, sc, FACET_LEGISLATION, legislation);
        if (!rc)
            rc = person(&c, sc, json_object_get(rec, "principal"));
        size_t j;
        json_t *d;
        json_array_foreach(json_object_get(rec, "dependants"), j, d) {
            if (rc)
                break;
            rc = person(&c, sc, d);
        }
    }
    /* The Network's list of marked duplicates (to remove them): national scope, no personal data. */
    if (!rc && json_integer_value(json_object_get(rec, "duplicate_of")) > 0)
        rc = facet(&c, 0, FACET_DUPLICATE, NULL);
    if (!rc)
        rc = support_end(&c, status, rec);
    return rc ? rc : home_counts(&c, council, status, worker, rec);
}

/* ---- support end dates of open cases ---- */

static int support_end(idx_ctx *c, const char *status, const json_t *rec)
{
    const char *end = json_get_str(json_object_get(rec, "finance"), "support_end_date");
    if (!end || strlen(end) != 10 || (status && strcmp(status, "closed") == 0))
        return 0;
    return facet(c, 0, FACET_SUPPORT_END, end);
}

int store_case_support_ended(store *s, MDB_txn *txn, const char *today, uint64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    unsigned char prefix[9];
    size_t plen = case_count_key(prefix, 0, FACET_SUPPORT_END, NULL);
    size_t cap = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_FACET, prefix, plen);
    int rc = 0;
    while (store_iter_next(&it)) {
        const unsigned char *k = it.key.mv_data;
        if (it.key.mv_size != plen + 10 + 1 + 8 || memcmp(k + plen, today, 10) >= 0)
            break; /* dates in order: the first one not before today ends the walk */
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            uint64_t *more = realloc(*ids, cap * sizeof *more);
            if (!more) {
                rc = STORE_NOMEM;
                break;
            }
            *ids = more;
        }
        (*ids)[(*n)++] = UINT64_MAX - store_u64_from(k + plen + 11);
    }
    rc = store_iter_end(&it, rc);
    if (rc) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

#define SUPPORT_END_KEY "support_end_index"

int store_case_support_end_migrate(store *s, MDB_txn *txn)
{
    int done, rc = store_meta_marked(s, txn, SUPPORT_END_KEY, &done);
    if (rc || done)
        return rc;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASES, NULL, 0);
    while (store_iter_next(&it)) {
        json_t *rec = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
        if (!rec) {
            rc = STORE_CORRUPT;
            break;
        }
        idx_ctx c = {.s = s, .txn = txn, .add = 1, .id = (uint64_t)json_integer_value(json_object_get(rec, "id"))};
        c.tuple_len = case_tuple_of(rec, c.tuple);
        rc = c.id ? support_end(&c, json_get_str(rec, "status"), rec) : STORE_CORRUPT;
        json_decref(rec);
        if (rc)
            break;
    }
    if ((rc = store_iter_end(&it, rc)))
        return rc;
    return store_meta_mark(s, txn, SUPPORT_END_KEY);
}

/* ---- per-token counts of the name index ---- */

#define NAME_TOKEN_COUNTS_KEY "name_token_counts"

/* Writes one FACET_NAME_TOKEN counter (scope | 'T' | token) of n entries. */
static int put_token_count(store *s, MDB_txn *txn, const unsigned char *scope_token, size_t len, uint64_t n)
{
    unsigned char key[9 + NAME_TOKEN_MAX];
    memcpy(key, scope_token, 8);
    key[8] = FACET_NAME_TOKEN;
    memcpy(key + 9, scope_token + 8, len - 8);
    return store_u64_put(s, txn, DB_CASE_COUNT, key, len + 1, n, 0);
}

/* The index keys are scope | token | 0 | id | person, so each token's entries are neighbours: one walk
 * counts them all, writing a counter per token (not per entry). */
int store_case_name_counts_migrate(store *s, MDB_txn *txn)
{
    int done, rc = store_meta_marked(s, txn, NAME_TOKEN_COUNTS_KEY, &done);
    if (rc || done)
        return rc;
    unsigned char run[8 + NAME_TOKEN_MAX];
    size_t run_len = 0;
    uint64_t n = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_NAME, NULL, 0);
    while (store_iter_next(&it)) {
        const unsigned char *kd = it.key.mv_data;
        if (it.key.mv_size < 8 + 1 + 9 || it.key.mv_size - 10 > 8 + NAME_TOKEN_MAX) {
            rc = STORE_CORRUPT;
            break;
        }
        size_t len = it.key.mv_size - 10; /* scope | token */
        if (n && (len != run_len || memcmp(kd, run, len) != 0)) {
            if ((rc = put_token_count(s, txn, run, run_len, n)))
                break;
            n = 0;
        }
        if (n == 0) {
            memcpy(run, kd, len);
            run_len = len;
        }
        n++;
    }
    if (!rc && n)
        rc = put_token_count(s, txn, run, run_len, n);
    if ((rc = store_iter_end(&it, rc)))
        return rc;
    return store_meta_mark(s, txn, NAME_TOKEN_COUNTS_KEY);
}
