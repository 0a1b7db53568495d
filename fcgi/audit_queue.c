/* audit_queue.c - batched audit events for reads. */
#include "audit_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "audit_journal.h"
#include "clock.h"
#include "json_text.h"
#include "store_audit.h"

/* A prepared audit event, owned by the queue, and its seq in this process's journal. */
typedef struct {
    json_t *ev;
    uint64_t jseq;
} event;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER; /* a batch was written */
static event *queue;
static size_t queued, cap;
static int running, stopping;
static pthread_t flusher;
static store *st;
static uint64_t assigned, written; /* journal seqs: the last given to an event, the last in the log */
static long long first_queued_ms;  /* when the oldest event still queued was queued (monotonic) */
static long long last_queued_ms;   /* and the newest */
static char *hold_file;            /* CONNECT_TEST_AUDIT_HOLD (tests only): no batch while it exists */

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ev's text for the journal, made before taking mu when the journal is on (NULL otherwise). */
static char *journal_text(const json_t *ev)
{
    return ev && audit_journal_active() ? json_dumps(ev, JSON_COMPACT) : NULL;
}

/* Appends ev to the queue, and to the journal (text: journal_text(ev), taken; NULL makes it here);
 * the caller holds mu. The queue owns ev from here, even on failure. */
static void push_locked(json_t *ev, const char *action, char *text)
{
    if (!ev) {
        free(text);
        fprintf(stderr, "audit: out of memory; a %s event was not recorded\n", action);
        return;
    }
    if (queued == cap) {
        size_t ncap = cap ? cap * 2 : 256;
        event *g = realloc(queue, ncap * sizeof *g);
        if (!g) {
            json_decref(ev);
            free(text);
            fprintf(stderr, "audit: out of memory; a %s event was not recorded\n", action);
            return;
        }
        queue = g;
        cap = ncap;
    }
    if (!text)
        text = journal_text(ev);
    uint64_t jseq = ++assigned;
    if (text) /* in the journal before the read is answered: a kill now loses nothing */
        audit_journal_append(jseq, text, strlen(text));
    free(text);
    last_queued_ms = monotonic_ms();
    if (!queued)
        first_queued_ms = last_queued_ms;
    queue[queued++] = (event){ev, jseq};
}

/* Queues a read's event, first waiting (a bounded while) for the flusher when the queue is long. The
 * wait is bounded so that no caller can deadlock with the flusher (one holding a write transaction,
 * say): past it the event is queued anyway, since an event is never dropped. */
static void enqueue(json_t *ev, const char *action, char *text)
{
    if (!text)
        text = journal_text(ev);
    pthread_mutex_lock(&mu);
    if (queued >= AUDIT_QUEUE_SOFT_MAX && running && !stopping && !pthread_equal(pthread_self(), flusher)) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += AUDIT_QUEUE_WAIT_MS / 1000;
        until.tv_nsec += (AUDIT_QUEUE_WAIT_MS % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_signal(&wake);
        while (queued >= AUDIT_QUEUE_SOFT_MAX && running && !stopping &&
               pthread_cond_timedwait(&drained, &mu, &until) == 0) {
        }
    }
    push_locked(ev, action, text);
    pthread_mutex_unlock(&mu);
}

static json_t *id_or_null(uint64_t id) { return id ? json_integer((json_int_t)id) : json_null(); }

/* id in decimal, or null for 0 when zero_is_null (as id_or_null writes it). */
static void put_id(json_text *t, uint64_t id, int zero_is_null)
{
    if (!id && zero_is_null)
        json_text_lit(t, "null");
    else
        json_text_u64(t, id);
}

/* The journal line of a read event, {"at","actor","org","action", "target" or "targets"}, written
 * without jansson: a page of results names 50 cases, and dumping its event was a twentieth of a
 * search's time. The event itself, with its "_councils" hint, still goes to the queue: the journal
 * only needs what the log will hold (a replay finds each case's council itself). NULL when the
 * journal is off, out of memory, or the action is not a plain name (jansson then writes it). */
