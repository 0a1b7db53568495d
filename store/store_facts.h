/*
 * store_facts.h - the compact rows that reports read instead of case, alert and query records.
 *
 * A report over 200,000 cases cannot afford to parse 200,000 JSON records, and its memory must not
 * grow with its rows. So every write of a case, alert or query also rewrites, in the same
 * transaction, a few fixed-layout rows derived from the record alone (no clock, no calendar):
 *
 *   DB_CASE_FACTS  council id (BE) | case id (BE) -> case facts (below)
 *   DB_SLA         answered day (BE, offset) | kind 'a'/'q' | item id (BE) | n (BE16) -> SLA row
 *
 * Case facts are keyed by council so that one council's report is a range scan and the Home
 * Office's is the whole table, both in Connect ID order. SLA rows are keyed by the day the item was
 * answered, so a date range is a range scan. The reports read both through the walks below
 * (store_facts_cases_each, store_facts_sla_each), which hand them decoded rows. Values are in host
 * byte order (the store never leaves its machine); their layout is versioned by the DB_META key
 * "facts_version": store_upgrade() rebuilds both tables from the records when it is missing or older
 * (store_facts_rebuild), in one write.
 *
 * Days are calendar_day() numbers (days since 1970-01-01, UK dates); FACTS_NO_DAY means none.
 */
#ifndef CONNECT_STORE_FACTS_H
#define CONNECT_STORE_FACTS_H

#include <jansson.h>
#include <stdio.h>
#include <stdint.h>

#include "store.h"

/* 2: weekly amounts "not recorded" kept apart from 0; status_at_referral backfilled from history.
 * 3: the earlier closures of a reopened case (its "previous_closures"), so that each closure counts in
 *    its own period; the upgrade's rebuild backfills them from every case record.
 * 4: the dependants' children and partners (FACTS_HAS_PEOPLE), for the national report; the rebuild
 *    backfills them for every row a record gives (the anonymous rows of destroyed cases keep none). */
#define FACTS_VERSION "4"
/* A case closed and reopened more often than this keeps its latest FACTS_PAST_MAX earlier closures in
 * the row (the count is one byte); no real case comes near it. */
#define FACTS_PAST_MAX 255
#define FACTS_NO_DAY INT32_MIN

/* One case, decoded from its row. Strings point into the row (valid while the transaction lives) and
 * are not terminated. Enumerations are case_enums.h codes (position + 1, 0 none), except status and
 * legislation, which are store_case.h codes. */
typedef struct {
    uint64_t case_id, council_id, caseworker_id;
    int32_t referral_day;  /* case_referral_date: the imported referral date, else UK date of created_at */
    int32_t support_start, support_end, closure_day;
    uint32_t weekly_subsistence, weekly_accommodation; /* pence */
    uint8_t status, legislation, household, source, accommodation, closure_reason, imm_now, imm_at_referral;
    int8_t recourse; /* -1 unknown, 0 no, 1 yes */
    uint8_t dependants; /* capped at 255 */
    uint16_t n_costs;
    const unsigned char *costs; /* n_costs × (int32 day or FACTS_NO_DAY when undated, uint32 pence),
                                   unaligned: use store_facts_cost */
    uint8_t n_past;             /* earlier closures (reopened since), oldest first */
    const unsigned char *past; /* n_past × (int32 closure day, int32 UK day reopened, uint8 reason code),
                                  unaligned: use store_facts_past_closure */
    const char *team, *nationality;
    uint16_t team_len, nationality_len;
    uint8_t flags; /* FACTS_HAS_*: which weekly amounts are recorded (an absent one counts as 0) */
    /* The part of the case's life that belongs to this row's council (store_facts_owns): from
     * transfer_in (the day a transfer to it was accepted; FACTS_NO_DAY: since referral) to the day
     * before transfer_out (the day a transfer away was accepted; FACTS_NO_DAY: still its case). */
    int32_t transfer_in, transfer_out;
    /* Support as this council had it: store_facts_cases_each cuts support_start/support_end to the
     * row's days (no support in them: both FACTS_NO_DAY); support_cut says the end was cut there, so
     * support did not end but moved council. */
    uint8_t support_cut;
    /* Of the dependants: children (child, stepchild) and partners (spouse, partner); both 0 in a row
     * without FACTS_HAS_PEOPLE (written before version 4 and kept: a destroyed case's). */
    uint8_t children, partners;
} case_facts;

