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
 * Durability (group commit)
 *  - store_write() returns 0 only once the write is on disk: a `kill -9`, a crash of the system or a
 *    power cut after the answer loses nothing acknowledged. Writes that run at the same time share
 *    their transactions and their syncs:
 *  - Batches. The calls of store_write() in one process that arrive while a write transaction is
 *    running queue up; when it ends, one of the queued threads (the leader) takes LMDB's write lock
 *    (waiting meanwhile for other processes' commits) and then runs every callback queued by that
 *    moment in ONE write transaction, each in its own nested transaction (so a callback that fails
 *    undoes only its own writes and gets its own return code), and commits it once. A callback may
 *    run on another thread than its caller's (the caller waits meanwhile), so it must not depend on
 *    thread-local state. A map that fills up redoes the whole batch; callbacks whose writes do not fit
 *    one transaction together (MDB_TXN_FULL) are run one by one.
 *  - Syncs. The environment is opened with MDB_NOMETASYNC: a commit fdatasyncs its pages before it
 *    writes the meta page that points at them, but does not sync that meta page. So a crash can at
 *    worst lose the newest commit, never corrupt the file, and every commit but the newest is durable
 *    (the next commit's fdatasync carried its meta page, whichever process made it). Once its batch
 *    is committed, the leader wakes the next batch's leader and then calls mdb_env_sync() for that
 *    meta page (while the next batch runs: it also writes what that batch has written so far), and
 *    only then wakes its batch's callers: each batch costs two fdatasyncs, the commit's and this one. (Until 2026-12-07 a write waited
 *    instead for the next batch's commit to carry its meta page, up to 2 ms: one fdatasync less, but
 *    every write waited for two batches and its waiters polled; RTPF look-ups ran 12-20% faster
 *    without it.) When that sync fails (EIO), the write is committed but not known to be on disk:
 *    store_write() returns STORE_UNSYNCED, and the write is then like one whose answer was lost (it
 *    may or may not be there after a power cut). A write whose callbacks changed nothing waits for the
 *    transaction it read to be on disk.
 *  - Readers may see a write in the few milliseconds between its commit and its sync (before its
 *    author has the answer). Nothing acknowledged can depend on it without it: a later write is
 *    durable only once its own commit is, and that makes every earlier commit durable too.
 *  - Why not MDB_NOSYNC (commits never fsync, one shared sync later): it is faster, but LMDB then
 *    writes meta pages before the pages they point at are on disk and reuses pages of the last
 *    durable state, so a power cut while writes are running can leave a file that does not open --
 *    losing everything acknowledged before. MDB_NOMETASYNC keeps LMDB's on-disk ordering; batching
 *    recovers the throughput (two fdatasyncs carry a whole batch).
 *  - Every opener gets this from store_write() alone: connectctl's one-shot commands, the daemons,
 *    the tests. store_open() syncs its own commit. Compaction (store_compact.h) fsyncs its copy.
 *  - Test hook: when $CONNECT_TEST_CRASH_AFTER_COMMIT names a file and that file exists, the next
 *    store_write() that commits deletes it and kills its process (SIGKILL) after the commit and
 *    before the sync and the answer (tests/http/group-commit.test.mjs). Never set in production.
 *
 * Return codes: 0 on success; MDB_NOTFOUND when a record does not exist; STORE_EXISTS when a unique key
 * is taken; STORE_CORRUPT when a stored record does not parse; STORE_NOMEM; STORE_UNSYNCED (store_write:
 * committed, not known to be on disk); any other LMDB code as is.
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
/* store_write only: the write was committed (readers see it) but syncing it failed, so it may or may
 * not survive a power cut ("Durability" above). Not "nothing changed": not to be retried blindly. */
#define STORE_UNSYNCED (-40005)

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
    DB_THROTTLE,      /* HMAC of a folded user name -> sign-in failures and throttle (store_throttle.h) */
    DB_THROTTLE_AGE,  /* u64 expiry | name HMAC -> empty (forgetting old throttle records) */
    DB_AUDIT_CASE,    /* case id | ~time | ~seq -> empty (the audit events naming a case, newest first) */
    DB_AUDIT_USER,    /* actor user id | ~time | ~seq -> empty */
    DB_AUDIT_TYPE,    /* action (zero-padded to 40) | ~time | ~seq -> empty */
    DB_AUDIT_SCOPE,   /* 'o' org id | 'h' 0 | 'n' 0 | ~time | ~seq -> empty (who may read the event; store_audit.h) */
    DB_DESTRUCTIONS,  /* u64 destruction id -> destruction record JSON, no personal data (store_retention.h) */
    DB_HOLDS,         /* u64 case id -> legal hold JSON {"reason","by","at"} (store_retention.h) */
    DB_SCRUB,         /* u64 -> one page of zeros; empty between scrubs (store_scrub.h) */
    DB_TRANSFERS,     /* u64 transfer id -> transfer JSON (store_transfer.h) */
    DB_TRANSFER_INDEX, /* 'o' org id | ~transfer id, 'c' case id | ~transfer id -> empty (store_transfer.h) */
    DB_DISCLOSURES,   /* u64 request id -> disclosure request JSON (store_disclosure.h) */
    DB_DISCLOSURE_INDEX, /* 'o' org id | ~id, 'k' keep-until day | id -> empty (store_disclosure.h) */
    DB_DISCLOSURE_FILES, /* request id | u64 n -> attachment bytes (store_disclosure.h) */
    DB_DISCLOSURE_PAIRS, /* requesting org id | providing org id -> agreement JSON (store_disclosure.h) */
    DB_NINO_BATCHES,  /* u64 batch id -> NINo batch JSON (store_nino.h) */
    DB_NINO_INDEX,    /* 'o' | batch id (awaiting results), 'k' | batch id (data still kept) -> empty (store_nino.h) */
    DB_NINO_QUEUE,    /* u64 sequence -> a person granted leave, waiting for the next cut (store_nino.h) */
    DB_NINO_CLOSURES, /* org id | YYYY-MM-DD -> office closure day JSON (store_nino.h) */
    DB_PERF,          /* 'D'/'M' scope | day/month -> tallies, 'S' council | month -> spans (store_perf.h) */
    DB_AUDIT_CASE_RUNS, /* run id | case id | ~time | ~seq -> empty (DB_AUDIT_CASE entries of a batch, not yet swept in; store_audit.h) */
    DB_COUNT
} store_db;

typedef struct store store;

/* Options for store_open; zero means the default. */
typedef struct {
    size_t map_size;        /* initial map size in bytes (default 256 MiB, or $CONNECT_MAPSIZE) */
    unsigned max_readers;   /* default 1024 */
} store_options;

/* Open (creating if needed) the store in directory `dir`, which must exist. Checks or writes the schema
 * version, opens every named database in one committed transaction and clears stale reader slots.
 * The layouts derived from the records are not upgraded here: the opener runs store_upgrade()
 * (store_upgrade.h) next. */
int store_open(store **out, const char *dir, const store_options *opts);
void store_close(store *s);

/* Hot, compacted copy of the environment into the existing empty directory `dest` (one read
 * transaction: every write committed before it began). Safe beside other threads of the process. */
int store_backup(store *s, const char *dest);

/* Clears reader slots left by dead processes; returns how many were cleared (or <0 on error). */
int store_reader_check(store *s);

/* The current map size in bytes (for tests and `connectctl check`). */
size_t store_map_size(store *s);

/* The environment's size and use, for the metrics (h_metrics.c). */
typedef struct {
    size_t map_bytes;       /* the map size */
    size_t page_bytes;      /* LMDB's page size */
    size_t used_pages;      /* pages in use up to the last one written (the file's high-water mark) */
    unsigned readers_used;  /* reader slots taken (live or left by dead processes) */
    unsigned readers_max;
} store_env_stats;
int store_env_stats_get(store *s, store_env_stats *out);

/* Entries of one database, in the caller's transaction. */
int store_entries(store *s, MDB_txn *txn, store_db db, size_t *out);

/* Read transactions. */
int store_read_begin(store *s, MDB_txn **txn);
void store_read_end(store *s, MDB_txn *txn);
/* Names the snapshot that txn, this thread's read transaction from store_read_begin, sees: two with
 * the same *gen and *id see the same data, so a cache of what was made from stored bytes can skip
 * reading and comparing them again within one (a page of 50 alerts asks for the calendar 50 times).
 * 0, or -1 for any other transaction: a write transaction can change what it reads. */
int store_read_snapshot(const store *s, MDB_txn *txn, uint64_t *gen, uint64_t *id);

/* Run fn inside a write transaction and commit; fn returns 0 to commit, anything else to abort (that
 * value is returned). See the contract above for MAP_FULL retries. */
typedef int (*store_write_fn)(store *s, MDB_txn *txn, void *ctx);
int store_write(store *s, store_write_fn fn, void *ctx);

/* What the group commit did in this process since the store was opened (tests and benchmarks):
 * writes = store_write calls run, batches = write transactions they took, syncs = the extra
 * fdatasyncs made for them (see "Durability" above). */
typedef struct {
    uint64_t writes, batches, syncs;
} store_commit_stats;
void store_commit_stats_get(store *s, store_commit_stats *out);

/* A day ("YYYY-MM-DD") kept in the meta table under `key`, for jobs that run once per UK day; out is
 * "" when none is recorded yet. */
int store_meta_day(store *s, MDB_txn *txn, const char *key, char out[11]);
/* An upgrade step's mark in the meta table: *done 1 once store_meta_mark(key) was written (both in
 * the step's own write transaction, so a step runs whole or again). */
int store_meta_marked(store *s, MDB_txn *txn, const char *key, int *done);
int store_meta_mark(store *s, MDB_txn *txn, const char *key);
int store_meta_day_set(store *s, MDB_txn *txn, const char *key, const char *day);

/* Next value of the named sequence (1, 2, 3 ...), inside a write transaction. */
int store_seq_next(store *s, MDB_txn *txn, const char *name, uint64_t *out);

/* JSON records: get parses into a new reference (caller json_decref), put serialises compactly. */
int store_json_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, json_t **out);
/* The same record with only the named top-level members ("#name" counts an array's elements,
 * "parent.child" takes a few members of an object member; json_members.h), for the many reads that
 * need a few: parsing a whole record is most of what a list row or an index entry costs. names NULL:
 * the whole record, as store_json_get (for a walk whose caller may want either). */
