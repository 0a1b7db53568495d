/* case_update.c - loading, changing, storing and answering for one case. */
#include "case_update.h"
#include "access_refusal.h"
#include "case_access.h"

#include <stdio.h>
#include <string.h>

#include "case_view.h"
#include "json_get.h"
#include "store_audit.h"
#include "store_case.h"
#include "work.h"

int case_refuse(case_update *u, int status, const char *code, const char *field, const char *message)
{
    u->err_status = status;
    u->err_code = code;
    u->err_field = field;
    snprintf(u->err_message, sizeof u->err_message, "%s", message);
    u->missing_kind = NULL;
    return CASE_REFUSED;
}

int case_refuse_missing(case_update *u, const char *kind, uint64_t id, const char *message)
{
    case_refuse(u, 404, "not_found", NULL, message);
    u->missing_kind = kind;
    u->missing_id = id;
    return CASE_REFUSED;
}

/* A closed case is frozen until its council reopens it (fcgi/API.md "Closing and reopening"): only
 * what the SLA still expects after closure (the HO's final outcome), reopening itself, reallocation,
 * and the record of information given to the person pass. Closing again is refused by apply_close. */
static int allowed_when_closed(const char *action)
{
    static const char *const allowed[] = {"case_reopened", "case_closed", "case_final_outcome", "case_allocated",
                                          "case_shared_with_person_recorded", NULL};
    for (int i = 0; allowed[i]; i++)
        if (strcmp(action, allowed[i]) == 0)
            return 1;
    return 0;
}

int case_refuse_closed(case_update *u)
{
    return case_refuse(u, 422, "case_closed", NULL, CASE_CLOSED_MESSAGE);
}

static int update_write(store *s, MDB_txn *txn, void *arg)
{
    case_update *u = arg;
    u->s = s;
    u->txn = txn;
    u->err_status = 0;
    u->missing_kind = NULL;
    json_decref(u->err_extra);
    json_decref(u->result);
    u->err_extra = u->result = NULL;
    json_t *old;
    int rc = store_case_get(s, txn, u->id, &old);
    if (rc)
        return rc;
    if (!case_in_scope(u->r, old)) {
        json_decref(old);
        return MDB_NOTFOUND;
    }
    json_t *rec = json_deep_copy(old);
    if (!rec) {
        json_decref(old);
        return STORE_NOMEM;
    }
    if (json_get_str_is(old, "status", "closed") && !allowed_when_closed(u->action))
        rc = case_refuse_closed(u);
    else
        rc = u->apply(u, rec);
    store_case_strip_nulls(rec);
    if (!rc && !json_equal(old, rec)) {
        json_object_set_new(rec, "updated_at", json_string(u->at));
        json_object_set_new(rec, "updated_by", json_integer((json_int_t)u->r->uid));
        rc = store_case_put(s, txn, old, rec);
        if (!rc)
            rc = store_case_history_diff(s, txn, u->id, old, rec, u->at, u->r->uid);
        if (!rc)
            rc = store_audit_add(s, txn, u->at, u->r->uid, u->r->org_id, u->action, u->id);
        if (!rc) {
            work_ctx w;
            work_ctx_init(&w, u->r, s, txn, u->at);
            rc = work_case_changed(&w, u->action, old, rec);
            if (!rc && u->want_alert && w.raised && !(u->result = work_alert_view(s, txn, w.raised, w.today)))
                rc = STORE_NOMEM;
            work_ctx_done(&w);
        }
    }
    if (!rc && !u->result) {
        u->result = case_view_take(s, txn, rec);
        rec = NULL;
        if (!u->result)
            rc = STORE_NOMEM;
    }
    json_decref(old);
    json_decref(rec);
    return rc;
}

void case_update_run(case_update *u)
{
    char at[21];
    http_iso_time(u->r->now, at);
    u->at = at;
    int rc = store_write(u->r->st, update_write, u);
    if (rc == CASE_REFUSED && u->missing_kind) {
        access_not_found(u->r, u->missing_kind, u->missing_id, u->err_message, NULL);
    } else if (rc == CASE_REFUSED) {
        json_t *body = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", u->err_code, "message", u->err_message,
                                 "field", u->err_field ? json_string(u->err_field) : json_null());
        if (body && u->err_extra)
            json_object_update(json_object_get(body, "error"), u->err_extra);
        http_reply(u->r, u->err_status, body);
    } else if (rc == MDB_NOTFOUND) {
        access_not_found(u->r, "case", u->id, "No such case.", NULL);
    } else if (rc) {
        http_store_error(u->r, rc);
    } else {
        http_reply(u->r, u->ok_status ? u->ok_status : 200, u->result);
        u->result = NULL;
    }
    json_decref(u->err_extra);
    json_decref(u->result);
    u->err_extra = u->result = NULL;
}
