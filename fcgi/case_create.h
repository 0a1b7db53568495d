/* case_create.h - what creating a case needs, shared by POST /api/cases and the bulk import. */
#ifndef CONNECT_CASE_CREATE_H
#define CONNECT_CASE_CREATE_H

#include "http.h"

/* Validates a create body (principal, dependants, details, caseworker_id; other members are the
 * caller's business) and builds the record to store for the caller's council, created at `at`.
 * NULL when it answered the error. */
json_t *case_new_record(http_req *r, json_t *body, const char *at);
/* *ok = 1 when uid is a live user of the council. */
int case_caseworker_ok(store *s, MDB_txn *txn, uint64_t uid, uint64_t council, int *ok);
/* Appends to `matches` the council's open cases with someone like `person` (same date of birth, a
 * similar name): {"id","connect_id","name","date_of_birth"}, each case once. */
int case_add_matches(store *s, MDB_txn *txn, const json_t *person, uint64_t council, json_t *matches);

#endif
