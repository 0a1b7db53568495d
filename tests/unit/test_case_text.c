/* Unit tests for the answers written as text from stored records (fcgi/case_summary_text.c,
 * fcgi/case_view_text.c, fcgi/ref_text.c) and the scans under them (json_members_slices and the
 * member walks): a case summary and a case view are byte for byte what jansson printed before, for
 * generated cases and for hand-made records of every shape the view reshapes; renamed councils and
 * caseworkers show at once; a kept row lasts one read snapshot and one day; the scans find what the parser finds and refuse what they cannot
 * delimit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "case_gen.h"
#include "case_summary_text.h"
#include "case_view.h"
#include "case_view_text.h"
#include "json_members.h"
#include "record_cache.h"
#include "ref_text.h"
#include "row_cache.h"
#include "store_work.h"
#include "work.h"
#include "work_view_text.h"
#include "store.h"
#include "store_case.h"

#include "store_fixture.h"

static void slices_are_the_members_text(void **state)
{
    (void)state;
    const char *text = "{\"x\":{\"a\":\"}]\\\"\",\"d\":[1]},\"a\":\"q\\\"}{\",\"d\":[{\"k\":[1,2,\"]\"]},[],\"x\",null],"
                       "\"s\":-1.5e3,\"o\":{\"a\":[true,false]},\"n\":7,\"z\":[]}";
    const char *names[] = {"a", "d", "x.a", "x.zz", "o.a", "n.q", "missing", "s"};
    json_slice m[8];
    assert_int_equal(json_members_slices(text, strlen(text), names, 8, m), 0);
    assert_int_equal(m[0].len, strlen("\"q\\\"}{\""));
    assert_memory_equal(m[0].p, "\"q\\\"}{\"", m[0].len); /* the top level's a, not x's */
    assert_int_equal(json_slice_count(m[1]), 4);
    assert_memory_equal(m[2].p, "\"}]\\\"\"", m[2].len);
    assert_null(m[3].p);                               /* absent child */
    assert_memory_equal(m[4].p, "[true,false]", m[4].len);
    assert_null(m[5].p);                               /* a child of a number: absent */
    assert_null(m[6].p);
    assert_memory_equal(m[7].p, "-1.5e3", m[7].len);
    json_slice body = json_slice_string_body(m[0]);
    assert_memory_equal(body.p, "q\\\"}{", body.len);
    assert_null(json_slice_string_body(m[7]).p); /* not a string */
    assert_int_equal(json_slice_count(m[7]), -1);  /* not an array */
    /* Found early: the rest is not read, even when it would not parse. */
    const char *first[] = {"a"};
    assert_int_equal(json_members_slices("{\"a\":7,\"b\":", strlen("{\"a\":7,\"b\":"), first, 1, m), 0);
    assert_memory_equal(m[0].p, "7", 1);
    const char *bad[] = {"", "[]", "{\"a\":", "{\"a\":\"open}", "{\"b\":1,}", "{\"a\" 1}", "{\"x\":{\"a\":}}"};
    const char *want[] = {"a", "x.a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(json_members_slices(bad[i], strlen(bad[i]), want, 2, m), -1);
    assert_int_equal(json_members_slices("{}", 2, want, 2, m), 0);
    assert_null(m[0].p);
    assert_null(m[1].p);
}

typedef struct {
    json_t *rec;
    uint64_t id;
} put_arg;

static int create(store *s, MDB_txn *txn, void *arg)
{
    put_arg *a = arg;
    return store_case_create(s, txn, a->rec, &a->id);
}

