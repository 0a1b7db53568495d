/*
 * cross_site.h - refusing what another web site can make a visitor's browser send.
 *
 * Every state-changing request (POST, PUT, PATCH, DELETE), sign-in included, passes two checks in
 * the router before anything else happens:
 *
 * - Where it comes from: a `Sec-Fetch-Site` other than `same-origin` or `none`, or an `Origin` that
 *   is neither the request's own (the scheme and Host that nginx passes on) nor CONNECT_PUBLIC_URL's
 *   origin, answers 403 `cross_site`. A request with neither header is let through: curl and
 *   scripts send neither and hold no cookie of a victim's, and every browser that sends cookies
 *   without Fetch Metadata still has to pass the X-Requested-With rule (session.c), which a page on
 *   another site cannot meet without a CORS preflight that Connect never grants.
 * - What its body is: a body must be declared as the route's type, else 415
 *   `unsupported_media_type` naming it. The JSON routes take `application/json` (parameters such as
 *   `charset=utf-8` allowed); the CSV uploads `text/csv`; a document upload any type (its type is
 *   read from its bytes). None of the types an HTML form or a "simple" cross-site fetch can send
 *   passes a JSON or CSV route. A request without a body (no Content-Length, or 0) may leave
 *   Content-Type out, so logout, unlock and the like need no made-up body; a declared type is still
 *   checked.
 */
#ifndef CONNECT_CROSS_SITE_H
#define CONNECT_CROSS_SITE_H

#include "http.h"

typedef enum {
    BODY_JSON,  /* application/json */
    BODY_CSV,   /* text/csv */
    BODY_BYTES, /* a file typed by its content: any declared type */
} body_kind;

/* 0 when the request may go on; otherwise answers 403 cross_site or 415 unsupported_media_type and
 * returns -1. GET, HEAD and OPTIONS always pass. */
int cross_site_check(http_req *r, body_kind body);

/* 1 when a Content-Type value names media type `type` (case-insensitive, parameters ignored). */
int cross_site_media_type_is(const char *content_type, const char *type);

#endif
