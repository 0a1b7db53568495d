/*
 * store_case.h - cases: records, their indexes, history rows and document files.
 *
 * A case record is the JSON the API describes, stored with ids instead of names:
 *   {"id","council_id","status","principal":PERSON,"dependants":[PERSON…],"immigration":{…},
 *    "finance":{…}|null,"closure":{…}|null,"caseworker_id":N|null,"team","legislation",
 *    "household_type","address","la_involvement","documents":[…],"next_person":N,
 *    "created_at","created_by","updated_at","updated_by"}
 *
 * Indexes (store.h lists their keys) are written for two scopes: the case's council and 0 (every
 * council, for the Home Office). Each index entry carries a compact filter tuple (status,
 * legislation, caseworker, team) so a search can filter without reading records. Counts per facet
 * (status, caseworker, team, legislation, all) are kept in DB_CASE_COUNT in the same transaction.
 * store_case_put() rewrites all of a case's index entries from the old and new record, so indexes
 * can never drift from records. Both store the record without null members (store_case_strip_nulls).
 */
#ifndef CONNECT_STORE_CASE_H
#define CONNECT_STORE_CASE_H

#include "store.h"

/* Facets of the list index and the counters. */
#define FACET_ALL 'a'
#define FACET_STATUS 's'
#define FACET_CASEWORKER 'w'
#define FACET_TEAM 't'
#define FACET_LEGISLATION 'l'
/* Home-page facets (counters only unless noted). */
#define FACET_MINE_STATUS 'W'        /* "caseworker:status" */
#define FACET_SUPPORT_START 'F'      /* "YYYY-MM-DD" support start of open cases (also a list) */
#define FACET_MINE_SUPPORT_START 'G' /* "caseworker:YYYY-MM-DD" */
/* The same dates counted by month ("YYYY-MM") and year ("YYYY"), so that a sum over every date up
 * to a day reads at most ~20 years + 11 months + 31 days of keys, however many cases there are. */
#define FACET_SUPPORT_END 'E'        /* "YYYY-MM-DD" support end of open cases, national scope only (a list) */
#define FACET_SUPPORT_START_MONTH 'N'
#define FACET_SUPPORT_START_YEAR 'Y'
#define FACET_MINE_SUPPORT_START_MONTH 'n'
#define FACET_MINE_SUPPORT_START_YEAR 'y'
#define FACET_DUPLICATE 'D' /* cases marked as duplicates, national scope only (a list, for the Network) */
/* Counter only: the name index entries (DB_CASE_NAME) of each folded name token, so that a name search
 * starts from its rarest word and never walks a common name to learn how big it is. */
#define FACET_NAME_TOKEN 'T'

typedef struct {
    char day, month, year;
} dated_facets;

/* The open cases whose support end date is before `today` (the FACET_SUPPORT_END list, walked in date
 * order and left at the first later date: never every case). *ids is malloc'd (NULL when none). */
int store_case_support_ended(store *s, MDB_txn *txn, const char *today, uint64_t **ids, size_t *n);
/* Upgrade step: adds the FACET_SUPPORT_END entries of the open cases of a store written before it
 * existed (meta "support_end_index"); a no-op once done. */
int store_case_support_end_migrate(store *s, MDB_txn *txn);
/* Upgrade step: writes the FACET_NAME_TOKEN counters of a store written before they existed (meta
 * "name_token_counts"), from one walk of the name index; a no-op once done. */
int store_case_name_counts_migrate(store *s, MDB_txn *txn);
#define DATED_SUPPORT_START ((dated_facets){FACET_SUPPORT_START, FACET_SUPPORT_START_MONTH, FACET_SUPPORT_START_YEAR})
#define DATED_MINE_SUPPORT_START                                                                                     \
    ((dated_facets){FACET_MINE_SUPPORT_START, FACET_MINE_SUPPORT_START_MONTH, FACET_MINE_SUPPORT_START_YEAR})

/* The enumerations the store indexes by code (index 0 is "none"). NULL-terminated. */
extern const char *const case_statuses[];     /* open_referral, open_supported, closed */
extern const char *const case_legislations[]; /* care_act_2014, children_act_s17, ... */
int case_enum_code(const char *const *list, const char *value); /* 0 when unknown */

/* Removes members whose value is null, recursively (records are stored without them; the API's
 * views put them back). */
void store_case_strip_nulls(json_t *v);

/* The case's referral date, "YYYY-MM-DD": the referral date its council imported with it when there
 * is one (a case entered in Connect long after the council took it on), else the UK date it was
 * created. Empty string when the record has neither (a corrupt record). Closure refuses a date before
 * it and the reports count the referral on it, so both read it here. */
void case_referral_date(const json_t *rec, char out[11]);

/* The person numbered pid on the case (the principal is 1, dependants 2 on), NULL when none. Borrowed
 * from rec (not const: callers may change the person in place). */
json_t *case_person(const json_t *rec, uint64_t pid);

/* The immigration page of a new case: status unknown, everything else empty (NULL when out of memory). */
json_t *case_empty_immigration(void);

