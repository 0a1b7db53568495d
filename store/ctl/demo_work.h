/* demo_work.h - one demo council's cases and the open work on them (alerts and queries overdue and
 * due today on both sides), dated so that nothing contradicts itself. */
#ifndef CONNECT_DEMO_WORK_H
#define CONNECT_DEMO_WORK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "calendar.h"
#include "case_gen.h"
#include "store.h"

typedef struct {
    store *s;
    MDB_txn *txn;
    const calendar *cal;
    case_gen_rng *rng;
    uint64_t org, worker, admin, ho_user; /* the council, its caseworker and admin; the HO's user */
    const char *team;                     /* the caseworker's team */
    time_t now;
    char today[11]; /* the UK date now */
} demo_council;

/* Creates the council's cases (at least 12; their ids into cases[0..*n), room for 30) and the open
 * work on them. */
int demo_council_seed(demo_council *d, uint64_t *cases, size_t *n);

#endif
