/* h_auth.c - POST /api/auth/login and POST /api/auth/logout. */
#include "handlers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_password.h"
#include "auth_random.h"
#include "json_in.h"
#include "session.h"
#include "store_audit.h"
#include "store_org.h"
#include "store_session.h"
#include "store_user.h"
#include "user_json.h"


enum login_outcome { LOGIN_OK, LOGIN_BAD, LOGIN_LOCKED, LOGIN_TEMP_EXPIRED, LOGIN_GONE };

typedef struct {
    uint64_t uid;
    int password_ok;
    const char *checked_hash; /* the hash the password was checked against, outside the transaction */
    const char *rehash; /* new hash to store, or NULL */
    int64_t now;
    const char *at;
    unsigned char sid[SESSION_ID_LEN];
    int64_t abs_expiry;
    enum login_outcome outcome;
    json_t *user, *org; /* out, on success */
} login_ctx;

/* Records the outcome of one sign-in attempt: failure count and lock, or a new session. */
static int login_write(store *s, MDB_txn *txn, void *arg)
{
    login_ctx *c = arg;
    json_decref(c->user);
    json_decref(c->org);
    c->user = c->org = NULL;
    json_t *u;
    int rc = store_user_get(s, txn, c->uid, &u);
    if (rc == MDB_NOTFOUND) {
        c->outcome = LOGIN_GONE;
        return 0;
    }
    if (rc)
        return rc;
    uint64_t org_id = (uint64_t)json_integer_value(json_object_get(u, "org_id"));
    if (json_is_true(json_object_get(u, "locked"))) {
        c->outcome = LOGIN_LOCKED;
        json_decref(u);
        return 0;
    }
    /* The password may have changed (a reset, a change) between our check and now: then the check
     * proved nothing, and neither a session nor a rehash of the old password may come of it. */
    const char *stored = json_string_value(json_object_get(u, "pw"));
    if (c->password_ok && (!stored || strcmp(stored, c->checked_hash) != 0)) {
        json_decref(u);
        c->outcome = LOGIN_BAD;
        return 0;
    }
    if (!c->password_ok) {
        int locked;
        rc = store_user_fail(s, txn, u, c->at, 0, "login_failed", &locked);
        json_decref(u);
        c->outcome = LOGIN_BAD;
        return rc;
    }
    json_int_t temp_expires = json_integer_value(json_object_get(u, "temp_expires"));
    if (json_is_true(json_object_get(u, "must_change")) && temp_expires > 0 && temp_expires < c->now) {
        json_decref(u);
        c->outcome = LOGIN_TEMP_EXPIRED;
        return store_audit_add(s, txn, c->at, 0, org_id, "login_temporary_expired", c->uid);
    }
    json_object_set_new(u, "failed", json_integer(0));
    if (c->rehash)
        json_object_set_new(u, "pw", json_string(c->rehash));
    c->abs_expiry = c->now + SESSION_ABSOLUTE;
    rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_session_prune_user(s, txn, c->uid, c->now);
    if (!rc)
        rc = store_session_create(s, txn, c->sid, c->uid, c->now, c->abs_expiry);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->uid, org_id, "login", c->uid);
    if (!rc)
        rc = store_org_get(s, txn, org_id, &c->org);
    if (rc) {
        json_decref(u);
        return rc;
    }
    c->user = u;
    c->outcome = LOGIN_OK;
    return 0;
}

