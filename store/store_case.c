/* store_case.c - case records, their index entries and counters. */
#include "store_case.h"
#include "store_facts.h"
#include "json_get.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_index.h"
#include "store_work.h"
#include "uk_time.h"

const char *const case_statuses[] = {"", "open_referral", "open_supported", "closed", NULL};
const char *const case_legislations[] = {"",
                                         "care_act_2014",
                                         "children_act_s17",
                                         "children_act_s20",
                                         "children_act_s23c",
                                         "children_act_s24a",
                                         "children_act_s24b",
                                         NULL};

int case_enum_code(const char *const *list, const char *value)
{
    if (!value || !*value)
        return 0;
    for (int i = 1; list[i]; i++)
        if (strcmp(list[i], value) == 0)
            return i;
    return 0;
}

void store_case_strip_nulls(json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        void *tmp;
        json_object_foreach_safe(v, tmp, k, m) {
            if (json_is_null(m))
                json_object_del(v, k);
            else
                store_case_strip_nulls(m);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) store_case_strip_nulls(m);
    }
}

void case_referral_date(const json_t *rec, char out[11])
{
    const char *imported = json_get_str(rec, "referral_date");
    if (imported && strlen(imported) == 10) {
        memcpy(out, imported, 11);
        return;
    }
    if (uk_date_of_iso(json_get_str(rec, "created_at"), out))
        out[0] = 0;
}

json_t *case_empty_immigration(void)
{
    return json_pack("{s:s,s:n,s:n,s:b,s:n,s:n,s:b,s:n,s:b,s:n,s:n,s:n,s:n}", "status", "unknown",
                     "recourse_to_public_funds", "leave_expiry", "outstanding_application", 0, "application_type",
                     "application_date", "appeal", 0, "appeal_date", "judicial_review", 0, "judicial_review_date",
                     "ho_notes", "updated_at", "updated_by");
}

/* Sets member k of a stored record to v, a copy of it (nulls stripped) when copy; null or absent: left
 * out. 0, or -1 when out of memory. */
static int stored_member(json_t *out, const char *k, json_t *v, int copy)
{
    if (!v || json_is_null(v))
        return 0;
    if (!copy)
        return json_object_set(out, k, v);
    json_t *c = json_deep_copy(v);
    if (!c)
        return -1;
    store_case_strip_nulls(c);
    return json_object_set_new(out, k, c);
}

/* rec as stored, without null members: STORE_CASE_HEAD's members first, then the rest in rec's order
 * (jansson writes an object's members in the order they were set). copy: of copies of rec's values,
 * so that rec stays as its caller has it; else it shares them (rec's nulls already stripped). One new
 * object either way; NULL when out of memory. */
static json_t *stored_order(const json_t *rec, int copy)
{
    static const char *const head[] = {STORE_CASE_HEAD};
    json_t *out = json_object();
    for (size_t i = 0; out && i < sizeof head / sizeof head[0]; i++) {
        if (stored_member(out, head[i], json_object_get(rec, head[i]), copy)) {
            json_decref(out);
            return NULL;
        }
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)rec, k, v)
    {
        if (out && !json_object_get(out, k) && stored_member(out, k, v, copy)) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* Writes a case record in its stored order (append: a new id, store_json_append; copy: as
 * stored_order). */
static int case_record_put(store *s, MDB_txn *txn, const unsigned char key[8], const json_t *rec, int append, int copy)
{
    json_t *ordered = stored_order(rec, copy);
    if (!ordered)
        return STORE_NOMEM;
    int rc = append ? store_json_append(s, txn, DB_CASES, key, 8, ordered) : store_json_put(s, txn, DB_CASES, key, 8, ordered);
    json_decref(ordered);
    return rc;
}

int store_case_create(store *s, MDB_txn *txn, json_t *rec, uint64_t *id_out)
{
    store_case_strip_nulls(rec);
    uint64_t id;
    int rc = store_seq_next(s, txn, "cases", &id);
    if (rc)
        return rc;
    if (json_object_set_new(rec, "id", json_integer((json_int_t)id)))
        return STORE_NOMEM;
    unsigned char key[8];
    store_key_u64(key, id);
    MDB_val k = {8, key}, v;
    if (mdb_get(txn, store_dbi(s, DB_CASES), &k, &v) == 0)
        return STORE_EXISTS; /* the sequence never hands out an id twice; refuse to overwrite */
    if ((rc = case_record_put(s, txn, key, rec, 1, 0))) /* rec is stripped: its values can be shared */
        return rc;
    if ((rc = case_index_apply(s, txn, rec, 1)) || (rc = store_facts_case_put(s, txn, NULL, rec)))
        return rc;
    *id_out = id;
    return 0;
}

int store_case_get(store *s, MDB_txn *txn, uint64_t id, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_json_get(s, txn, DB_CASES, key, 8, out);
}

int store_case_get_members(store *s, MDB_txn *txn, uint64_t id, const char *const *names, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_json_get_members(s, txn, DB_CASES, key, 8, names, out);
}

int store_case_bytes(store *s, MDB_txn *txn, uint64_t id, const void **data, size_t *len)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_bytes_get(s, txn, DB_CASES, key, 8, data, len);
}

