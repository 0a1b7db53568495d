/* Unit tests for retention and destruction (store_retention.h): a due, closed case is destroyed in one
 * write with its indexes, counters, work, history, documents and waiting email, and the verifier that
 * `connectctl check` runs (with the counter recount and the facts check) then finds nothing; a held
 * or reopened case is not destroyed; the verifier does notice what a destruction would have left;
 * policy bounds and the calendar-year rule. Real LMDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calendar.h"
#include "case_index.h"
#include "store.h"
#include "store_audit.h"
#include "store_compact.h"
#include "store_case.h"
#include "store_facts.h"
#include "store_fixture.h"
#include "store_internal.h"
#include "store_org.h"
#include "store_recount.h"
#include "store_retention.h"
#include "store_transfer.h"
#include "store_work.h"

typedef struct {
    uint64_t council, doomed, held, open, doc;
} world;

static json_t *a_case(uint64_t council, const char *status, const char *closure_date, const char *family)
{
    json_t *rec = json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:i},s:[{s:s,s:s,s:s,s:i}],"
                            "s:{s:s,s:i},s:o,s:i}",
                            "council_id", (json_int_t)council, "status", status, "legislation", "care_act_2014",
                            "caseworker_id", (json_int_t)9, "team", "North", "created_at", "2018-03-01T10:00:00Z",
                            "principal", "given_names", "Zebedee", "family_name", family, "date_of_birth",
                            "1980-02-03", "ho_reference", "Q1234567", "nationality", "Ruritanian", "id", 1,
                            "dependants", "given_names", "Quillon", "family_name", family, "date_of_birth",
                            "2010-05-06", "id", 2, "finance", "support_start_date", "2018-03-02",
                            "weekly_subsistence_pence", 5000, "closure",
                            closure_date ? json_pack("{s:s,s:s}", "closure_date", closure_date, "reason",
                                                     "granted_leave")
                                         : json_null(),
                            "next_person", 3);
    assert_non_null(rec);
    return rec;
}

static int build(store *s, MDB_txn *txn, void *arg)
{
    world *w = arg;
    int rc = store_org_create(s, txn, "council", "Test Council", "TST", "2018-01-01T00:00:00Z", &w->council);
    json_t *doomed = a_case(w->council, "closed", "2019-01-10", "Xylophonist");
    json_t *held = a_case(w->council, "closed", "2019-01-10", "Heldmann");
    json_t *open = a_case(w->council, "open_supported", NULL, "Openshaw");
    w->doc = 77;
    json_object_set_new(doomed, "documents", json_pack("[{s:I,s:s}]", "id", (json_int_t)w->doc, "filename", "p.pdf"));
    if (!rc)
        rc = store_case_create(s, txn, doomed, &w->doomed);
    if (!rc)
        rc = store_case_create(s, txn, held, &w->held);
    if (!rc)
        rc = store_case_create(s, txn, open, &w->open);
    if (!rc)
        rc = store_case_history_diff(s, txn, w->doomed, NULL, doomed, "2018-03-01T10:00:00Z", 9);
    if (!rc)
        rc = store_doc_put(s, txn, w->doc, "SECRET-BYTES", 12);
    json_t *alert = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:i}", "case_id", (json_int_t)w->doomed,
                              "council_id", (json_int_t)w->council, "type", "case_closed", "to", "ho", "raised_at",
                              "2019-01-10T10:00:00Z", "due", "2019-01-24", "open", 1, "due_from", "2019-01-10",
                              "raised_by", "9", "due_days", 10);
    json_t *query = json_pack("{s:I,s:I,s:s,s:b,s:s,s:s,s:s,s:s,s:[{s:i,s:s,s:s,s:s},{s:i,s:s,s:s,s:s}]}",
                              "case_id", (json_int_t)w->doomed, "council_id", (json_int_t)w->council, "category",
                              "other", "urgent", 0, "opened_by", "council", "opened_at", "2018-04-01T10:00:00Z",
                              "status", "open", "awaiting", "ho", "messages", "id", 1, "at", "2018-04-01T10:00:00Z",
                              "side", "council", "text", "about Xylophonist", "id", 2, "at", "2018-04-03T10:00:00Z",
                              "side", "ho", "text", "answer");
    uint64_t id;
    if (!rc)
        rc = store_work_create(s, txn, WORK_ALERT, alert, 9, &id);
    if (!rc)
        rc = store_work_create(s, txn, WORK_QUERY, query, 9, &id);
    /* Waiting email: one about the doomed case, one about case 1 plus its id's digits (kept). */
    char body[128];
    snprintf(body, sizeof body, "There is news on case C%llu. See /#/cases/%llu\r\n", (unsigned long long)w->doomed,
             (unsigned long long)w->doomed);
    json_t *m1 = json_pack("{s:s,s:s,s:s}", "to", "a@example.test", "subject", "Connect", "body", body);
    snprintf(body, sizeof body, "See /#/cases/%llu0\r\n", (unsigned long long)w->doomed);
    json_t *m2 = json_pack("{s:s,s:s,s:s}", "to", "a@example.test", "subject", "Connect", "body", body);
    unsigned char key[8];
    store_key_u64(key, 1);
    if (!rc)
        rc = store_json_put(s, txn, DB_OUTBOX, key, 8, m1);
    store_key_u64(key, 2);
    if (!rc)
        rc = store_json_put(s, txn, DB_OUTBOX, key, 8, m2);
    json_t *hold = json_pack("{s:s,s:I,s:s}", "reason", "litigation", "by", (json_int_t)9, "at", "2024-01-01T00:00:00Z");
    if (!rc)
        rc = store_hold_put(s, txn, w->held, hold);
    json_decref(doomed);
    json_decref(held);
    json_decref(open);
    json_decref(alert);
    json_decref(query);
    json_decref(m1);
    json_decref(m2);
    json_decref(hold);
    return rc;
}

