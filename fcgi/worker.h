/*
 * worker.h - one worker process: T threads, each accepting FastCGI requests on the shared socket.
 *
 * The worker opens the store itself (after fork), serialises accept with a mutex (libfcgi's accept
 * is not safe to call from several threads at once), and on SIGTERM stops accepting and lets the
 * requests in flight finish before it exits. It stops the same way when the master has died (the
 * master asks for SIGTERM on its death, and the worker checks its parent every second besides).
 */
#ifndef CONNECT_WORKER_H
#define CONNECT_WORKER_H

#include <sys/types.h>

#include "auth_jwt.h"

typedef struct {
    const char *data_dir;
    const char *access_log; /* NULL: stderr */
    int listen_fd;
    int threads;
    pid_t master_pid; /* the connectd master: a worker whose parent is another process stops */
    unsigned char key[AUTH_KEY_LEN];
} worker_config;

/* Runs until SIGTERM; returns the process exit status. */
int worker_run(const worker_config *cfg);

#endif
