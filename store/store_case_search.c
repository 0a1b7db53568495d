/* store_case_search.c - case search and lists from the index databases (never a scan of all cases)
 * and the duplicate check. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_index.h"
#include "name_norm.h"
#include "store_case.h"

static int tuple_passes(const case_query *q, const case_tuple *t)
{
    if (q->status && t->status != q->status)
        return 0;
    if (q->open_only && t->status == case_enum_code(case_statuses, "closed"))
        return 0;
    if (q->legislation && t->legislation != q->legislation)
        return 0;
    if (q->caseworker && t->caseworker != q->caseworker)
        return 0;
    if (q->team) {
        size_t l = strlen(q->team);
        if (l > 255)
            l = 255;
        if (t->team_len != l || memcmp(t->team, q->team, l) != 0)
            return 0;
    }
    return 1;
}

/* A growable set of case ids. */
typedef struct {
    uint64_t *v;
    size_t n, cap;
} idset;

static int idset_add(idset *s, uint64_t id)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        uint64_t *g = realloc(s->v, cap * sizeof *g);
        if (!g)
            return STORE_NOMEM;
        s->v = g;
        s->cap = cap;
    }
    s->v[s->n++] = id;
    return 0;
}

static int desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Sorts newest first, drops repeats, and fills the page after q->before. */
static void idset_page(idset *s, const case_query *q, uint64_t *ids, size_t *n, size_t *total, uint64_t *next)
{
    /* One index run (the common case: one exact name token) is already in ascending id order. */
    int ascending = 1;
    for (size_t i = 1; i < s->n && ascending; i++)
        ascending = s->v[i - 1] <= s->v[i];
    if (ascending) {
        for (size_t i = 0, j = s->n ? s->n - 1 : 0; i < j; i++, j--) {
            uint64_t t = s->v[i];
            s->v[i] = s->v[j];
            s->v[j] = t;
        }
    } else if (s->n) {
        qsort(s->v, s->n, sizeof *s->v, desc);
    }
    size_t u = 0;
    for (size_t i = 0; i < s->n; i++)
        if (u == 0 || s->v[u - 1] != s->v[i])
            s->v[u++] = s->v[i];
    s->n = u;
    *total = u;
    *n = 0;
    *next = 0;
    for (size_t i = 0; i < u; i++) {
        if (q->before && s->v[i] >= q->before)
            continue;
        if (*n == q->limit) {
            *next = ids[*n - 1];
            break;
        }
        ids[(*n)++] = s->v[i];
    }
}

#define FUZZY_SCAN_MAX 200000 /* entries a spelling-tolerant scan may visit */

/* How scan_prefix matches. */
enum {
    SCAN_EXACT_TOKEN = 1, /* the indexed value must be the prefix itself, not a longer one (HO references) */
    SCAN_FUZZY = 2,       /* names within a small edit distance of the query's words, at most
                             FUZZY_SCAN_MAX entries visited */
};

/* Walks every entry of db whose key starts with prefix (keys end in: case id (8) | person (1)),
 * adding the ids of the cases that pass the query's filters and, when query is given, whose names
 * match its words (exactly, or with SCAN_FUZZY spelling-tolerantly). flags: SCAN_* bits. */
static int scan_prefix(store *s, MDB_txn *txn, store_db db, const unsigned char *prefix, size_t plen,
                       unsigned flags, const case_query *q, const name_tokens *query, idset *out)
{
    size_t visited = 0;
    int fuzzy = (flags & SCAN_FUZZY) != 0, rc = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, db, prefix, plen);
    while (store_iter_next(&it)) {
        if (it.key.mv_size < plen + 9)
            break;
        const unsigned char *kd = it.key.mv_data;
        if ((flags & SCAN_EXACT_TOKEN) && kd[plen] != 0)
            continue; /* a longer token: the reference/date must match exactly */
        uint64_t id = store_u64_from(kd + it.key.mv_size - 9);
        case_tuple t;
        if (case_tuple_parse(it.val.mv_data, it.val.mv_size, &t))
            continue;
        if (!tuple_passes(q, &t))
            continue;
        if (fuzzy && ++visited > FUZZY_SCAN_MAX)
            break;
        if (query && !(t.rest && (fuzzy ? name_match_list_fuzzy(query, t.rest, t.rest_len, 0x1f)
                                        : name_match_list(query, t.rest, t.rest_len, 0x1f))))
            continue;
        if ((rc = idset_add(out, id)))
            break;
    }
    return store_iter_end(&it, rc);
}

