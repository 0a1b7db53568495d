/*
 * auth_jwt.h - session tokens: JWT signed with HS256 and nothing else.
 *
 * Claims: sub (user id as a decimal string), sid (32 hex digits), iat, exp. Verification pins the
 * algorithm to HS256 (libjwt 1.10 would otherwise accept any HS* with the same secret), requires exp
 * and iat as integers and refuses exp <= now (libjwt 1.10 checks no claim itself).
 */
#ifndef CONNECT_AUTH_JWT_H
#define CONNECT_AUTH_JWT_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_KEY_LEN 32 /* 256-bit HMAC key */

typedef struct {
    uint64_t uid;
    unsigned char sid[16];
    int64_t iat, exp;
} auth_claims;

/* Reads the key file (64 hex digits) into key; 0 on success. */
int auth_key_load(const char *path, unsigned char key[AUTH_KEY_LEN]);
/* Creates the key file with a fresh random key, mode 0600, unless it exists. 0 on success. */
int auth_key_create(const char *path);

/* Derives a key for another purpose from `master` (HMAC-SHA-256 of `label` under it), so one key file can
 * serve several uses without any two of them sharing a key: a token signed under one derived key never
 * verifies under another. 0 on success. */
int auth_key_derive(const unsigned char master[AUTH_KEY_LEN], const char *label, unsigned char out[AUTH_KEY_LEN]);

/* Signs claims; *out is malloc'd (free()). 0 on success. */
int auth_jwt_sign(const unsigned char key[AUTH_KEY_LEN], const auth_claims *c, char **out);
/* Verifies signature, algorithm and expiry at `now`, fills *c. 0 when valid, -1 otherwise. */
int auth_jwt_verify(const unsigned char key[AUTH_KEY_LEN], const char *token, int64_t now, auth_claims *c);
/* The time checks of auth_jwt_verify alone: 1 when claims verified earlier are still current at `now`
 * (not expired, not issued in the future beyond the allowed skew). */
int auth_jwt_current(const auth_claims *c, int64_t now);

#endif
