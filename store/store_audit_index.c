/* store_audit_index.c - the audit log's indexes (by case, actor, action and reader scope) and the
 * filtered, newest-first walk over them (store_audit.h). */
#include "store_audit.h"
#include "store_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_get.h"
#include "json_members.h"

#define SUFFIX 16          /* ~time | ~seq */
#define MAX_CASES 64       /* cases one event is indexed under (a page of search results is at most 500) */
#define META_KEY "audit_index_version"
#define INDEX_VERSION "1"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int64_t store_audit_parse_time(const char *at)
{
    unsigned y, mo, d, h = 0, mi = 0, se = 0;
    size_t len = at ? strlen(at) : 0;
    if (len < 10 || digits(at, 4, &y) || at[4] != '-' || digits(at + 5, 2, &mo) || at[7] != '-' ||
        digits(at + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    if (len > 10 && (len < 20 || at[10] != 'T' || digits(at + 11, 2, &h) || digits(at + 14, 2, &mi) ||
                     digits(at + 17, 2, &se)))
        return 0;
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return t > 0 ? t : 0;
}

int64_t store_audit_event_time(const json_t *event)
{
    return store_audit_parse_time(json_string_value(json_object_get(event, "at")));
}

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* Whether the action's "target" is a case id: the name says so, so that new case actions are covered
 * without a list to keep in step. */
static int case_action(const json_t *event, const char *action)
{
    if (starts(action, "case_") || strcmp(action, "alert_accepted") == 0 || starts(action, "query_"))
        return 1;
    return strcmp(action, "access_refused") == 0 && json_get_str_is(event, "kind", "case");
}

static int network_action(const char *action)
{
    static const char *const prefixes[] = {"login", "logout", "password_", "user_", "mfa_",
                                           "account_", "network_", "org_", "weak_password_"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (starts(action, prefixes[i]))
            return 1;
    return 0;
}

static uint64_t positive_id(const json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

/* The cases the event names into ids[MAX_CASES]; returns how many. */
static size_t event_cases(const json_t *event, uint64_t *ids)
{
    uint64_t one = positive_id(json_object_get(event, "case"));
    const char *action = json_string_value(json_object_get(event, "action"));
    if (!one && action && case_action(event, action))
        one = positive_id(json_object_get(event, "target"));
    if (one) {
        ids[0] = one;
        return 1;
    }
    size_t n = 0;
    if (action && strcmp(action, "cases_listed") == 0) {
        const json_t *targets = json_object_get(event, "targets");
        for (size_t i = 0; i < json_array_size(targets) && n < MAX_CASES; i++) {
            uint64_t id = positive_id(json_array_get(targets, i));
            if (id)
                ids[n++] = id;
        }
    }
    return n;
}

uint64_t store_audit_event_case(const json_t *event)
{
    uint64_t ids[MAX_CASES];
    return event_cases(event, ids) == 1 ? ids[0] : 0;
}

static void put_suffix(unsigned char *out, int64_t at, uint64_t seq)
{
    store_key_u64(out, ~(uint64_t)at);
    store_key_u64(out + 8, ~seq);
}

static int put_key(store *s, MDB_txn *txn, store_db db, const unsigned char *key, size_t klen)
{
    MDB_val k = {klen, (void *)key}, v = {0, ""};
    return mdb_put(txn, store_dbi(s, db), &k, &v, 0);
}

/* Adds a key of len bytes (every key of a list has one length); STORE_NOMEM when it cannot grow. */
static int key_list_add(audit_key_list *list, const unsigned char *key, size_t len)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 1024;
        void *grown = cap > SIZE_MAX / len ? NULL : realloc(list->key, cap * len);
        if (!grown)
            return STORE_NOMEM;
        list->key = grown;
        list->cap = cap;
    }
    list->len = len;
    memcpy(list->key + list->n++ * len, key, len);
    return 0;
}

/* An index entry of an event: into the batch's list for db when there is a batch, else put now. */
static int index_put(store *s, MDB_txn *txn, audit_batch *batch, store_db db, const unsigned char *key, size_t klen)
{
    if (!batch)
        return put_key(s, txn, db, key, klen);
    audit_key_list *list = db == DB_AUDIT_USER ? &batch->user : db == DB_AUDIT_TYPE ? &batch->type : &batch->scope;
    return key_list_add(list, key, klen);
}

/* A key list and the prefix its keys are grouped by (all but the suffix), for the comparators. */
typedef struct {
    const audit_key_list *list;
    size_t plen;
} key_order;

static int prefix_cmp(const void *a, const void *b, void *ctx)
{
    const key_order *o = ctx;
    return memcmp(o->list->key + *(const size_t *)a * o->list->len, o->list->key + *(const size_t *)b * o->list->len,
                  o->plen);
}

static int whole_cmp(const void *a, const void *b, void *ctx)
{
    const key_order *o = ctx;
    return memcmp(o->list->key + *(const size_t *)a * o->list->len, o->list->key + *(const size_t *)b * o->list->len,
                  o->list->len);
}

static uint64_t prefix_hash(const unsigned char *p, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* The list's keys in key order, as indexes into it (*out, n of them; free it). A batch's keys of one
 * prefix (an actor, an action, a council) are added oldest first, so newest last, and their suffixes
 * (~time | ~seq) descend: grouped by prefix (a hash table) and each group read backwards, they are in
 * order without sorting them all. A qsort of the 150,000 scope keys of a batch of list events was a
 * seventh of the audit writer's time; only the groups (a few hundred) are sorted here, and a group
 * found out of order (an event stamped before one queued ahead of it) is sorted alone. */
static int key_list_order(const audit_key_list *list, size_t **out)
{
    size_t n = list->n, len = list->len, plen = len - SUFFIX, slots = 64;
    while (slots < 2 * n)
        slots *= 2;
    size_t *order = malloc(n * sizeof *order), *back = malloc(n * sizeof *back);
    size_t *slot = malloc(slots * sizeof *slot);  /* group + 1, 0: empty */
    size_t *last = malloc(n * sizeof *last);      /* a group's newest key */
    size_t *group = malloc(n * sizeof *group);    /* groups, by their first key, then by their newest */
    if (!order || !back || !slot || !last || !group) {
        free(order);
        free(back);
        free(slot);
        free(last);
        free(group);
        return STORE_NOMEM;
    }
    memset(slot, 0, slots * sizeof *slot);
    size_t ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *k = list->key + i * len;
        size_t h = (size_t)prefix_hash(k, plen) & (slots - 1);
        while (slot[h] && memcmp(list->key + group[slot[h] - 1] * len, k, plen) != 0)
            h = (h + 1) & (slots - 1);
        if (!slot[h]) {
            group[ngroups] = i;
            slot[h] = ++ngroups;
            back[i] = SIZE_MAX;
        } else {
            back[i] = last[slot[h] - 1];
        }
        last[slot[h] - 1] = i;
    }
    key_order o = {list, plen};
    /* each group's newest key stands for it: sort those, then read each group from it backwards */
    for (size_t g = 0; g < ngroups; g++)
        group[g] = last[g];
    qsort_r(group, ngroups, sizeof *group, prefix_cmp, &o);
    size_t m = 0;
    for (size_t g = 0; g < ngroups; g++) {
        size_t from = m;
        int sorted = 1;
        for (size_t i = group[g]; i != SIZE_MAX; i = back[i]) {
            if (m > from && memcmp(list->key + order[m - 1] * len + plen, list->key + i * len + plen, SUFFIX) > 0)
                sorted = 0;
            order[m++] = i;
        }
        if (!sorted)
            qsort_r(order + from, m - from, sizeof *order, whole_cmp, &o);
    }
    free(back);
    free(slot);
    free(last);
    free(group);
    *out = order;
    return 0;
}

/* Puts a list's keys in key order through one cursor, so that each lands beside the one before and
 * LMDB searches that page alone (audit_batch says why). */
static int key_list_write(store *s, MDB_txn *txn, store_db db, const audit_key_list *list)
{
    if (!list->n)
        return 0;
    size_t *order;
    int rc = key_list_order(list, &order);
    if (rc)
        return rc;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, store_dbi(s, db), &cur))) {
        free(order);
        return rc;
    }
    for (size_t i = 0; i < list->n && !rc; i++) {
        MDB_val k = {list->len, list->key + order[i] * list->len}, v = {0, ""};
        rc = mdb_cursor_put(cur, &k, &v, 0);
    }
    mdb_cursor_close(cur);
    free(order);
    return rc;
}

