/* case_summary_text.c - CASE_SUMMARY written from the stored bytes (case_summary_text.h). */
#include "case_summary_text.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "case_view.h"
#include "json_members.h"
#include "store_case.h"

enum { M_ID, M_COUNCIL, M_STATUS, M_GIVEN, M_FAMILY, M_DOB, M_NATIONALITY, M_DEPENDANTS, M_CASEWORKER, M_TEAM,
       M_LEGISLATION, M_UPDATED, M_COUNT };

static const char *const members[M_COUNT] = {
    [M_ID] = "id",
    [M_COUNCIL] = "council_id",
    [M_STATUS] = "status",
    [M_GIVEN] = "principal.given_names",
    [M_FAMILY] = "principal.family_name",
    [M_DOB] = "principal.date_of_birth",
    [M_NATIONALITY] = "principal.nationality",
    [M_DEPENDANTS] = "dependants",
    [M_CASEWORKER] = "caseworker_id",
    [M_TEAM] = "team",
    [M_LEGISLATION] = "legislation",
    [M_UPDATED] = "updated_at",
};

/* A whole number of up to 18 digits, as jansson prints a positive integer; -1 otherwise. */
static long long digits_value(json_slice v)
{
    if (!v.p || v.len == 0 || v.len > 18 || (v.len > 1 && v.p[0] == '0'))
        return -1;
    long long n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return -1;
        n = n * 10 + (v.p[i] - '0');
    }
    return n;
}

/* The {"id","name"} texts this thread has printed, one slot per (kind, id), each with the stored bytes
 * of the record it was made from: a text is used again only while those bytes are unchanged (the
 * rule of fcgi/record_cache.h), so a renamed council or caseworker shows at once. */
#define REF_SLOTS 1024

typedef struct {
    int kind; /* 0: empty, 1: council, 2: user */
    uint64_t id;
    unsigned char *bytes;
    size_t len;
    char *text;
} ref_slot;

typedef struct {
    ref_slot slot[REF_SLOTS];
} ref_table;

static pthread_key_t ref_key;
static pthread_once_t ref_once = PTHREAD_ONCE_INIT;

static void ref_table_free(void *p)
{
    ref_table *t = p;
    for (size_t i = 0; t && i < REF_SLOTS; i++) {
        free(t->slot[i].bytes);
        free(t->slot[i].text);
    }
    free(t);
}

static void ref_key_make(void) { (void)pthread_key_create(&ref_key, ref_table_free); }

/* This thread's table, made on first use; NULL when out of memory (then nothing is kept). */
static ref_table *ref_table_get(void)
{
    pthread_once(&ref_once, ref_key_make);
    ref_table *t = pthread_getspecific(ref_key);
    if (!t && (t = calloc(1, sizeof *t)) && pthread_setspecific(ref_key, t) != 0) {
        free(t);
        t = NULL;
    }
    return t;
}

void case_summary_text_clear(void)
{
    pthread_once(&ref_once, ref_key_make);
    ref_table_free(pthread_getspecific(ref_key));
    pthread_setspecific(ref_key, NULL);
}

/* The {"id","name"} text of council (kind 1) or user (kind 2) `id`, as case_summary() prints it. */
static int ref_text(store *s, MDB_txn *txn, int kind, long long id, json_text *out)
{
    if (kind == 2 && id <= 0) {
        json_text_lit(out, "null");
        return 0;
    }
    unsigned char key[8];
    store_key_u64(key, (uint64_t)id);
    const void *data = NULL;
    size_t len = 0;
    /* Not found (or unreadable): the ref says so with a null name, and is not kept. */
    int found = store_bytes_get(s, txn, kind == 1 ? DB_ORGS : DB_USERS, key, sizeof key, &data, &len) == 0;
    ref_table *t = found ? ref_table_get() : NULL;
    ref_slot *slot = t ? &t->slot[(((uint64_t)id * 2 + (uint64_t)kind) * 0x9E3779B97F4A7C15ULL) >> 54 & (REF_SLOTS - 1)] : NULL;
    if (slot && slot->kind == kind && slot->id == (uint64_t)id && slot->len == len && memcmp(slot->bytes, data, len) == 0) {
        json_text_lit(out, slot->text);
        return 0;
    }
    json_t *ref;
    if (kind == 1) {
        json_t *rec = json_pack("{s:I}", "council_id", (json_int_t)id);
        ref = rec ? case_council_ref(s, txn, rec) : NULL;
        json_decref(rec);
    } else {
        json_t *uid = json_integer(id);
        ref = uid ? case_user_ref(s, txn, uid) : NULL;
        json_decref(uid);
    }
    char *text = ref ? json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(ref);
    if (!text)
        return STORE_NOMEM;
    json_text_lit(out, text);
    unsigned char *bytes = slot ? malloc(len ? len : 1) : NULL;
    if (!bytes) {
        free(text);
        return 0;
    }
    memcpy(bytes, data, len);
    free(slot->bytes);
    free(slot->text);
    *slot = (ref_slot){.kind = kind, .id = (uint64_t)id, .bytes = bytes, .len = len, .text = text};
    return 0;
}

