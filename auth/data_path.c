/* data_path.c - locating shipped data files. */
#include "data_path.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int data_path(const char *rel, char *out, size_t cap)
{
    const char *root = getenv("CONNECT_ROOT");
    if (root && *root) {
        snprintf(out, cap, "%s/%s", root, rel);
        if (access(out, R_OK) == 0)
            return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        const char *dir = dirname(exe);
        /* bin/ or bin/asan/ in the repository; /usr/sbin/ beside /usr/share/connect/ in the package */
        static const char *const up[] = {"/../", "/../../", "/../share/connect/"};
        for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
            snprintf(out, cap, "%s%s%s", dir, up[i], rel);
            if (access(out, R_OK) == 0)
                return 0;
        }
    }
    snprintf(out, cap, "%s", rel);
    return access(out, R_OK) == 0 ? 0 : -1;
}
