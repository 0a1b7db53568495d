/* store_throttle.c - the sign-in throttle per user name (store_throttle.h). */
#include "store_throttle.h"
#include "auth_random.h"
#include "store_internal.h" /* the HMAC key in DB_META and the pruning index are raw bytes */

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#define HASH_LEN 32
#define KEY_NAME "throttle_key"
#define PRUNE_PER_WRITE 16

typedef struct {
    int64_t fails, round, until, last;
} throttle_rec;

/* The HMAC key of this data folder. With create, the first caller makes and stores it; without,
 * MDB_NOTFOUND means no failure was ever recorded, so no name can be throttled. */
static int throttle_key(store *s, MDB_txn *txn, int create, unsigned char key[HASH_LEN])
{
    MDB_val k = {sizeof KEY_NAME - 1, KEY_NAME}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    if (rc == 0) {
        if (v.mv_size != HASH_LEN)
            return STORE_CORRUPT;
        memcpy(key, v.mv_data, HASH_LEN);
        return 0;
    }
    if (rc != MDB_NOTFOUND || !create)
        return rc;
    if (auth_random_bytes(key, HASH_LEN))
        return STORE_NOMEM;
    v = (MDB_val){HASH_LEN, key};
    return mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0);
}

/* HMAC-SHA256 of the ASCII-lower-cased name: "Ann.Smith" and "ann.smith" share one record, and the
 * name itself never reaches the disk. */
static int name_hash(store *s, MDB_txn *txn, const char *name, int create, unsigned char out[HASH_LEN])
{
    unsigned char key[HASH_LEN];
    int rc = throttle_key(s, txn, create, key);
    if (rc)
        return rc;
    size_t n = strlen(name);
    unsigned char *folded = malloc(n + 1);
    if (!folded)
        return STORE_NOMEM;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        folded[i] = c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
    }
    unsigned len = 0;
    unsigned char *mac = HMAC(EVP_sha256(), key, HASH_LEN, folded, n, out, &len);
    free(folded);
    memset(key, 0, sizeof key);
    return mac && len == HASH_LEN ? 0 : STORE_NOMEM;
}

/* The moment a record stops mattering: an hour after its last failure, or a day after the end of its
 * last throttle (or later failure), so that repeated rounds keep growing for a while. */
static int64_t rec_expiry(const throttle_rec *r)
{
    int64_t latest = r->until > r->last ? r->until : r->last;
    return latest + (r->round ? STORE_THROTTLE_FORGET_THROTTLED : STORE_THROTTLE_FORGET_UNTHROTTLED);
}

/* Reads the record of `hash`; *found = 0 (and a zeroed record) when there is none. */
static int rec_get(store *s, MDB_txn *txn, const unsigned char hash[HASH_LEN], throttle_rec *r, int *found)
{
    memset(r, 0, sizeof *r);
    *found = 0;
    json_t *j;
    int rc = store_json_get(s, txn, DB_THROTTLE, hash, HASH_LEN, &j);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    r->fails = json_integer_value(json_object_get(j, "fails"));
    r->round = json_integer_value(json_object_get(j, "round"));
    r->until = json_integer_value(json_object_get(j, "until"));
    r->last = json_integer_value(json_object_get(j, "last"));
    json_decref(j);
    *found = 1;
    return 0;
}

static void age_key(unsigned char out[8 + HASH_LEN], int64_t expiry, const unsigned char hash[HASH_LEN])
{
    store_key_u64(out, (uint64_t)expiry);
    memcpy(out + 8, hash, HASH_LEN);
}