int store_audit_keys_write(store *s, MDB_txn *txn, audit_batch *batch)
{
    int rc = key_list_write(s, txn, DB_AUDIT_USER, &batch->user);
    if (!rc)
        rc = key_list_write(s, txn, DB_AUDIT_TYPE, &batch->type);
    if (!rc)
        rc = key_list_write(s, txn, DB_AUDIT_SCOPE, &batch->scope);
    return rc;
}

static void u64_key(unsigned char key[8 + SUFFIX], uint64_t id, const unsigned char *suffix)
{
    store_key_u64(key, id);
    memcpy(key + 8, suffix, SUFFIX);
}

static void scope_prefix(unsigned char out[9], const audit_scope *scope)
{
    out[0] = (unsigned char)scope->kind;
    store_key_u64(out + 1, scope->id);
}

static int put_scope(store *s, MDB_txn *txn, audit_batch *batch, char kind, uint64_t id, const unsigned char *suffix)
{
    audit_scope sc = {kind, id};
    unsigned char key[9 + SUFFIX];
    scope_prefix(key, &sc);
    memcpy(key + 9, suffix, SUFFIX);
    return index_put(s, txn, batch, DB_AUDIT_SCOPE, key, sizeof key);
}

static void action_key(unsigned char out[AUDIT_ACTION_KEY], const char *action)
{
    memset(out, 0, AUDIT_ACTION_KEY);
    size_t n = strlen(action);
    memcpy(out, action, n < AUDIT_ACTION_KEY ? n : AUDIT_ACTION_KEY);
}

