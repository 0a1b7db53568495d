/* case_view_text.c - CASE written from the stored record (case_view_text.h). */
#include "case_view_text.h"

#include <jansson.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include "case_view.h"
#include "json_members.h"
#include "ref_text.h"
#include "store_case.h"

#define SHAPE REF_TEXT_SHAPE /* the record is not of the shape this writer copies: case_view_take() prints it */

/* How one kind of stored object becomes its view (the steps of case_view_take, in its order). */
typedef struct {
    const char *const *fill;        /* put back as null when absent, appended in this order */
    const char *drop;               /* left out, or NULL */
    const char *const *users;       /* user ids turned into {"id","name"} where they stand */
    enum { REL_NONE, REL_FORCE, REL_KEEP } relationship; /* FORCE: set to null where it stands or
                                       appended; KEEP: appended as null only when absent */
    const char *append_user;        /* a user key appended as null when absent, after the fill */
    const char *costs;              /* a member holding an array of objects filled with case_cost_keys */
} shape;

static const char *const closure_users[] = {"closed_by", NULL};
static const char *const doc_users[] = {"uploaded_by", NULL};
static const char *const immigration_users[] = {"updated_by", NULL};
static const char *const reclosure_users[] = {"closed_by", "reopened_by", NULL};

static const shape principal_shape = {.fill = case_person_keys, .relationship = REL_FORCE};
static const shape dependant_shape = {.fill = case_person_keys, .relationship = REL_KEEP};
static const shape immigration_shape = {.fill = case_immigration_keys, .users = immigration_users};
static const shape finance_shape = {.fill = case_finance_keys, .costs = "other_costs"};
static const shape cost_shape = {.fill = case_cost_keys};
static const shape closure_shape = {.fill = case_closure_keys, .drop = "set_support_end", .users = closure_users};
static const shape document_shape = {.fill = case_doc_keys, .users = doc_users};
static const shape reclosure_shape = {.fill = case_closure_keys, .drop = "set_support_end", .users = reclosure_users,
                                      .append_user = "reopened_by"};

static int in_list(json_slice key, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (json_slice_key_is(key, list[i]))
            return 1;
    return 0;
}

static void key_text(json_text *out, int first, const char *key, size_t len)
{
    json_text_lit(out, first ? "\"" : ",\"");
    json_text_raw(out, key, len);
    json_text_lit(out, "\":");
}

static int write_object(store *s, MDB_txn *txn, json_slice obj, const shape *sh, json_text *out);

/* An array whose object elements take shape sh (other elements are copied as they are). */
static int write_array(store *s, MDB_txn *txn, json_slice arr, const shape *sh, json_text *out)
{
    if (arr.len == 0 || arr.p[0] != '[') {
        json_text_raw(out, arr.p, arr.len);
        return 0;
    }
    json_text_lit(out, "[");
    size_t pos = 0;
    json_slice e;
    int r, first = 1, rc = 0;
    while (!rc && (r = json_slice_array_next(arr, &pos, &e)) == 1) {
        if (!first)
            json_text_lit(out, ",");
        first = 0;
        rc = e.p[0] == '{' ? write_object(s, txn, e, sh, out) : (json_text_raw(out, e.p, e.len), 0);
    }
    if (!rc && r < 0)
        rc = SHAPE;
    json_text_lit(out, "]");
    return rc;
}

/* A stored object as its view: the members in their stored order (user ids resolved, the dropped one
 * left out), then those put back as null, as jansson's fill and set would leave them. A value that is
 * not an object is copied as it is (the view changes nothing in it either). */
