/* Unit tests for the monthly 1,000-day summary: which day it is due, which cases it names (open,
 * support started 1,000 or more days before today's UK date, the council's own), who gets it (admins
 * with an address), what it says (Connect IDs, no names), the cases that must be closed because
 * recourse was granted (open closure required alerts) listed apart, and that a month is never queued
 * twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "case_gen.h"
#include "outbox_fixture.h"
#include "store_case.h"
#include "store_internal.h"
#include "store_org.h"
#include "store_outbox.h"
#include "store_summary.h"
#include "store_user.h"
#include "store_work.h"

static calendar cal;

static void due_on_the_first_working_day_in_hours(void **state)
{
    (void)state;
    size_t len;
    char *json = shipped_calendar(&len), err[200];
    assert_non_null(json);
    assert_int_equal(calendar_parse(json, len, &cal, err, sizeof err), 0);
    free(json);
    assert_true(store_summary_due_at(&cal, utc("2026-12-01T08:00:00Z")));  /* Tuesday 1 December */
    assert_false(store_summary_due_at(&cal, utc("2026-12-01T07:59:59Z"))); /* before working hours */
    assert_true(store_summary_due_at(&cal, utc("2026-12-01T17:59:59Z")));
    assert_false(store_summary_due_at(&cal, utc("2026-12-01T18:00:00Z")));
    assert_false(store_summary_due_at(&cal, utc("2026-12-02T10:00:00Z"))); /* the second working day */
    assert_false(store_summary_due_at(&cal, utc("2027-01-01T10:00:00Z"))); /* New Year's Day */
    assert_true(store_summary_due_at(&cal, utc("2027-01-04T10:00:00Z")));  /* Monday 4 January */
    assert_false(store_summary_due_at(&cal, utc("2026-08-01T10:00:00Z"))); /* a Saturday */
    assert_true(store_summary_due_at(&cal, utc("2026-08-03T10:00:00Z")));  /* Monday 3 August */
    assert_true(store_summary_due_at(&cal, utc("2026-06-01T07:00:00Z")));  /* 08:00 BST */
    assert_false(store_summary_due_at(&cal, utc("2026-06-01T06:59:59Z")));
    calendar_free(&cal);
}

typedef struct {
    uint64_t nfc, ebc, net;
    uint64_t a_exact, b_999, c_closed, d_referral, e_no_finance, f_other_council;
    char family[8][64];
} world;

static world w;

static uint64_t user(store *s, MDB_txn *txn, uint64_t org, const char *username, const char *role, const char *email)
{
    json_t *u = json_pack("{s:I,s:s,s:s,s:s,s:n,s:o,s:s,s:i,s:b,s:b,s:i,s:s}", "org_id", (json_int_t)org, "username",
                          username, "name", "Some Body", "role", role, "team", "email",
                          email ? json_string(email) : json_null(), "pw", "x", "failed", 0, "locked", 0,
                          "must_change", 0, "temp_expires", 0, "created_at", "2026-01-01T00:00:00Z");
    uint64_t id = 0;
    assert_int_equal(store_user_create(s, txn, u, &id), 0);
    json_decref(u);
    return id;
}

/* A generated case of the council with the given status and support start (NULL: no finance). */
static uint64_t a_case(store *s, MDB_txn *txn, case_gen_rng *rng, uint64_t council, const char *status,
                       const char *start, char family_out[64])
{
    json_t *rec = case_gen_record(rng, council, 0, NULL, (time_t)utc("2026-11-01T00:00:00Z"));
    assert_non_null(rec);
    json_object_set_new(rec, "status", json_string(status));
    if (start)
        json_object_set_new(rec, "finance", json_pack("{s:s,s:[]}", "support_start_date", start, "other_costs"));
    else
        json_object_del(rec, "finance");
    if (strcmp(status, "closed") != 0)
        json_object_del(rec, "closure");
    snprintf(family_out, 64, "%s",
             json_string_value(json_object_get(json_object_get(rec, "principal"), "family_name")));
    uint64_t id = 0;
    assert_int_equal(store_case_create(s, txn, rec, &id), 0);
    json_decref(rec);
    return id;
}

