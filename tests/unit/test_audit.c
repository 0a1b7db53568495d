/* Unit tests for the audit log's indexes (store_audit.h): appended events are indexed in the same
 * transaction by case, actor, action and reader scope; a page is newest first with a cursor and a
 * period; each scope sees exactly its events; the upgrade step rebuilds the indexes of an older log.
 * Real LMDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "store.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_fixture.h"
#include "store_internal.h" /* white box: drops the indexes to stand for an older log */
#include "store_org.h"

typedef struct {
    uint64_t council_a, council_b, ho, case_a, case_b;
} world;

static int world_write(store *s, MDB_txn *txn, void *arg)
{
    world *w = arg;
    int rc = store_org_create(s, txn, "council", "Avon", "AVN", "2026-01-01T00:00:00Z", &w->council_a);
    if (!rc)
        rc = store_org_create(s, txn, "council", "Bath", "BTH", "2026-01-01T00:00:00Z", &w->council_b);
    if (!rc)
        rc = store_org_create(s, txn, "home_office", "Home Office", "HO", "2026-01-01T00:00:00Z", &w->ho);
    for (int i = 0; i < 2 && !rc; i++) {
        json_t *rec = json_pack("{s:I,s:s,s:{s:i,s:s,s:s,s:s,s:s},s:[],s:s,s:s}", "council_id",
                                (json_int_t)(i ? w->council_b : w->council_a), "status", "open_referral", "principal",
                                "id", 1, "given_names", "Ama", "family_name", "Mensah", "date_of_birth", "1990-05-01",
                                "nationality", "Ghanaian", "dependants", "legislation", "care_act_2014",
                                "household_type", "single_adult");
        if (!rec)
            return STORE_NOMEM;
        rc = store_case_create(s, txn, rec, i ? &w->case_b : &w->case_a);
        json_decref(rec);
    }
    return rc;
}

/* The events, oldest first: (time, actor, org, action, target). */
typedef struct {
    const char *at;
    uint64_t actor, org;
    const char *action;
    uint64_t target;
} spec;

typedef struct {
    const spec *events;
    size_t n;
} events_ctx;

static int events_write(store *s, MDB_txn *txn, void *arg)
{
    events_ctx *c = arg;
    int rc = 0;
    for (size_t i = 0; i < c->n && !rc; i++)
        rc = store_audit_add(s, txn, c->events[i].at, c->events[i].actor, c->events[i].org, c->events[i].action,
                             c->events[i].target);
    return rc;
}

typedef struct {
    uint64_t seqs[64];
    size_t n;
} seen;

static int collect(const json_t *ev, void *ctx)
{
    seen *s = ctx;
    if (s->n < 64)
        s->seqs[s->n++] = (uint64_t)json_integer_value(json_object_get(ev, "seq"));
    return 0;
}

static seen page(store *s, audit_filter f, int64_t *next_at, uint64_t *next_seq)
{
    seen out = {.n = 0};
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    int64_t na;
    uint64_t ns;
    assert_int_equal(store_audit_page(s, txn, &f, collect, &out, next_at ? next_at : &na, next_seq ? next_seq : &ns), 0);
    store_read_end(s, txn);
    return out;
}

static audit_filter all_of(char kind, uint64_t id)
{
    audit_filter f = {.scope = {kind, id}, .from = 0, .to = INT64_MAX};
    return f;
}

static void assert_seqs(seen got, const uint64_t *want, size_t n)
{
    assert_int_equal(got.n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got.seqs[i], want[i]);
}

