/* h_alerts.c - alerts: the lists, a case's alerts, accepting one, and the HO's final outcome. */
#include "handlers.h"
#include "json_get.h"

#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "case_access.h"
#include "case_update.h"
#include "json_in.h"
#include "params.h"
#include "store_audit.h"
#include "store_case.h"
#include "uk_time.h"
#include "work.h"
#include "work_list.h"


void h_alerts_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    work_list_run(r, WORK_ALERT);
}

void h_case_alerts(http_req *r, const uint64_t *ids)
{
    work_case_items(r, ids[0], WORK_ALERT);
}

/* ---- accept ---- */

typedef struct {
    http_req *r;
    uint64_t id;
    const char *at;
    int status;
    const char *code, *message;
    const char *statement; /* the HO's statement of its understanding of the case, or NULL */
    json_t *view;
} accept_ctx;

/* The optional body of an accept: {"statement"}. */
typedef struct {
    const char *statement;
} accept_body;

#define STATEMENT_MAX_CHARS 4000

static int accept_write(store *s, MDB_txn *txn, void *arg)
{
    accept_ctx *c = arg;
    c->status = 0;
    json_decref(c->view);
    c->view = NULL;
    json_t *alert = NULL, *case_rec = NULL, *neu = NULL;
    int rc = store_work_get(s, txn, WORK_ALERT, c->id, &alert);
    if (!rc)
        rc = store_case_get(s, txn, (uint64_t)json_integer_value(json_object_get(alert, "case_id")), &case_rec);
    if (!rc && !case_in_scope(c->r, case_rec))
        rc = MDB_NOTFOUND;
    if (rc)
        goto out;
    work_ctx w;
    work_ctx_init(&w, c->r, s, txn, c->at);
    if (!json_get_str_is(alert, "to", work_side_name(w.side))) {
        c->status = 403, c->code = "forbidden", c->message = "This alert is for the other side to accept.";
    } else if (!json_is_true(json_object_get(alert, "open"))) {
        c->status = 409, c->code = "conflict", c->message = "This alert has been cleared already.";
    } else if (json_get_str_is(alert, "type", "closure_required")) {
        c->status = 422, c->code = "validation_failed",
        c->message = "A closure required alert clears when the case is closed.";
    } else if (json_get_str_is(alert, "type", "support_ended")) {
        c->status = 422, c->code = "validation_failed",
        c->message = "A support ended alert clears when the case is closed or its support end date changes.";
    } else if (c->statement && w.side != WORK_SIDE_HO) {
        c->status = 422, c->code = "validation_failed",
        c->message = "Only the Home Office states its understanding of the case when it accepts an alert.";
    } else if (json_get_str_is(alert, "type", "new_case")) {
        c->status = 422, c->code = "validation_failed",
        c->message = "A new case alert clears when the Home Office completes the status check (updates the "
                     "immigration page) or opens a query on the case.";
    }
    if (c->status) {
        rc = CASE_REFUSED;
        goto out;
    }
    if (!(neu = json_deep_copy(alert)) || json_object_set_new(neu, "open", json_false()) ||
        json_object_set_new(neu, "cleared_at", json_string(c->at)) ||
        json_object_set_new(neu, "cleared_by", json_integer((json_int_t)c->r->uid)) ||
        json_object_set_new(neu, "cleared_how", json_string("accepted")) ||
        (c->statement && json_object_set_new(neu, "statement", json_string(c->statement)))) {
        rc = STORE_NOMEM;
        goto out;
    }
    uint64_t case_id = (uint64_t)json_integer_value(json_object_get(alert, "case_id"));
    /* The statement is part of the case's story, so it goes into the case's history as well as onto
     * the alert: whoever reads the case later sees what the HO understood when it accepted. */
    if (c->statement) {
        json_t *row = json_pack("{s:s,s:I,s:s,s:n,s:{s:I,s:O,s:s}}", "at", c->at, "by", (json_int_t)c->r->uid,
                                "field", "alert_statement", "old", "new", "alert_id", (json_int_t)c->id, "type",
                                json_object_get(alert, "type"), "statement", c->statement);
        if (!row) {
            rc = STORE_NOMEM;
            goto out;
        }
        rc = store_case_history_add(s, txn, case_id, row);
        json_decref(row);
        if (rc)
            goto out;
    }
    if (!(rc = store_work_put(s, txn, WORK_ALERT, alert, neu,
                              (uint64_t)json_integer_value(json_object_get(case_rec, "caseworker_id")))) &&
        !(rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "alert_accepted", case_id)) &&
        !(c->view = work_alert_view(s, txn, neu, w.today)))
        rc = STORE_NOMEM;
