/* name_norm.c - folding names, and Home Office references, for search. */
#include "name_norm.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ASCII folding for the Latin-1 Supplement and Latin Extended-A letters (U+00C0..U+017F). */
static const char *fold_latin(unsigned cp)
{
    static const char *const l1[64] = {
        /* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        /* D0 */ "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
        /* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        /* F0 */ "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
    };
    static const char ext_a[] = /* U+0100..U+017F: the base letter of each (from Unicode's decompositions) */
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnn"
        "oooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
    if (cp >= 0xC0 && cp <= 0xFF)
        return l1[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F) {
        size_t i = cp - 0x100;
        if (i < sizeof ext_a - 1) {
            static const char *const letters[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
                                                  "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
            char c = ext_a[i];
            if (c >= 'a' && c <= 'z')
                return letters[c - 'a'];
        }
    }
    return NULL;
}

/* Decodes one UTF-8 sequence at p (valid UTF-8 assumed, as jansson guarantees); returns its length. */
static size_t utf8_next(const unsigned char *p, unsigned *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0 && p[1]) {
        *cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2]) {
        *cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    if ((p[0] & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
        *cp = ((unsigned)(p[0] & 0x07) << 18) | ((unsigned)(p[1] & 0x3F) << 12) | ((unsigned)(p[2] & 0x3F) << 6) |
              (p[3] & 0x3F);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

/* Walks `in`, calling emit for each folded piece; sep for separators. */
typedef void (*emit_fn)(void *ctx, const char *s, size_t n, int is_sep);

static void fold_walk(const char *in, emit_fn emit, void *ctx)
{
    const unsigned char *p = (const unsigned char *)in;
    while (*p) {
        unsigned cp;
        size_t len = utf8_next(p, &cp);
        if (cp == ' ' || cp == '-' || cp == '\t' || cp == ',' || cp == 0x2010 || cp == 0x2011 || cp == 0xA0) {
            emit(ctx, NULL, 0, 1);
        } else if (cp == '\'' || cp == '.' || cp == 0x2019 || cp == 0x2018 || cp == '`' || cp == 0xB4) {
            /* dropped */
        } else if (cp < 0x80) {
            char c = (char)cp;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            emit(ctx, &c, 1, 0);
        } else {
            const char *f = fold_latin(cp);
            if (f)
                emit(ctx, f, strlen(f), 0);
            else
                emit(ctx, (const char *)p, len, 0);
        }
        p += len;
    }
    emit(ctx, NULL, 0, 1);
}

typedef struct {
    char *out;
    size_t cap, len;
} fold_ctx;

static void fold_emit(void *arg, const char *s, size_t n, int is_sep)
{
    fold_ctx *c = arg;
    if (is_sep)
        return;
    if (c->len + n < c->cap) {
        memcpy(c->out + c->len, s, n);
        c->len += n;
    }
}

size_t name_fold(const char *in, char *out, size_t cap)
{
    fold_ctx c = {out, cap, 0};
    if (cap == 0)
        return 0;
    fold_walk(in ? in : "", fold_emit, &c);
    out[c.len] = '\0';
    return c.len;
}

typedef struct {
    name_tokens *t;
    char cur[NAME_TOKEN_MAX + 1];
    size_t len;
    size_t first; /* index in t of this name's first token */
} tok_ctx;

static void add_token(name_tokens *t, const char *s)
{
    if (!*s || t->n == NAME_TOKENS_MAX)
        return;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->tok[i], s) == 0)
            return;
    snprintf(t->tok[t->n++], NAME_TOKEN_MAX + 1, "%s", s);
}

static void tok_emit(void *arg, const char *s, size_t n, int is_sep)
{
    tok_ctx *c = arg;
    if (is_sep) {
        c->cur[c->len] = '\0';
        add_token(c->t, c->cur);
        c->len = 0;
        return;
    }
    if (c->len + n <= NAME_TOKEN_MAX) {
        memcpy(c->cur + c->len, s, n);
        c->len += n;
    }
}

void name_tokenize(const char *in, int joined, name_tokens *t)
{
    if (!in)
        return;
    tok_ctx c = {.t = t};
    size_t before = t->n;
    fold_walk(in, tok_emit, &c);
    if (joined && t->n - before > 1) {
        char all[NAME_TOKEN_MAX + 1];
        name_fold(in, all, sizeof all);
        add_token(t, all);
    }
}

typedef int (*prefix_fn)(const void *name, const char *p, size_t len);

static int prefix_in_tokens(const void *arg, const char *p, size_t len)
{
    const name_tokens *name = arg;
    for (size_t j = 0; j < name->n; j++)
        if (strncmp(name->tok[j], p, len) == 0)
            return 1;
    return 0;
}

typedef struct {
    const char *list;
    size_t len;
    char sep;
} token_list;

static int prefix_in_list(const void *arg, const char *p, size_t plen)
{
    const token_list *t = arg;
    size_t start = 0;
    for (size_t i = 0; i <= t->len; i++) {
        if (i == t->len || t->list[i] == t->sep) {
            if (i - start >= plen && memcmp(t->list + start, p, plen) == 0)
                return 1;
            start = i + 1;
        }
    }
    return 0;
}

/* ok[i]: the query tokens from i on split into runs of neighbours, each run (joined) a prefix of some
 * name token. Dynamic programming from the end; the name is asked through `is_prefix`. */
static int match_runs(const name_tokens *query, prefix_fn is_prefix, const void *name)
{
    if (query->n == 0)
        return 0;
    unsigned char ok[NAME_TOKENS_MAX + 1];
    memset(ok, 0, query->n + 1);
    ok[query->n] = 1;
    for (size_t i = query->n; i-- > 0;) {
        char run[NAME_TOKEN_MAX + 1];
        size_t len = 0;
        for (size_t j = i; j < query->n && !ok[i]; j++) {
            size_t l = strlen(query->tok[j]);
            if (len + l > NAME_TOKEN_MAX)
                break;
            memcpy(run + len, query->tok[j], l);
            len += l;
            if (ok[j + 1] && is_prefix(name, run, len))
                ok[i] = 1;
        }
    }
    return ok[0];
}

int name_match(const name_tokens *query, const name_tokens *name)
{
    return match_runs(query, prefix_in_tokens, name);
}

int name_match_list_fuzzy(const name_tokens *query, const char *list, size_t len, char sep)
{
    if (query->n == 0)
        return 0;
    for (size_t i = 0; i < query->n; i++) {
        const char *q = query->tok[i];
        size_t ql = strlen(q);
        int cap = ql < 4 ? 0 : ql <= 6 ? 1 : 2, found = 0;
        size_t start = 0;
        for (size_t j = 0; j <= len && !found; j++) {
            if (j != len && list[j] != sep)
                continue;
            size_t tl = j - start;
            char tok[NAME_TOKEN_MAX + 1];
            if (tl > NAME_TOKEN_MAX)
                tl = NAME_TOKEN_MAX;
            memcpy(tok, list + start, tl);
            tok[tl] = '\0';
            start = j + 1;
            found = (tl >= ql && memcmp(tok, q, ql) == 0) || (cap && name_distance(q, tok, cap) <= cap);
        }
        if (!found)
            return 0;
    }
    return 1;
}

int name_match_list(const name_tokens *query, const char *list, size_t len, char sep)
{
    token_list t = {list, len, sep};
    return match_runs(query, prefix_in_list, &t);
}

int name_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return strcmp(a, b) == 0 ? 0 : cap + 1;
    if ((la > lb ? la - lb : lb - la) > (size_t)cap)
        return cap + 1;
    /* Optimal string alignment: Levenshtein plus swaps of neighbours ("Mohamed"/"Mohaemd"). */
    int rows[3][65];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        int best = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            int v = sub < del ? sub : del;
            v = v < ins ? v : ins;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > cap ? cap + 1 : prev[lb];
}

void case_horef_norm(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in; p && *p && n + 1 < cap; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isalnum(ch) || ch == '/' || ch == '-')
            out[n++] = (char)toupper(ch);
    }
    out[n] = '\0';
}

static int tok_cmp(const void *a, const void *b) { return strcmp(a, b); }

size_t name_sorted_key(const char *given, const char *family, char *out, size_t cap)
{
    name_tokens t = {0};
    name_tokenize(given, 0, &t);
    name_tokenize(family, 0, &t);
    qsort(t.tok, t.n, sizeof t.tok[0], tok_cmp);
    size_t len = 0;
    if (cap == 0)
        return 0;
    out[0] = '\0';
    for (size_t i = 0; i < t.n; i++) {
        size_t l = strlen(t.tok[i]);
        if (len + l + 1 > cap)
            break; /* cut, like name_fold: both sides of a comparison are cut alike */
        memcpy(out + len, t.tok[i], l + 1);
        len += l;
    }
    return len;
}
