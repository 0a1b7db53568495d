/* params.c - parsing a query string or a JSON object through a table of fields (params.h). */
#include "params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_random.h"
#include "json_in.h"
#include "text_norm.h"

#define member_at(dest, f) ((char *)(dest) + (f)->offset)

uint64_t params_parse_id(const char *s)
{
    if (!s || *s < '1' || *s > '9' || strlen(s) > 16)
        return 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    return *end ? 0 : v;
}

/* Every member the table describes, set to its "absent" value, so a handler never reads a value left
 * over from its stack. */
static void set_absent(const param_field *fields, size_t n, void *dest)
{
    for (size_t i = 0; i < n; i++) {
        const param_field *f = &fields[i];
        switch (f->type) {
        case PARAM_STRING:
        case PARAM_TEXT:
        case PARAM_NAME:
        case PARAM_ENUM:
        case PARAM_DATE: *(const char **)member_at(dest, f) = NULL; break;
        case PARAM_ID: *(uint64_t *)member_at(dest, f) = 0; break;
        case PARAM_INT:
        case PARAM_MONEY: *(param_int *)member_at(dest, f) = (param_int){.value = f->dflt, .given = 0}; break;
        case PARAM_BOOL: *(int *)member_at(dest, f) = 0; break;
        case PARAM_IGNORED: break;
        }
    }
}

/* ---- query strings ---- */

typedef enum { DECODED, BAD_ESCAPE, HAS_NUL } decode_result;

/* Percent-decodes s[0..n) into out (n + 1 bytes; '+' is a space). Unlike a lenient decoder it tells a
 * malformed escape and an encoded NUL apart, so each is answered instead of the parameter vanishing. */
static decode_result percent_decode(const char *s, size_t n, char *out)
{
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            *o++ = s[i] == '+' ? ' ' : s[i];
            continue;
        }
        int hi = i + 2 < n ? auth_hex_digit((unsigned char)s[i + 1]) : -1;
        int lo = hi < 0 ? -1 : auth_hex_digit((unsigned char)s[i + 2]);
        if (hi < 0 || lo < 0)
            return BAD_ESCAPE;
        if (hi == 0 && lo == 0)
            return HAS_NUL;
        *o++ = (char)(hi << 4 | lo);
        i += 2;
    }
    *o = '\0';
    return DECODED;
}

/* A strict decimal whole number: an optional '-', then digits only, no overflow. */
static int parse_whole(const char *s, long long *out)
{
    const char *d = *s == '-' ? s + 1 : s;
    if (*d < '0' || *d > '9')
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

/* Answers a value not of its field's type, with the field's own status and message when it has them. */
static int bad_value(http_req *r, const param_field *f, const char *fallback)
{
    if (f->bad_status == 422)
        http_error(r, 422, "validation_failed", f->message ? f->message : fallback, f->name);
    else
        http_error(r, 400, "invalid_field", f->message ? f->message : fallback, f->name);
    return -1;
}

/* The rules of json_in.h's strings, for text that did not come through jansson (so UTF-8 is checked
 * here too). *v is replaced by its NFC form (in request scratch memory) when that differs. */
static int check_text(http_req *r, const param_field *f, const char **v)
{
    char *nfc;
    int rc = json_in_utf8_valid(*v) ? text_nfc(*v, &nfc) : 1;
    if (rc > 0) {
        http_error(r, 422, "validation_failed", "This parameter must be valid UTF-8.", f->name);
        return -1;
    }
    if (rc < 0) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return -1;
    }
    if (nfc) {
        size_t len = strlen(nfc);
        char *copy = http_scratch(r, len + 1);
        if (copy)
            memcpy(copy, nfc, len + 1);
        free(nfc);
        if (!copy) {
            http_error(r, 500, "internal", "Out of memory.", NULL);
            return -1;
        }
        *v = copy;
    }
    text_fault fault =
        text_check(*v, f->type == PARAM_TEXT ? TEXT_MULTILINE : f->type == PARAM_NAME ? TEXT_NAME : TEXT_LINE);
    if (fault) {
        http_error(r, 422, "validation_failed",
                   fault == TEXT_CONTROL ? "This parameter must not contain control characters."
                                         : text_fault_message(fault),
                   f->name);
        return -1;
    }
    if (f->max_chars && json_in_utf8_len(*v) > f->max_chars) {
        char msg[96];
        snprintf(msg, sizeof msg, "This parameter must be at most %zu characters long.", f->max_chars);
        http_error(r, 422, "validation_failed", msg, f->name);
        return -1;
    }
    return 0;
}

/* Checks one decoded, non-empty value against its field and stores it. v lives in request scratch
 * memory, so strings are stored as they are. */
