/* h_case_docs.c - a case's documents: upload (type read from the content), download as an
 * attachment, delete. The bytes live in DB_DOCS; the case record lists their metadata. */
#include "handlers.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_access.h"
#include "case_update.h"
#include "case_view.h"
#include "doc_file.h"
#include "json_in.h"
#include "params.h"
#include "store_case.h"
#include "store_register.h"

#define DOC_MAX (10 * 1024 * 1024)

typedef struct {
    const unsigned char *data;
    size_t len;
    const char *type, *filename;
    char sha[65];
    uint64_t person;
    const char *id_type; /* the identity document it is, when given (RTPF document types) */
    char id_number[REGISTER_NUMBER_MAX + 1];
} upload_arg;

static int apply_upload(case_update *u, json_t *rec)
{
    upload_arg *a = u->arg;
    if (a->person) {
        int found = (uint64_t)json_integer_value(json_object_get(json_object_get(rec, "principal"), "id")) == a->person;
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(rec, "dependants"), i, d) found |=
            (uint64_t)json_integer_value(json_object_get(d, "id")) == a->person;
        if (!found)
            return case_refuse(u, 422, "validation_failed", "person", "No such person on this case.");
    }
    uint64_t doc_id;
    int rc = store_seq_next(u->s, u->txn, "docs", &doc_id);
    if (!rc)
        rc = store_doc_put(u->s, u->txn, doc_id, a->data, a->len);
    if (rc)
        return rc;
    json_t *doc = json_pack("{s:I,s:s,s:s,s:I,s:o,s:s,s:s,s:I}", "id", (json_int_t)doc_id, "filename", a->filename,
                            "content_type", a->type, "size", (json_int_t)a->len, "person_id",
                            a->person ? json_integer((json_int_t)a->person) : json_null(), "sha256", a->sha,
                            "uploaded_at", u->at, "uploaded_by", (json_int_t)u->r->uid);
    if (!doc)
        return STORE_NOMEM;
    if (a->id_type && (json_object_set_new(doc, "document_type", json_string(a->id_type)) ||
                       json_object_set_new(doc, "document_number", json_string(a->id_number)))) {
        json_decref(doc);
        return STORE_NOMEM;
    }
    json_t *docs = json_object_get(rec, "documents");
    if (!json_is_array(docs)) {
        docs = json_array();
        json_object_set_new(rec, "documents", docs);
    }
    json_array_append(docs, doc);
    /* Answer with the DOCUMENT, its uploader resolved. */
    json_t *view = json_deep_copy(doc);
    json_object_set_new(view, "uploaded_by", case_user_ref(u->s, u->txn, json_object_get(doc, "uploaded_by")));
    json_decref(doc);
    u->result = view;
    u->ok_status = 201;
    return 0;
}

/* POST /api/cases/{id}/documents: the query string, described once; path parts of the name are
 * dropped and the 200-character limit applies to what is left. */
typedef struct {
    const char *filename;
    uint64_t person;
    const char *document_type, *document_number;
} upload_params;

static const param_field upload_fields[] = {
    {.name = "filename", .type = PARAM_STRING, .required = 1, .offset = offsetof(upload_params, filename)},
    {.name = "person", .type = PARAM_ID, .offset = offsetof(upload_params, person),
     .message = "person must be the id of a person on the case."},
    {.name = "document_type", .type = PARAM_ENUM, .values = register_doc_types, .offset = offsetof(upload_params, document_type),
     .bad_status = 422, .message = "document_type must be passport, national_id, brp, ukvi_account or share_code."},
    {.name = "document_number", .type = PARAM_STRING, .max_chars = 100, .offset = offsetof(upload_params, document_number)},
};

