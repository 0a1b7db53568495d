/* disclosure_access.c - who sees a disclosure request, its shape, audit and email (disclosure_access.h). */
#include "disclosure_access.h"
#include "json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_view.h"
#include "public_url.h"
#include "store_audit.h"
#include "store_disclosure.h"
#include "store_org.h"
#include "store_outbox.h"
#include "store_user.h"

int disclosure_caller_ok(http_req *r)
{
    if (strcmp(r->org_kind, "home_office") == 0 || strcmp(r->org_kind, "partner") == 0)
        return 1;
    access_forbidden(r, "Disclosure requests are between the Home Office and partner departments.", NULL);
    return 0;
}

int disclosure_is_requester_side(const http_req *r, const json_t *rec)
{
    return json_get_u64(rec, "requesting_org_id") == r->org_id;
}

/* Statuses the provider never sees: the request has not left its organisation. */
static int before_sending(const json_t *rec)
{
    const char *st = json_get_str_or(rec, "status", "");
    return !strcmp(st, "draft") || !strcmp(st, "awaiting_countersign") || !strcmp(st, "sent_back");
}

int disclosure_visible(const http_req *r, const json_t *rec)
{
    if (disclosure_is_requester_side(r, rec))
        return r->is_admin || json_get_u64(rec, "requester_id") == r->uid ||
               json_is_true(json_object_get(r->user, "may_countersign"));
    return json_get_u64(rec, "providing_org_id") == r->org_id && !before_sending(rec);
}

int disclosure_load(store *s, MDB_txn *txn, const http_req *r, uint64_t id, json_t **old, json_t **neu)
{
    *neu = NULL;
    int rc = store_disclosure_get(s, txn, id, old);
    if (rc)
        return *old = NULL, rc;
    if (!disclosure_visible(r, *old))
        rc = MDB_NOTFOUND;
    else if (!(*neu = json_deep_copy(*old)))
        rc = STORE_NOMEM;
    if (rc)
        *old = (json_decref(*old), NULL);
    return rc;
}

const char *disclosure_due_state(const json_t *rec, const char *today)
{
    const char *st = json_get_str_or(rec, "status", "");
    const char *due = json_get_str_or(rec, strcmp(st, "review_requested") ? "due" : "review_due", NULL);
    if (!due || (strcmp(st, "sent") && strcmp(st, "review_requested")))
        return NULL;
    int c = strcmp(due, today);
    return c < 0 ? "overdue" : c == 0 ? "due_today" : NULL;
}

static json_t *org_ref(store *s, MDB_txn *txn, uint64_t id)
{
    json_t *o;
    if (store_org_get(s, txn, id, &o))
        return json_pack("{s:I,s:n,s:n}", "id", (json_int_t)id, "name", "kind");
    json_t *ref = json_pack("{s:I,s:O,s:O}", "id", (json_int_t)id, "name", json_object_get(o, "name"), "kind",
                            json_object_get(o, "kind"));
    json_decref(o);
    return ref;
}

/* Replaces the user id in member `name` of obj by {"id","name"} (null stays null). */
static int user_member(store *s, MDB_txn *txn, json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v))
        return 0;
    return json_object_set_new(obj, name, case_user_ref(s, txn, v));
}

/* The metadata of attachments, without their digests. */
static json_t *attachment_list(const json_t *atts)
{
    json_t *out = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(atts, i, a) {
        json_t *v = json_pack("{s:O,s:O,s:O,s:O}", "n", json_object_get(a, "n"), "filename",
                              json_object_get(a, "filename"), "content_type", json_object_get(a, "content_type"),
                              "size", json_object_get(a, "size"));
        if (!out || !v || json_array_append_new(out, v))
            return json_decref(out), NULL;
    }
    return out;
}

static json_t *common_view(store *s, MDB_txn *txn, const http_req *r, const json_t *rec, const char *today)
{
    const char *due = disclosure_due_state(rec, today);
    json_t *v = json_pack("{s:O,s:O,s:s,s:O,s:s,s:o,s:o,s:o,s:O?,s:O,s:O?,s:O?,s:O?,s:s?}", "id",
                          json_object_get(rec, "id"), "number", json_object_get(rec, "number"), "marking",
                          DISCLOSURE_MARKING, "status", json_object_get(rec, "status"), "direction",
                          disclosure_is_requester_side(r, rec) ? "outgoing" : "incoming", "requesting_org",
                          org_ref(s, txn, json_get_u64(rec, "requesting_org_id")), "providing_org",
                          org_ref(s, txn, json_get_u64(rec, "providing_org_id")), "requester",
                          case_user_ref(s, txn, json_object_get(rec, "requester_id")), "requester_grade",
                          json_object_get(rec, "requester_grade"), "created_at", json_object_get(rec, "created_at"),
                          "sent_on", json_object_get(rec, "sent_on"), "due", json_object_get(rec, "due"),
                          "keep_until", json_object_get(rec, "keep_until"), "due_state", due);
    if (!v)
        return NULL;
    static const char *const nullable[] = {"requester_grade", "sent_on", "due", "keep_until", "due_state", NULL};
    for (const char *const *k = nullable; *k; k++)
        if (!json_object_get(v, *k) && json_object_set_new(v, *k, json_null()))
            return json_decref(v), NULL;
    return v;
}