/* Remembers, within one search, whether a person's token list matched: the same names recur (a
 * family's members, a common name), so each distinct list is matched once. One table per thread,
 * emptied by a new generation number rather than cleared. */
#define MEMO_SLOTS 2048 /* a power of two; filled to half at most */
typedef struct {
    uint64_t h, gen;
    const char *list; /* LMDB's bytes: valid for the transaction, which writes nothing meanwhile */
    size_t len;
    int match;
} memo_slot;

typedef struct {
    memo_slot slot[MEMO_SLOTS];
    uint64_t gen;
    size_t used;
} name_memo;

static _Thread_local name_memo memo_table;

static name_memo *memo_begin(void)
{
    memo_table.gen++;
    memo_table.used = 0;
    return &memo_table;
}

static int memo_match(name_memo *m, const name_tokens *query, int fuzzy, const char *list, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)list[i]) * 1099511628211ULL;
    size_t i = (size_t)h & (MEMO_SLOTS - 1);
    for (; m->slot[i].gen == m->gen; i = (i + 1) & (MEMO_SLOTS - 1))
        if (m->slot[i].h == h && m->slot[i].len == len && memcmp(m->slot[i].list, list, len) == 0)
            return m->slot[i].match;
    int r = fuzzy ? name_match_list_fuzzy(query, list, len, 0x1f) : name_match_list(query, list, len, 0x1f);
    if (m->used < MEMO_SLOTS / 2) {
        m->slot[i] = (memo_slot){h, m->gen, list, len, r};
        m->used++;
    }
    return r;
}

/* One name token's index entries (scope | token | 0 | case id | person), walked newest first. */
#define NAME_STREAMS_MAX 64
typedef struct {
    store_iter it;
    unsigned char prefix[8 + NAME_TOKEN_MAX + 1];
    size_t plen;
    int live;
    uint64_t id;
} name_stream;

typedef struct {
    name_stream v[NAME_STREAMS_MAX];
    size_t n;
    int too_many; /* more tokens than streams: the caller falls back to collecting every match */
} stream_set;

static void stream_step(name_stream *st)
{
    while ((st->live = store_iter_next(&st->it))) {
        if (st->it.key.mv_size == st->plen + 9) {
            st->id = store_u64_from((const unsigned char *)st->it.key.mv_data + st->plen);
            return;
        }
    }
}

/* The DB_CASE_COUNT prefix of the scope's per-token counters of the tokens that start with
 * run[0..len): scope | FACET_NAME_TOKEN | run. Returns its length. */
static size_t token_count_prefix(unsigned char *out, uint64_t scope, const char *run, size_t len)
{
    store_key_u64(out, scope);
    out[8] = FACET_NAME_TOKEN;
    memcpy(out + 9, run, len);
    return 9 + len;
}

/* Opens a stream for every indexed token of the scope that starts with run[0..len), found from the
 * per-token counters (FACET_NAME_TOKEN), not from the entries. */
static int streams_add(store *s, MDB_txn *txn, uint64_t scope, const char *run, size_t len, stream_set *set)
{
    unsigned char prefix[9 + NAME_TOKEN_MAX];
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, prefix, token_count_prefix(prefix, scope, run, len));
    while (!set->too_many && store_iter_next(&it)) {
        size_t tl = it.key.mv_size - 9;
        if (tl > NAME_TOKEN_MAX)
            continue;
        const unsigned char *tok = (const unsigned char *)it.key.mv_data + 9;
        int seen = 0;
        for (size_t i = 0; i < set->n && !seen; i++)
            seen = set->v[i].plen == 9 + tl && memcmp(set->v[i].prefix + 8, tok, tl) == 0;
        if (seen)
            continue;
        if (set->n == NAME_STREAMS_MAX) {
            set->too_many = 1;
            break;
        }
        name_stream *st = &set->v[set->n++];
        store_key_u64(st->prefix, scope);
        memcpy(st->prefix + 8, tok, tl);
        st->prefix[8 + tl] = 0;
        st->plen = 9 + tl;
        store_iter_begin_reverse(&st->it, s, txn, DB_CASE_NAME, st->prefix, st->plen);
        stream_step(st);
    }
    return store_iter_end(&it, 0);
}