/* What connectctl check runs: the counters, the facts and the destroyed cases. */
static size_t check(store *s, size_t *destroyed)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    size_t counters, diffs, rows, fact_diffs, problems;
    assert_int_equal(store_recount(s, txn, stderr, &counters, &diffs), 0);
    assert_int_equal(store_facts_verify(s, txn, stderr, &rows, &fact_diffs), 0);
    assert_int_equal(store_retention_verify(s, txn, stderr, destroyed, &problems), 0);
    store_read_end(s, txn);
    return diffs + fact_diffs + problems;
}

static int count_records(const json_t *r, void *ctx)
{
    (void)r;
    (*(size_t *)ctx)++;
    return 0;
}

typedef struct {
    size_t anonymous, named;
    case_facts last;
} facts_seen;

static int see_facts(const case_facts *f, void *ctx)
{
    facts_seen *fs = ctx;
    if (f->case_id) {
        fs->named++;
    } else {
        fs->anonymous++;
        fs->last = *f;
        fs->last.team = fs->last.nationality = NULL; /* point into the transaction */
    }
    return 0;
}

static void destroys_everything(void **state)
{
    fixture *f = *state;
    world w = {0};
    assert_int_equal(store_write(f->s, build, &w), 0);
    size_t destroyed = 9;
    assert_int_equal(check(f->s, &destroyed), 0);
    assert_int_equal(destroyed, 0);

    /* Not due the day before: closure 2019-01-10 + 6 years. */
    size_t n = 9;
    assert_int_equal(store_retention_run(f->s, "2025-01-09", "2025-01-09T02:00:00Z", "t0", 0, NULL, NULL, &n, NULL), 0);
    assert_int_equal(n, 0);
    size_t listed = 0;
    assert_int_equal(store_retention_run(f->s, "2025-01-10", "x", "t1", 1, count_records, &listed, &n, NULL), 0);
    assert_int_equal(n, 1); /* dry run: the held case is not listed, nothing written */
    assert_int_equal(listed, 1);
    assert_int_equal(store_retention_run(f->s, "2025-01-10", "2025-01-10T02:00:00Z", "t2", 0, NULL, NULL, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(check(f->s, &destroyed), 0);
    assert_int_equal(destroyed, 1);

    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    json_t *rec;
    assert_int_equal(store_case_get(f->s, txn, w.doomed, &rec), MDB_NOTFOUND);
    assert_int_equal(store_case_get(f->s, txn, w.held, &rec), 0);
    json_decref(rec);
    const void *data;
    size_t len;
    assert_int_equal(store_doc_get(f->s, txn, w.doc, &data, &len), MDB_NOTFOUND);
    MDB_stat st;
    assert_int_equal(mdb_stat(txn, store_dbi(f->s, DB_OUTBOX), &st), 0);
    assert_int_equal(st.ms_entries, 1); /* only the message about another case */
    assert_int_equal(mdb_stat(txn, store_dbi(f->s, DB_ALERTS), &st), 0);
    assert_int_equal(st.ms_entries, 0);
    assert_int_equal(mdb_stat(txn, store_dbi(f->s, DB_QUERIES), &st), 0);
    assert_int_equal(st.ms_entries, 0);
    /* The report facts: an anonymous row with the figures and without names, caseworker or nationality. */
    facts_seen fs = {0};
    assert_int_equal(store_facts_cases_each(f->s, txn, w.council, see_facts, &fs), 0);
    assert_int_equal(fs.named, 2);
    assert_int_equal(fs.anonymous, 1);
    assert_int_equal(fs.last.weekly_subsistence, 5000);
    assert_int_equal(fs.last.caseworker_id, 0);
    assert_int_equal(fs.last.nationality_len, 0);
    assert_int_equal(fs.last.dependants, 1);
    assert_int_equal(fs.last.closure_day, calendar_day("2019-01-10"));
    /* The record and the audit event. */
    json_t *items;
    uint64_t next;
    assert_int_equal(store_destructions_list(f->s, txn, w.council, 0, 10, &items, &next), 0);
    assert_int_equal(json_array_size(items), 1);
    json_t *d = json_array_get(items, 0);
    char cid[24];
    snprintf(cid, sizeof cid, "C%llu", (unsigned long long)w.doomed);
    assert_string_equal(json_string_value(json_object_get(d, "connect_id")), cid);
    assert_string_equal(json_string_value(json_object_get(d, "destroy_on")), "2025-01-10");
    json_t *counts = json_object_get(d, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "people")), 2);
    assert_int_equal(json_integer_value(json_object_get(counts, "documents")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "alerts")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "queries")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "messages")), 2);
    assert_int_equal(json_integer_value(json_object_get(counts, "emails")), 1);
    assert_true(json_integer_value(json_object_get(counts, "history")) >= 1);
    char *dump = json_dumps(d, 0);
    assert_null(strstr(dump, "Xylophonist"));
    free(dump);
    json_decref(items);
    assert_int_equal(store_destructions_list(f->s, txn, w.council + 1, 0, 10, &items, &next), 0);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    assert_int_equal(store_audit_recent(f->s, txn, "case_destroyed", 5, &items), 0);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "target")), (json_int_t)w.doomed);
    json_decref(items);
    store_read_end(f->s, txn);

    /* A second run finds nothing; the held case goes once its hold is lifted. */
    assert_int_equal(store_retention_run(f->s, "2025-01-11", "x", "t3", 0, NULL, NULL, &n, NULL), 0);
    assert_int_equal(n, 0);
}

