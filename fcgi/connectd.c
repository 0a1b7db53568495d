/*
 * connectd - the Connect FastCGI server.
 *
 *   connectd --data DIR --socket PATH [--workers N] [--threads T]
 *            [--write-socket PATH [--write-threads W]] [--access-log FILE]
 *
 * The master opens the unix socket, loads the shared read-only state (JWT key, common-password
 * list, the second-factor policy CONNECT_MFA and key, mfa.h), forks N workers of T threads and the email sender (mail_sender.h), and restarts any of them
 * that dies.
 * With --write-socket it also opens that socket and forks one more worker, of W threads (32), that
 * serves it alone: nginx sends it every request that may write (all but GET and HEAD). Durable
 * writes share a commit only within one process (store.h, "Batches"), so with every writer in one
 * process a commit carries up to W of them instead of at most T, and the worker processes no longer
 * take LMDB's write lock in turn; the reads keep their own workers and threads.
 * On SIGTERM or SIGINT it shuts the sockets down (no new requests), tells the workers and the sender
 * to stop, waits for the requests in flight and for a send in progress, removes the sockets and
 * exits 0. The master never opens the store: each child does, after fork (LMDB's rule).
 * On SIGUSR2 (the daily destruction run or `connectctl compact` asking) it stops the sender, has the
 * workers close the store (SIGUSR1: they keep their connections, nginx's kept ones included), has a
 * child compact the store (store_compact.h), then the workers open it again (SIGUSR1) and the sender
 * starts again; the socket open throughout so requests wait rather than fail.
 * On SIGHUP (systemctl reload, logrotate) it tells the workers to reopen the access log. Under systemd
 * it says READY=1 once the socket listens and the children are forked (sd_notify.h). It keeps the
 * request and restart counters of the metrics in memory shared with its children (metrics.h).
 *
 * One master per data folder: the master holds an exclusive flock on DATA/connectd.lock, and its
 * children inherit the locked descriptor, so a second connectd on the same folder refuses to start
 * until the first master and every child it forked are gone. Children die with the master: each
 * asks for SIGTERM when its parent dies (PR_SET_PDEATHSIG) and checks the parent is still the
 * master right after asking; workers and the sender also look now and then (worker.c, mail_sender.c).
 */
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth_jwt.h"
#include "backup_job.h"
#include "clock.h"
#include "auth_password.h"
#include "auth_totp.h"
#include "mail_sender.h"
#include "metrics.h"
#include "mfa.h"
#include "public_url.h"
#include "rtpf.h"
#include "store.h"
#include "store_compact.h"
#include "sd_notify.h"
#include "session.h"
#include "worker.h"

#define MAX_WORKERS 64

static volatile sig_atomic_t stop_requested, compact_requested, reopen_requested;
static void on_stop(int sig) { (void)sig; stop_requested = 1; }
static void on_child(int sig) { (void)sig; }
static void on_compact(int sig) { (void)sig; compact_requested = 1; }
static void on_reopen(int sig) { (void)sig; reopen_requested = 1; }

static void usage(void)
{
    fprintf(stderr, "usage: connectd --data DIR --socket PATH [--workers N] [--threads T] [--write-socket PATH "
                    "[--write-threads W]] [--access-log FILE]\n");
}

/* In a new child: blocks SIGTERM/SIGINT, then drops the master's handlers. A stop signal sent before
 * the block ran the inherited handler (setting the child's stop_requested): 1 then, and the child
 * must exit; one sent after it stays pending for the child's own sigwait/sigtimedwait. Without the
 * block, the master's handler would swallow a SIGTERM sent to a just-restarted child, which would
 * then wait for a stop that never comes.
 * It also asks the kernel for SIGTERM when the master dies (so a master killed with SIGKILL leaves no
 * workers serving and no second mail sender behind). SIGTERM rather than SIGKILL: a worker then ends
 * the requests in flight and the sender its send, as on a normal stop. A master that died before
 * prctl ran sent no signal: the parent is then no longer the master, and the child exits at once. */
