/* auth_password.c - argon2id hashing and the password policy. */
#include "auth_password.h"
#include "auth_random.h"
#include "data_path.h"

#include <argon2.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zxcvbn.h>


static char **common;      /* sorted, lower case */
static size_t common_n;
static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
    if (auth_password_hash("connect-dummy-password", dummy_hash))
        dummy_hash[0] = '\0';
}

int auth_password_hash(const char *pwd, char out[AUTH_HASH_MAX])
{
    unsigned char salt[16];
    if (auth_random_bytes(salt, sizeof salt))
        return -1;
    size_t need = argon2_encodedlen(AUTH_ARGON2_T, AUTH_ARGON2_M_KIB, AUTH_ARGON2_P, sizeof salt, 32, Argon2_id);
    if (need > AUTH_HASH_MAX)
        return -1;
    int rc = argon2id_hash_encoded(AUTH_ARGON2_T, AUTH_ARGON2_M_KIB, AUTH_ARGON2_P, pwd, strlen(pwd), salt,
                                   sizeof salt, 32, out, AUTH_HASH_MAX);
    return rc == ARGON2_OK ? 0 : -1;
}

int auth_password_verify(const char *encoded, const char *pwd)
{
    if (!encoded || strncmp(encoded, "$argon2id$", 10) != 0)
        return 0;
    return argon2id_verify(encoded, pwd, strlen(pwd)) == ARGON2_OK;
}

void auth_password_burn(const char *pwd)
{
    pthread_once(&dummy_once, dummy_init);
    (void)auth_password_verify(dummy_hash, pwd);
}

int auth_password_needs_rehash(const char *encoded)
{
    char want[64];
    snprintf(want, sizeof want, "$argon2id$v=19$m=%d,t=%d,p=%d$", AUTH_ARGON2_M_KIB, AUTH_ARGON2_T, AUTH_ARGON2_P);
    return strncmp(encoded, want, strlen(want)) != 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int auth_common_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    auth_common_free();
    size_t cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        for (ssize_t i = 0; i < len; i++)
            line[i] = (char)tolower((unsigned char)line[i]);
        if (common_n == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            char **grown = realloc(common, ncap * sizeof *common);
            if (!grown) {
                rc = -1;
                break;
            }
            common = grown;
            cap = ncap;
        }
        if (!(common[common_n] = strdup(line))) {
            rc = -1;
            break;
        }
        common_n++;
    }
    free(line);
    fclose(f);
    if (rc) {
        auth_common_free();
        return rc;
    }
    qsort(common, common_n, sizeof *common, cmp_str);
    return 0;
}

size_t auth_common_count(void) { return common_n; }

void auth_common_free(void)
{
    for (size_t i = 0; i < common_n; i++)
        free(common[i]);
    free(common);
    common = NULL;
    common_n = 0;
}

/* Counts UTF-8 characters; -1 when the bytes are not valid UTF-8 or hold a control character. */
static long utf8_chars(const char *s)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra;
        if (*p < 0x20 || *p == 0x7f)
            return -1;
        if (*p < 0x80)
            extra = 0;
        else if ((*p & 0xe0) == 0xc0 && *p >= 0xc2)
            extra = 1;
        else if ((*p & 0xf0) == 0xe0)
            extra = 2;
        else if ((*p & 0xf8) == 0xf0 && *p <= 0xf4)
            extra = 3;
        else
            return -1;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xc0) != 0x80)
                return -1;
        n++;
    }
    return n;
}

/* What a refused password is mostly made of, from zxcvbn's matches or our own name check. */
enum weakness {
    WEAK_GENERAL, WEAK_COMMON, WEAK_USERNAME, WEAK_ORG, WEAK_CONNECT, WEAK_KEYBOARD, WEAK_REPEAT,
    WEAK_SEQUENCE, WEAK_WORDS, WEAK_DATES, WEAK_NAMES, WEAK_COUNT
};

