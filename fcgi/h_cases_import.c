/*
 * h_cases_import.c - POST /api/cases/import: a council uploads its existing caseload as CSV.
 *
 * All or nothing: every row is validated with the same rules as POST /api/cases (the validators run
 * in capture mode, so each row's first error is collected with its line number instead of being
 * sent), and only a file without errors is stored, in one transaction. A new council's upload of
 * more than 30 cases gives their new case alerts 20 working days instead of 5 (DESIGN.md).
 */
#include "handlers.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "case_create.h"
#include "case_input.h"
#include "case_update.h"
#include "case_view.h"
#include "csv.h"
#include "json_in.h"
#include "params.h"
#include "store_audit.h"
#include "store_case.h"
#include "work.h"

#define IMPORT_BODY_MAX (2u << 20)
#define IMPORT_ROWS_MAX 2000
#define IMPORT_ERRORS_MAX 100
#define BULK_ROWS 30
#define BULK_SLA_DAYS 20
#define SLA_DAYS 5

/* Columns: where each goes in a POST /api/cases body (IMPORT_ONLY: not part of that body; read here). */
#define IMPORT_ONLY 2
static const struct {
    const char *name;
    int principal; /* 1: a member of "principal"; IMPORT_ONLY: the import's own column */
    int required;
} columns[] = {
    {"given_names", 1, 1},   {"family_name", 1, 1},  {"date_of_birth", 1, 1}, {"nationality", 1, 1},
    {"gender", 1, 0},        {"other_names", 1, 0},  {"ho_reference", 1, 0},  {"legislation", 0, 1},
    {"household_type", 0, 1}, {"address", 0, 0},     {"la_involvement", 0, 0}, {"team", 0, 0},
    {"referral_source", 0, 0}, {"referral_date", IMPORT_ONLY, 0},
};
#define REFERRAL_DATE_MIN "1990-01-01" /* before Connect's councils kept NRPF records: a typo */
#define N_COLUMNS (sizeof columns / sizeof columns[0])

typedef struct {
    http_req *r;
    json_t *recs; /* records to create */
    json_t *lines;
    int confirmed;
    const char *at;
    json_t *created; /* [{"id","connect_id"}] */
    json_t *duplicates;
    int bulk;
    char due[11];
} import_ctx;

static int add_error(json_t *errors, size_t line, const char *field, const char *message)
{
    if (json_array_size(errors) >= IMPORT_ERRORS_MAX)
        return 0;
    json_t *e = json_pack("{s:I,s:s?,s:s}", "line", (json_int_t)line, "field", field, "message", message);
    return e && json_array_append_new(errors, e) == 0 ? 0 : -1;
}

/* Maps the header row to column indexes (map[i] = index of columns[] or -1); 0, or -1 with errors. */
static int read_header(json_t *header, int *map, json_t *errors)
{
    int seen[N_COLUMNS] = {0};
    size_t i;
    json_t *h;
    json_array_foreach(header, i, h) {
        map[i] = -1;
        for (size_t c = 0; c < N_COLUMNS; c++)
            if (strcmp(json_string_value(h), columns[c].name) == 0)
                map[i] = (int)c;
        if (map[i] < 0) {
            char name[64], msg[160];
            snprintf(name, sizeof name, "%s", json_string_value(h));
            json_in_utf8_cut(name); /* a long name cut on a character boundary */
            snprintf(msg, sizeof msg, "Unknown column \"%s\".", name);
            if (add_error(errors, 1, NULL, msg) || !json_array_size(errors))
                return -1;
        } else if (seen[map[i]]++) {
            add_error(errors, 1, columns[map[i]].name, "This column appears twice.");
        }
    }
    for (size_t c = 0; c < N_COLUMNS; c++)
        if (columns[c].required && !seen[c])
            add_error(errors, 1, columns[c].name, "This column is required.");
    return json_array_size(errors) ? -1 : 0;
}

static json_t *row_body(json_t *row, const int *map)
{
    json_t *body = json_pack("{s:{}}", "principal");
    size_t i;
    json_t *v;
    json_array_foreach(row, i, v) {
        if (!body || map[i] < 0 || !*json_string_value(v) || columns[map[i]].principal == IMPORT_ONLY)
            continue;
        json_object_set(columns[map[i]].principal ? json_object_get(body, "principal") : body, columns[map[i]].name, v);
    }
    return body;
}

