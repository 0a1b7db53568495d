/* store_work.c - alert and query records, their open-item lists and their counters (store_work.h). */
#include "store_work.h"
#include "store_org.h"
#include "json_get.h"
#include "store_facts.h"
#include "store_internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_case.h"


char store_work_alert_bucket(const char *type)
{
    static const char *const types[] = {"new_case",         "council_update", "case_closed",   "immigration_update",
                                        "closure_required", "final_outcome",  "case_reopened", "support_ended",
                                        "nino_result",      NULL};
    static const char buckets[] = "nuxicfosb";
    for (int i = 0; type && types[i]; i++)
        if (strcmp(type, types[i]) == 0)
            return buckets[i];
    return 0;
}

char store_work_bucket(char kind, const json_t *item, char *side)
{
    if (kind == WORK_ALERT) {
        if (!json_is_true(json_object_get(item, "open")))
            return 0;
        *side = json_get_str_is(item, "to", "ho") ? WORK_SIDE_HO : WORK_SIDE_COUNCIL;
        return store_work_alert_bucket(json_get_str(item, "type"));
    }
    if (!json_get_str_is(item, "status", "open"))
        return 0;
    if (json_get_str_is(item, "awaiting", "ho")) {
        *side = WORK_SIDE_HO;
        return 'q';
    }
    *side = WORK_SIDE_COUNCIL;
    return json_get_str_is(item, "opened_by", "council") ? 'r' : 'h';
}

static store_db db_of(char kind) { return kind == WORK_ALERT ? DB_ALERTS : DB_QUERIES; }

int store_work_get(store *s, MDB_txn *txn, char kind, uint64_t id, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    return store_json_get(s, txn, db_of(kind), key, 8, out);
}

/* ---- list entries and counters of one open item ---- */

typedef struct {
    store *s;
    MDB_txn *txn;
    case_count_sink sink; /* NULL: write the store */
    void *sink_ctx;
    int add;
} item_ctx;

static int count(item_ctx *c, uint64_t scope, char facet, const char *value)
{
    unsigned char key[9 + CASE_VALUE_MAX];
    size_t klen = case_count_key(key, scope, facet, value);
    int delta = c->add ? 1 : -1;
    if (c->sink)
        return c->sink(c->sink_ctx, key, klen, delta);
    case_count_db d = {c->s, c->txn};
    return case_count_delta(&d, key, klen, delta);
}

static size_t open_key(unsigned char out[18], uint64_t scope, char side, char bucket, uint64_t id)
{
    store_key_u64(out, scope);
    out[8] = (unsigned char)side;
    out[9] = (unsigned char)bucket;
    store_key_u64(out + 10, UINT64_MAX - id); /* newest first */
    return 18;
}

