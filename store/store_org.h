/*
 * store_org.h - organisations: councils, the Home Office and the Network.
 *
 * ORG record: {"id":N,"kind":"council"|"home_office"|"network"|"partner","name":"…","code":"NFC","created_at":"…"};
 * a partner may have "nino_partner" (bool; true on at most one organisation); a council also has "nation" (store_org_nations; "england" when created or upgraded) and "region"
 * (store_org_regions, absent until the Network sets it). Codes are unique (DB_ORG_CODE). All functions
 * run inside a caller's transaction.
 */
#ifndef CONNECT_STORE_ORG_H
#define CONNECT_STORE_ORG_H

#include <stdio.h>

#include "calendar.h"
#include "store.h"

/* The UK's nations and the regions the NRPF Network reports by: England's nine regions, then one
 * region for each other nation, named as the nation. NULL-terminated. */
extern const char *const store_org_nations[];
extern const char *const store_org_regions[];
/* The nation a region belongs to (NULL: no such region). */
const char *store_org_region_nation(const char *region);
/* Resolves a nation and region as given (either may be NULL, not both) into the pair to store: a region
 * names its nation; a nation other than England is its own region; England without a region leaves
 * it unset (*region NULL). 0, or STORE_ORG_BAD_NATION / _BAD_REGION (unknown) / _MISMATCH (the
 * region is in another nation). */
enum { STORE_ORG_BAD_NATION = 1, STORE_ORG_BAD_REGION, STORE_ORG_MISMATCH };
int store_org_place_resolve(const char *nation_in, const char *region_in, const char **nation, const char **region);
/* The bank holidays a council's side counts: its nation's division (England and Wales when unset). */
calendar_division store_org_division(const json_t *org);

/* Organisation codes: 2-16 letters or digits. Upper-cases `code` in place; 1 when it is then valid. */
int store_org_code_normalise(char *code);

/* Creates an organisation. kind/name/code must already be validated; code upper case.
 * STORE_EXISTS when the code is taken. */
int store_org_create(store *s, MDB_txn *txn, const char *kind, const char *name, const char *code,
                     const char *created_at, uint64_t *id_out);
int store_org_get(store *s, MDB_txn *txn, uint64_t id, json_t **out);
/* Marks (on 1) or unmarks a partner organisation as the NINo partner ("nino_partner": true/false,
 * store_nino.h): its admin may then designate the users who receive the NINo batches. There is at
 * most one: STORE_EXISTS when another organisation holds the mark (clear it first); EINVAL for an
 * organisation that is not a partner; MDB_NOTFOUND for none. *out (may be NULL) gets the record. */
int store_org_set_nino_partner(store *s, MDB_txn *txn, uint64_t id, int on, json_t **out);
/* The organisation marked as the NINo partner (*id 0: none). A walk of the organisations (a few
 * hundred). */
int store_org_nino_partner(store *s, MDB_txn *txn, uint64_t *id);
int store_org_by_code(store *s, MDB_txn *txn, const char *code, uint64_t *id_out);
/* One page of organisations in id order after id `after` (0: from the start), as a new JSON array;
 * *next is the id to continue after (0 when this is the last page); *total counts all. */
int store_org_list(store *s, MDB_txn *txn, uint64_t after, size_t limit, json_t **out, uint64_t *next,
                   size_t *total);

/* Sets a council's nation and region (validated by the caller: region NULL leaves it unset, and a
 * region belongs to the nation). MDB_NOTFOUND: no such organisation; STORE_EXISTS: not a council.
 * *out (may be NULL) gets the updated record. */
int store_org_set_place(store *s, MDB_txn *txn, uint64_t id, const char *nation, const char *region, json_t **out);

/* Upgrade step: every council without a nation gets "england". */
int store_org_nation_migrate(store *s, MDB_txn *txn);
/* connectctl check: one line per council whose region is unset; *count how many. */
int store_org_check_regions(store *s, MDB_txn *txn, FILE *report, size_t *count);

#endif
