/* Unit tests for auth/auth_totp.c: RFC 6238 codes, the ±1 step window, replay, the QR SVG, recovery
 * codes and sealed secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth_jwt.h"
#include "auth_totp.h"

/* RFC 6238 appendix B's SHA-1 seed. */
static const unsigned char RFC_SECRET[AUTH_TOTP_SECRET_LEN] = "12345678901234567890";

static void rfc6238_vectors(void **state)
{
    (void)state;
    /* The RFC lists 8-digit codes; the 6-digit code is their last six digits. */
    static const struct { int64_t t; const char *code; } v[] = {
        {59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
        {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char code[AUTH_TOTP_DIGITS + 1];
        assert_int_equal(auth_totp_code(RFC_SECRET, v[i].t, code), 0);
        assert_string_equal(code, v[i].code);
        uint64_t last = 0;
        assert_int_equal(auth_totp_check(RFC_SECRET, v[i].t, v[i].code, &last), 0);
        assert_int_equal(last, (uint64_t)(v[i].t / 30));
    }
}

static void window_is_one_step_either_side(void **state)
{
    (void)state;
    const int64_t now = 1700000000;
    char prev[7], cur[7], next[7], far[7];
    assert_int_equal(auth_totp_code(RFC_SECRET, now - 30, prev), 0);
    assert_int_equal(auth_totp_code(RFC_SECRET, now, cur), 0);
    assert_int_equal(auth_totp_code(RFC_SECRET, now + 30, next), 0);
    assert_int_equal(auth_totp_code(RFC_SECRET, now - 90, far), 0);
    uint64_t last = 0;
    assert_int_equal(auth_totp_check(RFC_SECRET, now, prev, &last), 0);
    last = 0;
    assert_int_equal(auth_totp_check(RFC_SECRET, now, next, &last), 0);
    last = 0;
    assert_int_equal(auth_totp_check(RFC_SECRET, now, far, &last), AUTH_TOTP_WRONG);
    assert_int_equal(last, 0);
}

static void a_code_is_accepted_once(void **state)
{
    (void)state;
    const int64_t now = 1700000015;
    char cur[7], prev[7];
    assert_int_equal(auth_totp_code(RFC_SECRET, now, cur), 0);
    assert_int_equal(auth_totp_code(RFC_SECRET, now - 30, prev), 0);
    uint64_t last = 0;
    assert_int_equal(auth_totp_check(RFC_SECRET, now, cur, &last), 0);
    uint64_t used = last;
    assert_int_equal(auth_totp_check(RFC_SECRET, now, cur, &last), AUTH_TOTP_REPLAY);
    assert_int_equal(auth_totp_check(RFC_SECRET, now + 10, cur, &last), AUTH_TOTP_REPLAY);
    /* An older step is refused too once a newer one was used. */
    assert_int_equal(auth_totp_check(RFC_SECRET, now, prev, &last), AUTH_TOTP_REPLAY);
    assert_int_equal(last, used);
}

static void code_format_is_strict(void **state)
{
    (void)state;
    const int64_t now = 59;
    uint64_t last = 0;
    assert_int_equal(auth_totp_check(RFC_SECRET, now, "287 082", &last), 0); /* as apps show it */
    last = 0;
    static const char *bad[] = {"", "28708", "2870820", "28708a", "-87082", "287082\n", "２８７０８２", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(auth_totp_check(RFC_SECRET, now, bad[i], &last), AUTH_TOTP_WRONG);
}

static void base32_and_uri(void **state)
{
    (void)state;
    char b32[AUTH_TOTP_B32_LEN + 1];
    assert_int_equal(auth_totp_base32(RFC_SECRET, b32), 0);
    assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    char *uri = auth_totp_uri("Connect", "nfc.user@Northfield City", b32);
    assert_non_null(uri);
    assert_string_equal(uri, "otpauth://totp/Connect:nfc.user%40Northfield%20City?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                             "&issuer=Connect&algorithm=SHA1&digits=6&period=30");
    free(uri);
}

static void fresh_secrets_differ(void **state)
{
    (void)state;
    unsigned char a[AUTH_TOTP_SECRET_LEN], b[AUTH_TOTP_SECRET_LEN];
    assert_int_equal(auth_totp_secret_new(a), 0);
    assert_int_equal(auth_totp_secret_new(b), 0);
    assert_memory_not_equal(a, b, sizeof a);
}

static void qr_svg_is_a_plain_path(void **state)
{
    (void)state;
    char *svg = auth_qr_svg("otpauth://totp/Connect:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Connect");
    assert_non_null(svg);
    assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M"));
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "style"));
    assert_true(strcmp(svg + strlen(svg) - 6, "</svg>") == 0);
    /* A QR code of version >= 3 has three finder patterns: the top-left one starts at the quiet zone. */
    assert_non_null(strstr(svg, "M4 4h1v1h-1z"));
    free(svg);
}

static void recovery_codes(void **state)
{
    (void)state;
    char a[AUTH_RECOVERY_LEN + 1], b[AUTH_RECOVERY_LEN + 1];
    assert_int_equal(auth_recovery_new(a), 0);
    assert_int_equal(auth_recovery_new(b), 0);
    assert_int_equal(strlen(a), AUTH_RECOVERY_LEN);
    assert_true(a[4] == '-' && a[9] == '-');
    assert_string_not_equal(a, b);
    for (const char *p = a; *p; p++)
        assert_null(strchr("01ilo", *p));
    char h1[AUTH_RECOVERY_HASH_HEX + 1], h2[AUTH_RECOVERY_HASH_HEX + 1];
    assert_int_equal(auth_recovery_hash("abcd-efgh-jkmn", h1), 0);
    assert_int_equal(auth_recovery_hash(" ABCD EFGH jkmn ", h2), 0); /* typed loosely */
    assert_true(auth_recovery_equal(h1, h2));
    assert_int_equal(auth_recovery_hash("abcd-efgh-jkmp", h2), 0);
    assert_false(auth_recovery_equal(h1, h2));
    assert_int_equal(auth_recovery_hash("abcd-efgh-jkm", h2), -1);   /* too short */
    assert_int_equal(auth_recovery_hash("abcd-efgh-jkmnp", h2), -1); /* too long */
    assert_int_equal(auth_recovery_hash("abcd-efgh-jk!n", h2), -1);
    assert_false(auth_recovery_equal(h1, ""));
}

static void sealed_secrets_open_only_with_their_key(void **state)
{
    (void)state;
    unsigned char master[AUTH_KEY_LEN] = {1, 2, 3}, key[AUTH_SEAL_KEY_LEN], other[AUTH_SEAL_KEY_LEN],
                  out[AUTH_TOTP_SECRET_LEN];
    assert_int_equal(auth_key_derive(master, "one use", key), 0);
    assert_int_equal(auth_key_derive(master, "another use", other), 0);
    assert_memory_not_equal(key, other, sizeof key);
    char *s1 = NULL, *s2 = NULL;
    assert_int_equal(auth_totp_seal(key, RFC_SECRET, &s1), 0);
    assert_int_equal(auth_totp_seal(key, RFC_SECRET, &s2), 0);
    assert_string_not_equal(s1, s2); /* a fresh nonce each time */
    assert_null(strstr(s1, "3132333435")); /* the secret's bytes are not visible */
    assert_int_equal(auth_totp_open(key, s1, out), 0);
    assert_memory_equal(out, RFC_SECRET, sizeof out);
    assert_int_equal(auth_totp_open(other, s1, out), -1);
    s1[20] = s1[20] == 'a' ? 'b' : 'a'; /* tamper with the ciphertext */
    assert_int_equal(auth_totp_open(key, s1, out), -1);
    assert_int_equal(auth_totp_open(key, "v1:00", out), -1);
    assert_int_equal(auth_totp_open(key, NULL, out), -1);
    free(s1);
    free(s2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc6238_vectors),
        cmocka_unit_test(window_is_one_step_either_side),
        cmocka_unit_test(a_code_is_accepted_once),
        cmocka_unit_test(code_format_is_strict),
        cmocka_unit_test(base32_and_uri),
        cmocka_unit_test(fresh_secrets_differ),
        cmocka_unit_test(qr_svg_is_a_plain_path),
        cmocka_unit_test(recovery_codes),
        cmocka_unit_test(sealed_secrets_open_only_with_their_key),
    };
    return cmocka_run_group_tests_name("totp", tests, NULL, NULL);
}
