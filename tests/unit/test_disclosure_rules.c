/* Unit tests for the disclosure agreement's rules (store/disclosure_rules.h) and the store's part of
 * them (store/store_disclosure.h): grade order with the council equivalents, who may countersign,
 * who may review, request numbers, the median, the due date in working days, the keep-until index
 * and the destruction of disclosed data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "calendar.h"
#include "disclosure_rules.h"
#include "store_disclosure.h"
#include "store_fixture.h"

static void grades_are_ordered(void **state)
{
    (void)state;
    static const char *const order[] = {"AO", "EO", "HEO", "SEO", "G7", "G6", "SCS"};
    for (int i = 0; i < 7; i++)
        assert_int_equal(disclosure_grade_rank(order[i]), i + 1);
    /* Council titles rank with the civil-service grade they correspond to. */
    assert_int_equal(disclosure_grade_rank("council_officer"), disclosure_grade_rank("AO"));
    assert_int_equal(disclosure_grade_rank("council_senior_officer"), disclosure_grade_rank("EO"));
    assert_int_equal(disclosure_grade_rank("council_director"), disclosure_grade_rank("SCS"));
    assert_int_equal(disclosure_grade_rank(NULL), 0);
    assert_int_equal(disclosure_grade_rank("eo"), 0); /* codes are exact */
    assert_int_equal(disclosure_grade_rank("Grade 7"), 0);
}

static void countersignature_rule(void **state)
{
    (void)state;
    /* countersigner, their org, grade, marked, requester, requesting org */
    assert_null(disclosure_countersign_refusal(2, 10, "EO", 1, 1, 10));
    assert_null(disclosure_countersign_refusal(2, 10, "council_team_manager", 1, 1, 10));
    assert_non_null(disclosure_countersign_refusal(1, 10, "G7", 1, 1, 10));  /* the requester */
    assert_non_null(disclosure_countersign_refusal(2, 10, "AO", 1, 1, 10));  /* below EO */
    assert_non_null(disclosure_countersign_refusal(2, 10, NULL, 1, 1, 10));  /* no grade */
    assert_non_null(disclosure_countersign_refusal(2, 10, "SCS", 0, 1, 10)); /* not marked */
    assert_non_null(disclosure_countersign_refusal(2, 11, "SCS", 1, 1, 10)); /* another organisation */
}

static void review_needs_a_higher_grade(void **state)
{
    (void)state;
    assert_true(disclosure_may_review("G7", "HEO"));
    assert_true(disclosure_may_review("EO", NULL));
    assert_false(disclosure_may_review("HEO", "HEO"));
    assert_false(disclosure_may_review("EO", "HEO"));
    assert_false(disclosure_may_review(NULL, NULL));
}

static void numbers_and_medians(void **state)
{
    (void)state;
    char n[24];
    disclosure_number(42, n);
    assert_string_equal(n, "DR-42");
    long odd[] = {24, 2, 5};
    assert_int_equal(disclosure_median_tenths(odd, 3), 50);
    long even[] = {4, 3};
    assert_int_equal(disclosure_median_tenths(even, 2), 35);
    assert_int_equal(disclosure_median_tenths(NULL, 0), -1);
}

static void due_dates_in_working_days(void **state)
{
    (void)state;
    calendar cal;
    char path[PATH_MAX], err[200], due[11];
    const char *root = getenv("CONNECT_ROOT");
    snprintf(path, sizeof path, "%s/store/bank-holidays.json", root && *root ? root : ".");
    assert_int_equal(calendar_load_file(path, &cal, err, sizeof err), 0);
    int beyond = 0;
    /* 20 working days from Wednesday 2 December 2026 cross Christmas, Boxing Day (substitute Monday 28)
     * and New Year's Day: the 20th is Monday 4 January. */
    assert_int_equal(calendar_add_working_days(&cal, "2026-12-02", DISCLOSURE_DEFAULT_DAYS, due, &beyond), 0);
    assert_string_equal(due, "2027-01-04");
    assert_false(beyond);
    assert_int_equal(calendar_add_working_days(&cal, "2027-02-01", DISCLOSURE_DEFAULT_DAYS, due, &beyond), 0);
    assert_string_equal(due, "2027-03-01");
    calendar_free(&cal);
}

typedef struct {
    fixture *f;
    uint64_t id;
} keep_ctx;

static int make_disclosed(store *s, MDB_txn *txn, void *arg)
{
    keep_ctx *c = arg;
    json_t *rec = json_pack("{s:s,s:i,s:i,s:i,s:s,s:[{s:s,s:s,s:[{s:i,s:s}]}],s:[]}", "status", "disclosed",
                            "requesting_org_id", 2, "providing_org_id", 6, "requester_id", 3, "keep_until", "2026-12-10",
                            "decisions", "outcome", "disclosed", "message", "secret answer", "attachments", "n", 1,
                            "filename", "a.pdf", "pending_attachments");
    int rc = store_disclosure_create(s, txn, rec, &c->id);
    if (!rc)
        rc = store_disclosure_put(s, txn, NULL, rec);
    if (!rc)
        rc = store_disclosure_file_put(s, txn, c->id, 1, "%PDF", 4);
    json_decref(rec);
    return rc;
}

static void keep_until_and_destruction(void **state)
{
    fixture *f = *state;
    keep_ctx c = {f, 0};
    assert_int_equal(store_write(f->s, make_disclosed, &c), 0);
    MDB_txn *txn;
    uint64_t ids[4];
    size_t n;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_disclosure_keep_due(f->s, txn, "2026-12-10", ids, 4, &n), 0);
    assert_int_equal(n, 0); /* kept through the keep-until day itself */
    assert_int_equal(store_disclosure_keep_due(f->s, txn, "2026-12-11", ids, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], c.id);
    int days, keep;
    assert_int_equal(store_disclosure_pair_get(f->s, txn, 2, 6, &days, &keep), 0);
    assert_int_equal(days, DISCLOSURE_DEFAULT_DAYS);
    assert_int_equal(keep, DISCLOSURE_DEFAULT_MAX_KEEP_DAYS);
    store_read_end(f->s, txn);

    size_t destroyed = 0;
    assert_int_equal(store_disclosure_expire(f->s, "2026-12-10", "2026-12-10T03:00:00Z", &destroyed), 0);
    assert_int_equal(destroyed, 0);
    assert_int_equal(store_disclosure_expire(f->s, "2026-12-11", "2026-12-11T03:00:00Z", &destroyed), 0);
    assert_int_equal(destroyed, 1);

    json_t *rec;
    const void *data;
    size_t len;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_disclosure_get(f->s, txn, c.id, &rec), 0);
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "destroyed");
    json_t *d = json_array_get(json_object_get(rec, "decisions"), 0);
    assert_null(json_object_get(d, "message"));
    assert_int_equal(json_integer_value(json_object_get(d, "attachments")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "destruction"), "run")), "daily");
    assert_int_equal(store_disclosure_file_get(f->s, txn, c.id, 1, &data, &len), MDB_NOTFOUND);
    assert_int_equal(store_disclosure_keep_due(f->s, txn, "2030-01-01", ids, 4, &n), 0);
    assert_int_equal(n, 0); /* its keep-until entry went with the data */
    json_decref(rec);
    store_read_end(f->s, txn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grades_are_ordered),
        cmocka_unit_test(countersignature_rule),
        cmocka_unit_test(review_needs_a_higher_grade),
        cmocka_unit_test(numbers_and_medians),
        cmocka_unit_test(due_dates_in_working_days),
        cmocka_unit_test_setup_teardown(keep_until_and_destruction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
