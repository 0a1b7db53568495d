/*
 * store.h - the Connect store: one LMDB environment with named databases.
 *
 * Every record is a JSON object (jansson) stored under a fixed-width big-endian key, so cursor order
 * is id order. Index databases map composite keys to ids; nothing that answers a request scans a
 * whole record database.
 *
 * Concurrency contract
 *  - Open the store in each process after fork(), never before, and once per process.
 *  - A thread holds at most one transaction at a time (LMDB's rule).
 *  - Reads: store_read_begin() ... store_read_end(). Writes: store_write(), which runs a callback
 *    inside a write transaction and commits it. Write callbacks must be short: parse input, validate
 *    and hash passwords BEFORE calling store_write().
 *  - The map grows by itself: a write that hits MDB_MAP_FULL is aborted, the map is doubled and the
 *    callback is run again from the start (so a callback must only touch the transaction and its own
 *    context, and must reset any output it sets). Other processes pick the new size up through
 *    MDB_MAP_RESIZED. A process-wide read/write lock keeps transactions out while the size changes.
 *
 * Return codes: 0 on success; MDB_NOTFOUND when a record does not exist; STORE_EXISTS when a unique key
 * is taken; STORE_CORRUPT when a stored record does not parse; STORE_NOMEM; any other LMDB code as is.
 * store_http_status() maps them to an HTTP status.
 */
#ifndef CONNECT_STORE_H
#define CONNECT_STORE_H

#include <lmdb.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION 1

/* Our own codes live below LMDB's range (MDB_KEYEXIST is -30799 and the others are near it). */
#define STORE_EXISTS  (-40001)
#define STORE_CORRUPT (-40002)
#define STORE_NOMEM   (-40003)
#define STORE_SCHEMA  (-40004)

/* The named databases. Keys are described beside each. */
typedef enum {
    DB_META,          /* text key -> text or u64: "schema_version", "seq:<name>" */
    DB_ORGS,          /* u64 org id -> ORG JSON */
    DB_ORG_CODE,      /* upper-case code -> u64 org id */
    DB_USERS,         /* u64 user id -> user JSON (including password hash) */
    DB_USER_NAME,     /* lower-case user name -> u64 user id (live users only) */
    DB_ORG_USERS,     /* u64 org id | user name -> u64 user id (live users only; list order) */
    DB_SESSIONS,      /* 16-byte session id -> session JSON {uid, start, abs} */
    DB_USER_SESSIONS, /* u64 user id | 16-byte session id -> empty */
    DB_AUDIT,         /* u64 sequence -> audit event JSON (append-only, hash-chained) */
    DB_CASES,         /* u64 case id -> case JSON (store_case.h) */
    DB_CASE_NAME,     /* scope | name token | 0 | case id | person -> filter tuple + tokens */
    DB_CASE_DOB,      /* scope | YYYYMMDD | case id | person -> filter tuple + tokens */
    DB_CASE_HOREF,    /* scope | HO reference | 0 | case id | person -> filter tuple */
    DB_CASE_FACET,    /* scope | facet | value | 0 | ~case id -> filter tuple (lists, newest first) */
    DB_CASE_COUNT,    /* scope | facet | value -> u64 count (totals and home-page counters) */
    DB_CASE_HISTORY,  /* case id | u64 sequence -> history row JSON */
    DB_DOCS,          /* u64 document id -> file bytes */
    DB_ALERTS,        /* u64 alert id -> alert JSON (store_work.h) */
    DB_QUERIES,       /* u64 query id -> query JSON (store_work.h) */
    DB_CASE_WORK,     /* case id | kind 'a'/'q' | u64 item id -> empty (a case's alerts and queries) */
    DB_WORK_OPEN,     /* scope | side | bucket | u64 item id -> caseworker (u64) | due (10 bytes or none) */
    DB_OUTBOX,        /* u64 message id -> email JSON (store_outbox.h) */
    DB_REGISTER,      /* document type code | normalised number -> register record (store_register.h) */
    DB_LOOKUPS,       /* org id | u64 sequence -> look-up audit row (store_lookup.h) */
    DB_USER_LOOKUPS,  /* user id | u64 time | u64 sequence -> empty (the per-user hourly limit) */
    DB_CASE_FACTS,    /* council id | case id -> a case's facts for reports (store_facts.h) */
    DB_SLA,           /* answered day | kind | item id | n -> an answered alert or query (store_facts.h) */
    DB_COUNT
} store_db;

typedef struct store store;

/* Options for store_open; zero means the default. */
typedef struct {
    size_t map_size;        /* initial map size in bytes (default 256 MiB, or $CONNECT_MAPSIZE) */
    unsigned max_readers;   /* default 1024 */
} store_options;

/* Open (creating if needed) the store in directory `dir`, which must exist. Checks or writes the schema
 * version, opens every named database in one committed transaction and clears stale reader slots. */
int store_open(store **out, const char *dir, const store_options *opts);
void store_close(store *s);

/* Hot, compacted copy of the environment into the existing empty directory `dest`. */
int store_backup(store *s, const char *dest);

/* Clears reader slots left by dead processes; returns how many were cleared (or <0 on error). */
int store_reader_check(store *s);

/* The current map size in bytes (for tests and `connectctl check`). */
size_t store_map_size(store *s);

MDB_dbi store_dbi(store *s, store_db db);

/* Read transactions. */
int store_read_begin(store *s, MDB_txn **txn);
void store_read_end(store *s, MDB_txn *txn);

/* Run fn inside a write transaction and commit; fn returns 0 to commit, anything else to abort (that
 * value is returned). See the contract above for MAP_FULL retries. */
typedef int (*store_write_fn)(store *s, MDB_txn *txn, void *ctx);
int store_write(store *s, store_write_fn fn, void *ctx);

/* Next value of the named sequence (1, 2, 3 ...), inside a write transaction. */
int store_seq_next(store *s, MDB_txn *txn, const char *name, uint64_t *out);

/* JSON records: get parses into a new reference (caller json_decref), put serialises compactly. */
int store_json_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, json_t **out);
int store_json_put(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, const json_t *val);

/* Rows stored under owner (u64) | sequence (u64) -> JSON (history, look-ups): newest first, only
 * sequences < before (0: from the newest), at most limit; each row gets its "seq". *total counts all
 * of the owner's rows, *next is the cursor of the next page (0: none). */
int store_rows_newest(store *s, MDB_txn *txn, store_db db, uint64_t owner, uint64_t before, size_t limit,
                      json_t **items, uint64_t *next, size_t *total);

/* Plain key -> u64 values (indexes). */
int store_u64_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, uint64_t *out);
int store_u64_put(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, uint64_t val, unsigned flags);
int store_del(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen);

/* Big-endian u64 key helpers. */
void store_key_u64(unsigned char out[8], uint64_t v);
uint64_t store_u64_from(const unsigned char in[8]);

/* HTTP status for a store return code: 404 for MDB_NOTFOUND, 409 for STORE_EXISTS, 503 for too many
 * readers, 507 for a full disk (ENOSPC, EDQUOT, or MDB_MAP_FULL when the map could not grow), 500
 * otherwise. */
int store_http_status(int rc);
const char *store_strerror(int rc);

#endif
