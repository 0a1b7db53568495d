/* Unit tests for the reports' compact rows (store_facts.h) and their money rules (report.h): a case's
 * facts follow every write of its record; SLA rows come from cleared alerts and answered query
 * messages (follow-ups keep the first date; urgent requests give the HO one day); a rebuild from the
 * records gives exactly the rows the writes left; the formula rule and penny rounding. Real LMDB. */
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
#include "report.h"
#include "report_out.h"
#include "store.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_fixture.h"
#include "store_internal.h"
#include "store_work.h"

typedef struct {
    json_t *old, *rec;
    uint64_t id;
    char kind; /* 0: case */
} put_ctx;

static int put_write(store *s, MDB_txn *txn, void *arg)
{
    put_ctx *c = arg;
    if (c->kind == 0)
        return c->old ? store_case_put(s, txn, c->old, c->rec) : store_case_create(s, txn, c->rec, &c->id);
    return c->old ? store_work_put(s, txn, c->kind, c->old, c->rec, 0)
                  : store_work_create(s, txn, c->kind, c->rec, 0, &c->id);
}

static json_t *a_case(void)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:{s:s,s:s,s:s},s:[{s:s},{s:s}],s:{s:s,s:b},"
                     "s:{s:s,s:I,s:s,s:I,s:[{s:I,s:s,s:I,s:s},{s:I,s:s,s:I,s:s},{s:I,s:s,s:I}]}}",
                     "council_id", (json_int_t)7, "status", "open_supported", "legislation", "children_act_s17",
                     "household_type", "family", "referral_source", "police", "caseworker_id", (json_int_t)42,
                     "team", "=Team A", "created_at", "2025-03-30T23:30:00Z", "principal", "given_names", "Ada",
                     "family_name", "Example", "nationality", "Ruritanian", "dependants", "given_names", "B",
                     "given_names", "C", "immigration", "status", "asylum_claim_recorded", "recourse_to_public_funds",
                     0, "finance", "support_start_date", "2025-04-01", "weekly_subsistence_pence", (json_int_t)5000,
                     "accommodation_type", "hostel", "weekly_accommodation_pence", (json_int_t)12345, "other_costs",
                     "id", (json_int_t)1, "description", "Deposit", "amount_pence", (json_int_t)25000, "date",
                     "2025-04-02", "id", (json_int_t)2, "description", "Travel", "amount_pence", (json_int_t)1234,
                     "date", "2025-06-30", "id", (json_int_t)3, "description", "Phone", "amount_pence",
                     (json_int_t)500);
}

typedef struct {
    case_facts f;
    int found;
    char team[64], nat[64];
} got_facts;

static int copy_facts(const case_facts *f, void *ctx)
{
    got_facts *g = ctx;
    g->f = *f;
    g->found++;
    snprintf(g->team, sizeof g->team, "%.*s", (int)f->team_len, f->team);
    snprintf(g->nat, sizeof g->nat, "%.*s", (int)f->nationality_len, f->nationality);
    return 0;
}

static got_facts read_facts(store *s, uint64_t council)
{
    got_facts g = {0};
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_facts_cases_each(s, txn, council, copy_facts, &g), 0);
    store_read_end(s, txn);
    return g;
}

/* Rewrites council 7's facts row of case *arg with `edit` (which may shorten it), as a bug, a bad disk
 * or an older binary might have left it. */
typedef struct {
    uint64_t id;
    void (*edit)(unsigned char *row, size_t *len);
} row_edit;

static int edit_row_write(store *s, MDB_txn *txn, void *arg)
{
    row_edit *e = arg;
    unsigned char key[16], buf[512];
    store_key_u64(key, 7);
    store_key_u64(key + 8, e->id);
    MDB_val k = {16, key}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_CASE_FACTS), &k, &v);
    if (rc || v.mv_size > sizeof buf)
        return rc ? rc : -1;
    memcpy(buf, v.mv_data, v.mv_size);
    size_t len = v.mv_size;
    e->edit(buf, &len);
    MDB_val nv = {len, buf};
    return mdb_put(txn, store_dbi(s, DB_CASE_FACTS), &k, &nv, 0);
}

/* Changes one byte of the row (its weekly subsistence). */
static void flip_subsistence(unsigned char *row, size_t *len)
{
    (void)len;
    row[32] ^= 1;
}

