/* backup_job.c - scheduled, checked and pruned backups (see backup_job.h). */
#include "backup_job.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_backup.h"
#include "store_check.h"

#define RETRY_AFTER_FAILURE 300
#define PARTIAL_PREFIX ".partial-"

int backup_dir_path(const char *data_dir, char *out, size_t cap)
{
    const char *dir = getenv("CONNECT_BACKUP_DIR");
    int n = dir && *dir ? snprintf(out, cap, "%s", dir) : snprintf(out, cap, "%s/backups", data_dir);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The environment variable `name` as a whole number in [min, max], or `fallback` when unset. */
static int env_long(const char *name, long fallback, long min, long max, long *out)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        *out = fallback;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < min || n > max) {
        fprintf(stderr, "connectd: %s must be a whole number from %ld to %ld\n", name, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

/* Removes a folder of plain files (a backup or a partial one). */
static void remove_flat_folder(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        for (struct dirent *e; (e = readdir(d));)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(path);
}

static int is_backup_name(const char *name)
{
    return strlen(name) == BACKUP_NAME_LEN && strncmp(name, BACKUP_NAME_PREFIX, strlen(BACKUP_NAME_PREFIX)) == 0 &&
           name[BACKUP_NAME_LEN - 1] == 'Z';
}

int backup_job_init(backup_job *b, const char *data_dir)
{
    memset(b, 0, sizeof *b);
    atomic_init(&b->state, 0);
    long hourly, daily;
    if (backup_dir_path(data_dir, b->dir, sizeof b->dir)) {
        fprintf(stderr, "connectd: the backup folder's path is too long\n");
        return -1;
    }
    if (env_long("CONNECT_BACKUP_INTERVAL", 3600, 0, 366L * 86400, &b->interval) ||
        env_long("CONNECT_BACKUP_KEEP_HOURLY", 48, 1, 10000, &hourly) ||
        env_long("CONNECT_BACKUP_KEEP_DAILY", 30, 0, 10000, &daily))
        return -1;
    b->keep_hourly = (int)hourly;
    b->keep_daily = (int)daily;
    if (!b->interval)
        return 0;
    if (mkdir(b->dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "connectd: cannot make the backup folder %s: %s\n", b->dir, strerror(errno));
        return -1;
    }
    DIR *d = opendir(b->dir);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            if (strncmp(e->d_name, PARTIAL_PREFIX, strlen(PARTIAL_PREFIX)) != 0)
                continue;
            char path[sizeof b->dir + 300];
            snprintf(path, sizeof path, "%s/%s", b->dir, e->d_name);
            remove_flat_folder(path);
        }
        closedir(d);
    }
    char path[sizeof b->dir + 16];
    snprintf(path, sizeof path, "%s/last.json", b->dir);
    json_t *last = json_load_file(path, 0, NULL);
    json_int_t at = json_integer_value(json_object_get(last, "attempt_at"));
    int ok = json_is_true(json_object_get(last, "ok"));
    json_decref(last);
    long retry = b->interval < RETRY_AFTER_FAILURE ? b->interval : RETRY_AFTER_FAILURE;
    b->next_at = at > 0 ? (time_t)at + (ok ? b->interval : retry) : 0;
    return 0;
}

int backup_job_due(backup_job *b, time_t now)
{
    return b->interval > 0 && atomic_load_explicit(&b->state, memory_order_acquire) == 0 && now >= b->next_at;
}

static void *backup_thread(void *arg)
{
    backup_job *b = arg;
    backup_job_run(b, b->st, b->data_dir, b->started);
    atomic_store_explicit(&b->state, 2, memory_order_release); /* next_at is written: the reaper may read */
    return NULL;
}

int backup_job_start(backup_job *b, store *s, const char *data_dir, time_t now)
{
    b->st = s;
    b->data_dir = data_dir;
    b->started = now;
    atomic_store_explicit(&b->state, 1, memory_order_release);
    int rc = pthread_create(&b->thread, NULL, backup_thread, b);
    if (rc) {
        atomic_store_explicit(&b->state, 0, memory_order_release);
        backup_job_run(b, s, data_dir, now);
    }
    return rc;
}

int backup_job_reap(backup_job *b)
{
    int state = atomic_load_explicit(&b->state, memory_order_acquire);
    if (state == 2) {
        pthread_join(b->thread, NULL);
        atomic_store_explicit(&b->state, 0, memory_order_release);
    }
    return state == 1;
}

