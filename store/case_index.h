/*
 * case_index.h - the index entries of one case record (private to store_case*.c).
 *
 * Every entry's value starts with the case's filter tuple:
 *   [0] status code  [1] legislation code  [2..9] caseworker id (BE)  [10] team length n  [11..] team
 * Name and date-of-birth entries add 0x1e and the person's folded name tokens separated by 0x1f
 * (date-of-birth entries: folded given names 0x1f folded family name), so searches never need to read
 * the case records they reject (the duplicate check reads those of people born on the same day whose
 * folded names differ, for the words in another order).
 */
#ifndef CONNECT_CASE_INDEX_H
#define CONNECT_CASE_INDEX_H

#include "store.h"

#define CASE_VALUE_MAX 400 /* bytes of a facet value (team: 100 characters of UTF-8) */
#define CASE_TUPLE_MAX (11 + CASE_VALUE_MAX)

typedef struct {
    int status, legislation;
    uint64_t caseworker;
    const char *team; /* points into the value; not terminated */
    size_t team_len;
    const char *rest; /* after 0x1e, or NULL */
    size_t rest_len;
} case_tuple;

/* Adds (add=1) or removes (add=0) every index entry and counter of the record. */
int case_index_apply(store *s, MDB_txn *txn, const json_t *rec, int add);
/* Replaces the entries and counters of old with those of rec (the same case, edited), writing only
 * what differs: the same end as removing old's and adding rec's, but an edit of fields no index
 * holds (an address, a note) writes none. Removing and adding every entry made each of their pages
 * dirty, a page of every index for each edit, all copied and synced at commit. *writes (may be NULL)
 * is the number of entries and counters written or removed. */
int case_index_replace(store *s, MDB_txn *txn, const json_t *old, const json_t *rec, size_t *writes);

/* Where counter changes go: the store (case_count_delta with a case_count_db) or, for a recount, the
 * caller's tally. delta is +1 or -1. */
typedef int (*case_count_sink)(void *ctx, const unsigned char *key, size_t klen, int delta);
typedef struct {
    store *s;
    MDB_txn *txn;
} case_count_db;
int case_count_delta(void *ctx, const unsigned char *key, size_t klen, int delta);
/* Hands every counter of the record (delta +1) to sink, writing nothing (connectctl check). */
int case_index_count(const json_t *rec, case_count_sink sink, void *ctx);
/* DB_CASE_COUNT key; returns its length. value may be NULL. */
size_t case_count_key(unsigned char *out, uint64_t scope, char facet, const char *value);
/* DB_CASE_FACET key prefix (scope | facet | value | 0); returns its length. */
size_t case_facet_prefix(unsigned char *out, uint64_t scope, char facet, const char *value);
/* The filter tuple of a record into out (CASE_TUPLE_MAX bytes); returns its length. */
size_t case_tuple_of(const json_t *rec, unsigned char *out);
/* Parses an entry value; -1 when malformed. */
int case_tuple_parse(const void *data, size_t len, case_tuple *t);

#endif
