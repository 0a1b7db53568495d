/* auth_jwt.c - HS256 session tokens over libjwt 1.10 (see NOTES-LIBS for its pitfalls). */
#include "auth_jwt.h"
#include "auth_random.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int auth_key_load(const char *path, unsigned char key[AUTH_KEY_LEN])
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[2 * AUTH_KEY_LEN + 8] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    if (n != 2 * AUTH_KEY_LEN)
        return -1;
    return auth_unhex(key, buf, AUTH_KEY_LEN);
}

int auth_key_create(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return errno == EEXIST ? 0 : -1;
    unsigned char key[AUTH_KEY_LEN];
    char hex[2 * AUTH_KEY_LEN + 2];
    int rc = -1;
    if (auth_random_bytes(key, sizeof key) == 0) {
        auth_hex(hex, key, sizeof key);
        strcat(hex, "\n");
        size_t len = strlen(hex);
        rc = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
    }
    memset(key, 0, sizeof key);
    if (close(fd) != 0)
        rc = -1;
    if (rc)
        unlink(path);
    return rc;
}

int auth_key_derive(const unsigned char master[AUTH_KEY_LEN], const char *label, unsigned char out[AUTH_KEY_LEN])
{
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), master, AUTH_KEY_LEN, (const unsigned char *)label, strlen(label), out, &n))
        return -1;
    return n == AUTH_KEY_LEN ? 0 : -1;
}

int auth_jwt_sign(const unsigned char key[AUTH_KEY_LEN], const auth_claims *c, char **out)
{
    *out = NULL;
    jwt_t *jwt = NULL;
    char sub[24], sid[33];
    snprintf(sub, sizeof sub, "%" PRIu64, c->uid);
    auth_hex(sid, c->sid, sizeof c->sid);
    int rc = jwt_new(&jwt);
    if (!rc)
        rc = jwt_set_alg(jwt, JWT_ALG_HS256, key, AUTH_KEY_LEN);
    if (!rc)
        rc = jwt_add_grant(jwt, "sub", sub);
    if (!rc)
        rc = jwt_add_grant(jwt, "sid", sid);
    if (!rc)
        rc = jwt_add_grant_int(jwt, "iat", (long)c->iat);
    if (!rc)
        rc = jwt_add_grant_int(jwt, "exp", (long)c->exp);
    if (!rc && !(*out = jwt_encode_str(jwt)))
        rc = -1;
    jwt_free(jwt);
    return rc ? -1 : 0;
}

static int int_claim(jwt_t *jwt, const char *name, int64_t *out)
{
    errno = 0;
    long v = jwt_get_grant_int(jwt, name);
    if (errno != 0)
        return -1;
    *out = v;
    return 0;
}

int auth_jwt_current(const auth_claims *c, int64_t now) { return c->exp > now && c->iat <= now + 60; }

int auth_jwt_verify(const unsigned char key[AUTH_KEY_LEN], const char *token, int64_t now, auth_claims *c)
{
    if (!token || strlen(token) > 4096)
        return -1;
    jwt_t *jwt = NULL;
    /* Always pass the key: without one libjwt verifies nothing. */
    if (jwt_decode(&jwt, token, key, AUTH_KEY_LEN) != 0 || !jwt)
        return -1;
    int rc = -1;
    if (jwt_get_alg(jwt) != JWT_ALG_HS256)
        goto out;
    if (int_claim(jwt, "exp", &c->exp) || int_claim(jwt, "iat", &c->iat))
        goto out;
    if (!auth_jwt_current(c, now))
        goto out;
    const char *sub = jwt_get_grant(jwt, "sub");
    const char *sid = jwt_get_grant(jwt, "sid");
    if (!sub || !sid || strlen(sid) != 32 || auth_unhex(c->sid, sid, 16) != 0)
        goto out;
    char *end;
    errno = 0;
    unsigned long long uid = strtoull(sub, &end, 10);
    if (errno || *end || end == sub || uid == 0 || sub[0] == '-' || sub[0] == '+' || sub[0] == ' ')
        goto out;
    c->uid = uid;
    rc = 0;
out:
    jwt_free(jwt);
    return rc;
}
