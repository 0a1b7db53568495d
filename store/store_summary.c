/* store_summary.c - the monthly 1,000-day summary (see store_summary.h). */
#include "store_summary.h"
#include "store_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_case.h"
#include "store_org.h"
#include "store_outbox.h"
#include "store_user.h"
#include "store_work.h"
#include "uk_time.h"

#define CASE_PAGE 512

int store_summary_due_at(const calendar *c, int64_t t)
{
    if (uk_next_working_time(c, t) != t)
        return 0;
    char today[11], first[11];
    uk_date(t, today);
    memcpy(first, today, 8);
    memcpy(first + 8, "01", 3);
    long day = calendar_day(first);
    while (!calendar_is_working_day(c, day))
        day++;
    return day == calendar_day(today);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Appends id to the growing array *ids (*n used, *cap allocated). */
static int push_id(uint64_t **ids, size_t *n, size_t *cap, uint64_t id)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        uint64_t *g = ncap > SIZE_MAX / sizeof *g ? NULL : realloc(*ids, ncap * sizeof *g);
        if (!g)
            return STORE_NOMEM;
        *ids = g;
        *cap = ncap;
    }
    (*ids)[(*n)++] = id;
    return 0;
}

int store_summary_thousand_day_cases(store *s, MDB_txn *txn, uint64_t council, const char *cutoff,
                                     uint64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    /* The support-start index lists open cases only; one page tells the total, a second takes all. */
    uint64_t page[CASE_PAGE];
    case_query q = {.scope = council, .kind = CASEQ_SUPPORTED_SINCE, .text = cutoff, .limit = CASE_PAGE};
    size_t got = 0, total = 0;
    uint64_t next = 0;
    int rc = store_case_search(s, txn, &q, page, &got, &total, &next);
    if (rc || got == 0)
        return rc;
    uint64_t *all = malloc((next ? total : got) * sizeof *all);
    if (!all)
        return STORE_NOMEM;
    if (next) {
        q.limit = total;
        if ((rc = store_case_search(s, txn, &q, all, &got, &total, &next))) {
            free(all);
            return rc;
        }
    } else {
        memcpy(all, page, got * sizeof *all);
    }
    if (got)
        qsort(all, got, sizeof *all, cmp_u64);
    *ids = all;
    *n = got;
    return 0;
}

int store_summary_closure_required_cases(store *s, MDB_txn *txn, uint64_t council, uint64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    /* One page tells the total; a second, sized to it, takes every alert. */
    uint64_t page[CASE_PAGE];
    work_list_query q = {.scope = council, .side = WORK_SIDE_COUNCIL, .bucket = store_work_alert_bucket("closure_required"),
                         .state = WORK_STATE_OPEN, .limit = CASE_PAGE};
    size_t got = 0, total = 0;
    uint64_t next = 0;
    int rc = store_work_list(s, txn, &q, page, &got, &total, &next);
    if (rc || got == 0)
        return rc;
    uint64_t *alerts = page, *all = NULL;
    if (next) {
        if (!(all = malloc(total * sizeof *all)))
            return STORE_NOMEM;
        q.limit = total;
        if ((rc = store_work_list(s, txn, &q, all, &got, &total, &next))) {
            free(all);
            return rc;
        }
        alerts = all;
    }
    uint64_t *cases = malloc(got * sizeof *cases);
    if (!cases) {
        free(all);
        return STORE_NOMEM;
    }
    /* The alert names its case; a case has at most one open (work_rules.c raises it only when none is),
     * but a duplicate is dropped after sorting all the same, so the email never names a case twice. */
    size_t m = 0;
    for (size_t i = 0; i < got && !rc; i++) {
        json_t *alert;
        if ((rc = store_work_get(s, txn, WORK_ALERT, alerts[i], &alert)))
            break;
        json_int_t case_id = json_integer_value(json_object_get(alert, "case_id"));
        json_decref(alert);
        if (case_id > 0)
            cases[m++] = (uint64_t)case_id;
    }
    free(all);
    if (rc) {
        free(cases);
        return rc;
    }
    if (m)
        qsort(cases, m, sizeof *cases, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || cases[u - 1] != cases[i])
            cases[u++] = cases[i];
    if (u == 0) {
        free(cases);
        return 0;
    }
    *ids = cases;
    *n = u;
    return 0;
}

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};