static size_t memo_case_slot(uint64_t id) { return (size_t)(id * 0x9E3779B97F4A7C15ull >> 54) % AUDIT_MEMO_SLOTS; }

void store_audit_memo_case(audit_index_memo *memo, uint64_t case_id, uint64_t council)
{
    size_t slot = memo_case_slot(case_id);
    memo->cases[slot].id = case_id;
    memo->cases[slot].value = council;
}

/* A case's council (0 when the case is missing: destroyed since the event). Read from the stored
 * bytes without parsing them (an event may name 50 cases, a batch thousands of events), falling back
 * to the parser for a text the scan cannot read; remembered in memo for the rest of the run. */
static int case_council(store *s, MDB_txn *txn, uint64_t id, audit_index_memo *memo, uint64_t *out)
{
    size_t slot = memo_case_slot(id);
    if (memo && memo->cases[slot].id == id) {
        *out = memo->cases[slot].value;
        return 0;
    }
    unsigned char key[8];
    store_key_u64(key, id);
    *out = 0;
    const void *data;
    size_t len;
    int rc = store_bytes_get(s, txn, DB_CASES, key, 8, &data, &len);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (!rc) {
        static const char *const names[] = {"council_id"};
        json_slice v;
        long long n;
        if (json_members_slices(data, len, names, 1, &v) == 0 && (n = json_slice_uint(v)) >= 0) {
            *out = (uint64_t)n;
        } else { /* not a text the scan reads: the parser decides (a missing member is 0) */
            const char *const members[] = {"council_id", NULL};
            json_t *rec = NULL;
            if ((rc = store_json_get_members(s, txn, DB_CASES, key, 8, members, &rec)))
                return rc == MDB_NOTFOUND ? 0 : rc;
            *out = positive_id(json_object_get(rec, "council_id"));
            json_decref(rec);
        }
    }
    if (memo) {
        memo->cases[slot].id = id;
        memo->cases[slot].value = *out;
    }
    return 0;
}

