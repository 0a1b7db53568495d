/* h_case_edit.c - changes to a case: details, people, allocation, immigration, finance, closure,
 * reopening; and the history. Each validates its body first, then runs through case_update. */
#include "handlers.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_queue.h"
#include "case_input.h"
#include "case_access.h"
#include "case_update.h"
#include "case_view.h"
#include "json_in.h"
#include "store_case.h"
#include "store_user.h"


/* ---- details ---- */

static int apply_merge(case_update *u, json_t *rec)
{
    return json_object_update(rec, u->arg) ? STORE_NOMEM : 0;
}

void h_case_put(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"legislation", "household_type", "referral_source", "address",
                                          "la_involvement", NULL};
    json_t *fields = json_object();
    if (!json_in_only(r, body, allowed) && !case_details_in(r, body, 0, fields)) {
        case_update u = {.r = r, .id = ids[0], .apply = apply_merge, .arg = fields, .action = "case_updated"};
        case_update_run(&u);
    }
    json_decref(fields);
    json_decref(body);
}

/* ---- people ---- */

typedef struct {
    json_t *person;
    uint64_t pid; /* dependant id for edit/delete */
    int op;       /* 0 principal, 1 add, 2 edit, 3 delete */
} person_arg;

static json_t *find_dependant(json_t *rec, uint64_t pid, size_t *index)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "dependants"), i, d) {
        if ((uint64_t)json_integer_value(json_object_get(d, "id")) == pid) {
            *index = i;
            return d;
        }
    }
    return NULL;
}

/* A person's NINo comes from the NINo results only: an edit of the person keeps it. */
static int keep_nino(const json_t *old, json_t *neu)
{
    const json_t *n = json_object_get(old, "nino");
    return neu && n ? json_object_set(neu, "nino", (json_t *)n) : neu ? 0 : -1;
}

static int apply_person(case_update *u, json_t *rec)
{
    person_arg *a = u->arg;
    json_t *deps = json_object_get(rec, "dependants");
    size_t index;
    switch (a->op) {
    case 0: {
        json_t *p = json_deep_copy(a->person);
        json_object_set_new(p, "id", json_integer(1));
        if (keep_nino(json_object_get(rec, "principal"), p))
            return STORE_NOMEM;
        return json_object_set_new(rec, "principal", p) ? STORE_NOMEM : 0;
    }
    case 1: {
        if (json_array_size(deps) >= CASE_MAX_DEPENDANTS)
            return case_refuse(u, 422, "validation_failed", NULL, "A case has at most 30 dependants.");
        json_int_t next = json_integer_value(json_object_get(rec, "next_person"));
        if (next < 2)
            next = 2 + (json_int_t)json_array_size(deps);
        if (next > CASE_MAX_PERSON_ID)
            return case_refuse(u, 422, "validation_failed", NULL,
                               "This case has had too many dependants added; open a new case for this household.");
        json_t *p = json_deep_copy(a->person);
        json_object_set_new(p, "id", json_integer(next));
        json_object_set_new(rec, "next_person", json_integer(next + 1));
        u->ok_status = 201;
        return json_array_append_new(deps, p) ? STORE_NOMEM : 0;
    }
    case 2: {
        if (!find_dependant(rec, a->pid, &index))
            return case_refuse(u, 404, "not_found", NULL, "No such dependant on this case.");
        json_t *p = json_deep_copy(a->person);
        json_object_set_new(p, "id", json_integer((json_int_t)a->pid));
        if (keep_nino(json_array_get(deps, index), p))
            return STORE_NOMEM;
        return json_array_set_new(deps, index, p) ? STORE_NOMEM : 0;
    }
    default: {
        if (!find_dependant(rec, a->pid, &index))
            return case_refuse(u, 404, "not_found", NULL, "No such dependant on this case.");
        /* Their documents stay on the case, no longer linked to a person. */
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(rec, "documents"), i, d) if (
            (uint64_t)json_integer_value(json_object_get(d, "person_id")) == a->pid) json_object_del(d, "person_id");
        return json_array_remove(deps, index) ? STORE_NOMEM : 0;
    }
    }
}

