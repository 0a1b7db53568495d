/*
 * mfa.h - the second factor in connectd: the policy, the sealing key and the step between password
 * and code.
 *
 *  - Policy: CONNECT_MFA=off|optional|required in connectd's environment, read once by the master
 *    (default required). off: sign-in ignores second factors and none can be enrolled; optional: a
 *    user may enrol one; required: a user without one gets a session that opens only enrolment.
 *  - The key that seals TOTP secrets in the store: DATA/mfa.key (0600, made at the first start). A
 *    copy of data.mdb without it yields no working codes; losing it means every user enrols again.
 *  - The step token: after a right password, a user with a second factor gets a JWT signed under a
 *    key derived from the session key with its own label, so it never verifies as a session (nor a
 *    session as it). It carries the user id and a random nonce that the user record holds as
 *    "mfa_nonce" together with a digest of the password hash: a new sign-in replaces the nonce, the
 *    second step consumes it, and a password change makes it worthless.
 *
 * Everything here is loaded by the master before it forks; workers only read it.
 */
#ifndef CONNECT_MFA_H
#define CONNECT_MFA_H

#include <jansson.h>
#include <stdint.h>

#include "auth_jwt.h"
#include "auth_totp.h"

typedef enum { MFA_OFF, MFA_OPTIONAL, MFA_REQUIRED } mfa_policy_t;

#define MFA_STEP_LIFETIME (5 * 60) /* seconds between the password and the code */
#define MFA_NONCE_LEN 16
#define MFA_ISSUER "Connect"

/* Reads CONNECT_MFA (unset or empty: required); -1 with a message on stderr for any other value. */
int mfa_policy_init(void);
mfa_policy_t mfa_policy(void);
const char *mfa_policy_name(void);

/* Loads DATA/mfa.key, creating it the first time; -1 with a message on stderr when it cannot. */
int mfa_key_init(const char *data_dir);
/* The sealing key, or NULL when mfa_key_init has not succeeded. */
const unsigned char *mfa_seal_key(void);

/* 1 when the user record has an enrolled second factor ("mfa"). */
int mfa_enrolled(const json_t *user);
/* 1 when the policy requires a second factor and the user has none yet. */
int mfa_enrolment_required(const json_t *user);

/* The step token for `uid` and `nonce`, valid MFA_STEP_LIFETIME seconds from `now`, signed under a key
 * derived from the session key `master`; *out malloc'd. 0 on success. */
int mfa_step_issue(const unsigned char master[AUTH_KEY_LEN], uint64_t uid, const unsigned char nonce[MFA_NONCE_LEN],
                   int64_t now, char **out);
/* Verifies a step token at `now`; 0 with *uid and nonce filled, -1 when it is not one (forged,
 * expired, a session token). The nonce must still be checked against the user record. */
int mfa_step_verify(const unsigned char master[AUTH_KEY_LEN], const char *token, int64_t now, uint64_t *uid,
                    unsigned char nonce[MFA_NONCE_LEN]);
/* Sets "mfa_nonce" on the user record: the nonce and a digest of its current password hash. 0 on
 * success, -1 when out of memory or the record has no password. */
int mfa_nonce_set(json_t *user, const unsigned char nonce[MFA_NONCE_LEN]);
/* 1 when the user record's "mfa_nonce" is `nonce` and was made for its current password hash. */
int mfa_nonce_matches(const json_t *user, const unsigned char nonce[MFA_NONCE_LEN]);

#endif