json_t *disclosure_summary(store *s, MDB_txn *txn, const http_req *r, const json_t *rec, const char *today)
{
    json_t *v = common_view(s, txn, r, rec, today);
    const json_t *subj = json_object_get(rec, "subject");
    json_t *label;
    if (json_get_str_is(subj, "kind", "list"))
        label = json_sprintf("A list of %zu people", json_array_size(json_object_get(subj, "people")));
    else {
        const json_t *p = json_object_get(subj, "person");
        label = json_sprintf("%s %s", json_get_str_or(p, "given_names", ""), json_get_str_or(p, "family_name", ""));
    }
    if (!v || !label || json_object_set_new(v, "subject_label", label) ||
        json_object_set(v, "legal_basis", json_object_get(rec, "legal_basis"))) {
        if (!v)
            json_decref(label);
        json_decref(v);
        return NULL;
    }
    return v;
}

json_t *disclosure_view(store *s, MDB_txn *txn, const http_req *r, const json_t *rec, const char *today)
{
    json_t *v = common_view(s, txn, r, rec, today);
    if (!v)
        return NULL;
    static const char *const copied[] = {"subject", "case_id", "information_sought", "legal_basis",
                                         "prejudice_statement", "reasons", "other_enquiries", "submitted_at",
                                         "countersigned_at", "countersigned_by", "countersigner_grade", "sent_back",
                                         "due_days", "review", "review_due", "max_keep_until", "destruction",
                                         "surplus_confirmation", NULL};
    int err = 0;
    for (const char *const *k = copied; *k && !err; k++) {
        json_t *m = json_object_get(rec, *k);
        err = json_object_set_new(v, *k, m ? json_deep_copy(m) : json_null());
    }
    err = err || user_member(s, txn, v, "countersigned_by") ||
          user_member(s, txn, json_object_get(v, "sent_back"), "by") ||
          user_member(s, txn, json_object_get(v, "review"), "by") ||
          user_member(s, txn, json_object_get(v, "destruction"), "by") ||
          user_member(s, txn, json_object_get(v, "surplus_confirmation"), "by");
    /* The arrays go into v first, so that every path out frees them with it. */
    json_t *decisions = json_array(), *onward = json_array();
    /* Attachments waiting for the provider's disclosure are the provider's own until then. */
    json_t *pending = disclosure_is_requester_side(r, rec) ? json_array()
                                                           : attachment_list(json_object_get(rec, "pending_attachments"));
    err = err || json_object_set_new(v, "decisions", decisions) || json_object_set_new(v, "onward", onward) ||
          json_object_set_new(v, "pending_attachments", pending) || !decisions || !onward || !pending;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "decisions"), i, d) {
        if (err)
            break;
        json_t *c = json_deep_copy(d);
        const json_t *atts = json_object_get(d, "attachments");
        err = json_array_append_new(decisions, c) || !c || user_member(s, txn, c, "by") ||
              (json_is_array(atts) && json_object_set_new(c, "attachments", attachment_list(atts)));
    }
    json_array_foreach(json_object_get(rec, "onward"), i, d) {
        if (err)
            break;
        json_t *c = json_deep_copy(d);
        err = json_array_append_new(onward, c) || !c || user_member(s, txn, c, "by");
    }
    if (err)
        return json_decref(v), NULL;
    return v;
}

enum { HOME_INCOMING, HOME_DUE_TODAY, HOME_OVERDUE, HOME_COUNTERSIGN, HOME_SENT_BACK, HOME_HELD, HOME_N };

typedef struct {
    const http_req *r;
    const char *today;
    long n[HOME_N];
} home_ctx;

static int home_count(const json_t *rec, void *arg)
{
    home_ctx *h = arg;
    if (!disclosure_visible(h->r, rec))
        return 0;
    const char *due = disclosure_due_state(rec, h->today);
    int mine = json_get_u64(rec, "requester_id") == h->r->uid;
    if (!disclosure_is_requester_side(h->r, rec)) {
        h->n[HOME_INCOMING] += json_get_str_is(rec, "status", "sent") || json_get_str_is(rec, "status", "review_requested");
        h->n[HOME_DUE_TODAY] += due && !strcmp(due, "due_today");
        h->n[HOME_OVERDUE] += due && !strcmp(due, "overdue");
    } else {
        h->n[HOME_COUNTERSIGN] += json_is_true(json_object_get(h->r->user, "may_countersign")) && !mine &&
                                  json_get_str_is(rec, "status", "awaiting_countersign");
        h->n[HOME_SENT_BACK] += mine && json_get_str_is(rec, "status", "sent_back");
        h->n[HOME_HELD] += json_get_str_is(rec, "status", "disclosed");
    }
    return 0;
}