int store_json_get_members(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen,
                           const char *const *names, json_t **out);
/* A record's stored bytes, unparsed: *data points into the map and stays valid until txn ends (for a
 * cache keyed by what is stored, fcgi/record_cache.h). 0, or MDB_NOTFOUND / an LMDB error. */
int store_bytes_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, const void **data,
                    size_t *len);
int store_json_put(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, const json_t *val);
/* As store_json_put, for a key known to sort after every key of db (a new id from store_seq_next):
 * MDB_APPEND fills the last page before starting another, where an ordinary put splits it in half,
 * so a table written in id order is stored in about half the pages. Falls back to an ordinary put
 * when the key is not the last. */
int store_json_append(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, const json_t *val);

/* Rows stored under owner (u64) | sequence (u64) -> JSON (history, look-ups): newest first, only
 * sequences < before (0: from the newest), at most limit; each row gets its "seq". *total counts all
 * of the owner's rows, *next is the cursor of the next page (0: none). */
int store_rows_newest(store *s, MDB_txn *txn, store_db db, uint64_t owner, uint64_t before, size_t limit,
                      json_t **items, uint64_t *next, size_t *total);

/* Lists newest first: index entries kind | owner (u64) | ~id (u64), 17 bytes, empty values (the
 * transfers and disclosure requests of an organisation). put adds one; page reads the owner's ids
 * < before (0: from the newest), at most limit, into ids[0..*n), *next the cursor of the next page
 * (0: none). */
