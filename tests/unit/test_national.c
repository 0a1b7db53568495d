/* Unit tests for the pure logic of the national report: each nation's working days over the shipped
 * GOV.UK file (St Andrew's Day, 2 January, St Patrick's Day, the Battle of the Boyne, Easter Monday
 * and the August bank holidays), financial years and quarter ends, practice areas, and where a
 * council is (a region names its nation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "case_enums.h"
#include "report_national.h"
#include "store_case.h"
#include "store_org.h"

static calendar cal[CALENDAR_DIVISIONS];

static int load(void **state)
{
    (void)state;
    char path[PATH_MAX], err[200];
    const char *root = getenv("CONNECT_ROOT");
    snprintf(path, sizeof path, "%s/store/bank-holidays.json", root && *root ? root : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    for (int d = 0; d < CALENDAR_DIVISIONS; d++)
        if (calendar_parse_division(text, len, (calendar_division)d, &cal[d], err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return -1;
        }
    return 0;
}

static int unload(void **state)
{
    (void)state;
    for (int d = 0; d < CALENDAR_DIVISIONS; d++)
        calendar_free(&cal[d]);
    return 0;
}

static int working(calendar_division d, const char *date) { return calendar_is_working_day(&cal[d], calendar_day(date)); }

static const char *add(calendar_division d, const char *from, int n)
{
    static char out[11];
    int beyond;
    assert_int_equal(calendar_add_working_days(&cal[d], from, n, out, &beyond), 0);
    assert_false(beyond);
    return out;
}

static void each_nation_has_its_own_holidays(void **state)
{
    (void)state;
    const calendar_division EW = CALENDAR_ENGLAND_AND_WALES, SC = CALENDAR_SCOTLAND, NI = CALENDAR_NORTHERN_IRELAND;
    /* St Andrew's Day: Saturday 30 November 2024 moves to Monday 2 December, Sunday 30 November 2025
     * to Monday 1 December; Monday 30 November 2026 is the day itself. Scotland only. */
    assert_false(working(SC, "2024-12-02"));
    assert_true(working(EW, "2024-12-02"));
    assert_true(working(NI, "2024-12-02"));
    assert_false(working(SC, "2025-12-01"));
    assert_false(working(SC, "2026-11-30"));
    assert_true(working(EW, "2026-11-30"));
    /* 2 January in Scotland; 2022: New Year's Day (Saturday) on Monday 3rd, 2 January on Tuesday 4th. */
    assert_false(working(SC, "2025-01-02"));
    assert_true(working(EW, "2025-01-02"));
    assert_false(working(SC, "2022-01-03"));
    assert_false(working(SC, "2022-01-04"));
    assert_true(working(EW, "2022-01-04"));
    /* Easter Monday is no holiday in Scotland; the summer holiday is early August there, late elsewhere. */
    assert_true(working(SC, "2025-04-21"));
    assert_false(working(EW, "2025-04-21"));
    assert_false(working(NI, "2025-04-21"));
    assert_false(working(SC, "2025-08-04"));
    assert_true(working(EW, "2025-08-04"));
    assert_true(working(SC, "2025-08-25"));
    assert_false(working(EW, "2025-08-25"));
    assert_false(working(NI, "2025-08-25"));
    /* Northern Ireland: St Patrick's Day (Sunday 17 March 2024 on Monday 18th), the Battle of the Boyne
     * (Saturday 12 July 2025 on Monday 14th). */
    assert_false(working(NI, "2024-03-18"));
    assert_true(working(EW, "2024-03-18"));
    assert_false(working(NI, "2025-07-14"));
    assert_true(working(SC, "2025-07-14"));
    /* The days every nation shares. */
    for (int d = 0; d < CALENDAR_DIVISIONS; d++) {
        assert_false(working((calendar_division)d, "2025-12-25"));
        assert_false(working((calendar_division)d, "2025-04-18")); /* Good Friday */
        assert_false(working((calendar_division)d, "2022-09-19")); /* the State Funeral */
    }
}

static void due_dates_follow_the_nation(void **state)
{
    (void)state;
    /* Ten working days after Tuesday 26 November 2024 (the HTTP test's query): Scotland skips 2 December. */
    assert_string_equal(add(CALENDAR_ENGLAND_AND_WALES, "2024-11-26", 10), "2024-12-10");
    assert_string_equal(add(CALENDAR_SCOTLAND, "2024-11-26", 10), "2024-12-11");
    assert_string_equal(add(CALENDAR_NORTHERN_IRELAND, "2024-11-26", 10), "2024-12-10");
    /* Five after Thursday 10 July 2025: Northern Ireland skips the Boyne's Monday. */
    assert_string_equal(add(CALENDAR_ENGLAND_AND_WALES, "2025-07-10", 5), "2025-07-17");
    assert_string_equal(add(CALENDAR_NORTHERN_IRELAND, "2025-07-10", 5), "2025-07-18");
    int beyond;
    assert_int_equal(calendar_working_days_between(&cal[CALENDAR_SCOTLAND], "2024-11-29", "2024-12-03", &beyond), 1);
    assert_int_equal(calendar_working_days_between(&cal[CALENDAR_ENGLAND_AND_WALES], "2024-11-29", "2024-12-03", &beyond), 2);
}

