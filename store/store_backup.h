/*
 * store_backup.h - a whole data folder copied out and back: the store as a compacted hot copy, plus
 * the key files without which a restored store is of little use (jwt.key signs the sessions,
 * mfa.key seals the second factors, lookup.key keys the look-up log).
 *
 * A backup folder holds data.mdb and the key files present at the time, each 0600, in a 0700
 * folder. `connectctl backup` and `connectctl restore` use these; so does connectd's scheduler
 * (fcgi/backup_job.h), which also checks each copy before it counts.
 */
#ifndef CONNECT_STORE_BACKUP_H
#define CONNECT_STORE_BACKUP_H

#include <stddef.h>

#include "store.h"

/* The key files a data folder may hold, NULL-terminated. */
extern const char *const store_backup_key_files[];

/* Copies the data folder `data_dir`, whose store `s` is open in this process, into `dest`, which
 * must be absent or an empty folder (made 0700 here). data.mdb is written by mdb_env_copy2 with
 * MDB_CP_COMPACT inside one read transaction: the copy holds exactly every write committed before
 * the copy began, none after, while writers carry on meanwhile. Each file and then the folder are
 * fsynced. *bytes (may be NULL): the size of the copy. 0, STORE_EXISTS when dest is not empty,
 * otherwise an errno or LMDB code (a partial copy may remain in dest). */
int store_backup_folder(store *s, const char *data_dir, const char *dest, size_t *bytes);

/* Restores a backup folder into `data_dir`, which must be absent or an empty folder (made 0700):
 * copies data.mdb and the key files present, 0600, fsynced. It does not check the copy; the caller
 * opens it and runs store_check (store_check.h). 0; STORE_EXISTS when data_dir is not empty;
 * ENOENT when `backup` has no data.mdb; otherwise an errno. */
int store_restore_folder(const char *backup, const char *data_dir);

#endif
