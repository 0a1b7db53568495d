/* store_org.c - organisations. */
#include "store_org.h"
#include "store_internal.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

int store_org_code_normalise(char *code)
{
    size_t n = strlen(code);
    if (n < 2 || n > 16)
        return 0;
    for (size_t i = 0; i < n; i++) {
        code[i] = (char)toupper((unsigned char)code[i]);
        if (!isupper((unsigned char)code[i]) && !isdigit((unsigned char)code[i]))
            return 0;
    }
    return 1;
}

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

int store_org_set_nino_partner(store *s, MDB_txn *txn, uint64_t id)
{
    json_t *org;
    int rc = store_org_get(s, txn, id, &org);
    if (rc)
        return rc;
    if (strcmp(json_string_value(json_object_get(org, "kind")) ? json_string_value(json_object_get(org, "kind")) : "",
               "partner") != 0)
        rc = EINVAL;
    else if (json_object_set_new(org, "nino_partner", json_true()))
        rc = STORE_NOMEM;
    unsigned char key[8];
    store_key_u64(key, id);
    if (!rc)
        rc = store_json_put(s, txn, DB_ORGS, key, 8, org);
    json_decref(org);
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

int store_org_list(store *s, MDB_txn *txn, uint64_t after, size_t limit, json_t **out, uint64_t *next,
                   size_t *total)
{
    *next = 0;
    *total = 0;
    *out = json_array();
    if (!*out)
        return STORE_NOMEM;
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, DB_ORGS), &st);
    if (rc)
        goto fail;
    *total = st.ms_entries;
    unsigned char start[8];
    store_key_u64(start, after + 1);
    json_error_t err;
    uint64_t last = 0;
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_ORGS, NULL, 0, start, sizeof start);
    while (store_iter_next(&it)) {
        if (json_array_size(*out) == limit) {
            *next = last;
            break;
        }
        json_t *org = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!org || json_array_append_new(*out, org)) {
            rc = org ? STORE_NOMEM : STORE_CORRUPT;
            break;
        }
        last = store_u64_from(it.key.mv_data);
    }
    if (!(rc = store_iter_end(&it, rc)))
        return 0;
fail:
    json_decref(*out);
    *out = NULL;
    return rc;
}
