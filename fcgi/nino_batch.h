/*
 * nino_batch.h - the NINo batch's rules above the store: the daily cut at the cut hour (09:00 UK
 * time unless CONNECT_NINO_CUT_HOUR says otherwise) on each working day, the 48-working-hour clock
 * from receipt, who is a designated user of the NINo partner, and the counters of due and overdue
 * batches for the home pages and the SLA report.
 *
 * Working days for the batch: England and Wales (the stored calendar), less every office closure day
 * an HO or NINo partner admin recorded (store_nino_closed_days).
 */
#ifndef CONNECT_NINO_BATCH_H
#define CONNECT_NINO_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "store.h"

#define NINO_DUE_HOURS 48
#define NINO_CUT_HOUR_DEFAULT 9

/* The cut hour: CONNECT_NINO_CUT_HOUR (0-23) or 9, read once. */
int nino_cut_hour(void);

/* Once per UK day, at or after the cut hour of a working day: cuts the batch of everyone queued
 * before that day's cut instant (meta "nino_cut_day" records the day in the same write, so a restart
 * or a second process never cuts twice; a day that is not a working day is recorded too, with no
 * cut). *ran says whether it cut, *batch the new batch (0: nobody was queued). For the scheduler (the
 * mail sender's loop). */
int nino_cut_daily(store *s, int64_t now, int *ran, uint64_t *batch);

/* The day before which batches are destroyed: NINO_KEEP_MONTHS months before now's UK date (the
 * 31st becomes the month's last day). */
void nino_keep_cutoff(int64_t now, char out[11]);

/* The due instant (ISO 8601 UTC) of a batch received at `received`, and whether it lies beyond the
 * calendar's last year. */
int nino_due(store *s, MDB_txn *txn, int64_t received, char due[21], int *beyond);

/* 1 when the caller is a designated user of the NINo partner (a partner organisation marked
 * nino_partner, and the user marked nino_designated by its admin). */
int nino_designated(const http_req *r);
/* 1 when the caller's organisation is the NINo partner. */
int nino_partner_org(const http_req *r);

/* As of now: people queued for the next cut, batches not yet downloaded (waiting: no clock yet),
 * batches received and waiting for results, of those due today (UK date) and overdue (due before
 * now). A walk of the open batches only; the home pages and the SLA report both count with it. */
typedef struct {
    int64_t queued, waiting, received, due_today, overdue;
} nino_open_counts;
int nino_count_open(store *s, MDB_txn *txn, int64_t now, nino_open_counts *out);
/* The home pages' NINO_COUNTERS {"queued","waiting","awaiting_results","due_today","overdue"}. */
int nino_home_counts(store *s, MDB_txn *txn, int64_t now, json_t **out);

#endif
