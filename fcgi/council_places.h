/*
 * council_places.h - where each council of a report is (its region, nation and the bank holidays its
 * side counts), read once per council and kept for the report: the cache grows with the number of
 * councils, never with the rows walked.
 */
#ifndef CONNECT_COUNCIL_PLACES_H
#define CONNECT_COUNCIL_PLACES_H

#include <stdint.h>

#include "calendar.h"
#include "store.h"

typedef struct {
    uint64_t id;
    int region; /* index in store_org_regions, -1: not set */
    int nation; /* index in store_org_nations (England when unset or the record is gone) */
    calendar_division division;
} council_place;

typedef struct {
    store *s;
    MDB_txn *txn;
    council_place *v;
    size_t n, cap;
    size_t last; /* the last hit: rows come in runs of one council */
} council_places;

void council_places_init(council_places *c, store *s, MDB_txn *txn);
void council_places_free(council_places *c);
/* The council's place (valid until the next call). 0 or a store code. */
int council_places_get(council_places *c, uint64_t council, const council_place **out);

#endif
