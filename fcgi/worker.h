/*
 * worker.h - one worker process: T threads, each accepting FastCGI requests on the shared socket (a
 * read worker), or on the write socket, which one worker serves alone (connectd.c, --write-socket).
 *
 * The worker opens the store itself (after fork). Its threads wait together in one epoll set holding
 * the listening socket and every idle connection nginx keeps open (fastcgi_keep_conn), each armed for
 * one event at a time: a free thread takes whichever is ready first, so an idle kept connection holds
 * no thread and kept connections cannot starve new ones. On SIGTERM it stops taking requests and lets
 * the requests in flight finish before it exits. It stops the same way when the master has died (the
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
    int other_fd; /* the pool's other listening socket (reads' or writes'), closed after fork; -1: none */
    int threads;
    pid_t master_pid; /* the connectd master: a worker whose parent is another process stops */
    int pause_fd;     /* where a worker paused for a compaction writes its pid (connectd.c) */
    unsigned char key[AUTH_KEY_LEN];
} worker_config;

/* Runs until SIGTERM; returns the process exit status. */
int worker_run(const worker_config *cfg);

#endif
