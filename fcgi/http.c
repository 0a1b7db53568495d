/* http.c - request parameters, body and responses over libfcgi's FCGX_* API. */
#include "http.h"
#include "clock.h"

#include <fastcgi.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static char *param_dup(FCGX_Request *fx, const char *name)
{
    const char *v = FCGX_GetParam(name, fx->envp);
    return strdup(v ? v : "");
}

const char *http_param_path(FCGX_Request *fx)
{
    const char *uri = FCGX_GetParam("DOCUMENT_URI", fx->envp);
    if (!uri || !*uri)
        uri = FCGX_GetParam("SCRIPT_NAME", fx->envp);
    return uri ? uri : "/";
}

int http_req_init(http_req *r, FCGX_Request *fx, store *st, const unsigned char *key)
{
    memset(r, 0, sizeof *r);
    r->fx = fx;
    r->st = st;
    r->key = key;
    r->now = clock_now();
    r->status = 0;
    r->path = strdup(http_param_path(fx));
    r->method = param_dup(fx, "REQUEST_METHOD");
    r->query = param_dup(fx, "QUERY_STRING");
    r->cookie = param_dup(fx, "HTTP_COOKIE");
    r->authorization = param_dup(fx, "HTTP_AUTHORIZATION");
    r->requested_with = param_dup(fx, "HTTP_X_REQUESTED_WITH");
    r->content_type = param_dup(fx, "CONTENT_TYPE");
    const char *https = FCGX_GetParam("HTTPS", fx->envp);
    r->https = https && (strcmp(https, "on") == 0);
    if (!r->path || !r->method || !r->query || !r->cookie || !r->authorization || !r->requested_with ||
        !r->content_type)
        return -1;
    return 0;
}

struct http_scratch {
    struct http_scratch *next;
    max_align_t data[];
};

void *http_scratch(http_req *r, size_t n)
{
    struct http_scratch *s = malloc(sizeof *s + n);
    if (!s)
        return NULL;
    s->next = r->scratch;
    r->scratch = s;
    return s->data;
}

void http_req_free(http_req *r)
{
    while (r->scratch) {
        struct http_scratch *next = r->scratch->next;
        free(r->scratch);
        r->scratch = next;
    }
    free(r->method);
    free(r->path);
    free(r->query);
    free(r->cookie);
    free(r->authorization);
    free(r->requested_with);
    free(r->content_type);
    free(r->body);
    free(r->headers);
    json_decref(r->user);
    json_decref(r->org);
    memset(r, 0, sizeof *r);
}

int http_read_body(http_req *r)
{
    return http_read_body_max(r, HTTP_BODY_MAX);
}

/* The request's Content-Length (0 when absent) if it is at most max; otherwise answered, -1. */
static int body_length(http_req *r, size_t max, size_t *len)
{
    const char *cl = FCGX_GetParam("CONTENT_LENGTH", r->fx->envp);
    *len = 0;
    if (cl && *cl) {
        char *end;
        unsigned long long v = strtoull(cl, &end, 10);
        if (*end || cl[0] == '-') {
            http_error(r, 400, "invalid_request", "The Content-Length header is not a number.", NULL);
            return -1;
        }
        if (v > max) {
            http_error(r, 413, "payload_too_large", "The request body is too large.", NULL);
            return -1;
        }
        *len = (size_t)v;
    }
    return 0;
}

int http_read_body_max(http_req *r, size_t max)
{
    /* Read once: a handler whose body is optional looks at it before parsing it. */
    if (r->body)
        return 0;
    size_t len;
    if (body_length(r, max, &len))
        return -1;
    r->body = malloc(len + 1);
    if (!r->body) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return -1;
    }
    size_t got = 0;
    while (got < len) {
        int n = FCGX_GetStr(r->body + got, (int)(len - got), r->fx->in);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != len) {
        http_error(r, 400, "invalid_request", "The request body ended early.", NULL);
        return -1;
    }
    r->body[len] = '\0';
    r->body_len = len;
    return 0;
}

int http_header_add(http_req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    int n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    char *grown = realloc(r->headers, r->headers_len + (size_t)n + 3);
    if (!grown) {
        free(line);
        return -1;
    }
    memcpy(grown + r->headers_len, line, (size_t)n);
    memcpy(grown + r->headers_len + n, "\r\n", 3);
    r->headers = grown;
    r->headers_len += (size_t)n + 2;
    free(line);
    return 0;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return status >= 500 ? "Internal Server Error" : "OK";
    }
}