static int child_signals(pid_t master)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP); /* a worker takes it with sigtimedwait (the access log); others leave it pending */
    sigaddset(&set, SIGUSR1); /* a worker's pause for a compaction (worker.c), taken the same way */
    sigprocmask(SIG_SETMASK, &set, NULL); /* and unblocks what only the master waits for */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != master)
        return 1;
    return stop_requested != 0;
}

static pid_t spawn(worker_config *cfg)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_signals(cfg->master_pid) ? 0 : worker_run(cfg));
    return pid;
}

/* The sender child takes SIGTERM/SIGINT between messages only (mail_sender_run). */
static pid_t spawn_sender(const worker_config *cfg)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (child_signals(cfg->master_pid))
            _exit(0);
        close(cfg->listen_fd);
        if (cfg->other_fd >= 0)
            close(cfg->other_fd);
        _exit(mail_sender_run(cfg->data_dir, cfg->master_pid));
    }
    return pid;
}

/* The master's children: the workers, the mail sender, and how to keep them running. Slot i runs
 * with cfgs[i]: the read workers' configuration, or the write worker's (the last slot). */
typedef struct {
    worker_config *cfg; /* the read workers' (the sender and the compaction use it too) */
    worker_config *cfgs[MAX_WORKERS];
    long workers;
    pid_t pids[MAX_WORKERS];
    time_t started[MAX_WORKERS];
    pid_t sender;
    time_t sender_started;
} pool;

/* Starts a worker in every empty slot (all of them at first), and the mail sender. */
static void pool_spawn(pool *p)
{
    for (long i = 0; i < p->workers; i++) {
        if (p->pids[i] > 0)
            continue;
        p->pids[i] = spawn(p->cfgs[i]);
        p->started[i] = time(NULL);
    }
    p->sender = spawn_sender(p->cfg);
    p->sender_started = time(NULL);
    if (p->sender < 0)
        fprintf(stderr, "connectd: cannot start the mail sender: %s\n", strerror(errno));
}

static void say_ended(const char *what, pid_t pid, int status)
{
    if (WIFSIGNALED(status))
        fprintf(stderr, "connectd: %s %d died of signal %d; restarting\n", what, pid, WTERMSIG(status));
    else
        fprintf(stderr, "connectd: %s %d exited with %d; restarting\n", what, pid, WEXITSTATUS(status));
}

/* Collects every child that has ended and starts its replacement (unless we are stopping). One that
 * ends within a second of its start is restarted a second later, so a child that dies at once does
 * not make us spin. */
static void pool_reap(pool *p)
{
    int status;
    pid_t pid;
    while (!stop_requested && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == p->sender) {
            say_ended("mail sender", pid, status);
            metrics_count_sender_restart();
            if (time(NULL) - p->sender_started < 1)
                sleep(1);
            p->sender = stop_requested ? -1 : spawn_sender(p->cfg);
            p->sender_started = time(NULL);
            if (p->sender < 0 && !stop_requested)
                fprintf(stderr, "connectd: cannot restart the mail sender: %s\n", strerror(errno));
            continue;
        }
        for (long i = 0; i < p->workers; i++) {
            if (p->pids[i] != pid)
                continue;
            say_ended("worker", pid, status);
            metrics_count_worker_restart();
            if (time(NULL) - p->started[i] < 1)
                sleep(1);
            p->pids[i] = stop_requested ? 0 : spawn(p->cfgs[i]);
            p->started[i] = time(NULL);
        }
    }
}

/* SIGHUP: every worker reopens its access log (logrotate moved it). */
static void pool_reopen_logs(const pool *p)
{
    for (long i = 0; i < p->workers; i++)
        if (p->pids[i] > 0)
            kill(p->pids[i], SIGHUP);
}