static int list_entry(item_ctx *c, const unsigned char *key, const unsigned char *val, size_t vlen)
{
    if (c->sink)
        return 0;
    MDB_val k = {18, (void *)key}, v = {vlen, (void *)val};
    if (c->add)
        return mdb_put(c->txn, store_dbi(c->s, DB_WORK_OPEN), &k, &v, 0);
    int rc = mdb_del(c->txn, store_dbi(c->s, DB_WORK_OPEN), &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int item_entries(item_ctx *c, char kind, const json_t *item, uint64_t worker)
{
    char side;
    char bucket = store_work_bucket(kind, item, &side);
    if (!bucket)
        return 0;
    uint64_t id = json_get_u64(item, "id"), council = json_get_u64(item, "council_id");
    if (!id || !council)
        return STORE_CORRUPT;
    const char *due = json_get_str(item, "due");
    /* A final outcome's due date is the HO's deadline for raising it, not something the council owes. */
    if ((due && strlen(due) != 10) || (kind == WORK_ALERT && bucket == 'f'))
        due = NULL;
    unsigned char val[18];
    store_key_u64(val, worker);
    size_t vlen = 8;
    if (due) {
        memcpy(val + 8, due, 10);
        vlen = 18;
    }
    const char buckets[2] = {bucket, kind == WORK_ALERT ? 'A' : 'Q'};
    const uint64_t scopes[2] = {council, 0};
    char v[96];
    int rc = 0;
    for (int b = 0; b < 2 && !rc; b++) {
        for (int i = 0; i < 2 && !rc; i++) {
            unsigned char key[18];
            open_key(key, scopes[i], side, buckets[b], id);
            rc = list_entry(c, key, val, vlen);
            snprintf(v, sizeof v, "%c%c", side, buckets[b]);
            if (!rc)
                rc = count(c, scopes[i], 'k', v);
        }
        if (!rc && worker) {
            snprintf(v, sizeof v, "%" PRIu64 ":%c%c", worker, side, buckets[b]);
            rc = count(c, council, 'm', v);
        }
    }
    if (rc || !due)
        return rc;
    /* Every open alert / query of the side by due date ('u'), so that an overdue or due-today list
     * has its total without walking every open item. */
    snprintf(v, sizeof v, "%c%c:%s", side, buckets[1], due);
    for (int i = 0; i < 2 && !rc; i++)
        rc = count(c, scopes[i], 'u', v);
    if (rc)
        return rc;
    snprintf(v, sizeof v, "%c:%s", side, due);
    if (!(rc = count(c, council, 'd', v)))
        rc = count(c, 0, 'd', v);
    snprintf(v, sizeof v, "%c:%s:%" PRIu64, side, due, council);
    if (!rc)
        rc = count(c, 0, 'D', v);
    /* Every dated open item of the side by council ('C'): the HO's table of councils then walks only
     * the dates from today on, not every past date of every council. */
    snprintf(v, sizeof v, "%c:%" PRIu64, side, council);
    if (!rc)
        rc = count(c, 0, 'C', v);
    if (!rc && worker) {
        snprintf(v, sizeof v, "%" PRIu64 ":%c:%s", worker, side, due);
        rc = count(c, council, 'e', v);
    }
    return rc;
}

/* The entry of every item, open or not (store_work.h). */
static int all_entry(item_ctx *c, char kind, const json_t *item, uint64_t worker)
{
    if (c->sink)
        return 0;
    uint64_t id = json_get_u64(item, "id"), council = json_get_u64(item, "council_id");
    char side = 0, bucket = store_work_bucket(kind, item, &side);
    unsigned char val[21];
    store_key_u64(val, worker);
    if (kind == WORK_ALERT) {
        side = json_get_str_is(item, "to", "ho") ? WORK_SIDE_HO : WORK_SIDE_COUNCIL;
        bucket = store_work_alert_bucket(json_get_str(item, "type"));
    }
    val[8] = (unsigned char)side;
    val[9] = (unsigned char)bucket;
    val[10] = store_work_bucket(kind, item, &side) != 0;
    const char *due = kind == WORK_ALERT && bucket == 'f' ? NULL : json_get_str(item, "due");
    size_t vlen = 11;
    if (due && strlen(due) == 10) {
        memcpy(val + 11, due, 10);
        vlen = 21;
    }
    const uint64_t scopes[2] = {council, 0};
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        unsigned char key[18];
        open_key(key, scopes[i], '*', kind, id);
        MDB_val k = {18, key}, v = {vlen, val};
        if (c->add)
            rc = mdb_put(c->txn, store_dbi(c->s, DB_WORK_OPEN), &k, &v, 0);
        else if ((rc = mdb_del(c->txn, store_dbi(c->s, DB_WORK_OPEN), &k, NULL)) == MDB_NOTFOUND)
            rc = 0;
    }
    return rc;
}

/* Both kinds of entry of one item. */
static int entries(item_ctx *c, char kind, const json_t *item, uint64_t worker)
{
    int rc = item_entries(c, kind, item, worker);
    return rc ? rc : all_entry(c, kind, item, worker);
}

int store_work_count_item(char kind, const json_t *item, uint64_t worker, case_count_sink sink, void *ctx)
{
    item_ctx c = {.sink = sink, .sink_ctx = ctx, .add = 1};
    return item_entries(&c, kind, item, worker);
}

/* ---- records ---- */

static int put_record(store *s, MDB_txn *txn, char kind, const json_t *rec)
{
    unsigned char key[8];
    store_key_u64(key, json_get_u64(rec, "id"));
    json_t *stored = json_deep_copy(rec);
    if (!stored)
        return STORE_NOMEM;
    store_case_strip_nulls(stored);
    int rc = store_json_put(s, txn, db_of(kind), key, 8, stored);
    json_decref(stored);
    return rc;
}

int store_work_create(store *s, MDB_txn *txn, char kind, json_t *rec, uint64_t worker, uint64_t *id)
{
    int rc = store_seq_next(s, txn, kind == WORK_ALERT ? "alerts" : "queries", id);
    if (rc)
        return rc;
    if (json_object_set_new(rec, "id", json_integer((json_int_t)*id)))
        return STORE_NOMEM;
    if ((rc = put_record(s, txn, kind, rec)) || (rc = store_facts_sla_put(s, txn, kind, NULL, rec)))
        return rc;
    unsigned char key[17];
    store_key_u64(key, json_get_u64(rec, "case_id"));
    key[8] = (unsigned char)kind;
    store_key_u64(key + 9, *id);
    MDB_val k = {17, key}, v = {0, ""};
    if ((rc = mdb_put(txn, store_dbi(s, DB_CASE_WORK), &k, &v, MDB_NOOVERWRITE)))
        return rc == MDB_KEYEXIST ? STORE_EXISTS : rc;
    item_ctx c = {.s = s, .txn = txn, .add = 1};
    return entries(&c, kind, rec, worker);
}

int store_work_put(store *s, MDB_txn *txn, char kind, const json_t *old, const json_t *rec, uint64_t worker)
{
    if (!json_get_u64(rec, "id") || json_get_u64(rec, "id") != json_get_u64(old, "id"))
        return STORE_CORRUPT;
    item_ctx c = {.s = s, .txn = txn, .add = 0};
    int rc = entries(&c, kind, old, worker);
    if (!rc)
        rc = put_record(s, txn, kind, rec);
    if (!rc)
        rc = store_facts_sla_put(s, txn, kind, old, rec);
    c.add = 1;
    return rc ? rc : entries(&c, kind, rec, worker);
}

/* The DB_CASE_WORK row of an item: case | kind | item id. */
static void case_work_key(unsigned char key[17], uint64_t case_id, char kind, uint64_t id)
{
    store_key_u64(key, case_id);
    key[8] = (unsigned char)kind;
    store_key_u64(key + 9, id);
}

int store_work_move(store *s, MDB_txn *txn, char kind, const json_t *old, const json_t *rec, uint64_t old_worker,
                    uint64_t new_worker)
{
    uint64_t id = json_get_u64(rec, "id");
    if (!id || id != json_get_u64(old, "id"))
        return STORE_CORRUPT;
    item_ctx c = {.s = s, .txn = txn, .add = 0};
    int rc = entries(&c, kind, old, old_worker);
    unsigned char key[17];
    case_work_key(key, json_get_u64(old, "case_id"), kind, id);
    if (!rc)
        rc = store_del(s, txn, DB_CASE_WORK, key, sizeof key);
    if (!rc)
        rc = put_record(s, txn, kind, rec);
    if (!rc)
        rc = store_facts_sla_put(s, txn, kind, old, rec);
    if (rc)
        return rc;
    case_work_key(key, json_get_u64(rec, "case_id"), kind, id);
    MDB_val k = {sizeof key, key}, v = {0, ""};
    if ((rc = mdb_put(txn, store_dbi(s, DB_CASE_WORK), &k, &v, MDB_NOOVERWRITE)))
        return rc == MDB_KEYEXIST ? STORE_EXISTS : rc;
    c.add = 1;
    return entries(&c, kind, rec, new_worker);
}

int store_work_of_case(store *s, MDB_txn *txn, uint64_t case_id, char kind, json_t **items)
{
    *items = json_array();
    if (!*items)
        return STORE_NOMEM;
    unsigned char prefix[9];
    store_key_u64(prefix, case_id);
    prefix[8] = (unsigned char)kind;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_WORK, prefix, sizeof prefix);
    int rc = 0;
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 17)
            break;
        json_t *item;
        if ((rc = store_work_get(s, txn, kind, store_u64_from((const unsigned char *)it.key.mv_data + 9), &item))) {
            if (rc == MDB_NOTFOUND)
                rc = STORE_CORRUPT; /* an index row without its record: never a short list */
            break;
        }
        if (json_array_insert_new(*items, 0, item)) { /* newest first */
            rc = STORE_NOMEM;
            break;
        }
    }
    if (!(rc = store_iter_end(&it, rc)))
        return 0;
    json_decref(*items);
    *items = NULL;
    return rc;
}

