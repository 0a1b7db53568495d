/* store_outbox.c - the email outbox (see store_outbox.h). */
#include "store_outbox.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "uk_time.h"

/* The first working-hours instant at or after t, by the stored calendar. */
static int working_time(store *s, MDB_txn *txn, int64_t t, int64_t *out)
{
    calendar cal;
    char err[160];
    int rc = calendar_store_get(s, txn, &cal, err, sizeof err);
    if (rc)
        return rc;
    *out = uk_next_working_time(&cal, t);
    calendar_free(&cal);
    return 0;
}

int store_outbox_add(store *s, MDB_txn *txn, const char *to, const char *subject, const char *body, int64_t now)
{
    int64_t not_before;
    int rc = working_time(s, txn, now, &not_before);
    if (rc)
        return rc;
    char at[21];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    uint64_t id;
    if ((rc = store_seq_next(s, txn, "outbox", &id)))
        return rc;
    json_t *msg = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:i}", "to", to, "subject", subject, "body", body,
                            "created_at", at, "not_before", (json_int_t)not_before, "next_at",
                            (json_int_t)not_before, "attempts", 0);
    if (!msg)
        return STORE_NOMEM;
    unsigned char key[8];
    store_key_u64(key, id);
    rc = store_json_put(s, txn, DB_OUTBOX, key, 8, msg);
    json_decref(msg);
    return rc;
}

/* Due and free at now: its retry time has come and no sender's lease holds it. */
static int available(const json_t *m, int64_t now)
{
    return json_integer_value(json_object_get(m, "next_at")) <= now &&
           json_integer_value(json_object_get(m, "lease_until")) <= now; /* 0 when never claimed */
}

int store_outbox_next_due(store *s, MDB_txn *txn, int64_t now, uint64_t *id, json_t **msg)
{
    *msg = NULL;
    *id = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_OUTBOX, NULL, 0);
    int rc = MDB_NOTFOUND; /* none due */
    while (store_iter_next(&it)) {
        json_error_t err;
        json_t *m = it.key.mv_size == 8 ? json_loadb(it.val.mv_data, it.val.mv_size, 0, &err) : NULL;
        if (!m) {
            rc = STORE_CORRUPT;
            break;
        }
        if (available(m, now)) {
            *id = store_u64_from(it.key.mv_data);
            *msg = m;
            rc = 0;
            break;
        }
        json_decref(m);
    }
    int walk = store_iter_end(&it, 0);
    return walk ? walk : rc;
}

int store_outbox_claim(store *s, MDB_txn *txn, int64_t now, int64_t owner, int64_t lease, uint64_t *id, json_t **msg)
{
    int rc = store_outbox_next_due(s, txn, now, id, msg);
    if (rc)
        return rc;
    if (json_object_set_new(*msg, "claimed_by", json_integer((json_int_t)owner)) ||
        json_object_set_new(*msg, "lease_until", json_integer((json_int_t)(now + lease))))
        rc = STORE_NOMEM;
    unsigned char key[8];
    store_key_u64(key, *id);
    if (!rc)
        rc = store_json_put(s, txn, DB_OUTBOX, key, 8, *msg);
    if (rc) {
        json_decref(*msg);
        *msg = NULL;
        *id = 0;
    }
    return rc;
}

int store_outbox_done(store *s, MDB_txn *txn, uint64_t id)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_del(s, txn, DB_OUTBOX, key, 8);
}

int64_t store_outbox_backoff(int64_t attempts)
{
    int64_t wait = STORE_OUTBOX_FIRST_RETRY;
    for (int64_t i = 1; i < attempts && wait < STORE_OUTBOX_MAX_RETRY; i++)
        wait *= 2;
    return wait < STORE_OUTBOX_MAX_RETRY ? wait : STORE_OUTBOX_MAX_RETRY;
}

