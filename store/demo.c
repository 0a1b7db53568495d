/* demo.c - seeds the demo dataset. */
#include "demo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth_password.h"
#include "case_gen.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_org.h"
#include "store_user.h"

static const struct { const char *kind, *name, *code; } demo_orgs[] = {
    {"network", "Connect Network", "NET"},
    {"home_office", "Home Office", "HO"},
    {"council", "Northfield City Council", "NFC"},
    {"council", "Eastbrook Borough Council", "EBC"},
    {"council", "Westmere County Council", "WMC"},
};

static const struct { const char *org, *username, *name, *role, *team; } demo_users[] = {
    {"NET", "net.admin", "Nadia Okafor", "admin", NULL},
    {"HO", "ho.admin", "Harriet Osei", "admin", "NRPF Liaison"},
    {"HO", "ho.user", "Hamid Qureshi", "user", "NRPF Liaison"},
    {"NFC", "nfc.admin", "Fiona Marsh", "admin", "NRPF Team"},
    {"NFC", "nfc.user", "Tom Hughes", "user", "NRPF Team"},
    {"EBC", "ebc.admin", "Grace Adeyemi", "admin", "Children's Services"},
    {"EBC", "ebc.user", "Oliver Brennan", "user", "Children's Services"},
    {"WMC", "wmc.admin", "Priya Shah", "admin", "Adult Social Care"},
    {"WMC", "wmc.user", "Daniel Kowalski", "user", "Adult Social Care"},
};

#define N_USERS (sizeof demo_users / sizeof demo_users[0])

typedef struct {
    char hashes[N_USERS][AUTH_HASH_MAX];
    const char *at;
} seed_ctx;

static int seed_write(store *s, MDB_txn *txn, void *arg)
{
    seed_ctx *c = arg;
    uint64_t id;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, store_dbi(s, DB_ORGS), &cur);
    if (rc)
        return rc;
    MDB_val k, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    mdb_cursor_close(cur);
    if (rc == 0)
        return STORE_EXISTS;
    for (size_t i = 0; i < sizeof demo_orgs / sizeof demo_orgs[0]; i++)
        if ((rc = store_org_create(s, txn, demo_orgs[i].kind, demo_orgs[i].name, demo_orgs[i].code, c->at, &id)))
            return rc;
    for (size_t i = 0; i < N_USERS; i++) {
        uint64_t org;
        if ((rc = store_org_by_code(s, txn, demo_users[i].org, &org)))
            return rc;
        char email[80]; /* demo user names are short: "<username>@example.test" fits */
        snprintf(email, sizeof email, "%s@example.test", demo_users[i].username);
        json_t *u = json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:s,s:i,s:b,s:b,s:i,s:s}", "org_id", (json_int_t)org,
                              "username", demo_users[i].username, "name", demo_users[i].name, "role",
                              demo_users[i].role, "team",
                              demo_users[i].team ? json_string(demo_users[i].team) : json_null(), "email", email, "pw",
                              c->hashes[i], "failed", 0, "locked", 0, "must_change", 0, "temp_expires", 0,
                              "created_at", c->at);
        if (!u)
            return STORE_NOMEM;
        rc = store_user_create(s, txn, u, &id);
        json_decref(u);
        if (rc)
            return rc;
    }
    /* A dozen cases for each council, allocated to its caseworker. */
    case_gen_rng rng = {20261126};
    static const char *const councils[][2] = {{"NFC", "nfc.user"}, {"EBC", "ebc.user"}, {"WMC", "wmc.user"}};
    for (size_t i = 0; i < 3; i++) {
        uint64_t org, worker;
        if ((rc = store_org_by_code(s, txn, councils[i][0], &org)) ||
            (rc = store_user_by_username(s, txn, councils[i][1], &worker)))
            return rc;
        for (int j = 0; j < 12; j++) {
            json_t *rec = case_gen_record(&rng, org, worker, NULL, time(NULL));
            rc = rec ? store_case_create(s, txn, rec, &id) : STORE_NOMEM;
            if (!rc)
                rc = store_case_history_diff(s, txn, id, NULL, rec, c->at, worker);
            json_decref(rec);
            if (rc)
                return rc;
        }
    }
    return store_audit_add(s, txn, c->at, 0, 0, "demo_seeded", 0);
}

int demo_seed(store *s, FILE *out)
{
    static seed_ctx c;
    char at[21];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    c.at = at;
    for (size_t i = 0; i < N_USERS; i++)
        if (auth_password_hash(DEMO_PASSWORD, c.hashes[i]))
            return STORE_NOMEM;
    int rc = store_write(s, seed_write, &c);
    if (rc || !out)
        return rc;
    fprintf(out, "Demo sign-ins (password for all: %s):\n", DEMO_PASSWORD);
    for (size_t i = 0; i < N_USERS; i++)
        fprintf(out, "  %-10s %-6s %s\n", demo_users[i].username, demo_users[i].role, demo_users[i].org);
    return 0;
}
