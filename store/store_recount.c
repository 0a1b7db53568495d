/* store_recount.c - counters recounted from records and compared with the stored ones. */
#include "store_recount.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "case_index.h"
#include "store_case.h"
#include "store_work.h"

/* Tally keys are the counter keys in hex (jansson objects want text keys). */
static void hex(const unsigned char *key, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[key[i] >> 4];
        out[2 * i + 1] = digits[key[i] & 15];
    }
    out[2 * len] = 0;
}

static int tally_add(void *ctx, const unsigned char *key, size_t klen, int delta)
{
    json_t *tally = ctx;
    char h[2 * (9 + CASE_VALUE_MAX) + 1];
    if (klen > 9 + CASE_VALUE_MAX)
        return STORE_CORRUPT;
    hex(key, klen, h);
    json_int_t n = json_integer_value(json_object_get(tally, h)) + delta;
    return json_object_set_new(tally, h, json_integer(n)) ? STORE_NOMEM : 0;
}

/* A counter key for people: "council 3, facet s, value open_referral". */
static void describe(FILE *f, const unsigned char *key, size_t klen)
{
    if (klen < 9) {
        fprintf(f, "malformed counter key");
        return;
    }
    fprintf(f, "scope %" PRIu64 ", facet %c, value \"%.*s\"", store_u64_from(key), key[8], (int)(klen - 9),
            (const char *)key + 9);
}

typedef int (*record_fn)(store *s, MDB_txn *txn, const json_t *rec, json_t *tally);

static int each_record(store *s, MDB_txn *txn, store_db db, record_fn fn, json_t *tally)
{
    store_iter it;
    store_iter_begin(&it, s, txn, db, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        json_error_t err;
        json_t *rec = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        rc = rec ? fn(s, txn, rec, tally) : STORE_CORRUPT;
        json_decref(rec);
        if (rc)
            break;
    }
    return store_iter_end(&it, rc);
}

static int count_case(store *s, MDB_txn *txn, const json_t *rec, json_t *tally)
{
    (void)s, (void)txn;
    return case_index_count(rec, tally_add, tally);
}

static int count_item(store *s, MDB_txn *txn, const json_t *item, json_t *tally, char kind)
{
    json_t *case_rec;
    int rc = store_case_get(s, txn, (uint64_t)json_integer_value(json_object_get(item, "case_id")), &case_rec);
    if (rc)
        return rc;
    rc = store_work_count_item(kind, item, (uint64_t)json_integer_value(json_object_get(case_rec, "caseworker_id")),
                               tally_add, tally);
    json_decref(case_rec);
    return rc;
}

static int count_alert(store *s, MDB_txn *txn, const json_t *rec, json_t *tally)
{
    return count_item(s, txn, rec, tally, WORK_ALERT);
}

static int count_query(store *s, MDB_txn *txn, const json_t *rec, json_t *tally)
{
    return count_item(s, txn, rec, tally, WORK_QUERY);
}

int store_recount(store *s, MDB_txn *txn, FILE *report, size_t *counters, size_t *differences)
{
    *counters = *differences = 0;
    json_t *tally = json_object();
    if (!tally)
        return STORE_NOMEM;
    int rc = each_record(s, txn, DB_CASES, count_case, tally);
    if (!rc)
        rc = each_record(s, txn, DB_ALERTS, count_alert, tally);
    if (!rc)
        rc = each_record(s, txn, DB_QUERIES, count_query, tally);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, NULL, 0);
    while (!rc && store_iter_next(&it)) {
        const MDB_val k = it.key, v = it.val;
        char h[2 * (9 + CASE_VALUE_MAX) + 1];
        if (k.mv_size > 9 + CASE_VALUE_MAX || v.mv_size != 8) {
            (*differences)++;
            continue;
        }
        (*counters)++;
        hex(k.mv_data, k.mv_size, h);
        json_int_t want = json_integer_value(json_object_get(tally, h));
        uint64_t have = store_u64_from(v.mv_data);
        if ((json_int_t)have != want) {
            (*differences)++;
            if (report) {
                fprintf(report, "counter ");
                describe(report, k.mv_data, k.mv_size);
                fprintf(report, ": stored %" PRIu64 ", recounted %lld\n", have, (long long)want);
            }
        }
        json_object_del(tally, h);
    }
    rc = store_iter_end(&it, rc);
    /* What the records say should exist but is not stored. */
    const char *h;
    json_t *n;
    json_object_foreach(tally, h, n) {
        if (rc || json_integer_value(n) == 0)
            continue;
        (*differences)++;
        if (report) {
            unsigned char key[9 + CASE_VALUE_MAX];
            size_t len = strlen(h) / 2;
            for (size_t i = 0; i < len; i++) {
                char pair[3] = {h[2 * i], h[2 * i + 1], 0};
                key[i] = (unsigned char)strtoul(pair, NULL, 16);
            }
            fprintf(report, "counter ");
            describe(report, key, len);
            fprintf(report, ": missing, recounted %lld\n", (long long)json_integer_value(n));
        }
    }
    json_decref(tally);
    return rc;
}
