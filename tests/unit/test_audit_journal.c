/* Unit tests for fcgi/audit_journal.c: the read events a worker had queued when it was killed
 * (SIGKILL, in a forked child with its own store handle) reach the hash-chained log when the next
 * worker starts, each exactly once; a journal's cut-short last line is passed over; a journal that a
 * live process holds is left alone; a mark skips the events it covers and goes with its journal; a
 * journal that grew past its limit goes on in a new file, and both are replayed in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit_journal.h"
#include "audit_queue.h"
#include "store_audit.h"
#include "store_fixture.h"

#define TARGET_BASE 700000 /* the events' targets: TARGET_BASE + i */

/* How many of the log's case_viewed events name target (each read must be there exactly once). */
static size_t views_of(store *s, uint64_t target)
{
    json_t *recent = NULL;
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_audit_recent(s, txn, "case_viewed", 100000, &recent), 0);
    store_read_end(s, txn);
    size_t n = 0, i;
    json_t *ev;
    json_array_foreach(recent, i, ev) n += (uint64_t)json_integer_value(json_object_get(ev, "target")) == target;
    json_decref(recent);
    return n;
}

static size_t journal_files(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, AUDIT_JOURNAL_DIR);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".jnl") != NULL;
    closedir(d);
    return n;
}

static size_t journal_marks(store *s)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_META, AUDIT_JOURNAL_MARK_PREFIX, strlen(AUDIT_JOURNAL_MARK_PREFIX));
    size_t n = 0;
    while (store_iter_next(&it))
        n++;
    assert_int_equal(store_iter_end(&it, 0), 0);
    store_read_end(s, txn);
    return n;
}

/* ---- forked children: each ends killed (SIGKILL); a step that fails _exits(code) instead ---- */

/* Makes <dir>/<name> when make, else removes it. */
static void child_file(const char *dir, const char *name, int make, int code)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = make ? open(path, O_WRONLY | O_CREAT, 0600) : -1;
    if (make ? (fd < 0 || close(fd) != 0) : unlink(path) != 0)
        _exit(code);
}

/* A worker of the child's own on the store in dir, whose flusher writes no batch while <dir>/hold
 * exists (made first when held). */
static store *child_worker(const char *dir, int held)
{
    char hold[128];
    snprintf(hold, sizeof hold, "%s/hold", dir);
    setenv("CONNECT_TEST_AUDIT_HOLD", hold, 1);
    if (held)
        child_file(dir, "hold", 1, 2);
    store *s;
    if (store_open(&s, dir, NULL) || audit_queue_start(s, dir))
        _exit(2);
    return s;
}

/* Queues the views of targets TARGET_BASE + [from, to). */
static void child_views(int from, int to)
{
    for (int i = from; i < to; i++)
        audit_queue_add(1800000000, 5, 1, "case_viewed", TARGET_BASE + (uint64_t)i);
}

