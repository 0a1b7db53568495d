/* row_cache.c - list rows kept for the read snapshot they were written in (row_cache.h). */
#include "row_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS (2 * ROW_CACHE_ROWS) /* a power of two: open addressing, half full at most */
#define DAY_MAX 16

typedef struct {
    uint64_t id, extra;
    size_t off, len;   /* the row's text in the cache's buffer */
    char kind;         /* 0: empty */
    char day[DAY_MAX]; /* "" for a row no day changes */
} row_slot;

typedef struct {
    uint64_t gen, snap; /* the snapshot (store_read_snapshot) the rows were written in; gen 0 (a new
                         * table): none, since a store's generation counts from 1 */
    size_t rows;
    row_slot slot[SLOTS];
    char *text;
    size_t text_len, text_cap;
} row_table;

static pthread_key_t row_key;
static pthread_once_t row_once = PTHREAD_ONCE_INIT;

static void row_table_free(void *p)
{
    row_table *t = p;
    if (t)
        free(t->text);
    free(t);
}

static void row_key_make(void) { (void)pthread_key_create(&row_key, row_table_free); }

/* This thread's rows for txn's snapshot, emptied first when they were another snapshot's; NULL when
 * txn is not this thread's read transaction, the day does not fit a slot, or there is no memory.
 * Rows of every day share the table (a thread serves case lists and work lists in turn): the day is
 * part of a row's key, not a reason to empty it. */
static row_table *rows_for(store *s, MDB_txn *txn, const char *day)
{
    uint64_t gen, snap;
    if (store_read_snapshot(s, txn, &gen, &snap) != 0 || strlen(day) >= DAY_MAX)
        return NULL;
    pthread_once(&row_once, row_key_make);
    row_table *t = pthread_getspecific(row_key);
    if (!t) {
        if (!(t = calloc(1, sizeof *t)))
            return NULL;
        if (pthread_setspecific(row_key, t) != 0) {
            free(t);
            return NULL;
        }
    }
    if (t->gen != gen || t->snap != snap) {
        if (t->rows)
            memset(t->slot, 0, sizeof t->slot);
        t->rows = 0;
        t->text_len = 0;
        t->gen = gen;
        t->snap = snap;
    }
    return t;
}

/* The slot of (kind, id, day): its own when kept, else the empty one where it would go. */
static row_slot *slot_of(row_table *t, char kind, uint64_t id, const char *day)
{
    size_t i = (size_t)(((id << 8 | (unsigned char)kind) * 0x9E3779B97F4A7C15ULL) >> 40) & (SLOTS - 1);
    while (t->slot[i].kind && !(t->slot[i].kind == kind && t->slot[i].id == id && strcmp(t->slot[i].day, day) == 0))
        i = (i + 1) & (SLOTS - 1);
    return &t->slot[i];
}

int row_cache_get(store *s, MDB_txn *txn, char kind, uint64_t id, const char *day, json_text *out, uint64_t *extra)
{
    if (!day)
        day = "";
    row_table *t = rows_for(s, txn, day);
    if (!t || !t->rows)
        return 0;
    const row_slot *r = slot_of(t, kind, id, day);
    if (!r->kind)
        return 0;
    json_text_raw(out, t->text + r->off, r->len);
    if (extra)
        *extra = r->extra;
    return 1;
}

void row_cache_put(store *s, MDB_txn *txn, char kind, uint64_t id, const char *day, const json_text *out,
                   size_t start, uint64_t extra)
{
    if (out->failed || start > out->len || !kind)
        return;
    if (!day)
        day = "";
    size_t len = out->len - start;
    row_table *t = rows_for(s, txn, day);
    if (!t || t->rows >= ROW_CACHE_ROWS || len > ROW_CACHE_BYTES - t->text_len)
        return;
    row_slot *r = slot_of(t, kind, id, day);
    if (r->kind)
        return; /* kept already */
    if (t->text_len + len > t->text_cap) {
        size_t cap = t->text_cap ? t->text_cap : 64 * 1024;
        while (cap < t->text_len + len)
            cap *= 2;
        if (cap > ROW_CACHE_BYTES)
            cap = ROW_CACHE_BYTES;
        char *grown = realloc(t->text, cap);
        if (!grown)
            return;
        t->text = grown;
        t->text_cap = cap;
    }
    memcpy(t->text + t->text_len, out->p + start, len);
    *r = (row_slot){.id = id, .extra = extra, .off = t->text_len, .len = len, .kind = kind};
    strcpy(r->day, day); /* fits: rows_for checked it */
    t->text_len += len;
    t->rows++;
}

void row_cache_clear(void)
{
    pthread_once(&row_once, row_key_make);
    row_table_free(pthread_getspecific(row_key));
    pthread_setspecific(row_key, NULL);
}
