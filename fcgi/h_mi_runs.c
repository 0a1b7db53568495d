/* h_mi_runs.c - the Home Office's weekly MI report runs (fcgi/API.md "MI report runs"): an HO admin
 * records each one, and recording it starts the final outcome clock of the decisions it covers. */
#include "handlers.h"
#include "json_get.h"

#include <stddef.h>
#include <string.h>

#include "access_refusal.h"
#include "json_in.h"
#include "params.h"
#include "store_audit.h"
#include "store_mi_run.h"
#include "uk_time.h"
#include "work.h"

static int ho_admin(http_req *r)
{
    if (r->is_admin && strcmp(r->org_kind, "home_office") == 0)
        return 1;
    access_forbidden(r, "A Home Office admin records the MI report runs.", NULL);
    return 0;
}

/* GET: every run, newest first (a few dozen a year: no paging). */
void h_mi_runs_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!ho_admin(r))
        return;
    MDB_txn *txn;
    int rc = store_read_begin(r->st, &txn);
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    json_t *items = NULL;
    rc = store_mi_run_list(r->st, txn, &items);
    store_read_end(r->st, txn);
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    http_reply(r, 200, json_pack("{s:o}", "items", items));
}

typedef struct {
    http_req *r;
    const char *date, *at;
    size_t updated;
    json_t *view;
} run_ctx;

static int run_write(store *s, MDB_txn *txn, void *arg)
{
    run_ctx *c = arg;
    json_decref(c->view);
    c->view = NULL;
    json_t *rec = json_pack("{s:s,s:s,s:I}", "date", c->date, "recorded_at", c->at, "recorded_by", (json_int_t)c->r->uid);
    if (!rec)
        return STORE_NOMEM;
    int rc = store_mi_run_add(s, txn, rec);
    if (!rc) {
        work_ctx w;
        work_ctx_init(&w, c->r, s, txn, c->at);
        rc = work_mi_run_recorded(&w, &c->updated);
        work_ctx_done(&w);
    }
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, "mi_run_recorded", 0);
    if (!rc && (json_object_set_new(rec, "alerts_updated", json_integer((json_int_t)c->updated))))
        rc = STORE_NOMEM;
    if (rc)
        json_decref(rec);
    else
        c->view = rec;
    return rc;
}

/* POST {"date"}: one run a date, not in the future (a run is recorded once it has happened). */
void h_mi_run_add(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!ho_admin(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    typedef struct {
        const char *date;
    } run_body;
    static const param_field fields[] = {
        {.name = "date", .type = PARAM_DATE, .required = 1, .offset = offsetof(run_body, date)},
    };
    run_body b = {0};
    if (params_json(r, body, NULL, fields, PARAMS_COUNT(fields), &b)) {
        json_decref(body);
        return;
    }
    char today[11], at[21];
    uk_date(r->now, today);
    if (strcmp(b.date, today) > 0) {
        http_error(r, 422, "validation_failed", "The run cannot be in the future.", "date");
        json_decref(body);
        return;
    }
    http_iso_time(r->now, at);
    run_ctx c = {.r = r, .date = b.date, .at = at};
    int rc = store_write(r->st, run_write, &c);
    if (rc == MDB_KEYEXIST)
        http_error(r, 409, "conflict", "A run on that date is recorded already.", "date");
    else if (rc)
        http_store_error(r, rc);
    else {
        http_reply(r, 201, c.view);
        c.view = NULL;
    }
    json_decref(c.view);
    json_decref(body);
}
