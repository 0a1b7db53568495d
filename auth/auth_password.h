/*
 * auth_password.h - password hashing (argon2id) and the password policy.
 *
 * Hashes are argon2id encoded strings with t=2, m=19456 KiB, p=1, a 16-byte random salt and a 32-byte
 * tag (OWASP's minimum). A hash made with other parameters still verifies; auth_password_needs_rehash()
 * tells the caller to store a new one after a successful sign-in.
 *
 * Hashing takes tens of milliseconds of one core: never call these inside a store transaction.
 */
#ifndef CONNECT_AUTH_PASSWORD_H
#define CONNECT_AUTH_PASSWORD_H

#include <stddef.h>

#define AUTH_ARGON2_T 2
#define AUTH_ARGON2_M_KIB 19456
#define AUTH_ARGON2_P 1
#define AUTH_PASSWORD_MIN 12  /* characters */
#define AUTH_PASSWORD_MAX 256 /* characters */
#define AUTH_HASH_MAX 128     /* bytes of an encoded hash, with room to spare */
#define AUTH_TEMP_PASSWORD_LEN 20

/* Hashes pwd into out (AUTH_HASH_MAX bytes); 0 on success. */
int auth_password_hash(const char *pwd, char out[AUTH_HASH_MAX]);
/* 1 when pwd matches the encoded hash, 0 when not (including a malformed hash). Constant time. */
int auth_password_verify(const char *encoded, const char *pwd);
/* Verifies against a fixed dummy hash, so that an unknown user costs as much time as a known one. */
void auth_password_burn(const char *pwd);
int auth_password_needs_rehash(const char *encoded);

/* Loads the common-password list (one per line, '#' comments) from `path`. Call once at start-up,
 * before threads. 0 on success. */
int auth_common_load(const char *path);
/* Finds the shipped auth/common-passwords.txt (see data_path.h); 0 when found. */
int auth_common_find(char *out, size_t cap);
/* Number of entries loaded (for tests). */
size_t auth_common_count(void);
void auth_common_free(void);

/* The least strength zxcvbn must find, in bits: log2(10^10) guesses, zxcvbn's top score ("very
 * unguessable"). The demo password demo-password-2026 scores 37.4. */
#define AUTH_PASSWORD_MIN_BITS 33.22

/* Checks the policy: 12 to 256 characters, no control characters; not made only of the user name,
 * the organisation's name (or their words) or "connect" with digits and symbols around them; not one
 * of the common passwords; and at least AUTH_PASSWORD_MIN_BITS by zxcvbn (which catches repeats,
 * sequences, keyboard walks, dates and dictionary words), with those names as its user dictionary.
 * username and org_name may be NULL. Returns NULL when pwd is acceptable, else a sentence saying what
 * is wrong and what to do. Thread-safe after auth_common_load(). */
const char *auth_password_policy(const char *pwd, const char *username, const char *org_name);

#endif
