/* auth_password.c - argon2id hashing and the password policy. */
#include "auth_password.h"
#include "auth_random.h"
#include "data_path.h"

#include <argon2.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static char **common;      /* sorted, lower case */
static size_t common_n;
static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
    if (auth_password_hash("connect-dummy-password", dummy_hash))
        dummy_hash[0] = '\0';
}

int auth_password_hash(const char *pwd, char out[AUTH_HASH_MAX])
{
    unsigned char salt[16];
    if (auth_random_bytes(salt, sizeof salt))
        return -1;
    size_t need = argon2_encodedlen(AUTH_ARGON2_T, AUTH_ARGON2_M_KIB, AUTH_ARGON2_P, sizeof salt, 32, Argon2_id);
    if (need > AUTH_HASH_MAX)
        return -1;
    int rc = argon2id_hash_encoded(AUTH_ARGON2_T, AUTH_ARGON2_M_KIB, AUTH_ARGON2_P, pwd, strlen(pwd), salt,
                                   sizeof salt, 32, out, AUTH_HASH_MAX);
    return rc == ARGON2_OK ? 0 : -1;
}

int auth_password_verify(const char *encoded, const char *pwd)
{
    if (!encoded || strncmp(encoded, "$argon2id$", 10) != 0)
        return 0;
    return argon2id_verify(encoded, pwd, strlen(pwd)) == ARGON2_OK;
}

void auth_password_burn(const char *pwd)
{
    pthread_once(&dummy_once, dummy_init);
    (void)auth_password_verify(dummy_hash, pwd);
}

int auth_password_needs_rehash(const char *encoded)
{
    char want[64];
    snprintf(want, sizeof want, "$argon2id$v=19$m=%d,t=%d,p=%d$", AUTH_ARGON2_M_KIB, AUTH_ARGON2_T, AUTH_ARGON2_P);
    return strncmp(encoded, want, strlen(want)) != 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int auth_common_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    auth_common_free();
    size_t cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        for (ssize_t i = 0; i < len; i++)
            line[i] = (char)tolower((unsigned char)line[i]);
        if (common_n == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            char **grown = realloc(common, ncap * sizeof *common);
            if (!grown) {
                rc = -1;
                break;
            }
            common = grown;
            cap = ncap;
        }
        if (!(common[common_n] = strdup(line))) {
            rc = -1;
            break;
        }
        common_n++;
    }
    free(line);
    fclose(f);
    if (rc) {
        auth_common_free();
        return rc;
    }
    qsort(common, common_n, sizeof *common, cmp_str);
    return 0;
}

size_t auth_common_count(void) { return common_n; }

void auth_common_free(void)
{
    for (size_t i = 0; i < common_n; i++)
        free(common[i]);
    free(common);
    common = NULL;
    common_n = 0;
}

/* Counts UTF-8 characters; -1 when the bytes are not valid UTF-8 or hold a control character. */
static long utf8_chars(const char *s)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra;
        if (*p < 0x20 || *p == 0x7f)
            return -1;
        if (*p < 0x80)
            extra = 0;
        else if ((*p & 0xe0) == 0xc0 && *p >= 0xc2)
            extra = 1;
        else if ((*p & 0xf0) == 0xe0)
            extra = 2;
        else if ((*p & 0xf8) == 0xf0 && *p <= 0xf4)
            extra = 3;
        else
            return -1;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xc0) != 0x80)
                return -1;
        n++;
    }
    return n;
}

const char *auth_password_policy(const char *pwd, const char *username)
{
    long n = utf8_chars(pwd);
    if (n < 0)
        return "The password contains characters that are not allowed.";
    if (n < AUTH_PASSWORD_MIN)
        return "The password must be at least 12 characters long.";
    if (n > AUTH_PASSWORD_MAX)
        return "The password must be at most 256 characters long.";
    if (username && strcasecmp(pwd, username) == 0)
        return "The password must not be your user name.";
    size_t len = strlen(pwd);
    char *lower = malloc(len + 1);
    if (!lower)
        return "The password could not be checked; please try again.";
    for (size_t i = 0; i <= len; i++)
        lower[i] = (char)tolower((unsigned char)pwd[i]);
    const char *key = lower;
    int found = common_n && bsearch(&key, common, common_n, sizeof *common, cmp_str) != NULL;
    free(lower);
    if (found)
        return "The password is too common; choose one that is harder to guess.";
    return NULL;
}

int auth_common_find(char *out, size_t cap)
{
    return data_path("auth/common-passwords.txt", out, cap);
}
