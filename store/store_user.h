/*
 * store_user.h - user accounts.
 *
 * User record (never sent to clients as is; fcgi/user_json.c makes the public USER):
 *   {"id","org_id","username","name","role":"user"|"admin","team":…|null,"pw":"$argon2id$…",
 *    "failed":N,"locked":bool,"must_change":bool,"temp_expires":unix seconds or 0,
 *    "email":…|null|absent,"created_at","deleted_at"?}
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
#define STORE_USER_LOCK_AFTER 5

/* Records one failed password check on the live user record `u` (modified and stored): counts it,
 * audits `action` (actor `actor`, 0 for nobody signed in) and, at STORE_USER_LOCK_AFTER failures in a
 * row, locks the account, audits the lockout and ends all its sessions. *locked tells which. */
int store_user_fail(store *s, MDB_txn *txn, json_t *u, const char *at, uint64_t actor, const char *action,
                    int *locked);
/* One page of an organisation's live users in user-name order, starting after user name `after`
 * (NULL: from the start). *items is a new array of user records; *next is a malloc'd cursor or NULL;
 * *total counts all of the organisation's live users. */
int store_user_list(store *s, MDB_txn *txn, uint64_t org_id, const char *after, size_t limit,
                    json_t **items, char **next, size_t *total);

#endif