/* jansson's answer for one case, as h_case_list printed it before. */
static char *summary_through_jansson(store *s, MDB_txn *txn, uint64_t id)
{
    json_t *rec;
    assert_int_equal(store_case_get(s, txn, id, &rec), 0);
    json_t *summary = case_summary(s, txn, rec);
    json_decref(rec);
    assert_non_null(summary);
    char *text = json_dumps(summary, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(summary);
    assert_non_null(text);
    return text;
}

static void summary_text_is_what_jansson_prints(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 400, 3, 11, NULL), 0);
    /* Names that need escaping, a missing caseworker, a team, dependants, a principal without a
     * nationality. */
    json_t *odd[] = {
        json_pack("{s:i,s:s,s:{s:i,s:s,s:s,s:s},s:[{s:i,s:s,s:s},{s:i,s:s,s:s}],s:s}", "council_id", 1, "status",
                  "open_referral", "principal", "id", 1, "given_names", "Zo\xc3\xab \"Q\" \\ /", "family_name",
                  "O'Brien\t\xe2\x80\x94", "date_of_birth", "1980-02-03", "dependants", "id", 2, "given_names", "A",
                  "family_name", "B", "id", 3, "given_names", "C", "family_name", "D", "team", "North \"East\""),
        json_pack("{s:i,s:s,s:{s:i,s:s},s:[]}", "council_id", 2, "status", "closed", "principal", "id", 1,
                  "family_name", "Solo", "dependants"),
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        assert_non_null(odd[i]);
        put_arg a = {odd[i], 0};
        assert_int_equal(store_write(f->s, create, &a), 0);
        json_decref(odd[i]);
    }
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    record_cache_clear();
    ref_text_clear();
    size_t compared = 0;
    for (uint64_t id = 1; id <= 402; id++) {
        json_text *out = json_text_thread();
        int rc = case_summary_text(f->s, txn, id, out, NULL);
        if (rc == MDB_NOTFOUND)
            continue;
        assert_int_equal(rc, 0);
        char *want = summary_through_jansson(f->s, txn, id);
        if (out->len != strlen(want) || memcmp(out->p, want, out->len) != 0)
            fail_msg("case %llu:\n  text:    %.*s\n  jansson: %s", (unsigned long long)id, (int)out->len, out->p, want);
        free(want);
        compared++;
    }
    assert_int_equal(case_summary_text(f->s, txn, 999999, json_text_thread(), NULL), MDB_NOTFOUND);
    ref_text_clear();
    store_read_end(f->s, txn);
    assert_true(compared >= 400);
}

/* Sets one string member of a stored record (a council's or a caseworker's name). */
typedef struct {
    store_db db;
    uint64_t id;
    const char *member, *value;
} change_arg;

static int change_record(store *s, MDB_txn *txn, void *arg)
{
    change_arg *a = arg;
    unsigned char k[8];
    store_key_u64(k, a->id);
    json_t *rec;
    int rc = store_json_get(s, txn, a->db, k, 8, &rec);
    if (rc)
        return rc;
    json_object_set_new(rec, a->member, json_string(a->value));
    rc = store_json_put(s, txn, a->db, k, 8, rec);
    json_decref(rec);
    return rc;
}

/* Case id's summary as text, checked equal to jansson's. */
static void same_text(store *s, uint64_t id, const char *must_hold)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    json_text *out = json_text_thread();
    assert_int_equal(case_summary_text(s, txn, id, out, NULL), 0);
    char *want = summary_through_jansson(s, txn, id);
    assert_int_equal(out->len, strlen(want));
    assert_memory_equal(out->p, want, out->len);
    assert_non_null(strstr(want, must_hold));
    free(want);
    store_read_end(s, txn);
}

/* A renamed council or caseworker shows on the next list: the kept texts follow the records' bytes. */
static void renamed_refs_show_at_once(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 20, 2, 5, NULL), 0);
    json_t *rec;
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_case_get(f->s, txn, 1, &rec), 0);
    store_read_end(f->s, txn);
    uint64_t council = (uint64_t)json_integer_value(json_object_get(rec, "council_id"));
    uint64_t worker = (uint64_t)json_integer_value(json_object_get(rec, "caseworker_id"));
    json_decref(rec);
    assert_true(council > 0 && worker > 0);
    ref_text_clear();
    same_text(f->s, 1, "\"council\":{\"id\":");
    change_arg a = {DB_ORGS, council, "name", "Renamed \"Borough\""};
    assert_int_equal(store_write(f->s, change_record, &a), 0);
    same_text(f->s, 1, "Renamed \\\"Borough\\\"");
    change_arg b = {DB_USERS, worker, "name", "Another Caseworker"};
    assert_int_equal(store_write(f->s, change_record, &b), 0);
    same_text(f->s, 1, "Another Caseworker");
    ref_text_clear();
}

