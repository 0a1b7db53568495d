/*
 * store_org.h - organisations: councils, the Home Office and the Network.
 *
 * ORG record: {"id":N,"kind":"council"|"home_office"|"network"|"partner","name":"…","code":"NFC","created_at":"…"}.
 * Codes are unique (DB_ORG_CODE). All functions run inside a caller's transaction.
 */
#ifndef CONNECT_STORE_ORG_H
#define CONNECT_STORE_ORG_H

#include "store.h"

/* Organisation codes: 2-16 letters or digits. Upper-cases `code` in place; 1 when it is then valid. */
int store_org_code_normalise(char *code);

/* Creates an organisation. kind/name/code must already be validated; code upper case.
 * STORE_EXISTS when the code is taken. */
int store_org_create(store *s, MDB_txn *txn, const char *kind, const char *name, const char *code,
                     const char *created_at, uint64_t *id_out);
int store_org_get(store *s, MDB_txn *txn, uint64_t id, json_t **out);
/* Marks a partner organisation as the NINo partner ("nino_partner": true, store_nino.h): its admin
 * may then designate the users who receive the NINo batches. EINVAL for another kind. */
int store_org_set_nino_partner(store *s, MDB_txn *txn, uint64_t id);
int store_org_by_code(store *s, MDB_txn *txn, const char *code, uint64_t *id_out);
/* One page of organisations in id order after id `after` (0: from the start), as a new JSON array;
 * *next is the id to continue after (0 when this is the last page); *total counts all. */
int store_org_list(store *s, MDB_txn *txn, uint64_t after, size_t limit, json_t **out, uint64_t *next,
                   size_t *total);

#endif
