/* ref_text.c - {"id","name"} texts of councils and users, kept per thread (ref_text.h). */
#include "ref_text.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "case_view.h"

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
    /* The read snapshot (store_read_snapshot) in which the text was last found to match the stored
     * bytes: within it the record cannot change, so the text is used without reading them again (a
     * page of 50 rows names the same councils and caseworkers again and again). seen 0: none. */
    int seen;
    uint64_t seen_gen, seen_id;
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

void ref_text_clear(void)
{
    pthread_once(&ref_once, ref_key_make);
    ref_table_free(pthread_getspecific(ref_key));
    pthread_setspecific(ref_key, NULL);
}

/* The text of council (kind 1) or user (kind 2) `id`. */
static int ref_text(store *s, MDB_txn *txn, int kind, long long id, json_text *out)
{
    if (kind == 2 && id <= 0) {
        json_text_lit(out, "null");
        return 0;
    }
    uint64_t gen = 0, snap = 0;
    int in_snapshot = store_read_snapshot(s, txn, &gen, &snap) == 0;
    ref_table *t = ref_table_get();
    ref_slot *slot = t ? &t->slot[(((uint64_t)id * 2 + (uint64_t)kind) * 0x9E3779B97F4A7C15ULL) >> 54 & (REF_SLOTS - 1)] : NULL;
    if (slot && slot->kind == kind && slot->id == (uint64_t)id && in_snapshot && slot->seen && slot->seen_gen == gen &&
        slot->seen_id == snap) {
        json_text_lit(out, slot->text);
        return 0;
    }
    unsigned char key[8];
    store_key_u64(key, (uint64_t)id);
    const void *data = NULL;
    size_t len = 0;
    /* Not found (or unreadable): the ref says so with a null name, and is not kept. */
    int found = store_bytes_get(s, txn, kind == 1 ? DB_ORGS : DB_USERS, key, sizeof key, &data, &len) == 0;
    if (!found)
        slot = NULL;
    if (slot && slot->kind == kind && slot->id == (uint64_t)id && slot->len == len && memcmp(slot->bytes, data, len) == 0) {
        json_text_lit(out, slot->text);
        slot->seen = in_snapshot;
        slot->seen_gen = gen;
        slot->seen_id = snap;
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
    *slot = (ref_slot){.kind = kind, .id = (uint64_t)id, .bytes = bytes, .len = len, .text = text,
                       .seen = in_snapshot, .seen_gen = gen, .seen_id = snap};
    return 0;
}

int ref_text_council(store *s, MDB_txn *txn, long long id, json_text *out)
{
    return ref_text(s, txn, 1, id, out);
}

int ref_text_user(store *s, MDB_txn *txn, long long id, json_text *out)
{
    return ref_text(s, txn, 2, id, out);
}

int ref_text_user_slice(store *s, MDB_txn *txn, json_slice v, json_text *out)
{
    if (!v.p || (v.len == 4 && memcmp(v.p, "null", 4) == 0))
        return ref_text_user(s, txn, 0, out);
    long long id = json_slice_uint(v);
    return id < 0 ? REF_TEXT_SHAPE : ref_text_user(s, txn, id, out);
}
