/* store_mi_run.c - MI report runs and the alerts waiting for one (store_mi_run.h). */
#include "store_mi_run.h"
#include "store_internal.h"
#include "json_get.h"

#include <errno.h>
#include <string.h>

#define RUN_PREFIX "mi_run:"
#define RUN_PREFIX_LEN (sizeof RUN_PREFIX - 1)
#define WAIT_PREFIX "mi_wait:"
#define WAIT_PREFIX_LEN (sizeof WAIT_PREFIX - 1)

static size_t run_key(char out[RUN_PREFIX_LEN + 10], const char *date)
{
    memcpy(out, RUN_PREFIX, RUN_PREFIX_LEN);
    memcpy(out + RUN_PREFIX_LEN, date, 10);
    return RUN_PREFIX_LEN + 10;
}

int store_mi_run_add(store *s, MDB_txn *txn, const json_t *rec)
{
    const char *date = json_get_str(rec, "date");
    if (!date || strlen(date) != 10)
        return EINVAL;
    char key[RUN_PREFIX_LEN + 10];
    size_t klen = run_key(key, date);
    json_t *have;
    int rc = store_json_get(s, txn, DB_META, key, klen, &have);
    json_decref(have);
    if (rc == 0)
        return MDB_KEYEXIST;
    if (rc != MDB_NOTFOUND)
        return rc;
    return store_json_put(s, txn, DB_META, key, klen, rec);
}

int store_mi_run_list(store *s, MDB_txn *txn, json_t **out)
{
    json_t *items = json_array();
    if (!items)
        return STORE_NOMEM;
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_META, RUN_PREFIX, RUN_PREFIX_LEN);
    int rc = 0;
    while (!rc && store_iter_next(&it)) {
        json_error_t err;
        json_t *run = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!run)
            rc = STORE_CORRUPT;
        else if (json_array_append_new(items, run))
            rc = STORE_NOMEM;
    }
    rc = store_iter_end(&it, rc);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = items;
    return 0;
}

int store_mi_run_first_from(store *s, MDB_txn *txn, const char *date, char out[11])
{
    out[0] = 0;
    if (!date || strlen(date) != 10)
        return EINVAL;
    char start[RUN_PREFIX_LEN + 10];
    size_t slen = run_key(start, date);
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_META, RUN_PREFIX, RUN_PREFIX_LEN, start, slen);
    int rc = 0;
    if (store_iter_next(&it)) {
        if (it.key.mv_size != RUN_PREFIX_LEN + 10)
            rc = STORE_CORRUPT;
        else {
            memcpy(out, (const char *)it.key.mv_data + RUN_PREFIX_LEN, 10);
            out[10] = 0;
        }
    }
    return store_iter_end(&it, rc);
}

static size_t wait_key(unsigned char out[WAIT_PREFIX_LEN + 8], uint64_t id)
{
    memcpy(out, WAIT_PREFIX, WAIT_PREFIX_LEN);
    store_key_u64(out + WAIT_PREFIX_LEN, id);
    return WAIT_PREFIX_LEN + 8;
}

int store_mi_wait_put(store *s, MDB_txn *txn, uint64_t alert_id)
{
    unsigned char key[WAIT_PREFIX_LEN + 8];
    MDB_val k = {wait_key(key, alert_id), key}, v = {0, ""};
    return mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0);
}

int store_mi_wait_del(store *s, MDB_txn *txn, uint64_t alert_id)
{
    unsigned char key[WAIT_PREFIX_LEN + 8];
    int rc = store_del(s, txn, DB_META, key, wait_key(key, alert_id));
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_mi_wait_list(store *s, MDB_txn *txn, json_t **out)
{
    json_t *ids = json_array();
    if (!ids)
        return STORE_NOMEM;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_META, WAIT_PREFIX, WAIT_PREFIX_LEN);
    int rc = 0;
    while (!rc && store_iter_next(&it)) {
        if (it.key.mv_size != WAIT_PREFIX_LEN + 8)
            rc = STORE_CORRUPT;
        else if (json_array_append_new(ids, json_integer((json_int_t)store_u64_from(
                                                 (const unsigned char *)it.key.mv_data + WAIT_PREFIX_LEN))))
            rc = STORE_NOMEM;
    }
    rc = store_iter_end(&it, rc);
    if (rc) {
        json_decref(ids);
        return rc;
    }
    *out = ids;
    return 0;
}