/* Waits for the child pid (fork's answer): it must have been killed. */
static void wait_killed(pid_t pid)
{
    assert_true(pid >= 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* The child: queues `first` views (and waits until the log has them when wait_first), then `second`
 * more with the batches held back, and is killed. */
static void worker_killed(const char *dir, int first, int wait_first, int second)
{
    store *s = child_worker(dir, 0);
    child_views(0, first);
    for (int tries = 0; wait_first && tries < 200; tries++) {
        MDB_txn *txn;
        uint64_t count = 0, bad = 0;
        if (store_read_begin(s, &txn) == 0) {
            store_audit_verify(s, txn, &count, &bad);
            store_read_end(s, txn);
        }
        if (count >= (uint64_t)first)
            break;
        usleep(50000);
    }
    child_file(dir, "hold", 1, 3);
    usleep(300000); /* a turn of the flusher that was already past the hold's check ends */
    child_views(first, first + second);
    raise(SIGKILL);
    _exit(4);
}

static void run_killed_worker(fixture *f, int first, int wait_first, int second)
{
    pid_t pid = fork();
    if (pid == 0)
        worker_killed(f->dir, first, wait_first, second);
    wait_killed(pid);
}

/* The journals replayed (in batches of batch_max) after a killed worker: `want` events written, the
 * log then `total` events more than `before`, the views of TARGET_BASE + [0, total) there once each
 * (every step-th looked at), and no journal or mark left. */
static void replayed_each_once(fixture *f, size_t batch_max, size_t want, uint64_t before, uint64_t total,
                               uint64_t step)
{
    size_t replayed = want + 99;
    assert_int_equal(audit_journal_replay(f->s, f->dir, batch_max, &replayed), 0);
    assert_int_equal(replayed, want);
    assert_int_equal(verified_events(f->s), before + total);
    for (uint64_t i = 0; i < total; i += step)
        assert_int_equal(views_of(f->s, TARGET_BASE + i), 1);
    assert_int_equal(journal_files(f->dir), 0);
    assert_int_equal(journal_marks(f->s), 0);
}

static void a_killed_workers_events_are_written_by_the_next(void **state)
{
    fixture *f = *state;
    uint64_t before = verified_events(f->s);
    run_killed_worker(f, 0, 0, 300);
    assert_int_equal(verified_events(f->s), before); /* held back: nothing reached the log */
    assert_int_equal(journal_files(f->dir), 1);
    replayed_each_once(f, 64, 300, before, 300, 37);
    /* Once more: nothing left to write. */
    size_t replayed = 99;
    assert_int_equal(audit_journal_replay(f->s, f->dir, 64, &replayed), 0);
    assert_int_equal(replayed, 0);
    assert_int_equal(verified_events(f->s), before + 300);
}

static void what_the_log_has_is_not_written_again(void **state)
{
    fixture *f = *state;
    uint64_t before = verified_events(f->s);
    run_killed_worker(f, 200, 1, 150);
    assert_int_equal(verified_events(f->s), before + 200); /* the first 200 were written by its flusher */
    replayed_each_once(f, 4096, 150, before, 350, 7);
}

/* Writes a journal file by hand: id, gen, text. */
static void write_journal(const char *dir, const char *id, unsigned gen, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, AUDIT_JOURNAL_DIR);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s/%s.%u.jnl", dir, AUDIT_JOURNAL_DIR, id, gen);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

#define EVENT(seq, target)                                                                                             \
    #seq " {\"action\":\"case_viewed\",\"actor\":5,\"at\":\"2027-01-15T10:00:00.123Z\",\"org\":1,\"target\":" #target \
         "}\n"

/* Writes a journal as write_journal and holds it as its process would (flock is per open file: a
 * descriptor of our own is as another process's lock). Returns the descriptor: closing it is that
 * process ending. */
static int held_journal(const char *dir, const char *id, const char *text)
{
    write_journal(dir, id, 1, text);
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s.1.jnl", dir, AUDIT_JOURNAL_DIR, id);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    return fd;
}

static void a_cut_short_last_line_is_passed_over(void **state)
{
    fixture *f = *state;
    uint64_t before = verified_events(f->s);
    /* and a journal its process never named (killed between making and renaming it) goes */
    write_journal(f->dir, "00000000000000a0", 1, "");
    char from[256], to[300];
    snprintf(from, sizeof from, "%s/%s/00000000000000a0.1.jnl", f->dir, AUDIT_JOURNAL_DIR);
    snprintf(to, sizeof to, "%s.tmp", from);
    assert_int_equal(rename(from, to), 0);
    /* one made a minute ago: its maker is dead (a fresh one may not be locked yet, and stays) */
    struct timespec old[2] = {{time(NULL) - AUDIT_JOURNAL_TMP_STALE_S - 5, 0}, {time(NULL) - AUDIT_JOURNAL_TMP_STALE_S - 5, 0}};
    assert_int_equal(utimensat(AT_FDCWD, to, old, 0), 0);
    write_journal(f->dir, "00000000000000a2", 1, "");
    char fresh_from[256], fresh[300];
    snprintf(fresh_from, sizeof fresh_from, "%s/%s/00000000000000a2.1.jnl", f->dir, AUDIT_JOURNAL_DIR);
    snprintf(fresh, sizeof fresh, "%s.tmp", fresh_from);
    assert_int_equal(rename(fresh_from, fresh), 0);
    write_journal(f->dir, "00000000000000a1", 1,
                  EVENT(1, 800001) EVENT(2, 800002) "3 {\"action\":\"case_viewed\",\"actor\":5,\"at\":\"2027");
    size_t replayed = 0;
    assert_int_equal(audit_journal_replay(f->s, f->dir, 64, &replayed), 0);
    assert_int_equal(replayed, 2);
    assert_int_equal(verified_events(f->s), before + 2);
    assert_int_equal(views_of(f->s, 800002), 1);
    assert_int_equal(access(to, F_OK), -1); /* the old .tmp went */
    assert_int_equal(access(fresh, F_OK), 0); /* the fresh one stays, */
    assert_int_equal(unlink(fresh), 0);
    assert_int_equal(journal_files(f->dir), 0); /* and it was the only file left */
}

/* Holds a journal of id with text as a live process would (held_journal), and replays: nothing is
 * written and its file stays. Returns the descriptor, for replayed_once_released. */
static int replayed_while_held(fixture *f, const char *id, const char *text)
{
    int fd = held_journal(f->dir, id, text);
    size_t replayed = 9;
    assert_int_equal(audit_journal_replay(f->s, f->dir, 64, &replayed), 0);
    assert_int_equal(replayed, 0);
    assert_int_equal(journal_files(f->dir), 1);
    return fd;
}

/* The process of replayed_while_held ends (fd closed): the next replay writes `want` events, and
 * leaves no journal. */
static void replayed_once_released(fixture *f, int fd, size_t want)
{
    close(fd);
    size_t replayed = 0;
    assert_int_equal(audit_journal_replay(f->s, f->dir, 64, &replayed), 0);
    assert_int_equal(replayed, want);
    assert_int_equal(journal_files(f->dir), 0);
}

static void a_journal_held_by_a_live_process_is_left_alone(void **state)
{
    fixture *f = *state;
    int fd = replayed_while_held(f, "00000000000000b2", EVENT(1, 800101));
    replayed_once_released(f, fd, 1); /* the process ends: the next start writes its events */
    assert_int_equal(views_of(f->s, 800101), 1);
}

static int put_mark(store *s, MDB_txn *txn, void *ctx)
{
    const char *key = ctx;
    return store_u64_put(s, txn, DB_META, key, strlen(key), 5, 0);
}

static void a_mark_skips_what_it_covers_and_goes_with_its_journal(void **state)
{
    fixture *f = *state;
    /* one left by a stop that ended between removing its file and its mark; one of a live process */
    assert_int_equal(store_write(f->s, put_mark, AUDIT_JOURNAL_MARK_PREFIX "00000000000000c3"), 0);
    assert_int_equal(store_write(f->s, put_mark, AUDIT_JOURNAL_MARK_PREFIX "00000000000000c4"), 0);
    int fd = replayed_while_held(f, "00000000000000c4", EVENT(4, 800204) EVENT(5, 800205) EVENT(6, 800206));
    assert_int_equal(journal_marks(f->s), 1); /* the live one's */
    replayed_once_released(f, fd, 1); /* only seq 6 is above its mark of 5: 4 and 5 are in the log */
    assert_int_equal(views_of(f->s, 800206), 1);
    assert_int_equal(views_of(f->s, 800205), 0);
    assert_int_equal(journal_marks(f->s), 0);
}

/* The child for the rotation test: its own journal, grown past a tiny limit with nothing written,
 * then killed. */
static void rotating_child(const char *dir)
{
    if (audit_journal_open(dir))
        _exit(2);
    char text[160];
    for (unsigned i = 1; i <= 40; i++) {
        snprintf(text, sizeof text,
                 "{\"action\":\"case_viewed\",\"actor\":5,\"at\":\"2027-01-15T10:00:00.123Z\",\"org\":1,\"target\":%u}",
                 810000 + i);
        if (audit_journal_append(i, text, strlen(text)))
            _exit(3);
        if (i == 30) /* 30 lines of ~100 bytes, 10 written: past the limit, a new file */
            audit_journal_settle(10, 30);
    }
    raise(SIGKILL);
    _exit(4);
}

static void a_rotated_journal_is_replayed_whole(void **state)
{
    fixture *f = *state;
    audit_journal_rotate_bytes = 2048;
    pid_t pid = fork();
    if (pid == 0)
        rotating_child(f->dir);
    wait_killed(pid);
    audit_journal_rotate_bytes = AUDIT_JOURNAL_ROTATE_BYTES;
    assert_int_equal(journal_files(f->dir), 2);
    uint64_t before = verified_events(f->s);
    size_t replayed = 0;
    assert_int_equal(audit_journal_replay(f->s, f->dir, 16, &replayed), 0);
    assert_int_equal(replayed, 40); /* nothing was marked as written: all of both files */
    assert_int_equal(verified_events(f->s), before + 40);
    for (unsigned i = 1; i <= 40; i++)
        assert_int_equal(views_of(f->s, 810000 + i), 1);
    /* in journal order: the first file's events before the second's */
    json_t *recent = NULL;
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_audit_recent(f->s, txn, "case_viewed", 40, &recent), 0);
    store_read_end(f->s, txn);
    for (size_t i = 0; i < 40; i++) /* newest first */
        assert_int_equal(json_integer_value(json_object_get(json_array_get(recent, i), "target")), 810040 - i);
    json_decref(recent);
    assert_int_equal(journal_files(f->dir), 0);
}

/* The one journal file of this process (the test's own queue), read whole. */
static char *own_journal(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, AUDIT_JOURNAL_DIR);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    char *text = NULL;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".jnl")) {
            snprintf(path, sizeof path, "%s/%s/%s", dir, AUDIT_JOURNAL_DIR, e->d_name);
            FILE *in = fopen(path, "r");
            assert_non_null(in);
            text = calloc(1, 1 << 16);
            assert_non_null(text);
            size_t got = fread(text, 1, (1 << 16) - 1, in);
            text[got] = 0;
            fclose(in);
        }
    closedir(d);
    assert_non_null(text);
    return text;
}

