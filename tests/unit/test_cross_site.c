/* Unit tests for the cross-site refusals (the Origin / Sec-Fetch-Site check and the declared body
 * type, over a hand-made FastCGI parameter list), CONNECT_PUBLIC_URL's origin, and the folding of
 * refused-access audit events (written through the real audit queue into a fresh store). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_queue.h"
#include "cross_site.h"
#include "public_url.h"
#include "store_audit.h"
#include "store_fixture.h"

/* Runs the check for one request: method, Content-Type, then "NAME=value" FastCGI parameters.
 * Returns the status it answered (0: let through); *code gets the error code. */
static int check(const char *method, const char *content_type, body_kind body, const char *const *params,
                 char code[64])
{
    char *envp[16] = {0};
    size_t n = 0;
    for (; params && params[n] && n < 15; n++)
        envp[n] = (char *)params[n];
    FCGX_Request fx = {0};
    fx.envp = envp;
    http_req r = {0};
    r.fx = &fx;
    r.method = (char *)method;
    r.content_type = (char *)(content_type ? content_type : "");
    r.capture = 1; /* keep the answer instead of writing it */
    int rc = cross_site_check(&r, body);
    code[0] = '\0';
    int status = 0;
    if (r.answered) {
        status = r.captured_status;
        const char *c = json_string_value(json_object_get(json_object_get(r.captured, "error"), "code"));
        snprintf(code, 64, "%s", c ? c : "");
        json_decref(r.captured);
    }
    assert_int_equal(rc, status ? -1 : 0);
    return status;
}

static void media_types(void **state)
{
    (void)state;
    assert_true(cross_site_media_type_is("application/json", "application/json"));
    assert_true(cross_site_media_type_is("Application/JSON; charset=utf-8", "application/json"));
    assert_true(cross_site_media_type_is(" application/json ;charset=UTF-8", "application/json"));
    assert_false(cross_site_media_type_is("application/jsonp", "application/json"));
    assert_false(cross_site_media_type_is("application/json-patch+json", "application/json"));
    assert_false(cross_site_media_type_is("text/plain", "application/json"));
    assert_false(cross_site_media_type_is("", "application/json"));
    assert_true(cross_site_media_type_is("text/csv; charset=utf-8", "text/csv"));
}

static void public_origins(void **state)
{
    (void)state;
    char o[128];
    assert_int_equal(public_url_origin_of("https://Connect.Example.ORG/path?x#y", o, sizeof o), 0);
    assert_string_equal(o, "https://connect.example.org");
    assert_int_equal(public_url_origin_of("https://connect.example.org:443", o, sizeof o), 0);
    assert_string_equal(o, "https://connect.example.org");
    assert_int_equal(public_url_origin_of("http://127.0.0.1:8080/", o, sizeof o), 0);
    assert_string_equal(o, "http://127.0.0.1:8080");
    assert_int_equal(public_url_origin_of("http://127.0.0.1:80", o, sizeof o), 0);
    assert_string_equal(o, "http://127.0.0.1");
    assert_int_equal(public_url_origin_of("http://[::1]:8080", o, sizeof o), 0);
    assert_string_equal(o, "http://[::1]:8080");
    assert_int_equal(public_url_origin_of("null", o, sizeof o), -1);
    assert_int_equal(public_url_origin_of("ftp://example.org", o, sizeof o), -1);
    assert_int_equal(public_url_origin_of("https://", o, sizeof o), -1);
    assert_int_equal(public_url_origin_of("https://user@evil.example", o, sizeof o), -1);

    assert_int_equal(setenv("CONNECT_PUBLIC_URL", "ftp://example.org", 1), 0);
    assert_int_equal(public_url_init(), -1);
    assert_false(public_url_is_https());
    assert_int_equal(setenv("CONNECT_PUBLIC_URL", "http://connect.example.org", 1), 0);
    assert_int_equal(public_url_init(), 0);
    assert_false(public_url_is_https());
    assert_int_equal(setenv("CONNECT_PUBLIC_URL", "https://connect.example.org/", 1), 0);
    assert_int_equal(public_url_init(), 0);
    assert_true(public_url_is_https());
    assert_string_equal(public_url_origin(), "https://connect.example.org");
    unsetenv("CONNECT_PUBLIC_URL");
    assert_int_equal(public_url_init(), 0);
    assert_false(public_url_is_https());
    assert_string_equal(public_url_origin(), "");
}

