/* h_disclosure_steps.c - a disclosure request's steps after the draft (fcgi/API.md "Disclosure
 * requests"): submitted for countersignature, countersigned (sent to the provider) or sent back,
 * the provider's decision (returned as not meeting the criteria, refused, disclosed) and its review,
 * and what the receiver does after: keep-until, destruction, confirming the destruction of surplus
 * data, onward transfer. Each step is one write: the rule, the record, the audit event and the
 * emails commit together. */
#include "handlers.h"
#include "json_get.h"

#include <stddef.h>
#include <string.h>

#include "calendar.h"
#include "disclosure_access.h"
#include "disclosure_rules.h"
#include "json_in.h"
#include "params.h"
#include "store_disclosure.h"
#include "uk_time.h"
#include "work.h"

#define STEP_TEXT_MAX 4000

typedef enum {
    STEP_SUBMIT,
    STEP_COUNTERSIGN,
    STEP_RETURN,
    STEP_REFUSE,
    STEP_DISCLOSE,
    STEP_REVIEW,
    STEP_DESTROY,
    STEP_CONFIRM,
    STEP_KEEP_UNTIL,
    STEP_ONWARD
} step_kind;

typedef struct {
    http_req *r;
    step_kind kind;
    uint64_t id;
    const char *text; /* reason, reasons, message, information or note */
    const char *to;   /* onward: to whom */
    const char *date; /* keep-until */
    const char *at;
    char today[11];
    disclosure_refusal f;
    json_t *view;
} step_ctx;

static int status_in(const json_t *rec, const char *a, const char *b)
{
    return json_get_str_is(rec, "status", a) || (b && json_get_str_is(rec, "status", b));
}

static int set_str(json_t *o, const char *k, const char *v) { return json_object_set_new(o, k, json_string(v)); }

/* due_key = `days` working days (the pair's agreement) after today: "due" when the request is sent
 * (with "sent_on"), "review_due" when it is sent for review (the first due date stays, for the
 * monitoring report's "within time"). */
static int set_due(store *s, MDB_txn *txn, step_ctx *c, json_t *neu, const char *due_key)
{
    int days, keep;
    const calendar *cal;
    char due[11];
    int beyond = 0;
    int rc = store_disclosure_pair_get(s, txn, json_get_u64(neu, "requesting_org_id"),
                                       json_get_u64(neu, "providing_org_id"), &days, &keep);
    if (rc || (rc = work_calendar(s, txn, &cal)))
        return rc;
    if (calendar_add_working_days(cal, c->today, days, due, &beyond))
        return STORE_CORRUPT;
    if (strcmp(due_key, "due") == 0 && set_str(neu, "sent_on", c->today))
        return STORE_NOMEM;
    return set_str(neu, due_key, due) || json_object_set_new(neu, "due_days", json_integer(days)) ? STORE_NOMEM : 0;
}

static const char *caller_grade(const step_ctx *c) { return json_get_str_or(c->r->user, "grade", NULL); }

/* The countersigner's rules, shared by countersigning and sending back. */
static int countersigner_refused(step_ctx *c, const json_t *rec)
{
    const char *why = disclosure_countersign_refusal(
        c->r->uid, c->r->org_id, caller_grade(c), json_is_true(json_object_get(c->r->user, "may_countersign")),
        json_get_u64(rec, "requester_id"), json_get_u64(rec, "requesting_org_id"));
    return why ? disclosure_refuse(&c->f, 403, "forbidden", NULL, why) : 0;
}

/* The provider's decision: returned, refused or disclosed; on a review, only by an officer of higher
 * grade than the one who made the decision reviewed. */
