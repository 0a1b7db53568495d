/*
 * backup_job.h - connectd's scheduled backups, run by the scheduler process (mail_sender.c).
 *
 * Every CONNECT_BACKUP_INTERVAL seconds (default 3600; 0 turns them off) the job copies the data
 * folder (store_backup.h: the store compacted hot, with the key files) into
 * CONNECT_BACKUP_DIR/.partial-NAME, opens the copy and runs every check of `connectctl check` on it
 * (store_check.h), and only when the copy is sound renames it to NAME = connect-YYYYMMDDTHHMMSSZ
 * (UTC; a failed copy is removed). Then it keeps the newest CONNECT_BACKUP_KEEP_HOURLY (48) backups
 * and, beyond those, the newest backup of each of the CONNECT_BACKUP_KEEP_DAILY (30) most recent days,
 * and removes the rest. The outcome of every attempt goes into CONNECT_BACKUP_DIR/last.json
 * (written whole, then renamed over the old one), which the metrics read (h_metrics.c):
 *   {"attempt_at":epoch,"ok":bool,"seconds":s,"bytes":n,"name":"connect-…"|null,"success_at":epoch|null}
 * A failed attempt is tried again after 5 minutes (or the interval, if shorter). The schedule runs
 * on the real time, not the test clock.
 *
 * The scheduler runs each backup on a thread of its own (backup_job_start), so email goes on while a
 * large store is copied and checked, and a stop never waits for it: the process may end with the
 * thread still running (LMDB needs no close to be safe), and the partial copy it leaves is removed
 * by the next backup_job_init.
 */
#ifndef CONNECT_BACKUP_JOB_H
#define CONNECT_BACKUP_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "store.h"

#define BACKUP_NAME_PREFIX "connect-"
#define BACKUP_NAME_LEN 24 /* "connect-20261206T134500Z" */

typedef struct {
    char dir[4096];
    long interval; /* seconds; 0: no scheduled backups */
    int keep_hourly, keep_daily;
    time_t next_at; /* read and written by the backup's thread while one runs (state) */
    /* The thread: 0 none, 1 running, 2 finished (to be joined by backup_job_reap). */
    atomic_int state;
    pthread_t thread;
    store *st;
    const char *data_dir;
    time_t started;
} backup_job;

/* The backup folder: CONNECT_BACKUP_DIR, or data_dir/backups. 0, or -1 when it does not fit. */
int backup_dir_path(const char *data_dir, char *out, size_t cap);

/* Reads the settings from the environment, makes the folder (0700) if needed, removes partial copies
 * left by an interrupted attempt and schedules the next backup from last.json (at once when there
 * is none). 0, or -1 with the reason on stderr (a setting that is not a number in range). */
int backup_job_init(backup_job *b, const char *data_dir);

/* 1 when a backup is due at `now` (never while one runs). */
int backup_job_due(backup_job *b, time_t now);

/* Starts backup_job_run on a thread of its own (the caller's store s must stay open while it runs).
 * 0, or an errno when no thread could be made (then it runs here, at once). */
int backup_job_start(backup_job *b, store *s, const char *data_dir, time_t now);

/* Joins a backup thread that has finished; 1 while one is still running. */
int backup_job_reap(backup_job *b);

/* Takes, checks, names and prunes one backup of data_dir, whose store s is open, and records the
 * outcome (above), here and now. 0 when a sound backup was kept. Logs one line (no personal data). */
int backup_job_run(backup_job *b, store *s, const char *data_dir, time_t now);

/* Which of n backup names, sorted newest first, to keep: keep[i] = 1 for the newest keep_hourly and
 * the newest of each of the keep_daily most recent days (by the name's UTC date), 0 otherwise. */
void backup_keep_plan(char *const names[], size_t n, int keep_hourly, int keep_daily, int *keep);

#endif