/* One sentence per reason: what is wrong, then what to do instead. */
static const char *const weak_message[WEAK_COUNT] = {
    [WEAK_GENERAL] = "This password is too easy to guess. Use three or four unrelated words, 12 characters or more.",
    [WEAK_COMMON] = "This password is too easy to guess: it is one of the most common passwords. Use three or four "
                    "unrelated words, 12 characters or more.",
    [WEAK_USERNAME] = "This password is too easy to guess: it is mostly your user name. Use three or four unrelated "
                      "words, 12 characters or more.",
    [WEAK_ORG] = "This password is too easy to guess: it is mostly your organisation's name. Use three or four "
                 "unrelated words, 12 characters or more.",
    [WEAK_CONNECT] = "This password is too easy to guess: it is mostly the word \"connect\". Use three or four "
                     "unrelated words, 12 characters or more.",
    [WEAK_KEYBOARD] = "This password is too easy to guess: it is mostly a keyboard pattern. Use three or four "
                      "unrelated words, 12 characters or more.",
    [WEAK_REPEAT] = "This password is too easy to guess: it is mostly repeated characters or words. Use three or "
                    "four unrelated words, 12 characters or more.",
    [WEAK_SEQUENCE] = "This password is too easy to guess: it is mostly a sequence such as abcd or 1234. Use three "
                      "or four unrelated words, 12 characters or more.",
    [WEAK_WORDS] = "This password is too easy to guess: it is mostly a common password or word with a few "
                   "characters added. Use three or four unrelated words, 12 characters or more.",
    [WEAK_DATES] = "This password is too easy to guess: it is mostly dates or years. Use three or four unrelated "
                   "words, 12 characters or more.",
    [WEAK_NAMES] = "This password is too easy to guess: it is mostly your user name, your organisation's name or "
                   "the word \"connect\". Use three or four unrelated words, 12 characters or more.",
};

/* Words a password must not be built from: the user name and its parts, the organisation's name and
 * its words, and "connect" (lower case, at most NAME_WORDS of them). */
#define NAME_WORDS 24
#define NAME_WORD_MAX 64
typedef struct {
    char word[NAME_WORDS][NAME_WORD_MAX + 1];
    enum weakness kind[NAME_WORDS];
    size_t n;
} name_words;

static void add_word(name_words *w, const char *p, size_t len, enum weakness kind)
{
    if (len < 3 || len > NAME_WORD_MAX || w->n == NAME_WORDS)
        return;
    for (size_t i = 0; i < len; i++)
        w->word[w->n][i] = (char)tolower((unsigned char)p[i]);
    w->word[w->n][len] = '\0';
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->word[i], w->word[w->n]) == 0)
            return;
    w->kind[w->n++] = kind;
}

/* Adds `text` whole and each of its runs of letters and digits (a user name "ann.smith" gives
 * "ann.smith", "ann" and "smith"; "Northfield Council" gives "northfield council", "northfield" and
 * "council"). */
static void add_words(name_words *w, const char *text, enum weakness kind)
{
    if (!text)
        return;
    add_word(w, text, strlen(text), kind);
    const char *p = text;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && isalnum((unsigned char)*p))
            p++;
        if (p > start && (size_t)(p - start) < strlen(text))
            add_word(w, start, (size_t)(p - start), kind);
    }
}

/* Refuses a password that, once every name word is struck out (longest first, in any case), has no
 * letter left: "Northfield2026!!", "connect-connect-1", "ebc.admin12345". Returns the kind of name
 * that covered the most characters, or WEAK_COUNT when the password has letters of its own. */
