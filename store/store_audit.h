/*
 * store_audit.h - the append-only audit log, chained by hash so that tampering shows.
 *
 * Each event is a JSON object the caller builds (at, actor, org, action, target, ...); append adds
 * "seq", "prev" (the previous event's hash, 64 zeros for the first) and "hash" = SHA-256 hex of
 * prev + the event's canonical text: its compact JSON with sorted keys, without "hash". The stored
 * text is that canonical text with "hash" added as its last member (events stored before 2026-12-06
 * have it in sorted place); every reader parses it, and store_audit_verify makes the canonical text
 * again from the parse, so both forms verify. Events hold ids and action names, never passwords,
 * tokens or personal data.
 *
 * "at" is UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.mmmZ), so that an admin can order and match
 * events within a second. Callers take their time once per request, in whole seconds (clock_now());
 * append gives such an "at" its milliseconds from the clock as it writes (store_audit_stamp), when the
 * clock is still within AUDIT_STAMP_LAG_MS of that second. An "at" from further away (an import or a
 * test replaying fixed times) or already in milliseconds is kept as given, and so are the events
 * written before milliseconds: they have whole seconds, and the chain hashes what was stored.
 */
#ifndef CONNECT_STORE_AUDIT_H
#define CONNECT_STORE_AUDIT_H

#include "store.h"

#define AUDIT_AT_SIZE 25          /* "YYYY-MM-DDTHH:MM:SS.mmmZ" and its NUL */
#define AUDIT_STAMP_LAG_MS 60000 /* a request's own second: no request runs a minute (nginx times out first) */

/* "at" for an event timed `at` (seconds) as the clock reads now_ms: the second `at` with the
 * milliseconds of now_ms while now_ms is in that second; .999 once the clock has passed it (the
 * nearest instant the caller's second allows, and never before an earlier event of that second); .000
 * if the clock is behind it. */
void store_audit_stamp(int64_t at, int64_t now_ms, char out[AUDIT_AT_SIZE]);

/* Appends `event` (modified in place: seq, prev and hash are set, and a whole-second "at" of the
 * current second gets its milliseconds, as above). Inside a write transaction. */
int store_audit_append(store *s, MDB_txn *txn, json_t *event);
/* Appends n events in order (each modified like store_audit_append), reading the chain's end and the
 * sequence once: the way to write a batch. Their by-case entries go to one run (below). An event may
 * carry "_councils", an array beside "targets" with each target's council as its reader saw it: the
 * index takes a listed case's council from there instead of reading the case (a page of search
 * results names 50), and the member is removed before the event is hashed and stored. */
int store_audit_append_many(store *s, MDB_txn *txn, json_t *const *events, size_t n);
/* Convenience: appends {"at","actor","org","action","target"} (0 ids are stored as null). */
int store_audit_add(store *s, MDB_txn *txn, const char *at, uint64_t actor, uint64_t org, const char *action,
                    uint64_t target);
/* Recomputes the chain; returns 0 when intact, STORE_CORRUPT and the first bad seq otherwise. */
int store_audit_verify(store *s, MDB_txn *txn, uint64_t *count, uint64_t *bad_seq);
/* The newest `limit` events matching action (NULL: any), newest first, as a new array. */
int store_audit_recent(store *s, MDB_txn *txn, const char *action, size_t limit, json_t **out);

/* ---- reading the log through its indexes (store_audit_index.c) ----
 *
 * Every event is indexed, in the transaction that appends it, under: each case it names (DB_AUDIT_CASE),
 * its actor (DB_AUDIT_USER), its action (DB_AUDIT_TYPE) and each scope that may read it
 * (DB_AUDIT_SCOPE). Index keys end in ~time | ~seq (big-endian, time in seconds from "at"), so a walk
 * in key order is newest first and a period is a range of keys.
 *
 * The cases an event names: its "case" member; else its "target" when the action is a case action (it
 * starts with "case_", is one of alert_accepted and query_*, or is an access_refused of kind "case");
 * else, for cases_listed, each of its "targets".
 * The scopes: 'o' + the actor's organisation ("org") and 'o' + each named case's council (a council
 * admin); 'h' when it names a case or its organisation is a Home Office one (the HO admin); 'n' when it
 * names no case and is an account or organisation event (the Network admin): the actions starting with
 * login, logout, password_, user_, mfa_, account_, network_, org_ or weak_password_. */

