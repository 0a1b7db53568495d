/*
 * store_internal.h - what only the store's own files (the .c files in store/, and its unit tests) may use: the
 * raw LMDB handle of a named database. Everything above the store reads and writes through the
 * functions of store.h and the store_*.h headers, so that no other layer opens a cursor or depends
 * on how a table is laid out.
 */
#ifndef CONNECT_STORE_INTERNAL_H
#define CONNECT_STORE_INTERNAL_H

#include "store.h"

/* Reader slots in the lock file (its size is set by whichever process creates it). */
#define STORE_MAX_READERS 1024u

/* The LMDB handle of a named database (opened once by store_open, valid while the store is open). */
MDB_dbi store_dbi(store *s, store_db db);

/* The LMDB environment (the scrub reads its page size and last page). */
MDB_env *store_env(store *s);

/* Closes and reopens the environment in place (same store pointer, same databases), dropping the
 * page buffers LMDB recycles between writes. No other thread of the process may use the store
 * meanwhile. On failure the store is unusable: close it (store_close) and open it again. */
int store_reopen(store *s);

#endif