static enum weakness made_of_names(const char *pwd, const name_words *w)
{
    size_t len = strlen(pwd);
    char *lower = malloc(len + 1);
    if (!lower)
        return WEAK_GENERAL;
    for (size_t i = 0; i <= len; i++)
        lower[i] = (char)tolower((unsigned char)pwd[i]);
    size_t order[NAME_WORDS]; /* indexes into w, longest word first (insertion sort: a few words) */
    for (size_t i = 0; i < w->n; i++) {
        size_t j = i;
        for (; j > 0 && strlen(w->word[order[j - 1]]) < strlen(w->word[i]); j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    size_t covered[WEAK_COUNT] = {0};
    for (size_t i = 0; i < w->n; i++) {
        const char *word = w->word[order[i]];
        size_t wl = strlen(word);
        enum weakness kind = w->kind[order[i]];
        for (char *hit = strstr(lower, word); hit; hit = strstr(hit + wl, word)) {
            memset(hit, '\1', wl); /* struck out, and never a letter, so no new word forms across it */
            covered[kind] += wl;
        }
    }
    int letters = 0;
    for (size_t i = 0; i < len && !letters; i++)
        letters = isalpha((unsigned char)lower[i]) || (unsigned char)lower[i] >= 0x80;
    free(lower);
    if (letters)
        return WEAK_COUNT;
    enum weakness most = WEAK_COUNT;
    for (int k = 0; k < WEAK_COUNT; k++)
        if (covered[k] && (most == WEAK_COUNT || covered[k] > covered[most]))
            most = (enum weakness)k;
    return most;
}

/* Where a character sits on a UK/US QWERTY keyboard, in quarter keys (rows are staggered); 0 when it
 * is not on the main block. */
static int key_place(int c, int *row, int *col)
{
    static const char *const rows[] = {"1234567890-=", "qwertyuiop[]", "asdfghjkl;'#", "zxcvbnm,./"};
    static const int stagger[] = {0, 2, 3, 5};
    c = tolower(c);
    for (int r = 0; r < 4; r++) {
        const char *hit = c ? strchr(rows[r], c) : NULL;
        if (hit) {
            *row = r;
            *col = (int)(hit - rows[r]) * 4 + stagger[r];
            return 1;
        }
    }
    return 0;
}

/* 1 when the len bytes at p are a walk over neighbouring keys (at most one jump): zxcvbn's
 * dictionaries hold walks such as "qwertyuiop" and "1qaz2wsx" as words, and the person should hear
 * "keyboard pattern" for them. */
static int keyboard_walk(const char *p, int len)
{
    if (len < 4)
        return 0;
    int jumps = 0;
    for (int i = 1; i < len; i++) {
        int r1, c1, r2, c2;
        if (!key_place((unsigned char)p[i - 1], &r1, &c1) || !key_place((unsigned char)p[i], &r2, &c2))
            return 0;
        if (abs(r1 - r2) > 1 || abs(c1 - c2) > 5)
            jumps++;
    }
    return jumps <= 1;
}

/* The kind of pattern that covers most of a password zxcvbn found weak, to tell the person why. */
static enum weakness main_pattern(const char *pwd, const ZxcMatch_t *info)
{
    size_t covered[WEAK_COUNT] = {0};
    for (const ZxcMatch_t *m = info; m; m = m->Next) {
        enum weakness kind;
        int type = (int)m->Type;
        if (type & MULTIPLE_MATCH)
            kind = WEAK_REPEAT;
        else if (type == SPATIAL_MATCH)
            kind = WEAK_KEYBOARD;
        else if (type == REPEATS_MATCH)
            kind = WEAK_REPEAT;
        else if (type == SEQUENCE_MATCH)
            kind = WEAK_SEQUENCE;
        else if (type == DICTIONARY_MATCH || type == DICT_LEET_MATCH)
            kind = keyboard_walk(pwd + m->Begin, m->Length) ? WEAK_KEYBOARD : WEAK_WORDS;
        else if (type == USER_MATCH || type == USER_LEET_MATCH)
            kind = WEAK_NAMES;
        else if (type == DATE_MATCH || type == YEAR_MATCH)
            kind = WEAK_DATES;
        else
            continue;
        covered[kind] += m->Length > 0 ? (size_t)m->Length : 0;
    }
    enum weakness most = WEAK_GENERAL;
    for (int k = 0; k < WEAK_COUNT; k++)
        if (covered[k] > covered[most])
            most = (enum weakness)k;
    return most;
}

const char *auth_password_policy(const char *pwd, const char *username, const char *org_name)
{
    long n = utf8_chars(pwd);
    if (n < 0)
        return "The password contains characters that are not allowed.";
    if (n < AUTH_PASSWORD_MIN)
        return "The password must be at least 12 characters long. Use three or four unrelated words.";
    if (n > AUTH_PASSWORD_MAX)
        return "The password must be at most 256 characters long.";
    name_words w = {.n = 0};
    add_words(&w, username, WEAK_USERNAME);
    add_words(&w, org_name, WEAK_ORG);
    add_word(&w, "connect", 7, WEAK_CONNECT);
    enum weakness names = made_of_names(pwd, &w);
    if (names != WEAK_COUNT)
        return weak_message[names];
    size_t len = strlen(pwd);
    char *lower = malloc(len + 1);
    if (!lower)
        return "The password could not be checked; please try again.";
    for (size_t i = 0; i <= len; i++)
        lower[i] = (char)tolower((unsigned char)pwd[i]);
    const char *key = lower;
    int found = common_n && bsearch(&key, common, common_n, sizeof *common, cmp_str) != NULL;
    free(lower);
    if (found)
        return weak_message[WEAK_COMMON];
    const char *dict[NAME_WORDS + 1];
    for (size_t i = 0; i < w.n; i++)
        dict[i] = w.word[i];
    dict[w.n] = NULL;
    ZxcMatch_t *info = NULL;
    double bits = ZxcvbnMatch(pwd, dict, &info);
    enum weakness why = bits < AUTH_PASSWORD_MIN_BITS ? main_pattern(pwd, info) : WEAK_COUNT;
    ZxcvbnFreeInfo(info);
    return why == WEAK_COUNT ? NULL : weak_message[why];
}

int auth_common_find(char *out, size_t cap)
{
    return data_path("auth/common-passwords.txt", out, cap);
}