/* Users: 11 and 12 of council A, 21 of council B, 31 of the Home Office. */
static void fill(fixture *f, world *w)
{
    assert_int_equal(store_write(f->s, world_write, w), 0);
    const spec ev[] = {
        {"2026-03-01T09:00:00Z", 11, w->council_a, "login", 11},                /* 1 */
        {"2026-03-01T09:01:00Z", 11, w->council_a, "case_viewed", w->case_a},   /* 2 */
        {"2026-03-02T10:00:00Z", 31, w->ho, "case_viewed", w->case_a},          /* 3 */
        {"2026-03-02T10:05:00Z", 21, w->council_b, "case_viewed", w->case_b},   /* 4 */
        {"2026-03-03T08:00:00Z", 31, w->ho, "report_sla_downloaded", 0},        /* 5 */
        {"2026-03-03T08:30:00Z", 12, w->council_a, "case_updated", w->case_a},  /* 6 */
        {"2026-03-04T12:00:00Z", 0, 0, "org_created", w->council_b},            /* 7 */
    };
    events_ctx c = {ev, sizeof ev / sizeof ev[0]};
    assert_int_equal(store_write(f->s, events_write, &c), 0);
}

static void scopes_see_their_events_newest_first(void **state)
{
    fixture *f = *state;
    world w;
    fill(f, &w);
    /* Council A: its users' events and every event on its case (the HO view of case A included). */
    const uint64_t a[] = {6, 3, 2, 1};
    assert_seqs(page(f->s, all_of('o', w.council_a), NULL, NULL), a, 4);
    const uint64_t b[] = {4};
    assert_seqs(page(f->s, all_of('o', w.council_b), NULL, NULL), b, 1);
    /* The HO: every case event and its own users' events. */
    const uint64_t h[] = {6, 5, 4, 3, 2};
    assert_seqs(page(f->s, all_of('h', 0), NULL, NULL), h, 5);
    /* The Network: account and organisation events only. */
    const uint64_t n[] = {7, 1};
    assert_seqs(page(f->s, all_of('n', 0), NULL, NULL), n, 2);
}

static void filters_and_cursor(void **state)
{
    fixture *f = *state;
    world w;
    fill(f, &w);
    audit_filter by_case = all_of('h', 0);
    by_case.case_id = w.case_a;
    const uint64_t c[] = {6, 3, 2};
    assert_seqs(page(f->s, by_case, NULL, NULL), c, 3);
    by_case.scope = (audit_scope){'o', w.council_b}; /* another council: none of case A's events */
    assert_int_equal(page(f->s, by_case, NULL, NULL).n, 0);

    audit_filter by_user = all_of('o', w.council_a);
    by_user.user_id = 11;
    const uint64_t u[] = {2, 1};
    assert_seqs(page(f->s, by_user, NULL, NULL), u, 2);

    audit_filter by_type = all_of('h', 0);
    by_type.action = "case_viewed";
    const uint64_t t[] = {4, 3, 2};
    assert_seqs(page(f->s, by_type, NULL, NULL), t, 3);

    audit_filter period = all_of('h', 0); /* 2 March only */
    json_t *day = json_pack("{s:s}", "at", "2026-03-02T00:00:00Z");
    assert_non_null(day);
    period.from = store_audit_event_time(day);
    json_decref(day);
    assert_int_equal(period.from, 1772409600); /* date -u -d 2026-03-02 +%s */
    period.to = period.from + 86399;
    const uint64_t p[] = {4, 3};
    assert_seqs(page(f->s, period, NULL, NULL), p, 2);

    /* Pages of two: 6 5 | 4 3 | 2, each cursor the last shown. */
    audit_filter paged = all_of('h', 0);
    paged.limit = 2;
    int64_t na;
    uint64_t ns;
    const uint64_t p1[] = {6, 5}, p2[] = {4, 3}, p3[] = {2};
    assert_seqs(page(f->s, paged, &na, &ns), p1, 2);
    assert_int_equal(ns, 5);
    paged.cursor_at = na;
    paged.cursor_seq = ns;
    assert_seqs(page(f->s, paged, &na, &ns), p2, 2);
    assert_int_equal(ns, 3);
    paged.cursor_at = na;
    paged.cursor_seq = ns;
    assert_seqs(page(f->s, paged, &na, &ns), p3, 1);
    assert_int_equal(ns, 0);
}

static int case_trail(const json_t *ev, void *ctx) { return collect(ev, ctx); }

