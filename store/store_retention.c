/* store_retention.c - retention policy, legal holds and destruction (store_retention.h). */
#include "store_retention.h"
#include "json_get.h"
#include "store_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "case_index.h"
#include "json_members.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_outbox.h"
#include "store_transfer.h"
#include "store_work.h"
#include "uk_time.h"

#define LAST_DAY_KEY "retention_last_day"

/* ---- policy ---- */

/* Read from the stored bytes without parsing the whole record (every view of a closed case asks),
 * falling back to the parser for a text the scan cannot read. */
int store_retention_years(store *s, MDB_txn *txn, uint64_t council, int *years)
{
    unsigned char key[8];
    store_key_u64(key, council);
    const void *data;
    size_t len;
    int rc = store_bytes_get(s, txn, DB_ORGS, key, 8, &data, &len);
    if (rc)
        return rc;
    static const char *const names[] = {"retention_years"};
    json_slice v;
    long long y;
    if (json_members_slices(data, len, names, 1, &v) == 0) {
        y = v.p ? json_slice_uint(v) : -1; /* absent, null, negative or not a number: the default */
    } else {
        json_t *org;
        if ((rc = store_json_get(s, txn, DB_ORGS, key, 8, &org)))
            return rc;
        y = json_integer_value(json_object_get(org, "retention_years"));
        json_decref(org);
    }
    *years = y >= RETENTION_MIN_YEARS && y <= RETENTION_MAX_YEARS ? (int)y : RETENTION_DEFAULT_YEARS;
    return 0;
}

int store_retention_set_years(store *s, MDB_txn *txn, uint64_t council, int years)
{
    if (years < RETENTION_MIN_YEARS || years > RETENTION_MAX_YEARS)
        return EINVAL;
    unsigned char key[8];
    store_key_u64(key, council);
    json_t *org;
    int rc = store_json_get(s, txn, DB_ORGS, key, 8, &org);
    if (rc)
        return rc;
    rc = json_object_set_new(org, "retention_years", json_integer(years)) ? STORE_NOMEM
                                                                          : store_json_put(s, txn, DB_ORGS, key, 8, org);
    json_decref(org);
    return rc;
}

/* Calendar years, not 365-day years: the same date N years on (29 February: the 28th when that year
 * has none), which is what "six years after the closure date" means to a records officer. */
long retention_destroy_day(long closure_day, int years)
{
    char date[11];
    calendar_date(closure_day, date);
    int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
    y += years;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        d = 28;
    char out[16];
    snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return calendar_day(out);
}

/* ---- legal holds ---- */

int store_hold_get(store *s, MDB_txn *txn, uint64_t case_id, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, case_id);
    return store_json_get(s, txn, DB_HOLDS, key, 8, out);
}

int store_hold_put(store *s, MDB_txn *txn, uint64_t case_id, const json_t *hold)
{
    unsigned char key[8];
    store_key_u64(key, case_id);
    return store_json_put(s, txn, DB_HOLDS, key, 8, hold);
}

int store_hold_del(store *s, MDB_txn *txn, uint64_t case_id)
{
    unsigned char key[8];
    store_key_u64(key, case_id);
    return store_del(s, txn, DB_HOLDS, key, 8);
}

static int held(store *s, MDB_txn *txn, uint64_t case_id, int *out)
{
    unsigned char key[8];
    store_key_u64(key, case_id);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_HOLDS), &k, &v);
    *out = rc == 0;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---- due lists ---- */

typedef struct {
    store *s;
    MDB_txn *txn;
    long upto;
    retention_due_fn fn;
    void *ctx;
    uint64_t council; /* of `years` (rows come in council order, so one policy read per council) */
    int years;
    int closed;
} due_walk;

