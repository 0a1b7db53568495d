/* demo.c - seeds the demo dataset. */
#include "demo.h"
#include "json_get.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth_password.h"
#include "case_gen.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_help.h"
#include "store_org.h"
#include "store_user.h"
#include "store_work.h"
#include "register_gen.h"
#include "store_register.h"
#include "uk_time.h"

/* The councils' places: two English regions and Wales (whose working days are England's, so the
 * demo's due dates read the same whichever council they are on). */
static const struct { const char *kind, *name, *code, *nation, *region; } demo_orgs[] = {
    {"network", "Connect Network", "NET", NULL, NULL},
    {"home_office", "Home Office", "HO", NULL, NULL},
    {"council", "Northfield City Council", "NFC", "england", "north_west"},
    {"council", "Eastbrook Borough Council", "EBC", "england", "london"},
    {"council", "Westmere County Council", "WMC", "wales", "wales"},
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

/* A few open alerts and queries on a council's open cases, so the home page has something to show:
 * new case alerts (one overdue) and a query each way for the HO; an immigration update for the council. */
static int seed_work(store *s, MDB_txn *txn, const uint64_t *cases, size_t n, uint64_t worker, uint64_t ho_user,
                     const char *at)
{
    calendar cal;
    char err[160], today[11], past[11];
    int rc = calendar_store_get(s, txn, &cal, err, sizeof err);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    int64_t now = (int64_t)time(NULL);
    uk_date(now, today);
    uk_date_minus_days(now, 14, past);
    size_t used = 0;
    for (size_t i = 0; i < n && used < 5 && !rc; i++) {
        json_t *c, *item = NULL;
        if ((rc = store_case_get(s, txn, cases[i], &c)))
            break;
        if (json_get_str_is(c, "status", "closed")) {
            json_decref(c);
            continue;
        }
        json_int_t cid = (json_int_t)cases[i], council = json_integer_value(json_object_get(c, "council_id"));
        char kind = WORK_ALERT;
        const char *from = today;
        int days = 5;
        switch (used++) {
        case 0:
        case 1:
            item = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:b}", "case_id", cid, "council_id", council, "type", "new_case",
                             "to", "ho", "raised_at", at, "raised_by", (json_int_t)worker, "open", 1);
            from = used == 2 ? past : today; /* the second is overdue */
            break;
        case 2:
            item = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:b,s:[s,s]}", "case_id", cid, "council_id", council, "type",
                             "immigration_update", "to", "council", "raised_at", at, "raised_by", (json_int_t)ho_user,
                             "open", 1, "fields", "status", "leave_expiry");
            days = -1;
            break;
        default: {
            int from_ho = used == 4;
            kind = WORK_QUERY;
            days = 10;
            item = json_pack("{s:I,s:I,s:s,s:b,s:s,s:s,s:s,s:I,s:s,s:s,s:[{s:i,s:s,s:I,s:s,s:s}]}", "case_id", cid,
                             "council_id", council, "category", from_ho ? "status_discrepancy" : "progress_update",
                             "urgent", 0, "opened_by", from_ho ? "ho" : "council", "opened_at", at, "opened_on", today,
                             "opened_by_user", (json_int_t)(from_ho ? ho_user : worker), "status", "open", "awaiting",
                             from_ho ? "council" : "ho", "messages", "id", 1, "at", at, "by",
                             (json_int_t)(from_ho ? ho_user : worker), "side", from_ho ? "ho" : "council", "text",
                             from_ho ? "The nationality on our record differs from yours. Please check the passport."
                                     : "Is there a decision date for the outstanding application?");
        }
        }
        uint64_t id;
        if (!item)
            rc = STORE_NOMEM;
        if (!rc && days >= 0)
            rc = store_work_due(item, &cal, from, days);
        if (!rc)
            rc = store_work_create(s, txn, kind, item,
                                   (uint64_t)json_integer_value(json_object_get(c, "caseworker_id")), &id);
        json_decref(item);
        json_decref(c);
    }
    calendar_free(&cal);
    return rc;
}

/* The HO status register: 300 synthetic records (register_gen.h) and, for the first three open
 * cases of each council, a passport record of the principal applicant (numbers DEMO<code>1..3), so
 * that a look-up finds someone who already has a case. */
