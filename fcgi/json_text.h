/*
 * json_text.h - JSON text built by appending, for the hot list answers written straight from stored
 * bytes (fcgi/case_summary_text.c) instead of through jansson objects.
 *
 * The buffer grows as needed; a failed allocation sets `failed` and makes every later append a no-op,
 * so a writer checks once at the end. A thread's buffer is kept between requests (json_text_thread):
 * a list answer of tens of kilobytes then costs no allocation at all.
 */
#ifndef CONNECT_JSON_TEXT_H
#define CONNECT_JSON_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "json_members.h"

typedef struct {
    char *p;
    size_t len, cap;
    int failed;
} json_text;

/* This thread's buffer, emptied. Valid until the thread's next call. */
json_text *json_text_thread(void);
void json_text_raw(json_text *t, const void *data, size_t len);
/* A NUL-terminated string of JSON text (not quoted: for punctuation and names already escaped). */
void json_text_lit(json_text *t, const char *s);
void json_text_u64(json_text *t, uint64_t v);
/* A stored value's text as it is (json_members.h), or null when it is absent. */
void json_text_slice(json_text *t, json_slice v);
/* Appends v's compact text as http_reply prints it, and releases v (NULL: out of memory). 0, or -1
 * when v is NULL or cannot be printed. */
int json_text_dump(json_text *t, json_t *v);

#endif