static void body_types(void **state)
{
    (void)state;
    char code[64];
    static const char *const two[] = {"CONTENT_LENGTH=2", NULL};
    static const char *const none[] = {"CONTENT_LENGTH=0", NULL};
    static const char *const empty[] = {"CONTENT_LENGTH=", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, two, code), 0);
    assert_int_equal(check("POST", "application/json; charset=utf-8", BODY_JSON, two, code), 0);
    assert_int_equal(check("POST", "text/plain", BODY_JSON, two, code), 415);
    assert_string_equal(code, "unsupported_media_type");
    assert_int_equal(check("POST", "application/x-www-form-urlencoded", BODY_JSON, two, code), 415);
    assert_int_equal(check("PUT", "multipart/form-data; boundary=x", BODY_JSON, two, code), 415);
    assert_int_equal(check("POST", NULL, BODY_JSON, two, code), 415);
    /* No body: no type needed; a declared one is still checked. */
    assert_int_equal(check("POST", NULL, BODY_JSON, none, code), 0);
    assert_int_equal(check("DELETE", NULL, BODY_JSON, empty, code), 0);
    assert_int_equal(check("POST", NULL, BODY_JSON, NULL, code), 0);
    assert_int_equal(check("POST", "text/plain", BODY_JSON, none, code), 415);
    /* The CSV uploads take text/csv only; a document any type. */
    assert_int_equal(check("PUT", "text/csv", BODY_CSV, two, code), 0);
    assert_int_equal(check("PUT", "application/json", BODY_CSV, two, code), 415);
    assert_int_equal(check("POST", "text/plain", BODY_BYTES, two, code), 0);
    /* Reads pass whatever they carry. */
    assert_int_equal(check("GET", "text/plain", BODY_JSON, two, code), 0);
}

