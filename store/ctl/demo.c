/* demo.c - seeds the demo dataset. */
#include "demo.h"
#include "demo_disclosures.h"
#include "demo_nino.h"
#include "json_get.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth_password.h"
#include "case_gen.h"
#include "demo_work.h"
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
    {"partner", "DWP Case Management Group", "DWP", NULL, NULL},
    {"partner", "DWP NINo Operations", "DWPNINO", NULL, NULL},
};

/* grade and may_countersign: the disclosure agreement's marks (disclosure_rules.h). */
static const struct {
    const char *org, *username, *name, *role, *team, *grade;
    int countersign;
    int nino; /* a designated user of the NINo partner (store_nino.h) */
} demo_users[] = {
    {"NET", "net.admin", "Nadia Okafor", "admin", NULL, NULL, 0, 0},
    {"HO", "ho.admin", "Harriet Osei", "admin", "NRPF Liaison", "G7", 1, 0},
    {"HO", "ho.user", "Hamid Qureshi", "user", "NRPF Liaison", "EO", 0, 0},
    {"NFC", "nfc.admin", "Fiona Marsh", "admin", "NRPF Team", NULL, 0, 0},
    {"NFC", "nfc.user", "Tom Hughes", "user", "NRPF Team", NULL, 0, 0},
    {"EBC", "ebc.admin", "Grace Adeyemi", "admin", "Children's Services", NULL, 0, 0},
    {"EBC", "ebc.user", "Oliver Brennan", "user", "Children's Services", NULL, 0, 0},
    {"WMC", "wmc.admin", "Priya Shah", "admin", "Adult Social Care", NULL, 0, 0},
    {"WMC", "wmc.user", "Daniel Kowalski", "user", "Adult Social Care", NULL, 0, 0},
    {"DWP", "dwp.admin", "Gwen Rhys", "admin", "Case Management Group", "G7", 1, 0},
    {"DWP", "dwp.manager", "Samuel Adebayo", "user", "Case Management Group", "HEO", 1, 0},
    {"DWP", "dwp.user", "Lucy Brennan", "user", "Case Management Group", "AO", 0, 0},
    {"DWPNINO", "nino.admin", "Aled Pritchard", "admin", "NINo Operations", "HEO", 1, 1},
    {"DWPNINO", "nino.user", "Chioma Eze", "user", "NINo Operations", "EO", 0, 1},
    {"DWPNINO", "nino.clerk", "Rory Fitzgerald", "user", "NINo Operations", "AO", 0, 0},
};

#define N_USERS (sizeof demo_users / sizeof demo_users[0])

typedef struct {
    char hashes[N_USERS][AUTH_HASH_MAX];
    const char *at;
} seed_ctx;

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
            /* The register agrees with the case's immigration page where the HO has recorded one. */
            const json_t *im = json_object_get(c, "immigration");
            const char *status = json_get_str_or(im, "status", "unknown");
            int known = strcmp(status, "unknown") != 0;
            const char *expiry = known ? json_get_str(im, "leave_expiry") : "2027-09-30";
            json_t *rec = json_pack("{s:s,s:s,s:O,s:O,s:O,s:O,s:s,s:b,s:s?,s:b}", "document_type", "passport",
                                    "document_number", number, "date_of_birth", json_object_get(pa, "date_of_birth"),
                                    "given_names", json_object_get(pa, "given_names"), "family_name",
                                    json_object_get(pa, "family_name"), "nationality", json_object_get(pa, "nationality"),
                                    "status", known ? status : made == 2 ? "ltr_recourse" : "ltr_nrpf", "leave_valid",
                                    expiry != NULL, "leave_expiry", expiry, "recourse_to_public_funds",
                                    known ? json_is_true(json_object_get(im, "recourse_to_public_funds")) : made == 2);
            if (rec && !expiry)
                json_object_del(rec, "leave_expiry"); /* no leave: no expiry, as an import leaves it */
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
    if ((rc = store_org_by_code(s, txn, "DWPNINO", &id)) || (rc = store_org_set_nino_partner(s, txn, id, 1, NULL)))
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
        if (u && ((demo_users[i].grade && json_object_set_new(u, "grade", json_string(demo_users[i].grade))) ||
                  (demo_users[i].countersign && json_object_set_new(u, "may_countersign", json_true())) ||
                  (demo_users[i].nino && json_object_set_new(u, "nino_designated", json_true()))))
            u = (json_decref(u), NULL);
        if (!u)
            return STORE_NOMEM;
        rc = store_user_create(s, txn, u, &id);
        json_decref(u);
        if (rc)
            return rc;
    }
    /* Each council's cases (demo_work.c): a dozen or so, allocated to its caseworker (one new referral
     * to its admin), with alerts and queries overdue and due today on both sides. */
    calendar cal;
    char err[160];
    if ((rc = calendar_store_get(s, txn, &cal, err, sizeof err)))
        return rc;
    case_gen_rng rng = {20261126};
    static const char *const councils[][4] = {{"NFC", "nfc.user", "nfc.admin", "NRPF Team"},
                                              {"EBC", "ebc.user", "ebc.admin", "Children's Services"},
                                              {"WMC", "wmc.user", "wmc.admin", "Adult Social Care"}};
    uint64_t nino_cases[6];
    size_t nino_n = 0;
    for (size_t i = 0; i < 3 && !rc; i++) {
        demo_council d = {.s = s, .txn = txn, .cal = &cal, .rng = &rng, .team = councils[i][3], .now = time(NULL)};
        uk_date((int64_t)d.now, d.today);
        uint64_t cases[30];
        size_t n;
        if ((rc = store_org_by_code(s, txn, councils[i][0], &d.org)) ||
            (rc = store_user_by_username(s, txn, councils[i][1], &d.worker)) ||
            (rc = store_user_by_username(s, txn, councils[i][2], &d.admin)) ||
            (rc = store_user_by_username(s, txn, "ho.user", &d.ho_user)) || (rc = demo_council_seed(&d, cases, &n)))
            break;
        rc = seed_register(s, txn, councils[i][0], cases, n);
        /* The NINo households (the batches are national): supported cases the Home Office has not
         * touched (the demo's new referrals, HO checks and queries are on others), from the last of each
         * council's; their grant is recorded then. */
        for (size_t k = n; !rc && k-- > 0 && nino_n < 6;) {
            json_t *rec;
            if ((rc = store_case_get(s, txn, cases[k], &rec)))
                break;
            if (json_get_str_is(rec, "status", "open_supported") && !json_object_get(rec, "ho_checked_at"))
                nino_cases[nino_n++] = cases[k];
            json_decref(rec);
        }
    }
    calendar_free(&cal);
    if (rc)
        return rc;
    if ((rc = seed_help(s, txn, c->at)) || (rc = demo_disclosures(s, txn, c->at)) ||
        (rc = demo_nino(s, txn, nino_cases, nino_n, (int64_t)time(NULL))))
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
        fprintf(out, "  %-11s %-6s %-4s%s%s%s%s\n", demo_users[i].username, demo_users[i].role, demo_users[i].org,
                demo_users[i].grade ? " grade " : "", demo_users[i].grade ? demo_users[i].grade : "",
                demo_users[i].countersign ? ", may countersign" : "", demo_users[i].nino ? ", NINo batches" : "");
    fprintf(out, "Status register: 300 synthetic records (e.g. passport GEN000000000, born 1940-01-01) and the\n"
                 "passports DEMONFC1, DEMOEBC1, DEMOWMC1 (and up to ...3) of people who have open demo cases.\n");
    return 0;
}