static int decide(store *s, MDB_txn *txn, step_ctx *c, const json_t *rec, json_t *neu, const char *outcome)
{
    if (disclosure_is_requester_side(c->r, rec))
        return disclosure_refuse(&c->f, 403, "forbidden", NULL, "The providing organisation decides a request.");
    if (!status_in(rec, "sent", "review_requested"))
        return disclosure_refuse(&c->f, 409, "conflict", NULL, "This request is not waiting for a decision.");
    json_t *decisions = json_object_get(neu, "decisions");
    int review = json_get_str_is(rec, "status", "review_requested");
    if (review) {
        const json_t *last = json_array_get(decisions, json_array_size(decisions) - 1);
        if (!disclosure_may_review(caller_grade(c), json_get_str_or(last, "grade", NULL)))
            return disclosure_refuse(&c->f, 403, "forbidden", NULL,
                                     "A review is decided by an officer of higher grade than the one who decided.");
    }
    const char *grade = caller_grade(c);
    json_t *d = json_pack("{s:s,s:s,s:s,s:I,s:o,s:b}", "outcome", outcome, "at", c->at, "on", c->today, "by",
                          (json_int_t)c->r->uid, "grade", grade ? json_string(grade) : json_null(), "review", review);
    if (!d || json_array_append_new(decisions, d))
        return STORE_NOMEM;
    int rc = 0;
    if (strcmp(outcome, "disclosed") == 0) {
        int days, keep;
        if ((rc = store_disclosure_pair_get(s, txn, json_get_u64(rec, "requesting_org_id"),
                                            json_get_u64(rec, "providing_org_id"), &days, &keep)))
            return rc;
        char until[11];
        calendar_date(calendar_day(c->today) + keep, until);
        if (set_str(d, "message", c->text) ||
            json_object_set(d, "attachments", json_object_get(neu, "pending_attachments")) ||
            json_object_set_new(neu, "pending_attachments", json_array()) || set_str(neu, "keep_until", until) ||
            set_str(neu, "max_keep_until", until))
            return STORE_NOMEM;
    } else if (set_str(d, "reasons", c->text))
        return STORE_NOMEM;
    if (set_str(neu, "status", outcome))
        return STORE_NOMEM;
    return disclosure_notify(s, txn, neu, NOTIFY_USER, 0, json_get_u64(rec, "requester_id"),
                             strcmp(outcome, "disclosed") == 0 ? "has been answered" : "has been decided",
                             c->r->now);
}

/* The receiver's steps after a disclosure: anyone of the requesting side who sees the request. */
static int receiver_refused(step_ctx *c, const json_t *rec, const char *status, const char *status2)
{
    if (!disclosure_is_requester_side(c->r, rec))
        return disclosure_refuse(&c->f, 403, "forbidden", NULL, "The organisation that received the data does this.");
    if (!status_in(rec, status, status2))
        return disclosure_refuse(&c->f, 409, "conflict", NULL, "Not at this stage of the request.");
    return 0;
}

static json_t *by_now(step_ctx *c, const char *text_key)
{
    json_t *o = json_pack("{s:s,s:I}", "at", c->at, "by", (json_int_t)c->r->uid);
    if (o && text_key && c->text && set_str(o, text_key, c->text))
        o = (json_decref(o), NULL);
    return o;
}