static void journal_lines_are_the_events(void **state)
{
    fixture *f = *state;
    char hold[128];
    snprintf(hold, sizeof hold, "%s/hold", f->dir);
    FILE *h = fopen(hold, "w");
    assert_non_null(h);
    fclose(h);
    setenv("CONNECT_TEST_AUDIT_HOLD", hold, 1);
    assert_int_equal(audit_queue_start(f->s, f->dir), 0);
    const uint64_t targets[3] = {0, 9, 9223372036854775807ull}, councils[3] = {4, 5, 6};
    audit_queue_add(1800000000, 0, 3, "case_viewed", 0);
    audit_queue_add(1800000000, 12, 0, "document_downloaded", 77);
    audit_queue_add_many(1800000000, 12, 3, "cases_listed", targets, councils, 3);
    audit_queue_add_with(1800000000, 12, 3, "cases_exported", 0, json_pack("{s:s}", "filter", "status=\"open\""));
    char *text = own_journal(f->dir);
    const char *want[4] = {
        "{\"actor\":null,\"org\":3,\"action\":\"case_viewed\",\"target\":null}",
        "{\"actor\":12,\"org\":null,\"action\":\"document_downloaded\",\"target\":77}",
        "{\"actor\":12,\"org\":3,\"action\":\"cases_listed\",\"targets\":[0,9,9223372036854775807]}",
        "{\"actor\":12,\"org\":3,\"action\":\"cases_exported\",\"target\":null,\"filter\":\"status=\\\"open\\\"\"}",
    };
    char *line = text;
    unsigned long long first = strtoull(line, NULL, 10); /* the process's journal seqs go on from earlier queues */
    for (int i = 0; i < 4; i++) {
        char *end = strchr(line, '\n');
        assert_non_null(end);
        *end = 0;
        char *json_start = strchr(line, ' ');
        assert_non_null(json_start);
        assert_int_equal(strtoull(line, NULL, 10), first + (unsigned long long)i);
        json_t *got = json_loads(json_start + 1, 0, NULL), *exp = json_loads(want[i], 0, NULL);
        assert_non_null(got);
        assert_non_null(exp);
        const char *at = json_string_value(json_object_get(got, "at")); /* 1800000000, stamped */
        assert_non_null(at);
        assert_int_equal(strlen(at), 24);
        assert_memory_equal(at, "2027-01-15T08:00:00.", 20);
        json_object_del(got, "at");
        if (!json_equal(got, exp)) {
            char *g = json_dumps(got, JSON_COMPACT);
            print_error("line %d: %s\n", i + 1, g ? g : "?");
            free(g);
            fail();
        }
        json_decref(got);
        json_decref(exp);
        line = end + 1;
    }
    assert_string_equal(line, "");
    free(text);
    audit_queue_stop(); /* a stop writes all, hold or not, and the journal goes */
    assert_int_equal(journal_files(f->dir), 0);
    unsetenv("CONNECT_TEST_AUDIT_HOLD");
}

