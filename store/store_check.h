/*
 * store_check.h - the whole-store consistency check: what `connectctl check` runs, and what connectd's
 * scheduler runs on each backup copy before it counts as a backup (backup.h).
 *
 * It checks, in one read transaction: every live user is in both user indexes and nothing else is;
 * the audit chain is intact; every counter equals a recount from the records (store_recount.h);
 * every report facts row equals its record (store_facts.h); nothing of a destroyed case remains
 * (store_retention.h). Each problem is one line on `report` (ids and counts only, never personal
 * data).
 */
#ifndef CONNECT_STORE_CHECK_H
#define CONNECT_STORE_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

typedef struct {
    size_t live_users;
    uint64_t audit_events;
    size_t counters, facts_rows, destroyed_cases;
    size_t perf_rows; /* performance pre-aggregate rows equal to a recount of the facts */
    size_t nino_batches; /* NINo batches whose index entries agree with them */
    size_t councils_without_region; /* a warning only (the national report's "region not set") */
    int rc; /* the store error when the check could not run at all */
} store_check_result;

/* Runs every check. Returns the number of problems found (0: the store is sound; each kind of
 * difference counts at most 1000), or -1 when no read transaction could begin (res->rc says why). */
int store_check(store *s, FILE *report, store_check_result *res);

/* "N live users, N audit events, chain intact, …": what a sound store holds, one line. */
void store_check_summary(const store_check_result *res, char *out, size_t cap);

#endif