int store_work_reallocate(store *s, MDB_txn *txn, uint64_t case_id, uint64_t old_worker, uint64_t new_worker)
{
    static const char kinds[2] = {WORK_ALERT, WORK_QUERY};
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        json_t *items;
        if ((rc = store_work_of_case(s, txn, case_id, kinds[i], &items)))
            return rc;
        size_t j;
        json_t *item;
        json_array_foreach(items, j, item) {
            item_ctx c = {.s = s, .txn = txn, .add = 0};
            if ((rc = entries(&c, kinds[i], item, old_worker)))
                break;
            c.add = 1;
            if ((rc = entries(&c, kinds[i], item, new_worker)))
                break;
        }
        json_decref(items);
    }
    return rc;
}

/* Removes exactly what store_work_create and store_work_put wrote for each item (the same entries()
 * with add = 0), so that nothing of a destroyed case's work can be left behind. */
int store_work_destroy_case(store *s, MDB_txn *txn, uint64_t case_id, uint64_t worker, uint64_t destruction_id,
                            size_t *alerts, size_t *queries, size_t *messages)
{
    static const char kinds[2] = {WORK_ALERT, WORK_QUERY};
    unsigned sla_n = 0;
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        json_t *items;
        if ((rc = store_work_of_case(s, txn, case_id, kinds[i], &items)))
            return rc;
        size_t j;
        json_t *item;
        json_array_foreach(items, j, item) {
            item_ctx c = {.s = s, .txn = txn, .add = 0};
            unsigned char key[8];
            store_key_u64(key, json_get_u64(item, "id"));
            if ((rc = entries(&c, kinds[i], item, worker)) ||
                (rc = store_facts_sla_anonymise(s, txn, kinds[i], item, destruction_id, &sla_n)) ||
                (rc = store_del(s, txn, db_of(kinds[i]), key, 8)))
                break;
            if (kinds[i] == WORK_ALERT) {
                (*alerts)++;
            } else {
                (*queries)++;
                *messages += json_array_size(json_object_get(item, "messages"));
            }
        }
        json_decref(items);
    }
    if (rc)
        return rc;
    unsigned char prefix[8];
    store_key_u64(prefix, case_id);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_WORK, prefix, sizeof prefix);
    while (store_iter_next(&it))
        if ((rc = store_iter_del(&it)))
            break;
    return store_iter_end(&it, rc);
}

