/* store_transfer.c - transfer records and their two indexes (store_transfer.h). */
#include "store_transfer.h"
#include "store_internal.h"
#include "json_get.h"

#include <stdlib.h>
#include <string.h>

#include "store_facts.h"

static int index_put(store *s, MDB_txn *txn, char kind, uint64_t owner, uint64_t id)
{
    return store_owner_index_put(s, txn, DB_TRANSFER_INDEX, kind, owner, id);
}

int store_transfer_create(store *s, MDB_txn *txn, json_t *rec, uint64_t *id)
{
    int rc = store_seq_next(s, txn, "transfer", id);
    if (rc)
        return rc;
    if (json_object_set_new(rec, "id", json_integer((json_int_t)*id)))
        return STORE_NOMEM;
    uint64_t from = json_get_u64(rec, "from_council_id"), to = json_get_u64(rec, "to_council_id"),
             case_id = json_get_u64(rec, "case_id");
    if (!from || !to || !case_id)
        return STORE_CORRUPT;
    unsigned char key[8];
    store_key_u64(key, *id);
    if ((rc = store_json_put(s, txn, DB_TRANSFERS, key, 8, rec)) || (rc = index_put(s, txn, 'o', from, *id)) ||
        (rc = index_put(s, txn, 'o', to, *id)))
        return rc;
    return index_put(s, txn, 'c', case_id, *id);
}

int store_transfer_get(store *s, MDB_txn *txn, uint64_t id, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_json_get(s, txn, DB_TRANSFERS, key, 8, out);
}

int store_transfer_put(store *s, MDB_txn *txn, const json_t *rec)
{
    unsigned char key[8];
    store_key_u64(key, json_get_u64(rec, "id"));
    return store_json_put(s, txn, DB_TRANSFERS, key, 8, rec);
}

int store_transfer_of_org(store *s, MDB_txn *txn, uint64_t org, uint64_t before, size_t limit, uint64_t *ids,
                          size_t *n, uint64_t *next)
{
    return store_owner_index_page(s, txn, DB_TRANSFER_INDEX, 'o', org, before, limit, ids, n, next);
}

int store_transfer_pending(store *s, MDB_txn *txn, uint64_t case_id, uint64_t *id)
{
    *id = 0;
    unsigned char prefix[9];
    prefix[0] = 'c';
    store_key_u64(prefix + 1, case_id);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_TRANSFER_INDEX, prefix, sizeof prefix);
    int rc = 0;
    /* A case has a handful of transfers in its life, newest first: the pending one, if any, is the
     * newest, but reading them all costs nothing and survives any order of answers. */
    while (!*id && store_iter_next(&it)) {
        if (it.key.mv_size != 17) {
            rc = STORE_CORRUPT;
            break;
        }
        uint64_t tid = ~store_u64_from((const unsigned char *)it.key.mv_data + 9);
        json_t *t;
        if ((rc = store_transfer_get(s, txn, tid, &t))) {
            if (rc == MDB_NOTFOUND)
                rc = STORE_CORRUPT;
            break;
        }
        if (json_get_str_is(t, "status", "pending"))
            *id = tid;
        json_decref(t);
    }
    return store_iter_end(&it, rc);
}

int store_transfer_forget_case(store *s, MDB_txn *txn, uint64_t case_id, uint64_t destruction_id, size_t *n)
{
    *n = 0;
    unsigned char prefix[9];
    prefix[0] = 'c';
    store_key_u64(prefix + 1, case_id);
    /* The ids first (the 'c' entries go as they are read: their keys name the case), then the records. */
    uint64_t *ids = NULL;
    size_t cap = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_TRANSFER_INDEX, prefix, sizeof prefix);
    int rc = 0;
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 17) {
            rc = STORE_CORRUPT;
            break;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            uint64_t *more = realloc(ids, cap * sizeof *more);
            if (!more) {
                rc = STORE_NOMEM;
                break;
            }
            ids = more;
        }
        ids[(*n)++] = ~store_u64_from((const unsigned char *)it.key.mv_data + 9);
        if ((rc = store_iter_del(&it)))
            break;
    }
    rc = store_iter_end(&it, rc);
    for (size_t i = 0; i < *n && !rc; i++) {
        json_t *t, *kept = NULL;
        if ((rc = store_transfer_get(s, txn, ids[i], &t))) {
            if (rc == MDB_NOTFOUND)
                rc = STORE_CORRUPT;
            break;
        }
        if (!(rc = store_facts_transfer_anonymise(s, txn, t, destruction_id, (unsigned)i))) {
            /* The 'o' entries stay, so each council still sees that a case came or went, and when. */
            kept = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O?,s:b}", "id", json_object_get(t, "id"), "from_council_id",
                             json_object_get(t, "from_council_id"), "to_council_id",
                             json_object_get(t, "to_council_id"), "status", json_object_get(t, "status"),
                             "requested_at", json_object_get(t, "requested_at"), "answered_at",
                             json_object_get(t, "answered_at"), "case_destroyed", 1);
            rc = kept ? store_transfer_put(s, txn, kept) : STORE_NOMEM;
        }
        json_decref(kept);
        json_decref(t);
    }
    free(ids);
    return rc;
}
