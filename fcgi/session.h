/*
 * session.h - who is asking: token from the Authorization header or the cookie, verified, then the
 * session, user and organisation read from the store on every request (never trusted from the token).
 *
 * Lifetimes: a token lives SESSION_IDLE seconds; a token older than SESSION_RENEW_AFTER that is used
 * successfully is replaced (cookie + X-Connect-Token header), never past the session's absolute end
 * (SESSION_ABSOLUTE after sign-in).
 */
#ifndef CONNECT_SESSION_H
#define CONNECT_SESSION_H

#include "http.h"

#define SESSION_IDLE (30 * 60)
#define SESSION_ABSOLUTE (8 * 60 * 60)
#define SESSION_RENEW_AFTER (5 * 60)
/* The cookie: `connect_session` (Path=/api; Secure when nginx holds TLS), or, when CONNECT_PUBLIC_URL
 * is https, `__Host-connect_session` (Secure, Path=/, no Domain: the browser then refuses it from any
 * other host or from plain http, so a neighbouring site cannot plant one). Only the mode's name is
 * read. */
#define SESSION_COOKIE "connect_session"
#define SESSION_COOKIE_HOST "__Host-connect_session"

/* Flags for session_authenticate. */
#define SESSION_ALLOW_SETUP 1 /* answer even while the user has setup to finish (session_setup_pending) */

/* The setup a signed-in user must finish before anything else opens, in order: a password someone
 * else chose or one too easy to guess (403 password_change_required), then a second factor the policy
 * requires (403 mfa_enrolment_required). Returns 1 with the error code and message of the first one
 * pending, 0 when there is none. Routes marked setup-ok in the router (sign-out, GET /api/me, the
 * password change and enrolment) stay open meanwhile; a new condition belongs here. */
int session_setup_pending(const json_t *user, const char **code, const char **message);

/* Fills r->user, r->org, r->uid ...; answers 401/403 and returns -1 when the request may not go on. */
int session_authenticate(http_req *r, unsigned flags);
/* Signs a token for the session and sets the cookie; *token_out (malloc'd) and *exp_out if non-NULL. */
int session_issue(http_req *r, uint64_t uid, const unsigned char sid[16], int64_t abs_expiry, char **token_out,
                  int64_t *exp_out);
/* Expires the cookie in the browser. */
void session_clear_cookie(http_req *r);

/* 1 while an account the Network created or reset (its "owner_setup" mark, fcgi/h_users.c) still waits
 * for its owner's own password or, unless CONNECT_MFA=off, second factor: until then it opens only
 * the routes that set those up. */
int session_owner_setup_pending(const json_t *user);

#endif