static void person_change(http_req *r, const uint64_t *ids, int op)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    person_arg a = {.op = op, .pid = op >= 2 ? ids[1] : 0};
    json_t *body = NULL;
    if (op != 3) {
        if (!(body = json_in_body_object(r)))
            return;
        if (!(a.person = case_person_in(r, body, NULL, op != 0))) {
            json_decref(body);
            return;
        }
    }
    case_update u = {.r = r, .id = ids[0], .apply = apply_person, .arg = &a,
                     .action = op == 0 ? "case_principal_updated" : "case_dependants_updated"};
    case_update_run(&u);
    json_decref(a.person);
    json_decref(body);
}

void h_case_principal(http_req *r, const uint64_t *ids) { person_change(r, ids, 0); }
void h_case_dependant_add(http_req *r, const uint64_t *ids) { person_change(r, ids, 1); }
void h_case_dependant_put(http_req *r, const uint64_t *ids) { person_change(r, ids, 2); }
void h_case_dependant_delete(http_req *r, const uint64_t *ids) { person_change(r, ids, 3); }

/* ---- allocation ---- */

typedef struct {
    uint64_t worker;
    json_t *team; /* string or null; NULL when not given */
} alloc_arg;

static int apply_allocation(case_update *u, json_t *rec)
{
    alloc_arg *a = u->arg;
    if (a->worker) {
        json_t *user;
        int rc = store_user_get(u->s, u->txn, a->worker, &user);
        if (rc && rc != MDB_NOTFOUND)
            return rc;
        int ok = rc == 0 && json_integer_value(json_object_get(user, "org_id")) ==
                                json_integer_value(json_object_get(rec, "council_id"));
        json_decref(user);
        if (!ok)
            return case_refuse(u, 422, "validation_failed", "caseworker_id",
                               "The caseworker must be a user of the case's council.");
    }
    json_object_set_new(rec, "caseworker_id", a->worker ? json_integer((json_int_t)a->worker) : json_null());
    if (a->team)
        json_object_set(rec, "team", a->team);
    return 0;
}

void h_case_allocation(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"caseworker_id", "team", NULL};
    alloc_arg a = {0};
    const char *team;
    if (!json_in_only(r, body, allowed) && !json_in_id(r, body, "caseworker_id", 0, &a.worker) &&
        !json_in_string(r, body, "team", 0, 100, &team)) {
        json_t *t = json_object_get(body, "team");
        if (t)
            a.team = team && *team ? t : json_null();
        case_update u = {.r = r, .id = ids[0], .apply = apply_allocation, .arg = &a, .action = "case_allocated"};
        case_update_run(&u);
    }
    json_decref(body);
}

/* ---- immigration ---- */

/* "Home Office notes" are the Home Office's: a council's save keeps them as they are (it may leave
 * them out, or send them unchanged); a council that tries to change them is refused. */
static int council_keeps_ho_notes(case_update *u, json_t *imm, const json_t *old)
{
    int sent = json_is_true(json_object_get(imm, "_ho_notes_sent"));
    json_object_del(imm, "_ho_notes_sent");
    if (strcmp(u->r->org_kind, "council") != 0)
        return 0;
    json_t *was = json_object_get(old, "ho_notes");
    if (!was)
        was = json_null();
    if (!sent)
        return json_object_set(imm, "ho_notes", was) ? STORE_NOMEM : 0;
    if (!json_equal(json_object_get(imm, "ho_notes"), was))
        return case_refuse(u, 422, "validation_failed", "ho_notes", "Only the Home Office writes the Home Office notes.");
    return 0;
}