/* Waits for one child to end; 1 when it did not exit with 0. */
static int wait_child(pid_t pid)
{
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    return r == pid && (!WIFEXITED(status) || WEXITSTATUS(status) != 0);
}

/* Tells every child to stop (SIGTERM: workers end the requests in flight, the sender its send) and
 * waits for them all; 1 when one of them did not exit cleanly. */
static int pool_stop(pool *p)
{
    for (long i = 0; i < p->workers; i++)
        if (p->pids[i] > 0)
            kill(p->pids[i], SIGTERM);
    if (p->sender > 0)
        kill(p->sender, SIGTERM);
    int failed = 0;
    for (long i = 0; i < p->workers; i++)
        if (p->pids[i] > 0) {
            failed |= wait_child(p->pids[i]);
            p->pids[i] = 0;
        }
    if (p->sender > 0)
        failed |= wait_child(p->sender);
    p->sender = -1;
    return failed;
}

/* Waits until every worker has closed the store for a compaction (each writes its pid on the pause
 * pipe) or has died (reaped here; its slot is emptied, to be started again afterwards). paused[i]
 * says which are waiting to be told to go on. */
static void pool_await_paused(pool *p, int pause_rd, int *paused)
{
    for (;;) {
        int waiting = 0;
        for (long i = 0; i < p->workers; i++) {
            if (p->pids[i] <= 0 || paused[i])
                continue;
            int status;
            if (waitpid(p->pids[i], &status, WNOHANG) == p->pids[i]) {
                say_ended("worker", p->pids[i], status);
                metrics_count_worker_restart();
                p->pids[i] = 0;
            } else {
                waiting = 1;
            }
        }
        if (!waiting)
            return;
        struct pollfd pf = {.fd = pause_rd, .events = POLLIN};
        if (poll(&pf, 1, 100) <= 0)
            continue;
        pid_t pid;
        while (read(pause_rd, &pid, sizeof pid) == (ssize_t)sizeof pid)
            for (long i = 0; i < p->workers; i++)
                if (p->pids[i] == pid)
                    paused[i] = 1;
    }
}

/* The compaction the daily destruction run asks for (SIGUSR2; store_compact.h): it needs every
 * process that has the store open to close it. The sender is stopped; the workers finish their
 * requests in flight, close the store and wait (SIGUSR1, worker.c) with their connections open; a
 * child of ours rewrites the file; then the workers open the store again and the sender starts. The
 * listening socket stays open throughout: requests arriving meanwhile wait in its queue, or in a
 * connection nginx keeps (nginx waits up to its read timeout), rather than fail. */
static void pool_compact(pool *p, int pause_rd)
{
    fprintf(stderr, "connectd: compacting the store; requests wait until it is done\n");
    if (p->sender > 0) {
        kill(p->sender, SIGTERM);
        wait_child(p->sender);
        p->sender = -1;
    }
    int paused[MAX_WORKERS] = {0};
    for (long i = 0; i < p->workers; i++)
        if (p->pids[i] > 0)
            kill(p->pids[i], SIGUSR1);
    pool_await_paused(p, pause_rd, paused);
    pid_t pid = fork();
    if (pid == 0) {
        if (child_signals(p->cfg->master_pid))
            _exit(0);
        close(p->cfg->listen_fd);
        if (p->cfg->other_fd >= 0)
            close(p->cfg->other_fd);
        store_compact_stats st;
        int rc = store_compact(p->cfg->data_dir, &st);
        if (rc)
            fprintf(stderr, "connectd: the compaction did not happen: %s\n", store_strerror(rc));
        else
            fprintf(stderr, "connectd: store compacted from %lld to %lld bytes in %.3f s\n",
                    (long long)st.bytes_before, (long long)st.bytes_after, st.seconds);
        _exit(rc ? 1 : 0);
    }
    if (pid < 0)
        fprintf(stderr, "connectd: cannot start the compaction: %s\n", strerror(errno));
    else
        wait_child(pid);
    for (long i = 0; i < p->workers; i++)
        if (paused[i])
            kill(p->pids[i], SIGUSR1);
    pool_spawn(p); /* the workers that died meanwhile, and the sender */
}

