/* worker.c - a worker process's thread pool. */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "access_log.h"
#include "audit_queue.h"
#include "http.h"
#include "metrics.h"
#include "router.h"
#include "rtpf.h"
#include "store.h"
#include "store_upgrade.h"

/* Stopping goes in two steps: `stopping`, no new connection is taken and each kept connection is
 * closed after its next answer (nginx opens new ones, which wait in the socket's queue for the next
 * workers); then `ended`, once the kept connections are gone or the grace below has passed, the
 * threads end. Closing a kept connection at once would drop a request nginx had just sent on it
 * (nginx does not retry a POST). */
static atomic_int stopping, ended;
static int drain_fd = -1; /* an eventfd, readable once the threads are to end */
static pthread_mutex_t listen_lock = PTHREAD_MUTEX_INITIALIZER; /* re-arming vs removing the socket */
#define KEPT_GRACE_MS 2000 /* the longest a stop waits for kept connections */
#define KEPT_IDLE_MS 50     /* a kept connection idle this long at a stop is shut at once */
static int epoll_fd = -1; /* the listening socket, the drain eventfd and every idle kept connection */
static atomic_long served;
static store *st;
static const worker_config *config;

/* What an epoll event names besides a connection. */
static char listen_tag, drain_tag;

/* A connection from nginx and libfcgi's request state for it. With fastcgi_keep_conn nginx sends one
 * request after another on it; between two it waits in the epoll set, not in a thread, so an idle
 * kept connection holds no thread and any free thread takes whichever connection (or the listening
 * socket) has something to read, in the order the kernel reports them ready. */
typedef struct conn {
    FCGX_Request fx;
    int watched;                   /* its descriptor is in the epoll set: re-arm with MOD, not ADD */
    atomic_int idle;               /* waiting in the epoll set for nginx's next request */
    atomic_llong idle_since;       /* when it began to wait (CLOCK_MONOTONIC, ms) */
    int shut;                      /* shut down by a stop (see worker_run) */
    struct conn *prev, *next;      /* every open connection (conns_lock) */
    struct conn *parked_next;      /* a heavy request waiting its turn (heavy_lock; see serve) */
} conn;

/* Held shared by a thread while it answers a request, and exclusively while the store is closed for
 * a compaction (pause_for_compaction): requests then wait, their connections open. */
static pthread_rwlock_t store_gate;

static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static conn *conns;

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* 1 when nginx has sent something on fd not read yet (a request waiting its turn in the epoll set). */
static int request_waiting(int fd)
{
    char b;
    return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

static long micros_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000000L + (t1.tv_nsec - t0->tv_nsec) / 1000L;
}

/* CPU time each route's recent requests took in this worker (a request's own thread time: unlike
 * the elapsed time it does not grow when the machine is busy), for the scheduling in serve(). Indexed
 * by route slot (router.h); what does not fit is not counted. Measured on one request in
 * CPU_SAMPLE_EVERY of each thread: reading a thread's CPU clock is a system call (no vDSO), two per
 * request were a few per cent of a case fetch, and an average needs no more.
 * A moving average, not one since the start: one route serves requests of very different cost (GET
 * /api/cases lists by status in a fraction of a millisecond and searches names in several), and
 * after tens of thousands of cheap lists an average since the start stayed below HEAVY_MICROS
 * while a burst of name searches took every thread and the case fetches queued behind them (the
 * overload row of `make bench`: fetch p99 250 ms). Each sample moves it 1/CPU_AVG_WEIGHT of the
 * way, so it follows the last hundred or so requests of the route. Stored in 1/CPU_AVG_WEIGHT
 * microseconds; a sample lost to a race between two threads changes nothing that matters. */
#define ROUTE_SLOTS 512
#define CPU_SAMPLE_EVERY 8
#define CPU_AVG_WEIGHT 16
static atomic_llong route_cpu_avg[ROUTE_SLOTS]; /* 0: no sample yet */
static _Thread_local unsigned cpu_sample_turn;

