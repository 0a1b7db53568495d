/*
 * worker.h - one worker process: T threads, each accepting FastCGI requests on the shared socket.
 *
 * The worker opens the store itself (after fork), serialises accept with a mutex (libfcgi's accept
 * is not safe to call from several threads at once), and on SIGTERM stops accepting and lets the
 * requests in flight finish before it exits.
 */
#ifndef CONNECT_WORKER_H
#define CONNECT_WORKER_H

#include "auth_jwt.h"

typedef struct {
    const char *data_dir;
    const char *access_log; /* NULL: stderr */
    int listen_fd;
    int threads;
    unsigned char key[AUTH_KEY_LEN];
} worker_config;

/* Runs until SIGTERM; returns the process exit status. */
int worker_run(const worker_config *cfg);

#endif