static int apply_immigration(case_update *u, json_t *rec)
{
    json_t *imm = json_deep_copy(u->arg);
    json_t *old = json_object_get(rec, "immigration");
    if (!imm)
        return STORE_NOMEM;
    int rc = council_keeps_ho_notes(u, imm, old);
    if (rc) {
        json_decref(imm);
        return rc;
    }
    /* Only record who changed it when something changed. */
    json_object_set(imm, "updated_at", json_get_or_null(old, "updated_at"));
    json_object_set(imm, "updated_by", json_get_or_null(old, "updated_by"));
    if (!json_equal(imm, old)) {
        json_object_set_new(imm, "updated_at", json_string(u->at));
        json_object_set_new(imm, "updated_by", json_integer((json_int_t)u->r->uid));
    }
    /* The HO's save is its status check even when the page was right already; from now on council
     * changes to the case are news for the HO (council update alerts). */
    if (strcmp(u->r->org_kind, "home_office") == 0 && !json_object_get(rec, "ho_checked_at"))
        json_object_set_new(rec, "ho_checked_at", json_string(u->at));
    /* The first known status is kept for the resolution report ("status at referral"). */
    const char *status = json_get_str(imm, "status");
    if (!json_object_get(rec, "status_at_referral") && status && strcmp(status, "unknown") != 0)
        json_object_set_new(rec, "status_at_referral", json_string(status));
    return json_object_set_new(rec, "immigration", imm) ? STORE_NOMEM : 0;
}

void h_case_immigration(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_IMMIGRATION))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    json_t *imm = case_immigration_in(r, body);
    /* Whether the caller sent the notes at all (a council may leave them out); apply_immigration
     * reads this and takes it off again. */
    if (imm && json_object_set_new(imm, "_ho_notes_sent", json_boolean(json_object_get(body, "ho_notes") != NULL))) {
        json_decref(imm);
        imm = NULL;
        http_error(r, 500, "internal", "Out of memory.", NULL);
    }
    if (imm) {
        case_update u = {.r = r, .id = ids[0], .apply = apply_immigration, .arg = imm,
                         .action = "case_immigration_updated"};
        case_update_run(&u);
    }
    json_decref(imm);
    json_decref(body);
}

/* ---- finance ---- */

/* 1 when a validated finance page records nothing (every value null, no other costs). */
static int case_finance_empty(const json_t *fin)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)fin, k, v) if (!json_is_null(v) && !(json_is_array(v) && !json_array_size(v))) return 0;
    return 1;
}

static int apply_finance(case_update *u, json_t *rec)
{
    json_t *fin = json_deep_copy(u->arg);
    json_t *old = json_object_get(rec, "finance");
    if (!json_is_object(old) && case_finance_empty(fin)) {
        json_decref(fin); /* nothing recorded and nothing given: no change, no history */
        return 0;
    }
    /* A closed case never gets here (case_update refuses it with case_closed). */
    const char *start = json_get_str(fin, "support_start_date");
    json_object_set_new(rec, "status", json_string(start ? "open_supported" : "open_referral"));
    json_object_set(fin, "updated_at", json_is_object(old) ? json_object_get(old, "updated_at") : json_null());
    if (!json_equal(fin, old))
        json_object_set_new(fin, "updated_at", json_string(u->at));
    return json_object_set_new(rec, "finance", fin) ? STORE_NOMEM : 0;
}

void h_case_finance(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    json_t *fin = case_finance_in(r, body);
    if (fin) {
        case_update u = {.r = r, .id = ids[0], .apply = apply_finance, .arg = fin, .action = "case_finance_updated"};
        case_update_run(&u);
    }
    json_decref(fin);
    json_decref(body);
}

/* ---- closure and reopening ---- */

static int apply_close(case_update *u, json_t *rec)
{
    json_t *closure = json_deep_copy(u->arg);
    if (json_get_str_is(rec, "status", "closed")) {
        json_decref(closure);
        return case_refuse(u, 422, "validation_failed", NULL, "The case is closed already.");
    }
    json_t *fin = json_object_get(rec, "finance");
    const char *start = json_get_str(fin, "support_start_date"), *date = json_get_str(closure, "closure_date");
    /* A case cannot end before the council took it on; the reports would count it closed before it
     * was referred (a negative duration). */
    char referral[11];
    case_referral_date(rec, referral);
    if (referral[0] && strcmp(date, referral) < 0) {
        json_decref(closure);
        return case_refuse(u, 422, "validation_failed", "closure_date", "The closure date is before the referral date.");
    }
    /* Nor, after a transfer, before this council took it over: neither council's reports would count
     * a closure in the sending council's time. */
    const char *moved_in = json_get_str(rec, "transferred_in_on");
    if (moved_in && strcmp(date, moved_in) < 0) {
        json_decref(closure);
        return case_refuse(u, 422, "validation_failed", "closure_date",
                           "The closure date is before the case was transferred to this council.");
    }
    if (start && strcmp(date, start) < 0) {
        json_decref(closure);
        return case_refuse(u, 422, "validation_failed", "closure_date",
                           "The closure date is before financial support started.");
    }
    const char *end = json_get_str(fin, "support_end_date");
    if (start && end && strcmp(date, end) < 0) {
        json_decref(closure);
        return case_refuse(u, 422, "validation_failed", "closure_date",
                           "The closure date is before the last day of support (the support end date).");
    }
    /* For a supported case the closure date is the last day of support; remember that we set it, so
     * that reopening clears only what closing filled in. */
    if (json_is_object(fin) && start && !end) {
        json_object_set_new(fin, "support_end_date", json_string(date));
        json_object_set_new(closure, "set_support_end", json_true());
    }
    json_object_set_new(closure, "closed_at", json_string(u->at));
    json_object_set_new(closure, "closed_by", json_integer((json_int_t)u->r->uid));
    json_object_set_new(rec, "closure", closure);
    json_object_set_new(rec, "status", json_string("closed"));
    return 0;
}

