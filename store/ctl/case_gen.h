/*
 * case_gen.h - realistic synthetic cases, for the demo dataset and for benchmarks at scale.
 *
 * Names and nationalities are those of the households councils support under NRPF (West Africa,
 * the Caribbean, South Asia, the Horn of Africa, the Middle East, Latin America, South-East Asia,
 * Albania, China...). Dates spread over ten years before `now`; about half the cases are closed, a
 * third financially supported and the rest open referrals; families have up to four children.
 */
#ifndef CONNECT_CASE_GEN_H
#define CONNECT_CASE_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "store.h"

typedef struct {
    uint64_t state; /* xorshift64* state; any non-zero seed */
} case_gen_rng;

/* A new case record (without id) for the council, allocated to `caseworker` (0: none). */
json_t *case_gen_record(case_gen_rng *rng, uint64_t council, uint64_t caseworker, const char *team, time_t now);

/* Adds `count` generated cases to the store spread over `councils` councils (creating councils
 * GEN001... and one caseworker each when missing), in transactions of `batch`. Prints progress to
 * `progress` when non-NULL. */
int case_gen_bulk(store *s, uint64_t count, unsigned councils, uint64_t seed, FILE *progress);

#endif