#define FACTS_HAS_SUBSISTENCE 1
#define FACTS_HAS_ACCOMMODATION 2
/* The row ends with the int32 transfer_in day (the record's "transferred_in_on"). A flag, not a new
 * layout, so that rows written before transfers existed stay valid without a rebuild. */
#define FACTS_TRANSFERRED_IN 4
/* The row is the frozen copy of a case that moved to another council (below), and ends (after the
 * transfer_in day, if any) with the int32 transfer_out day. */
#define FACTS_TRANSFERRED_OUT 8
/* The row ends (after its transfer days) with two bytes: the dependants' children and partners. A flag,
 * so that the anonymous rows of cases destroyed before version 4, which no rebuild can touch, stay valid. */
#define FACTS_HAS_PEOPLE 16

/* ---- cases transferred to another council ----
 * Accepting a transfer moves the case's row to the receiving council and, in the same write, keeps a
 * FROZEN copy under the sending council, keyed council | (FACTS_TRANSFERRED | transfer id): the facts
 * of the case as they were when the transfer was accepted (kept in the transfer record as
 * "facts_at_transfer", store_facts_snapshot, so that a rebuild and `connectctl check` derive the row
 * from a record) with transfer_out = the UK day of acceptance. The transfer day belongs to the
 * receiver: the sender's reports count the days before it, the receiver's from it on. */
#define FACTS_TRANSFERRED (UINT64_C(1) << 62)
/* The fields of a case record its facts row reads (a new object; NULL when out of memory): a case
 * record minus the people's names, addresses and documents. encode(snapshot) == encode(record). */
json_t *store_facts_snapshot(const json_t *rec);
/* Writes the frozen row of an accepted transfer record (no "facts_at_transfer": none, 0). */
int store_facts_transfer_put(store *s, MDB_txn *txn, const json_t *transfer);
/* 1 when `day` is in the part of the case's life that belongs to f's council (see transfer_in). An
 * undated cost belongs to the council that has the case now (a frozen row never counts one). */
int store_facts_owns(const case_facts *f, int32_t day);

/* The i-th other cost of f. */
void store_facts_cost(const case_facts *f, unsigned i, int32_t *day, uint32_t *pence);
/* The i-th earlier closure of f: its closure day, the day it was reopened (FACTS_NO_DAY when the
 * record does not say) and its reason (case_enums.h code, 0 none). */
void store_facts_past_closure(const case_facts *f, unsigned i, int32_t *closed, int32_t *reopened, uint8_t *reason);
/* 1 when f was closed on `day`: its closure is on or before it, or an earlier closure was on or before
 * it and the case was reopened after it. */
int store_facts_closed_on(const case_facts *f, int32_t day);

/* Rewrites the facts row of a case record (old NULL: a new case). Called by store_case_create/put. */
int store_facts_case_put(store *s, MDB_txn *txn, const json_t *old, const json_t *rec);

/* Calls fn with every case's facts of a council (0: every council), in council then Connect ID
 * order. f and the strings it points to are valid during the call only. fn returns 0 to go on;
 * anything else stops the walk and is returned. STORE_CORRUPT for a malformed row. */
typedef int (*store_facts_case_fn)(const case_facts *f, void *ctx);
int store_facts_cases_each(store *s, MDB_txn *txn, uint64_t council, store_facts_case_fn fn, void *ctx);

