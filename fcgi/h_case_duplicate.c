/* h_case_duplicate.c - duplicates: a council marks a case as a duplicate of another of its cases
 * (POST /api/cases/{id}/duplicate-of), the Network lists the marked ones (GET /api/cases?duplicate=1)
 * and removes them (DELETE /api/cases/{id}). fcgi/API.md "Duplicates". */
#include "handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "case_access.h"
#include "case_input.h"
#include "case_update.h"
#include "json_get.h"
#include "json_in.h"
#include "params.h"
#include "store_case.h"
#include "store_retention.h"

/* ---- marking ---- */

typedef struct {
    uint64_t case_id;
} mark_body;

static const param_field mark_fields[] = {
    {.name = "case_id", .type = PARAM_ID, .required = 1, .offset = offsetof(mark_body, case_id),
     .message = "Choose the case this one duplicates by its id."},
};

/* The marked case closes (reason `duplicate`) and points at its survivor; work_case_changed then
 * moves its open alerts and queries to the survivor in the same transaction. A case already closed
 * (marked or not) never reaches here: case_update answers 422 case_closed for it. */
static int apply_mark(case_update *u, json_t *rec)
{
    uint64_t survivor_id = *(const uint64_t *)u->arg;
    if (survivor_id == u->id)
        return case_refuse(u, 422, "validation_failed", "case_id", "A case cannot be a duplicate of itself.");
    json_t *survivor;
    int rc = store_case_get(u->s, u->txn, survivor_id, &survivor);
    if (rc == MDB_NOTFOUND ||
        (!rc && json_get_u64(survivor, "council_id") != json_get_u64(rec, "council_id"))) {
        json_decref(survivor);
        /* Another council's case answers as one that does not exist (access_refusal.h). */
        return case_refuse_missing(u, "case", survivor_id, "No such case.");
    }
    if (rc)
        return rc;
    /* The survivor receives open work: it must be open itself, or the work would land on a frozen
     * case (a closed survivor is reopened first; a marked one is closed, so its own survivor is the
     * one to name). */
    int closed = json_get_str_is(survivor, "status", "closed");
    uint64_t its_survivor = json_get_u64(survivor, "duplicate_of");
    json_decref(survivor);
    if (its_survivor) {
        char m[160];
        snprintf(m, sizeof m, "C%" PRIu64 " is itself a duplicate of C%" PRIu64 "; name C%" PRIu64 " instead.",
                 survivor_id, its_survivor, its_survivor);
        return case_refuse(u, 422, "validation_failed", "case_id", m);
    }
    if (closed)
        return case_refuse(u, 422, "validation_failed", "case_id",
                           "That case is closed; reopen it first, so that it can take this case's open work.");
    char today[11];
    case_today(u->r, today);
    json_t *closure = json_pack("{s:s,s:s,s:s,s:I}", "closure_date", today, "reason", "duplicate", "closed_at", u->at,
                                "closed_by", (json_int_t)u->r->uid);
    if (!closure)
        return STORE_NOMEM;
    /* As closing does: a supported case's closure date is its last day of support, set here so
     * that reopening clears only what closing filled in. */
    json_t *fin = json_object_get(rec, "finance");
    if (json_is_object(fin) && json_get_str(fin, "support_start_date") && !json_get_str(fin, "support_end_date")) {
        json_object_set_new(fin, "support_end_date", json_string(today));
        json_object_set_new(closure, "set_support_end", json_true());
    }
    if (json_object_set_new(rec, "closure", closure) || json_object_set_new(rec, "status", json_string("closed")) ||
        json_object_set_new(rec, "duplicate_of", json_integer((json_int_t)survivor_id)) ||
        json_object_set_new(rec, "duplicate_marked_at", json_string(u->at)) ||
        json_object_set_new(rec, "duplicate_marked_by", json_integer((json_int_t)u->r->uid)))
        return STORE_NOMEM;
    return 0;
}

void h_case_duplicate_of(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    mark_body in;
    if (params_json(r, body, NULL, mark_fields, PARAMS_COUNT(mark_fields), &in) == 0) {
        case_update u = {.r = r, .id = ids[0], .apply = apply_mark, .arg = &in.case_id, .action = "case_marked_duplicate"};
        case_update_run(&u);
    }
    json_decref(body);
}