static void case_each_is_the_case_trail(void **state)
{
    fixture *f = *state;
    world w;
    fill(f, &w);
    seen got = {.n = 0};
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_audit_case_each(f->s, txn, w.case_a, case_trail, &got), 0);
    store_read_end(f->s, txn);
    const uint64_t want[] = {6, 3, 2};
    assert_seqs(got, want, 3);
}

/* Drops the indexes and their version, as a log written before they existed. */
static int drop_write(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    static const store_db dbs[] = {DB_AUDIT_CASE, DB_AUDIT_CASE_RUNS, DB_AUDIT_USER, DB_AUDIT_TYPE, DB_AUDIT_SCOPE};
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        int rc = mdb_drop(txn, store_dbi(s, dbs[i]), 0);
        if (rc)
            return rc;
    }
    MDB_val k = {strlen("audit_index_version"), "audit_index_version"};
    return mdb_del(txn, store_dbi(s, DB_META), &k, NULL);
}

static void upgrade_builds_the_indexes_of_an_old_log(void **state)
{
    fixture *f = *state;
    world w;
    fill(f, &w);
    assert_int_equal(store_write(f->s, drop_write, NULL), 0);
    assert_int_equal(page(f->s, all_of('h', 0), NULL, NULL).n, 0);
    assert_int_equal(store_upgrade(f->s), 0);
    const uint64_t h[] = {6, 5, 4, 3, 2};
    assert_seqs(page(f->s, all_of('h', 0), NULL, NULL), h, 5);
    audit_filter by_case = all_of('o', w.council_a);
    by_case.case_id = w.case_a;
    const uint64_t c[] = {6, 3, 2};
    assert_seqs(page(f->s, by_case, NULL, NULL), c, 3);
    assert_int_equal(store_upgrade(f->s), 0); /* current: nothing changes */
    assert_seqs(page(f->s, all_of('h', 0), NULL, NULL), h, 5);
    /* The chain itself is untouched by indexing. */
    assert_int_equal(verified_events(f->s), 7);
}

static void stamp_is_the_callers_second_with_milliseconds(void **state)
{
    (void)state;
    char out[AUDIT_AT_SIZE];
    const int64_t t = 1772409600; /* 2026-03-02T00:00:00Z */
    store_audit_stamp(t, t * 1000 + 123, out);
    assert_string_equal(out, "2026-03-02T00:00:00.123Z");
    store_audit_stamp(t, t * 1000 + 1500, out); /* the clock has passed the second: its last instant */
    assert_string_equal(out, "2026-03-02T00:00:00.999Z");
    store_audit_stamp(t, t * 1000 - 5, out); /* the clock is behind: the second's start */
    assert_string_equal(out, "2026-03-02T00:00:00.000Z");
    /* The indexes read both forms as the same second. */
    assert_int_equal(store_audit_parse_time("2026-03-02T00:00:00.123Z"), t);
    assert_int_equal(store_audit_parse_time("2026-03-02T00:00:00Z"), t);
}

typedef struct {
    const char *at[8];
    size_t n;
    uint64_t org; /* user 11's council */
} raw_events;

static int raw_write(store *s, MDB_txn *txn, void *arg)
{
    raw_events *r = arg;
    int rc = 0;
    for (size_t i = 0; i < r->n && !rc; i++)
        rc = store_audit_add(s, txn, r->at[i], 11, r->org, "login", 11);
    return rc;
}

/* The newest `n` events' "at", newest first, into at[] (copies). */
static void recent_at(store *s, size_t n, char at[][32])
{
    MDB_txn *txn;
    json_t *evs;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_audit_recent(s, txn, NULL, n, &evs), 0);
    store_read_end(s, txn);
    assert_int_equal(json_array_size(evs), n);
    for (size_t i = 0; i < n; i++)
        snprintf(at[i], 32, "%s", json_string_value(json_object_get(json_array_get(evs, i), "at")));
    json_decref(evs);
}

