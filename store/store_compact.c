/* store_compact.c - the compacted rewrite of data.mdb put in place of the live file (store_compact.h). */
#include "store_compact.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Named databases a data file may hold; only for counting records (store_db has fewer). */
#define COMPACT_MAX_DBS 256

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int path_in(char *out, size_t size, const char *dir, const char *name)
{
    return snprintf(out, size, "%s/%s", dir, name) >= (int)size ? ENAMETOOLONG : 0;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

/* DIR/compact.json parsed, or NULL when there is none (or it cannot be read). */
static json_t *last_outcome(const char *dir)
{
    char path[PATH_MAX];
    return path_in(path, sizeof path, dir, "compact.json") ? NULL : json_load_file(path, 0, NULL);
}

uint64_t store_compact_sequence(const char *dir)
{
    json_t *j = last_outcome(dir);
    json_int_t n = j ? json_integer_value(json_object_get(j, "sequence")) : 0;
    json_decref(j);
    return n > 0 ? (uint64_t)n : 0;
}

int store_compact_pending(const char *dir)
{
    json_t *j = last_outcome(dir);
    const char *result = j ? json_string_value(json_object_get(j, "result")) : NULL;
    int pending = result && strcmp(result, "ok") != 0;
    json_decref(j);
    return pending;
}

/* Replaces DIR/compact.json with this attempt's outcome (write a temporary file, fsync, rename), so a
 * reader never sees half of it. A failure here is reported but does not undo the compaction. */
static void record_outcome(const char *dir, const store_compact_stats *st, int rc)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    if (path_in(path, sizeof path, dir, "compact.json") || path_in(tmp, sizeof tmp, dir, "compact.json.tmp"))
        return;
    char at[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *j = json_pack("{sI ss ss ss sI sI sf}", "sequence", (json_int_t)st->sequence, "finished_at", at, "result",
                          rc == 0 ? "ok" : rc == EBUSY ? "busy" : "error", "message",
                          rc == 0 ? "compacted" : mdb_strerror(rc), "bytes_before", (json_int_t)st->bytes_before,
                          "bytes_after", (json_int_t)st->bytes_after, "seconds", st->seconds);
    int fd = j ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    int ok = fd >= 0 && json_dumpfd(j, fd, JSON_COMPACT) == 0 && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "store_compact: cannot record the outcome in %s: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    json_decref(j);
}

/* Counts the records of every named database in env (and any plain record of the main database): the
 * check that the compacted copy holds what the original held. */
static int count_records(MDB_env *env, uint64_t *out)
{
    *out = 0;
    MDB_txn *txn;
    int rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
    if (rc)
        return rc;
    MDB_dbi main_dbi;
    MDB_cursor *cur = NULL;
    if ((rc = mdb_dbi_open(txn, NULL, 0, &main_dbi)) || (rc = mdb_cursor_open(txn, main_dbi, &cur))) {
        mdb_txn_abort(txn);
        return rc;
    }
    MDB_val k, v;
    char name[512];
    int op = MDB_FIRST;
    while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
        op = MDB_NEXT;
        MDB_dbi dbi;
        MDB_stat ms;
        if (k.mv_size >= sizeof name) {
            (*out)++;
            continue;
        }
        memcpy(name, k.mv_data, k.mv_size);
        name[k.mv_size] = '\0';
        int r = mdb_dbi_open(txn, name, 0, &dbi);
        if (r == MDB_INCOMPATIBLE || r == MDB_NOTFOUND) { /* a plain record, not a database */
            (*out)++;
            continue;
        }
        if (r || (r = mdb_stat(txn, dbi, &ms))) {
            rc = r;
            break;
        }
        *out += ms.ms_entries;
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Opens an environment without LMDB's locking, read-only: path is a folder, or a file with
 * MDB_NOSUBDIR in extra. */
static int open_unlocked(const char *path, unsigned extra, MDB_env **env)
{
    int rc = mdb_env_create(env);
    if (rc)
        return rc;
    if ((rc = mdb_env_set_maxdbs(*env, COMPACT_MAX_DBS)) ||
        (rc = mdb_env_open(*env, path, MDB_NOLOCK | MDB_RDONLY | extra, 0600))) {
        mdb_env_close(*env);
        *env = NULL;
    }
    return rc;
}

/* Writes the compacted copy of dir's environment to tmp and checks it: fsynced, opens, same number
 * of records. */
static int write_copy(const char *dir, const char *tmp)
{
    MDB_env *src, *copy;
    uint64_t before = 0, after = 0;
    int rc = open_unlocked(dir, 0, &src);
    if (rc)
        return rc;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        rc = errno;
    if (!rc)
        rc = count_records(src, &before);
    if (!rc)
        rc = mdb_env_copyfd2(src, fd, MDB_CP_COMPACT);
    if (!rc && fsync(fd) != 0)
        rc = errno;
    if (fd >= 0 && close(fd) != 0 && !rc)
        rc = errno;
    mdb_env_close(src);
    if (rc)
        return rc;
    if ((rc = open_unlocked(tmp, MDB_NOSUBDIR, &copy)))
        return rc;
    rc = count_records(copy, &after);
    mdb_env_close(copy);
    if (!rc && after != before) {
        fprintf(stderr, "store_compact: the copy holds %llu records, the original %llu; not swapping\n",
                (unsigned long long)after, (unsigned long long)before);
        rc = STORE_CORRUPT;
    }
    return rc;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

/* Opens dir once with LMDB's locking while we still hold the lock byte: LMDB sees itself as the only
 * user (fcntl locks belong to the process, so our own exclusive lock does not stop it) and resets the
 * lock file for the new data file. */
static int reset_lock_file(const char *dir)
{
    MDB_env *env;
    int rc = mdb_env_create(&env);
    if (rc)
        return rc;
    if (!(rc = mdb_env_set_maxreaders(env, STORE_MAX_READERS)))
        rc = mdb_env_open(env, dir, MDB_NOTLS, 0600);
    mdb_env_close(env);
    return rc;
}

int store_compact(const char *dir, store_compact_stats *stats)
{
    store_compact_stats st = {.sequence = store_compact_sequence(dir) + 1};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char data[PATH_MAX], tmp[PATH_MAX], lock[PATH_MAX];
    int rc = path_in(data, sizeof data, dir, "data.mdb");
    if (!rc)
        rc = path_in(tmp, sizeof tmp, dir, "data.mdb.compact");
    if (!rc)
        rc = path_in(lock, sizeof lock, dir, "lock.mdb");
    st.bytes_before = st.bytes_after = rc ? -1 : file_size(data);
    int lfd = rc ? -1 : open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (!rc && lfd < 0)
        rc = errno;
    /* The byte LMDB's mdb_env_open locks: shared by every process with the environment open. */
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    if (!rc && fcntl(lfd, F_SETLK, &fl) != 0)
        rc = (errno == EACCES || errno == EAGAIN) ? EBUSY : errno;
    int swapped = 0;
    if (!rc && !(rc = write_copy(dir, tmp))) {
        if (rename(tmp, data) != 0)
            rc = errno;
        else {
            swapped = 1;
            rc = fsync_dir(dir);
        }
    }
    if (!swapped && rc != EBUSY && lfd >= 0)
        unlink(tmp);
    if (swapped) {
        int r = reset_lock_file(dir);
        if (r && !rc)
            rc = r;
        st.bytes_after = file_size(data);
    }
    if (lfd >= 0)
        close(lfd); /* lets go of the lock byte (and any lock LMDB took in this process) */
    st.seconds = seconds_since(&t0);
    record_outcome(dir, &st, rc);
    if (stats)
        *stats = st;
    return rc;
}
