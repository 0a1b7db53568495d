/* demo_nino.c - the demo's NINo batches (demo_nino.h). */
#include "demo_nino.h"
#include "json_get.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "calendar.h"
#include "store_case.h"
#include "store_nino.h"
#include "store_user.h"
#include "uk_time.h"
#include "working_hours.h"

static void iso(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The Home Office's grant of leave with recourse to public funds on the case's immigration page at
 * `at` (with its history row by the HO user), so that the household's place in a NINo batch agrees with
 * the case: the grant is what queued it. */
static int record_grant(store *s, MDB_txn *txn, uint64_t case_id, json_t **rec, const char *at, int64_t granted,
                        uint64_t ho_user)
{
    char expiry[11];
    uk_date(granted + (int64_t)30 * 30 * 86400, expiry); /* about 30 months of leave */
    json_t *next = json_deep_copy(*rec);
    json_t *im = next ? json_object_get(next, "immigration") : NULL;
    if (!im || json_object_set_new(im, "status", json_string("ltr_recourse")) ||
        json_object_set_new(im, "recourse_to_public_funds", json_true()) ||
        json_object_set_new(im, "leave_expiry", json_string(expiry)) ||
        json_object_set_new(im, "updated_at", json_string(at)) ||
        json_object_set_new(im, "updated_by", json_integer((json_int_t)ho_user)) ||
        json_object_set_new(next, "updated_at", json_string(at)) ||
        json_object_set_new(next, "updated_by", json_integer((json_int_t)ho_user)) ||
        (!json_object_get(next, "ho_checked_at") && json_object_set_new(next, "ho_checked_at", json_string(at)))) {
        json_decref(next);
        return STORE_NOMEM;
    }
    int rc = store_case_put(s, txn, *rec, next);
    if (!rc)
        rc = store_case_history_diff(s, txn, case_id, *rec, next, at, ho_user);
    json_decref(*rec);
    *rec = next;
    return rc;
}

/* Queues two households granted `days_ago`, cuts them into a batch, and marks it received
 * `received_ago` seconds ago (< 0: not received). */
static int one_batch(store *s, MDB_txn *txn, const uint64_t *cases, int64_t now, int days_ago, int64_t received_ago,
                     const calendar *cal, uint64_t receiver, uint64_t ho_user)
{
    int64_t granted = now - (int64_t)days_ago * 86400;
    char grant_day[11], at[21], cut_at[21], day[11];
    uk_date(granted, grant_day);
    iso(granted, at);
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        json_t *rec;
        size_t queued;
        if ((rc = store_case_get(s, txn, cases[i], &rec)))
            return rc;
        rc = record_grant(s, txn, cases[i], &rec, at, granted, ho_user);
        if (!rc)
            rc = store_nino_enqueue_household(s, txn, rec, grant_day, at, granted, &queued);
        json_decref(rec);
    }
    int64_t cut = granted + 3600;
    iso(cut, cut_at);
    uk_date(cut, day);
    uint64_t id;
    if (rc || (rc = store_nino_cut(s, txn, cut + 1, cut_at, day, &id)) || !id || received_ago < 0)
        return rc;
    json_t *old, *neu;
    if ((rc = store_nino_get(s, txn, id, &old)))
        return rc;
    int64_t received = now - received_ago, due = received + 2 * 86400;
    int beyond = 0;
    if (cal)
        working_hours_add(cal, NULL, 0, received, 48, &due, &beyond);
    char received_at[21], due_at[21];
    iso(received, received_at);
    iso(due, due_at);
    if (!(neu = json_deep_copy(old)) || json_object_set_new(neu, "received_at", json_string(received_at)) ||
        json_object_set_new(neu, "received_by", json_integer((json_int_t)receiver)) ||
        json_object_set_new(neu, "due", json_string(due_at)) || json_object_set_new(neu, "status", json_string("received")) ||
        json_object_set_new(neu, "downloads", json_integer(1)))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_nino_put(s, txn, old, neu);
    json_decref(old);
    json_decref(neu);
    return rc;
}

int demo_nino(store *s, MDB_txn *txn, const uint64_t *cases, size_t n, int64_t now)
{
    if (n < 6)
        return 0;
    calendar cal;
    char err[160];
    int have_cal = calendar_store_get(s, txn, &cal, err, sizeof err) == 0;
    uint64_t receiver, ho_user;
    int rc = store_user_by_username(s, txn, "nino.user", &receiver);
    if (!rc)
        rc = store_user_by_username(s, txn, "ho.user", &ho_user);
    /* Oldest first, so that batch numbers follow their dates: overdue, due, then waiting. */
    if (!rc)
        rc = one_batch(s, txn, cases, now, 12, 10 * 86400, have_cal ? &cal : NULL, receiver, ho_user);
    if (!rc)
        rc = one_batch(s, txn, cases + 2, now, 1, 3600, have_cal ? &cal : NULL, receiver, ho_user);
    if (!rc)
        rc = one_batch(s, txn, cases + 4, now, 0, -1, NULL, 0, ho_user);
    if (have_cal)
        calendar_free(&cal);
    return rc;
}
