/* json_in.c - request body validation. */
#include "json_in.h"

#include <stdio.h>
#include <string.h>

json_t *in_body_object(http_req *r)
{
    if (http_read_body(r))
        return NULL;
    json_error_t err;
    json_t *v = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err) : NULL;
    if (!v || !json_is_object(v)) {
        json_decref(v);
        http_error(r, 400, "invalid_json", "The request body must be a JSON object.", NULL);
        return NULL;
    }
    return v;
}

int in_only(http_req *r, json_t *obj, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok) {
            http_error(r, 400, "invalid_field", "This field is not recognised.", k);
            return -1;
        }
    }
    return 0;
}

size_t in_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

int in_string(http_req *r, json_t *obj, const char *name, int required, size_t max_chars, const char **out)
{
    *out = NULL;
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required) {
            http_error(r, 422, "validation_failed", "This field is required.", name);
            return -1;
        }
        return 0;
    }
    if (!json_is_string(v)) {
        http_error(r, 400, "invalid_field", "This field must be a string.", name);
        return -1;
    }
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) {
        http_error(r, 422, "validation_failed", "This field must not contain NUL characters.", name);
        return -1;
    }
    if (required && !*s) {
        http_error(r, 422, "validation_failed", "This field is required.", name);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            http_error(r, 422, "validation_failed", "This field must not contain control characters.", name);
            return -1;
        }
    if (in_utf8_len(s) > max_chars) {
        char msg[96];
        snprintf(msg, sizeof msg, "This field must be at most %zu characters long.", max_chars);
        http_error(r, 422, "validation_failed", msg, name);
        return -1;
    }
    *out = s;
    return 0;
}

int in_id(http_req *r, json_t *obj, const char *name, int required, uint64_t *out)
{
    *out = 0;
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required) {
            http_error(r, 422, "validation_failed", "This field is required.", name);
            return -1;
        }
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        http_error(r, 400, "invalid_field", "This field must be a positive whole number.", name);
        return -1;
    }
    *out = (uint64_t)json_integer_value(v);
    return 0;
}
