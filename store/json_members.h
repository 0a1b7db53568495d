/*
 * json_members.h - the few top-level members of a stored JSON object, parsed without the rest.
 *
 * A list row needs a handful of a record's members (a case summary: its name, date of birth and
 * status), yet parsing the whole record costs as much as everything else the row does. This finds
 * the members' bytes with a scan that builds nothing, then parses only those, and stops reading once
 * it has them all. The text must be what jansson wrote (store_json_put): a member the scan cannot
 * delimit before then makes the whole call fail, never a wrong value.
 */
#ifndef CONNECT_JSON_MEMBERS_H
#define CONNECT_JSON_MEMBERS_H

#include <jansson.h>
#include <stddef.h>

/* A new object with the members of the object in text[0..len) named in names (NULL-terminated;
 * absent ones are left out). A name written "#name" stands for an array member whose elements are
 * only counted: the result holds that many nulls under "name". "name.child" takes only the named
 * members of an object member (an object of them under "name"; up to 32 children a member). NULL
 * when the text is not an object the scan can read, or memory runs out. */
json_t *json_members_load(const char *text, size_t len, const char *const *names);

/* A member's value as it is stored: p points into the text (NULL: the member is absent). */
typedef struct {
    const char *p;
    size_t len;
} json_slice;

#define JSON_SLICES_MAX 32

/* The raw text of each member names[0..n) names ("name", or "parent.child" for a member of an object
 * member; n <= JSON_SLICES_MAX) in out[0..n), found by the same scan without parsing or allocating
 * anything: for a row written straight from the stored bytes. 0, or -1 when the text is not an object
 * the scan can read (out is then undefined). A name absent from the text gets p NULL. */
int json_members_slices(const char *text, size_t len, const char *const *names, size_t n, json_slice *out);
/* Walks an object's members in their written order: *pos starts at 0; 1 with the next member's key
 * (its characters without the quotes, as written) and value, 0 after the last, -1 when the text is
 * not an object the scan can read. */
int json_slice_object_next(json_slice obj, size_t *pos, json_slice *key, json_slice *value);
/* Walks an array's elements the same way. */
int json_slice_array_next(json_slice arr, size_t *pos, json_slice *elem);
/* A whole number of up to 18 digits, as jansson prints a non-negative integer; -1 for anything else
 * (absent included). */
long long json_slice_uint(json_slice v);
/* 1 when the key's characters (as json_slice_object_next gives them) are exactly name. */
int json_slice_key_is(json_slice key, const char *name);
/* Elements of an array value's text, or -1 when it is not an array the scan can read. */
long json_slice_count(json_slice v);
/* The characters of a string value without its quotes (still escaped as stored, so they can be
 * copied into another JSON string as they are); 0 and p NULL when v is not a string. */
json_slice json_slice_string_body(json_slice v);

#endif