/* Takes DATA/connectd.lock (flock, exclusive, not waiting) and writes our pid into it. The descriptor
 * stays open for the life of the process and is inherited by every child on purpose (a flock belongs
 * to the open file, shared across fork), so the folder stays locked until the master and all its
 * children have exited: a restart cannot run beside workers or a mail sender that are still ending.
 * O_CLOEXEC: nothing we might exec keeps it. 0 when we hold it; -1 with the one-line reason printed. */
static int lock_data_folder(const char *data)
{
    char path[PATH_MAX], held[32] = "";
    if (snprintf(path, sizeof path, "%s/connectd.lock", data) >= (int)sizeof path) {
        fprintf(stderr, "connectd: the data folder path is too long: %s\n", data);
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "connectd: cannot open the lock file %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        ssize_t n = err == EWOULDBLOCK ? pread(fd, held, sizeof held - 1, 0) : -1;
        held[n > 0 ? n : 0] = '\0';
        held[strcspn(held, "\n")] = '\0';
        if (err == EWOULDBLOCK)
            fprintf(stderr, "connectd: the data folder %s is in use by another connectd (master pid %s, or its "
                            "children still stopping); not starting a second one\n", data, *held ? held : "unknown");
        else
            fprintf(stderr, "connectd: cannot lock %s: %s\n", path, strerror(err));
        close(fd);
        return -1;
    }
    int n = snprintf(held, sizeof held, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, held, (size_t)n, 0) != n)
        fprintf(stderr, "connectd: WARNING: cannot write our pid into %s: %s\n", path, strerror(errno));
    return 0; /* fd stays open on purpose (see above) */
}

/* Keeps freed heap memory for reuse rather than handing it back to the kernel: with glibc's defaults
 * (trim at 128 KB free, blocks from 128 KB up mapped on their own) the audit writer's batches, the
 * overflow pages of large records in a write transaction and the texts of large answers were given
 * back after each use and faulted in again, a tenth of the CPU of audited searches under load (perf:
 * clear_page_erms under sysmalloc); with these, under 1%. Setting one threshold turns glibc's
 * adjustment of the other off, so both are set: blocks below HEAP_MMAP_BYTES come from the heap, and
 * up to HEAP_KEEP_BYTES of free memory stays with each malloc arena. The cost is bounded: an arena per
 * thread at most (threads + 2 a worker process), each keeping its peak use up to that much.
 * HEAP_MMAP_BYTES is above 2 MB because every request of a group commit runs in a nested LMDB write
 * transaction, which mallocs a dirty-page list of 2 MB and a free-page list of 1 MB (liblmdb 0.9.24,
 * mdb_txn_begin with a parent) and frees them at its end: with a 1 MB threshold each was mapped and
 * unmapped for every durable write, inside the commit's one-writer section. By hand on the 1M bench
 * store, 32 clients: RTPF look-ups 4,350-5,140 -> 6,240-6,740 req/s, address edits +10-20%. */
#define HEAP_KEEP_BYTES (16 * 1024 * 1024)
#define HEAP_MMAP_BYTES (4 * 1024 * 1024)

/* Listens on the unix socket path (replacing a stale one), mode 0660, non-blocking. The descriptor,
 * or -1 with the reason printed. */