static int streams_end(stream_set *set, int rc)
{
    for (size_t i = 0; i < set->n; i++)
        rc = store_iter_end(&set->v[i].it, rc);
    set->n = 0;
    return rc;
}

/* Entries of the name index of the scope whose token starts with run[0..len) (sum of the counters;
 * stops adding once past `enough`). */
static int token_entries(store *s, MDB_txn *txn, uint64_t scope, const char *run, size_t len, uint64_t enough,
                         uint64_t *out)
{
    unsigned char prefix[9 + NAME_TOKEN_MAX];
    *out = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_COUNT, prefix, token_count_prefix(prefix, scope, run, len));
    while (*out <= enough && store_iter_next(&it))
        if (it.val.mv_size == 8)
            *out += store_u64_from(it.val.mv_data);
    return store_iter_end(&it, 0);
}

/* Merges the streams newest first (each case once), keeping the cases that pass the query's filters
 * and, when query is given, whose person's names match it. Fills the page after q->before and counts
 * matches, stopping once the page, its cursor and more than CASE_TOTAL_CAP matches are known. With
 * fuzzy, at most FUZZY_SCAN_MAX entries are examined. *total: the matches, CASE_TOTAL_CAP + 1 for
 * "more". */
static int streams_merge(stream_set *set, const case_query *q, const name_tokens *query, int fuzzy, uint64_t *ids,
                         size_t *n, size_t *total, uint64_t *next)
{
    name_memo *memo = query ? memo_begin() : NULL;
    size_t visited = 0, matched = 0;
    uint64_t last = 0;
    *n = 0;
    *next = 0;
    for (;;) {
        name_stream *best = NULL;
        for (size_t i = 0; i < set->n; i++)
            if (set->v[i].live && (!best || set->v[i].id > best->id))
                best = &set->v[i];
        if (!best)
            break;
        uint64_t id = best->id;
        case_tuple t;
        int keep = id != last && case_tuple_parse(best->it.val.mv_data, best->it.val.mv_size, &t) == 0 &&
                   tuple_passes(q, &t);
        if (keep && fuzzy && ++visited > FUZZY_SCAN_MAX)
            break;
        if (keep && query)
            keep = t.rest && memo_match(memo, query, fuzzy, t.rest, t.rest_len);
        stream_step(best);
        if (!keep)
            continue;
        last = id;
        matched++;
        if (!q->before || id < q->before) {
            if (*n < q->limit)
                ids[(*n)++] = id;
            else if (!*next)
                *next = ids[*n - 1];
        }
        if (matched > CASE_TOTAL_CAP && *next)
            break;
    }
    *total = matched > CASE_TOTAL_CAP ? CASE_TOTAL_CAP + 1 : matched;
    return 0;
}

/* The query's tokens k..last joined into out (NAME_TOKEN_MAX bytes, not terminated): their length,
 * or 0 when longer than any indexed token can be. */
static size_t joined_run(const name_tokens *query, size_t k, size_t last, char *out)
{
    size_t len = 0;
    for (size_t i = k; i <= last; i++) {
        size_t l = strlen(query->tok[i]);
        if (len + l > NAME_TOKEN_MAX)
            return 0;
        memcpy(out + len, query->tok[i], l);
        len += l;
    }
    return len;
}

/* The old way, for a query whose words begin more than NAME_STREAMS_MAX different indexed tokens (one
 * or two letters): every match collected, then sorted. */
