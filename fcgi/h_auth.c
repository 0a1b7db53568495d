/* h_auth.c - POST /api/auth/login, POST /api/auth/mfa (the second step) and POST /api/auth/logout. */
#include "handlers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_password.h"
#include "auth_random.h"
#include "auth_totp.h"
#include "json_in.h"
#include "mfa.h"
#include "session.h"
#include "store_audit.h"
#include "store_org.h"
#include "store_session.h"
#include "store_throttle.h"
#include "store_user.h"
#include "user_json.h"


enum login_outcome { LOGIN_OK, LOGIN_BAD, LOGIN_THROTTLED, LOGIN_TEMP_EXPIRED, LOGIN_MFA };

typedef struct {
    const char *name; /* the user name as typed, known or not: the throttle's key */
    uint64_t uid;     /* the account of that name, 0 when there is none */
    int password_ok;
    int weak; /* the right password, but it fails the current policy */
    const char *checked_hash; /* the hash the password was checked against, outside the transaction */
    const char *rehash; /* new hash to store, or NULL */
    int64_t now;
    const char *at;
    unsigned char sid[SESSION_ID_LEN];
    unsigned char nonce[MFA_NONCE_LEN]; /* the second step's, when the user has a second factor */
    int64_t abs_expiry;
    int64_t until; /* out: the end of the name's throttle, 0 when not throttled */
    enum login_outcome outcome;
    json_t *user, *org; /* out, on success */
} login_ctx;

void h_too_many_attempts(http_req *r, int64_t until)
{
    long long wait = (long long)(until - r->now);
    if (wait < 1)
        wait = 1;
    long long minutes = (wait + 59) / 60;
    char message[256];
    snprintf(message, sizeof message,
             "Too many failed sign-in attempts with this user name. Try again in %lld minute%s, or ask an "
             "administrator in your organisation to unlock the account.",
             minutes, minutes == 1 ? "" : "s");
    http_header_add(r, "Retry-After: %lld", wait);
    http_error(r, 429, "too_many_attempts", message, NULL);
}

/* Answers a new session as sign-in does: {"token","expires_at","user"} plus the members of `extra`
 * (stolen; may be NULL), with the session cookie. */
static void session_reply(http_req *r, uint64_t uid, const unsigned char sid[SESSION_ID_LEN], int64_t abs_expiry,
                          const json_t *user, const json_t *org, json_t *extra)
{
    char *token = NULL;
    int64_t exp;
    if (session_issue(r, uid, sid, abs_expiry, &token, &exp)) {
        json_decref(extra);
        http_error(r, 500, "internal", "The session could not be created.", NULL);
        return;
    }
    char when[21];
    http_iso_time(exp, when);
    r->uid = uid;
    json_t *out = json_pack("{s:s,s:s,s:o}", "token", token, "expires_at", when, "user", user_public(user, org));
    free(token);
    if (out && extra && json_object_update(out, extra)) {
        json_decref(out);
        out = NULL;
    }
    json_decref(extra);
    http_reply(r, 200, out);
}

/* The end of a successful sign-in, after the password (and the code, if any): stores the user record
 * `u` as the caller changed it, keeps the user's sessions few, opens the session `sid` (absolute end
 * *abs_expiry, set here) and reads the organisation for the answer. Inside the caller's write. */
static int session_open_write(store *s, MDB_txn *txn, const json_t *u, uint64_t uid, const unsigned char *sid, int64_t now,
                              int64_t *abs_expiry, uint64_t org_id, json_t **org)
{
    *abs_expiry = now + SESSION_ABSOLUTE;
    int rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_session_prune_user(s, txn, uid, now);
    if (!rc)
        rc = store_session_create(s, txn, sid, uid, now, *abs_expiry);
    if (!rc)
        rc = store_org_get(s, txn, org_id, org);
    return rc;
}

