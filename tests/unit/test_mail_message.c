/* Unit tests for the text of an outbox email: the headers the relay sees, a Message-ID that stays the
 * same on every attempt, CRLF line ends, an encoded non-ASCII subject, and no header injection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mail_message.h"

static json_t *record(const char *to, const char *subject, const char *body)
{
    json_t *m = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i}", "to", to, "subject", subject, "body", body, "created_at",
                          "2026-12-02T10:00:00Z", "not_before", 1796205600, "next_at", 1796205600, "attempts", 2);
    assert_non_null(m);
    return m;
}

static void headers_and_body(void **state)
{
    (void)state;
    json_t *m = record("nfc.admin@example.test", "Connect: test", "Line one\nLine two\r\n\nC12");
    char *text = mail_message_format(7, m, "connect@example.test");
    assert_non_null(text);
    const char *expect = "Date: Wed, 02 Dec 2026 10:00:00 +0000\r\n"
                         "From: Connect <connect@example.test>\r\n"
                         "To: nfc.admin@example.test\r\n"
                         "Subject: Connect: test\r\n"
                         "Message-ID: <outbox-7.1796205600@connect>\r\n"
                         "MIME-Version: 1.0\r\n"
                         "Content-Type: text/plain; charset=UTF-8\r\n"
                         "Content-Transfer-Encoding: 8bit\r\n"
                         "\r\n"
                         "Line one\r\nLine two\r\n\r\nC12\r\n";
    assert_string_equal(text, expect);
    /* The same on the next attempt: a duplicate would be recognisable. */
    json_object_set_new(m, "attempts", json_integer(3));
    char *again = mail_message_format(7, m, "connect@example.test");
    assert_string_equal(again, text);
    char id[64];
    assert_int_equal(mail_message_id(7, m, id, sizeof id), 0);
    assert_string_equal(id, "<outbox-7.1796205600@connect>");
    free(text);
    free(again);
    json_decref(m);
}

static void no_header_injection(void **state)
{
    (void)state;
    json_t *m = record("a@example.test\r\nBcc: victim@example.test", "Hi\r\nBcc: x@example.test", "body");
    char *text = mail_message_format(1, m, "connect@example.test\nX: y");
    assert_non_null(text);
    char *head_end = strstr(text, "\r\n\r\n");
    assert_non_null(head_end);
    *head_end = '\0';
    assert_null(strstr(text, "\r\nBcc:"));
    assert_null(strstr(text, "\nX:"));
    assert_non_null(strstr(text, "To: a@example.test  Bcc: victim@example.test\r\n"));
    free(text);
    json_decref(m);
}

static void non_ascii_subject_is_encoded(void **state)
{
    (void)state;
    json_t *m = record("a@example.test", "Connect: 1,000-day summary for Ynys Môn Council, December 2026 — and a long tail "
                                         "so that it needs more than one encoded word",
                       "Café\n");
    char *text = mail_message_format(1, m, "connect@example.test");
    assert_non_null(text);
    const char *subj = strstr(text, "Subject: ");
    assert_non_null(subj);
    assert_true(strncmp(subj, "Subject: =?UTF-8?B?", 19) == 0);
    assert_non_null(strstr(subj, "?=\r\n =?UTF-8?B?")); /* folded into several words */
    /* Every header line is plain ASCII and short. */
    const char *end = strstr(text, "\r\n\r\n");
    size_t col = 0;
    for (const char *p = text; p < end; p++) {
        assert_true((unsigned char)*p < 0x80);
        col = *p == '\n' ? 0 : col + 1;
        assert_true(col <= 76);
    }
    assert_non_null(strstr(end, "\r\n\r\nCafé\r\n")); /* the body stays 8-bit UTF-8 */
    free(text);
    json_decref(m);
}

static void long_lines_are_cut(void **state)
{
    (void)state;
    char *body = malloc(3001);
    assert_non_null(body);
    memset(body, 'a', 3000);
    body[3000] = '\0';
    json_t *m = record("a@example.test", "long", body);
    char *text = mail_message_format(1, m, "connect@example.test");
    assert_non_null(text);
    size_t col = 0, longest = 0;
    for (const char *p = text; *p; p++) {
        col = *p == '\n' ? 0 : col + 1;
        longest = col > longest ? col : longest;
    }
    assert_true(longest <= 998);
    free(text);
    free(body);
    json_decref(m);
}

static void incomplete_records_are_refused(void **state)
{
    (void)state;
    json_t *m = record("a@example.test", "s", "b");
    json_object_set_new(m, "created_at", json_string("yesterday"));
    assert_null(mail_message_format(1, m, "connect@example.test"));
    json_object_set_new(m, "created_at", json_string("2026-12-02T10:00:00Z"));
    json_object_del(m, "body");
    assert_null(mail_message_format(1, m, "connect@example.test"));
    json_decref(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headers_and_body),
        cmocka_unit_test(no_header_injection),
        cmocka_unit_test(non_ascii_subject_is_encoded),
        cmocka_unit_test(long_lines_are_cut),
        cmocka_unit_test(incomplete_records_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