static int build(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    memset(&w, 0, sizeof w);
    assert_int_equal(store_org_create(s, txn, "network", "Connect Network", "NET", "2026-01-01T00:00:00Z", &w.net), 0);
    assert_int_equal(store_org_create(s, txn, "council", "Northfield City Council", "NFC", "2026-01-01T00:00:00Z", &w.nfc),
                     0);
    assert_int_equal(store_org_create(s, txn, "council", "Eastbrook Borough Council", "EBC", "2026-01-01T00:00:00Z", &w.ebc),
                     0);
    user(s, txn, w.net, "net.admin", "admin", "net.admin@example.test");
    user(s, txn, w.nfc, "nfc.admin", "admin", "nfc.admin@example.test");
    user(s, txn, w.nfc, "nfc.admin2", "admin", NULL);                  /* no address: no email */
    user(s, txn, w.nfc, "nfc.user", "user", "nfc.user@example.test");  /* not an admin */
    uint64_t gone = user(s, txn, w.nfc, "nfc.gone", "admin", "gone@example.test");
    assert_int_equal(store_user_delete(s, txn, gone, "2026-02-01T00:00:00Z"), 0);
    user(s, txn, w.ebc, "ebc.admin", "admin", "ebc.admin@example.test");
    case_gen_rng rng = {77};
    /* Today (1 December 2026) less 1,000 days is 6 March 2024. */
    w.a_exact = a_case(s, txn, &rng, w.nfc, "open_supported", "2024-03-06", w.family[0]);
    w.b_999 = a_case(s, txn, &rng, w.nfc, "open_supported", "2024-03-07", w.family[1]);
    w.c_closed = a_case(s, txn, &rng, w.nfc, "closed", "2019-05-01", w.family[2]);
    w.d_referral = a_case(s, txn, &rng, w.nfc, "open_referral", "2020-01-15", w.family[3]);
    w.e_no_finance = a_case(s, txn, &rng, w.nfc, "open_referral", NULL, w.family[4]);
    w.f_other_council = a_case(s, txn, &rng, w.ebc, "open_supported", "2018-06-01", w.family[5]);
    return 0;
}

static int many(store *s, MDB_txn *txn, void *arg)
{
    uint64_t *council = arg;
    char family[64];
    assert_int_equal(store_org_create(s, txn, "council", "Big Council", "BIG", "2026-01-01T00:00:00Z", council), 0);
    case_gen_rng rng = {99};
    for (int i = 0; i < 700; i++) /* more than one page of the index search */
        a_case(s, txn, &rng, *council, i % 7 ? "open_supported" : "closed", i % 2 ? "2019-01-01" : "2023-06-30", family);
    return 0;
}

static void finds_more_than_a_page(void **state)
{
    fixture *f = *state;
    uint64_t big;
    assert_int_equal(store_write(f->s, many, &big), 0);
    MDB_txn *txn;
    uint64_t *ids;
    size_t n;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_summary_thousand_day_cases(f->s, txn, big, "2024-03-06", &ids, &n), 0);
    store_read_end(f->s, txn);
    assert_int_equal(n, 600); /* 700 less the 100 closed */
    for (size_t i = 1; i < n; i++)
        assert_true(ids[i - 1] < ids[i]);
    free(ids);
}

static void finds_open_cases_of_1000_days_or_more(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, build, NULL), 0);
    MDB_txn *txn;
    uint64_t *ids;
    size_t n;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_summary_thousand_day_cases(f->s, txn, w.nfc, "2024-03-06", &ids, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], w.a_exact);
    assert_int_equal(ids[1], w.d_referral);
    free(ids);
    assert_int_equal(store_summary_thousand_day_cases(f->s, txn, w.ebc, "2024-03-06", &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], w.f_other_council);
    free(ids);
    assert_int_equal(store_summary_thousand_day_cases(f->s, txn, w.nfc, "2015-01-01", &ids, &n), 0);
    assert_int_equal(n, 0);
    assert_null(ids);
    store_read_end(f->s, txn);
}

/* The outbox's messages, in id order (bodies included). */
static json_t *outbox(store *s)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    json_t *all = json_array();
    store_iter it;
    store_iter_begin(&it, s, txn, DB_OUTBOX, NULL, 0);
    while (store_iter_next(&it))
        json_array_append_new(all, json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL));
    assert_int_equal(store_iter_end(&it, 0), 0);
    store_read_end(s, txn);
    return all;
}

static json_t *message_to(json_t *all, const char *to)
{
    size_t i;
    json_t *m, *found = NULL;
    json_array_foreach(all, i, m) if (strcmp(json_string_value(json_object_get(m, "to")), to) == 0) {
        assert_null(found); /* one each */
        found = m;
    }
    return found;
}