/* The head's own lines, before the handler's (r->headers) and the blank line: status, content type
 * (none when NULL), length (none when below 0), no caching. Its length, or -1 when it does not fit
 * in cap (a content type of hundreds of bytes: the callers then go without it). The one place a
 * head is formatted, for the stream and for a whole reply alike. */
static int head_top(char *buf, size_t cap, int status, const char *content_type, long long length)
{
    char len_line[48] = "";
    if (length >= 0)
        snprintf(len_line, sizeof len_line, "Content-Length: %lld\r\n", length);
    int n = snprintf(buf, cap, "Status: %d %s\r\n%s%s%s%sCache-Control: no-store\r\n", status, reason(status),
                     content_type ? "Content-Type: " : "", content_type ? content_type : "", content_type ? "\r\n" : "",
                     len_line);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

#define HEAD_TOP_MAX 256

static void write_head_as(http_req *r, int status, const char *content_type)
{
    r->status = status;
    char top[HEAD_TOP_MAX];
    int n = head_top(top, sizeof top, status, content_type, -1);
    if (n < 0)
        n = head_top(top, sizeof top, status, NULL, -1);
    FCGX_PutStr(top, n, r->fx->out);
    if (r->headers)
        FCGX_PutStr(r->headers, (int)r->headers_len, r->fx->out);
    FCGX_PutS("\r\n", r->fx->out);
}

static void write_head(http_req *r, int status, int has_body)
{
    write_head_as(r, status, has_body ? "application/json; charset=utf-8" : NULL);
}

void http_stream_begin(http_req *r, int status, const char *content_type)
{
    if (r->answered)
        return;
    r->answered = 1;
    write_head_as(r, status, content_type);
}

int http_stream_write(http_req *r, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        int chunk = len > (1 << 20) ? (1 << 20) : (int)len;
        if (FCGX_PutStr(p, chunk, r->fx->out) != chunk)
            return -1;
        p += chunk;
        len -= (size_t)chunk;
    }
    return 0;
}

void http_stream_abort(http_req *r)
{
    FCGX_FFlush(r->fx->out);
    if (r->fx->ipcFd < 0)
        return;
    /* A bare close is a normal end to nginx (without fastcgi_keep_conn it needs no END_REQUEST), so
     * send a record of no FastCGI version: nginx refuses it as an upstream error and, the head having
     * gone, closes the client's connection without the last chunk. */
    static const unsigned char broken[8] = {0};
    ssize_t n = write(r->fx->ipcFd, broken, sizeof broken);
    (void)n;
    shutdown(r->fx->ipcFd, SHUT_RDWR);
}

/* ---- a whole reply in one write ----
 * Through libfcgi's stream a reply leaves in records of its 8 KB buffer, each its own write(), and
 * nginx wakes for each one to read it and pass it on: a page of 50 list rows (28 KB) cost connectd
 * four writes and nginx about 17 system calls. So a reply is written here instead: its head and body
 * as FastCGI STDOUT records of up to 64 KB, the stream's end and the request's end (FCGI_END_REQUEST),
 * in one writev. The stream is then marked closed, so that FCGX_Finish_r writes none of them again:
 * in libfcgi 2.4 FCGX_FClose passes over a stream whose wasFCloseCalled is set, and the error stream,
 * which connectd never writes, ends without a record of its own while the output stream is open
 * (WriteCloseRecords: only the last writer to close sends the end of the request). */

#define RECORD_BYTES FCGI_MAX_LENGTH /* content of one record; padding is optional (none here) */
#define REPLY_IOV 64                 /* iovecs a writev takes at most (IOV_MAX is 1024) */

static void record_header(unsigned char h[FCGI_HEADER_LEN], int type, int request_id, size_t content)
{
    h[0] = FCGI_VERSION_1;
    h[1] = (unsigned char)type;
    h[2] = (unsigned char)((request_id >> 8) & 0xff);
    h[3] = (unsigned char)(request_id & 0xff);
    h[4] = (unsigned char)((content >> 8) & 0xff);
    h[5] = (unsigned char)(content & 0xff);
    h[6] = 0;
    h[7] = 0;
}

/* Writes every byte of iov[0..n) to fd (blocking), resuming after short writes; 0, or errno. */
static int write_fully(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno ? errno : EIO;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return 0;
}

typedef struct {
    const char *p;
    size_t n;
} reply_piece;

/* Sends the pieces, in order, as the request's whole output (above). A failed write is left on the
 * stream as its error, so that FCGX_Finish_r closes the connection instead of keeping it. */