static int due_row(const case_facts *f, void *ctx)
{
    due_walk *w = ctx;
    if (!f->case_id || f->transfer_out != FACTS_NO_DAY || f->status != w->closed || f->closure_day == FACTS_NO_DAY)
        return 0; /* an anonymous row of a destroyed case, a frozen row of one moved away, or not closed */
    if (f->council_id != w->council) {
        int rc = store_retention_years(w->s, w->txn, f->council_id, &w->years);
        if (rc == MDB_NOTFOUND)
            w->years = RETENTION_DEFAULT_YEARS;
        else if (rc)
            return rc;
        w->council = f->council_id;
    }
    retention_due_row r = {.case_id = f->case_id, .council_id = f->council_id, .closure_day = f->closure_day,
                           .years = w->years};
    r.destroy_day = retention_destroy_day(f->closure_day, w->years);
    if (r.destroy_day == CALENDAR_NO_DAY || r.destroy_day > w->upto)
        return 0;
    int rc = held(w->s, w->txn, f->case_id, &r.held);
    return rc ? rc : w->fn(&r, w->ctx);
}

int store_retention_due_each(store *s, MDB_txn *txn, uint64_t council, long upto_day, retention_due_fn fn,
                             void *ctx)
{
    due_walk w = {s, txn, upto_day, fn, ctx, 0, RETENTION_DEFAULT_YEARS, case_enum_code(case_statuses, "closed")};
    return store_facts_cases_each(s, txn, council, due_row, &w);
}

/* ---- destroying one case ---- */

/* Deletes every row of db under the 8-byte prefix case_id; *n counts them. */
static int drop_prefix(store *s, MDB_txn *txn, store_db db, uint64_t case_id, size_t *n)
{
    unsigned char prefix[8];
    store_key_u64(prefix, case_id);
    store_iter it;
    store_iter_begin(&it, s, txn, db, prefix, sizeof prefix);
    int rc = 0;
    while (store_iter_next(&it)) {
        if ((rc = store_iter_del(&it)))
            break;
        (*n)++;
    }
    return store_iter_end(&it, rc);
}

/* Whether rec may be destroyed today; *destroy_on and *years say when and under which policy. */
static int due_today(store *s, MDB_txn *txn, const json_t *rec, const char *today, char destroy_on[11], int *years)
{
    uint64_t id = json_get_u64(rec, "id"), council = json_get_u64(rec, "council_id");
    long closure = calendar_day(json_get_str_or(json_object_get(rec, "closure"), "closure_date", ""));
    if (!json_get_str_is(rec, "status", "closed") || closure == CALENDAR_NO_DAY)
        return STORE_NOT_DUE;
    int rc = store_retention_years(s, txn, council, years), is_held;
    if (rc)
        return rc;
    long day = retention_destroy_day(closure, *years);
    calendar_date(day, destroy_on);
    if (day == CALENDAR_NO_DAY || day > calendar_day(today))
        return STORE_NOT_DUE;
    if ((rc = held(s, txn, id, &is_held)))
        return rc;
    return is_held ? STORE_NOT_DUE : 0;
}

/* The write is "remove everything the writers wrote": each step is the removal half of the code that
 * wrote it, so a destroyed case leaves exactly what `check` can prove absent. */
