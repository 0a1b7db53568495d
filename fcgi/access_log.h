/* access_log.h - one line per request: time, method, path (no query string: it may hold names),
 * status, microseconds, user id. Never a password, token or personal data. */
#ifndef CONNECT_ACCESS_LOG_H
#define CONNECT_ACCESS_LOG_H

#include "http.h"

/* Opens (appends to) path; NULL or "-" logs to stderr. 0 on success. */
int access_log_open(const char *path);
/* Opens the same path again (logrotate moved the file; connectd's SIGHUP): 0 on success, or -1 and the
 * old file stays in use. */
int access_log_reopen(void);
void access_log_write(const http_req *r, long micros);

#endif
