/*
 * fuzz_name_norm.c - name folding and matching (store/name_norm.c) and case_horef_norm on any bytes.
 *
 * The input is two strings, "A\0B": A is a name, B a query (the rest after a second NUL is ignored).
 * Invariants, on any bytes:
 *   - name_fold: the result fits in cap (always terminated), is never longer than the input; cap 0
 *     writes nothing;
 *   - name_tokenize: at most NAME_TOKENS_MAX tokens, each non-empty, at most NAME_TOKEN_MAX bytes,
 *     distinct; the joined form only adds (at most) one token after the others;
 *   - a name's own tokens always match it (name_match, and for valid UTF-8 name_match_list and
 *     name_match_list_fuzzy);
 *   - for a valid UTF-8 name, name_match on its tokens and name_match_list on the same tokens joined by a
 *     separator agree, and name_match_list_fuzzy agrees with a plain reference implementation;
 *   - name_distance is the optimal string alignment distance (checked against a full table, no pruning)
 *     capped at cap+1, and symmetric; past 64 bytes it only tells equal from different;
 *   - case_horef_norm keeps only A-Z, 0-9, '/' and '-', is idempotent, and a smaller buffer holds a
 *     prefix of the full result.
 * And on valid UTF-8 (what jansson hands the callers; other bytes only need to be handled safely): the
 * fold's length is what name_fold returns, the fold and every token are valid UTF-8 holding no ASCII capital, space, hyphen, tab, comma, apostrophe,
 * dot or backtick; folding is idempotent, fold(fold(x)) == fold(x), under any cap; a token tokenizes
 * to itself.
 */
#include <string.h>

#include "fuzz.h"
#include "name_norm.h"

/* Optimal string alignment distance: Levenshtein plus swaps of neighbours, full table. */
FUZZ_REFERENCE static int osa(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    static int d[65][65];
    FUZZ_CHECK(la <= 64 && lb <= 64);
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* What name_match_list_fuzzy promises, written out plainly. */
FUZZ_REFERENCE static int fuzzy_reference(const name_tokens *q, const name_tokens *name)
{
    if (q->n == 0)
        return 0;
    for (size_t i = 0; i < q->n; i++) {
        size_t ql = strlen(q->tok[i]);
        int cap = ql < 4 ? 0 : ql <= 6 ? 1 : 2, found = 0;
        for (size_t j = 0; j < name->n && !found; j++)
            found = strncmp(name->tok[j], q->tok[i], ql) == 0 || (cap && osa(q->tok[i], name->tok[j]) <= cap);
        if (!found)
            return 0;
    }
    return 1;
}

static void check_folded_chars(const char *s)
{
    for (; *s; s++)
        FUZZ_CHECK(!(*s >= 'A' && *s <= 'Z') && !strchr(" -\t,'.`", *s));
}

static void check_fold(const char *s, int utf8)
{
    size_t len = strlen(s);
    char *full = malloc(len + 1), *again = malloc(len + 1);
    FUZZ_CHECK(full && again);
    size_t n = name_fold(s, full, len + 1);
    FUZZ_CHECK(n <= len && strlen(full) <= n); /* a malformed sequence may decode to U+0000 */
    if (utf8) {
        FUZZ_CHECK(strlen(full) == n);
        check_folded_chars(full);
        FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)full, n));
        FUZZ_CHECK(name_fold(full, again, len + 1) == n && strcmp(again, full) == 0);
    }
    size_t caps[] = {1, 2, 3, len / 2 + 1, NAME_FOLD_MAX, NAME_TOKEN_MAX + 1};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *cut = malloc(caps[i]); /* exactly cap bytes: ASan sees a write past them */
        FUZZ_CHECK(cut != NULL);
        size_t m = name_fold(s, cut, caps[i]);
        FUZZ_CHECK(m < caps[i] && strlen(cut) <= m && m <= n);
        if (utf8) {
            FUZZ_CHECK(strlen(cut) == m);
            check_folded_chars(cut);
            FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)cut, m));
            FUZZ_CHECK(name_fold(cut, again, len + 1) == m && strcmp(again, cut) == 0);
        }
        free(cut);
    }
    char untouched = 'x';
    FUZZ_CHECK(name_fold(s, &untouched, 0) == 0 && untouched == 'x');
    free(full);
    free(again);
}

