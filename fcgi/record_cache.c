/* record_cache.c - per-thread caches of verified tokens and parsed records (see record_cache.h). */
#include "record_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TOKENS 16  /* sessions a thread remembers: recent users of the service */
/* Users and organisations: a national list names a hundred councils and their caseworkers on every
 * page, so the table holds a few thousand, one slot per (table, id) (a power of two). */
#define RECORDS 4096

typedef struct {
    char *token; /* NUL-terminated copy */
    size_t len;
    auth_claims claims;
} token_entry;

typedef struct {
    store_db db;
    uint64_t id;
    unsigned char *bytes; /* what rec was parsed from */
    size_t len;
    json_t *rec;
} record_entry;

typedef struct {
    token_entry tokens[TOKENS];
    size_t next_token; /* the slot a new token takes: oldest first */
    record_entry records[RECORDS];
} thread_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
    thread_cache *c = p;
    if (!c)
        return;
    for (size_t i = 0; i < TOKENS; i++)
        free(c->tokens[i].token);
    for (size_t i = 0; i < RECORDS; i++) {
        free(c->records[i].bytes);
        json_decref(c->records[i].rec);
    }
    free(c);
}

static void cache_key_make(void) { (void)pthread_key_create(&cache_key, cache_free); }

/* This thread's cache, made on first use; NULL when out of memory (then nothing is cached). */
static thread_cache *cache(void)
{
    pthread_once(&cache_once, cache_key_make);
    thread_cache *c = pthread_getspecific(cache_key);
    if (!c && (c = calloc(1, sizeof *c)) && pthread_setspecific(cache_key, c) != 0) {
        free(c);
        c = NULL;
    }
    return c;
}

void record_cache_clear(void)
{
    pthread_once(&cache_once, cache_key_make);
    cache_free(pthread_getspecific(cache_key));
    pthread_setspecific(cache_key, NULL);
}

int record_cache_token(const char *token, auth_claims *claims)
{
    thread_cache *c = cache();
    if (!c || !token)
        return 0;
    size_t len = strlen(token);
    for (size_t i = 0; i < TOKENS; i++) {
        token_entry *e = &c->tokens[i];
        if (e->token && e->len == len && memcmp(e->token, token, len) == 0) {
            *claims = e->claims;
            return 1;
        }
    }
    return 0;
}

void record_cache_token_put(const char *token, const auth_claims *claims)
{
    thread_cache *c = cache();
    if (!c || !token)
        return;
    char *copy = strdup(token);
    if (!copy)
        return;
    token_entry *e = &c->tokens[c->next_token];
    c->next_token = (c->next_token + 1) % TOKENS;
    free(e->token);
    e->token = copy;
    e->len = strlen(copy);
    e->claims = *claims;
}

int record_cache_get(store *s, MDB_txn *txn, store_db db, uint64_t id, json_t **out)
{
    *out = NULL;
    unsigned char key[8];
    store_key_u64(key, id);
    const void *data;
    size_t len;
    int rc = store_bytes_get(s, txn, db, key, sizeof key, &data, &len);
    if (rc)
        return rc;
    thread_cache *c = cache();
    /* Direct-mapped: the record's one slot holds it, or another record it then replaces. */
    record_entry *slot = c ? &c->records[((id ^ (uint64_t)db << 40) * 0x9E3779B97F4A7C15ULL) >> 52 & (RECORDS - 1)] : NULL;
    if (slot && slot->rec && slot->db == db && slot->id == id && slot->len == len &&
        memcmp(slot->bytes, data, len) == 0) {
        *out = json_incref(slot->rec);
        return 0;
    }
    json_error_t err;
    json_t *rec = json_loadb(data, len, 0, &err);
    if (!rec)
        return STORE_CORRUPT;
    *out = rec;
    unsigned char *bytes = c ? malloc(len ? len : 1) : NULL;
    if (!bytes)
        return 0; /* not cached, still answered */
    memcpy(bytes, data, len);
    free(slot->bytes);
    json_decref(slot->rec);
    *slot = (record_entry){.db = db, .id = id, .bytes = bytes, .len = len, .rec = json_incref(rec)};
    return 0;
}
