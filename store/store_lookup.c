/* store_lookup.c - look-up audit rows and the hourly limit (store_lookup.h). */
#include "store_lookup.h"
#include "store_internal.h"

#include <string.h>

/* One entry of DB_USER_LOOKUPS: its time and its ordinal (0 when it has none: written before
 * entries carried one). */
typedef struct {
    int64_t t;
    uint64_t ordinal;
} user_entry;

static user_entry entry_of(const MDB_val *key, const MDB_val *val)
{
    return (user_entry){.t = (int64_t)store_u64_from((const unsigned char *)key->mv_data + 8),
                        .ordinal = val->mv_size == 8 ? store_u64_from(val->mv_data) : 0};
}

/* The user's newest entry (*found 0 when there is none). */
static int newest_entry(store *s, MDB_txn *txn, const unsigned char prefix[8], user_entry *out, int *found)
{
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_USER_LOOKUPS, prefix, 8);
    *found = store_iter_next(&it) && it.key.mv_size == 24;
    if (*found)
        *out = entry_of(&it.key, &it.val);
    return store_iter_end(&it, 0);
}

/* The count walked entry by entry, from the first in the window: for entries without ordinals. */
static int count_by_walking(store *s, MDB_txn *txn, const unsigned char prefix[8], unsigned enough, unsigned *count)
{
    store_iter it;
    store_iter_begin(&it, s, txn, DB_USER_LOOKUPS, prefix, 8);
    while (*count < enough && store_iter_next(&it) && it.key.mv_size == 24)
        ++*count;
    return store_iter_end(&it, 0);
}

int store_lookup_recent(store *s, MDB_txn *txn, uint64_t uid, int64_t now, unsigned enough, unsigned *count,
                        int64_t *oldest)
{
    *count = 0;
    *oldest = 0;
    unsigned char prefix[8];
    store_key_u64(prefix, uid);
    int64_t since = now - LOOKUP_WINDOW_SECONDS;
    /* Drop the entries out of the window (oldest first) and stop at the first one in it. */
    store_iter it;
    store_iter_begin(&it, s, txn, DB_USER_LOOKUPS, prefix, sizeof prefix);
    int rc = 0, any = 0;
    user_entry first = {0, 0};
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 24)
            break;
        first = entry_of(&it.key, &it.val);
        if (first.t <= since) { /* out of the window: no longer needed */
            if ((rc = store_iter_del(&it)))
                break;
            continue;
        }
        any = 1;
        break;
    }
    if ((rc = store_iter_end(&it, rc)) || !any || enough == 0)
        return rc;
    *oldest = first.t;
    /* Entries carry consecutive ordinals in key order (store_lookup_add): the count is the newest's
     * ordinal less the first's, plus one -- two seeks, whatever the limit. */
    user_entry last;
    int found;
    if ((rc = newest_entry(s, txn, prefix, &last, &found)))
        return rc;
    if (found && first.ordinal && last.ordinal >= first.ordinal) {
        uint64_t n = last.ordinal - first.ordinal + 1;
        *count = n < enough ? (unsigned)n : enough;
        return 0;
    }
    return count_by_walking(s, txn, prefix, enough, count);
}

int store_lookup_add(store *s, MDB_txn *txn, int64_t now, const char *at, uint64_t uid, uint64_t org,
                     const char *doc_type, const char *number_hash, int matched)
{
    uint64_t seq;
    int rc = store_seq_next(s, txn, "lookups", &seq);
    if (rc)
        return rc;
    unsigned char key[24], ordinal[8];
    store_key_u64(key, uid);
    user_entry last = {0, 0};
    int found;
    if ((rc = newest_entry(s, txn, key, &last, &found)))
        return rc;
    /* Key order must stay the order of writing for the ordinals to count: a clock that stepped back
     * files the entry at the newest one's time (it then leaves the window a little later). */
    store_key_u64(key + 8, (uint64_t)(found && last.t > now ? last.t : now));
    store_key_u64(key + 16, seq);
    store_key_u64(ordinal, found && last.ordinal ? last.ordinal + 1 : 1);
    MDB_val k = {24, key}, v = {8, ordinal};
    if ((rc = mdb_put(txn, store_dbi(s, DB_USER_LOOKUPS), &k, &v, 0)))
        return rc;
    json_t *row = json_pack("{s:I,s:s,s:I,s:I,s:s,s:s,s:b}", "seq", (json_int_t)seq, "at", at, "user_id",
                            (json_int_t)uid, "org_id", (json_int_t)org, "document_type", doc_type, "number_hash",
                            number_hash, "matched", matched);
    if (!row)
        return STORE_NOMEM;
    unsigned char rkey[16];
    store_key_u64(rkey, org);
    store_key_u64(rkey + 8, seq);
    rc = store_json_put(s, txn, DB_LOOKUPS, rkey, 16, row);
    json_decref(row);
    return rc;
}

int store_lookup_list(store *s, MDB_txn *txn, uint64_t org, uint64_t before, size_t limit, json_t **items,
                      uint64_t *next, size_t *total)
{
    return store_rows_newest(s, txn, DB_LOOKUPS, org, before, limit, items, next, total);
}

/* Subject access asks "who looked up this person's documents?" for a handful of hashes. The rows
 * are keyed by organisation, not by hash, so this walks every row: one pass per export, which is
 * rare (a council admin's request), and keeps the hot look-up path free of a second index. */
int store_lookup_matching(store *s, MDB_txn *txn, const char *const *hashes, size_t n, json_t **out)
{
    *out = json_array();
    if (!*out)
        return STORE_NOMEM;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_LOOKUPS, NULL, 0);
    int rc = 0;
    while (n > 0 && store_iter_next(&it)) {
        json_error_t err;
        json_t *row = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!row) {
            rc = STORE_CORRUPT;
            break;
        }
        const char *h = json_string_value(json_object_get(row, "number_hash"));
        int hit = 0;
        for (size_t i = 0; h && i < n && !hit; i++)
            hit = strcmp(h, hashes[i]) == 0;
        if (hit && json_array_append(*out, row))
            rc = STORE_NOMEM;
        json_decref(row);
        if (rc)
            break;
    }
    rc = store_iter_end(&it, rc);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
