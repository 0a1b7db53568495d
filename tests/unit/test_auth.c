/* Unit tests for auth/: argon2id hashing, the password policy, random values and HS256 tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jwt.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth_jwt.h"
#include "auth_password.h"
#include "auth_random.h"

static const unsigned char KEY[AUTH_KEY_LEN] = "0123456789abcdef0123456789abcdef";

static void hash_verifies_only_the_right_password(void **state)
{
    (void)state;
    char h[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash("correct horse battery", h), 0);
    assert_non_null(strstr(h, "$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_true(auth_password_verify(h, "correct horse battery"));
    assert_false(auth_password_verify(h, "correct horse batterY"));
    assert_false(auth_password_verify("not a hash", "x"));
    assert_false(auth_password_needs_rehash(h));
    char h2[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash("correct horse battery", h2), 0);
    assert_string_not_equal(h, h2); /* a fresh salt each time */
}

static void rehash_is_asked_for_other_parameters(void **state)
{
    (void)state;
    assert_true(auth_password_needs_rehash("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$abc"));
}

static void policy_rules(void **state)
{
    (void)state;
    assert_non_null(auth_password_policy("short-pass1", "someone"));               /* 11 characters */
    assert_null(auth_password_policy("twelve chars", "someone"));                  /* exactly 12 */
    assert_non_null(auth_password_policy("Someone.Else", "someone.else"));         /* the user name */
    assert_non_null(auth_password_policy("1qaz2wsx3edc", "someone"));              /* common */
    assert_non_null(auth_password_policy("1QAZ2WSX3EDC", "someone"));              /* common, any case */
    assert_null(auth_password_policy("ééééééééééé1", "someone"));                  /* 12 characters, 23 bytes */
    assert_non_null(auth_password_policy("éééééééééé1", "someone"));               /* 11 characters */
    char long_pw[300];
    memset(long_pw, 'x', 256);
    long_pw[256] = '\0';
    assert_null(auth_password_policy(long_pw, "someone"));                         /* 256 allowed */
    long_pw[256] = 'y';
    long_pw[257] = '\0';
    assert_non_null(auth_password_policy(long_pw, "someone"));                     /* 257 refused */
    assert_non_null(auth_password_policy("tab\there-and-more", "someone"));        /* control character */
}

static void common_list_is_loaded(void **state)
{
    (void)state;
    assert_true(auth_common_count() >= 9990);
}

static void random_password_shape(void **state)
{
    (void)state;
    char a[21], b[21];
    assert_int_equal(auth_random_password(a, 20), 0);
    assert_int_equal(auth_random_password(b, 20), 0);
    assert_int_equal(strlen(a), 20);
    assert_string_not_equal(a, b);
    assert_null(strpbrk(a, "0O1lI"));
    assert_null(auth_password_policy(a, "someone"));
}

static void hex_round_trip(void **state)
{
    (void)state;
    unsigned char in[4] = {0x00, 0x7f, 0xab, 0xff}, out[4];
    char hex[9];
    auth_hex(hex, in, 4);
    assert_string_equal(hex, "007fabff");
    assert_int_equal(auth_unhex(out, hex, 4), 0);
    assert_memory_equal(in, out, 4);
    assert_int_not_equal(auth_unhex(out, "007fabfg", 4), 0);
    assert_int_not_equal(auth_unhex(out, "007fabff00", 4), 0);
}

static auth_claims claims_at(int64_t now)
{
    auth_claims c = {.uid = 42, .iat = now, .exp = now + 1800};
    memset(c.sid, 0xab, sizeof c.sid);
    return c;
}

static void token_round_trip(void **state)
{
    (void)state;
    int64_t now = time(NULL);
    auth_claims c = claims_at(now), got;
    char *tok;
    assert_int_equal(auth_jwt_sign(KEY, &c, &tok), 0);
    assert_int_equal(auth_jwt_verify(KEY, tok, now, &got), 0);
    assert_int_equal(got.uid, 42);
    assert_int_equal(got.exp, now + 1800);
    assert_memory_equal(got.sid, c.sid, 16);
    /* expired at its exp, valid just before */
    assert_int_equal(auth_jwt_verify(KEY, tok, now + 1799, &got), 0);
    assert_int_not_equal(auth_jwt_verify(KEY, tok, now + 1800, &got), 0);
    /* another key */
    unsigned char other[AUTH_KEY_LEN];
    memcpy(other, KEY, sizeof other);
    other[0] ^= 1;
    assert_int_not_equal(auth_jwt_verify(other, tok, now, &got), 0);
    /* tampered payload: flip one character of the payload part */
    char *dot = strchr(tok, '.');
    dot[5] = dot[5] == 'A' ? 'B' : 'A';
    assert_int_not_equal(auth_jwt_verify(KEY, tok, now, &got), 0);
    free(tok);
}

