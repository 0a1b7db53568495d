/*
 * access_refusal.h - answering a refused access, and keeping it as evidence.
 *
 * Another organisation's record answers 404 `not_found`, exactly as a record that does not exist
 * (the caller learns nothing about other organisations); a role that may not do something answers
 * 403 `forbidden`. Either way the refusal is a security event in the audit chain, `access_refused`,
 * naming the user, their organisation, the route, the kind of record and its id (never personal
 * data), folded per user and kind so that a prober cannot flood the log (audit_queue_refusal).
 * A 404 for an id that does not exist at all is audited the same way: to the caller it is the same
 * answer, and asking for ids one does not know is what probing looks like.
 */
#ifndef CONNECT_ACCESS_REFUSAL_H
#define CONNECT_ACCESS_REFUSAL_H

#include "http.h"

/* Answers 404 not_found with message and field (may be NULL) and records the refusal of record
 * `target` of `kind` ("case", "document", "alert", "query", "user", "organisation", "council"). */
void access_not_found(http_req *r, const char *kind, uint64_t target, const char *message, const char *field);
/* Answers 403 forbidden and records the refusal (kind "role", target the route's first id). */
void access_forbidden(http_req *r, const char *message, const char *field);

#endif
