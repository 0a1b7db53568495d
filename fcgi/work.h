/*
 * work.h - alerts and queries in the request layer: the trigger table of fcgi/API.md, due dates in
 * UK working days, the caseworker's email, and the ALERT / QUERY shapes.
 *
 * Everything here runs inside the caller's write (or read) transaction, so an alert, its counters,
 * its email and the change that raised it commit together or not at all. Functions return a store
 * code (0 on success) and may run again from the start when store_write retries.
 */
#ifndef CONNECT_WORK_H
#define CONNECT_WORK_H

#include "calendar.h"
#include "http.h"
#include "store_work.h"

typedef struct {
    store *s;
    MDB_txn *txn;
    int64_t now;
    const char *at;    /* now, ISO 8601 */
    char today[11];    /* the UK date now */
    uint64_t uid;      /* who acts */
    char side;         /* WORK_SIDE_HO or WORK_SIDE_COUNCIL */
    json_t *raised;    /* the last alert raised (borrowed from nowhere: owned here; work_ctx_done frees) */
} work_ctx;

void work_ctx_init(work_ctx *w, const http_req *r, store *s, MDB_txn *txn, const char *at);
/* Connect itself acting (the daily support-end check): no user, no request. */
void work_ctx_system(work_ctx *w, store *s, MDB_txn *txn, int64_t now, const char *at);
void work_ctx_done(work_ctx *w);
/* Side of the caller's organisation: 'h', 'c', or 0 (the Network). */
char work_side_of(const http_req *r);
const char *work_side_name(char side);

/* The calendar of the store (England and Wales), parsed once per thread and re-read only when the
 * stored text changes; work_calendar_of: a division's. */
int work_calendar(store *s, MDB_txn *txn, const calendar **out);
int work_calendar_of(store *s, MDB_txn *txn, calendar_division division, const calendar **out);
/* Sets an item's due date: `days` working days after `from` (due, due_from, due_days, due_beyond),
 * counted in the calendar of the side that must act (a council's nation for the council's side). */
int work_set_due(store *s, MDB_txn *txn, json_t *item, const char *from, int days);

/* The trigger table. */
int work_case_created(work_ctx *w, const json_t *rec);
/* After a change of a case by the caller (action: the audit action of the change). */
int work_case_changed(work_ctx *w, const char *action, const json_t *old, const json_t *rec);
/* Raises the case's support_ended alert unless one is open (the daily check, fcgi/support_check.c). */
int work_support_ended(work_ctx *w, const json_t *rec);
/* The system message that closes a case's open queries when the case closes. */
#define WORK_CLOSED_QUERY_TEXT "The case was closed, so this query was closed too. Reopen the case to raise a new one."
/* Raises an alert on the case (fields and outcome stolen, may be NULL); due_days < 0: no due date. */
int work_raise(work_ctx *w, const json_t *case_rec, const char *type, json_t *fields, json_t *outcome,
               const char *due_from, int due_days);
/* Clears every open alert of a type on the case. */
int work_clear(work_ctx *w, const json_t *case_rec, const char *type, const char *how);
/* Emails the case's caseworker (if they have an address) that `what` arrived on the case. */
int work_notify(work_ctx *w, const json_t *case_rec, const char *what);

/* A weekly MI report run was recorded (store_mi_run.h): every final outcome alert waiting for a run
 * on or after its decision date gets its due date (7 working days after that run); *updated counts them. */
int work_mi_run_recorded(work_ctx *w, size_t *updated);

/* Working days from the due date to today (1 = due yesterday, a working day); 0 when the calendar
 * cannot say. */
json_int_t work_days_overdue(store *s, MDB_txn *txn, const char *due, const char *today);
/* ALERT and QUERY (fcgi/API.md); with_messages 0 leaves "messages" out (lists). */
json_t *work_alert_view(store *s, MDB_txn *txn, const json_t *alert, const char *today);
json_t *work_query_view(store *s, MDB_txn *txn, const json_t *query, const char *today, int with_messages);

#endif