static void queues_once_per_admin_per_month(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, build, NULL), 0);
    size_t len;
    char *json = shipped_calendar(&len), err[200];
    assert_int_equal(calendar_parse(json, len, &cal, err, sizeof err), 0);
    free(json);
    size_t queued = 99;
    /* Not due on the last day of November. */
    assert_int_equal(store_summary_run(f->s, &cal, utc("2026-11-30T10:00:00Z"), &queued), 0);
    assert_int_equal(queued, 0);
    assert_int_equal(store_summary_run(f->s, &cal, utc("2026-12-01T08:00:00Z"), &queued), 0);
    assert_int_equal(queued, 2);
    json_t *all = outbox(f->s);
    assert_int_equal(json_array_size(all), 2);
    json_t *nfc = message_to(all, "nfc.admin@example.test"), *ebc = message_to(all, "ebc.admin@example.test");
    assert_non_null(nfc);
    assert_non_null(ebc);
    assert_string_equal(json_string_value(json_object_get(nfc, "subject")),
                        "Connect: 1,000-day summary for Northfield City Council, December 2026");
    assert_string_equal(json_string_value(json_object_get(ebc, "subject")),
                        "Connect: 1,000-day summary for Eastbrook Borough Council, December 2026");
    assert_int_equal(json_integer_value(json_object_get(nfc, "not_before")), utc("2026-12-01T08:00:00Z"));
    const char *body = json_string_value(json_object_get(nfc, "body"));
    char line[32];
    assert_non_null(strstr(body, "or before 2024-03-06: 2\n"));
    snprintf(line, sizeof line, "\nC%" PRIu64 "\n", w.a_exact);
    assert_non_null(strstr(body, line));
    snprintf(line, sizeof line, "\nC%" PRIu64 "\n", w.d_referral);
    assert_non_null(strstr(body, line));
    uint64_t not_listed[] = {w.b_999, w.c_closed, w.e_no_finance, w.f_other_council};
    for (size_t i = 0; i < 4; i++) {
        snprintf(line, sizeof line, "\nC%" PRIu64 "\n", not_listed[i]);
        assert_null(strstr(body, line));
    }
    for (size_t i = 0; i < 6; i++)
        assert_null(strstr(body, w.family[i])); /* no names */
    body = json_string_value(json_object_get(ebc, "body"));
    snprintf(line, sizeof line, "\nC%" PRIu64 "\n", w.f_other_council);
    assert_non_null(strstr(body, line));
    json_decref(all);

    /* The same day again, later: nothing more. */
    assert_int_equal(store_summary_run(f->s, &cal, utc("2026-12-01T08:00:01Z"), &queued), 0);
    assert_int_equal(queued, 0);
    assert_int_equal(store_summary_run(f->s, &cal, utc("2026-12-01T17:00:00Z"), &queued), 0);
    assert_int_equal(queued, 0);
    MDB_txn *txn;
    char key[40];
    snprintf(key, sizeof key, "summary:%" PRIu64 ":2026-12", w.nfc);
    MDB_val k = {strlen(key), key}, v;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(mdb_get(txn, store_dbi(f->s, DB_META), &k, &v), 0);
    store_read_end(f->s, txn);
    all = outbox(f->s);
    assert_int_equal(json_array_size(all), 2);
    json_decref(all);

    /* January's comes on its first working day, Monday 4 January 2027. */
    assert_int_equal(store_summary_run(f->s, &cal, utc("2027-01-01T10:00:00Z"), &queued), 0);
    assert_int_equal(queued, 0);
    assert_int_equal(store_summary_run(f->s, &cal, utc("2027-01-04T08:30:00Z"), &queued), 0);
    assert_int_equal(queued, 2);
    all = outbox(f->s);
    assert_int_equal(json_array_size(all), 4);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(all, 2), "subject")), ", January 2027"));
    json_decref(all);
    calendar_free(&cal);
}

/* An alert of `type` to the council on a case (open or already cleared). */
static int alert_on(store *s, MDB_txn *txn, uint64_t case_id, uint64_t council, const char *type, int open)
{
    json_t *a = json_pack("{s:I,s:I,s:s,s:s,s:s,s:n,s:b}", "case_id", (json_int_t)case_id, "council_id",
                          (json_int_t)council, "type", type, "to", "council", "raised_at", "2026-11-20T10:00:00Z",
                          "raised_by", "open", open);
    uint64_t id;
    int rc = store_work_create(s, txn, WORK_ALERT, a, 0, &id);
    json_decref(a);
    return rc;
}

static int closure_alerts(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    /* Raised newest last on d, then a: the list still comes out in Connect ID order. */
    int rc = alert_on(s, txn, w.d_referral, w.nfc, "closure_required", 1);
    if (!rc)
        rc = alert_on(s, txn, w.a_exact, w.nfc, "closure_required", 1);
    if (!rc) /* cleared: the case was closed, nothing left to do */
        rc = alert_on(s, txn, w.b_999, w.nfc, "closure_required", 0);
    if (!rc) /* open, but another type: not a case to close */
        rc = alert_on(s, txn, w.e_no_finance, w.nfc, "immigration_update", 1);
    if (!rc) /* another council's */
        rc = alert_on(s, txn, w.f_other_council, w.ebc, "closure_required", 1);
    return rc;
}

