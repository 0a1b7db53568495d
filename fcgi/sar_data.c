/* sar_data.c - the subject access document (sar_data.h). */
#include "sar_data.h"
#include "json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_view.h"
#include "http.h"
#include "rtpf.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_lookup.h"
#include "store_org.h"
#include "store_user.h"
#include "store_work.h"
#include "work.h"

typedef struct {
    store *s;
    MDB_txn *txn;
    int names;
    int err;
} sar_ctx;

/* A member of staff as the export shows them: the organisation and role always, the name only on
 * request. Deleted users keep their record, so old events still resolve. */
static json_t *staff_ref(sar_ctx *c, uint64_t uid, uint64_t org_hint)
{
    json_t *u = NULL, *org = NULL;
    if (uid && store_user_get(c->s, c->txn, uid, &u))
        u = NULL;
    uint64_t org_id = u ? json_get_u64(u, "org_id") : org_hint;
    if (org_id && store_org_get(c->s, c->txn, org_id, &org))
        org = NULL;
    json_t *ref = json_pack("{s:o,s:o,s:o}", "organisation", org ? json_incref(json_object_get(org, "name")) : json_null(),
                            "organisation_kind", org ? json_incref(json_object_get(org, "kind")) : json_null(), "role",
                            u ? json_incref(json_object_get(u, "role")) : json_null());
    if (ref && c->names && json_object_set_new(ref, "name", u ? json_incref(json_object_get(u, "name")) : json_null()))
        ref = (json_decref(ref), NULL);
    if (!ref)
        c->err = 1;
    json_decref(u);
    json_decref(org);
    return ref ? ref : json_null();
}

/* Every member naming a user (by id, or as {"id","name"} from the API's views) becomes a staff
 * reference, wherever it sits: one rule for the whole document, so no view can leak a name. */
static void redact(sar_ctx *c, json_t *v)
{
    static const char *const keys[] = {"by", "raised_by", "cleared_by", "closed_by", "caseworker", "uploaded_by",
                                       "updated_by", "reopened_by", "recorded_by", "user", NULL};
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) redact(c, e);
        return;
    }
    if (!json_is_object(v))
        return;
    const char *k;
    json_t *e;
    void *tmp;
    json_object_foreach_safe(v, tmp, k, e) {
        int is_user = 0;
        for (const char *const *p = keys; *p && !is_user; p++)
            is_user = strcmp(k, *p) == 0;
        uint64_t uid = json_is_integer(e) ? (uint64_t)json_integer_value(e)
                       : json_is_object(e) && json_is_integer(json_object_get(e, "id")) && json_object_get(e, "name")
                           ? json_get_u64(e, "id")
                           : 0;
        if (is_user && uid) {
            if (json_object_set_new(v, k, staff_ref(c, uid, 0)))
                c->err = 1;
        } else {
            redact(c, e);
        }
    }
}

static int set(sar_ctx *c, json_t *o, const char *k, json_t *v)
{
    if (!v || json_object_set_new(o, k, v)) {
        c->err = 1;
        return -1;
    }
    return 0;
}

static const json_t *find_person(const json_t *rec, uint64_t pid, int *principal)
{
    const json_t *p = json_object_get(rec, "principal");
    *principal = 1;
    if (json_get_u64(p, "id") == pid)
        return p;
    *principal = 0;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "dependants"), i, d) if (json_get_u64(d, "id") == pid) return d;
    return NULL;
}

/* The case as a whole (the household's record), without the other people on it. */
static json_t *case_part(sar_ctx *c, const json_t *rec)
{
    json_t *view = case_view(c->s, c->txn, rec);
    if (!view) {
        c->err = 1;
        return json_null();
    }
    json_object_del(view, "principal");
    json_object_del(view, "dependants");
    json_object_del(view, "documents");
    return view;
}

static int doc_is_persons(const json_t *doc, uint64_t pid) { return json_get_u64(doc, "person_id") == pid; }

/* Only the person's element of a whole-array value (a history row of "dependants" or "documents"). */
static json_t *only_person(const json_t *a, uint64_t pid, const char *idkey)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) if (out && json_get_u64(e, idkey) == pid && json_array_append(out, e))
        out = (json_decref(out), NULL);
    return out;
}

/* Whether a history row concerns the person: their own fields, their documents, and the case's own
 * fields (status, finance, immigration, closure ...), never another person's. NULL: not theirs;
 * otherwise the row to show (whole-array values cut down to the person). */
