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
    assert_non_null(auth_password_policy("short-pass1", "someone", NULL));               /* 11 characters */
    assert_null(auth_password_policy("twelve chars", "someone", NULL));                  /* exactly 12 */
    assert_non_null(auth_password_policy("Someone.Else", "someone.else", NULL));         /* the user name */
    assert_non_null(auth_password_policy("1qaz2wsx3edc", "someone", NULL));              /* common */
    assert_non_null(auth_password_policy("1QAZ2WSX3EDC", "someone", NULL));              /* common, any case */
    assert_null(auth_password_policy("ÅÉÎÕÜßçñøæœ€", "someone", NULL));                  /* 12 characters, 25 bytes */
    assert_non_null(auth_password_policy("ÅÉÎÕÜßçñøæœ", "someone", NULL));               /* 11 characters */
    char long_pw[300];
    unsigned x = 12345;
    for (int i = 0; i < 256; i++) { /* 256 varied characters: a pseudo-random walk over letters and digits */
        x = x * 1103515245u + 12345u;
        long_pw[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(x >> 16) % 62];
    }
    long_pw[256] = '\0';
    assert_null(auth_password_policy(long_pw, "someone", NULL));                         /* 256 allowed */
    long_pw[256] = 'y';
    long_pw[257] = '\0';
    assert_non_null(auth_password_policy(long_pw, "someone", NULL));                     /* 257 refused */
    assert_non_null(auth_password_policy("tab\there-and-more", "someone", NULL));        /* control character */
}

/* Refused, and the message names the reason (a phrase of it) and says what to do. */
static void assert_refused_because(const char *pwd, const char *username, const char *org, const char *why)
{
    const char *msg = auth_password_policy(pwd, username, org);
    if (!msg)
        fail_msg("accepted: \"%s\"", pwd);
    if (!strstr(msg, why))
        fail_msg("\"%s\": \"%s\" does not say \"%s\"", pwd, msg, why);
    assert_non_null(strstr(msg, "Use three or four unrelated words, 12 characters or more."));
}

/* The twelve-character passwords the old rules let through. */
static void weak_twelve_character_passwords_are_refused(void **state)
{
    (void)state;
    assert_refused_because("password1234", "someone", "Test Council", "too easy to guess");
    assert_refused_because("aaaaaaaaaaaa", "someone", "Test Council", "repeated");
    assert_refused_because("123456789012", "someone", "Test Council", "sequence");
    assert_refused_because("qwertyuiop12", "someone", "Test Council", "keyboard pattern");
    assert_refused_because("iloveyou1234", "someone", "Test Council", "too easy to guess");
    assert_refused_because("            ", "someone", "Test Council", "repeated");
    assert_refused_because("abcdefghijklmnop", "someone", "Test Council", "sequence");
    assert_refused_because("zxcvbnmasdfghjkl", "someone", "Test Council", "keyboard pattern");
    assert_refused_because("k9k9k9k9k9k9k9k9k9k9k9k9", "someone", "Test Council", "repeated");
    assert_refused_because("ééééééééééé1", "someone", "Test Council", "repeated");
}

/* The user name, the organisation's name and "connect", in any case, with digits and symbols around. */
static void names_with_digits_around_are_refused(void **state)
{
    (void)state;
    const char *org = "Northfield City Council";
    assert_refused_because("Northfield2026!!", "nfc.user", org, "your organisation's name");
    assert_refused_because("NORTHFIELD-CITY-2026", "nfc.user", org, "your organisation's name");
    assert_refused_because("northfield city council 1", "nfc.user", org, "your organisation's name");
    assert_refused_because("connect-connect-1", "nfc.user", org, "\"connect\"");
    assert_refused_because("Connect2026!!!", "nfc.user", org, "\"connect\"");
    assert_refused_because("12CONNECT34!!", "nfc.user", org, "\"connect\"");
    assert_refused_because("ebc.admin12345", "ebc.admin", "Eastbrook Borough Council", "your user name");
    assert_refused_because("EBC.Admin-2026!", "ebc.admin", "Eastbrook Borough Council", "your user name");
    assert_refused_because("2026-admin-admin", "ebc.admin", "Eastbrook Borough Council", "your user name");
    assert_refused_because("Someone.Else", "someone.else", NULL, "your user name");
    /* With other words of its own, a name inside a passphrase is fine. */
    assert_null(auth_password_policy("northfield granite kettle orchard", "nfc.user", org));
    assert_null(auth_password_policy("connect the lantern to a quiet fjord", "nfc.user", org));
}

/* Passphrases and random strings pass; the demo password every demo user and test signs in with
 * passes for every demo user. */
static void good_passwords_pass(void **state)
{
    (void)state;
    static const char *const good[] = {
        "Correct-Horse-Battery-Staple-42", "Purple-Lantern-Over-Quiet-Fjord-7", "granite kettle orchard 42",
        "southbay harbour lights 7", "Winter-Orchard-Ladder-2026", "Quiet-Harbour-Lantern-77",
        "tV8#qL2!zR9@wX4m", NULL,
    };
    for (int i = 0; good[i]; i++)
        if (auth_password_policy(good[i], "someone", "Test Council"))
            fail_msg("refused \"%s\": %s", good[i], auth_password_policy(good[i], "someone", "Test Council"));
    static const char *const demo[][2] = {
        {"net.admin", "Connect Network"}, {"ho.admin", "Home Office"}, {"ho.user", "Home Office"},
        {"nfc.admin", "Northfield City Council"}, {"nfc.user", "Northfield City Council"},
        {"ebc.admin", "Eastbrook Borough Council"}, {"ebc.user", "Eastbrook Borough Council"},
        {"wmc.admin", "Westmere County Council"}, {"wmc.user", "Westmere County Council"},
    };
    for (size_t i = 0; i < sizeof demo / sizeof *demo; i++)
        assert_null(auth_password_policy("demo-password-2026", demo[i][0], demo[i][1]));
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
    assert_null(auth_password_policy(a, "someone", "Test Council"));
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
        cmocka_unit_test(weak_twelve_character_passwords_are_refused),
        cmocka_unit_test(names_with_digits_around_are_refused),
        cmocka_unit_test(good_passwords_pass),
        cmocka_unit_test(common_list_is_loaded),
        cmocka_unit_test(random_password_shape),
        cmocka_unit_test(hex_round_trip),
        cmocka_unit_test(token_round_trip),
        cmocka_unit_test(only_hs256_is_accepted),
        cmocka_unit_test(key_file_is_private_and_stable),
    };
    return cmocka_run_group_tests_name("auth", tests, load_list, NULL);
}