static int search_name_all(store *s, MDB_txn *txn, const case_query *q, const name_tokens *query, size_t drive,
                           int fuzzy, idset *set)
{
    int rc = 0;
    if (fuzzy) {
        unsigned char prefix[8 + 3];
        store_key_u64(prefix, q->scope);
        memcpy(prefix + 8, query->tok[drive], 3);
        return scan_prefix(s, txn, DB_CASE_NAME, prefix, sizeof prefix, SCAN_FUZZY, q, query, set);
    }
    for (size_t k = 0; k <= drive && !rc; k++) {
        unsigned char prefix[8 + NAME_TOKEN_MAX];
        store_key_u64(prefix, q->scope);
        size_t len = joined_run(query, k, drive, (char *)prefix + 8);
        if (len)
            /* A one-word query is the scanned prefix itself: every entry matches, no check needed. */
            rc = scan_prefix(s, txn, DB_CASE_NAME, prefix, 8 + len, 0, q, query->n == 1 ? NULL : query, set);
    }
    return rc;
}

/* One pass (exact, or spelling-tolerant) of a name search: streams when they fit, else search_name_all. */
static int search_name_pass(store *s, MDB_txn *txn, const case_query *q, const name_tokens *query, size_t drive,
                            int fuzzy, uint64_t *ids, size_t *n, size_t *total, uint64_t *next)
{
    stream_set *set = calloc(1, sizeof *set);
    if (!set)
        return STORE_NOMEM;
    int rc = 0;
    if (fuzzy) {
        rc = streams_add(s, txn, q->scope, query->tok[drive], 3, set);
    } else {
        /* A match splits the query into runs of neighbouring tokens, each run (joined) a prefix of a name
         * token. The run holding token `drive` starts at some k <= drive, and its tokens k..drive joined
         * are a prefix of a name token too: the tokens beginning with them, for every k, hold every match. */
        for (size_t k = 0; k <= drive && !rc && !set->too_many; k++) {
            char run[NAME_TOKEN_MAX];
            size_t len = joined_run(query, k, drive, run);
            if (len)
                rc = streams_add(s, txn, q->scope, run, len, set);
        }
    }
    if (!rc && !set->too_many) {
        /* A one-word query is each stream's token prefix itself: every entry matches, no check needed. */
        rc = streams_merge(set, q, query->n == 1 && !fuzzy ? NULL : query, fuzzy, ids, n, total, next);
        rc = streams_end(set, rc);
        free(set);
        return rc;
    }
    rc = streams_end(set, rc);
    free(set);
    if (rc)
        return rc;
    idset all = {0};
    rc = search_name_all(s, txn, q, query, drive, fuzzy, &all);
    if (!rc) {
        idset_page(&all, q, ids, n, total, next);
        if (*total > CASE_TOTAL_CAP)
            *total = CASE_TOTAL_CAP + 1;
    }
    free(all.v);
    return rc;
}

/* The query word of at least min_len letters whose start (its first run_len letters; 0: the whole
 * word) begins the fewest index entries of the scope (the per-token counters), into *word; *word is
 * left as it is when there is one word, or none that long. */
static int rarest_word(store *s, MDB_txn *txn, uint64_t scope, const name_tokens *query, size_t run_len,
                       size_t min_len, size_t *word)
{
    uint64_t fewest = UINT64_MAX;
    for (size_t i = 0; i < query->n && query->n > 1; i++) {
        size_t len = strlen(query->tok[i]);
        uint64_t c = 0;
        if (len < min_len)
            continue;
        int rc = token_entries(s, txn, scope, query->tok[i], run_len ? run_len : len, fewest, &c);
        if (rc)
            return rc;
        if (c < fewest) {
            fewest = c;
            *word = i;
        }
    }
    return 0;
}

static int search_name(store *s, MDB_txn *txn, const case_query *q, uint64_t *ids, size_t *n, size_t *total,
                       uint64_t *next)
{
    name_tokens query = {0};
    name_tokenize(q->text, 0, &query);
    if (query.n == 0)
        return 0;
    size_t longest = 0;
    for (size_t i = 1; i < query.n; i++)
        if (strlen(query.tok[i]) > strlen(query.tok[longest]))
            longest = i;
    /* Start from the word that begins the fewest index entries. */
    size_t drive = 0;
    int rc = rarest_word(s, txn, q->scope, &query, 0, 0, &drive);
    if (!rc)
        rc = search_name_pass(s, txn, q, &query, drive, 0, ids, n, total, next);
    /* Nothing spelled that way: try spellings a letter or two apart ("Mohamed" for "Mohammed",
     * "Hussien" for "Hussein"), among names sharing the first three letters of one word of 4 letters
     * or more: the one whose first three letters begin the fewest index entries. The longest word,
     * as before 2026-12-07, could be a common start ("mar" of "maria": 15 ms for "maria hoxha",
     * which "hox" answers in a few). */
    if (!rc && *total == 0 && strlen(query.tok[longest]) >= 4) {
        size_t fuzzy_drive = longest;
        if (!(rc = rarest_word(s, txn, q->scope, &query, 3, 4, &fuzzy_drive)))
            rc = search_name_pass(s, txn, q, &query, fuzzy_drive, 1, ids, n, total, next);
    }
    return rc;
}