static int destroy_case(store *s, MDB_txn *txn, uint64_t case_id, const char *today, const char *at,
                       const char *run_id, uint64_t actor, int duplicate, json_t **record)
{
    if (record)
        *record = NULL;
    json_t *rec;
    int rc = store_case_get(s, txn, case_id, &rec);
    if (rc)
        return rc;
    char destroy_on[11];
    int years;
    uint64_t council = json_get_u64(rec, "council_id"), worker = json_get_u64(rec, "caseworker_id"), id = 0;
    size_t docs = 0, history = 0, alerts = 0, queries = 0, messages = 0, emails = 0, holds = 0, transfers = 0;
    if (duplicate) {
        /* A marked duplicate goes now, not after the policy's years: its survivor holds the
         * household's case. A legal hold still wins: a held case is never destroyed. */
        int is_held = 0;
        snprintf(destroy_on, sizeof destroy_on, "%s", today);
        if (!json_get_str_is(rec, "status", "closed") || !json_get_u64(rec, "duplicate_of"))
            rc = STORE_NOT_DUPLICATE;
        else if (!(rc = store_retention_years(s, txn, council, &years)) && !(rc = held(s, txn, case_id, &is_held)) &&
                 is_held)
            rc = STORE_NOT_DUE;
        if (rc) {
            json_decref(rec);
            return rc;
        }
    }
    if ((!duplicate && (rc = due_today(s, txn, rec, today, destroy_on, &years))) || (rc = store_seq_next(s, txn, "destructions", &id)) ||
        (rc = case_index_apply(s, txn, rec, 0)) ||
        (rc = store_work_destroy_case(s, txn, case_id, worker, id, &alerts, &queries, &messages)) ||
        (rc = drop_prefix(s, txn, DB_CASE_HISTORY, case_id, &history)) ||
        (rc = drop_prefix(s, txn, DB_HOLDS, case_id, &holds)) ||
        (rc = store_facts_case_anonymise(s, txn, rec, id)) ||
        (rc = store_transfer_forget_case(s, txn, case_id, id, &transfers)) ||
        (rc = store_outbox_forget_case(s, txn, case_id, &emails))) {
        json_decref(rec);
        return rc;
    }
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "documents"), i, d) {
        rc = store_doc_del(s, txn, json_get_u64(d, "id"));
        if (rc == MDB_NOTFOUND)
            rc = 0;
        else if (rc)
            break;
        else
            docs++;
    }
    unsigned char key[8];
    store_key_u64(key, case_id);
    if (!rc)
        rc = store_del(s, txn, DB_CASES, key, 8);
    char connect_id[24];
    snprintf(connect_id, sizeof connect_id, "C%" PRIu64, case_id);
    json_t *out = rc ? NULL
                     : json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:i,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I}}", "id",
                                 (json_int_t)id, "connect_id", connect_id, "council_id", (json_int_t)council,
                                 "closure_date", json_get_str(json_object_get(rec, "closure"), "closure_date"),
                                 "destroy_on", destroy_on, "destroyed_at", at, "policy_years", years, "run_id",
                                 run_id, "counts", "people",
                                 (json_int_t)(1 + json_array_size(json_object_get(rec, "dependants"))), "documents",
                                 (json_int_t)docs, "history", (json_int_t)history, "alerts", (json_int_t)alerts,
                                 "queries", (json_int_t)queries, "messages", (json_int_t)messages, "emails",
                                 (json_int_t)emails);
    uint64_t survivor = json_get_u64(rec, "duplicate_of");
    json_decref(rec);
    if (rc)
        return rc;
    if (!out)
        return STORE_NOMEM;
    if (duplicate && (json_object_set_new(out, "reason", json_string("duplicate")) ||
                      json_object_set_new(out, "duplicate_of", json_integer((json_int_t)survivor)))) {
        json_decref(out);
        return STORE_NOMEM;
    }
    store_key_u64(key, id);
    rc = store_json_put(s, txn, DB_DESTRUCTIONS, key, 8, out);
    json_t *ev = rc ? NULL
                    : json_pack("{s:s,s:o,s:I,s:s,s:I,s:I,s:s}", "at", at, "actor",
                                actor ? json_integer((json_int_t)actor) : json_null(), "org", (json_int_t)council,
                                "action", "case_destroyed", "target", (json_int_t)case_id, "destruction",
                                (json_int_t)id, "run", run_id);
    if (!rc && !ev)
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_audit_append(s, txn, ev);
    json_decref(ev);
    if (!rc && record)
        *record = json_incref(out);
    json_decref(out);
    return rc;
}

int store_case_destroy(store *s, MDB_txn *txn, uint64_t case_id, const char *today, const char *at,
                       const char *run_id, json_t **record)
{
    return destroy_case(s, txn, case_id, today, at, run_id, 0, 0, record);
}

int store_case_destroy_duplicate(store *s, MDB_txn *txn, uint64_t case_id, const char *today, const char *at,
                                 uint64_t actor, json_t **record)
{
    return destroy_case(s, txn, case_id, today, at, "duplicate", actor, 1, record);
}

