/* h_nino_closures.c - office closure days for the NINo batch clock (fcgi/API.md "NINo tracing"):
 * an HO or NINo partner admin adds or removes a day of their own organisation; the due instants of
 * the batches still waiting for results follow at once. */
#include "handlers.h"
#include "json_get.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access_refusal.h"
#include "calendar.h"
#include "json_in.h"
#include "nino_batch.h"
#include "params.h"
#include "store_audit.h"
#include "store_nino.h"
#include "uk_time.h"

#define CLOSURE_REASON_MAX 200

static int may_read(http_req *r)
{
    if (strcmp(r->org_kind, "home_office") == 0 || nino_partner_org(r))
        return 1;
    access_forbidden(r, "Only the Home Office and the NINo partner see office closure days.", NULL);
    return 0;
}

static int may_change(http_req *r)
{
    if ((strcmp(r->org_kind, "home_office") == 0 || nino_partner_org(r)) && r->is_admin)
        return 1;
    access_forbidden(r, "Only an administrator of the Home Office or the NINo partner records office closure days.", NULL);
    return 0;
}

void h_nino_closures_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!may_read(r))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *items;
    int rc = store_nino_closures_of(r->st, txn, r->org_id, &items);
    store_read_end(r->st, txn);
    if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, json_pack("{s:o}", "items", items));
}

typedef struct {
    http_req *r;
    const char *day, *reason, *at;
    int add;
    int missing; /* out: removing a day that is not recorded */
    size_t moved; /* out: batches whose due instant moved */
} closure_ctx;

typedef struct {
    store *s;
    MDB_txn *txn;
    size_t moved;
    json_t *changed; /* [[old, new]…]: written after the walk (it reads the index being walked) */
} redue_ctx;

static int redue_one(const json_t *b, void *arg)
{
    redue_ctx *c = arg;
    const char *received = json_get_str(b, "received_at");
    if (!received)
        return 0;
    struct tm tm = {0};
    if (sscanf(received, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        return STORE_CORRUPT;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    char due[21];
    int beyond = 0;
    int rc = nino_due(c->s, c->txn, (int64_t)timegm(&tm), due, &beyond);
    if (rc || strcmp(due, json_get_str_or(b, "due", "")) == 0)
        return rc;
    json_t *neu = json_deep_copy(b);
    if (!neu || json_object_set_new(neu, "due", json_string(due)) ||
        json_object_set_new(neu, "due_beyond", json_boolean(beyond))) {
        json_decref(neu);
        return STORE_NOMEM;
    }
    /* json_pack takes neu even when it fails, and json_array_append_new the pair even when it fails:
     * neither is ours to free afterwards. */
    return json_array_append_new(c->changed, json_pack("[O,o]", b, neu)) ? STORE_NOMEM : 0;
}

static int closure_write(store *s, MDB_txn *txn, void *arg)
{
    closure_ctx *c = arg;
    c->missing = 0;
    c->moved = 0;
    int rc;
    if (c->add) {
        json_t *rec = json_pack("{s:s,s:I}", "at", c->at, "by", (json_int_t)c->r->uid);
        if (!rec || (c->reason && json_object_set_new(rec, "reason", json_string(c->reason)))) {
            json_decref(rec);
            return STORE_NOMEM;
        }
        rc = store_nino_closure_set(s, txn, c->r->org_id, c->day, rec, 1);
        json_decref(rec);
    } else {
        rc = store_nino_closure_set(s, txn, c->r->org_id, c->day, NULL, 0);
        if (rc == MDB_NOTFOUND) {
            c->missing = 1;
            return rc;
        }
    }
    redue_ctx rd = {.s = s, .txn = txn, .changed = json_array()};
    if (!rc && !rd.changed)
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_nino_open_each(s, txn, redue_one, &rd);
    size_t i;
    json_t *pair;
    json_array_foreach(rd.changed, i, pair) {
        if (rc)
            break;
        rc = store_nino_put(s, txn, json_array_get(pair, 0), json_array_get(pair, 1));
        c->moved++;
    }
    json_decref(rd.changed);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id,
                             c->add ? "nino_closure_added" : "nino_closure_removed", 0);
    return rc;
}

static void closure_run(http_req *r, closure_ctx *c, int ok_status)
{
    char at[21];
    http_iso_time(r->now, at);
    c->at = at;
    c->r = r;
    int rc = store_write(r->st, closure_write, c);
    if (rc == MDB_NOTFOUND && c->missing)
        http_error(r, 404, "not_found", "No office closure is recorded on that day.", NULL);
    else if (rc)
        http_store_error(r, rc);
    else if (ok_status == 204)
        http_reply_empty(r, 204);
    else
        http_reply(r, ok_status, json_pack("{s:s,s:s?,s:I}", "date", c->day, "reason", c->reason, "batches_moved",
                                           (json_int_t)c->moved));
}

typedef struct {
    const char *date, *reason;
} closure_in;

void h_nino_closure_add(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!may_change(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const param_field fields[] = {
        {.name = "date", .type = PARAM_DATE, .required = 1, .offset = offsetof(closure_in, date)},
        {.name = "reason", .type = PARAM_TEXT, .max_chars = CLOSURE_REASON_MAX, .offset = offsetof(closure_in, reason)},
    };
    closure_in in = {0};
    if (!params_json(r, body, NULL, fields, PARAMS_COUNT(fields), &in)) {
        closure_ctx c = {.day = in.date, .reason = in.reason && *in.reason ? in.reason : NULL, .add = 1};
        closure_run(r, &c, 201);
    }
    json_decref(body);
}

/* DELETE /api/nino/closures/{YYYYMMDD}: the route's id is the day written without dashes. */
void h_nino_closure_delete(http_req *r, const uint64_t *ids)
{
    if (!may_change(r))
        return;
    char day[11], digits[24];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)ids[0]);
    if (strlen(digits) != 8) {
        http_error(r, 404, "not_found", "No office closure is recorded on that day.", NULL);
        return;
    }
    snprintf(day, sizeof day, "%.4s-%.2s-%.2s", digits, digits + 4, digits + 6);
    if (calendar_day(day) == CALENDAR_NO_DAY) {
        http_error(r, 404, "not_found", "No office closure is recorded on that day.", NULL);
        return;
    }
    closure_ctx c = {.day = day, .add = 0};
    closure_run(r, &c, 204);
}
