/* h_transfers.c - a case moving to another council: the sending council asks, the receiving council's
 * admin accepts or declines (fcgi/API.md "Transfers"). */
#include "handlers.h"
#include "json_get.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "case_access.h"
#include "case_create.h"
#include "case_update.h"
#include "case_view.h"
#include "json_in.h"
#include "params.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_org.h"
#include "store_transfer.h"
#include "uk_time.h"
#include "work.h"

#define TRANSFER_LIST_MAX 500
#define DECLINE_REASON_MAX 2000

typedef struct {
    http_req *r;
    uint64_t id;        /* the case (request) or the transfer (answers) */
    uint64_t council;   /* request: the receiving council */
    uint64_t caseworker;/* accept: the receiving council's caseworker, 0 unallocated */
    const char *reason; /* decline */
    int accept;
    const char *at;
    int status;
    const char *code, *field, *message;
    json_t *view;
} transfer_ctx;

static int refuse(transfer_ctx *c, int status, const char *code, const char *field, const char *message)
{
    c->status = status, c->code = code, c->field = field, c->message = message;
    return CASE_REFUSED;
}

static json_t *council_ref(store *s, MDB_txn *txn, uint64_t id)
{
    json_t *tmp = json_pack("{s:I}", "council_id", (json_int_t)id);
    json_t *ref = tmp ? case_council_ref(s, txn, tmp) : NULL;
    json_decref(tmp);
    return ref;
}

/* TRANSFER: the record with councils and users named, the case's Connect ID and its principal's name
 * (the receiving admin must know who is moving in before accepting). `org` says the direction. */
static json_t *transfer_view(store *s, MDB_txn *txn, const json_t *t, uint64_t org)
{
    json_t *case_rec = NULL;
    /* A destroyed case's transfer keeps its councils and dates only (store_transfer.h): no Connect ID,
     * no one named. */
    int destroyed = json_is_true(json_object_get(t, "case_destroyed"));
    if (!destroyed && store_case_get(s, txn, json_get_u64(t, "case_id"), &case_rec))
        return NULL;
    const json_t *p = json_object_get(case_rec, "principal");
    /* "O?"/"o?": an absent member (no answer yet, no date of birth) is null, never a failed pack. */
    const json_t *by = json_object_get(t, "answered_by");
    json_t *v = json_pack("{s:O,s:o,s:s,s:o?,s:o?,s:O,s:O,s:o?,s:O?,s:o?,s:O?,s:{s:O?,s:O?,s:O?}}",
                          "id", json_object_get(t, "id"), "connect_id",
                          destroyed ? json_null() : case_connect_id(case_rec), "direction",
                          json_get_u64(t, "to_council_id") == org ? "incoming" : "outgoing", "from",
                          council_ref(s, txn, json_get_u64(t, "from_council_id")), "to",
                          council_ref(s, txn, json_get_u64(t, "to_council_id")), "status",
                          json_object_get(t, "status"), "requested_at", json_object_get(t, "requested_at"),
                          "requested_by", case_user_ref(s, txn, json_object_get(t, "requested_by")),
                          "answered_at", json_object_get(t, "answered_at"), "answered_by",
                          by ? case_user_ref(s, txn, by) : NULL, "decline_reason",
                          json_object_get(t, "decline_reason"), "principal", "given_names",
                          json_object_get(p, "given_names"), "family_name", json_object_get(p, "family_name"),
                          "date_of_birth", json_object_get(p, "date_of_birth"));
    json_decref(case_rec);
    if (v && destroyed && json_object_set_new(v, "principal", json_null())) {
        json_decref(v);
        return NULL;
    }
    return v;
}

/* A history row of the case about the transfer: both councils read the case's history (the sender
 * until it loses the case), so the request, the decline and the move are all there. */
static int history_row(store *s, MDB_txn *txn, transfer_ctx *c, uint64_t case_id, const json_t *t, const char *what)
{
    json_t *row = json_pack("{s:s,s:I,s:s,s:n,s:{s:O,s:s,s:O,s:O}}", "at", c->at, "by", (json_int_t)c->r->uid, "field",
                            "transfer", "old", "new", "transfer_id", json_object_get(t, "id"), "status", what,
                            "from_council_id", json_object_get(t, "from_council_id"), "to_council_id",
                            json_object_get(t, "to_council_id"));
    if (!row)
        return STORE_NOMEM;
    if (c->reason)
        json_object_set_new(json_object_get(row, "new"), "reason", json_string(c->reason));
    int rc = store_case_history_add(s, txn, case_id, row);
    json_decref(row);
    return rc;
}

