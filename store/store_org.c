/* store_org.c - organisations. */
#include "store_org.h"
#include "store_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_get.h"

const char *const store_org_nations[] = {"england", "scotland", "wales", "northern_ireland", NULL};
const char *const store_org_regions[] = {"north_east", "north_west", "yorkshire_and_the_humber", "east_midlands",
                                         "west_midlands", "east_of_england", "london", "south_east", "south_west",
                                         "scotland", "wales", "northern_ireland", NULL};
#define ENGLISH_REGIONS 9

const char *store_org_region_nation(const char *region)
{
    for (int i = 0; region && store_org_regions[i]; i++)
        if (strcmp(region, store_org_regions[i]) == 0)
            return i < ENGLISH_REGIONS ? "england" : store_org_regions[i];
    return NULL;
}

int store_org_place_resolve(const char *nation_in, const char *region_in, const char **nation, const char **region)
{
    *nation = *region = NULL;
    int known = 0;
    for (int i = 0; nation_in && store_org_nations[i]; i++)
        if (strcmp(nation_in, store_org_nations[i]) == 0)
            *nation = store_org_nations[i], known = 1;
    if (nation_in && !known)
        return STORE_ORG_BAD_NATION;
    if (region_in) {
        const char *of = store_org_region_nation(region_in);
        if (!of)
            return STORE_ORG_BAD_REGION;
        if (*nation && strcmp(*nation, of) != 0)
            return STORE_ORG_MISMATCH;
        for (int i = 0; store_org_regions[i]; i++)
            if (strcmp(region_in, store_org_regions[i]) == 0)
                *region = store_org_regions[i];
        *nation = of;
        return 0;
    }
    if (!*nation)
        return STORE_ORG_BAD_NATION;
    if (strcmp(*nation, "england") != 0)
        *region = *nation;
    return 0;
}

calendar_division store_org_division(const json_t *org)
{
    const char *nation = json_get_str_or(org, "nation", "england");
    if (strcmp(nation, "scotland") == 0)
        return CALENDAR_SCOTLAND;
    if (strcmp(nation, "northern_ireland") == 0)
        return CALENDAR_NORTHERN_IRELAND;
    return CALENDAR_ENGLAND_AND_WALES;
}

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
    if (!org || (strcmp(kind, "council") == 0 && json_object_set_new(org, "nation", json_string("england")))) {
        json_decref(org);
        return STORE_NOMEM;
    }
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

int store_org_nino_partner(store *s, MDB_txn *txn, uint64_t *id)
{
    *id = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_ORGS, NULL, 0);
    int rc = 0;
    while (!*id && store_iter_next(&it)) {
        json_t *org = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
        if (!org) {
            rc = STORE_CORRUPT;
            break;
        }
        if (json_is_true(json_object_get(org, "nino_partner")))
            *id = json_get_u64(org, "id");
        json_decref(org);
    }
    return store_iter_end(&it, rc);
}

int store_org_set_nino_partner(store *s, MDB_txn *txn, uint64_t id, int on, json_t **out)
{
    if (out)
        *out = NULL;
    json_t *org;
    uint64_t holder = 0;
    int rc = store_org_get(s, txn, id, &org);
    if (rc)
        return rc;
    if (!json_get_str_is(org, "kind", "partner"))
        rc = EINVAL;
    else if (on && !(rc = store_org_nino_partner(s, txn, &holder)) && holder && holder != id)
        rc = STORE_EXISTS; /* one NINo partner: the batches go to one organisation */
    else if (!rc && json_object_set_new(org, "nino_partner", json_boolean(on)))
        rc = STORE_NOMEM;
    unsigned char key[8];
    store_key_u64(key, id);
    if (!rc)
        rc = store_json_put(s, txn, DB_ORGS, key, 8, org);
    if (!rc && out)
        *out = org;
    else
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

int store_org_set_place(store *s, MDB_txn *txn, uint64_t id, const char *nation, const char *region, json_t **out)
{
    json_t *org;
    int rc = store_org_get(s, txn, id, &org);
    if (rc)
        return rc;
    if (!json_get_str_is(org, "kind", "council"))
        rc = STORE_EXISTS;
    else if (json_object_set_new(org, "nation", json_string(nation)) ||
             (region && json_object_set_new(org, "region", json_string(region))))
        rc = STORE_NOMEM;
    else if (!region)
        json_object_del(org, "region"); /* fails only when there was none */
    if (!rc) {
        unsigned char key[8];
        store_key_u64(key, id);
        rc = store_json_put(s, txn, DB_ORGS, key, 8, org);
    }
    if (!rc && out)
        *out = org;
    else
        json_decref(org);
    return rc;
}

/* Calls fn with every council record (freed after the call). fn must not write to DB_ORGS. */
typedef int (*council_fn)(const json_t *org, void *ctx);

static int councils_each(store *s, MDB_txn *txn, council_fn fn, void *ctx)
{
    store_iter it;
    int rc = 0;
    json_error_t err;
    store_iter_begin(&it, s, txn, DB_ORGS, NULL, 0);
    while (!rc && store_iter_next(&it)) {
        json_t *org = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!org) {
            rc = STORE_CORRUPT;
            break;
        }
        if (json_get_str_is(org, "kind", "council"))
            rc = fn(org, ctx);
        json_decref(org);
    }
    return store_iter_end(&it, rc);
}

/* The councils without a nation, collected first: a write to DB_ORGS would invalidate the walk. */
typedef struct {
    uint64_t *ids;
    size_t n, cap;
} id_list;

static int collect_without_nation(const json_t *org, void *ctx)
{
    id_list *l = ctx;
    if (json_object_get(org, "nation"))
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        uint64_t *g = realloc(l->ids, cap * sizeof *g);
        if (!g)
            return STORE_NOMEM;
        l->ids = g;
        l->cap = cap;
    }
    l->ids[l->n++] = json_get_u64(org, "id");
    return 0;
}

int store_org_nation_migrate(store *s, MDB_txn *txn)
{
    id_list l = {0};
    int rc = councils_each(s, txn, collect_without_nation, &l);
    for (size_t i = 0; !rc && i < l.n; i++)
        rc = store_org_set_place(s, txn, l.ids[i], "england", NULL, NULL);
    free(l.ids);
    return rc;
}

typedef struct {
    FILE *report;
    size_t count;
} region_check;

static int report_unset_region(const json_t *org, void *ctx)
{
    region_check *c = ctx;
    if (json_get_str(org, "region"))
        return 0;
    c->count++;
    if (c->report)
        fprintf(c->report, "council %s (%s) has no region: set it with connectctl org set %s --nation N --region R\n",
                json_get_str_or(org, "code", "?"), json_get_str_or(org, "name", "?"), json_get_str_or(org, "code", "?"));
    return 0;
}

int store_org_check_regions(store *s, MDB_txn *txn, FILE *report, size_t *count)
{
    region_check c = {report, 0};
    int rc = councils_each(s, txn, report_unset_region, &c);
    *count = c.count;
    return rc;
}
