/*
 * json_in.h - strict validation of JSON request bodies (in the spirit of kcgi's validators).
 *
 * Each function either returns 0 with the value, or answers the request with the error and returns -1,
 * so a handler simply stops on -1. Rules:
 *   body not JSON, or not an object        -> 400 invalid_json
 *   a field of the wrong type, or unknown  -> 400 invalid_field (field named)
 *   a required field missing or empty, too long, or holding control characters
 *                                          -> 422 validation_failed (field named)
 * Strings are first brought to Unicode NFC (the member itself is replaced, so a handler that stores
 * the object stores NFC too); lengths count the characters of the NFC form; bidirectional controls are
 * refused everywhere, and names have rules of their own (store/text_norm.h). Secrets are the exception:
 * taken byte for byte.
 */
#ifndef CONNECT_JSON_IN_H
#define CONNECT_JSON_IN_H

#include "http.h"

/* Reads and parses the body as a JSON object (new reference); NULL when it answered an error. */
json_t *json_in_body_object(http_req *r);
/* For routes that take no body: nothing, or an empty JSON object, is accepted; any member is 400
 * invalid_field (fcgi/API.md promises that unknown fields are refused, not ignored), anything else 400
 * invalid_json. 0, or -1 after answering. */
int json_in_no_members(http_req *r);
/* Refuses any member not in the NULL-terminated list. */
int json_in_only(http_req *r, json_t *obj, const char *const *allowed);
/* A string member. required: missing/null/empty answers 422. Absent optional -> *out = NULL.
 * max_chars counts Unicode characters (of the NFC form). Control characters are refused. The pointer
 * is into obj, valid while obj holds the member. */
int json_in_string(http_req *r, json_t *obj, const char *name, int required, size_t max_chars, const char **out);
/* The same, naming the field in errors as `field` (e.g. "principal.family_name"). */
int json_in_string_at(http_req *r, json_t *obj, const char *name, const char *field, int required, size_t max_chars,
                      const char **out);
/* The same for free text (notes, messages, addresses): line breaks and tabs are allowed, other
 * control characters are not. */
int json_in_text_at(http_req *r, json_t *obj, const char *name, const char *field, int required, size_t max_chars,
                    const char **out);
/* A name (of a person, user or organisation): as json_in_string_at, and also not only spaces or
 * invisible characters, and without bidirectional marks (text_norm.h). */
int json_in_name(http_req *r, json_t *obj, const char *name, int required, size_t max_chars, const char **out);
int json_in_name_at(http_req *r, json_t *obj, const char *name, const char *field, int required, size_t max_chars,
                    const char **out);
/* A password: checked for NUL, control characters and length only, never normalised, so a password
 * hashed before Connect normalised text still matches byte for byte. */
int json_in_secret(http_req *r, json_t *obj, const char *name, int required, size_t max_chars, const char **out);
/* Refuses any member not in the list, naming it as prefix.member. */
int json_in_only_at(http_req *r, json_t *obj, const char *const *allowed, const char *prefix);
/* A boolean member; absent or null -> *out = dflt. */
int json_in_bool_at(http_req *r, json_t *obj, const char *name, const char *field, int dflt, int *out);
/* A whole number in [min, max]; absent or null -> *present = 0. */
int json_in_int_at(http_req *r, json_t *obj, const char *name, const char *field, long long min, long long max,
                   long long *out, int *present);
/* A date YYYY-MM-DD that exists; absent/null -> *out = NULL. */
int json_in_date_at(http_req *r, json_t *obj, const char *name, const char *field, int required, const char **out);
/* 1 when s is a real calendar date written YYYY-MM-DD. */
int json_in_date_valid(const char *s);
/* A value from a NULL-terminated list; absent -> *out = NULL (or 422 when required). */
int json_in_enum_at(http_req *r, json_t *obj, const char *name, const char *field, const char *const *values,
                    int required, const char **out);
/* A positive integer member (ids). Absent optional -> *out = 0. */
int json_in_id(http_req *r, json_t *obj, const char *name, int required, uint64_t *out);
/* The same, naming the field in errors as `field`. */
int json_in_id_at(http_req *r, json_t *obj, const char *name, const char *field, int required, uint64_t *out);
/* Cuts a string that a fixed buffer may have truncated back to its last whole UTF-8 character. */
void json_in_utf8_cut(char *s);
/* 1 when s is valid UTF-8 (strings from the query string or headers are not checked by jansson). */
int json_in_utf8_valid(const char *s);
/* Counts the UTF-8 characters of s; jansson guarantees valid UTF-8. */
size_t json_in_utf8_len(const char *s);

#endif
