/* audit_journal.c - the audit queue's events on disk until they are in the audit log (audit_journal.h). */
#include "audit_journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "auth_random.h"
#include "store_audit.h"

#define ID_HEX 16

typedef struct {
    int fd;
    unsigned gen;
    uint64_t last_seq; /* the highest seq appended to it (a rotated file: all it will ever hold) */
} jfile;

uint64_t audit_journal_rotate_bytes = AUDIT_JOURNAL_ROTATE_BYTES;

static char *dir_path;      /* <data>/audit-journal; NULL when no journal is open */
static char id[ID_HEX + 1]; /* this process's journal id */
static jfile cur = {-1, 0, 0};
static jfile *old; /* rotated files, removed once their events are written */
static size_t nold;
static uint64_t cur_bytes;
static atomic_int active, unsynced;
static int broken;        /* an append failed: the journal is off until settle opens a new one */
static time_t broken_try; /* when settle last tried to */
static char *fail_file;   /* CONNECT_TEST_JOURNAL_FAIL (tests only): appends fail while it exists */

static char *file_path(const char *dir, const char *jid, unsigned gen)
{
    size_t n = strlen(dir) + ID_HEX + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s.%u.jnl", dir, jid, gen);
    return p;
}

/* fsyncs a folder, so that a file made or removed in it is made or removed after a power loss too. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Makes generation gen of this process's journal the current file, locked as ours. It is made and
 * locked under a name no replay looks at (".tmp"), then renamed: a worker starting meanwhile never
 * sees it unlocked and takes it for a dead process's. */
static int open_gen(unsigned gen)
{
    char *p = file_path(dir_path, id, gen);
    size_t n = p ? strlen(p) + 5 : 0;
    char *tmp = p ? malloc(n) : NULL;
    if (!tmp) {
        free(p);
        return -1;
    }
    snprintf(tmp, n, "%s.tmp", p);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 || rename(tmp, p) != 0) {
        fprintf(stderr, "audit: cannot open the audit journal %s: %s\n", p, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        free(p);
        return -1;
    }
    free(tmp);
    free(p);
    sync_dir(dir_path);
    cur = (jfile){fd, gen, cur.last_seq};
    cur_bytes = 0;
    return 0;
}

