/*
 * fuzz_doc_file.c - an uploaded document's type and name (fcgi/doc_file.c) on any bytes.
 *
 * The first byte says how big a name buffer to use (1 to 256 bytes, or the handler's 801); the rest is
 * both the document's bytes and, up to a NUL, its name.
 * Invariants:
 *   - doc_type_sniff answers one of the three types or NULL, exactly as the magic bytes say, reads no
 *     byte past n (each prefix is given in a buffer of exactly that size), and a type found in a prefix
 *     stays the type of the whole;
 *   - doc_filename_clean writes within cap and terminates; what it keeps is the last path component with
 *     control characters and double quotes replaced and trailing spaces dropped (checked against the
 *     same rule written out here); it holds no '/', '\\', control character or '"' and does not end in
 *     a space; it refuses exactly the empty name, "." and ".."; it is idempotent; and when the name fits,
 *     valid UTF-8 stays valid UTF-8.
 */
#include <string.h>

#include "doc_file.h"
#include "fuzz.h"

FUZZ_REFERENCE static const char *expected_type(const unsigned char *p, size_t n)
{
    if (n >= 5 && p[0] == '%' && p[1] == 'P' && p[2] == 'D' && p[3] == 'F' && p[4] == '-')
        return "application/pdf";
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 8 && memcmp(p, png, 8) == 0)
        return "image/png";
    return NULL;
}

static void check_sniff(const unsigned char *p, size_t n)
{
    const char *whole = doc_type_sniff(p, n);
    const char *want = expected_type(p, n);
    FUZZ_CHECK(whole == want || (whole && want && strcmp(whole, want) == 0));
    for (size_t k = 0; k <= n && k <= 9; k++) {
        unsigned char *prefix = malloc(k ? k : 1);
        FUZZ_CHECK(prefix != NULL);
        memcpy(prefix, p, k);
        const char *t = doc_type_sniff(prefix, k);
        if (t)
            FUZZ_CHECK(whole && strcmp(t, whole) == 0);
        free(prefix);
    }
}

/* The rule, written out: last component, replacements, cut to cap - 1 bytes, trailing spaces off. */
FUZZ_REFERENCE static void expected_name(const char *in, char *out, size_t cap)
{
    const char *slash = strrchr(in, '/'), *back = strrchr(in, '\\');
    const char *base = slash && (!back || slash > back) ? slash + 1 : back ? back + 1 : in;
    size_t n = strlen(base);
    if (n > cap - 1)
        n = cap - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)base[i];
        out[i] = ch < 0x20 || ch == 0x7F || ch == '"' ? '_' : (char)ch;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static void check_name(const char *in, size_t cap)
{
    char *out = malloc(cap), *want = malloc(cap), *again = malloc(cap);
    FUZZ_CHECK(out && want && again);
    int rc = doc_filename_clean(in, out, cap);
    size_t n = strlen(out);
    FUZZ_CHECK(n < cap);
    expected_name(in, want, cap);
    FUZZ_CHECK(strcmp(out, want) == 0);
    FUZZ_CHECK((rc == 0) == (n > 0 && strcmp(out, ".") != 0 && strcmp(out, "..") != 0));
    FUZZ_CHECK(rc == 0 || rc == -1);
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        FUZZ_CHECK(*p >= 0x20 && *p != 0x7F && *p != '"' && *p != '/' && *p != '\\');
    FUZZ_CHECK(n == 0 || out[n - 1] != ' ');
    if (rc == 0) {
        FUZZ_CHECK(doc_filename_clean(out, again, cap) == 0 && strcmp(again, out) == 0);
        if (strlen(in) < cap && fuzz_utf8_valid((const unsigned char *)in, strlen(in)))
            FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)out, n));
    }
    free(out);
    free(want);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t cap = data[0] == 0xFF ? 801 : (size_t)data[0] + 1;
    const unsigned char *body = data + 1;
    size_t n = size - 1;
    check_sniff(body, n);
    char *name = malloc(n + 1);
    FUZZ_CHECK(name != NULL);
    memcpy(name, body, n);
    name[n] = '\0';
    check_name(name, cap);
    free(name);
    return 0;
}