static int apply_step(store *s, MDB_txn *txn, step_ctx *c, const json_t *rec, json_t *neu, const char **action)
{
    int rc;
    uint64_t provider = json_get_u64(rec, "providing_org_id");
    switch (c->kind) {
    case STEP_SUBMIT:
        *action = "disclosure_submitted";
        if (json_get_u64(rec, "requester_id") != c->r->uid)
            return disclosure_refuse(&c->f, 403, "forbidden", NULL, "Only the requester submits their request.");
        if (!status_in(rec, "draft", "sent_back"))
            return disclosure_refuse(&c->f, 409, "conflict", NULL, "This request has been submitted already.");
        if (set_str(neu, "status", "awaiting_countersign") || set_str(neu, "submitted_at", c->at))
            return STORE_NOMEM;
        return disclosure_notify(s, txn, neu, NOTIFY_COUNTERSIGNERS, c->r->org_id, 0, "is waiting for your countersignature",
                                 c->r->now);
    case STEP_COUNTERSIGN:
        *action = "disclosure_countersigned";
        if (!disclosure_is_requester_side(c->r, rec) || !status_in(rec, "awaiting_countersign", NULL))
            return disclosure_refuse(&c->f, 409, "conflict", NULL, "This request is not waiting for a countersignature.");
        if ((rc = countersigner_refused(c, rec)))
            return rc;
        {
            const char *grade = caller_grade(c);
            if (set_str(neu, "status", "sent") || set_str(neu, "countersigned_at", c->at) ||
                json_object_set_new(neu, "countersigned_by", json_integer((json_int_t)c->r->uid)) ||
                json_object_set_new(neu, "countersigner_grade", grade ? json_string(grade) : json_null()))
                return STORE_NOMEM;
        }
        if ((rc = set_due(s, txn, c, neu, "due")))
            return rc;
        return disclosure_notify(s, txn, neu, NOTIFY_ADMINS, provider, 0, "has been sent to your organisation", c->r->now);
    case STEP_RETURN:
        if (!disclosure_is_requester_side(c->r, rec)) {
            *action = "disclosure_returned";
            return decide(s, txn, c, rec, neu, "returned");
        }
        *action = "disclosure_sent_back";
        if (!status_in(rec, "awaiting_countersign", NULL))
            return disclosure_refuse(&c->f, 409, "conflict", NULL, "This request is not waiting for a countersignature.");
        if ((rc = countersigner_refused(c, rec)))
            return rc;
        if (set_str(neu, "status", "sent_back") || json_object_set_new(neu, "sent_back", by_now(c, "reason")))
            return STORE_NOMEM;
        return disclosure_notify(s, txn, neu, NOTIFY_USER, 0, json_get_u64(rec, "requester_id"),
                                 "was returned by the countersigner", c->r->now);
    case STEP_REFUSE:
        *action = "disclosure_refused";
        return decide(s, txn, c, rec, neu, "refused");
    case STEP_DISCLOSE:
        *action = "disclosure_disclosed";
        return decide(s, txn, c, rec, neu, "disclosed");
    case STEP_REVIEW:
        *action = "disclosure_review_requested";
        if ((rc = receiver_refused(c, rec, "refused", "disclosed")))
            return rc;
        if (set_str(neu, "status", "review_requested") || json_object_set_new(neu, "review", by_now(c, "information")) ||
            (rc = set_due(s, txn, c, neu, "review_due")))
            return rc ? rc : STORE_NOMEM;
        return disclosure_notify(s, txn, neu, NOTIFY_ADMINS, provider, 0, "has been sent for review", c->r->now);
    case STEP_DESTROY:
        *action = "disclosure_data_destroyed";
        if ((rc = receiver_refused(c, rec, "disclosed", NULL)))
            return rc;
        return store_disclosure_destroy_data(s, txn, neu, c->at, c->r->uid, "manual");
    case STEP_CONFIRM:
        *action = "disclosure_destruction_confirmed";
        if ((rc = receiver_refused(c, rec, "disclosed", "destroyed")))
            return rc;
        if (json_object_set_new(neu, "surplus_confirmation", by_now(c, "note")))
            return STORE_NOMEM;
        return disclosure_notify(s, txn, neu, NOTIFY_ADMINS, provider, 0,
                                 "has a confirmation that surplus data was destroyed", c->r->now);
    case STEP_KEEP_UNTIL:
        *action = "disclosure_keep_until_set";
        if ((rc = receiver_refused(c, rec, "disclosed", NULL)))
            return rc;
        if (strcmp(c->date, c->today) < 0 || strcmp(c->date, json_get_str_or(rec, "max_keep_until", "")) > 0)
            return disclosure_refuse(&c->f, 422, "validation_failed", "keep_until",
                                     "Keep the data until a day from today to the agreement's maximum.");
        return set_str(neu, "keep_until", c->date) ? STORE_NOMEM : 0;
    case STEP_ONWARD:
        *action = "disclosure_onward_transfer";
        if ((rc = receiver_refused(c, rec, "disclosed", NULL)))
            return rc;
        {
            json_t *o = by_now(c, "reason");
            if (!o || set_str(o, "to", c->to) || json_array_append_new(json_object_get(neu, "onward"), o))
                return STORE_NOMEM;
        }
        return 0;
    }
    return STORE_CORRUPT;
}