/* Makes <dir>/<name> when make, else removes it; in the test's own process. */
static void own_file(const char *dir, const char *name, int make)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = make ? open(path, O_WRONLY | O_CREAT, 0600) : -1;
    if (make) {
        assert_true(fd >= 0);
        assert_int_equal(close(fd), 0);
    } else {
        assert_int_equal(unlink(path), 0);
    }
}

/* Polls (5 s at most) until the journal is on or off as wanted. */
static void journal_becomes(int on)
{
    for (int i = 0; i < 500 && audit_journal_active() != on; i++)
        usleep(10000);
    assert_int_equal(audit_journal_active(), on);
}

/* A journal whose write failed (a full disk) is off: the events go on to the log from memory, and
 * once all of them are there, a new journal begins, the broken file gone; later events are in it. */
static void a_failed_journal_is_replaced_once_all_is_written(void **state)
{
    fixture *f = *state;
    char fail[128];
    snprintf(fail, sizeof fail, "%s/journal-fail", f->dir);
    setenv("CONNECT_TEST_JOURNAL_FAIL", fail, 1);
    uint64_t before = verified_events(f->s);
    assert_int_equal(audit_queue_start(f->s, f->dir), 0);
    assert_int_equal(audit_journal_active(), 1);
    own_file(f->dir, "journal-fail", 1);
    audit_queue_add(1800000000, 5, 1, "case_viewed", 900001);
    assert_int_equal(audit_journal_active(), 0); /* the append failed: off at once */
    own_file(f->dir, "journal-fail", 0);
    journal_becomes(1); /* the event written, a new journal */
    assert_int_equal(verified_events(f->s), before + 1);
    assert_int_equal(views_of(f->s, 900001), 1);
    assert_int_equal(journal_files(f->dir), 1); /* the new one only */
    char hold[128];
    snprintf(hold, sizeof hold, "%s/hold", f->dir);
    setenv("CONNECT_TEST_AUDIT_HOLD", hold, 1);
    audit_queue_stop();
    own_file(f->dir, "hold", 1);
    assert_int_equal(audit_queue_start(f->s, f->dir), 0);
    audit_queue_add(1800000000, 5, 1, "case_viewed", 900002);
    char *text = own_journal(f->dir);
    assert_non_null(strstr(text, "\"target\":900002"));
    free(text);
    own_file(f->dir, "hold", 0);
    audit_queue_stop();
    assert_int_equal(views_of(f->s, 900002), 1);
    assert_int_equal(journal_files(f->dir), 0);
    unsetenv("CONNECT_TEST_AUDIT_HOLD");
    unsetenv("CONNECT_TEST_JOURNAL_FAIL");
}

