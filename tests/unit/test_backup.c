/* test_backup.c - backups of a data folder (store_backup.h), the whole-store check on the copy
 * (store_check.h) and the scheduler's job: naming, checking, keeping 48 hourly and 30 daily
 * (backup_job.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_job.h"
#include "store_backup.h"
#include "store_check.h"
#include "store_fixture.h"

#define WRITES 3000

typedef struct {
    int n;
} put_ctx;

static int put_write(store *s, MDB_txn *txn, void *arg)
{
    char key[32];
    int len = snprintf(key, sizeof key, "load:%08d", ((put_ctx *)arg)->n);
    return store_u64_put(s, txn, DB_META, key, (size_t)len, (uint64_t)((put_ctx *)arg)->n, 0);
}

typedef struct {
    store *s;
    atomic_int acknowledged; /* the highest n whose write has committed */
} load;

static void *writer(void *arg)
{
    load *l = arg;
    for (int n = 1; n <= WRITES; n++) {
        put_ctx c = {n};
        if (store_write(l->s, put_write, &c))
            break;
        atomic_store(&l->acknowledged, n);
    }
    return NULL;
}

static void remove_tree(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A backup taken while another thread writes holds every write acknowledged before it began. */
static void backup_under_write_load_holds_every_acknowledged_write(void **state)
{
    fixture *f = *state;
    load l = {.s = f->s};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, writer, &l), 0);
    while (atomic_load(&l.acknowledged) < WRITES / 4)
        usleep(1000);
    int before = atomic_load(&l.acknowledged);
    char dest[128];
    snprintf(dest, sizeof dest, "%s-backup", f->dir);
    size_t bytes = 0;
    assert_int_equal(store_backup_folder(f->s, f->dir, dest, &bytes), 0);
    int during = atomic_load(&l.acknowledged);
    pthread_join(t, NULL);
    assert_true(bytes > 0);
    assert_true(during < WRITES); /* the copy really ran beside the writer */

    char restored[160];
    snprintf(restored, sizeof restored, "%s-restored", f->dir);
    assert_int_equal(store_restore_folder(dest, restored), 0);
    assert_int_equal(store_restore_folder(dest, restored), STORE_EXISTS); /* never over a data folder */
    store *copy;
    assert_int_equal(store_open(&copy, restored, NULL), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(copy, &txn), 0);
    int present = 0;
    for (int n = 1; n <= WRITES; n++) {
        char key[32];
        uint64_t v;
        int len = snprintf(key, sizeof key, "load:%08d", n);
        if (store_u64_get(copy, txn, DB_META, key, (size_t)len, &v) == 0)
            present = n;
        else if (n <= before)
            fail_msg("write %d was acknowledged before the backup began but is not in it", n);
    }
    store_read_end(copy, txn);
    assert_true(present >= before);
    store_check_result res;
    assert_int_equal(store_check(copy, stderr, &res), 0);
    store_close(copy);
    remove_tree(dest);
    remove_tree(restored);
}

/* Names newest first: 3 a day for 40 days. Keep 5 hourly and 10 daily: the 5 newest, then the newest of
 * each of the 10 newest days (the first two days' newest are among the 5 already). */
static void keep_plan_keeps_the_newest_hourly_and_one_a_day(void **state)
{
    (void)state;
    char *names[120];
    char buf[120][BACKUP_NAME_LEN + 1];
    for (int i = 0; i < 120; i++) {
        int day = 40 - i / 3, hour = 23 - (i % 3);
        snprintf(buf[i], sizeof buf[i], "connect-2026%02d%02dT%02d0000Z", 10 + (day > 30), day > 30 ? day - 30 : day,
                 hour);
        names[i] = buf[i];
    }
    int keep[120];
    backup_keep_plan(names, 120, 5, 10, keep);
    int kept = 0;
    for (int i = 0; i < 120; i++)
        kept += keep[i];
    assert_int_equal(kept, 5 + 8); /* days 1 and 2 have their newest among the hourly five */
    for (int i = 0; i < 5; i++)
        assert_true(keep[i]);
    assert_true(keep[6] && keep[9] && keep[27]);
    assert_false(keep[7] || keep[28] || keep[30]);
    backup_keep_plan(names, 120, 48, 30, keep);
    kept = 0;
    for (int i = 0; i < 120; i++)
        kept += keep[i];
    assert_int_equal(kept, 48 + 30 - 16); /* 16 days lie within the 48 newest */
}

