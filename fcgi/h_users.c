/* h_users.c - the user accounts an admin manages: list, get, create, edit, delete, unlock, reset the
 * password or the second factor. */
#include "handlers.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "nino_batch.h"
#include "disclosure_rules.h"
#include "auth_password.h"
#include "auth_random.h"
#include "json_in.h"
#include "mfa.h"
#include "params.h"
#include "json_get.h"
#include "store_audit.h"
#include "public_url.h"
#include "store_outbox.h"
#include "store_org.h"
#include "store_outbox.h"
#include "store_session.h"
#include "store_user.h"
#include "user_json.h"

#define TEMP_PASSWORD_LIFETIME (7 * 24 * 60 * 60)

static int is_network_admin(const http_req *r)
{
    return r->is_admin && strcmp(r->org_kind, "network") == 0;
}

/*
 * The Network onboards organisations; it does not run them. Outside its own organisation a Network
 * admin may only add an organisation's first administrator and, on request, unlock or reset the
 * password of one of its administrators. Each such act is audited, emailed to the account and to the
 * organisation's other administrators, and marks the account "owner_setup": it opens nothing but
 * its own set-up (new password, second factor) until its owner has done both (fcgi/session.c). So a
 * Network admin cannot quietly become a reader of case data by creating or resetting an account.
 */
#define NETWORK_SCOPE_MESSAGE "The Network may only add an organisation's first administrator, and unlock or reset its administrators' passwords."

/* Queues the notices of a Network act on user `u` (of organisation `org`): to the account itself and
 * to every other administrator of the organisation who has an email address. No names in the body:
 * the account is named by its Connect user id, which the recipients can look up. */
static int network_notices(store *s, MDB_txn *txn, const json_t *u, uint64_t org, const char *what, int64_t now,
                           const char *public_url)
{
    uint64_t uid = json_get_u64(u, "id");
    char subject[120], body[900];
    snprintf(subject, sizeof subject, "Connect: the Network %s an administrator account", what);
    const char *email = json_get_str(u, "email");
    int rc = 0;
    if (email && *email) {
        snprintf(body, sizeof body,
                 "The Connect Network has %s your Connect administrator account (user %" PRIu64 ").\r\n\r\n"
                 "Before it can be used you must sign in, choose your own password and set up two-factor sign-in.\r\n"
                 "If you did not ask for this, tell your organisation's other administrators and the Connect Network at once.\r\n\r\n"
                 "%s/\r\n",
                 what, uid, public_url);
        rc = store_outbox_add(s, txn, email, subject, body, now);
    }
    json_t *admins = NULL;
    if (!rc)
        rc = store_org_admins(s, txn, org, &admins);
    size_t i;
    json_t *a;
    json_array_foreach(admins, i, a) {
        const char *to = json_get_str(a, "email");
        if (rc || json_get_u64(a, "id") == uid || !to || !*to)
            continue;
        snprintf(body, sizeof body,
                 "The Connect Network has %s an administrator account of your organisation (user %" PRIu64 ").\r\n\r\n"
                 "The account can read no case data until its owner has chosen their own password and set up two-factor sign-in.\r\n"
                 "If nobody in your organisation asked the Network for this, contact the Connect Network and your security team at once,\r\n"
                 "and review the account under User accounts.\r\n\r\n"
                 "%s/#/users\r\n",
                 what, uid, public_url);
        rc = store_outbox_add(s, txn, to, subject, body, now);
    }
    json_decref(admins);
    return rc;
}

/* Deny by default: only admins manage accounts. */
static int require_admin(http_req *r)
{
    if (r->is_admin)
        return 0;
    access_forbidden(r, "Only an administrator may manage user accounts.", NULL);
    return -1;
}

/* The agreement's fields of an account (disclosure_rules.h): "grade" (a grade code or null) and
 * "may_countersign" (bool). *grade_given tells an explicit null (clear it) from an absent member. */
static int in_grade(http_req *r, json_t *body, const char **grade, int *grade_given, int *countersign,
                    int *countersign_given)
{
    *grade_given = json_object_get(body, "grade") != NULL;
    *countersign_given = json_object_get(body, "may_countersign") != NULL &&
                         !json_is_null(json_object_get(body, "may_countersign"));
    return json_in_enum_at(r, body, "grade", "grade", disclosure_grades, 0, grade) ||
           json_in_bool_at(r, body, "may_countersign", "may_countersign", 0, countersign);
}