/* Folds one sample (microseconds of CPU) into slot's moving average. */
static void route_cpu_sample(int slot, long long micros)
{
    long long scaled = (micros > 0 ? micros : 1) * CPU_AVG_WEIGHT;
    long long old = atomic_load_explicit(&route_cpu_avg[slot], memory_order_relaxed);
    long long avg = old ? old + (scaled - old) / CPU_AVG_WEIGHT : scaled;
    atomic_store_explicit(&route_cpu_avg[slot], avg, memory_order_relaxed);
}

static long long thread_cpu_micros(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void handle(FCGX_Request *fx)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int sampled = cpu_sample_turn++ % CPU_SAMPLE_EVERY == 0;
    long long cpu0 = sampled ? thread_cpu_micros() : 0;
    http_req r;
    if (http_req_init(&r, fx, st, config->key))
        http_error(&r, 500, "internal", "Out of memory.", NULL);
    else
        router_dispatch(&r);
    if (!r.answered)
        http_error(&r, 500, "internal", "No response was produced.", NULL);
    long micros = micros_since(&t0);
    access_log_write(&r, micros);
    metrics_count_request(r.route_slot, r.status, micros);
    if (sampled && r.route_slot > 0 && r.route_slot < ROUTE_SLOTS)
        route_cpu_sample(r.route_slot, thread_cpu_micros() - cpu0);
    http_req_free(&r);
    /* Clear reader slots of dead processes now and then (LMDB leaves them after a crash). */
    if (atomic_fetch_add(&served, 1) % 4096 == 4095)
        store_reader_check(st);
}

