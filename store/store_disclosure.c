/* store_disclosure.c - disclosure request records, their indexes, attachments and agreements
 * (store_disclosure.h). */
#include "store_disclosure.h"
#include "store_internal.h"
#include "json_get.h"

#include <stdlib.h>
#include <string.h>

#include "disclosure_rules.h"
#include "store_audit.h"
#include "store_scrub.h"

static void id_key(unsigned char key[8], uint64_t id) { store_key_u64(key, id); }

/* 'k' | day (10 bytes) | id: the keep-until entry of a disclosed request still holding its data. */
static int keep_entry(store *s, MDB_txn *txn, const json_t *rec, int add)
{
    const char *day = json_get_str_or(rec, "keep_until", NULL);
    if (!day || strlen(day) != 10 || !json_get_str_is(rec, "status", "disclosed"))
        return 0;
    unsigned char key[19];
    key[0] = 'k';
    memcpy(key + 1, day, 10);
    store_key_u64(key + 11, json_get_u64(rec, "id"));
    if (!add) {
        int rc = store_del(s, txn, DB_DISCLOSURE_INDEX, key, sizeof key);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    MDB_val k = {sizeof key, key}, v = {0, ""};
    return mdb_put(txn, store_dbi(s, DB_DISCLOSURE_INDEX), &k, &v, 0);
}

int store_disclosure_create(store *s, MDB_txn *txn, json_t *rec, uint64_t *id)
{
    int rc = store_seq_next(s, txn, "disclosure", id);
    if (rc)
        return rc;
    char number[24];
    disclosure_number(*id, number);
    if (json_object_set_new(rec, "id", json_integer((json_int_t)*id)) ||
        json_object_set_new(rec, "number", json_string(number)))
        return STORE_NOMEM;
    uint64_t from = json_get_u64(rec, "requesting_org_id"), to = json_get_u64(rec, "providing_org_id");
    if (!from || !to)
        return STORE_CORRUPT;
    unsigned char key[8];
    id_key(key, *id);
    if ((rc = store_json_put(s, txn, DB_DISCLOSURES, key, 8, rec)) ||
        (rc = store_owner_index_put(s, txn, DB_DISCLOSURE_INDEX, 'o', from, *id)))
        return rc;
    return store_owner_index_put(s, txn, DB_DISCLOSURE_INDEX, 'o', to, *id);
}

int store_disclosure_get(store *s, MDB_txn *txn, uint64_t id, json_t **out)
{
    unsigned char key[8];
    id_key(key, id);
    return store_json_get(s, txn, DB_DISCLOSURES, key, 8, out);
}

int store_disclosure_put(store *s, MDB_txn *txn, const json_t *old, const json_t *neu)
{
    unsigned char key[8];
    id_key(key, json_get_u64(neu, "id"));
    int rc = old ? keep_entry(s, txn, old, 0) : 0;
    if (!rc)
        rc = keep_entry(s, txn, neu, 1);
    return rc ? rc : store_json_put(s, txn, DB_DISCLOSURES, key, 8, neu);
}

int store_disclosure_of_org(store *s, MDB_txn *txn, uint64_t org, uint64_t before, size_t limit, uint64_t *ids,
                            size_t *n, uint64_t *next)
{
    return store_owner_index_page(s, txn, DB_DISCLOSURE_INDEX, 'o', org, before, limit, ids, n, next);
}

int store_disclosure_each_of_org(store *s, MDB_txn *txn, uint64_t org, disclosure_fn fn, void *ctx)
{
    return store_disclosure_each_of_org_members(s, txn, org, NULL, fn, ctx);
}

int store_disclosure_each_of_org_members(store *s, MDB_txn *txn, uint64_t org, const char *const *names,
                                         disclosure_fn fn, void *ctx)
{
    uint64_t ids[256], before = 0;
    for (;;) {
        size_t n = 0;
        uint64_t more = 0;
        int rc = store_disclosure_of_org(s, txn, org, before, sizeof ids / sizeof ids[0], ids, &n, &more);
        for (size_t i = 0; i < n && !rc; i++) {
            json_t *rec = NULL;
            unsigned char key[8];
            id_key(key, ids[i]);
            if (!(rc = store_json_get_members(s, txn, DB_DISCLOSURES, key, 8, names, &rec)))
                rc = fn(rec, ctx);
            json_decref(rec);
        }
        if (rc || !more)
            return rc;
        before = more;
    }
}

int store_disclosure_keep_due(store *s, MDB_txn *txn, const char *today, uint64_t *ids, size_t cap, size_t *n)
{
    *n = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_DISCLOSURE_INDEX, "k", 1);
    while (*n < cap && store_iter_next(&it)) {
        if (it.key.mv_size != 19)
            return store_iter_end(&it, STORE_CORRUPT);
        /* Destroyed once the keep-until day has passed: kept through that day itself. */
        if (memcmp((const char *)it.key.mv_data + 1, today, 10) >= 0)
            break;
        ids[(*n)++] = store_u64_from((const unsigned char *)it.key.mv_data + 11);
    }
    return store_iter_end(&it, 0);
}

