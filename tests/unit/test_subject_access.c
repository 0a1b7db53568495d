/* test_subject_access.c - the store walks behind subject access (the events of one case, the RTPF
 * look-ups of given number hashes) and the ZIP's safe file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sar_data.h"
#include "store_audit.h"
#include "store_fixture.h"
#include "store_lookup.h"

static int append_events(store *s, MDB_txn *txn, void *ctx)
{
    (void)ctx;
    const char *events[] = {
        "{\"at\":\"2026-01-01T00:00:01Z\",\"action\":\"case_viewed\",\"target\":5}",
        "{\"at\":\"2026-01-01T00:00:02Z\",\"action\":\"user_changed\",\"target\":5}",
        "{\"at\":\"2026-01-01T00:00:03Z\",\"action\":\"access_refused\",\"kind\":\"case\",\"target\":5}",
        "{\"at\":\"2026-01-01T00:00:04Z\",\"action\":\"case_viewed\",\"target\":6}",
        "{\"at\":\"2026-01-01T00:00:05Z\",\"action\":\"cases_listed\",\"targets\":[3,5]}",
        "{\"at\":\"2026-01-01T00:00:06Z\",\"action\":\"document_downloaded\",\"target\":5}",
        "{\"at\":\"2026-01-01T00:00:07Z\",\"action\":\"subject_access_exported\",\"target\":5,\"case\":5,\"person\":2}",
        "{\"at\":\"2026-01-01T00:00:08Z\",\"action\":\"document_downloaded\",\"target\":9,\"case\":5}",
    };
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        json_t *ev = json_loads(events[i], 0, NULL);
        int rc = ev ? store_audit_append(s, txn, ev) : STORE_NOMEM;
        json_decref(ev);
        if (rc)
            return rc;
    }
    return 0;
}

static int collect(const json_t *ev, void *ctx)
{
    json_t *out = ctx;
    return json_array_append_new(out, json_string(json_string_value(json_object_get(ev, "at")))) ? -1 : 0;
}

static int stop_at_first(const json_t *ev, void *ctx)
{
    (void)ev;
    (*(int *)ctx)++;
    return 77;
}

/* Only the events that name the case, newest first (store_audit_index.c's rule: an explicit "case", a
 * case action's target, a list's targets, a refusal of kind case): not a user or a document that
 * shares its id, not another case. The subject-access trail then keeps only the disclosures. */
static void case_events_are_those_naming_the_case(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, append_events, NULL), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    json_t *out = json_array();
    assert_int_equal(store_audit_case_each(f->s, txn, 5, collect, out), 0);
    char *got = json_dumps(out, JSON_COMPACT);
    assert_string_equal(got, "[\"2026-01-01T00:00:08Z\",\"2026-01-01T00:00:07Z\",\"2026-01-01T00:00:05Z\","
                             "\"2026-01-01T00:00:03Z\",\"2026-01-01T00:00:01Z\"]");
    free(got);
    json_decref(out);
    int calls = 0;
    assert_int_equal(store_audit_case_each(f->s, txn, 5, stop_at_first, &calls), 77);
    assert_int_equal(calls, 1);
    store_read_end(f->s, txn);
}

static int add_lookups(store *s, MDB_txn *txn, void *ctx)
{
    (void)ctx;
    int rc = store_lookup_add(s, txn, 1000, "2026-01-01T00:00:00Z", 1, 10, "passport", "aa", 1);
    if (!rc)
        rc = store_lookup_add(s, txn, 1001, "2026-01-01T00:00:01Z", 2, 20, "passport", "bb", 0);
    if (!rc)
        rc = store_lookup_add(s, txn, 1002, "2026-01-01T00:00:02Z", 1, 10, "brp", "bb", 1);
    return rc;
}

static void lookups_match_by_hash_across_organisations(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, add_lookups, NULL), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    const char *want[] = {"bb", "zz"};
    json_t *rows = NULL;
    assert_int_equal(store_lookup_matching(f->s, txn, want, 2, &rows), 0);
    assert_int_equal(json_array_size(rows), 2);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) assert_string_equal(json_string_value(json_object_get(r, "number_hash")), "bb");
    json_decref(rows);
    assert_int_equal(store_lookup_matching(f->s, txn, want, 0, &rows), 0);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    store_read_end(f->s, txn);
}

static void safe_filenames(void **state)
{
    (void)state;
    char out[64];
    sar_safe_filename("passport scan \xc3\xa9.png", out, sizeof out);
    assert_string_equal(out, "passport_scan_\xc3\xa9.png");
    sar_safe_filename("../etc/passwd", out, sizeof out);
    assert_string_equal(out, "_._etc_passwd"); /* no separator survives */
    sar_safe_filename(".hidden", out, sizeof out);
    assert_string_equal(out, "_hidden");
    sar_safe_filename("a\"b\\c:d", out, sizeof out);
    assert_string_equal(out, "a_b_c_d");
    sar_safe_filename("", out, sizeof out);
    assert_string_equal(out, "document");
    char small[4];
    sar_safe_filename("\xc3\xa9\xc3\xa9", small, sizeof small); /* never half a character */
    assert_string_equal(small, "\xc3\xa9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(case_events_are_those_naming_the_case, setup, teardown),
        cmocka_unit_test_setup_teardown(lookups_match_by_hash_across_organisations, setup, teardown),
        cmocka_unit_test(safe_filenames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