/* Sets them on the user record u. */
static int set_grade(json_t *u, const char *grade, int grade_given, int countersign, int countersign_given)
{
    if (grade_given && json_object_set_new(u, "grade", grade ? json_string(grade) : json_null()))
        return STORE_NOMEM;
    if (countersign_given && json_object_set_new(u, "may_countersign", json_boolean(countersign)))
        return STORE_NOMEM;
    return 0;
}

static int valid_role(const char *role) { return strcmp(role, "user") == 0 || strcmp(role, "admin") == 0; }

/* The optional "email" member: *out is the address, or NULL when absent, null or "" (which clear it). */
static int in_email(http_req *r, json_t *body, const char **out)
{
    if (json_in_string(r, body, "email", 0, STORE_USER_EMAIL_MAX, out))
        return -1;
    if (*out && !**out)
        *out = NULL;
    if (*out && !store_user_email_valid(*out)) {
        http_error(r, 422, "validation_failed",
                   "An email address has 3 to 254 characters with one '@' and no spaces, and may not contain < > ( ) [ ] , ; : \" or \\.",
                   "email");
        return -1;
    }
    return 0;
}

/* GET /api/users: the query string, described once. The cursor is the last user name of a page. */
typedef struct {
    param_int limit;
    uint64_t org;
    const char *cursor;
} users_list_params;

static const param_field users_list_fields[] = {
    PARAM_LIMIT_FIELD(users_list_params, limit),
    {.name = "org", .type = PARAM_ID, .offset = offsetof(users_list_params, org),
     .message = "org must be an organisation id."},
    {.name = "cursor", .type = PARAM_STRING, .max_chars = 64, .offset = offsetof(users_list_params, cursor),
     .message = "The cursor is not valid."},
};

void h_users_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (require_admin(r))
        return;
    users_list_params in;
    if (params_query(r, users_list_fields, PARAMS_COUNT(users_list_fields), &in))
        return;
    size_t limit = (size_t)in.limit.value;
    uint64_t org = r->org_id;
    if (in.org) {
        if (in.org != org && !is_network_admin(r)) {
            access_not_found(r, "organisation", in.org, "No such organisation.", "org");
            return;
        }
        org = in.org;
    }
    char cursor_buf[65], *cursor = NULL;
    if (in.cursor) {
        snprintf(cursor_buf, sizeof cursor_buf, "%s", in.cursor);
        if (!store_user_name_normalise(cursor_buf)) {
            http_error(r, 400, "invalid_field", "The cursor is not valid.", "cursor");
            return;
        }
        cursor = cursor_buf;
    }
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *orgrec = NULL, *items = NULL, *out = NULL;
    char *next = NULL;
    size_t total = 0;
    int rc = store_org_get(r->st, txn, org, &orgrec);
    if (!rc)
        rc = store_user_list(r->st, txn, org, cursor, limit, &items, &next, &total);
    store_read_end(r->st, txn);
    if (rc == MDB_NOTFOUND) {
        access_not_found(r, "organisation", org, "No such organisation.", "org");
    } else if (rc) {
        http_store_error(r, rc);
    } else {
        json_t *pub = json_array();
        size_t i;
        json_t *u;
        json_array_foreach(items, i, u) json_array_append_new(pub, user_public(u, orgrec));
        out = json_pack("{s:o,s:o,s:I}", "items", pub, "next_cursor", next ? json_string(next) : json_null(), "total",
                        (json_int_t)total);
        http_reply(r, 200, out);
    }
    free(next);
    json_decref(items);
    json_decref(orgrec);
}

/* Loads a user the caller may manage: same organisation, or any for the Network admin. Another
 * organisation's user is "not found", never "forbidden". */
static int load_managed(http_req *r, uint64_t id, json_t **user, json_t **org)
{
    *user = *org = NULL;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return -1;
    int rc = store_user_get(r->st, txn, id, user);
    if (!rc && (uint64_t)json_integer_value(json_object_get(*user, "org_id")) != r->org_id && !is_network_admin(r))
        rc = MDB_NOTFOUND;
    if (!rc)
        rc = store_org_get(r->st, txn, (uint64_t)json_integer_value(json_object_get(*user, "org_id")), org);
    store_read_end(r->st, txn);
    if (rc) {
        json_decref(*user);
        json_decref(*org);
        *user = *org = NULL;
        if (rc == MDB_NOTFOUND)
            access_not_found(r, "user", id, "No such user.", NULL);
        else
            http_store_error(r, rc);
        return -1;
    }
    return 0;
}

