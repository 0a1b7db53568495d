/* user_json.c - public shapes of stored records. */
#include "user_json.h"

#include "clock.h"
#include "json_get.h"
#include "mfa.h"
#include "session.h"


/* Why the user must change the password before anything else, or NULL when they need not. */
static const char *change_reason(const json_t *user)
{
    if (!json_is_true(json_object_get(user, "must_change")))
        return NULL;
    return json_is_true(json_object_get(user, "weak_password")) ? "weak" : "temporary";
}

json_t *user_public(const json_t *user, const json_t *org)
{
    const char *reason = change_reason(user);
    json_t *j = json_pack("{s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:o,s:o,s:o,s:b,s:b,s:b,s:b,s:o,s:b,s:b,s:b}",
                          "id", json_copy_or_null(json_object_get(user, "id")),
                          "username", json_copy_or_null(json_object_get(user, "username")),
                          "name", json_copy_or_null(json_object_get(user, "name")),
                          "role", json_copy_or_null(json_object_get(user, "role")),
                          "org", "id", json_copy_or_null(json_object_get(org, "id")),
                          "kind", json_copy_or_null(json_object_get(org, "kind")),
                          "name", json_copy_or_null(json_object_get(org, "name")),
                          "team", json_copy_or_null(json_object_get(user, "team")),
                          "email", json_copy_or_null(json_object_get(user, "email")),
                          "grade", json_copy_or_null(json_object_get(user, "grade")),
                          "may_countersign", json_is_true(json_object_get(user, "may_countersign")),
                          "nino_designated", json_is_true(json_object_get(user, "nino_designated")),
                          "locked", json_integer_value(json_object_get(user, "throttled_until")) > clock_now(),
                          "must_change_password", reason != NULL,
                          "password_change_reason", reason ? json_string(reason) : json_null(),
                          "mfa_enrolled", mfa_enrolled(user), "mfa_enrolment_required", mfa_enrolment_required(user),
                          "account_setup_required", session_owner_setup_pending(user));
    return j;
}
