/* store_user.c - user accounts and their indexes. */
#include "store_user.h"
#include "json_get.h"
#include "store_audit.h"
#include "store_session.h"
#include "store_throttle.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define USERNAME_MAX 64

int store_user_name_normalise(char *u)
{
    size_t n = strlen(u);
    if (n < 3 || n > USERNAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        u[i] = (char)tolower((unsigned char)u[i]);
        int c = (unsigned char)u[i];
        if (!(islower(c) || isdigit(c) || ((c == '.' || c == '_' || c == '-') && i > 0)))
            return 0;
    }
    return 1;
}

int store_user_email_valid(const char *e)
{
    size_t n = strlen(e), at = 0, ats = 0;
    if (n < 3 || n > STORE_USER_EMAIL_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)e[i];
        if (c <= 0x20 || c >= 0x7f || strchr("<>()[],;:\"\\", c))
            return 0;
        if (c == '@') {
            ats++;
            at = i;
        }
    }
    return ats == 1 && at > 0 && at < n - 1;
}

/* DB_ORG_USERS key: org id (8 bytes big-endian) followed by the user name. */
static size_t org_user_key(unsigned char *out, uint64_t org_id, const char *username)
{
    size_t n = strlen(username);
    if (n > USERNAME_MAX)
        n = USERNAME_MAX;
    store_key_u64(out, org_id);
    memcpy(out + 8, username, n);
    return 8 + n;
}

int store_user_by_username(store *s, MDB_txn *txn, const char *username, uint64_t *id_out)
{
    size_t n = strlen(username);
    if (n == 0 || n > USERNAME_MAX)
        return MDB_NOTFOUND;
    return store_u64_get(s, txn, DB_USER_NAME, username, n, id_out);
}

int store_user_create(store *s, MDB_txn *txn, json_t *user, uint64_t *id_out)
{
    const char *username = json_string_value(json_object_get(user, "username"));
    json_int_t org_id = json_integer_value(json_object_get(user, "org_id"));
    if (!username || !*username || strlen(username) > USERNAME_MAX || org_id <= 0)
        return EINVAL;
    uint64_t id;
    int rc = store_user_by_username(s, txn, username, &id);
    if (rc == 0)
        return STORE_EXISTS;
    if (rc != MDB_NOTFOUND)
        return rc;
    if ((rc = store_seq_next(s, txn, "users", &id)))
        return rc;
    if (json_object_set_new(user, "id", json_integer((json_int_t)id)))
        return STORE_NOMEM;
    unsigned char key[8], okey[8 + USERNAME_MAX];
    store_key_u64(key, id);
    if ((rc = store_json_put(s, txn, DB_USERS, key, 8, user)))
        return rc;
    if ((rc = store_u64_put(s, txn, DB_USER_NAME, username, strlen(username), id, MDB_NOOVERWRITE)))
        return rc;
    size_t ok = org_user_key(okey, (uint64_t)org_id, username);
    if ((rc = store_u64_put(s, txn, DB_ORG_USERS, okey, ok, id, MDB_NOOVERWRITE)))
        return rc;
    *id_out = id;
    return 0;
}

int store_user_get(store *s, MDB_txn *txn, uint64_t id, json_t **out)
{
    unsigned char key[8];
    store_key_u64(key, id);
    int rc = store_json_get(s, txn, DB_USERS, key, 8, out);
    if (rc == 0 && json_object_get(*out, "deleted_at")) {
        json_decref(*out);
        *out = NULL;
        return MDB_NOTFOUND;
    }
    return rc;
}

int store_user_put(store *s, MDB_txn *txn, const json_t *user)
{
    json_int_t id = json_integer_value(json_object_get(user, "id"));
    if (id <= 0)
        return EINVAL;
    unsigned char key[8];
    store_key_u64(key, (uint64_t)id);
    return store_json_put(s, txn, DB_USERS, key, 8, user);
}