void h_user_get(http_req *r, const uint64_t *ids)
{
    json_t *u, *o;
    if (require_admin(r) || load_managed(r, ids[0], &u, &o))
        return;
    http_reply(r, 200, user_public(u, o));
    json_decref(u);
    json_decref(o);
}

/* ---- create ---- */

typedef struct {
    json_t *user; /* the new record; id is set on success */
    uint64_t org, actor, actor_org;
    const char *at;
    int64_t now;
    int by_network; /* a Network admin adding another organisation's first administrator */
    const char *public_url;
    int no_org, has_admin, not_admin; /* out */
    json_t *org_rec;       /* out */
} create_ctx;

static int create_write(store *s, MDB_txn *txn, void *arg)
{
    create_ctx *c = arg;
    c->no_org = c->has_admin = c->not_admin = 0;
    json_decref(c->org_rec);
    c->org_rec = NULL;
    json_object_del(c->user, "id");
    int rc = store_org_get(s, txn, c->org, &c->org_rec);
    if (rc == MDB_NOTFOUND) {
        c->no_org = 1;
        return rc;
    }
    if (!rc && c->by_network && !json_get_str_is(c->user, "role", "admin")) {
        c->not_admin = 1; /* after the organisation's existence: an unknown one is "no such organisation" */
        return STORE_EXISTS;
    }
    if (!rc && c->by_network) { /* checked here, in the write, so two at once cannot both be "first" */
        json_t *admins;
        if ((rc = store_org_admins(s, txn, c->org, &admins)))
            return rc;
        c->has_admin = json_array_size(admins) > 0;
        json_decref(admins);
        if (c->has_admin)
            return STORE_EXISTS;
        json_object_set_new(c->user, "owner_setup", json_true());
    }
    uint64_t id;
    if (!rc)
        rc = store_user_create(s, txn, c->user, &id);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->actor, c->actor_org, c->by_network ? "network_admin_created" : "user_created",
                             id);
    if (!rc && c->by_network)
        rc = network_notices(s, txn, c->user, c->org, "created", c->now, c->public_url);
    return rc;
}

void h_users_create(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (require_admin(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"username", "name", "role", "team", "org", "email", "grade",
                                          "may_countersign", NULL};
    const char *username_in, *name, *role, *team, *email, *grade;
    int grade_given, countersign, countersign_given;
    uint64_t org;
    json_t *user = NULL;
    create_ctx c = {0};
    if (json_in_only(r, body, allowed) || json_in_string(r, body, "username", 1, 64, &username_in) ||
        json_in_name(r, body, "name", 1, 200, &name) || json_in_string(r, body, "role", 1, 16, &role) ||
        json_in_string(r, body, "team", 0, 100, &team) || json_in_id(r, body, "org", 0, &org) ||
        in_email(r, body, &email) || in_grade(r, body, &grade, &grade_given, &countersign, &countersign_given))
        goto out;
    char username[65];
    snprintf(username, sizeof username, "%s", username_in);
    if (!store_user_name_normalise(username)) {
        http_error(r, 422, "validation_failed",
                   "A user name has 3 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.",
                   "username");
        goto out;
    }
    if (!valid_role(role)) {
        http_error(r, 422, "validation_failed", "The role must be \"user\" or \"admin\".", "role");
        goto out;
    }
    if (!org)
        org = r->org_id;
    if (org != r->org_id && !is_network_admin(r)) {
        access_not_found(r, "organisation", org, "No such organisation.", "org");
        goto out;
    }
    int by_network = org != r->org_id;
    char temp[AUTH_TEMP_PASSWORD_LEN + 1], hash[AUTH_HASH_MAX], at[21];
    if (auth_random_password(temp, AUTH_TEMP_PASSWORD_LEN) || auth_password_hash(temp, hash)) {
        http_error(r, 500, "internal", "The temporary password could not be made.", NULL);
        goto out;
    }
    http_iso_time(r->now, at);
    user = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:b,s:I,s:s}", "org_id", (json_int_t)org, "username",
                     username, "name", name, "role", role, "team", team && *team ? json_string(team) : json_null(),
                     "email", email ? json_string(email) : json_null(), "pw", hash,
                     "must_change", 1, "temp_expires", (json_int_t)(r->now + TEMP_PASSWORD_LIFETIME), "created_at", at);
    if (!user || set_grade(user, grade, grade_given, countersign, countersign_given)) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        goto out;
    }
    c = (create_ctx){.user = user, .org = org, .actor = r->uid, .actor_org = r->org_id, .at = at, .now = r->now,
                     .by_network = by_network, .public_url = public_url_base()};
    int rc = store_write(r->st, create_write, &c);
    if (c.no_org)
        http_error(r, 422, "validation_failed", "No such organisation.", "org");
    else if (c.not_admin)
        access_forbidden(r, NETWORK_SCOPE_MESSAGE " That administrator adds everyone else.", "role");
    else if (c.has_admin)
        access_forbidden(r, "This organisation already has an administrator: ask them to add the account. " NETWORK_SCOPE_MESSAGE,
                         "org");
    else if (rc == STORE_EXISTS)
        http_error(r, 409, "conflict", "That user name is taken.", "username");
    else if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 201, json_pack("{s:o,s:s}", "user", user_public(user, c.org_rec), "temporary_password", temp));
    memset(temp, 0, sizeof temp);
