/* Unit tests for text (store/text_norm.h and its use in fcgi/json_in.c and fcgi/params.c): text is
 * stored as NFC, bidirectional controls are refused, and names that show nothing are refused, while
 * real names in many scripts pass unchanged. Requests run in capture mode, so an answer is kept in the
 * request instead of being sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case_input.h"
#include "json_in.h"
#include "params.h"
#include "store_register.h"
#include "text_norm.h"

/* NFD input comes back as NFC; text already NFC (and ASCII) allocates nothing. */
static void nfc(void **state)
{
    (void)state;
    static const struct {
        const char *in, *nfc;
    } cases[] = {
        {"Jose\xcc\x81", "Jos\xc3\xa9"},                       /* e + U+0301 -> é */
        {"Zoe\xcc\x88 Mu\xcc\x88ller", "Zo\xc3\xab M\xc3\xbcller"}, /* diaeresis */
        {"O\xcc\x81 Briain", "\xc3\x93 Briain"},               /* Irish Ó */
        {"Gwe\xcc\x82n w\xcc\x82", "Gw\xc3\xaan \xc5\xb5"},    /* Welsh ê, ŵ */
        {"\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "\xed\x95\x9c"}, /* Hangul jamo -> 한 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        assert_int_equal(text_nfc(cases[i].in, &out), 0);
        assert_non_null(out);
        assert_string_equal(out, cases[i].nfc);
        char *again = (char *)1;
        assert_int_equal(text_nfc(out, &again), 0); /* NFC is stable */
        assert_null(again);
        free(out);
    }
    char *out = (char *)1;
    assert_int_equal(text_nfc("Plain ASCII, O'Brien", &out), 0);
    assert_null(out);
    assert_int_equal(text_nfc("", &out), 0);
    assert_null(out);
    assert_int_equal(text_nfc("\xff", &out), 1);         /* not UTF-8 */
    assert_int_equal(text_nfc("\xed\xa0\x80", &out), 1); /* a surrogate */
    assert_int_equal(text_nfc("ab\xc3", &out), 1);       /* cut short */
    assert_null(out);
}

/* Real names, as people write them, pass every rule and are already NFC. */
static void names_accepted(void **state)
{
    (void)state;
    static const char *const names[] = {
        "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf \xd8\xb9\xd8\xa8\xd8\xaf \xd8\xa7\xd9\x84\xd9\x84\xd9\x87", /* محمد عبد الله */
        "\xe7\x8e\x8b\xe7\xa7\x80\xe8\x8b\xb1",                                                         /* 王秀英 */
        "\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0-\xd0\x9c\xd0\xb0\xd1\x80\xd0\xb8\xd1\x8f",                  /* Анна-Мария */
        "\xe0\xa4\xaa\xe0\xa5\x8d\xe0\xa4\xb0\xe0\xa4\xbf\xe0\xa4\xaf\xe0\xa4\xbe",                  /* प्रिया */
        "Ll\xc5\xb7r Gw\xc5\xb5n",                                                                      /* Welsh ŷ, ŵ */
        "Se\xc3\xa1n \xc3\x93 Briain",                                                                  /* Irish á, Ó */
        "O'Brien",
        "D\u2019Arcy",                                                                        /* ’ */
        "Smith-Jones",
        "Mary Ann",
        "\xd7\xa9\xd7\xa8\xd7\x94",                                                                     /* שרה */
        "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb1\xd8\xa7",     /* Persian with a zero-width non-joiner inside */
        "Nguy\xe1\xbb\x85n",                                /* Vietnamese ễ */
        "X",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *out = (char *)1;
        assert_int_equal(text_nfc(names[i], &out), 0);
        assert_null(out); /* unchanged */
        assert_int_equal(text_check(names[i], TEXT_NAME), TEXT_OK);
        assert_int_equal(text_check(names[i], TEXT_LINE), TEXT_OK);
    }
    assert_int_equal(text_check("", TEXT_NAME), TEXT_OK); /* required-ness is the caller's */
}

/* Names of nothing but spaces or invisible characters, and names with direction controls. */
static void names_refused(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        text_fault fault;
    } cases[] = {
        {"   ", TEXT_BLANK},
        {"\xe2\x80\x8b\xe2\x80\x8b", TEXT_BLANK},       /* U+200B U+200B zero-width spaces */
        {"\xc2\xa0", TEXT_BLANK},                       /* U+00A0 no-break space */
        {" \xe2\x80\x83\xe3\x80\x80 ", TEXT_BLANK},     /* em space, ideographic space */
        {"\xef\xbb\xbf", TEXT_BLANK},                   /* U+FEFF */
        {"\xe2\x80\x8d\xe2\x81\xa0", TEXT_BLANK},       /* ZWJ, word joiner */
        {"\xe3\x85\xa4", TEXT_BLANK},                   /* U+3164 Hangul filler: a "letter" that shows nothing */
        {"\xcc\x81", TEXT_BLANK},                       /* a lone combining accent */
        {"A\xe2\x80\xae" "B", TEXT_BIDI},               /* U+202E right-to-left override */
        {"\xe2\x80\xaa" "Ann", TEXT_BIDI},              /* U+202A */
        {"Ann\xe2\x81\xa6x\xe2\x81\xa9", TEXT_BIDI},    /* U+2066 .. U+2069 isolate */
        {"Ann\xe2\x81\xa8", TEXT_BIDI},                 /* U+2068 first strong isolate */
        {"A\xe2\x80\x8f" "B", TEXT_BIDI},               /* U+200F right-to-left mark */
        {"A\xe2\x80\x8e" "B", TEXT_BIDI},               /* U+200E left-to-right mark */
        {"\xd8\xa7\xd8\xa8\xd8\x9c", TEXT_BIDI},        /* U+061C Arabic letter mark */
        {"\xe2\x80\x8f", TEXT_BIDI},                    /* a mark alone: the direction rule speaks first */
        {"Ann\tLee", TEXT_CONTROL},
        {"Ann\x7f", TEXT_CONTROL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(text_check(cases[i].in, TEXT_NAME), cases[i].fault);
        if (cases[i].fault != TEXT_CONTROL)
            assert_true(strlen(text_fault_message(cases[i].fault)) > 10);
    }
}

/* Free text: the embedding, override and isolate controls are refused; implicit marks, blank text and
 * line breaks are not. */
static void free_text(void **state)
{
    (void)state;
    assert_int_equal(text_check("A\xe2\x80\xae" "B", TEXT_MULTILINE), TEXT_BIDI);
    assert_int_equal(text_check("A\xe2\x80\xae" "B", TEXT_LINE), TEXT_BIDI);
    assert_int_equal(text_check("x\xe2\x81\xa7y", TEXT_MULTILINE), TEXT_BIDI); /* U+2067 */
    assert_int_equal(text_check("\xd7\xa9\xd7\xa8\xd7\x94 \xe2\x80\x8f(2)", TEXT_MULTILINE), TEXT_OK); /* RLM */
    assert_int_equal(text_check("   ", TEXT_LINE), TEXT_OK);
    assert_int_equal(text_check("line one\r\nline\ttwo", TEXT_MULTILINE), TEXT_OK);
    assert_int_equal(text_check("line one\nline two", TEXT_LINE), TEXT_CONTROL);
}

static http_req request(const char *query)
{
    http_req r;
    memset(&r, 0, sizeof r);
    r.capture = 1;
    r.now = (int64_t)time(NULL);
    r.query = strdup(query);
    assert_non_null(r.query);
    return r;
}

static void assert_refused(http_req *r, const char *field)
{
    assert_true(r->answered);
    assert_int_equal(r->captured_status, 422);
    json_t *e = json_object_get(r->captured, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "validation_failed");
    assert_string_equal(json_string_value(json_object_get(e, "field")), field);
}

static void done(http_req *r)
{
    json_decref(r->captured);
    http_req_free(r);
}

/* A person's names through case_person_in (the table of POST /api/cases and the caseload import):
 * NFD is stored as NFC, counted after normalising, and bad names are refused naming the field. */
static void person_names(void **state)
{
    (void)state;
    /* 100 characters once composed, 200 code points as typed */
    char given[401] = "";
    for (int i = 0; i < 100; i++)
        strcat(given, "e\xcc\x81");
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "given_names", given, "family_name", "Mu\xcc\x88ller",
                           "date_of_birth", "1990-01-02", "nationality", "Su\xcc\x81\xc3\xa1n", "other_names",
                           "Jose\xcc\x81 O\xcc\x81");
    http_req r = request("");
    json_t *out = case_person_in(&r, in, "principal", 0);
    assert_non_null(out);
    assert_false(r.answered);
    assert_int_equal(json_in_utf8_len(json_string_value(json_object_get(out, "given_names"))), 100);
    assert_string_equal(json_string_value(json_object_get(out, "family_name")), "M\xc3\xbcller");
    assert_string_equal(json_string_value(json_object_get(out, "nationality")), "S\xc3\xba\xc3\xa1n");
    assert_string_equal(json_string_value(json_object_get(out, "other_names")), "Jos\xc3\xa9 \xc3\x93");
    /* and the request object itself now holds NFC */
    assert_string_equal(json_string_value(json_object_get(in, "family_name")), "M\xc3\xbcller");
    json_decref(out);
    json_decref(in);
    done(&r);

    static const struct {
        const char *member, *value, *field;
    } bad[] = {
        {"given_names", "   ", "principal.given_names"},
        {"given_names", "\xe2\x80\x8b\xe2\x80\x8b", "principal.given_names"},
        {"family_name", "\xc2\xa0", "principal.family_name"},
        {"family_name", "A\xe2\x80\xae" "B", "principal.family_name"},
        {"other_names", "\xe2\x80\x8b", "principal.other_names"},
        {"nationality", "Ira\xe2\x80\xaeq", "principal.nationality"}, /* not a name, but no overrides anywhere */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in = json_pack("{s:s,s:s,s:s,s:s}", "given_names", "Ann", "family_name", "Lee", "date_of_birth", "1990-01-02",
                       "nationality", "Irish");
        assert_non_null(in);
        json_object_set_new(in, bad[i].member, json_string(bad[i].value));
        r = request("");
        assert_null(case_person_in(&r, in, "principal", 0));
        assert_refused(&r, bad[i].field);
        json_decref(in);
        done(&r);
    }
}