/* Whether an organisation is the Home Office (0 for one deleted since); remembered as case_council. */
static int org_is_ho(store *s, MDB_txn *txn, uint64_t org, audit_index_memo *memo, int *out)
{
    size_t slot = (size_t)(org % (sizeof memo->orgs / sizeof memo->orgs[0]));
    if (memo && memo->orgs[slot].id == org) {
        *out = (int)memo->orgs[slot].value;
        return 0;
    }
    unsigned char key[8];
    store_key_u64(key, org);
    json_t *rec = NULL;
    static const char *const names[] = {"kind", NULL};
    int rc = store_json_get_members(s, txn, DB_ORGS, key, 8, names, &rec);
    *out = 0;
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (!rc)
        *out = json_get_str_is(rec, "kind", "home_office");
    json_decref(rec);
    if (memo) {
        memo->orgs[slot].id = org;
        memo->orgs[slot].value = (uint64_t)*out;
    }
    return 0;
}

int store_audit_index_event(store *s, MDB_txn *txn, const json_t *event, uint64_t seq, audit_index_memo *memo,
                            audit_batch *batch)
{
    unsigned char suffix[SUFFIX];
    put_suffix(suffix, store_audit_event_time(event), seq);
    const char *action = json_string_value(json_object_get(event, "action"));
    uint64_t actor = positive_id(json_object_get(event, "actor"));
    uint64_t org = positive_id(json_object_get(event, "org"));
    uint64_t cases[MAX_CASES], councils[MAX_CASES];
    size_t ncases = event_cases(event, cases), ncouncils = 0;
    int rc = 0;
    unsigned char key[AUDIT_ACTION_KEY + SUFFIX];
    if (actor) {
        u64_key(key, actor, suffix);
        rc = index_put(s, txn, batch, DB_AUDIT_USER, key, 8 + SUFFIX);
    }
    if (!rc && action) {
        action_key(key, action);
        memcpy(key + AUDIT_ACTION_KEY, suffix, SUFFIX);
        rc = index_put(s, txn, batch, DB_AUDIT_TYPE, key, AUDIT_ACTION_KEY + SUFFIX);
    }
    if (!rc && org)
        rc = put_scope(s, txn, batch, 'o', org, suffix);
    for (size_t i = 0; i < ncases && !rc; i++) {
        uint64_t council = 0;
        u64_key(key, cases[i], suffix);
        if ((rc = batch ? key_list_add(&batch->cases, key, AUDIT_CASE_ENTRY)
                        : put_key(s, txn, DB_AUDIT_CASE, key, AUDIT_CASE_ENTRY)) ||
            (rc = case_council(s, txn, cases[i], memo, &council)) || !council || council == org)
            continue;
        size_t c = 0; /* each council's scope once an event: a page of a list names many of its cases */
        while (c < ncouncils && councils[c] != council)
            c++;
        if (c == ncouncils) {
            councils[ncouncils++] = council;
            rc = put_scope(s, txn, batch, 'o', council, suffix);
        }
    }
    int ho = 0;
    if (!rc && !ncases && org)
        rc = org_is_ho(s, txn, org, memo, &ho);
    if (!rc && (ncases || ho))
        rc = put_scope(s, txn, batch, 'h', 0, suffix);
    if (!rc && !ncases && action && network_action(action))
        rc = put_scope(s, txn, batch, 'n', 0, suffix);
    return rc;
}

int store_audit_index_migrate(store *s, MDB_txn *txn)
{
    MDB_val k = {strlen(META_KEY), META_KEY}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    if (rc == 0 && v.mv_size == strlen(INDEX_VERSION) && memcmp(v.mv_data, INDEX_VERSION, v.mv_size) == 0)
        return 0;
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    /* Any older or partial index goes: the log is the truth and every entry can be derived again. */
    static const store_db dbs[] = {DB_AUDIT_CASE, DB_AUDIT_CASE_RUNS, DB_AUDIT_USER, DB_AUDIT_TYPE, DB_AUDIT_SCOPE};
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++)
        if ((rc = mdb_drop(txn, store_dbi(s, dbs[i]), 0)))
            return rc;
    audit_index_memo *memo = calloc(1, sizeof *memo); /* NULL: nothing remembered, still correct */
    store_iter it;
    store_iter_begin(&it, s, txn, DB_AUDIT, NULL, 0);
    while (!rc && store_iter_next(&it)) {
        if (it.key.mv_size != 8) {
            rc = STORE_CORRUPT;
            break;
        }
        json_error_t err;
        json_t *ev = json_loadb(it.val.mv_data, it.val.mv_size, 0, &err);
        if (!ev) {
            rc = STORE_CORRUPT; /* store_audit_verify names it; an index cannot be built around it */
            break;
        }
        rc = store_audit_index_event(s, txn, ev, store_u64_from(it.key.mv_data), memo, NULL);
        json_decref(ev);
    }
    rc = store_iter_end(&it, rc);
    free(memo);
    if (rc)
        return rc;
    MDB_val nv = {strlen(INDEX_VERSION), INDEX_VERSION};
    return mdb_put(txn, store_dbi(s, DB_META), &k, &nv, 0);
}

