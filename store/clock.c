/* clock.c - the request clock, with an optional offset for tests. */
#include "clock.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *offset_file;

int clock_init(void)
{
    const char *f = getenv("CONNECT_TEST_CLOCK");
    offset_file = f && *f ? f : NULL;
    return offset_file != NULL;
}

int64_t clock_now(void)
{
    int64_t now = (int64_t)time(NULL);
    if (!offset_file)
        return now;
    char buf[32];
    int fd = open(offset_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return now;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return now;
    buf[n] = '\0';
    return now + strtoll(buf, NULL, 10);
}