static size_t file_key(unsigned char key[16], uint64_t id, uint64_t n)
{
    store_key_u64(key, id);
    store_key_u64(key + 8, n);
    return 16;
}

int store_disclosure_file_put(store *s, MDB_txn *txn, uint64_t id, uint64_t n, const void *data, size_t len)
{
    unsigned char key[16];
    MDB_val k = {file_key(key, id, n), key}, v = {len, (void *)data};
    return mdb_put(txn, store_dbi(s, DB_DISCLOSURE_FILES), &k, &v, 0);
}

int store_disclosure_file_get(store *s, MDB_txn *txn, uint64_t id, uint64_t n, const void **data, size_t *len)
{
    unsigned char key[16];
    MDB_val k = {file_key(key, id, n), key}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_DISCLOSURE_FILES), &k, &v);
    if (!rc) {
        *data = v.mv_data;
        *len = v.mv_size;
    }
    return rc;
}

/* Drops the disclosed content from every decision: the message and the attachments' names and
 * digests (a digest of a known document would still tell what was disclosed). */
static int strip_decisions(json_t *rec, size_t *attachments)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "decisions"), i, d) {
        json_object_del(d, "message");
        json_t *atts = json_object_get(d, "attachments");
        *attachments += json_array_size(atts);
        if (atts && json_object_set_new(d, "attachments", json_integer((json_int_t)json_array_size(atts))))
            return STORE_NOMEM;
    }
    json_object_del(rec, "pending_attachments");
    return 0;
}

int store_disclosure_destroy_data(store *s, MDB_txn *txn, json_t *rec, const char *at, uint64_t by, const char *run)
{
    unsigned char prefix[8];
    store_key_u64(prefix, json_get_u64(rec, "id"));
    store_iter it;
    store_iter_begin(&it, s, txn, DB_DISCLOSURE_FILES, prefix, sizeof prefix);
    int rc = 0;
    while (store_iter_next(&it))
        if ((rc = store_iter_del(&it)))
            break;
    if ((rc = store_iter_end(&it, rc)))
        return rc;
    size_t attachments = 0;
    if ((rc = strip_decisions(rec, &attachments)))
        return rc;
    json_t *d = json_pack("{s:s,s:o,s:s,s:I}", "at", at, "by", by ? json_integer((json_int_t)by) : json_null(), "run",
                          run, "attachments", (json_int_t)attachments);
    if (!d || json_object_set_new(rec, "destruction", d) || json_object_set_new(rec, "status", json_string("destroyed")))
        return STORE_NOMEM;
    return 0;
}

typedef struct {
    uint64_t id;
    const char *today, *at;
    int destroyed;
} expire_ctx;