static char *plain_text(const char *when, uint64_t actor, uint64_t org, const char *action, const uint64_t *targets,
                        size_t n, int many)
{
    if (!audit_journal_active())
        return NULL;
    size_t alen = strlen(action);
    for (size_t i = 0; i < alen; i++)
        if (!((action[i] >= 'a' && action[i] <= 'z') || (action[i] >= '0' && action[i] <= '9') || action[i] == '_'))
            return NULL;
    int big = actor > INT64_MAX || org > INT64_MAX; /* jansson's integers are signed: it writes those */
    for (size_t i = 0; i < n; i++)
        big |= targets[i] > INT64_MAX;
    if (big)
        return NULL;
    json_text t = {0};
    json_text_lit(&t, "{\"at\":\"");
    json_text_lit(&t, when);
    json_text_lit(&t, "\",\"actor\":");
    put_id(&t, actor, 1);
    json_text_lit(&t, ",\"org\":");
    put_id(&t, org, 1);
    json_text_lit(&t, ",\"action\":\"");
    json_text_lit(&t, action);
    json_text_lit(&t, many ? "\",\"targets\":[" : "\",\"target\":");
    for (size_t i = 0; i < n; i++) {
        if (i)
            json_text_lit(&t, ",");
        put_id(&t, targets[i], !many);
    }
    json_text_raw(&t, many ? "]}" : "}", many ? 3 : 2); /* with its NUL */
    if (t.failed) {
        free(t.p);
        return NULL;
    }
    return t.p;
}

/* A read event's "at" is stamped to the millisecond when it is queued, not when the batch is written
 * up to AUDIT_FLUSH_MS later: the time is when the read happened. */
static void stamp(int64_t at, char when[AUDIT_AT_SIZE]) { store_audit_stamp(at, clock_now_ms(), when); }

void audit_queue_add(int64_t at, uint64_t actor, uint64_t org, const char *action, uint64_t target)
{
    char when[AUDIT_AT_SIZE];
    stamp(at, when);
    enqueue(json_pack("{s:s,s:o,s:o,s:s,s:o}", "at", when, "actor", id_or_null(actor), "org", id_or_null(org),
                      "action", action, "target", id_or_null(target)),
            action, plain_text(when, actor, org, action, &target, 1, 0));
}

void audit_queue_add_with(int64_t at, uint64_t actor, uint64_t org, const char *action, uint64_t target,
                          json_t *extra)
{
    char when[AUDIT_AT_SIZE];
    stamp(at, when);
    json_t *ev = json_pack("{s:s,s:o,s:o,s:s,s:o}", "at", when, "actor", id_or_null(actor), "org", id_or_null(org),
                           "action", action, "target", id_or_null(target));
    if (ev && extra && json_object_update(ev, extra)) {
        json_decref(ev);
        ev = NULL;
    }
    json_decref(extra);
    enqueue(ev, action, NULL);
}

void audit_queue_add_many(int64_t at, uint64_t actor, uint64_t org, const char *action, const uint64_t *targets,
                          const uint64_t *councils, size_t n)
{
    char when[AUDIT_AT_SIZE];
    stamp(at, when);
    json_t *ids = json_array();
    for (size_t i = 0; ids && i < n; i++)
        json_array_append_new(ids, json_integer((json_int_t)targets[i]));
    json_t *ev = ids ? json_pack("{s:s,s:o,s:o,s:s,s:o}", "at", when, "actor", id_or_null(actor), "org",
                                 id_or_null(org), "action", action, "targets", ids)
                     : NULL;
    json_t *hint = ev && councils ? json_array() : NULL;
    for (size_t i = 0; hint && i < n; i++)
        json_array_append_new(hint, json_integer((json_int_t)councils[i]));
    if (hint && json_object_set_new(ev, "_councils", hint))
        json_object_del(ev, "_councils"); /* without the hint the writer reads the cases: still right */
    enqueue(ev, action, ev ? plain_text(when, actor, org, action, targets, n, 1) : NULL);
}

/* ---- folded refusals ---- */

/* One open window of refusals of one kind by one user. */
typedef struct {
    uint64_t actor, org;
    int status;
    char kind[32], route[128]; /* route: "METHOD /api/pattern" */
    int64_t opened;            /* when the window's first refusal was queued */
    char since[AUDIT_AT_SIZE]; /* when the first refusal folded into the window happened */
    char last[AUDIT_AT_SIZE];  /* and the last: the folded event's "at" */
    uint64_t count;            /* refusals folded (not counting the first) */
    uint64_t targets[AUDIT_FOLD_TARGETS];
    size_t ntargets;
} fold;

