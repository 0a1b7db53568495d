/*
 * fuzz_json_body.c - the request validators (fcgi/json_in.c, fcgi/params.c, fcgi/case_input.c) on any
 * bytes, with no FastCGI: the http_req is in capture mode, as the caseload import uses it, so an error
 * answer is kept in r.captured instead of being sent.
 *
 * The first byte picks what the rest is:
 *   0-6  a JSON body (parsed as json_in_body_object does) for case_person_in (principal, dependant),
 *        case_details_in (create, edit), case_immigration_in, case_finance_in or case_closure_in;
 *   7    a query string for params_query with a table of every parameter type;
 *   8    a string for the pure helpers: json_in_utf8_valid, json_in_utf8_len, json_in_utf8_cut,
 *        json_in_date_valid, params_parse_id, each against a plain reference written here.
 * Invariants:
 *   - a validator either succeeds without answering, or answers exactly once with the standard error
 *     body: 400 invalid_field or 422 validation_failed, a message, a field name or null;
 *   - what it accepts is what the API promises: every string UTF-8 that jansson can store, in NFC,
 *     without NUL, control characters (line breaks and tabs only in free text) or bidirectional
 *     controls, within its length; names without direction marks and not blank; dates real, and a date
 *     of birth or closure not in the future; enum values from their lists; numbers in range;
 *   - validating a validator's own output gives the same output (the normalised form is a fixed point:
 *     what GET returns can be sent back);
 *   - the helpers agree with their references.
 */
#include <string.h>

#include "case_enums.h"
#include "case_input.h"
#include "fuzz.h"
#include "json_in.h"
#include "params.h"
#include "text_norm.h"

#define NOW INT64_C(1767225600) /* 2026-01-01T00:00:00Z */
#define TODAY "2026-01-01"

/* ---- references ---- */

FUZZ_REFERENCE static int ref_date_valid(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    int v[3] = {0, 0, 0}, part = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            part++;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v[part] = v[part] * 10 + (s[i] - '0');
    }
    int y = v[0], m = v[1], d = v[2];
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    int dim = m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28)
              : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
    return d <= dim;
}

FUZZ_REFERENCE static size_t ref_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

FUZZ_REFERENCE static uint64_t ref_parse_id(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 16 || s[0] == '0')
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v;
}

static int in_list(const char *s, const char *const *values)
{
    for (; *values; values++)
        if (strcmp(s, *values) == 0)
            return 1;
    return 0;
}

/* ---- what an answer and an accepted value look like ---- */

static void check_answer(http_req *r, int ok)
{
    if (ok) {
        FUZZ_CHECK(!r->answered && r->captured == NULL);
        return;
    }
    FUZZ_CHECK(r->answered && r->captured != NULL);
    json_t *e = json_object_get(r->captured, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *message = json_string_value(json_object_get(e, "message"));
    json_t *field = json_object_get(e, "field");
    FUZZ_CHECK(code && message && *message && (json_is_string(field) || json_is_null(field)));
    FUZZ_CHECK((r->captured_status == 400 && strcmp(code, "invalid_field") == 0) ||
               (r->captured_status == 422 && strcmp(code, "validation_failed") == 0));
}

/* The code points of the valid UTF-8 string s, one by one. */
FUZZ_REFERENCE static uint32_t next_cp(const unsigned char **p)
{
    const unsigned char *q = *p;
    uint32_t cp;
    size_t extra = q[0] < 0x80 ? 0 : q[0] < 0xE0 ? 1 : q[0] < 0xF0 ? 2 : 3;
    cp = extra == 0 ? q[0] : extra == 1 ? q[0] & 0x1F : extra == 2 ? q[0] & 0x0F : q[0] & 0x07;
    for (size_t i = 1; i <= extra; i++)
        cp = (cp << 6) | (q[i] & 0x3F);
    *p = q + extra + 1;
    return cp;
}

/* A string the API may store (fcgi/API.md "Text"): jansson's UTF-8, no NUL, in NFC, no control
 * characters (text: \n \r \t allowed), no bidirectional embedding, override or isolate controls, at
 * most max characters. A name also holds no direction marks and something visible. */
static void check_text(const char *s, size_t len, int text, size_t max)
{
    FUZZ_CHECK(strlen(s) == len && fuzz_utf8_valid((const unsigned char *)s, len));
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        FUZZ_CHECK((*p >= 0x20 && *p != 0x7F) || (text && (*p == '\n' || *p == '\r' || *p == '\t')));
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp = next_cp(&p);
        FUZZ_CHECK(!(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069));
    }
    char *nfc = NULL;
    FUZZ_CHECK(text_nfc(s, &nfc) == 0 && nfc == NULL);
    FUZZ_CHECK(ref_chars(s) <= max);
}