static void check_tokens(const char *s, int utf8, name_tokens *t)
{
    name_tokens plain = {0};
    name_tokenize(s, 0, &plain);
    *t = (name_tokens){0};
    name_tokenize(s, 1, t);
    FUZZ_CHECK(t->n <= NAME_TOKENS_MAX && t->n >= plain.n && t->n <= plain.n + 1);
    for (size_t i = 0; i < plain.n; i++)
        FUZZ_CHECK(strcmp(plain.tok[i], t->tok[i]) == 0);
    for (size_t i = 0; i < t->n; i++) {
        const char *k = t->tok[i];
        size_t n = strlen(k);
        FUZZ_CHECK(n >= 1 && n <= NAME_TOKEN_MAX);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(t->tok[j], k) != 0);
        if (utf8) {
            check_folded_chars(k);
            FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)k, n));
            name_tokens self = {0};
            name_tokenize(k, 1, &self);
            FUZZ_CHECK(self.n == 1 && strcmp(self.tok[0], k) == 0);
        }
    }
}

/* The tokens joined by spaces, as the search index keeps them; its length into *len. */
static char *join(const name_tokens *t, size_t *len)
{
    char *out = malloc(NAME_TOKENS_MAX * (NAME_TOKEN_MAX + 1) + 1);
    FUZZ_CHECK(out != NULL);
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            out[n++] = ' ';
        size_t l = strlen(t->tok[i]);
        memcpy(out + n, t->tok[i], l);
        n += l;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

static void check_horef(const char *s)
{
    size_t len = strlen(s);
    char *full = malloc(len + 1), *again = malloc(len + 1);
    FUZZ_CHECK(full && again);
    case_horef_norm(s, full, len + 1);
    size_t n = strlen(full);
    for (const char *p = full; *p; p++)
        FUZZ_CHECK((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '/' || *p == '-');
    case_horef_norm(full, again, len + 1);
    FUZZ_CHECK(strcmp(again, full) == 0);
    for (size_t cap = 1; cap <= 4 && cap <= len + 1; cap++) {
        char *cut = malloc(cap);
        FUZZ_CHECK(cut != NULL);
        case_horef_norm(s, cut, cap);
        size_t m = strlen(cut);
        FUZZ_CHECK(m < cap && m <= n && strncmp(cut, full, m) == 0 && (m == n || m == cap - 1));
        free(cut);
    }
    free(full);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    const char *a = buf, *b = buf + strlen(buf) + (strlen(buf) < size ? 1 : 0);
    int a_utf8 = fuzz_utf8_valid((const unsigned char *)a, strlen(a));
    int b_utf8 = fuzz_utf8_valid((const unsigned char *)b, strlen(b));

    check_fold(a, a_utf8);
    check_fold(b, b_utf8);
    check_horef(a);
    name_tokens name, query;
    check_tokens(a, a_utf8, &name);
    check_tokens(b, b_utf8, &query);

    size_t nlen, qlen;
    char *nlist = join(&name, &nlen), *qlist = join(&query, &qlen);
    /* A name finds itself. Lists are only built from valid UTF-8 (the index's are, from JSON): a token
     * of other bytes may hold the separator. */
    if (name.n) {
        FUZZ_CHECK(name_match(&name, &name) == 1);
        if (a_utf8) {
            FUZZ_CHECK(name_match_list(&name, nlist, nlen, ' ') == 1);
            FUZZ_CHECK(name_match_list_fuzzy(&name, nlist, nlen, ' ') == 1);
        }
    }
    /* The two forms of the name agree, and the fuzzy match is what it says. */
    if (a_utf8) {
        FUZZ_CHECK(name_match(&query, &name) == name_match_list(&query, nlist, nlen, ' '));
        if (query.n * name.n <= 64) /* the reference is slow: a few tokens each, as real names have */
            FUZZ_CHECK(name_match_list_fuzzy(&query, nlist, nlen, ' ') == fuzzy_reference(&query, &name));
    }
    if (b_utf8)
        FUZZ_CHECK(name_match(&name, &query) == name_match_list(&name, qlist, qlen, ' '));
    for (size_t i = 0; i < query.n && i < 4; i++)
        for (size_t j = 0; j < name.n && j < 4; j++) {
            int want = osa(query.tok[i], name.tok[j]);
            for (int cap = 0; cap <= 3; cap++) {
                int got = name_distance(query.tok[i], name.tok[j], cap);
                FUZZ_CHECK(got == (want <= cap ? want : cap + 1));
                FUZZ_CHECK(got == name_distance(name.tok[j], query.tok[i], cap));
            }
        }
    /* Whole strings: up to 64 bytes the distance (capped), beyond that only "equal or not". */
    int d = name_distance(a, b, 2);
    if (strlen(a) > 64 || strlen(b) > 64) {
        FUZZ_CHECK(d == (strcmp(a, b) == 0 ? 0 : 3));
    } else {
        int want = osa(a, b);
        FUZZ_CHECK(d == (want <= 2 ? want : 3));
    }
    free(nlist);
    free(qlist);
    free(buf);
    return 0;
}