int store_case_put(store *s, MDB_txn *txn, const json_t *old, const json_t *rec)
{
    json_int_t id = json_integer_value(json_object_get(rec, "id"));
    if (id <= 0 || id != json_integer_value(json_object_get(old, "id")))
        return STORE_CORRUPT;
    unsigned char key[8];
    store_key_u64(key, (uint64_t)id);
    int rc = case_record_put(s, txn, key, rec, 0, 1); /* rec is the caller's, nulls and all: copied */
    if (!rc)
        rc = case_index_replace(s, txn, old, rec, NULL);
    if (!rc)
        rc = store_facts_case_put(s, txn, old, rec);
    /* The "my cases" counters of its open alerts and queries follow the case's caseworker. */
    uint64_t was = (uint64_t)json_integer_value(json_object_get(old, "caseworker_id")),
             now = (uint64_t)json_integer_value(json_object_get(rec, "caseworker_id"));
    if (!rc && was != now)
        rc = store_work_reallocate(s, txn, (uint64_t)id, was, now);
    return rc;
}

int store_case_count(store *s, MDB_txn *txn, uint64_t scope, char facet, const char *value, uint64_t *out)
{
    unsigned char key[8 + 1 + CASE_VALUE_MAX];
    size_t klen = case_count_key(key, scope, facet, value);
    int rc = store_u64_get(s, txn, DB_CASE_COUNT, key, klen, out);
    if (rc == MDB_NOTFOUND) {
        *out = 0;
        return 0;
    }
    return rc;
}

/* ---- history ---- */

int store_case_history_add(store *s, MDB_txn *txn, uint64_t case_id, json_t *row)
{
    uint64_t seq;
    int rc = store_seq_next(s, txn, "history", &seq);
    if (rc)
        return rc;
    unsigned char key[16];
    store_key_u64(key, case_id);
    store_key_u64(key + 8, seq);
    return store_json_put(s, txn, DB_CASE_HISTORY, key, 16, row);
}

typedef struct {
    store *s;
    MDB_txn *txn;
    uint64_t case_id, by;
    const char *at;
    int rc;
} diff_ctx;

static void diff_row(diff_ctx *c, const char *path, const json_t *old, const json_t *neu)
{
    if (c->rc)
        return;
    json_t *row = json_pack("{s:s,s:I,s:s,s:O,s:O}", "at", c->at, "by", (json_int_t)c->by, "field", path, "old",
                            old ? old : json_null(), "new", neu ? neu : json_null());
    if (!row) {
        c->rc = STORE_NOMEM;
        return;
    }
    c->rc = store_case_history_add(c->s, c->txn, c->case_id, row);
    json_decref(row);
}

/* Fields that change on every write and say nothing on their own. */
static int skip_field(const char *key)
{
    return strcmp(key, "updated_at") == 0 || strcmp(key, "updated_by") == 0 || strcmp(key, "next_person") == 0 ||
           strcmp(key, "created_at") == 0 || strcmp(key, "created_by") == 0 || strcmp(key, "id") == 0;
}

