/* mail_smtp.c - SMTP delivery over libcurl (see mail_smtp.h). */
#include "mail_smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *p;
    size_t left;
} upload;

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
    upload *u = arg;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;
    memcpy(dst, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

int mail_smtp_send(const char *url, const char *from, const char *to, const char *text, char *err, size_t errcap)
{
    char env_from[300], env_to[300], cerr[CURL_ERROR_SIZE] = "";
    if (snprintf(env_from, sizeof env_from, "<%s>", from) >= (int)sizeof env_from ||
        snprintf(env_to, sizeof env_to, "<%s>", to) >= (int)sizeof env_to) {
        snprintf(err, errcap, "address too long");
        return -1;
    }
    CURL *c = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, env_to);
    if (!c || !rcpt) {
        curl_slist_free_all(rcpt);
        if (c)
            curl_easy_cleanup(c);
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    upload u = {text, strlen(text)};
    CURLcode rc = CURLE_OK;
    /* Every option must take: a relay reached without, say, the time limits could hang the sender. */
#define SET(opt, val)                                                                                                  \
    if (rc == CURLE_OK)                                                                                                \
    rc = curl_easy_setopt(c, opt, val)
    SET(CURLOPT_ERRORBUFFER, cerr);
    SET(CURLOPT_URL, url);
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    SET(CURLOPT_MAIL_FROM, env_from);
    SET(CURLOPT_MAIL_RCPT, rcpt);
    SET(CURLOPT_READFUNCTION, read_cb);
    SET(CURLOPT_READDATA, &u);
    SET(CURLOPT_UPLOAD, 1L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_CONNECTTIMEOUT, 10L);
    SET(CURLOPT_TIMEOUT, 60L);
#undef SET
    if (rc == CURLE_OK)
        rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        char reply[32] = "";
        if (code > 0)
            snprintf(reply, sizeof reply, " (SMTP %ld)", code);
        snprintf(err, errcap, "%s%s%s%s", curl_easy_strerror(rc), *cerr ? ": " : "", cerr, reply);
        for (char *p = err; *p; p++) /* one line: curl's texts may end in a newline */
            if (*p == '\r' || *p == '\n')
                *p = ' ';
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? 0 : -1;
}