static int write_object(store *s, MDB_txn *txn, json_slice obj, const shape *sh, json_text *out)
{
    if (obj.len == 0 || obj.p[0] != '{') {
        json_text_raw(out, obj.p, obj.len);
        return 0;
    }
    unsigned seen = 0; /* bit i: fill[i] present */
    int has_relationship = 0, has_append = 0, first = 1, r, rc = 0;
    size_t pos = 0;
    json_slice k, v;
    json_text_lit(out, "{");
    while (!rc && (r = json_slice_object_next(obj, &pos, &k, &v)) == 1) {
        if (memchr(k.p, '\\', k.len))
            return SHAPE; /* jansson would read the key otherwise than the scan compares it */
        if (sh->drop && json_slice_key_is(k, sh->drop))
            continue;
        for (size_t i = 0; sh->fill[i]; i++)
            if (json_slice_key_is(k, sh->fill[i]))
                seen |= 1u << i;
        key_text(out, first, k.p, k.len);
        first = 0;
        if (sh->relationship != REL_NONE && json_slice_key_is(k, "relationship")) {
            has_relationship = 1;
            if (sh->relationship == REL_FORCE) {
                json_text_lit(out, "null");
                continue;
            }
        }
        if (sh->append_user && json_slice_key_is(k, sh->append_user))
            has_append = 1;
        if (in_list(k, sh->users))
            rc = ref_text_user_slice(s, txn, v, out);
        else if (sh->costs && json_slice_key_is(k, sh->costs))
            rc = write_array(s, txn, v, &cost_shape, out);
        else
            json_text_raw(out, v.p, v.len);
    }
    if (rc)
        return rc;
    if (r < 0)
        return SHAPE;
    for (size_t i = 0; sh->fill[i]; i++)
        if (!(seen & 1u << i)) {
            key_text(out, first, sh->fill[i], strlen(sh->fill[i]));
            first = 0;
            json_text_lit(out, "null"); /* a user key filled with null resolves to null */
        }
    if (sh->relationship != REL_NONE && !has_relationship) {
        key_text(out, first, "relationship", 12);
        first = 0;
        json_text_lit(out, "null");
    }
    if (sh->append_user && !has_append) {
        key_text(out, first, sh->append_user, strlen(sh->append_user));
        json_text_lit(out, "null");
    }
    json_text_lit(out, "}");
    return 0;
}

/* The record through jansson, for one this writer does not copy. */
static int view_parsed(store *s, MDB_txn *txn, uint64_t id, uint64_t council, json_text *out)
{
    json_t *rec;
    int rc = store_case_get(s, txn, id, &rec);
    if (rc)
        return rc;
    if (council && (uint64_t)json_integer_value(json_object_get(rec, "council_id")) != council) {
        json_decref(rec);
        return MDB_NOTFOUND;
    }
    return json_text_dump(out, case_view_take(s, txn, rec)) ? STORE_NOMEM : 0;
}

/* The members of the stored record that the view does not show as they are: by name. */
static int member_text(store *s, MDB_txn *txn, const char *name, json_slice v, const json_t *retention_rec,
                       json_text *out)
{
    if (strcmp(name, "principal") == 0)
        return v.p ? write_object(s, txn, v, &principal_shape, out) : (json_text_lit(out, "null"), 0);
    if (strcmp(name, "dependants") == 0)
        return v.p ? write_array(s, txn, v, &dependant_shape, out) : (json_text_lit(out, "null"), 0);
    if (strcmp(name, "immigration") == 0)
        return v.p && v.p[0] == '{' ? write_object(s, txn, v, &immigration_shape, out) : SHAPE;
    if (strcmp(name, "finance") == 0)
        return v.p ? write_object(s, txn, v, &finance_shape, out) : (json_text_lit(out, "null"), 0);
    if (strcmp(name, "closure") == 0)
        return v.p ? write_object(s, txn, v, &closure_shape, out) : (json_text_lit(out, "null"), 0);
    if (strcmp(name, "documents") == 0)
        return v.p ? write_array(s, txn, v, &document_shape, out) : (json_text_lit(out, "null"), 0);
    if (strcmp(name, "previous_closures") == 0)
        return v.p ? write_array(s, txn, v, &reclosure_shape, out) : (json_text_lit(out, "[]"), 0);
    if (strcmp(name, "retention") == 0) {
        return json_text_dump(out, case_retention(s, txn, retention_rec)) ? STORE_NOMEM : 0;
    }
    json_text_slice(out, v);
    return 0;
}

