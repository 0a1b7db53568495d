/* Unit tests for the performance report's pre-aggregates (store_perf.h): on generated cases, after
 * random writes (creation, support, closure, reopening, other costs, transfer between councils,
 * destruction by retention), the report from the pre-aggregates is byte for byte the report from a
 * pass over the facts (report_performance_scan), for every council and many ranges; the
 * pre-aggregates equal a recount (store_perf_verify), which notices a changed row. Real LMDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "case_enums.h"
#include "report_perf.h"
#include "store.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_fixture.h"
#include "store_internal.h"
#include "store_perf.h"

#define CASES 400
#define EDITS 1500
#define COUNCILS 3
#define DENSE 300

static uint64_t rng = 88172645463325252ull;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static long day0(void) { return calendar_day("2014-01-01"); }

/* A day from 2014 to mid-2027, as a date. */
static const char *a_date(char out[11])
{
    calendar_date(day0() + (long)pick(4900), out);
    return out;
}

static const char *after(const char *date, unsigned max, char out[11])
{
    calendar_date(calendar_day(date) + (long)pick(max), out);
    return out;
}

static const char *a_reason(void)
{
    unsigned r = pick(12);
    return r == 11 ? "not_a_reason" : case_enum_value1(case_closure_reasons, (int)(r % 10) + 1);
}

typedef struct {
    uint64_t id[CASES];
    int destroyed[CASES];
    uint64_t next_transfer, next_destruction;
} world;

static world w;

static json_t *new_case(void)
{
    char d[11], t[32], s[11];
    a_date(d);
    snprintf(t, sizeof t, "%sT10:00:00Z", d);
    json_t *rec = json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:{}}", "council_id", (json_int_t)(1 + pick(COUNCILS)),
                            "status", "open_referral", "legislation", pick(2) ? "care_act_2014" : "children_act_s17",
                            "team", pick(2) ? "A" : "B", "caseworker_id", (json_int_t)pick(3), "created_at", t,
                            "finance");
    if (pick(3)) {
        json_t *fin = json_object_get(rec, "finance");
        json_object_set_new(fin, "support_start_date", json_string(after(d, 60, s)));
        if (pick(4))
            json_object_set_new(fin, "weekly_subsistence_pence", json_integer(1000 + pick(9000)));
        if (pick(2))
            json_object_set_new(fin, "weekly_accommodation_pence", json_integer(pick(20000)));
        json_object_set_new(rec, "status", json_string("open_supported"));
    }
    return rec;
}

