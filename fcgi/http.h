/*
 * http.h - one FastCGI request: its parameters, body and the JSON response.
 *
 * Everything a handler reads is copied out of libfcgi's buffers at http_req_init() (they die at the
 * next Accept/Finish). A handler answers exactly once, with http_reply(), http_reply_empty() or
 * http_error(); later calls are ignored, so an error path can never write a second response.
 * Every body is JSON; every error has the shape {"error":{"code","message","field"}}.
 */
#ifndef CONNECT_HTTP_H
#define CONNECT_HTTP_H

#include <fcgiapp.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "auth_jwt.h"
#include "store.h"

#define HTTP_BODY_MAX (64 * 1024)

typedef struct http_req {
    FCGX_Request *fx;
    store *st;
    const unsigned char *key; /* JWT key */
    int64_t now;              /* seconds since the epoch, fixed for the request */

    char *method, *path, *query;
    char *cookie, *authorization, *requested_with, *content_type;
    int https;
    char *body;
    size_t body_len;
    /* Set by the router: the matched route's pattern ("/api/cases/{id}") and its first {id} (0: none),
     * what an audited refusal names (access_refusal.h). */
    const char *route;
    uint64_t route_id;
    int route_slot; /* 1 + the matched row of the route table (router.h); 0: none matched */

    /* Set by session_authenticate(). user and org are read-only: they may be shared with later
     * requests of the thread (record_cache.h). */
    json_t *user; /* the stored user record */
    json_t *org;  /* the user's organisation */
    uint64_t uid, org_id;
    const char *org_kind; /* "council", "home_office" or "network" (points into org) */
    int is_admin;
    int via_cookie;
    auth_claims claims;

    /* Response. */
    int status;
    char *headers; /* extra header lines, each ending in \r\n */
    size_t headers_len;
    int answered;
    /* Capture mode (validating many records of one upload with the same validators): replies are
     * kept here instead of being sent. */
    int capture;
    int captured_status;
    json_t *captured;
    /* Memory that lives as long as the request (decoded query parameters), see http_scratch. */
    struct http_scratch *scratch;
} http_req;

/* The request's path as nginx gives it (DOCUMENT_URI, else SCRIPT_NAME; "/" when neither), in
 * libfcgi's buffers. */
const char *http_param_path(FCGX_Request *fx);
/* Copies the request's parameters; 0 on success, -1 when out of memory. */
int http_req_init(http_req *r, FCGX_Request *fx, store *st, const unsigned char *key);
void http_req_free(http_req *r);

/* Reads the body (capped at HTTP_BODY_MAX); -1 when it answered 413/400 already. */
int http_read_body(http_req *r);
/* The same with another cap (document uploads). */
int http_read_body_max(http_req *r, size_t max);
/* A new 0600 temporary file in $TMPDIR (the data folder's tmp/ under serve.sh), unlinked at once so
 * nothing is left behind, even by a crash: its descriptor (the caller closes it), or -1 with errno. */
int http_temp_fd(void);
/* Copies a body of at most max bytes, in blocks, into a new http_temp_fd() file and returns its
 * descriptor, positioned at the start; or -1, answered (413, 400, 507 when the disk is full, 500).
 * For uploads too large to hold in memory. */
int http_spool_body(http_req *r, size_t max);

/* Adds one response header line ("Name: value", without CRLF). */
int http_header_add(http_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Answers with status and a JSON body (the reference is stolen; NULL answers 500). */
void http_reply(http_req *r, int status, json_t *body);
void http_reply_empty(http_req *r, int status);
/* Answers with raw bytes of the given content type (downloads); extra headers via http_header_add.
 * This and http_reply write the whole reply, with its Content-Length, in one write to nginx. */
void http_reply_bytes(http_req *r, int status, const char *content_type, const void *data, size_t len);
/* The same for a body in parts (their concatenation), e.g. a text with a member joined to it. */
#define HTTP_REPLY_PARTS_MAX 8
void http_reply_parts(http_req *r, int status, const char *content_type, const struct iovec *parts, size_t n);
/* Streams a response: the head now, then the body in pieces (large downloads). The request counts as
 * answered from http_stream_begin on; http_stream_write returns -1 when the client has gone. */
void http_stream_begin(http_req *r, int status, const char *content_type);
int http_stream_write(http_req *r, const void *data, size_t len);
/* Ends a streamed response as broken: the connection to nginx is shut without the FastCGI end of
 * request, so nginx cuts the client's chunked response and the download shows as failed instead of
 * ending like a complete file. For a failure after the head has gone out. */
void http_stream_abort(http_req *r);
/* Answers {"error":{...}}; field may be NULL. */
void http_error(http_req *r, int status, const char *code, const char *message, const char *field);
/* HTTP status for a store return code: 404 for MDB_NOTFOUND, 409 for STORE_EXISTS, 503 for too many
 * readers (the client may retry), 507 for a full disk (ENOSPC, EDQUOT, or MDB_MAP_FULL when the map
 * could not grow), 500 otherwise. */
int http_store_status(int rc);
/* Answers the error that a store return code means. */
void http_store_error(http_req *r, int rc);
/* Begins a read transaction (store_read_begin), or answers the store's error: 0, or -1 answered. */
int http_read_begin(http_req *r, MDB_txn **txn);

/* n bytes that stay valid until the request is freed, so parsed parameters need no freeing by the
 * handler; NULL when out of memory. */
void *http_scratch(http_req *r, size_t n);

/* Query parameters are read through a table: params.h. */

/* The current time as ISO 8601 UTC ("2026-11-24T10:15:00Z") into out[21]. */
void http_iso_time(int64_t t, char out[21]);

#endif