/* SLA item types, in the report's order. */
enum { SLA_NEW_CASE = 1, SLA_COUNCIL_UPDATE, SLA_CASE_CLOSED, SLA_FINAL_OUTCOME, SLA_QUERY, SLA_URGENT_QUERY };
#define SLA_TYPES 6
extern const char *const store_facts_sla_type_names[SLA_TYPES + 1]; /* [0] unused */

/* One answered item. */
typedef struct {
    int32_t raised_day, answered_day;
    uint64_t council_id;
    uint8_t type;        /* SLA_* */
    char answered_by;    /* 'h' Home Office, 'c' council */
    uint16_t allowed;    /* working days allowed */
} sla_row;

/* Calls fn with every item answered from from_day to to_day (both included; FACTS_NO_DAY as from_day:
 * from the earliest), in the order of the day answered, then kind, item and message. fn returns 0 to
 * go on; anything else stops the walk and is returned. STORE_CORRUPT for a malformed row. */
typedef int (*store_facts_sla_fn)(const sla_row *r, void *ctx);
int store_facts_sla_each(store *s, MDB_txn *txn, int32_t from_day, int32_t to_day, store_facts_sla_fn fn,
                         void *ctx);

/* Rewrites the SLA rows of an alert or query (old NULL: a new item). Called by store_work_create/put. */
int store_facts_sla_put(store *s, MDB_txn *txn, char kind, const json_t *old, const json_t *rec);

/* Deletes every row a record gives and derives them again from every case, alert and query, and the
 * frozen rows from every accepted transfer; the anonymous rows of destroyed cases (which no record
 * gives) stay as they are. Sets facts_version.
 * *cases and *items (may be NULL) get the numbers of records read. */
int store_facts_rebuild(store *s, MDB_txn *txn, size_t *cases, size_t *items);
/* Derives every row from the records and compares it with the stored one, inside a read transaction
 * (connectctl check): one line per difference to report (may be NULL); *rows is how many rows the
 * records give, *differences how many are missing, differ or have no record. */
int store_facts_verify(store *s, MDB_txn *txn, FILE *report, size_t *rows, size_t *differences);
/* ---- destroyed cases (store_retention.h) ----
 * A destroyed case's facts row stays for the reports' past periods as an ANONYMOUS row: keyed
 * council | (FACTS_ANONYMOUS | destruction id) instead of council | case id, with case id 0, no
 * caseworker and no nationality; its dates, amounts, codes, team and number of dependants stay. Its
 * alerts' and queries' SLA rows likewise move to kind 'x' | destruction id | n, holding no item id.
 * Nothing in either row leads back to the case. */
#define FACTS_ANONYMOUS (UINT64_C(1) << 63)
#define SLA_ANONYMOUS 'x'
/* Replaces the facts row of case rec by its anonymous row. */
int store_facts_case_anonymise(store *s, MDB_txn *txn, const json_t *rec, uint64_t destruction_id);
/* A destroyed case's FROZEN rows (one per accepted transfer out, under each sender) become anonymous
 * the same way, keyed sender | (FACTS_ANONYMOUS | FACTS_TRANSFERRED | destruction id << 16 | n), n
 * numbering the case's transfers: no transfer id, which would lead back to the case. */
#define FACTS_ANONYMOUS_FROZEN_IDS (UINT64_C(1) << 46)
/* Replaces the frozen row of an accepted transfer record (none: nothing to do) by its anonymous row n. */
int store_facts_transfer_anonymise(store *s, MDB_txn *txn, const json_t *transfer, uint64_t destruction_id,
                                   unsigned n);
/* Replaces the SLA rows of an item by anonymous ones, numbered from *n on (*n advances). */
int store_facts_sla_anonymise(store *s, MDB_txn *txn, char kind, const json_t *item, uint64_t destruction_id,
                              unsigned *n);

/* Rebuilds when facts_version is missing or not FACTS_VERSION (a step of store_upgrade.c). */
int store_facts_migrate(store *s, MDB_txn *txn);

#endif