/* One random change of a live case record (a new record). */
static json_t *edit(const json_t *old, int *transfer)
{
    json_t *rec = json_deep_copy(old), *fin = json_object_get(rec, "finance"), *cl = json_object_get(rec, "closure");
    char d[11], e[11];
    const char *start = json_string_value(json_object_get(fin, "support_start_date"));
    *transfer = 0;
    switch (pick(8)) {
    case 0: /* close, ending support */
        if (!cl) {
            a_date(d);
            json_object_set_new(rec, "closure", json_pack("{s:s,s:s}", "closure_date", d, "reason", a_reason()));
            if (start)
                json_object_set_new(fin, "support_end_date", json_string(after(start, 1200, e)));
            json_object_set_new(rec, "status", json_string("closed"));
        }
        break;
    case 1: /* reopen: the closure becomes an earlier one */
        if (cl) {
            json_t *past = json_object_get(rec, "previous_closures");
            if (!past)
                json_object_set_new(rec, "previous_closures", past = json_array());
            char at[32];
            snprintf(at, sizeof at, "%sT09:00:00Z", after(json_string_value(json_object_get(cl, "closure_date")), 200, d));
            json_array_append_new(past, json_pack("{s:O,s:O,s:s}", "closure_date", json_object_get(cl, "closure_date"),
                                                  "reason", json_object_get(cl, "reason"), "reopened_at", at));
            json_object_del(rec, "closure");
            json_object_del(fin, "support_end_date");
            json_object_set_new(rec, "status", json_string("open_supported"));
        }
        break;
    case 2: { /* an other cost, dated or not */
        json_t *costs = json_object_get(fin, "other_costs");
        if (!costs)
            json_object_set_new(fin, "other_costs", costs = json_array());
        json_t *c = json_pack("{s:I,s:I}", "id", (json_int_t)(json_array_size(costs) + 1), "amount_pence",
                              (json_int_t)pick(50000));
        if (pick(4))
            json_object_set_new(c, "date", json_string(a_date(d)));
        json_array_append_new(costs, c);
        break;
    }
    case 3: /* support starts, moves or stops */
        json_object_set_new(fin, "support_start_date", json_string(a_date(d)));
        if (pick(2))
            json_object_set_new(fin, "support_end_date", json_string(after(d, 1500, e)));
        else
            json_object_del(fin, "support_end_date");
        break;
    case 4: /* weekly amounts */
        json_object_set_new(fin, "weekly_subsistence_pence", json_integer(pick(30000)));
        if (pick(3))
            json_object_set_new(fin, "weekly_accommodation_pence", json_integer(pick(30000)));
        else
            json_object_del(fin, "weekly_accommodation_pence");
        break;
    case 5: /* support without a start: removed */
        if (!pick(3))
            json_object_del(fin, "support_start_date");
        break;
    case 6: /* referral date imported */
        json_object_set_new(rec, "referral_date", json_string(a_date(d)));
        break;
    default:
        *transfer = 1;
        break;
    }
    return rec;
}

typedef struct {
    int i; /* which case */
    int op; /* 0 create, 1 edit, 2 destroy, 3 create a case supported from March to August 2024 */
} write_ctx;

/* Many spans in one (end month, start month) cell: supported from a day of March 2024 to a day of
 * August 2024, so that a range from or to inside those months splits the cell. */
static json_t *dense_case(void)
{
    char s[11], e[11];
    calendar_date(calendar_day("2024-03-01") + (long)pick(31), s);
    calendar_date(calendar_day("2024-08-01") + (long)pick(31), e);
    return json_pack("{s:I,s:s,s:s,s:s,s:{s:s,s:s,s:I,s:I}}", "council_id", (json_int_t)(1 + pick(COUNCILS)), "status",
                     "open_supported", "legislation", "care_act_2014", "created_at", "2024-02-10T10:00:00Z", "finance",
                     "support_start_date", s, "support_end_date", e, "weekly_subsistence_pence",
                     (json_int_t)(1000 + pick(9000)), "weekly_accommodation_pence", (json_int_t)pick(20000));
}

/* Accepting a transfer: the sender keeps a frozen row, the case moves with its transfer day. */
static int move_case(store *s, MDB_txn *txn, const json_t *old, json_t *rec)
{
    uint64_t from = json_integer_value(json_object_get(old, "council_id"));
    uint64_t to = from % COUNCILS + 1;
    char d[11], at[32];
    a_date(d);
    snprintf(at, sizeof at, "%sT11:00:00Z", d);
    json_t *snap = store_facts_snapshot(old);
    json_t *t = json_pack("{s:I,s:s,s:o,s:s,s:I,s:I}", "id", (json_int_t)++w.next_transfer, "status", "accepted",
                          "facts_at_transfer", snap, "answered_at", at, "from_council_id", (json_int_t)from,
                          "to_council_id", (json_int_t)to);
    int rc = t ? store_facts_transfer_put(s, txn, t) : STORE_NOMEM;
    json_decref(t);
    json_object_set_new(rec, "council_id", json_integer((json_int_t)to));
    json_object_set_new(rec, "transferred_in_on", json_string(d));
    return rc ? rc : store_case_put(s, txn, old, rec);
}

