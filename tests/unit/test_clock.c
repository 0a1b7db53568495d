/* Unit tests for the request clock (clock.h): the test offset file is re-read on every call; a
 * missing file is no offset, and a file caught between its truncation and its write (empty, or no
 * number) stands for the last offset read rather than for the real time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

static char path[64];

static void write_offset(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* clock_now() minus the real time: the offset in force (the real second may tick between the two). */
static int64_t offset_now(void)
{
    int64_t before = (int64_t)time(NULL), t = clock_now(), after = (int64_t)time(NULL);
    int64_t off = t - before;
    assert_true(t - after <= off && off <= t - after + 1);
    return off;
}

static void offset_file_is_reread_and_never_lost_mid_write(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/connect-clock-test-%ld", (long)getpid());
    unlink(path);
    setenv("CONNECT_TEST_CLOCK", path, 1);
    assert_int_equal(clock_init(), 1);
    assert_true(offset_now() <= 1 && offset_now() >= 0); /* no file: the real time */
    write_offset("86400");
    assert_true(offset_now() >= 86400 && offset_now() <= 86401);
    write_offset(""); /* truncated, not yet written */
    assert_true(offset_now() >= 86400 && offset_now() <= 86401);
    write_offset("-"); /* a sign and no digits yet */
    assert_true(offset_now() >= 86400 && offset_now() <= 86401);
    write_offset("-3600\n");
    assert_true(offset_now() >= -3600 && offset_now() <= -3599);
    int64_t ms = clock_now_ms(), s = clock_now();
    assert_true(ms / 1000 == s || ms / 1000 + 1 == s);
    unlink(path); /* no file: no offset again */
    assert_true(offset_now() <= 1 && offset_now() >= 0);
    unsetenv("CONNECT_TEST_CLOCK");
    assert_int_equal(clock_init(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offset_file_is_reread_and_never_lost_mid_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