/* ---- due dates ---- */

int store_work_due(json_t *item, const calendar *cal, const char *from, int days)
{
    char due[11];
    int beyond;
    if (calendar_add_working_days(cal, from, days, due, &beyond))
        return STORE_CORRUPT;
    if (json_object_set_new(item, "due", json_string(due)) || json_object_set_new(item, "due_from", json_string(from)) ||
        json_object_set_new(item, "due_days", json_integer(days)) ||
        json_object_set_new(item, "due_beyond", beyond ? json_true() : json_null()))
        return STORE_NOMEM;
    store_case_strip_nulls(item);
    return 0;
}

int store_work_due_division(store *s, MDB_txn *txn, const json_t *item, calendar_division *out)
{
    *out = CALENDAR_ENGLAND_AND_WALES;
    if (!json_get_str_is(item, "to", "council") && !json_get_str_is(item, "awaiting", "council"))
        return 0;
    json_t *org;
    int rc = store_org_get(s, txn, json_get_u64(item, "council_id"), &org);
    if (rc)
        return rc;
    *out = store_org_division(org);
    json_decref(org);
    return 0;
}

/* Recomputes the open items of one kind; the list (scope 0, catch-all bucket of each side) names them. */
static int recompute_kind(store *s, MDB_txn *txn, const calendar cals[CALENDAR_DIVISIONS], char kind, size_t *changed)
{
    static const char sides[2] = {WORK_SIDE_HO, WORK_SIDE_COUNCIL};
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        work_list_query q = {.scope = 0, .side = sides[i], .bucket = kind == WORK_ALERT ? 'A' : 'Q', .limit = 500};
        for (;;) {
            uint64_t ids[500], next;
            size_t n, total;
            if ((rc = store_work_list(s, txn, &q, ids, &n, &total, &next)))
                break;
            for (size_t j = 0; j < n && !rc; j++) {
                json_t *old, *neu = NULL, *case_rec = NULL;
                if ((rc = store_work_get(s, txn, kind, ids[j], &old)))
                    break;
                const char *from = json_get_str(old, "due_from");
                calendar_division division;
                if ((rc = store_work_due_division(s, txn, old, &division))) {
                    json_decref(old);
                    break;
                }
                if (from && (neu = json_deep_copy(old)) &&
                    !(rc = store_work_due(neu, &cals[division], from, (int)json_integer_value(json_object_get(old, "due_days")))) &&
                    !json_equal(old, neu) &&
                    !(rc = store_case_get(s, txn, json_get_u64(old, "case_id"), &case_rec))) {
                    rc = store_work_put(s, txn, kind, old, neu, json_get_u64(case_rec, "caseworker_id"));
                    (*changed)++;
                }
                json_decref(case_rec);
                json_decref(neu);
                json_decref(old);
            }
            if (rc || !next)
                break;
            q.before = next;
        }
    }
    return rc;
}

int store_work_recompute_due(store *s, MDB_txn *txn, const calendar cals[CALENDAR_DIVISIONS], size_t *changed)
{
    *changed = 0;
    int rc = recompute_kind(s, txn, cals, WORK_ALERT, changed);
    return rc ? rc : recompute_kind(s, txn, cals, WORK_QUERY, changed);
}

/* ---- lists ---- */

/* Whether an entry's value passes the filters. Open-list values: worker | due; all-item values:
 * worker | side | bucket | open | due. */
