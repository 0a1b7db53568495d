/*
 * case_access.h - who may see or change a case: the caller's role for the kind of access, and the
 * caller's organisation for the case record (a council sees its own cases, the Home Office every
 * council's, the Network none).
 */
#ifndef CONNECT_CASE_ACCESS_H
#define CONNECT_CASE_ACCESS_H

#include "http.h"

typedef enum { CASE_READ, CASE_WRITE, CASE_IMMIGRATION } case_access;

/* 0 when the caller's organisation kind may have this access to cases; otherwise answers 403 and
 * returns -1. */
int case_access_refused(http_req *r, case_access a);
/* 1 when the caller's organisation may see this case record. */
int case_in_scope(const http_req *r, const json_t *rec);
/* The same rule for readers that match a stored council id: 0 for any council (the Home Office), the
 * caller's council, or UINT64_MAX (no case) for any other organisation. */
uint64_t case_scope_council(const http_req *r);
/* Opens a read transaction and loads a case the caller may read (role already checked). Answers
 * 404 / 5xx itself and returns -1; on 0 the caller owns *rec and ends *txn with store_read_end. */
int case_read_begin(http_req *r, uint64_t id, MDB_txn **txn, json_t **rec);

#endif