/* jansson's view of one case, as h_case_get printed it before. */
static char *view_through_jansson(store *s, MDB_txn *txn, uint64_t id)
{
    json_t *rec;
    assert_int_equal(store_case_get(s, txn, id, &rec), 0);
    json_t *view = case_view_take(s, txn, rec);
    assert_non_null(view);
    char *text = json_dumps(view, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(view);
    assert_non_null(text);
    return text;
}

/* Case 1's caseworker and council, for the records a test makes around it. */
static void case1_people(store *s, json_int_t *uid, json_int_t *council)
{
    MDB_txn *txn;
    json_t *first;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_case_get(s, txn, 1, &first), 0);
    store_read_end(s, txn);
    *uid = json_integer_value(json_object_get(first, "caseworker_id"));
    *council = json_integer_value(json_object_get(first, "council_id"));
    json_decref(first);
}

static void view_text_is_what_jansson_prints(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 300, 3, 17, NULL), 0);
    MDB_txn *txn;
    json_int_t uid, council;
    case1_people(f->s, &uid, &council);
    assert_true(uid > 0 && council > 0);
    /* Every reshaped part: members left out (filled with null), user ids to resolve (present, null,
     * absent), dropped members, relationships set and kept, costs to fill, a closed case with a
     * retention date; then shapes only jansson's view handles (immigration missing, a user id that is
     * not a number, a stored member the view makes itself). */
    json_t *odd[] = {
        json_pack("{s:I,s:s,s:{s:i,s:s,s:s,s:s},s:[{s:i,s:s,s:s},{s:i,s:s}],s:{s:s,s:I},"
                  "s:{s:s,s:[{s:i,s:s},i,{s:i,s:i,s:s,s:s}]},s:{s:s,s:s,s:b,s:I},"
                  "s:[{s:s,s:I,s:I,s:b},{s:s,s:n}],s:[{s:i,s:s,s:I},{s:i}],s:n,s:s,s:s}",
                  "council_id", council, "status", "closed", "principal", "id", 1, "given_names", "Ama",
                  "family_name", "Mensah \"Q\"", "relationship", "self", "dependants", "id", 2, "given_names", "Yaa",
                  "relationship", "child", "id", 3, "family_name", "Boateng", "immigration", "status", "leave",
                  "updated_by", uid, "finance", "support_start_date", "2024-01-02", "other_costs", "id", 1,
                  "description", "Bus fares", 5, "id", 2, "amount_pence", 1200, "date", "2024-02-01", "description",
                  "Uniform", "closure", "closure_date", "2020-03-04", "reason", "moved_away", "set_support_end", 1,
                  "closed_by", uid, "previous_closures", "closure_date", "2019-01-01", "closed_by", uid,
                  "reopened_by", uid, "set_support_end", 0, "closure_date", "2018-05-06", "closed_by",
                  "documents", "id", 1, "filename", "a\"b.pdf", "uploaded_by", uid, "id", 2, "caseworker_id",
                  "team", "East", "updated_at", "2024-03-03T10:00:00Z"),
        json_pack("{s:I,s:s,s:{s:i,s:s},s:[],s:n,s:n,s:n,s:[]}", "council_id", council, "status", "open_referral",
                  "principal", "id", 1, "family_name", "Solo", "dependants", "immigration", "finance", "closure",
                  "documents"),
        json_pack("{s:I,s:s,s:{s:i,s:s},s:[]}", "council_id", council, "status", "open_referral", "principal", "id", 1,
                  "family_name", "No Immigration", "dependants"),
        json_pack("{s:I,s:s,s:{s:i,s:s},s:[],s:{},s:s}", "council_id", council, "status", "open_referral", "principal",
                  "id", 1, "family_name", "Odd Worker", "dependants", "immigration", "caseworker_id", "7"),
        json_pack("{s:I,s:s,s:{s:i,s:s},s:[],s:{},s:s}", "council_id", council, "status", "open_referral", "principal",
                  "id", 1, "family_name", "Stored Ref", "dependants", "immigration", "connect_id", "X1"),
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        assert_non_null(odd[i]);
        put_arg a = {odd[i], 0};
        assert_int_equal(store_write(f->s, create, &a), 0);
        json_decref(odd[i]);
    }
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    record_cache_clear();
    ref_text_clear();
    size_t compared = 0;
    for (uint64_t id = 1; id <= 305; id++) {
        json_text *out = json_text_thread();
        int rc = case_view_text(f->s, txn, id, 0, out);
        if (rc == MDB_NOTFOUND)
            continue;
        assert_int_equal(rc, 0);
        char *want = view_through_jansson(f->s, txn, id);
        if (out->len != strlen(want) || memcmp(out->p, want, out->len) != 0)
            fail_msg("case %llu:\n  text:    %.*s\n  jansson: %s", (unsigned long long)id, (int)out->len, out->p, want);
        free(want);
        compared++;
    }
    assert_true(compared >= 300);
    /* A council sees its own cases only; a case that does not exist is not found either way. */
    assert_int_equal(case_view_text(f->s, txn, 301, (uint64_t)council, json_text_thread()), 0);
    assert_int_equal(case_view_text(f->s, txn, 301, (uint64_t)council + 1000, json_text_thread()), MDB_NOTFOUND);
    assert_int_equal(case_view_text(f->s, txn, 999999, 0, json_text_thread()), MDB_NOTFOUND);
    store_read_end(f->s, txn);
    ref_text_clear();
}

