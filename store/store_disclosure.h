/*
 * store_disclosure.h - disclosure requests between agencies (the DWP–Home Office agreement): the
 * records, their two indexes, the disclosed attachments and the agreement of each pair of
 * organisations. The rules of who may do what live in fcgi/ (h_disclosure*.c) and the pure ones in
 * disclosure_rules.h; this file only keeps the records consistent with their indexes.
 *
 * Record (DB_DISCLOSURES, key u64 id):
 *   {"id","number":"DR-<id>","status","requesting_org_id","providing_org_id","requester_id",
 *    "requester_grade","created_at","case_id"?,"subject":{…},"information_sought","legal_basis",
 *    "prejudice_statement"?,"reasons","other_enquiries","submitted_at"?,"countersigned_at"?,
 *    "countersigned_by"?,"countersigner_grade"?,"sent_back"?:{"at","by","reason"},"sent_on"?,"due"?,
 *    "due_days"?,"decisions":[{"outcome","at","on","by","grade","reasons"?,"message"?,"attachments"?,
 *    "review":bool}],"review"?:{"at","by","information"},"pending_attachments":[ATT],"keep_until"?,
 *    "max_keep_until"?,"destruction"?:{"at","by"|null,"run","attachments"},
 *    "surplus_confirmation"?:{"at","by","note"},"onward":[{"at","by","to","reason"}]}
 * ATT = {"n","filename","content_type","size","sha256"}; the bytes are in DB_DISCLOSURE_FILES under
 * id | n. Statuses: draft, awaiting_countersign, sent_back, sent, returned, refused, disclosed,
 * review_requested, destroyed (fcgi/API.md "Disclosure requests").
 *
 * Indexes (DB_DISCLOSURE_INDEX): 'o' | org | ~id for both organisations of a request (their lists,
 * newest first; the organisations of a request never change), and 'k' | keep-until day (10 bytes) |
 * id for each disclosed request whose data is still kept, so the daily destruction reads only what
 * is due. Agreements (DB_DISCLOSURE_PAIRS, requesting | providing org id): {"days","max_keep_days"};
 * a pair with none has the defaults below.
 */
#ifndef CONNECT_STORE_DISCLOSURE_H
#define CONNECT_STORE_DISCLOSURE_H

#include "store.h"

#define DISCLOSURE_DEFAULT_DAYS 20          /* working days for the provider's answer */
#define DISCLOSURE_DEFAULT_MAX_KEEP_DAYS 365 /* calendar days the receiver may keep disclosed data */
#define DISCLOSURE_ATTACHMENTS_MAX 10
#define DISCLOSURE_ATTACHMENT_MAX_BYTES (10 * 1024 * 1024)

/* Stores a new request (id and number assigned into rec and *id) and its 'o' entries. */
int store_disclosure_create(store *s, MDB_txn *txn, json_t *rec, uint64_t *id);
int store_disclosure_get(store *s, MDB_txn *txn, uint64_t id, json_t **out);
/* Rewrites a request (same id and organisations), moving its 'k' entry from old's keep-until to
 * neu's (none while not disclosed or once destroyed). */
int store_disclosure_put(store *s, MDB_txn *txn, const json_t *old, const json_t *neu);
/* The requests naming org, newest first, ids < before (0: from the newest): ids[0..*n) (room for
 * limit), *next the cursor of the next page (0: none). */
int store_disclosure_of_org(store *s, MDB_txn *txn, uint64_t org, uint64_t before, size_t limit, uint64_t *ids,
                            size_t *n, uint64_t *next);
/* Every request naming org, newest first: fn gets each record (borrowed, valid during the call) and
 * ctx; a non-zero return stops the walk and is returned. For an organisation's counters, list and
 * monthly report: it reads that organisation's requests (a few thousand a year), nobody else's. */
typedef int (*disclosure_fn)(const json_t *rec, void *ctx);
int store_disclosure_each_of_org(store *s, MDB_txn *txn, uint64_t org, disclosure_fn fn, void *ctx);
/* The same with only the named top-level members of each record (NULL-terminated, as
 * store_json_get_members): for counters that read a few members of every request, not its decisions
 * and attachments. */
int store_disclosure_each_of_org_members(store *s, MDB_txn *txn, uint64_t org, const char *const *names,
                                         disclosure_fn fn, void *ctx);
/* Up to cap ids of requests whose keep-until day is on or before today, oldest day first. */
int store_disclosure_keep_due(store *s, MDB_txn *txn, const char *today, uint64_t *ids, size_t cap, size_t *n);

/* Attachment bytes. */
int store_disclosure_file_put(store *s, MDB_txn *txn, uint64_t id, uint64_t n, const void *data, size_t len);
/* Points *data into the transaction (valid until it ends or writes). */
int store_disclosure_file_get(store *s, MDB_txn *txn, uint64_t id, uint64_t n, const void **data, size_t *len);

/* The destruction of the disclosed data of rec (modified in place, then stored with
 * store_disclosure_put): every attachment's bytes, the decisions' messages and attachment names go;
 * the request keeps its organisations, dates, outcomes and a destruction record
 * {"at","by"(0: the daily run),"run":"manual"|"daily","attachments":n}. */
int store_disclosure_destroy_data(store *s, MDB_txn *txn, json_t *rec, const char *at, uint64_t by, const char *run);
/* The daily run: destroys, each in its own write, every request whose keep-until has passed
 * (keep_until < today), audited "disclosure_data_destroyed" with no actor; *n counts them. When it
 * destroyed any it then scrubs the free pages (store_scrub.h), as the destruction of cases does, so
 * the disclosed data leaves the live file: no other thread of the process may use the store. */
int store_disclosure_expire(store *s, const char *today, const char *at, size_t *n);

/* The agreement of a pair: *days (working days to answer) and *max_keep_days; the defaults when none. */
int store_disclosure_pair_get(store *s, MDB_txn *txn, uint64_t requesting, uint64_t providing, int *days,
                              int *max_keep_days);
int store_disclosure_pair_set(store *s, MDB_txn *txn, uint64_t requesting, uint64_t providing, int days,
                              int max_keep_days);

#endif
