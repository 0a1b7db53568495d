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
 *     and reading that gives the same records: the reader and RFC 4180 agree;
 *   - reading the same bytes from a file (csv_init_fd, block by block) gives the same records, line
 *     numbers, result and message as reading them from memory. An input starting with the byte 0xFE
 *     is first padded with blank lines so that a block boundary falls within its first 64 bytes
 *     (the second byte says where), so the refill at the boundary is fuzzed too.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* Reads [data, data+size) from memory and from a file in step: every csv_next must agree. */
static void same_from_file(const char *data, size_t size)
{
    static int fd = -1; /* one file for the whole run, emptied each time */
    if (fd < 0)
        fd = memfd_create("fuzz_csv", 0);
    FUZZ_CHECK(fd >= 0 && ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
    FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
    csv_reader mem, file;
    csv_init(&mem, data, size);
    FUZZ_CHECK(csv_init_fd(&file, fd) == 0);
    for (;;) {
        json_t *a = NULL, *b = NULL;
        size_t la = 0, lb = 0;
        const char *ea = NULL, *eb = NULL;
        int ra = csv_next(&mem, &a, &la, &ea);
        int rb = csv_next(&file, &b, &lb, &eb);
        FUZZ_CHECK(ra == rb);
        if (ra == 1)
            FUZZ_CHECK(la == lb && json_equal(a, b));
        if (ra == -1)
            FUZZ_CHECK(ea && eb && strcmp(ea, eb) == 0);
        json_decref(a);
        json_decref(b);
        if (ra != 1)
            break;
    }
    csv_free(&file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && data[0] == 0xFE) {
        size_t pad = CSV_BLOCK - 1 - (data[1] & 63);
        char *padded = malloc(pad + size - 2);
        FUZZ_CHECK(padded != NULL);
        memset(padded, '\n', pad);
        memcpy(padded + pad, data + 2, size - 2);
        same_from_file(padded, pad + size - 2);
        free(padded);
        return 0;
    }
    same_from_file((const char *)data, size);
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