#define AUDIT_ACTION_KEY 40 /* bytes of the action in DB_AUDIT_TYPE keys (longer actions share a prefix) */

typedef struct {
    char kind;   /* 'o', 'h' or 'n' */
    uint64_t id; /* the organisation for 'o'; 0 otherwise */
} audit_scope;

/* What a page shows: the events of `scope` matching every given filter, newest first. */
typedef struct {
    audit_scope scope;
    uint64_t case_id, user_id; /* 0: any */
    const char *action;        /* NULL: any */
    int64_t from, to;          /* inclusive, seconds; from 0 / to INT64_MAX: no bound */
    int64_t cursor_at;         /* a page after (cursor_at, cursor_seq); cursor_seq 0: from the newest */
    uint64_t cursor_seq;
    size_t limit;              /* 0: no limit (an export) */
} audit_filter;

/* Called with each event (seq, at, actor, …); a non-zero return stops the walk and is returned. */
typedef int (*audit_event_fn)(const json_t *event, void *ctx);

/* Walks the page: at most f->limit events, through the narrowest index that the filters allow (a case,
 * else a user, else an action, else the scope) and checks the rest on each event. *next_seq (and
 * *next_at) is the cursor of the next page, 0 when no event is left. */
int store_audit_page(store *s, MDB_txn *txn, const audit_filter *f, audit_event_fn fn, void *ctx, int64_t *next_at,
                     uint64_t *next_seq);
/* Every event naming case_id, newest first (the case's disclosure trail, e.g. for subject access). */
int store_audit_case_each(store *s, MDB_txn *txn, uint64_t case_id, int (*fn)(const json_t *event, void *ctx),
                          void *ctx);
/* 1 when the event with this time and seq is readable in scope (one index look-up). */
int store_audit_in_scope(store *s, MDB_txn *txn, const audit_scope *scope, int64_t at, uint64_t seq);
/* The single case an event names (0: none or several), by the rule above. */
uint64_t store_audit_event_case(const json_t *event);
/* "at" (YYYY-MM-DDTHH:MM:SS[.fff]Z) as seconds since the epoch; 0 when absent or malformed. */
int64_t store_audit_event_time(const json_t *event);
/* The same for a text: a time as above, or a date YYYY-MM-DD (its midnight UTC); 0 when malformed. */
int64_t store_audit_parse_time(const char *at);
/* What indexing a run of events looks up more than once (a case's council, whether an organisation is
 * the Home Office), remembered for one run: a page of a list names the same cases event after event.
 * Valid only while nothing writes cases or organisations, i.e. within one store_audit_append_many
 * call or one rebuild; zero it (memset) before the first event. */
#define AUDIT_MEMO_SLOTS 1024
typedef struct {
    struct {
        uint64_t id, value; /* id 0: empty */
    } cases[AUDIT_MEMO_SLOTS], orgs[64];
} audit_index_memo;

/* ---- a batch's by-case entries: runs, swept into DB_AUDIT_CASE (store_audit_runs.c) ----
 *
 * A batch of read events names thousands of scattered cases (a page of search results names 50).
 * Put straight into DB_AUDIT_CASE, whose keys start with the case, a batch of 2,048 such events
 * dirtied most of that table's pages (37,000 of 4 KB at 1M cases), and the audit writer spent its
 * time copying and syncing them while every audited read waited for it. So the by-case entries of a
 * batch (store_audit_append_many) are first written as one run: sorted and appended to
 * DB_AUDIT_CASE_RUNS under run id (the batch's first seq) | case id | ~time | ~seq, a few hundred
 * pages. Each batch then moves one AUDIT_RUN_SWEEP_STEPS-th of the case ids, from every run, into
 * DB_AUDIT_CASE (the sweep; its next case id is DB_META "audit_case_sweep"), so a run is gone
 * within about AUDIT_RUN_SWEEP_STEPS batches, and each page of DB_AUDIT_CASE is written once a sweep
 * rather than once a batch. When the runs hold many entries (after a burst of searches), or the index
 * has grown large, a step takes fewer case ids (AUDIT_RUN_SWEEP_BUDGET, AUDIT_RUN_SWEEP_PAGES), and a
 * sweep more batches. A case's entries
 * are in DB_AUDIT_CASE or in a run, never both, and the readers of a case (store_audit_page,
 * store_audit_case_each) merge the two: two seeks for each run (AUDIT_RUN_SWEEP_STEPS runs, or more
 * while a backlog drains). Single events (store_audit_append) go straight to DB_AUDIT_CASE. */