static conn *conn_new(void)
{
    conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (FCGX_InitRequest(&c->fx, config->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        free(c);
        return NULL;
    }
    pthread_mutex_lock(&conns_lock);
    c->next = conns;
    if (conns)
        conns->prev = c;
    conns = c;
    pthread_mutex_unlock(&conns_lock);
    return c;
}

/* Closes the connection (if still open; closing also takes it out of the epoll set) and frees it. */
static void conn_free(conn *c)
{
    pthread_mutex_lock(&conns_lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&conns_lock);
    FCGX_Free(&c->fx, 1);
    free(c);
}

/* Puts fd (back) into the epoll set for one event: EPOLLONESHOT hands each readiness to one thread
 * only, and nothing else is reported for fd until it is re-armed. A descriptor leaves the set when it
 * is closed; libfcgi may have closed a kept connection and accepted another in its place (ENOENT). */
static int watch(int fd, void *tag, int added)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = tag};
    if (added && epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    if (added && errno != ENOENT)
        return -1;
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

/* Puts connection c into the epoll set (again) to wait for its next request. From here another
 * thread may take c: the caller must not touch it after. */
static void wait_next(conn *c)
{
    int added = c->watched;
    c->watched = 1;
    atomic_store(&c->idle_since, now_ms());
    atomic_store(&c->idle, 1);
    if (watch(c->fx.ipcFd, c, added) != 0) {
        fprintf(stderr, "worker %d: cannot watch a connection: %s\n", getpid(), strerror(errno));
        conn_free(c);
    }
}

/* Answers c's request (read already) and puts c back to wait for its next one. */
static void answer(conn *c)
{
    pthread_rwlock_rdlock(&store_gate);
    handle(&c->fx);
    pthread_rwlock_unlock(&store_gate);
    FCGX_Finish_r(&c->fx);
    if (c->fx.ipcFd < 0 || atomic_load(&stopping))
        conn_free(c);
    else
        wait_next(c);
}

/* Scheduling under load: requests of a route whose recent requests took HEAVY_MICROS of CPU or more
 * on average (searches, lists, reports) run at most heavy_max at a time in a worker. The others wait
 * parked, in order, without a thread, and the remaining threads answer the quick requests (a case
 * fetch, /api/me) meanwhile instead of leaving them queued behind the slow ones. */
#define HEAVY_MICROS 500
static int heavy_max = 1;
static pthread_mutex_t heavy_lock = PTHREAD_MUTEX_INITIALIZER;
static int heavy_running;
static conn *parked_first, *parked_last; /* linked by parked_next */

static int is_heavy(conn *c)
{
    const char *method = FCGX_GetParam("REQUEST_METHOD", c->fx.envp);
    int slot = router_slot(method ? method : "", http_param_path(&c->fx));
    if (slot <= 0 || slot >= ROUTE_SLOTS)
        return 0;
    long long avg = atomic_load_explicit(&route_cpu_avg[slot], memory_order_relaxed);
    return avg >= (long long)HEAVY_MICROS * CPU_AVG_WEIGHT;
}

/* Serves the next request of connection c, which a thread took from the epoll set: nginx sent one
 * on it. A heavy one beyond the limit is parked for a thread answering heavy ones, which answers the
 * parked ones in turn before it goes back to the epoll set. */
static void serve(conn *c)
{
    if (FCGX_Accept_r(&c->fx) < 0) {
        /* nginx closed it (libfcgi then tried the listening socket too, which does not block, and
         * found nothing). */
        conn_free(c);
        return;
    }
    if (!is_heavy(c)) {
        answer(c);
        return;
    }
    pthread_mutex_lock(&heavy_lock);
    if (heavy_running >= heavy_max) {
        c->parked_next = NULL;
        if (parked_last)
            parked_last->parked_next = c;
        else
            parked_first = c;
        parked_last = c;
        pthread_mutex_unlock(&heavy_lock);
        return;
    }
    heavy_running++;
    pthread_mutex_unlock(&heavy_lock);
    while (c) {
        answer(c);
        pthread_mutex_lock(&heavy_lock);
        if ((c = parked_first) != NULL) {
            parked_first = c->parked_next;
            if (!parked_first)
                parked_last = NULL;
        } else {
            heavy_running--;
        }
        pthread_mutex_unlock(&heavy_lock);
    }
}

#define ACCEPT_BATCH 64

/* The listening socket is ready: every connection waiting in its queue (up to a batch) joins the
 * epoll set, where each waits its turn behind the requests already ready, in arrival order (taking
 * one connection per event would let kept connections pass the queue every time). Then the socket
 * is re-armed. libfcgi's own accept would also read the request at once; ours only accepts, and
 * hands libfcgi the descriptor as its accept would (FCGX_Request.ipcFd, libfcgi 2.4). */
static void take_connections(void)
{
    for (int k = 0; k < ACCEPT_BATCH; k++) {
        int fd = accept4(config->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0 && errno == EINTR)
            continue;
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) { /* EMFILE...: let the queue wait a little */
                fprintf(stderr, "worker %d: accept: %s\n", getpid(), strerror(errno));
                usleep(1000);
            }
            break;
        }
        conn *c = conn_new();
        if (!c) {
            close(fd);
            break;
        }
        /* As libfcgi's accept leaves it; keepConnection too, or FCGX_Accept_r would first close what
         * it takes for the end of a previous request (it then sets it from nginx's request). */
        c->fx.ipcFd = fd;
        c->fx.keepConnection = 1;
        wait_next(c);
    }
    pthread_mutex_lock(&listen_lock);
    if (!atomic_load(&stopping) && watch(config->listen_fd, &listen_tag, 1) != 0)
        fprintf(stderr, "worker %d: cannot re-arm the socket: %s\n", getpid(), strerror(errno));
    pthread_mutex_unlock(&listen_lock);
}

/* Each thread waits in epoll_wait rather than in accept() or read(), so a stop needs neither a signal
 * to each thread nor the listening socket shut down: the master can stop us and start others on the
 * same socket (a compaction, connectd.c) while requests queue in it. */
static void *thread_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&ended)) {
        struct epoll_event ev;
        int n = epoll_wait(epoll_fd, &ev, 1, -1);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "worker %d: epoll_wait: %s\n", getpid(), strerror(errno));
            break;
        }
        if (n <= 0)
            continue;
        if (ev.data.ptr == &drain_tag)
            break; /* level-triggered: every thread sees it */
        if (ev.data.ptr == &listen_tag) {
            take_connections();
            continue;
        }
        conn *c = ev.data.ptr;
        atomic_store(&c->idle, 0);
        serve(c);
    }
    return NULL;
}

/* Waits for SIGTERM/SIGINT (blocked in every thread; a SIGHUP meanwhile reopens the access log), or
 * for the master to be gone: the master asks the kernel for our SIGTERM on its death, and the
 * once-a-second parent check covers a death that signal could miss (the master dying between our
 * fork and that request is also checked at start). */
