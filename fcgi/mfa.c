/* mfa.c - the second factor's policy, sealing key and step token (mfa.h). */
#include "mfa.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_random.h"

static mfa_policy_t policy = MFA_REQUIRED;
static unsigned char seal_key[AUTH_SEAL_KEY_LEN];
static int key_loaded;

int mfa_policy_init(void)
{
    const char *v = getenv("CONNECT_MFA");
    if (!v || !*v || strcmp(v, "required") == 0)
        policy = MFA_REQUIRED;
    else if (strcmp(v, "optional") == 0)
        policy = MFA_OPTIONAL;
    else if (strcmp(v, "off") == 0)
        policy = MFA_OFF;
    else {
        fprintf(stderr, "connectd: CONNECT_MFA must be off, optional or required, not \"%s\"\n", v);
        return -1;
    }
    return 0;
}

mfa_policy_t mfa_policy(void) { return policy; }

const char *mfa_policy_name(void)
{
    return policy == MFA_OFF ? "off" : policy == MFA_OPTIONAL ? "optional" : "required";
}

int mfa_key_init(const char *data_dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/mfa.key", data_dir) >= (int)sizeof path || auth_key_create(path) ||
        auth_key_load(path, seal_key)) {
        fprintf(stderr, "connectd: cannot read or create the second-factor key %s\n", path);
        return -1;
    }
    key_loaded = 1;
    return 0;
}

const unsigned char *mfa_seal_key(void) { return key_loaded ? seal_key : NULL; }

int mfa_enrolled(const json_t *user) { return json_is_object(json_object_get(user, "mfa")); }

int mfa_enrolment_required(const json_t *user) { return policy == MFA_REQUIRED && !mfa_enrolled(user); }

/* The step token's own key: a session key never verifies a step token, nor the other way round. */
static int step_key(const unsigned char master[AUTH_KEY_LEN], unsigned char out[AUTH_KEY_LEN])
{
    return auth_key_derive(master, "connect mfa step v1", out);
}

int mfa_step_issue(const unsigned char master[AUTH_KEY_LEN], uint64_t uid, const unsigned char nonce[MFA_NONCE_LEN],
                   int64_t now, char **out)
{
    unsigned char key[AUTH_KEY_LEN];
    if (step_key(master, key))
        return -1;
    auth_claims c = {.uid = uid, .iat = now, .exp = now + MFA_STEP_LIFETIME};
    memcpy(c.sid, nonce, MFA_NONCE_LEN);
    int rc = auth_jwt_sign(key, &c, out);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

int mfa_step_verify(const unsigned char master[AUTH_KEY_LEN], const char *token, int64_t now, uint64_t *uid,
                    unsigned char nonce[MFA_NONCE_LEN])
{
    unsigned char key[AUTH_KEY_LEN];
    if (step_key(master, key))
        return -1;
    auth_claims c;
    int rc = auth_jwt_verify(key, token, now, &c);
    OPENSSL_cleanse(key, sizeof key);
    /* No token of ours lives longer than MFA_STEP_LIFETIME: refuse one that claims to. */
    if (rc || c.uid == 0 || c.exp - c.iat > MFA_STEP_LIFETIME)
        return -1;
    *uid = c.uid;
    memcpy(nonce, c.sid, MFA_NONCE_LEN);
    return 0;
}

/* The digest of a password hash that binds a step to it (SHA-256 hex). */
static int pw_binding(const json_t *user, char out[65])
{
    const char *pw = json_string_value(json_object_get(user, "pw"));
    if (!pw)
        return -1;
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)pw, strlen(pw), md);
    auth_hex(out, md, sizeof md);
    return 0;
}

int mfa_nonce_set(json_t *user, const unsigned char nonce[MFA_NONCE_LEN])
{
    char hex[2 * MFA_NONCE_LEN + 1], bind[65];
    if (pw_binding(user, bind))
        return -1;
    auth_hex(hex, nonce, MFA_NONCE_LEN);
    json_t *n = json_pack("{s:s,s:s}", "id", hex, "pw", bind);
    return n && json_object_set_new(user, "mfa_nonce", n) == 0 ? 0 : -1;
}

int mfa_nonce_matches(const json_t *user, const unsigned char nonce[MFA_NONCE_LEN])
{
    json_t *n = json_object_get(user, "mfa_nonce");
    const char *id = json_string_value(json_object_get(n, "id"));
    const char *bind = json_string_value(json_object_get(n, "pw"));
    char hex[2 * MFA_NONCE_LEN + 1], now_bind[65];
    if (!id || !bind || strlen(id) != 2 * MFA_NONCE_LEN || strlen(bind) != 64 || pw_binding(user, now_bind))
        return 0;
    auth_hex(hex, nonce, MFA_NONCE_LEN);
    return CRYPTO_memcmp(id, hex, 2 * MFA_NONCE_LEN) == 0 && CRYPTO_memcmp(bind, now_bind, 64) == 0;
}