int store_user_delete(store *s, MDB_txn *txn, uint64_t id, const char *deleted_at)
{
    json_t *user;
    int rc = store_user_get(s, txn, id, &user);
    if (rc)
        return rc;
    const char *username = json_string_value(json_object_get(user, "username"));
    uint64_t org_id = (uint64_t)json_integer_value(json_object_get(user, "org_id"));
    unsigned char okey[8 + USERNAME_MAX];
    size_t ok = username ? org_user_key(okey, org_id, username) : 0;
    if (!username)
        rc = STORE_CORRUPT;
    if (!rc)
        rc = store_del(s, txn, DB_USER_NAME, username, strlen(username));
    if (!rc)
        rc = store_del(s, txn, DB_ORG_USERS, okey, ok);
    if (!rc && json_object_set_new(user, "deleted_at", json_string(deleted_at)))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_user_put(s, txn, user);
    if (!rc)
        rc = store_session_delete_user(s, txn, id, NULL);
    json_decref(user);
    return rc;
}

int store_user_list(store *s, MDB_txn *txn, uint64_t org_id, const char *after, size_t limit,
                    json_t **items, char **next, size_t *total)
{
    *items = json_array();
    *next = NULL;
    *total = 0;
    if (!*items)
        return STORE_NOMEM;
    unsigned char prefix[8];
    store_key_u64(prefix, org_id);
    const char *last = NULL; /* in the map: valid while the transaction lives */
    size_t last_len = 0;
    int more = 0, rc = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_ORG_USERS, prefix, sizeof prefix);
    while (store_iter_next(&it)) {
        (*total)++;
        const char *name = (const char *)it.key.mv_data + 8;
        size_t nlen = it.key.mv_size - 8;
        if (after) {
            size_t alen = strlen(after);
            int c = memcmp(name, after, nlen < alen ? nlen : alen);
            if (c < 0 || (c == 0 && nlen <= alen))
                continue;
        }
        if (json_array_size(*items) >= limit) {
            more = 1;
            continue; /* keep counting the total */
        }
        if (it.val.mv_size != 8) {
            rc = STORE_CORRUPT;
            break;
        }
        json_t *user;
        int grc = store_user_get(s, txn, store_u64_from(it.val.mv_data), &user);
        if (grc) {
            rc = grc;
            break;
        }
        if (json_array_append_new(*items, user)) {
            rc = STORE_NOMEM;
            break;
        }
        last = name;
        last_len = nlen;
    }
    if (!(rc = store_iter_end(&it, rc)) && more && last) {
        *next = strndup(last, last_len);
        if (!*next)
            rc = STORE_NOMEM;
    }
    if (!rc)
        return 0;
    json_decref(*items);
    *items = NULL;
    return rc;
}

int store_user_fail(store *s, MDB_txn *txn, const char *username, json_t *u, int64_t now, const char *at,
                    uint64_t actor, const char *action, int64_t *until, int *began)
{
    int rc = store_throttle_fail(s, txn, username, now, until, began);
    if (rc || !u)
        return rc;
    uint64_t uid = (uint64_t)json_integer_value(json_object_get(u, "id"));
    uint64_t org = (uint64_t)json_integer_value(json_object_get(u, "org_id"));
    rc = store_audit_add(s, txn, at, actor, org, action, uid);
    if (rc || !*began)
        return rc;
    if (json_object_set_new(u, "throttled_until", json_integer((json_int_t)*until)))
        return STORE_NOMEM;
    rc = store_audit_add(s, txn, at, actor, org, "login_throttled", uid);
    return rc ? rc : store_user_put(s, txn, u);
}

int store_user_unthrottle(store *s, MDB_txn *txn, json_t *u)
{
    const char *username = json_string_value(json_object_get(u, "username"));
    if (!username)
        return STORE_CORRUPT;
    int rc = store_throttle_clear(s, txn, username);
    if (rc)
        return rc;
    json_object_del(u, "throttled_until");
    json_object_del(u, "locked");
    json_object_del(u, "failed");
    return 0;
}

