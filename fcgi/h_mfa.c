/* h_mfa.c - the signed-in user's second factor: POST /api/me/mfa (start enrolment),
 * POST /api/me/mfa/confirm (finish it with a first code) and DELETE /api/me/mfa (turn it off). The
 * admin's reset is in h_users.c, the second step of sign-in in h_auth.c. */
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_password.h"
#include "auth_totp.h"
#include "json_in.h"
#include "mfa.h"
#include "store_audit.h"
#include "store_user.h"

static const char *const NOT_RIGHT_CODE = "That code is not right. Enter the 6-digit code your authenticator app shows now.";

/* 403 when the policy has turned second factors off; 0 when they may be used. */
static int refuse_when_off(http_req *r)
{
    if (mfa_policy() != MFA_OFF)
        return 0;
    http_error(r, 403, "mfa_off", "Two-factor sign-in is turned off on this Connect server.", NULL);
    return -1;
}

static const unsigned char *seal_key_or_500(http_req *r)
{
    const unsigned char *k = mfa_seal_key();
    if (!k)
        http_error(r, 500, "internal", "The second-factor key is not loaded.", NULL);
    return k;
}

static void already_enrolled(http_req *r)
{
    http_error(r, 409, "mfa_already_enrolled",
               "Two-factor sign-in is already set up for your account. Turn it off first to set it up again.", NULL);
}

enum mfa_state { ST_OK, ST_ENROLLED, ST_NOT_STARTED, ST_NOT_ENROLLED, ST_WRONG_CODE, ST_KEY_BROKEN, ST_PW_CHANGED };

/* ---- POST /api/me/mfa ---- */

typedef struct {
    uint64_t uid, org;
    const char *sealed, *at;
    enum mfa_state state; /* out */
} start_ctx;

/* Stores the new secret as the enrolment in progress (replacing any earlier one). */
static int start_write(store *s, MDB_txn *txn, void *arg)
{
    start_ctx *c = arg;
    json_t *u;
    int rc = store_user_get(s, txn, c->uid, &u);
    if (rc)
        return rc;
    c->state = ST_OK;
    if (mfa_enrolled(u)) {
        c->state = ST_ENROLLED;
        json_decref(u);
        return 0;
    }
    if (json_object_set_new(u, "mfa_pending", json_string(c->sealed)))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->uid, c->org, "mfa_enrolment_started", c->uid);
    json_decref(u);
    return rc;
}

void h_me_mfa_start(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (refuse_when_off(r))
        return;
    if (mfa_enrolled(r->user)) {
        already_enrolled(r);
        return;
    }
    const unsigned char *key = seal_key_or_500(r);
    if (!key)
        return;
    const char *username = json_string_value(json_object_get(r->user, "username"));
    const char *org_name = json_string_value(json_object_get(r->org, "name"));
    unsigned char secret[AUTH_TOTP_SECRET_LEN];
    char b32[AUTH_TOTP_B32_LEN + 1], account[400], at[21];
    char *sealed = NULL, *uri = NULL, *svg = NULL;
    if (!username || !org_name) {
        http_error(r, 500, "internal", "The user record is incomplete.", NULL);
        return;
    }
    /* The account as authenticator apps list it: whose it is and where. */
    snprintf(account, sizeof account, "%s (%s)", username, org_name);
    if (auth_totp_secret_new(secret) || auth_totp_base32(secret, b32) || auth_totp_seal(key, secret, &sealed) ||
        !(uri = auth_totp_uri(MFA_ISSUER, account, b32)) || !(svg = auth_qr_svg(uri))) {
        http_error(r, 500, "internal", "The second factor could not be made.", NULL);
        goto out;
    }
    http_iso_time(r->now, at);
    start_ctx c = {r->uid, r->org_id, sealed, at, ST_OK};
    int rc = store_write(r->st, start_write, &c);
    if (rc)
        http_store_error(r, rc);
    else if (c.state == ST_ENROLLED)
        already_enrolled(r);
    else
        http_reply(r, 200, json_pack("{s:s,s:s,s:s}", "secret", b32, "otpauth_uri", uri, "qr_svg", svg));
out:
    memset(secret, 0, sizeof secret);
    memset(b32, 0, sizeof b32);
    free(sealed);
    free(uri);
    free(svg);
}

/* ---- POST /api/me/mfa/confirm ---- */

typedef struct {
    uint64_t uid, org;
    const char *code, *at;
    const unsigned char *key;
    int64_t now;
    json_t *hashes; /* the recovery codes' digests (borrowed) */
    enum mfa_state state; /* out */
} confirm_ctx;

/* Turns the enrolment in progress into the user's second factor when the code proves the app has
 * the secret; the first code's step counts as used. */
