/*
 * fuzz_jwt.c - the session token verifier (auth/auth_jwt.c) with a fixed key.
 *
 * The first byte picks the mode:
 *   even - the rest is a token (up to a NUL) for auth_jwt_verify. If it is accepted it must be signed
 *          with the key: exactly three dot-separated parts, the third the base64url HMAC-SHA-256 under the
 *          key of the first two (computed here with OpenSSL, not libjwt); its claims must be sane (uid not
 *          0, exp after now, iat not in the future); and it must be refused under any other key.
 *   odd  - the next 48 bytes are claims (uid, sid, iat, exp); they are signed with the key and verified:
 *          accepted exactly when uid is not 0, exp is after now and iat at most 60 s ahead, with the same
 *          claims back; refused under another key; and every change of one character (position and value
 *          from the following bytes) makes it refused.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "auth_jwt.h"
#include "fuzz.h"

#define NOW INT64_C(1767225600) /* 2026-01-01T00:00:00Z */

static unsigned char key[AUTH_KEY_LEN], other_key[AUTH_KEY_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The seeds in tests/fuzz/corpus/jwt were signed with these: bytes 1..32 and 33..64. */
    for (int i = 0; i < AUTH_KEY_LEN; i++) {
        key[i] = (unsigned char)(i + 1);
        other_key[i] = (unsigned char)(i + 33);
    }
    return 0;
}

/* 1 when token is head.payload.sig with sig the unpadded base64url HMAC-SHA-256 of head.payload. */
FUZZ_REFERENCE static int signed_with_key(const char *token)
{
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2 || strchr(dot2 + 1, '.'))
        return 0;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    FUZZ_CHECK(HMAC(EVP_sha256(), key, AUTH_KEY_LEN, (const unsigned char *)token, (size_t)(dot2 - token), mac,
                    &maclen) != NULL && maclen == 32);
    char b64[64];
    int n = EVP_EncodeBlock((unsigned char *)b64, mac, 32);
    while (n > 0 && b64[n - 1] == '=')
        n--;
    b64[n] = '\0';
    for (char *p = b64; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    return strcmp(dot2 + 1, b64) == 0;
}

static void check_token(const char *token)
{
    auth_claims c;
    memset(&c, 0xA5, sizeof c);
    if (auth_jwt_verify(key, token, NOW, &c) != 0)
        return;
    FUZZ_CHECK(signed_with_key(token));
    FUZZ_CHECK(c.uid != 0 && c.exp > NOW && c.iat <= NOW + 60);
    auth_claims again;
    FUZZ_CHECK(auth_jwt_verify(other_key, token, NOW, &again) != 0);
    FUZZ_CHECK(auth_jwt_verify(key, token, c.exp, &again) != 0); /* expired at exp */
}

static uint64_t take64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static void check_signed(const uint8_t *data, size_t size)
{
    uint8_t raw[48] = {0};
    memcpy(raw, data, size < sizeof raw ? size : sizeof raw);
    const uint8_t *rest = size > sizeof raw ? data + sizeof raw : NULL;
    size_t rest_len = size > sizeof raw ? size - sizeof raw : 0;
    auth_claims in = {.uid = take64(raw), .iat = (int64_t)take64(raw + 24), .exp = (int64_t)take64(raw + 32)};
    memcpy(in.sid, raw + 8, sizeof in.sid);
    /* Small numbers near now are far more interesting than the whole 64-bit range: the top byte says. */
    if (raw[40] & 1)
        in.iat = NOW + (int8_t)raw[41] * 10;
    if (raw[40] & 2)
        in.exp = NOW + (int8_t)raw[42] * 10;
    if (raw[40] & 4)
        in.uid = raw[43];
    char *token = NULL;
    FUZZ_CHECK(auth_jwt_sign(key, &in, &token) == 0 && token != NULL);
    auth_claims out;
    memset(&out, 0, sizeof out);
    int ok = auth_jwt_verify(key, token, NOW, &out) == 0;
    FUZZ_CHECK(ok == (in.uid != 0 && in.exp > NOW && in.iat <= NOW + 60));
    if (ok) {
        FUZZ_CHECK(out.uid == in.uid && out.iat == in.iat && out.exp == in.exp);
        FUZZ_CHECK(memcmp(out.sid, in.sid, sizeof in.sid) == 0);
        FUZZ_CHECK(signed_with_key(token));
    }
    FUZZ_CHECK(auth_jwt_verify(other_key, token, NOW, &out) != 0);
    /* One character changed, as often as the rest of the input says. */
    size_t len = strlen(token);
    for (size_t i = 0; i + 1 < rest_len && i < 16; i += 2) {
        char *changed = strdup(token);
        FUZZ_CHECK(changed != NULL);
        size_t at = (size_t)rest[i] * len / 256;
        changed[at] = (char)(rest[i + 1] ? rest[i + 1] : 'A');
        if (strcmp(changed, token) != 0)
            FUZZ_CHECK(auth_jwt_verify(key, changed, NOW, &out) != 0);
        free(changed);
    }
    free(token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1) {
        check_signed(data + 1, size - 1);
        return 0;
    }
    char *token = malloc(size);
    FUZZ_CHECK(token != NULL);
    memcpy(token, data + 1, size - 1);
    token[size - 1] = '\0';
    check_token(token);
    free(token);
    return 0;
}