void h_case_close(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    json_t *closure = case_closure_in(r, body);
    if (closure) {
        case_update u = {.r = r, .id = ids[0], .apply = apply_close, .arg = closure, .action = "case_closed"};
        case_update_run(&u);
    }
    json_decref(closure);
    json_decref(body);
}

static int apply_reopen(case_update *u, json_t *rec)
{
    json_t *closure = json_object_get(rec, "closure");
    if (!json_get_str_is(rec, "status", "closed") || !json_is_object(closure))
        return case_refuse(u, 422, "validation_failed", NULL, "The case is not closed.");
    json_t *fin = json_object_get(rec, "finance");
    if (json_is_true(json_object_get(closure, "set_support_end")) && json_is_object(fin))
        json_object_set_new(fin, "support_end_date", json_null());
    json_t *prev = json_object_get(rec, "previous_closures");
    if (!json_is_array(prev)) {
        prev = json_array();
        json_object_set_new(rec, "previous_closures", prev);
    }
    json_t *entry = json_deep_copy(closure);
    json_object_set_new(entry, "reopened_at", json_string(u->at));
    json_object_set_new(entry, "reopened_by", json_integer((json_int_t)u->r->uid));
    json_object_set_new(entry, "id", json_integer((json_int_t)json_array_size(prev) + 1));
    json_array_append_new(prev, entry);
    json_object_set_new(rec, "closure", json_null());
    json_object_set_new(rec, "status", json_string(json_get_str(fin, "support_start_date") ? "open_supported" : "open_referral"));
    /* Reopening a case marked by mistake unmarks it: it leaves the Network's removal list (the
     * history keeps the mark; the work moved to the survivor stays there). */
    json_object_del(rec, "duplicate_of");
    json_object_del(rec, "duplicate_marked_at");
    json_object_del(rec, "duplicate_marked_by");
    return 0;
}

void h_case_reopen(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    case_update u = {.r = r, .id = ids[0], .apply = apply_reopen, .action = "case_reopened"};
    case_update_run(&u);
}

/* ---- history ---- */

void h_case_history(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_READ))
        return;
    size_t limit;
    if (h_limit(r, &limit))
        return;
    uint64_t before;
    MDB_txn *txn;
    json_t *rec, *items = NULL;
    if (h_cursor_id(r, &before) || case_read_begin(r, ids[0], &txn, &rec))
        return;
    uint64_t next = 0;
    size_t total = 0;
    int rc = store_case_history_list(r->st, txn, ids[0], before, limit, &items, &next, &total);
    size_t i;
    json_t *row;
    if (rc == 0)
        json_array_foreach(items, i, row) {
            json_object_set_new(row, "by", case_user_ref(r->st, txn, json_object_get(row, "by")));
            json_object_del(row, "seq");
        }
    store_read_end(r->st, txn);
    json_decref(rec);
    if (rc) {
        http_store_error(r, rc);
    } else {
        audit_queue_add(r->now, r->uid, r->org_id, "case_history_viewed", ids[0]);
        http_reply(r, 200, h_list_page(json_incref(items), next, total));
    }
    json_decref(items);
}