typedef struct {
    char kind;
    json_t *rec;
    uint64_t worker, id;
} item_arg;

static int create_item(store *s, MDB_txn *txn, void *arg)
{
    item_arg *a = arg;
    return store_work_create(s, txn, a->kind, a->rec, a->worker, &a->id);
}

/* Alert and query rows written as text are what work_alert_view / work_query_view print: open, owed or
 * not, cleared, closed, with an immigration update's changes (jansson's), beyond the calendar, for a
 * case that is gone, and with a user id of another type (jansson's). */
static void work_rows_are_what_jansson_prints(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 20, 2, 23, NULL), 0);
    MDB_txn *txn;
    json_int_t uid, council;
    case1_people(f->s, &uid, &council);
    const char *at = "2026-11-02T10:00:00Z";
    struct {
        char kind;
        json_t *rec;
    } items[] = {
        {WORK_ALERT, json_pack("{s:i,s:I,s:s,s:s,s:s,s:I,s:b,s:s}", "case_id", 1, "council_id", council, "type", "new_case",
                               "to", "ho", "raised_at", at, "raised_by", uid, "open", 1, "due", "2026-11-09")},
        {WORK_ALERT, json_pack("{s:i,s:I,s:s,s:s,s:s,s:I,s:b,s:s,s:{s:s}}", "case_id", 2, "council_id", council, "type",
                               "final_outcome", "to", "council", "raised_at", at, "raised_by", uid, "open", 1, "due",
                               "2026-11-09", "outcome", "decision", "granted")},
        {WORK_ALERT, json_pack("{s:i,s:I,s:s,s:s,s:s,s:I,s:b,s:s,s:s,s:I,s:s,s:s}", "case_id", 3, "council_id", council,
                               "type", "council_update", "to", "ho", "raised_at", at, "raised_by", uid, "open", 0, "due",
                               "2026-11-09", "cleared_at", at, "cleared_by", uid, "cleared_how", "manual", "statement",
                               "Seen \"today\"")},
        {WORK_ALERT, json_pack("{s:i,s:I,s:s,s:s,s:s,s:I,s:b,s:[s],s:{s:s}}", "case_id", 4, "council_id", council, "type",
                               "immigration_update", "to", "council", "raised_at", at, "raised_by", uid, "open", 1,
                               "fields", "status", "before", "status", "asylum_seeker")},
        {WORK_ALERT, json_pack("{s:i,s:I,s:s,s:s,s:s,s:I,s:b,s:s,s:b,s:[],s:b}", "case_id", 5, "council_id", council,
                               "type", "support_ended", "to", "council", "raised_at", at, "raised_by", uid, "open", 1,
                               "due", "2028-02-01", "due_beyond", 1, "fields", "awaiting_mi_run", 1)},
        {WORK_ALERT, json_pack("{s:i,s:I,s:s,s:s,s:s,s:n,s:b}", "case_id", 99999, "council_id", council, "type",
                               "new_case", "to", "ho", "raised_at", at, "raised_by", "open", 1)},
        {WORK_QUERY, json_pack("{s:i,s:I,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:s,s:[{s:i},{s:i}]}", "case_id", 6, "council_id",
                               council, "category", "progress_update", "urgent", 1, "urgent_reason", "Eviction",
                               "opened_by", "council", "opened_at", at, "status", "open", "awaiting", "ho", "due",
                               "2026-11-20", "messages", "id", 1, "id", 2)},
        {WORK_QUERY, json_pack("{s:i,s:I,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "case_id", 7, "council_id", council,
                               "category", "other", "urgent", 0, "opened_by", "ho", "opened_at", at, "status", "closed",
                               "due", "2026-11-20", "closed_at", at, "closed_by", uid, "awaiting", "council")},
        {WORK_QUERY, json_pack("{s:i,s:I,s:s,s:b,s:s,s:s,s:s,s:s}", "case_id", 8, "council_id", council, "category",
                               "other", "urgent", 0, "opened_by", "ho", "opened_at", at, "status", "closed", "closed_by",
                               "7")},
    };
    size_t n_items = sizeof items / sizeof items[0];
    for (size_t i = 0; i < n_items; i++) {
        assert_non_null(items[i].rec);
        item_arg a = {items[i].kind, items[i].rec, (uint64_t)uid, 0};
        assert_int_equal(store_write(f->s, create_item, &a), 0);
        json_decref(items[i].rec);
    }
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    record_cache_clear();
    ref_text_clear();
    size_t compared = 0;
    for (int k = 0; k < 2; k++) {
        char kind = k ? WORK_QUERY : WORK_ALERT;
        for (uint64_t id = 1; id <= 20; id++) {
            json_text *out = json_text_thread();
            int rc = work_view_text(f->s, txn, kind, id, "2026-12-06", out);
            if (rc == MDB_NOTFOUND)
                continue;
            assert_int_equal(rc, 0);
            json_t *item;
            assert_int_equal(store_work_get(f->s, txn, kind, id, &item), 0);
            json_t *v = kind == WORK_ALERT ? work_alert_view(f->s, txn, item, "2026-12-06")
                                           : work_query_view(f->s, txn, item, "2026-12-06", 0);
            json_decref(item);
            assert_non_null(v);
            char *want = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
            json_decref(v);
            if (out->len != strlen(want) || memcmp(out->p, want, out->len) != 0)
                fail_msg("%c %llu:\n  text:    %.*s\n  jansson: %s", kind, (unsigned long long)id, (int)out->len, out->p,
                         want);
            free(want);
            compared++;
        }
    }
    store_read_end(f->s, txn);
    assert_int_equal(compared, n_items);
    ref_text_clear();
}

