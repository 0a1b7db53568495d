/* Unit tests for the parameter tables (fcgi/params.h): a query string and a JSON object parsed into a
 * struct through one table, and each malformed input answered with the standard error naming its
 * field. Requests run in capture mode, so the answer is kept in the request instead of being sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "params.h"

typedef struct {
    const char *q, *status, *team, *note, *day;
    uint64_t worker;
    int mine;
    param_int limit, pence;
} sample;

static const char *const statuses[] = {"open", "closed", NULL};

static const param_field fields[] = {
    {.name = "q", .type = PARAM_TEXT, .max_chars = 12, .offset = offsetof(sample, q)},
    {.name = "status", .type = PARAM_ENUM, .values = statuses, .offset = offsetof(sample, status)},
    {.name = "team", .type = PARAM_STRING, .max_chars = 5, .offset = offsetof(sample, team)},
    {.name = "note", .type = PARAM_STRING, .offset = offsetof(sample, note)},
    {.name = "day", .type = PARAM_DATE, .offset = offsetof(sample, day), .bad_status = 422},
    {.name = "worker", .type = PARAM_ID, .offset = offsetof(sample, worker)},
    {.name = "mine", .type = PARAM_BOOL, .offset = offsetof(sample, mine)},
    {.name = "pence", .type = PARAM_MONEY, .offset = offsetof(sample, pence)},
    PARAM_LIMIT_FIELD(sample, limit),
};

/* A request in capture mode holding query. */
static http_req request(const char *query)
{
    http_req r;
    memset(&r, 0, sizeof r);
    r.capture = 1;
    r.query = strdup(query);
    assert_non_null(r.query);
    return r;
}

static int parse(http_req *r, sample *out)
{
    return params_query(r, fields, PARAMS_COUNT(fields), out);
}

/* Asserts the captured answer: status, code and field. */
static void assert_answer(http_req *r, int status, const char *code, const char *field)
{
    assert_true(r->answered);
    assert_int_equal(r->captured_status, status);
    json_t *e = json_object_get(r->captured, "error");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    assert_string_equal(json_string_value(json_object_get(e, "field")), field);
    assert_true(strlen(json_string_value(json_object_get(e, "message"))) > 0);
}

static void done(http_req *r)
{
    json_decref(r->captured);
    http_req_free(r);
}

/* Every field given, decoded and stored; the struct holds nothing else. */
static void query_valid(void **state)
{
    (void)state;
    http_req r = request("q=Jos%C3%A9+%C3%A1lvarez&status=closed&team=A%26B&day=2024-02-29&worker=42&mine=true"
                         "&pence=100000000&limit=500&colour=blue");
    sample s;
    assert_int_equal(parse(&r, &s), 0);
    assert_false(r.answered);
    assert_string_equal(s.q, "José álvarez");
    assert_string_equal(s.status, "closed");
    assert_ptr_equal(s.status, statuses[1]); /* the table's own string */
    assert_string_equal(s.team, "A&B");
    assert_null(s.note);
    assert_string_equal(s.day, "2024-02-29");
    assert_int_equal(s.worker, 42);
    assert_int_equal(s.mine, 1);
    assert_true(s.pence.given);
    assert_int_equal(s.pence.value, 100000000);
    assert_true(s.limit.given);
    assert_int_equal(s.limit.value, 500);
    done(&r);
}

/* Absent and empty parameters take their defaults, and text may hold tabs (PARAM_TEXT). */
static void query_defaults(void **state)
{
    (void)state;
    sample s;
    memset(&s, 0x5a, sizeof s); /* garbage the parser must overwrite */
    http_req r = request("status=&mine=&limit=&q=a%09b");
    assert_int_equal(parse(&r, &s), 0);
    assert_null(s.status);
    assert_int_equal(s.mine, 0);
    assert_false(s.limit.given);
    assert_int_equal(s.limit.value, 50);
    assert_false(s.pence.given);
    assert_int_equal(s.worker, 0);
    assert_null(s.team);
    assert_string_equal(s.q, "a\tb");
    done(&r);
    http_req empty = request("");
    assert_int_equal(parse(&empty, &s), 0);
    assert_null(s.q);
    done(&empty);
}