static void case_facts_follow_the_record(void **state)
{
    fixture *fx = *state;
    put_ctx c = {.rec = a_case()};
    assert_int_equal(store_write(fx->s, put_write, &c), 0);
    got_facts g = read_facts(fx->s, 7);
    assert_int_equal(g.found, 1);
    assert_int_equal(g.f.case_id, c.id);
    assert_int_equal(g.f.council_id, 7);
    assert_int_equal(g.f.caseworker_id, 42);
    /* 23:30 UTC on 30 March 2025 is 00:30 BST on the 31st: the referral date is the UK date. */
    assert_int_equal(g.f.referral_day, calendar_day("2025-03-31"));
    assert_int_equal(g.f.support_start, calendar_day("2025-04-01"));
    assert_int_equal(g.f.support_end, FACTS_NO_DAY);
    assert_int_equal(g.f.closure_day, FACTS_NO_DAY);
    assert_int_equal(g.f.weekly_subsistence, 5000);
    assert_int_equal(g.f.weekly_accommodation, 12345);
    assert_int_equal(g.f.status, case_enum_code(case_statuses, "open_supported"));
    assert_int_equal(g.f.legislation, case_enum_code(case_legislations, "children_act_s17"));
    assert_int_equal(g.f.household, case_enum_code1(case_household_types, "family"));
    assert_int_equal(g.f.source, case_enum_code1(case_referral_sources, "police"));
    assert_int_equal(g.f.accommodation, case_enum_code1(case_accommodation_types, "hostel"));
    assert_int_equal(g.f.imm_now, case_enum_code1(case_immigration_statuses, "asylum_claim_recorded"));
    assert_int_equal(g.f.imm_at_referral, case_enum_code1(case_immigration_statuses, "unknown"));
    assert_int_equal(g.f.recourse, 0);
    assert_int_equal(g.f.dependants, 2);
    assert_int_equal(g.f.n_costs, 3);
    assert_int_equal(g.f.flags, FACTS_HAS_SUBSISTENCE | FACTS_HAS_ACCOMMODATION | FACTS_HAS_PEOPLE);
    assert_int_equal(g.f.children + g.f.partners, 0); /* dependants without a relationship: others */
    assert_string_equal(g.team, "=Team A");
    assert_string_equal(g.nat, "Ruritanian");
    assert_int_equal(read_facts(fx->s, 8).found, 0); /* another council's scan does not see it */

    /* Closing it rewrites the row in the same write. */
    json_t *old = NULL;
    MDB_txn *txn;
    assert_int_equal(store_read_begin(fx->s, &txn), 0);
    assert_int_equal(store_case_get(fx->s, txn, c.id, &old), 0);
    store_read_end(fx->s, txn);
    json_t *neu = json_deep_copy(old);
    json_object_set_new(neu, "status", json_string("closed"));
    json_object_set_new(neu, "closure", json_pack("{s:s,s:s}", "closure_date", "2025-09-30", "reason", "died"));
    json_object_set_new(json_object_get(neu, "finance"), "support_end_date", json_string("2025-09-30"));
    json_object_del(json_object_get(neu, "finance"), "weekly_accommodation_pence"); /* no longer recorded */
    json_object_set_new(neu, "status_at_referral", json_string("no_current_permission"));
    put_ctx p = {.old = old, .rec = neu};
    assert_int_equal(store_write(fx->s, put_write, &p), 0);
    g = read_facts(fx->s, 7);
    assert_int_equal(g.found, 1);
    assert_int_equal(g.f.status, case_enum_code(case_statuses, "closed"));
    assert_int_equal(g.f.closure_day, calendar_day("2025-09-30"));
    assert_int_equal(g.f.support_end, calendar_day("2025-09-30"));
    assert_int_equal(g.f.closure_reason, case_enum_code1(case_closure_reasons, "died"));
    assert_int_equal(g.f.imm_at_referral, case_enum_code1(case_immigration_statuses, "no_current_permission"));
    assert_int_equal(g.f.flags, FACTS_HAS_SUBSISTENCE | FACTS_HAS_PEOPLE);
    assert_int_equal(g.f.weekly_accommodation, 0);

    /* Money over the record: 1 April .. 30 September is 183 days. */
    assert_int_equal(report_support_days(&g.f, calendar_day("2025-01-01"), calendar_day("2025-12-31")), 183);
    assert_int_equal(report_support_days(&g.f, calendar_day("2025-09-30"), calendar_day("2025-12-31")), 1);
    assert_int_equal(report_support_days(&g.f, calendar_day("2025-10-01"), calendar_day("2025-12-31")), 0);
    assert_int_equal(report_other_costs(&g.f, calendar_day("2025-04-02"), calendar_day("2025-06-29")), 25000);
    assert_int_equal(report_other_costs(&g.f, calendar_day("2025-04-03"), calendar_day("2025-06-30")), 1234);
    /* The undated cost counts "to date" only. */
    assert_int_equal(report_other_costs(&g.f, calendar_day("1900-01-01"), calendar_day("2100-12-31")), 26234);
    assert_int_equal(report_other_costs_to(&g.f, calendar_day("2025-05-01")), 25500);
    assert_int_equal(report_other_costs_to(&g.f, calendar_day("2025-03-01")), 500);
    assert_true(report_supported_on(&g.f, calendar_day("2025-04-01")));
    assert_false(report_supported_on(&g.f, calendar_day("2025-03-31")));
    assert_false(report_supported_on(&g.f, calendar_day("2025-10-01")));

    /* connectctl check's verification: equal now; a row that drifted from its record is reported. */
    size_t rows = 0, diffs = 9;
    assert_int_equal(store_read_begin(fx->s, &txn), 0);
    assert_int_equal(store_facts_verify(fx->s, txn, NULL, &rows, &diffs), 0);
    store_read_end(fx->s, txn);
    assert_int_equal(rows, 1);
    assert_int_equal(diffs, 0);
    row_edit flip = {c.id, flip_subsistence};
    assert_int_equal(store_write(fx->s, edit_row_write, &flip), 0);
    assert_int_equal(store_read_begin(fx->s, &txn), 0);
    assert_int_equal(store_facts_verify(fx->s, txn, NULL, &rows, &diffs), 0);
    store_read_end(fx->s, txn);
    assert_int_equal(diffs, 1);
    json_decref(c.rec);
    json_decref(old);
    json_decref(neu);
}