int audit_journal_open(const char *data_dir)
{
    unsigned char raw[ID_HEX / 2];
    size_t n = strlen(data_dir) + sizeof AUDIT_JOURNAL_DIR + 1;
    if (dir_path) { /* kept by a stop that could not write it all: its events are still queued */
        atomic_store(&active, cur.fd >= 0);
        return cur.fd >= 0 ? 0 : -1;
    }
    if (!(dir_path = malloc(n)))
        return -1;
    snprintf(dir_path, n, "%s/%s", data_dir, AUDIT_JOURNAL_DIR);
    errno = 0;
    if ((mkdir(dir_path, 0700) != 0 && errno != EEXIST) || auth_random_bytes(raw, sizeof raw) != 0) {
        fprintf(stderr, "audit: cannot make the audit journal in %s: %s\n", dir_path,
                errno ? strerror(errno) : "no random bytes for its name");
        free(dir_path);
        dir_path = NULL;
        return -1;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(id + 2 * i, 3, "%02x", raw[i]);
    cur = (jfile){-1, 0, 0};
    broken = 0;
    broken_try = 0;
    const char *fail = getenv("CONNECT_TEST_JOURNAL_FAIL");
    free(fail_file);
    fail_file = fail && *fail ? strdup(fail) : NULL;
    if (open_gen(1) != 0) {
        free(dir_path);
        dir_path = NULL;
        return -1;
    }
    atomic_store(&active, 1);
    return 0;
}

int audit_journal_active(void) { return atomic_load(&active); }

int audit_journal_append(uint64_t seq, const char *text, size_t len)
{
    if (!atomic_load(&active))
        return -1;
    char head[24];
    int hn = snprintf(head, sizeof head, "%" PRIu64 " ", seq);
    struct iovec iov[3] = {{head, (size_t)hn}, {(void *)text, len}, {"\n", 1}};
    size_t want = (size_t)hn + len + 1;
    ssize_t put;
    if (fail_file && access(fail_file, F_OK) == 0) {
        put = -1;
        errno = ENOSPC;
    } else {
        put = writev(cur.fd, iov, 3);
    }
    if (put != (ssize_t)want) {
        /* A line cut short can only be the file's last: replay stops at it. Later events stay in
         * memory only, as they did before there were journals, until settle finds them all written
         * and starts a new journal. */
        fprintf(stderr, "audit: writing the audit journal failed (%s); read events are kept in memory only\n",
                put < 0 ? strerror(errno) : "short write");
        atomic_store(&active, 0);
        broken = 1;
        return -1;
    }
    cur_bytes += want;
    cur.last_seq = seq;
    atomic_store(&unsynced, 1);
    return 0;
}

void audit_journal_sync(void)
{
    if (cur.fd >= 0 && atomic_exchange(&unsynced, 0))
        fdatasync(cur.fd);
}

static int mark_put(store *s, MDB_txn *txn, const char *jid, uint64_t seq)
{
    char key[sizeof AUDIT_JOURNAL_MARK_PREFIX + ID_HEX];
    snprintf(key, sizeof key, "%s%s", AUDIT_JOURNAL_MARK_PREFIX, jid);
    return store_u64_put(s, txn, DB_META, key, strlen(key), seq, 0);
}

int audit_journal_mark(store *s, MDB_txn *txn, uint64_t seq)
{
    return dir_path ? mark_put(s, txn, id, seq) : 0;
}

static void remove_file(jfile *f)
{
    char *p = file_path(dir_path, id, f->gen);
    if (p)
        unlink(p);
    free(p);
    close(f->fd);
    f->fd = -1;
}

void audit_journal_settle(uint64_t written, uint64_t assigned)
{
    if (!dir_path)
        return;
    for (size_t i = nold; i-- > 0;)
        if (old[i].last_seq <= written) {
            remove_file(&old[i]);
            old[i] = old[--nold];
        }
    if (broken && written >= assigned && time(NULL) - broken_try >= AUDIT_JOURNAL_RETRY_S) {
        /* Every event is in the log, the broken files' too: they go, and a new journal begins (a
         * disk that was full has room again, say). Tried once a AUDIT_JOURNAL_RETRY_S at most. */
        broken_try = time(NULL);
        for (size_t i = 0; i < nold; i++)
            remove_file(&old[i]);
        nold = 0;
        if (cur.fd >= 0)
            remove_file(&cur);
        if (open_gen(cur.gen + 1) == 0) {
            broken = 0;
            atomic_store(&active, 1);
            fprintf(stderr, "audit: the audit journal is written again\n");
        }
        return;
    }
    if (cur.fd < 0 || !atomic_load(&active))
        return;
    if (written >= assigned && cur_bytes > 0) {
        if (ftruncate(cur.fd, 0) == 0)
            cur_bytes = 0;
    } else if (cur_bytes >= audit_journal_rotate_bytes) {
        jfile *g = realloc(old, (nold + 1) * sizeof *g);
        if (!g)
            return; /* it goes on growing; the next settle tries again */
        old = g;
        jfile was = cur;
        audit_journal_sync();
        if (open_gen(was.gen + 1) != 0) {
            cur = was;
            return;
        }
        old[nold++] = was;
    }
}

static int mark_del(store *s, MDB_txn *txn, void *ctx)
{
    char key[sizeof AUDIT_JOURNAL_MARK_PREFIX + ID_HEX];
    snprintf(key, sizeof key, "%s%s", AUDIT_JOURNAL_MARK_PREFIX, (const char *)ctx);
    int rc = store_del(s, txn, DB_META, key, strlen(key));
    return rc == MDB_NOTFOUND ? 0 : rc;
}

void audit_journal_deactivate(void)
{
    atomic_store(&active, 0);
    broken = 0; /* a stop: no new journal */
}

void audit_journal_close(store *s, int written_all)
{
    if (!dir_path)
        return;
    atomic_store(&active, 0);
    if (!written_all) {
        /* Kept open, and locked: the queue still holds its events, and writes them if this process
         * goes on (a compaction's pause); if it exits, the lock goes with it and the next start
         * replays the files. Let go of, another worker could replay them while we still write. */
        audit_journal_sync();
        return;
    }
    for (size_t i = 0; i < nold; i++)
        remove_file(&old[i]);
    free(old);
    old = NULL;
    nold = 0;
    if (cur.fd >= 0)
        remove_file(&cur);
    sync_dir(dir_path);
    if (s)
        store_write(s, mark_del, id); /* a mark left behind is removed by the next replay */
    free(dir_path);
    dir_path = NULL;
}

/* ---- replay ---- */

/* One journal file found in the folder. */
typedef struct {
    char jid[ID_HEX + 1];
    unsigned gen;
    int fd;
} found;

static int found_order(const void *a, const void *b)
{
    const found *x = a, *y = b;
    int c = strcmp(x->jid, y->jid);
    return c ? c : (x->gen > y->gen) - (x->gen < y->gen);
}

/* "<16 hex>.<gen>.jnl": 1 with its parts, else 0. */
static int parse_name(const char *name, found *out)
{
    size_t i = 0;
    for (; i < ID_HEX; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return 0;
    if (name[i] != '.')
        return 0;
    char *end;
    errno = 0;
    unsigned long gen = strtoul(name + i + 1, &end, 10);
    if (errno || end == name + i + 1 || gen == 0 || gen > 1000000 || strcmp(end, ".jnl") != 0)
        return 0;
    memcpy(out->jid, name, ID_HEX);
    out->jid[ID_HEX] = '\0';
    out->gen = (unsigned)gen;
    out->fd = -1;
    return 1;
}

/* "<16 hex>.<gen>.jnl.tmp", a journal being made (open_gen): 1 with its parts, else 0. */
static int parse_tmp_name(const char *name, found *out)
{
    size_t n = strlen(name);
    char stem[64];
    if (n >= sizeof stem || n < 8 || strcmp(name + n - 8, ".jnl.tmp") != 0)
        return 0;
    memcpy(stem, name, n - 4); /* "<id>.<gen>.jnl" */
    stem[n - 4] = '\0';
    return parse_name(stem, out);
}

typedef struct {
    found *all;
    size_t n, cap;
} found_list;

/* 0, or -1 when out of memory (the list is as it was). */
static int found_push(found_list *l, const found *f)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        found *g = realloc(l->all, ncap * sizeof *g);
        if (!g)
            return -1;
        l->all = g;
        l->cap = ncap;
    }
    l->all[l->n++] = *f;
    return 0;
}