/* Each malformed query answers once, naming the parameter. */
static void query_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        int status;
        const char *code, *field;
    } cases[] = {
        {"status=open&team=%zz", 400, "invalid_field", "team"},     /* bad escape */
        {"team=ab%2", 400, "invalid_field", "team"},                /* cut escape */
        {"team=a%00b", 400, "invalid_field", "team"},               /* encoded NUL */
        {"status=bogus", 400, "invalid_field", "status"},           /* not in the list */
        {"limit=abc", 400, "invalid_field", "limit"},               /* not a number */
        {"limit=0", 400, "invalid_field", "limit"},                 /* out of range */
        {"limit=1.5", 400, "invalid_field", "limit"},
        {"limit=99999999999999999999", 400, "invalid_field", "limit"}, /* overflow */
        {"limit=%2B5", 400, "invalid_field", "limit"},              /* a sign is not a digit */
        {"worker=0", 400, "invalid_field", "worker"},
        {"worker=-1", 400, "invalid_field", "worker"},
        {"worker=01", 400, "invalid_field", "worker"},
        {"mine=yes", 400, "invalid_field", "mine"},
        {"pence=-1", 400, "invalid_field", "pence"},
        {"pence=100000001", 400, "invalid_field", "pence"},
        {"status=open&status=closed", 400, "invalid_field", "status"}, /* ambiguous */
        {"day=2026-02-29", 422, "validation_failed", "day"},       /* the field's own status */
        {"team=abcdef", 422, "validation_failed", "team"},         /* too long */
        {"q=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9", 422, "validation_failed", "q"},
        {"note=%FF", 422, "validation_failed", "note"},            /* not UTF-8 */
        {"note=a%0Ab", 422, "validation_failed", "note"},          /* a line break in one-line text */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_req r = request(cases[i].query);
        sample s;
        assert_int_equal(parse(&r, &s), -1);
        assert_answer(&r, cases[i].status, cases[i].code, cases[i].field);
        done(&r);
    }
}

/* UTF-8 that jansson refuses (overlong forms, UTF-16 surrogates, past U+10FFFF) is not UTF-8 for
 * json_in_utf8_valid either, nor for a query parameter: such a value would pass and then fail when it is
 * stored or echoed as JSON (found by tests/fuzz/fuzz_json_body). */
static void query_utf8_as_jansson(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "note=%ED%A0%80",       /* U+D800, a surrogate */
        "note=%ED%BF%BF",       /* U+DFFF */
        "note=%E0%80%80",       /* U+0000 in three bytes */
        "note=%E0%9F%BF",       /* U+07FF in three bytes */
        "note=%F0%8F%BF%BF",    /* U+FFFF in four bytes */
        "note=%F4%90%80%80",    /* U+110000 */
        "note=%C0%AF",          /* '/' in two bytes */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        http_req r = request(refused[i]);
        sample s;
        assert_int_equal(parse(&r, &s), -1);
        assert_answer(&r, 422, "validation_failed", "note");
        done(&r);
    }
    static const char *const kept[] = {"\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf",
                                       "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        assert_true(json_in_utf8_valid(kept[i]));
        json_t *j = json_string(kept[i]);
        assert_non_null(j);
        json_decref(j);
    }
    assert_false(json_in_utf8_valid("\xed\xa0\x80"));
    assert_false(json_in_utf8_valid("\xf4\x90\x80\x80"));
    assert_false(json_in_utf8_valid("\xf5\x80\x80\x80"));
    assert_false(json_in_utf8_valid("\xe0\x80"));
}

/* A malformed parameter that is not in the table is ignored, like any unknown parameter. */
static void query_unknown_ignored(void **state)
{
    (void)state;
    http_req r = request("x=%zz&y=%00&%zz=1&status=open");
    sample s;
    assert_int_equal(parse(&r, &s), 0);
    assert_string_equal(s.status, "open");
    done(&r);
}