static fold *folds; /* guarded by mu, as the queue */
static size_t nfolds, folds_cap;

static json_t *refusal_event(const char *when, uint64_t actor, uint64_t org, int status, const char *kind,
                             const char *route)
{
    return json_pack("{s:s,s:o,s:o,s:s,s:i,s:s,s:s}", "at", when, "actor", id_or_null(actor), "org", id_or_null(org),
                     "action", "access_refused", "status", status, "kind", kind, "route", route);
}

/* Queues the event for what window i folded (if anything) and closes the window; mu held. */
static void fold_close_locked(size_t i)
{
    fold *f = &folds[i];
    if (f->count) {
        json_t *ids = json_array();
        int bad = !ids;
        for (size_t t = 0; ids && t < f->ntargets; t++)
            bad |= json_array_append_new(ids, json_integer((json_int_t)f->targets[t]));
        json_t *ev = refusal_event(f->last, f->actor, f->org, f->status, f->kind, f->route);
        /* json_object_set_new takes the value even when it fails (or ev is NULL): no short cut here. */
        bad |= json_object_set_new(ev, "since", json_string(f->since));
        bad |= json_object_set_new(ev, "targets", ids);
        bad |= json_object_set_new(ev, "count", json_integer((json_int_t)f->count));
        if (bad) {
            json_decref(ev);
            ev = NULL;
        }
        push_locked(ev, "access_refused", NULL);
    }
    folds[i] = folds[--nfolds];
}

/* Closes the windows that have ended by `now` (all of them when all is set); mu held. */
static void fold_sweep_locked(int64_t now, int all)
{
    for (size_t i = nfolds; i-- > 0;)
        if (all || folds[i].opened + AUDIT_FOLD_SECONDS <= now)
            fold_close_locked(i);
}

void audit_queue_refusal(int64_t at, uint64_t actor, uint64_t org, int status, const char *kind, const char *method,
                         const char *route, uint64_t target)
{
    char route_s[128];
    snprintf(route_s, sizeof route_s, "%s %s", method ? method : "-", route ? route : "-");
    char when[AUDIT_AT_SIZE];
    stamp(at, when); /* before taking mu: the test clock reads a file */
    pthread_mutex_lock(&mu);
    fold *f = NULL;
    for (size_t i = 0; i < nfolds; i++) {
        fold *g = &folds[i];
        if (g->actor != actor || g->status != status || strcmp(g->kind, kind) != 0 || strcmp(g->route, route_s) != 0)
            continue;
        if (g->opened + AUDIT_FOLD_SECONDS <= at)
            fold_close_locked(i); /* ended: this refusal opens a new window */
        else
            f = g;
        break;
    }
    if (f) {
        if (!f->count++)
            memcpy(f->since, when, sizeof when);
        memcpy(f->last, when, sizeof when);
        size_t t = 0;
        while (t < f->ntargets && f->targets[t] != target)
            t++;
        if (t == f->ntargets && t < AUDIT_FOLD_TARGETS && target)
            f->targets[f->ntargets++] = target;
        pthread_mutex_unlock(&mu);
        return;
    }
    json_t *ev = refusal_event(when, actor, org, status, kind, route_s);
    int bad = json_object_set_new(ev, "target", id_or_null(target));
    bad |= json_object_set_new(ev, "count", json_integer(1));
    if (bad) {
        json_decref(ev);
        ev = NULL;
    }
    push_locked(ev, "access_refused", NULL);
    if (nfolds == folds_cap && folds_cap < AUDIT_FOLD_MAX) {
        size_t ncap = folds_cap ? folds_cap * 2 : 16;
        fold *g = realloc(folds, ncap * sizeof *g);
        if (g) {
            folds = g;
            folds_cap = ncap;
        }
    }
    if (nfolds < folds_cap) {
        f = &folds[nfolds++];
        memset(f, 0, sizeof *f);
        f->actor = actor;
        f->org = org;
        f->status = status;
        snprintf(f->kind, sizeof f->kind, "%s", kind);
        snprintf(f->route, sizeof f->route, "%s", route_s);
        f->opened = at;
    }
    pthread_mutex_unlock(&mu);
}

/* ---- writing ---- */

typedef struct {
    event *ev;
    json_t **json; /* the events' objects, for store_audit_append_many */
    size_t n;
} batch;