/* Removes the record and its pruning entry. */
static int rec_delete(store *s, MDB_txn *txn, const unsigned char hash[HASH_LEN], const throttle_rec *r)
{
    unsigned char akey[8 + HASH_LEN];
    age_key(akey, rec_expiry(r), hash);
    int rc = store_del(s, txn, DB_THROTTLE_AGE, akey, sizeof akey);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    rc = store_del(s, txn, DB_THROTTLE, hash, HASH_LEN);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int rec_put(store *s, MDB_txn *txn, const unsigned char hash[HASH_LEN], const throttle_rec *r)
{
    json_t *j = json_pack("{s:I,s:I,s:I,s:I}", "fails", (json_int_t)r->fails, "round", (json_int_t)r->round,
                          "until", (json_int_t)r->until, "last", (json_int_t)r->last);
    if (!j)
        return STORE_NOMEM;
    int rc = store_json_put(s, txn, DB_THROTTLE, hash, HASH_LEN, j);
    json_decref(j);
    if (rc)
        return rc;
    unsigned char akey[8 + HASH_LEN];
    age_key(akey, rec_expiry(r), hash);
    MDB_val k = {sizeof akey, akey}, v = {0, ""};
    return mdb_put(txn, store_dbi(s, DB_THROTTLE_AGE), &k, &v, 0);
}

/* Drops the record that expires first (its pruning entry and the record itself). *dropped = 0 when
 * there is none or, with only_expired, when the first has not expired by `now`. */
static int drop_first(store *s, MDB_txn *txn, int64_t now, int only_expired, int *dropped)
{
    *dropped = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_THROTTLE_AGE, NULL, 0);
    int rc = 0;
    if (store_iter_next(&it)) {
        if (it.key.mv_size != 8 + HASH_LEN) {
            rc = STORE_CORRUPT;
        } else if (!only_expired || (int64_t)store_u64_from(it.key.mv_data) <= now) {
            unsigned char hash[HASH_LEN];
            memcpy(hash, (const unsigned char *)it.key.mv_data + 8, HASH_LEN);
            rc = store_iter_del(&it);
            if (rc == 0) {
                rc = store_del(s, txn, DB_THROTTLE, hash, HASH_LEN);
                if (rc == MDB_NOTFOUND)
                    rc = 0;
            }
            *dropped = rc == 0;
        }
    }
    return store_iter_end(&it, rc);
}

/* Keeps the throttle small: every write forgets a few expired names and, past the cap, the names
 * that would expire soonest (names nobody was throttled on, before those that were). */
static int prune(store *s, MDB_txn *txn, int64_t now)
{
    int rc = 0, dropped = 1;
    for (int i = 0; i < PRUNE_PER_WRITE && dropped && !rc; i++)
        rc = drop_first(s, txn, now, 1, &dropped);
    MDB_stat st;
    if (!rc)
        rc = mdb_stat(txn, store_dbi(s, DB_THROTTLE), &st);
    for (size_t n = rc ? 0 : st.ms_entries; !rc && n > STORE_THROTTLE_RECORDS; n--) {
        rc = drop_first(s, txn, now, 0, &dropped);
        if (!dropped)
            break;
    }
    return rc;
}

int store_throttle_until(store *s, MDB_txn *txn, const char *name, int64_t now, int64_t *until)
{
    *until = 0;
    unsigned char hash[HASH_LEN];
    int rc = name_hash(s, txn, name, 0, hash);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    throttle_rec r;
    int found;
    if ((rc = rec_get(s, txn, hash, &r, &found)))
        return rc;
    if (found && r.until > now)
        *until = r.until;
    return 0;
}

int store_throttle_fail(store *s, MDB_txn *txn, const char *name, int64_t now, int64_t *until, int *began)
{
    *until = 0;
    *began = 0;
    unsigned char hash[HASH_LEN];
    int rc = name_hash(s, txn, name, 1, hash);
    throttle_rec r;
    int found = 0;
    if (!rc)
        rc = rec_get(s, txn, hash, &r, &found);
    if (rc)
        return rc;
    if (found && r.until > now) {
        *until = r.until;
        return 0;
    }
    if (found && (rc = rec_delete(s, txn, hash, &r)))
        return rc;
    if (found && rec_expiry(&r) <= now)
        memset(&r, 0, sizeof r); /* expired but not yet pruned: a fresh start */
    r.last = now;
    if (++r.fails >= STORE_THROTTLE_FAILS) {
        int64_t seconds = STORE_THROTTLE_FIRST_SECONDS;
        for (int64_t i = 0; i < r.round && seconds < STORE_THROTTLE_MAX_SECONDS; i++)
            seconds *= 2;
        if (seconds > STORE_THROTTLE_MAX_SECONDS)
            seconds = STORE_THROTTLE_MAX_SECONDS;
        r.round++;
        r.fails = 0;
        r.until = now + seconds;
        *until = r.until;
        *began = 1;
    }
    if ((rc = rec_put(s, txn, hash, &r)))
        return rc;
    return prune(s, txn, now);
}

int store_throttle_clear(store *s, MDB_txn *txn, const char *name)
{
    unsigned char hash[HASH_LEN];
    int rc = name_hash(s, txn, name, 0, hash);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    throttle_rec r;
    int found;
    if ((rc = rec_get(s, txn, hash, &r, &found)) || !found)
        return rc;
    return rec_delete(s, txn, hash, &r);
}

int store_throttle_count(store *s, MDB_txn *txn, size_t *count)
{
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, DB_THROTTLE), &st);
    *count = rc ? 0 : st.ms_entries;
    return rc;
}
