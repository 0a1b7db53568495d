/* h_disclosure_files.c - the attachments of a disclosure: the provider uploads them while the
 * request waits for its decision (typed by their bytes, as case documents are), the disclosure
 * carries them to the receiver, and every download is audited (fcgi/API.md "Disclosure requests"). */
#include "handlers.h"
#include "json_get.h"

#include <stdio.h>
#include <string.h>

#include "disclosure_access.h"
#include "doc_file.h"
#include "json_in.h"
#include "params.h"
#include "store_disclosure.h"
#include "uk_time.h"

typedef struct {
    http_req *r;
    uint64_t id;
    const unsigned char *data;
    size_t len;
    const char *type, *filename, *today;
    char sha[65];
    disclosure_refusal f;
    json_t *att;
} upload_ctx;

static int upload_write(store *s, MDB_txn *txn, void *arg)
{
    upload_ctx *c = arg;
    json_decref(c->att);
    c->att = NULL;
    json_t *rec, *neu;
    int rc = disclosure_load(s, txn, c->r, c->id, &rec, &neu);
    if (rc)
        return rc;
    json_t *pending = json_object_get(rec, "pending_attachments");
    if (disclosure_is_requester_side(c->r, rec))
        rc = disclosure_refuse(&c->f, 403, "forbidden", NULL, "The providing organisation attaches what it discloses.");
    else if (!json_get_str_is(rec, "status", "sent") && !json_get_str_is(rec, "status", "review_requested"))
        rc = disclosure_refuse(&c->f, 409, "conflict", NULL, "This request is not waiting for a decision.");
    else if (json_array_size(pending) >= DISCLOSURE_ATTACHMENTS_MAX)
        rc = disclosure_refuse(&c->f, 422, "validation_failed", "file", "A disclosure carries at most 10 attachments.");
    if (rc)
        goto out;
    /* Attachment numbers never repeat within a request, so a download link stays unambiguous. */
    json_int_t n = json_integer_value(json_object_get(rec, "attachment_seq")) + 1;
    if (!(c->att = json_pack("{s:I,s:s,s:s,s:I,s:s}", "n", n, "filename", c->filename, "content_type", c->type, "size",
                             (json_int_t)c->len, "sha256", c->sha)) ||
        json_array_append(json_object_get(neu, "pending_attachments"), c->att) ||
        json_object_set_new(neu, "attachment_seq", json_integer(n))) {
        rc = STORE_NOMEM;
        goto out;
    }
    if ((rc = store_disclosure_file_put(s, txn, c->id, (uint64_t)n, c->data, c->len)) ||
        (rc = store_disclosure_put(s, txn, rec, neu)))
        goto out;
    char at[21];
    http_iso_time(c->r->now, at);
    rc = disclosure_audit(s, txn, c->r, at, "disclosure_attachment_added", neu);
out:
    json_decref(rec);
    json_decref(neu);
    return rc;
}

typedef struct {
    const char *filename;
} upload_in;

void h_disclosure_attachment_add(http_req *r, const uint64_t *ids)
{
    if (!disclosure_caller_ok(r))
        return;
    static const param_field fields[] = {
        {.name = "filename", .type = PARAM_STRING, .required = 1, .offset = offsetof(upload_in, filename)},
    };
    upload_in in;
    if (params_query(r, fields, PARAMS_COUNT(fields), &in))
        return;
    char filename[801];
    if (strlen(in.filename) >= sizeof filename || doc_filename_clean(in.filename, filename, sizeof filename) ||
        json_in_utf8_len(filename) > 200) {
        http_error(r, 422, "validation_failed", "Give the file's name (?filename=), at most 200 characters.", "filename");
        return;
    }
    if (http_read_body_max(r, DISCLOSURE_ATTACHMENT_MAX_BYTES))
        return;
    upload_ctx c = {.r = r, .id = ids[0], .data = (const unsigned char *)r->body, .len = r->body_len, .filename = filename};
    if (!(c.type = doc_type_sniff(c.data, c.len))) {
        http_error(r, 422, "validation_failed", "The file must be a PDF, JPEG or PNG.", "file");
        return;
    }
    if (doc_sha256_hex(c.data, c.len, c.sha)) {
        http_error(r, 500, "internal", "The file could not be hashed.", NULL);
        return;
    }
    int rc = store_write(r->st, upload_write, &c);
    if (rc)
        disclosure_answer_error(r, rc, &c.f, ids[0]);
    else {
        json_object_del(c.att, "sha256");
        http_reply(r, 201, c.att), c.att = NULL;
    }
    json_decref(c.att);
}

/* The attachment numbered n among what the caller may download: the disclosed ones (both sides, until
 * destroyed) and, for the provider, those waiting for the decision. */
static const json_t *find_attachment(const http_req *r, const json_t *rec, json_int_t n)
{
    size_t i, j;
    json_t *d, *a;
    json_array_foreach(json_object_get(rec, "decisions"), i, d) json_array_foreach(json_object_get(d, "attachments"), j, a)
        if (json_integer_value(json_object_get(a, "n")) == n) return a;
    if (!disclosure_is_requester_side(r, rec))
        json_array_foreach(json_object_get(rec, "pending_attachments"), j, a) if (json_integer_value(json_object_get(a, "n")) == n) return a;
    return NULL;
}

void h_disclosure_attachment_get(http_req *r, const uint64_t *ids)
{
    if (!disclosure_caller_ok(r))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *rec = NULL;
    const json_t *att = NULL;
    const void *data = NULL;
    size_t len = 0;
    int rc = store_disclosure_get(r->st, txn, ids[0], &rec);
    if (!rc && (!disclosure_visible(r, rec) || !(att = find_attachment(r, rec, (json_int_t)ids[1]))))
        rc = MDB_NOTFOUND;
    if (!rc)
        rc = store_disclosure_file_get(r->st, txn, ids[0], ids[1], &data, &len);
    if (!rc) {
        char value[2700];
        doc_content_disposition(json_get_str_or(att, "filename", "attachment"), value, sizeof value);
        http_header_add(r, "Content-Disposition: %s", value);
        http_header_add(r, "X-Protective-Marking: " DISCLOSURE_MARKING);
        disclosure_audit_read(r, "disclosure_attachment_downloaded", rec,
                              json_pack("{s:I}", "attachment", (json_int_t)ids[1]));
        http_reply_bytes(r, 200, json_get_str_or(att, "content_type", "application/octet-stream"), data, len);
    }
    store_read_end(r->st, txn);
    json_decref(rec);
    if (rc == MDB_NOTFOUND)
        disclosure_answer_error(r, rc, NULL, ids[0]);
    else if (rc)
        http_store_error(r, rc);
}