int store_audit_in_scope(store *s, MDB_txn *txn, const audit_scope *scope, int64_t at, uint64_t seq)
{
    unsigned char key[9 + SUFFIX];
    scope_prefix(key, scope);
    put_suffix(key + 9, at, seq);
    MDB_val k = {sizeof key, key}, v;
    return mdb_get(txn, store_dbi(s, DB_AUDIT_SCOPE), &k, &v) == 0;
}

static int load_event(store *s, MDB_txn *txn, uint64_t seq, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, seq);
    int rc = store_json_get(s, txn, DB_AUDIT, key, 8, out);
    return rc == MDB_NOTFOUND ? STORE_CORRUPT : rc; /* an index entry always has its event */
}

/* Does the event pass the filters that the chosen index did not apply? */
static int matches(store *s, MDB_txn *txn, const audit_filter *f, const json_t *ev, int64_t at, uint64_t seq)
{
    if (f->user_id && positive_id(json_object_get(ev, "actor")) != f->user_id)
        return 0;
    if (f->action && !json_get_str_is(ev, "action", f->action))
        return 0;
    return store_audit_in_scope(s, txn, &f->scope, at, seq);
}

/* A case's entries newest first: those in DB_AUDIT_CASE and those still in runs, merged. Do not move
 * it between begin and end (the walk points into it). */
typedef struct {
    unsigned char prefix[8], start[8 + SUFFIX];
    store_iter it;
    int it_more; /* it holds an entry not yet taken */
    unsigned char (*runs)[SUFFIX];
    size_t nruns, irun;
    int rc;
} case_walk;

/* From the entry with suffix `from` (NULL: the newest) on. */
static void case_walk_begin(case_walk *w, store *s, MDB_txn *txn, uint64_t case_id, const unsigned char *from)
{
    memset(w, 0, sizeof *w);
    store_key_u64(w->prefix, case_id);
    memcpy(w->start, w->prefix, 8);
    if (from)
        memcpy(w->start + 8, from, SUFFIX);
    w->rc = store_audit_run_entries(s, txn, case_id, from, &w->runs, &w->nruns);
    store_iter_begin_at(&w->it, s, txn, DB_AUDIT_CASE, w->prefix, 8, w->start, from ? 8 + SUFFIX : 8);
    w->it_more = !w->rc && store_iter_next(&w->it);
}

/* 1 with the next entry's suffix in out; 0 at the end or on an error (case_walk_end returns it). */
static int case_walk_next(case_walk *w, unsigned char out[SUFFIX])
{
    if (w->rc)
        return 0;
    if (w->it_more && w->it.key.mv_size != 8 + SUFFIX) {
        w->rc = STORE_CORRUPT;
        return 0;
    }
    const unsigned char *a = w->it_more ? (const unsigned char *)w->it.key.mv_data + 8 : NULL;
    const unsigned char *b = w->irun < w->nruns ? w->runs[w->irun] : NULL;
    int order = a && b ? memcmp(a, b, SUFFIX) : a ? -1 : 1;
    if (!a && !b)
        return 0;
    if (order <= 0) {
        memcpy(out, a, SUFFIX);
        w->it_more = store_iter_next(&w->it);
        w->irun += order == 0; /* in both: cannot happen (an entry is moved, not copied); shown once */
    } else {
        memcpy(out, b, SUFFIX);
        w->irun++;
    }
    return 1;
}

