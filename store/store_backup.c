/* store_backup.c - copying a data folder out and back (see store_backup.h). */
#include "store_backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const store_backup_key_files[] = {"jwt.key", "mfa.key", "lookup.key", NULL};

/* 0 when dir is an empty folder now: made (0700) if absent; STORE_EXISTS when it holds anything. */
static int empty_folder(const char *dir)
{
    if (mkdir(dir, 0700) == 0)
        return 0;
    if (errno != EEXIST)
        return errno;
    DIR *d = opendir(dir);
    if (!d)
        return errno;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            rc = STORE_EXISTS;
            break;
        }
    closedir(d);
    return rc ? rc : chmod(dir, 0700) ? errno : 0;
}

static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) ? errno : 0;
    close(fd);
    return rc;
}

/* Copies from/name to to/name, 0600, fsynced. ENOENT when from/name does not exist. */
static int copy_file(const char *from, const char *to, const char *name)
{
    char src[PATH_MAX], dst[PATH_MAX];
    if (snprintf(src, sizeof src, "%s/%s", from, name) >= (int)sizeof src ||
        snprintf(dst, sizeof dst, "%s/%s", to, name) >= (int)sizeof dst)
        return ENAMETOOLONG;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        int err = errno;
        close(in);
        return err;
    }
    enum { BLOCK = 1 << 16 };
    char *buf = malloc(BLOCK);
    int rc = buf ? 0 : ENOMEM;
    while (!rc) {
        ssize_t n = read(in, buf, BLOCK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? errno : 0;
            break;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = errno;
                break;
            }
            done += w;
        }
    }
    free(buf);
    if (!rc && fsync(out))
        rc = errno;
    if (close(out) && !rc)
        rc = errno;
    close(in);
    return rc;
}

/* The key files present in from, copied into to. */
static int copy_keys(const char *from, const char *to)
{
    for (const char *const *k = store_backup_key_files; *k; k++) {
        int rc = copy_file(from, to, *k);
        if (rc && rc != ENOENT)
            return rc;
    }
    return 0;
}

int store_backup_folder(store *s, const char *data_dir, const char *dest, size_t *bytes)
{
    int rc = empty_folder(dest);
    if (rc)
        return rc;
    if ((rc = store_backup(s, dest)))
        return rc;
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/data.mdb", dest) >= (int)sizeof path)
        return ENAMETOOLONG;
    struct stat st;
    /* mdb_env_copy2 makes the file with mode 0666 less the umask and does not fsync it. */
    if (chmod(path, 0600) || stat(path, &st))
        return errno;
    if ((rc = sync_path(path, O_RDONLY)) || (rc = copy_keys(data_dir, dest)) ||
        (rc = sync_path(dest, O_RDONLY | O_DIRECTORY)))
        return rc;
    if (bytes)
        *bytes = (size_t)st.st_size;
    return 0;
}

int store_restore_folder(const char *backup, const char *data_dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/data.mdb", backup) >= (int)sizeof path)
        return ENAMETOOLONG;
    if (access(path, R_OK))
        return errno;
    int rc = empty_folder(data_dir);
    if (rc)
        return rc;
    if ((rc = copy_file(backup, data_dir, "data.mdb")) || (rc = copy_keys(backup, data_dir)))
        return rc;
    return sync_path(data_dir, O_RDONLY | O_DIRECTORY);
}
