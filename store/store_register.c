/* store_register.c - HO status register records and their CSV import (store_register.h). */
#include "store_register.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "csv.h"

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

/* Text of 1..max characters without control characters (CSV gives valid UTF-8). */
static int text_ok(const char *s, size_t max)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return 0;
        chars += (*p & 0xC0) != 0x80;
    }
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

/* One row into a record, or NULL with the field and a sentence. */
static json_t *parse_row(json_t *f, const char *today, const char **field, const char **message)
{
    const char *v[N_FIELDS];
    for (int i = 0; i < N_FIELDS; i++)
        v[i] = json_string_value(json_array_get(f, (size_t)i));
    char number[REGISTER_NUMBER_MAX + 1];
    int leave_valid, recourse;
#define BAD(i, text)                                                                                                 \
    do {                                                                                                           \
        *field = header[i];                                                                                        \
        *message = text;                                                                                           \
        return NULL;                                                                                               \
    } while (0)
    if (!register_doc_type_code(v[0]))
        BAD(0, "Use passport, national_id, brp, ukvi_account or share_code.");
    if (register_number_norm(v[1], number))
        BAD(1, "A document number is 1 to 64 letters and digits (spaces and hyphens are ignored).");
    if (calendar_day(v[2]) == CALENDAR_NO_DAY)
        BAD(2, "Not a real date (YYYY-MM-DD).");
    if (strcmp(v[2], today) > 0)
        BAD(2, "A date of birth cannot be in the future.");
    if (!text_ok(v[3], 100))
        BAD(3, "Given names are 1 to 100 characters.");
    if (!text_ok(v[4], 100))
        BAD(4, "A family name is 1 to 100 characters.");
    if (!text_ok(v[5], 64))
        BAD(5, "A nationality is 1 to 64 characters.");
    if (!text_ok(v[6], 100))
        BAD(6, "A status is 1 to 100 characters.");
    if (boolean(v[7], &leave_valid))
        BAD(7, "Use true or false.");
    if (*v[8] && calendar_day(v[8]) == CALENDAR_NO_DAY)
        BAD(8, "Not a real date (YYYY-MM-DD); leave it empty when there is none.");
    if (boolean(v[9], &recourse))
        BAD(9, "Use true or false.");
#undef BAD
    json_t *rec = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "document_type", v[0], "document_number", number,
                            "date_of_birth", v[2], "given_names", v[3], "family_name", v[4], "nationality", v[5],
                            "status", v[6], "leave_valid", leave_valid, "recourse_to_public_funds", recourse);
    if (rec && *v[8])
        json_object_set_new(rec, "leave_expiry", json_string(v[8]));
    if (!rec) {
        *field = NULL;
        *message = "Out of memory.";
    }
    return rec;
}

int register_import_parse(const char *csv, size_t len, const char *today, size_t max_errors, json_t **records,
                          json_t **errors)
{
    *records = json_array();
    *errors = json_array();
    json_t *seen = json_object(); /* type:number -> line, to catch a document listed twice */
    if (!*records || !*errors || !seen)
        goto nomem;
    csv_reader rd;
    csv_init(&rd, csv, len);
    json_t *f = NULL;
    size_t line;
    const char *err;
    int got = csv_next(&rd, &f, &line, &err);
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
    while ((got = csv_next(&rd, &f, &line, &err)) == 1) {
        const char *field = NULL, *message = NULL;
        char twice[96];
        json_t *rec = NULL;
        if (json_array_size(f) != N_FIELDS) {
            message = "This row does not have the 10 fields of the header.";
        } else if ((rec = parse_row(f, today, &field, &message))) {
            char key[32 + REGISTER_NUMBER_MAX]; /* "ukvi_account:" + number, with room */
            snprintf(key, sizeof key, "%s:%s", json_string_value(json_object_get(rec, "document_type")),
                     json_string_value(json_object_get(rec, "document_number")));
            json_t *prev = json_object_get(seen, key);
            if (prev) {
                snprintf(twice, sizeof twice, "This document is also on line %lld.",
                         (long long)json_integer_value(prev));
                field = "document_number";
                message = twice;
                json_decref(rec);
                rec = NULL;
            } else if (json_object_set_new(seen, key, json_integer((json_int_t)line)) ||
                       json_array_append_new(*records, rec)) {
                json_decref(f);
                goto nomem;
            }
        }
        if (message && add_error(*errors, max_errors, line, field, message)) {
            json_decref(f);
            goto nomem;
        }
        json_decref(f);
    }
    if (got < 0)
        add_error(*errors, max_errors, line, NULL, err); /* the line where the bad record starts */
    if (!json_array_size(*errors) && !json_array_size(*records))
        add_error(*errors, max_errors, 2, NULL, "The file has no records under its header.");
    if (json_array_size(*errors))
        goto fail;
    json_decref(seen);
    json_decref(*errors);
    *errors = NULL;
    return 0;
nomem:
    if (*errors)
        add_error(*errors, max_errors + 1, 0, NULL, "Out of memory.");
fail:
    json_decref(seen);
    json_decref(*records);
    *records = NULL;
    return -1;
}