static void append_gives_this_seconds_events_milliseconds(void **state)
{
    fixture *f = *state;
    world w;
    fill(f, &w); /* seven events at fixed times in March 2026: whole seconds, as older releases wrote */
    /* A request's time is whole seconds; append stamps it with the clock's milliseconds. */
    int64_t before = clock_now_ms();
    char now[21];
    time_t tt = (time_t)(before / 1000);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    raw_events r = {{now, "2026-03-04T12:00:01.250Z"}, 2, w.council_a};
    assert_int_equal(store_write(f->s, raw_write, &r), 0);
    int64_t after = clock_now_ms();

    char at[9][32];
    recent_at(f->s, 9, at);
    assert_string_equal(at[0], "2026-03-04T12:00:01.250Z"); /* already in milliseconds: kept */
    regex_t ms;
    assert_int_equal(regcomp(&ms, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$", REG_EXTENDED), 0);
    assert_int_equal(regexec(&ms, at[1], 0, NULL, 0), 0);
    regfree(&ms);
    assert_memory_equal(at[1], now, 19); /* the caller's second, */
    int stamped = atoi(at[1] + 20);      /* with the milliseconds of the write, between before and after */
    int64_t when = before / 1000 * 1000 + stamped;
    assert_true(when >= before && (when <= after || stamped == 999));
    assert_string_equal(at[2], "2026-03-04T12:00:00Z"); /* a fixed time from long ago: kept as given */
    assert_string_equal(at[8], "2026-03-01T09:00:00Z");

    /* The chain verifies across the old whole-second events and the new ones. */
    assert_int_equal(verified_events(f->s), 9);
}

static void index_orders_by_time_then_seq(void **state)
{
    fixture *f = *state;
    world w;
    fill(f, &w); /* seqs 1-7, the last at 2026-03-04T12:00:00Z */
    /* 8 and 9 share 12:00:05 (an old whole-second event and a new one); 10 shares it with a smaller
     * millisecond than 9 (another worker's queued read, stamped before 9 but written after); 11 is
     * written last but happened earlier. */
    raw_events r = {{"2026-03-04T12:00:05Z", "2026-03-04T12:00:05.500Z", "2026-03-04T12:00:05.100Z",
                     "2026-03-04T12:00:04.900Z"},
                    4, w.council_a};
    assert_int_equal(store_write(f->s, raw_write, &r), 0);
    audit_filter by_user = all_of('o', w.council_a);
    by_user.user_id = 11;
    /* Newest second first; within a second, the order of writing (seq), newest first. */
    const uint64_t want[] = {10, 9, 8, 11, 2, 1};
    assert_seqs(page(f->s, by_user, NULL, NULL), want, 6);
    /* A cursor inside a second carries on by seq. */
    by_user.limit = 2;
    int64_t na;
    uint64_t ns;
    const uint64_t p1[] = {10, 9}, p2[] = {8, 11};
    assert_seqs(page(f->s, by_user, &na, &ns), p1, 2);
    assert_int_equal(na, store_audit_parse_time("2026-03-04T12:00:05Z"));
    by_user.cursor_at = na;
    by_user.cursor_seq = ns;
    assert_seqs(page(f->s, by_user, &na, &ns), p2, 2);
}

/* One store_audit_append_many call of list events (as the read queue writes them): each case's
 * council sees the event once however many of its cases it names, what indexing remembers across the
 * run (a case's council, whether an organisation is the Home Office) gives what indexing each event
 * alone gives (the upgrade step's rebuild), and the chain verifies. */
static json_t *event_of(const char *at, uint64_t actor, uint64_t org, const char *action, json_t *target)
{
    json_t *ev = json_pack("{s:s,s:I,s:I,s:s}", "at", at, "actor", (json_int_t)actor, "org", (json_int_t)org,
                           "action", action);
    assert_non_null(ev);
    if (target)
        assert_int_equal(json_object_set_new(ev, json_is_array(target) ? "targets" : "target", target), 0);
    return ev;
}

typedef struct {
    json_t *ev[6];
    size_t n;
} batch_ctx;

static int batch_write(store *s, MDB_txn *txn, void *arg)
{
    batch_ctx *b = arg;
    return store_audit_append_many(s, txn, b->ev, b->n);
}

/* Writes the batch as one store_audit_append_many call and lets its events go. */
static void write_batch(fixture *f, batch_ctx *b)
{
    assert_int_equal(store_write(f->s, batch_write, b), 0);
    for (size_t i = 0; i < b->n; i++)
        json_decref(b->ev[i]);
}

static void list_events_in_one_batch(void **state)
{
    fixture *f = *state;
    world w;
    assert_int_equal(store_write(f->s, world_write, &w), 0);
    batch_ctx b = {{
                       event_of("2026-03-05T10:00:01Z", 31, w.ho, "cases_listed",
                                json_pack("[I,I]", (json_int_t)w.case_a, (json_int_t)w.case_b)),
                       event_of("2026-03-05T10:00:02Z", 11, w.council_a, "case_viewed",
                                json_integer((json_int_t)w.case_a)),
                       event_of("2026-03-05T10:00:03Z", 31, w.ho, "cases_listed",
                                json_pack("[I,I,I]", (json_int_t)w.case_b, (json_int_t)w.case_a, (json_int_t)w.case_b)),
                       event_of("2026-03-05T10:00:04Z", 31, w.ho, "report_sla_downloaded", NULL),
                       event_of("2026-03-05T10:00:05Z", 21, w.council_b, "report_sla_downloaded", NULL),
                       event_of("2026-03-05T10:00:06Z", 31, w.ho, "report_sla_downloaded", NULL),
                   },
                   6};
    write_batch(f, &b);

    const uint64_t a[] = {3, 2, 1}, bb[] = {5, 3, 1}, h[] = {6, 4, 3, 2, 1}, trail_b[] = {3, 1};
    const uint64_t by_31[] = {6, 4, 3, 1}, sla_h[] = {6, 4}, sla_b[] = {5};
    for (int pass = 0; pass < 2; pass++) { /* as written, then as rebuilt one event at a time */
        /* the actor's and the action's index, written sorted at the batch's end (store_audit_keys_write) */
        audit_filter by_user = all_of('h', 0), by_action = all_of('h', 0);
        by_user.user_id = 31;
        by_action.action = "report_sla_downloaded";
        assert_seqs(page(f->s, by_user, NULL, NULL), by_31, 4);
        assert_seqs(page(f->s, by_action, NULL, NULL), sla_h, 2);
        by_action.scope = all_of('o', w.council_b).scope;
        assert_seqs(page(f->s, by_action, NULL, NULL), sla_b, 1);
        assert_seqs(page(f->s, all_of('o', w.council_a), NULL, NULL), a, 3);
        assert_seqs(page(f->s, all_of('o', w.council_b), NULL, NULL), bb, 3);
        assert_seqs(page(f->s, all_of('h', 0), NULL, NULL), h, 5);
        audit_filter by_case = all_of('h', 0);
        by_case.case_id = w.case_b;
        assert_seqs(page(f->s, by_case, NULL, NULL), trail_b, 2);
        if (!pass) {
            assert_int_equal(store_write(f->s, drop_write, NULL), 0);
            assert_int_equal(store_upgrade(f->s), 0);
        }
    }
    assert_int_equal(verified_events(f->s), 6);
}

/* A batch whose events are not stamped in seq order (one queued before another but stamped after it)
 * still indexes every event once, each actor's, action's and scope's newest first: the keys of such a
 * group are put in an order found by sorting it (store_audit_index.c key_list_order). */
static void batch_stamped_out_of_order(void **state)
{
    fixture *f = *state;
    world w;
    assert_int_equal(store_write(f->s, world_write, &w), 0);
    batch_ctx b = {{
                       event_of("2026-03-05T10:00:05Z", 31, w.ho, "report_sla_downloaded", NULL),
                       event_of("2026-03-05T10:00:01Z", 31, w.ho, "report_sla_downloaded", NULL),
                       event_of("2026-03-05T10:00:09Z", 31, w.ho, "report_sla_downloaded", NULL),
                       event_of("2026-03-05T10:00:03Z", 32, w.ho, "report_sla_downloaded", NULL),
                       event_of("2026-03-05T10:00:02Z", 31, w.ho, "report_sla_downloaded", NULL),
                   },
                   5};
    write_batch(f, &b);
    const uint64_t all[] = {3, 1, 4, 5, 2}, by_31[] = {3, 1, 5, 2};
    audit_filter by_user = all_of('h', 0), by_action = all_of('h', 0);
    by_user.user_id = 31;
    by_action.action = "report_sla_downloaded";
    assert_seqs(page(f->s, all_of('h', 0), NULL, NULL), all, 5);
    assert_seqs(page(f->s, by_user, NULL, NULL), by_31, 4);
    assert_seqs(page(f->s, by_action, NULL, NULL), all, 5);
}

/* ---- batches through runs (store_audit_runs.c) ---- */

#define RUN_CASES 130  /* more than AUDIT_RUN_SWEEP_STEPS: a sweep step moves a slice, not everything */
#define RUN_BATCHES 40

typedef struct {
    uint64_t council, ids[RUN_CASES];
} many_cases;

static int many_cases_write(store *s, MDB_txn *txn, void *arg)
{
    many_cases *m = arg;
    int rc = store_org_create(s, txn, "council", "Avon", "AVN", "2026-01-01T00:00:00Z", &m->council);
    for (int i = 0; i < RUN_CASES && !rc; i++) {
        json_t *rec = json_pack("{s:I,s:s,s:{s:i,s:s,s:s,s:s,s:s},s:[],s:s,s:s}", "council_id", (json_int_t)m->council,
                                "status", "open_referral", "principal", "id", 1, "given_names", "Ama", "family_name",
                                "Mensah", "date_of_birth", "1990-05-01", "nationality", "Ghanaian", "dependants",
                                "legislation", "care_act_2014", "household_type", "single_adult");
        if (!rec)
            return STORE_NOMEM;
        rc = store_case_create(s, txn, rec, &m->ids[i]);
        json_decref(rec);
    }
    return rc;
}

/* What the by-case index must give: each case's event seqs, oldest first (time follows seq here). */
typedef struct {
    uint64_t seqs[RUN_CASES][64];
    size_t n[RUN_CASES];
} case_model;

static void model_add(case_model *m, size_t c, uint64_t seq)
{
    if (m->n[c] && m->seqs[c][m->n[c] - 1] == seq)
        return; /* one event naming the case twice is one entry */
    assert_true(m->n[c] < 64);
    m->seqs[c][m->n[c]++] = seq;
}

static int each_collect(const json_t *ev, void *ctx) { return collect(ev, ctx); }

/* Every case's trail, by store_audit_page (whole, and in pages of 3 through the cursor) and by
 * store_audit_case_each, is the model's, newest first. */
static void assert_trails(store *s, const many_cases *mc, const case_model *m)
{
    for (size_t c = 0; c < RUN_CASES; c++) {
        uint64_t want[64];
        for (size_t i = 0; i < m->n[c]; i++)
            want[i] = m->seqs[c][m->n[c] - 1 - i];
        audit_filter f = all_of('h', 0);
        f.case_id = mc->ids[c];
        assert_seqs(page(s, f, NULL, NULL), want, m->n[c]);
        size_t got = 0;
        f.limit = 3;
        for (;;) {
            int64_t na;
            uint64_t ns;
            seen p = page(s, f, &na, &ns);
            assert_true(got + p.n <= m->n[c]);
            for (size_t i = 0; i < p.n; i++)
                assert_int_equal(p.seqs[i], want[got + i]);
            got += p.n;
            if (!ns)
                break;
            f.cursor_at = na;
            f.cursor_seq = ns;
        }
        assert_int_equal(got, m->n[c]);
        seen each = {.n = 0};
        MDB_txn *txn;
        assert_int_equal(store_read_begin(s, &txn), 0);
        assert_int_equal(store_audit_case_each(s, txn, mc->ids[c], each_collect, &each), 0);
        store_read_end(s, txn);
        assert_seqs(each, want, m->n[c]);
    }
}

static void runs_pending(store *s, size_t *entries, size_t *runs)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_audit_runs_pending(s, txn, entries, runs), 0);
    store_read_end(s, txn);
}