void h_login(http_req *r, const uint64_t *ids)
{
    (void)ids;
    json_t *body = in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"username", "password", NULL};
    const char *username_in, *password;
    if (in_only(r, body, allowed) || in_string(r, body, "username", 1, 200, &username_in) ||
        in_string(r, body, "password", 1, 1024, &password)) {
        json_decref(body);
        return;
    }
    char username[65];
    size_t ulen = strlen(username_in);
    int plausible = ulen <= 64;
    for (size_t i = 0; plausible && i <= ulen; i++)
        username[i] = (char)tolower((unsigned char)username_in[i]);

    login_ctx c = {.now = r->now};
    char at[21], rehash[AUTH_HASH_MAX];
    http_iso_time(r->now, at);
    c.at = at;
    char hash[AUTH_HASH_MAX] = "";
    int found = 0, locked = 0;
    if (plausible) {
        MDB_txn *txn;
        if (http_read_begin(r, &txn)) {
            json_decref(body);
            return;
        }
        json_t *u = NULL;
        int rc = store_user_by_username(r->st, txn, username, &c.uid);
        if (rc == 0)
            rc = store_user_get(r->st, txn, c.uid, &u);
        if (rc == 0) {
            found = 1;
            locked = json_is_true(json_object_get(u, "locked"));
            const char *pw = json_string_value(json_object_get(u, "pw"));
            snprintf(hash, sizeof hash, "%s", pw ? pw : "");
        }
        json_decref(u);
        store_read_end(r->st, txn);
        if (rc && rc != MDB_NOTFOUND) {
            json_decref(body);
            http_store_error(r, rc);
            return;
        }
    }
    if (!found) {
        auth_password_burn(password); /* the same cost as a known user */
        json_decref(body);
        http_error(r, 401, "invalid_credentials", "The user name or password is not right.", NULL);
        return;
    }
    if (locked) {
        json_decref(body);
        http_error(r, 423, "account_locked", "This account is locked. Ask your administrator to unlock it.", NULL);
        return;
    }
    /* The slow part, outside any transaction. */
    c.password_ok = auth_password_verify(hash, password);
    c.checked_hash = hash;
    if (c.password_ok && auth_password_needs_rehash(hash) && auth_password_hash(password, rehash) == 0)
        c.rehash = rehash;
    json_decref(body);
    if (auth_random_bytes(c.sid, sizeof c.sid)) {
        http_error(r, 500, "internal", "No random numbers available.", NULL);
        return;
    }
    int rc = store_write(r->st, login_write, &c);
    if (rc) {
        json_decref(c.user);
        json_decref(c.org);
        http_store_error(r, rc);
        return;
    }
    switch (c.outcome) {
    case LOGIN_OK: {
        char *token = NULL;
        int64_t exp;
        if (session_issue(r, c.uid, c.sid, c.abs_expiry, &token, &exp)) {
            http_error(r, 500, "internal", "The session could not be created.", NULL);
        } else {
            char when[21];
            http_iso_time(exp, when);
            r->uid = c.uid;
            http_reply(r, 200, json_pack("{s:s,s:s,s:o}", "token", token, "expires_at", when, "user",
                                         user_public(c.user, c.org)));
        }
        free(token);
        break;
    }
    case LOGIN_LOCKED:
        http_error(r, 423, "account_locked", "This account is locked. Ask your administrator to unlock it.", NULL);
        break;
    case LOGIN_TEMP_EXPIRED:
        http_error(r, 401, "temporary_password_expired",
                   "Your temporary password has expired. Ask your administrator for a new one.", NULL);
        break;
    default:
        http_error(r, 401, "invalid_credentials", "The user name or password is not right.", NULL);
    }
    json_decref(c.user);
    json_decref(c.org);
}

typedef struct {
    const unsigned char *sid;
    uint64_t uid, org;
    const char *at;
} logout_ctx;

static int logout_write(store *s, MDB_txn *txn, void *arg)
{
    logout_ctx *c = arg;
    int rc = store_session_delete(s, txn, c->sid);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    return store_audit_add(s, txn, c->at, c->uid, c->org, "logout", c->uid);
}

void h_logout(http_req *r, const uint64_t *ids)
{
    (void)ids;
    char at[21];
    http_iso_time(r->now, at);
    logout_ctx c = {r->claims.sid, r->uid, r->org_id, at};
    int rc = store_write(r->st, logout_write, &c);
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    session_clear_cookie(r);
    /* The browser drops every cookie and everything stored for the site too (the SPA keeps only a
     * "signed in" flag in sessionStorage), so nothing of the session outlives it on a shared machine. */
    http_header_add(r, "Clear-Site-Data: \"cookies\", \"storage\"");
    http_reply_empty(r, 204);
}