/* ---- POST /api/cases/{id}/transfer ---- */

static int request_write(store *s, MDB_txn *txn, void *arg)
{
    transfer_ctx *c = arg;
    c->status = 0;
    json_decref(c->view);
    c->view = NULL;
    json_t *case_rec = NULL, *org = NULL, *t = NULL;
    uint64_t pending, id;
    int rc = store_case_get(s, txn, c->id, &case_rec);
    if (!rc && !case_in_scope(c->r, case_rec))
        rc = MDB_NOTFOUND;
    if (rc)
        goto out;
    if (json_get_str_is(case_rec, "status", "closed")) {
        rc = refuse(c, 422, "case_closed", NULL, CASE_CLOSED_MESSAGE);
        goto out;
    }
    if (c->council == c->r->org_id) {
        rc = refuse(c, 422, "validation_failed", "council", "The case is with this council already.");
        goto out;
    }
    rc = store_org_get(s, txn, c->council, &org);
    if (rc == MDB_NOTFOUND || (!rc && !json_get_str_is(org, "kind", "council"))) {
        rc = refuse(c, 422, "validation_failed", "council", "No such council.");
        goto out;
    }
    if (rc || (rc = store_transfer_pending(s, txn, c->id, &pending)))
        goto out;
    if (pending) {
        rc = refuse(c, 409, "conflict", NULL, "The case has a transfer waiting for an answer already.");
        goto out;
    }
    if (!(t = json_pack("{s:I,s:I,s:I,s:s,s:s,s:I}", "case_id", (json_int_t)c->id, "from_council_id",
                        (json_int_t)json_get_u64(case_rec, "council_id"), "to_council_id", (json_int_t)c->council,
                        "status", "pending", "requested_at", c->at, "requested_by", (json_int_t)c->r->uid))) {
        rc = STORE_NOMEM;
        goto out;
    }
    if ((rc = store_transfer_create(s, txn, t, &id)) || (rc = history_row(s, txn, c, c->id, t, "requested")) ||
        (rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "case_transfer_requested", c->id)))
        goto out;
    if (!(c->view = transfer_view(s, txn, t, c->r->org_id)))
        rc = STORE_NOMEM;
out:
    json_decref(case_rec);
    json_decref(org);
    json_decref(t);
    return rc;
}

static void answer(http_req *r, transfer_ctx *c, int rc, const char *kind, uint64_t id, int ok)
{
    if (rc == CASE_REFUSED && c->status == 403)
        access_forbidden(r, c->message, NULL);
    else if (rc == CASE_REFUSED)
        http_error(r, c->status, c->code, c->message, c->field);
    else if (rc == MDB_NOTFOUND)
        access_not_found(r, kind, id, kind[0] == 'c' ? "No such case." : "No such transfer.", NULL);
    else if (rc)
        http_store_error(r, rc);
    else {
        http_reply(r, ok, c->view);
        c->view = NULL;
    }
    json_decref(c->view);
}

typedef struct {
    uint64_t council, caseworker;
    const char *reason;
} transfer_body;

void h_case_transfer(http_req *r, const uint64_t *ids)
{
    if (strcmp(r->org_kind, "council") != 0) {
        access_forbidden(r, "Only the case's council asks to transfer it.", NULL);
        return;
    }
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const param_field fields[] = {
        {.name = "council", .type = PARAM_ID, .required = 1, .offset = offsetof(transfer_body, council)},
    };
    transfer_body b = {0};
    if (params_json(r, body, NULL, fields, PARAMS_COUNT(fields), &b)) {
        json_decref(body);
        return;
    }
    json_decref(body);
    char at[21];
    http_iso_time(r->now, at);
    transfer_ctx c = {.r = r, .id = ids[0], .council = b.council, .at = at};
    answer(r, &c, store_write(r->st, request_write, &c), "case", ids[0], 201);
}

/* ---- GET /api/transfers ---- */

