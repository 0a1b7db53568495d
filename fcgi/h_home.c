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
#include "json_members.h"
#include "json_text.h"
#include "nino_batch.h"
#include "params.h"
#include "ref_text.h"
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

/* A council's row of the HO's table, sorted by the council's name. */
typedef struct {
    work_council_due due;
    const char *name; /* the stored name's characters (in the map), or a decoded copy */
    size_t name_len;
    char *decoded;    /* set when the stored name holds escapes: its decoded copy, freed after */
} table_row;

static int by_name(const void *a, const void *b)
{
    const table_row *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = n ? memcmp(x->name, y->name, n) : 0;
    return c ? c : (x->name_len > y->name_len) - (x->name_len < y->name_len); /* as strcmp orders them */
}

/* The council's name as UTF-8, for the order: read from the stored record without parsing it unless
 * it holds escapes. A council without a record (or a name) sorts as "". */
static int row_name(home *h, table_row *row)
{
    unsigned char key[8];
    store_key_u64(key, row->due.council);
    const void *data;
    size_t len;
    static const char *const name_member[] = {"name"};
    json_slice name;
    if (store_bytes_get(h->s, h->txn, DB_ORGS, key, sizeof key, &data, &len) ||
        json_members_slices(data, len, name_member, 1, &name))
        return 0;
    json_slice body = json_slice_string_body(name);
    if (!body.p)
        return 0;
    if (!memchr(body.p, '\\', body.len)) {
        row->name = body.p;
        row->name_len = body.len;
        return 0;
    }
    json_t *str = json_loadb(name.p, name.len, JSON_DECODE_ANY, NULL);
    if (json_is_string(str) && (row->decoded = strdup(json_string_value(str)))) {
        row->name = row->decoded;
        row->name_len = strlen(row->decoded);
    }
    json_decref(str);
    return row->decoded ? 0 : STORE_NOMEM;
}

/* The HO's table of councils with something due today or overdue, by council name, as the text of
 * the answer's "by_council" member (a hundred councils: written, not built as objects). */
static void by_council_text(home *h, const char *today, json_text *out)
{
    work_council_due *due;
    size_t n;
    if (h->rc || (h->rc = store_work_due_by_council(h->s, h->txn, WORK_SIDE_HO, today, &due, &n)))
        return;
    table_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows)
        h->rc = STORE_NOMEM;
    for (size_t i = 0; !h->rc && i < n; i++) {
        rows[i].due = due[i];
        h->rc = row_name(h, &rows[i]);
    }
    if (!h->rc)
        qsort(rows, n, sizeof *rows, by_name);
    json_text_lit(out, "[");
    for (size_t i = 0; !h->rc && i < n; i++) {
        json_text_lit(out, i ? ",{\"council\":" : "{\"council\":");
        h->rc = ref_text_council(h->s, h->txn, (long long)rows[i].due.council, out);
        json_text_lit(out, ",\"overdue\":");
        json_text_u64(out, rows[i].due.overdue);
        json_text_lit(out, ",\"due_today\":");
        json_text_u64(out, rows[i].due.due_today);
        json_text_lit(out, "}");
    }
    json_text_lit(out, "]");
    for (size_t i = 0; rows && i < n; i++)
        free(rows[i].decoded);
    free(rows);
    free(due);
    if (!h->rc && out->failed)
        h->rc = STORE_NOMEM;
}

/* body with the table's text as its "by_council" member: the object's text with the member put
 * before its closing brace. */
static void reply_with_table(http_req *r, json_t *body, json_text *table)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(body);
    size_t len = text ? strlen(text) : 0;
    if (!text || len < 2 || text[len - 1] != '}') {
        free(text);
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return;
    }
    static const char member[] = ",\"by_council\":";
    const struct iovec parts[] = {{text, len - 1}, {(void *)member, sizeof member - 1}, {table->p, table->len}, {"}", 1}};
    http_reply_parts(r, 200, "application/json; charset=utf-8", parts, sizeof parts / sizeof parts[0]);
    free(text);
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
    json_text *table = NULL;
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
        /* The table is written as text, and the rest (a few members) joined to it below. */
        table = json_text_thread();
        by_council_text(&h, today, table);
        json_t *disclosures = NULL, *nino = NULL;
        if (!h.rc)
            h.rc = disclosure_home_counts(h.s, h.txn, r, today, &disclosures);
        if (!h.rc)
            h.rc = nino_home_counts(h.s, h.txn, r->now, &nino);
        if (disclosures && nino)
            body = json_pack("{s:s,s:b,s:s,s:O,s:o,s:o}", "side", "ho", "mine", 0, "today", today, "counters",
                             h.counters, "disclosures", disclosures, "nino", nino);
        else
            json_decref(disclosures), json_decref(nino);
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
    if (!h.rc && !body)
        h.rc = STORE_NOMEM;
    if (h.rc) {
        json_decref(body);
        http_store_error(r, h.rc);
    } else if (table) {
        reply_with_table(r, body, table);
    } else {
        http_reply(r, 200, body);
    }
}
