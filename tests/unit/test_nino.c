/* Unit tests for the NINo validator (nino.h) and the 48-working-hour clock of the NINo batches
 * (working_hours.h) over the shipped England and Wales bank holidays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "nino.h"
#include "working_hours.h"

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

static int ok(const char *in, const char *want)
{
    char out[NINO_LEN + 1];
    const char *why = NULL;
    if (nino_normalise(in, strlen(in), out, &why))
        return 0;
    return strcmp(out, want) == 0;
}

static const char *refused(const char *in)
{
    char out[NINO_LEN + 1];
    const char *why = NULL;
    return nino_normalise(in, strlen(in), out, &why) ? why : NULL;
}

static void valid_numbers(void **state)
{
    (void)state;
    assert_true(ok("AB123456C", "AB123456C"));
    assert_true(ok("ab 12 34 56 d", "AB123456D"));
    assert_true(ok("JZ000000A", "JZ000000A"));
    assert_true(ok("OA123456B", "OA123456B")); /* O is refused only second */
}

static void bad_prefixes(void **state)
{
    (void)state;
    const char *bad[] = {"DA123456A", "FA123456A", "IA123456A", "QA123456A", "UA123456A", "VA123456A",
                         "AD123456A", "AO123456A", "AF123456A", "AQ123456A", "BG123456A", "GB123456A",
                         "KN123456A", "NK123456A", "NT123456A", "TN123456A", "ZZ123456A", NULL};
    for (int i = 0; bad[i]; i++) {
        const char *why = refused(bad[i]);
        assert_non_null(why);
        assert_non_null(strstr(why, "prefix"));
    }
    assert_non_null(refused("A1123456A"));
}

static void bad_suffixes_and_shapes(void **state)
{
    (void)state;
    assert_non_null(strstr(refused("AB123456E"), "A, B, C or D"));
    assert_non_null(strstr(refused("AB1234567"), "A, B, C or D"));
    assert_non_null(refused("AB123456"));
    assert_non_null(refused("AB12345CC"));
    assert_non_null(refused("AB123456CC"));
    assert_non_null(refused(""));
    assert_non_null(refused("AB12-456C"));
}

static int64_t at(const char *iso)
{
    struct tm tm = {0};
    sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static int64_t due48(const char *from, const long *closed, size_t n)
{
    int64_t due = 0;
    int beyond = 1;
    assert_int_equal(working_hours_add(&cal, closed, n, at(from), 48, &due, &beyond), 0);
    assert_false(beyond);
    return due;
}

static void clock_over_bank_holiday_monday(void **state)
{
    (void)state;
    /* Friday 28 August 2026 15:00 BST; Monday 31 August is the summer bank holiday: Wednesday 15:00 BST. */
    assert_int_equal(due48("2026-08-28T14:00:00Z", NULL, 0), at("2026-09-02T14:00:00Z"));
    /* Thursday before Easter 15:00 BST: Good Friday and Easter Monday skipped, Wednesday 15:00. */
    assert_int_equal(due48("2026-04-02T14:00:00Z", NULL, 0), at("2026-04-08T14:00:00Z"));
}

static void clock_plain_week_and_weekend(void **state)
{
    (void)state;
    /* Tuesday 10:00 GMT: Thursday 10:00. */
    assert_int_equal(due48("2026-11-24T10:00:00Z", NULL, 0), at("2026-11-26T10:00:00Z"));
    /* Friday 15:00 GMT, no holiday: Tuesday 15:00. */
    assert_int_equal(due48("2026-11-27T15:00:00Z", NULL, 0), at("2026-12-01T15:00:00Z"));
    /* Saturday: Monday and Tuesday whole, so Wednesday 00:00. */
    assert_int_equal(due48("2026-11-28T10:00:00Z", NULL, 0), at("2026-12-02T00:00:00Z"));
}

static void clock_office_closure_and_clock_change(void **state)
{
    (void)state;
    long closed[] = {calendar_day("2026-12-01")};
    /* Friday 15:00 with Tuesday closed: Wednesday 15:00. */
    assert_int_equal(due48("2026-11-27T15:00:00Z", closed, 1), at("2026-12-02T15:00:00Z"));
    /* Friday 23 October 15:00 BST; the clocks go back on the Sunday: Tuesday 15:00 GMT. */
    assert_int_equal(due48("2026-10-23T14:00:00Z", NULL, 0), at("2026-10-27T15:00:00Z"));
    /* Christmas: Thursday 24 December 2026 12:00, then 25 and 28 December are holidays. */
    assert_int_equal(due48("2026-12-24T12:00:00Z", NULL, 0), at("2026-12-30T12:00:00Z"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_numbers),
        cmocka_unit_test(bad_prefixes),
        cmocka_unit_test(bad_suffixes_and_shapes),
        cmocka_unit_test(clock_over_bank_holiday_monday),
        cmocka_unit_test(clock_plain_week_and_weekend),
        cmocka_unit_test(clock_office_closure_and_clock_change),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