/* The journal files in dir (NULL, *n 0 when there are none). *failed when the folder could not be
 * read whole: then nothing may be taken for absent. With tmp, the same walk also lists the journals
 * being made (".tmp") there; one left out for want of memory is only left for the next start. */
static found *list_files(const char *dir, size_t *n, found_list *tmp, int *failed)
{
    *n = 0;
    *failed = 0;
    DIR *d = opendir(dir);
    if (!d) {
        *failed = errno != ENOENT;
        return NULL;
    }
    found_list jnl = {NULL, 0, 0};
    struct dirent *e;
    while ((e = readdir(d))) {
        found f;
        if (parse_name(e->d_name, &f)) {
            if (found_push(&jnl, &f) != 0) {
                *failed = 1;
                break;
            }
        } else if (tmp && parse_tmp_name(e->d_name, &f))
            found_push(tmp, &f);
    }
    closedir(d);
    if (jnl.n)
        qsort(jnl.all, jnl.n, sizeof *jnl.all, found_order);
    *n = jnl.n;
    return jnl.all;
}

typedef struct {
    json_t **ev;
    size_t n;
    const char *jid;
    uint64_t seq; /* the batch's highest */
} replay_batch;

static int replay_write(store *s, MDB_txn *txn, void *ctx)
{
    replay_batch *b = ctx;
    int rc = store_audit_append_many(s, txn, b->ev, b->n);
    return rc ? rc : mark_put(s, txn, b->jid, b->seq);
}

static int replay_flush(store *s, replay_batch *b, size_t *replayed)
{
    int rc = b->n ? store_write(s, replay_write, b) : 0;
    if (!rc)
        *replayed += b->n;
    for (size_t i = 0; i < b->n; i++)
        json_decref(b->ev[i]);
    b->n = 0;
    return rc;
}

/* Appends the events of one file above `mark` to the log. A line that does not parse ends the file:
 * it can only be the last, cut short by a power loss or a full disk. */
