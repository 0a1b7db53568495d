/* compact_request.c - a compaction by connectd or by us (compact_request.h). */
#include "compact_request.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* The pid of the connectd master holding DATA/connectd.lock: > 0 when it is running, 0 when nobody
 * holds the lock, -1 with errno when it cannot be told. */
static pid_t running_master(const char *data)
{
    char path[PATH_MAX], buf[32] = "";
    if (snprintf(path, sizeof path, "%s/connectd.lock", data) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    pid_t pid = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) == 0)
        flock(fd, LOCK_UN); /* nobody holds it: connectd is not running */
    else if (errno == EWOULDBLOCK) {
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        long v = strtol(buf, NULL, 10);
        pid = v > 0 ? (pid_t)v : -1;
        if (pid < 0)
            errno = ESRCH;
    } else
        pid = -1;
    close(fd);
    return pid;
}

/* Fills stats from DIR/compact.json and returns the attempt's code (0 ok, EBUSY busy, EIO error). */
static int read_outcome(const char *data, store_compact_stats *st)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/compact.json", data);
    json_t *j = json_load_file(path, 0, NULL);
    if (!j)
        return EIO;
    const char *result = json_string_value(json_object_get(j, "result"));
    st->sequence = (uint64_t)json_integer_value(json_object_get(j, "sequence"));
    st->bytes_before = json_integer_value(json_object_get(j, "bytes_before"));
    st->bytes_after = json_integer_value(json_object_get(j, "bytes_after"));
    st->seconds = json_number_value(json_object_get(j, "seconds"));
    int rc = !result ? EIO : strcmp(result, "ok") == 0 ? 0 : strcmp(result, "busy") == 0 ? EBUSY : EIO;
    json_decref(j);
    return rc;
}

int compact_request(const char *data, int timeout_s, store_compact_stats *stats, const char **who)
{
    store_compact_stats st = {0};
    pid_t master = running_master(data);
    if (master < 0) {
        *who = "connectd";
        return errno ? errno : ESRCH;
    }
    if (master == 0) {
        *who = "connectctl";
        int rc = store_compact(data, &st);
        if (stats)
            *stats = st;
        return rc;
    }
    *who = "connectd";
    uint64_t before = store_compact_sequence(data);
    if (kill(master, SIGUSR2) != 0)
        return errno;
    struct timespec tick = {0, 100 * 1000 * 1000};
    for (int waited = 0; waited < timeout_s * 10; waited++) {
        nanosleep(&tick, NULL);
        if (store_compact_sequence(data) != before) {
            int rc = read_outcome(data, &st);
            if (stats)
                *stats = st;
            return rc;
        }
    }
    return ETIMEDOUT;
}
