/*
 * json_get.h - reading fields of stored JSON records, the same way everywhere.
 *
 * Records are jansson objects whose fields may be absent or null (an old record, an optional field).
 * These accessors make the absent case explicit at the call site instead of each file keeping its own
 * str()/u64() helpers and GNU `?:` defaults. None of them allocates or takes a reference: a returned
 * string lives as long as the object holds the field.
 */
#ifndef CONNECT_JSON_GET_H
#define CONNECT_JSON_GET_H

#include <jansson.h>
#include <stdint.h>
#include <string.h>

/* The string field `k` of `o`, or NULL when `o` is not an object or the field is absent or not a string. */
static inline const char *json_get_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The string field `k` of `o`, or `dflt` when it is not a string. */
static inline const char *json_get_str_or(const json_t *o, const char *k, const char *dflt)
{
    const char *v = json_get_str(o, k);
    return v ? v : dflt;
}

/* 1 when the string field `k` of `o` equals `want`; an absent field equals nothing. */
static inline int json_get_str_is(const json_t *o, const char *k, const char *want)
{
    const char *v = json_get_str(o, k);
    return v && strcmp(v, want) == 0;
}

/* The integer field `k` of `o` as an unsigned id or count; 0 when absent or not an integer. */
static inline uint64_t json_get_u64(const json_t *o, const char *k)
{
    return (uint64_t)json_integer_value(json_object_get(o, k));
}

/* The field `k` of `o`, or JSON null when absent: for building replies that always carry the key.
 * Borrowed, like json_object_get(). */
static inline json_t *json_get_or_null(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return v ? v : json_null();
}

/* A new copy of v, or null when v is NULL: a value taken from a record that may be shared (a cached
 * parse, fcgi/record_cache.h) must not be put into another document as is. */
static inline json_t *json_copy_or_null(const json_t *v) { return v ? json_deep_copy(v) : json_null(); }


#endif
