/* auth_totp.c - TOTP with liboath, the QR code with libqrencode, recovery codes and sealed secrets. */
#include "auth_totp.h"
#include "auth_random.h"

#include <liboath/oath.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -1;

static void init_oath(void) { init_rc = oath_init() == OATH_OK ? 0 : -1; }

int auth_totp_init(void)
{
    pthread_once(&init_once, init_oath);
    return init_rc;
}

int auth_totp_secret_new(unsigned char secret[AUTH_TOTP_SECRET_LEN])
{
    return auth_random_bytes(secret, AUTH_TOTP_SECRET_LEN);
}

int auth_totp_base32(const unsigned char secret[AUTH_TOTP_SECRET_LEN], char out[AUTH_TOTP_B32_LEN + 1])
{
    char *b32 = NULL;
    size_t n = 0;
    if (oath_base32_encode((const char *)secret, AUTH_TOTP_SECRET_LEN, &b32, &n) != OATH_OK)
        return -1;
    int rc = n == AUTH_TOTP_B32_LEN ? 0 : -1; /* 160 bits is exactly 32 symbols: never padded */
    if (!rc)
        memcpy(out, b32, AUTH_TOTP_B32_LEN + 1);
    free(b32);
    return rc;
}

/* Appends `s` percent-encoded (RFC 3986 unreserved characters kept) to buf at *len; buf has room. */
static void pct_append(char *buf, size_t *len, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~') {
            buf[(*len)++] = (char)*p;
        } else {
            buf[(*len)++] = '%';
            buf[(*len)++] = hex[*p >> 4];
            buf[(*len)++] = hex[*p & 15];
        }
    }
    buf[*len] = '\0';
}

char *auth_totp_uri(const char *issuer, const char *account, const char b32[AUTH_TOTP_B32_LEN + 1])
{
    size_t il = strlen(issuer), al = strlen(account);
    if (il > 256 || al > 256)
        return NULL;
    size_t cap = 64 + 6 * il + 3 * al + AUTH_TOTP_B32_LEN;
    char *buf = malloc(cap), *tail;
    if (!buf)
        return NULL;
    size_t len = 0;
    len += (size_t)snprintf(buf, cap, "otpauth://totp/");
    pct_append(buf, &len, issuer);
    buf[len++] = ':';
    pct_append(buf, &len, account);
    tail = buf + len;
    len += (size_t)snprintf(tail, cap - len, "?secret=%s&issuer=", b32);
    pct_append(buf, &len, issuer);
    snprintf(buf + len, cap - len, "&algorithm=SHA1&digits=%d&period=%d", AUTH_TOTP_DIGITS, AUTH_TOTP_STEP);
    return buf;
}

/* Copies the digits of `code` into out, skipping spaces; -1 unless exactly six digits remain. */
static int code_digits(const char *code, char out[AUTH_TOTP_DIGITS + 1])
{
    size_t n = 0;
    for (const char *p = code; *p; p++) {
        if (*p == ' ')
            continue;
        if (*p < '0' || *p > '9' || n == AUTH_TOTP_DIGITS)
            return -1;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n == AUTH_TOTP_DIGITS ? 0 : -1;
}

int auth_totp_check(const unsigned char secret[AUTH_TOTP_SECRET_LEN], int64_t now, const char *code,
                    uint64_t *last_step)
{
    char digits[AUTH_TOTP_DIGITS + 1];
    if (!code || code_digits(code, digits))
        return AUTH_TOTP_WRONG;
    if (auth_totp_init())
        return AUTH_TOTP_ERROR;
    int pos = 0;
    uint64_t step = 0;
    int rc = oath_totp_validate3((const char *)secret, AUTH_TOTP_SECRET_LEN, (time_t)now, AUTH_TOTP_STEP, 0, 1, &pos,
                                 &step, digits);
    if (rc == OATH_INVALID_OTP)
        return AUTH_TOTP_WRONG;
    if (rc < 0)
        return AUTH_TOTP_ERROR;
    if (step <= *last_step)
        return AUTH_TOTP_REPLAY;
    *last_step = step;
    return 0;
}

int auth_totp_code(const unsigned char secret[AUTH_TOTP_SECRET_LEN], int64_t now, char out[AUTH_TOTP_DIGITS + 1])
{
    if (auth_totp_init())
        return -1;
    return oath_totp_generate((const char *)secret, AUTH_TOTP_SECRET_LEN, (time_t)now, AUTH_TOTP_STEP, 0,
                              AUTH_TOTP_DIGITS, out) == OATH_OK
               ? 0
               : -1;
}

char *auth_qr_svg(const char *text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return NULL;
    const int w = qr->width, quiet = 4, size = w + 2 * quiet;
    /* Each dark module is "M x yh1v1h-1z" (at most 24 bytes); the header and footer fit in 512. */
    size_t cap = 512 + (size_t)w * (size_t)w * 24;
    char *svg = malloc(cap);
    if (!svg) {
        QRcode_free(qr);
        return NULL;
    }
    size_t len = (size_t)snprintf(svg, cap,
                                  "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                                  "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
                                  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                                  size, size, size, size);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (qr->data[y * w + x] & 1)
                len += (size_t)snprintf(svg + len, cap - len, "M%d %dh1v1h-1z", x + quiet, y + quiet);
    snprintf(svg + len, cap - len, "\"/></svg>");
    QRcode_free(qr);
    return svg;
}

/* No 0/o, 1/l/i: a code read aloud or copied from paper stays unambiguous. */
static const char RECOVERY_ALPHABET[] = "abcdefghjkmnpqrstuvwxyz23456789";

int auth_recovery_new(char out[AUTH_RECOVERY_LEN + 1])
{
    char sym[AUTH_RECOVERY_LEN - 1];
    if (auth_random_from(RECOVERY_ALPHABET, sym, sizeof sym - 1))
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < sizeof sym - 1; i++) {
        if (i && i % 4 == 0)
            out[n++] = '-';
        out[n++] = sym[i];
    }
    out[n] = '\0';
    return 0;
}