int store_owner_index_put(store *s, MDB_txn *txn, store_db db, char kind, uint64_t owner, uint64_t id);
int store_owner_index_page(store *s, MDB_txn *txn, store_db db, char kind, uint64_t owner, uint64_t before,
                           size_t limit, uint64_t *ids, size_t *n, uint64_t *next);

/* Plain key -> u64 values (indexes). */
int store_u64_get(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, uint64_t *out);
int store_u64_put(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen, uint64_t val, unsigned flags);
int store_del(store *s, MDB_txn *txn, store_db db, const void *key, size_t klen);

/* ---- walks: the entries of one database whose keys start with a prefix ----
 *
 * Every list, search, count and report is such a walk, in key order (or its reverse). A walk is a
 * store_iter on the caller's stack: it allocates nothing, and costs one cursor step and one prefix
 * comparison per entry. The pattern:
 *
 *     store_iter it;
 *     store_iter_begin(&it, s, txn, DB_CASE_WORK, prefix, sizeof prefix);
 *     int rc = 0;
 *     while (store_iter_next(&it)) {
 *         ... read it.key and it.val ...
 *         if (enough)
 *             break;                      stopping early is not an error
 *         if ((rc = some_call()))
 *             break;                      the caller's own error
 *     }
 *     rc = store_iter_end(&it, rc);
 *
 * Which entries. store_iter_begin: those whose key starts with the prefix[prefix_len] (prefix_len 0:
 * every entry), in ascending key order. store_iter_begin_at: the same, but from the first key >= start;
 * start must sort at or after the prefix (normally: the prefix followed by a few more bytes); with
 * prefix_len 0 that is "every key from start on". store_iter_begin_reverse: the entries with the
 * prefix in descending key order, from the last one.
 *
 * What the loop sees. After store_iter_next returns 1, it.key and it.val are the current entry; the
 * next step overwrites them. The bytes they point to are LMDB's, inside the map: read-only, and
 * valid (LMDB's rule) until the next write in the same transaction (store_iter_del included) or the
 * end of the transaction, whichever comes first; copy what must live longer. The walk keeps pointers
 * to the caller's prefix and start bytes, which must stay unchanged until store_iter_end.
 *
 * Return values. store_iter_begin* never fail by themselves: an error (a cursor that cannot be
 * opened) makes the first store_iter_next return 0 and is reported by store_iter_end.
 * store_iter_next returns 1 with the next entry, or 0 when there is none: the walk left the prefix or
 * reached the end of the database (LMDB's MDB_NOTFOUND, which is not an error), or a cursor step
 * failed. store_iter_end closes the cursor and returns: `rc` when it is non-zero (so a loop that
 * broke on its own error passes it through), else the LMDB error that stopped the walk, else 0. Call
 * it exactly once for every begin, whether the loop ran to the end or broke early.
 *
 * Deleting while walking. store_iter_del deletes the current entry (write transactions only) and
 * returns 0 or LMDB's error (EINVAL when there is no current entry); the next store_iter_next moves
 * to the entry that followed it. Any other write to the walked database during the walk invalidates
 * it: collect the keys first and write after store_iter_end. Writes to other databases are fine.
 */