static int do_write(store *s, MDB_txn *txn, void *arg)
{
    write_ctx *c = arg;
    if (c->op == 0 || c->op == 3) {
        json_t *rec = c->op ? dense_case() : new_case();
        uint64_t dense_id;
        int rc = store_case_create(s, txn, rec, c->op ? &dense_id : &w.id[c->i]);
        json_decref(rec);
        return rc;
    }
    json_t *old;
    int rc = store_case_get(s, txn, w.id[c->i], &old);
    if (rc)
        return rc;
    if (c->op == 2) { /* retention: the facts stay, anonymous; the record goes */
        rc = store_facts_case_anonymise(s, txn, old, ++w.next_destruction);
        unsigned char key[8];
        store_key_u64(key, w.id[c->i]);
        MDB_val k = {8, key};
        if (!rc)
            rc = mdb_del(txn, store_dbi(s, DB_CASES), &k, NULL);
        json_decref(old);
        return rc;
    }
    int transfer;
    json_t *rec = edit(old, &transfer);
    rc = transfer ? move_case(s, txn, old, rec) : store_case_put(s, txn, old, rec);
    json_decref(old);
    json_decref(rec);
    return rc;
}

/* Both answers for a range, compared byte for byte. */
static void same_answer(store *s, uint64_t council, long from, long to, long today)
{
    http_req r;
    memset(&r, 0, sizeof r);
    r.st = s;
    report_range g;
    memset(&g, 0, sizeof g);
    g.r = &r;
    g.from = (int32_t)from;
    g.to = (int32_t)to;
    g.today = (int32_t)today;
    g.upto = to < today ? (int32_t)to : (int32_t)today;
    g.council = council;
    calendar_date(from, g.from_s);
    calendar_date(to, g.to_s);
    report_perf_filters none = {0};
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    json_t *a = NULL, *b = NULL;
    assert_int_equal(report_performance(&g, &none, txn, &a), 0);
    assert_int_equal(report_performance_scan(&g, &none, txn, &b), 0);
    store_read_end(s, txn);
    char *x = json_dumps(a, JSON_COMPACT), *y = json_dumps(b, JSON_COMPACT);
    assert_non_null(x);
    assert_non_null(y);
    if (strcmp(x, y) != 0)
        fprintf(stderr, "council %llu %s..%s today %ld\n aggregates %s\n scan       %s\n", (unsigned long long)council,
                g.from_s, g.to_s, today, x, y);
    assert_string_equal(x, y);
    free(x);
    free(y);
    json_decref(a);
    json_decref(b);
}

static void compare_ranges(store *s, unsigned n)
{
    long first = calendar_day("1900-01-01"), last = calendar_day("2100-12-31");
    for (uint64_t c = 0; c <= COUNCILS; c++) {
        same_answer(s, c, calendar_day("2025-01-01"), calendar_day("2025-12-31"), calendar_day("2026-12-06"));
        same_answer(s, c, first, calendar_day("1919-12-31"), calendar_day("2026-12-06"));
        same_answer(s, c, calendar_day("2010-02-14"), calendar_day("2029-11-30"), calendar_day("2026-12-06"));
        same_answer(s, c, calendar_day("2084-01-01"), last, calendar_day("2026-12-06"));
        for (unsigned i = 0; i < n; i++) {
            long from = day0() - 400 + (long)pick(5800), to = from + (long)pick(i % 3 ? 400 : 4000);
            same_answer(s, c, from, to, from + (long)pick(5000));
            /* Whole months at either end or both (the cells of every council's spans are read whole). */
            int32_t m = store_perf_month((int32_t)from), m2 = m + (int32_t)pick(30);
            long m_first = store_perf_month_first_day(m), m_last = store_perf_month_first_day(m2 + 1) - 1;
            same_answer(s, c, m_first, m_last, m_last + (long)pick(3) * 200 - 200);
            same_answer(s, c, m_first, to > m_first ? to : m_first, to + 30);
            same_answer(s, c, from, m_last > from ? m_last : from, m_last + 400);
        }
    }
}

