/* store_audit_case.c - the events of one case (store_audit_case_each, store_audit.h).
 *
 * INTERIM: a plain walk of the whole audit log, newest first, keeping the events that name the
 * case. It is correct but reads every event; the audit index (store/store_audit.c on the audit
 * viewer's branch) replaces this file with an indexed walk of the same signature and meaning. */
#include "store_audit.h"
#include "store_case.h"
#include "store_internal.h"

#include <string.h>

/* Which actions have a case as their "target". Other events' targets are users, organisations or
 * documents, whose ids come from other sequences and may equal a case id by chance. */
static int case_action(const char *a)
{
    return strncmp(a, "case_", 5) == 0 || strncmp(a, "alert_", 6) == 0 || strncmp(a, "query_", 6) == 0 ||
           strcmp(a, "subject_access_exported") == 0;
}

static int in_ids(const json_t *ids, uint64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if ((uint64_t)json_integer_value(v) == id) return 1;
    return 0;
}

static int names_case(const json_t *ev, uint64_t case_id, const json_t *doc_ids)
{
    const char *a = json_string_value(json_object_get(ev, "action"));
    if (!a)
        return 0;
    if (json_is_integer(json_object_get(ev, "case")))
        return (uint64_t)json_integer_value(json_object_get(ev, "case")) == case_id;
    uint64_t target = (uint64_t)json_integer_value(json_object_get(ev, "target"));
    if (strcmp(a, "document_downloaded") == 0)
        return in_ids(doc_ids, target);
    if (strcmp(a, "access_refused") == 0)
        return 0; /* a refusal disclosed nothing */
    if (case_action(a) && target == case_id)
        return 1;
    return strncmp(a, "case", 4) == 0 && in_ids(json_object_get(ev, "targets"), case_id);
}

int store_audit_case_each(store *s, MDB_txn *txn, uint64_t case_id, int (*fn)(const json_t *event, void *ctx),
                          void *ctx)
{
    /* The case's documents: their downloads are audited by document id. */
    json_t *rec = NULL, *doc_ids = json_array();
    if (!doc_ids)
        return STORE_NOMEM;
    int rc = store_case_get(s, txn, case_id, &rec);
    if (rc && rc != MDB_NOTFOUND) {
        json_decref(doc_ids);
        return rc;
    }
    rc = 0;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "documents"), i, d) {
        if (json_array_append(doc_ids, json_object_get(d, "id"))) {
            rc = STORE_NOMEM;
            break;
        }
    }
    json_decref(rec);
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_AUDIT, NULL, 0);
    while (!rc && store_iter_next(&it)) {
        json_error_t err;
        json_t *ev = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!ev) {
            rc = STORE_CORRUPT;
            break;
        }
        if (names_case(ev, case_id, doc_ids))
            rc = fn(ev, ctx);
        json_decref(ev);
    }
    rc = store_iter_end(&it, rc);
    json_decref(doc_ids);
    return rc;
}
