/* case_access.c - the role and organisation checks in front of every case read and change. */
#include "case_access.h"

#include <string.h>

#include "access_refusal.h"
#include "store_case.h"

int case_access_refused(http_req *r, case_access a)
{
    if (strcmp(r->org_kind, "council") == 0)
        return 0;
    if (strcmp(r->org_kind, "home_office") == 0 && (a == CASE_READ || a == CASE_IMMIGRATION))
        return 0;
    if (strcmp(r->org_kind, "network") == 0)
        access_forbidden(r, "The Network sees no case data.", NULL);
    else if (strcmp(r->org_kind, "partner") == 0)
        access_forbidden(r, "Partner departments see only what is disclosed to them.", NULL);
    else
        access_forbidden(r, "The Home Office may not change this part of a case.", NULL);
    return -1;
}

int case_in_scope(const http_req *r, const json_t *rec)
{
    if (strcmp(r->org_kind, "home_office") == 0)
        return 1;
    return strcmp(r->org_kind, "council") == 0 &&
           (uint64_t)json_integer_value(json_object_get(rec, "council_id")) == r->org_id;
}

uint64_t case_scope_council(const http_req *r)
{
    if (strcmp(r->org_kind, "home_office") == 0)
        return 0;
    return strcmp(r->org_kind, "council") == 0 ? r->org_id : UINT64_MAX;
}

int case_read_begin(http_req *r, uint64_t id, MDB_txn **txn, json_t **rec)
{
    *rec = NULL;
    if (http_read_begin(r, txn))
        return -1;
    int rc = store_case_get(r->st, *txn, id, rec);
    if (rc == 0 && !case_in_scope(r, *rec))
        rc = MDB_NOTFOUND;
    if (rc == 0)
        return 0;
    store_read_end(r->st, *txn);
    json_decref(*rec);
    *rec = NULL;
    if (rc == MDB_NOTFOUND)
        access_not_found(r, "case", id, "No such case.", NULL);
    else
        http_store_error(r, rc);
    return -1;
}