static int by_name_newest_first(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

void backup_keep_plan(char *const names[], size_t n, int keep_hourly, int keep_daily, int *keep)
{
    char day[9] = "";
    int days = 0;
    const size_t date_at = strlen(BACKUP_NAME_PREFIX);
    for (size_t i = 0; i < n; i++) {
        keep[i] = i < (size_t)keep_hourly;
        if (strncmp(names[i] + date_at, day, 8) != 0) { /* the newest backup of another day */
            memcpy(day, names[i] + date_at, 8);
            if (++days <= keep_daily)
                keep[i] = 1;
        }
    }
}

/* Removes what the plan does not keep; how many were removed. */
static size_t prune(const backup_job *b)
{
    DIR *d = opendir(b->dir);
    if (!d)
        return 0;
    size_t n = 0, cap = 0, removed = 0;
    char **names = NULL;
    int failed = 0;
    for (struct dirent *e; (e = readdir(d)) && !failed;) {
        if (!is_backup_name(e->d_name))
            continue;
        if (n == cap) {
            char **more = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            failed = !more;
            names = more ? more : names;
        }
        if (!failed && !(names[n] = strdup(e->d_name)))
            failed = 1;
        n += !failed;
    }
    closedir(d);
    int *keep = failed ? NULL : calloc(n ? n : 1, sizeof *keep);
    if (keep) { /* out of memory: prune nothing this time */
        qsort(names, n, sizeof *names, by_name_newest_first);
        backup_keep_plan(names, n, b->keep_hourly, b->keep_daily, keep);
        for (size_t i = 0; i < n; i++) {
            if (keep[i])
                continue;
            char path[sizeof b->dir + 64];
            snprintf(path, sizeof path, "%s/%s", b->dir, names[i]);
            remove_flat_folder(path);
            removed++;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(keep);
    return removed;
}

/* Opens the copy in `dir` as a store of its own and runs the whole check on it; the number of problems
 * (-1: it did not open or could not be read). The lock file the open makes is removed after. */
static int check_copy(const char *dir)
{
    store *copy;
    int rc = store_open(&copy, dir, NULL);
    if (rc) {
        fprintf(stderr, "mail_sender: backup check: the copy does not open: %s\n", store_strerror(rc));
        return -1;
    }
    store_check_result res;
    int problems = store_check(copy, stderr, &res);
    store_close(copy);
    char lock[4200];
    snprintf(lock, sizeof lock, "%s/lock.mdb", dir);
    unlink(lock);
    return problems;
}

/* Writes last.json whole into a temporary file, then renames it over the old one. */
static void record_outcome(const backup_job *b, time_t at, int ok, double seconds, size_t bytes, const char *name)
{
    char path[sizeof b->dir + 16], tmp[sizeof b->dir + 16];
    snprintf(path, sizeof path, "%s/last.json", b->dir);
    snprintf(tmp, sizeof tmp, "%s/last.json~", b->dir);
    json_t *old = json_load_file(path, 0, NULL);
    json_t *success_at = ok ? json_integer((json_int_t)at) : json_incref(json_object_get(old, "success_at"));
    json_decref(old);
    json_t *rec = json_pack("{s:I,s:b,s:f,s:I,s:s?,s:o?}", "attempt_at", (json_int_t)at, "ok", ok, "seconds", seconds,
                            "bytes", (json_int_t)bytes, "name", ok ? name : NULL, "success_at", success_at);
    if (!rec || json_dump_file(rec, tmp, JSON_COMPACT | JSON_REAL_PRECISION(6)) || rename(tmp, path))
        fprintf(stderr, "mail_sender: cannot record the backup's outcome in %s\n", path);
    json_decref(rec);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int backup_job_run(backup_job *b, store *s, const char *data_dir, time_t now)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char name[BACKUP_NAME_LEN + 1], partial[sizeof b->dir + 64], final[sizeof b->dir + 64];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(name, sizeof name, BACKUP_NAME_PREFIX "%Y%m%dT%H%M%SZ", &tm);
    snprintf(partial, sizeof partial, "%s/" PARTIAL_PREFIX "%s", b->dir, name);
    snprintf(final, sizeof final, "%s/%s", b->dir, name);
    size_t bytes = 0;
    int rc = store_backup_folder(s, data_dir, partial, &bytes);
    int problems = rc ? -1 : check_copy(partial);
    int ok = !rc && problems == 0 && rename(partial, final) == 0;
    double took = seconds_since(&t0);
    if (!ok) {
        remove_flat_folder(partial);
        if (rc)
            fprintf(stderr, "mail_sender: backup %s failed: %s\n", name, store_strerror(rc));
        else if (problems)
            fprintf(stderr, "mail_sender: backup %s failed its check (%d problem(s), above); removed\n", name, problems);
        else
            fprintf(stderr, "mail_sender: backup %s could not be named: %s\n", name, strerror(errno));
    }
    size_t removed = ok ? prune(b) : 0;
    if (ok)
        fprintf(stderr, "mail_sender: backup %s taken and checked in %.2f s (%zu bytes); %zu old backup(s) removed\n",
                name, took, bytes, removed);
    record_outcome(b, now, ok, took, bytes, name);
    long retry = b->interval < RETRY_AFTER_FAILURE ? b->interval : RETRY_AFTER_FAILURE;
    b->next_at = now + (ok ? b->interval : retry);
    return ok ? 0 : -1;
}