typedef struct {
    const char *today;
    uint64_t before, on;
} due_sum;
typedef int (*count_walk_fn)(void *ctx, const char *rest, size_t len, uint64_t n);
static int count_walk(store *s, MDB_txn *txn, uint64_t scope, char facet, const char *prefix, count_walk_fn fn,
                      void *ctx);
static int sum_due(void *ctx, const char *rest, size_t len, uint64_t n);

static int entry_matches(const work_list_query *q, const MDB_val *v)
{
    const unsigned char *p = v->mv_data;
    size_t due_at = q->state == WORK_STATE_OPEN ? 8 : 11;
    if (v->mv_size < due_at || (q->worker && store_u64_from(p) != q->worker))
        return 0;
    if (q->state != WORK_STATE_OPEN) {
        if ((q->side && p[8] != (unsigned char)q->side) ||
            (q->bucket && q->bucket != 'A' && q->bucket != 'Q' && p[9] != (unsigned char)q->bucket) ||
            (q->state == WORK_STATE_CLOSED && p[10]) || (q->due != WORK_DUE_ANY && !p[10]))
            return 0;
    }
    if (q->due == WORK_DUE_ANY)
        return 1;
    if (v->mv_size < due_at + 10 || !q->today)
        return 0;
    int c = memcmp(p + due_at, q->today, 10);
    return q->due == WORK_DUE_OVERDUE ? c < 0 : c == 0;
}

int store_work_list(store *s, MDB_txn *txn, const work_list_query *q, uint64_t *ids, size_t *n, size_t *total,
                    uint64_t *next)
{
    *n = *total = 0;
    *next = 0;
    unsigned char key[18]; /* scope | side | bucket: the first 10 bytes */
    if (q->state == WORK_STATE_OPEN)
        open_key(key, q->scope, q->side, q->bucket, UINT64_MAX);
    else
        open_key(key, q->scope, '*', q->kind, UINT64_MAX);
    /* Open items without a due filter are counted as they change (the 'k' and 'm' counters, 'm' per
     * council only): the total is read, and the walk stops at the page and its cursor. */
    int counted = q->state == WORK_STATE_OPEN && q->due == WORK_DUE_ANY && (!q->worker || q->scope);
    if (counted) {
        uint64_t c;
        int rc = store_work_count(s, txn, q->scope, q->side, q->bucket, q->worker, &c);
        if (rc)
            return rc;
        *total = (size_t)c;
    } else if (q->state == WORK_STATE_OPEN && q->due != WORK_DUE_ANY && !q->worker && q->today &&
               (q->bucket == 'A' || q->bucket == 'Q')) {
        /* Every open alert / query of the side due before or on today: the sum of the 'u' counters
         * up to today (one key per distinct due date). */
        char prefix[8];
        snprintf(prefix, sizeof prefix, "%c%c:", q->side, q->bucket);
        due_sum d = {q->today, 0, 0};
        int rc = count_walk(s, txn, q->scope, 'u', prefix, sum_due, &d);
        if (rc)
            return rc;
        *total = (size_t)(q->due == WORK_DUE_OVERDUE ? d.before : d.on);
        counted = 1;
    }
    /* The cursor's entry and those after it: the keys hold ~id, newest first. */
    unsigned char start[18];
    memcpy(start, key, 10);
    store_key_u64(start + 10, q->before ? UINT64_MAX - q->before + 1 : 0);
    store_iter it;
    if (counted)
        store_iter_begin_at(&it, s, txn, DB_WORK_OPEN, key, 10, start, 18);
    else
        store_iter_begin(&it, s, txn, DB_WORK_OPEN, key, 10);
    while (store_iter_next(&it)) {
        if (it.key.mv_size != 18)
            break;
        uint64_t id = UINT64_MAX - store_u64_from((const unsigned char *)it.key.mv_data + 10);
        if (!entry_matches(q, &it.val))
            continue;
        if (!counted)
            (*total)++;
        if (q->before && id >= q->before)
            continue;
        if (*n < q->limit) {
            ids[(*n)++] = id;
        } else if (!*next) {
            *next = ids[*n - 1];
            if (counted)
                break;
        }
    }
    return store_iter_end(&it, 0);
}

/* ---- counters ---- */

int store_work_count(store *s, MDB_txn *txn, uint64_t scope, char side, char bucket, uint64_t worker,
                     uint64_t *out)
{
    char v[64];
    if (worker)
        snprintf(v, sizeof v, "%" PRIu64 ":%c%c", worker, side, bucket);
    else
        snprintf(v, sizeof v, "%c%c", side, bucket);
    return store_case_count(s, txn, scope, worker ? 'm' : 'k', v, out);
}

