/* clock.c - the request clock, with an optional offset for tests. */
#include "clock.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *offset_file;
/* The offset last read whole: what an empty or partly written file (one being rewritten as it is
 * read) stands for, so that a reader never falls back to the real time in the middle of a test. */
static _Atomic int64_t last_offset;

int clock_init(void)
{
    const char *f = getenv("CONNECT_TEST_CLOCK");
    offset_file = f && *f ? f : NULL;
    return offset_file != NULL;
}

/* The test offset in seconds: 0 without CONNECT_TEST_CLOCK or its file; the last whole reading while
 * the file holds no number (truncated by a writer that has not written yet). */
static int64_t offset_seconds(void)
{
    if (!offset_file)
        return 0;
    char buf[32];
    int fd = open(offset_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return last_offset;
    buf[n] = '\0';
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (end == buf)
        return last_offset;
    last_offset = v;
    return v;
}

int64_t clock_now(void) { return (int64_t)time(NULL) + offset_seconds(); }

int64_t clock_now_ms(void)
{
    /* CLOCK_REALTIME is the clock time() reads, so clock_now_ms() / 1000 == clock_now() but for a
     * second ticking over between the two calls. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec + offset_seconds()) * 1000 + ts.tv_nsec / 1000000;
}