static int verify_to(store *s, FILE *report)
{
    MDB_txn *txn;
    size_t rows, diffs;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_perf_verify(s, txn, report, &rows, &diffs), 0);
    store_read_end(s, txn);
    return (int)diffs;
}

static int verify(store *s) { return verify_to(s, stderr); }

static int rebuild(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    return store_perf_build(s, txn);
}

/* Changes one stored tally row, as a bug or a bad disk might. */
static int tamper(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_cursor_open(txn, store_dbi(s, DB_PERF), &cur);
    if (!rc)
        rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    unsigned char buf[16];
    if (!rc && v.mv_size >= 9) {
        memcpy(buf, v.mv_data, 9);
        buf[1] ^= 1;
        MDB_val nv = {9, buf};
        rc = mdb_cursor_put(cur, &k, &nv, MDB_CURRENT);
    }
    mdb_cursor_close(cur);
    return rc;
}

static void aggregates_answer_as_the_pass(void **state)
{
    fixture *fx = *state;
    int ready;
    MDB_txn *txn;
    assert_int_equal(store_read_begin(fx->s, &txn), 0);
    assert_int_equal(store_perf_ready(fx->s, txn, &ready), 0);
    store_read_end(fx->s, txn);
    assert_true(ready); /* built when the store was opened */
    assert_int_equal(calendar_day("1900-01-01"), PERF_DAY_LO);
    assert_int_equal(calendar_day("2100-12-31"), PERF_DAY_HI);
    for (int i = 0; i < CASES; i++) {
        write_ctx c = {i, 0};
        assert_int_equal(store_write(fx->s, do_write, &c), 0);
    }
    compare_ranges(fx->s, 20);
    assert_int_equal(verify(fx->s), 0);
    for (int e = 0; e < EDITS; e++) {
        int i = (int)pick(CASES);
        if (w.destroyed[i])
            continue;
        write_ctx c = {i, pick(40) ? 1 : 2};
        assert_int_equal(store_write(fx->s, do_write, &c), 0);
        w.destroyed[i] = c.op == 2;
        if (e % 500 == 499)
            compare_ranges(fx->s, 10);
    }
    compare_ranges(fx->s, 60);
    assert_int_equal(verify(fx->s), 0);
    /* Ranges from or to a day inside a month whose cells hold spans on both sides of it. */
    for (int i = 0; i < DENSE; i++) {
        write_ctx c = {0, 3};
        assert_int_equal(store_write(fx->s, do_write, &c), 0);
    }
    for (int i = 0; i < 40; i++) {
        long from = calendar_day("2024-02-20") + (long)pick(50), to = calendar_day("2024-07-25") + (long)pick(50);
        for (uint64_t council = 0; council <= COUNCILS; council++)
            same_answer(fx->s, council, from, to, to + (long)pick(3) * 10 - 10);
    }
    assert_int_equal(verify(fx->s), 0);
    /* A rebuild from the facts gives the same rows. */
    assert_int_equal(store_write(fx->s, rebuild, NULL), 0);
    assert_int_equal(verify(fx->s), 0);
    compare_ranges(fx->s, 5);
    /* The check notices a changed row. */
    assert_int_equal(store_write(fx->s, tamper, NULL), 0);
    assert_true(verify_to(fx->s, NULL) > 0);
}

/* jansson's allocations during one report: the allocation numbered fail_at fails; a block is never
 * given back (so that freeing it twice is seen, not undefined), only marked, and made to look like a
 * live integer (as a reused block would) so that a json_decref too many frees it again. */
#define BLOCK_LIVE 0x6c697665u
#define BLOCK_FREED 0x64656164u
static unsigned long allocs, fail_at;
static int double_frees;

