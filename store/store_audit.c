/* store_audit.c - hash-chained audit events. */
#include "store_audit.h"
#include "store_internal.h"

#include "clock.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* hash = SHA-256(prev || text) as 64 hex digits, where text is the canonical form of the event: its
 * compact JSON with sorted keys, without "hash". ctx is reused across a batch (NULL: one of its own). */
static int text_hash(EVP_MD_CTX *ctx, const char *prev, const char *text, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    EVP_MD_CTX *own = ctx ? NULL : EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int ok = (ctx || (ctx = own)) && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, prev, strlen(prev)) && EVP_DigestUpdate(ctx, text, len) &&
             EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(own);
    if (!ok || mdlen != 32)
        return STORE_NOMEM;
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return 0;
}

/* The hash of a parsed event (store_audit_verify): its canonical text made again. */
static int event_hash(json_t *event, const char *prev, char out[65])
{
    json_t *copy = json_copy(event);
    if (!copy)
        return STORE_NOMEM;
    json_object_del(copy, "hash");
    char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(copy);
    if (!text)
        return STORE_NOMEM;
    int rc = text_hash(NULL, prev, text, strlen(text), out);
    free(text);
    return rc;
}

/* The chain's last hash into prev (64 zeros when empty). */
static int last_hash(store *s, MDB_txn *txn, char prev[65])
{
    snprintf(prev, 65, "%s", ZERO_HASH);
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_AUDIT, NULL, 0);
    int rc = 0;
    if (store_iter_next(&it)) {
        json_error_t err;
        json_t *last = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        const char *h = json_string_value(json_object_get(last, "hash"));
        if (h && strlen(h) == 64)
            memcpy(prev, h, 65);
        else
            rc = STORE_CORRUPT;
        json_decref(last);
    }
    return store_iter_end(&it, rc);
}

void store_audit_stamp(int64_t at, int64_t now_ms, char out[AUDIT_AT_SIZE])
{
    int64_t ms = now_ms - at * 1000;
    ms = ms < 0 ? 0 : ms > 999 ? 999 : ms;
    time_t tt = (time_t)at;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char secs[20];
    strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, AUDIT_AT_SIZE, "%s.%03dZ", secs, (int)ms);
}

/* Gives a whole-second "at" (YYYY-MM-DDTHH:MM:SSZ) its milliseconds when it is this request's own
 * second; anything else is left as the caller wrote it (see store_audit.h). */
static int stamp_event(json_t *event, int64_t now_ms)
{
    const char *at = json_string_value(json_object_get(event, "at"));
    if (!at || strlen(at) != 20 || at[19] != 'Z')
        return 0;
    int64_t t = store_audit_parse_time(at);
    if (t <= 0 || now_ms < t * 1000 || now_ms - t * 1000 >= AUDIT_STAMP_LAG_MS)
        return 0;
    char when[AUDIT_AT_SIZE];
    store_audit_stamp(t, now_ms, when);
    return json_object_set_new(event, "at", json_string(when)) ? STORE_NOMEM : 0;
}

/* Appends "hash" to an event's canonical text (which ends in '}'), in place: the stored text is the
 * canonical one plus its hash, so one dump serves both. Its members are then not all in sorted order,
 * which no reader relies on: each parses the text, and store_audit_verify makes the canonical text
 * again from the parse. */
static char *with_hash(char *text, size_t *len, const char hash[65])
{
    static const char member[] = ",\"hash\":\"";
    size_t n = *len, add = sizeof member - 1 + 64 + 2;
    char *t = realloc(text, n + add + 1);
    if (!t) {
        free(text);
        return NULL;
    }
    char *p = t + n - 1; /* over the closing brace */
    memcpy(p, member, sizeof member - 1);
    p += sizeof member - 1;
    memcpy(p, hash, 64);
    memcpy(p + 64, "\"}", 3);
    *len = n - 1 + add; /* the closing brace was overwritten */
    return t;
}

/* Takes an event's "_councils" hint out (store_audit_append_many), remembering each listed case's
 * council in memo (when there is one); a hint that does not fit its targets is dropped unused. */
static void councils_hint(json_t *event, audit_index_memo *memo)
{
    json_t *hint = json_object_get(event, "_councils"), *targets = json_object_get(event, "targets");
    if (!hint)
        return;
    if (memo && json_is_array(hint) && json_array_size(hint) == json_array_size(targets))
        for (size_t i = 0; i < json_array_size(hint); i++) {
            json_int_t id = json_integer_value(json_array_get(targets, i)),
                       council = json_integer_value(json_array_get(hint, i));
            if (id > 0 && council > 0)
                store_audit_memo_case(memo, (uint64_t)id, (uint64_t)council);
        }
    json_object_del(event, "_councils");
}

/* batched: the events' by-case entries go to one run (store_audit_run_write), not DB_AUDIT_CASE, and
 * their other index entries are written sorted at the end (store_audit_keys_write). */
