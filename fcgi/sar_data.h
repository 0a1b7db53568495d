/*
 * sar_data.h - subject access: everything Connect holds about one person of a case, as one JSON
 * document (fcgi/API.md "Subject access"), which subject-access.json holds as it is and from which
 * subject-access.pdf is drawn; and the "information given to the person" records it includes.
 *
 * Staff are named by organisation and role ({"organisation","role"}), and also by name only when
 * the export asks for staff names (?staff_names=1): the agreed redaction option.
 */
#ifndef CONNECT_SAR_DATA_H
#define CONNECT_SAR_DATA_H

#include <jansson.h>
#include <stdint.h>

#include "store.h"

typedef struct {
    uint64_t case_id, person_id;
    int staff_names;
    uint64_t by_uid;      /* who produces the export */
    int64_t now;
    const char *today;    /* UK date (YYYY-MM-DD) */
} sar_request;

/* The export of person `q->person_id` of case record `rec` (new reference), or NULL: *status is
 * then 404 (no such person on the case) or 500 (out of memory, store error). */
json_t *sar_build(store *s, MDB_txn *txn, const json_t *rec, const sar_request *q, int *status);

/* One "shared with the person" record as the API shows it (recorded_by resolved), new reference. */
json_t *sar_shared_view(store *s, MDB_txn *txn, const json_t *item);
/* The case's records, newest first (new array), or NULL when out of memory. */
json_t *sar_shared_list(store *s, MDB_txn *txn, const json_t *rec);

/* A file name safe inside a ZIP and on any disk: letters, digits, '.', '-' and '_' kept (UTF-8
 * letters too), anything else '_', no leading dot, at most cap-1 bytes. */
void sar_safe_filename(const char *in, char *out, size_t cap);

#endif