void h_transfers_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (strcmp(r->org_kind, "council") != 0) {
        access_forbidden(r, "Transfers are between councils.", NULL);
        return;
    }
    typedef struct {
        param_int limit;
        uint64_t cursor;
    } list_q;
    static const param_field fields[] = {PARAM_LIMIT_FIELD(list_q, limit), PARAM_CURSOR_FIELD(list_q, cursor)};
    list_q q = {0};
    if (params_query(r, fields, PARAMS_COUNT(fields), &q))
        return;
    uint64_t found[TRANSFER_LIST_MAX], next = 0;
    size_t n = 0;
    MDB_txn *txn;
    int rc = store_read_begin(r->st, &txn);
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    json_t *items = json_array();
    if (!items)
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_transfer_of_org(r->st, txn, r->org_id, q.cursor, (size_t)q.limit.value, found, &n, &next);
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *t;
        if ((rc = store_transfer_get(r->st, txn, found[i], &t)))
            break;
        /* Incoming transfers are the receiving council's admin's to answer: a council user sees only
         * the council's own requests. */
        if (json_get_u64(t, "to_council_id") == r->org_id && !r->is_admin) {
            json_decref(t);
            continue;
        }
        json_t *v = transfer_view(r->st, txn, t, r->org_id);
        json_decref(t);
        if (!v || json_array_append_new(items, v))
            rc = STORE_NOMEM;
    }
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(items);
        http_store_error(r, rc);
        return;
    }
    json_t *out = json_pack("{s:o,s:o}", "items", items, "next_cursor",
                            next ? json_sprintf("%llu", (unsigned long long)next) : json_null());
    http_reply(r, 200, out);
}

/* ---- POST /api/transfers/{id}/accept|decline ---- */

/* Moves every alert and query of the case to the receiving council: their council scope, lists and
 * counters (store_work_put re-indexes from the old item to the new one). Called after store_case_put,
 * which has already moved the items' "my cases" counters to the new caseworker (still under the
 * sending council), so `worker` is the new caseworker on both sides of the move. */
static int move_items(store *s, MDB_txn *txn, uint64_t case_id, uint64_t to, uint64_t worker)
{
    static const char kinds[2] = {WORK_ALERT, WORK_QUERY};
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        json_t *items;
        if ((rc = store_work_of_case(s, txn, case_id, kinds[i], &items)))
            return rc;
        size_t j;
        json_t *item;
        json_array_foreach(items, j, item) {
            json_t *neu = json_deep_copy(item);
            if (!neu || json_object_set_new(neu, "council_id", json_integer((json_int_t)to)))
                rc = STORE_NOMEM;
            if (!rc)
                rc = store_work_put(s, txn, kinds[i], item, neu, worker);
            json_decref(neu);
            if (rc)
                break;
        }
        json_decref(items);
    }
    return rc;
}