int store_summary_message(const char *council_name, const char *today, const char *cutoff, const uint64_t *ids,
                          size_t n, const uint64_t *closing, size_t n_closing, char **subject, char **body)
{
    *subject = *body = NULL;
    int month = atoi(today + 5);
    if (month < 1 || month > 12)
        return EINVAL;
    char when[24];
    snprintf(when, sizeof when, "%s %.4s", month_names[month - 1], today);
    if (asprintf(subject, "Connect: 1,000-day summary for %s, %s", council_name, when) < 0) {
        *subject = NULL;
        return STORE_NOMEM;
    }
    /* Each id line is at most "C" + 20 digits + "\n" (the closing list's: 24 bytes more). */
    int fits = n < SIZE_MAX / 128 && n_closing < SIZE_MAX / 128;
    size_t cap = 2048 + strlen(council_name) + (fits ? n * 24 + n_closing * 48 : 0);
    char *b = fits ? malloc(cap) : NULL;
    if (!b) {
        free(*subject);
        *subject = NULL;
        return STORE_NOMEM;
    }
    size_t len = (size_t)snprintf(b, cap,
                                  "1,000-day summary for %s, %s.\n\n"
                                  "Open cases whose support started 1,000 or more days before today (%s), that is on "
                                  "or before %s: %zu\n\n",
                                  council_name, when, today, cutoff, n);
    for (size_t i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(b + len, cap - len, "C%" PRIu64 "\n", ids[i]);
    if (len < cap)
        len += (size_t)snprintf(b + len, cap - len, "%s", n ? "\nSign in to Connect to review them.\n" : "None.\n");
    /* Apart from the 1,000-day list: these are not for review but must be closed (the SLA calls late
     * closure a breach). Each line carries a label, so a reader counting the "Cnnn" lines of the first
     * list never takes these for it. */
    if (len < cap)
        len += (size_t)snprintf(b + len, cap - len,
                                "\nCases that must be closed because recourse to public funds has been granted "
                                "(closure required): %zu\n\n",
                                n_closing);
    for (size_t i = 0; i < n_closing && len < cap; i++)
        len += (size_t)snprintf(b + len, cap - len, "C%" PRIu64 " (closure required)\n", closing[i]);
    if (len < cap)
        len += (size_t)snprintf(b + len, cap - len, "%s", n_closing ? "\nClose them in Connect.\n" : "None.\n");
    if (len >= cap) { /* cannot happen with the sizes above; never send a cut list */
        free(b);
        free(*subject);
        *subject = NULL;
        return EINVAL;
    }
    *body = b;
    return 0;
}

typedef struct {
    uint64_t council;
    const char *today, *cutoff;
    const uint64_t *ids, *closing;
    size_t n, n_closing;
    int64_t now;
    size_t queued; /* out */
} queue_ctx;

static size_t meta_key(char *out, size_t cap, uint64_t council, const char *today)
{
    int n = snprintf(out, cap, "summary:%" PRIu64 ":%.7s", council, today);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Queues one council's summary to each of its admins with an address, and marks the month done. */
static int queue_write(store *s, MDB_txn *txn, void *arg)
{
    queue_ctx *c = arg;
    c->queued = 0;
    char key[64];
    MDB_val k = {meta_key(key, sizeof key, c->council, c->today), key}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    if (rc != MDB_NOTFOUND)
        return rc; /* 0: done already */
    json_t *org;
    if ((rc = store_org_get(s, txn, c->council, &org)))
        return rc;
    char *subject = NULL, *body = NULL;
    const char *name = json_string_value(json_object_get(org, "name"));
    rc = store_summary_message(name ? name : "your council", c->today, c->cutoff, c->ids, c->n, c->closing,
                               c->n_closing, &subject, &body);
    json_decref(org);
    unsigned char prefix[8];
    store_key_u64(prefix, c->council);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_ORG_USERS, prefix, sizeof prefix);
    while (!rc && store_iter_next(&it)) {
        json_t *u;
        if (it.val.mv_size != 8) {
            rc = STORE_CORRUPT;
            break;
        }
        if ((rc = store_user_get(s, txn, store_u64_from(it.val.mv_data), &u)))
            break;
        const char *role = json_string_value(json_object_get(u, "role"));
        const char *email = json_string_value(json_object_get(u, "email"));
        if (role && strcmp(role, "admin") == 0 && email && store_user_email_valid(email)) {
            rc = store_outbox_add(s, txn, email, subject, body, c->now);
            c->queued += !rc;
        }
        json_decref(u);
    }
    rc = store_iter_end(&it, rc);
    free(subject);
    free(body);
    if (!rc) {
        MDB_val done = {10, (void *)c->today};
        rc = mdb_put(txn, store_dbi(s, DB_META), &k, &done, 0);
    }
    if (rc)
        c->queued = 0;
    return rc;
}

/* The councils whose summary for this month is not marked done: *ids malloc'd, *n of them. */
static int pending_councils(store *s, MDB_txn *txn, const char *today, uint64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    size_t cap = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_ORGS, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        json_error_t err;
        json_t *org = it.key.mv_size == 8 ? json_loadb(it.val.mv_data, it.val.mv_size, 0, &err) : NULL;
        if (!org) {
            rc = STORE_CORRUPT;
            break;
        }
        int council = json_is_string(json_object_get(org, "kind")) &&
                      strcmp(json_string_value(json_object_get(org, "kind")), "council") == 0;
        json_decref(org);
        if (!council)
            continue;
        uint64_t id = store_u64_from(it.key.mv_data);
        char key[64];
        MDB_val mk = {meta_key(key, sizeof key, id, today), key}, mv;
        int mrc = mdb_get(txn, store_dbi(s, DB_META), &mk, &mv);
        if (mrc == MDB_NOTFOUND)
            mrc = push_id(ids, n, &cap, id);
        if (mrc) {
            rc = mrc;
            break;
        }
    }
    if (!(rc = store_iter_end(&it, rc)))
        return 0;
    free(*ids);
    *ids = NULL;
    *n = 0;
    return rc;
}