/* Calls fn for every DB_CASE_COUNT entry scope | facet | prefix..., with the rest of the value after
 * the prefix, in key order, until fn returns non-zero (1 = stop, anything else is an error). */
static int count_walk(store *s, MDB_txn *txn, uint64_t scope, char facet, const char *prefix, count_walk_fn fn,
                      void *ctx)
{
    unsigned char key[9 + CASE_VALUE_MAX];
    size_t klen = case_count_key(key, scope, facet, prefix);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, key, klen);
    int rc = 0;
    while (store_iter_next(&it) && it.val.mv_size == 8) {
        rc = fn(ctx, (const char *)it.key.mv_data + klen, it.key.mv_size - klen, store_u64_from(it.val.mv_data));
        if (rc)
            break;
    }
    return store_iter_end(&it, rc == 1 ? 0 : rc);
}

static int sum_due(void *ctx, const char *rest, size_t len, uint64_t n)
{
    due_sum *d = ctx;
    if (len < 10)
        return 0;
    int c = memcmp(rest, d->today, 10);
    if (c > 0)
        return 1;
    if (c < 0)
        d->before += n;
    else
        d->on += n;
    return 0;
}

int store_work_due_counts(store *s, MDB_txn *txn, uint64_t scope, char side, uint64_t worker, const char *today,
                          uint64_t *overdue, uint64_t *due_today)
{
    char prefix[64];
    if (worker)
        snprintf(prefix, sizeof prefix, "%" PRIu64 ":%c:", worker, side);
    else
        snprintf(prefix, sizeof prefix, "%c:", side);
    due_sum d = {today, 0, 0};
    int rc = count_walk(s, txn, scope, worker ? 'e' : 'd', prefix, sum_due, &d);
    *overdue = d.before;
    *due_today = d.on;
    return rc;
}

/* One council's row of the HO's table: its dated open items, and those due today and later. */
typedef struct {
    uint64_t council, dated, today, later;
} council_due;

typedef struct {
    const char *today;
    council_due *v;
    size_t n, cap;
    uint32_t *slot; /* 2 * cap entries: hash of council id -> row + 1 (0: empty) */
    int totals;     /* walking the 'C' totals (1) or the dates from today on (0) */
} by_council;

static size_t council_slot(const by_council *b, uint64_t council)
{
    return (size_t)((council * 0x9E3779B97F4A7C15ULL) >> 32) & (2 * b->cap - 1);
}

static void slot_put(by_council *b, size_t row)
{
    size_t i = council_slot(b, b->v[row].council);
    while (b->slot[i])
        i = (i + 1) & (2 * b->cap - 1);
    b->slot[i] = (uint32_t)(row + 1);
}

/* The row of council, made when new (the table doubles, and its hash is rebuilt, as it fills). NULL
 * when out of memory. */
static council_due *council_row(by_council *b, uint64_t council)
{
    if (b->cap)
        for (size_t i = council_slot(b, council); b->slot[i]; i = (i + 1) & (2 * b->cap - 1))
            if (b->v[b->slot[i] - 1].council == council)
                return &b->v[b->slot[i] - 1];
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 2;
        council_due *more = realloc(b->v, cap * sizeof *more);
        if (!more)
            return NULL;
        b->v = more;
        uint32_t *slot = calloc(2 * cap, sizeof *slot);
        if (!slot)
            return NULL;
        free(b->slot);
        b->slot = slot;
        b->cap = cap;
        for (size_t r = 0; r < b->n; r++)
            slot_put(b, r);
    }
    b->v[b->n] = (council_due){.council = council};
    slot_put(b, b->n);
    return &b->v[b->n++];
}

/* rest: "council" ('C' totals) or "YYYY-MM-DD:council" ('D', from today on). */
static int sum_by_council(void *ctx, const char *rest, size_t len, uint64_t n)
{
    by_council *b = ctx;
    size_t at = b->totals ? 0 : 11;
    if (len <= at || len - at > 20 || (!b->totals && rest[10] != ':'))
        return 0;
    char council[21];
    memcpy(council, rest + at, len - at);
    council[len - at] = 0;
    council_due *row = council_row(b, strtoull(council, NULL, 10));
    if (!row)
        return STORE_NOMEM;
    if (b->totals)
        row->dated += n;
    else if (memcmp(rest, b->today, 10) == 0)
        row->today += n;
    else
        row->later += n;
    return 0;
}

