/*
 * h_rtpf.c - the RTPF checker: look-up, the look-up audit for admins, and the HO admin's upload of
 * the status register (fcgi/API.md "RTPF checker").
 */
#include "handlers.h"
#include "json_get.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access_refusal.h"
#include "case_view.h"
#include "json_in.h"
#include "rtpf.h"
#include "store_audit.h"
#include "store_lookup.h"
#include "store_register.h"
#include "uk_time.h"

#define REGISTER_BODY_MAX (64u << 20)
#define REGISTER_ERRORS_MAX 200

/* Look-ups a user may make in an hour: $CONNECT_LOOKUP_LIMIT or 60. */
static unsigned lookup_limit(void)
{
    static unsigned limit;
    if (!limit) {
        const char *v = getenv("CONNECT_LOOKUP_LIMIT");
        long n = v ? strtol(v, NULL, 10) : 0;
        limit = n > 0 && n <= 1000000000L ? (unsigned)n : 60;
    }
    return limit;
}

typedef struct {
    http_req *r;
    int type;
    const char *type_name, *dob;
    char number[REGISTER_NUMBER_MAX + 1];
    char hash[65];
    const char *at;
    const char *today; /* UK date */
    int limited;
    int64_t retry_at;
    json_t *match;
} lookup_ctx;

static int lookup_write(store *s, MDB_txn *txn, void *arg)
{
    lookup_ctx *c = arg;
    c->limited = 0;
    json_decref(c->match);
    c->match = NULL;
    unsigned count;
    int64_t oldest;
    int rc = store_lookup_recent(s, txn, c->r->uid, c->r->now, lookup_limit(), &count, &oldest);
    if (rc)
        return rc;
    if (count >= lookup_limit()) {
        c->limited = 1;
        c->retry_at = oldest + LOOKUP_WINDOW_SECONDS;
        return 0; /* commits the dropped old entries; nothing else */
    }
    json_t *rec = NULL;
    rc = store_register_get(s, txn, c->type, c->number, &rec);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (rec && json_get_str_is(rec, "date_of_birth", c->dob)) {
        json_t *expiry = json_object_get(rec, "leave_expiry");
        /* The register's flag was true when it was loaded; leave whose expiry date has passed (before
         * the UK date today) is never answered as valid. */
        if (json_is_string(expiry) && strcmp(json_string_value(expiry), c->today) < 0)
            json_object_set_new(rec, "leave_valid", json_false());
        c->match = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "given_names", json_object_get(rec, "given_names"),
                             "family_name", json_object_get(rec, "family_name"), "date_of_birth",
                             json_object_get(rec, "date_of_birth"), "nationality", json_object_get(rec, "nationality"),
                             "status", json_object_get(rec, "status"), "leave_valid", json_object_get(rec, "leave_valid"),
                             "leave_expiry", expiry ? expiry : json_null(), "recourse_to_public_funds",
                             json_object_get(rec, "recourse_to_public_funds"));
        if (!c->match) {
            json_decref(rec);
            return STORE_NOMEM;
        }
    }
    json_decref(rec);
    rc = store_lookup_add(s, txn, c->r->now, c->at, c->r->uid, c->r->org_id, c->type_name, c->hash, c->match != NULL);
    return rc ? rc : store_audit_add(s, txn, c->at, c->r->uid, c->r->org_id, c->match ? "rtpf_match" : "rtpf_no_match", 0);
}

void h_rtpf_lookup(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (strcmp(r->org_kind, "council") != 0 && strcmp(r->org_kind, "home_office") != 0) {
        access_forbidden(r, "The Network does not look people up.", NULL);
        return;
    }
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"document_type", "document_number", "date_of_birth", NULL};
    const char *raw;
    lookup_ctx c = {.r = r};
    char today[11], at[21];
    uk_date(r->now, today);
    http_iso_time(r->now, at);
    c.at = at;
    c.today = today;
    if (json_in_only(r, body, allowed) ||
        json_in_enum_at(r, body, "document_type", "document_type", register_doc_types, 1, &c.type_name) ||
        json_in_string(r, body, "document_number", 1, 100, &raw) ||
        json_in_date_at(r, body, "date_of_birth", "date_of_birth", 1, &c.dob))
        goto out;
    c.type = register_doc_type_code(c.type_name);
    if (register_number_norm(raw, c.number)) {
        http_error(r, 422, "validation_failed",
                   "A document number is letters and digits (spaces and hyphens are ignored), at most 64.",
                   "document_number");
        goto out;
    }
    if (strcmp(c.dob, today) > 0) {
        http_error(r, 422, "validation_failed", "A date of birth cannot be in the future.", "date_of_birth");
        goto out;
    }
    if (rtpf_number_hash(c.type_name, c.number, c.hash)) {
        http_error(r, 503, "unavailable", "The checker is not available right now.", NULL);
        goto out;
    }
    int rc = store_write(r->st, lookup_write, &c);
    if (rc) {
        http_store_error(r, rc);
    } else if (c.limited) {
        char when[21], msg[160];
        http_iso_time(c.retry_at, when);
        snprintf(msg, sizeof msg, "You have made %u look-ups in the last hour, the most allowed. Try again after %.5s UTC.",
                 lookup_limit(), when + 11);
        http_header_add(r, "Retry-After: %lld", (long long)(c.retry_at - r->now > 0 ? c.retry_at - r->now : 1));
        http_error(r, 429, "rate_limited", msg, NULL);
    } else {
        http_reply(r, 200, json_pack("{s:O}", "match", c.match ? c.match : json_null()));
    }
    json_decref(c.match);