static int replay_file(store *s, int fd, uint64_t mark, replay_batch *b, size_t batch_max, size_t *replayed)
{
    int dfd = dup(fd);
    FILE *in = dfd >= 0 ? fdopen(dfd, "r") : NULL;
    if (!in) {
        if (dfd >= 0)
            close(dfd);
        return STORE_NOMEM;
    }
    rewind(in);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, in)) > 0) {
        if (line[len - 1] != '\n')
            break;
        char *end;
        errno = 0;
        uint64_t seq = strtoull(line, &end, 10);
        if (errno || end == line || *end != ' ')
            break;
        if (seq <= mark)
            continue;
        json_error_t err;
        json_t *ev = json_loadb(end + 1, (size_t)(line + len - 1 - (end + 1)), 0, &err);
        if (!json_is_object(ev)) {
            json_decref(ev);
            break;
        }
        b->ev[b->n++] = ev;
        b->seq = seq;
        if (b->n == batch_max)
            rc = replay_flush(s, b, replayed);
    }
    free(line);
    fclose(in);
    return rc;
}

/* Replays files[0..n) (one journal id, in gen order) when no process holds any of them. */
static int replay_one(store *s, const char *dir, found *files, size_t n, size_t batch_max, size_t *replayed)
{
    size_t locked = 0;
    int rc = 0;
    for (; locked < n; locked++) {
        char *p = file_path(dir, files[locked].jid, files[locked].gen);
        int fd = p ? open(p, O_RDONLY | O_CLOEXEC) : -1;
        struct stat a, b;
        if ((fd < 0 && (!p || errno != ENOENT)) || (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)) {
            if (fd >= 0)
                close(fd); /* its process lives: the journal is its own */
            free(p);       /* (or it cannot be read now: left for the next start) */
            break;
        }
        if (fd >= 0 && (stat(p, &a) != 0 || fstat(fd, &b) != 0 || a.st_ino != b.st_ino)) {
            close(fd); /* removed (by another replay) since the listing */
            fd = -1;
        }
        free(p);
        files[locked].fd = fd;
    }
    if (locked < n) {
        for (size_t i = 0; i < locked; i++)
            if (files[i].fd >= 0)
                close(files[i].fd);
        return 0;
    }
    uint64_t mark = 0;
    char key[sizeof AUDIT_JOURNAL_MARK_PREFIX + ID_HEX];
    snprintf(key, sizeof key, "%s%s", AUDIT_JOURNAL_MARK_PREFIX, files[0].jid);
    MDB_txn *txn;
    if (!(rc = store_read_begin(s, &txn))) {
        rc = store_u64_get(s, txn, DB_META, key, strlen(key), &mark);
        if (rc == MDB_NOTFOUND)
            rc = 0;
        store_read_end(s, txn);
    }
    replay_batch batch = {calloc(batch_max, sizeof(json_t *)), 0, files[0].jid, 0};
    if (!rc && !batch.ev)
        rc = STORE_NOMEM;
    for (size_t i = 0; i < n && !rc; i++)
        if (files[i].fd >= 0)
            rc = replay_file(s, files[i].fd, mark, &batch, batch_max, replayed);
    if (!rc)
        rc = replay_flush(s, &batch, replayed);
    for (size_t i = 0; i < batch.n; i++)
        json_decref(batch.ev[i]);
    free(batch.ev);
    for (size_t i = 0; i < n; i++) {
        if (files[i].fd < 0)
            continue;
        if (!rc) {
            char *p = file_path(dir, files[i].jid, files[i].gen);
            if (p)
                unlink(p);
            free(p);
        }
        close(files[i].fd);
    }
    if (!rc) {
        sync_dir(dir);
        rc = store_write(s, mark_del, files[0].jid);
    }
    return rc;
}

typedef struct {
    char (*ids)[ID_HEX + 1];
    size_t n;
} mark_list;

/* The ids of the marks that have no journal file in dir. The marks are read first: a live process
 * makes its file before its first mark and always has one, so it is listed after. */