#define AUDIT_RUN_SWEEP_STEPS 64
/* The entries a sweep step moves (about; fewer ids a step when the runs hold more): twice the
 * batch's own, and at least 16,384, so that the runs shrink and a quiet batch still drains them. */
#define AUDIT_RUN_SWEEP_BUDGET(added) (2 * (added) + 16384)
/* The pages of DB_AUDIT_CASE a step may rewrite (about): a few times the run's own, at least 512. */
#define AUDIT_RUN_SWEEP_PAGES(added) ((added) / 32 + 512)
/* ... but a sweep takes at most this many steps for its pages (the runs a reader of a case seeks
 * stay about this many), unless a backlog of entries narrows the steps further for a while. */
#define AUDIT_RUN_SWEEP_MAX_STEPS 1024
#define AUDIT_CASE_ENTRY 24 /* case id | ~time | ~seq: a DB_AUDIT_CASE key */

/* The keys one index gets from a batch, `len` bytes each (audit_batch). */
typedef struct {
    unsigned char *key;
    size_t n, cap, len;
} audit_key_list;

/* The index entries of one batch, collected as it is indexed (store_audit_index_event). Zero it
 * before use. The by-case entries go to a run (store_audit_run_write); the actor, action and scope
 * keys are written sorted, each index through one cursor (store_audit_keys_write): a batch's keys
 * fall at the front of a few ranges (an actor's, an action's, a council's), and a put of each from
 * the root cost a descent and a search of the dirty pages, a quarter of the audit writer's time
 * under lists naming 37 councils a page. */
typedef struct {
    audit_key_list cases; /* case id | ~time | ~seq, AUDIT_CASE_ENTRY bytes each */
    audit_key_list user, type, scope;
} audit_batch;

void audit_batch_free(audit_batch *batch);
/* Writes the batch's by-case run (sorted, duplicates once) under run_id, which must exceed every
 * earlier run id (the batch's first seq does), then takes the sweep's next step. Inside the batch's
 * write transaction. */
int store_audit_run_write(store *s, MDB_txn *txn, audit_batch *batch, uint64_t run_id);
/* Writes the batch's actor, action and scope keys, each index's sorted (store_audit_index.c). */
int store_audit_keys_write(store *s, MDB_txn *txn, audit_batch *batch);
/* The suffixes (~time | ~seq) of case_id's entries still in runs, from `from` (16 bytes; NULL: all)
 * on, in key order (newest first) as a new array (*out NULL when none; free it). */
int store_audit_run_entries(store *s, MDB_txn *txn, uint64_t case_id, const unsigned char *from,
                            unsigned char (**out)[16], size_t *n);
/* How many case ids a sweep step takes when the highest case id is top, the runs hold `pending`
 * entries, DB_AUDIT_CASE has case_pages leaf pages and the batch added `added`: top /
 * AUDIT_RUN_SWEEP_STEPS + 1, or fewer, so that the slice holds about AUDIT_RUN_SWEEP_PAGES(added)
 * pages at most (but no fewer than top / AUDIT_RUN_SWEEP_MAX_STEPS + 1 ids) and about
 * AUDIT_RUN_SWEEP_BUDGET(added) pending entries; at least 1. */
uint64_t store_audit_sweep_span(uint64_t top, uint64_t pending, uint64_t case_pages, size_t added);
/* How many entries the runs hold (waiting to be swept in), and in how many runs. */
int store_audit_runs_pending(store *s, MDB_txn *txn, size_t *entries, size_t *runs);

/* Remembers case_id's council for the rest of the run, as a "_councils" hint gives it (below). */
void store_audit_memo_case(audit_index_memo *memo, uint64_t case_id, uint64_t council);

/* Indexes one appended event (store_audit_append does this; the upgrade step for old logs too). memo
 * may be NULL (nothing remembered). batch NULL: the entries go straight to their indexes; else they
 * are added to batch, for store_audit_run_write and store_audit_keys_write. */
int store_audit_index_event(store *s, MDB_txn *txn, const json_t *event, uint64_t seq, audit_index_memo *memo,
                            audit_batch *batch);
/* Upgrade step (store_upgrade.c): builds the indexes of a log written before they existed. */
int store_audit_index_migrate(store *s, MDB_txn *txn);

#endif