static int due_by_council_read(store *s, MDB_txn *txn, char side, const char *today, work_council_due **rows,
                               size_t *n)
{
    char prefix[4] = {side, ':', 0};
    by_council b = {.today = today, .totals = 1};
    *rows = NULL;
    *n = 0;
    int rc = count_walk(s, txn, 0, 'C', prefix, sum_by_council, &b);
    if (!rc) {
        /* The dates from today on: overdue = every dated item less those not yet overdue. */
        unsigned char key[9 + CASE_VALUE_MAX], start[9 + CASE_VALUE_MAX];
        size_t klen = case_count_key(key, 0, 'D', prefix);
        char from[16];
        snprintf(from, sizeof from, "%c:%.10s", side, today);
        size_t slen = case_count_key(start, 0, 'D', from);
        b.totals = 0;
        store_iter it;
        store_iter_begin_at(&it, s, txn, DB_CASE_COUNT, key, klen, start, slen);
        while (!rc && store_iter_next(&it) && it.val.mv_size == 8)
            rc = sum_by_council(&b, (const char *)it.key.mv_data + klen, it.key.mv_size - klen,
                                store_u64_from(it.val.mv_data));
        rc = store_iter_end(&it, rc);
    }
    free(b.slot);
    if (rc) {
        free(b.v);
        return rc;
    }
    work_council_due *out = b.n ? malloc(b.n * sizeof *out) : NULL;
    if (b.n && !out) {
        free(b.v);
        return STORE_NOMEM;
    }
    size_t kept = 0;
    for (size_t i = 0; i < b.n; i++) {
        council_due d = b.v[i];
        uint64_t later = d.today + d.later, overdue = d.dated > later ? d.dated - later : 0;
        if (overdue || d.today)
            out[kept++] = (work_council_due){d.council, overdue, d.today};
    }
    free(b.v);
    if (!kept) {
        free(out);
        return 0;
    }
    *rows = out;
    *n = kept;
    return 0;
}

/* The table kept per thread for one read snapshot (store_read_snapshot): its sums walk every counter
 * of a due date from today on, a few thousand at national scale, at each HO home page, and within one
 * snapshot they cannot change, while a busy service shows the home page many times between commits. */
typedef struct {
    int valid;
    uint64_t gen, snap;
    char side, today[11];
    work_council_due *rows;
    size_t n;
} due_memo;

static pthread_key_t due_key;
static pthread_once_t due_once = PTHREAD_ONCE_INIT;

static void due_memo_free(void *p)
{
    due_memo *m = p;
    if (m)
        free(m->rows);
    free(m);
}

static void due_key_make(void) { (void)pthread_key_create(&due_key, due_memo_free); }

/* A copy of rows[0..n) into *out (NULL when n is 0); STORE_NOMEM when it cannot be made. */
static int due_rows_copy(const work_council_due *rows, size_t n, work_council_due **out)
{
    *out = n ? malloc(n * sizeof **out) : NULL;
    if (n && !*out)
        return STORE_NOMEM;
    if (n)
        memcpy(*out, rows, n * sizeof **out);
    return 0;
}

int store_work_due_by_council(store *s, MDB_txn *txn, char side, const char *today, work_council_due **rows,
                              size_t *n)
{
    uint64_t gen = 0, snap = 0;
    due_memo *m = NULL;
    if (store_read_snapshot(s, txn, &gen, &snap) == 0 && strlen(today) == 10) {
        pthread_once(&due_once, due_key_make);
        if (!(m = pthread_getspecific(due_key)) && (m = calloc(1, sizeof *m)) && pthread_setspecific(due_key, m)) {
            free(m);
            m = NULL;
        }
    }
    if (m && m->valid && m->gen == gen && m->snap == snap && m->side == side && memcmp(m->today, today, 11) == 0) {
        *n = m->n;
        return due_rows_copy(m->rows, m->n, rows);
    }
    int rc = due_by_council_read(s, txn, side, today, rows, n);
    work_council_due *kept;
    if (!rc && m && due_rows_copy(*rows, *n, &kept) == 0) {
        free(m->rows);
        *m = (due_memo){.valid = 1, .gen = gen, .snap = snap, .side = side, .rows = kept, .n = *n};
        memcpy(m->today, today, 11);
    }
    return rc;
}

typedef struct {
    const char *bound; /* values (after the prefix) count while their first len bytes are below it */
    size_t len;
    int inclusive;
    uint64_t sum;
} dated_sum;

static int sum_dated(void *ctx, const char *rest, size_t len, uint64_t n)
{
    dated_sum *d = ctx;
    if (len != d->len)
        return 0;
    int c = memcmp(rest, d->bound, d->len);
    if (c > 0 || (c == 0 && !d->inclusive))
        return 1;
    d->sum += n;
    return 0;
}