/* The live user record of a user name as the operator typed it (any case), for the operator's
 * commands. */
static int user_by_name(store *s, MDB_txn *txn, const char *username, json_t **u, uint64_t *uid)
{
    char folded[USERNAME_MAX + 1];
    if (strlen(username) > USERNAME_MAX)
        return MDB_NOTFOUND;
    memcpy(folded, username, strlen(username) + 1);
    if (!store_user_name_normalise(folded))
        return MDB_NOTFOUND;
    int rc = store_user_by_username(s, txn, folded, uid);
    return rc ? rc : store_user_get(s, txn, *uid, u);
}

int store_user_unlock_by_name(store *s, MDB_txn *txn, const char *username, const char *at, uint64_t *uid_out)
{
    json_t *u;
    int rc = user_by_name(s, txn, username, &u, uid_out);
    if (rc)
        return rc;
    uint64_t org = (uint64_t)json_integer_value(json_object_get(u, "org_id"));
    rc = store_user_unthrottle(s, txn, u);
    if (!rc)
        rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_audit_add(s, txn, at, 0, org, "account_unlocked", *uid_out);
    json_decref(u);
    return rc;
}

int store_user_set_password(store *s, MDB_txn *txn, json_t *u, const char *hash, int must_change,
                            int64_t temp_expires)
{
    uint64_t uid = (uint64_t)json_integer_value(json_object_get(u, "id"));
    if (json_object_set_new(u, "pw", json_string(hash)) ||
        json_object_set_new(u, "must_change", json_boolean(must_change)) ||
        json_object_set_new(u, "temp_expires", json_integer((json_int_t)temp_expires)))
        return STORE_NOMEM;
    json_object_del(u, "weak_password");
    int rc = store_user_unthrottle(s, txn, u);
    if (!rc)
        rc = store_user_put(s, txn, u);
    if (!rc)
        rc = store_session_delete_user(s, txn, uid, NULL);
    return rc;
}

int store_user_mfa_clear(json_t *u)
{
    int had = json_object_get(u, "mfa") != NULL || json_object_get(u, "mfa_pending") != NULL;
    json_object_del(u, "mfa");
    json_object_del(u, "mfa_pending");
    json_object_del(u, "mfa_nonce");
    return had;
}

int store_user_reset_password_by_name(store *s, MDB_txn *txn, const char *username, const char *hash,
                                      int must_change, int64_t temp_expires, const char *at, uint64_t *uid_out)
{
    json_t *u;
    int rc = user_by_name(s, txn, username, &u, uid_out);
    if (rc)
        return rc;
    uint64_t org = (uint64_t)json_integer_value(json_object_get(u, "org_id"));
    int had_mfa = store_user_mfa_clear(u);
    rc = store_user_set_password(s, txn, u, hash, must_change, temp_expires);
    if (!rc)
        rc = store_audit_add(s, txn, at, 0, org, "password_reset", *uid_out);
    if (!rc && had_mfa)
        rc = store_audit_add(s, txn, at, 0, org, "mfa_reset", *uid_out);
    json_decref(u);
    return rc;
}

int store_org_admins(store *s, MDB_txn *txn, uint64_t org_id, json_t **out)
{
    *out = json_array();
    if (!*out)
        return STORE_NOMEM;
    unsigned char prefix[8];
    store_key_u64(prefix, org_id);
    int rc = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, DB_ORG_USERS, prefix, sizeof prefix);
    while (store_iter_next(&it)) {
        if (it.val.mv_size != 8) {
            rc = STORE_CORRUPT;
            break;
        }
        json_t *user;
        if ((rc = store_user_get(s, txn, store_u64_from(it.val.mv_data), &user)))
            break;
        if (!json_get_str_is(user, "role", "admin")) {
            json_decref(user);
            continue;
        }
        if (json_array_append_new(*out, user)) {
            rc = STORE_NOMEM;
            break;
        }
    }
    rc = store_iter_end(&it, rc);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