static void lists_cases_to_close_apart(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, build, NULL), 0);
    MDB_txn *txn;
    uint64_t *ids;
    size_t n;
    /* None yet. */
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_summary_closure_required_cases(f->s, txn, w.nfc, &ids, &n), 0);
    assert_int_equal(n, 0);
    assert_null(ids);
    store_read_end(f->s, txn);

    assert_int_equal(store_write(f->s, closure_alerts, NULL), 0);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_summary_closure_required_cases(f->s, txn, w.nfc, &ids, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], w.a_exact < w.d_referral ? w.a_exact : w.d_referral);
    assert_int_equal(ids[1], w.a_exact < w.d_referral ? w.d_referral : w.a_exact);
    free(ids);
    assert_int_equal(store_summary_closure_required_cases(f->s, txn, w.ebc, &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], w.f_other_council);
    free(ids);
    store_read_end(f->s, txn);

    /* The email names them in a section of their own, after the 1,000-day list and apart from it. */
    size_t len, queued;
    char *json = shipped_calendar(&len), err[200];
    assert_int_equal(calendar_parse(json, len, &cal, err, sizeof err), 0);
    free(json);
    assert_int_equal(store_summary_run(f->s, &cal, utc("2026-12-01T08:00:00Z"), &queued), 0);
    assert_int_equal(queued, 2);
    json_t *all = outbox(f->s);
    const char *body = json_string_value(json_object_get(message_to(all, "nfc.admin@example.test"), "body"));
    const char *section = strstr(body, "\nCases that must be closed because recourse to public funds has been granted "
                                       "(closure required): 2\n\n");
    assert_non_null(section);
    assert_true(section > strstr(body, "or before 2024-03-06: 2\n")); /* after the 1,000-day list */
    char line[64];
    uint64_t listed[] = {w.a_exact, w.d_referral};
    for (size_t i = 0; i < 2; i++) {
        snprintf(line, sizeof line, "\nC%" PRIu64 " (closure required)\n", listed[i]);
        assert_non_null(strstr(section, line));
    }
    uint64_t not_listed[] = {w.b_999, w.e_no_finance, w.f_other_council};
    for (size_t i = 0; i < 3; i++) {
        snprintf(line, sizeof line, "C%" PRIu64 " (closure required)", not_listed[i]);
        assert_null(strstr(body, line));
    }
    /* d (support from 2020) is in both lists: the 1,000-day one still names it on a line of its own. */
    snprintf(line, sizeof line, "\nC%" PRIu64 "\n", w.d_referral);
    assert_non_null(strstr(body, line));
    assert_non_null(strstr(section, "\nClose them in Connect.\n"));
    body = json_string_value(json_object_get(message_to(all, "ebc.admin@example.test"), "body"));
    snprintf(line, sizeof line, "(closure required): 1\n\nC%" PRIu64 " (closure required)\n", w.f_other_council);
    assert_non_null(strstr(body, line));
    json_decref(all);
    calendar_free(&cal);
}

static void message_text(void **state)
{
    (void)state;
    uint64_t ids[] = {3, 12, 18446744073709551615ULL};
    char *subject, *body;
    assert_int_equal(
        store_summary_message("Ynys Môn Council", "2026-12-01", "2024-03-06", ids, 3, ids + 1, 1, &subject, &body), 0);
    assert_string_equal(subject, "Connect: 1,000-day summary for Ynys Môn Council, December 2026");
    assert_non_null(strstr(body, ": 3\n\nC3\nC12\nC18446744073709551615\n"));
    assert_non_null(strstr(body, "(closure required): 1\n\nC12 (closure required)\n\nClose them in Connect.\n"));
    free(subject);
    free(body);
    assert_int_equal(store_summary_message("X", "2026-05-04", "2023-08-08", NULL, 0, NULL, 0, &subject, &body), 0);
    assert_string_equal(subject, "Connect: 1,000-day summary for X, May 2026");
    assert_non_null(strstr(body, ": 0\n\nNone.\n"));
    assert_non_null(strstr(body, "(closure required): 0\n\nNone.\n"));
    free(subject);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(due_on_the_first_working_day_in_hours),
        cmocka_unit_test_setup_teardown(finds_open_cases_of_1000_days_or_more, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(finds_more_than_a_page, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(queues_once_per_admin_per_month, setup_cal, teardown),
        cmocka_unit_test_setup_teardown(lists_cases_to_close_apart, setup_cal, teardown),
        cmocka_unit_test(message_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
