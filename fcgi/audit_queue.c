/* audit_queue.c - batched audit events for reads. */
#include "audit_queue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "store_audit.h"

typedef json_t *event; /* a prepared audit event, owned by the queue */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static event *queue;
static size_t queued, cap;
static int running, stopping;
static pthread_t flusher;
static store *st;

static void enqueue(json_t *ev, const char *action)
{
    if (!ev) {
        fprintf(stderr, "audit: out of memory; a %s event was not recorded\n", action);
        return;
    }
    pthread_mutex_lock(&mu);
    if (queued == cap) {
        size_t ncap = cap ? cap * 2 : 256;
        event *g = realloc(queue, ncap * sizeof *g);
        if (!g) {
            pthread_mutex_unlock(&mu);
            json_decref(ev);
            fprintf(stderr, "audit: out of memory; a %s event was not recorded\n", action);
            return;
        }
        queue = g;
        cap = ncap;
    }
    queue[queued++] = ev;
    pthread_mutex_unlock(&mu);
}

static json_t *id_or_null(uint64_t id) { return id ? json_integer((json_int_t)id) : json_null(); }

void audit_queue_add(int64_t at, uint64_t actor, uint64_t org, const char *action, uint64_t target)
{
    char when[21];
    http_iso_time(at, when);
    enqueue(json_pack("{s:s,s:o,s:o,s:s,s:o}", "at", when, "actor", id_or_null(actor), "org", id_or_null(org),
                      "action", action, "target", id_or_null(target)),
            action);
}

void audit_queue_add_many(int64_t at, uint64_t actor, uint64_t org, const char *action, const uint64_t *targets,
                          size_t n)
{
    char when[21];
    http_iso_time(at, when);
    json_t *ids = json_array();
    for (size_t i = 0; ids && i < n; i++)
        json_array_append_new(ids, json_integer((json_int_t)targets[i]));
    enqueue(ids ? json_pack("{s:s,s:o,s:o,s:s,s:o}", "at", when, "actor", id_or_null(actor), "org", id_or_null(org),
                            "action", action, "targets", ids)
                : NULL,
            action);
}

typedef struct {
    event *ev;
    size_t n;
} batch;

static int batch_write(store *s, MDB_txn *txn, void *arg)
{
    batch *b = arg;
    /* sets seq/prev/hash on each event; a retried batch recomputes them */
    return store_audit_append_many(s, txn, b->ev, b->n);
}

/* Takes the queue and writes it; events go back to the front of the queue if the write fails. */
static void flush(void)
{
    pthread_mutex_lock(&mu);
    batch b = {queue, queued};
    queue = NULL;
    queued = cap = 0;
    pthread_mutex_unlock(&mu);
    if (!b.n) {
        free(b.ev);
        return;
    }
    int rc = store_write(st, batch_write, &b);
    if (!rc)
        for (size_t i = 0; i < b.n; i++)
            json_decref(b.ev[i]);
    if (rc) {
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
        }
        pthread_mutex_unlock(&mu);
    }
    free(b.ev);
}

static void *flusher_main(void *arg)
{
    (void)arg;
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
        flush();
        pthread_mutex_lock(&mu);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int audit_queue_start(store *s)
{
    st = s;
    stopping = 0;
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
    flush();
}
