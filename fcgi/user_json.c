/* user_json.c - public shapes of stored records. */
#include "user_json.h"

static json_t *copy_or_null(const json_t *v)
{
    return v ? json_deep_copy(v) : json_null();
}

json_t *user_public(const json_t *user, const json_t *org)
{
    json_t *j = json_pack("{s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:o,s:o,s:b,s:b}",
                          "id", copy_or_null(json_object_get(user, "id")),
                          "username", copy_or_null(json_object_get(user, "username")),
                          "name", copy_or_null(json_object_get(user, "name")),
                          "role", copy_or_null(json_object_get(user, "role")),
                          "org", "id", copy_or_null(json_object_get(org, "id")),
                          "kind", copy_or_null(json_object_get(org, "kind")),
                          "name", copy_or_null(json_object_get(org, "name")),
                          "team", copy_or_null(json_object_get(user, "team")),
                          "email", copy_or_null(json_object_get(user, "email")),
                          "locked", json_is_true(json_object_get(user, "locked")),
                          "must_change_password", json_is_true(json_object_get(user, "must_change")));
    return j;
}