int store_count_dated(store *s, MDB_txn *txn, uint64_t scope, dated_facets f, const char *prefix, const char *last,
                      uint64_t *out)
{
    *out = 0;
    if (strlen(last) != 10 || strlen(prefix) > 40)
        return STORE_CORRUPT;
    char p[64];
    /* Years before last's year. */
    dated_sum years = {last, 4, 0, 0};
    int rc = count_walk(s, txn, scope, f.year, prefix, sum_dated, &years);
    /* Months of that year before its month: values "YYYY-MM" from "YYYY-". */
    snprintf(p, sizeof p, "%s%.5s", prefix, last);
    dated_sum months = {last + 5, 2, 0, 0};
    if (!rc)
        rc = count_walk(s, txn, scope, f.month, p, sum_dated, &months);
    /* Days of that month up to and including its day. */
    snprintf(p, sizeof p, "%s%.8s", prefix, last);
    dated_sum days = {last + 8, 2, 1, 0};
    if (!rc)
        rc = count_walk(s, txn, scope, f.day, p, sum_dated, &days);
    *out = years.sum + months.sum + days.sum;
    return rc;
}

/* ---- upgrade: the 'u' counters of a store written before them ---- */

#define DUE_COUNTS_KEY "work_due_counts"

/* One walk of the open lists' every-alert / every-query entries ('A' / 'Q' buckets, which hold the due
 * date after the caseworker), each counted under its scope. */
int store_work_due_counts_migrate(store *s, MDB_txn *txn)
{
    int done, rc = store_meta_marked(s, txn, DUE_COUNTS_KEY, &done);
    if (rc || done)
        return rc;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_WORK_OPEN, NULL, 0);
    while (!rc && store_iter_next(&it)) {
        const unsigned char *kd = it.key.mv_data, *vd = it.val.mv_data;
        if (it.key.mv_size != 18 || kd[8] == '*' || (kd[9] != 'A' && kd[9] != 'Q') || it.val.mv_size != 18)
            continue;
        char value[24];
        snprintf(value, sizeof value, "%c%c:%.10s", kd[8], kd[9], (const char *)vd + 8);
        unsigned char key[9 + CASE_VALUE_MAX];
        size_t klen = case_count_key(key, store_u64_from(kd), 'u', value);
        case_count_db d = {s, txn};
        rc = case_count_delta(&d, key, klen, 1);
    }
    if ((rc = store_iter_end(&it, rc)))
        return rc;
    return store_meta_mark(s, txn, DUE_COUNTS_KEY);
}

/* ---- upgrade: the 'C' counters (dated open items by council) of a store written before them ---- */

#define COUNCIL_DUE_KEY "work_council_due_counts"

/* From the 'D' counters (side:date:council), summed per side and council in memory first: the walk
 * and the writes are in the same table. */
int store_work_council_due_migrate(store *s, MDB_txn *txn)
{
    int done, rc = store_meta_marked(s, txn, COUNCIL_DUE_KEY, &done);
    if (rc || done)
        return rc;
    struct {
        char side;
        uint64_t council, n;
    } *v = NULL;
    size_t n = 0, cap = 0;
    unsigned char prefix[9];
    size_t plen = case_count_key(prefix, 0, 'D', NULL);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, prefix, plen);
    while (!rc && store_iter_next(&it)) {
        const char *rest = (const char *)it.key.mv_data + plen;
        size_t len = it.key.mv_size - plen;
        if (it.val.mv_size != 8 || len < 14 || len > 13 + 20 || rest[1] != ':' || rest[12] != ':')
            continue;
        char council_s[21];
        memcpy(council_s, rest + 13, len - 13);
        council_s[len - 13] = 0;
        uint64_t council = strtoull(council_s, NULL, 10), count = store_u64_from(it.val.mv_data);
        size_t i = 0;
        while (i < n && !(v[i].side == rest[0] && v[i].council == council))
            i++;
        if (i == n) {
            if (n == cap) {
                size_t more = cap ? cap * 2 : 128;
                void *grown = realloc(v, more * sizeof *v);
                if (!grown) {
                    rc = STORE_NOMEM;
                    break;
                }
                v = grown;
                cap = more;
            }
            v[n].side = rest[0];
            v[n].council = council;
            v[n++].n = 0;
        }
        v[i].n += count;
    }
    rc = store_iter_end(&it, rc);
    for (size_t i = 0; !rc && i < n; i++) {
        char value[32];
        snprintf(value, sizeof value, "%c:%" PRIu64, v[i].side, v[i].council);
        unsigned char key[9 + CASE_VALUE_MAX];
        size_t klen = case_count_key(key, 0, 'C', value);
        rc = store_u64_put(s, txn, DB_CASE_COUNT, key, klen, v[i].n, 0);
    }
    free(v);
    return rc ? rc : store_meta_mark(s, txn, COUNCIL_DUE_KEY);
}
