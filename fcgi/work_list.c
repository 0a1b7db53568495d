/* work_list.c - listing open alerts and queries, and a case's items. */
#include "work_list.h"

#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_access.h"
#include "handlers.h"
#include "store_case.h"
#include "uk_time.h"
#include "work.h"

/* 1 for "1"/"true", 0 for absent/""/"0"/"false", -1 for anything else. */
static int flag(const char *v)
{
    if (!v || !*v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        return 0;
    return strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ? 1 : -1;
}

/* The bucket a list asks for: ?type= (alerts) or ?bucket= (queries), and ?to= (alerts). 0 and an
 * answered error when the value is unknown. */
static char list_bucket(http_req *r, char kind, char *side)
{
    char *type = http_query_get(r, kind == WORK_ALERT ? "type" : "bucket"), *to = http_query_get(r, "to");
    char bucket = kind == WORK_ALERT ? 'A' : 'Q';
    const char *bad = NULL;
    if (to && *to) {
        if (strcmp(to, "ho") == 0)
            *side = WORK_SIDE_HO;
        else if (strcmp(to, "council") == 0)
            *side = WORK_SIDE_COUNCIL;
        else
            bad = "to";
    }
    if (type && *type && kind == WORK_ALERT) {
        bucket = store_work_alert_bucket(type);
        if (!bucket)
            bad = "type";
        else
            *side = strchr("nux", bucket) ? WORK_SIDE_HO : WORK_SIDE_COUNCIL;
    } else if (type && *type) {
        static const char *const names[] = {"responses", "new", "awaiting_ho"};
        static const char codes[] = "rhq";
        bucket = 0;
        for (int i = 0; i < 3; i++)
            if (strcmp(type, names[i]) == 0)
                bucket = codes[i];
        if (!bucket)
            bad = "bucket";
        else
            *side = bucket == 'q' ? WORK_SIDE_HO : WORK_SIDE_COUNCIL;
    }
    free(type);
    free(to);
    if (bad) {
        http_error(r, 400, "invalid_field", "This filter value is not recognised.", bad);
        return 0;
    }
    return bucket;
}

void work_list_run(http_req *r, char kind)
{
    char side = work_side_of(r);
    if (!side) {
        access_forbidden(r, "The Network sees no case data.", NULL);
        return;
    }
    work_list_query q = {.side = side, .scope = side == WORK_SIDE_HO ? 0 : r->org_id};
    char today[11];
    uk_date(r->now, today);
    q.today = today;
    if (h_limit(r, &q.limit) || h_cursor_id(r, &q.before) || !(q.bucket = list_bucket(r, kind, &q.side)))
        return;
    char *mine = http_query_get(r, "mine"), *overdue = http_query_get(r, "overdue"), *due = http_query_get(r, "due"),
         *council = http_query_get(r, "council"), *state = http_query_get(r, "state");
    const char *bad = NULL;
    q.kind = kind;
    if (state && *state && strcmp(state, "open") != 0) {
        if (strcmp(state, "closed") == 0)
            q.state = WORK_STATE_CLOSED;
        else if (strcmp(state, "all") == 0)
            q.state = WORK_STATE_ALL;
        else
            bad = "state";
        /* A query's bucket says whom it awaits: only open queries have one, so it does not apply. */
        if (kind == WORK_QUERY) {
            q.bucket = 'Q';
            q.side = 0;
        }
    }
    int m = flag(mine), o = flag(overdue);
    if (m < 0)
        bad = "mine";
    else if (m)
        q.worker = r->uid;
    if (o < 0)
        bad = "overdue";
    else if (o)
        q.due = WORK_DUE_OVERDUE;
    if (due && *due) {
        if (strcmp(due, "today") == 0 && !o)
            q.due = WORK_DUE_TODAY;
        else
            bad = "due";
    }
    if (council && *council) {
        uint64_t id = h_parse_id(council);
        if (!id)
            bad = "council";
        else if (side == WORK_SIDE_HO)
            q.scope = id;
        else if (id != r->org_id)
            q.scope = UINT64_MAX; /* another council's: nothing */
    }
    free(mine);
    free(overdue);
    free(due);
    free(council);
    free(state);
    if (bad) {
        http_error(r, 400, "invalid_field", "This filter value is not recognised.", bad);
        return;
    }
    uint64_t *found = calloc(q.limit, sizeof *found);
    json_t *items = json_array();
    MDB_txn *txn = NULL;
    int rc = found && items ? store_read_begin(r->st, &txn) : STORE_NOMEM;
    size_t n = 0, total = 0;
    uint64_t next = 0;
    if (!rc)
        rc = store_work_list(r->st, txn, &q, found, &n, &total, &next);
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *item;
        if ((rc = store_work_get(r->st, txn, kind, found[i], &item)))
            break;
        json_t *v = kind == WORK_ALERT ? work_alert_view(r->st, txn, item, today)
                                       : work_query_view(r->st, txn, item, today, 0);
        json_decref(item);
        if (!v || json_array_append_new(items, v))
            rc = STORE_NOMEM;
    }
    if (txn)
        store_read_end(r->st, txn);
    if (rc) {
        http_store_error(r, rc);
        json_decref(items);
    } else {
        http_reply(r, 200, h_list_page(items, next, total));
    }
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