static int answer_write(store *s, MDB_txn *txn, void *arg)
{
    transfer_ctx *c = arg;
    c->status = 0;
    json_decref(c->view);
    c->view = NULL;
    json_t *t = NULL, *neu = NULL, *case_rec = NULL, *rec = NULL;
    int rc = store_transfer_get(s, txn, c->id, &t);
    if (rc)
        goto out;
    /* Only the two councils of a transfer know it exists. */
    uint64_t from = json_get_u64(t, "from_council_id"), to = json_get_u64(t, "to_council_id");
    if (c->r->org_id != to && c->r->org_id != from) {
        rc = MDB_NOTFOUND;
        goto out;
    }
    if (c->r->org_id != to) {
        rc = refuse(c, 403, "forbidden", NULL, "The receiving council answers a transfer.");
        goto out;
    }
    if (!json_get_str_is(t, "status", "pending")) {
        rc = refuse(c, 409, "conflict", NULL, "This transfer has been answered already.");
        goto out;
    }
    uint64_t case_id = json_get_u64(t, "case_id");
    if ((rc = store_case_get(s, txn, case_id, &case_rec)))
        goto out;
    if (c->accept && json_get_str_is(case_rec, "status", "closed")) {
        rc = refuse(c, 422, "case_closed", NULL, "The sending council has closed the case since it asked.");
        goto out;
    }
    if (c->accept && c->caseworker) {
        int ok = 0;
        if ((rc = case_caseworker_ok(s, txn, c->caseworker, to, &ok)))
            goto out;
        if (!ok) {
            rc = refuse(c, 422, "validation_failed", "caseworker_id", "The caseworker must be a user of this council.");
            goto out;
        }
    }
    if (!(neu = json_deep_copy(t)) || json_object_set_new(neu, "status", json_string(c->accept ? "accepted" : "declined")) ||
        json_object_set_new(neu, "answered_at", json_string(c->at)) ||
        json_object_set_new(neu, "answered_by", json_integer((json_int_t)c->r->uid)) ||
        (c->reason && json_object_set_new(neu, "decline_reason", json_string(c->reason))) ||
        (c->caseworker && json_object_set_new(neu, "caseworker_id", json_integer((json_int_t)c->caseworker))) ||
        /* The sender's reports keep its past figures: the case's facts as they stand now, kept with the
         * transfer so that the frozen row under the sender is derived from a record (store_facts.h). */
        (c->accept && json_object_set_new(neu, "facts_at_transfer", store_facts_snapshot(case_rec)))) {
        rc = STORE_NOMEM;
        goto out;
    }
    if ((rc = store_transfer_put(s, txn, neu)) || (c->accept && (rc = store_facts_transfer_put(s, txn, neu))) ||
        (rc = history_row(s, txn, c, case_id, neu, c->accept ? "accepted" : "declined")))
        goto out;
    if (c->accept) {
        /* The move, in this one transaction: the record's council (store_case_put removes every index
         * entry and counter of the old record and adds the new one's, the facts row included), a
         * caseworker and team of the receiving council, then the case's alerts and queries. */
        if (!(rec = json_deep_copy(case_rec)) || json_object_set_new(rec, "council_id", json_integer((json_int_t)to)) ||
            json_object_set_new(rec, "updated_at", json_string(c->at)) ||
            json_object_set_new(rec, "updated_by", json_integer((json_int_t)c->r->uid))) {
            rc = STORE_NOMEM;
            goto out;
        }
        json_object_del(rec, "caseworker_id");
        json_object_del(rec, "team"); /* the sending council's team means nothing to the receiving one */
        if (c->caseworker && json_object_set_new(rec, "caseworker_id", json_integer((json_int_t)c->caseworker))) {
            rc = STORE_NOMEM;
            goto out;
        }
        /* The day the receiver's reports count the case from (its row's transfer_in). Not a field of the
         * API's case and not a change anyone made, so it is set after the history diff. */
        char day[11];
        if ((rc = store_case_history_diff(s, txn, case_id, case_rec, rec, c->at, c->r->uid)))
            goto out;
        if (uk_date_of_iso(c->at, day)) {
            rc = STORE_CORRUPT; /* c->at is the request's own clock reading */
            goto out;
        }
        if (json_object_set_new(rec, "transferred_in_on", json_string(day))) {
            rc = STORE_NOMEM;
            goto out;
        }
        if ((rc = store_case_put(s, txn, case_rec, rec)) || (rc = move_items(s, txn, case_id, to, c->caseworker)))
            goto out;
        /* The HO is told with a council update alert naming the council: the case it checked is now
         * another council's, and it answers for it to that council (5 working days, like any council
         * update). */
        work_ctx w;
        work_ctx_init(&w, c->r, s, txn, c->at);
        rc = work_raise(&w, rec, "council_update", json_pack("[s]", "council"), NULL, NULL, 5);
        work_ctx_done(&w);
        if (rc)
            goto out;
    }
    if ((rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id,
                              c->accept ? "case_transfer_accepted" : "case_transfer_declined", case_id)))
        goto out;
    if (!(c->view = transfer_view(s, txn, neu, c->r->org_id)))
        rc = STORE_NOMEM;
out:
    json_decref(t);
    json_decref(neu);
    json_decref(case_rec);
    json_decref(rec);
    return rc;
}

static void run_answer(http_req *r, const uint64_t *ids, int accept)
{
    if (strcmp(r->org_kind, "council") != 0 || !r->is_admin) {
        access_forbidden(r, "A council admin answers a transfer to their council.", NULL);
        return;
    }
    transfer_body b = {0};
    json_t *body = NULL;
    if (accept) {
        if (http_read_body(r))
            return;
        if (r->body_len) {
            static const param_field fields[] = {
                {.name = "caseworker_id", .type = PARAM_ID, .offset = offsetof(transfer_body, caseworker)},
            };
            if (!(body = json_in_body_object(r)) || params_json(r, body, NULL, fields, PARAMS_COUNT(fields), &b)) {
                json_decref(body);
                return;
            }
        }
    } else {
        static const param_field fields[] = {
            {.name = "reason", .type = PARAM_TEXT, .required = 1, .max_chars = DECLINE_REASON_MAX,
             .offset = offsetof(transfer_body, reason)},
        };
        if (!(body = json_in_body_object(r)) || params_json(r, body, NULL, fields, PARAMS_COUNT(fields), &b)) {
            json_decref(body);
            return;
        }
    }
    char at[21];
    http_iso_time(r->now, at);
    transfer_ctx c = {.r = r, .id = ids[0], .caseworker = b.caseworker, .reason = b.reason, .accept = accept, .at = at};
    answer(r, &c, store_write(r->st, answer_write, &c), "transfer", ids[0], 200);
    json_decref(body);
}

void h_transfer_accept(http_req *r, const uint64_t *ids) { run_answer(r, ids, 1); }

void h_transfer_decline(http_req *r, const uint64_t *ids) { run_answer(r, ids, 0); }
