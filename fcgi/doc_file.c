/* doc_file.c - an uploaded document's type and display name (see doc_file.h). */
#include "doc_file.h"

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