/* Puts back what a faulty destruction could leave: the verifier names it. */
typedef struct {
    json_t *rec;
} leftover;

static int leave_index(store *s, MDB_txn *txn, void *arg)
{
    leftover *l = arg;
    return case_index_apply(s, txn, l->rec, 1);
}

static int leave_doc(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    return store_doc_put(s, txn, 999, "orphan", 6);
}

static void verifier_notices_leftovers(void **state)
{
    fixture *f = *state;
    world w = {0};
    assert_int_equal(store_write(f->s, build, &w), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    json_t *rec;
    assert_int_equal(store_case_get(f->s, txn, w.doomed, &rec), 0);
    store_read_end(f->s, txn);
    size_t n, destroyed;
    assert_int_equal(store_retention_run(f->s, "2026-01-01", "x", "t", 0, NULL, NULL, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(check(f->s, &destroyed), 0);
    leftover l = {rec};
    assert_int_equal(store_write(f->s, leave_index, &l), 0);
    assert_true(check(f->s, &destroyed) > 0);
    json_decref(rec);
}

static void orphan_document_is_reported(void **state)
{
    fixture *f = *state;
    size_t destroyed;
    assert_int_equal(store_write(f->s, leave_doc, NULL), 0);
    assert_int_equal(check(f->s, &destroyed), 1);
}

typedef struct {
    uint64_t council;
    int years;
} policy_ctx;

static int policy_write(store *s, MDB_txn *txn, void *arg)
{
    policy_ctx *p = arg;
    if (!p->council) {
        int rc = store_org_create(s, txn, "council", "P", "PP", "2018-01-01T00:00:00Z", &p->council);
        if (rc)
            return rc;
    }
    return store_retention_set_years(s, txn, p->council, p->years);
}

static void policy_bounds_and_calendar_years(void **state)
{
    fixture *f = *state;
    policy_ctx p = {0, 0};
    assert_int_equal(store_write(f->s, policy_write, &p), EINVAL);
    p = (policy_ctx){0, 26}; /* the aborted write created no council */
    assert_int_equal(store_write(f->s, policy_write, &p), EINVAL);
    p = (policy_ctx){0, 25};
    assert_int_equal(store_write(f->s, policy_write, &p), 0);
    MDB_txn *txn;
    int years = 0;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_retention_years(f->s, txn, p.council, &years), 0);
    store_read_end(f->s, txn);
    assert_int_equal(years, 25);
    assert_int_equal(retention_destroy_day(calendar_day("2020-02-29"), 1), calendar_day("2021-02-28"));
    assert_int_equal(retention_destroy_day(calendar_day("2020-02-29"), 4), calendar_day("2024-02-29"));
    assert_int_equal(retention_destroy_day(calendar_day("2019-12-31"), 6), calendar_day("2025-12-31"));
}

/* Whether the file holds the bytes. */
static int file_has(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    return memmem(buf, n, needle, strlen(needle)) != NULL;
}

static int put_doc(store *s, MDB_txn *txn, void *ctx)
{
    unsigned char key[8];
    store_key_u64(key, 777);
    MDB_val k = {8, key}, v = {3 * 4096, ctx};
    return mdb_put(txn, store_dbi(s, DB_DOCS), &k, &v, 0);
}

static int del_doc(store *s, MDB_txn *txn, void *ctx)
{
    (void)ctx;
    unsigned char key[8];
    store_key_u64(key, 777);
    return store_del(s, txn, DB_DOCS, key, 8);
}

/* A deleted document's pages stay in data.mdb until the scrub zeroes them; the store works on after
 * the scrub's reopen. */
static void scrub_zeroes_freed_pages(void **state)
{
    fixture *f = *state;
    static char doc[3 * 4096];
    const char *mark = "Zq-scrub-marker-Vrelinde";
    for (size_t i = 0; i + strlen(mark) < sizeof doc; i += 512)
        memcpy(doc + i, mark, strlen(mark));
    assert_int_equal(store_write(f->s, put_doc, doc), 0);
    assert_int_equal(store_write(f->s, del_doc, NULL), 0);
    char path[96];
    snprintf(path, sizeof path, "%s/data.mdb", f->dir);
    assert_int_equal(file_has(path, mark), 1); /* LMDB freed the pages but did not clear them */
    store_scrub_stats st;
    assert_int_equal(store_scrub(f->s, &st), 0);
    assert_true(st.pages >= 3);
    assert_true(st.free_after >= st.pages / 2);
    assert_int_equal(file_has(path, mark), 0);
    /* The reopened store reads and writes, and the scratch database is empty. */
    assert_int_equal(store_write(f->s, put_doc, doc), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    MDB_stat ms;
    assert_int_equal(mdb_stat(txn, store_dbi(f->s, DB_SCRUB), &ms), 0);
    assert_int_equal(ms.ms_entries, 0);
    store_read_end(f->s, txn);
}

static int put_small(store *s, MDB_txn *txn, void *ctx)
{
    (void)ctx;
    int rc = 0;
    for (uint64_t id = 1; id <= 20 && !rc; id++) {
        unsigned char key[8];
        char val[64];
        store_key_u64(key, id);
        int n = snprintf(val, sizeof val, id == 7 ? "Zq-compact-gone-Hellebore" : "Zq-compact-keep-%02d", (int)id);
        MDB_val k = {8, key}, v = {(size_t)n, val};
        rc = mdb_put(txn, store_dbi(s, DB_DOCS), &k, &v, 0);
    }
    return rc;
}

static int del_seven(store *s, MDB_txn *txn, void *ctx)
{
    (void)ctx;
    unsigned char key[8];
    store_key_u64(key, 7);
    return store_del(s, txn, DB_DOCS, key, 8);
}

/* The compaction: refused (EBUSY, recorded, nothing changed) while another process has the store
 * open; then the file is rewritten with no trace of a deleted record, every other record intact,
 * and the store opens and writes as before. */
static void compaction_rewrites_the_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_write(f->s, put_small, NULL), 0);
    assert_int_equal(store_write(f->s, del_seven, NULL), 0);
    char path[96];
    snprintf(path, sizeof path, "%s/data.mdb", f->dir);
    assert_int_equal(file_has(path, "Zq-compact-gone-Hellebore"), 1); /* the old page copy is still there */
    store_close(f->s);
    f->s = NULL;
    assert_int_equal(store_compact_sequence(f->dir), 0);

    /* Another process with the store open: busy. */
    int ready[2], go[2]; /* child -> parent: "store open"; parent -> child: "close it" */
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        store *s;
        char c;
        if (store_open(&s, f->dir, NULL))
            _exit(1);
        if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(1);
        store_close(s);
        _exit(0);
    }
    char c;
    close(ready[1]); /* a child that failed to open the store: EOF here, not a wait for ever */
    assert_int_equal(read(ready[0], &c, 1), 1);
    store_compact_stats st;
    assert_int_equal(store_compact(f->dir, &st), EBUSY);
    assert_int_equal(store_compact_sequence(f->dir), 1);
    assert_int_equal(store_compact_pending(f->dir), 1);
    assert_int_equal(file_has(path, "Zq-compact-gone-Hellebore"), 1);
    assert_int_equal(write(go[1], "x", 1), 1);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(go[0]);
    close(go[1]);
    close(ready[0]);

    assert_int_equal(store_compact(f->dir, &st), 0);
    assert_int_equal(st.sequence, 2);
    assert_true(st.bytes_after > 0 && st.bytes_after <= st.bytes_before);
    assert_int_equal(store_compact_pending(f->dir), 0);
    assert_int_equal(file_has(path, "Zq-compact-gone-Hellebore"), 0);
    assert_int_equal(file_has(path, "Zq-compact-keep-08"), 1);

    assert_int_equal(store_open(&f->s, f->dir, NULL), 0);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    MDB_stat ms;
    assert_int_equal(mdb_stat(txn, store_dbi(f->s, DB_DOCS), &ms), 0);
    assert_int_equal(ms.ms_entries, 19);
    store_read_end(f->s, txn);
    assert_int_equal(store_write(f->s, del_seven, NULL), MDB_NOTFOUND);
    assert_int_equal(store_write(f->s, put_small, NULL), 0);
}