out:
    json_decref(c.org_rec);
    json_decref(user);
    json_decref(body);
}

/* ---- changes to one managed user ---- */

typedef enum { EDIT_PATCH, EDIT_DELETE, EDIT_UNLOCK, EDIT_RESET, EDIT_MFA_RESET } edit_kind;

typedef struct {
    edit_kind kind;
    uint64_t target, actor, actor_org;
    int network;
    const char *at;
    /* EDIT_PATCH */
    const char *name, *role;
    json_t *team;  /* borrowed: string or null; NULL when not given */
    json_t *email; /* the same */
    const char *grade;
    int grade_given, countersign, countersign_given;
    int nino, nino_given; /* nino_designated (the NINo partner's admin only) */
    /* EDIT_RESET */
    const char *hash;
    int64_t temp_expires, now;
    const char *public_url;
    int out_of_scope;   /* out: a Network act the Network may not do */
    int nothing;        /* out (EDIT_MFA_RESET): the user had no second factor to reset */
    json_t *user, *org; /* out (EDIT_PATCH) */
} edit_ctx;

/* Tells the user, through the outbox, that an administrator reset their second factor: a reset they
 * did not ask for is how they would learn of a takeover. The message names no one. */
static int mail_mfa_reset(store *s, MDB_txn *txn, const json_t *u, int64_t now)
{
    const char *to = json_string_value(json_object_get(u, "email"));
    if (!to || !*to)
        return 0;
    const char *base = getenv("CONNECT_PUBLIC_URL");
    if (!base || !*base)
        base = "http://127.0.0.1:8080";
    char body[700];
    snprintf(body, sizeof body,
             "An administrator has reset two-factor sign-in on your Connect account.\r\n\r\n"
             "The next time you sign in you will be asked to set it up again with your authenticator app: %s/\r\n\r\n"
             "If you did not ask for this, tell your organisation's Connect administrator at once.\r\n\r\n"
             "Please do not reply to this message.\r\n",
             base);
    return store_outbox_add(s, txn, to, "Connect: your two-factor sign-in was reset", body, now);
}