static void check_name(const json_t *o, const char *key, size_t max, int required)
{
    json_t *v = json_object_get(o, key);
    FUZZ_CHECK(v != NULL && (json_is_string(v) || (!required && json_is_null(v))));
    if (json_is_null(v))
        return;
    const char *s = json_string_value(v);
    check_text(s, json_string_length(v), 0, max);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp = next_cp(&p);
        FUZZ_CHECK(cp != 0x200E && cp != 0x200F && cp != 0x061C);
    }
    FUZZ_CHECK(text_check(s, TEXT_NAME) == TEXT_OK);
}

static void check_member_text(const json_t *o, const char *key, int text, size_t max, int required)
{
    json_t *v = json_object_get(o, key);
    FUZZ_CHECK(v != NULL);
    if (json_is_null(v)) {
        FUZZ_CHECK(!required);
        return;
    }
    FUZZ_CHECK(json_is_string(v));
    check_text(json_string_value(v), json_string_length(v), text, max);
    FUZZ_CHECK(!required || json_string_length(v) > 0);
}

static void check_member_date(const json_t *o, const char *key, int required, int not_future)
{
    json_t *v = json_object_get(o, key);
    FUZZ_CHECK(v != NULL);
    if (json_is_null(v)) {
        FUZZ_CHECK(!required);
        return;
    }
    const char *s = json_string_value(v);
    FUZZ_CHECK(s && ref_date_valid(s));
    if (not_future)
        FUZZ_CHECK(strcmp(s, TODAY) <= 0);
}

static void check_member_enum(const json_t *o, const char *key, const char *const *values, int required)
{
    json_t *v = json_object_get(o, key);
    FUZZ_CHECK(v != NULL);
    if (json_is_null(v)) {
        FUZZ_CHECK(!required);
        return;
    }
    FUZZ_CHECK(json_is_string(v) && in_list(json_string_value(v), values));
}

static void check_member_money(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    FUZZ_CHECK(v != NULL && (json_is_null(v) || json_is_integer(v)));
    if (json_is_integer(v))
        FUZZ_CHECK(json_integer_value(v) >= 0 && json_integer_value(v) <= PARAM_MONEY_MAX);
}

static void check_keys(const json_t *o, const char *const *keys)
{
    size_t n = 0;
    for (const char *const *k = keys; *k; k++, n++)
        FUZZ_CHECK(json_object_get(o, *k) != NULL);
    FUZZ_CHECK(json_object_size(o) == n);
}

static http_req new_req(void)
{
    return (http_req){.now = NOW, .capture = 1};
}

static void end_req(http_req *r)
{
    json_decref(r->captured);
    r->captured = NULL;
    http_req_free(r);
}

/* ---- the validators ---- */