/* Lists from the facet index: newest first, resuming at the cursor, counting the total from the
 * counters when there is at most one filter. */
static int search_facet(store *s, MDB_txn *txn, const case_query *q, uint64_t *ids, size_t *n, size_t *total,
                        uint64_t *next)
{
    char worker_s[24];
    char f = FACET_ALL;
    const char *value = NULL;
    int filters = (q->status != 0) + (q->open_only != 0) + (q->legislation != 0) + (q->caseworker != 0) + (q->team != NULL);
    if (q->caseworker) {
        snprintf(worker_s, sizeof worker_s, "%" PRIu64, q->caseworker);
        f = FACET_CASEWORKER;
        value = worker_s;
    } else if (q->team) {
        f = FACET_TEAM;
        value = q->team;
    } else if (q->legislation) {
        f = FACET_LEGISLATION;
        value = case_legislations[q->legislation];
    } else if (q->status) {
        f = FACET_STATUS;
        value = case_statuses[q->status];
    }
    unsigned char prefix[9 + CASE_VALUE_MAX + 1 + 8];
    size_t plen = case_facet_prefix(prefix, q->scope, f, value);
    int rc = 0;
    int counted = filters <= 1 && !q->open_only; /* "open" is two statuses: no one counter holds it */
    if (counted) {
        uint64_t c;
        if ((rc = store_case_count(s, txn, q->scope, f, value, &c)))
            return rc;
        *total = (size_t)c;
    } else {
        *total = 0;
    }
    /* The resume point: the prefix followed by the cursor's key (~id, so newest first). */
    store_key_u64(prefix + plen, q->before ? UINT64_MAX - q->before + 1 : 0);
    *n = 0;
    *next = 0;
    store_iter it;
    /* For an uncounted total, count the entries before the cursor too. */
    if (!counted && q->before) {
        store_iter_begin(&it, s, txn, DB_CASE_FACET, prefix, plen);
        while (store_iter_next(&it)) {
            if (it.key.mv_size != plen + 8)
                break;
            uint64_t id = UINT64_MAX - store_u64_from((const unsigned char *)it.key.mv_data + plen);
            if (id < q->before)
                break;
            case_tuple t;
            if (case_tuple_parse(it.val.mv_data, it.val.mv_size, &t) == 0 && tuple_passes(q, &t))
                (*total)++;
        }
        if ((rc = store_iter_end(&it, 0)))
            return rc;
    }
    store_iter_begin_at(&it, s, txn, DB_CASE_FACET, prefix, plen, prefix, plen + 8);
    while (store_iter_next(&it)) {
        if (it.key.mv_size != plen + 8)
            break;
        uint64_t id = UINT64_MAX - store_u64_from((const unsigned char *)it.key.mv_data + plen);
        case_tuple t;
        if (case_tuple_parse(it.val.mv_data, it.val.mv_size, &t) || !tuple_passes(q, &t))
            continue;
        if (*n == q->limit) {
            if (!*next)
                *next = ids[*n - 1];
            if (counted)
                break;
            (*total)++;
            continue;
        }
        ids[(*n)++] = id;
        if (!counted)
            (*total)++;
    }
    return store_iter_end(&it, 0);
}