static void value_or_null(json_text *out, json_slice v)
{
    if (v.p)
        json_text_raw(out, v.p, v.len);
    else
        json_text_lit(out, "null");
}

/* The record through jansson, for a text the scan cannot read. */
static int summary_parsed(store *s, MDB_txn *txn, uint64_t id, json_text *out)
{
    json_t *rec;
    int rc = store_case_get(s, txn, id, &rec);
    if (rc)
        return rc;
    json_t *summary = case_summary(s, txn, rec, NULL, NULL);
    json_decref(rec);
    char *text = summary ? json_dumps(summary, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(summary);
    if (!text)
        return STORE_NOMEM;
    json_text_lit(out, text);
    free(text);
    return 0;
}

int case_summary_text(store *s, MDB_txn *txn, uint64_t id, json_text *out)
{
    const void *data;
    size_t len;
    unsigned char key[8];
    store_key_u64(key, id);
    int rc = store_bytes_get(s, txn, DB_CASES, key, sizeof key, &data, &len);
    if (rc)
        return rc;
    json_slice m[M_COUNT];
    long long case_id, council = -1, worker = 0;
    long deps = 0;
    if (json_members_slices(data, len, members, M_COUNT, m) || (case_id = digits_value(m[M_ID])) <= 0 ||
        (council = digits_value(m[M_COUNCIL])) < 0 || (m[M_CASEWORKER].p && (worker = digits_value(m[M_CASEWORKER])) < 0) ||
        (m[M_DEPENDANTS].p && (deps = json_slice_count(m[M_DEPENDANTS])) < 0))
        return summary_parsed(s, txn, id, out);
    json_text_lit(out, "{\"id\":");
    json_text_raw(out, m[M_ID].p, m[M_ID].len);
    json_text_lit(out, ",\"connect_id\":\"C");
    json_text_raw(out, m[M_ID].p, m[M_ID].len);
    json_text_lit(out, "\",\"council\":");
    if ((rc = ref_text(s, txn, 1, council, out)))
        return rc;
    json_text_lit(out, ",\"status\":");
    value_or_null(out, m[M_STATUS]);
    /* The stored strings' characters are already escaped: joined, they are one valid string. */
    json_slice given = json_slice_string_body(m[M_GIVEN]), family = json_slice_string_body(m[M_FAMILY]);
    json_text_lit(out, ",\"name\":\"");
    json_text_raw(out, given.p, given.len);
    json_text_lit(out, " ");
    json_text_raw(out, family.p, family.len);
    json_text_lit(out, "\",\"date_of_birth\":");
    value_or_null(out, m[M_DOB]);
    json_text_lit(out, ",\"nationality\":");
    value_or_null(out, m[M_NATIONALITY]);
    json_text_lit(out, ",\"dependants\":");
    json_text_u64(out, (uint64_t)deps);
    json_text_lit(out, ",\"caseworker\":");
    if ((rc = ref_text(s, txn, 2, worker, out)))
        return rc;
    json_text_lit(out, ",\"team\":");
    value_or_null(out, m[M_TEAM]);
    json_text_lit(out, ",\"legislation\":");
    value_or_null(out, m[M_LEGISLATION]);
    json_text_lit(out, ",\"updated_at\":");
    value_or_null(out, m[M_UPDATED]);
    json_text_lit(out, "}");
    return out->failed ? STORE_NOMEM : 0;
}