static int append_events(store *s, MDB_txn *txn, json_t *const *events, size_t n, int batched)
{
    if (n == 0)
        return 0;
    char prev[65], hash[65];
    int rc = last_hash(s, txn, prev);
    uint64_t seq = 0;
    if (!rc)
        rc = store_u64_get(s, txn, DB_META, "seq:audit", 9, &seq);
    if (rc == MDB_NOTFOUND)
        rc = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    audit_index_memo *memo = n > 1 || batched ? calloc(1, sizeof *memo) : NULL; /* NULL: nothing remembered */
    if (!ctx)
        rc = STORE_NOMEM;
    int64_t now_ms = clock_now_ms(); /* one reading for the batch: its events keep their order */
    audit_batch batch = {0};
    uint64_t run_id = seq + 1;
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *event = events[i];
        seq++;
        if ((rc = stamp_event(event, now_ms)))
            break;
        json_object_del(event, "hash");
        councils_hint(event, memo);
        if (json_object_set_new(event, "seq", json_integer((json_int_t)seq)) ||
            json_object_set_new(event, "prev", json_string(prev))) {
            rc = STORE_NOMEM;
            break;
        }
        char *text = json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS);
        size_t len = text ? strlen(text) : 0;
        /* never "{}": seq and prev were just set, and with_hash needs a member to follow */
        if (!text || len < 3 || text[len - 1] != '}' || text[len - 2] == '{') {
            free(text);
            rc = STORE_NOMEM;
            break;
        }
        if ((rc = text_hash(ctx, prev, text, len, hash)) || !(text = with_hash(text, &len, hash)) ||
            json_object_set_new(event, "hash", json_string(hash))) {
            free(text);
            rc = rc ? rc : STORE_NOMEM;
            break;
        }
        unsigned char key[8];
        store_key_u64(key, seq);
        MDB_val k = {8, key}, v = {len, text};
        rc = mdb_put(txn, store_dbi(s, DB_AUDIT), &k, &v, MDB_APPEND);
        free(text);
        if (!rc) /* the indexes in the same transaction: an event is never readable by the log alone */
            rc = store_audit_index_event(s, txn, event, seq, memo, batched ? &batch : NULL);
        memcpy(prev, hash, 65);
    }
    EVP_MD_CTX_free(ctx);
    free(memo);
    if (!rc && batched && !(rc = store_audit_keys_write(s, txn, &batch)))
        rc = store_audit_run_write(s, txn, &batch, run_id);
    audit_batch_free(&batch);
    if (!rc)
        rc = store_u64_put(s, txn, DB_META, "seq:audit", 9, seq, 0);
    return rc;
}

int store_audit_append_many(store *s, MDB_txn *txn, json_t *const *events, size_t n)
{
    return append_events(s, txn, events, n, 1);
}

int store_audit_append(store *s, MDB_txn *txn, json_t *event)
{
    return append_events(s, txn, &event, 1, 0);
}

int store_audit_verify(store *s, MDB_txn *txn, uint64_t *count, uint64_t *bad_seq)
{
    *count = 0;
    *bad_seq = 0;
    char prev[65];
    snprintf(prev, sizeof prev, "%s", ZERO_HASH);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_AUDIT, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        json_error_t err;
        json_t *ev = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        uint64_t seq = it.key.mv_size == 8 ? store_u64_from(it.key.mv_data) : 0;
        const char *h = json_string_value(json_object_get(ev, "hash"));
        const char *p = json_string_value(json_object_get(ev, "prev"));
        char want[65];
        int bad = !ev || !h || !p || strcmp(p, prev) != 0 || event_hash(ev, prev, want) != 0 || strcmp(want, h) != 0 ||
                  (uint64_t)json_integer_value(json_object_get(ev, "seq")) != seq;
        if (!bad)
            memcpy(prev, h, 65);
        json_decref(ev);
        if (bad) {
            *bad_seq = seq;
            rc = STORE_CORRUPT;
            break;
        }
        (*count)++;
    }
    return store_iter_end(&it, rc);
}

int store_audit_recent(store *s, MDB_txn *txn, const char *action, size_t limit, json_t **out)
{
    *out = json_array();
    if (!*out)
        return STORE_NOMEM;
    store_iter it;
    store_iter_begin_reverse(&it, s, txn, DB_AUDIT, NULL, 0);
    int rc = 0;
    while (json_array_size(*out) < limit && store_iter_next(&it)) {
        json_error_t err;
        json_t *ev = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!ev) {
            rc = STORE_CORRUPT;
            break;
        }
        const char *a = json_string_value(json_object_get(ev, "action"));
        if (!action || (a && strcmp(a, action) == 0))
            json_array_append(*out, ev);
        json_decref(ev);
    }
    return store_iter_end(&it, rc);
}

static json_t *id_or_null(uint64_t id) { return id ? json_integer((json_int_t)id) : json_null(); }

int store_audit_add(store *s, MDB_txn *txn, const char *at, uint64_t actor, uint64_t org, const char *action,
                    uint64_t target)
{
    json_t *ev = json_pack("{s:s,s:o,s:o,s:s,s:o}", "at", at, "actor", id_or_null(actor), "org", id_or_null(org),
                           "action", action, "target", id_or_null(target));
    if (!ev)
        return STORE_NOMEM;
    int rc = store_audit_append(s, txn, ev);
    json_decref(ev);
    return rc;
}