static int seed_register(store *s, MDB_txn *txn, const char *code, const uint64_t *cases, size_t n)
{
    json_t *records = json_array();
    int rc = records ? 0 : STORE_NOMEM;
    for (uint64_t i = 0; i < 300 && !rc && strcmp(code, "NFC") == 0; i++) {
        json_t *rec = register_gen_record(i);
        if (!rec || json_array_append_new(records, rec))
            rc = STORE_NOMEM;
    }
    int made = 0;
    for (size_t i = 0; i < n && made < 3 && !rc; i++) {
        json_t *c;
        if ((rc = store_case_get(s, txn, cases[i], &c)))
            break;
        const json_t *pa = json_object_get(c, "principal");
        if (!json_get_str_is(c, "status", "closed")) {
            char number[32];
            snprintf(number, sizeof number, "DEMO%s%d", code, ++made);
            json_t *rec = json_pack("{s:s,s:s,s:O,s:O,s:O,s:O,s:s,s:b,s:s,s:b}", "document_type", "passport",
                                    "document_number", number, "date_of_birth", json_object_get(pa, "date_of_birth"),
                                    "given_names", json_object_get(pa, "given_names"), "family_name",
                                    json_object_get(pa, "family_name"), "nationality", json_object_get(pa, "nationality"),
                                    "status", made == 2 ? "ltr_recourse" : "ltr_nrpf", "leave_valid", 1,
                                    "leave_expiry", "2027-09-30", "recourse_to_public_funds", made == 2);
            if (!rec || json_array_append_new(records, rec))
                rc = STORE_NOMEM;
        }
        json_decref(c);
    }
    size_t added;
    if (!rc)
        rc = store_register_put_all(s, txn, records, &added);
    json_decref(records);
    return rc;
}

/* The Help page's contacts (store_help.h), so the demo's Help button leads somewhere: example.test
 * addresses and Ofcom's drama numbers, which never reach anyone real. */
static int seed_help(store *s, MDB_txn *txn, const char *at)
{
    json_t *help = json_pack(
        "{s:{s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s,s:s},s:s,s:n}", "network", "name", "NRPF Network helpdesk",
        "email", "help@nrpf-network.example.test", "phone", "020 7946 0000", "hours",
        "Monday to Friday, 9am to 5pm", "notes", "Questions about Connect, accounts and the service levels.",
        "ho_escalation", "name", "Home Office NRPF escalation duty officer", "email",
        "nrpf-escalation@homeoffice.example.test", "phone", "020 7946 0999", "hours",
        "Monday to Friday, 8am to 6pm", "notes",
        "Urgent cases only: destitution with children, a removal date, or a safeguarding risk. Say the Connect ID.",
        "updated_at", at, "updated_by");
    if (!help)
        return STORE_NOMEM;
    int rc = store_help_put(s, txn, help);
    json_decref(help);
    return rc;
}

static int seed_write(store *s, MDB_txn *txn, void *arg)
{
    seed_ctx *c = arg;
    uint64_t id;
    store_iter it; /* any organisation at all: the store is not new */
    store_iter_begin(&it, s, txn, DB_ORGS, NULL, 0);
    int any = store_iter_next(&it), rc = store_iter_end(&it, 0);
    if (rc)
        return rc;
    if (any)
        return STORE_EXISTS;
    for (size_t i = 0; i < sizeof demo_orgs / sizeof demo_orgs[0]; i++)
        if ((rc = store_org_create(s, txn, demo_orgs[i].kind, demo_orgs[i].name, demo_orgs[i].code, c->at, &id)) ||
            (demo_orgs[i].nation &&
             (rc = store_org_set_place(s, txn, id, demo_orgs[i].nation, demo_orgs[i].region, NULL))))
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
        uint64_t cases[12], ho_user;
        for (int j = 0; j < 12; j++) {
            json_t *rec = case_gen_record(&rng, org, worker, NULL, time(NULL));
            rc = rec ? store_case_create(s, txn, rec, &id) : STORE_NOMEM;
            if (!rc)
                rc = store_case_history_diff(s, txn, id, NULL, rec, c->at, worker);
            json_decref(rec);
            if (rc)
                return rc;
            cases[j] = id;
        }
        if ((rc = store_user_by_username(s, txn, "ho.user", &ho_user)) ||
            (rc = seed_work(s, txn, cases, 12, worker, ho_user, c->at)) ||
            (rc = seed_register(s, txn, councils[i][0], cases, 12)))
            return rc;
    }
    if ((rc = seed_help(s, txn, c->at)))
        return rc;
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
    fprintf(out, "Status register: 300 synthetic records (e.g. passport GEN000000000, born 1940-01-01) and the\n"
                 "passports DEMONFC1, DEMOEBC1, DEMOWMC1 (and up to ...3) of people who have open demo cases.\n");
    return 0;
}