static int store_query_value(http_req *r, const param_field *f, const char *v, void *dest)
{
    switch (f->type) {
    case PARAM_STRING:
    case PARAM_TEXT:
    case PARAM_NAME:
        if (check_text(r, f, &v))
            return -1;
        *(const char **)member_at(dest, f) = v;
        return 0;
    case PARAM_ENUM:
        for (const char *const *e = f->values; *e; e++)
            if (strcmp(*e, v) == 0) {
                *(const char **)member_at(dest, f) = *e;
                return 0;
            }
        return bad_value(r, f, "This value is not one of the allowed ones.");
    case PARAM_DATE:
        if (!json_in_date_valid(v))
            return bad_value(r, f, "This is not a real date (YYYY-MM-DD).");
        *(const char **)member_at(dest, f) = v;
        return 0;
    case PARAM_ID: {
        uint64_t id = params_parse_id(v);
        if (!id)
            return bad_value(r, f, "This must be an id (a positive whole number).");
        *(uint64_t *)member_at(dest, f) = id;
        return 0;
    }
    case PARAM_INT:
    case PARAM_MONEY: {
        long long min = f->type == PARAM_MONEY ? 0 : f->min, max = f->type == PARAM_MONEY ? PARAM_MONEY_MAX : f->max;
        long long n;
        if (parse_whole(v, &n) || n < min || n > max) {
            char msg[96];
            snprintf(msg, sizeof msg, "This must be a whole number from %lld to %lld.", min, max);
            return bad_value(r, f, msg);
        }
        *(param_int *)member_at(dest, f) = (param_int){.value = n, .given = 1};
        return 0;
    }
    case PARAM_BOOL: {
        int on = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
        if (!on && strcmp(v, "0") != 0 && strcmp(v, "false") != 0)
            return bad_value(r, f, "This takes 1 or 0 (true or false).");
        *(int *)member_at(dest, f) = on;
        return 0;
    }
    case PARAM_IGNORED: return 0;
    }
    return 0;
}

int params_query(http_req *r, const param_field *fields, size_t n, void *dest)
{
    unsigned char seen[PARAMS_MAX] = {0}, given[PARAMS_MAX] = {0};
    if (n > PARAMS_MAX) {
        http_error(r, 500, "internal", "A parameter table is too large.", NULL);
        return -1;
    }
    set_absent(fields, n, dest);
    for (const char *p = r->query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t name_len = eq ? (size_t)(eq - p) : len;
        const param_field *f = NULL;
        size_t i = 0;
        for (; i < n && !f; i++)
            if (strlen(fields[i].name) == name_len && memcmp(fields[i].name, p, name_len) == 0)
                f = &fields[i];
        if (f) {
            if (seen[i - 1]++) {
                http_error(r, 400, "invalid_field", "This parameter is given more than once.", f->name);
                return -1;
            }
            size_t vlen = eq ? len - name_len - 1 : 0;
            char *v = http_scratch(r, vlen + 1);
            if (!v) {
                http_error(r, 500, "internal", "Out of memory.", NULL);
                return -1;
            }
            decode_result d = percent_decode(eq ? eq + 1 : p + len, vlen, v);
            if (d == BAD_ESCAPE) {
                http_error(r, 400, "invalid_field", "This parameter is not correctly percent-encoded.", f->name);
                return -1;
            }
            if (d == HAS_NUL) {
                http_error(r, 400, "invalid_field", "This parameter must not contain NUL characters.", f->name);
                return -1;
            }
            if (*v && store_query_value(r, f, v, dest))
                return -1;
            given[i - 1] = *v != '\0'; /* an empty value is the same as an absent one */
        }
        p = amp ? amp + 1 : NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (fields[i].required && !given[i]) {
            http_error(r, 422, "validation_failed", "This parameter is required.", fields[i].name);
            return -1;
        }
    }
    return 0;
}

/* ---- JSON objects ---- */

/* One member, checked by json_in.h's function for its type, so a table answers exactly what the
 * hand-written checks did. */
static int json_member(http_req *r, json_t *obj, const param_field *f, const char *field, void *dest)
{
    const char **s = (const char **)member_at(dest, f);
    switch (f->type) {
    case PARAM_STRING: return json_in_string_at(r, obj, f->name, field, f->required, f->max_chars, s);
    case PARAM_TEXT: return json_in_text_at(r, obj, f->name, field, f->required, f->max_chars, s);
    case PARAM_NAME: return json_in_name_at(r, obj, f->name, field, f->required, f->max_chars, s);
    case PARAM_ENUM:
        if (json_in_enum_at(r, obj, f->name, field, f->values, f->required, s))
            return -1;
        for (const char *const *e = f->values; *s && *e; e++)
            if (strcmp(*e, *s) == 0)
                *s = *e; /* the table's own string, as from a query string */
        return 0;
    case PARAM_DATE: return json_in_date_at(r, obj, f->name, field, f->required, s);
    case PARAM_ID: return json_in_id_at(r, obj, f->name, field, f->required, (uint64_t *)member_at(dest, f));
    case PARAM_INT:
    case PARAM_MONEY: {
        param_int *out = (param_int *)member_at(dest, f);
        long long min = f->type == PARAM_MONEY ? 0 : f->min, max = f->type == PARAM_MONEY ? PARAM_MONEY_MAX : f->max;
        if (json_in_int_at(r, obj, f->name, field, min, max, &out->value, &out->given))
            return -1;
        if (!out->given && f->required) {
            http_error(r, 422, "validation_failed", "This field is required.", field);
            return -1;
        }
        if (!out->given)
            out->value = f->dflt;
        return 0;
    }
    case PARAM_BOOL: return json_in_bool_at(r, obj, f->name, field, 0, (int *)member_at(dest, f));
    case PARAM_IGNORED: return 0;
    }
    return 0;
}

int params_json(http_req *r, json_t *obj, const char *path, const param_field *fields, size_t n, void *dest)
{
    const char *allowed[PARAMS_MAX + 1];
    if (n > PARAMS_MAX) {
        http_error(r, 500, "internal", "A parameter table is too large.", NULL);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        allowed[i] = fields[i].name;
    allowed[n] = NULL;
    int nested = path && *path;
    set_absent(fields, n, dest);
    if (json_in_only_at(r, obj, allowed, nested ? path : NULL))
        return -1;
    for (size_t i = 0; i < n; i++) {
        char field[160];
        snprintf(field, sizeof field, "%s%s%s", nested ? path : "", nested ? "." : "", fields[i].name);
        if (json_member(r, obj, &fields[i], field, dest))
            return -1;
    }
    return 0;
}
