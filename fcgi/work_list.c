/* work_list.c - listing open alerts and queries, and a case's items. */
#include "work_list.h"

#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_access.h"
#include "handlers.h"
#include "params.h"
#include "store_case.h"
#include "uk_time.h"
#include "work.h"
#include "work_view_text.h"

/* GET /api/alerts and GET /api/queries: the query strings, described once (fcgi/API.md "Alerts",
 * "Queries"). The alert types are the API's names of store_work_alert_bucket's buckets. */
typedef struct {
    const char *type, *to, *due, *state;
    uint64_t council, cursor;
    int mine, overdue;
    param_int limit;
} work_list_params;

static const char *const alert_types[] = {"new_case",         "council_update", "case_closed",   "immigration_update",
                                          "closure_required", "final_outcome",  "case_reopened", "support_ended",
                                          "nino_result",      NULL};
static const char *const query_buckets[] = {"responses", "new", "awaiting_ho", NULL};
static const char query_bucket_codes[] = "rhq";
static const char *const sides[] = {"ho", "council", NULL};
static const char *const dues[] = {"today", NULL};
static const char *const states[] = {"open", "closed", "all", NULL};

#define FILTER "This filter value is not recognised."
/* The fields both lists take, after their own ?type= / ?bucket=. */
#define WORK_LIST_COMMON_FIELDS                                                                             \
    {.name = "to", .type = PARAM_ENUM, .values = sides, .offset = offsetof(work_list_params, to),           \
     .message = FILTER},                                                                                    \
    {.name = "mine", .type = PARAM_BOOL, .offset = offsetof(work_list_params, mine), .message = FILTER},    \
    {.name = "overdue", .type = PARAM_BOOL, .offset = offsetof(work_list_params, overdue), .message = FILTER}, \
    {.name = "due", .type = PARAM_ENUM, .values = dues, .offset = offsetof(work_list_params, due),          \
     .message = FILTER},                                                                                    \
    {.name = "council", .type = PARAM_ID, .offset = offsetof(work_list_params, council), .message = FILTER}, \
    {.name = "state", .type = PARAM_ENUM, .values = states, .offset = offsetof(work_list_params, state),    \
     .message = FILTER},                                                                                    \
    PARAM_LIMIT_FIELD(work_list_params, limit), PARAM_CURSOR_FIELD(work_list_params, cursor)

static const param_field alert_list_fields[] = {
    {.name = "type", .type = PARAM_ENUM, .values = alert_types, .offset = offsetof(work_list_params, type),
     .message = FILTER},
    WORK_LIST_COMMON_FIELDS};
static const param_field query_list_fields[] = {
    {.name = "bucket", .type = PARAM_ENUM, .values = query_buckets, .offset = offsetof(work_list_params, type),
     .message = FILTER},
    WORK_LIST_COMMON_FIELDS};

/* The bucket a list asks for (?type= of alerts, ?bucket= of queries, else every open item of the
 * kind) and the side it implies. */
static char list_bucket(const work_list_params *in, char kind, char *side)
{
    if (in->to)
        *side = strcmp(in->to, "ho") == 0 ? WORK_SIDE_HO : WORK_SIDE_COUNCIL;
    if (!in->type)
        return kind == WORK_ALERT ? 'A' : 'Q';
    if (kind == WORK_ALERT) {
        char bucket = store_work_alert_bucket(in->type);
        *side = strchr("nuxo", bucket) ? WORK_SIDE_HO : WORK_SIDE_COUNCIL;
        return bucket;
    }
    char bucket = 0;
    for (int i = 0; query_buckets[i]; i++)
        if (strcmp(in->type, query_buckets[i]) == 0)
            bucket = query_bucket_codes[i];
    *side = bucket == 'q' ? WORK_SIDE_HO : WORK_SIDE_COUNCIL;
    return bucket;
}

