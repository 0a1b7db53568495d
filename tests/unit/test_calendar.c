/* Unit tests for the working-day calendar over the shipped England and Wales bank holidays:
 * weekends, Easter, year ends, substitute days, the end of the covered years. */
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

static calendar cal;

static int load(void **state)
{
    (void)state;
    char path[PATH_MAX], err[200];
    const char *root = getenv("CONNECT_ROOT");
    snprintf(path, sizeof path, "%s/store/bank-holidays.json", root && *root ? root : ".");
    if (calendar_load_file(path, &cal, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int unload(void **state)
{
    (void)state;
    calendar_free(&cal);
    return 0;
}

static void dates_round_trip(void **state)
{
    (void)state;
    char d[11];
    calendar_date(calendar_day("2024-02-29"), d);
    assert_string_equal(d, "2024-02-29");
    assert_int_equal(calendar_day("1970-01-01"), 0);
    assert_true(calendar_day("2023-02-29") == CALENDAR_NO_DAY);
    assert_true(calendar_day("2024-13-01") == CALENDAR_NO_DAY);
    assert_true(calendar_day("24-01-01") == CALENDAR_NO_DAY);
    assert_int_equal(calendar_day("1969-12-31"), -1); /* before 1970: a negative day, still a date */
    assert_true(calendar_day("1901-01-01") < -20000);
}

static void covers_2018_to_2027(void **state)
{
    (void)state;
    assert_int_equal(cal.first_year, 2018);
    assert_int_equal(cal.last_year, 2027);
    assert_int_equal(cal.n, 83);
}

static const char *add(const char *from, int n, int *beyond)
{
    static char out[11];
    assert_int_equal(calendar_add_working_days(&cal, from, n, out, beyond), 0);
    return out;
}

static void weekends_and_easter(void **state)
{
    (void)state;
    int beyond;
    assert_string_equal(add("2026-11-27", 1, &beyond), "2026-11-30"); /* Friday + 1 = Monday */
    assert_string_equal(add("2026-11-23", 5, &beyond), "2026-11-30"); /* a whole week */
    assert_string_equal(add("2026-04-02", 1, &beyond), "2026-04-07"); /* Good Friday, Easter Monday */
    assert_string_equal(add("2024-03-28", 1, &beyond), "2024-04-02"); /* Easter across March/April */
    assert_false(beyond);
    assert_string_equal(add("2026-11-28", 0, &beyond), "2026-11-30"); /* a Saturday rolls to Monday */
    /* Raised on a weekend or a bank holiday: the first working day after it is day 1. */
    assert_string_equal(add("2026-11-28", 1, &beyond), "2026-11-30");
    assert_string_equal(add("2026-11-27", 5, &beyond), "2026-12-04");
    assert_string_equal(add("2026-11-28", 5, &beyond), "2026-12-04");
    assert_string_equal(add("2026-12-26", 5, &beyond), "2027-01-05");
}

static void year_ends_and_substitute_days(void **state)
{
    (void)state;
    int beyond;
    /* 2026: Christmas Friday, Boxing Day Saturday -> substitute Monday 28th */
    assert_string_equal(add("2026-12-24", 1, &beyond), "2026-12-29");
    /* 2022: Christmas Sunday -> substitute Tuesday 27th; New Year Sunday -> Monday 2 Jan 2023 */
    assert_string_equal(add("2022-12-23", 1, &beyond), "2022-12-28");
    assert_string_equal(add("2022-12-30", 1, &beyond), "2023-01-03");
    /* 2027: Christmas Saturday, Boxing Day Sunday -> 27th and 28th */
    assert_string_equal(add("2027-12-24", 1, &beyond), "2027-12-29");
    assert_false(beyond);
    /* 5 working days in the ten-year SLA sense, across the 2020 VE-day move */
    assert_string_equal(add("2020-05-04", 5, &beyond), "2020-05-12");
}

static void beyond_the_calendar_is_flagged(void **state)
{
    (void)state;
    int beyond;
    add("2027-12-29", 5, &beyond); /* lands in January 2028: not known */
    assert_true(beyond);
    long n = calendar_working_days_between(&cal, "2027-12-01", "2028-01-10", &beyond);
    assert_true(beyond);
    assert_true(n > 0);
}

static void days_between(void **state)
{
    (void)state;
    int beyond;
    assert_int_equal(calendar_working_days_between(&cal, "2026-12-24", "2026-12-29", &beyond), 1);
    assert_int_equal(calendar_working_days_between(&cal, "2026-11-23", "2026-11-30", &beyond), 5);
    assert_int_equal(calendar_working_days_between(&cal, "2026-11-30", "2026-11-23", &beyond), 0);
}

/* The count by whole weeks and holidays agrees with counting day by day with
 * calendar_is_working_day, for spans starting on every weekday, from a day to two years, across
 * Christmas, Easter and the edges of the calendar. */
static void days_between_agrees_with_day_by_day(void **state)
{
    (void)state;
    const char *starts[] = {"2018-12-20", "2019-04-15", "2020-05-01", "2024-12-23", "2026-03-30", "2026-12-24",
                            "2027-12-20"};
    for (size_t s = 0; s < sizeof starts / sizeof *starts; s++) {
        long a = calendar_day(starts[s]);
        for (long shift = 0; shift < 7; shift++) {
            long from = a + shift, slow = 0;
            char f[11], t[11];
            calendar_date(from, f);
            for (long to = from + 1; to <= from + 800; to++) {
                slow += calendar_is_working_day(&cal, to);
                calendar_date(to, t);
                int beyond;
                long fast = calendar_working_days_between(&cal, f, t, &beyond);
                if (fast != slow)
                    fail_msg("%s to %s: %ld working days, day by day %ld", f, t, fast, slow);
            }
        }
    }
}

static void bad_files_are_refused(void **state)
{
    (void)state;
    calendar c;
    char err[200];
    assert_int_equal(calendar_parse("{}", 2, &c, err, sizeof err), -1);
    const char *bad = "{\"england-and-wales\":{\"events\":[{\"date\":\"2026-02-30\"}]}}";
    assert_int_equal(calendar_parse(bad, strlen(bad), &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a date"));
    const char *good = "{\"england-and-wales\":{\"events\":[{\"date\":\"2030-12-25\"},{\"date\":\"2030-12-25\"}]}}";
    assert_int_equal(calendar_parse(good, strlen(good), &c, err, sizeof err), 0);
    assert_int_equal(c.n, 1); /* repeats merged */
    calendar_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_round_trip),
        cmocka_unit_test(covers_2018_to_2027),
        cmocka_unit_test(weekends_and_easter),
        cmocka_unit_test(year_ends_and_substitute_days),
        cmocka_unit_test(beyond_the_calendar_is_flagged),
        cmocka_unit_test(days_between),
        cmocka_unit_test(days_between_agrees_with_day_by_day),
        cmocka_unit_test(bad_files_are_refused),
    };
    return cmocka_run_group_tests_name("calendar", tests, load, unload);
}