/* Batches of list events (as the read queue writes them) put their by-case entries in runs, which the
 * sweep moves into DB_AUDIT_CASE a slice of case ids a batch; at every point, a case's trail read
 * through both is exactly the events naming it, newest first; after a whole sweep of quiet batches no
 * run is left; and the upgrade step's rebuild (straight into DB_AUDIT_CASE) gives the same trails. */
static void batches_go_through_runs(void **state)
{
    fixture *f = *state;
    many_cases *mc = calloc(1, sizeof *mc);
    case_model *m = calloc(1, sizeof *m);
    assert_non_null(mc);
    assert_non_null(m);
    assert_int_equal(store_write(f->s, many_cases_write, mc), 0);
    uint64_t seq = 0, rnd = 12345;
    size_t most_runs = 0;
    for (int b = 0; b < RUN_BATCHES; b++) {
        batch_ctx bc = {.n = 0};
        for (int e = 0; e < 3; e++) {
            char at[32];
            snprintf(at, sizeof at, "2026-03-05T10:%02d:%02dZ", b, e);
            json_t *targets = json_array();
            size_t picked[5];
            for (int i = 0; i < 5; i++) {
                rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
                picked[i] = (size_t)(rnd >> 33) % RUN_CASES;
                json_array_append_new(targets, json_integer((json_int_t)mc->ids[picked[i]]));
            }
            if (e == 2) /* a case listed twice in one event */
                json_array_append_new(targets, json_integer((json_int_t)mc->ids[picked[0]]));
            bc.ev[bc.n++] = event_of(at, 31, 99, "cases_listed", targets);
            seq++;
            size_t sorted[5];
            memcpy(sorted, picked, sizeof sorted);
            for (int i = 0; i < 5; i++) /* the model adds each case once an event */
                for (int j = i + 1; j < 5; j++)
                    if (sorted[j] < sorted[i]) {
                        size_t t = sorted[i];
                        sorted[i] = sorted[j];
                        sorted[j] = t;
                    }
            for (int i = 0; i < 5; i++)
                if (!i || sorted[i] != sorted[i - 1])
                    model_add(m, sorted[i], seq);
        }
        assert_int_equal(store_write(f->s, batch_write, &bc), 0);
        for (size_t i = 0; i < bc.n; i++)
            json_decref(bc.ev[i]);
        size_t entries, runs;
        runs_pending(f->s, &entries, &runs);
        if (runs > most_runs)
            most_runs = runs;
        if (b % 7 == 0)
            assert_trails(f->s, mc, m);
    }
    assert_true(most_runs > 1); /* the entries did wait in runs */
    assert_trails(f->s, mc, m);
    /* Quiet batches (no case named) carry the sweep on until every run is gone. */
    for (int b = 0; b <= AUDIT_RUN_SWEEP_STEPS + 1; b++) {
        char at[32];
        snprintf(at, sizeof at, "2026-03-05T11:%02d:%02dZ", b / 60, b % 60);
        batch_ctx bc = {{event_of(at, 31, 99, "report_sla_downloaded", NULL)}, 1};
        assert_int_equal(store_write(f->s, batch_write, &bc), 0);
        json_decref(bc.ev[0]);
        seq++;
    }
    size_t entries, runs;
    runs_pending(f->s, &entries, &runs);
    assert_int_equal(entries, 0);
    assert_int_equal(runs, 0);
    assert_trails(f->s, mc, m);
    assert_int_equal(store_write(f->s, drop_write, NULL), 0);
    assert_int_equal(store_upgrade(f->s), 0);
    assert_trails(f->s, mc, m);
    assert_int_equal(verified_events(f->s), seq);
    free(mc);
    free(m);
}