/* ---- the run ---- */

typedef struct {
    uint64_t *ids;
    size_t n, cap;
    long today;
    retention_record_fn fn; /* dry run: told about each case as it is found */
    void *ctx;
    int dry_run;
} due_ids;

static int collect_due(const retention_due_row *r, void *ctx)
{
    due_ids *d = ctx;
    if (r->held)
        return 0;
    if (d->dry_run) {
        char closure[11], on[11], cid[24];
        calendar_date(r->closure_day, closure);
        calendar_date(r->destroy_day, on);
        snprintf(cid, sizeof cid, "C%" PRIu64, r->case_id);
        json_t *would = json_pack("{s:s,s:I,s:s,s:s,s:i}", "connect_id", cid, "council_id", (json_int_t)r->council_id,
                                  "closure_date", closure, "destroy_on", on, "policy_years", r->years);
        if (!would)
            return STORE_NOMEM;
        int rc = d->fn ? d->fn(would, d->ctx) : 0;
        json_decref(would);
        d->n++;
        return rc;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        uint64_t *more = realloc(d->ids, cap * sizeof *more);
        if (!more)
            return STORE_NOMEM;
        d->ids = more;
        d->cap = cap;
    }
    d->ids[d->n++] = r->case_id;
    return 0;
}

typedef struct {
    uint64_t case_id;
    const char *today, *at, *run_id;
    json_t *record;
} destroy_one;

static int destroy_write(store *s, MDB_txn *txn, void *ctx)
{
    destroy_one *o = ctx;
    json_decref(o->record); /* a MAP_FULL retry runs this again from the start */
    o->record = NULL;
    return store_case_destroy(s, txn, o->case_id, o->today, o->at, o->run_id, &o->record);
}

int store_retention_run(store *s, const char *today, const char *at, const char *run_id, int dry_run,
                        retention_record_fn fn, void *ctx, size_t *destroyed, store_scrub_stats *scrub)
{
    *destroyed = 0;
    if (scrub)
        memset(scrub, 0, sizeof *scrub);
    due_ids d = {.today = calendar_day(today), .fn = fn, .ctx = ctx, .dry_run = dry_run};
    if (d.today == CALENDAR_NO_DAY)
        return EINVAL;
    MDB_txn *txn;
    int rc = store_read_begin(s, &txn);
    if (rc)
        return rc;
    rc = store_retention_due_each(s, txn, 0, d.today, collect_due, &d);
    store_read_end(s, txn);
    if (dry_run) {
        *destroyed = d.n;
        return rc;
    }
    for (size_t i = 0; i < d.n && !rc; i++) {
        destroy_one o = {d.ids[i], today, at, run_id, NULL};
        rc = store_write(s, destroy_write, &o);
        if (rc == STORE_NOT_DUE || rc == MDB_NOTFOUND) {
            rc = 0; /* reopened, held or destroyed since the list was read */
        } else if (!rc) {
            (*destroyed)++;
            if (fn)
                rc = fn(o.record, ctx);
        }
        json_decref(o.record);
    }
    free(d.ids);
    if (*destroyed) { /* even after an error: what was destroyed leaves the file */
        store_scrub_stats st;
        int src = store_scrub(s, &st);
        if (scrub)
            *scrub = st;
        if (!rc)
            rc = src;
    }
    return rc;
}

/* ---- destruction records ---- */

int store_destruction_add(store *s, MDB_txn *txn, json_t *rec, uint64_t *id)
{
    int rc = store_seq_next(s, txn, "destructions", id);
    if (rc)
        return rc;
    if (json_object_set_new(rec, "id", json_integer((json_int_t)*id)))
        return STORE_NOMEM;
    unsigned char key[8];
    store_key_u64(key, *id);
    return store_json_put(s, txn, DB_DESTRUCTIONS, key, 8, rec);
}

