/*
 * case_summary_text.h - CASE_SUMMARY (fcgi/API.md) written as JSON text straight from a case's stored
 * bytes, for the case lists and searches.
 *
 * A page of 50 summaries through jansson parses 50 records' members, builds 50 objects and prints
 * them again: most of what a list request costs. Here the stored values are copied as they are (the
 * store holds jansson's own compact text, so the answer is byte for byte what case_summary() would
 * print: tests/unit/test_case_text.c compares the two), and only the council and caseworker
 * names come from other records (ref_text.h).
 */
#ifndef CONNECT_CASE_SUMMARY_TEXT_H
#define CONNECT_CASE_SUMMARY_TEXT_H

#include "json_text.h"
#include "store.h"

/* Appends case `id`'s CASE_SUMMARY to out, and its council id to *council (when not NULL; the list's
 * audit event indexes each case under it). 0, MDB_NOTFOUND, another store error, or STORE_NOMEM
 * (also when out has failed). A record the scan cannot read goes through case_summary() instead. */
int case_summary_text(store *s, MDB_txn *txn, uint64_t id, json_text *out, uint64_t *council);

#endif
