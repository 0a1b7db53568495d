/*
 * auth_totp.h - the second factor: TOTP (RFC 6238), its enrolment QR code and recovery codes.
 *
 * TOTP here is what every authenticator app speaks: HMAC-SHA-1, 6 digits, 30-second steps from the
 * Unix epoch, a 160-bit secret. A code is accepted one step either side of now (clock drift), and never
 * twice: the caller keeps the last accepted step counter per user and passes it back in, so a code seen
 * by a shoulder-surfer or a proxy log cannot be replayed inside its window. liboath does the HMAC and the
 * window; this module adds the replay rule, strict input and the encodings.
 *
 * Secrets rest sealed (AES-256-GCM under a key kept in a file beside the store, see auth_totp_seal) so
 * a copy of data.mdb alone does not yield working codes. Recovery codes are 60
 * random bits each (12 characters of a 32-symbol alphabet), so a fast SHA-256 digest is enough to keep
 * them from a reader of the store: nobody can search 2^60 candidates per code.
 *
 * Thread safety: call auth_totp_init() once per process before any other function (it is idempotent
 * and thread-safe); everything else is reentrant.
 */
#ifndef CONNECT_AUTH_TOTP_H
#define CONNECT_AUTH_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_TOTP_SECRET_LEN 20   /* bytes: 160 bits, RFC 4226's recommendation */
#define AUTH_TOTP_B32_LEN 32      /* base32 characters for 20 bytes, no padding */
#define AUTH_TOTP_STEP 30         /* seconds */
#define AUTH_TOTP_DIGITS 6
#define AUTH_RECOVERY_COUNT 10    /* recovery codes handed out at enrolment */
#define AUTH_RECOVERY_LEN 14      /* "abcd-efgh-jkmn" */
#define AUTH_RECOVERY_HASH_HEX 64 /* SHA-256 as hex */
#define AUTH_SEAL_KEY_LEN 32

/* Results of auth_totp_check besides 0 (accepted). */
#define AUTH_TOTP_WRONG  (-1) /* not a code for this secret near now (or not 6 digits) */
#define AUTH_TOTP_REPLAY (-2) /* right code, but its step was already used */
#define AUTH_TOTP_ERROR  (-3) /* the library failed */

/* Initialises liboath once per process; 0 on success. */
int auth_totp_init(void);

/* A fresh random secret. 0 on success. */
int auth_totp_secret_new(unsigned char secret[AUTH_TOTP_SECRET_LEN]);

/* The secret in RFC 4648 base32 without padding, as authenticator apps take it; out must hold
 * AUTH_TOTP_B32_LEN + 1 bytes. 0 on success. */
int auth_totp_base32(const unsigned char secret[AUTH_TOTP_SECRET_LEN], char out[AUTH_TOTP_B32_LEN + 1]);

/* The otpauth://totp/ URI of Google's Key URI format for `issuer` and `account` (both percent-encoded
 * here), malloc'd (free()); NULL when out of memory. */
char *auth_totp_uri(const char *issuer, const char *account, const char b32[AUTH_TOTP_B32_LEN + 1]);

/* Checks `code` at Unix time `now`: exactly 6 ASCII digits (spaces allowed between, as apps show
 * "123 456"), one step either side. *last_step is the step of the last code this user had accepted (0:
 * none): a code of that step or an earlier one is AUTH_TOTP_REPLAY. On success returns 0 and sets
 * *last_step to the accepted step, which the caller must store in the same transaction that opens the
 * session. */
int auth_totp_check(const unsigned char secret[AUTH_TOTP_SECRET_LEN], int64_t now, const char *code,
                    uint64_t *last_step);

/* The code for `now` (tests and the demo tools only). out holds 7 bytes. 0 on success. */
int auth_totp_code(const unsigned char secret[AUTH_TOTP_SECRET_LEN], int64_t now, char out[AUTH_TOTP_DIGITS + 1]);

/* The QR code of `text` as a standalone SVG document (a single <path>, no script, no style: safe under
 * the strict CSP and as an <img> source), malloc'd; NULL on error. */
char *auth_qr_svg(const char *text);

/* A new recovery code, "xxxx-xxxx-xxxx" from a 32-letter alphabet without 0/o/1/l/i. 0 on success. */
int auth_recovery_new(char out[AUTH_RECOVERY_LEN + 1]);

/* The digest a recovery code is stored as: SHA-256 of the code folded to lower case without spaces or
 * hyphens. -1 (and nothing written) when `code` cannot be a recovery code at all. */
int auth_recovery_hash(const char *code, char out[AUTH_RECOVERY_HASH_HEX + 1]);

/* Constant-time comparison of two digests from auth_recovery_hash (1 when equal). */
int auth_recovery_equal(const char *a, const char *b);

/* Seals a secret for storage under a key (AES-256-GCM, fresh 96-bit nonce), as "v1:" + hex of
 * nonce | ciphertext | tag; malloc'd in *out. 0 on success. */
int auth_totp_seal(const unsigned char key[AUTH_SEAL_KEY_LEN], const unsigned char secret[AUTH_TOTP_SECRET_LEN],
                   char **out);
/* Opens what auth_totp_seal made; -1 when it was tampered with, sealed under another key, or malformed. */
int auth_totp_open(const unsigned char key[AUTH_SEAL_KEY_LEN], const char *sealed,
                   unsigned char secret[AUTH_TOTP_SECRET_LEN]);

#endif
