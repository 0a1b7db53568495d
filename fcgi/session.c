/* session.c - authenticating requests and issuing session tokens. */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "mfa.h"
#include "public_url.h"
#include "record_cache.h"
#include "store_org.h"
#include "store_session.h"
#include "store_user.h"

/* The cookie's name and its attributes besides Max-Age, for the mode CONNECT_PUBLIC_URL sets. */
static const char *cookie_name(void) { return public_url_is_https() ? SESSION_COOKIE_HOST : SESSION_COOKIE; }

static const char *cookie_attributes(const http_req *r)
{
    if (public_url_is_https())
        return "Path=/; HttpOnly; Secure; SameSite=Strict";
    return r->https ? "Path=/api; HttpOnly; SameSite=Strict; Secure" : "Path=/api; HttpOnly; SameSite=Strict";
}

/* The token: "Authorization: Bearer X" wins; else the session cookie of this mode. NULL when neither. */
static const char *token_of(http_req *r, char *buf, size_t cap)
{
    if (strncasecmp(r->authorization, "Bearer ", 7) == 0) {
        r->via_cookie = 0;
        return r->authorization + 7;
    }
    const char *p = r->cookie, *name = cookie_name();
    size_t nlen = strlen(name);
    while (p && *p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t vlen = len - nlen - 1;
            if (vlen >= cap)
                return NULL;
            memcpy(buf, p + nlen + 1, vlen);
            buf[vlen] = '\0';
            r->via_cookie = 1;
            return buf;
        }
        p = end;
    }
    return NULL;
}

static int unsafe_method(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static void unauthenticated(http_req *r)
{
    if (r->via_cookie)
        session_clear_cookie(r);
    http_error(r, 401, "unauthenticated", "Please sign in.", NULL);
}

int session_setup_pending(const json_t *user, const char **code, const char **message)
{
    if (json_is_true(json_object_get(user, "must_change"))) {
        *code = "password_change_required";
        *message = json_is_true(json_object_get(user, "weak_password"))
                       ? "Your password is too easy to guess: you must change it first."
                       : "You must change your temporary password first.";
        return 1;
    }
    if (mfa_enrolment_required(user)) {
        *code = "mfa_enrolment_required";
        *message = "You must set up two-factor sign-in first: Connect requires it for every account.";
        return 1;
    }
    if (session_owner_setup_pending(user)) {
        *code = "account_setup_required";
        *message = "This account was set up or reset by the Connect Network: set up two-factor sign-in under My profile "
                   "before you use it.";
        return 1;
    }
    return 0;
}

int session_owner_setup_pending(const json_t *user)
{
    if (!json_is_true(json_object_get(user, "owner_setup")))
        return 0;
    return json_is_true(json_object_get(user, "must_change")) || (mfa_policy() != MFA_OFF && !mfa_enrolled(user));
}

int session_authenticate(http_req *r, unsigned flags)
{
    char buf[4200];
    const char *token = token_of(r, buf, sizeof buf);
    if (!token || !*token) {
        http_error(r, 401, "unauthenticated", "Please sign in.", NULL);
        return -1;
    }
    /* A token this thread verified before needs only its times checked again (record_cache.h). */
    if (record_cache_token(token, &r->claims)) {
        if (!auth_jwt_current(&r->claims, r->now)) {
            unauthenticated(r);
            return -1;
        }
    } else if (auth_jwt_verify(r->key, token, r->now, &r->claims)) {
        unauthenticated(r);
        return -1;
    } else {
        record_cache_token_put(token, &r->claims);
    }
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return -1;
    uint64_t suid;
    int64_t abs_expiry;
    int rc = store_session_get(r->st, txn, r->claims.sid, &suid, &abs_expiry);
    if (rc == 0 && (suid != r->claims.uid || abs_expiry <= r->now))
        rc = MDB_NOTFOUND;
    /* The session is read every time; the user and organisation are parsed again only when their
     * stored bytes changed (record_cache.h). A deleted user is kept with "deleted_at": gone, as for
     * store_user_get. */
    if (rc == 0)
        rc = record_cache_get(r->st, txn, DB_USERS, r->claims.uid, &r->user);
    if (rc == 0 && json_object_get(r->user, "deleted_at"))
        rc = MDB_NOTFOUND;
    if (rc == 0)
        rc = record_cache_get(r->st, txn, DB_ORGS, (uint64_t)json_integer_value(json_object_get(r->user, "org_id")),
                              &r->org);
    store_read_end(r->st, txn);
    if (rc == MDB_NOTFOUND) {
        unauthenticated(r);
        return -1;
    }
    if (rc) {
        http_store_error(r, rc);
        return -1;
    }
    r->uid = r->claims.uid;
    r->org_id = (uint64_t)json_integer_value(json_object_get(r->org, "id"));
    r->org_kind = json_string_value(json_object_get(r->org, "kind"));
    const char *role = json_string_value(json_object_get(r->user, "role"));
    r->is_admin = role && strcmp(role, "admin") == 0;
    if (!r->org_kind) {
        http_error(r, 500, "internal", "The organisation record is incomplete.", NULL);
        return -1;
    }
    if (r->via_cookie && unsafe_method(r->method) && strcmp(r->requested_with, "connect") != 0) {
        http_error(r, 403, "csrf", "This request must carry the header X-Requested-With: connect.", NULL);
        return -1;
    }
    const char *code, *message;
    if (!(flags & SESSION_ALLOW_SETUP) && session_setup_pending(r->user, &code, &message)) {
        http_error(r, 403, code, message, NULL);
        return -1;
    }
    /* Sliding renewal: a fresh token while the user is active, never past the absolute end. */
    if (r->now - r->claims.iat > SESSION_RENEW_AFTER && abs_expiry > r->now) {
        char *fresh = NULL;
        int64_t exp;
        if (session_issue(r, r->uid, r->claims.sid, abs_expiry, &fresh, &exp) == 0) {
            char when[21];
            http_iso_time(exp, when);
            http_header_add(r, "X-Connect-Token: %s", fresh);
            http_header_add(r, "X-Connect-Token-Expires: %s", when);
        }
        free(fresh);
    }
    return 0;
}

int session_issue(http_req *r, uint64_t uid, const unsigned char sid[16], int64_t abs_expiry, char **token_out,
                  int64_t *exp_out)
{
    auth_claims c = {.uid = uid, .iat = r->now, .exp = r->now + SESSION_IDLE};
    if (c.exp > abs_expiry)
        c.exp = abs_expiry;
    memcpy(c.sid, sid, 16);
    char *token;
    if (auth_jwt_sign(r->key, &c, &token))
        return -1;
    if (http_header_add(r, "Set-Cookie: %s=%s; Max-Age=%lld; %s", cookie_name(), token, (long long)(c.exp - r->now),
                        cookie_attributes(r))) {
        free(token);
        return -1;
    }
    if (exp_out)
        *exp_out = c.exp;
    if (token_out)
        *token_out = token;
    else
        free(token);
    return 0;
}

void session_clear_cookie(http_req *r)
{
    http_header_add(r, "Set-Cookie: %s=; Max-Age=0; %s", cookie_name(), cookie_attributes(r));
}
