/* register_gen.h - synthetic HO status-register records (the demo data and the benchmark).
 *
 * Record i is reproducible from i alone, so a benchmark script can make look-ups that match:
 *   document_type  register_doc_types[i % 5]
 *   document_number "GEN" followed by i in 9 digits (e.g. GEN000000042)
 *   date_of_birth   1940-01-01 plus (i * 7919) % 25000 days
 */
#ifndef CONNECT_REGISTER_GEN_H
#define CONNECT_REGISTER_GEN_H

#include <stdint.h>
#include <stdio.h>

#include "store.h"

json_t *register_gen_record(uint64_t i);
/* Adds records first .. first+count-1 in batches; progress lines to `progress` (may be NULL). */
int register_gen_bulk(store *s, uint64_t first, uint64_t count, FILE *progress);

#endif
