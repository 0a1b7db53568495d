/* store_register.c - HO status register records and their CSV import (store_register.h). */
#include "store_register.h"
#include "store_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "csv.h"
#include "text_norm.h"

const char *const register_doc_types[] = {"passport", "national_id", "brp", "ukvi_account", "share_code", NULL};

int register_doc_type_code(const char *type)
{
    for (int i = 0; type && register_doc_types[i]; i++)
        if (strcmp(type, register_doc_types[i]) == 0)
            return i + 1;
    return 0;
}

int register_number_norm(const char *in, char out[REGISTER_NUMBER_MAX + 1])
{
    size_t n = 0;
    for (const char *p = in; p && *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || n == REGISTER_NUMBER_MAX) {
            out[0] = 0;
            return -1;
        }
        out[n++] = c;
    }
    out[n] = 0;
    return n ? 0 : -1;
}

static size_t reg_key(unsigned char *key, int type, const char *number)
{
    size_t l = strlen(number);
    key[0] = (unsigned char)type;
    memcpy(key + 1, number, l);
    return 1 + l;
}

int store_register_get(store *s, MDB_txn *txn, int type, const char *number, json_t **out)
{
    unsigned char key[1 + REGISTER_NUMBER_MAX];
    if (strlen(number) > REGISTER_NUMBER_MAX)
        return MDB_NOTFOUND;
    return store_json_get(s, txn, DB_REGISTER, key, reg_key(key, type, number), out);
}

int store_register_put_all(store *s, MDB_txn *txn, const json_t *records, size_t *added)
{
    *added = 0;
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec) {
        unsigned char key[1 + REGISTER_NUMBER_MAX];
        const char *number = json_string_value(json_object_get(rec, "document_number"));
        int type = register_doc_type_code(json_string_value(json_object_get(rec, "document_type")));
        if (!type || !number || strlen(number) > REGISTER_NUMBER_MAX)
            return STORE_CORRUPT;
        size_t klen = reg_key(key, type, number);
        MDB_val k = {klen, key}, v;
        int rc = mdb_get(txn, store_dbi(s, DB_REGISTER), &k, &v);
        if (rc == MDB_NOTFOUND)
            (*added)++;
        else if (rc)
            return rc;
        if ((rc = store_json_put(s, txn, DB_REGISTER, key, klen, rec)))
            return rc;
    }
    return 0;
}

int store_register_count(store *s, MDB_txn *txn, size_t *out)
{
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, DB_REGISTER), &st);
    *out = rc ? 0 : st.ms_entries;
    return rc;
}

/* ---- the CSV ---- */

static const char *const header[] = {"document_type", "document_number", "date_of_birth", "given_names",
                                     "family_name",   "nationality",     "status",        "leave_valid",
                                     "leave_expiry",  "recourse_to_public_funds", NULL};
#define N_FIELDS 10

static int add_error(json_t *errors, size_t max, size_t line, const char *field, const char *message)
{
    if (json_array_size(errors) >= max)
        return 0;
    json_t *e = json_pack("{s:I,s:s?,s:s}", "line", (json_int_t)line, "field", field, "message", message);
    return e && json_array_append_new(errors, e) == 0 ? 0 : -1;
}

/* Text of 1..max characters (CSV gives valid UTF-8) that passes the rules of its kind
 * (text_norm.h); *msg says what is wrong when it does not. */
static int text_ok(const char *s, size_t max, text_kind kind, const char **msg)
{
    text_fault fault = text_check(s, kind);
    if (fault) {
        *msg = text_fault_message(fault);
        return 0;
    }
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    return chars >= 1 && chars <= max;
}

