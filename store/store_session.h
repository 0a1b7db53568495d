/*
 * store_session.h - sign-in sessions, so that a token can be refused before its JWT expiry:
 * after logout, a password change or reset, a lock or a delete.
 *
 * DB_SESSIONS: 16-byte random session id -> 24 bytes: user id, start, absolute expiry (u64 BE each).
 * DB_USER_SESSIONS: user id | session id -> empty, so all of a user's sessions can be ended at once.
 */
#ifndef CONNECT_STORE_SESSION_H
#define CONNECT_STORE_SESSION_H

#include "store.h"

#define SESSION_ID_LEN 16

int store_session_create(store *s, MDB_txn *txn, const unsigned char sid[SESSION_ID_LEN], uint64_t uid,
                         int64_t start, int64_t abs_expiry);
/* MDB_NOTFOUND when the session does not exist (ended, or never did). */
int store_session_get(store *s, MDB_txn *txn, const unsigned char sid[SESSION_ID_LEN], uint64_t *uid,
                      int64_t *abs_expiry);
int store_session_delete(store *s, MDB_txn *txn, const unsigned char sid[SESSION_ID_LEN]);
/* Ends every session of the user except `keep` (NULL: all). */
int store_session_delete_user(store *s, MDB_txn *txn, uint64_t uid, const unsigned char *keep);
/* Ends the user's sessions whose 8 hours are over (housekeeping at sign-in). */
int store_session_prune_user(store *s, MDB_txn *txn, uint64_t uid, int64_t now);

#endif