static void a_file_without_the_division_is_refused(void **state)
{
    (void)state;
    calendar c;
    char err[200];
    const char *ew = "{\"england-and-wales\":{\"events\":[{\"date\":\"2030-12-25\"}]}}";
    assert_int_equal(calendar_parse_division(ew, strlen(ew), CALENDAR_ENGLAND_AND_WALES, &c, err, sizeof err), 0);
    calendar_free(&c);
    assert_int_equal(calendar_parse_division(ew, strlen(ew), CALENDAR_SCOTLAND, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"scotland\""));
    assert_int_equal(calendar_parse_division(ew, strlen(ew), (calendar_division)7, &c, err, sizeof err), -1);
}

static void financial_years_and_quarter_ends(void **state)
{
    (void)state;
    int32_t from, to, q[5];
    char d[11];
    national_year_days(2024, &from, &to);
    calendar_date(from, d);
    assert_string_equal(d, "2024-04-01");
    calendar_date(to, d);
    assert_string_equal(d, "2025-03-31");
    assert_int_equal(to - from + 1, 365);
    national_year_days(2023, &from, &to);
    assert_int_equal(to - from + 1, 366); /* 29 February 2024 */
    national_quarter_ends(2024, q);
    static const char *const want[5] = {"2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31"};
    for (int i = 0; i < 5; i++) {
        calendar_date(q[i], d);
        assert_string_equal(d, want[i]);
    }
    /* The day before the year is the previous year's last quarter end. */
    int32_t prev[5];
    national_quarter_ends(2023, prev);
    assert_int_equal(prev[4], q[0]);
}

static void practice_areas_from_the_legislation(void **state)
{
    (void)state;
    assert_int_equal(case_practice_area(case_enum_code(case_legislations, "care_act_2014")), PRACTICE_ADULTS);
    assert_int_equal(case_practice_area(case_enum_code(case_legislations, "children_act_s17")), PRACTICE_FAMILIES);
    static const char *const care[] = {"children_act_s20", "children_act_s23c", "children_act_s24a", "children_act_s24b"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(case_practice_area(case_enum_code(case_legislations, care[i])), PRACTICE_CARE_LEAVERS);
    assert_int_equal(case_practice_area(0), PRACTICE_NOT_RECORDED);
    assert_int_equal(case_practice_area(99), PRACTICE_NOT_RECORDED);
    assert_string_equal(case_practice_areas[PRACTICE_CARE_LEAVERS], "care_leavers");
    assert_null(case_practice_areas[PRACTICE_AREAS]);
}

static void a_region_names_its_nation(void **state)
{
    (void)state;
    const char *nation, *region;
    assert_int_equal(store_org_place_resolve(NULL, "london", &nation, &region), 0);
    assert_string_equal(nation, "england");
    assert_string_equal(region, "london");
    assert_int_equal(store_org_place_resolve("scotland", NULL, &nation, &region), 0);
    assert_string_equal(region, "scotland");
    assert_int_equal(store_org_place_resolve("england", NULL, &nation, &region), 0);
    assert_null(region);
    assert_int_equal(store_org_place_resolve("wales", "wales", &nation, &region), 0);
    assert_int_equal(store_org_place_resolve("wales", "london", &nation, &region), STORE_ORG_MISMATCH);
    assert_int_equal(store_org_place_resolve("scotland", "wales", &nation, &region), STORE_ORG_MISMATCH);
    assert_int_equal(store_org_place_resolve("mars", NULL, &nation, &region), STORE_ORG_BAD_NATION);
    assert_int_equal(store_org_place_resolve(NULL, NULL, &nation, &region), STORE_ORG_BAD_NATION);
    assert_int_equal(store_org_place_resolve(NULL, "atlantis", &nation, &region), STORE_ORG_BAD_REGION);
    assert_string_equal(store_org_region_nation("northern_ireland"), "northern_ireland");
    assert_null(store_org_region_nation("england")); /* a nation, not one of England's regions */
    /* The calendar a council's side counts. */
    json_t *org = json_pack("{s:s}", "nation", "scotland");
    assert_int_equal(store_org_division(org), CALENDAR_SCOTLAND);
    json_object_set_new(org, "nation", json_string("wales"));
    assert_int_equal(store_org_division(org), CALENDAR_ENGLAND_AND_WALES);
    json_object_set_new(org, "nation", json_string("northern_ireland"));
    assert_int_equal(store_org_division(org), CALENDAR_NORTHERN_IRELAND);
    json_object_del(org, "nation");
    assert_int_equal(store_org_division(org), CALENDAR_ENGLAND_AND_WALES);
    json_decref(org);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_nation_has_its_own_holidays),
        cmocka_unit_test(due_dates_follow_the_nation),
        cmocka_unit_test(a_file_without_the_division_is_refused),
        cmocka_unit_test(financial_years_and_quarter_ends),
        cmocka_unit_test(practice_areas_from_the_legislation),
        cmocka_unit_test(a_region_names_its_nation),
    };
    return cmocka_run_group_tests_name("national", tests, load, unload);
}