/* Signs arbitrary claims with libjwt using algorithm alg (to forge what an attacker could). */
static char *forge(jwt_alg_t alg, const unsigned char *key, size_t klen, int with_exp, int64_t now)
{
    jwt_t *jwt;
    assert_int_equal(jwt_new(&jwt), 0);
    assert_int_equal(jwt_set_alg(jwt, alg, key, (int)klen), 0);
    jwt_add_grant(jwt, "sub", "42");
    jwt_add_grant(jwt, "sid", "abababababababababababababababab");
    jwt_add_grant_int(jwt, "iat", (long)now);
    if (with_exp)
        jwt_add_grant_int(jwt, "exp", (long)(now + 600));
    char *tok = jwt_encode_str(jwt);
    jwt_free(jwt);
    assert_non_null(tok);
    return tok;
}

static void only_hs256_is_accepted(void **state)
{
    (void)state;
    int64_t now = time(NULL);
    auth_claims got;
    char *ok = forge(JWT_ALG_HS256, KEY, AUTH_KEY_LEN, 1, now);
    assert_int_equal(auth_jwt_verify(KEY, ok, now, &got), 0); /* the forging itself is right */
    free(ok);
    char *hs512 = forge(JWT_ALG_HS512, KEY, AUTH_KEY_LEN, 1, now);
    assert_int_not_equal(auth_jwt_verify(KEY, hs512, now, &got), 0);
    free(hs512);
    char *hs384 = forge(JWT_ALG_HS384, KEY, AUTH_KEY_LEN, 1, now);
    assert_int_not_equal(auth_jwt_verify(KEY, hs384, now, &got), 0);
    free(hs384);
    char *noexp = forge(JWT_ALG_HS256, KEY, AUTH_KEY_LEN, 0, now);
    assert_int_not_equal(auth_jwt_verify(KEY, noexp, now, &got), 0);
    free(noexp);
    char *none = forge(JWT_ALG_NONE, NULL, 0, 1, now);
    assert_int_not_equal(auth_jwt_verify(KEY, none, now, &got), 0);
    free(none);
    assert_int_not_equal(auth_jwt_verify(KEY, "garbage", now, &got), 0);
    assert_int_not_equal(auth_jwt_verify(KEY, "", now, &got), 0);
}

static void key_file_is_private_and_stable(void **state)
{
    (void)state;
    char dir[] = "/tmp/connect-key-XXXXXX", path[PATH_MAX];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/jwt.key", dir);
    assert_int_equal(auth_key_create(path), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    unsigned char k1[AUTH_KEY_LEN], k2[AUTH_KEY_LEN];
    assert_int_equal(auth_key_load(path, k1), 0);
    assert_int_equal(auth_key_create(path), 0); /* safe to repeat: keeps the key */
    assert_int_equal(auth_key_load(path, k2), 0);
    assert_memory_equal(k1, k2, AUTH_KEY_LEN);
    unlink(path);
    rmdir(dir);
}

static int load_list(void **state)
{
    (void)state;
    char path[PATH_MAX];
    return auth_common_find(path, sizeof path) || auth_common_load(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_verifies_only_the_right_password),
        cmocka_unit_test(rehash_is_asked_for_other_parameters),
        cmocka_unit_test(policy_rules),
        cmocka_unit_test(common_list_is_loaded),
        cmocka_unit_test(random_password_shape),
        cmocka_unit_test(hex_round_trip),
        cmocka_unit_test(token_round_trip),
        cmocka_unit_test(only_hs256_is_accepted),
        cmocka_unit_test(key_file_is_private_and_stable),
    };
    return cmocka_run_group_tests_name("auth", tests, load_list, NULL);
}
