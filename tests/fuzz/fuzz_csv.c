/*
 * fuzz_csv.c - the CSV reader (store/csv.c) on any bytes.
 *
 * Invariants, besides no crash, leak or read outside the input (ASan: libFuzzer hands over a buffer of
 * exactly `size` bytes):
 *   - the reader's position stays inside the input and moves forward with every record;
 *   - a record has at least one field, every field is a UTF-8 string without NUL, at most one more field
 *     than there are commas in the record's bytes, and the fields' bytes fit in those bytes;
 *   - records' line numbers strictly increase and, in text without CR, are 1 + the LFs before the record;
 *   - -1 comes with a message, 0 stays 0;
 *   - writing the records back out as CSV (every field quoted with CRLF, and minimal quoting with LF)
 *     and reading that gives the same records: the reader and RFC 4180 agree.
 */
#include <string.h>

#include "csv.h"
#include "fuzz.h"

FUZZ_REFERENCE static size_t count_byte(const char *p, const char *end, char ch)
{
    size_t n = 0;
    for (; p < end; p++)
        n += *p == ch;
    return n;
}

typedef struct {
    char *buf;
    size_t len, cap;
} out_buf;

static void put(out_buf *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->len + n + 1) * 2;
        char *bigger = realloc(o->buf, cap);
        FUZZ_CHECK(bigger != NULL);
        o->buf = bigger;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* Writes the records out as CSV. all_quoted: every field in quotes and CRLF; otherwise quotes only where
 * RFC 4180 needs them (and where a blank line or a leading byte order mark would change the meaning). */
FUZZ_REFERENCE static out_buf encode(const json_t *records, int all_quoted)
{
    out_buf o = {0};
    size_t i, j;
    json_t *rec, *f;
    json_array_foreach(records, i, rec) {
        json_array_foreach(rec, j, f) {
            const char *s = json_string_value(f);
            size_t n = json_string_length(f);
            int quote = all_quoted || n == 0 || memchr(s, '"', n) || memchr(s, ',', n) || memchr(s, '\r', n) ||
                        memchr(s, '\n', n) || (i == 0 && j == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);
            if (j)
                put(&o, ",", 1);
            if (quote)
                put(&o, "\"", 1);
            for (size_t k = 0; k < n; k++)
                put(&o, s[k] == '"' ? "\"\"" : s + k, s[k] == '"' ? 2 : 1);
            if (quote)
                put(&o, "\"", 1);
        }
        put(&o, all_quoted ? "\r\n" : "\n", all_quoted ? 2 : 1);
    }
    return o;
}

/* Reads all of [data, data+size); the records read so far go into *records. Returns the last csv_next
 * result (0 at a clean end, -1 at an error) after checking every invariant on the way. */
static int read_all(const char *data, size_t size, json_t *records)
{
    csv_reader c;
    csv_init(&c, data, size);
    FUZZ_CHECK(c.end == data + size && c.p >= data && c.p <= c.end);
    int has_cr = memchr(data, '\r', size) != NULL;
    size_t last_line = 0;
    for (;;) {
        const char *before = c.p, *err = NULL;
        json_t *fields = json_null(); /* anything but NULL: csv_next must set it */
        size_t line = 0;
        int got = csv_next(&c, &fields, &line, &err);
        FUZZ_CHECK(c.p >= before && c.p <= c.end);
        if (got != 1) {
            FUZZ_CHECK(got == 0 || got == -1);
            FUZZ_CHECK(fields == NULL);
            if (got == -1) {
                FUZZ_CHECK(err != NULL && *err != '\0');
            } else {
                FUZZ_CHECK(c.p == c.end);
                FUZZ_CHECK(csv_next(&c, &fields, &line, &err) == 0 && fields == NULL);
            }
            return got;
        }
        FUZZ_CHECK(c.p > before);
        FUZZ_CHECK(line > last_line && c.line > line);
        last_line = line;
        const char *start = before;
        while (start < c.p && (*start == '\n' || *start == '\r'))
            start++;
        FUZZ_CHECK(start < c.p);
        if (!has_cr)
            FUZZ_CHECK(line == 1 + count_byte(data, start, '\n'));
        FUZZ_CHECK(json_is_array(fields));
        size_t nf = json_array_size(fields), bytes = 0, j;
        FUZZ_CHECK(nf >= 1 && nf <= count_byte(start, c.p, ',') + 1);
        json_t *f;
        json_array_foreach(fields, j, f) {
            FUZZ_CHECK(json_is_string(f));
            const char *s = json_string_value(f);
            size_t n = json_string_length(f);
            FUZZ_CHECK(memchr(s, '\0', n) == NULL);
            FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)s, n));
            bytes += n;
        }
        FUZZ_CHECK(bytes + (nf - 1) <= (size_t)(c.p - start));
        FUZZ_CHECK(json_array_append_new(records, fields) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *records = json_array();
    FUZZ_CHECK(records != NULL);
    read_all((const char *)data, size, records);
    for (int all_quoted = 0; all_quoted <= 1; all_quoted++) {
        out_buf o = encode(records, all_quoted);
        json_t *again = json_array();
        FUZZ_CHECK(again != NULL);
        FUZZ_CHECK(read_all(o.buf ? o.buf : "", o.len, again) == 0);
        FUZZ_CHECK(json_equal(records, again));
        json_decref(again);
        free(o.buf);
    }
    json_decref(records);
    return 0;
}