static int case_walk_end(case_walk *w, int rc)
{
    free(w->runs);
    w->runs = NULL;
    return store_iter_end(&w->it, rc ? rc : w->rc);
}

int store_audit_page(store *s, MDB_txn *txn, const audit_filter *f, audit_event_fn fn, void *ctx, int64_t *next_at,
                     uint64_t *next_seq)
{
    *next_at = 0;
    *next_seq = 0;
    unsigned char prefix[AUDIT_ACTION_KEY], start[AUDIT_ACTION_KEY + SUFFIX];
    size_t plen;
    store_db db;
    if (f->case_id) {
        db = DB_AUDIT_CASE;
        store_key_u64(prefix, f->case_id);
        plen = 8;
    } else if (f->user_id) {
        db = DB_AUDIT_USER;
        store_key_u64(prefix, f->user_id);
        plen = 8;
    } else if (f->action) {
        db = DB_AUDIT_TYPE;
        action_key(prefix, f->action);
        plen = AUDIT_ACTION_KEY;
    } else {
        db = DB_AUDIT_SCOPE;
        scope_prefix(prefix, &f->scope);
        plen = 9;
    }
    memcpy(start, prefix, plen);
    if (f->cursor_seq) /* strictly after the cursor's entry: the same time, the next lower seq */
        put_suffix(start + plen, f->cursor_at, f->cursor_seq - 1);
    else
        put_suffix(start + plen, f->to, UINT64_MAX); /* ~UINT64_MAX is 0: every seq at time `to` */
    size_t shown = 0;
    int64_t last_at = 0;
    uint64_t last_seq = 0;
    store_iter it;
    case_walk w;
    if (db == DB_AUDIT_CASE)
        case_walk_begin(&w, s, txn, f->case_id, start + plen);
    else
        store_iter_begin_at(&it, s, txn, db, prefix, plen, start, plen + SUFFIX);
    int rc = 0;
    unsigned char k[SUFFIX];
    for (;;) {
        if (db == DB_AUDIT_CASE) {
            if (!case_walk_next(&w, k))
                break;
        } else {
            if (!store_iter_next(&it))
                break;
            if (it.key.mv_size != plen + SUFFIX) {
                rc = STORE_CORRUPT;
                break;
            }
            memcpy(k, (const unsigned char *)it.key.mv_data + plen, SUFFIX);
        }
        int64_t at = (int64_t)~store_u64_from(k);
        uint64_t seq = ~store_u64_from(k + 8);
        if (at > f->to)
            continue; /* after a cursor, in the same walk: cannot happen, but costs nothing to refuse */
        if (at < f->from)
            break;
        json_t *ev = NULL;
        if ((rc = load_event(s, txn, seq, &ev)))
            break;
        int ok = matches(s, txn, f, ev, at, seq);
        if (ok && f->limit && shown == f->limit) {
            *next_at = last_at; /* one more exists: the next page starts after the last shown */
            *next_seq = last_seq;
            json_decref(ev);
            break;
        }
        if (ok) {
            rc = fn(ev, ctx);
            shown++;
            last_at = at;
            last_seq = seq;
        }
        json_decref(ev);
        if (rc)
            break;
    }
    return db == DB_AUDIT_CASE ? case_walk_end(&w, rc) : store_iter_end(&it, rc);
}

int store_audit_case_each(store *s, MDB_txn *txn, uint64_t case_id, int (*fn)(const json_t *event, void *ctx),
                          void *ctx)
{
    if (!case_id)
        return 0;
    case_walk w;
    case_walk_begin(&w, s, txn, case_id, NULL);
    unsigned char k[SUFFIX];
    int rc = 0;
    while (case_walk_next(&w, k)) {
        json_t *ev = NULL;
        if ((rc = load_event(s, txn, ~store_u64_from(k + 8), &ev)))
            break;
        rc = fn(ev, ctx);
        json_decref(ev);
        if (rc)
            break;
    }
    return case_walk_end(&w, rc);
}