static json_t *history_row(const json_t *row, uint64_t pid, int principal)
{
    const char *f = json_get_str_or(row, "field", "");
    char buf[32];
    if (strncmp(f, "principal", 9) == 0 && (f[9] == '\0' || f[9] == '.'))
        return principal ? json_deep_copy(row) : NULL;
    const char *idkey = NULL;
    if (strcmp(f, "dependants") == 0)
        idkey = "id";
    else if (strcmp(f, "documents") == 0)
        idkey = "person_id";
    if (idkey) {
        json_t *o = only_person(json_object_get(row, "old"), pid, idkey),
               *n = only_person(json_object_get(row, "new"), pid, idkey);
        json_t *copy = json_deep_copy(row);
        int keep = o && n && copy && (json_array_size(o) || json_array_size(n));
        if (keep && (json_object_set(copy, "old", o) || json_object_set(copy, "new", n)))
            keep = 0;
        json_decref(o);
        json_decref(n);
        if (!keep)
            json_decref(copy);
        return keep ? copy : NULL;
    }
    if (strncmp(f, "dependants.", 11) == 0) {
        snprintf(buf, sizeof buf, "dependants.%llu", (unsigned long long)pid);
        size_t n = strlen(buf);
        return strncmp(f, buf, n) == 0 && (f[n] == '\0' || f[n] == '.') ? json_deep_copy(row) : NULL;
    }
    if (strncmp(f, "documents.", 10) == 0) {
        const json_t *d = json_object_get(row, json_is_object(json_object_get(row, "new")) ? "new" : "old");
        return json_is_object(d) && doc_is_persons(d, pid) ? json_deep_copy(row) : NULL;
    }
    return json_deep_copy(row);
}

static json_t *history_part(sar_ctx *c, uint64_t case_id, uint64_t pid, int principal)
{
    json_t *out = json_array();
    uint64_t before = 0;
    do {
        json_t *items = NULL;
        uint64_t next = 0;
        size_t total = 0;
        if (!out || store_case_history_list(c->s, c->txn, case_id, before, 500, &items, &next, &total)) {
            c->err = 1;
            json_decref(items);
            break;
        }
        size_t i;
        json_t *row;
        json_array_foreach(items, i, row) {
            json_t *keep = history_row(row, pid, principal);
            if (keep && json_array_append_new(out, keep))
                c->err = 1;
        }
        json_decref(items);
        before = next;
    } while (before && !c->err);
    return out ? out : json_null();
}

static json_t *documents_part(sar_ctx *c, const json_t *rec, uint64_t pid)
{
    json_t *view = case_view(c->s, c->txn, rec), *out = json_array();
    size_t i, n = 0;
    json_t *d;
    json_array_foreach(view ? json_object_get(view, "documents") : NULL, i, d) {
        if (!doc_is_persons(d, pid))
            continue;
        char safe[220], file[260];
        sar_safe_filename(json_get_str_or(d, "filename", "document"), safe, sizeof safe);
        snprintf(file, sizeof file, "documents/%zu-%s", ++n, safe);
        if (!out || set(c, d, "file", json_string(file)) || json_array_append(out, d))
            c->err = 1;
    }
    if (!view)
        c->err = 1;
    json_decref(view);
    return out ? out : json_null();
}

static json_t *work_part(sar_ctx *c, uint64_t case_id, char kind, const char *today)
{
    json_t *items = NULL, *out = json_array();
    if (!out || store_work_of_case(c->s, c->txn, case_id, kind, &items)) {
        c->err = 1;
        json_decref(items);
        return out ? out : json_null();
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *v = kind == 'q' ? work_query_view(c->s, c->txn, it, today, 1) : work_alert_view(c->s, c->txn, it, today);
        /* The lists' name of the principal applicant is another person's data in a dependant's export
         * (and the principal's own is in the person part): never here. */
        if (v)
            json_object_del(v, "principal");
        if (!v || json_array_append_new(out, v))
            c->err = 1;
    }
    json_decref(items);
    return out;
}

/* RTPF look-ups of the person's identity documents: the log keeps only a keyed hash of each
 * number, so the person's numbers are hashed the same way and matched. */
static json_t *lookups_part(sar_ctx *c, const json_t *docs)
{
    const char *hashes[64];
    char buf[64][65];
    const char *names[64];
    size_t n = 0, i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        const char *t = json_get_str(d, "document_type"), *num = json_get_str(d, "document_number");
        if (t && num && n < 64 && rtpf_number_hash(t, num, buf[n]) == 0) {
            hashes[n] = buf[n];
            names[n++] = json_get_str_or(d, "filename", "");
        }
    }
    json_t *rows = NULL, *out = json_array();
    if (!out || store_lookup_matching(c->s, c->txn, hashes, n, &rows)) {
        c->err = 1;
        return out ? out : json_null();
    }
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *h = json_get_str_or(row, "number_hash", "");
        const char *doc = "";
        for (size_t k = 0; k < n; k++)
            if (strcmp(h, hashes[k]) == 0)
                doc = names[k];
        json_t *v = json_pack("{s:O,s:o,s:O,s:s,s:O}", "at", json_object_get(row, "at"), "by",
                              staff_ref(c, json_get_u64(row, "user_id"), json_get_u64(row, "org_id")), "document_type",
                              json_object_get(row, "document_type"), "document", doc, "matched",
                              json_object_get(row, "matched"));
        if (!v || json_array_append_new(out, v))
            c->err = 1;
    }
    json_decref(rows);
    return out;
}

