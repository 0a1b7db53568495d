/* mail_message.c - formatting an outbox record as an email (see mail_message.h). */
#include "mail_message.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES 998

/* A growing text buffer; after a failed allocation every append is ignored and `oom` is set. */
typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1 && cap < SIZE_MAX / 2)
            cap *= 2;
        char *g = cap >= b->len + n + 1 ? realloc(b->p, cap) : NULL;
        if (!g) {
            b->oom = 1;
            return;
        }
        b->p = g;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

__attribute__((format(printf, 2, 3))) static void putf(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->oom = 1; /* only short, fixed-shape lines go through here */
    else
        put(b, tmp, (size_t)n);
}

/* created_at "YYYY-MM-DDTHH:MM:SSZ" as epoch seconds; -1 when it is not that. */
static int64_t created_epoch(const json_t *msg)
{
    const char *at = json_string_value(json_object_get(msg, "created_at"));
    struct tm tm = {0};
    const char *end = at ? strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    if (!end || *end)
        return -1;
    return (int64_t)timegm(&tm);
}

int mail_message_id(uint64_t id, const json_t *msg, char *out, size_t cap)
{
    int64_t t = created_epoch(msg);
    if (t < 0)
        return -1;
    int n = snprintf(out, cap, "<outbox-%" PRIu64 ".%" PRId64 "@connect>", id, t);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* A header value with control characters (CR, LF, tabs...) replaced by spaces. */
static void put_clean(buf *b, const char *s)
{
    for (; *s; s++) {
        char c = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
        put(b, &c, 1);
    }
}

static void put_base64(buf *b, const unsigned char *s, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        char out[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
                       i + 2 < n ? tab[v & 63] : '='};
        put(b, out, 4);
    }
}

/* The Subject header: as is when printable ASCII, otherwise RFC 2047 "B" encoded-words of at most
 * WORD_BYTES bytes of UTF-8 each, never splitting a character, one per folded line ("Subject: " and
 * the first word make 73 characters, within the 76 RFC 2047 allows). */
#define WORD_BYTES 39
static void put_subject(buf *b, const char *s)
{
    int ascii = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        ascii &= *p >= 0x20 && *p < 0x7f;
    puts_(b, "Subject: ");
    if (ascii) {
        put_clean(b, s);
        puts_(b, "\r\n");
        return;
    }
    size_t n = strlen(s), i = 0;
    char clean[WORD_BYTES];
    while (i < n) {
        size_t take = n - i < WORD_BYTES ? n - i : WORD_BYTES;
        while (take < n - i && take > 0 && ((unsigned char)s[i + take] & 0xC0) == 0x80)
            take--; /* do not end a word inside a character */
        if (take == 0)
            take = 1; /* not UTF-8 (cannot happen: jansson checked it); move on regardless */
        for (size_t j = 0; j < take; j++)
            clean[j] = ((unsigned char)s[i + j] < 0x20 || s[i + j] == 0x7f) ? ' ' : s[i + j];
        if (i)
            puts_(b, "\r\n ");
        puts_(b, "=?UTF-8?B?");
        put_base64(b, (const unsigned char *)clean, take);
        puts_(b, "?=");
        i += take;
    }
    puts_(b, "\r\n");
}

/* The body with every line ending in CRLF (lone LF or CR too), lines cut at LINE_MAX_BYTES bytes on a
 * UTF-8 character boundary. */
static void put_body(buf *b, const char *s)
{
    size_t col = 0;
    for (; *s; s++) {
        if (*s == '\r' || *s == '\n') {
            if (*s == '\r' && s[1] == '\n')
                s++;
            puts_(b, "\r\n");
            col = 0;
            continue;
        }
        if (col >= LINE_MAX_BYTES - 4 && ((unsigned char)*s & 0xC0) != 0x80) {
            puts_(b, "\r\n");
            col = 0;
        }
        put(b, s, 1);
        col++;
    }
    if (col)
        puts_(b, "\r\n");
}

char *mail_message_format(uint64_t id, const json_t *msg, const char *from)
{
    const char *to = json_string_value(json_object_get(msg, "to"));
    const char *subject = json_string_value(json_object_get(msg, "subject"));
    const char *body = json_string_value(json_object_get(msg, "body"));
    int64_t created = created_epoch(msg);
    char mid[96];
    if (!to || !subject || !body || created < 0 || mail_message_id(id, msg, mid, sizeof mid))
        return NULL;
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)created;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf b = {0};
    putf(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    puts_(&b, "From: Connect <");
    put_clean(&b, from);
    puts_(&b, ">\r\nTo: ");
    put_clean(&b, to);
    puts_(&b, "\r\n");
    put_subject(&b, subject);
    putf(&b, "Message-ID: %s\r\n", mid);
    puts_(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
    put_body(&b, body);
    if (b.oom || !b.p) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