static int edit_write(store *s, MDB_txn *txn, void *arg)
{
    edit_ctx *c = arg;
    json_decref(c->user);
    json_decref(c->org);
    c->user = c->org = NULL;
    json_t *u;
    int rc = store_user_get(s, txn, c->target, &u);
    if (rc)
        return rc;
    uint64_t org = (uint64_t)json_integer_value(json_object_get(u, "org_id"));
    if (org != c->actor_org && !c->network) {
        json_decref(u);
        return MDB_NOTFOUND;
    }
    int by_network = org != c->actor_org; /* then c->network: see the rule above network_notices */
    c->out_of_scope = by_network && ((c->kind != EDIT_UNLOCK && c->kind != EDIT_RESET && c->kind != EDIT_MFA_RESET) ||
                                     !json_get_str_is(u, "role", "admin"));
    if (c->out_of_scope) {
        json_decref(u);
        return 0;
    }
    const char *action = "";
    switch (c->kind) {
    case EDIT_DELETE:
        json_decref(u);
        rc = store_user_delete(s, txn, c->target, c->at);
        if (!rc)
            rc = store_audit_add(s, txn, c->at, c->actor, c->actor_org, "user_deleted", c->target);
        return rc;
    case EDIT_PATCH:
        action = "user_changed";
        if (c->name)
            json_object_set_new(u, "name", json_string(c->name));
        if (c->role)
            json_object_set_new(u, "role", json_string(c->role));
        if (c->team && json_object_set(u, "team", c->team))
            rc = STORE_NOMEM;
        if (c->email && json_object_set(u, "email", c->email))
            rc = STORE_NOMEM;
        if (!rc)
            rc = set_grade(u, c->grade, c->grade_given, c->countersign, c->countersign_given);
        if (!rc && c->nino_given && json_object_set_new(u, "nino_designated", json_boolean(c->nino)))
            rc = STORE_NOMEM;
        break;
    case EDIT_UNLOCK:
        action = by_network ? "network_account_unlocked" : "account_unlocked";
        rc = store_user_unthrottle(s, txn, u);
        if (!rc && by_network)
            rc = network_notices(s, txn, u, org, "unlocked", c->now, c->public_url);
        break;
    case EDIT_RESET:
        action = by_network ? "network_password_reset" : "password_reset";
        rc = store_user_set_password(s, txn, u, c->hash, 1, c->temp_expires);
        if (!rc && by_network) {
            json_object_set_new(u, "owner_setup", json_true());
            rc = network_notices(s, txn, u, org, "reset the password of", c->now, c->public_url);
        }
        break;
    case EDIT_MFA_RESET:
        action = by_network ? "network_mfa_reset" : "mfa_reset";
        c->nothing = !store_user_mfa_clear(u);
        if (c->nothing) {
            json_decref(u);
            return 0;
        }
        rc = store_session_delete_user(s, txn, c->target, NULL);
        if (!rc && by_network) {
            json_object_set_new(u, "owner_setup", json_true());
            rc = network_notices(s, txn, u, org, "reset the two-factor sign-in of", c->now, c->public_url);
        } else if (!rc) {
            rc = mail_mfa_reset(s, txn, u, c->now);
        }
        break;
    }
    if (!rc)
        rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->actor, c->actor_org, action, c->target);
    if (!rc && c->kind == EDIT_PATCH)
        rc = store_org_get(s, txn, org, &c->org);
    if (rc) {
        json_decref(u);
        return rc;
    }
    c->user = u;
    return 0;
}

static int run_edit(http_req *r, edit_ctx *c)
{
    char at[21];
    http_iso_time(r->now, at);
    c->actor = r->uid;
    c->actor_org = r->org_id;
    c->network = is_network_admin(r);
    c->at = at;
    c->now = r->now;
    c->public_url = public_url_base();
    int rc = store_write(r->st, edit_write, c);
    c->at = NULL;
    if (rc == MDB_NOTFOUND)
        access_not_found(r, "user", c->target, "No such user.", NULL);
    else if (rc)
        http_store_error(r, rc);
    else if (c->out_of_scope)
        access_forbidden(r, NETWORK_SCOPE_MESSAGE, NULL);
    return rc || c->out_of_scope ? -1 : 0;
}

