/* store_outbox.c - the email outbox (see store_outbox.h). */
#include "store_outbox.h"

#include <time.h>

#include "calendar.h"
#include "uk_time.h"

int store_outbox_add(store *s, MDB_txn *txn, const char *to, const char *subject, const char *body, int64_t now)
{
    calendar cal;
    char err[160];
    int rc = store_calendar_get(s, txn, &cal, err, sizeof err);
    if (rc)
        return rc;
    int64_t not_before = uk_next_working_time(&cal, now);
    calendar_free(&cal);
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