static int expire_one(store *s, MDB_txn *txn, void *arg)
{
    expire_ctx *c = arg;
    c->destroyed = 0;
    json_t *old, *neu = NULL, *ev = NULL;
    int rc = store_disclosure_get(s, txn, c->id, &old);
    if (rc)
        return rc;
    const char *keep = json_get_str_or(old, "keep_until", "");
    if (!json_get_str_is(old, "status", "disclosed") || strcmp(keep, c->today) >= 0)
        goto out; /* answered by someone meanwhile */
    if (!(neu = json_deep_copy(old))) {
        rc = STORE_NOMEM;
        goto out;
    }
    if ((rc = store_disclosure_destroy_data(s, txn, neu, c->at, 0, "daily")) ||
        (rc = store_disclosure_put(s, txn, old, neu)))
        goto out;
    json_t *case_id = json_object_get(old, "case_id");
    ev = json_pack("{s:s,s:n,s:O,s:s,s:O,s:O*}", "at", c->at, "actor", "org", json_object_get(old, "requesting_org_id"),
                   "action", "disclosure_data_destroyed", "target", json_object_get(old, "id"), "case", case_id);
    if (!ev) {
        rc = STORE_NOMEM;
        goto out;
    }
    if (!(rc = store_audit_append(s, txn, ev)))
        c->destroyed = 1;
out:
    json_decref(ev);
    json_decref(neu);
    json_decref(old);
    return rc;
}

int store_disclosure_expire(store *s, const char *today, const char *at, size_t *n)
{
    *n = 0;
    int rc = 0;
    for (;;) {
        uint64_t ids[64];
        size_t got = 0, done = 0;
        MDB_txn *txn;
        if ((rc = store_read_begin(s, &txn)))
            break;
        rc = store_disclosure_keep_due(s, txn, today, ids, 64, &got);
        store_read_end(s, txn);
        for (size_t i = 0; i < got && !rc; i++) {
            expire_ctx c = {.id = ids[i], .today = today, .at = at};
            if (!(rc = store_write(s, expire_one, &c)))
                done += (size_t)c.destroyed;
        }
        *n += done;
        if (rc || got < 64 || !done)
            break;
    }
    if (*n) { /* even after an error: what was destroyed leaves the file */
        store_scrub_stats st;
        int src = store_scrub(s, &st);
        if (!rc)
            rc = src;
    }
    return rc;
}

static void pair_key(unsigned char key[16], uint64_t requesting, uint64_t providing)
{
    store_key_u64(key, requesting);
    store_key_u64(key + 8, providing);
}

int store_disclosure_pair_get(store *s, MDB_txn *txn, uint64_t requesting, uint64_t providing, int *days,
                              int *max_keep_days)
{
    *days = DISCLOSURE_DEFAULT_DAYS;
    *max_keep_days = DISCLOSURE_DEFAULT_MAX_KEEP_DAYS;
    unsigned char key[16];
    pair_key(key, requesting, providing);
    json_t *a;
    int rc = store_json_get(s, txn, DB_DISCLOSURE_PAIRS, key, sizeof key, &a);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    *days = (int)json_integer_value(json_object_get(a, "days"));
    *max_keep_days = (int)json_integer_value(json_object_get(a, "max_keep_days"));
    json_decref(a);
    return *days > 0 && *max_keep_days > 0 ? 0 : STORE_CORRUPT;
}

int store_disclosure_pair_set(store *s, MDB_txn *txn, uint64_t requesting, uint64_t providing, int days,
                              int max_keep_days)
{
    unsigned char key[16];
    pair_key(key, requesting, providing);
    json_t *a = json_pack("{s:i,s:i}", "days", days, "max_keep_days", max_keep_days);
    if (!a)
        return STORE_NOMEM;
    int rc = store_json_put(s, txn, DB_DISCLOSURE_PAIRS, key, sizeof key, a);
    json_decref(a);
    return rc;
}
