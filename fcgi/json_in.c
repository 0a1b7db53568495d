/* json_in.c - request body validation. */
#include "json_in.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_norm.h"

json_t *json_in_body_object(http_req *r)
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

int json_in_no_members(http_req *r)
{
    if (http_read_body(r))
        return -1;
    if (!r->body_len)
        return 0;
    json_error_t err;
    json_t *body = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!json_is_object(body)) {
        json_decref(body);
        http_error(r, 400, "invalid_json", "The request body must be a JSON object.", NULL);
        return -1;
    }
    static const char *const none[] = {NULL};
    int rc = json_in_only(r, body, none);
    json_decref(body);
    return rc;
}

int json_in_only(http_req *r, json_t *obj, const char *const *allowed)
{
    return json_in_only_at(r, obj, allowed, NULL);
}

int json_in_only_at(http_req *r, json_t *obj, const char *const *allowed, const char *prefix)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok) {
            char field[160];
            snprintf(field, sizeof field, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", k);
            json_in_utf8_cut(field);
            http_error(r, 400, "invalid_field", "This field is not recognised.", field);
            return -1;
        }
    }
    return 0;
}

void json_in_utf8_cut(char *s)
{
    size_t n = strlen(s);
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--; /* back to the lead byte of the last character */
    if (i > 0 && ((unsigned char)s[i - 1] & 0x80)) {
        unsigned char lead = (unsigned char)s[i - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - (i - 1) < need)
            s[i - 1] = '\0';
    }
}

int json_in_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t extra = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 && *p >= 0xC2 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                       : (*p & 0xF8) == 0xF0 && *p <= 0xF4 ? 3 : 9;
        if (extra == 9)
            return 0;
        /* As jansson: the second byte's range refuses overlong forms, surrogates and past U+10FFFF. */
        unsigned char lo = *p == 0xE0 ? 0xA0 : *p == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = *p == 0xED ? 0x9F : *p == 0xF4 ? 0x8F : 0xBF;
        p++;
        for (size_t i = 0; i < extra; i++, p++)
            if (*p < (i ? 0x80 : lo) || *p > (i ? 0xBF : hi))
                return 0;
    }
    return 1;
}

size_t json_in_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

int json_in_string(http_req *r, json_t *obj, const char *name, int required, size_t max_chars, const char **out)
{
    return json_in_string_at(r, obj, name, name, required, max_chars, out);
}

/* How a string member is read: as text of a kind (text_norm.h), or as a secret taken byte for byte. */
typedef enum { AS_LINE, AS_TEXT, AS_NAME, AS_SECRET } string_as;

static int string_member(http_req *r, json_t *obj, const char *name, const char *field, int required,
                         size_t max_chars, string_as as, const char **out);

int json_in_string_at(http_req *r, json_t *obj, const char *name, const char *field, int required, size_t max_chars,
                      const char **out)
{
    return string_member(r, obj, name, field, required, max_chars, AS_LINE, out);
}

int json_in_text_at(http_req *r, json_t *obj, const char *name, const char *field, int required, size_t max_chars,
                    const char **out)
{
    return string_member(r, obj, name, field, required, max_chars, AS_TEXT, out);
}

int json_in_name(http_req *r, json_t *obj, const char *name, int required, size_t max_chars, const char **out)
{
    return string_member(r, obj, name, name, required, max_chars, AS_NAME, out);
}

int json_in_name_at(http_req *r, json_t *obj, const char *name, const char *field, int required, size_t max_chars,
                    const char **out)
{
    return string_member(r, obj, name, field, required, max_chars, AS_NAME, out);
}

int json_in_secret(http_req *r, json_t *obj, const char *name, int required, size_t max_chars, const char **out)
{
    return string_member(r, obj, name, name, required, max_chars, AS_SECRET, out);
}

/* Replaces the member with its NFC form (when that differs), so *s, and the object if the handler
 * stores it whole, hold what is validated and stored. */
static int to_nfc(http_req *r, json_t *obj, const char *name, const char *field, const char **s)
{
    char *nfc;
    int rc = text_nfc(*s, &nfc);
    if (rc > 0) {
        http_error(r, 422, "validation_failed", "This field must be valid UTF-8.", field);
        return -1;
    }
    if (rc < 0 || (nfc && json_object_set_new(obj, name, json_string_nocheck(nfc)))) {
        free(nfc);
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return -1;
    }
    if (nfc) {
        free(nfc);
        *s = json_string_value(json_object_get(obj, name));
    }
    return 0;
}

