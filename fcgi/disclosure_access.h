/*
 * disclosure_access.h - what the disclosure handlers share (fcgi/API.md "Disclosure requests"):
 * who may see a request, loading it for a change, the DISCLOSURE shape, the audit events and the
 * emails that name the request number only.
 *
 * Who sees what (deny by default):
 *  - only users of the Home Office and of partner departments take part; anyone else is 403;
 *  - a request is known to its two organisations only (anyone else: 404, audited);
 *  - in the requesting organisation: the requester, the users marked "may countersign" and the
 *    admins; in the providing organisation: every user, and only once the request has been sent
 *    (a draft, or one waiting for its countersignature, does not exist for the provider).
 */
#ifndef CONNECT_DISCLOSURE_ACCESS_H
#define CONNECT_DISCLOSURE_ACCESS_H

#include "http.h"

#define DISCLOSURE_MARKING "OFFICIAL-SENSITIVE"
/* A handler's refusal inside a write: the status, code, field and message to answer. */
#define DISCLOSURE_REFUSED (-40100)

/* 1 when the caller's organisation takes part in disclosure requests; else answers 403 and returns 0. */
int disclosure_caller_ok(http_req *r);
/* 1 when the caller may see the request rec (rules above). */
int disclosure_visible(const http_req *r, const json_t *rec);
/* 1 when the caller is in the requesting organisation (the receiver of what is disclosed). */
int disclosure_is_requester_side(const http_req *r, const json_t *rec);

/* In a write: the request *old as stored and a copy *neu to change (both new references, NULL on
 * failure); MDB_NOTFOUND when the caller may not see it (disclosure_visible). */
int disclosure_load(store *s, MDB_txn *txn, const http_req *r, uint64_t id, json_t **old, json_t **neu);

/* The DISCLOSURE shape for the caller (new reference; NULL when out of memory). today: UK date. */
json_t *disclosure_view(store *s, MDB_txn *txn, const http_req *r, const json_t *rec, const char *today);
/* A list item (no subject details beyond the name, no disclosed content). */
json_t *disclosure_summary(store *s, MDB_txn *txn, const http_req *r, const json_t *rec, const char *today);
/* "due_today", "overdue" or NULL for a request waiting for the provider. */
const char *disclosure_due_state(const json_t *rec, const char *today);

/* The home page's disclosure counters for the caller (a new object): "incoming" (waiting for the
 * caller's organisation's decision), "due_today", "overdue" (of those), "awaiting_countersign" (that
 * the caller may countersign), "sent_back" (the caller's own, returned by the countersigner) and
 * "held" (disclosed data the caller's organisation keeps). A walk over the organisation's requests. */
int disclosure_home_counts(store *s, MDB_txn *txn, const http_req *r, const char *today, json_t **out);

/* Appends the audit event {"at","actor","org","action","target":id,"case"?} in the caller's write,
 * filed under the case when the request names one (so it is in the person's subject access trail). */
int disclosure_audit(store *s, MDB_txn *txn, const http_req *r, const char *at, const char *action, const json_t *rec);
/* Queues a read event (viewed, downloaded) the same way, outside any transaction. */
void disclosure_audit_read(const http_req *r, const char *action, const json_t *rec, json_t *extra);

/* Emails, through the outbox, every user of org (admins_only: its admins; countersigners: those
 * marked "may countersign"; user: that one user, when uid is not 0) that the request `what`.
 * The subject and body carry the marking and the request number only. */
typedef enum { NOTIFY_ADMINS, NOTIFY_COUNTERSIGNERS, NOTIFY_USER } notify_who;
int disclosure_notify(store *s, MDB_txn *txn, const json_t *rec, notify_who who, uint64_t org, uint64_t uid,
                      const char *what, int64_t now);

/* A write refused: sets the answer and returns DISCLOSURE_REFUSED. */
typedef struct {
    int status;
    const char *code, *field, *message;
} disclosure_refusal;
int disclosure_refuse(disclosure_refusal *f, int status, const char *code, const char *field, const char *message);
/* Answers rc of a write on request `id`: the refusal, 404 (audited) or the store's error. */
void disclosure_answer_error(http_req *r, int rc, const disclosure_refusal *f, uint64_t id);

#endif