/* Copies at most cap-1 bytes of s into out, never cutting a UTF-8 character in two. */
static void cut_utf8(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* s[n] would start the part cut off: step back to a character start */
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

int store_outbox_retry(store *s, MDB_txn *txn, uint64_t id, int64_t now, const char *error, int64_t *next_at_out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    json_t *m;
    int rc = store_json_get(s, txn, DB_OUTBOX, key, 8, &m);
    if (rc)
        return rc;
    json_int_t attempts = json_integer_value(json_object_get(m, "attempts")) + 1;
    int64_t next_at = 0;
    char err[STORE_OUTBOX_ERROR_MAX + 1];
    cut_utf8(error ? error : "", err, sizeof err);
    rc = working_time(s, txn, now + store_outbox_backoff(attempts), &next_at);
    if (!rc && (json_object_set_new(m, "attempts", json_integer(attempts)) ||
                json_object_set_new(m, "next_at", json_integer((json_int_t)next_at)) ||
                json_object_set_new(m, "last_error", json_string(err))))
        rc = STORE_NOMEM;
    if (!rc) { /* the claim ends with the attempt: the retry is anybody's once next_at comes */
        json_object_del(m, "claimed_by");
        json_object_del(m, "lease_until");
    }
    if (!rc)
        rc = store_json_put(s, txn, DB_OUTBOX, key, 8, m);
    json_decref(m);
    if (!rc && next_at_out)
        *next_at_out = next_at;
    return rc;
}

int store_outbox_count(store *s, MDB_txn *txn, size_t *n)
{
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, DB_OUTBOX), &st);
    *n = rc ? 0 : (size_t)st.ms_entries;
    return rc;
}

int store_outbox_list(store *s, MDB_txn *txn, size_t limit, json_t **out)
{
    *out = json_array();
    if (!*out)
        return STORE_NOMEM;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_OUTBOX, NULL, 0);
    int rc = 0;
    while (json_array_size(*out) < limit && store_iter_next(&it)) {
        json_error_t err;
        json_t *m = it.key.mv_size == 8 ? json_loadb(it.val.mv_data, it.val.mv_size, 0, &err) : NULL;
        if (!m) {
            rc = STORE_CORRUPT;
            break;
        }
        json_t *le = json_object_get(m, "last_error");
        /* "O" fails on a missing member, so a record without one of them counts as corrupt. */
        json_t *row = json_pack("{s:I,s:O,s:O,s:O,s:O,s:O,s:O}", "id", (json_int_t)store_u64_from(it.key.mv_data), "to",
                                json_object_get(m, "to"), "subject", json_object_get(m, "subject"), "created_at",
                                json_object_get(m, "created_at"), "attempts", json_object_get(m, "attempts"),
                                "next_at", json_object_get(m, "next_at"), "last_error", le ? le : json_null());
        json_decref(m);
        if (!row) {
            rc = STORE_CORRUPT;
            break;
        }
        if (json_array_append_new(*out, row)) {
            rc = STORE_NOMEM;
            break;
        }
    }
    if (!(rc = store_iter_end(&it, rc)))
        return 0;
    json_decref(*out);
    *out = NULL;
    return rc;
}

/* 1 when text names case id as "needle" + id and the id is not the start of a longer number. */
static int names_case(const char *text, const char *needle, uint64_t id)
{
    char want[48];
    snprintf(want, sizeof want, "%s%llu", needle, (unsigned long long)id);
    size_t wl = strlen(want);
    for (const char *p = text ? strstr(text, want) : NULL; p; p = strstr(p + 1, want))
        if (p[wl] < '0' || p[wl] > '9')
            return 1;
    return 0;
}

/* Messages name a case by its Connect ID and link, never by a person (work_rules.c), so these two
 * forms find every message about it. */
int store_outbox_is_about(const json_t *msg, uint64_t case_id)
{
    const char *subject = json_string_value(json_object_get(msg, "subject")),
               *body = json_string_value(json_object_get(msg, "body"));
    return names_case(subject, "case C", case_id) || names_case(body, "case C", case_id) ||
           names_case(body, "/#/cases/", case_id);
}

int store_outbox_forget_case(store *s, MDB_txn *txn, uint64_t case_id, size_t *n)
{
    store_iter it;
    store_iter_begin(&it, s, txn, DB_OUTBOX, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        json_t *msg = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
        if (!msg) {
            rc = STORE_CORRUPT;
            break;
        }
        int about = store_outbox_is_about(msg, case_id);
        json_decref(msg);
        if (about) {
            if ((rc = store_iter_del(&it)))
                break;
            (*n)++;
        }
    }
    return store_iter_end(&it, rc);
}