void work_list_run(http_req *r, char kind)
{
    char side = work_side_of(r);
    if (!side) {
        access_forbidden(r, "The Network sees no case data.", NULL);
        return;
    }
    work_list_params in;
    if (kind == WORK_ALERT ? params_query(r, alert_list_fields, PARAMS_COUNT(alert_list_fields), &in)
                           : params_query(r, query_list_fields, PARAMS_COUNT(query_list_fields), &in))
        return;
    if (in.due && in.overdue) {
        http_error(r, 400, "invalid_field", "due=today and overdue=1 do not go together.", "due");
        return;
    }
    work_list_query q = {.side = side, .scope = side == WORK_SIDE_HO ? 0 : r->org_id};
    char today[11];
    uk_date(r->now, today);
    q.today = today;
    q.limit = (size_t)in.limit.value;
    q.before = in.cursor;
    q.bucket = list_bucket(&in, kind, &q.side);
    q.kind = kind;
    if (in.state && strcmp(in.state, "open") != 0) {
        q.state = strcmp(in.state, "closed") == 0 ? WORK_STATE_CLOSED : WORK_STATE_ALL;
        /* A query's bucket says whom it awaits: only open queries have one, so it does not apply. */
        if (kind == WORK_QUERY) {
            q.bucket = 'Q';
            q.side = 0;
        }
    }
    if (in.mine)
        q.worker = r->uid;
    if (in.overdue)
        q.due = WORK_DUE_OVERDUE;
    else if (in.due)
        q.due = WORK_DUE_TODAY;
    if (in.council) {
        if (side == WORK_SIDE_HO)
            q.scope = in.council;
        else if (in.council != r->org_id)
            q.scope = UINT64_MAX; /* another council's: nothing */
    }
    uint64_t *found = calloc(q.limit, sizeof *found);
    MDB_txn *txn = NULL;
    int rc = found ? store_read_begin(r->st, &txn) : STORE_NOMEM;
    size_t n = 0, total = 0;
    uint64_t next = 0;
    if (!rc)
        rc = store_work_list(r->st, txn, &q, found, &n, &total, &next);
    /* The rows are written as text from the stored items (work_view_text.h). */
    json_text *out = json_text_thread();
    json_text_lit(out, "{\"items\":[");
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            json_text_lit(out, ",");
        rc = work_view_text(r->st, txn, kind, found[i], today, out);
    }
    if (txn)
        store_read_end(r->st, txn);
    h_list_page_text_end(out, next, total, 0);
    if (!rc && out->failed)
        rc = STORE_NOMEM;
    if (rc)
        http_store_error(r, rc);
    else
        http_reply_bytes(r, 200, "application/json; charset=utf-8", out->p, out->len);
    free(found);
}

void work_case_items(http_req *r, uint64_t case_id, char kind)
{
    if (!work_side_of(r)) {
        access_forbidden(r, "The Network sees no case data.", NULL);
        return;
    }
    MDB_txn *txn;
    json_t *rec, *stored = NULL, *items = json_array();
    if (!items) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return;
    }
    if (case_read_begin(r, case_id, &txn, &rec)) {
        json_decref(items);
        return;
    }
    char today[11];
    uk_date(r->now, today);
    int rc = store_work_of_case(r->st, txn, case_id, kind, &stored);
    size_t i;
    json_t *item;
    if (!rc)
        json_array_foreach(stored, i, item) {
            json_t *v = kind == WORK_ALERT ? work_alert_view(r->st, txn, item, today)
                                           : work_query_view(r->st, txn, item, today, 1);
            if (!v || json_array_append_new(items, v)) {
                rc = STORE_NOMEM;
                break;
            }
        }
    store_read_end(r->st, txn);
    json_decref(rec);
    json_decref(stored);
    if (rc) {
        http_store_error(r, rc);
        json_decref(items);
        return;
    }
    if (kind == WORK_QUERY && json_array_size(items))
        audit_queue_add(r->now, r->uid, r->org_id, "case_queries_viewed", case_id);
    http_reply(r, 200, h_list_page(items, 0, json_array_size(items)));
}
