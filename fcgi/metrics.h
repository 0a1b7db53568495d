/*
 * metrics.h - the request and process counters behind GET /metrics (h_metrics.c), shared by every
 * process of one connectd.
 *
 * Where they live, and why there: one anonymous shared mapping (mmap MAP_SHARED | MAP_ANONYMOUS)
 * that the master makes before it forks anything, so every worker, every restarted worker and the
 * mail sender inherit the very same pages. Each counter is a lock-free 64-bit C11 atomic, updated with
 * one atomic add: no lock that a worker killed mid-request could leave held, no file that could be
 * left behind, go stale, be read by another connectd or fill a disk, and no write transaction per
 * request (the store would serialise every request behind LMDB's single writer). The numbers start at
 * zero with each master, which is what Prometheus expects of a counter (a restart is a reset, which
 * rate() handles). Any worker can render the whole table, because each sees all the pages.
 *
 * Rows: one per route of the route table (router.h, by method and pattern) plus one for requests
 * that matched no route; per row a count by status code (the common codes, then "other"), a latency
 * histogram (non-cumulative buckets, summed when rendered) and the latency sum in microseconds.
 */
#ifndef CONNECT_METRICS_H
#define CONNECT_METRICS_H

#include <stdio.h>

/* The master, once, before the first fork: maps the table and keeps where the scheduled backups
 * record their outcome (backup_job.h), for h_metrics.c. 0, or -1 with errno (connectd then runs
 * without request metrics; every count below is a no-op). */
int metrics_init(const char *backup_dir, long backup_interval);
const char *metrics_backup_dir(void);
long metrics_backup_interval(void);

/* A worker, after answering: route_slot is http_req.route_slot (0: no route matched). */
void metrics_count_request(int route_slot, int status, long micros);

/* The master: a worker or the mail sender ended unexpectedly and is being restarted. */
void metrics_count_worker_restart(void);
void metrics_count_sender_restart(void);

/* Writes the request counters, latency histograms and restart counters in Prometheus text format. */
void metrics_render_counters(FILE *out);

#endif
