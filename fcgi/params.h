/*
 * params.h - request input described once, as a table (in the spirit of kcgi's kvalid tables).
 *
 * A handler describes its query string or JSON body as an array of param_field (name, type, limits,
 * required, where the value goes in its own struct) and parses it with one call; what is left in the
 * handler is its cross-field rules. Both parsers return 0 with the struct filled, or answer the
 * standard error ({"error":{"code","message","field"}}, field naming the parameter) and return -1.
 *
 * Destination members by type:
 *   PARAM_STRING, PARAM_TEXT, PARAM_NAME,
 *   PARAM_ENUM, PARAM_DATE                             const char *  (NULL when absent; an ENUM points
 *                                                      at the table's own string)
 *   PARAM_ID                                           uint64_t      (0 when absent)
 *   PARAM_INT, PARAM_MONEY                             param_int     (.given 0 and .value = dflt when absent)
 *   PARAM_BOOL                                         int           (0 when absent)
 *   PARAM_IGNORED                                      none: accepted and not read (JSON members the API
 *                                                      echoes back, e.g. "id")
 *
 * Query strings (params_query; fcgi/API.md "Malformed query parameters"):
 *   - an empty value (`status=`) is the same as an absent parameter;
 *   - a bad percent escape (`%zz`, a `%` at the end), an encoded NUL (`%00`), or a parameter of the
 *     table given twice                             -> 400 invalid_field
 *   - a value that is not of the type (a number that does not parse, an enum value not in the list,
 *     a bad id, date or flag) or out of [min, max] -> 400 invalid_field, or the field's own status
 *     (422 validation_failed) and message
 *   - text is brought to Unicode NFC first (store/text_norm.h); text that is not UTF-8, holds control
 *     characters (PARAM_TEXT: except line breaks and tabs) or bidirectional controls, a PARAM_NAME
 *     that breaks the rules for names, text longer than max_chars (of the NFC form), and a missing
 *     required parameter -> 422 validation_failed
 *   - parameters not in the table are ignored.
 * JSON bodies (params_json) follow json_in.h's rules exactly: members not in the table are 400
 * invalid_field, wrong JSON types 400 invalid_field, broken rules 422 validation_failed.
 */
#ifndef CONNECT_PARAMS_H
#define CONNECT_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

typedef enum {
    PARAM_STRING,  /* one line of text, at most max_chars characters */
    PARAM_TEXT,    /* free text: line breaks and tabs allowed */
    PARAM_NAME,    /* a person's, user's or organisation's name: one line with the rules for names */
    PARAM_ENUM,    /* one of values (NULL-terminated) */
    PARAM_DATE,    /* a real date written YYYY-MM-DD */
    PARAM_ID,      /* a positive id (query: decimal, 1 to 16 digits, no sign or leading zero) */
    PARAM_INT,     /* a whole number in [min, max] */
    PARAM_MONEY,   /* pence: a whole number in [0, PARAM_MONEY_MAX] */
    PARAM_BOOL,    /* query: 1/true or 0/false; JSON: true or false */
    PARAM_IGNORED  /* JSON only: allowed, not read */
} param_type;

#define PARAM_MONEY_MAX 100000000LL /* £1,000,000.00 */

typedef struct {
    long long value;
    int given;
} param_int;

typedef struct {
    const char *name;
    param_type type;
    int required;
    size_t max_chars;          /* STRING, TEXT, NAME (0: 64 for an ENUM's JSON string) */
    long long min, max, dflt;  /* INT; dflt is the value when absent */
    const char *const *values; /* ENUM */
    size_t offset;             /* offsetof(the destination struct, its member) */
    int bad_status;            /* query: the status of a value not of the type (0: 400 invalid_field; 422:
                                * validation_failed) */
    const char *message;       /* query: the message of such a value (NULL: one saying what is expected) */
} param_field;

#define PARAMS_COUNT(table) (sizeof(table) / sizeof((table)[0]))
#define PARAMS_MAX 32 /* fields in one table */

/* The list parameters every list shares (fcgi/API.md "Conventions"): ?limit= (1..500, default 50)
 * into a param_int and ?cursor= (an id) into a uint64_t. */
#define PARAM_LIMIT_FIELD(dest_type, member)                                                                              \
    {.name = "limit", .type = PARAM_INT, .min = 1, .max = 500, .dflt = 50, .offset = offsetof(dest_type, member),      \
     .message = "limit must be a whole number from 1 to 500."}
#define PARAM_CURSOR_FIELD(dest_type, member)                                                                             \
    {.name = "cursor", .type = PARAM_ID, .offset = offsetof(dest_type, member), .message = "The cursor is not valid."}

/* Parses r's query string into dest. 0, or -1 after answering the error. */
int params_query(http_req *r, const param_field *fields, size_t n, void *dest);
/* Parses the JSON object obj into dest; path names obj in errors ("principal" gives
 * "principal.family_name"; NULL or "" for the body itself). 0, or -1 after answering the error. */
int params_json(http_req *r, json_t *obj, const char *path, const param_field *fields, size_t n, void *dest);

/* A positive decimal id (1 to 16 digits, no sign, no leading zero), or 0 when s is anything else. */
uint64_t params_parse_id(const char *s);

#endif
