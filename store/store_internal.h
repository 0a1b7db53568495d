/*
 * store_internal.h - what only the store's own files (the .c files in store/, and its unit tests) may use: the
 * raw LMDB handle of a named database. Everything above the store reads and writes through the
 * functions of store.h and the store_*.h headers, so that no other layer opens a cursor or depends
 * on how a table is laid out.
 */
#ifndef CONNECT_STORE_INTERNAL_H
#define CONNECT_STORE_INTERNAL_H

#include "store.h"

/* The LMDB handle of a named database (opened once by store_open, valid while the store is open). */
MDB_dbi store_dbi(store *s, store_db db);

#endif
