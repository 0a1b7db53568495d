/*
 * store_register.h - the Home Office status register that the RTPF checker looks people up in.
 *
 * One record per qualifying document, keyed by document type and normalised number
 * (DB_REGISTER: type code (1 byte) | number); the date of birth is checked on look-up, never part
 * of the key, so a wrong date is simply no match. Record:
 *   {"document_type","document_number" (normalised),"date_of_birth","given_names","family_name",
 *    "nationality","status","leave_valid":bool,"leave_expiry"?,"recourse_to_public_funds":bool}
 *
 * Imports are all or nothing: register_import_parse() checks every row of the CSV (the header of
 * shared/API.md) and reports each bad one with its line; store_register_put_all() then writes the
 * records in the caller's single write transaction (a record with the same key is replaced).
 * A large upload streams instead: spooled to a file, it is checked block by block by
 * register_import_check_fd(), which keeps only each row's key in memory and appends the records in
 * their stored form to a second file, and store_register_put_entries() replays that file in one
 * transaction, so neither the upload nor its records are ever held whole in memory.
 */
#ifndef CONNECT_STORE_REGISTER_H
#define CONNECT_STORE_REGISTER_H

#include "store.h"

#define REGISTER_NUMBER_MAX 64

extern const char *const register_doc_types[]; /* passport, national_id, brp, ukvi_account, share_code */
/* 1-based code of a document type, 0 when unknown. */
int register_doc_type_code(const char *type);
/* Normalises a document number: spaces and hyphens dropped, letters upper-cased. 0, or -1 when the
 * result is empty, longer than REGISTER_NUMBER_MAX or holds anything but A-Z and 0-9. */
int register_number_norm(const char *in, char out[REGISTER_NUMBER_MAX + 1]);

/* The records of an import, compactly: each entry is its key and its stored JSON bytes, so a file of
 * a million rows costs about what its records take on disk, not a million jansson objects. */
typedef struct {
    char *buf;     /* entries: u32 line | u16 key length | key | u32 value length | value */
    size_t len, cap;
    size_t *offs;  /* where each entry starts */
    size_t n, offs_cap;
} register_batch;
void register_batch_free(register_batch *b);

/* Parses and checks a whole register CSV. On success (0) *out holds the records; otherwise (-1)
 * *errors is a new array of {"line","field","message"} in line order (at most max_errors, the first
 * problem of each bad row). today: YYYY-MM-DD (dates of birth may not be later). */
int register_import_parse(const char *csv, size_t len, const char *today, size_t max_errors, register_batch *out,
                          json_t **errors);
/* The same checks as register_import_parse over the CSV file csv_fd (read from its start, a block at a
 * time), appending each good row's key and stored record to the file entries_fd (emptied first) for
 * store_register_put_entries. Memory: the rows' keys only. 0 with the number of records; -1 with
 * *errors as above; or an errno (ENOSPC: the entries did not fit on the disk), *errors NULL. */
int register_import_check_fd(int csv_fd, int entries_fd, const char *today, size_t max_errors, size_t *records,
                             json_t **errors);
/* Writes the records that register_import_check_fd put in entries_fd (from its start; write
 * transaction, which may run it again): *records written, *added as below. */
int store_register_put_entries(store *s, MDB_txn *txn, int entries_fd, size_t *records, size_t *added);
/* Writes an import's records; *added counts the keys that were new. */
int store_register_put_batch(store *s, MDB_txn *txn, const register_batch *b, size_t *added);
/* Writes records given as JSON (generated data); *added as above. */
int store_register_put_all(store *s, MDB_txn *txn, const json_t *records, size_t *added);
/* The record for a document, or MDB_NOTFOUND. */
int store_register_get(store *s, MDB_txn *txn, int type, const char *number, json_t **out);
/* Number of records. */
int store_register_count(store *s, MDB_txn *txn, size_t *out);

#endif