out:
    json_decref(alert);
    json_decref(case_rec);
    json_decref(neu);
    return rc;
}

void h_alert_accept(http_req *r, const uint64_t *ids)
{
    if (!work_side_of(r)) {
        access_forbidden(r, "The Network has no alerts.", NULL);
        return;
    }
    /* The body is optional: an empty one accepts without a statement. */
    accept_body b = {0};
    json_t *body = NULL;
    if (http_read_body(r))
        return;
    if (r->body_len) {
        static const param_field fields[] = {
            {.name = "statement", .type = PARAM_TEXT, .max_chars = STATEMENT_MAX_CHARS,
             .offset = offsetof(accept_body, statement)},
        };
        if (!(body = json_in_body_object(r)) || params_json(r, body, NULL, fields, PARAMS_COUNT(fields), &b)) {
            json_decref(body);
            return;
        }
        if (b.statement && !*b.statement)
            b.statement = NULL;
    }
    char at[21];
    http_iso_time(r->now, at);
    accept_ctx c = {.r = r, .id = ids[0], .at = at, .statement = b.statement};
    int rc = store_write(r->st, accept_write, &c);
    if (rc == CASE_REFUSED && c.status == 403)
        access_forbidden(r, c.message, NULL);
    else if (rc == CASE_REFUSED)
        http_error(r, c.status, c.code, c.message, NULL);
    else if (rc == MDB_NOTFOUND)
        access_not_found(r, "alert", ids[0], "No such alert.", NULL);
    else if (rc)
        http_store_error(r, rc);
    else {
        http_reply(r, 200, c.view);
        c.view = NULL;
    }
    json_decref(c.view);
    json_decref(body);
}

/* ---- final outcome (HO) ---- */

typedef struct {
    const char *outcome, *decision_date, *notes;
} outcome_arg;

static int apply_outcome(case_update *u, json_t *rec)
{
    outcome_arg *a = u->arg; /* a closed case takes it too: the SLA expects it after closure */
    json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "outcome", a->outcome, "decision_date", a->decision_date,
                          "recorded_at", u->at, "recorded_by", (json_int_t)u->r->uid);
    if (!o)
        return STORE_NOMEM;
    if (a->notes && *a->notes)
        json_object_set_new(o, "notes", json_string(a->notes));
    return json_object_set_new(rec, "final_outcome", o) ? STORE_NOMEM : 0;
}

void h_case_final_outcome(http_req *r, const uint64_t *ids)
{
    if (strcmp(r->org_kind, "home_office") != 0) {
        access_forbidden(r, "Only the Home Office records a final outcome.", NULL);
        return;
    }
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"outcome", "decision_date", "notes", NULL};
    static const char *const outcomes[] = {"leave_granted", "removal", NULL};
    outcome_arg a = {0};
    char today[11];
    uk_date(r->now, today);
    if (json_in_only(r, body, allowed) || json_in_enum_at(r, body, "outcome", "outcome", outcomes, 1, &a.outcome) ||
        json_in_date_at(r, body, "decision_date", "decision_date", 1, &a.decision_date) ||
        json_in_text_at(r, body, "notes", "notes", 0, 4000, &a.notes))
        goto out;
    if (strcmp(a.decision_date, today) > 0) {
        http_error(r, 422, "validation_failed", "The decision date cannot be in the future.", "decision_date");
        goto out;
    }
    case_update u = {.r = r, .id = ids[0], .apply = apply_outcome, .arg = &a, .action = "case_final_outcome",
                     .ok_status = 201, .want_alert = 1};
    case_update_run(&u);
out:
    json_decref(body);
}