/* A disclosure is an event by which the case's data left Connect to someone's screen or disk. */
static int is_disclosure(const char *a)
{
    static const char *const ends[] = {"_viewed", "_listed", "_downloaded", "_exported", NULL};
    size_t n = strlen(a);
    for (const char *const *e = ends; *e; e++) {
        size_t m = strlen(*e);
        if (n > m && strcmp(a + n - m, *e) == 0)
            return 1;
    }
    return 0;
}

typedef struct {
    sar_ctx *c;
    json_t *out;
} trail_ctx;

static int trail_event(const json_t *ev, void *arg)
{
    trail_ctx *t = arg;
    const char *a = json_get_str_or(ev, "action", "");
    if (!is_disclosure(a))
        return 0;
    json_t *v = json_pack("{s:O,s:s,s:o}", "at", json_object_get(ev, "at"), "action", a, "by",
                          staff_ref(t->c, json_get_u64(ev, "actor"), json_get_u64(ev, "org")));
    if (!v || json_array_append_new(t->out, v))
        return STORE_NOMEM;
    return 0;
}

json_t *sar_shared_view(store *s, MDB_txn *txn, const json_t *item)
{
    json_t *v = json_deep_copy(item);
    if (v && json_object_set_new(v, "recorded_by", case_user_ref(s, txn, json_object_get(item, "recorded_by"))))
        v = (json_decref(v), NULL);
    return v;
}

json_t *sar_shared_list(store *s, MDB_txn *txn, const json_t *rec)
{
    json_t *out = json_array();
    const json_t *list = json_object_get(rec, "shared_with_person");
    for (size_t i = json_array_size(list); out && i-- > 0;) {
        json_t *v = sar_shared_view(s, txn, json_array_get(list, i));
        if (!v || json_array_append_new(out, v))
            out = (json_decref(out), NULL);
    }
    return out;
}

json_t *sar_build(store *s, MDB_txn *txn, const json_t *rec, const sar_request *q, int *status)
{
    sar_ctx c = {.s = s, .txn = txn, .names = q->staff_names};
    int principal;
    const json_t *person = find_person(rec, q->person_id, &principal);
    if (!person) {
        *status = 404;
        return NULL;
    }
    *status = 500;
    char at[21];
    http_iso_time(q->now, at);
    json_t *doc = json_object();
    if (!doc)
        return NULL;
    json_t *p = json_deep_copy(person);
    if (p && !json_object_get(p, "relationship"))
        json_object_set_new(p, "relationship", json_null());
    set(&c, doc, "produced_at", json_string(at));
    set(&c, doc, "produced_by", staff_ref(&c, q->by_uid, 0));
    set(&c, doc, "staff_names", json_boolean(q->staff_names));
    set(&c, doc, "person_role", json_string(principal ? "principal_applicant" : "dependant"));
    set(&c, doc, "person", p);
    set(&c, doc, "case", case_part(&c, rec));
    set(&c, doc, "history", history_part(&c, q->case_id, q->person_id, principal));
    json_t *docs = documents_part(&c, rec, q->person_id);
    set(&c, doc, "documents", docs);
    set(&c, doc, "queries", work_part(&c, q->case_id, 'q', q->today));
    set(&c, doc, "alerts", work_part(&c, q->case_id, 'a', q->today));
    set(&c, doc, "rtpf_lookups", lookups_part(&c, docs));
    set(&c, doc, "shared_with_person", sar_shared_list(s, txn, rec));
    trail_ctx t = {&c, json_array()};
    if (!t.out || store_audit_case_each(s, txn, q->case_id, trail_event, &t))
        c.err = 1;
    set(&c, doc, "disclosures", t.out ? t.out : json_null());
    /* produced_by is a staff reference already; everything else is brought under the one rule. */
    json_t *by = json_incref(json_object_get(doc, "produced_by"));
    redact(&c, doc);
    if (by && json_object_set_new(doc, "produced_by", by))
        c.err = 1;
    if (c.err) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

void sar_safe_filename(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && n + 1 < cap; p++) {
        unsigned char ch = *p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                 ch == '_' || (ch == '.' && n > 0) || ch >= 0x80;
        out[n++] = ok ? (char)ch : '_';
    }
    /* Never cut a UTF-8 sequence in half. */
    while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80) {
        size_t k = n - 1;
        while (k > 0 && ((unsigned char)out[k] & 0xC0) == 0x80)
            k--;
        unsigned char lead = (unsigned char)out[k];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - k == want)
            break;
        n = k;
    }
    if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
        n--;
    out[n] = '\0';
    if (n == 0 && cap > 1)
        snprintf(out, cap, "document");
}