static int string_member(http_req *r, json_t *obj, const char *name, const char *field, int required,
                         size_t max_chars, string_as as, const char **out)
{
    *out = NULL;
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required) {
            http_error(r, 422, "validation_failed", "This field is required.", field);
            return -1;
        }
        return 0;
    }
    if (!json_is_string(v)) {
        http_error(r, 400, "invalid_field", "This field must be a string.", field);
        return -1;
    }
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) {
        http_error(r, 422, "validation_failed", "This field must not contain NUL characters.", field);
        return -1;
    }
    if (as != AS_SECRET && to_nfc(r, obj, name, field, &s))
        return -1;
    if (required && !*s) {
        http_error(r, 422, "validation_failed", "This field is required.", field);
        return -1;
    }
    text_fault fault = TEXT_OK;
    if (as == AS_SECRET) {
        for (const unsigned char *p = (const unsigned char *)s; *p && !fault; p++)
            if (*p < 0x20 || *p == 0x7f)
                fault = TEXT_CONTROL;
    } else {
        fault = text_check(s, as == AS_TEXT ? TEXT_MULTILINE : as == AS_NAME ? TEXT_NAME : TEXT_LINE);
    }
    if (fault) {
        http_error(r, 422, "validation_failed",
                   fault == TEXT_CONTROL ? "This field must not contain control characters." : text_fault_message(fault),
                   field);
        return -1;
    }
    if (json_in_utf8_len(s) > max_chars) {
        char msg[96];
        snprintf(msg, sizeof msg, "This field must be at most %zu characters long.", max_chars);
        http_error(r, 422, "validation_failed", msg, field);
        return -1;
    }
    *out = s;
    return 0;
}

int json_in_id(http_req *r, json_t *obj, const char *name, int required, uint64_t *out)
{
    return json_in_id_at(r, obj, name, name, required, out);
}

int json_in_id_at(http_req *r, json_t *obj, const char *name, const char *field, int required, uint64_t *out)
{
    *out = 0;
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required) {
            http_error(r, 422, "validation_failed", "This field is required.", field);
            return -1;
        }
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        http_error(r, 400, "invalid_field", "This field must be a positive whole number.", field);
        return -1;
    }
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

int json_in_bool_at(http_req *r, json_t *obj, const char *name, const char *field, int dflt, int *out)
{
    json_t *v = json_object_get(obj, name);
    *out = dflt;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v)) {
        http_error(r, 400, "invalid_field", "This field must be true or false.", field);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

int json_in_int_at(http_req *r, json_t *obj, const char *name, const char *field, long long min, long long max,
                   long long *out, int *present)
{
    json_t *v = json_object_get(obj, name);
    *out = 0;
    *present = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v)) {
        http_error(r, 400, "invalid_field", "This field must be a whole number.", field);
        return -1;
    }
    long long n = json_integer_value(v);
    if (n < min || n > max) {
        char msg[128];
        snprintf(msg, sizeof msg, "This field must be between %lld and %lld.", min, max);
        http_error(r, 422, "validation_failed", msg, field);
        return -1;
    }
    *out = n;
    *present = 1;
    return 0;
}

int json_in_date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

int json_in_date_at(http_req *r, json_t *obj, const char *name, const char *field, int required, const char **out)
{
    if (json_in_string_at(r, obj, name, field, required, 10, out))
        return -1;
    if (*out && !**out && !required) {
        *out = NULL;
        return 0;
    }
    if (*out && !json_in_date_valid(*out)) {
        http_error(r, 422, "validation_failed", "This is not a real date (YYYY-MM-DD).", field);
        return -1;
    }
    return 0;
}

int json_in_enum_at(http_req *r, json_t *obj, const char *name, const char *field, const char *const *values,
                    int required, const char **out)
{
    if (json_in_string_at(r, obj, name, field, required, 64, out))
        return -1;
    if (!*out || (!**out && !required)) {
        *out = NULL;
        return 0;
    }
    for (const char *const *v = values; *v; v++)
        if (strcmp(*v, *out) == 0)
            return 0;
    http_error(r, 422, "validation_failed", "This value is not one of the allowed ones.", field);
    return -1;
}