/* Records the outcome of one sign-in attempt: a failure on the name's throttle (for a known or an
 * unknown name alike), or a new session. A throttle that concurrent failures started since our
 * read refuses even the right password. */
static int login_write(store *s, MDB_txn *txn, void *arg)
{
    login_ctx *c = arg;
    json_decref(c->user);
    json_decref(c->org);
    c->user = c->org = NULL;
    int rc = store_throttle_until(s, txn, c->name, c->now, &c->until);
    if (rc)
        return rc;
    if (c->until) {
        c->outcome = LOGIN_THROTTLED;
        return 0;
    }
    json_t *u = NULL;
    if (c->uid && (rc = store_user_get(s, txn, c->uid, &u))) {
        c->outcome = LOGIN_BAD; /* deleted meanwhile */
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    if (!c->password_ok) {
        int began;
        rc = store_user_fail(s, txn, c->name, u, c->now, c->at, 0, "login_failed", &c->until, &began);
        json_decref(u);
        c->outcome = c->until ? LOGIN_THROTTLED : LOGIN_BAD;
        return rc;
    }
    uint64_t org_id = (uint64_t)json_integer_value(json_object_get(u, "org_id"));
    /* The password may have changed (a reset, a change) between our check and now: then the check
     * proved nothing, and neither a session nor a rehash of the old password may come of it. */
    const char *stored = json_string_value(json_object_get(u, "pw"));
    if (!stored || strcmp(stored, c->checked_hash) != 0) {
        json_decref(u);
        c->outcome = LOGIN_BAD;
        return 0;
    }
    json_int_t temp_expires = json_integer_value(json_object_get(u, "temp_expires"));
    if (json_is_true(json_object_get(u, "must_change")) && temp_expires > 0 && temp_expires < c->now) {
        json_decref(u);
        c->outcome = LOGIN_TEMP_EXPIRED;
        return store_audit_add(s, txn, c->at, 0, org_id, "login_temporary_expired", c->uid);
    }
    /* With a second factor the password alone is no success: the name's failures (wrong codes among
     * them) stay counted until the code is right, or a right password would reset the count. */
    int second = mfa_policy() != MFA_OFF && mfa_enrolled(u);
    if (!second)
        rc = store_user_unthrottle(s, txn, u);
    if (!rc && c->rehash && json_object_set_new(u, "pw", json_string(c->rehash)))
        rc = STORE_NOMEM;
    /* A password that verifies but fails today's policy must be changed before anything else. */
    if (!rc && c->weak && !json_is_true(json_object_get(u, "must_change"))) {
        if (json_object_set_new(u, "must_change", json_true()) ||
            json_object_set_new(u, "weak_password", json_true()) ||
            json_object_set_new(u, "temp_expires", json_integer(0)))
            rc = STORE_NOMEM;
        if (!rc)
            rc = store_audit_add(s, txn, c->at, c->uid, org_id, "weak_password_change_required", c->uid);
    }
    if (!rc && second) {
        /* No session yet: the nonce the step token carries, bound to the (possibly rehashed) password. */
        if (mfa_nonce_set(u, c->nonce))
            rc = STORE_NOMEM;
        if (!rc)
            rc = store_user_put(s, txn, u);
        json_decref(u);
        c->outcome = LOGIN_MFA;
        return rc;
    }
    if (!rc)
        rc = session_open_write(s, txn, u, c->uid, c->sid, c->now, &c->abs_expiry, org_id, &c->org);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->uid, org_id, "login", c->uid);
    if (rc) {
        json_decref(u);
        return rc;
    }
    c->user = u;
    c->outcome = LOGIN_OK;
    return 0;
}

/* Sign-in. Known and unknown user names take the same path and cost the same: a throttle check,
 * one argon2id verification (against a dummy hash when there is no account) and one write that
 * counts the failure on the name; the answers are the same 401, or the same 429 while the name is
 * throttled, when no password is checked at all. */