typedef struct {
    sla_row rows[16];
    int n;
} got_sla;

static int copy_sla(const sla_row *r, void *ctx)
{
    got_sla *g = ctx;
    assert_true(g->n < 16);
    g->rows[g->n++] = *r;
    return 0;
}

/* Every SLA row, in key order. */
static got_sla read_sla(store *s)
{
    got_sla g = {0};
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_facts_sla_each(s, txn, FACTS_NO_DAY, INT32_MAX, copy_sla, &g), 0);
    store_read_end(s, txn);
    return g;
}

static int rebuild_write(store *s, MDB_txn *txn, void *arg)
{
    size_t *counts = arg;
    return store_facts_rebuild(s, txn, &counts[0], &counts[1]);
}

static json_t *msg(const char *side, const char *at)
{
    return json_pack("{s:s,s:s,s:s}", "side", side, "at", at, "text", "x");
}

static void sla_rows_from_alerts_and_queries(void **state)
{
    fixture *fx = *state;
    /* An open alert has no row; clearing it adds one, answered on the clearing's UK date. */
    json_t *a = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:b}", "case_id", (json_int_t)1, "council_id", (json_int_t)7,
                          "type", "new_case", "to", "ho", "raised_at", "2026-01-05T09:00:00Z", "due_from",
                          "2026-01-05", "due_days", (json_int_t)5, "open", 1);
    put_ctx c = {.rec = a, .kind = WORK_ALERT};
    assert_int_equal(store_write(fx->s, put_write, &c), 0);
    assert_int_equal(read_sla(fx->s).n, 0);
    json_t *cleared = json_deep_copy(a);
    json_object_set_new(cleared, "open", json_false());
    json_object_set_new(cleared, "cleared_at", json_string("2026-01-12T10:00:00Z"));
    put_ctx p = {.old = a, .rec = cleared, .kind = WORK_ALERT};
    assert_int_equal(store_write(fx->s, put_write, &p), 0);
    got_sla g = read_sla(fx->s);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].type, SLA_NEW_CASE);
    assert_int_equal(g.rows[0].answered_by, 'h');
    assert_int_equal(g.rows[0].raised_day, calendar_day("2026-01-05"));
    assert_int_equal(g.rows[0].answered_day, calendar_day("2026-01-12"));
    assert_int_equal(g.rows[0].allowed, 5);
    assert_int_equal(g.rows[0].council_id, 7);

    /* An urgent query: council asks twice (the first date counts), HO answers, council replies. */
    json_t *q = json_pack("{s:I,s:I,s:s,s:b,s:s,s:[o,o,o,o]}", "case_id", (json_int_t)1, "council_id",
                          (json_int_t)7, "category", "other", "urgent", 1, "status", "open", "messages",
                          msg("council", "2026-02-02T09:00:00Z"), msg("council", "2026-02-03T09:00:00Z"),
                          msg("ho", "2026-02-04T09:00:00Z"), msg("council", "2026-02-10T09:00:00Z"));
    put_ctx qc = {.rec = q, .kind = WORK_QUERY};
    assert_int_equal(store_write(fx->s, put_write, &qc), 0);
    g = read_sla(fx->s);
    assert_int_equal(g.n, 3); /* sorted by answered day */
    assert_int_equal(g.rows[1].type, SLA_URGENT_QUERY);
    assert_int_equal(g.rows[1].answered_by, 'h');
    assert_int_equal(g.rows[1].raised_day, calendar_day("2026-02-02"));
    assert_int_equal(g.rows[1].answered_day, calendar_day("2026-02-04"));
    assert_int_equal(g.rows[1].allowed, 1);
    assert_int_equal(g.rows[2].answered_by, 'c');
    assert_int_equal(g.rows[2].raised_day, calendar_day("2026-02-04"));
    assert_int_equal(g.rows[2].answered_day, calendar_day("2026-02-10"));
    assert_int_equal(g.rows[2].allowed, 10);

    /* A rebuild from the records gives the same rows. */
    size_t counts[2] = {9, 9};
    assert_int_equal(store_write(fx->s, rebuild_write, counts), 0);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[1], 2);
    got_sla again = read_sla(fx->s);
    assert_int_equal(again.n, 3);
    for (int i = 0; i < 3; i++) { /* field by field: the structs' padding bytes are whatever the stack held */
        assert_int_equal(again.rows[i].raised_day, g.rows[i].raised_day);
        assert_int_equal(again.rows[i].answered_day, g.rows[i].answered_day);
        assert_int_equal(again.rows[i].council_id, g.rows[i].council_id);
        assert_int_equal(again.rows[i].type, g.rows[i].type);
        assert_int_equal(again.rows[i].answered_by, g.rows[i].answered_by);
        assert_int_equal(again.rows[i].allowed, g.rows[i].allowed);
    }
    json_decref(a);
    json_decref(cleared);
    json_decref(q);
}