static int rebuild_write(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    return store_facts_rebuild(s, txn, NULL, NULL);
}

static size_t entries(store *s, store_db db)
{
    MDB_txn *txn;
    MDB_stat st;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(mdb_stat(txn, store_dbi(s, db), &st), 0);
    store_read_end(s, txn);
    return st.ms_entries;
}

/* `connectctl facts rebuild` after a destruction: the anonymous rows (facts and SLA) have no record to
 * be derived from, and must survive it with the past periods' figures. */
static void rebuild_keeps_anonymous_rows(void **state)
{
    fixture *f = *state;
    world w = {0};
    assert_int_equal(store_write(f->s, build, &w), 0);
    size_t n, destroyed;
    assert_int_equal(store_retention_run(f->s, "2025-01-10", "2025-01-10T02:00:00Z", "t", 0, NULL, NULL, &n, NULL), 0);
    assert_int_equal(n, 1);
    size_t sla = entries(f->s, DB_SLA);
    assert_true(sla > 0); /* the destroyed alert's and query's anonymous SLA rows */
    assert_int_equal(store_write(f->s, rebuild_write, NULL), 0);
    assert_int_equal(entries(f->s, DB_SLA), sla);
    MDB_txn *txn;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    facts_seen fs = {0};
    assert_int_equal(store_facts_cases_each(f->s, txn, w.council, see_facts, &fs), 0);
    store_read_end(f->s, txn);
    assert_int_equal(fs.named, 2);
    assert_int_equal(fs.anonymous, 1);
    assert_int_equal(fs.last.weekly_subsistence, 5000);
    assert_int_equal(fs.last.closure_day, calendar_day("2019-01-10"));
    assert_int_equal(check(f->s, &destroyed), 0);
    assert_int_equal(destroyed, 1);
}