static int boolean(const char *s, int *out)
{
    if (strcmp(s, "true") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* One row into a record, or NULL with the field and a sentence. The text fields are taken in their
 * NFC form, so what is checked is what is stored. */
static json_t *parse_row(json_t *f, const char *today, const char **field, const char **message)
{
    const char *v[N_FIELDS];
    char *nfc[N_FIELDS] = {0};
    json_t *rec = NULL;
    for (int i = 0; i < N_FIELDS; i++) {
        v[i] = json_string_value(json_array_get(f, (size_t)i));
        int rc = text_nfc(v[i], &nfc[i]);
        if (rc) {
            *field = rc > 0 ? header[i] : NULL;
            *message = rc > 0 ? "This is not valid UTF-8." : "Out of memory.";
            goto out;
        }
        if (nfc[i])
            v[i] = nfc[i];
    }
    char number[REGISTER_NUMBER_MAX + 1];
    int leave_valid, recourse;
    const char *why;
#define BAD(i, text)                                                                                                 \
    do {                                                                                                           \
        *field = header[i];                                                                                        \
        *message = text;                                                                                           \
        goto out;                                                                                                  \
    } while (0)
    if (!register_doc_type_code(v[0]))
        BAD(0, "Use passport, national_id, brp, ukvi_account or share_code.");
    if (register_number_norm(v[1], number))
        BAD(1, "A document number is 1 to 64 letters and digits (spaces and hyphens are ignored).");
    if (calendar_day(v[2]) == CALENDAR_NO_DAY)
        BAD(2, "Not a real date (YYYY-MM-DD).");
    if (strcmp(v[2], today) > 0)
        BAD(2, "A date of birth cannot be in the future.");
    why = "Given names are 1 to 100 characters.";
    if (!text_ok(v[3], 100, TEXT_NAME, &why))
        BAD(3, why);
    why = "A family name is 1 to 100 characters.";
    if (!text_ok(v[4], 100, TEXT_NAME, &why))
        BAD(4, why);
    why = "A nationality is 1 to 64 characters.";
    if (!text_ok(v[5], 64, TEXT_LINE, &why))
        BAD(5, why);
    why = "A status is 1 to 100 characters.";
    if (!text_ok(v[6], 100, TEXT_LINE, &why))
        BAD(6, why);
    if (boolean(v[7], &leave_valid))
        BAD(7, "Use true or false.");
    if (*v[8] && calendar_day(v[8]) == CALENDAR_NO_DAY)
        BAD(8, "Not a real date (YYYY-MM-DD); leave it empty when there is none.");
    if (boolean(v[9], &recourse))
        BAD(9, "Use true or false.");
#undef BAD
    rec = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "document_type", v[0], "document_number", number,
                    "date_of_birth", v[2], "given_names", v[3], "family_name", v[4], "nationality", v[5], "status",
                    v[6], "leave_valid", leave_valid, "recourse_to_public_funds", recourse);
    if (rec && *v[8] && json_object_set_new(rec, "leave_expiry", json_string(v[8]))) {
        json_decref(rec);
        rec = NULL;
    }
    if (!rec) {
        *field = NULL;
        *message = "Out of memory.";
    }
out:
    for (int i = 0; i < N_FIELDS; i++)
        free(nfc[i]);
    return rec;
}

void register_batch_free(register_batch *b)
{
    free(b->buf);
    free(b->offs);
    *b = (register_batch){0};
}

static int batch_add(register_batch *b, uint32_t line, const unsigned char *key, uint16_t klen, const char *val,
                     uint32_t vlen)
{
    size_t need = 4 + 2 + klen + 4 + vlen;
    if (b->len + need > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + need)
            cap *= 2;
        char *bigger = realloc(b->buf, cap);
        if (!bigger)
            return -1;
        b->buf = bigger;
        b->cap = cap;
    }
    if (b->n == b->offs_cap) {
        size_t cap = b->offs_cap ? b->offs_cap * 2 : 1024;
        size_t *bigger = realloc(b->offs, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        b->offs = bigger;
        b->offs_cap = cap;
    }
    b->offs[b->n++] = b->len;
    char *p = b->buf + b->len;
    memcpy(p, &line, 4);
    memcpy(p + 4, &klen, 2);
    memcpy(p + 6, key, klen);
    memcpy(p + 6 + klen, &vlen, 4);
    memcpy(p + 10 + klen, val, vlen);
    b->len += need;
    return 0;
}

/* An entry's parts. */
static void entry(const register_batch *b, size_t i, uint32_t *line, const unsigned char **key, uint16_t *klen,
                  const char **val, uint32_t *vlen)
{
    const char *p = b->buf + b->offs[i];
    memcpy(line, p, 4);
    memcpy(klen, p + 4, 2);
    *key = (const unsigned char *)p + 6;
    memcpy(vlen, p + 6 + *klen, 4);
    *val = p + 10 + *klen;
}

static int by_key(const void *x, const void *y, void *arg)
{
    const register_batch *b = arg;
    uint32_t lx, ly, vx, vy;
    const unsigned char *kx, *ky;
    uint16_t nx, ny;
    const char *dx, *dy;
    entry(b, *(const size_t *)x, &lx, &kx, &nx, &dx, &vx);
    entry(b, *(const size_t *)y, &ly, &ky, &ny, &dy, &vy);
    int c = memcmp(kx, ky, nx < ny ? nx : ny);
    if (c || nx != ny)
        return c ? c : (nx < ny ? -1 : 1);
    return lx < ly ? -1 : lx > ly;
}

static int by_line(const void *x, const void *y)
{
    json_int_t a = json_integer_value(json_object_get(*(json_t *const *)x, "line"));
    json_int_t b = json_integer_value(json_object_get(*(json_t *const *)y, "line"));
    return a < b ? -1 : a > b;
}

/* A document listed twice: sorting the entries by key puts the copies side by side. */
static int find_twice(const register_batch *b, json_t *errors, size_t max_errors)
{
    size_t *order = malloc((b->n ? b->n : 1) * sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < b->n; i++)
        order[i] = i;
    qsort_r(order, b->n, sizeof *order, by_key, (void *)b);
    for (size_t i = 1; i < b->n; i++) {
        uint32_t l0, l1, v0, v1;
        const unsigned char *k0, *k1;
        uint16_t n0, n1;
        const char *d0, *d1;
        entry(b, order[i - 1], &l0, &k0, &n0, &d0, &v0);
        entry(b, order[i], &l1, &k1, &n1, &d1, &v1);
        if (n0 == n1 && memcmp(k0, k1, n0) == 0) {
            char msg[96];
            snprintf(msg, sizeof msg, "This document is also on line %u.", (unsigned)l0);
            if (add_error(errors, (size_t)-1, l1, "document_number", msg)) {
                free(order);
                return -1;
            }
        }
    }
    free(order);
    /* In line order, then at most max_errors of them. */
    size_t n = json_array_size(errors);
    json_t **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(errors, i));
    qsort(v, n, sizeof *v, by_line);
    json_array_clear(errors);
    for (size_t i = 0; i < n; i++) {
        if (i < max_errors)
            json_array_append(errors, v[i]);
        json_decref(v[i]);
    }
    free(v);
    return 0;
}