static void money_and_formulas(void **state)
{
    (void)state;
    /* £100 a week for 3 days is £42.857… → 4286p; half pennies round up. */
    assert_int_equal(report_weekly_cost(10000, 3), 4286);
    assert_int_equal(report_weekly_cost(7, 1), 1);
    assert_int_equal(report_weekly_cost(3, 1), 0);
    assert_int_equal(report_weekly_cost(100000000, 73000), 1042857142857);
    assert_true(report_text_is_formula("=SUM(A1)", 8));
    assert_true(report_text_is_formula("+44", 3));
    assert_true(report_text_is_formula("-1", 2));
    assert_true(report_text_is_formula("@x", 2));
    assert_true(report_text_is_formula("\tx", 2));
    assert_true(report_text_is_formula("\rx", 2));
    assert_false(report_text_is_formula("Team =A", 7));
    assert_false(report_text_is_formula("", 0));
}

/* A reopened case keeps its earlier closures in its row (facts_version 3), oldest first, each with the
 * UK day it was reopened, so each closure counts in its own period and "closed on day d" is exact. */
typedef struct {
    int found;
    unsigned n_past;
    int32_t closed[4], reopened[4];
    uint8_t reason[4];
    int closed_on[6];
} past_got;

static const char *const past_days[6] = {"2025-03-09", "2025-03-10", "2025-04-01", "2025-04-02", "2025-05-11", "2025-05-12"};

static int copy_past(const case_facts *f, void *ctx)
{
    past_got *g = ctx;
    g->found++;
    g->n_past = f->n_past;
    for (unsigned i = 0; i < f->n_past && i < 4; i++)
        store_facts_past_closure(f, i, &g->closed[i], &g->reopened[i], &g->reason[i]);
    for (int i = 0; i < 6; i++)
        g->closed_on[i] = store_facts_closed_on(f, (int32_t)calendar_day(past_days[i]));
    return 0;
}