void h_user_patch(http_req *r, const uint64_t *ids)
{
    if (require_admin(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"name",  "role", "team", "email", "grade", "may_countersign",
                                          "nino_designated", NULL};
    edit_ctx c = {.kind = EDIT_PATCH, .target = ids[0]};
    const char *team, *email;
    json_t *email_new = NULL;
    if (json_in_only(r, body, allowed) || json_in_name(r, body, "name", 0, 200, &c.name) ||
        json_in_string(r, body, "role", 0, 16, &c.role) || json_in_string(r, body, "team", 0, 100, &team) ||
        in_email(r, body, &email) ||
        in_grade(r, body, &c.grade, &c.grade_given, &c.countersign, &c.countersign_given) ||
        json_in_bool_at(r, body, "nino_designated", "nino_designated", 0, &c.nino))
        goto out;
    c.nino_given = json_object_get(body, "nino_designated") && !json_is_null(json_object_get(body, "nino_designated"));
    if (c.nino_given && !nino_partner_org(r)) {
        http_error(r, 422, "validation_failed", "Only the NINo partner's administrators designate users for NINo batches.",
                   "nino_designated");
        goto out;
    }
    if (json_object_get(body, "name") && !json_is_null(json_object_get(body, "name")) && !*c.name) {
        http_error(r, 422, "validation_failed", "The name must not be empty.", "name");
        goto out;
    }
    if (c.role && !valid_role(c.role)) {
        http_error(r, 422, "validation_failed", "The role must be \"user\" or \"admin\".", "role");
        goto out;
    }
    if (c.role && ids[0] == r->uid && strcmp(c.role, "admin") != 0) {
        http_error(r, 422, "validation_failed", "You cannot remove your own administrator role.", "role");
        goto out;
    }
    json_t *t = json_object_get(body, "team");
    if (t)
        c.team = team && *team ? t : json_null();
    if (json_object_get(body, "email")) {
        c.email = email_new = email ? json_string(email) : json_null();
        if (!email_new) {
            http_error(r, 500, "internal", "Out of memory.", NULL);
            goto out;
        }
    }
    if (run_edit(r, &c) == 0)
        http_reply(r, 200, user_public(c.user, c.org));
out:
    json_decref(email_new);
    json_decref(c.user);
    json_decref(c.org);
    json_decref(body);
}

void h_user_delete(http_req *r, const uint64_t *ids)
{
    if (require_admin(r))
        return;
    if (ids[0] == r->uid) {
        http_error(r, 422, "validation_failed", "You cannot delete your own account.", NULL);
        return;
    }
    edit_ctx c = {.kind = EDIT_DELETE, .target = ids[0]};
    if (run_edit(r, &c) == 0)
        http_reply_empty(r, 204);
    json_decref(c.user);
    json_decref(c.org);
}

void h_user_unlock(http_req *r, const uint64_t *ids)
{
    if (require_admin(r))
        return;
    edit_ctx c = {.kind = EDIT_UNLOCK, .target = ids[0]};
    if (run_edit(r, &c) == 0)
        http_reply_empty(r, 204);
    json_decref(c.user);
    json_decref(c.org);
}

void h_user_reset_password(http_req *r, const uint64_t *ids)
{
    if (require_admin(r))
        return;
    /* Check the scope before spending a hash on it. */
    json_t *u, *o;
    if (load_managed(r, ids[0], &u, &o))
        return;
    json_decref(u);
    json_decref(o);
    char temp[AUTH_TEMP_PASSWORD_LEN + 1], hash[AUTH_HASH_MAX];
    if (auth_random_password(temp, AUTH_TEMP_PASSWORD_LEN) || auth_password_hash(temp, hash)) {
        http_error(r, 500, "internal", "The temporary password could not be made.", NULL);
        return;
    }
    edit_ctx c = {.kind = EDIT_RESET, .target = ids[0], .hash = hash,
                  .temp_expires = r->now + TEMP_PASSWORD_LIFETIME};
    if (run_edit(r, &c) == 0)
        http_reply(r, 200, json_pack("{s:s}", "temporary_password", temp));
    memset(temp, 0, sizeof temp);
    json_decref(c.user);
    json_decref(c.org);
}

/* An admin's reset of a user's second factor (a lost phone): the user enrols again at the next
 * sign-in, every session of theirs ends, and they are told by email. Scope as for a password reset. */
void h_user_mfa_reset(http_req *r, const uint64_t *ids)
{
    if (require_admin(r))
        return;
    if (ids[0] == r->uid) {
        http_error(r, 422, "validation_failed",
                   "You cannot reset your own two-factor sign-in here: turn it off on My profile with your password.", NULL);
        return;
    }
    edit_ctx c = {.kind = EDIT_MFA_RESET, .target = ids[0]};
    if (run_edit(r, &c) == 0) {
        if (c.nothing)
            http_error(r, 409, "mfa_not_enrolled", "This user has not set up two-factor sign-in.", NULL);
        else
            http_reply_empty(r, 204);
    }
    json_decref(c.user);
    json_decref(c.org);
}
