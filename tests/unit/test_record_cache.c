/* Unit tests for fcgi/record_cache.c through session_authenticate: a cached token or parsed record
 * never outlives a change to what it was made from (sign-out, role change, deleted user, renamed
 * organisation, expiry, a token of other bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth_jwt.h"
#include "http.h"
#include "record_cache.h"
#include "session.h"
#include "store.h"
#include "store_org.h"
#include "store_session.h"
#include "store_user.h"

#include "store_fixture.h"

#define NOW 1800000000

static const unsigned char key[AUTH_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const unsigned char sid[SESSION_ID_LEN] = "session-id-0001";

typedef struct {
    uint64_t org, user;
    char *token;
} world;

static int add_world(store *s, MDB_txn *txn, void *arg)
{
    world *w = arg;
    int rc = store_org_create(s, txn, "council", "Avon", "AVN", "2026-01-01T00:00:00Z", &w->org);
    if (rc)
        return rc;
    json_t *u = json_pack("{s:I,s:s,s:s,s:s,s:n,s:s,s:i,s:b,s:b,s:i}", "org_id", (json_int_t)w->org, "username",
                          "avon.user", "name", "Avon User", "role", "user", "team", "pw", "$argon2id$x", "failed", 0,
                          "locked", 0, "must_change", 0, "temp_expires", 0);
    rc = store_user_create(s, txn, u, &w->user);
    json_decref(u);
    if (!rc)
        rc = store_session_create(s, txn, sid, w->user, NOW, NOW + SESSION_ABSOLUTE);
    return rc;
}

static world make_world(store *s)
{
    world w = {0};
    assert_int_equal(store_write(s, add_world, &w), 0);
    auth_claims c = {.uid = w.user, .iat = NOW, .exp = NOW + SESSION_IDLE};
    memcpy(c.sid, sid, sizeof c.sid);
    assert_int_equal(auth_jwt_sign(key, &c, &w.token), 0);
    record_cache_clear();
    return w;
}

/* Authenticates "Bearer token" at `now` as a request would; the status it would answer (200 when it
 * goes on), and the user's role and organisation's name then (copied into role/org_name). */
static int authenticate(store *s, const char *token, int64_t now, char *role, char *org_name)
{
    http_req r = {0};
    r.st = s;
    r.key = key;
    r.now = now;
    r.capture = 1;
    r.method = strdup("GET");
    r.path = strdup("/api/me");
    r.query = strdup("");
    r.cookie = strdup("");
    r.requested_with = strdup("");
    r.content_type = strdup("");
    assert_true(asprintf(&r.authorization, "Bearer %s", token) > 0);
    int status = session_authenticate(&r, SESSION_ALLOW_SETUP) == 0 ? 200 : r.captured_status;
    if (status == 200) {
        strcpy(role, json_string_value(json_object_get(r.user, "role")));
        strcpy(org_name, json_string_value(json_object_get(r.org, "name")));
    }
    json_decref(r.captured);
    http_req_free(&r);
    return status;
}

typedef struct {
    uint64_t id;
    store_db db;
    const char *member, *value;
} change_arg;

/* Sets one string member of a stored record (a user's role, an organisation's name). */
static int change_record(store *s, MDB_txn *txn, void *arg)
{
    change_arg *a = arg;
    unsigned char k[8];
    store_key_u64(k, a->id);
    json_t *rec;
    int rc = store_json_get(s, txn, a->db, k, 8, &rec);
    if (rc)
        return rc;
    json_object_set_new(rec, a->member, json_string(a->value));
    rc = store_json_put(s, txn, a->db, k, 8, rec);
    json_decref(rec);
    return rc;
}

static void change(store *s, store_db db, uint64_t id, const char *member, const char *value)
{
    change_arg a = {id, db, member, value};
    assert_int_equal(store_write(s, change_record, &a), 0);
}

static int end_session(store *s, MDB_txn *txn, void *arg)
{
    (void)arg;
    return store_session_delete(s, txn, sid);
}

static int delete_user(store *s, MDB_txn *txn, void *arg)
{
    return store_user_delete(s, txn, *(uint64_t *)arg, "2026-06-01T00:00:00Z");
}

