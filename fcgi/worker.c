/* worker.c - a worker process's thread pool. */
#include "worker.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stopping;
static int drain_fd = -1; /* an eventfd, readable once we are stopping */
static atomic_long served;
static store *st;
static const worker_config *config;

static long micros_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000000L + (t1.tv_nsec - t0->tv_nsec) / 1000L;
}

static void handle(FCGX_Request *fx)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
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
    http_req_free(&r);
    /* Clear reader slots of dead processes now and then (LMDB leaves them after a crash). */
    if (atomic_fetch_add(&served, 1) % 4096 == 4095)
        store_reader_check(st);
}

/* Waits until fd (the listening socket, or a connection nginx keeps open) has something to read: 1;
 * or until we are stopping: 0. Threads wait here rather than in accept() or read(), so a stop needs
 * neither a signal to each thread nor the listening socket shut down: the master can stop us and
 * start others on the same socket (a compaction, connectd.c) while requests queue in it. */
static int wait_readable(int fd)
{
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = drain_fd, .events = POLLIN}};
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (p[1].revents)
            return 0;
        if (p[0].revents)
            return 1;
    }
}

static void *thread_main(void *arg)
{
    (void)arg;
    FCGX_Request fx;
    if (FCGX_InitRequest(&fx, config->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
        return NULL;
    while (!atomic_load(&stopping)) {
        /* The lock serialises accept() only. A thread that kept its connection open (nginx's
         * fastcgi_keep_conn) waits for the next request on it without the lock, so an idle kept
         * connection never blocks the other threads from accepting. */
        int kept = fx.ipcFd >= 0;
        if (!kept)
            pthread_mutex_lock(&accept_lock);
        int ready = atomic_load(&stopping) ? 0 : wait_readable(kept ? fx.ipcFd : config->listen_fd);
        int rc = ready > 0 ? FCGX_Accept_r(&fx) : -1;
        if (!kept)
            pthread_mutex_unlock(&accept_lock);
        if (rc < 0) {
            if (ready == 0 || atomic_load(&stopping))
                break;
            /* -EAGAIN: another process took the connection (the socket does not block); else a
             * failed accept (EMFILE): try again shortly. */
            if (rc != -EAGAIN && rc != -EWOULDBLOCK)
                usleep(1000);
            continue;
        }
        handle(&fx);
        FCGX_Finish_r(&fx);
    }
    FCGX_Free(&fx, 1);
    return NULL;
}

/* Waits for SIGTERM/SIGINT (blocked in every thread; a SIGHUP meanwhile reopens the access log), or
 * for the master to be gone: the master asks the kernel for our SIGTERM on its death, and the
 * once-a-second parent check covers a death that signal could miss (the master dying between our
 * fork and that request is also checked at start). */
static void wait_for_stop(const sigset_t *set, pid_t master)
{
    struct timespec second = {1, 0};
    for (;;) {
        int sig = sigtimedwait(set, NULL, &second);
        if (sig == SIGTERM || sig == SIGINT)
            return;
        if (sig == SIGHUP && access_log_reopen()) /* the master passes its SIGHUP on: logrotate */
            fprintf(stderr, "worker %d: cannot reopen the access log: %s\n", getpid(), strerror(errno));
        if (getppid() != master) {
            fprintf(stderr, "worker %d: the master %d has gone; stopping\n", getpid(), master);
            return;
        }
    }
}

int worker_run(const worker_config *cfg)
{
    config = cfg;
    /* All threads block SIGTERM/SIGINT; the main thread waits for them with sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP); /* reopen the access log */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

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
    if (audit_queue_start(st)) {
        store_close(st);
        return 1;
    }
    drain_fd = eventfd(0, EFD_CLOEXEC);
    if (drain_fd < 0) {
        fprintf(stderr, "worker %d: cannot make an eventfd: %s\n", getpid(), strerror(errno));
        audit_queue_stop();
        store_close(st);
        return 1;
    }
    int n = cfg->threads > 0 ? cfg->threads : 4;
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
    wait_for_stop(&set, cfg->master_pid);
    atomic_store(&stopping, 1);
    /* Wakes every thread waiting for a connection or a kept connection's next request (the eventfd
     * stays readable); a thread in a request finishes it first. Whatever has not ended after the
     * grace period is cut off by exit. A master that died shut nothing down: the first of its
     * orphans to stop does it (the socket is only theirs now; a new master makes its own). */
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
    audit_queue_stop();
    store_close(st);
    return 0;
}