/* The row's referral_date column, when it has one, validated and kept on the record: a caseload
 * entered in Connect long after the council took the household on keeps its real referral date, which
 * the reports count and a closure may not precede (case_referral_date). 0, or -1 with the error
 * answered into the row's capture. */
static int row_referral_date(http_req *row, json_t *fields, const int *map, json_t *rec)
{
    size_t i;
    json_t *v;
    json_array_foreach(fields, i, v) {
        if (map[i] < 0 || strcmp(columns[map[i]].name, "referral_date") != 0 || !*json_string_value(v))
            continue;
        json_t *obj = json_pack("{s:O}", "referral_date", v);
        const char *date = NULL;
        if (!obj) {
            http_error(row, 500, "internal", "Out of memory.", NULL);
            return -1;
        }
        int rc = json_in_date_at(row, obj, "referral_date", "referral_date", 0, &date);
        char today[11];
        case_today(row, today);
        if (!rc && strcmp(date, today) > 0) {
            http_error(row, 422, "validation_failed", "The referral date is in the future.", "referral_date");
            rc = -1;
        } else if (!rc && strcmp(date, REFERRAL_DATE_MIN) < 0) {
            http_error(row, 422, "validation_failed", "The referral date is before 1990.", "referral_date");
            rc = -1;
        }
        if (!rc && json_object_set_new(rec, "referral_date", json_string(date))) {
            http_error(row, 500, "internal", "Out of memory.", NULL);
            rc = -1;
        }
        json_decref(obj);
        return rc ? -1 : 0;
    }
    return 0;
}

static int import_write(store *s, MDB_txn *txn, void *arg)
{
    import_ctx *c = arg;
    json_array_clear(c->created);
    json_array_clear(c->duplicates);
    uint64_t council = c->r->org_id, existing = 0;
    int rc = store_case_count(s, txn, council, FACET_ALL, NULL, &existing);
    if (rc)
        return rc;
    c->bulk = existing == 0 && json_array_size(c->recs) > BULK_ROWS;
    size_t i;
    json_t *rec;
    work_ctx w;
    work_ctx_init(&w, c->r, s, txn, c->at);
    json_array_foreach(c->recs, i, rec) {
        /* Checked just before each row is stored, so earlier rows of the file count too; any duplicate
         * aborts the whole transaction at the end. */
        if (!c->confirmed) {
            json_t *matches = json_array();
            if (!matches)
                rc = STORE_NOMEM;
            else
                rc = case_add_matches(s, txn, json_object_get(rec, "principal"), council, matches);
            if (!rc && json_array_size(matches)) {
                json_t *d = json_pack("{s:O,s:O}", "line", json_array_get(c->lines, i), "matches", matches);
                if (!d || json_array_append_new(c->duplicates, d))
                    rc = STORE_NOMEM;
            }
            json_decref(matches);
            if (rc)
                break;
        }
        json_t *copy = json_deep_copy(rec);
        uint64_t id;
        if (!copy)
            rc = STORE_NOMEM;
        if (!rc)
            rc = store_case_create(s, txn, copy, &id);
        if (!rc)
            rc = store_case_history_diff(s, txn, id, NULL, copy, c->at, c->r->uid);
        if (!rc)
            rc = store_audit_add(s, txn, c->at, c->r->uid, council, "case_imported", id);
        if (!rc)
            rc = work_raise(&w, copy, "new_case", NULL, NULL, NULL, c->bulk ? BULK_SLA_DAYS : SLA_DAYS);
        if (!rc) {
            snprintf(c->due, sizeof c->due, "%s", json_get_str_or(w.raised, "due", ""));
            json_t *ref = json_pack("{s:I,s:o}", "id", (json_int_t)id, "connect_id", case_connect_id(copy));
            if (!ref || json_array_append_new(c->created, ref))
                rc = STORE_NOMEM;
        }
        json_decref(copy);
        if (rc)
            break;
    }
    work_ctx_done(&w);
    return !rc && json_array_size(c->duplicates) ? CASE_REFUSED : rc;
}