/* The job names a checked copy, records the outcome for the metrics and prunes beyond the limits. */
static void job_takes_checks_records_and_prunes(void **state)
{
    fixture *f = *state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s-backups", f->dir);
    setenv("CONNECT_BACKUP_DIR", dir, 1);
    setenv("CONNECT_BACKUP_INTERVAL", "3600", 1);
    setenv("CONNECT_BACKUP_KEEP_HOURLY", "2", 1);
    setenv("CONNECT_BACKUP_KEEP_DAILY", "0", 1);
    backup_job b;
    assert_int_equal(backup_job_init(&b, f->dir), 0);
    time_t t = 1796563907;
    assert_true(backup_job_due(&b, t));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(backup_job_run(&b, f->s, f->dir, t + i * 3600), 0);
        assert_false(backup_job_due(&b, t + i * 3600 + 3599));
    }
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/connect-20261206T133147Z", dir); /* the oldest: pruned */
    assert_int_not_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/connect-20261206T153147Z/data.mdb", dir);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/connect-20261206T153147Z/jwt.key", dir);
    assert_int_not_equal(stat(path, &st), 0); /* the fixture's folder has no keys: none copied */
    /* On a thread of its own, as the scheduler runs it: not due while it runs; reaped when done. */
    assert_int_equal(backup_job_start(&b, f->s, f->dir, t + 3 * 3600), 0);
    assert_false(backup_job_due(&b, t + 9 * 3600));
    while (backup_job_reap(&b))
        usleep(1000);
    snprintf(path, sizeof path, "%s/connect-20261206T163147Z/data.mdb", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_false(backup_job_due(&b, t + 3 * 3600 + 3599));
    snprintf(path, sizeof path, "%s/last.json", dir);
    json_t *last = json_load_file(path, 0, NULL);
    assert_non_null(last);
    assert_true(json_is_true(json_object_get(last, "ok")));
    assert_int_equal(json_integer_value(json_object_get(last, "success_at")), t + 3 * 3600);
    json_decref(last);
    /* A new scheduler (connectd restarted) picks the schedule up from last.json. */
    assert_int_equal(backup_job_init(&b, f->dir), 0);
    assert_false(backup_job_due(&b, t + 3 * 3600 + 60));
    assert_true(backup_job_due(&b, t + 4 * 3600));
    unsetenv("CONNECT_BACKUP_DIR");
    remove_tree(dir);
}

static void job_refuses_a_setting_out_of_range(void **state)
{
    fixture *f = *state;
    backup_job b;
    setenv("CONNECT_BACKUP_INTERVAL", "hourly", 1);
    assert_int_equal(backup_job_init(&b, f->dir), -1);
    setenv("CONNECT_BACKUP_INTERVAL", "0", 1);
    setenv("CONNECT_BACKUP_KEEP_HOURLY", "0", 1);
    assert_int_equal(backup_job_init(&b, f->dir), -1);
    setenv("CONNECT_BACKUP_KEEP_HOURLY", "48", 1);
    assert_int_equal(backup_job_init(&b, f->dir), 0);
    assert_false(backup_job_due(&b, time(NULL))); /* 0: never */
    unsetenv("CONNECT_BACKUP_INTERVAL");
    unsetenv("CONNECT_BACKUP_KEEP_HOURLY");
    unsetenv("CONNECT_BACKUP_KEEP_DAILY");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(backup_under_write_load_holds_every_acknowledged_write, setup, teardown),
        cmocka_unit_test(keep_plan_keeps_the_newest_hourly_and_one_a_day),
        cmocka_unit_test_setup_teardown(job_takes_checks_records_and_prunes, setup, teardown),
        cmocka_unit_test_setup_teardown(job_refuses_a_setting_out_of_range, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
