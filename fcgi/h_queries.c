/* h_queries.c - queries: message chains between a council and the HO about a case. */
#include "handlers.h"
#include "json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_access.h"
#include "case_update.h"
#include "json_in.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_nino.h"
#include "uk_time.h"
#include "work.h"
#include "work_list.h"

#define QUERY_SLA_DAYS 10
#define QUERY_URGENT_DAYS 1
#define STATUS_CHECK_DAYS 5 /* the SLA's new case row */
#define QUERY_MESSAGES_MAX 500
#define PROGRESS_UPDATE_GAP_DAYS 28

static const char *const categories[] = {"status_discrepancy",   "progress_update", "expedite_request",
                                         "fee_waiver",           "change_of_conditions",
                                         "transfer_to_asylum_support", "unable_to_make_application",
                                         "other",                NULL};
static const char *const urgent_reasons[] = {"legal_proceedings", "safeguarding", "reconsideration", NULL};


void h_queries_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    work_list_run(r, WORK_QUERY);
}

void h_case_queries(http_req *r, const uint64_t *ids) { work_case_items(r, ids[0], WORK_QUERY); }

/* One write on a query or a new one; the callback fills view or a refusal. */
typedef struct {
    http_req *r;
    uint64_t case_id, query_id;
    const char *at;
    const char *category, *message, *urgent_reason;
    int urgent;
    int op; /* 0 open, 1 message, 2 close */
    int status;
    const char *code, *field;
    char text[200];
    char first_allowed[11];
    json_t *view;
} query_ctx;

static int refuse(query_ctx *c, int status, const char *code, const char *field, const char *text)
{
    c->status = status;
    c->code = code;
    c->field = field;
    snprintf(c->text, sizeof c->text, "%s", text);
    return CASE_REFUSED;
}

/* The 4-week rule: a council's progress-update query waits 28 days after its last one on the case. */
static int progress_update_rule(query_ctx *c, work_ctx *w)
{
    json_t *items;
    int rc = store_work_of_case(w->s, w->txn, c->case_id, WORK_QUERY, &items);
    if (rc)
        return rc;
    char cutoff[11];
    uk_date_minus_days(w->now, PROGRESS_UPDATE_GAP_DAYS, cutoff);
    const char *latest = NULL;
    size_t i;
    json_t *q;
    json_array_foreach(items, i, q) {
        const char *on = json_get_str(q, "opened_on");
        if (json_get_str_is(q, "category", "progress_update") &&
            json_get_str_is(q, "opened_by", "council") && on && strcmp(on, cutoff) > 0 &&
            (!latest || strcmp(on, latest) > 0))
            latest = on;
    }
    if (latest) {
        calendar_date(calendar_day(latest) + PROGRESS_UPDATE_GAP_DAYS, c->first_allowed);
        char msg[200];
        snprintf(msg, sizeof msg,
                 "A progress update was asked for on this case less than 4 weeks ago; the next may be sent on %s.",
                 c->first_allowed);
        rc = refuse(c, 422, "too_soon", "category", msg);
    }
    json_decref(items);
    return rc;
}

static json_t *message(work_ctx *w, json_int_t id, const char *text)
{
    return json_pack("{s:I,s:s,s:I,s:s,s:s}", "id", id, "at", w->at, "by", (json_int_t)w->uid, "side",
                     work_side_name(w->side), "text", text);
}

/* Makes the query await the other side of `w`, due 10 working days (urgent, awaiting the HO: 1)
 * from today, unless it awaits that side already (a follow-up keeps the earlier date). The SLA's new
 * case row gives the HO 5 working days for the status check, and a query the HO opened instead of
 * that check (marked "status_check") is the same clock: the council's answer to it, while the case
 * still has no status check, gives the HO those 5 days, not an ordinary query's 10. */
static int await_other_side(work_ctx *w, json_t *q, const json_t *case_rec)
{
    const char *other = work_side_name(w->side == WORK_SIDE_HO ? WORK_SIDE_COUNCIL : WORK_SIDE_HO);
    if (json_get_str_is(q, "awaiting", other) && json_object_get(q, "due"))
        return 0;
    json_object_set_new(q, "awaiting", json_string(other));
    int days = json_is_true(json_object_get(q, "urgent")) && w->side == WORK_SIDE_COUNCIL ? QUERY_URGENT_DAYS
                                                                                            : QUERY_SLA_DAYS;
    if (w->side == WORK_SIDE_COUNCIL && days == QUERY_SLA_DAYS && json_is_true(json_object_get(q, "status_check")) &&
        !json_object_get(case_rec, "ho_checked_at"))
        days = STATUS_CHECK_DAYS;
    return work_set_due(w->s, w->txn, q, w->today, days);
}

/* The Home Office's answer to an unconfirmed NINo result (nino member: batch, person, grant date):
 * the query closes and the person goes into the next batch with the answer as its information. */
