/* h_home.c - the home page's counters (fcgi/API.md "Home page"): every number is a stored counter or
 * a sum over at most one counter per distinct date, never a scan of cases. */
#include "handlers.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "disclosure_access.h"
#include "nino_batch.h"
#include "params.h"
#include "store_case.h"
#include "store_org.h"
#include "store_retention.h"
#include "uk_time.h"
#include "work.h"

typedef struct {
    store *s;
    MDB_txn *txn;
    json_t *counters;
    int rc;
} home;

static void put(home *h, const char *name, uint64_t n)
{
    if (!h->rc && json_object_set_new(h->counters, name, json_integer((json_int_t)n)))
        h->rc = STORE_NOMEM;
}

static void bucket(home *h, const char *name, uint64_t scope, char side, char b, uint64_t worker)
{
    uint64_t n = 0;
    if (!h->rc)
        h->rc = store_work_count(h->s, h->txn, scope, side, b, worker, &n);
    put(h, name, n);
}

static void status(home *h, const char *name, uint64_t scope, uint64_t worker)
{
    uint64_t n = 0;
    char v[64];
    if (worker)
        snprintf(v, sizeof v, "%" PRIu64 ":%s", worker, name);
    if (!h->rc)
        h->rc = store_case_count(h->s, h->txn, scope, worker ? FACET_MINE_STATUS : FACET_STATUS, worker ? v : name, &n);
    put(h, name, n);
}

/* Open cases whose support started 1,000 or more days ago: of a council (scope), of one caseworker,
 * or national (scope 0, for the HO); a sum over the dated counters, whatever the number of cases. */
static void thousand_day(home *h, const http_req *r, uint64_t scope, uint64_t worker)
{
    uint64_t n = 0;
    char cutoff[11], prefix[32] = "";
    uk_date_minus_days(r->now, 1000, cutoff);
    if (worker)
        snprintf(prefix, sizeof prefix, "%" PRIu64 ":", worker);
    if (!h->rc)
        h->rc = store_count_dated(h->s, h->txn, scope, worker ? DATED_MINE_SUPPORT_START : DATED_SUPPORT_START, prefix,
                                  cutoff, &n);
    put(h, "thousand_day", n);
}

/* The window of the counter: GET /api/retention/due's default `within`. */
#define RETENTION_HOME_DAYS 90

static int count_due(const retention_due_row *row, void *ctx)
{
    (void)row;
    ++*(uint64_t *)ctx;
    return 0;
}

/* A council admin's closed cases (the whole council's, held or not) due for destruction within the
 * next 90 days, as GET /api/retention/due lists them: one walk over the council's fixed-layout facts
 * rows (no case record is read), so it is asked for only by the admins who manage retention. */
static void retention_due(home *h, uint64_t council, const char *today)
{
    uint64_t n = 0;
    long day = calendar_day(today);
    if (!h->rc && day != CALENDAR_NO_DAY)
        h->rc = store_retention_due_each(h->s, h->txn, council, day + RETENTION_HOME_DAYS, count_due, &n);
    put(h, "retention_due", n);
}

static void council_counters(home *h, http_req *r, uint64_t worker, const char *today)
{
    uint64_t scope = r->org_id, overdue = 0, due_today = 0;
    bucket(h, "immigration_update", scope, WORK_SIDE_COUNCIL, 'i', worker);
    bucket(h, "query_responses", scope, WORK_SIDE_COUNCIL, 'r', worker);
    bucket(h, "new_ho_queries", scope, WORK_SIDE_COUNCIL, 'h', worker);
    bucket(h, "closure_required", scope, WORK_SIDE_COUNCIL, 'c', worker);
    bucket(h, "final_outcome", scope, WORK_SIDE_COUNCIL, 'f', worker);
    bucket(h, "support_ended", scope, WORK_SIDE_COUNCIL, 's', worker);
    bucket(h, "nino_result", scope, WORK_SIDE_COUNCIL, 'b', worker);
    status(h, "open_referral", scope, worker);
    status(h, "open_supported", scope, worker);
    thousand_day(h, r, scope, worker);
    if (!h->rc)
        h->rc = store_work_due_counts(h->s, h->txn, scope, WORK_SIDE_COUNCIL, worker, today, &overdue, &due_today);
    put(h, "overdue", overdue);
    put(h, "due_today", due_today);
    if (r->is_admin)
        retention_due(h, scope, today);
}

static int by_name(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const char *nx = json_get_str_or(json_object_get(x, "council"), "name", "");
    const char *ny = json_get_str_or(json_object_get(y, "council"), "name", "");
    return strcmp(nx, ny);
}

