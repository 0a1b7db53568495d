/* nino_results.c - the NINo results file reader (nino_results.h). */
#include "nino_results.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "csv.h"
#include "nino.h"
#include "text_norm.h"

#define MAX_COLS 64
#define XLSX_PART_MAX (16u << 20) /* bytes a workbook part may inflate to (a zip bomb stops here) */

enum { COL_CONNECT_ID, COL_PERSON, COL_OUTCOME, COL_NINO, COL_REASON, COL_COUNT };
static const char *const col_names[COL_COUNT] = {"connectid", "person", "outcome", "nino", "reason"};

/* ---- the table both formats are read into: [{"line":N,"cells":[text…]}] ---- */

static int add_row(json_t *table, size_t line, json_t *cells)
{
    json_t *row = json_pack("{s:I,s:o}", "line", (json_int_t)line, "cells", cells);
    return row && json_array_append_new(table, row) == 0 ? 0 : -1;
}

static int read_csv(const char *data, size_t len, json_t *table, const char **err)
{
    csv_reader c;
    csv_init(&c, data, len);
    json_t *fields;
    size_t line;
    int r;
    while ((r = csv_next(&c, &fields, &line, err)) == 1) {
        if (json_array_size(table) > NINO_RESULTS_MAX_ROWS) {
            json_decref(fields);
            *err = "The file has too many rows.";
            r = -2;
            break;
        }
        if (add_row(table, line, fields)) {
            csv_free(&c);
            return -1;
        }
    }
    csv_free(&c);
    if (r == -2)
        return 1;
    return r < 0 ? 1 : 0;
}

/* ---- xlsx: the first worksheet and the shared strings, read with a small XML scanner ---- */

/* A part of the workbook, inflated (NUL-terminated) into *out; 1 when absent, -1 when too large or
 * unreadable. */
static int zip_part(zip_t *za, const char *name, char **out, size_t *outlen)
{
    zip_stat_t st;
    if (zip_stat(za, name, 0, &st) != 0)
        return 1;
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > XLSX_PART_MAX)
        return -1;
    zip_file_t *f = zip_fopen(za, name, 0);
    if (!f)
        return -1;
    char *buf = malloc((size_t)st.size + 1);
    zip_int64_t n = buf ? zip_fread(f, buf, st.size) : -1;
    zip_fclose(f);
    if (n < 0 || (zip_uint64_t)n != st.size) {
        free(buf);
        return -1;
    }
    buf[n] = 0;
    *out = buf;
    *outlen = (size_t)n;
    return 0;
}

/* Appends XML text [p, end) to a string, decoding the five entities and numeric references. Why:
 * the values go through the same checks as CSV text, so they must be the characters, not the markup. */
static int xml_text(const char *p, const char *end, json_t **acc)
{
    size_t cap = (size_t)(end - p) + 1, n = 0;
    char *out = malloc(cap + 4);
    if (!out)
        return -1;
    while (p < end) {
        if (*p != '&') {
            out[n++] = *p++;
            continue;
        }
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi || semi - p > 10) {
            free(out);
            return 1;
        }
        size_t l = (size_t)(semi - p - 1);
        const char *e = p + 1;
        unsigned long cp = 0;
        if (l == 3 && !memcmp(e, "amp", 3))
            cp = '&';
        else if (l == 2 && !memcmp(e, "lt", 2))
            cp = '<';
        else if (l == 2 && !memcmp(e, "gt", 2))
            cp = '>';
        else if (l == 4 && !memcmp(e, "quot", 4))
            cp = '"';
        else if (l == 4 && !memcmp(e, "apos", 4))
            cp = '\'';
        else if (l >= 2 && e[0] == '#') {
            char num[12];
            memcpy(num, e + 1, l - 1);
            num[l - 1] = 0;
            char *stop;
            cp = num[0] == 'x' ? strtoul(num + 1, &stop, 16) : strtoul(num, &stop, 10);
            if (*stop || stop == num || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                free(out);
                return 1;
            }
        } else {
            free(out);
            return 1;
        }
        /* UTF-8 of cp (at most 4 bytes; an entity is at least 4 characters, so it fits). */
        if (cp < 0x80) {
            out[n++] = (char)cp;
        } else if (cp < 0x800) {
            out[n++] = (char)(0xC0 | (cp >> 6));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[n++] = (char)(0xE0 | (cp >> 12));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[n++] = (char)(0xF0 | (cp >> 18));
            out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        }
        p = semi + 1;
    }
    json_t *s = json_stringn(out, n);
    free(out);
    if (!s)
        return 1; /* not UTF-8 (or NUL inside) */
    if (*acc) {
        size_t a = json_string_length(*acc), b = json_string_length(s);
        char *both = malloc(a + b + 1);
        if (!both) {
            json_decref(s);
            return -1;
        }
        memcpy(both, json_string_value(*acc), a);
        memcpy(both + a, json_string_value(s), b);
        json_t *joined = json_stringn(both, a + b);
        free(both);
        json_decref(s);
        json_decref(*acc);
        *acc = joined;
        return joined ? 0 : -1;
    }
    *acc = s;
    return 0;
}