/* A list event's "_councils" hint (each listed case's council as its reader saw it) is what the
 * index files it under, without reading the cases, and it is never stored: the stored event is the
 * hashed one, and the chain verifies. */
static int event_member_absent(const json_t *ev, void *ctx)
{
    (void)ctx;
    return json_object_get(ev, "_councils") ? -1 : 0;
}

static void councils_hint_is_used_and_not_stored(void **state)
{
    fixture *f = *state;
    world w;
    assert_int_equal(store_write(f->s, world_write, &w), 0);
    /* case_a belongs to council A; the reader saw it under council B (say, just before a transfer) */
    json_t *ev = event_of("2026-03-05T10:00:01Z", 31, w.ho, "cases_listed", json_pack("[I]", (json_int_t)w.case_a));
    assert_int_equal(json_object_set_new(ev, "_councils", json_pack("[I]", (json_int_t)w.council_b)), 0);
    batch_ctx b = {{ev}, 1};
    assert_int_equal(store_write(f->s, batch_write, &b), 0);
    json_decref(ev);
    const uint64_t one[] = {1};
    assert_seqs(page(f->s, all_of('o', w.council_b), NULL, NULL), one, 1);
    assert_int_equal(page(f->s, all_of('o', w.council_a), NULL, NULL).n, 0);
    audit_filter any = all_of('h', 0);
    int64_t na;
    uint64_t ns;
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_audit_page(f->s, txn, &any, event_member_absent, NULL, &na, &ns), 0);
    store_read_end(f->s, txn);
    assert_int_equal(verified_events(f->s), 1);
}