/* The rows a thread keeps (row_cache.h) in a write transaction: none. */
typedef struct {
    int kept;
    char *text;
} in_write_arg;

static int summary_in_write(store *s, MDB_txn *txn, void *arg)
{
    in_write_arg *a = arg;
    json_text *out = json_text_thread();
    int rc = case_summary_text(s, txn, 1, out, NULL);
    if (!rc)
        a->text = strndup(out->p, out->len);
    a->kept = row_cache_get(s, txn, ROW_CASE_SUMMARY, 1, NULL, json_text_thread(), NULL);
    return rc;
}

static uint64_t case1_council;

/* The text of case 1's summary in a new read transaction, and whether it was kept from before. */
static char *summary_now(store *s, int *was_kept)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    *was_kept = row_cache_get(s, txn, ROW_CASE_SUMMARY, 1, NULL, json_text_thread(), NULL);
    json_text *out = json_text_thread();
    uint64_t council = 0;
    assert_int_equal(case_summary_text(s, txn, 1, out, &council), 0);
    assert_int_equal(council, case1_council); /* the list's audit event needs it, kept or not */
    char *text = strndup(out->p, out->len);
    store_read_end(s, txn);
    assert_non_null(text);
    return text;
}

/* Alert `id`'s row judged on `day`, with whether it was kept before: the kept text must be the text. */
static char *alert_row(store *s, MDB_txn *txn, uint64_t id, const char *day, int *was_kept)
{
    json_text *out = json_text_thread();
    *was_kept = row_cache_get(s, txn, WORK_ALERT, id, day, out, NULL);
    char *kept = *was_kept ? strndup(out->p, out->len) : NULL;
    out = json_text_thread();
    row_cache_clear();
    assert_int_equal(work_view_text(s, txn, WORK_ALERT, id, day, out), 0); /* written afresh */
    char *fresh = strndup(out->p, out->len);
    assert_non_null(fresh);
    if (kept) {
        assert_string_equal(kept, fresh);
        free(kept);
    }
    return fresh;
}