/* The text of every <t>…</t> in [p, end), joined (rich text runs are several). */
static int t_texts(const char *p, const char *end, json_t **out)
{
    *out = NULL;
    for (;;) {
        const char *t = p;
        while ((t = memchr(t, '<', (size_t)(end - t))) && t + 2 < end && !(t[1] == 't' && (t[2] == '>' || t[2] == ' ')))
            t++;
        if (!t || t + 2 >= end)
            break;
        const char *open_end = memchr(t, '>', (size_t)(end - t));
        if (!open_end)
            return 1;
        const char *close = open_end + 1;
        while (close + 3 < end && memcmp(close, "</t>", 4) != 0)
            close++;
        if (close + 3 >= end)
            return 1;
        int rc = open_end[-1] == '/' ? 0 : xml_text(open_end + 1, close, out);
        if (rc)
            return rc;
        p = close + 4;
    }
    if (!*out && !(*out = json_string("")))
        return -1;
    return 0;
}

/* The element `tag` starting at or after p: *start at its '<', *body after its '>', *stop at its
 * closing tag (or the '/>' of an empty one), *next after it. 0 when none. */
static int element(const char *p, const char *end, const char *tag, const char **start, const char **body,
                   const char **stop, const char **next)
{
    size_t tl = strlen(tag);
    for (const char *q = p; q && q < end; q++) {
        q = memchr(q, '<', (size_t)(end - q));
        if (!q || (size_t)(end - q) < tl + 2)
            return 0;
        if (memcmp(q + 1, tag, tl) != 0 || !(q[tl + 1] == '>' || q[tl + 1] == ' ' || q[tl + 1] == '/'))
            continue;
        const char *gt = memchr(q, '>', (size_t)(end - q));
        if (!gt)
            return 0;
        *start = q;
        *body = gt + 1;
        if (gt[-1] == '/') {
            *stop = gt - 1;
            *next = gt + 1;
            return 1;
        }
        char close[24];
        snprintf(close, sizeof close, "</%s>", tag);
        size_t cl = strlen(close);
        for (const char *c = gt + 1; c + cl <= end; c++)
            if (*c == '<' && memcmp(c, close, cl) == 0) {
                *stop = c;
                *next = c + cl;
                return 1;
            }
        return 0;
    }
    return 0;
}

/* The value of attribute `name` in the start tag [start, body) into out (at most cap-1 bytes). */
static int attr(const char *start, const char *body, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *q = start; q + nl + 2 < body; q++) {
        if (q[0] == ' ' && memcmp(q + 1, name, nl) == 0 && q[nl + 1] == '=' && (q[nl + 2] == '"' || q[nl + 2] == '\'')) {
            char quote = q[nl + 2];
            const char *v = q + nl + 3, *e = memchr(v, quote, (size_t)(body - v));
            if (!e || (size_t)(e - v) >= cap)
                return 0;
            memcpy(out, v, (size_t)(e - v));
            out[e - v] = 0;
            return 1;
        }
    }
    return 0;
}