/* The master's SIGUSR1 (connectd.c's pool_compact): the store is to be compacted, which needs every
 * process to close it. The requests in flight finish, the store is closed, the master is told (our
 * pid on cfg->pause_fd) and, on its next SIGUSR1, the store is opened again. Meanwhile requests wait:
 * on new connections in the socket's queue, on kept ones in their sockets (closing those could drop
 * a request nginx was sending). 0 when serving again; otherwise the worker must exit, with 0 when
 * told to stop and 1 when something failed (the master then starts another). */
static int pause_for_compaction(const sigset_t *set, const worker_config *cfg, int *status)
{
    *status = 1;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    if (pthread_rwlock_timedwrlock(&store_gate, &deadline) != 0) {
        fprintf(stderr, "worker %d: the requests in flight did not finish for the compaction\n", getpid());
        return -1;
    }
    audit_queue_stop();
    store_close(st);
    st = NULL;
    pid_t me = getpid();
    if (write(cfg->pause_fd, &me, sizeof me) != (ssize_t)sizeof me) {
        fprintf(stderr, "worker %d: cannot tell the master the store is closed: %s\n", me, strerror(errno));
        return -1;
    }
    struct timespec second = {1, 0};
    for (;;) {
        int sig = sigtimedwait(set, NULL, &second);
        if (sig == SIGUSR1)
            break;
        if (sig == SIGTERM || sig == SIGINT || getppid() != cfg->master_pid) {
            *status = 0;
            return -1;
        }
        if (sig == SIGHUP && access_log_reopen())
            fprintf(stderr, "worker %d: cannot reopen the access log: %s\n", me, strerror(errno));
    }
    int rc = store_open(&st, cfg->data_dir, NULL);
    if (rc) {
        fprintf(stderr, "worker %d: cannot open the store again in %s: %s\n", me, cfg->data_dir, store_strerror(rc));
        return -1;
    }
    store_reader_check(st);
    if (audit_queue_start(st, cfg->data_dir))
        return -1;
    pthread_rwlock_unlock(&store_gate);
    return 0;
}

/* Waits for SIGTERM/SIGINT (blocked in every thread; a SIGHUP meanwhile reopens the access log, a
 * SIGUSR1 pauses us for a compaction), or for the master to be gone: the master asks the kernel for
 * our SIGTERM on its death, and the once-a-second parent check covers a death that signal could miss
 * (the master dying between our fork and that request is also checked at start). */
static void wait_for_stop(const sigset_t *set, const worker_config *cfg)
{
    struct timespec second = {1, 0};
    for (;;) {
        int sig = sigtimedwait(set, NULL, &second);
        if (sig == SIGTERM || sig == SIGINT)
            return;
        if (sig == SIGHUP && access_log_reopen()) /* the master passes its SIGHUP on: logrotate */
            fprintf(stderr, "worker %d: cannot reopen the access log: %s\n", getpid(), strerror(errno));
        int status;
        if (sig == SIGUSR1 && pause_for_compaction(set, cfg, &status))
            _exit(status); /* the store is closed (or half open): nothing to finish */
        if (getppid() != cfg->master_pid) {
            fprintf(stderr, "worker %d: the master %d has gone; stopping\n", getpid(), cfg->master_pid);
            return;
        }
    }
}

