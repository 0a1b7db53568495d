/*
 * mail_message.h - the text of one outbox email as the relay receives it (RFC 5322, UTF-8 plain text).
 *
 * Headers: Date (the message's created_at), From ("Connect <from>"), To, Subject (RFC 2047-encoded
 * when not plain ASCII), Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8,
 * Content-Transfer-Encoding 8bit. The Message-ID is <outbox-ID.TIMESTAMP@connect>, TIMESTAMP being
 * created_at in epoch seconds: the same on every attempt, so should a message ever go out twice (the
 * relay accepted it but the process died before the deletion committed), the copies are recognisably
 * one message. Header values lose any CR, LF or other control character (no header injection); body
 * lines end in CRLF and are cut at 998 bytes (RFC 5321's limit).
 */
#ifndef CONNECT_MAIL_MESSAGE_H
#define CONNECT_MAIL_MESSAGE_H

#include <jansson.h>
#include <stdint.h>

/* The whole message text (malloc'd, caller frees); NULL when out of memory or when the record lacks
 * "to", "subject", "body" or a valid "created_at". */
char *mail_message_format(uint64_t id, const json_t *msg, const char *from);

/* The Message-ID value "<outbox-ID.TIMESTAMP@connect>" into out; -1 when created_at is not valid. */
int mail_message_id(uint64_t id, const json_t *msg, char *out, size_t cap);

#endif
