/*
 * store_user.h - user accounts.
 *
 * User record (never sent to clients as is; fcgi/user_json.c makes the public USER):
 *   {"id","org_id","username","name","role":"user"|"admin","team":…|null,"pw":"$argon2id$…",
 *    "must_change":bool,"temp_expires":unix seconds or 0,"weak_password":true?,
 *    "throttled_until":unix seconds?,"email":…|null|absent,"created_at","deleted_at"?,
 *    "mfa":{"secret":sealed,"last_step":N,"recovery":[SHA-256 hex…],"enrolled_at"}?,
 *    "mfa_pending":sealed?,"mfa_nonce":{"id":32 hex,"pw":64 hex}?}
 * "mfa" is present exactly when the user has enrolled a second factor (TOTP, auth_totp.h): the secret
 * sealed under DATA/mfa.key, the step of the last code accepted (a code of that step or an earlier
 * one is refused: no replay), and the digests of the recovery codes not yet used (ten at enrolment,
 * each removed when used). "mfa_pending" is the sealed secret of an enrolment not yet confirmed by a
 * first code. "mfa_nonce" is the pending second step of a sign-in (fcgi/mfa.h): its nonce and a
 * digest of the password hash it was made for. None of them is ever sent to a client.
 * "must_change" with "weak_password" means the password verified but fails the current policy;
 * without it, that the password is a temporary one. "throttled_until" copies the end of the user
 * name's sign-in throttle (store_throttle.h) for the admin's view. "failed" and "locked", written by
 * older versions (a lockout until an admin unlocked it), mean nothing any more.
 * User names are unique among live users (DB_USER_NAME) and listed per organisation in user-name
 * order (DB_ORG_USERS). A deleted user keeps its record (cases and audit rows refer to it) but leaves
 * both indexes and loses every session. All functions run inside a caller's transaction.
 */
#ifndef CONNECT_STORE_USER_H
#define CONNECT_STORE_USER_H

#include "store.h"

/* User names: 3-64 characters of a-z 0-9 . _ -, starting with a letter or digit. Lower-cases `u` in
 * place; 1 when it is then valid. */
int store_user_name_normalise(char *u);

/* E-mail addresses: 3-254 characters of printable ASCII with exactly one '@', neither first nor last,
 * and no space or any of < > ( ) [ ] , ; : " \ (they would break a mail header or the SMTP envelope).
 * 1 when valid. */
#define STORE_USER_EMAIL_MAX 254
int store_user_email_valid(const char *email);

/* Stores a new user from `user` (every field but "id", which is assigned and set in `user`).
 * STORE_EXISTS when the user name is taken. */
int store_user_create(store *s, MDB_txn *txn, json_t *user, uint64_t *id_out);
/* A live user; MDB_NOTFOUND for unknown or deleted users. */
int store_user_get(store *s, MDB_txn *txn, uint64_t id, json_t **out);
int store_user_by_username(store *s, MDB_txn *txn, const char *username, uint64_t *id_out);
/* Replaces a live user's record; user name and organisation must not change. */
int store_user_put(store *s, MDB_txn *txn, const json_t *user);
/* Marks the user deleted, removes it from the indexes and ends its sessions. */
int store_user_delete(store *s, MDB_txn *txn, uint64_t id, const char *deleted_at);

/* Records one failed check of a user's secret (a password; the same call will serve a second-factor
 * code) on the user name `username` at `now`: it counts towards the name's sign-in throttle
 * (store_throttle.h). When `u` is the live user record of that name, it also audits `action` (actor
 * `actor`, 0 for nobody signed in) and, when this failure starts a throttle, audits
 * "login_throttled" and stores u with "throttled_until". With u NULL (no such user) only the
 * throttle is written, so that a known and an unknown name cost the same.
 * *until = the end of the throttle when the name is throttled now, else 0; *began = 1 when this
 * failure started it. */
int store_user_fail(store *s, MDB_txn *txn, const char *username, json_t *u, int64_t now, const char *at,
                    uint64_t actor, const char *action, int64_t *until, int *began);
/* Ends the sign-in throttle on u's user name and removes its marks from u (the caller stores u). */
int store_user_unthrottle(store *s, MDB_txn *txn, json_t *u);
/* For the operator (connectctl): ends the throttle on the live user `username` at once and audits
 * "account_unlocked" with no actor. MDB_NOTFOUND when no live user has that name. */
int store_user_unlock_by_name(store *s, MDB_txn *txn, const char *username, const char *at, uint64_t *uid_out);
/* Gives the live user record u a new password hash, with must_change (and temp_expires, unix seconds,
 * 0 for none) for a password someone else chose; clears the weak-password mark and the throttle,
 * ends all the user's sessions and stores u. */
int store_user_set_password(store *s, MDB_txn *txn, json_t *u, const char *hash, int must_change,
                            int64_t temp_expires);
/* Removes the second factor, an enrolment in progress and a pending second step from u (the caller
 * stores u); 1 when there was a second factor or an enrolment to remove. */
int store_user_mfa_clear(json_t *u);
/* For the operator (connectctl): store_user_set_password on the live user `username`, audited as
 * "password_reset" with no actor. It also removes the user's second factor (audited "mfa_reset"): the
 * operator's way back in is for an administrator who lost the password or the authenticator, and
 * the user enrols again at the next sign-in. MDB_NOTFOUND when no live user has that name. */
int store_user_reset_password_by_name(store *s, MDB_txn *txn, const char *username, const char *hash,
                                      int must_change, int64_t temp_expires, const char *at, uint64_t *uid_out);
/* The live administrators of an organisation, in user-name order: a new array of user records (an
 * organisation has a handful of users, so this reads them all). */
int store_org_admins(store *s, MDB_txn *txn, uint64_t org_id, json_t **out);
/* One page of an organisation's live users in user-name order, starting after user name `after`
 * (NULL: from the start). *items is a new array of user records; *next is a malloc'd cursor or NULL;
 * *total counts all of the organisation's live users. */
int store_user_list(store *s, MDB_txn *txn, uint64_t org_id, const char *after, size_t limit,
                    json_t **items, char **next, size_t *total);

#endif