int worker_run(const worker_config *cfg)
{
    config = cfg;
    if (cfg->other_fd >= 0)
        close(cfg->other_fd); /* the other kind of worker's socket: never ours to accept on */
    /* All threads block SIGTERM/SIGINT; the main thread waits for them with sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);  /* reopen the access log */
    sigaddset(&set, SIGUSR1); /* close the store for a compaction, then open it again */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_rwlockattr_t gate_attr;
    pthread_rwlockattr_init(&gate_attr);
    /* Writer first: under a steady stream of requests the pause would otherwise wait for a gap. */
    pthread_rwlockattr_setkind_np(&gate_attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    if (pthread_rwlock_init(&store_gate, &gate_attr) != 0)
        return 1;

    if (access_log_open(cfg->access_log)) {
        fprintf(stderr, "worker %d: cannot open access log %s: %s\n", getpid(), cfg->access_log, strerror(errno));
        return 1;
    }
    int rc = store_open(&st, cfg->data_dir, NULL);
    if (rc) {
        fprintf(stderr, "worker %d: cannot open the store in %s: %s\n", getpid(), cfg->data_dir, store_strerror(rc));
        return 1;
    }
    if ((rc = store_upgrade(st))) {
        fprintf(stderr, "worker %d: cannot upgrade the store in %s: %s\n", getpid(), cfg->data_dir, store_strerror(rc));
        store_close(st);
        return 1;
    }
    store_reader_check(st);
    if (rtpf_key_init(cfg->data_dir)) {
        store_close(st);
        return 1;
    }
    if (audit_queue_start(st, cfg->data_dir)) {
        store_close(st);
        return 1;
    }
    drain_fd = eventfd(0, EFD_CLOEXEC);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event drain_ev = {.events = EPOLLIN, .data.ptr = &drain_tag}; /* level: wakes every thread */
    if (drain_fd < 0 || epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, drain_fd, &drain_ev) != 0 ||
        watch(cfg->listen_fd, &listen_tag, 0) != 0) {
        fprintf(stderr, "worker %d: cannot set up the eventfd and epoll: %s\n", getpid(), strerror(errno));
        audit_queue_stop();
        store_close(st);
        return 1;
    }
    int n = cfg->threads > 0 ? cfg->threads : 4;
    heavy_max = n / 2 > 1 ? n / 2 : 1;
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    if (!threads) {
        audit_queue_stop();
        store_close(st);
        return 1;
    }
    int started = 0;
    for (int i = 0; i < n; i++)
        if (pthread_create(&threads[i], NULL, thread_main, NULL) == 0)
            started++;
        else
            threads[i] = 0;
    if (!started) {
        free(threads);
        audit_queue_stop();
        store_close(st);
        return 1;
    }
    wait_for_stop(&set, cfg);
    pthread_mutex_lock(&listen_lock);
    atomic_store(&stopping, 1);
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, cfg->listen_fd, NULL);
    pthread_mutex_unlock(&listen_lock);
    /* A kept connection ends with its next answer. One that has been idle a while, with no request
     * waiting, is shut down (both ways): nginx sees the end and drops it from its cache, and the thread the end wakes frees it;
     * one busy a moment ago may be about to carry a request, so it gets the grace to do so. Those left
     * after it are closed below. A connection freed takes conns_lock, so none goes while we look. */
    for (int waited = 0; waited < KEPT_GRACE_MS; waited += 10) {
        pthread_mutex_lock(&conns_lock);
        int open = conns != NULL;
        long long now = now_ms();
        for (conn *c = conns; c; c = c->next)
            if (!c->shut && atomic_load(&c->idle) && now - atomic_load(&c->idle_since) >= KEPT_IDLE_MS &&
                !request_waiting(c->fx.ipcFd)) {
                shutdown(c->fx.ipcFd, SHUT_RDWR);
                c->shut = 1;
            }
        pthread_mutex_unlock(&conns_lock);
        if (!open)
            break;
        usleep(10000);
    }
    atomic_store(&ended, 1);
    /* Wakes every thread waiting in epoll_wait (the eventfd stays readable); a thread in a request
     * finishes it first. Whatever has not ended after the grace period is cut off by exit. A master
     * that died shut nothing down: the first of its orphans to stop does it (the socket is only
     * theirs now; a new master makes its own). */
    uint64_t one = 1;
    if (write(drain_fd, &one, sizeof one) != (ssize_t)sizeof one)
        fprintf(stderr, "worker %d: cannot wake the threads: %s\n", getpid(), strerror(errno));
    if (getppid() != cfg->master_pid)
        shutdown(cfg->listen_fd, SHUT_RDWR);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    int unfinished = 0;
    for (int i = 0; i < n; i++)
        if (threads[i] && pthread_timedjoin_np(threads[i], NULL, &deadline) != 0)
            unfinished++;
    if (unfinished) {
        fprintf(stderr, "worker %d: %d threads did not finish in time\n", getpid(), unfinished);
        audit_queue_stop();
        _exit(0); /* the store cannot be closed under running threads; LMDB needs no close to be safe */
    }
    free(threads);
    /* Every thread has ended: what is left are idle kept connections (nginx opens new ones to the
     * next workers). */
    while (conns)
        conn_free(conns);
    audit_queue_stop();
    store_close(st);
    return 0;
}