int store_destructions_list(store *s, MDB_txn *txn, uint64_t council, uint64_t before, size_t limit,
                            json_t **items, uint64_t *next)
{
    *next = 0;
    if (!(*items = json_array()))
        return STORE_NOMEM;
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_DESTRUCTIONS, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 8)
            continue;
        uint64_t id = store_u64_from(it.key.mv_data);
        if (before && id >= before)
            continue;
        json_t *rec = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
        if (!rec) {
            rc = STORE_CORRUPT;
            break;
        }
        if (council && json_get_u64(rec, "council_id") != council) {
            json_decref(rec);
            continue;
        }
        if (limit && json_array_size(*items) == limit) {
            json_decref(rec);
            *next = json_get_u64(json_array_get(*items, limit - 1), "id");
            break;
        }
        if (json_array_append_new(*items, rec)) {
            rc = STORE_NOMEM;
            break;
        }
    }
    if ((rc = store_iter_end(&it, rc))) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

/* ---- the daily run's day ---- */

int store_retention_last_day(store *s, MDB_txn *txn, char out[11])
{
    return store_meta_day(s, txn, LAST_DAY_KEY, out);
}

int store_retention_set_last_day(store *s, MDB_txn *txn, const char *day)
{
    return store_meta_day_set(s, txn, LAST_DAY_KEY, day);
}

static int set_day_write(store *s, MDB_txn *txn, void *ctx)
{
    return store_retention_set_last_day(s, txn, ctx);
}

int store_retention_daily(store *s, int64_t now, size_t *destroyed, int *ran, store_scrub_stats *scrub)
{
    *destroyed = 0;
    *ran = 0;
    int64_t local = now + uk_offset(now);
    if (((local % 86400) + 86400) % 86400 < RETENTION_DAILY_AFTER)
        return 0;
    char today[11], last[11];
    uk_date(now, today);
    MDB_txn *txn;
    int rc = store_read_begin(s, &txn);
    if (rc)
        return rc;
    rc = store_retention_last_day(s, txn, last);
    store_read_end(s, txn);
    if (rc || strcmp(last, today) >= 0)
        return rc;
    char at[21], run_id[24];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(run_id, sizeof run_id, "daily-%s", today);
    if ((rc = store_retention_run(s, today, at, run_id, 0, NULL, NULL, destroyed, scrub)))
        return rc;
    *ran = 1;
    return store_write(s, set_day_write, today);
}

/* ---- verifying ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    uint64_t *ids;
    size_t n, cap;
} u64_set;

static int set_add(u64_set *set, uint64_t v)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 256;
        uint64_t *more = realloc(set->ids, cap * sizeof *more);
        if (!more)
            return STORE_NOMEM;
        set->ids = more;
        set->cap = cap;
    }
    set->ids[set->n++] = v;
    return 0;
}

static int set_has(const u64_set *set, uint64_t v)
{
    return set->n && bsearch(&v, set->ids, set->n, sizeof v, cmp_u64) != NULL;
}

typedef struct {
    FILE *report;
    size_t problems;
    u64_set destroyed;
} verify_ctx;

static void problem(verify_ctx *v, const char *what, uint64_t case_id)
{
    v->problems++;
    if (v->report)
        fprintf(v->report, "destroyed case C%" PRIu64 ": %s remains\n", case_id, what);
}

/* Where the case id sits in each index's keys (store.h): at the end before the person byte, or
 * inverted at the very end (lists). */
static int scan_index(store *s, MDB_txn *txn, store_db db, verify_ctx *v, const char *what)
{
    store_iter it;
    store_iter_begin(&it, s, txn, db, NULL, 0);
    while (store_iter_next(&it)) {
        const unsigned char *k = it.key.mv_data;
        size_t n = it.key.mv_size;
        uint64_t id;
        if (db == DB_CASE_FACET) {
            if (n < 17)
                continue;
            id = UINT64_MAX - store_u64_from(k + n - 8);
        } else {
            if (n < 17)
                continue;
            id = store_u64_from(k + n - 9);
        }
        if (set_has(&v->destroyed, id))
            problem(v, what, id);
    }
    return store_iter_end(&it, 0);
}