static int step_write(store *s, MDB_txn *txn, void *arg)
{
    step_ctx *c = arg;
    json_decref(c->view);
    c->view = NULL;
    json_t *rec, *neu;
    int rc = disclosure_load(s, txn, c->r, c->id, &rec, &neu);
    if (rc)
        return rc;
    const char *action = NULL;
    if (!(rc = apply_step(s, txn, c, rec, neu, &action)) && !(rc = store_disclosure_put(s, txn, rec, neu)) &&
        !(rc = disclosure_audit(s, txn, c->r, c->at, action, neu)) &&
        !(c->view = disclosure_view(s, txn, c->r, neu, c->today)))
        rc = STORE_NOMEM;
    json_decref(rec);
    json_decref(neu);
    return rc;
}

typedef struct {
    const char *text, *to, *date;
} step_in;

/* Reads the step's body (described per step), runs the write and answers 200 DISCLOSURE. */
static void run_step(http_req *r, uint64_t id, step_kind kind, const char *text_name, int text_required)
{
    if (!disclosure_caller_ok(r))
        return;
    step_in in = {0};
    json_t *body = NULL;
    if (text_name || kind == STEP_KEEP_UNTIL) {
        param_field fields[2] = {
            {.name = text_name, .type = PARAM_TEXT, .required = text_required, .max_chars = STEP_TEXT_MAX,
             .offset = offsetof(step_in, text)},
            {.name = "to", .type = PARAM_STRING, .required = 1, .max_chars = 200, .offset = offsetof(step_in, to)},
        };
        size_t n = kind == STEP_ONWARD ? 2 : 1;
        if (kind == STEP_KEEP_UNTIL)
            fields[0] = (param_field){.name = "keep_until", .type = PARAM_DATE, .required = 1,
                                      .offset = offsetof(step_in, date)};
        if (!(body = json_in_body_object(r)) || params_json(r, body, NULL, fields, n, &in)) {
            json_decref(body);
            return;
        }
    } else if (json_in_no_members(r))
        return;
    char at[21];
    http_iso_time(r->now, at);
    step_ctx c = {.r = r, .kind = kind, .id = id, .text = in.text, .to = in.to, .date = in.date, .at = at};
    uk_date(r->now, c.today);
    int rc = store_write(r->st, step_write, &c);
    if (rc)
        disclosure_answer_error(r, rc, &c.f, id);
    else
        http_reply(r, 200, c.view), c.view = NULL;
    json_decref(c.view);
    json_decref(body);
}

void h_disclosure_submit(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_SUBMIT, NULL, 0); }
void h_disclosure_countersign(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_COUNTERSIGN, NULL, 0); }
void h_disclosure_return(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_RETURN, "reason", 1); }
void h_disclosure_refuse(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_REFUSE, "reasons", 1); }
void h_disclosure_disclose(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_DISCLOSE, "message", 1); }
void h_disclosure_review(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_REVIEW, "information", 1); }
void h_disclosure_destroy(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_DESTROY, NULL, 0); }
void h_disclosure_confirm(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_CONFIRM, "note", 1); }
void h_disclosure_keep_until(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_KEEP_UNTIL, NULL, 0); }
void h_disclosure_onward(http_req *r, const uint64_t *ids) { run_step(r, ids[0], STEP_ONWARD, "reason", 1); }
