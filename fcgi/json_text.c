/* json_text.c - JSON text built by appending (json_text.h). */
#include "json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kept up to this size between requests; a larger answer's buffer is given back afterwards. */
#define KEEP_MAX (1u << 20)

static _Thread_local json_text thread_text;

json_text *json_text_thread(void)
{
    json_text *t = &thread_text;
    if (t->cap > KEEP_MAX) {
        free(t->p);
        *t = (json_text){0};
    }
    t->len = 0;
    t->failed = 0;
    return t;
}

void json_text_raw(json_text *t, const void *data, size_t len)
{
    if (t->failed)
        return;
    if (len > t->cap - t->len) {
        size_t cap = t->cap ? t->cap : 16384;
        while (len > cap - t->len) {
            if (cap > SIZE_MAX / 2) {
                t->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(t->p, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    if (len)
        memcpy(t->p + t->len, data, len);
    t->len += len;
}

void json_text_lit(json_text *t, const char *s)
{
    json_text_raw(t, s, strlen(s));
}

void json_text_u64(json_text *t, uint64_t v)
{
    /* digits from the end: snprintf's format machinery was a thirtieth of a list row */
    char buf[20];
    size_t n = sizeof buf;
    do
        buf[--n] = (char)('0' + v % 10);
    while (v /= 10);
    json_text_raw(t, buf + n, sizeof buf - n);
}

void json_text_slice(json_text *t, json_slice v)
{
    if (v.p)
        json_text_raw(t, v.p, v.len);
    else
        json_text_lit(t, "null");
}

int json_text_dump(json_text *t, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(v);
    if (!text)
        return -1;
    json_text_lit(t, text);
    free(text);
    return 0;
}
