/* csv.c - RFC 4180 records (see csv.h). */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

void csv_init(csv_reader *c, const char *data, size_t len)
{
    c->p = data;
    c->end = data + len;
    c->line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
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
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n')
            c->line++;
        c->p++;
    }
    if (c->p >= c->end)
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
        int quoted = c->p < c->end && *c->p == '"';
        if (quoted)
            c->p++;
        for (;;) {
            if (c->p >= c->end) {
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
                if (c->p + 1 < c->end && c->p[1] == '"') {
                    c->p += 2;
                    ch = '"';
                } else {
                    c->p++;
                    if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
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
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        /* End of the record: CRLF, LF, a lone CR, or the end of the text. */
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
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