void h_cases_import(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (strcmp(r->org_kind, "council") != 0 || !r->is_admin) {
        access_forbidden(r, "Only a council's admin imports its caseload.", NULL);
        return;
    }
    /* One flag: the table writes it straight into `confirmed` (offset 0). */
    static const param_field confirm_field[] = {{.name = "confirm_not_duplicate", .type = PARAM_BOOL}};
    int confirmed;
    if (params_query(r, confirm_field, PARAMS_COUNT(confirm_field), &confirmed))
        return;
    if (http_read_body_max(r, IMPORT_BODY_MAX))
        return;
    char at[21];
    http_iso_time(r->now, at);
    import_ctx c = {.r = r, .recs = json_array(), .lines = json_array(), .confirmed = confirmed, .at = at,
                    .created = json_array(), .duplicates = json_array()};
    json_t *errors = json_array(), *fields = NULL;
    int *map = NULL;
    if (!c.recs || !c.lines || !c.created || !c.duplicates || !errors) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        goto out;
    }
    csv_reader rd;
    csv_init(&rd, r->body ? r->body : "", r->body_len);
    size_t line;
    const char *err = NULL;
    int got = csv_next(&rd, &fields, &line, &err);
    if (got <= 0) {
        http_error(r, 422, "validation_failed", got < 0 ? err : "The file is empty: it needs a header row.", "file");
        goto out;
    }
    map = calloc(json_array_size(fields) + 1, sizeof *map);
    if (!map) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        goto out;
    }
    size_t width = json_array_size(fields);
    int header_ok = read_header(fields, map, errors) == 0;
    json_decref(fields);
    fields = NULL;
    while (header_ok && (got = csv_next(&rd, &fields, &line, &err)) == 1) {
        if (json_array_size(c.recs) >= IMPORT_ROWS_MAX) {
            add_error(errors, line, NULL, "A file holds at most 2,000 cases; split it.");
            break;
        }
        if (json_array_size(fields) != width) {
            add_error(errors, line, NULL, "This row does not have as many fields as the header.");
        } else {
            /* The same validators as POST /api/cases, answering into this row's capture. */
            http_req row = *r;
            row.capture = 1;
            row.answered = 0;
            row.captured = NULL;
            json_t *body = row_body(fields, map), *rec = body ? case_new_record(&row, body, at) : NULL;
            if (rec && row_referral_date(&row, fields, map, rec)) {
                json_decref(rec);
                rec = NULL;
            }
            if (rec) {
                json_array_append_new(c.recs, rec);
                json_array_append_new(c.lines, json_integer((json_int_t)line));
            } else {
                json_t *e = json_object_get(row.captured, "error");
                const char *field = json_get_str(e, "field");
                if (field && strncmp(field, "principal.", 10) == 0)
                    field += 10; /* the column's name */
                add_error(errors, line, field,
                          json_get_str_or(e, "message", "This row is not valid."));
            }
            json_decref(row.captured);
            json_decref(body);
        }
        json_decref(fields);
        fields = NULL;
    }
    if (got < 0)
        add_error(errors, line, NULL, err); /* the line where the bad record starts */
    if (!json_array_size(errors) && !json_array_size(c.recs))
        add_error(errors, 2, NULL, "The file has no cases under its header.");
    if (json_array_size(errors)) {
        json_t *body = json_pack("{s:{s:s,s:s,s:n,s:O}}", "error", "code", "validation_failed", "message",
                                 "Some rows are not valid; nothing was imported.", "field", "errors", errors);
        http_reply(r, 422, body);
        goto out;
    }
    int rc = store_write(r->st, import_write, &c);
    if (rc == CASE_REFUSED) {
        json_t *body = json_pack("{s:{s:s,s:s,s:n,s:O}}", "error", "code", "possible_duplicate", "message",
                                 "Some rows look like open cases you have already; nothing was imported. Check them, "
                                 "or confirm that they are different people.",
                                 "field", "duplicates", c.duplicates);
        http_reply(r, 409, body);
    } else if (rc) {
        http_store_error(r, rc);
    } else {
        http_reply(r, 201, json_pack("{s:I,s:O,s:b,s:s}", "created", (json_int_t)json_array_size(c.created), "cases",
                                     c.created, "bulk_service_level", c.bulk, "new_case_due", c.due));
    }
out:
    free(map);
    json_decref(fields);
    json_decref(errors);
    json_decref(c.recs);
    json_decref(c.lines);
    json_decref(c.created);
    json_decref(c.duplicates);
}