/* json_in: names, free text and secrets. */
static void json_members(void **state)
{
    (void)state;
    json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "name", "\xe2\x80\x8b \xe2\x80\x8b", "notes",
                           "see \xe2\x80\x8f" "below\nthen", "password", "pa\xcc\x81ss\xe2\x80\xae", "team",
                           "Ca\xcc\x81 \xe2\x80\x8b");
    const char *s;
    http_req r = request("");
    assert_int_equal(json_in_name(&r, in, "name", 1, 200, &s), -1);
    assert_refused(&r, "name");
    done(&r);
    r = request("");
    assert_int_equal(json_in_text_at(&r, in, "notes", "notes", 0, 100, &s), 0); /* an RLM in a note is fine */
    assert_int_equal(json_in_string(&r, in, "team", 0, 4, &s), 0); /* 4 characters once composed, 5 typed */
    assert_string_equal(s, "C\xc3\xa1 \xe2\x80\x8b");
    /* a password is taken byte for byte: never normalised, no Unicode rules */
    assert_int_equal(json_in_secret(&r, in, "password", 1, 1024, &s), 0);
    assert_string_equal(s, "pa\xcc\x81ss\xe2\x80\xae");
    assert_false(r.answered);
    done(&r);
    json_decref(in);
}

/* Query strings: NFD search text is searched as NFC; direction controls are refused. */
typedef struct {
    const char *q, *name;
} query_sample;