/* The shared strings table as an array. */
static int shared_strings(const char *xml, size_t len, json_t *out)
{
    const char *p = xml, *end = xml + len, *s, *b, *e, *n;
    while (element(p, end, "si", &s, &b, &e, &n)) {
        json_t *t;
        int rc = t_texts(b, e, &t);
        if (rc)
            return rc;
        if (json_array_append_new(out, t))
            return -1;
        if (json_array_size(out) > 1000000)
            return 1;
        p = n;
    }
    return 0;
}

/* Column number (0-based) of a cell reference such as "C12"; -1 when none. */
static int column_of(const char *ref)
{
    int col = 0, letters = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++, letters++) {
        col = col * 26 + (*ref - 'A' + 1);
        if (col > MAX_COLS)
            return -1;
    }
    return letters ? col - 1 : -1;
}

static int read_sheet(const char *xml, size_t len, const json_t *strings, json_t *table, const char **err)
{
    const char *p = xml, *end = xml + len, *rs, *rb, *re, *rn;
    size_t last_line = 0;
    while (element(p, end, "row", &rs, &rb, &re, &rn)) {
        char num[16];
        size_t line = attr(rs, rb, "r", num, sizeof num) ? strtoul(num, NULL, 10) : last_line + 1;
        if (line <= last_line || line > 1048576) {
            *err = "The worksheet's rows are out of order.";
            return 1;
        }
        last_line = line;
        if (json_array_size(table) >= NINO_RESULTS_MAX_ROWS + 1) {
            *err = "The file has too many rows.";
            return 1;
        }
        json_t *cells = json_array();
        if (!cells || add_row(table, line, cells))
            return -1;
        const char *q = rb, *cs, *cb, *ce, *cn;
        int next_col = 0;
        while (q < re && element(q, re, "c", &cs, &cb, &ce, &cn) && cn <= re) {
            char ref[16], type[16] = "n";
            int col = attr(cs, cb, "r", ref, sizeof ref) ? column_of(ref) : next_col;
            attr(cs, cb, "t", type, sizeof type);
            if (col < 0 || col >= MAX_COLS || col < next_col) {
                *err = "The worksheet has a cell out of place.";
                return 1;
            }
            json_t *v = NULL;
            int rc = 0;
            if (strcmp(type, "inlineStr") == 0) {
                rc = t_texts(cb, ce, &v);
            } else {
                const char *vs, *vb, *ve, *vn;
                if (element(cb, ce, "v", &vs, &vb, &ve, &vn) && vn <= ce)
                    rc = xml_text(vb, ve, &v);
                if (!rc && v && strcmp(type, "s") == 0) {
                    char *stop;
                    unsigned long i = strtoul(json_string_value(v), &stop, 10);
                    json_t *sv = *stop || i >= json_array_size(strings) ? NULL : json_array_get(strings, i);
                    json_decref(v);
                    v = sv ? json_incref(sv) : NULL;
                    if (!sv)
                        rc = 1;
                }
            }
            if (rc) {
                json_decref(v);
                if (rc > 0)
                    *err = "The worksheet has a cell that cannot be read.";
                return rc;
            }
            while ((int)json_array_size(cells) < col)
                if (json_array_append_new(cells, json_string("")))
                    return -1;
            if (json_array_append_new(cells, v ? v : json_string("")))
                return -1;
            next_col = col + 1;
            q = cn;
        }
        p = rn;
    }
    return 0;
}

static int read_xlsx(const char *data, size_t len, json_t *table, const char **err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    zip_error_fini(&ze);
    if (!za) {
        zip_source_free(src);
        *err = "The file is not a workbook that can be read.";
        return 1;
    }
    char *strings_xml = NULL, *sheet_xml = NULL;
    size_t slen = 0, wlen = 0;
    json_t *strings = json_array();
    int rc = strings ? 0 : -1;
    int sr = rc ? 0 : zip_part(za, "xl/sharedStrings.xml", &strings_xml, &slen);
    if (!rc && sr < 0)
        rc = 1;
    if (!rc && sr == 0)
        rc = shared_strings(strings_xml, slen, strings);
    if (!rc && zip_part(za, "xl/worksheets/sheet1.xml", &sheet_xml, &wlen) != 0)
        rc = 1;
    if (!rc)
        rc = read_sheet(sheet_xml, wlen, strings, table, err);
    if (rc > 0 && !*err)
        *err = "The file is not a workbook that can be read.";
    zip_discard(za);
    free(strings_xml);
    free(sheet_xml);
    json_decref(strings);
    return rc;
}