typedef struct {
    verify_ctx *v;
    const char *what;
} scan_ctx;

static int scan_record(const json_t *rec, void *arg)
{
    scan_ctx *c = arg;
    uint64_t id = json_get_u64(rec, "case_id");
    if (set_has(&c->v->destroyed, id))
        problem(c->v, c->what, id);
    return 0;
}

/* One pass over the records of a kind, reporting those of a destroyed case. */
static int scan_records(store *s, MDB_txn *txn, store_db db, verify_ctx *v, const char *what)
{
    scan_ctx c = {v, what};
    return store_json_each(s, txn, db, scan_record, &c);
}

static int scan_transfer(const json_t *rec, void *arg)
{
    verify_ctx *v = arg;
    uint64_t id = json_get_u64(rec, "case_id"), snap = json_get_u64(json_object_get(rec, "facts_at_transfer"), "id");
    if (set_has(&v->destroyed, id))
        problem(v, "a transfer record", id);
    else if (set_has(&v->destroyed, snap))
        problem(v, "a transfer's facts snapshot", snap);
    return 0;
}

/* A transfer record that names a destroyed case, by its case id or its snapshot's. */
static int scan_transfers(store *s, MDB_txn *txn, verify_ctx *v)
{
    int rc = store_json_each(s, txn, DB_TRANSFERS, scan_transfer, v);
    if (rc)
        return rc;
    /* The case's own transfer list ('c' | case | ~transfer id). */
    store_iter it;
    store_iter_begin(&it, s, txn, DB_TRANSFER_INDEX, NULL, 0);
    while (store_iter_next(&it)) {
        const unsigned char *k = it.key.mv_data;
        if (it.key.mv_size == 17 && k[0] == 'c' && set_has(&v->destroyed, store_u64_from(k + 1)))
            problem(v, "a transfer index entry", store_u64_from(k + 1));
    }
    return store_iter_end(&it, 0);
}

/* A facts row of any council, live or frozen, that holds a destroyed case's id (an anonymous row holds
 * none). */
static int named_row(const case_facts *f, void *ctx)
{
    verify_ctx *v = ctx;
    if (f->case_id && set_has(&v->destroyed, f->case_id))
        problem(v, f->transfer_out != FACTS_NO_DAY ? "a frozen report facts row" : "a report facts row", f->case_id);
    return 0;
}

/* Adds the ids of a case record's documents to the set. */
static int list_documents(const json_t *rec, void *arg)
{
    size_t i;
    json_t *d;
    int rc = 0;
    json_array_foreach(json_object_get(rec, "documents"), i, d) if (!rc) rc = set_add(arg, json_get_u64(d, "id"));
    return rc;
}

/* Documents that no case lists (a destroyed case's files would be such). */
static int scan_docs(store *s, MDB_txn *txn, verify_ctx *v)
{
    u64_set listed = {0};
    int rc = store_json_each(s, txn, DB_CASES, list_documents, &listed);
    if (rc) {
        free(listed.ids);
        return rc;
    }
    if (listed.n)
        qsort(listed.ids, listed.n, sizeof *listed.ids, cmp_u64);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_DOCS, NULL, 0);
    while (store_iter_next(&it)) {
        uint64_t id = it.key.mv_size == 8 ? store_u64_from(it.key.mv_data) : 0;
        if (!set_has(&listed, id)) {
            v->problems++;
            if (v->report)
                fprintf(v->report, "document %" PRIu64 " belongs to no case\n", id);
        }
    }
    free(listed.ids);
    return store_iter_end(&it, 0);
}

