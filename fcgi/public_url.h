/*
 * public_url.h - CONNECT_PUBLIC_URL, the address people use to reach Connect (emails link to it).
 *
 * Read once from connectd's environment at start-up. Two things follow from it besides the email
 * links: its origin (scheme://host[:port]) counts as Connect's own when a browser's Origin header is
 * checked (cross_site.h), and when it is https the session cookie is `__Host-connect_session` with
 * `Secure` and `Path=/` (session.h), whether TLS ends in our nginx or in a proxy in front of it.
 */
#ifndef CONNECT_PUBLIC_URL_H
#define CONNECT_PUBLIC_URL_H

#include <stddef.h>

/* Reads CONNECT_PUBLIC_URL. 0 when it is unset, empty or a valid http(s) URL; -1 when it is
 * something else (the caller refuses to start: the email links would be broken too). */
int public_url_init(void);
/* The public URL's origin, lower case, without a default port ("https://connect.example.org");
 * "" when CONNECT_PUBLIC_URL is unset. */
const char *public_url_origin(void);
/* The public URL as configured, without a trailing slash, for links in emails; the development
 * address http://127.0.0.1:8080 when it is unset (or public_url_init was not called). */
const char *public_url_base(void);
/* 1 when the public URL is https. */
int public_url_is_https(void);

/* Writes scheme://host[:port] of an absolute http(s) URL into out, lower case and without the
 * scheme's default port; -1 when url is not one (or out is too small). Shared with the Origin check. */
int public_url_origin_of(const char *url, char *out, size_t cap);

#endif