static void write_whole(http_req *r, const reply_piece *pieces, size_t npieces)
{
    FCGX_Stream *out = r->fx->out;
    int fd = r->fx->ipcFd, rc = 0;
    if (FCGX_FFlush(out) != 0 || fd < 0) /* nothing is buffered before a reply; if it were, it goes first */
        return;
    unsigned char heads[REPLY_IOV][FCGI_HEADER_LEN];
    unsigned char end[2 * FCGI_HEADER_LEN + 8]; /* STDOUT's empty record, END_REQUEST and its body */
    struct iovec iov[REPLY_IOV];
    int n = 0, h = 0;
    size_t at = 0, off = 0;
    for (;;) {
        while (at < npieces && pieces[at].n == 0) /* an empty record would end the output early */
            at++;
        if (rc || at == npieces)
            break;
        if (n > REPLY_IOV - 5 - HTTP_REPLY_PARTS_MAX) { /* a record: a head and at most 3 + PARTS_MAX pieces */
            rc = write_fully(fd, iov, n);
            n = h = 0;
            continue;
        }
        int head_at = n++;
        size_t content = 0;
        while (at < npieces && content < RECORD_BYTES && n < REPLY_IOV - 1) {
            size_t take = pieces[at].n - off;
            if (take > RECORD_BYTES - content)
                take = RECORD_BYTES - content;
            if (take) {
                iov[n++] = (struct iovec){(void *)(pieces[at].p + off), take};
                content += take;
                off += take;
            }
            if (off == pieces[at].n) {
                at++;
                off = 0;
            }
        }
        record_header(heads[h], FCGI_STDOUT, r->fx->requestId, content);
        iov[head_at] = (struct iovec){heads[h++], FCGI_HEADER_LEN};
    }
    if (!rc) {
        record_header(end, FCGI_STDOUT, r->fx->requestId, 0);
        record_header(end + FCGI_HEADER_LEN, FCGI_END_REQUEST, r->fx->requestId, 8);
        memset(end + 2 * FCGI_HEADER_LEN, 0, 8); /* application status 0, FCGI_REQUEST_COMPLETE (0) */
        iov[n++] = (struct iovec){end, sizeof end};
        rc = write_fully(fd, iov, n);
    }
    out->wasFCloseCalled = 1;
    out->isClosed = 1;
    if (rc)
        out->FCGI_errno = rc;
}

/* The head of a reply (what write_head_as writes) and its body, the concatenation of parts[0..n),
 * in one write. */
static void reply_whole(http_req *r, int status, const char *content_type, const struct iovec *parts, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += parts[i].iov_len;
    char top[HEAD_TOP_MAX];
    int tn = head_top(top, sizeof top, status, content_type, (long long)len);
    r->answered = 1;
    if (tn < 0 || n > HTTP_REPLY_PARTS_MAX) { /* the stream's way */
        write_head_as(r, status, content_type);
        for (size_t i = 0; i < n; i++)
            http_stream_write(r, parts[i].iov_base, parts[i].iov_len);
        return;
    }
    r->status = status;
    reply_piece pieces[3 + HTTP_REPLY_PARTS_MAX] = {
        {top, (size_t)tn}, {r->headers, r->headers ? r->headers_len : 0}, {"\r\n", 2}};
    for (size_t i = 0; i < n; i++)
        pieces[3 + i] = (reply_piece){parts[i].iov_base, parts[i].iov_len};
    write_whole(r, pieces, 3 + n);
}

void http_reply_parts(http_req *r, int status, const char *content_type, const struct iovec *parts, size_t n)
{
    if (r->answered)
        return;
    reply_whole(r, status, content_type, parts, n);
}

void http_reply_bytes(http_req *r, int status, const char *content_type, const void *data, size_t len)
{
    if (r->answered)
        return;
    const struct iovec part = {(void *)data, len};
    reply_whole(r, status, content_type, &part, 1);
}

void http_reply(http_req *r, int status, json_t *body)
{
    if (r->answered) {
        json_decref(body);
        return;
    }
    if (r->capture) {
        r->answered = 1;
        r->captured_status = status;
        r->captured = body;
        return;
    }
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    if (!text) {
        r->answered = 1;
        write_head(r, 500, 1);
        FCGX_PutS("{\"error\":{\"code\":\"internal\",\"message\":\"Out of memory.\",\"field\":null}}", r->fx->out);
        return;
    }
    const struct iovec part = {text, strlen(text)};
    reply_whole(r, status, "application/json; charset=utf-8", &part, 1);
    free(text);
}