static void origins(void **state)
{
    (void)state;
    char code[64];
    const char *const same[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_ORIGIN=http://127.0.0.1:8080",
                                "HTTP_SEC_FETCH_SITE=same-origin", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, same, code), 0);
    const char *const typed[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_SEC_FETCH_SITE=none", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, typed, code), 0);
    const char *const neither[] = {"HTTP_HOST=127.0.0.1:8080", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, neither, code), 0);

    const char *const evil[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_ORIGIN=http://evil.example", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, evil, code), 403);
    assert_string_equal(code, "cross_site");
    const char *const other_port[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_ORIGIN=http://127.0.0.1:9090", NULL};
    assert_int_equal(check("DELETE", NULL, BODY_JSON, other_port, code), 403);
    const char *const other_scheme[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_ORIGIN=https://127.0.0.1:8080", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, other_scheme, code), 403);
    const char *const null_origin[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_ORIGIN=null", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, null_origin, code), 403);
    const char *const cross[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_SEC_FETCH_SITE=cross-site", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, cross, code), 403);
    const char *const same_site[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_SEC_FETCH_SITE=same-site", NULL};
    assert_int_equal(check("PATCH", "application/json", BODY_JSON, same_site, code), 403);
    /* The site is checked before the type: a cross-site form gets 403, not 415. */
    const char *const form[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_ORIGIN=http://evil.example", "CONTENT_LENGTH=9",
                                NULL};
    assert_int_equal(check("POST", "text/plain", BODY_JSON, form, code), 403);
    /* A cross-site read is not refused here (the cookie is SameSite=Strict; reads change nothing). */
    assert_int_equal(check("GET", NULL, BODY_JSON, cross, code), 0);

    /* Debian's nginx passes HTTP_HOST without the port: then nginx's CONNECT_REQUEST_ORIGIN says it, or
     * else SERVER_PORT is added. */
    const char *const given[] = {"HTTP_HOST=127.0.0.1", "CONNECT_REQUEST_ORIGIN=http://127.0.0.1:8080",
                                 "HTTP_ORIGIN=http://127.0.0.1:8080", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, given, code), 0);
    const char *const given_other[] = {"HTTP_HOST=127.0.0.1", "CONNECT_REQUEST_ORIGIN=http://127.0.0.1:8080",
                                       "HTTP_ORIGIN=http://127.0.0.1:9090", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, given_other, code), 403);
    const char *const port_apart[] = {"HTTP_HOST=127.0.0.1", "SERVER_PORT=8080", "HTTP_ORIGIN=http://127.0.0.1:8080",
                                      NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, port_apart, code), 0);
    const char *const default_port[] = {"HTTP_HOST=connect.example.org", "SERVER_PORT=80",
                                        "HTTP_ORIGIN=http://connect.example.org", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, default_port, code), 0);

    /* Behind a TLS proxy: the public URL's origin counts as ours too. */
    assert_int_equal(setenv("CONNECT_PUBLIC_URL", "https://connect.example.org", 1), 0);
    assert_int_equal(public_url_init(), 0);
    const char *const proxied[] = {"HTTP_HOST=127.0.0.1:8080", "HTTP_ORIGIN=https://connect.example.org",
                                   "HTTP_SEC_FETCH_SITE=same-origin", NULL};
    assert_int_equal(check("POST", "application/json", BODY_JSON, proxied, code), 0);
    assert_int_equal(check("POST", "application/json", BODY_JSON, same, code), 0);
    assert_int_equal(check("POST", "application/json", BODY_JSON, evil, code), 403);
    unsetenv("CONNECT_PUBLIC_URL");
    assert_int_equal(public_url_init(), 0);
}

/* The access_refused events in the store, oldest first. */
static json_t *refusal_events(store *s)
{
    MDB_txn *txn;
    assert_int_equal(store_read_begin(s, &txn), 0);
    json_t *newest_first;
    assert_int_equal(store_audit_recent(s, txn, "access_refused", 1000, &newest_first), 0);
    store_read_end(s, txn);
    json_t *out = json_array();
    for (size_t i = json_array_size(newest_first); i-- > 0;)
        json_array_append(out, json_array_get(newest_first, i));
    json_decref(newest_first);
    return out;
}

static json_int_t num(const json_t *ev, const char *k) { return json_integer_value(json_object_get(ev, k)); }

static void refusals_fold(void **state)
{
    fixture *f = *state;
    int64_t t0 = (int64_t)time(NULL);
    assert_int_equal(audit_queue_start(f->s, NULL), 0);
    /* 50 probes of other councils' cases in a row, then one in the next minute, and one of another kind. */
    for (int i = 0; i < 50; i++)
        audit_queue_refusal(t0, 7, 3, 404, "case", "GET", "/api/cases/{id}", (uint64_t)(100 + i % 30));
    audit_queue_refusal(t0 + AUDIT_FOLD_SECONDS, 7, 3, 404, "case", "GET", "/api/cases/{id}", 500);
    audit_queue_refusal(t0, 7, 3, 403, "role", "PUT", "/api/cases/{id}/finance", 100);
    audit_queue_stop();

    json_t *evs = refusal_events(f->s);
    assert_int_equal(json_array_size(evs), 4);
    json_int_t total = 0;
    size_t i;
    json_t *ev;
    json_array_foreach(evs, i, ev) {
        assert_int_equal(num(ev, "actor"), 7);
        assert_int_equal(num(ev, "org"), 3);
        total += num(ev, "count");
    }
    assert_int_equal(total, 52);
    json_t *first = json_array_get(evs, 0);
    assert_int_equal(num(first, "count"), 1);
    assert_int_equal(num(first, "target"), 100);
    assert_int_equal(num(first, "status"), 404);
    assert_string_equal(json_string_value(json_object_get(first, "kind")), "case");
    assert_string_equal(json_string_value(json_object_get(first, "route")), "GET /api/cases/{id}");
    /* The minute's other 49 probes, folded when the next minute's probe came: 30 distinct targets,
     * listed up to AUDIT_FOLD_TARGETS; then that probe opens a window of its own. */
    json_t *folded = json_array_get(evs, 1);
    assert_int_equal(num(folded, "count"), 49);
    assert_int_equal(json_array_size(json_object_get(folded, "targets")), AUDIT_FOLD_TARGETS);
    assert_non_null(json_object_get(folded, "since"));
    json_t *next = json_array_get(evs, 2);
    assert_int_equal(num(next, "count"), 1);
    assert_int_equal(num(next, "target"), 500);
    /* The 403 of another kind has a window of its own. */
    json_t *role = json_array_get(evs, 3);
    assert_int_equal(num(role, "status"), 403);
    assert_int_equal(num(role, "count"), 1);
    assert_string_equal(json_string_value(json_object_get(role, "route")), "PUT /api/cases/{id}/finance");
    json_decref(evs);

    MDB_txn *txn;
    uint64_t count, bad;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(store_audit_verify(f->s, txn, &count, &bad), 0);
    store_read_end(f->s, txn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(media_types),
        cmocka_unit_test(public_origins),
        cmocka_unit_test(body_types),
        cmocka_unit_test(origins),
        cmocka_unit_test_setup_teardown(refusals_fold, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