/* The HO's table of councils with something due today or overdue, by council name. */
static json_t *by_council(home *h, const char *today)
{
    json_t *rows;
    if (h->rc || (h->rc = store_work_due_by_council(h->s, h->txn, WORK_SIDE_HO, today, &rows)))
        return NULL;
    size_t n = json_array_size(rows), i;
    json_t **v = calloc(n ? n : 1, sizeof *v);
    json_t *out = json_array();
    if (!v || !out) {
        h->rc = STORE_NOMEM;
        free(v);
        json_decref(out);
        json_decref(rows);
        return NULL;
    }
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *org = NULL;
        json_int_t id = json_integer_value(json_object_get(row, "council_id"));
        unsigned char key[8];
        store_key_u64(key, (uint64_t)id);
        static const char *const name_only[] = {"name", NULL}; /* one member of each council's record */
        json_t *name = store_json_get_members(h->s, h->txn, DB_ORGS, key, 8, name_only, &org) == 0
                           ? json_object_get(org, "name")
                           : NULL;
        v[i] = json_pack("{s:{s:I,s:O},s:O,s:O}", "council", "id", id, "name", name ? name : json_null(), "overdue",
                         json_object_get(row, "overdue"), "due_today", json_object_get(row, "due_today"));
        json_decref(org);
        if (!v[i])
            h->rc = STORE_NOMEM;
    }
    if (!h->rc)
        qsort(v, n, sizeof *v, by_name);
    for (i = 0; i < n; i++)
        if (v[i] && json_array_append_new(out, v[i]))
            h->rc = STORE_NOMEM;
    free(v);
    json_decref(rows);
    return out;
}

void h_home(http_req *r, const uint64_t *ids)
{
    (void)ids;
    /* One flag: the table writes it straight into `mine` (offset 0). */
    static const param_field fields[] = {{.name = "mine", .type = PARAM_BOOL, .message = "mine takes 1 or 0."}};
    int mine;
    if (params_query(r, fields, PARAMS_COUNT(fields), &mine))
        return;
    char today[11];
    uk_date(r->now, today);
    home h = {.s = r->st, .counters = json_object()};
    if (!h.counters || (h.rc = store_read_begin(r->st, &h.txn))) {
        json_decref(h.counters);
        http_store_error(r, h.rc ? h.rc : STORE_NOMEM);
        return;
    }
    json_t *body = NULL;
    char side = work_side_of(r);
    if (side == WORK_SIDE_COUNCIL) {
        council_counters(&h, r, mine ? r->uid : 0, today);
        body = json_pack("{s:s,s:b,s:s,s:O}", "side", "council", "mine", mine, "today", today, "counters", h.counters);
    } else if (side == WORK_SIDE_HO) {
        uint64_t overdue = 0, due_today = 0;
        bucket(&h, "new_case", 0, WORK_SIDE_HO, 'n', 0);
        bucket(&h, "council_update", 0, WORK_SIDE_HO, 'u', 0);
        bucket(&h, "case_closed", 0, WORK_SIDE_HO, 'x', 0);
        bucket(&h, "case_reopened", 0, WORK_SIDE_HO, 'o', 0);
        bucket(&h, "queries_awaiting_ho", 0, WORK_SIDE_HO, 'q', 0);
        thousand_day(&h, r, 0, 0);
        if (!h.rc)
            h.rc = store_work_due_counts(h.s, h.txn, 0, WORK_SIDE_HO, 0, today, &overdue, &due_today);
        put(&h, "overdue", overdue);
        put(&h, "due_today", due_today);
        json_t *table = by_council(&h, today), *disclosures = NULL, *nino = NULL;
        if (!h.rc)
            h.rc = disclosure_home_counts(h.s, h.txn, r, today, &disclosures);
        if (!h.rc)
            h.rc = nino_home_counts(h.s, h.txn, r->now, &nino);
        if (table && disclosures && nino)
            body = json_pack("{s:s,s:b,s:s,s:O,s:o,s:o,s:o}", "side", "ho", "mine", 0, "today", today, "counters",
                             h.counters, "by_council", table, "disclosures", disclosures, "nino", nino);
        else
            json_decref(table), json_decref(disclosures), json_decref(nino);
    } else if (strcmp(r->org_kind, "partner") == 0) {
        /* A partner department sees no case figures at all: only its disclosure requests. */
        json_t *disclosures = NULL, *nino = NULL;
        h.rc = disclosure_home_counts(h.s, h.txn, r, today, &disclosures);
        /* The NINo partner's designated users also see their batches' clock. */
        if (!h.rc && nino_designated(r))
            h.rc = nino_home_counts(h.s, h.txn, r->now, &nino);
        if (disclosures)
            body = json_pack("{s:s,s:b,s:s,s:{},s:o}", "side", "partner", "mine", 0, "today", today, "counters",
                             "disclosures", disclosures);
        if (body && nino && json_object_set_new(body, "nino", nino))
            h.rc = STORE_NOMEM;
        else if (!body)
            json_decref(nino);
    } else {
        status(&h, "open_referral", 0, 0);
        status(&h, "open_supported", 0, 0);
        status(&h, "closed", 0, 0);
        body = json_pack("{s:s,s:b,s:s,s:O}", "side", "network", "mine", 0, "today", today, "counters", h.counters);
    }
    store_read_end(r->st, h.txn);
    json_decref(h.counters);
    if (h.rc) {
        json_decref(body);
        http_store_error(r, h.rc);
    } else {
        http_reply(r, 200, body);
    }
}
