/* store_fixture.h - a fresh store in a temporary directory for each cmocka test, and checks on it
 * (header-only: each test program includes it once, after cmocka.h). */
#ifndef CONNECT_STORE_FIXTURE_H
#define CONNECT_STORE_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store.h"
#include "store_audit.h"
#include "store_upgrade.h"

typedef struct {
    char dir[64];
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/connect-unit-XXXXXX");
    if (!mkdtemp(f->dir) || store_open(&f->s, f->dir, NULL)) {
        free(f);
        return -1;
    }
    if (store_upgrade(f->s)) { /* as every program does after opening */
        store_close(f->s);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc;
}

/* The events of the audit log, after checking its hash chain (the test fails when it does not
 * verify). */
__attribute__((unused)) static uint64_t verified_events(store *s)
{
    MDB_txn *txn;
    uint64_t count = 0, bad = 0;
    assert_int_equal(store_read_begin(s, &txn), 0);
    assert_int_equal(store_audit_verify(s, txn, &count, &bad), 0);
    store_read_end(s, txn);
    assert_int_equal(bad, 0);
    return count;
}

#endif