/* A required parameter that is missing or empty is 422. */
static void query_required(void **state)
{
    (void)state;
    static const param_field need[] = {
        {.name = "day", .type = PARAM_DATE, .required = 1, .offset = offsetof(sample, day)},
    };
    for (int i = 0; i < 2; i++) {
        http_req r = request(i ? "day=" : "other=1");
        sample s;
        assert_int_equal(params_query(&r, need, PARAMS_COUNT(need), &s), -1);
        assert_answer(&r, 422, "validation_failed", "day");
        done(&r);
    }
}

/* A JSON object through the same table: values, unknown members, types and rules, named with the
 * object's path. */
static void json_object_parse(void **state)
{
    (void)state;
    static const param_field person[] = {
        {.name = "id", .type = PARAM_IGNORED},
        {.name = "team", .type = PARAM_STRING, .required = 1, .max_chars = 5, .offset = offsetof(sample, team)},
        {.name = "status", .type = PARAM_ENUM, .values = statuses, .offset = offsetof(sample, status)},
        {.name = "worker", .type = PARAM_ID, .offset = offsetof(sample, worker)},
        {.name = "pence", .type = PARAM_MONEY, .offset = offsetof(sample, pence)},
        {.name = "mine", .type = PARAM_BOOL, .offset = offsetof(sample, mine)},
    };
    static const struct {
        const char *json;
        int status;
        const char *code, *field;
    } cases[] = {
        {"{\"team\":\"ab\",\"status\":\"open\",\"worker\":3,\"pence\":250,\"mine\":true,\"id\":9}", 0, NULL, NULL},
        {"{\"team\":\"ab\",\"shoe\":1}", 400, "invalid_field", "p.shoe"},
        {"{\"team\":7}", 400, "invalid_field", "p.team"},
        {"{}", 422, "validation_failed", "p.team"},
        {"{\"team\":\"abcdef\"}", 422, "validation_failed", "p.team"},
        {"{\"team\":\"ab\",\"status\":\"bogus\"}", 422, "validation_failed", "p.status"},
        {"{\"team\":\"ab\",\"worker\":0}", 400, "invalid_field", "p.worker"},
        {"{\"team\":\"ab\",\"pence\":-1}", 422, "validation_failed", "p.pence"},
        {"{\"team\":\"ab\",\"mine\":1}", 400, "invalid_field", "p.mine"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_req r = request("");
        json_t *obj = json_loads(cases[i].json, 0, NULL);
        assert_non_null(obj);
        sample s;
        int rc = params_json(&r, obj, "p", person, PARAMS_COUNT(person), &s);
        if (!cases[i].status) {
            assert_int_equal(rc, 0);
            assert_string_equal(s.team, "ab");
            assert_ptr_equal(s.status, statuses[0]);
            assert_int_equal(s.worker, 3);
            assert_true(s.pence.given);
            assert_int_equal(s.pence.value, 250);
            assert_int_equal(s.mine, 1);
        } else {
            assert_int_equal(rc, -1);
            assert_answer(&r, cases[i].status, cases[i].code, cases[i].field);
        }
        json_decref(obj);
        done(&r);
    }
}

/* Ids: what the lists' cursors and filters take. */
static void ids(void **state)
{
    (void)state;
    assert_int_equal(params_parse_id("1"), 1);
    assert_int_equal(params_parse_id("9999999999999999"), 9999999999999999ULL);
    assert_int_equal(params_parse_id("10000000000000000"), 0); /* 17 digits */
    assert_int_equal(params_parse_id("0"), 0);
    assert_int_equal(params_parse_id("012"), 0);
    assert_int_equal(params_parse_id("+1"), 0);
    assert_int_equal(params_parse_id(" 1"), 0);
    assert_int_equal(params_parse_id("1x"), 0);
    assert_int_equal(params_parse_id(""), 0);
    assert_int_equal(params_parse_id(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_valid),           cmocka_unit_test(query_defaults),
        cmocka_unit_test(query_malformed),       cmocka_unit_test(query_unknown_ignored),
        cmocka_unit_test(query_required),        cmocka_unit_test(json_object_parse),
        cmocka_unit_test(ids),                   cmocka_unit_test(query_utf8_as_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