static int batch_write(store *s, MDB_txn *txn, void *arg)
{
    batch *b = arg;
    /* sets seq/prev/hash on each event; a retried batch recomputes them */
    int rc = store_audit_append_many(s, txn, b->json, b->n);
    /* the journal's events up to the batch's last are in the log: a replay starts after it */
    return rc ? rc : audit_journal_mark(s, txn, b->ev[b->n - 1].jseq);
}

/* Takes up to AUDIT_BATCH_MAX events from the front of the queue (with the refusal windows that have
 * ended, or all of them at stop) and writes them; they go back to the front if the write fails.
 * Returns the events still queued after it (0 also when the write failed: the caller waits then);
 * *failed is set when it failed. */
static size_t flush(int all_windows, int *failed)
{
    int64_t now = clock_now();
    pthread_mutex_lock(&mu);
    fold_sweep_locked(now, all_windows);
    batch b = {NULL, NULL, queued < AUDIT_BATCH_MAX ? queued : AUDIT_BATCH_MAX};
    if (b.n == queued) {
        b.ev = queue;
        queue = NULL;
        queued = cap = 0;
    } else if ((b.ev = malloc(b.n * sizeof *b.ev)) != NULL) {
        memcpy(b.ev, queue, b.n * sizeof *b.ev);
        memmove(queue, queue + b.n, (queued - b.n) * sizeof *queue);
        queued -= b.n;
    } else {
        b.n = 0; /* no memory for the batch now: the next turn tries again */
    }
    pthread_mutex_unlock(&mu);
    if (!b.n) {
        free(b.ev);
        return 0;
    }
    int rc = (b.json = malloc(b.n * sizeof *b.json)) ? 0 : STORE_NOMEM;
    for (size_t i = 0; !rc && i < b.n; i++)
        b.json[i] = b.ev[i].ev;
    if (!rc)
        rc = store_write(st, batch_write, &b);
    if (rc == STORE_UNSYNCED) { /* committed, the sync failed: in the log all the same, not to write twice */
        fprintf(stderr, "audit: %zu events written but not known to be on disk (%s)\n", b.n, store_strerror(rc));
        rc = 0;
    }
    free(b.json);
    if (!rc) {
        for (size_t i = 0; i < b.n; i++)
            json_decref(b.ev[i].ev);
        pthread_mutex_lock(&mu);
        written = b.ev[b.n - 1].jseq;
        audit_journal_settle(written, assigned);
        size_t left = queued;
        pthread_cond_broadcast(&drained);
        pthread_mutex_unlock(&mu);
        free(b.ev);
        return left;
    }
    *failed = 1;
    fprintf(stderr, "audit: writing %zu events failed (%s); keeping them for the next try\n", b.n, store_strerror(rc));
    pthread_mutex_lock(&mu);
    event *merged = malloc((b.n + queued) * sizeof *merged);
    if (merged) {
        memcpy(merged, b.ev, b.n * sizeof *merged);
        if (queued)
            memcpy(merged + b.n, queue, queued * sizeof *merged);
        free(queue);
        queue = merged;
        queued += b.n;
        cap = queued;
        first_queued_ms = monotonic_ms() - AUDIT_COMMIT_MS; /* due at the next turn */
    } else {
        for (size_t i = 0; i < b.n; i++)
            json_decref(b.ev[i].ev);
        fprintf(stderr, "audit: out of memory; %zu events were not recorded\n", b.n);
    }
    pthread_mutex_unlock(&mu);
    free(b.ev);
    return 0;
}

/* Whether this turn of the flusher writes a batch: when no event came in the last AUDIT_FLUSH_MS (the
 * reads have paused: what they did shows in the log at once), when the oldest queued event has
 * waited AUDIT_COMMIT_MS, when a batch is full, at stop, or always without a journal. Otherwise the
 * turn only syncs the journal: under a steady stream of reads the events are safe from a kill
 * already, and a batch of a second's reads costs each read about a third of what five batches of a
 * fifth do (fewer commits and syncs, the same index pages written once). */
static int batch_due(void)
{
    if (hold_file && access(hold_file, F_OK) == 0)
        return 0;
    int64_t clock = clock_now(); /* before taking mu: the test clock reads a file */
    pthread_mutex_lock(&mu);
    fold_sweep_locked(clock, 0); /* a window of refusals that has ended is an event to write */
    long long now = monotonic_ms();
    int due = queued && (stopping || !audit_journal_active() || queued >= AUDIT_BATCH_MAX ||
                         now - last_queued_ms >= AUDIT_FLUSH_MS || now - first_queued_ms >= AUDIT_COMMIT_MS);
    pthread_mutex_unlock(&mu);
    return due;
}

