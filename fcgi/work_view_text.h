/*
 * work_view_text.h - ALERT and QUERY (fcgi/API.md) as the lists show them (a query without its
 * messages), written as JSON text from the stored item and its case instead of through jansson.
 *
 * The same reasoning as case_view_text.h: stored values are copied as they are, and only what the
 * view computes is produced (names for ids, the Connect ID, overdue and its working days, the
 * principal's name). Byte for byte work_alert_view() / work_query_view() printed
 * (tests/unit/test_case_text.c compares them); an item of another shape (an immigration update's
 * changes, a value of an unexpected type) goes through those instead.
 */
#ifndef CONNECT_WORK_VIEW_TEXT_H
#define CONNECT_WORK_VIEW_TEXT_H

#include "json_text.h"
#include "store.h"

/* Appends the list view of alert (kind WORK_ALERT) or query (WORK_QUERY) id, judged against today
 * (YYYY-MM-DD). 0, MDB_NOTFOUND, another store error, or STORE_NOMEM. */
int work_view_text(store *s, MDB_txn *txn, char kind, uint64_t id, const char *today, json_text *out);

#endif
