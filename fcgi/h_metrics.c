/*
 * h_metrics.c - GET /metrics: Prometheus text format (version 0.0.4), for the operators' monitoring.
 *
 * Served on a loopback-only nginx location (`location = /metrics`, allow 127.0.0.1 and ::1, deny
 * all); the handler refuses (404, as for any unknown path) a request whose REMOTE_ADDR nginx gave
 * is not loopback too, so a configuration that forwarded it by mistake still shows nothing. No
 * personal data: counts, sizes and times only. What it holds:
 *   - requests by route and status, latency histograms by route, worker and sender restarts (metrics.h);
 *   - the store: LMDB map size, page size, pages in use, reader slots used and allowed;
 *   - the outbox: messages waiting and the age of the oldest;
 *   - open alerts and queries by side, and how many of them are overdue, on the UK calendar day;
 *   - destruction: cases destroyed so far and the day of the last daily retention run;
 *   - backups (backup_job.h): whether scheduled, and the last attempt's time, result, duration and
 *     size, the last success's time and age.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"
#include "metrics.h"
#include "store_nino.h"
#include "store_outbox.h"
#include "store_retention.h"
#include "store_work.h"
#include "uk_time.h"

static int loopback(const http_req *r)
{
    const char *addr = FCGX_GetParam("REMOTE_ADDR", r->fx->envp);
    return addr && (strcmp(addr, "127.0.0.1") == 0 || strcmp(addr, "::1") == 0);
}

static void gauge(FILE *out, const char *name, const char *help, double value)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help, name, name, value);
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD" (UTC); -1 when it is neither. */
static double epoch_of(const char *text)
{
    struct tm tm = {0};
    const char *end = text ? strptime(text, "%Y-%m-%d", &tm) : NULL;
    if (end && *end == 'T')
        end = strptime(end, "T%H:%M:%SZ", &tm);
    return end && !*end ? (double)timegm(&tm) : -1;
}

static int store_gauges(http_req *r, FILE *out)
{
    store_env_stats env;
    int rc = store_env_stats_get(r->st, &env);
    if (rc)
        return rc;
    gauge(out, "connect_lmdb_map_size_bytes", "The LMDB map size (grows by itself when full).", (double)env.map_bytes);
    gauge(out, "connect_lmdb_page_size_bytes", "LMDB's page size.", (double)env.page_bytes);
    gauge(out, "connect_lmdb_used_pages", "LMDB pages in use, up to the last page written.", (double)env.used_pages);
    gauge(out, "connect_lmdb_readers", "LMDB reader slots taken.", env.readers_used);
    gauge(out, "connect_lmdb_readers_max", "LMDB reader slots allowed.", env.readers_max);

    MDB_txn *txn;
    if ((rc = store_read_begin(r->st, &txn)))
        return rc;
    size_t waiting = 0, destroyed = 0;
    json_t *oldest = NULL;
    char today[11], last_run[11] = "";
    uk_date(r->now, today);
    uint64_t open[2][2] = {{0}}, overdue[2] = {0}, due_today[2] = {0};
    const char sides[2] = {WORK_SIDE_HO, WORK_SIDE_COUNCIL};
    rc = store_outbox_count(r->st, txn, &waiting);
    if (!rc)
        rc = store_outbox_list(r->st, txn, 1, &oldest);
    for (int i = 0; i < 2 && !rc; i++) {
        rc = store_work_count(r->st, txn, 0, sides[i], 'A', 0, &open[i][0]);
        if (!rc)
            rc = store_work_count(r->st, txn, 0, sides[i], 'Q', 0, &open[i][1]);
        if (!rc)
            rc = store_work_due_counts(r->st, txn, 0, sides[i], 0, today, &overdue[i], &due_today[i]);
    }
    size_t batches_destroyed = 0; /* their records are in the same list: not cases */
    if (!rc)
        rc = store_entries(r->st, txn, DB_DESTRUCTIONS, &destroyed);
    if (!rc)
        rc = store_nino_destroyed_count(r->st, txn, &batches_destroyed);
    destroyed = destroyed > batches_destroyed ? destroyed - batches_destroyed : 0;
    if (!rc)
        rc = store_retention_last_day(r->st, txn, last_run);
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(oldest);
        return rc;
    }
    gauge(out, "connect_outbox_messages", "Email messages waiting in the outbox.", (double)waiting);
    double created = epoch_of(json_string_value(json_object_get(json_array_get(oldest, 0), "created_at")));
    json_decref(oldest);
    gauge(out, "connect_outbox_oldest_age_seconds", "Age of the oldest waiting email (0: none waiting).",
          created < 0 ? 0 : (double)r->now - created);
    static const char *const side_names[2] = {"home_office", "council"};
    fputs("# HELP connect_work_open Open alerts and queries, by the side that owes the next step.\n"
          "# TYPE connect_work_open gauge\n", out);
    for (int i = 0; i < 2; i++) {
        fprintf(out, "connect_work_open{kind=\"alert\",side=\"%s\"} %llu\n", side_names[i],
                (unsigned long long)open[i][0]);
        fprintf(out, "connect_work_open{kind=\"query\",side=\"%s\"} %llu\n", side_names[i],
                (unsigned long long)open[i][1]);
    }
    fputs("# HELP connect_work_overdue Open alerts and queries past their due date (UK working days), by side.\n"
          "# TYPE connect_work_overdue gauge\n", out);
    for (int i = 0; i < 2; i++)
        fprintf(out, "connect_work_overdue{side=\"%s\"} %llu\n", side_names[i], (unsigned long long)overdue[i]);
    fputs("# HELP connect_work_due_today Open alerts and queries due today (UK), by side.\n"
          "# TYPE connect_work_due_today gauge\n", out);
    for (int i = 0; i < 2; i++)
        fprintf(out, "connect_work_due_today{side=\"%s\"} %llu\n", side_names[i], (unsigned long long)due_today[i]);
    fprintf(out, "# HELP connect_destroyed_cases_total Cases destroyed under the retention policy, all time.\n"
                 "# TYPE connect_destroyed_cases_total counter\nconnect_destroyed_cases_total %zu\n", destroyed);
    double run = epoch_of(last_run);
    if (run >= 0)
        gauge(out, "connect_retention_last_run_timestamp_seconds",
              "The UK day (its midnight, UTC) of the last daily retention and destruction run.", run);
    return 0;
}