static int confirm_write(store *s, MDB_txn *txn, void *arg)
{
    confirm_ctx *c = arg;
    json_t *u;
    int rc = store_user_get(s, txn, c->uid, &u);
    if (rc)
        return rc;
    const char *sealed = json_string_value(json_object_get(u, "mfa_pending"));
    unsigned char secret[AUTH_TOTP_SECRET_LEN];
    uint64_t step = 0;
    if (mfa_enrolled(u))
        c->state = ST_ENROLLED;
    else if (!sealed)
        c->state = ST_NOT_STARTED;
    else if (auth_totp_open(c->key, sealed, secret))
        c->state = ST_KEY_BROKEN;
    else {
        int v = auth_totp_check(secret, c->now, c->code, &step);
        memset(secret, 0, sizeof secret);
        c->state = v == 0 ? ST_OK : ST_WRONG_CODE;
    }
    if (c->state != ST_OK) {
        json_decref(u);
        return 0;
    }
    json_t *mfa = json_pack("{s:s,s:I,s:O,s:s}", "secret", sealed, "last_step", (json_int_t)step, "recovery",
                            c->hashes, "enrolled_at", c->at);
    if (!mfa || json_object_set_new(u, "mfa", mfa))
        rc = STORE_NOMEM;
    json_object_del(u, "mfa_pending");
    if (!rc)
        rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->uid, c->org, "mfa_enrolled", c->uid);
    json_decref(u);
    return rc;
}

void h_me_mfa_confirm(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (refuse_when_off(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"code", NULL};
    const char *code;
    json_t *codes = json_array(), *hashes = json_array();
    const unsigned char *key;
    if (json_in_only(r, body, allowed) || json_in_string(r, body, "code", 1, 64, &code) ||
        !(key = seal_key_or_500(r)))
        goto out;
    if (!codes || !hashes) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        goto out;
    }
    for (int i = 0; i < AUTH_RECOVERY_COUNT; i++) {
        char rc_code[AUTH_RECOVERY_LEN + 1], digest[AUTH_RECOVERY_HASH_HEX + 1];
        if (auth_recovery_new(rc_code) || auth_recovery_hash(rc_code, digest) ||
            json_array_append_new(codes, json_string(rc_code)) || json_array_append_new(hashes, json_string(digest))) {
            http_error(r, 500, "internal", "The recovery codes could not be made.", NULL);
            goto out;
        }
    }
    char at[21];
    http_iso_time(r->now, at);
    confirm_ctx c = {r->uid, r->org_id, code, at, key, r->now, hashes, ST_OK};
    int rc = store_write(r->st, confirm_write, &c);
    if (rc)
        http_store_error(r, rc);
    else if (c.state == ST_ENROLLED)
        already_enrolled(r);
    else if (c.state == ST_NOT_STARTED)
        http_error(r, 409, "mfa_not_started", "Start setting up two-factor sign-in first.", NULL);
    else if (c.state == ST_KEY_BROKEN)
        http_error(r, 500, "internal", "The enrolment cannot be read. Start setting up two-factor sign-in again.", NULL);
    else if (c.state == ST_WRONG_CODE)
        http_error(r, 422, "validation_failed", NOT_RIGHT_CODE, "code");
    else {
        http_reply(r, 200, json_pack("{s:O}", "recovery_codes", codes));
    }
out:
    json_decref(codes);
    json_decref(hashes);
    json_decref(body);
}

/* ---- DELETE /api/me/mfa ---- */

typedef struct {
    uint64_t uid, org;
    const char *checked_hash, *at;
    enum mfa_state state; /* out */
} disable_ctx;

/* Removes the second factor, unless the password changed since it was checked. */
static int disable_write(store *s, MDB_txn *txn, void *arg)
{
    disable_ctx *c = arg;
    json_t *u;
    int rc = store_user_get(s, txn, c->uid, &u);
    if (rc)
        return rc;
    const char *pw = json_string_value(json_object_get(u, "pw"));
    c->state = !pw || strcmp(pw, c->checked_hash) != 0 ? ST_PW_CHANGED : !mfa_enrolled(u) ? ST_NOT_ENROLLED : ST_OK;
    if (c->state != ST_OK) {
        json_decref(u);
        return 0;
    }
    store_user_mfa_clear(u);
    /* The right password is a success on the user name, as in a password change. */
    rc = store_user_unthrottle(s, txn, u);
    if (!rc)
        rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->uid, c->org, "mfa_disabled", c->uid);
    json_decref(u);
    return rc;
}

static void not_enrolled(http_req *r)
{
    http_error(r, 409, "mfa_not_enrolled", "Two-factor sign-in is not set up for your account.", NULL);
}

void h_me_mfa_delete(http_req *r, const uint64_t *ids)
{
    (void)ids;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"password", NULL};
    const char *password;
    if (json_in_only(r, body, allowed) || json_in_string(r, body, "password", 1, 1024, &password))
        goto out;
    if (!mfa_enrolled(r->user)) {
        not_enrolled(r);
        goto out;
    }
    const char *hash = json_string_value(json_object_get(r->user, "pw"));
    /* The password is asked again so that a session left open cannot remove the second factor; a
     * wrong one counts like a failed sign-in, and a throttled name has none checked. */
    if (h_password_throttled(r))
        goto out;
    if (!hash || !auth_password_verify(hash, password)) {
        h_password_wrong(r, "mfa_disable_failed", "password", "Your password is not right.");
        goto out;
    }
    char at[21];
    http_iso_time(r->now, at);
    disable_ctx c = {r->uid, r->org_id, hash, at, ST_OK};
    int rc = store_write(r->st, disable_write, &c);
    if (rc)
        http_store_error(r, rc);
    else if (c.state == ST_PW_CHANGED)
        http_error(r, 409, "conflict", "Your password was changed meanwhile; please sign in again.", NULL);
    else if (c.state == ST_NOT_ENROLLED)
        not_enrolled(r);
    else
        http_reply_empty(r, 204);
out:
    json_decref(body);
}
