/*
 * name_norm.h - the search form of people's names: case, accents and spacing do not matter.
 * (And the search form of a Home Office reference, case_horef_norm, at the end.)
 *
 * A name is folded to lower case, Latin letters with diacritics lose them (é -> e, ß -> ss, ø -> o,
 * ł -> l, ...), apostrophes and dots vanish (O'Brien -> obrien), and it splits into tokens at spaces
 * and hyphens. Letters of other scripts are kept as they are. Matching is then by token prefix, in any
 * order, so "smith john", "John Smith" and "JOHN  SMITH" find the same person, and so does
 * "mcdonald" for "Mc Donald" (name_tokens adds the joined tokens of a multi-part name too).
 *
 * Names reach the store in Unicode NFC (the input layer normalises every string, store/text_norm.h), and
 * a search's text does too, so the folding below sees one form of each accented letter and is kept
 * byte for byte as it was: a change to its output would leave the name indexes of existing stores
 * stale.
 */
#ifndef CONNECT_NAME_NORM_H
#define CONNECT_NAME_NORM_H

#include <stddef.h>

#define NAME_TOKEN_MAX 48 /* bytes; longer tokens are cut */
#define NAME_TOKENS_MAX 64
#define NAME_FOLD_MAX 101 /* bytes (with the NUL) of a folded name in the duplicate check */

typedef struct {
    size_t n;
    char tok[NAME_TOKENS_MAX][NAME_TOKEN_MAX + 1];
} name_tokens;

/* Folds `in` into one string without separators ("Mc Donald-Smith" -> "mcdonaldsmith") into out
 * (cap bytes, always terminated). Returns its length. */
size_t name_fold(const char *in, char *out, size_t cap);
/* Appends the tokens of `in` to t (duplicates skipped); with `joined`, also the joined form of a
 * multi-token name. */
void name_tokenize(const char *in, int joined, name_tokens *t);
/* 1 when the query's tokens, taken in order and split into runs of neighbours (each run joined,
 * so "mc donald" can stand for "mcdonald"), can be split so that every run is a prefix of some name
 * token. Runs may match the name's tokens in any order ("smith john" finds "John Smith"). */
int name_match(const name_tokens *query, const name_tokens *name);
/* The same against a name held as tokens separated by `sep` (as the search index stores them). */
int name_match_list(const name_tokens *query, const char *list, size_t len, char sep);
/* The spelling-tolerant fallback: every query token of 4 or more characters is within a small edit
 * distance (1 up to 6 characters, else 2; a swap of neighbours counts as one) of some name token, or
 * begins one; shorter query tokens must begin a name token. */
int name_match_list_fuzzy(const name_tokens *query, const char *list, size_t len, char sep);
/* The word-order-free form of a name for the duplicate check: the tokens of given and family names
 * (not joined), sorted and concatenated ("José García López" and "Lopez Garcia, Jose" both give
 * "garciajoselopez") into out (cap bytes, always terminated). Returns its length. */
size_t name_sorted_key(const char *given, const char *family, char *out, size_t cap);
/* Levenshtein distance between two folded strings, capped at `cap`+1 (for the duplicate check). */
int name_distance(const char *a, const char *b, int cap);

/* Normalises a Home Office reference for its index and its search (upper case; letters, digits, '/' and
 * '-' kept, others dropped) into out (cap bytes, always terminated). */
void case_horef_norm(const char *in, char *out, size_t cap);

#endif
