/* h_common.c - query parameters shared by the list handlers (limit, cursor) and the list shape. */
#include "handlers.h"
#include "params.h"

#include <inttypes.h>
#include <stdio.h>

typedef struct {
    param_int limit;
    uint64_t cursor;
} list_params;

int h_limit(http_req *r, size_t *limit)
{
    static const param_field fields[] = {PARAM_LIMIT_FIELD(list_params, limit)};
    list_params in;
    if (params_query(r, fields, PARAMS_COUNT(fields), &in))
        return -1;
    *limit = (size_t)in.limit.value;
    return 0;
}

int h_cursor_id(http_req *r, uint64_t *out)
{
    static const param_field fields[] = {PARAM_CURSOR_FIELD(list_params, cursor)};
    list_params in;
    *out = 0;
    if (params_query(r, fields, PARAMS_COUNT(fields), &in))
        return -1;
    *out = in.cursor;
    return 0;
}

void h_list_page_text_end(json_text *out, uint64_t next, size_t total, int capped)
{
    json_text_lit(out, "],\"next_cursor\":");
    if (next) {
        json_text_lit(out, "\"");
        json_text_u64(out, next);
        json_text_lit(out, "\"");
    } else {
        json_text_lit(out, "null");
    }
    json_text_lit(out, ",\"total\":");
    json_text_u64(out, total);
    if (capped)
        json_text_lit(out, ",\"total_capped\":true");
    json_text_lit(out, "}");
}

json_t *h_list_page(json_t *items, uint64_t next, size_t total)
{
    char next_s[24];
    snprintf(next_s, sizeof next_s, "%" PRIu64, next);
    return json_pack("{s:o,s:o,s:I}", "items", items, "next_cursor", next ? json_string(next_s) : json_null(), "total",
                     (json_int_t)total);
}
