/* h_subject_access.c - GET /api/cases/{id}/persons/{person}/subject-access: everything Connect holds
 * about one person, as a ZIP (subject-access.pdf, subject-access.json, documents/<n>-<name>).
 *
 * The archive is built in 0600 temporary files in $TMPDIR (DATA/tmp under serve.sh) inside one read
 * transaction (the documents are added straight from the map, which stays valid while it is open),
 * then the export is audited in its own durable write, and only then streamed and removed: a
 * failure before that answers 500 with nothing half-sent. */
#include "handlers.h"
#include "json_get.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "access_refusal.h"
#include "case_access.h"
#include "params.h"
#include "sar_data.h"
#include "sar_pdf.h"
#include "store_audit.h"
#include "store_case.h"
#include "uk_time.h"

typedef struct {
    int staff_names;
} sar_params;

static const param_field sar_fields[] = {
    {.name = "staff_names", .type = PARAM_BOOL, .offset = offsetof(sar_params, staff_names),
     .message = "staff_names must be 1 or 0."},
};

static const char *tmp_dir(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

/* A new empty 0600 file in $TMPDIR; its path in out. -1 when it cannot be made. */
static int temp_path(char *out, size_t cap, const char *what)
{
    int n = snprintf(out, cap, "%s/connect-%s-XXXXXX", tmp_dir(), what);
    int fd = n > 0 && (size_t)n < cap ? mkstemp(out) : -1;
    if (fd < 0) {
        out[0] = '\0';
        return -1;
    }
    close(fd);
    return 0;
}

/* Adds bytes that stay valid until zip_close (the caller keeps them). */
static int add_buffer(zip_t *za, const char *name, const void *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    if (!src)
        return -1;
    if (zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
        zip_source_free(src);
        return -1;
    }
    return 0;
}

static int add_file(zip_t *za, const char *name, const char *path)
{
    zip_source_t *src = zip_source_file(za, path, 0, 0);
    if (!src)
        return -1;
    if (zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
        zip_source_free(src);
        return -1;
    }
    return 0;
}

/* The archive of `doc` into zip_path. The documents' bytes are read from txn's map. */
static int build_zip(http_req *r, MDB_txn *txn, const json_t *doc, const char *zip_path, const char *pdf_path)
{
    if (sar_pdf_write(doc, pdf_path))
        return -1;
    char *json = json_dumps(doc, JSON_INDENT(2));
    if (!json)
        return -1;
    int zerr = 0;
    zip_t *za = zip_open(zip_path, ZIP_TRUNCATE, &zerr);
    int rc = za ? 0 : -1;
    if (!rc)
        rc = add_file(za, "subject-access.pdf", pdf_path);
    if (!rc)
        rc = add_buffer(za, "subject-access.json", json, strlen(json));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(doc, "documents"), i, d) {
        const void *data;
        size_t len;
        if (rc || store_doc_get(r->st, txn, json_get_u64(d, "id"), &data, &len)) {
            rc = -1;
            break;
        }
        rc = add_buffer(za, json_get_str_or(d, "file", "documents/document"), data, len);
    }
    if (za) {
        if (rc)
            zip_discard(za);
        else if (zip_close(za)) {
            fprintf(stderr, "connectd: subject access ZIP: %s\n", zip_strerror(za));
            zip_discard(za);
            rc = -1;
        }
    }
    /* libzip writes through a temporary file it renames over ours; keep the result private. */
    if (!rc && chmod(zip_path, 0600))
        rc = -1;
    free(json);
    return rc;
}

typedef struct {
    const char *at;
    uint64_t actor, org, case_id, person;
    int staff_names;
} export_audit;

static int audit_export(store *s, MDB_txn *txn, void *arg)
{
    const export_audit *a = arg;
    json_t *ev = json_pack("{s:s,s:I,s:I,s:s,s:I,s:I,s:I,s:b}", "at", a->at, "actor", (json_int_t)a->actor, "org",
                           (json_int_t)a->org, "action", "subject_access_exported", "target", (json_int_t)a->case_id,
                           "case", (json_int_t)a->case_id, "person", (json_int_t)a->person, "staff_names",
                           a->staff_names);
    if (!ev)
        return STORE_NOMEM;
    int rc = store_audit_append(s, txn, ev);
    json_decref(ev);
    return rc;
}

/* Streams the finished archive; the head goes only once the file is open, so an error before
 * that is still a JSON answer. */
static int send_zip(http_req *r, const char *path, uint64_t case_id, uint64_t person)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    http_header_add(r, "Content-Disposition: attachment; filename=\"subject-access-C%" PRIu64 "-%" PRIu64 ".zip\"",
                    case_id, person);
    http_stream_begin(r, 200, "application/zip");
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            http_stream_abort(r);
            break;
        }
        if (n == 0 || http_stream_write(r, buf, (size_t)n))
            break;
    }
    close(fd);
    return 0;
}

void h_case_subject_access(http_req *r, const uint64_t *ids)
{
    /* The council that holds the case answers a subject access request, through its admin. */
    if (strcmp(r->org_kind, "council") != 0 || !r->is_admin) {
        access_forbidden(r, "Only a council admin produces a subject access export.", NULL);
        return;
    }
    sar_params in;
    if (params_query(r, sar_fields, PARAMS_COUNT(sar_fields), &in))
        return;
    MDB_txn *txn;
    json_t *rec;
    if (case_read_begin(r, ids[0], &txn, &rec))
        return;
    char today[11];
    uk_date(r->now, today);
    sar_request q = {.case_id = ids[0], .person_id = ids[1], .staff_names = in.staff_names, .by_uid = r->uid,
                     .now = r->now, .today = today};
    int status = 500;
    json_t *doc = sar_build(r->st, txn, rec, &q, &status);
    char zip_path[4096] = "", pdf_path[4096] = "";
    int built = -1;
    if (doc && !temp_path(zip_path, sizeof zip_path, "sar") && !temp_path(pdf_path, sizeof pdf_path, "sar-pdf"))
        built = build_zip(r, txn, doc, zip_path, pdf_path);
    store_read_end(r->st, txn);
    json_decref(rec);
    int found = doc != NULL || status != 404;
    json_decref(doc);
    if (pdf_path[0])
        unlink(pdf_path);
    if (!found) {
        access_not_found(r, "person", ids[1], "No such person on this case.", NULL);
        return;
    }
    if (built) {
        if (zip_path[0])
            unlink(zip_path);
        http_error(r, 500, "internal", "The subject access export could not be produced.", NULL);
        return;
    }
    char at[21];
    http_iso_time(r->now, at);
    export_audit a = {at, r->uid, r->org_id, ids[0], ids[1], in.staff_names};
    int rc = store_write(r->st, audit_export, &a);
    if (rc)
        http_store_error(r, rc);
    else if (send_zip(r, zip_path, ids[0], ids[1]))
        http_error(r, 500, "internal", "The subject access export could not be read back.", NULL);
    unlink(zip_path);
}