/* Where the streaming check appends the records it accepts; err keeps the errno of a failed write. */
typedef struct {
    FILE *f;
    int err;
} entries_file;

/* Appends one record to the entries file: u16 key length | key | u32 value length | value. */
static int entry_write(entries_file *e, const unsigned char *key, uint16_t klen, const char *val, uint32_t vlen)
{
    errno = 0;
    if (fwrite(&klen, 2, 1, e->f) == 1 && fwrite(key, 1, klen, e->f) == klen && fwrite(&vlen, 4, 1, e->f) == 1 &&
        fwrite(val, 1, vlen, e->f) == vlen)
        return 0;
    e->err = errno ? errno : EIO;
    return -1;
}

/* Checks a whole register CSV from rd: the header, then every row (all of them, so that every bad
 * row is reported with its line), and no document listed twice. The good rows go into *out with
 * their stored JSON when entries is NULL; otherwise *out holds their keys only (all that finding a
 * document listed twice needs) and each key with its stored JSON is appended to entries, so that
 * the write replays them without parsing the CSV again. 0, or -1 with *errors. */
static int check_rows(csv_reader *rd, const char *today, size_t max_errors, entries_file *entries,
                      register_batch *out, json_t **errors)
{
    *out = (register_batch){0};
    *errors = json_array();
    if (!*errors)
        return -1;
    json_t *f = NULL;
    size_t line = 1;
    const char *err;
    int got = csv_next(rd, &f, &line, &err);
    if (got <= 0) {
        add_error(*errors, max_errors, 1, NULL, got < 0 ? err : "The file is empty: it needs the header row.");
        goto fail;
    }
    int header_ok = json_array_size(f) == N_FIELDS;
    for (size_t i = 0; header_ok && i < N_FIELDS; i++)
        header_ok = strcmp(json_string_value(json_array_get(f, i)), header[i]) == 0;
    json_decref(f);
    if (!header_ok) {
        add_error(*errors, max_errors, 1, NULL,
                  "The header must be: document_type,document_number,date_of_birth,given_names,family_name,"
                  "nationality,status,leave_valid,leave_expiry,recourse_to_public_funds");
        goto fail;
    }
    /* Every row is checked (bad rows are counted past max_errors so duplicates sort in order). */
    size_t bad = 0;
    while ((got = csv_next(rd, &f, &line, &err)) == 1) {
        const char *field = NULL, *message = NULL;
        json_t *rec = NULL;
        if (json_array_size(f) != N_FIELDS)
            message = "This row does not have the 10 fields of the header.";
        else
            rec = parse_row(f, today, &field, &message);
        json_decref(f);
        if (rec) {
            unsigned char key[1 + REGISTER_NUMBER_MAX];
            const char *number = json_string_value(json_object_get(rec, "document_number"));
            size_t klen = reg_key(key, register_doc_type_code(json_string_value(json_object_get(rec, "document_type"))),
                                  number);
            char *val = json_dumps(rec, JSON_COMPACT);
            json_decref(rec);
            size_t vlen = val ? strlen(val) : 0;
            int failed = !val || line > UINT32_MAX || vlen > UINT32_MAX ||
                         batch_add(out, (uint32_t)line, key, (uint16_t)klen, entries ? "" : val,
                                   entries ? 0 : (uint32_t)vlen);
            if (!failed && entries && entry_write(entries, key, (uint16_t)klen, val, (uint32_t)vlen)) {
                free(val);
                goto fail; /* the caller answers entries->err */
            }
            free(val);
            if (failed)
                goto nomem;
        } else if (message) {
            bad++;
            if (add_error(*errors, max_errors, line, field, message))
                goto nomem;
        }
    }
    if (got < 0) {
        bad++;
        add_error(*errors, max_errors, line, NULL, err); /* the line where the bad record starts */
    }
    if (find_twice(out, *errors, max_errors))
        goto nomem;
    if (!json_array_size(*errors) && !out->n)
        add_error(*errors, max_errors, 2, NULL, "The file has no records under its header.");
    if (json_array_size(*errors) || bad)
        goto fail;
    json_decref(*errors);
    *errors = NULL;
    return 0;
nomem:
    add_error(*errors, max_errors + 1, 0, NULL, "Out of memory.");
fail:
    register_batch_free(out);
    return -1;
}

