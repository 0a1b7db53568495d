/* rtpf_key.c - the look-up hash key (rtpf.h). */
#include "rtpf.h"

#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "auth_jwt.h"
#include "auth_random.h"

static unsigned char key[AUTH_KEY_LEN];
static int loaded;

int rtpf_key_init(const char *data_dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/lookup.key", data_dir) >= (int)sizeof path || auth_key_create(path) ||
        auth_key_load(path, key)) {
        fprintf(stderr, "connectd: cannot read or create the look-up key %s\n", path);
        return -1;
    }
    loaded = 1;
    return 0;
}

int rtpf_number_hash(const char *type, const char *number, char out[65])
{
    if (!loaded)
        return -1;
    char msg[128];
    int n = snprintf(msg, sizeof msg, "%s:%s", type, number);
    if (n < 0 || n >= (int)sizeof msg)
        return -1;
    unsigned char mac[32];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key, sizeof key, (const unsigned char *)msg, (size_t)n, mac, &len) || len != 32)
        return -1;
    auth_hex(out, mac, 32);
    return 0;
}
