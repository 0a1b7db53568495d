/* outbox_fixture.h - the temporary-store fixture with the shipped bank holidays stored, and UTC
 * time helpers (header-only: each test program includes it once). */
#ifndef CONNECT_OUTBOX_FIXTURE_H
#define CONNECT_OUTBOX_FIXTURE_H

#include <limits.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "store_fixture.h"

typedef struct {
    char *json;
    size_t len;
    char err[200];
} cal_put_ctx;

static int cal_put(store *s, MDB_txn *txn, void *arg)
{
    cal_put_ctx *c = arg;
    return calendar_store_put(s, txn, c->json, c->len, c->err, sizeof c->err);
}

/* Reads store/bank-holidays.json (under $CONNECT_ROOT) into a new string. */
static char *shipped_calendar(size_t *len)
{
    char path[PATH_MAX];
    const char *root = getenv("CONNECT_ROOT");
    snprintf(path, sizeof path, "%s/store/bank-holidays.json", root && *root ? root : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

static int setup_cal(void **state)
{
    if (setup(state))
        return -1;
    fixture *f = *state;
    cal_put_ctx c = {0};
    c.json = shipped_calendar(&c.len);
    int rc = c.json ? store_write(f->s, cal_put, &c) : -1;
    free(c.json);
    if (rc) {
        fprintf(stderr, "calendar: %s\n", c.err);
        teardown(state);
        return -1;
    }
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" -> epoch seconds. */
static int64_t utc(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end) {
        fprintf(stderr, "bad time %s\n", iso);
        abort();
    }
    return (int64_t)timegm(&tm);
}

/* Epoch seconds -> "YYYY-MM-DDTHH:MM:SSZ" (a static buffer per call site is the caller's job). */
__attribute__((unused)) static const char *iso_of(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

#endif
