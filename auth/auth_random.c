/* auth_random.c - random bytes, hex, temporary passwords. */
#include "auth_random.h"

#include <openssl/rand.h>
#include <string.h>

int auth_random_bytes(unsigned char *buf, size_t n)
{
    if (n > 0x7fffffff)
        return -1;
    return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

void auth_hex(char *out, const unsigned char *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int auth_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int auth_unhex(unsigned char *out, const char *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = auth_hex_digit((unsigned char)in[2 * i]), lo = hi < 0 ? -1 : auth_hex_digit((unsigned char)in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return in[2 * n] == '\0' ? 0 : -1;
}

int auth_random_from(const char *alphabet, char *out, size_t len)
{
    const unsigned n = (unsigned)strlen(alphabet);
    if (n == 0 || n > 256)
        return -1;
    const unsigned limit = 256 - 256 % n; /* reject bytes >= limit: no modulo bias */
    size_t i = 0;
    while (i < len) {
        unsigned char buf[32];
        if (auth_random_bytes(buf, sizeof buf))
            return -1;
        for (size_t j = 0; j < sizeof buf && i < len; j++)
            if (buf[j] < limit)
                out[i++] = alphabet[buf[j] % n];
    }
    out[len] = '\0';
    return 0;
}

int auth_random_password(char *out, size_t len)
{
    return auth_random_from("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", out, len);
}