/* A row is kept for the read snapshot and the day it was written for, and only for them: the same row
 * again in one snapshot is the kept text, equal to a fresh one, with the case's council; each day has
 * its own (overdue the day after its due date, not the day before), kept beside the other day's and
 * beside the case summaries; a write to any record, or a write transaction, writes it afresh; the
 * same snapshot again (no write between) finds it. */
static void kept_rows_last_one_snapshot_and_one_day(void **state)
{
    fixture *f = *state;
    assert_int_equal(case_gen_bulk(f->s, 20, 2, 29, NULL), 0);
    MDB_txn *txn;
    json_int_t uid, council;
    case1_people(f->s, &uid, &council);
    case1_council = (uint64_t)council;
    json_t *alert = json_pack("{s:i,s:I,s:s,s:s,s:s,s:I,s:b,s:s}", "case_id", 1, "council_id", council, "type",
                              "new_case", "to", "ho", "raised_at", "2026-11-02T10:00:00Z", "raised_by", uid, "open", 1,
                              "due", "2026-11-09");
    item_arg a = {WORK_ALERT, alert, (uint64_t)uid, 0};
    assert_int_equal(store_write(f->s, create_item, &a), 0);
    json_decref(alert);
    row_cache_clear();
    int kept;
    char *before = summary_now(f->s, &kept);
    assert_false(kept);
    char *again = summary_now(f->s, &kept);
    assert_true(kept); /* no write between: the same snapshot */
    assert_string_equal(again, before);
    free(again);

    change_arg b = {DB_USERS, (uint64_t)uid, "name", "Renamed Caseworker"};
    assert_int_equal(store_write(f->s, change_record, &b), 0);
    char *after = summary_now(f->s, &kept);
    assert_false(kept);
    assert_non_null(strstr(after, "Renamed Caseworker"));
    assert_null(strstr(before, "Renamed Caseworker"));

    /* Each day its own row (not overdue the day before its due date, overdue the day after), kept
     * side by side and beside the case summaries: a thread serves both lists in turn. */
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    const char *days[] = {"2026-11-08", "2026-11-10"};
    const char *overdue[] = {"\"overdue\":false", "\"overdue\":true"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(work_view_text(f->s, txn, WORK_ALERT, a.id, days[i], json_text_thread()), 0);
        assert_int_equal(case_summary_text(f->s, txn, 1, json_text_thread(), NULL), 0);
    }
    for (int i = 0; i < 2; i++) {
        uint64_t kept_council = 0;
        assert_true(row_cache_get(f->s, txn, ROW_CASE_SUMMARY, 1, NULL, json_text_thread(), &kept_council));
        assert_int_equal(kept_council, case1_council);
        char *row = alert_row(f->s, txn, a.id, days[i], &kept); /* empties the cache: last */
        assert_true(kept);
        assert_non_null(strstr(row, overdue[i]));
        free(row);
        assert_int_equal(work_view_text(f->s, txn, WORK_ALERT, a.id, days[1 - i], json_text_thread()), 0);
        assert_int_equal(case_summary_text(f->s, txn, 1, json_text_thread(), NULL), 0);
        assert_int_equal(work_view_text(f->s, txn, WORK_ALERT, a.id, days[i], json_text_thread()), 0);
    }
    store_read_end(f->s, txn);

    in_write_arg w = {0};
    assert_int_equal(store_write(f->s, summary_in_write, &w), 0);
    assert_false(w.kept);
    assert_string_equal(w.text, after);
    free(w.text);
    free(before);
    free(after);
    row_cache_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slices_are_the_members_text),
        cmocka_unit_test_setup_teardown(summary_text_is_what_jansson_prints, setup, teardown),
        cmocka_unit_test_setup_teardown(renamed_refs_show_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(view_text_is_what_jansson_prints, setup, teardown),
        cmocka_unit_test_setup_teardown(work_rows_are_what_jansson_prints, setup, teardown),
        cmocka_unit_test_setup_teardown(kept_rows_last_one_snapshot_and_one_day, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
