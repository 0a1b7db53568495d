/* mail_sender.c - the sender process's loop (see mail_sender.h). */
#include "mail_sender.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup_job.h"
#include "calendar.h"
#include "clock.h"
#include "mail_message.h"
#include "mail_smtp.h"
#include "store.h"
#include "store_outbox.h"
#include "store_summary.h"
#include "store_compact.h"
#include "store_disclosure.h"
#include "store_retention.h"
#include "store_upgrade.h"
#include "support_check.h"
#include "nino_batch.h"
#include "store_nino.h"
#include "store_user.h"
#include "uk_time.h"

typedef struct {
    store *st;
    const char *data_dir;
    pid_t master;
    backup_job backup;
    const char *url; /* NULL: no relay configured */
    const char *from;
    uint64_t undeleted; /* delivered, but the deletion did not commit yet */
    int calendar_warned, summary_rc, retention_rc, support_rc, nino_rc;
} sender;

typedef struct {
    uint64_t id;
    int64_t now;
    const char *error;
    int64_t next_at; /* out (retry) */
    json_t *msg;     /* out (claim) */
} outbox_op;

static int claim_write(store *s, MDB_txn *txn, void *arg)
{
    outbox_op *op = arg;
    json_decref(op->msg); /* a rerun after the map grew starts afresh */
    op->msg = NULL;
    return store_outbox_claim(s, txn, op->now, (int64_t)getpid(), STORE_OUTBOX_LEASE, &op->id, &op->msg);
}

static int done_write(store *s, MDB_txn *txn, void *arg)
{
    int rc = store_outbox_done(s, txn, ((outbox_op *)arg)->id);
    return rc == MDB_NOTFOUND ? 0 : rc; /* gone already: nothing left to do */
}

static int retry_write(store *s, MDB_txn *txn, void *arg)
{
    outbox_op *op = arg;
    return store_outbox_retry(s, txn, op->id, op->now, op->error, &op->next_at);
}