/* ---- the rows ---- */

/* Lower case without spaces or underscores: "Connect ID" and "connect_id" are both "connectid". */
static void column_key(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++) {
        if (*in == ' ' || *in == '_')
            continue;
        out[n++] = (char)(*in >= 'A' && *in <= 'Z' ? *in - 'A' + 'a' : *in);
    }
    out[n] = 0;
}

static const char *cell(const json_t *cells, int col)
{
    const char *v = col >= 0 ? json_string_value(json_array_get(cells, (size_t)col)) : NULL;
    return v ? v : "";
}

/* Trims spaces at both ends into a new string of at most cap-1 bytes (longer: *too_long). */
static void trimmed(const char *s, char *out, size_t cap, int *too_long)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    *too_long = n >= cap;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = 0;
}

static int bad(json_t *errors, size_t line, const char *field, const char *message)
{
    if (json_array_size(errors) >= NINO_RESULTS_MAX_ERRORS)
        return 0;
    json_t *e = json_pack("{s:I,s:s?,s:s}", "line", (json_int_t)line, "field", field, "message", message);
    return e && json_array_append_new(errors, e) == 0 ? 0 : -1;
}

/* One result row; 0 done (a row or an error added), -1 out of memory. */
static int result_row(const json_t *cells, size_t line, const int *cols, json_t *rows, json_t *errors, json_t *seen)
{
    char cid[32], person[16], outcome[16], nino_in[32], key[48];
    int long1, long2, long3, long4;
    trimmed(cell(cells, cols[COL_CONNECT_ID]), cid, sizeof cid, &long1);
    trimmed(cell(cells, cols[COL_PERSON]), person, sizeof person, &long2);
    trimmed(cell(cells, cols[COL_OUTCOME]), outcome, sizeof outcome, &long3);
    trimmed(cell(cells, cols[COL_NINO]), nino_in, sizeof nino_in, &long4);
    const char *reason = cell(cells, cols[COL_REASON]);
    if (!*cid && !*person && !*outcome && !*nino_in && !*reason)
        return 0; /* a blank row */
    const char *digits = cid[0] == 'C' || cid[0] == 'c' ? cid + 1 : cid;
    char *stop;
    unsigned long long case_id = *digits >= '1' && *digits <= '9' ? strtoull(digits, &stop, 10) : 0;
    if (long1 || !case_id || *stop || case_id > (1ULL << 53))
        return bad(errors, line, "connect_id", "The Connect ID is missing or not one Connect gave (C followed by digits).");
    /* Numbers typed into a spreadsheet may come back as "2.0". */
    unsigned long long pn = *person >= '1' && *person <= '9' ? strtoull(person, &stop, 10) : 0;
    if (pn && strcmp(stop, ".0") == 0)
        stop += 2;
    if (long2 || !pn || *stop || pn > 1000)
        return bad(errors, line, "person", "The person number is missing or not a number from the batch.");
    for (char *o = outcome; *o; o++)
        *o = (char)(*o >= 'A' && *o <= 'Z' ? *o - 'A' + 'a' : *o);
    int unconfirmed = strcmp(outcome, "unconfirmed") == 0;
    if (long3 || (!unconfirmed && strcmp(outcome, "traced") != 0 && strcmp(outcome, "allocated") != 0))
        return bad(errors, line, "outcome", "The outcome must be traced, allocated or unconfirmed.");
    snprintf(key, sizeof key, "%llu:%llu", case_id, pn);
    if (json_object_get(seen, key))
        return bad(errors, line, "person", "This person's result is given twice in the file.");
    if (json_object_set_new(seen, key, json_true()))
        return -1;
    char nino[NINO_LEN + 1];
    const char *why = NULL;
    json_t *row = json_pack("{s:I,s:I,s:I,s:s}", "line", (json_int_t)line, "case_id", (json_int_t)case_id, "person",
                            (json_int_t)pn, "outcome", outcome);
    if (!row)
        return -1;
    int rc = 0;
    if (unconfirmed) {
        char *nfc = NULL;
        int n = text_nfc(reason, &nfc);
        const char *r = nfc ? nfc : reason;
        size_t chars = 0;
        for (const char *c = r; n == 0 && *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        if (n < 0)
            rc = -1;
        else if (*nino_in)
            rc = bad(errors, line, "nino", "An unconfirmed result has no National Insurance number.");
        else if (n > 0 || text_check(r, TEXT_MULTILINE) != TEXT_OK)
            rc = bad(errors, line, "reason", "The reason holds characters that are not allowed.");
        else if (chars == 0 || chars > NINO_REASON_MAX)
            rc = bad(errors, line, "reason", "An unconfirmed result needs its reason (up to 500 characters).");
        else if (json_object_set_new(row, "reason", json_string(r)) || json_array_append(rows, row))
            rc = -1;
        free(nfc);
    } else if (long4 || nino_normalise(nino_in, strlen(nino_in), nino, &why)) {
        rc = bad(errors, line, "nino", why ? why : "The National Insurance number is too long.");
    } else if (json_object_set_new(row, "nino", json_string(nino)) || json_array_append(rows, row)) {
        rc = -1;
    }
    json_decref(row);
    return rc;
}

int nino_results_parse(const char *data, size_t len, json_t **rows, json_t **errors)
{
    *rows = json_array();
    *errors = json_array();
    json_t *table = json_array(), *seen = json_object();
    int rc = *rows && *errors && table && seen ? 0 : -1;
    const char *err = NULL;
    if (!rc)
        rc = len >= 4 && memcmp(data, "PK\3\4", 4) == 0 ? read_xlsx(data, len, table, &err)
                                                          : read_csv(data, len, table, &err);
    if (rc > 0)
        rc = bad(*errors, 1, NULL, err ? err : "The file cannot be read.");
    else if (!rc && json_array_size(table) < 2)
        rc = bad(*errors, 1, NULL, "The file has no results: a header row, then one row per person.");
    else if (!rc) {
        int cols[COL_COUNT] = {-1, -1, -1, -1, -1};
        const json_t *head = json_object_get(json_array_get(table, 0), "cells");
        size_t i;
        json_t *h;
        json_array_foreach(head, i, h) {
            char k[32];
            column_key(json_string_value(h) ? json_string_value(h) : "", k, sizeof k);
            for (int c = 0; c < COL_COUNT; c++)
                if (strcmp(k, col_names[c]) == 0 && cols[c] < 0)
                    cols[c] = (int)i;
        }
        static const char *const fields[COL_COUNT] = {"connect_id", "person", "outcome", "nino", "reason"};
        for (int c = 0; c < COL_COUNT && !rc; c++)
            if (cols[c] < 0) {
                char msg[120];
                snprintf(msg, sizeof msg, "The header row has no %s column.", fields[c]);
                rc = bad(*errors, 1, fields[c], msg);
            }
        /* Every row, so that each bad one is named (up to the limit). */
        for (i = 1; !rc && i < json_array_size(table); i++) {
            const json_t *row = json_array_get(table, i);
            rc = result_row(json_object_get(row, "cells"), (size_t)json_integer_value(json_object_get(row, "line")),
                            cols, *rows, *errors, seen);
        }
        if (!rc && json_array_size(*errors) == 0 && json_array_size(*rows) == 0)
            rc = bad(*errors, 1, NULL, "The file has no results: a header row, then one row per person.");
    }
    json_decref(table);
    json_decref(seen);
    if (rc < 0) {
        json_decref(*rows);
        json_decref(*errors);
        *rows = *errors = NULL;
        return -1;
    }
    return json_array_size(*errors) ? 1 : 0;
}