static int nino_answered(work_ctx *w, json_t *q, const char *answer)
{
    const json_t *n = json_object_get(q, "nino");
    int rc = store_nino_enqueue(w->s, w->txn, json_get_u64(q, "case_id"), json_get_u64(n, "person"),
                                json_get_str_or(n, "grant_date", w->today), w->at, w->now, answer,
                                json_get_u64(q, "id"));
    if (rc)
        return rc;
    json_object_del(q, "awaiting");
    if (json_object_set_new(q, "status", json_string("closed")) || json_object_set_new(q, "closed_at", json_string(w->at)) ||
        json_object_set_new(q, "closed_by", json_integer((json_int_t)w->uid)) ||
        json_object_set_new(q, "closed_how", json_string("nino_requeued")))
        return STORE_NOMEM;
    return 0;
}

static int query_write(store *s, MDB_txn *txn, void *arg)
{
    query_ctx *c = arg;
    c->status = 0;
    json_decref(c->view);
    c->view = NULL;
    json_t *old = NULL, *q = NULL, *case_rec = NULL;
    work_ctx w;
    work_ctx_init(&w, c->r, s, txn, c->at);
    int rc = 0;
    if (c->op != 0) {
        if ((rc = store_work_get(s, txn, WORK_QUERY, c->query_id, &old)))
            goto out;
        c->case_id = json_get_u64(old, "case_id");
    }
    if ((rc = store_case_get(s, txn, c->case_id, &case_rec)))
        goto out;
    if (!case_in_scope(c->r, case_rec)) {
        rc = MDB_NOTFOUND;
        goto out;
    }
    /* A closed case takes no new query or message until it is reopened (its queries closed with it). */
    if (c->op != 2 && json_get_str_is(case_rec, "status", "closed")) {
        rc = refuse(c, 422, "case_closed", NULL, CASE_CLOSED_MESSAGE);
        goto out;
    }
    uint64_t worker = json_get_u64(case_rec, "caseworker_id");
    if (c->op == 0) {
        if (strcmp(c->category, "progress_update") == 0 && w.side == WORK_SIDE_COUNCIL &&
            (rc = progress_update_rule(c, &w)))
            goto out;
        q = json_pack("{s:I,s:I,s:s,s:b,s:s,s:s,s:s,s:I,s:s,s:[o]}", "case_id", (json_int_t)c->case_id, "council_id",
                      (json_int_t)json_get_u64(case_rec, "council_id"), "category", c->category, "urgent", c->urgent,
                      "opened_by", work_side_name(w.side), "opened_at", c->at, "opened_on", w.today, "opened_by_user",
                      (json_int_t)w.uid, "status", "open", "messages", message(&w, 1, c->message));
        if (!q) {
            rc = STORE_NOMEM;
            goto out;
        }
        if (c->urgent_reason)
            json_object_set_new(q, "urgent_reason", json_string(c->urgent_reason));
        /* The HO answering a new case with a query, before any status check: the reply's clock is the
         * status check's (await_other_side). */
        if (w.side == WORK_SIDE_HO && !json_object_get(case_rec, "ho_checked_at") &&
            json_object_set_new(q, "status_check", json_true())) {
            rc = STORE_NOMEM;
            goto out;
        }
        uint64_t id;
        if ((rc = await_other_side(&w, q, case_rec)) || (rc = store_work_create(s, txn, WORK_QUERY, q, worker, &id)))
            goto out;
        /* The HO asking about a new case answers its new case alert. */
        if (w.side == WORK_SIDE_HO && (rc = work_clear(&w, case_rec, "new_case", "query")))
            goto out;
    } else {
        if (!json_get_str_is(old, "status", "open")) {
            rc = c->op == 2 ? refuse(c, 409, "conflict", NULL, "The query is closed already.")
                            : refuse(c, 422, "validation_failed", NULL, "The query is closed; open a new one.");
            goto out;
        }
        q = json_deep_copy(old);
        json_t *msgs = json_object_get(q, "messages");
        if (!q || !json_is_array(msgs)) {
            rc = q ? STORE_CORRUPT : STORE_NOMEM;
            goto out;
        }
        if (c->op == 1) {
            if (json_array_size(msgs) >= QUERY_MESSAGES_MAX) {
                rc = refuse(c, 422, "validation_failed", "message",
                            "This query has too many messages; close it and open a new one.");
                goto out;
            }
            if (json_array_append_new(msgs, message(&w, (json_int_t)json_array_size(msgs) + 1, c->message)))
                goto out_nomem;
            if (json_object_get(q, "nino") && w.side == WORK_SIDE_HO) {
                if ((rc = nino_answered(&w, q, c->message)))
                    goto out;
            } else if ((rc = await_other_side(&w, q, case_rec))) {
                goto out_nomem;
            }
        } else {
            json_object_set_new(q, "status", json_string("closed"));
            json_object_set_new(q, "closed_at", json_string(c->at));
            json_object_set_new(q, "closed_by", json_integer((json_int_t)w.uid));
            json_object_del(q, "awaiting");
        }
        if ((rc = store_work_put(s, txn, WORK_QUERY, old, q, worker)))
            goto out;
    }
    static const char *const actions[] = {"query_opened", "query_message", "query_closed"};
    if ((rc = store_audit_add(s, txn, c->at, w.uid, c->r->org_id, actions[c->op], c->case_id)))
        goto out;
    if (c->op != 2 && w.side == WORK_SIDE_HO &&
        (rc = work_notify(&w, case_rec, c->op == 0 ? "a new query from the Home Office"
                                                   : "a reply from the Home Office on a query")))
        goto out;
    if (!(c->view = work_query_view(s, txn, q, w.today, 1)))
        rc = STORE_NOMEM;
    goto out;
out_nomem:
    if (!rc)
        rc = STORE_NOMEM;
out:
    work_ctx_done(&w);
    json_decref(old);
    json_decref(q);
    json_decref(case_rec);
    return rc;
}