static void query_text(void **state)
{
    (void)state;
    static const param_field fields[] = {
        {.name = "q", .type = PARAM_TEXT, .max_chars = 4, .offset = offsetof(query_sample, q)},
        {.name = "name", .type = PARAM_NAME, .max_chars = 20, .offset = offsetof(query_sample, name)},
    };
    query_sample s;
    http_req r = request("q=Jose%CC%81");
    assert_int_equal(params_query(&r, fields, PARAMS_COUNT(fields), &s), 0);
    assert_string_equal(s.q, "Jos\xc3\xa9"); /* and 4 characters, within max_chars */
    done(&r);
    r = request("q=A%E2%80%AEB");
    assert_int_equal(params_query(&r, fields, PARAMS_COUNT(fields), &s), -1);
    assert_refused(&r, "q");
    done(&r);
    r = request("name=%E2%80%8B%C2%A0");
    assert_int_equal(params_query(&r, fields, PARAMS_COUNT(fields), &s), -1);
    assert_refused(&r, "name");
    done(&r);
    r = request("q=%ED%A0%80"); /* a surrogate: not UTF-8 */
    assert_int_equal(params_query(&r, fields, PARAMS_COUNT(fields), &s), -1);
    assert_refused(&r, "q");
    done(&r);
}

/* The status register's CSV: names follow the same rules, and text is stored as NFC. */
static void register_names(void **state)
{
    (void)state;
    static const char csv[] =
        "document_type,document_number,date_of_birth,given_names,family_name,nationality,status,leave_valid,"
        "leave_expiry,recourse_to_public_funds\n"
        "passport,AB1,1990-01-02,Jose\xcc\x81,Mu\xcc\x88ller,Spanish,Settled,true,,true\n"
        "passport,AB2,1990-01-02,\xe2\x80\x8b,Lee,Irish,Settled,true,,true\n"
        "passport,AB3,1990-01-02,Ann,A\xe2\x80\xae" "B,Irish,Settled,true,,true\n"
        "passport,AB4,1990-01-02,\"  \",Lee,Irish,Settled,true,,true\n";
    register_batch b;
    json_t *errors;
    assert_int_equal(register_import_parse(csv, sizeof csv - 1, "2030-01-01", 10, &b, &errors), -1);
    assert_int_equal(json_array_size(errors), 3);
    static const struct {
        int line;
        const char *field;
    } want[] = {{3, "given_names"}, {4, "family_name"}, {5, "given_names"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *e = json_array_get(errors, i);
        assert_int_equal(json_integer_value(json_object_get(e, "line")), want[i].line);
        assert_string_equal(json_string_value(json_object_get(e, "field")), want[i].field);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "message")),
                        text_fault_message(TEXT_BLANK));
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "message")),
                        text_fault_message(TEXT_BIDI));
    json_decref(errors);

    static const char good[] =
        "document_type,document_number,date_of_birth,given_names,family_name,nationality,status,leave_valid,"
        "leave_expiry,recourse_to_public_funds\n"
        "passport,AB1,1990-01-02,Jose\xcc\x81,Mu\xcc\x88ller,Spanish,Settled,true,,true\n";
    assert_int_equal(register_import_parse(good, sizeof good - 1, "2030-01-01", 10, &b, &errors), 0);
    assert_int_equal(b.n, 1);
    /* the stored record (an entry is line, key, value; the value is the record's JSON) holds NFC */
    assert_non_null(memmem(b.buf, b.len, "\"Jos\xc3\xa9\"", 7));
    assert_non_null(memmem(b.buf, b.len, "\"M\xc3\xbcller\"", 9));
    assert_null(memmem(b.buf, b.len, "\xcc", 1));
    register_batch_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nfc),          cmocka_unit_test(names_accepted), cmocka_unit_test(names_refused),
        cmocka_unit_test(free_text),    cmocka_unit_test(person_names),   cmocka_unit_test(json_members),
        cmocka_unit_test(query_text),   cmocka_unit_test(register_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