/* A case transferred A -> B, then closed and destroyed at B. */
typedef struct {
    uint64_t a, b, case_id, transfer;
} moved;

static int build_moved(store *s, MDB_txn *txn, void *arg)
{
    moved *m = arg;
    int rc = store_org_create(s, txn, "council", "Sender", "SND", "2018-01-01T00:00:00Z", &m->a);
    if (!rc)
        rc = store_org_create(s, txn, "council", "Receiver", "RCV", "2018-01-01T00:00:00Z", &m->b);
    json_t *rec = a_case(m->a, "open_supported", NULL, "Xylophonist"), *t = NULL, *neu = NULL;
    if (!rc)
        rc = store_case_create(s, txn, rec, &m->case_id);
    if (!rc && !(t = json_pack("{s:I,s:I,s:I,s:s,s:s,s:I}", "case_id", (json_int_t)m->case_id, "from_council_id",
                               (json_int_t)m->a, "to_council_id", (json_int_t)m->b, "status", "pending",
                               "requested_at", "2018-06-01T10:00:00Z", "requested_by", (json_int_t)9)))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_transfer_create(s, txn, t, &m->transfer);
    /* What accepting writes (h_transfers.c): the snapshot, the frozen row, the case moved. */
    if (!rc && (json_object_set_new(t, "status", json_string("accepted")) ||
                json_object_set_new(t, "answered_at", json_string("2018-07-02T10:00:00Z")) ||
                json_object_set_new(t, "decline_reason", json_string("none")) ||
                json_object_set_new(t, "facts_at_transfer", store_facts_snapshot(rec))))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_transfer_put(s, txn, t);
    if (!rc)
        rc = store_facts_transfer_put(s, txn, t);
    if (!rc && !(neu = a_case(m->b, "closed", "2019-01-10", "Xylophonist")))
        rc = STORE_NOMEM;
    if (!rc && (json_object_set_new(neu, "id", json_integer((json_int_t)m->case_id)) ||
                json_object_set_new(neu, "transferred_in_on", json_string("2018-07-02"))))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_case_put(s, txn, rec, neu);
    json_decref(rec);
    json_decref(neu);
    json_decref(t);
    return rc;
}