static void check_person(json_t *in, int dependant)
{
    http_req r = new_req();
    json_t *out = case_person_in(&r, in, dependant ? "dependants.0" : "principal", dependant);
    check_answer(&r, out != NULL);
    end_req(&r);
    if (!out)
        return;
    static const char *const principal_keys[] = {"given_names", "family_name", "date_of_birth", "nationality",
                                                 "gender", "other_names", "ho_reference", NULL};
    static const char *const dependant_keys[] = {"given_names", "family_name", "date_of_birth", "nationality",
                                                 "gender", "other_names", "ho_reference", "relationship", NULL};
    check_keys(out, dependant ? dependant_keys : principal_keys);
    check_name(out, "given_names", 100, 1);
    check_name(out, "family_name", 100, 1);
    check_member_date(out, "date_of_birth", 1, 1);
    FUZZ_CHECK(strcmp(json_string_value(json_object_get(out, "date_of_birth")), "1900-01-01") >= 0);
    check_member_text(out, "nationality", 0, 60, 1);
    FUZZ_CHECK(json_string_length(json_object_get(out, "nationality")) >= 2);
    check_member_enum(out, "gender", case_genders, 1);
    check_name(out, "other_names", 200, 0);
    check_member_text(out, "ho_reference", 0, 20, 0);
    const char *ref = json_string_value(json_object_get(out, "ho_reference"));
    for (const char *p = ref; p && *p; p++)
        FUZZ_CHECK((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '/' || *p == '-');
    if (dependant)
        check_member_enum(out, "relationship", case_relationships, 1);
    /* The normalised person is a fixed point. */
    http_req again_r = new_req();
    json_t *again = case_person_in(&again_r, out, "principal", dependant);
    check_answer(&again_r, again != NULL);
    FUZZ_CHECK(again && json_equal(again, out));
    end_req(&again_r);
    json_decref(again);
    json_decref(out);
}

static void check_details(json_t *body, int create)
{
    http_req r = new_req();
    json_t *out = json_object();
    FUZZ_CHECK(out != NULL);
    int ok = case_details_in(&r, body, create, out) == 0;
    check_answer(&r, ok);
    end_req(&r);
    if (ok) {
        static const char *const keys[] = {"legislation", "household_type", "referral_source", "address",
                                           "la_involvement", "team", NULL};
        if (create)
            check_keys(out, keys);
        for (const char *const *k = keys; *k; k++)
            FUZZ_CHECK(!create || json_object_get(out, *k));
        if (json_object_get(out, "legislation"))
            check_member_enum(out, "legislation", case_legislation_values, create);
        if (json_object_get(out, "household_type"))
            check_member_enum(out, "household_type", case_household_types, create);
        if (json_object_get(out, "referral_source"))
            check_member_enum(out, "referral_source", case_referral_sources, 0);
        if (json_object_get(out, "address"))
            check_member_text(out, "address", 1, 300, 0);
        if (json_object_get(out, "la_involvement"))
            check_member_text(out, "la_involvement", 1, 2000, 0);
        if (json_object_get(out, "team"))
            check_member_text(out, "team", 0, 100, 0);
        if (create) {
            http_req again_r = new_req();
            json_t *again = json_object();
            FUZZ_CHECK(again && case_details_in(&again_r, out, 1, again) == 0);
            FUZZ_CHECK(json_equal(again, out));
            end_req(&again_r);
            json_decref(again);
        }
    }
    json_decref(out);
}

typedef json_t *(*section_fn)(http_req *r, json_t *body);

/* Runs one section's validator, checks its answer, and checks that its output validates to itself. */
static json_t *run_section(section_fn fn, json_t *body, int fixed_point)
{
    http_req r = new_req();
    json_t *out = fn(&r, body);
    check_answer(&r, out != NULL);
    end_req(&r);
    if (out && fixed_point) {
        json_t *again = run_section(fn, out, 0);
        FUZZ_CHECK(again && json_equal(again, out));
        json_decref(again);
    }
    return out;
}

static void check_immigration(json_t *body)
{
    json_t *out = run_section(case_immigration_in, body, 1);
    if (!out)
        return;
    static const char *const keys[] = {"status", "recourse_to_public_funds", "leave_expiry",
                                       "outstanding_application", "application_type", "application_date",
                                       "appeal", "appeal_date", "judicial_review", "judicial_review_date",
                                       "ho_notes", NULL};
    check_keys(out, keys);
    check_member_enum(out, "status", case_immigration_statuses, 1);
    json_t *rtpf = json_object_get(out, "recourse_to_public_funds");
    FUZZ_CHECK(json_is_null(rtpf) || json_is_boolean(rtpf));
    check_member_date(out, "leave_expiry", 0, 0);
    check_member_date(out, "application_date", 0, 0);
    check_member_date(out, "appeal_date", 0, 0);
    check_member_date(out, "judicial_review_date", 0, 0);
    check_member_text(out, "application_type", 0, 100, 0);
    check_member_text(out, "ho_notes", 1, 4000, 0);
    FUZZ_CHECK(json_is_boolean(json_object_get(out, "outstanding_application")) &&
               json_is_boolean(json_object_get(out, "appeal")) &&
               json_is_boolean(json_object_get(out, "judicial_review")));
    json_decref(out);
}

static void check_finance(json_t *body)
{
    json_t *out = run_section(case_finance_in, body, 1);
    if (!out)
        return;
    static const char *const keys[] = {"support_start_date", "weekly_subsistence_pence", "accommodation_type",
                                       "weekly_accommodation_pence", "other_costs", "support_end_date", NULL};
    check_keys(out, keys);
    check_member_date(out, "support_start_date", 0, 1);
    check_member_date(out, "support_end_date", 0, 0);
    const char *start = json_string_value(json_object_get(out, "support_start_date"));
    const char *end = json_string_value(json_object_get(out, "support_end_date"));
    FUZZ_CHECK(!end || (start && strcmp(start, end) <= 0));
    check_member_money(out, "weekly_subsistence_pence");
    check_member_money(out, "weekly_accommodation_pence");
    check_member_enum(out, "accommodation_type", case_accommodation_types, 0);
    json_t *costs = json_object_get(out, "other_costs");
    FUZZ_CHECK(json_is_array(costs) && json_array_size(costs) <= 200);
    size_t i;
    json_t *c;
    json_array_foreach(costs, i, c) {
        static const char *const ckeys[] = {"id", "description", "amount_pence", "date", NULL};
        check_keys(c, ckeys);
        FUZZ_CHECK(json_integer_value(json_object_get(c, "id")) == (json_int_t)(i + 1));
        check_member_text(c, "description", 0, 200, 1);
        check_member_money(c, "amount_pence");
        FUZZ_CHECK(json_is_integer(json_object_get(c, "amount_pence")));
        check_member_date(c, "date", 0, 0);
    }
    json_decref(out);
}

static void check_closure(json_t *body)
{
    json_t *out = run_section(case_closure_in, body, 1);
    if (!out)
        return;
    static const char *const keys[] = {"closure_date", "reason", "notes", NULL};
    check_keys(out, keys);
    check_member_date(out, "closure_date", 1, 1);
    check_member_enum(out, "reason", case_closure_reasons, 1);
    check_member_text(out, "notes", 1, 4000, 0);
    json_decref(out);
}

/* ---- query strings ---- */

typedef struct {
    const char *s, *t, *e, *d;
    uint64_t id;
    param_int i, m;
    int b;
} query_params;

static const param_field query_fields[] = {
    {.name = "s", .type = PARAM_STRING, .max_chars = 20, .offset = offsetof(query_params, s)},
    {.name = "t", .type = PARAM_TEXT, .max_chars = 50, .offset = offsetof(query_params, t)},
    {.name = "e", .type = PARAM_ENUM, .values = case_genders, .offset = offsetof(query_params, e)},
    {.name = "d", .type = PARAM_DATE, .offset = offsetof(query_params, d)},
    {.name = "id", .type = PARAM_ID, .offset = offsetof(query_params, id)},
    {.name = "i", .type = PARAM_INT, .min = -5, .max = 1000, .dflt = 7, .offset = offsetof(query_params, i),
     .bad_status = 422, .message = "i is a number from -5 to 1000."},
    {.name = "m", .type = PARAM_MONEY, .offset = offsetof(query_params, m)},
    {.name = "b", .type = PARAM_BOOL, .offset = offsetof(query_params, b)},
};

static void check_query(const char *query)
{
    http_req r = new_req();
    r.query = strdup(query);
    FUZZ_CHECK(r.query != NULL);
    query_params q;
    memset(&q, 0xA5, sizeof q);
    int ok = params_query(&r, query_fields, PARAMS_COUNT(query_fields), &q) == 0;
    check_answer(&r, ok);
    if (ok) {
        /* What a handler then stores or echoes must be storable. */
        if (q.s) {
            check_text(q.s, strlen(q.s), 0, 20);
            json_t *j = json_string(q.s);
            FUZZ_CHECK(j != NULL && *q.s);
            json_decref(j);
        }
        if (q.t) {
            check_text(q.t, strlen(q.t), 1, 50);
            json_t *j = json_string(q.t);
            FUZZ_CHECK(j != NULL && *q.t);
            json_decref(j);
        }
        FUZZ_CHECK(!q.e || in_list(q.e, case_genders));
        FUZZ_CHECK(!q.d || ref_date_valid(q.d));
        FUZZ_CHECK(q.id < UINT64_C(10000000000000000));
        FUZZ_CHECK(q.i.given ? q.i.value >= -5 && q.i.value <= 1000 : q.i.value == 7);
        FUZZ_CHECK(!q.m.given || (q.m.value >= 0 && q.m.value <= PARAM_MONEY_MAX));
        FUZZ_CHECK(q.b == 0 || q.b == 1);
    }
    end_req(&r);
}

/* ---- the pure helpers ---- */

static void check_helpers(const char *s, size_t cut_at)
{
    size_t len = strlen(s);
    int valid = fuzz_utf8_valid((const unsigned char *)s, len);
    FUZZ_CHECK(json_in_utf8_valid(s) == valid);
    if (valid)
        FUZZ_CHECK(json_in_utf8_len(s) == ref_chars(s));
    /* A fixed buffer cut s at cut_at bytes: json_in_utf8_cut drops the broken last character only. */
    char *cut = strdup(s);
    FUZZ_CHECK(cut != NULL);
    if (cut_at < len)
        cut[cut_at] = '\0';
    size_t before = strlen(cut);
    json_in_utf8_cut(cut);
    size_t after = strlen(cut);
    FUZZ_CHECK(after <= before && before - after <= 3 && strncmp(cut, s, after) == 0);
    if (valid)
        FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)cut, after) && (after == before || after + 4 > before));
    free(cut);
    FUZZ_CHECK(json_in_date_valid(s) == ref_date_valid(s));
    FUZZ_CHECK(params_parse_id(s) == ref_parse_id(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int mode = data[0] % 9;
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    if (mode >= 7) {
        char *s = malloc(n + 1);
        FUZZ_CHECK(s != NULL);
        memcpy(s, rest, n);
        s[n] = '\0';
        if (mode == 7)
            check_query(s);
        else
            check_helpers(s, data[0] / 9);
        free(s);
        return 0;
    }
    json_error_t err;
    json_t *body = json_loadb(rest, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!body)
        return 0;
    if (mode <= 1)
        check_person(body, mode);
    else if (json_is_object(body)) {
        switch (mode) {
        case 2: check_details(body, 1); break;
        case 3: check_details(body, 0); break;
        case 4: check_immigration(body); break;
        case 5: check_finance(body); break;
        default: check_closure(body); break;
        }
    }
    json_decref(body);
    return 0;
}
