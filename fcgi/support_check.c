/* support_check.c - the daily support-ended check (support_check.h). */
#include "support_check.h"
#include "json_get.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_case.h"
#include "uk_time.h"
#include "work.h"

#define DAY_KEY "support_check_day"

typedef struct {
    int64_t now;
    const char *at;
    char today[11];
    size_t raised;
    int ran;
} check_ctx;

/* One transaction: the day's record, the walk over the index and every alert it raises. */
static int check_write(store *s, MDB_txn *txn, void *arg)
{
    check_ctx *c = arg;
    c->raised = 0;
    c->ran = 0;
    char last[11];
    int rc = store_meta_day(s, txn, DAY_KEY, last);
    if (rc || strcmp(last, c->today) >= 0)
        return rc;
    uint64_t *ids;
    size_t n;
    if ((rc = store_case_support_ended(s, txn, c->today, &ids, &n)))
        return rc;
    work_ctx w;
    work_ctx_system(&w, s, txn, c->now, c->at);
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *rec;
        if ((rc = store_case_get(s, txn, ids[i], &rec)))
            break;
        json_t *before = w.raised;
        json_incref(before);
        if (!json_get_str_is(rec, "status", "closed") && !(rc = work_support_ended(&w, rec)) && w.raised != before)
            c->raised++;
        json_decref(before);
        json_decref(rec);
    }
    work_ctx_done(&w);
    free(ids);
    if (!rc)
        rc = store_meta_day_set(s, txn, DAY_KEY, c->today);
    c->ran = !rc;
    return rc;
}

int support_check_daily(store *s, int64_t now, size_t *raised, int *ran)
{
    check_ctx c = {.now = now};
    char at[21];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    c.at = at;
    uk_date(now, c.today);
    /* A read first: most passes of the loop find today done and write nothing. */
    MDB_txn *txn;
    int rc = store_read_begin(s, &txn);
    if (rc)
        return rc;
    char last[11];
    rc = store_meta_day(s, txn, DAY_KEY, last);
    store_read_end(s, txn);
    *raised = 0;
    *ran = 0;
    if (rc || strcmp(last, c.today) >= 0)
        return rc;
    if ((rc = store_write(s, check_write, &c)))
        return rc;
    *raised = c.raised;
    *ran = c.ran;
    return 0;
}
