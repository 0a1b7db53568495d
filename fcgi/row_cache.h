/*
 * row_cache.h - list rows already written, kept for the read snapshot they were written in.
 *
 * A page of a list (cases by status or date of birth, a name search, the alerts, the overdue
 * queries) is written row by row from the stored records (case_summary_text.h, work_view_text.h),
 * and under load the same rows are written again, request after request, while nothing in the store
 * changes: the first page of overdue queries is the same page for every Home Office reader. A row is
 * a function of the store (the record, its case, the names of users and councils, the calendar) and
 * of the day it is judged against, never of who reads it (the list decides which rows a reader
 * gets). So this thread keeps each row it writes, keyed by the row and the day, while its read
 * transactions see the same commit (store_read_snapshot: no write at all, by any process, since);
 * its first row of a newer snapshot empties it. Rows hold personal data as the answers do, in this
 * thread's memory only: the text of the last snapshot's rows stays there until the thread's next
 * list (as its json_text buffer keeps its last answer).
 *
 * Per thread (no locks); freed when the thread ends. ROW_CACHE_ROWS rows and ROW_CACHE_BYTES of text
 * at most: past them rows are written as before, not kept.
 */
#ifndef CONNECT_ROW_CACHE_H
#define CONNECT_ROW_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "json_text.h"
#include "store.h"

#define ROW_CACHE_ROWS 2048
#define ROW_CACHE_BYTES (2u << 20)

/* Kinds of row: a case summary (case_summary_text), an alert or a query (WORK_ALERT, WORK_QUERY). */
#define ROW_CASE_SUMMARY 'c'

/* 1 when this thread wrote row (kind, id) in txn's snapshot on `day` (NULL: a row that no day
 * changes): its text is appended to out and *extra (may be NULL) set to what row_cache_put kept
 * beside it. 0 otherwise (out untouched), also when txn is not this thread's read transaction. */
int row_cache_get(store *s, MDB_txn *txn, char kind, uint64_t id, const char *day, json_text *out, uint64_t *extra);
/* Keeps out->p[start..out->len) as row (kind, id) of txn's snapshot on `day`, with extra (the case
 * summary's council, which the list's audit event needs). Nothing is kept when out has failed, when
 * txn is not this thread's read transaction or when the cache is full. */
void row_cache_put(store *s, MDB_txn *txn, char kind, uint64_t id, const char *day, const json_text *out,
                   size_t start, uint64_t extra);
/* Forgets this thread's rows (tests). */
void row_cache_clear(void);

#endif