static int see_frozen(const case_facts *f, void *ctx)
{
    if (f->transfer_out != FACTS_NO_DAY)
        *(case_facts *)ctx = *f;
    return 0;
}

/* Destroying a transferred case anonymises the sender's frozen row and strips the transfer record, in
 * the same write; the sender keeps its figures; the verifier finds nothing naming the case. */
static void destroys_transferred_case(void **state)
{
    fixture *f = *state;
    moved m = {0};
    assert_int_equal(store_write(f->s, build_moved, &m), 0);
    size_t n, destroyed;
    assert_int_equal(check(f->s, &destroyed), 0);
    assert_int_equal(store_retention_run(f->s, "2025-01-10", "2025-01-10T02:00:00Z", "t", 0, NULL, NULL, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(check(f->s, &destroyed), 0);
    assert_int_equal(destroyed, 1);
    for (int round = 0; round < 2; round++) { /* and after a rebuild */
        MDB_txn *txn;
        assert_int_equal(store_read_begin(f->s, &txn), 0);
        case_facts frozen = {0};
        frozen.transfer_out = FACTS_NO_DAY;
        assert_int_equal(store_facts_cases_each(f->s, txn, m.a, see_frozen, &frozen), 0);
        assert_int_equal(frozen.transfer_out, calendar_day("2018-07-02"));
        assert_int_equal(frozen.case_id, 0);
        assert_int_equal(frozen.caseworker_id, 0);
        assert_int_equal(frozen.nationality_len, 0);
        assert_int_equal(frozen.weekly_subsistence, 5000);
        assert_int_equal(frozen.referral_day, calendar_day("2018-03-01"));
        json_t *t;
        assert_int_equal(store_transfer_get(f->s, txn, m.transfer, &t), 0);
        assert_null(json_object_get(t, "case_id"));
        assert_null(json_object_get(t, "facts_at_transfer"));
        assert_null(json_object_get(t, "decline_reason"));
        assert_null(json_object_get(t, "requested_by"));
        assert_true(json_is_true(json_object_get(t, "case_destroyed")));
        assert_int_equal(json_integer_value(json_object_get(t, "from_council_id")), (json_int_t)m.a);
        assert_string_equal(json_string_value(json_object_get(t, "answered_at")), "2018-07-02T10:00:00Z");
        json_decref(t);
        uint64_t ids[4], next;
        assert_int_equal(store_transfer_of_org(f->s, txn, m.a, 0, 4, ids, &n, &next), 0);
        assert_int_equal(n, 1); /* the sender still sees that a case went */
        store_read_end(f->s, txn);
        assert_int_equal(store_write(f->s, rebuild_write, NULL), 0);
        assert_int_equal(check(f->s, &destroyed), 0);
    }
}

/* A transfer record still naming a destroyed case is reported by the verifier. */
static int name_again(store *s, MDB_txn *txn, void *arg)
{
    moved *m = arg;
    json_t *t;
    int rc = store_transfer_get(s, txn, m->transfer, &t);
    if (!rc && json_object_set_new(t, "case_id", json_integer((json_int_t)m->case_id)))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_transfer_put(s, txn, t);
    json_decref(t);
    return rc;
}

static void verifier_notices_named_transfer(void **state)
{
    fixture *f = *state;
    moved m = {0};
    size_t n, destroyed;
    assert_int_equal(store_write(f->s, build_moved, &m), 0);
    assert_int_equal(store_retention_run(f->s, "2025-01-10", "2025-01-10T02:00:00Z", "t", 0, NULL, NULL, &n, NULL), 0);
    assert_int_equal(store_write(f->s, name_again, &m), 0);
    assert_int_equal(check(f->s, &destroyed), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(destroys_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(rebuild_keeps_anonymous_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(destroys_transferred_case, setup, teardown),
        cmocka_unit_test_setup_teardown(verifier_notices_named_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(scrub_zeroes_freed_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(compaction_rewrites_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(verifier_notices_leftovers, setup, teardown),
        cmocka_unit_test_setup_teardown(orphan_document_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(policy_bounds_and_calendar_years, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