/* ---- the Network's list and removal ---- */

static int require_network_admin(http_req *r)
{
    if (r->is_admin && strcmp(r->org_kind, "network") == 0)
        return 0;
    access_forbidden(r, "Only the Network's administrator removes duplicate cases.", NULL);
    return -1;
}

typedef struct {
    int duplicate;
    param_int limit;
    uint64_t cursor;
} dup_list_params;

static const param_field dup_list_fields[] = {
    {.name = "duplicate", .type = PARAM_BOOL, .offset = offsetof(dup_list_params, duplicate)},
    PARAM_LIMIT_FIELD(dup_list_params, limit),
    PARAM_CURSOR_FIELD(dup_list_params, cursor),
};

void h_cases_duplicates(http_req *r)
{
    dup_list_params in;
    if (params_query(r, dup_list_fields, PARAMS_COUNT(dup_list_fields), &in))
        return;
    /* The Network sees no case data: only the marked duplicates' ids, councils and links. */
    if (!in.duplicate || require_network_admin(r)) {
        if (!in.duplicate)
            access_forbidden(r, "The Network sees no case data.", NULL);
        return;
    }
    size_t limit = (size_t)in.limit.value, n = 0, total = 0;
    uint64_t next = 0, *found = calloc(limit, sizeof *found);
    json_t *items = json_array();
    MDB_txn *txn;
    if (!found || !items) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        goto out;
    }
    if (http_read_begin(r, &txn))
        goto out;
    int rc = store_case_duplicates(r->st, txn, in.cursor, limit, found, &n, &total, &next);
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *rec;
        if ((rc = store_case_get(r->st, txn, found[i], &rec)))
            break;
        char cid[24];
        snprintf(cid, sizeof cid, "C%" PRIu64, found[i]);
        json_t *row = json_pack("{s:I,s:s,s:I,s:I,s:O}", "id", (json_int_t)found[i], "connect_id", cid, "council",
                                (json_int_t)json_get_u64(rec, "council_id"), "duplicate_of",
                                (json_int_t)json_get_u64(rec, "duplicate_of"), "marked_at",
                                json_object_get(rec, "duplicate_marked_at"));
        json_decref(rec);
        if (!row || json_array_append_new(items, row))
            rc = STORE_NOMEM; /* never drop a row silently */
    }
    store_read_end(r->st, txn);
    if (rc) {
        http_store_error(r, rc);
        goto out;
    }
    http_reply(r, 200, h_list_page(json_incref(items), next, total));
out:
    json_decref(items);
    free(found);
}

typedef struct {
    uint64_t id;
    const char *today, *at;
    uint64_t actor;
    json_t *record;
} remove_ctx;

static int remove_write(store *s, MDB_txn *txn, void *arg)
{
    remove_ctx *c = arg;
    json_decref(c->record);
    c->record = NULL;
    return store_case_destroy_duplicate(s, txn, c->id, c->today, c->at, c->actor, &c->record);
}

void h_case_delete(http_req *r, const uint64_t *ids)
{
    if (require_network_admin(r))
        return;
    char today[11], at[21];
    case_today(r, today);
    http_iso_time(r->now, at);
    remove_ctx c = {.id = ids[0], .today = today, .at = at, .actor = r->uid};
    int rc = store_write(r->st, remove_write, &c);
    if (rc == STORE_NOT_DUPLICATE)
        http_error(r, 422, "not_a_duplicate",
                   "Only a case its council has marked as a duplicate can be removed; other cases are destroyed "
                   "by the retention policy.",
                   NULL);
    else if (rc == STORE_NOT_DUE)
        http_error(r, 422, "legal_hold", "The case is under a legal hold, so it is kept.", NULL);
    else if (rc == MDB_NOTFOUND)
        access_not_found(r, "case", ids[0], "No such case.", NULL);
    else if (rc)
        http_store_error(r, rc);
    else {
        http_reply(r, 200, c.record);
        c.record = NULL;
    }
    json_decref(c.record);
}