void h_login(http_req *r, const uint64_t *ids)
{
    (void)ids;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"username", "password", NULL};
    const char *username_in, *password;
    if (json_in_only(r, body, allowed) || json_in_string(r, body, "username", 1, 200, &username_in) ||
        json_in_secret(r, body, "password", 1, 1024, &password)) {
        json_decref(body);
        return;
    }
    char username[65];
    size_t ulen = strlen(username_in);
    int plausible = ulen <= 64;
    for (size_t i = 0; plausible && i <= ulen; i++)
        username[i] = (char)tolower((unsigned char)username_in[i]);

    login_ctx c = {.now = r->now, .name = username_in};
    char at[21], rehash[AUTH_HASH_MAX];
    http_iso_time(r->now, at);
    c.at = at;
    char hash[AUTH_HASH_MAX] = "";
    json_t *org = NULL;
    int must_change = 0;
    MDB_txn *txn;
    if (http_read_begin(r, &txn)) {
        json_decref(body);
        return;
    }
    int rc = store_throttle_until(r->st, txn, c.name, c.now, &c.until);
    json_t *u = NULL;
    if (!rc && plausible) {
        rc = store_user_by_username(r->st, txn, username, &c.uid);
        if (rc == 0)
            rc = store_user_get(r->st, txn, c.uid, &u);
        if (rc == 0)
            rc = store_org_get(r->st, txn, (uint64_t)json_integer_value(json_object_get(u, "org_id")), &org);
        if (rc == 0) {
            const char *pw = json_string_value(json_object_get(u, "pw"));
            snprintf(hash, sizeof hash, "%s", pw ? pw : "");
            must_change = json_is_true(json_object_get(u, "must_change"));
        } else {
            c.uid = 0;
        }
    }
    store_read_end(r->st, txn);
    if (rc && rc != MDB_NOTFOUND) {
        json_decref(u);
        json_decref(org);
        json_decref(body);
        http_store_error(r, rc);
        return;
    }
    if (c.until) {
        json_decref(u);
        json_decref(org);
        json_decref(body);
        h_too_many_attempts(r, c.until);
        return;
    }
    /* The slow part, outside any transaction, the same for a known and an unknown name. */
    if (c.uid) {
        c.password_ok = auth_password_verify(hash, password);
    } else {
        auth_password_burn(password);
        c.password_ok = 0;
    }
    c.checked_hash = hash;
    if (c.password_ok && auth_password_needs_rehash(hash) && auth_password_hash(password, rehash) == 0)
        c.rehash = rehash;
    if (c.password_ok && !must_change)
        c.weak = auth_password_policy(password, username, json_string_value(json_object_get(org, "name"))) != NULL;
    json_decref(u);
    json_decref(org);
    if (auth_random_bytes(c.sid, sizeof c.sid) || auth_random_bytes(c.nonce, sizeof c.nonce)) {
        json_decref(body);
        http_error(r, 500, "internal", "No random numbers available.", NULL);
        return;
    }
    rc = store_write(r->st, login_write, &c);
    json_decref(body); /* c.name points into it */
    if (rc) {
        json_decref(c.user);
        json_decref(c.org);
        http_store_error(r, rc);
        return;
    }
    switch (c.outcome) {
    case LOGIN_OK:
        session_reply(r, c.uid, c.sid, c.abs_expiry, c.user, c.org, NULL);
        break;
    case LOGIN_MFA: {
        char *token = NULL;
        if (mfa_step_issue(r->key, c.uid, c.nonce, r->now, &token))
            http_error(r, 500, "internal", "The sign-in could not continue.", NULL);
        else
            http_reply(r, 200, json_pack("{s:b,s:s}", "mfa_required", 1, "mfa_token", token));
        free(token);
        break;
    }
    case LOGIN_THROTTLED:
        h_too_many_attempts(r, c.until);
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

/* ---- the second step: POST /api/auth/mfa ---- */

enum mfa_outcome { MFA_OK, MFA_TOKEN_INVALID, MFA_WRONG, MFA_THROTTLED, MFA_KEY_BROKEN };

typedef struct {
    uint64_t uid;
    unsigned char nonce[MFA_NONCE_LEN];
    const char *code;
    const unsigned char *seal_key;
    int64_t now;
    const char *at;
    unsigned char sid[SESSION_ID_LEN];
    int64_t abs_expiry;
    int64_t until;            /* out: the end of the name's throttle */
    enum mfa_outcome outcome; /* out */
    int recovery;             /* out: a recovery code was used */
    size_t recovery_left;     /* out */
    json_t *user, *org;       /* out, on success */
} mfa_ctx;

/* Appends an audit event with one extra member `key` (a string or an integer), for the events that
 * say how the second factor was passed. */
static int audit_with(store *s, MDB_txn *txn, const char *at, uint64_t uid, uint64_t org, const char *action,
                      const char *key, json_t *value)
{
    json_t *ev = json_pack("{s:s,s:I,s:I,s:s,s:I,s:o}", "at", at, "actor", (json_int_t)uid, "org", (json_int_t)org,
                           "action", action, "target", (json_int_t)uid, key, value);
    if (!ev)
        return STORE_NOMEM;
    int rc = store_audit_append(s, txn, ev);
    json_decref(ev);
    return rc;
}

/* Checks `code` against the user's second factor: a recovery code (removed when it matches) or a TOTP
 * code, accepted once (the step counter is raised in u). 1 when accepted, 0 when not, -1 when the
 * sealed secret does not open (another mfa.key) or the library failed. */
static int mfa_code_ok(mfa_ctx *c, json_t *mfa)
{
    char digest[AUTH_RECOVERY_HASH_HEX + 1];
    if (auth_recovery_hash(c->code, digest) == 0) {
        json_t *codes = json_object_get(mfa, "recovery");
        size_t i;
        json_t *h;
        json_array_foreach(codes, i, h) {
            const char *hex = json_string_value(h);
            if (hex && strlen(hex) == AUTH_RECOVERY_HASH_HEX && auth_recovery_equal(hex, digest)) {
                if (json_array_remove(codes, i))
                    return -1;
                c->recovery = 1;
                c->recovery_left = json_array_size(codes);
                return 1;
            }
        }
        return 0;
    }
    unsigned char secret[AUTH_TOTP_SECRET_LEN];
    const char *sealed = json_string_value(json_object_get(mfa, "secret"));
    if (!sealed || auth_totp_open(c->seal_key, sealed, secret))
        return -1;
    json_int_t last_in = json_integer_value(json_object_get(mfa, "last_step"));
    uint64_t last = last_in > 0 ? (uint64_t)last_in : 0;
    int rc = auth_totp_check(secret, c->now, c->code, &last);
    memset(secret, 0, sizeof secret);
    if (rc == AUTH_TOTP_ERROR)
        return -1;
    if (rc) /* wrong, or a replay: refused alike */
        return 0;
    return json_object_set_new(mfa, "last_step", json_integer((json_int_t)last)) ? -1 : 1;
}

/* The second step, in one write transaction so that a code's step counter (no replay) and a used
 * recovery code are stored with the session they open. A wrong code counts on the user name's
 * throttle, as a wrong password does; a throttled name has nothing checked. */
static int mfa_write(store *s, MDB_txn *txn, void *arg)
{
    mfa_ctx *c = arg;
    json_decref(c->user);
    json_decref(c->org);
    c->user = c->org = NULL;
    c->recovery = 0;
    c->until = 0;
    json_t *u;
    int rc = store_user_get(s, txn, c->uid, &u);
    if (rc) {
        c->outcome = MFA_TOKEN_INVALID;
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    json_t *mfa = json_object_get(u, "mfa");
    const char *username = json_string_value(json_object_get(u, "username"));
    if (!json_is_object(mfa) || !username || !mfa_nonce_matches(u, c->nonce)) {
        json_decref(u);
        c->outcome = MFA_TOKEN_INVALID;
        return 0;
    }
    uint64_t org_id = (uint64_t)json_integer_value(json_object_get(u, "org_id"));
    rc = store_throttle_until(s, txn, username, c->now, &c->until);
    if (rc || c->until) {
        json_decref(u);
        c->outcome = MFA_THROTTLED;
        return rc;
    }
    int ok = mfa_code_ok(c, mfa);
    if (ok < 0) {
        json_decref(u);
        c->outcome = MFA_KEY_BROKEN;
        return 0;
    }
    if (!ok) {
        int began;
        rc = store_user_fail(s, txn, username, u, c->now, c->at, 0, "mfa_failed", &c->until, &began);
        json_decref(u);
        c->outcome = c->until ? MFA_THROTTLED : MFA_WRONG;
        return rc;
    }
    json_object_del(u, "mfa_nonce"); /* single use */
    rc = store_user_unthrottle(s, txn, u);
    if (!rc)
        rc = session_open_write(s, txn, u, c->uid, c->sid, c->now, &c->abs_expiry, org_id, &c->org);
    if (!rc)
        rc = audit_with(s, txn, c->at, c->uid, org_id, "login", "mfa", json_string(c->recovery ? "recovery" : "totp"));
    if (!rc && c->recovery)
        rc = audit_with(s, txn, c->at, c->uid, org_id, "recovery_used", "left", json_integer((json_int_t)c->recovery_left));
    if (rc) {
        json_decref(u);
        return rc;
    }
    c->user = u;
    c->outcome = MFA_OK;
    return 0;
}

/* The second step of sign-in: the step token from a right password and a code from the user's
 * authenticator (or a recovery code) open the session login would have opened. */
void h_login_mfa(http_req *r, const uint64_t *ids)
{
    (void)ids;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"mfa_token", "code", NULL};
    const char *token, *code;
    mfa_ctx c = {.now = r->now};
    if (json_in_only(r, body, allowed) || json_in_string(r, body, "mfa_token", 1, 4000, &token) ||
        json_in_string(r, body, "code", 1, 64, &code))
        goto out;
    c.code = code;
    c.seal_key = mfa_seal_key();
    if (!c.seal_key) {
        http_error(r, 500, "internal", "The second-factor key is not loaded.", NULL);
        goto out;
    }
    if (mfa_step_verify(r->key, token, r->now, &c.uid, c.nonce)) {
        http_error(r, 401, "mfa_token_invalid", "This sign-in has expired or is not valid. Sign in again with your password.", NULL);
        goto out;
    }
    if (auth_random_bytes(c.sid, sizeof c.sid)) {
        http_error(r, 500, "internal", "No random numbers available.", NULL);
        goto out;
    }
    char at[21];
    http_iso_time(r->now, at);
    c.at = at;
    int rc = store_write(r->st, mfa_write, &c);
    if (rc) {
        http_store_error(r, rc);
        goto out;
    }
    switch (c.outcome) {
    case MFA_OK:
        session_reply(r, c.uid, c.sid, c.abs_expiry, c.user, c.org,
                      c.recovery ? json_pack("{s:I}", "recovery_codes_left", (json_int_t)c.recovery_left) : NULL);
        break;
    case MFA_THROTTLED:
        h_too_many_attempts(r, c.until);
        break;
    case MFA_WRONG:
        http_error(r, 401, "invalid_code", "That code is not right. Enter the 6-digit code your app shows now, or a recovery code.", "code");
        break;
    case MFA_KEY_BROKEN:
        http_error(r, 500, "internal", "Your second factor cannot be checked. Ask an administrator to reset your two-factor sign-in.", NULL);
        break;
    default:
        http_error(r, 401, "mfa_token_invalid", "This sign-in has expired or is not valid. Sign in again with your password.", NULL);
    }
out:
    json_decref(c.user);
    json_decref(c.org);
    json_decref(body);
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
