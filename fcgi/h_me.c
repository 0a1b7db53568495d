/* h_me.c - GET /api/me and PUT /api/me/password. */
#include "handlers.h"

#include <string.h>

#include "auth_password.h"
#include "json_in.h"
#include "store_audit.h"
#include "store_session.h"
#include "store_throttle.h"
#include "store_user.h"
#include "user_json.h"

void h_me_get(http_req *r, const uint64_t *ids)
{
    (void)ids;
    http_reply(r, 200, user_public(r->user, r->org));
}

typedef struct {
    uint64_t uid, org;
    const char *old_hash; /* the hash the current password was checked against */
    const char *new_hash;
    const unsigned char *keep_sid;
    const char *at;
    int changed_meanwhile;
} password_ctx;

static int password_write(store *s, MDB_txn *txn, void *arg)
{
    password_ctx *c = arg;
    c->changed_meanwhile = 0;
    json_t *u;
    int rc = store_user_get(s, txn, c->uid, &u);
    if (rc)
        return rc;
    /* Refuse if the password changed between our check and this transaction (a reset, say). */
    const char *pw = json_string_value(json_object_get(u, "pw"));
    if (!pw || strcmp(pw, c->old_hash) != 0) {
        c->changed_meanwhile = 1;
        json_decref(u);
        return 0;
    }
    if (json_object_set_new(u, "pw", json_string(c->new_hash)) || json_object_set_new(u, "must_change", json_false()) ||
        json_object_set_new(u, "temp_expires", json_integer(0)))
        rc = STORE_NOMEM;
    json_object_del(u, "weak_password");
    /* The right current password is a success on the user name: its failures are forgotten. */
    if (!rc)
        rc = store_user_unthrottle(s, txn, u);
    if (!rc)
        rc = store_user_put(s, txn, u);
    json_decref(u);
    if (!rc)
        rc = store_session_delete_user(s, txn, c->uid, c->keep_sid);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->uid, c->org, "password_changed", c->uid);
    return rc;
}

typedef struct {
    uint64_t uid;
    const char *username;
    const char *action;
    int64_t now;
    const char *at;
    int64_t until; /* out: the end of the throttle, 0 when not throttled */
} fail_ctx;

/* A wrong current password counts like a failed sign-in, on the same throttle: whoever holds a
 * session token must not be able to guess the password without limit. The failure that starts a
 * throttle also ends all the user's sessions (this one may be a stolen one). */
static int password_fail_write(store *s, MDB_txn *txn, void *arg)
{
    fail_ctx *c = arg;
    json_t *u;
    int rc = store_user_get(s, txn, c->uid, &u);
    if (rc)
        return rc;
    int began;
    rc = store_user_fail(s, txn, c->username, u, c->now, c->at, c->uid, c->action, &c->until, &began);
    json_decref(u);
    if (!rc && began)
        rc = store_session_delete_user(s, txn, c->uid, NULL);
    return rc;
}

int h_password_throttled(http_req *r)
{
    const char *username = json_string_value(json_object_get(r->user, "username"));
    if (!username) {
        http_error(r, 500, "internal", "The user record is incomplete.", NULL);
        return 1;
    }
    int64_t until;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return 1;
    int rc = store_throttle_until(r->st, txn, username, r->now, &until);
    store_read_end(r->st, txn);
    if (rc) {
        http_store_error(r, rc);
        return 1;
    }
    if (until) {
        h_too_many_attempts(r, until);
        return 1;
    }
    return 0;
}

void h_password_wrong(http_req *r, const char *action, const char *field, const char *message)
{
    char at[21];
    http_iso_time(r->now, at);
    fail_ctx f = {r->uid, json_string_value(json_object_get(r->user, "username")), action, r->now, at, 0};
    int rc = f.username ? store_write(r->st, password_fail_write, &f) : STORE_CORRUPT;
    if (rc)
        http_store_error(r, rc);
    else if (f.until)
        h_too_many_attempts(r, f.until);
    else
        http_error(r, 422, "validation_failed", message, field);
}

void h_me_password(http_req *r, const uint64_t *ids)
{
    (void)ids;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"current_password", "new_password", NULL};
    const char *cur, *next;
    if (json_in_only(r, body, allowed) || json_in_secret(r, body, "current_password", 1, 1024, &cur) ||
        json_in_secret(r, body, "new_password", 1, 1024, &next))
        goto out;
    const char *username = json_string_value(json_object_get(r->user, "username"));
    const char *hash = json_string_value(json_object_get(r->user, "pw"));
    /* While the user name is throttled the current password is not checked at all. */
    if (h_password_throttled(r))
        goto out;
    if (!hash || !auth_password_verify(hash, cur)) {
        h_password_wrong(r, "password_change_failed", "current_password", "Your current password is not right.");
        goto out;
    }
    const char *why = auth_password_policy(next, username, json_string_value(json_object_get(r->org, "name")));
    if (why) {
        http_error(r, 422, "validation_failed", why, "new_password");
        goto out;
    }
    if (strcmp(cur, next) == 0) {
        http_error(r, 422, "validation_failed", "The new password must differ from the current one.", "new_password");
        goto out;
    }
    char new_hash[AUTH_HASH_MAX], at[21];
    if (auth_password_hash(next, new_hash)) {
        http_error(r, 500, "internal", "The password could not be hashed.", NULL);
        goto out;
    }
    http_iso_time(r->now, at);
    password_ctx c = {r->uid, r->org_id, hash, new_hash, r->claims.sid, at, 0};
    int rc = store_write(r->st, password_write, &c);
    if (rc)
        http_store_error(r, rc);
    else if (c.changed_meanwhile)
        http_error(r, 409, "conflict", "Your password was changed meanwhile; please sign in again.", NULL);
    else
        http_reply_empty(r, 204);
out:
    json_decref(body);
}