int register_import_parse(const char *csv, size_t len, const char *today, size_t max_errors, register_batch *out,
                          json_t **errors)
{
    csv_reader rd;
    csv_init(&rd, csv, len);
    return check_rows(&rd, today, max_errors, NULL, out, errors);
}

int register_import_check_fd(int csv_fd, int entries_fd, const char *today, size_t max_errors, size_t *records,
                             json_t **errors)
{
    *records = 0;
    *errors = NULL;
    if (lseek(csv_fd, 0, SEEK_SET) != 0 || lseek(entries_fd, 0, SEEK_SET) != 0 || ftruncate(entries_fd, 0) != 0)
        return errno ? errno : EIO;
    int out_fd = dup(entries_fd); /* fclose below closes this copy, never the caller's descriptor */
    entries_file entries = {.f = out_fd >= 0 ? fdopen(out_fd, "wb") : NULL};
    if (!entries.f) {
        int err = errno ? errno : ENOMEM;
        if (out_fd >= 0)
            close(out_fd);
        return err;
    }
    csv_reader rd;
    register_batch keys = {0};
    int rc = -1;
    if (csv_init_fd(&rd, csv_fd))
        entries.err = ENOMEM;
    else
        rc = check_rows(&rd, today, max_errors, &entries, &keys, errors);
    csv_free(&rd);
    *records = keys.n;
    register_batch_free(&keys);
    /* A failed write of the entries (a full disk) is the answer, whatever the rows said. */
    int err = entries.err;
    if (!err && fflush(entries.f) != 0)
        err = errno ? errno : EIO;
    if (fclose(entries.f) != 0 && !err)
        err = errno ? errno : EIO;
    if (err) {
        json_decref(*errors);
        *errors = NULL;
        return err;
    }
    return rc;
}