static int open_listener(const char *path)
{
    unlink(path);
    mode_t old = umask(0117); /* socket 0660: only our user and group (nginx) may connect */
    int fd = FCGX_OpenSocket(path, 1024);
    umask(old);
    if (fd < 0) {
        fprintf(stderr, "connectd: cannot listen on %s: %s\n", path, strerror(errno));
        return -1;
    }
    /* Workers wait for connections in epoll (worker.c); with several processes woken for one
     * connection, the ones that lose the race must get EAGAIN from accept(), not block in it. */
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
        fprintf(stderr, "connectd: cannot make the socket %s non-blocking: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_BYTES);
    mallopt(M_TRIM_THRESHOLD, HEAP_KEEP_BYTES);
    const char *data = NULL, *sock_path = NULL, *write_path = NULL, *access_log = NULL;
    long workers = sysconf(_SC_NPROCESSORS_ONLN), threads = 3, write_threads = 32;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage();
            return 2;
        }
        if (strcmp(a, "--data") == 0)
            data = v;
        else if (strcmp(a, "--socket") == 0)
            sock_path = v;
        else if (strcmp(a, "--access-log") == 0)
            access_log = v;
        else if (strcmp(a, "--workers") == 0)
            workers = strtol(v, NULL, 10);
        else if (strcmp(a, "--threads") == 0)
            threads = strtol(v, NULL, 10);
        else if (strcmp(a, "--write-socket") == 0)
            write_path = v;
        else if (strcmp(a, "--write-threads") == 0)
            write_threads = strtol(v, NULL, 10);
        else {
            usage();
            return 2;
        }
    }
    if (!data || !sock_path || workers < 1 || workers > MAX_WORKERS - 1 || threads < 1 || threads > 256 ||
        write_threads < 1 || write_threads > 256 || (write_path && strcmp(write_path, sock_path) == 0)) {
        usage();
        return 2;
    }

    if (lock_data_folder(data))
        return 1;
    worker_config cfg = {
        .data_dir = data, .access_log = access_log, .threads = (int)threads, .master_pid = getpid(), .other_fd = -1};
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/jwt.key", data);
    if (auth_key_load(path, cfg.key)) {
        fprintf(stderr, "connectd: cannot read the key %s (run connectctl init first)\n", path);
        return 1;
    }
    /* Made here, once, before any worker loads it: workers creating it at once raced (one read the
     * file while another was still writing it, and exited). */
    if (rtpf_key_init(data))
        return 1;
    /* The second factor: the policy and the sealing key, read once here for every worker. */
    if (mfa_policy_init() || mfa_key_init(data))
        return 1;
    if (auth_totp_init()) {
        fprintf(stderr, "connectd: cannot initialise liboath\n");
        return 1;
    }
    if (auth_common_find(path, sizeof path) || auth_common_load(path) || auth_common_count() < 1000) {
        fprintf(stderr, "connectd: cannot load the common-password list %s\n", path);
        return 1;
    }

    if (public_url_init()) {
        fprintf(stderr, "connectd: CONNECT_PUBLIC_URL must be an http:// or https:// address, e.g. https://connect.example.org\n");
        return 1;
    }
    if (public_url_is_https())
        fprintf(stderr, "connectd: CONNECT_PUBLIC_URL is https: the session cookie is %s (Secure, Path=/)\n",
                SESSION_COOKIE_HOST);

    if (clock_init())
        fprintf(stderr, "connectd: WARNING: test clock in use (CONNECT_TEST_CLOCK=%s); never in production\n",
                getenv("CONNECT_TEST_CLOCK"));
    if (getenv("CONNECT_TEST_CRASH_AFTER_COMMIT") && *getenv("CONNECT_TEST_CRASH_AFTER_COMMIT"))
        fprintf(stderr, "connectd: WARNING: crash hook in use (CONNECT_TEST_CRASH_AFTER_COMMIT=%s: a worker that "
                "commits while that file exists kills itself); never in production\n",
                getenv("CONNECT_TEST_CRASH_AFTER_COMMIT"));

    /* The scheduled backups' settings, checked here so that a wrong one stops connectd at once (the
     * scheduler in the mail sender reads them again); the metrics read where their outcome goes. */
    backup_job backups;
    if (backup_job_init(&backups, data))
        return 1;
    if (metrics_init(backups.dir, backups.interval))
        fprintf(stderr, "connectd: WARNING: no shared memory for the request metrics: %s\n", strerror(errno));

    /* Our handlers first, so FCGX_Init leaves SIGTERM to us. */
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = on_compact;
    sigaction(SIGUSR2, &sa, NULL);
    sa.sa_handler = on_reopen; /* systemctl reload, logrotate: the workers reopen the access log */
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t acted_on, wait_mask;
    sigemptyset(&acted_on);
    sigaddset(&acted_on, SIGTERM);
    sigaddset(&acted_on, SIGINT);
    sigaddset(&acted_on, SIGCHLD);
    sigaddset(&acted_on, SIGUSR2);
    sigaddset(&acted_on, SIGHUP);
    sigprocmask(SIG_BLOCK, &acted_on, &wait_mask);
    /* Blocked too, though the master never takes it: a worker inherits the mask, so a pause asked
     * of it right after its fork waits for its sigtimedwait instead of killing it. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    if (FCGX_Init() != 0) {
        fprintf(stderr, "connectd: FCGX_Init failed\n");
        return 1;
    }
    if ((cfg.listen_fd = open_listener(sock_path)) < 0)
        return 1;
    /* The write worker's configuration: the read workers' with the other socket and its threads. */
    worker_config write_cfg = cfg;
    if (write_path) {
        if ((write_cfg.listen_fd = open_listener(write_path)) < 0) {
            close(cfg.listen_fd);
            unlink(sock_path);
            return 1;
        }
        write_cfg.threads = (int)write_threads;
        write_cfg.other_fd = cfg.listen_fd;
        cfg.other_fd = write_cfg.listen_fd;
    }

    /* Workers paused for a compaction say so here (pool_compact). Non-blocking for the master's reads. */
    int pause_pipe[2];
    if (pipe2(pause_pipe, O_CLOEXEC) != 0 || fcntl(pause_pipe[0], F_SETFL, O_NONBLOCK) != 0) {
        fprintf(stderr, "connectd: cannot make the pause pipe: %s\n", strerror(errno));
        return 1;
    }
    cfg.pause_fd = write_cfg.pause_fd = pause_pipe[1];
    pool p = {.cfg = &cfg, .workers = workers + (write_path != NULL)};
    for (long i = 0; i < p.workers; i++)
        p.cfgs[i] = i < workers ? &cfg : &write_cfg;
    pool_spawn(&p);
    if (write_path)
        fprintf(stderr, "connectd: %ld workers x %ld threads on %s, 1 x %ld for writes on %s; two-factor sign-in %s\n",
                workers, threads, sock_path, write_threads, write_path, mfa_policy_name());
    else
        fprintf(stderr, "connectd: %ld workers x %ld threads on %s; two-factor sign-in %s\n", workers, threads,
                sock_path, mfa_policy_name());
    sd_notify_state("READY=1");

    /* The signals we act on stay blocked except inside sigsuspend, so one arriving between a check
     * and the wait is not missed: it wakes the wait at once. */
    for (;;) {
        pool_reap(&p);
        if (stop_requested)
            break;
        if (reopen_requested) {
            reopen_requested = 0;
            pool_reopen_logs(&p);
        }
        if (compact_requested) {
            compact_requested = 0;
            pool_compact(&p, pause_pipe[0]);
            continue;
        }
        sigsuspend(&wait_mask);
    }

    fprintf(stderr, "connectd: stopping\n");
    sd_notify_state("STOPPING=1");
    shutdown(cfg.listen_fd, SHUT_RDWR);
    if (write_path)
        shutdown(write_cfg.listen_fd, SHUT_RDWR);
    int failed = pool_stop(&p);
    close(cfg.listen_fd);
    unlink(sock_path);
    if (write_path) {
        close(write_cfg.listen_fd);
        unlink(write_path);
    }
    auth_common_free();
    fprintf(stderr, "connectd: stopped\n");
    return failed;
}