int store_case_duplicates(store *s, MDB_txn *txn, uint64_t before, size_t limit, uint64_t *ids, size_t *n,
                          size_t *total, uint64_t *next)
{
    unsigned char prefix[9 + CASE_VALUE_MAX + 1 + 8];
    size_t plen = case_facet_prefix(prefix, 0, FACET_DUPLICATE, NULL);
    uint64_t c;
    int rc = store_case_count(s, txn, 0, FACET_DUPLICATE, NULL, &c);
    *n = 0;
    *next = 0;
    *total = rc ? 0 : (size_t)c;
    if (rc || limit == 0)
        return rc;
    /* The keys hold ~id (newest first): resume just after the cursor. */
    store_key_u64(prefix + plen, before ? UINT64_MAX - before + 1 : 0);
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_CASE_FACET, prefix, plen, prefix, plen + 8);
    while (store_iter_next(&it)) {
        if (it.key.mv_size != plen + 8)
            break;
        if (*n == limit) {
            *next = ids[*n - 1];
            break;
        }
        ids[(*n)++] = UINT64_MAX - store_u64_from((const unsigned char *)it.key.mv_data + plen);
    }
    return store_iter_end(&it, 0);
}

static int search_supported_since(store *s, MDB_txn *txn, const case_query *q, uint64_t *ids, size_t *n,
                                  size_t *total, uint64_t *next)
{
    unsigned char prefix[9];
    store_key_u64(prefix, q->scope);
    prefix[8] = FACET_SUPPORT_START;
    size_t cutoff_len = strlen(q->text);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_FACET, prefix, sizeof prefix);
    while (store_iter_next(&it)) {
        const unsigned char *key = it.key.mv_data;
        if (it.key.mv_size != 9 + cutoff_len + 1 + 8 || memcmp(key + 9, q->text, cutoff_len) > 0)
            break;
        case_tuple t;
        if (case_tuple_parse(it.val.mv_data, it.val.mv_size, &t) || !tuple_passes(q, &t))
            continue;
        if ((*total)++ < q->before)
            continue;
        if (*n < q->limit)
            ids[(*n)++] = UINT64_MAX - store_u64_from(key + it.key.mv_size - 8);
        else if (!*next)
            *next = q->before + q->limit;
    }
    return store_iter_end(&it, 0);
}

int store_case_search(store *s, MDB_txn *txn, const case_query *q, uint64_t *ids, size_t *n, size_t *total,
                      uint64_t *next)
{
    *n = 0;
    *total = 0;
    *next = 0;
    if (q->limit == 0)
        return 0;
    if (q->kind == CASEQ_ALL)
        return search_facet(s, txn, q, ids, n, total, next);
    if (q->kind == CASEQ_SUPPORTED_SINCE)
        return search_supported_since(s, txn, q, ids, n, total, next);
    if (q->kind == CASEQ_ID) {
        /* One record, held to the same scope and filters as every other search. */
        json_t *rec;
        int rc = store_case_get(s, txn, q->id, &rec);
        if (rc)
            return rc == MDB_NOTFOUND ? 0 : rc;
        unsigned char tuple[CASE_TUPLE_MAX];
        case_tuple t;
        size_t tl = case_tuple_of(rec, tuple);
        int pass = (!q->scope || (uint64_t)json_integer_value(json_object_get(rec, "council_id")) == q->scope) &&
                   (!q->before || q->id < q->before) && case_tuple_parse(tuple, tl, &t) == 0 && tuple_passes(q, &t);
        json_decref(rec);
        if (pass) {
            ids[(*n)++] = q->id;
            *total = 1;
        }
        return 0;
    }
    idset set = {0};
    int rc = 0;
    unsigned char prefix[8 + 32];
    store_key_u64(prefix, q->scope);
    if (q->kind == CASEQ_NAME)
        return search_name(s, txn, q, ids, n, total, next);
    if (q->kind == CASEQ_DOB) {
        memcpy(prefix + 8, q->dob, 8);
        rc = scan_prefix(s, txn, DB_CASE_DOB, prefix, 16, 0, q, NULL, &set);
    } else if (q->kind == CASEQ_HOREF) {
        size_t l = strlen(q->text);
        if (l == 0 || l > 31)
            return 0;
        memcpy(prefix + 8, q->text, l);
        rc = scan_prefix(s, txn, DB_CASE_HOREF, prefix, 8 + l, SCAN_EXACT_TOKEN, q, NULL, &set);
    }
    if (!rc)
        idset_page(&set, q, ids, n, total, next);
    free(set.v);
    return rc;
}