static void *counting_malloc(size_t n)
{
    if (++allocs == fail_at)
        return NULL;
    unsigned *b = malloc(n + 16);
    if (!b)
        return NULL;
    b[0] = BLOCK_LIVE;
    b[1] = (unsigned)n;
    return (char *)b + 16;
}

/* Blocks marked freed, given back to malloc once a round is over (release_marked): kept until then so
 * that a second free is seen, and then released so that LeakSanitizer (make test-asan) sees no leak. */
static void **marked;
static size_t n_marked, cap_marked;

static void release_marked(void)
{
    for (size_t i = 0; i < n_marked; i++)
        free(marked[i]);
    free(marked);
    marked = NULL;
    n_marked = cap_marked = 0;
}

static void marking_free(void *p)
{
    if (!p)
        return;
    unsigned *b = (unsigned *)((char *)p - 16);
    if (b[0] != BLOCK_LIVE)
        double_frees++;
    else {
        if (n_marked == cap_marked) {
            size_t cap = cap_marked ? cap_marked * 2 : 1024;
            void **m = realloc(marked, cap * sizeof *m);
            assert_non_null(m);
            marked = m;
            cap_marked = cap;
        }
        marked[n_marked++] = b;
    }
    b[0] = BLOCK_FREED;
    if (b[1] >= sizeof(json_t)) { /* as if the block were reused: a json_decref too many frees it again */
        json_t *j = p;
        j->type = JSON_INTEGER;
        j->refcount = 1;
    }
}

static char *report_text(store *s, report_range *g, unsigned long fail, int *rc)
{
    report_perf_filters none = {0};
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    json_t *a = NULL;
    allocs = 0;
    fail_at = fail;
    json_set_alloc_funcs(counting_malloc, marking_free);
    *rc = report_performance(g, &none, txn, &a);
    json_set_alloc_funcs(malloc, free); /* the dump is the test's, not the report's */
    char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_set_alloc_funcs(counting_malloc, marking_free);
    json_decref(a);
    json_set_alloc_funcs(malloc, free);
    release_marked();
    store_read_end(s, txn);
    if (*rc == 0 && !a)
        *rc = -1;
    if (*rc == 0)
        assert_non_null(text);
    return text;
}

/* Whichever allocation fails, the report answers STORE_NOMEM or the whole right answer: never a
 * double free of the values json_pack took (it drops them even when it fails), never an answer with
 * months or reasons missing. */
static void report_survives_every_failed_allocation(void **state)
{
    fixture *fx = *state;
    for (int i = 0; i < 30; i++) {
        write_ctx c = {i, 0};
        assert_int_equal(store_write(fx->s, do_write, &c), 0);
    }
    http_req r;
    memset(&r, 0, sizeof r);
    r.st = fx->s;
    report_range g;
    memset(&g, 0, sizeof g);
    g.r = &r;
    g.from = (int32_t)calendar_day("2019-01-01");
    g.to = (int32_t)calendar_day("2020-12-31");
    g.today = (int32_t)calendar_day("2026-12-06");
    g.upto = g.to;
    g.council = 1;
    calendar_date(g.from, g.from_s);
    calendar_date(g.to, g.to_s);
    int rc;
    char *right = report_text(fx->s, &g, 0, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(right);
    unsigned long total = allocs;
    for (unsigned long n = 1; n <= total; n++) {
        double_frees = 0;
        char *got = report_text(fx->s, &g, n, &rc);
        if (double_frees)
            fprintf(stderr, "allocation %lu of %lu failed: %d double free(s)\n", n, total, double_frees);
        assert_int_equal(double_frees, 0);
        if (rc == 0) {
            if (strcmp(got, right) != 0)
                fprintf(stderr, "allocation %lu of %lu failed, answered\n %s\nnot\n %s\n", n, total, got, right);
            assert_string_equal(got, right);
        } else {
            assert_int_equal(rc, STORE_NOMEM);
        }
        free(got);
    }
    free(right);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(aggregates_answer_as_the_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(report_survives_every_failed_allocation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