static void query_run(query_ctx *c, int ok_status)
{
    char at[21];
    http_iso_time(c->r->now, at);
    c->at = at;
    int rc = store_write(c->r->st, query_write, c);
    if (rc == CASE_REFUSED) {
        json_t *body = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", c->code, "message", c->text, "field",
                                 c->field ? json_string(c->field) : json_null());
        if (body && *c->first_allowed)
            json_object_set_new(json_object_get(body, "error"), "first_allowed_date", json_string(c->first_allowed));
        http_reply(c->r, c->status, body);
    } else if (rc == MDB_NOTFOUND) {
        access_not_found(c->r, c->op == 0 ? "case" : "query", c->op == 0 ? c->case_id : c->query_id,
                         c->op == 0 ? "No such case." : "No such query.", NULL);
    } else if (rc) {
        http_store_error(c->r, rc);
    } else {
        http_reply(c->r, ok_status, c->view);
        c->view = NULL;
    }
    json_decref(c->view);
}

static int side_allowed(http_req *r)
{
    if (work_side_of(r))
        return 1;
    access_forbidden(r, "The Network sees no case data.", NULL);
    return 0;
}

void h_case_query_open(http_req *r, const uint64_t *ids)
{
    if (!side_allowed(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"category", "message", "urgent", "urgent_reason", NULL};
    query_ctx c = {.r = r, .case_id = ids[0], .op = 0};
    if (json_in_only(r, body, allowed) ||
        json_in_enum_at(r, body, "category", "category", categories, 1, &c.category) ||
        json_in_text_at(r, body, "message", "message", 1, 4000, &c.message) ||
        json_in_bool_at(r, body, "urgent", "urgent", 0, &c.urgent) ||
        json_in_enum_at(r, body, "urgent_reason", "urgent_reason", urgent_reasons, 0, &c.urgent_reason))
        goto out;
    if (c.urgent && work_side_of(r) != WORK_SIDE_COUNCIL) {
        http_error(r, 422, "validation_failed", "Only a council sends an urgent request.", "urgent");
        goto out;
    }
    if (c.urgent && !c.urgent_reason) {
        http_error(r, 422, "validation_failed", "An urgent request needs its reason.", "urgent_reason");
        goto out;
    }
    if (!c.urgent && c.urgent_reason) {
        http_error(r, 422, "validation_failed", "A reason is given only with an urgent request.", "urgent_reason");
        goto out;
    }
    query_run(&c, 201);
out:
    json_decref(body);
}

void h_query_get(http_req *r, const uint64_t *ids)
{
    if (!side_allowed(r))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *q = NULL, *case_rec = NULL, *view = NULL;
    int rc = store_work_get(r->st, txn, WORK_QUERY, ids[0], &q);
    if (!rc)
        rc = store_case_get(r->st, txn, json_get_u64(q, "case_id"), &case_rec);
    if (!rc && !case_in_scope(r, case_rec))
        rc = MDB_NOTFOUND;
    char today[11];
    uk_date(r->now, today);
    if (!rc && !(view = work_query_view(r->st, txn, q, today, 1)))
        rc = STORE_NOMEM;
    store_read_end(r->st, txn);
    json_decref(q);
    json_decref(case_rec);
    if (rc == MDB_NOTFOUND)
        access_not_found(r, "query", ids[0], "No such query.", NULL);
    else if (rc)
        http_store_error(r, rc);
    else {
        /* Messages are free text about a person: reading them is a disclosure. */
        audit_queue_add(r->now, r->uid, r->org_id, "query_viewed", json_get_u64(view, "case_id"));
        http_reply(r, 200, view);
    }
}

void h_query_message(http_req *r, const uint64_t *ids)
{
    if (!side_allowed(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"message", NULL};
    query_ctx c = {.r = r, .query_id = ids[0], .op = 1};
    if (!json_in_only(r, body, allowed) && !json_in_text_at(r, body, "message", "message", 1, 4000, &c.message))
        query_run(&c, 201);
    json_decref(body);
}

void h_query_close(http_req *r, const uint64_t *ids)
{
    if (!side_allowed(r))
        return;
    query_ctx c = {.r = r, .query_id = ids[0], .op = 2};
    query_run(&c, 200);
}