/* What case_retention() reads of a record: its id, council, whether it is closed and its closure date. */
static json_t *retention_members(long long id, long long council, json_slice status, json_slice closure)
{
    json_t *rec = json_pack("{s:I,s:I}", "id", (json_int_t)id, "council_id", (json_int_t)council);
    if (rec && status.p && status.len == 8 && memcmp(status.p, "\"closed\"", 8) == 0 &&
        json_object_set_new(rec, "status", json_string("closed"))) {
        json_decref(rec);
        return NULL;
    }
    static const char *const date_name[] = {"closure_date"};
    json_slice date;
    if (rec && closure.p && closure.p[0] == '{' && json_members_slices(closure.p, closure.len, date_name, 1, &date) == 0 &&
        date.p) {
        json_t *d = json_loadb(date.p, date.len, JSON_DECODE_ANY, NULL);
        if (!d || json_object_set_new(rec, "closure", json_pack("{s:o}", "closure_date", d))) {
            json_decref(rec);
            return NULL;
        }
    }
    return rec;
}

/* Every stored member the view may show, and those it computes from. */
static const char *const names[] = {"id", "council_id", "status", "principal", "dependants", "immigration",
                                    "finance", "closure", "duplicate_of", "caseworker_id", "team", "legislation",
                                    "household_type", "referral_source", "status_at_referral", "address",
                                    "la_involvement", "documents", "previous_closures", "created_at",
                                    "updated_at", "connect_id", "council", "caseworker", "retention"};
enum { N = sizeof names / sizeof names[0], VIEW_KEYS_MAX = 64 };

/* For each key of case_view_order, its index in names (N: none), found once rather than by name on
 * every fetch (a twenty-fifth of a case fetch's time went on those compares). */
static size_t view_slot[VIEW_KEYS_MAX];
static pthread_once_t view_slots_once = PTHREAD_ONCE_INIT;

static void view_slots_find(void)
{
    for (size_t k = 0; k < VIEW_KEYS_MAX && case_view_order[k]; k++) {
        view_slot[k] = N;
        for (size_t i = 0; i < N; i++)
            if (strcmp(names[i], case_view_order[k]) == 0)
                view_slot[k] = i;
    }
}

int case_view_text(store *s, MDB_txn *txn, uint64_t id, uint64_t council, json_text *out)
{
    const void *data;
    size_t len;
    int rc = store_case_bytes(s, txn, id, &data, &len);
    if (rc)
        return rc;
    pthread_once(&view_slots_once, view_slots_find);
    json_slice m[N];
    if (json_members_slices(data, len, names, N, m))
        return view_parsed(s, txn, id, council, out);
    long long case_id = json_slice_uint(m[0]), council_id = json_slice_uint(m[1]);
    /* Members the view makes itself must not be stored (jansson's view would keep their place). */
    if (case_id <= 0 || council_id < 0 || m[21].p || m[22].p || m[23].p || m[24].p)
        return view_parsed(s, txn, id, council, out);
    if (council && (uint64_t)council_id != council)
        return MDB_NOTFOUND;
    json_t *retention_rec = retention_members(case_id, council_id, m[2], m[7]);
    if (!retention_rec)
        return STORE_NOMEM;
    size_t start = out->len;
    rc = 0;
    json_text_lit(out, "{");
    for (size_t k = 0; !rc && case_view_order[k]; k++) {
        const char *name = case_view_order[k];
        key_text(out, k == 0, name, strlen(name));
        if (strcmp(name, "connect_id") == 0) {
            json_text_lit(out, "\"C");
            json_text_raw(out, m[0].p, m[0].len);
            json_text_lit(out, "\"");
        } else if (strcmp(name, "council") == 0) {
            rc = ref_text_council(s, txn, council_id, out);
        } else if (strcmp(name, "caseworker") == 0) {
            rc = ref_text_user_slice(s, txn, m[9], out);
        } else {
            json_slice v = {NULL, 0};
            if (k < VIEW_KEYS_MAX && view_slot[k] < N)
                v = m[view_slot[k]];
            rc = member_text(s, txn, name, v, retention_rec, out);
        }
    }
    json_text_lit(out, "}");
    json_decref(retention_rec);
    if (rc == SHAPE) {
        out->len = start; /* what was written so far goes: the parsed view replaces it */
        return view_parsed(s, txn, id, council, out);
    }
    return rc ? rc : out->failed ? STORE_NOMEM : 0;
}
