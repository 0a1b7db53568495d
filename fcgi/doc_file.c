/* doc_file.c - an uploaded document's type and display name (see doc_file.h). */
#include "doc_file.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

const char *doc_type_sniff(const unsigned char *p, size_t n)
{
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return "application/pdf";
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    return NULL;
}

int doc_filename_clean(const char *in, char *out, size_t cap)
{
    const char *base = in;
    for (const char *p = in; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)base; *p && n + 1 < cap; p++)
        out[n++] = (*p < 0x20 || *p == 0x7f || *p == '"') ? '_' : (char)*p;
    out[n] = '\0';
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
    return n > 0 && strcmp(out, ".") != 0 && strcmp(out, "..") != 0 ? 0 : -1;
}

int doc_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        return -1;
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
}

void doc_content_disposition(const char *filename, char *out, size_t cap)
{
    char ascii[201], enc[2401];
    size_t a = 0, e = 0;
    for (const unsigned char *p = (const unsigned char *)filename; *p && a < 200; p++)
        ascii[a++] = (*p < 0x80 && *p >= 0x20 && *p != '"' && *p != '\\' && *p != ';') ? (char)*p : '_';
    ascii[a] = '\0';
    for (const unsigned char *p = (const unsigned char *)filename; *p && e + 3 < sizeof enc; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
            *p == '-' || *p == '_')
            enc[e++] = (char)*p;
        else
            e += (size_t)snprintf(enc + e, 4, "%%%02X", *p);
    }
    enc[e] = '\0';
    snprintf(out, cap, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}
