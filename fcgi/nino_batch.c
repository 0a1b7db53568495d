/* nino_batch.c - the NINo batch's cut, clock, callers and counters (nino_batch.h). */
#include "nino_batch.h"
#include "json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "store_nino.h"
#include "uk_time.h"
#include "work.h"
#include "working_hours.h"

#define CUT_DAY_KEY "nino_cut_day"

int nino_cut_hour(void)
{
    static int hour = -1;
    if (hour < 0) {
        const char *v = getenv("CONNECT_NINO_CUT_HOUR");
        char *end;
        long h = v && *v ? strtol(v, &end, 10) : NINO_CUT_HOUR_DEFAULT;
        hour = v && *v && (*end || h < 0 || h > 23) ? NINO_CUT_HOUR_DEFAULT : (int)h;
    }
    return hour;
}

/* The stored calendar and every closure day. */
static int working_days(store *s, MDB_txn *txn, const calendar **cal, long **closed, size_t *n)
{
    int rc = work_calendar(s, txn, cal);
    return rc ? rc : store_nino_closed_days(s, txn, closed, n);
}

typedef struct {
    int64_t now, cut_at;
    char today[11], at[21];
    int ran;
    uint64_t batch;
} cut_ctx;

static int cut_write(store *s, MDB_txn *txn, void *arg)
{
    cut_ctx *c = arg;
    c->ran = 0;
    c->batch = 0;
    char last[11];
    int rc = store_meta_day(s, txn, CUT_DAY_KEY, last);
    if (rc || strcmp(last, c->today) >= 0)
        return rc;
    const calendar *cal;
    long *closed;
    size_t n;
    if ((rc = working_days(s, txn, &cal, &closed, &n)))
        return rc;
    int open = working_day_open(cal, closed, n, calendar_day(c->today));
    free(closed);
    if (!open) /* recorded too, so that the day is not asked again every second */
        return store_meta_day_set(s, txn, CUT_DAY_KEY, c->today);
    if ((rc = store_nino_cut(s, txn, c->cut_at, c->at, c->today, &c->batch)) ||
        (rc = store_meta_day_set(s, txn, CUT_DAY_KEY, c->today)))
        return rc;
    c->ran = 1;
    return 0;
}

int nino_cut_daily(store *s, int64_t now, int *ran, uint64_t *batch)
{
    cut_ctx c = {.now = now};
    *ran = 0;
    *batch = 0;
    uk_date(now, c.today);
    long day = calendar_day(c.today);
    c.cut_at = uk_utc_of_local((int64_t)day * 86400 + (int64_t)nino_cut_hour() * 3600);
    if (now < c.cut_at)
        return 0;
    /* The cut's own time is the cut instant, whenever the scheduler gets to it. */
    http_iso_time(c.cut_at, c.at);
    int rc = store_write(s, cut_write, &c);
    *ran = c.ran;
    *batch = c.batch;
    return rc;
}

int nino_due(store *s, MDB_txn *txn, int64_t received, char due[21], int *beyond)
{
    const calendar *cal;
    long *closed;
    size_t n;
    int rc = working_days(s, txn, &cal, &closed, &n);
    if (rc)
        return rc;
    int64_t t;
    rc = working_hours_add(cal, closed, n, received, NINO_DUE_HOURS, &t, beyond) ? STORE_CORRUPT : 0;
    free(closed);
    if (!rc)
        http_iso_time(t, due);
    return rc;
}

int nino_partner_org(const http_req *r)
{
    return r->org_kind && strcmp(r->org_kind, "partner") == 0 && json_is_true(json_object_get(r->org, "nino_partner"));
}

int nino_designated(const http_req *r)
{
    return nino_partner_org(r) && json_is_true(json_object_get(r->user, "nino_designated"));
}

typedef struct {
    const char *now_iso;
    char today[11];
    nino_open_counts *n;
} count_ctx;

static int count_one(const json_t *b, void *arg)
{
    count_ctx *c = arg;
    const char *due = json_get_str(b, "due");
    if (!due) {
        c->n->waiting++;
        return 0;
    }
    c->n->received++;
    char day[11];
    if (strcmp(due, c->now_iso) < 0)
        c->n->overdue++;
    else if (uk_date_of_iso(due, day) == 0 && strcmp(day, c->today) == 0)
        c->n->due_today++;
    return 0;
}

int nino_count_open(store *s, MDB_txn *txn, int64_t now, nino_open_counts *out)
{
    char iso[21];
    http_iso_time(now, iso);
    memset(out, 0, sizeof *out);
    count_ctx c = {.now_iso = iso, .n = out};
    uk_date(now, c.today);
    size_t queued = 0;
    int rc = store_nino_queued(s, txn, &queued);
    out->queued = (int64_t)queued;
    static const char *const members[] = {"due", NULL}; /* what count_one reads: not the people */
    return rc ? rc : store_nino_open_each_members(s, txn, members, count_one, &c);
}

int nino_home_counts(store *s, MDB_txn *txn, int64_t now, json_t **out)
{
    nino_open_counts n;
    int rc = nino_count_open(s, txn, now, &n);
    if (rc)
        return rc;
    *out = json_pack("{s:I,s:I,s:I,s:I,s:I}", "queued", (json_int_t)n.queued, "waiting", (json_int_t)n.waiting,
                     "awaiting_results", (json_int_t)n.received, "due_today", (json_int_t)n.due_today, "overdue",
                     (json_int_t)n.overdue);
    return *out ? 0 : STORE_NOMEM;
}

void nino_keep_cutoff(int64_t now, char out[11])
{
    char today[11];
    uk_date(now, today);
    int y = atoi(today), m = atoi(today + 5), d = atoi(today + 8);
    int months = y * 12 + (m - 1) - NINO_KEEP_MONTHS;
    y = months / 12;
    m = months % 12 + 1;
    static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = days_in[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, (d > last ? last : d) % 100);
    memcpy(out, buf, 10);
    out[10] = 0;
}
