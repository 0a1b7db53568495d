/* h_common.c - query parameters shared by the list handlers (limit, cursor, ids). */
#include "handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int h_limit(http_req *r, size_t *limit)
{
    *limit = 50;
    char *v = http_query_get(r, "limit");
    if (!v)
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    int bad = !*v || *end || n < 1 || n > 500;
    free(v);
    if (bad) {
        http_error(r, 400, "invalid_field", "limit must be a whole number from 1 to 500.", "limit");
        return -1;
    }
    *limit = (size_t)n;
    return 0;
}

uint64_t h_parse_id(const char *s)
{
    if (!s || *s < '1' || *s > '9' || strlen(s) > 16)
        return 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    return *end ? 0 : v;
}

int h_cursor_id(http_req *r, uint64_t *out)
{
    *out = 0;
    char *cursor = http_query_get(r, "cursor");
    if (!cursor)
        return 0;
    *out = h_parse_id(cursor);
    int bad = !*out;
    free(cursor);
    if (bad) {
        http_error(r, 400, "invalid_field", "The cursor is not valid.", "cursor");
        return -1;
    }
    return 0;
}

json_t *h_list_page(json_t *items, uint64_t next, size_t total)
{
    char next_s[24];
    snprintf(next_s, sizeof next_s, "%" PRIu64, next);
    return json_pack("{s:o,s:o,s:I}", "items", items, "next_cursor", next ? json_string(next_s) : json_null(), "total",
                     (json_int_t)total);
}
