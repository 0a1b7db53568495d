/* user_json.h - the public shapes of stored records (USER, ORG), never exposing password hashes. */
#ifndef CONNECT_USER_JSON_H
#define CONNECT_USER_JSON_H

#include <jansson.h>

/* USER = {"id","username","name","role","org":{"id","kind","name"},"team","email","locked",
 *         "must_change_password","password_change_reason":"temporary"|"weak"|null,
 *         "mfa_enrolled","mfa_enrolment_required"}.
 * "mfa_enrolment_required": the policy (CONNECT_MFA=required) wants a second factor the user lacks.
 * "locked" is true while sign-in with the user name is throttled (store_throttle.h).
 * New reference, NULL when out of memory. */
json_t *user_public(const json_t *user, const json_t *org);

#endif