/* Runs the flusher ahead of the workers (a lower nice value for this thread only). It is the one
 * writer every audited read depends on: at the workers' priority it is one thread among a worker's
 * eight, falls behind under load, and then every read waits for it (AUDIT_QUEUE_SOFT_MAX); ahead of
 * them it keeps up, and the reads' CPU goes where it is needed. Lowering a nice value needs
 * CAP_SYS_NICE or RLIMIT_NICE (LimitNICE= in connectd.service); without either it goes as far as
 * allowed, and each flusher says at its start how far that was. */
static void flusher_priority(void)
{
    id_t tid = (id_t)gettid();
    errno = 0;
    int now = getpriority(PRIO_PROCESS, tid);
    if (now == -1 && errno) {
        fprintf(stderr, "audit: the audit writer's priority cannot be read (%s); it runs at the workers'\n",
                strerror(errno));
        return;
    }
    int want = now - AUDIT_FLUSHER_NICE_AHEAD < -20 ? -20 : now - AUDIT_FLUSHER_NICE_AHEAD;
    if (setpriority(PRIO_PROCESS, tid, want) == 0)
        return;
    int why = errno, got = now;
    struct rlimit lim; /* RLIMIT_NICE n allows a nice value down to 20 - n */
    if (getrlimit(RLIMIT_NICE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur <= 40 &&
        20 - (int)lim.rlim_cur < now && setpriority(PRIO_PROCESS, tid, 20 - (int)lim.rlim_cur) == 0)
        got = 20 - (int)lim.rlim_cur;
    fprintf(stderr,
            "audit: the audit writer runs at nice %d, not %d (%s); under load audited reads wait for it "
            "(allow nice %d: CAP_SYS_NICE or LimitNICE)\n",
            got, want, strerror(why), want);
}

static void *flusher_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "audit-writer"); /* in top -H and perf: the thread to watch */
    flusher_priority();
    pthread_mutex_lock(&mu);
    while (!stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += AUDIT_FLUSH_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&wake, &mu, &ts);
        pthread_mutex_unlock(&mu);
        int failed = 0;
        if (batch_due())
            while (flush(0, &failed) >= AUDIT_BATCH_MAX) {
                /* a full batch still queued: the next one at once. A smaller rest (the reads of
                 * the batch's own commit) waits its turn: written at once, a batch of a few dozen
                 * events cost each of them as much as a whole batch costs. */
            }
        audit_journal_sync();
        pthread_mutex_lock(&mu);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int audit_queue_start(store *s, const char *data_dir)
{
    st = s;
    stopping = 0; /* assigned and written go on: a stop that could not write all keeps the journal */
    const char *hold = getenv("CONNECT_TEST_AUDIT_HOLD");
    free(hold_file);
    hold_file = hold && *hold ? strdup(hold) : NULL;
    if (data_dir) {
        size_t replayed = 0;
        int rc = audit_journal_replay(s, data_dir, AUDIT_BATCH_MAX, &replayed);
        if (rc)
            fprintf(stderr, "audit: replaying the audit journals failed (%s); they are kept for the next start\n",
                    store_strerror(rc));
        if (replayed)
            fprintf(stderr, "audit: %zu read events from the journal of a stopped worker written to the log\n",
                    replayed);
        audit_journal_open(data_dir); /* without it the queue works as before: in memory only */
    }
    if (pthread_create(&flusher, NULL, flusher_main, NULL))
        return -1;
    running = 1;
    return 0;
}

void audit_queue_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&mu);
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&mu);
    pthread_join(flusher, NULL);
    running = 0;
    int failed = 0;
    while (flush(1, &failed)) {
    }
    pthread_mutex_lock(&mu);
    int all_written = !failed && queued == 0;
    if (all_written) /* in the same hold of mu: nothing is appended to a journal about to go */
        audit_journal_deactivate();
    pthread_mutex_unlock(&mu);
    /* everything in the log: the journal goes; else it is kept, unlocked, for the next start */
    audit_journal_close(st, all_written);
}