/* Similar names for the duplicate check: the same folded given+family (in either order), or
 * within a small edit distance of each other, or the same family name and first given name. */
static int similar(const char *g1, const char *f1, const char *g2, const char *f2)
{
    char a[2 * NAME_FOLD_MAX], b[2 * NAME_FOLD_MAX], c[2 * NAME_FOLD_MAX];
    snprintf(a, sizeof a, "%s%s", g1, f1);
    snprintf(b, sizeof b, "%s%s", g2, f2);
    snprintf(c, sizeof c, "%s%s", f2, g2);
    int cap = strlen(a) >= 10 ? 2 : 1;
    return name_distance(a, b, cap) <= cap || name_distance(a, c, cap) <= cap ||
           (strcmp(f1, f2) == 0 && strncmp(g1, g2, 3) == 0 && g1[0]);
}

/* The same words in any order ("Lopez Garcia" / "Jose" for "José García López"), with the same
 * tolerance of a letter or two: the sorted-word keys (name_sorted_key) within the edit distance. */
static int similar_words(const char *key1, const char *key2)
{
    int cap = strlen(key1) >= 10 ? 2 : 1;
    return key1[0] && name_distance(key1, key2, cap) <= cap;
}

/* The person `pid` of a case record (principal 1, else a dependant), or NULL. */
static const json_t *person_of(const json_t *rec, unsigned pid)
{
    if (pid == 1)
        return json_object_get(rec, "principal");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rec, "dependants"), i, d) if (json_integer_value(json_object_get(d, "id")) ==
                                                                    (json_int_t)pid) return d;
    return NULL;
}

int store_case_similar(store *s, MDB_txn *txn, uint64_t council, const char *dob, const char *given,
                       const char *family, uint64_t *case_ids, unsigned *person_ids, size_t max, size_t *n)
{
    *n = 0;
    char g1[NAME_FOLD_MAX], f1[NAME_FOLD_MAX]; /* exactly as the index folds them */
    name_fold(given, g1, sizeof g1);
    name_fold(family, f1, sizeof f1);
    char k1[2 * NAME_FOLD_MAX];
    name_sorted_key(given, family, k1, sizeof k1);
    unsigned char prefix[16];
    store_key_u64(prefix, council);
    memcpy(prefix + 8, dob, 8);
    int rc = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_DOB, prefix, sizeof prefix);
    /* Closed cases too: a household coming back is a reopening, not a new case (fcgi/API.md). */
    while (*n < max && store_iter_next(&it)) {
        if (it.key.mv_size != 25)
            break;
        case_tuple t;
        if (case_tuple_parse(it.val.mv_data, it.val.mv_size, &t) || !t.rest)
            continue;
        const char *sep = memchr(t.rest, 0x1f, t.rest_len);
        if (!sep)
            continue;
        char g2[NAME_FOLD_MAX], f2[NAME_FOLD_MAX];
        size_t gl = (size_t)(sep - t.rest), fl = t.rest_len - gl - 1;
        if (gl >= sizeof g2 || fl >= sizeof f2)
            continue;
        memcpy(g2, t.rest, gl);
        g2[gl] = '\0';
        memcpy(f2, sep + 1, fl);
        f2[fl] = '\0';
        uint64_t id = store_u64_from((const unsigned char *)it.key.mv_data + 16);
        unsigned pid = ((const unsigned char *)it.key.mv_data)[24];
        if (!similar(g1, f1, g2, f2)) {
            /* The index folds each name without its word breaks, so words in another order need the
             * record: read only for the few people of the council born on the same day. */
            json_t *rec;
            if ((rc = store_case_get(s, txn, id, &rec)))
                break;
            const json_t *p = person_of(rec, pid);
            char k2[2 * NAME_FOLD_MAX];
            name_sorted_key(json_string_value(json_object_get(p, "given_names")),
                            json_string_value(json_object_get(p, "family_name")), k2, sizeof k2);
            int same = p && similar_words(k1, k2);
            json_decref(rec);
            if (!same)
                continue;
        }
        case_ids[*n] = id;
        person_ids[*n] = pid;
        (*n)++;
    }
    return store_iter_end(&it, rc);
}