int store_retention_verify(store *s, MDB_txn *txn, FILE *report, size_t *destroyed, size_t *problems)
{
    verify_ctx v = {.report = report};
    u64_set councils = {0};
    store_iter it;
    store_iter_begin(&it, s, txn, DB_DESTRUCTIONS, NULL, 0);
    int rc = 0;
    while (!rc && store_iter_next(&it)) {
        json_t *rec = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
        if (rec && json_get_str_is(rec, "kind", "nino_batch")) { /* store_nino_verify checks these */
            json_decref(rec);
            continue;
        }
        const char *cid = json_get_str(rec, "connect_id");
        if (!rec || !cid || cid[0] != 'C')
            rc = STORE_CORRUPT;
        if (!rc)
            rc = set_add(&v.destroyed, strtoull(cid + 1, NULL, 10));
        if (!rc)
            rc = set_add(&councils, json_get_u64(rec, "council_id"));
        json_decref(rec);
    }
    rc = store_iter_end(&it, rc);
    /* Per case: its record, history, work rows, hold and facts row (council | case id). */
    for (size_t i = 0; i < v.destroyed.n && !rc; i++) {
        uint64_t id = v.destroyed.ids[i];
        unsigned char key[16];
        store_key_u64(key, id);
        static const store_db dbs[] = {DB_CASES, DB_HOLDS};
        static const char *const names[] = {"the case record", "a legal hold"};
        for (size_t j = 0; j < 2 && !rc; j++) {
            MDB_val k = {8, key}, val;
            int g = mdb_get(txn, store_dbi(s, dbs[j]), &k, &val);
            if (g == 0)
                problem(&v, names[j], id);
            else if (g != MDB_NOTFOUND)
                rc = g;
        }
        static const store_db by_prefix[] = {DB_CASE_HISTORY, DB_CASE_WORK};
        static const char *const pnames[] = {"a history row", "an alert or query row"};
        for (size_t j = 0; j < 2 && !rc; j++) {
            store_iter p;
            store_iter_begin(&p, s, txn, by_prefix[j], key, 8);
            if (store_iter_next(&p))
                problem(&v, pnames[j], id);
            rc = store_iter_end(&p, 0);
        }
        store_key_u64(key, councils.ids[i]);
        store_key_u64(key + 8, id);
        MDB_val k = {16, key}, val;
        int g = rc ? 0 : mdb_get(txn, store_dbi(s, DB_CASE_FACTS), &k, &val);
        if (g == 0 && !rc)
            problem(&v, "its report facts row", id);
        else if (g != MDB_NOTFOUND && !rc)
            rc = g;
    }
    free(councils.ids);
    if (v.destroyed.n) /* qsort must not be given a null base, even for no elements */
        qsort(v.destroyed.ids, v.destroyed.n, sizeof *v.destroyed.ids, cmp_u64);
    if (!rc && v.destroyed.n) {
        rc = scan_index(s, txn, DB_CASE_NAME, &v, "a name index entry");
        if (!rc)
            rc = scan_index(s, txn, DB_CASE_DOB, &v, "a date of birth index entry");
        if (!rc)
            rc = scan_index(s, txn, DB_CASE_HOREF, &v, "an HO reference index entry");
        if (!rc)
            rc = scan_index(s, txn, DB_CASE_FACET, &v, "a list index entry");
        if (!rc)
            rc = scan_records(s, txn, DB_ALERTS, &v, "an alert");
        if (!rc)
            rc = scan_records(s, txn, DB_QUERIES, &v, "a query");
        if (!rc)
            rc = scan_transfers(s, txn, &v);
        if (!rc)
            rc = store_facts_cases_each(s, txn, 0, named_row, &v);
        store_iter_begin(&it, s, txn, DB_OUTBOX, NULL, 0);
        while (!rc && store_iter_next(&it)) {
            json_t *msg = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
            for (size_t i = 0; msg && i < v.destroyed.n; i++)
                if (store_outbox_is_about(msg, v.destroyed.ids[i]))
                    problem(&v, "a waiting email", v.destroyed.ids[i]);
            json_decref(msg);
        }
        rc = store_iter_end(&it, rc);
    }
    if (!rc)
        rc = scan_docs(s, txn, &v);
    free(v.destroyed.ids);
    *destroyed = v.destroyed.n;
    *problems = v.problems;
    return rc;
}