int store_summary_run(store *s, const calendar *c, int64_t t, size_t *queued)
{
    *queued = 0;
    if (!store_summary_due_at(c, t))
        return 0;
    char today[11], cutoff[11];
    uk_date(t, today);
    uk_date_minus_days(t, STORE_SUMMARY_DAYS, cutoff);
    MDB_txn *txn;
    uint64_t *councils = NULL;
    size_t nc = 0;
    int rc = store_read_begin(s, &txn);
    if (rc)
        return rc;
    rc = pending_councils(s, txn, today, &councils, &nc);
    store_read_end(s, txn);
    for (size_t i = 0; i < nc && !rc; i++) {
        /* Find the cases in a read transaction, so the write that queues holds the lock briefly. */
        uint64_t *ids = NULL, *closing = NULL;
        size_t n = 0, n_closing = 0;
        if ((rc = store_read_begin(s, &txn)))
            break;
        rc = store_summary_thousand_day_cases(s, txn, councils[i], cutoff, &ids, &n);
        if (!rc)
            rc = store_summary_closure_required_cases(s, txn, councils[i], &closing, &n_closing);
        store_read_end(s, txn);
        if (!rc) {
            queue_ctx q = {.council = councils[i], .today = today, .cutoff = cutoff, .ids = ids, .n = n,
                           .closing = closing, .n_closing = n_closing, .now = t};
            rc = store_write(s, queue_write, &q);
            *queued += q.queued;
        }
        free(ids);
        free(closing);
    }
    free(councils);
    return rc;
}
