/*
 * store_summary.h - the monthly 1,000-day summary email for council admins.
 *
 * On the first working day of each month (UK date), once it is in UK working hours, each council's
 * admins that have an email address are queued one message (store_outbox.h) naming the count and the
 * Connect IDs of the council's open cases whose support started 1,000 or more calendar days before
 * today's UK date, and separately those of the cases that must be closed because the Home Office's
 * change gave the person recourse to public funds (their closure required alert is open): no names or
 * other personal data. DB_META key "summary:<council id>:<YYYY-MM>"
 * marks a council's month done; it is written in the transaction that queues the messages, so a
 * summary is never queued twice. The sender process (fcgi/mail_sender.c) calls store_summary_run().
 */
#ifndef CONNECT_STORE_SUMMARY_H
#define CONNECT_STORE_SUMMARY_H

#include "calendar.h"
#include "store.h"

#define STORE_SUMMARY_DAYS 1000

/* 1 when instant t lies in UK working hours on the first working day of its UK month. */
int store_summary_due_at(const calendar *c, int64_t t);

/* Open cases (status not "closed") of the council whose finance.support_start_date is on or before
 * `cutoff` (YYYY-MM-DD): *ids is malloc'd (caller frees; NULL when none), ascending, *n of them.
 * Reads the support-start index of open cases (CASEQ_SUPPORTED_SINCE), never the case records. */
int store_summary_thousand_day_cases(store *s, MDB_txn *txn, uint64_t council, const char *cutoff,
                                     uint64_t **ids, size_t *n);

/* The council's cases with an open closure required alert (recourse granted: they must be closed):
 * *ids malloc'd (caller frees; NULL when none), ascending, each once, *n of them. Reads the council's
 * list of open closure required alerts (DB_WORK_OPEN) and those alerts, never the case records. */
int store_summary_closure_required_cases(store *s, MDB_txn *txn, uint64_t council, uint64_t **ids, size_t *n);

/* The subject and body of a council's summary (malloc'd; caller frees both). today: YYYY-MM-DD.
 * ids/n: the 1,000-day cases; closing/n_closing: the cases to close because recourse was granted. */
int store_summary_message(const char *council_name, const char *today, const char *cutoff, const uint64_t *ids,
                          size_t n, const uint64_t *closing, size_t n_closing, char **subject, char **body);

/* Queues the summaries due at instant t for each council not done this month; *queued counts the
 * messages queued. Runs its own short transactions: call it with none open. */
int store_summary_run(store *s, const calendar *c, int64_t t, size_t *queued);

#endif