/* The child: its batch of 100 held-back events committed, with the journal's mark, and the process
 * killed right after the commit (the store's crash hook), before the journal could be emptied. */
static void killed_after_commit(const char *dir)
{
    char crash[128];
    snprintf(crash, sizeof crash, "%s/crash", dir);
    setenv("CONNECT_TEST_CRASH_AFTER_COMMIT", crash, 1); /* read when the store opens */
    child_worker(dir, 1);
    child_views(0, 100);
    child_file(dir, "crash", 1, 3);
    child_file(dir, "hold", 0, 3);
    sleep(10); /* the next turn of the flusher writes the batch and the hook kills us */
    _exit(4);
}

static void the_mark_keeps_a_committed_batch_from_being_written_again(void **state)
{
    fixture *f = *state;
    uint64_t before = verified_events(f->s);
    pid_t pid = fork();
    if (pid == 0)
        killed_after_commit(f->dir);
    wait_killed(pid);
    assert_int_equal(verified_events(f->s), before + 100); /* committed before the kill */
    assert_int_equal(journal_files(f->dir), 1);            /* and still in the journal */
    assert_int_equal(journal_marks(f->s), 1);
    size_t replayed = 9;
    assert_int_equal(audit_journal_replay(f->s, f->dir, 64, &replayed), 0);
    assert_int_equal(replayed, 0); /* the mark covers all 100 */
    assert_int_equal(verified_events(f->s), before + 100);
    assert_int_equal(views_of(f->s, TARGET_BASE + 42), 1);
    assert_int_equal(journal_files(f->dir), 0);
    assert_int_equal(journal_marks(f->s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_killed_workers_events_are_written_by_the_next, setup, teardown),
        cmocka_unit_test_setup_teardown(what_the_log_has_is_not_written_again, setup, teardown),
        cmocka_unit_test_setup_teardown(a_cut_short_last_line_is_passed_over, setup, teardown),
        cmocka_unit_test_setup_teardown(a_journal_held_by_a_live_process_is_left_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(a_mark_skips_what_it_covers_and_goes_with_its_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rotated_journal_is_replayed_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(journal_lines_are_the_events, setup, teardown),
        cmocka_unit_test_setup_teardown(the_mark_keeps_a_committed_batch_from_being_written_again, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_journal_is_replaced_once_all_is_written, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