typedef struct {
    MDB_val key, val; /* the current entry (see above) */
    /* The walk's own state: do not touch. */
    MDB_cursor *cur;
    const void *prefix, *start;
    size_t prefix_len, start_len;
    int reverse;
    int state;
    int rc; /* the error that stopped the walk, 0 when none */
    size_t walked;                     /* entries so far (a long walk asks for readahead) */
    const char *hinted_lo, *hinted_hi; /* the part of the map last asked for */
} store_iter;

/* Ascending, every key starting with prefix (prefix_len 0: every key). */
void store_iter_begin(store_iter *it, store *s, MDB_txn *txn, store_db db, const void *prefix, size_t prefix_len);
/* Ascending from the first key >= start (start sorts at or after the prefix), while keys have the prefix. */
void store_iter_begin_at(store_iter *it, store *s, MDB_txn *txn, store_db db, const void *prefix,
                         size_t prefix_len, const void *start, size_t start_len);
/* Descending from the last key with the prefix (a prefix longer than 511 bytes: MDB_BAD_VALSIZE). */
void store_iter_begin_reverse(store_iter *it, store *s, MDB_txn *txn, store_db db, const void *prefix,
                              size_t prefix_len);
/* 1: it.key and it.val hold the next entry. 0: no more (the end, or an error for store_iter_end). */
int store_iter_next(store_iter *it);
/* Deletes the current entry; the walk goes on with the one after it. */
int store_iter_del(store_iter *it);
/* Closes the walk: rc if non-zero, else the walk's LMDB error, else 0 (MDB_NOTFOUND is never returned). */
int store_iter_end(store_iter *it, int rc);

/* Big-endian u64 key helpers. */
/* Inline: an index walk decodes a key per entry (a name search tens of thousands), and a call into
 * store.c for each cost more than the decoding. Compilers make each a load or store and a byte swap. */
static inline void store_key_u64(unsigned char out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}
static inline uint64_t store_u64_from(const unsigned char in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | in[i];
    return v;
}

/* Every record of a JSON database, in key order: fn gets each parsed record (borrowed: valid during the
 * call only) and ctx; a non-zero return stops the walk and is returned. STORE_CORRUPT when a record
 * does not parse. For checks, rebuilds, upgrades and the few reports that must see every record of a
 * small table (the SLA report's NINo batches); nothing that answers an ordinary request calls it. */
typedef int (*store_json_fn)(const json_t *rec, void *ctx);
int store_json_each(store *s, MDB_txn *txn, store_db db, store_json_fn fn, void *ctx);

/* 1 when the file system holding the store has (almost) no space left. LMDB reports a commit cut short
 * by a full disk as EIO ("short write") rather than ENOSPC: this tells the two apart. */
int store_disk_full(store *s);
/* A sentence for a store return code (ours or LMDB's), for logs and the command line. */
const char *store_strerror(int rc);

#endif
