/*
 * case_view_text.h - CASE (fcgi/API.md), the view of one case, written as JSON text from the stored
 * record instead of through jansson.
 *
 * Parsing a whole record, reshaping it and printing it again was most of what a case fetch cost.
 * Here each stored member is copied as it is written, and only what the view changes is produced:
 * the members a stored object leaves out put back as null, user ids turned into {"id","name"}
 * (ref_text.h), the Connect ID, the council and the retention dates. The result is byte for byte
 * case_view_take()'s printed answer (tests/unit/test_case_text.c compares the two on
 * generated and hand-made records); a record the scan cannot read, or of a shape it does not
 * expect, goes through case_view_take() instead.
 */
#ifndef CONNECT_CASE_VIEW_TEXT_H
#define CONNECT_CASE_VIEW_TEXT_H

#include "json_text.h"
#include "store.h"

/* Appends case id's view to out. With council non-zero, a case of another council is MDB_NOTFOUND
 * (as is a case that does not exist). 0, MDB_NOTFOUND, another store error, or STORE_NOMEM. */
int case_view_text(store *s, MDB_txn *txn, uint64_t id, uint64_t council, json_text *out);

#endif