int auth_recovery_hash(const char *code, char out[AUTH_RECOVERY_HASH_HEX + 1])
{
    char folded[AUTH_RECOVERY_LEN + 1];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)code; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (n == AUTH_RECOVERY_LEN - 2)
            return -1;
        unsigned char c = (unsigned char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return -1;
        folded[n++] = (char)c;
    }
    if (n != AUTH_RECOVERY_LEN - 2)
        return -1;
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)folded, n, md);
    auth_hex(out, md, sizeof md);
    return 0;
}

int auth_recovery_equal(const char *a, const char *b)
{
    if (strlen(a) != AUTH_RECOVERY_HASH_HEX || strlen(b) != AUTH_RECOVERY_HASH_HEX)
        return 0;
    return CRYPTO_memcmp(a, b, AUTH_RECOVERY_HASH_HEX) == 0;
}

enum { NONCE = 12, TAG = 16, SEALED = NONCE + AUTH_TOTP_SECRET_LEN + TAG };

int auth_totp_seal(const unsigned char key[AUTH_SEAL_KEY_LEN], const unsigned char secret[AUTH_TOTP_SECRET_LEN],
                   char **out)
{
    unsigned char buf[SEALED];
    int len = 0, ok = 0;
    if (auth_random_bytes(buf, NONCE))
        return -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, buf) == 1 &&
        EVP_EncryptUpdate(ctx, buf + NONCE, &len, secret, AUTH_TOTP_SECRET_LEN) == 1 &&
        len == AUTH_TOTP_SECRET_LEN && EVP_EncryptFinal_ex(ctx, buf + NONCE + len, &len) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG, buf + NONCE + AUTH_TOTP_SECRET_LEN) == 1)
        ok = 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return -1;
    char *s = malloc(3 + 2 * SEALED + 1);
    if (!s)
        return -1;
    memcpy(s, "v1:", 3);
    auth_hex(s + 3, buf, SEALED);
    *out = s;
    return 0;
}

int auth_totp_open(const unsigned char key[AUTH_SEAL_KEY_LEN], const char *sealed,
                   unsigned char secret[AUTH_TOTP_SECRET_LEN])
{
    unsigned char buf[SEALED], plain[AUTH_TOTP_SECRET_LEN];
    if (!sealed || strncmp(sealed, "v1:", 3) || strlen(sealed) != 3 + 2 * SEALED || auth_unhex(buf, sealed + 3, SEALED))
        return -1;
    int len = 0, ok = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, buf) == 1 &&
        EVP_DecryptUpdate(ctx, plain, &len, buf + NONCE, AUTH_TOTP_SECRET_LEN) == 1 && len == AUTH_TOTP_SECRET_LEN &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG, buf + NONCE + AUTH_TOTP_SECRET_LEN) == 1 &&
        EVP_DecryptFinal_ex(ctx, plain + len, &len) == 1)
        ok = 1;
    EVP_CIPHER_CTX_free(ctx);
    if (ok)
        memcpy(secret, plain, AUTH_TOTP_SECRET_LEN);
    OPENSSL_cleanse(plain, sizeof plain);
    return ok ? 0 : -1;
}