void h_case_doc_upload(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    upload_params in;
    if (params_query(r, upload_fields, PARAMS_COUNT(upload_fields), &in))
        return;
    char filename[801]; /* 200 characters of up to 4 bytes */
    upload_arg a = {.person = in.person};
    if (strlen(in.filename) >= sizeof filename || doc_filename_clean(in.filename, filename, sizeof filename) ||
        json_in_utf8_len(filename) > 200) {
        http_error(r, 422, "validation_failed", "Give the file's name (?filename=), at most 200 characters.",
                   "filename");
        return;
    }
    /* An identity document may say which one it is: subject access then finds the RTPF look-ups
     * of its number (they are logged by a keyed hash of the normalised number). */
    if (!in.document_type != !in.document_number) {
        http_error(r, 422, "validation_failed", "Give both the document type and its number, or neither.",
                   in.document_type ? "document_number" : "document_type");
        return;
    }
    if (in.document_number && register_number_norm(in.document_number, a.id_number)) {
        http_error(r, 422, "validation_failed",
                   "A document number is letters and digits (spaces and hyphens are ignored), at most 64.",
                   "document_number");
        return;
    }
    a.id_type = in.document_type;
    if (http_read_body_max(r, DOC_MAX))
        return;
    a.data = (const unsigned char *)r->body;
    a.len = r->body_len;
    a.type = doc_type_sniff(a.data, a.len);
    a.filename = filename;
    if (!a.type) {
        http_error(r, 422, "validation_failed", "The file must be a PDF, JPEG or PNG.", "file");
        return;
    }
    if (doc_sha256_hex(a.data, a.len, a.sha)) {
        http_error(r, 500, "internal", "The file could not be hashed.", NULL);
        return;
    }
    case_update u = {.r = r, .id = ids[0], .apply = apply_upload, .arg = &a, .action = "case_document_added"};
    case_update_run(&u);
}

static json_t *find_doc(const json_t *rec, uint64_t doc_id, size_t *index)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "documents"), i, d) {
        if ((uint64_t)json_integer_value(json_object_get(d, "id")) == doc_id) {
            if (index)
                *index = i;
            return d;
        }
    }
    return NULL;
}

static void disposition(http_req *r, const char *filename)
{
    char value[2700];
    doc_content_disposition(filename, value, sizeof value);
    http_header_add(r, "Content-Disposition: %s", value);
    /* X-Content-Type-Options: nosniff comes from nginx on every response. */
}

void h_case_doc_get(http_req *r, const uint64_t *ids)
{
    MDB_txn *txn;
    json_t *rec;
    if (case_access_refused(r, CASE_READ) || case_read_begin(r, ids[0], &txn, &rec))
        return;
    const void *data = NULL;
    size_t len = 0;
    int rc = 0;
    json_t *doc = find_doc(rec, ids[1], NULL);
    if (!doc)
        rc = MDB_NOTFOUND;
    if (rc == 0)
        rc = store_doc_get(r->st, txn, ids[1], &data, &len);
    if (rc == 0) {
        /* Stream straight from the map while the read transaction keeps the bytes valid. */
        disposition(r, json_get_str_or(doc, "filename", "document"));
        /* the document is the target; "case" files the download under the case's trail */
        audit_queue_add_with(r->now, r->uid, r->org_id, "document_downloaded", ids[1],
                             json_pack("{s:I}", "case", (json_int_t)ids[0]));
        http_reply_bytes(r, 200, json_get_str(doc, "content_type"), data, len);
    }
    store_read_end(r->st, txn);
    json_decref(rec);
    if (rc == MDB_NOTFOUND)
        access_not_found(r, "document", ids[1], "No such document.", NULL);
    else if (rc)
        http_store_error(r, rc);
}

static int apply_doc_delete(case_update *u, json_t *rec)
{
    uint64_t doc_id = *(const uint64_t *)u->arg;
    size_t index;
    if (!find_doc(rec, doc_id, &index))
        return case_refuse_missing(u, "document", doc_id, "No such document.");
    int rc = store_doc_del(u->s, u->txn, doc_id);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    return json_array_remove(json_object_get(rec, "documents"), index) ? STORE_NOMEM : 0;
}

void h_case_doc_delete(http_req *r, const uint64_t *ids)
{
    if (case_access_refused(r, CASE_WRITE))
        return;
    uint64_t doc_id = ids[1];
    case_update u = {.r = r, .id = ids[0], .apply = apply_doc_delete, .arg = &doc_id, .action = "case_document_deleted"};
    case_update_run(&u);
}