int disclosure_home_counts(store *s, MDB_txn *txn, const http_req *r, const char *today, json_t **out)
{
    static const char *const names[HOME_N] = {"incoming", "due_today", "overdue", "awaiting_countersign", "sent_back", "held"};
    home_ctx h = {.r = r, .today = today};
    /* What home_count reads (disclosure_visible and disclosure_due_state included): not the decisions. */
    static const char *const members[] = {"status", "due", "review_due", "requester_id", "requesting_org_id",
                                          "providing_org_id", NULL};
    int rc = store_disclosure_each_of_org_members(s, txn, r->org_id, members, home_count, &h);
    if (rc)
        return rc;
    if (!(*out = json_object()))
        return STORE_NOMEM;
    for (int i = 0; i < HOME_N; i++)
        if (json_object_set_new(*out, names[i], json_integer(h.n[i])))
            return json_decref(*out), *out = NULL, STORE_NOMEM;
    return 0;
}

static json_t *audit_event(const http_req *r, const char *at, const char *action, const json_t *rec)
{
    json_t *ev = json_pack("{s:s,s:I,s:I,s:s,s:O}", "at", at, "actor", (json_int_t)r->uid, "org", (json_int_t)r->org_id,
                           "action", action, "target", json_object_get(rec, "id"));
    json_t *case_id = json_object_get(rec, "case_id");
    if (ev && json_is_integer(case_id) && json_object_set(ev, "case", case_id))
        ev = (json_decref(ev), NULL);
    return ev;
}

int disclosure_audit(store *s, MDB_txn *txn, const http_req *r, const char *at, const char *action, const json_t *rec)
{
    json_t *ev = audit_event(r, at, action, rec);
    if (!ev)
        return STORE_NOMEM;
    int rc = store_audit_append(s, txn, ev);
    json_decref(ev);
    return rc;
}

void disclosure_audit_read(const http_req *r, const char *action, const json_t *rec, json_t *extra)
{
    json_t *case_id = json_object_get(rec, "case_id");
    if (!extra)
        extra = json_object();
    if (extra && json_is_integer(case_id))
        json_object_set(extra, "case", case_id);
    audit_queue_add_with(r->now, r->uid, r->org_id, action, json_get_u64(rec, "id"), extra);
}

static int mail_one(store *s, MDB_txn *txn, const json_t *u, const char *subject, const char *body, int64_t now)
{
    const char *to = json_get_str_or(u, "email", NULL);
    return to && *to ? store_outbox_add(s, txn, to, subject, body, now) : 0;
}

int disclosure_notify(store *s, MDB_txn *txn, const json_t *rec, notify_who who, uint64_t org, uint64_t uid,
                      const char *what, int64_t now)
{
    const char *number = json_get_str_or(rec, "number", "");
    char subject[160], body[700];
    snprintf(subject, sizeof subject, "OFFICIAL-SENSITIVE: Connect disclosure request %s %s", number, what);
    snprintf(body, sizeof body,
             "OFFICIAL-SENSITIVE\r\n\r\nDisclosure request %s %s.\r\n\r\nSign in to Connect to see it: %s/#/disclosures/%llu\r\n\r\n"
             "Please do not reply to this message.\r\n",
             number, what, public_url_base(), (unsigned long long)json_get_u64(rec, "id"));
    json_t *users = NULL;
    int rc;
    if (who == NOTIFY_USER) {
        json_t *u;
        if ((rc = store_user_get(s, txn, uid, &u)))
            return rc == MDB_NOTFOUND ? 0 : rc; /* a deleted user has no mailbox here */
        rc = mail_one(s, txn, u, subject, body, now);
        json_decref(u);
        return rc;
    }
    if (who == NOTIFY_ADMINS)
        rc = store_org_admins(s, txn, org, &users);
    else {
        char *next = NULL;
        size_t total;
        rc = store_user_list(s, txn, org, NULL, 500, &users, &next, &total);
        free(next);
    }
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        if (rc)
            break;
        if (who == NOTIFY_COUNTERSIGNERS && !json_is_true(json_object_get(u, "may_countersign")))
            continue;
        if (json_get_u64(u, "id") == json_get_u64(rec, "requester_id") && who == NOTIFY_COUNTERSIGNERS)
            continue;
        rc = mail_one(s, txn, u, subject, body, now);
    }
    json_decref(users);
    return rc;
}

int disclosure_refuse(disclosure_refusal *f, int status, const char *code, const char *field, const char *message)
{
    *f = (disclosure_refusal){status, code, field, message};
    return DISCLOSURE_REFUSED;
}

void disclosure_answer_error(http_req *r, int rc, const disclosure_refusal *f, uint64_t id)
{
    if (rc == DISCLOSURE_REFUSED && f->status == 403)
        access_forbidden(r, f->message, f->field);
    else if (rc == DISCLOSURE_REFUSED)
        http_error(r, f->status, f->code, f->message, f->field);
    else if (rc == MDB_NOTFOUND)
        access_not_found(r, "disclosure", id, "No such disclosure request.", NULL);
    else
        http_store_error(r, rc);
}