static void iso(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Delivers one due message if there is one. 1 when it tried (look for the next one at once), 0 when
 * there was nothing to do or the store failed (wait before the next poll). The message is claimed in
 * a committed write before it is sent, so no other sender (a second connectd's, or one left behind
 * by a master that died) can send it too. */
static int deliver_one(sender *m, int64_t now)
{
    outbox_op claim = {.now = now};
    int rc = store_write(m->st, claim_write, &claim);
    if (rc) {
        if (rc != MDB_NOTFOUND)
            fprintf(stderr, "mail_sender: cannot claim from the outbox: %s\n", store_strerror(rc));
        json_decref(claim.msg);
        return 0;
    }
    uint64_t id = claim.id;
    json_t *msg = claim.msg;
    int64_t attempt = json_integer_value(json_object_get(msg, "attempts")) + 1;
    const char *to = json_string_value(json_object_get(msg, "to"));
    char *text = mail_message_format(id, msg, m->from);
    char err[512] = "";
    int sent = -1;
    if (!text || !to || !store_user_email_valid(to))
        snprintf(err, sizeof err, "the message record is not complete or has no valid address");
    else
        sent = mail_smtp_send(m->url, m->from, to, text, err, sizeof err);
    free(text);
    outbox_op op = {.id = id, .now = now, .error = err};
    if (sent == 0) {
        rc = store_write(m->st, done_write, &op);
        fprintf(stderr, "mail_sender: outbox %" PRIu64 " delivered to %s (attempt %" PRId64 ")\n", id, to, attempt);
        if (rc) {
            /* Keep trying to delete it before anything else, so it is not sent a second time. */
            fprintf(stderr, "mail_sender: outbox %" PRIu64 ": cannot delete after delivery: %s\n", id,
                    store_strerror(rc));
            m->undeleted = id;
        }
    } else {
        rc = store_write(m->st, retry_write, &op);
        char at[21];
        iso(op.next_at, at);
        fprintf(stderr, "mail_sender: outbox %" PRIu64 " not delivered (attempt %" PRId64 "): %s; next try %s\n", id,
                attempt, err, rc ? "unknown (the retry was not recorded)" : at);
    }
    json_decref(msg);
    return rc ? 0 : 1;
}

/* 1 when SIGTERM or SIGINT waits for us (blocked until the loop takes it). */
static int stop_pending(void)
{
    sigset_t pending;
    return sigpending(&pending) == 0 && (sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1);
}

/* One pass: summaries, then one delivery. Returns 1 when another pass should follow at once. */
static int pass(sender *m)
{
    int64_t now = clock_now();
    MDB_txn *txn;
    calendar cal;
    char err[160];
    int rc = store_read_begin(m->st, &txn);
    if (!rc) {
        rc = calendar_store_get(m->st, txn, &cal, err, sizeof err);
        store_read_end(m->st, txn);
    }
    if (rc) {
        if (!m->calendar_warned)
            fprintf(stderr, "mail_sender: no working-day calendar (%s); waiting for one\n", store_strerror(rc));
        m->calendar_warned = 1;
        return 0;
    }
    m->calendar_warned = 0;
    if (m->undeleted) {
        outbox_op op = {.id = m->undeleted};
        if (store_write(m->st, done_write, &op) == 0) {
            fprintf(stderr, "mail_sender: outbox %" PRIu64 " deleted after delivery\n", m->undeleted);
            m->undeleted = 0;
        }
    }
    size_t queued = 0;
    rc = store_summary_run(m->st, &cal, now, &queued);
    if (rc && rc != m->summary_rc)
        fprintf(stderr, "mail_sender: cannot queue the 1,000-day summaries: %s\n", store_strerror(rc));
    m->summary_rc = rc;
    if (queued)
        fprintf(stderr, "mail_sender: queued %zu 1,000-day summary email(s)\n", queued);
    /* The daily destruction run lives here too: the one process beside the workers with a clock loop. */
    size_t destroyed = 0;
    int ran = 0;
    store_scrub_stats scrub;
    rc = store_retention_daily(m->st, now, &destroyed, &ran, &scrub);
    if (rc && rc != m->retention_rc)
        fprintf(stderr, "mail_sender: the daily retention run failed: %s\n", store_strerror(rc));
    m->retention_rc = rc;
    if (ran)
        fprintf(stderr, "mail_sender: daily retention run: %zu case(s) destroyed; %zu free page(s) zeroed in %.3f s\n",
                destroyed, scrub.pages, scrub.seconds);
    /* Disclosed data whose keep-until day has passed is destroyed on the first poll after it
     * (store_disclosure.h: a walk of the due entries only, so it costs nothing most of the time). */
    char today[11], at[21];
    uk_date(now, today);
    iso(now, at);
    size_t expired = 0;
    int expire_rc = store_disclosure_expire(m->st, today, at, &expired);
    if (expire_rc)
        fprintf(stderr, "mail_sender: destroying expired disclosed data failed: %s\n", store_strerror(expire_rc));
    else if (expired)
        fprintf(stderr, "mail_sender: disclosed data of %zu request(s) destroyed (keep-until passed)\n", expired);
    /* Destroyed bytes (cases, or disclosed data) can remain in the unused middle of live pages until
     * the file is rewritten: ask the master for the compaction (store_compact.h), which stops us and
     * the workers meanwhile. Also when the last attempt did not succeed, so a failed one is retried
     * the next day. */
    int compaction_asked = (!rc && ran && (destroyed > 0 || store_compact_pending(m->data_dir))) || expired > 0;
    if (compaction_asked) {
        fprintf(stderr, "mail_sender: asking the master to compact the store\n");
        kill(m->master, SIGUSR2);
    }
    /* Beside it, once per UK day: stale cases (support ended, case still open) raise their alert. */
    size_t raised = 0;
    rc = support_check_daily(m->st, now, &raised, &ran);
    if (rc && rc != m->support_rc)
        fprintf(stderr, "mail_sender: the daily support-end check failed: %s\n", store_strerror(rc));
    m->support_rc = rc;
    if (ran)
        fprintf(stderr, "mail_sender: daily support-end check: %zu support ended alert(s) raised\n", raised);
    /* The NINo batch: cut once per working day at the cut hour (nino_batch.h). */
    uint64_t batch = 0;
    rc = nino_cut_daily(m->st, now, &ran, &batch);
    if (rc && rc != m->nino_rc)
        fprintf(stderr, "mail_sender: the NINo batch cut failed: %s\n", store_strerror(rc));
    m->nino_rc = rc;
    if (ran)
        fprintf(stderr, "mail_sender: NINo batch cut: %s\n", batch ? "a batch is ready for the NINo partner" : "nobody to send");
    /* Batches and their results are destroyed 14 months after the cut. */
    char cutoff[11];
    nino_keep_cutoff(now, cutoff);
    size_t nino_gone = 0;
    if ((rc = store_nino_expire(m->st, cutoff, at, &nino_gone)))
        fprintf(stderr, "mail_sender: destroying old NINo batches failed: %s\n", store_strerror(rc));
    else if (nino_gone)
        fprintf(stderr, "mail_sender: %zu NINo batch(es) destroyed (14 months passed)\n", nino_gone);
    if (nino_gone && !compaction_asked) { /* their bytes leave the file as a destroyed case's do */
        fprintf(stderr, "mail_sender: asking the master to compact the store\n");
        kill(m->master, SIGUSR2);
        compaction_asked = 1;
    }
    /* The scheduled backup (backup_job.h), on the real time, on a thread of its own while email goes
     * on. Not begun when the master is about to stop us (a compaction just asked for, a stop
     * pending): the next sender begins it at once instead. */
    backup_job_reap(&m->backup);
    if (!compaction_asked && !stop_pending() && backup_job_due(&m->backup, time(NULL)))
        backup_job_start(&m->backup, m->st, m->data_dir, time(NULL));
    int in_hours = uk_next_working_time(&cal, now) == now;
    calendar_free(&cal);
    if (!m->url || !in_hours || m->undeleted)
        return 0;
    return deliver_one(m, now);
}

int mail_sender_run(const char *data_dir, pid_t master)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sender m = {.data_dir = data_dir, .master = master};
    clock_init();
    if (backup_job_init(&m.backup, data_dir))
        return 1;
    int rc = store_open(&m.st, data_dir, NULL);
    if (rc) {
        fprintf(stderr, "mail_sender: cannot open the store in %s: %s\n", data_dir, store_strerror(rc));
        return 1;
    }
    if ((rc = store_upgrade(m.st))) {
        fprintf(stderr, "mail_sender: cannot upgrade the store in %s: %s\n", data_dir, store_strerror(rc));
        store_close(m.st);
        return 1;
    }
    store_reader_check(m.st);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "mail_sender: libcurl did not initialise\n");
        store_close(m.st);
        return 1;
    }
    const char *url = getenv("CONNECT_SMTP_URL"), *from = getenv("CONNECT_MAIL_FROM");
    m.url = url && *url ? url : NULL;
    m.from = from && *from ? from : MAIL_FROM_DEFAULT;
    if (!store_user_email_valid(m.from)) {
        fprintf(stderr, "mail_sender: CONNECT_MAIL_FROM is not an email address; no email will be sent\n");
        m.url = NULL;
    } else if (!m.url) {
        fprintf(stderr, "mail_sender: CONNECT_SMTP_URL is not set; email stays in the outbox\n");
    } else {
        fprintf(stderr, "mail_sender: delivering email from %s through the relay in CONNECT_SMTP_URL\n", m.from);
    }
    for (unsigned long polls = 1;; polls++) {
        int busy = pass(&m);
        struct timespec wait = {busy ? 0 : 1, 0};
        int sig = sigtimedwait(&stop, NULL, &wait);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        if (getppid() != master) { /* the master died: its death signal is the usual way out, this the backstop */
            fprintf(stderr, "mail_sender: the master %d has gone; stopping\n", master);
            break;
        }
        if (polls % 64 == 0)
            store_reader_check(m.st); /* reader slots of dead processes */
    }
    curl_global_cleanup();
    if (backup_job_reap(&m.backup)) {
        /* Not waited for: the store stays open under it and the process ends (backup_job.h). */
        fprintf(stderr, "mail_sender: stopping during a backup; the next start removes its partial copy\n");
        return 0;
    }
    store_close(m.st);
    return 0;
}
