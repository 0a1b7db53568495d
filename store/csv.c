/* csv.c - RFC 4180 records (see csv.h). */
#include "csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void csv_init(csv_reader *c, const char *data, size_t len)
{
    *c = (csv_reader){.p = data, .end = data + len, .line = 1, .fd = -1, .eof = 1};
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
}

/* 1 when at least n (1 or 2) unread bytes are at c->p, refilling the block from the file when fewer
 * are: the unread tail moves to the block's start and the rest of the block is read. The record
 * parser looks at most one byte ahead, so a record never needs more than the current block. */
static int avail(csv_reader *c, size_t n)
{
    if ((size_t)(c->end - c->p) >= n)
        return 1;
    if (c->eof)
        return 0;
    size_t kept = (size_t)(c->end - c->p);
    memmove(c->block, c->p, kept);
    c->p = c->block;
    c->end = c->block + kept;
    while (!c->eof && c->end < c->block + CSV_BLOCK) {
        char *fill = c->block + (c->end - c->block);
        ssize_t got = read(c->fd, fill, (size_t)(c->block + CSV_BLOCK - fill));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            c->read_failed = 1;
        if (got <= 0)
            c->eof = 1;
        else
            c->end += got;
    }
    return (size_t)(c->end - c->p) >= n;
}

int csv_init_fd(csv_reader *c, int fd)
{
    *c = (csv_reader){.line = 1, .fd = fd};
    c->block = malloc(CSV_BLOCK);
    if (!c->block)
        return -1;
    c->p = c->end = c->block;
    if (avail(c, 3) && memcmp(c->p, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
    return 0;
}

void csv_free(csv_reader *c)
{
    free(c->block);
    c->block = NULL;
    c->p = c->end = NULL;
}

/* Appends the field [buf, buf+n) as a string; -1 when it is not UTF-8. */
static int push(json_t *fields, const char *buf, size_t n)
{
    json_t *s = json_stringn(buf, n);
    return s && json_array_append_new(fields, s) == 0 ? 0 : -1;
}

int csv_next(csv_reader *c, json_t **fields, size_t *line, const char **err)
{
    *fields = NULL;
    /* Skip blank lines. */
    while (avail(c, 1) && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n')
            c->line++;
        c->p++;
    }
    if (c->read_failed) {
        *err = "The file could not be read.";
        return -1;
    }
    if (!avail(c, 1))
        return 0;
    *line = c->line;
    json_t *out = json_array();
    size_t cap = 256, n = 0;
    char *buf = malloc(cap);
    if (!out || !buf) {
        *err = "Out of memory.";
        goto fail;
    }
    for (;;) {
        n = 0;
        int quoted = avail(c, 1) && *c->p == '"';
        if (quoted)
            c->p++;
        for (;;) {
            if (!avail(c, 1)) {
                if (c->read_failed) {
                    *err = "The file could not be read.";
                    goto fail;
                }
                if (quoted) {
                    *err = "A quoted field is not closed.";
                    goto fail;
                }
                break;
            }
            char ch = *c->p;
            if (ch == '\0') {
                *err = "The file holds a NUL byte.";
                goto fail;
            }
            if (quoted && ch == '"') {
                if (avail(c, 2) && c->p[1] == '"') {
                    c->p += 2;
                    ch = '"';
                } else {
                    c->p++;
                    if (avail(c, 1) && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                        *err = "Text follows a closing quote.";
                        goto fail;
                    }
                    break;
                }
            } else if (!quoted && (ch == ',' || ch == '\n' || ch == '\r')) {
                break;
            } else if (!quoted && ch == '"') {
                *err = "A quote inside an unquoted field.";
                goto fail;
            } else {
                if (ch == '\n')
                    c->line++;
                c->p++;
            }
            if (n + 1 >= cap) {
                char *bigger = realloc(buf, cap * 2);
                if (!bigger) {
                    *err = "Out of memory.";
                    goto fail;
                }
                buf = bigger;
                cap *= 2;
            }
            buf[n++] = ch;
        }
        if (push(out, buf, n)) {
            *err = "The file is not UTF-8 text.";
            goto fail;
        }
        if (avail(c, 1) && *c->p == ',') {
            c->p++;
            continue;
        }
        /* End of the record: CRLF, LF, a lone CR, or the end of the text. */
        if (avail(c, 1) && *c->p == '\r')
            c->p++;
        if (avail(c, 1) && *c->p == '\n')
            c->p++;
        if (c->read_failed) {
            *err = "The file could not be read.";
            goto fail;
        }
        c->line++;
        break;
    }
    free(buf);
    *fields = out;
    return 1;
fail:
    free(buf);
    json_decref(out);
    return -1;
}