static void past_closures_in_the_row(void **state)
{
    fixture *fx = *state;
    json_t *rec = a_case();
    json_object_set_new(rec, "status", json_string("closed"));
    json_object_set_new(rec, "closure", json_pack("{s:s,s:s}", "closure_date", "2025-05-12", "reason", "leave_granted_nrpf"));
    /* Reopened at 23:30 UTC on 1 April 2025: 00:30 BST on the 2nd, the UK day that counts. */
    json_object_set_new(rec, "previous_closures",
                        json_pack("[{s:s,s:s,s:s,s:I}]", "closure_date", "2025-03-10", "reason", "left_area",
                                  "reopened_at", "2025-04-01T23:30:00Z", "id", (json_int_t)1));
    put_ctx c = {.rec = rec};
    assert_int_equal(store_write(fx->s, put_write, &c), 0);
    past_got g = {0};
    MDB_txn *txn;
    assert_int_equal(store_read_begin(fx->s, &txn), 0);
    assert_int_equal(store_facts_cases_each(fx->s, txn, 7, copy_past, &g), 0);
    size_t rows = 0, differences = 0;
    assert_int_equal(store_facts_verify(fx->s, txn, NULL, &rows, &differences), 0);
    store_read_end(fx->s, txn);
    assert_int_equal(differences, 0);
    assert_int_equal(g.found, 1);
    assert_int_equal(g.n_past, 1);
    assert_int_equal(g.closed[0], calendar_day("2025-03-10"));
    assert_int_equal(g.reopened[0], calendar_day("2025-04-02"));
    assert_int_equal(g.reason[0], case_enum_code1(case_closure_reasons, "left_area"));
    /* Open before the first closure, closed from it until the reopening day, open again, closed from
     * the second closure. */
    const int want[6] = {0, 1, 1, 0, 0, 1};
    for (int i = 0; i < 6; i++)
        assert_int_equal(g.closed_on[i], want[i]);
    json_decref(rec);
}

/* Takes the row back to its layout before version 4 (no FACTS_HAS_PEOPLE and no people bytes at its
 * end), as the anonymous row of a case destroyed before then is. */
static void strip_people(unsigned char *row, size_t *len)
{
    row[56] &= (unsigned char)~FACTS_HAS_PEOPLE;
    *len -= 2;
}

/* The national report's split of the dependants: children (child, stepchild) and partners (spouse,
 * partner); a row without it still reads, with both 0. */
static void children_and_partners_in_the_row(void **state)
{
    fixture *fx = *state;
    json_t *rec = a_case();
    json_object_set_new(rec, "dependants",
                        json_pack("[{s:s},{s:s},{s:s},{s:s},{s:s}]", "relationship", "spouse", "relationship", "child",
                                  "relationship", "stepchild", "relationship", "other_relative", "relationship",
                                  "partner"));
    put_ctx c = {.rec = rec};
    assert_int_equal(store_write(fx->s, put_write, &c), 0);
    got_facts g = read_facts(fx->s, 7);
    assert_int_equal(g.f.dependants, 5);
    assert_int_equal(g.f.children, 2);
    assert_int_equal(g.f.partners, 2);
    assert_string_equal(g.nat, "Ruritanian"); /* the people bytes come after the strings */
    /* The snapshot a transfer keeps gives the same row. */
    json_t *snap = store_facts_snapshot(rec);
    assert_non_null(snap);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(snap, "dependants"), 0),
                                                          "relationship")),
                        "spouse");
    json_decref(snap);
    row_edit e = {c.id, strip_people};
    assert_int_equal(store_write(fx->s, edit_row_write, &e), 0);
    g = read_facts(fx->s, 7);
    assert_int_equal(g.found, 1);
    assert_int_equal(g.f.dependants, 5);
    assert_int_equal(g.f.children + g.f.partners, 0);
    assert_int_equal(g.f.weekly_subsistence, 5000);
    json_decref(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(case_facts_follow_the_record, setup, teardown),
        cmocka_unit_test_setup_teardown(sla_rows_from_alerts_and_queries, setup, teardown),
        cmocka_unit_test(money_and_formulas),
        cmocka_unit_test_setup_teardown(past_closures_in_the_row, setup, teardown),
        cmocka_unit_test_setup_teardown(children_and_partners_in_the_row, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