out:
    json_decref(body);
}

void h_rtpf_lookups(http_req *r, const uint64_t *ids)
{
    (void)ids;
    /* Allow-listed: a partner department's admin has no look-ups to see, and no case data. */
    if (!r->is_admin || (strcmp(r->org_kind, "council") != 0 && strcmp(r->org_kind, "home_office") != 0)) {
        access_forbidden(r, "Only an admin of a council or the Home Office sees the look-ups.", NULL);
        return;
    }
    size_t limit;
    uint64_t before;
    if (h_limit(r, &limit) || h_cursor_id(r, &before))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *items = NULL;
    uint64_t next = 0;
    size_t total = 0;
    int rc = store_lookup_list(r->st, txn, r->org_id, before, limit, &items, &next, &total);
    size_t i;
    json_t *row;
    if (!rc)
        json_array_foreach(items, i, row) {
            json_object_set_new(row, "user", case_user_ref(r->st, txn, json_object_get(row, "user_id")));
            json_object_del(row, "user_id");
            json_object_del(row, "org_id");
            json_object_set(row, "id", json_object_get(row, "seq"));
            json_object_del(row, "seq");
        }
    store_read_end(r->st, txn);
    if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, h_list_page(items, next, total));
}

/* ---- the register upload (HO admin) ---- */

typedef struct {
    int entries_fd; /* the checked records, in their stored form */
    const char *at;
    size_t records, added, total;
    uint64_t uid, org;
} register_ctx;

static int register_write(store *s, MDB_txn *txn, void *arg)
{
    register_ctx *c = arg;
    int rc = store_register_put_entries(s, txn, c->entries_fd, &c->records, &c->added);
    if (!rc)
        rc = store_register_count(s, txn, &c->total);
    return rc ? rc : store_audit_add(s, txn, c->at, c->uid, c->org, "register_imported", 0);
}

/* The upload can be 64 MB: it is spooled to a temporary file and checked a block at a time (every bad
 * row reported, nothing written), the good records going to a second temporary file in their stored
 * form, which one transaction then writes (all or nothing). The worker never holds the file or its
 * records whole: only each row's key, to find a document listed twice. */
void h_rtpf_register_upload(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (strcmp(r->org_kind, "home_office") != 0 || !r->is_admin) {
        access_forbidden(r, "Only a Home Office admin loads the status register.", NULL);
        return;
    }
    int csv_fd = http_spool_body(r, REGISTER_BODY_MAX);
    if (csv_fd < 0)
        return;
    register_ctx c = {.entries_fd = http_temp_fd(), .uid = r->uid, .org = r->org_id};
    if (c.entries_fd < 0) {
        int err = errno;
        close(csv_fd);
        fprintf(stderr, "register upload: cannot make a temporary file: %s\n", strerror(err));
        http_store_error(r, err); /* 507 when the disk is full, else 500 */
        return;
    }
    char today[11], at[21];
    uk_date(r->now, today);
    http_iso_time(r->now, at);
    c.at = at;
    size_t checked;
    json_t *errors = NULL;
    int rc = register_import_check_fd(csv_fd, c.entries_fd, today, REGISTER_ERRORS_MAX, &checked, &errors);
    close(csv_fd);
    if (rc == -1) {
        close(c.entries_fd);
        json_t *e = json_pack("{s:{s:s,s:s,s:n,s:o}}", "error", "code", "validation_failed", "message",
                              "Some rows are not valid; nothing was loaded.", "field", "errors", errors);
        http_reply(r, 422, e);
        return;
    }
    if (rc == 0)
        rc = store_write(r->st, register_write, &c);
    else
        fprintf(stderr, "register upload: cannot spool the checked records: %s\n", strerror(rc));
    close(c.entries_fd);
    if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, json_pack("{s:I,s:I,s:I,s:I}", "records", (json_int_t)c.records, "added",
                                     (json_int_t)c.added, "replaced", (json_int_t)(c.records - c.added), "total",
                                     (json_int_t)c.total));
}

void h_rtpf_register_get(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (strcmp(r->org_kind, "home_office") != 0) {
        access_forbidden(r, "Only the Home Office sees the status register.", NULL);
        return;
    }
    MDB_txn *txn;
    size_t n = 0;
    int rc = store_read_begin(r->st, &txn);
    if (!rc) {
        rc = store_register_count(r->st, txn, &n);
        store_read_end(r->st, txn);
    }
    if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, json_pack("{s:I}", "records", (json_int_t)n));
}