static void test_parse_reused_until_bytes_change(void **state)
{
    fixture *f = *state;
    world w = make_world(f->s);
    MDB_txn *txn;
    json_t *a, *b, *c;
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(record_cache_get(f->s, txn, DB_USERS, w.user, &a), 0);
    assert_int_equal(record_cache_get(f->s, txn, DB_USERS, w.user, &b), 0);
    store_read_end(f->s, txn);
    assert_ptr_equal(a, b); /* the same parse, shared */
    change(f->s, DB_USERS, w.user, "role", "admin");
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(record_cache_get(f->s, txn, DB_USERS, w.user, &c), 0);
    store_read_end(f->s, txn);
    assert_ptr_not_equal(a, c);
    assert_string_equal(json_string_value(json_object_get(c, "role")), "admin");
    assert_string_equal(json_string_value(json_object_get(a, "role")), "user"); /* the old one untouched */
    json_decref(a);
    json_decref(b);
    json_decref(c);
    assert_int_equal(store_read_begin(f->s, &txn), 0);
    assert_int_equal(record_cache_get(f->s, txn, DB_USERS, w.user + 1000, &a), MDB_NOTFOUND);
    store_read_end(f->s, txn);
    free(w.token);
}

static void test_sign_out_refuses_a_cached_token(void **state)
{
    fixture *f = *state;
    world w = make_world(f->s);
    char role[32], org[64];
    assert_int_equal(authenticate(f->s, w.token, NOW + 10, role, org), 200);
    assert_int_equal(authenticate(f->s, w.token, NOW + 11, role, org), 200); /* from the caches */
    assert_int_equal(store_write(f->s, end_session, NULL), 0);
    assert_int_equal(authenticate(f->s, w.token, NOW + 12, role, org), 401);
    free(w.token);
}

static void test_role_change_seen_at_once(void **state)
{
    fixture *f = *state;
    world w = make_world(f->s);
    char role[32], org[64];
    assert_int_equal(authenticate(f->s, w.token, NOW + 10, role, org), 200);
    assert_string_equal(role, "user");
    change(f->s, DB_USERS, w.user, "role", "admin");
    assert_int_equal(authenticate(f->s, w.token, NOW + 11, role, org), 200);
    assert_string_equal(role, "admin");
    change(f->s, DB_USERS, w.user, "role", "user");
    assert_int_equal(authenticate(f->s, w.token, NOW + 12, role, org), 200);
    assert_string_equal(role, "user");
    free(w.token);
}

static void test_deleted_user_refused(void **state)
{
    fixture *f = *state;
    world w = make_world(f->s);
    char role[32], org[64];
    assert_int_equal(authenticate(f->s, w.token, NOW + 10, role, org), 200);
    assert_int_equal(store_write(f->s, delete_user, &w.user), 0);
    assert_int_equal(authenticate(f->s, w.token, NOW + 11, role, org), 401);
    free(w.token);
}

static void test_organisation_change_seen_at_once(void **state)
{
    fixture *f = *state;
    world w = make_world(f->s);
    char role[32], org[64];
    assert_int_equal(authenticate(f->s, w.token, NOW + 10, role, org), 200);
    assert_string_equal(org, "Avon");
    change(f->s, DB_ORGS, w.org, "name", "Avon and Somerset");
    assert_int_equal(authenticate(f->s, w.token, NOW + 11, role, org), 200);
    assert_string_equal(org, "Avon and Somerset");
    free(w.token);
}

static void test_cached_token_still_expires(void **state)
{
    fixture *f = *state;
    world w = make_world(f->s);
    char role[32], org[64];
    assert_int_equal(authenticate(f->s, w.token, NOW + 10, role, org), 200);
    assert_int_equal(authenticate(f->s, w.token, NOW + SESSION_IDLE, role, org), 401);
    /* Issued "in the future" beyond the allowed skew: refused from the cache as by the verifier. */
    assert_int_equal(authenticate(f->s, w.token, NOW - 61, role, org), 401);
    free(w.token);
}

static void test_other_bytes_are_verified(void **state)
{
    fixture *f = *state;
    world w = make_world(f->s);
    char role[32], org[64];
    assert_int_equal(authenticate(f->s, w.token, NOW + 10, role, org), 200);
    size_t n = strlen(w.token);
    w.token[n - 2] = w.token[n - 2] == 'A' ? 'B' : 'A'; /* the signature no longer matches */
    assert_int_equal(authenticate(f->s, w.token, NOW + 11, role, org), 401);
    char *longer;
    w.token[n - 2] = 0;
    assert_true(asprintf(&longer, "%s", w.token) > 0); /* a prefix of a cached token */
    assert_int_equal(authenticate(f->s, longer, NOW + 11, role, org), 401);
    free(longer);
    free(w.token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse_reused_until_bytes_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_out_refuses_a_cached_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_role_change_seen_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_user_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_organisation_change_seen_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cached_token_still_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_bytes_are_verified, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    record_cache_clear();
    return rc;
}
