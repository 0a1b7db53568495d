/* access_log.c - the access log. Each line goes out in one write() to an O_APPEND file, so lines
 * from many threads and processes never interleave. */
#include "access_log.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_fd = 2;
static const char *log_path; /* NULL: stderr */

int access_log_open(const char *path)
{
    if (!path || strcmp(path, "-") == 0) {
        log_fd = 2;
        log_path = NULL;
        return 0;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    log_fd = fd;
    log_path = path;
    return 0;
}

int access_log_reopen(void)
{
    if (!log_path)
        return 0;
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    /* dup2 swaps the file under log_fd in one step: a thread writing meanwhile writes whole lines to
     * the old file or to the new one, never to a closed descriptor. */
    int rc = dup3(fd, log_fd, O_CLOEXEC) < 0 ? -1 : 0;
    close(fd);
    return rc;
}

void access_log_write(const http_req *r, long micros)
{
    char when[21], line[512];
    http_iso_time(r->now, when);
    /* The path is printed up to 200 bytes, with anything but safe URL characters replaced. */
    char path[201];
    size_t i = 0;
    for (const char *p = r->path ? r->path : ""; *p && i < sizeof path - 1; p++)
        path[i++] = (*p > 0x20 && *p < 0x7f && *p != '"') ? *p : '?';
    path[i] = '\0';
    int n = snprintf(line, sizeof line, "%s %s %s %d %ldus uid=%" PRIu64 "\n", when, r->method ? r->method : "-",
                     path, r->status, micros, r->uid);
    if (n > 0)
        (void)!write(log_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
