/* public_url.c - CONNECT_PUBLIC_URL's origin and scheme, read once at start-up. */
#include "public_url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char origin[256];
static int https;

int public_url_origin_of(const char *url, char *out, size_t cap)
{
    const char *scheme;
    size_t skip;
    if (strncasecmp(url, "https://", 8) == 0)
        scheme = "https", skip = 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        scheme = "http", skip = 7;
    else
        return -1;
    const char *host = url + skip;
    size_t n = strcspn(host, "/?#");
    if (n == 0 || memchr(host, '@', n)) /* no credentials in an origin */
        return -1;
    const char *default_port = strcmp(scheme, "https") == 0 ? ":443" : ":80";
    size_t dlen = strlen(default_port);
    /* An IPv6 literal ends in ']', so a port is only a ':' after the last ']'. */
    if (n > dlen && strncmp(host + n - dlen, default_port, dlen) == 0 && host[n - dlen - 1] != ':')
        n -= dlen;
    if (host[n - 1] == ':') /* an empty port, as in "http://h:" */
        n--;
    if (n == 0)
        return -1;
    int len = snprintf(out, cap, "%s://%.*s", scheme, (int)n, host);
    if (len < 0 || (size_t)len >= cap)
        return -1;
    for (char *p = out; *p; p++) {
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return -1;
        *p = (char)tolower((unsigned char)*p);
    }
    return 0;
}

static char base[1024]; /* the URL as configured, without a trailing slash; "" when unset */

int public_url_init(void)
{
    origin[0] = base[0] = '\0';
    https = 0;
    const char *v = getenv("CONNECT_PUBLIC_URL");
    if (!v || !*v)
        return 0;
    size_t n = strlen(v);
    if (public_url_origin_of(v, origin, sizeof origin) || n >= sizeof base) {
        origin[0] = '\0';
        return -1;
    }
    memcpy(base, v, n + 1);
    while (n > 0 && base[n - 1] == '/')
        base[--n] = '\0';
    https = strncmp(origin, "https://", 8) == 0;
    return 0;
}

const char *public_url_origin(void) { return origin; }

const char *public_url_base(void) { return base[0] ? base : "http://127.0.0.1:8080"; }

int public_url_is_https(void) { return https; }