int store_register_put_entries(store *s, MDB_txn *txn, int entries_fd, size_t *records, size_t *added)
{
    *records = *added = 0;
    if (lseek(entries_fd, 0, SEEK_SET) != 0)
        return errno ? errno : EIO;
    int in_fd = dup(entries_fd);
    FILE *f = in_fd >= 0 ? fdopen(in_fd, "rb") : NULL;
    if (!f) {
        int err = errno ? errno : ENOMEM;
        if (in_fd >= 0)
            close(in_fd);
        return err;
    }
    unsigned char key[1 + REGISTER_NUMBER_MAX];
    char *val = NULL;
    size_t cap = 0;
    uint16_t klen;
    uint32_t vlen;
    int rc = 0;
    while (!rc && fread(&klen, 2, 1, f) == 1) {
        if (klen > sizeof key || fread(key, 1, klen, f) != klen || fread(&vlen, 4, 1, f) != 1) {
            rc = STORE_CORRUPT;
            break;
        }
        if (vlen > cap) {
            char *bigger = realloc(val, vlen);
            if (!bigger) {
                rc = STORE_NOMEM;
                break;
            }
            val = bigger;
            cap = vlen;
        }
        if (fread(val, 1, vlen, f) != vlen) {
            rc = STORE_CORRUPT;
            break;
        }
        MDB_val k = {klen, key}, v = {vlen, val}, old;
        rc = mdb_get(txn, store_dbi(s, DB_REGISTER), &k, &old);
        if (rc == MDB_NOTFOUND)
            (*added)++;
        if (rc == 0 || rc == MDB_NOTFOUND)
            rc = mdb_put(txn, store_dbi(s, DB_REGISTER), &k, &v, 0);
        if (!rc)
            (*records)++;
    }
    if (!rc && ferror(f))
        rc = EIO;
    free(val);
    fclose(f);
    return rc;
}

int store_register_put_batch(store *s, MDB_txn *txn, const register_batch *b, size_t *added)
{
    *added = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint32_t line, vlen;
        const unsigned char *key;
        uint16_t klen;
        const char *val;
        entry(b, i, &line, &key, &klen, &val, &vlen);
        MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val}, old;
        int rc = mdb_get(txn, store_dbi(s, DB_REGISTER), &k, &old);
        if (rc == MDB_NOTFOUND)
            (*added)++;
        else if (rc)
            return rc;
        if ((rc = mdb_put(txn, store_dbi(s, DB_REGISTER), &k, &v, 0)))
            return rc;
    }
    return 0;
}