/* A sweep step takes a 64th of the case ids, or fewer: when the runs hold a backlog, a slice holding
 * about twice what the batch added (at least 16,384 entries), and when the by-case index is large, a
 * slice of a few times the run's own pages (at least 512): the write lock is not held for millions
 * of moves, nor for a 64th of a gigabyte. */
static void sweep_step_is_bounded(void **state)
{
    (void)state;
    const uint64_t top = 1000000, whole = top / AUDIT_RUN_SWEEP_STEPS + 1;
    assert_int_equal(store_audit_sweep_span(top, 0, 0, 0), whole);
    assert_int_equal(store_audit_sweep_span(top, 100000, 1600, 2048), whole); /* little waiting: a 64th */
    /* 6,400,000 waiting after a burst, a batch of 2,048 fetches: 20,480 entries' worth of ids */
    uint64_t narrow = store_audit_sweep_span(top, 6400000, 1600, 2048);
    assert_in_range(narrow, 3200, 3201);
    /* the same backlog and a batch of 2,048 searches (100,000 entries): a 64th still */
    assert_int_equal(store_audit_sweep_span(top, 6400000, 1600, 100000), whole);
    /* an index of 258,000 pages, a batch of 2,048 fetches: 576 pages' worth of ids, not 4,000 */
    uint64_t paged = store_audit_sweep_span(top, 100000, 258000, 2048);
    assert_in_range(paged, 2232, 2233);
    /* an index of 10,000,000 pages: a 1,024th of the ids (a reader seeks about 1,024 runs at most) */
    assert_int_equal(store_audit_sweep_span(top, 100000, 10000000, 2048), top / AUDIT_RUN_SWEEP_MAX_STEPS + 1);
    assert_int_equal(store_audit_sweep_span(0, 0, 0, 0), 1);
    assert_int_equal(store_audit_sweep_span(10, 1u << 30, 0, 0), 1); /* never nothing: the sweep goes on */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(scopes_see_their_events_newest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(filters_and_cursor, setup, teardown),
        cmocka_unit_test_setup_teardown(case_each_is_the_case_trail, setup, teardown),
        cmocka_unit_test_setup_teardown(upgrade_builds_the_indexes_of_an_old_log, setup, teardown),
        cmocka_unit_test(stamp_is_the_callers_second_with_milliseconds),
        cmocka_unit_test_setup_teardown(append_gives_this_seconds_events_milliseconds, setup, teardown),
        cmocka_unit_test_setup_teardown(index_orders_by_time_then_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(list_events_in_one_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(batch_stamped_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(batches_go_through_runs, setup, teardown),
        cmocka_unit_test(sweep_step_is_bounded),
        cmocka_unit_test_setup_teardown(councils_hint_is_used_and_not_stored, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