void http_reply_empty(http_req *r, int status)
{
    if (r->answered)
        return;
    r->answered = 1;
    write_head(r, status, 0);
}

void http_error(http_req *r, int status, const char *code, const char *message, const char *field)
{
    json_t *f = field ? json_string(field) : NULL; /* NULL also when field is not valid UTF-8 */
    json_t *body = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code, "message", message, "field",
                             f ? f : json_null());
    http_reply(r, status, body);
}

int http_store_status(int rc)
{
    switch (rc) {
    case 0: return 200;
    case MDB_NOTFOUND: return 404;
    case STORE_EXISTS: return 409;
    case MDB_READERS_FULL: return 503;
    case MDB_MAP_FULL: /* only once the map could not grow (store_write grows it) */
    case ENOSPC:
    case EDQUOT:
        return 507; /* the disk is full: the write was aborted whole */
    default: return 500;
    }
}

void http_store_error(http_req *r, int rc)
{
    if (rc == STORE_UNSYNCED) { /* store.h: the change is there, only not known to be on disk */
        fprintf(stderr, "store: %s\n", store_strerror(rc));
        http_error(r, 500, "internal",
                   "The change was recorded but the server could not confirm it is safely stored: reload to check "
                   "before trying again.",
                   NULL);
        return;
    }
    if (rc == EIO && r->st && store_disk_full(r->st))
        rc = ENOSPC; /* LMDB's short write on a full disk: the same answer as ENOSPC */
    int status = http_store_status(rc);
    switch (status) {
    case 404: http_error(r, 404, "not_found", "No such record.", NULL); break;
    case 409: http_error(r, 409, "conflict", "The record exists already.", NULL); break;
    case 503:
        fprintf(stderr, "store: %s\n", store_strerror(rc));
        http_error(r, 503, "unavailable", "The service is busy; please try again shortly.", NULL);
        break;
    case 507:
        fprintf(stderr, "store: the disk is full: %s\n", store_strerror(rc));
        http_error(r, 507, "storage_full", "Connect cannot save changes: the server's disk is full. Nothing was saved.",
                   NULL);
        break;
    default:
        fprintf(stderr, "store: %s\n", store_strerror(rc));
        http_error(r, 500, "internal", "Something went wrong on our side; nothing was changed.", NULL);
    }
}

int http_read_begin(http_req *r, MDB_txn **txn)
{
    int rc = store_read_begin(r->st, txn);
    if (rc)
        http_store_error(r, rc);
    return rc ? -1 : 0;
}

/* Decodes %XX and '+' in [s, s+n) into a new string; NULL when malformed or holding a NUL byte. */
void http_iso_time(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Writes all of [p, p+n) to fd; 0, or the errno of the failure. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int http_temp_fd(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/connect-upload-XXXXXX", dir && *dir ? dir : "/tmp");
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkostemp(path, O_CLOEXEC); /* mode 0600 */
    if (fd >= 0)
        unlink(path);
    return fd;
}

int http_spool_body(http_req *r, size_t max)
{
    size_t len;
    if (body_length(r, max, &len))
        return -1;
    int fd = http_temp_fd();
    if (fd < 0) {
        int err = errno;
        fprintf(stderr, "upload: cannot make a temporary file: %s\n", strerror(err));
        if (err == ENOSPC || err == EDQUOT)
            http_store_error(r, err);
        else
            http_error(r, 500, "internal", "Something went wrong on our side; nothing was changed.", NULL);
        return -1;
    }
    enum { BLOCK = 64 << 10 };
    char *block = malloc(BLOCK);
    if (!block) {
        close(fd);
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return -1;
    }
    size_t got = 0;
    int err = 0;
    while (got < len && !err) {
        size_t want = len - got < BLOCK ? len - got : BLOCK;
        int k = FCGX_GetStr(block, (int)want, r->fx->in);
        if (k <= 0)
            break;
        err = write_all(fd, block, (size_t)k);
        got += (size_t)k;
    }
    free(block);
    if (!err && got == len && lseek(fd, 0, SEEK_SET) == 0)
        return fd;
    close(fd);
    if (err == ENOSPC || err == EDQUOT)
        http_store_error(r, err); /* the disk is full: the same 507 as the store's */
    else if (err) {
        fprintf(stderr, "upload: cannot write the temporary file: %s\n", strerror(err));
        http_error(r, 500, "internal", "Something went wrong on our side; nothing was changed.", NULL);
    } else
        http_error(r, 400, "invalid_request", "The request body ended early.", NULL);
    return -1;
}
