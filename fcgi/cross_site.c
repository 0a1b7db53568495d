/* cross_site.c - the Origin / Sec-Fetch-Site check and the declared body type (cross_site.h). */
#include "cross_site.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "public_url.h"

static const char *param(const http_req *r, const char *name)
{
    const char *v = r->fx ? FCGX_GetParam(name, r->fx->envp) : NULL;
    return v ? v : "";
}

int cross_site_media_type_is(const char *content_type, const char *type)
{
    const char *p = content_type;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(type);
    if (strncasecmp(p, type, n) != 0)
        return 0;
    p += n;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '\0' || *p == ';';
}

/* This request's own origin as the browser addressed it: nginx passes CONNECT_REQUEST_ORIGIN
 * ($scheme://$http_host, nginx/fastcgi.conf; Debian's fastcgi_params cut the port off HTTP_HOST). Without
 * it, HTTP_HOST plus SERVER_PORT when HTTP_HOST has no port. -1 when there is none to be had. */
static int own_origin(const http_req *r, char *out, size_t cap)
{
    char url[300];
    const char *given = param(r, "CONNECT_REQUEST_ORIGIN"), *host = param(r, "HTTP_HOST");
    int n;
    if (*given) {
        n = snprintf(url, sizeof url, "%s", given);
    } else {
        const char *colon = strrchr(host, ':'), *bracket = strrchr(host, ']'), *port = param(r, "SERVER_PORT");
        int has_port = colon && (!bracket || colon > bracket);
        n = snprintf(url, sizeof url, "%s://%s%s%s", r->https ? "https" : "http", host, has_port || !*port ? "" : ":",
                     has_port ? "" : port);
        if (!*host)
            return -1;
    }
    if (n < 0 || (size_t)n >= sizeof url)
        return -1;
    return public_url_origin_of(url, out, cap);
}

/* Whether the Origin header names Connect itself: this request's own origin, or the public URL's
 * (TLS ended in a proxy in front of nginx). "null" and anything that is not an http(s) origin are
 * another site. */
static int origin_is_ours(const http_req *r, const char *origin)
{
    char theirs[300], ours[300];
    if (public_url_origin_of(origin, theirs, sizeof theirs))
        return 0;
    const char *public_origin = public_url_origin();
    if (*public_origin && strcmp(theirs, public_origin) == 0)
        return 1;
    return own_origin(r, ours, sizeof ours) == 0 && strcmp(theirs, ours) == 0;
}

static int safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

int cross_site_check(http_req *r, body_kind body)
{
    if (safe_method(r->method))
        return 0;
    const char *site = param(r, "HTTP_SEC_FETCH_SITE"), *origin = param(r, "HTTP_ORIGIN");
    if ((*site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) ||
        (*origin && !origin_is_ours(r, origin))) {
        http_error(r, 403, "cross_site", "This request came from another web site and was refused.", NULL);
        return -1;
    }
    const char *length = param(r, "CONTENT_LENGTH");
    int has_body = *length && strspn(length, "0") != strlen(length);
    if (body == BODY_BYTES || (!*r->content_type && !has_body))
        return 0;
    const char *type = body == BODY_CSV ? "text/csv" : "application/json";
    if (cross_site_media_type_is(r->content_type, type))
        return 0;
    char message[160];
    snprintf(message, sizeof message, "Send the body as %s, with the header Content-Type: %s.", type, type);
    http_error(r, 415, "unsupported_media_type", message, NULL);
    return -1;
}
