/*
 * mail_sender.h - the sender process: delivers the email outbox over SMTP and queues the monthly
 * 1,000-day summaries; connectd's scheduler besides (the daily retention run and support-end check,
 * and the scheduled backups of backup_job.h).
 *
 * connectd's master forks it beside the workers and restarts it if it dies. It opens the store itself
 * (after fork, LMDB's rule) and loops: queue the month's summaries when due (store_summary.h), then,
 * in UK working hours, claim the lowest-id due message (a lease in a write transaction, so no other
 * sender can take it; store_outbox.h), hand it to the relay (CONNECT_SMTP_URL, sender
 * CONNECT_MAIL_FROM, default connect@localhost) and delete it in a committed write once the relay has
 * accepted it, or record the failure and retry with backoff (store_outbox.h). It polls every second
 * when idle. Without CONNECT_SMTP_URL it says so once and delivers nothing, leaving the outbox as it is.
 * Time is clock_now() (the tests' clock when CONNECT_TEST_CLOCK is set).
 */
#ifndef CONNECT_MAIL_SENDER_H
#define CONNECT_MAIL_SENDER_H

#include <sys/types.h>

#define MAIL_FROM_DEFAULT "connect@localhost"

/* Runs until SIGTERM or SIGINT, which the caller must have blocked: they are taken only between
 * messages, so a send in progress finishes and its deletion commits before the process ends. It
 * also ends, the same way, when its parent is no longer `master` (checked on every poll).
 * Returns the exit status. */
int mail_sender_run(const char *data_dir, pid_t master);

#endif
