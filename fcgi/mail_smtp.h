/*
 * mail_smtp.h - handing one message to the SMTP relay with libcurl.
 *
 * url: CONNECT_SMTP_URL, e.g. smtp://127.0.0.1:2525, smtp://user:password@relay:587 or
 * smtps://relay:465. On smtp:// STARTTLS is used when the relay offers it (the certificate is
 * verified); smtps:// is TLS from the start. Connecting may take 10 s and the whole exchange 60 s.
 * Call curl_global_init() once in the process first.
 */
#ifndef CONNECT_MAIL_SMTP_H
#define CONNECT_MAIL_SMTP_H

#include <stddef.h>

/* Sends `text` (a whole RFC 5322 message, CRLF line ends) from envelope sender `from` to `to`.
 * 0 when the relay accepted it; otherwise -1 with a one-line reason in err (never the URL's
 * password, never the message). */
int mail_smtp_send(const char *url, const char *from, const char *to, const char *text, char *err, size_t errcap);

#endif
