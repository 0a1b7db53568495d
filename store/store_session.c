/* store_session.c - sign-in sessions. */
#include "store_session.h"
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

int store_session_create(store *s, MDB_txn *txn, const unsigned char sid[SESSION_ID_LEN], uint64_t uid,
                         int64_t start, int64_t abs_expiry)
{
    unsigned char val[24], ukey[8 + SESSION_ID_LEN];
    store_key_u64(val, uid);
    store_key_u64(val + 8, (uint64_t)start);
    store_key_u64(val + 16, (uint64_t)abs_expiry);
    MDB_val k = {SESSION_ID_LEN, (void *)sid}, v = {sizeof val, val};
    int rc = mdb_put(txn, store_dbi(s, DB_SESSIONS), &k, &v, MDB_NOOVERWRITE);
    if (rc)
        return rc == MDB_KEYEXIST ? STORE_EXISTS : rc;
    store_key_u64(ukey, uid);
    memcpy(ukey + 8, sid, SESSION_ID_LEN);
    MDB_val uk = {sizeof ukey, ukey}, empty = {0, ""};
    return mdb_put(txn, store_dbi(s, DB_USER_SESSIONS), &uk, &empty, 0);
}

int store_session_get(store *s, MDB_txn *txn, const unsigned char sid[SESSION_ID_LEN], uint64_t *uid,
                      int64_t *abs_expiry)
{
    MDB_val k = {SESSION_ID_LEN, (void *)sid}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_SESSIONS), &k, &v);
    if (rc)
        return rc;
    if (v.mv_size != 24)
        return STORE_CORRUPT;
    *uid = store_u64_from(v.mv_data);
    *abs_expiry = (int64_t)store_u64_from((const unsigned char *)v.mv_data + 16);
    return 0;
}

int store_session_delete(store *s, MDB_txn *txn, const unsigned char sid[SESSION_ID_LEN])
{
    uint64_t uid;
    int64_t abs_expiry;
    int rc = store_session_get(s, txn, sid, &uid, &abs_expiry);
    if (rc)
        return rc;
    unsigned char ukey[8 + SESSION_ID_LEN];
    store_key_u64(ukey, uid);
    memcpy(ukey + 8, sid, SESSION_ID_LEN);
    rc = store_del(s, txn, DB_USER_SESSIONS, ukey, sizeof ukey);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    return store_del(s, txn, DB_SESSIONS, sid, SESSION_ID_LEN);
}

/* Ends the user's sessions except `keep`; with expired_before > 0 only those expired before it.
 * The ids are collected first and deleted after, so the cursor never walks a changing tree. */
static int delete_where(store *s, MDB_txn *txn, uint64_t uid, const unsigned char *keep, int64_t expired_before)
{
    unsigned char prefix[8];
    store_key_u64(prefix, uid);
    unsigned char *ids = NULL;
    size_t n = 0, cap = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_USER_SESSIONS, prefix, sizeof prefix);
    int rc = 0;
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 8 + SESSION_ID_LEN)
            break;
        const unsigned char *sid = (const unsigned char *)it.key.mv_data + 8;
        if (keep && memcmp(sid, keep, SESSION_ID_LEN) == 0)
            continue;
        if (expired_before > 0) {
            uint64_t su;
            int64_t abs_expiry;
            int grc = store_session_get(s, txn, sid, &su, &abs_expiry);
            if (grc == 0 && abs_expiry >= expired_before)
                continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            unsigned char *grown = realloc(ids, ncap * SESSION_ID_LEN);
            if (!grown) {
                rc = STORE_NOMEM;
                break;
            }
            ids = grown;
            cap = ncap;
        }
        memcpy(ids + n * SESSION_ID_LEN, sid, SESSION_ID_LEN);
        n++;
    }
    rc = store_iter_end(&it, rc);
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char ukey[8 + SESSION_ID_LEN];
        memcpy(ukey, prefix, 8);
        memcpy(ukey + 8, ids + i * SESSION_ID_LEN, SESSION_ID_LEN);
        rc = store_del(s, txn, DB_USER_SESSIONS, ukey, sizeof ukey);
        if (!rc || rc == MDB_NOTFOUND)
            rc = store_del(s, txn, DB_SESSIONS, ids + i * SESSION_ID_LEN, SESSION_ID_LEN);
        if (rc == MDB_NOTFOUND)
            rc = 0;
    }
    free(ids);
    return rc;
}

int store_session_delete_user(store *s, MDB_txn *txn, uint64_t uid, const unsigned char *keep)
{
    return delete_where(s, txn, uid, keep, 0);
}

int store_session_prune_user(store *s, MDB_txn *txn, uint64_t uid, int64_t now)
{
    return delete_where(s, txn, uid, NULL, now);
}