static int array_of_ids(const json_t *a)
{
    if (!json_is_array(a) || json_array_size(a) == 0)
        return 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!json_is_integer(json_object_get(v, "id"))) return 0;
    return 1;
}

static const json_t *find_by_id(const json_t *a, json_int_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_integer_value(json_object_get(v, "id")) == id) return v;
    return NULL;
}

static void diff_walk(diff_ctx *c, const char *path, const json_t *old, const json_t *neu)
{
    if (c->rc || json_equal(old ? old : json_null(), neu ? neu : json_null()))
        return;
    char sub[256];
    if (json_is_object(old) && json_is_object(neu)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)old, k, v) {
            if (skip_field(k))
                continue;
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
            diff_walk(c, sub, v, json_object_get(neu, k));
        }
        json_object_foreach((json_t *)neu, k, v) {
            if (skip_field(k) || json_object_get(old, k))
                continue;
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
            diff_walk(c, sub, NULL, v);
        }
        return;
    }
    /* Arrays of records with ids (dependants, documents, other costs): match by id. */
    if ((array_of_ids(old) || json_array_size(old) == 0) && (array_of_ids(neu) || json_array_size(neu) == 0) &&
        json_is_array(old) && json_is_array(neu) && (array_of_ids(old) || array_of_ids(neu))) {
        size_t i;
        json_t *v;
        json_array_foreach(old, i, v) {
            json_int_t id = json_integer_value(json_object_get(v, "id"));
            snprintf(sub, sizeof sub, "%s.%lld", path, (long long)id);
            const json_t *match = find_by_id(neu, id);
            if (match)
                diff_walk(c, sub, v, match);
            else
                diff_row(c, sub, v, NULL);
        }
        json_array_foreach(neu, i, v) {
            json_int_t id = json_integer_value(json_object_get(v, "id"));
            if (find_by_id(old, id))
                continue;
            snprintf(sub, sizeof sub, "%s.%lld", path, (long long)id);
            diff_row(c, sub, NULL, v);
        }
        return;
    }
    diff_row(c, path, old, neu);
}

int store_case_history_diff(store *s, MDB_txn *txn, uint64_t case_id, const json_t *old, const json_t *rec,
                            const char *at, uint64_t by)
{
    diff_ctx c = {s, txn, case_id, by, at, 0};
    if (!old) {
        json_t *created = json_string("created");
        diff_row(&c, "case", NULL, created);
        json_decref(created);
        return c.rc;
    }
    diff_walk(&c, "", old, rec);
    return c.rc;
}

int store_case_history_list(store *s, MDB_txn *txn, uint64_t case_id, uint64_t before, size_t limit, json_t **items,
                            uint64_t *next, size_t *total)
{
    return store_rows_newest(s, txn, DB_CASE_HISTORY, case_id, before, limit, items, next, total);
}

/* ---- documents ---- */

int store_doc_put(store *s, MDB_txn *txn, uint64_t doc_id, const void *data, size_t len)
{
    unsigned char key[8];
    store_key_u64(key, doc_id);
    MDB_val k = {8, key}, v = {len, (void *)data};
    return mdb_put(txn, store_dbi(s, DB_DOCS), &k, &v, MDB_NOOVERWRITE);
}

int store_doc_get(store *s, MDB_txn *txn, uint64_t doc_id, const void **data, size_t *len)
{
    unsigned char key[8];
    store_key_u64(key, doc_id);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_DOCS), &k, &v);
    if (rc)
        return rc;
    *data = v.mv_data;
    *len = v.mv_size;
    return 0;
}

int store_doc_del(store *s, MDB_txn *txn, uint64_t doc_id)
{
    unsigned char key[8];
    store_key_u64(key, doc_id);
    return store_del(s, txn, DB_DOCS, key, 8);
}

json_t *case_person(const json_t *rec, uint64_t pid)
{
    json_t *p = json_object_get(rec, "principal");
    if (json_integer_value(json_object_get(p, "id")) == (json_int_t)pid)
        return p;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "dependants"), i, d) if (json_integer_value(json_object_get(d, "id")) ==
                                                                     (json_int_t)pid) return d;
    return NULL;
}
