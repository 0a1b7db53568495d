/* Unit tests for fcgi/mfa.c: the CONNECT_MFA policy, the step token between password and code (its
 * own key, its lifetime) and the nonce bound to the password hash; store_user_mfa_clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth_jwt.h"
#include "mfa.h"
#include "store_user.h"

static const unsigned char MASTER[AUTH_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const unsigned char NONCE[MFA_NONCE_LEN] = "nonce-0123456789";

static void policy_from_the_environment(void **state)
{
    (void)state;
    unsetenv("CONNECT_MFA");
    assert_int_equal(mfa_policy_init(), 0);
    assert_int_equal(mfa_policy(), MFA_REQUIRED); /* the default */
    setenv("CONNECT_MFA", "optional", 1);
    assert_int_equal(mfa_policy_init(), 0);
    assert_string_equal(mfa_policy_name(), "optional");
    setenv("CONNECT_MFA", "off", 1);
    assert_int_equal(mfa_policy_init(), 0);
    assert_int_equal(mfa_policy(), MFA_OFF);
    setenv("CONNECT_MFA", "Required ", 1);
    assert_int_equal(mfa_policy_init(), -1); /* anything else stops connectd */
    setenv("CONNECT_MFA", "required", 1);
    assert_int_equal(mfa_policy_init(), 0);
    json_t *u = json_pack("{s:s}", "pw", "$argon2id$x");
    assert_true(mfa_enrolment_required(u));
    assert_int_equal(json_object_set_new(u, "mfa", json_object()), 0);
    assert_false(mfa_enrolment_required(u));
    assert_true(mfa_enrolled(u));
    json_decref(u);
}

static void step_token_is_not_a_session(void **state)
{
    (void)state;
    const int64_t now = 1700000000;
    char *tok = NULL;
    assert_int_equal(mfa_step_issue(MASTER, 42, NONCE, now, &tok), 0);
    uint64_t uid = 0;
    unsigned char nonce[MFA_NONCE_LEN];
    assert_int_equal(mfa_step_verify(MASTER, tok, now + MFA_STEP_LIFETIME - 1, &uid, nonce), 0);
    assert_int_equal(uid, 42);
    assert_memory_equal(nonce, NONCE, sizeof nonce);
    /* Expired, another master key, and never a session. */
    assert_int_equal(mfa_step_verify(MASTER, tok, now + MFA_STEP_LIFETIME, &uid, nonce), -1);
    unsigned char other[AUTH_KEY_LEN];
    memcpy(other, MASTER, sizeof other);
    other[0] ^= 1;
    assert_int_equal(mfa_step_verify(other, tok, now, &uid, nonce), -1);
    auth_claims c;
    assert_int_equal(auth_jwt_verify(MASTER, tok, now, &c), -1);
    free(tok);
    /* A session token is not a step token. */
    auth_claims s = {.uid = 42, .iat = now, .exp = now + 60};
    memcpy(s.sid, NONCE, sizeof s.sid);
    assert_int_equal(auth_jwt_sign(MASTER, &s, &tok), 0);
    assert_int_equal(mfa_step_verify(MASTER, tok, now, &uid, nonce), -1);
    free(tok);
    /* A token under the step key that claims a longer life than MFA_STEP_LIFETIME is refused. */
    unsigned char step[AUTH_KEY_LEN];
    assert_int_equal(auth_key_derive(MASTER, "connect mfa step v1", step), 0);
    s.exp = now + MFA_STEP_LIFETIME + 1;
    assert_int_equal(auth_jwt_sign(step, &s, &tok), 0);
    assert_int_equal(mfa_step_verify(MASTER, tok, now, &uid, nonce), -1);
    free(tok);
}

static void nonce_is_bound_to_the_password(void **state)
{
    (void)state;
    json_t *u = json_pack("{s:s}", "pw", "$argon2id$first");
    assert_false(mfa_nonce_matches(u, NONCE));
    assert_int_equal(mfa_nonce_set(u, NONCE), 0);
    assert_true(mfa_nonce_matches(u, NONCE));
    unsigned char other[MFA_NONCE_LEN];
    memcpy(other, NONCE, sizeof other);
    other[5] ^= 1;
    assert_false(mfa_nonce_matches(u, other));
    assert_int_equal(json_object_set_new(u, "pw", json_string("$argon2id$second")), 0);
    assert_false(mfa_nonce_matches(u, NONCE)); /* a password change makes the step worthless */
    json_decref(u);
    json_t *nopw = json_object();
    assert_int_equal(mfa_nonce_set(nopw, NONCE), -1);
    json_decref(nopw);
}

static void clearing_removes_every_trace(void **state)
{
    (void)state;
    json_t *u = json_pack("{s:s,s:{s:s},s:s,s:{s:s}}", "pw", "x", "mfa", "secret", "v1:..", "mfa_pending", "v1:..",
                          "mfa_nonce", "id", "00");
    assert_int_equal(store_user_mfa_clear(u), 1);
    assert_null(json_object_get(u, "mfa"));
    assert_null(json_object_get(u, "mfa_pending"));
    assert_null(json_object_get(u, "mfa_nonce"));
    assert_non_null(json_object_get(u, "pw"));
    assert_int_equal(store_user_mfa_clear(u), 0); /* nothing left */
    json_decref(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_from_the_environment),
        cmocka_unit_test(step_token_is_not_a_session),
        cmocka_unit_test(nonce_is_bound_to_the_password),
        cmocka_unit_test(clearing_removes_every_trace),
    };
    return cmocka_run_group_tests_name("mfa", tests, NULL, NULL);
}