/* Creates the case from `rec` (without "id"; it is assigned and set). */
int store_case_create(store *s, MDB_txn *txn, json_t *rec, uint64_t *id_out);
int store_case_get(store *s, MDB_txn *txn, uint64_t id, json_t **out);
/* The same record with only the named top-level members (json_members.h: "#dependants" counts them),
 * for list rows that need a few: parsing the whole record is most of a row's cost. */
int store_case_get_members(store *s, MDB_txn *txn, uint64_t id, const char *const *names, json_t **out);
/* The case's stored bytes, unparsed (store_bytes_get): for answers written from them as text. A
 * stored record's members come in the order of STORE_CASE_HEAD first (those list rows read: a scan
 * for them stops after them, before the finance, closure, documents and the rest), then the others
 * as the record had them. Records stored before 2026-12-07 may have any order: readers must not rely
 * on it, only gain from it. */
#define STORE_CASE_HEAD                                                                                                \
    "id", "council_id", "status", "caseworker_id", "team", "legislation", "updated_at", "principal", "dependants"
int store_case_bytes(store *s, MDB_txn *txn, uint64_t id, const void **data, size_t *len);
/* Replaces `old` by `rec` (same id), re-indexing. */
int store_case_put(store *s, MDB_txn *txn, const json_t *old, const json_t *rec);

/* Count of a facet value in a scope (0 when none). value NULL for FACET_ALL. */
int store_case_count(store *s, MDB_txn *txn, uint64_t scope, char facet, const char *value, uint64_t *out);

/* Appends one history row {"at","by","field","old","new"} for the case. */
int store_case_history_add(store *s, MDB_txn *txn, uint64_t case_id, json_t *row);
/* Writes a history row for every field that differs between old and new (old NULL: creation). */
int store_case_history_diff(store *s, MDB_txn *txn, uint64_t case_id, const json_t *old, const json_t *rec,
                            const char *at, uint64_t by);
/* History rows, newest first, with sequence < before (0: from the newest); *next = 0 at the end. */
int store_case_history_list(store *s, MDB_txn *txn, uint64_t case_id, uint64_t before, size_t limit, json_t **items,
                            uint64_t *next, size_t *total);

/* Document files. */
int store_doc_put(store *s, MDB_txn *txn, uint64_t doc_id, const void *data, size_t len);
/* Points *data at the bytes inside the transaction (valid until it ends). */
int store_doc_get(store *s, MDB_txn *txn, uint64_t doc_id, const void **data, size_t *len);
int store_doc_del(store *s, MDB_txn *txn, uint64_t doc_id);

/* ---- search ---- */

/* CASEQ_SUPPORTED_SINCE: open cases whose support started on or before `text` (YYYY-MM-DD), longest
 * first; for this kind `before` is an offset into that order and *next the next page's offset. */
typedef enum { CASEQ_ALL, CASEQ_NAME, CASEQ_DOB, CASEQ_HOREF, CASEQ_ID, CASEQ_SUPPORTED_SINCE } caseq_kind;

typedef struct {
    uint64_t scope;         /* council id, or 0 for every council */
    caseq_kind kind;
    const char *text;       /* CASEQ_NAME: the name as typed; CASEQ_HOREF: the normalised reference */
    char dob[9];            /* CASEQ_DOB: YYYYMMDD */
    uint64_t id;            /* CASEQ_ID: the Connect ID's number */
    int status;             /* case_statuses code, 0 any */
    int open_only;          /* 1: open cases only (a referral or supported), whatever `status` */
    int legislation;        /* case_legislations code, 0 any */
    uint64_t caseworker;    /* 0 any */
    const char *team;       /* NULL any */
    uint64_t before;        /* only case ids < before (the cursor); 0 from the newest */
    size_t limit;
} case_query;

/* Cases marked as duplicates (every council), newest first, ids < before (0: from the newest), at
 * most limit: ids[0..*n), *total in all, *next the cursor of the next page (0: none). */
int store_case_duplicates(store *s, MDB_txn *txn, uint64_t before, size_t limit, uint64_t *ids, size_t *n,
                          size_t *total, uint64_t *next);

/* Finds matching case ids, newest first: ids[0..*n) (ids has room for q->limit), *total matches in
 * all, *next the cursor for the next page (0 when none). A name search stops counting once it knows
 * its page and more than CASE_TOTAL_CAP matches: *total is then CASE_TOTAL_CAP + 1 ("more than
 * 1,000"), so a common name is never walked to the end to be counted. */
#define CASE_TOTAL_CAP 1000
int store_case_search(store *s, MDB_txn *txn, const case_query *q, uint64_t *ids, size_t *n, size_t *total,
                      uint64_t *next);

/* Cases of the council, open or closed, with a person born on dob (YYYYMMDD) whose name is similar
 * to given + family (the words in any order, a letter or two apart): up to max (case id, person id)
 * pairs. */
int store_case_similar(store *s, MDB_txn *txn, uint64_t council, const char *dob, const char *given,
                       const char *family, uint64_t *case_ids, unsigned *person_ids, size_t max, size_t *n);

#endif