static int orphan_marks(store *s, const char *dir, mark_list *out)
{
    MDB_txn *txn;
    int rc = store_read_begin(s, &txn);
    if (rc)
        return rc;
    store_iter it;
    size_t plen = strlen(AUDIT_JOURNAL_MARK_PREFIX);
    store_iter_begin(&it, s, txn, DB_META, AUDIT_JOURNAL_MARK_PREFIX, plen);
    while (store_iter_next(&it)) {
        if (it.key.mv_size != plen + ID_HEX)
            continue;
        void *g = realloc(out->ids, (out->n + 1) * sizeof *out->ids);
        if (!g) {
            rc = STORE_NOMEM;
            break;
        }
        out->ids = g;
        memcpy(out->ids[out->n], (const char *)it.key.mv_data + plen, ID_HEX);
        out->ids[out->n++][ID_HEX] = '\0';
    }
    rc = store_iter_end(&it, rc);
    store_read_end(s, txn);
    size_t nfiles = 0, kept = 0;
    int failed = 0;
    found *files = rc ? NULL : list_files(dir, &nfiles, NULL, &failed);
    if (failed)
        out->n = 0; /* a listing cut short proves no journal gone */
    for (size_t m = 0; !rc && m < out->n; m++) {
        int has_file = 0;
        for (size_t i = 0; i < nfiles && !has_file; i++)
            has_file = strcmp(files[i].jid, out->ids[m]) == 0;
        if (!has_file)
            memmove(out->ids[kept++], out->ids[m], ID_HEX + 1);
    }
    out->n = rc ? 0 : kept;
    free(files);
    return rc;
}

/* Removes the ".tmp" files of processes that died between making a journal and naming it (open_gen):
 * empty, and never named, so never written to as a journal. One a live process is making is locked,
 * and left alone; one renamed since the listing is gone from its .tmp name. One made in the last
 * AUDIT_JOURNAL_TMP_STALE_S seconds is left too: its maker may not have locked it yet (open_gen
 * makes, then locks), and removing it then would leave that worker without a journal. */
static void remove_stale_tmp(const char *dir, const found *tmps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tmps[i].jid, id) == 0)
            continue;
        char *p = file_path(dir, tmps[i].jid, tmps[i].gen), *tmp = p ? malloc(strlen(p) + 5) : NULL;
        if (tmp) {
            sprintf(tmp, "%s.tmp", p);
            int fd = open(tmp, O_RDONLY | O_CLOEXEC);
            struct stat st;
            if (fd >= 0 && fstat(fd, &st) == 0 && st.st_mtime + AUDIT_JOURNAL_TMP_STALE_S < time(NULL) &&
                flock(fd, LOCK_EX | LOCK_NB) == 0)
                unlink(tmp);
            if (fd >= 0)
                close(fd);
        }
        free(tmp);
        free(p);
    }
}

int audit_journal_replay(store *s, const char *data_dir, size_t batch_max, size_t *replayed)
{
    *replayed = 0;
    size_t n = strlen(data_dir) + sizeof AUDIT_JOURNAL_DIR + 1;
    char *dir = malloc(n);
    if (!dir || batch_max == 0) {
        free(dir);
        return STORE_NOMEM;
    }
    snprintf(dir, n, "%s/%s", data_dir, AUDIT_JOURNAL_DIR);
    size_t nfiles;
    int failed;
    found_list tmps = {NULL, 0, 0}; /* the stale ones are removed after the replays */
    found *files = list_files(dir, &nfiles, &tmps, &failed);
    int rc = 0;
    for (size_t i = 0; i < nfiles && !rc;) {
        size_t j = i;
        while (j < nfiles && strcmp(files[j].jid, files[i].jid) == 0)
            j++;
        if (strcmp(files[i].jid, id) != 0) /* never our own */
            rc = replay_one(s, dir, files + i, j - i, batch_max, replayed);
        i = j;
    }
    free(files);
    if (!rc)
        remove_stale_tmp(dir, tmps.all, tmps.n);
    free(tmps.all);
    /* Marks whose journal is gone (a replay or a stop that ended between the two removals). A live
     * process always has a file, so its mark is never among them. */
    mark_list orphans = {NULL, 0};
    if (!rc && !failed)
        rc = orphan_marks(s, dir, &orphans);
    for (size_t i = 0; i < orphans.n && !rc; i++)
        rc = store_write(s, mark_del, orphans.ids[i]);
    free(orphans.ids);
    free(dir);
    return rc;
}