static void backup_gauges(FILE *out)
{
    char path[4200];
    gauge(out, "connect_backup_interval_seconds", "Seconds between scheduled backups (0: none scheduled).",
          (double)metrics_backup_interval());
    if (snprintf(path, sizeof path, "%s/last.json", metrics_backup_dir()) >= (int)sizeof path)
        return;
    json_t *last = json_load_file(path, 0, NULL);
    if (!last)
        return; /* no attempt yet: no series, so an alert on absent() fires */
    json_t *success = json_object_get(last, "success_at");
    gauge(out, "connect_backup_last_attempt_timestamp_seconds", "When the last scheduled backup began.",
          (double)json_integer_value(json_object_get(last, "attempt_at")));
    gauge(out, "connect_backup_last_ok", "1 when the last scheduled backup was taken and passed its check, else 0.",
          json_is_true(json_object_get(last, "ok")));
    gauge(out, "connect_backup_last_duration_seconds", "How long the last backup took, copy and check.",
          json_number_value(json_object_get(last, "seconds")));
    gauge(out, "connect_backup_last_size_bytes", "Size of the last backup's store copy.",
          (double)json_integer_value(json_object_get(last, "bytes")));
    if (json_is_integer(success)) {
        gauge(out, "connect_backup_last_success_timestamp_seconds", "When the newest sound backup was taken.",
              (double)json_integer_value(success));
        gauge(out, "connect_backup_last_success_age_seconds", "Age of the newest sound backup.",
              (double)(time(NULL) - json_integer_value(success)));
    }
    json_decref(last);
}

void h_metrics(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (!loopback(r)) {
        http_error(r, 404, "not_found", "No such resource.", NULL);
        return;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return;
    }
    fprintf(out, "# HELP connect_info The running version.\n# TYPE connect_info gauge\nconnect_info{version=\"%s\"} 1\n",
            CONNECT_VERSION);
    metrics_render_counters(out);
    int rc = store_gauges(r, out);
    backup_gauges(out);
    if (fclose(out) != 0 || rc) {
        free(text);
        if (rc)
            http_store_error(r, rc);
        else
            http_error(r, 500, "internal", "Out of memory.", NULL);
        return;
    }
    http_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
}
