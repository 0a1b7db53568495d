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

#endif
