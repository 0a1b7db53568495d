/* store_org.c - organisations. */
#include "store_org.h"

#include <string.h>

int store_org_create(store *s, MDB_txn *txn, const char *kind, const char *name, const char *code,
                     const char *created_at, uint64_t *id_out)
{
    uint64_t id;
    int rc = store_org_by_code(s, txn, code, &id);
    if (rc == 0)
        return STORE_EXISTS;
    if (rc != MDB_NOTFOUND)
        return rc;
    if ((rc = store_seq_next(s, txn, "orgs", &id)))
        return rc;
    json_t *org = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "kind", kind, "name", name,
                            "code", code, "created_at", created_at);
    if (!org)
        return STORE_NOMEM;
    unsigned char key[8];
    store_key_u64(key, id);
    rc = store_json_put(s, txn, DB_ORGS, key, 8, org);
    json_decref(org);
    if (!rc)
        rc = store_u64_put(s, txn, DB_ORG_CODE, code, strlen(code), id, MDB_NOOVERWRITE);
    if (!rc)
        *id_out = id;
    return rc;
}

int store_org_get(store *s, MDB_txn *txn, uint64_t id, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_json_get(s, txn, DB_ORGS, key, 8, out);
}

int store_org_by_code(store *s, MDB_txn *txn, const char *code, uint64_t *id_out)
{
    return store_u64_get(s, txn, DB_ORG_CODE, code, strlen(code), id_out);
}

int store_org_list(store *s, MDB_txn *txn, json_t **out)
{
    *out = json_array();
    if (!*out)
        return STORE_NOMEM;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, store_dbi(s, DB_ORGS), &cur);
    if (rc)
        goto fail;
    MDB_val k, v;
    json_error_t err;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        json_t *org = json_loadb(v.mv_data, v.mv_size, 0, &err);
        if (!org || json_array_append_new(*out, org)) {
            rc = org ? STORE_NOMEM : STORE_CORRUPT;
            break;
        }
    }
    mdb_cursor_close(cur);
    if (rc == MDB_NOTFOUND)
        return 0;
fail:
    json_decref(*out);
    *out = NULL;
    return rc;
}
