/*
 * connectctl - the operators' command line for a Connect store.
 *
 *   connectctl --data DIR COMMAND [ARGUMENTS]
 *   connectctl --help
 *
 * The commands, their arguments and what each does are the table `commands` at the end of this file;
 * both the dispatch and the usage text (`connectctl --help`) come from it, so a new command is one
 * handler and one row.
 *
 * Exit 0 on success; otherwise non-zero with a one-line reason on stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "auth_jwt.h"
#include "auth_password.h"
#include "calendar.h"
#include "case_gen.h"
#include "clock.h"
#include "data_path.h"
#include "demo.h"
#include "json_get.h"
#include "store.h"
#include "store_upgrade.h"
#include "store_internal.h" /* calendar_write looks for the stored calendar directly */
#include "store_audit.h"
#include "store_backup.h"
#include "store_check.h"
#include "store_nino.h"
#include "store_org.h"
#include "store_outbox.h"
#include "store_user.h"
#include "disclosure_rules.h"
#include "store_disclosure.h"
#include "store_facts.h"
#include "store_recount.h"
#include "register_gen.h"
#include "store_register.h"
#include "uk_time.h"
#include "store_work.h"
#include "store_retention.h"
#include "compact_request.h"

__attribute__((format(printf, 1, 2))) static int die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("connectctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* Value of --name in argv[from..], or NULL. */
static const char *opt(int argc, char **argv, int from, const char *name)
{
    for (int i = from; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int has_flag(int argc, char **argv, int from, const char *name)
{
    for (int i = from; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

static void now_iso(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Opens the store and brings it up to this version's layout (store_upgrade.h), as every program must. */
static int open_store(const char *data, store **s)
{
    int rc = store_open(s, data, NULL);
    if (rc)
        return die("cannot open the store in %s: %s", data, store_strerror(rc));
    if ((rc = store_upgrade(*s))) {
        store_close(*s);
        *s = NULL;
        return die("cannot upgrade the store in %s: %s", data, store_strerror(rc));
    }
    return 0;
}

typedef struct {
    char *json;
    size_t len;
    int only_if_missing;
    size_t recomputed;
    int skipped; /* out */
    char err[256];
} calendar_ctx;

static int calendar_write(store *s, MDB_txn *txn, void *arg)
{
    calendar_ctx *c = arg;
    c->skipped = 0;
    if (c->only_if_missing) {
        MDB_val k = {8, "calendar"}, v;
        if (mdb_get(txn, store_dbi(s, DB_META), &k, &v) == 0) {
            c->skipped = 1;
            return 0;
        }
    }
    int rc = calendar_store_put(s, txn, c->json, c->len, c->err, sizeof c->err);
    if (rc)
        return rc;
    /* Open items' due dates follow the new bank holidays, in the same transaction. */
    calendar cals[CALENDAR_DIVISIONS];
    int n = 0;
    /* A division the file lacks counts England and Wales's holidays (work_calendar_of does the same). */
    for (; n < CALENDAR_DIVISIONS; n++)
        if (calendar_parse_division(c->json, c->len, (calendar_division)n, &cals[n], c->err, sizeof c->err) &&
            (n == 0 || calendar_parse(c->json, c->len, &cals[n], c->err, sizeof c->err)))
            break;
    rc = n < CALENDAR_DIVISIONS ? STORE_CORRUPT : store_work_recompute_due(s, txn, cals, &c->recomputed);
    while (n-- > 0)
        calendar_free(&cals[n]);
    return rc;
}

/* Reads a bank-holidays file (at most 16 MiB) into c->json. */
static int read_file(const char *path, calendar_ctx *c)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    c->json = malloc(16u << 20);
    c->len = c->json ? fread(c->json, 1, 16u << 20, f) : 0;
    int bad = !c->json || ferror(f) || !feof(f);
    fclose(f);
    return bad ? -1 : 0;
}

/* Stores the calendar from `path`; with only_if_missing, keeps one already imported. */
static int import_calendar(store *s, const char *path, int only_if_missing, size_t *recomputed)
{
    calendar_ctx c = {.only_if_missing = only_if_missing};
    if (read_file(path, &c)) {
        free(c.json);
        return die("cannot read %s (a GOV.UK bank-holidays.json file, at most 16 MiB)", path);
    }
    int rc = store_write(s, calendar_write, &c);
    free(c.json);
    if (recomputed)
        *recomputed = c.recomputed;
    if (rc == STORE_CORRUPT)
        return die("%s: %s", path, c.err);
    if (rc)
        return die("cannot store the calendar: %s", store_strerror(rc));
    return 0;
}

static int cmd_calendar_import(const char *data, int argc, char **argv)
{
    (void)argc;
    const char *path = argv[0];
    store *s;
    if (open_store(data, &s))
        return 1;
    size_t recomputed = 0;
    int rc = import_calendar(s, path, 0, &recomputed);
    if (!rc) {
        MDB_txn *txn;
        calendar c;
        char err[256];
        if (store_read_begin(s, &txn) == 0) {
            if (calendar_store_get(s, txn, &c, err, sizeof err) == 0) {
                printf("%zu bank holidays, %d to %d; %zu open due dates moved\n", c.n, c.first_year, c.last_year,
                       recomputed);
                calendar_free(&c);
            }
            store_read_end(s, txn);
        }
    }
    store_close(s);
    return rc;
}

static int cmd_init(const char *data, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (mkdir(data, 0700) != 0 && errno != EEXIST)
        return die("cannot create %s: %s", data, strerror(errno));
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/jwt.key", data);
    if (auth_key_create(path))
        return die("cannot create the key %s: %s", path, strerror(errno));
    unsigned char key[AUTH_KEY_LEN];
    if (auth_key_load(path, key))
        return die("the key %s is not 64 hex digits", path);
    /* The key of the RTPF look-up audit's number hashes (fcgi/rtpf.h). */
    snprintf(path, sizeof path, "%s/lookup.key", data);
    if (auth_key_create(path) || auth_key_load(path, key))
        return die("cannot create the key %s: %s", path, strerror(errno));
    store *s;
    if (open_store(data, &s))
        return 1;
    /* The shipped England and Wales bank holidays, unless a calendar was imported already. */
    char cal[PATH_MAX];
    int rc = data_path("store/bank-holidays.json", cal, sizeof cal) ? die("cannot find store/bank-holidays.json")
                                                                    : import_calendar(s, cal, 1, NULL);
    store_close(s);
    return rc;
}

typedef struct {
    const char *kind, *name, *code, *at;
    uint64_t id;
    int nino_partner; /* --nino-partner: the partner that receives the NINo batches (store_nino.h) */
    int nino_taken;   /* out: another organisation holds the mark */
} org_add_ctx;

static int org_add_write(store *s, MDB_txn *txn, void *arg)
{
    org_add_ctx *c = arg;
    int rc = store_org_create(s, txn, c->kind, c->name, c->code, c->at, &c->id);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, 0, 0, "org_created", c->id);
    if (!rc && c->nino_partner && (rc = store_org_set_nino_partner(s, txn, c->id, 1, NULL)) == STORE_EXISTS)
        c->nino_taken = 1;
    if (!rc && c->nino_partner)
        rc = store_audit_add(s, txn, c->at, 0, 0, "org_nino_partner_set", c->id);
    return rc;
}

static int nino_partner_write(store *s, MDB_txn *txn, void *arg)
{
    org_add_ctx *c = arg;
    int rc = store_org_by_code(s, txn, c->code, &c->id);
    if (!rc)
        rc = store_org_set_nino_partner(s, txn, c->id, 1, NULL);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, 0, 0, "org_nino_partner_set", c->id);
    return rc;
}

/* connectctl org set-nino-partner CODE: marks a partner organisation as the NINo partner. */
static int cmd_org_nino_partner(const char *data, int argc, char **argv)
{
    char code[17];
    if (argc < 1 || strlen(argv[0]) >= sizeof code ||
        (snprintf(code, sizeof code, "%s", argv[0]), !store_org_code_normalise(code)))
        return die("org set-nino-partner needs the organisation's code");
    store *s;
    if (open_store(data, &s))
        return 1;
    char at[21];
    now_iso(at);
    org_add_ctx c = {.code = code, .at = at};
    int rc = store_write(s, nino_partner_write, &c);
    store_close(s);
    if (rc == MDB_NOTFOUND)
        return die("no organisation with code %s", code);
    if (rc == EINVAL)
        return die("%s is not a partner organisation", code);
    if (rc == STORE_EXISTS)
        return die("another organisation is the NINo partner: the Network admin clears its mark first (PATCH /api/orgs/{id} {\"nino_partner\":false})");
    if (rc)
        return die("cannot mark the organisation: %s", store_strerror(rc));
    return 0;
}

static int cmd_org_add(const char *data, int argc, char **argv)
{
    const char *kind = opt(argc, argv, 0, "--kind"), *name = opt(argc, argv, 0, "--name"),
               *code_in = opt(argc, argv, 0, "--code");
    if (!kind || !name || !code_in)
        return die("org add needs --kind, --name and --code");
    if (strcmp(kind, "council") && strcmp(kind, "home_office") && strcmp(kind, "network") && strcmp(kind, "partner"))
        return die("--kind must be council, home_office, network or partner");
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > 200)
        return die("--name must have 1 to 200 characters");
    char code[17];
    if (strlen(code_in) >= sizeof code || (snprintf(code, sizeof code, "%s", code_in), !store_org_code_normalise(code)))
        return die("--code must have 2 to 16 letters or digits");
    store *s;
    if (open_store(data, &s))
        return 1;
    char at[21];
    now_iso(at);
    org_add_ctx c = {kind, name, code, at, 0, has_flag(argc, argv, 0, "--nino-partner"), 0};
    if (c.nino_partner && strcmp(kind, "partner") != 0)
        return die("--nino-partner is for an organisation of kind partner");
    int rc = store_write(s, org_add_write, &c);
    store_close(s);
    if (rc == STORE_EXISTS && c.nino_taken)
        return die("another organisation is the NINo partner: the Network admin clears its mark first");
    if (rc == STORE_EXISTS)
        return die("an organisation with code %s exists", code);
    if (rc)
        return die("cannot add the organisation: %s", store_strerror(rc));
    printf("%" PRIu64 "\n", c.id);
    return 0;
}

typedef struct {
    const char *from, *to;
    int days, keep;
    int no_org;
} pair_ctx;

static int pair_write(store *s, MDB_txn *txn, void *arg)
{
    pair_ctx *c = arg;
    uint64_t from, to;
    int rc = store_org_by_code(s, txn, c->from, &from);
    if (!rc)
        rc = store_org_by_code(s, txn, c->to, &to);
    if (rc == MDB_NOTFOUND)
        c->no_org = 1;
    if (rc)
        return rc;
    return store_disclosure_pair_set(s, txn, from, to, c->days, c->keep);
}

/* The agreement of a pair of organisations for disclosure requests (store_disclosure.h). */
static int cmd_disclosure_pair_set(const char *data, int argc, char **argv)
{
    const char *from_in = opt(argc, argv, 0, "--from"), *to_in = opt(argc, argv, 0, "--to"),
               *days_in = opt(argc, argv, 0, "--days"), *keep_in = opt(argc, argv, 0, "--max-keep-days");
    if (!from_in || !to_in || !days_in || !keep_in)
        return die("disclosure-pair set needs --from, --to, --days and --max-keep-days");
    char from[17], to[17], *end;
    long days = strtol(days_in, &end, 10);
    if (*end || days < 1 || days > 250)
        return die("--days must be a whole number of working days from 1 to 250");
    long keep = strtol(keep_in, &end, 10);
    if (*end || keep < 1 || keep > 3660)
        return die("--max-keep-days must be a whole number of days from 1 to 3660");
    if (strlen(from_in) >= sizeof from || strlen(to_in) >= sizeof to ||
        (snprintf(from, sizeof from, "%s", from_in), !store_org_code_normalise(from)) ||
        (snprintf(to, sizeof to, "%s", to_in), !store_org_code_normalise(to)))
        return die("--from and --to must be organisation codes");
    store *s;
    if (open_store(data, &s))
        return 1;
    pair_ctx c = {from, to, (int)days, (int)keep, 0};
    int rc = store_write(s, pair_write, &c);
    store_close(s);
    if (c.no_org)
        return die("no organisation with code %s or %s", from, to);
    if (rc)
        return die("cannot set the agreement: %s", store_strerror(rc));
    return 0;
}

typedef struct {
    const char *code, *nation, *region, *at;
    int no_org;
} org_set_ctx;

static int org_set_write(store *s, MDB_txn *txn, void *arg)
{
    org_set_ctx *c = arg;
    uint64_t id;
    int rc = store_org_by_code(s, txn, c->code, &id);
    c->no_org = rc == MDB_NOTFOUND;
    if (!rc)
        rc = store_org_set_place(s, txn, id, c->nation, c->region, NULL);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, 0, 0, "org_place_set", id);
    return rc;
}

/* org set CODE --nation N --region R: where a council is (either option may be left out; see
 * store_org_place_resolve). */
static int cmd_org_set(const char *data, int argc, char **argv)
{
    const char *nation_in = opt(argc, argv, 1, "--nation"), *region_in = opt(argc, argv, 1, "--region");
    char code[17];
    if (strlen(argv[0]) >= sizeof code || (snprintf(code, sizeof code, "%s", argv[0]), !store_org_code_normalise(code)))
        return die("CODE must have 2 to 16 letters or digits");
    org_set_ctx c = {.code = code};
    switch (store_org_place_resolve(nation_in, region_in, &c.nation, &c.region)) {
    case 0: break;
    case STORE_ORG_BAD_NATION:
        return die(nation_in ? "--nation must be england, scotland, wales or northern_ireland"
                             : "org set needs --nation or --region");
    case STORE_ORG_BAD_REGION:
        return die("--region must be one of England's nine regions (north_east, north_west, "
                   "yorkshire_and_the_humber, east_midlands, west_midlands, east_of_england, london, south_east, "
                   "south_west) or scotland, wales, northern_ireland");
    default: return die("--region %s is not in %s", region_in, nation_in);
    }
    store *s;
    if (open_store(data, &s))
        return 1;
    char at[21];
    now_iso(at);
    c.at = at;
    int rc = store_write(s, org_set_write, &c);
    store_close(s);
    if (c.no_org)
        return die("no organisation with code %s", code);
    if (rc == STORE_EXISTS)
        return die("%s is not a council: only councils have a nation and a region", code);
    if (rc)
        return die("cannot set the council's place: %s", store_strerror(rc));
    printf("%s: %s%s%s\n", code, c.nation, c.region ? ", " : "", c.region ? c.region : "");
    return 0;
}

typedef struct {
    const char *org_code, *at;
    json_t *user;
    uint64_t id;
    int no_org;
} user_add_ctx;

static int user_add_write(store *s, MDB_txn *txn, void *arg)
{
    user_add_ctx *c = arg;
    uint64_t org;
    c->no_org = 0;
    json_object_del(c->user, "id");
    int rc = store_org_by_code(s, txn, c->org_code, &org);
    if (rc == MDB_NOTFOUND)
        c->no_org = 1;
    if (rc)
        return rc;
    json_object_set_new(c->user, "org_id", json_integer((json_int_t)org));
    if ((rc = store_user_create(s, txn, c->user, &c->id)))
        return rc;
    return store_audit_add(s, txn, c->at, 0, org, "user_created", c->id);
}

/* Reads a password from the first line of standard input, judges it by the policy (which needs the
 * organisation's name: by code `org_code`, or else the organisation of user `uid`) and hashes it into
 * `hash`. The password is wiped from memory whatever happens. 0 on success; otherwise the reason has
 * been printed. */
static int password_from_stdin(store *s, const char *org_code, uint64_t uid, const char *username,
                               char hash[AUTH_HASH_MAX])
{
    char *pw = NULL;
    size_t cap = 0;
    ssize_t n = getline(&pw, &cap, stdin);
    if (n <= 0) {
        free(pw);
        return die("no password on standard input");
    }
    while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
        pw[--n] = '\0';
    char path[PATH_MAX];
    if (auth_common_find(path, sizeof path) || auth_common_load(path)) {
        memset(pw, 0, (size_t)n);
        free(pw);
        return die("cannot load the common-password list");
    }
    json_t *org = NULL, *user = NULL;
    MDB_txn *rtxn;
    uint64_t org_id = 0;
    if (store_read_begin(s, &rtxn) == 0) { /* the organisation's name is part of the policy */
        if (org_code && store_org_by_code(s, rtxn, org_code, &org_id))
            org_id = 0;
        if (!org_code && store_user_get(s, rtxn, uid, &user) == 0)
            org_id = json_get_u64(user, "org_id");
        if (org_id && store_org_get(s, rtxn, org_id, &org))
            org = NULL;
        store_read_end(s, rtxn);
    }
    const char *why = auth_password_policy(pw, username, json_get_str(org, "name"));
    int hrc = why ? 0 : auth_password_hash(pw, hash);
    memset(pw, 0, (size_t)n);
    free(pw);
    auth_common_free();
    json_decref(org);
    json_decref(user);
    if (why)
        return die("%s", why);
    return hrc ? die("cannot hash the password") : 0;
}

static int cmd_user_add(const char *data, int argc, char **argv)
{
    const char *org_in = opt(argc, argv, 0, "--org"), *username_in = opt(argc, argv, 0, "--username"),
               *name = opt(argc, argv, 0, "--name"), *role = opt(argc, argv, 0, "--role"),
               *team = opt(argc, argv, 0, "--team"), *email = opt(argc, argv, 0, "--email"),
               *grade = opt(argc, argv, 0, "--grade");
    int countersign = has_flag(argc, argv, 0, "--may-countersign");
    if (grade && !disclosure_grade_rank(grade))
        return die("--grade must be one of AO, EO, HEO, SEO, G7, G6, SCS or a council grade (fcgi/API.md)");
    if (!org_in || !username_in || !name || !role || !has_flag(argc, argv, 0, "--password-stdin"))
        return die("user add needs --org, --username, --name, --role and --password-stdin");
    if (email && *email && !store_user_email_valid(email))
        return die("--email must be an address of 3 to 254 characters with one '@' and no spaces");
    if (strcmp(role, "user") && strcmp(role, "admin"))
        return die("--role must be user or admin");
    char username[65], org_code[17];
    if (strlen(username_in) >= sizeof username ||
        (snprintf(username, sizeof username, "%s", username_in), !store_user_name_normalise(username)))
        return die("--username must have 3 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
    if (strlen(org_in) >= sizeof org_code ||
        (snprintf(org_code, sizeof org_code, "%s", org_in), !store_org_code_normalise(org_code)))
        return die("--org must be an organisation code");
    if (strlen(name) == 0 || strlen(name) > 200)
        return die("--name must have 1 to 200 characters");
    store *s;
    if (open_store(data, &s))
        return 1;
    char hash[AUTH_HASH_MAX];
    if (password_from_stdin(s, org_code, 0, username, hash)) {
        store_close(s);
        return 1;
    }
    char at[21];
    now_iso(at);
    json_t *user = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:b,s:i,s:s}", "username", username, "name", name,
                             "role", role, "team", team && *team ? json_string(team) : json_null(), "email",
                             email && *email ? json_string(email) : json_null(), "pw", hash, "must_change", 0,
                             "temp_expires", 0, "created_at", at);
    if (user && ((grade && json_object_set_new(user, "grade", json_string(grade))) ||
                 (countersign && json_object_set_new(user, "may_countersign", json_true()))))
        user = (json_decref(user), NULL);
    user_add_ctx c = {org_code, at, user, 0, 0};
    int rc = user ? store_write(s, user_add_write, &c) : STORE_NOMEM;
    json_decref(user);
    store_close(s);
    if (c.no_org)
        return die("no organisation with code %s", org_code);
    if (rc == STORE_EXISTS)
        return die("the user name %s is taken", username);
    if (rc)
        return die("cannot add the user: %s", store_strerror(rc));
    printf("%" PRIu64 "\n", c.id);
    return 0;
}

/* The operator's way back in when no administrator can sign in: these act on a user name directly,
 * audited with no actor (the operator is not a Connect user). */
typedef struct {
    const char *username, *at, *hash;
    uint64_t uid;
} user_op_ctx;

static int user_unlock_write(store *s, MDB_txn *txn, void *arg)
{
    user_op_ctx *c = arg;
    return store_user_unlock_by_name(s, txn, c->username, c->at, &c->uid);
}

static int user_reset_write(store *s, MDB_txn *txn, void *arg)
{
    user_op_ctx *c = arg;
    /* A password the operator chose: its owner must replace it at the next sign-in. */
    return store_user_reset_password_by_name(s, txn, c->username, c->hash, 1, 0, c->at, &c->uid);
}

/* The user name argument, normalised; 0 when it cannot be a user name. */
static int username_arg(const char *in, char out[65])
{
    if (strlen(in) >= 65)
        return 0;
    snprintf(out, 65, "%s", in);
    return store_user_name_normalise(out);
}

static int cmd_user_unlock(const char *data, int argc, char **argv)
{
    (void)argc;
    char username[65], at[21];
    if (!username_arg(argv[0], username))
        return die("no user named %s", argv[0]);
    store *s;
    if (open_store(data, &s))
        return 1;
    now_iso(at);
    user_op_ctx c = {username, at, NULL, 0};
    int rc = store_write(s, user_unlock_write, &c);
    store_close(s);
    if (rc == MDB_NOTFOUND)
        return die("no user named %s", username);
    if (rc)
        return die("cannot unlock the user: %s", store_strerror(rc));
    printf("%" PRIu64 "\n", c.uid);
    return 0;
}

static int cmd_user_reset_password(const char *data, int argc, char **argv)
{
    char username[65], at[21], hash[AUTH_HASH_MAX];
    if (!has_flag(argc, argv, 1, "--password-stdin"))
        return die("user reset-password needs USERNAME --password-stdin");
    if (!username_arg(argv[0], username))
        return die("no user named %s", argv[0]);
    store *s;
    if (open_store(data, &s))
        return 1;
    uint64_t uid = 0;
    MDB_txn *rtxn;
    int rc = store_read_begin(s, &rtxn);
    if (!rc) {
        rc = store_user_by_username(s, rtxn, username, &uid);
        store_read_end(s, rtxn);
    }
    if (rc) {
        store_close(s);
        return rc == MDB_NOTFOUND ? die("no user named %s", username) : die("cannot read the store: %s", store_strerror(rc));
    }
    if (password_from_stdin(s, NULL, uid, username, hash)) {
        store_close(s);
        return 1;
    }
    now_iso(at);
    user_op_ctx c = {username, at, hash, 0};
    rc = store_write(s, user_reset_write, &c);
    store_close(s);
    if (rc == MDB_NOTFOUND)
        return die("no user named %s", username);
    if (rc)
        return die("cannot reset the password: %s", store_strerror(rc));
    printf("%" PRIu64 "\n", c.uid);
    return 0;
}

static int cmd_seed_demo(const char *data, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    store *s;
    if (open_store(data, &s))
        return 1;
    int rc = demo_seed(s, stdout);
    store_close(s);
    if (rc == STORE_EXISTS)
        return die("the store already has organisations; the demo data goes into a new store only");
    if (rc)
        return die("cannot seed the demo data: %s", store_strerror(rc));
    return 0;
}

/* Opens the store in data and runs every check (store_check.h), each problem a line on stderr: their
 * number, with the summary of a sound store in `summary`; -1 when it could not be read (said why). */
static int check_data(const char *data, char *summary, size_t cap)
{
    store *s;
    if (open_store(data, &s))
        return -1;
    store_check_result res;
    int problems = store_check(s, stderr, &res);
    store_close(s);
    if (problems < 0) {
        die("cannot read the store in %s: %s", data, store_strerror(res.rc));
        return -1;
    }
    store_check_summary(&res, summary, cap);
    return problems;
}

/* A backup folder: the compacted store and the key files (store_backup.h). */
static int cmd_backup(const char *data, int argc, char **argv)
{
    (void)argc;
    const char *dest = argv[0];
    store *s;
    if (open_store(data, &s))
        return 1;
    size_t bytes = 0;
    int rc = store_backup_folder(s, data, dest, &bytes);
    store_close(s);
    if (rc == STORE_EXISTS)
        return die("%s is not empty; a backup goes into a new or empty folder", dest);
    if (rc)
        return die("backup to %s failed: %s", dest, store_strerror(rc));
    printf("backed up to %s (%zu bytes)\n", dest, bytes);
    return 0;
}

/* Restores a backup folder into an empty data folder, then runs every check of `check` on it. */
static int cmd_restore(const char *data, int argc, char **argv)
{
    (void)argc;
    const char *backup = argv[0];
    int rc = store_restore_folder(backup, data);
    if (rc == STORE_EXISTS)
        return die("%s is not empty; restore into a new or empty data folder", data);
    if (rc == ENOENT)
        return die("%s holds no backup (no data.mdb)", backup);
    if (rc)
        return die("cannot restore %s into %s: %s", backup, data, store_strerror(rc));
    char summary[400];
    int problems = check_data(data, summary, sizeof summary);
    if (problems)
        return problems < 0 ? 1
                            : die("restored into %s, but the check found %d problem(s) (above): do not start connectd "
                                  "on it", data, problems);
    printf("restored %s into %s; check ok: %s\n", backup, data, summary);
    return 0;
}

/* The newest N audit events, newest first, one JSON object per line. */
static int cmd_audit_tail(const char *data, int argc, char **argv)
{
    const char *n_s = argc > 0 ? argv[0] : NULL;
    char *end;
    unsigned long n = n_s ? strtoul(n_s, &end, 10) : 20;
    if (n_s && (*end || n == 0 || n > 100000))
        return die("audit tail takes a count from 1 to 100000");
    store *s;
    if (open_store(data, &s))
        return 1;
    MDB_txn *txn;
    json_t *events = NULL;
    int rc = store_read_begin(s, &txn);
    if (!rc) {
        rc = store_audit_recent(s, txn, NULL, n, &events);
        store_read_end(s, txn);
    }
    store_close(s);
    if (rc)
        return die("cannot read the audit log: %s", store_strerror(rc));
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        char *line = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
        if (line)
            puts(line);
        free(line);
    }
    json_decref(events);
    return 0;
}

typedef struct {
    const char *to, *subject, *body;
    int64_t now;
} outbox_add_ctx;

static int outbox_add_write(store *s, MDB_txn *txn, void *arg)
{
    outbox_add_ctx *c = arg;
    return store_outbox_add(s, txn, c->to, c->subject, c->body, c->now);
}

#define OUTBOX_BODY_MAX (64 * 1024)

/* Queues one email, for an operator's test mail (and the tests' own messages). The sender delivers it
 * like any other, in working hours. Honours CONNECT_TEST_CLOCK like connectd, so tests that move
 * connectd's clock queue on the same clock. */
static int cmd_outbox_add(const char *data, int argc, char **argv)
{
    const char *to = opt(argc, argv, 0, "--to"), *subject = opt(argc, argv, 0, "--subject");
    if (!to || !subject || !has_flag(argc, argv, 0, "--body-stdin"))
        return die("outbox add needs --to, --subject and --body-stdin");
    if (!store_user_email_valid(to))
        return die("--to must be an address of 3 to 254 characters with one '@' and no spaces");
    size_t slen = strlen(subject);
    if (slen == 0 || slen > 200)
        return die("--subject must have 1 to 200 characters");
    for (const unsigned char *p = (const unsigned char *)subject; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return die("--subject must not contain control characters");
    char *body = malloc(OUTBOX_BODY_MAX + 1);
    if (!body)
        return die("out of memory");
    size_t n = fread(body, 1, OUTBOX_BODY_MAX + 1, stdin);
    if (ferror(stdin) || n > OUTBOX_BODY_MAX || memchr(body, 0, n)) {
        free(body);
        return die("the body (standard input) must be text of at most %d bytes", OUTBOX_BODY_MAX);
    }
    body[n] = '\0';
    if (clock_init())
        fprintf(stderr, "connectctl: test clock in use (CONNECT_TEST_CLOCK)\n");
    outbox_add_ctx c = {to, subject, body, clock_now()};
    json_t *probe = json_string(body); /* jansson refuses text that is not UTF-8 */
    int utf8 = probe != NULL;
    json_decref(probe);
    store *s = NULL;
    int rc = !utf8 ? EINVAL : open_store(data, &s) ? -1 : store_write(s, outbox_add_write, &c);
    if (s)
        store_close(s);
    free(body);
    if (rc == EINVAL)
        return die("the body and subject must be UTF-8 text");
    if (rc == -1)
        return 1;
    if (rc == MDB_NOTFOUND)
        return die("no working-day calendar is stored (connectctl calendar import)");
    if (rc)
        return die("cannot queue the message: %s", store_strerror(rc));
    printf("queued\n");
    return 0;
}

/* Waiting email, oldest first, one JSON object per line (next_at as UTC time); never the body. */
static int cmd_outbox_list(const char *data, int argc, char **argv)
{
    const char *n_s = argc > 0 ? argv[0] : NULL;
    char *end;
    unsigned long n = n_s ? strtoul(n_s, &end, 10) : 1000;
    if (n_s && (*end || n == 0 || n > 1000000))
        return die("outbox list takes a count from 1 to 1000000");
    store *s;
    if (open_store(data, &s))
        return 1;
    MDB_txn *txn;
    json_t *items = NULL;
    size_t total = 0;
    int rc = store_read_begin(s, &txn);
    if (!rc) {
        rc = store_outbox_list(s, txn, n, &items);
        if (!rc)
            rc = store_outbox_count(s, txn, &total);
        store_read_end(s, txn);
    }
    store_close(s);
    if (rc)
        return die("cannot read the outbox: %s", store_strerror(rc));
    size_t i;
    json_t *m;
    json_array_foreach(items, i, m) {
        char at[21];
        time_t t = (time_t)json_integer_value(json_object_get(m, "next_at"));
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
        char *line = json_object_set_new(m, "next_at", json_string(at)) ? NULL
                                                                         : json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!line) {
            json_decref(items);
            return die("out of memory");
        }
        puts(line);
        free(line);
    }
    json_decref(items);
    if (total > n)
        fprintf(stderr, "connectctl: %zu more not shown\n", total - n);
    return 0;
}

static int cmd_check(const char *data, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char summary[400];
    int problems = check_data(data, summary, sizeof summary);
    if (problems)
        return problems < 0 ? 1 : die("%d problem(s) found", problems);
    printf("ok: %s\n", summary);
    return 0;
}

static int facts_rebuild_write(store *s, MDB_txn *txn, void *arg)
{
    size_t *counts = arg;
    return store_facts_rebuild(s, txn, &counts[0], &counts[1]);
}

/* The repair for what `check` reports about the facts rows (e.g. after an older binary wrote to the
 * store): one write that derives them all again. */
static int cmd_facts_rebuild(const char *data, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    store *s;
    if (open_store(data, &s))
        return 1;
    size_t counts[2] = {0, 0};
    int rc = store_write(s, facts_rebuild_write, counts);
    store_close(s);
    if (rc)
        return die("cannot rebuild the facts: %s", store_strerror(rc));
    printf("rebuilt the report facts of %zu cases and %zu alerts and queries\n", counts[0], counts[1]);
    return 0;
}

/* One line per case destroyed (or, dry run, due): the destruction record as JSON. */
static int print_record(const json_t *record, void *ctx)
{
    (void)ctx;
    char *line = json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!line)
        return STORE_NOMEM;
    puts(line);
    free(line);
    return 0;
}

/* Has data.mdb rewritten compacted (by connectd when it runs, else here) and says how it went. A store
 * in use by another program is not an error of ours, but the data is not gone from the file yet: exit
 * status 3 says so, and the daily run asks again. */
static int compact_and_say(const char *data)
{
    store_compact_stats st;
    const char *who;
    int rc = compact_request(data, 600, &st, &who);
    if (rc == EBUSY) {
        fprintf(stderr, "connectctl: not compacted: another program has the store open; run `connectctl compact` "
                        "when it has finished (connectd's daily run also tries again)\n");
        return 3;
    }
    if (rc)
        return die("the compaction (by %s) failed: %s", who, rc == ETIMEDOUT ? "no answer from connectd"
                                                                           : store_strerror(rc));
    fprintf(stderr, "connectctl: data.mdb compacted by %s from %lld to %lld bytes in %.3f s\n", who,
            (long long)st.bytes_before, (long long)st.bytes_after, st.seconds);
    return 0;
}

/* connectctl retention run [--dry-run]: what connectd's daily run does, now, on the test clock when
 * CONNECT_TEST_CLOCK is set (so tests can move time past a case's date). */
static int cmd_retention_run(const char *data, int argc, char **argv)
{
    int dry = has_flag(argc, argv, 0, "--dry-run");
    if (argc > dry)
        return die("usage: connectctl --data DIR retention run [--dry-run]");
    if (clock_init())
        fprintf(stderr, "connectctl: using the test clock (CONNECT_TEST_CLOCK)\n");
    int64_t now = clock_now();
    char today[11], at[21], run_id[48];
    uk_date(now, today);
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(run_id, sizeof run_id, "cli-%s", at);
    store *s;
    if (open_store(data, &s))
        return 1;
    size_t n = 0;
    store_scrub_stats scrub;
    int rc = store_retention_run(s, today, at, run_id, dry, print_record, NULL, &n, &scrub);
    store_close(s);
    if (rc)
        return die("the retention run failed after %zu case(s): %s", n, store_strerror(rc));
    fprintf(stderr, "connectctl: %zu case(s) %s\n", n, dry ? "due for destruction (dry run: nothing destroyed)"
                                                             : "destroyed");
    if (n)
        fprintf(stderr, "connectctl: %zu free page(s) overwritten with zeros in %.3f s (%zu on the free list)\n",
                scrub.pages, scrub.seconds, scrub.free_after);
    /* What the scrub cannot reach (the unused middle of live pages) goes with a compaction. */
    return n && !dry ? compact_and_say(data) : 0;
}

/* connectctl compact: the compaction a destruction run ends with (store_compact.h), on its own. */
static int cmd_compact(const char *data, int argc, char **argv)
{
    (void)argv;
    if (argc)
        return die("usage: connectctl --data DIR compact");
    return compact_and_say(data);
}

/* connectctl scrub: the free-page scrub a destruction run ends with (store_scrub.h), on its own: after
 * connectd has stopped, its processes' page buffers can no longer put old bytes into pages. */
static int cmd_scrub(const char *data, int argc, char **argv)
{
    (void)argv;
    if (argc)
        return die("usage: connectctl --data DIR scrub");
    store *s;
    if (open_store(data, &s))
        return 1;
    store_scrub_stats st;
    int rc = store_scrub(s, &st);
    store_close(s);
    if (rc)
        return die("the scrub failed: %s", store_strerror(rc));
    printf("{\"pages\":%zu,\"free_after\":%zu,\"seconds\":%.3f}\n", st.pages, st.free_after, st.seconds);
    return 0;
}

/* Reads a whole file (at most max bytes) into a new buffer. */
static char *slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            size_t next = cap ? cap * 2 : 1 << 20;
            char *bigger = cap >= max ? NULL : realloc(buf, next + 1);
            if (!bigger) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
            cap = next;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || *len > max) {
        free(buf);
        return NULL;
    }
    buf[*len] = 0;
    return buf;
}

typedef struct {
    const register_batch *records;
    size_t added, total;
    char at[21];
} register_import_ctx;

static int register_import_write(store *s, MDB_txn *txn, void *arg)
{
    register_import_ctx *c = arg;
    int rc = store_register_put_batch(s, txn, c->records, &c->added);
    if (!rc)
        rc = store_register_count(s, txn, &c->total);
    return rc ? rc : store_audit_add(s, txn, c->at, 0, 0, "register_imported", 0);
}

/* connectctl register import FILE.csv: all or nothing, every bad row reported with its line. */
static int cmd_register_import(const char *data, int argc, char **argv)
{
    (void)argc;
    const char *path = argv[0];
    size_t len;
    char *csv = slurp(path, (size_t)2 << 30, &len);
    if (!csv)
        return die("cannot read %s (at most 2 GiB)", path);
    char today[11];
    time_t now = time(NULL);
    uk_date((int64_t)now, today);
    register_batch records;
    json_t *errors;
    if (register_import_parse(csv, len, today, 1000, &records, &errors)) {
        free(csv);
        size_t i;
        json_t *e;
        json_array_foreach(errors, i, e) {
            const char *field = json_string_value(json_object_get(e, "field"));
            fprintf(stderr, "%s: line %lld: %s%s%s\n", path, (long long)json_integer_value(json_object_get(e, "line")),
                    field ? field : "", field ? ": " : "", json_string_value(json_object_get(e, "message")));
        }
        size_t n = json_array_size(errors);
        json_decref(errors);
        return die("%zu bad row%s%s; nothing was imported", n, n == 1 ? "" : "s", n >= 1000 ? " (the first 1000)" : "");
    }
    free(csv);
    store *s;
    if (open_store(data, &s)) {
        register_batch_free(&records);
        return 1;
    }
    register_import_ctx c = {.records = &records};
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c.at, sizeof c.at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = store_write(s, register_import_write, &c);
    store_close(s);
    size_t n = records.n;
    register_batch_free(&records);
    if (rc)
        return die("cannot store the register: %s", store_strerror(rc));
    printf("%zu records imported (%zu new, %zu replaced); the register holds %zu\n", n, c.added, n - c.added, c.total);
    return 0;
}

static int cmd_gen_register(const char *data, int argc, char **argv)
{
    const char *count_s = opt(argc, argv, 0, "--count");
    char *end;
    unsigned long long count = count_s ? strtoull(count_s, &end, 10) : 0;
    if (!count_s || *end || count == 0 || count > 100000000ULL)
        return die("gen-register needs --count N (1 to 100000000)");
    store *s;
    if (open_store(data, &s))
        return 1;
    int rc = register_gen_bulk(s, 0, count, stdout);
    store_close(s);
    return rc ? die("generating register records failed: %s", store_strerror(rc)) : 0;
}

static int cmd_gen_cases(const char *data, int argc, char **argv)
{
    const char *count_s = opt(argc, argv, 0, "--count"), *councils_s = opt(argc, argv, 0, "--councils"),
               *seed_s = opt(argc, argv, 0, "--seed");
    char *end;
    unsigned long long count = count_s ? strtoull(count_s, &end, 10) : 0;
    if (!count_s || *end || count == 0 || count > 100000000ULL)
        return die("gen-cases needs --count N (1 to 100000000)");
    unsigned long councils = councils_s ? strtoul(councils_s, &end, 10) : 100;
    if (councils == 0 || councils > 1000)
        return die("--councils must be 1 to 1000");
    unsigned long long seed = seed_s ? strtoull(seed_s, &end, 10) : 42;
    store *s;
    if (open_store(data, &s))
        return 1;
    int rc = case_gen_bulk(s, count, (unsigned)councils, seed, stdout);
    store_close(s);
    if (rc)
        return die("generating cases failed: %s", store_strerror(rc));
    return 0;
}

/* A command: its words ("outbox add"), the synopsis of its arguments, what it does (one line), how
 * many arguments must follow the words (the handler reads that many from argv without checking) and
 * its handler, which gets the arguments after the words. */
typedef struct {
    const char *words;
    const char *synopsis;
    const char *summary;
    int required_args;
    int (*run)(const char *data, int argc, char **argv);
} command;

static const command commands[] = {
    {"init", "",
     "create the store, its keys and the shipped bank holidays (safe to repeat)", 0, cmd_init},
    {"org add", "--kind council|home_office|network|partner --name NAME --code CODE [--nino-partner]",
     "add an organisation; prints its id", 0, cmd_org_add},
    {"org set-nino-partner", "CODE", "mark a partner organisation as the one that receives the NINo batches", 1,
     cmd_org_nino_partner},
    {"org set", "CODE [--nation england|scotland|wales|northern_ireland] [--region REGION]",
     "set a council's nation and region (England's nine regions; another nation is its own region)", 1,
     cmd_org_set},
    {"user add", "--org CODE --username U --name \"Full Name\" --role user|admin [--team TEAM] [--email ADDRESS] [--grade GRADE] "
     "[--may-countersign] "
     "--password-stdin",
     "add a user, the password read from standard input; prints its id", 0, cmd_user_add},
    {"user unlock", "USERNAME",
     "end the sign-in throttle on a user at once (audited); prints its id", 1, cmd_user_unlock},
    {"user reset-password", "USERNAME --password-stdin",
     "give a user a new password from standard input, to be changed at the next sign-in; ends its sessions "
     "(audited); prints its id", 1, cmd_user_reset_password},
    {"disclosure-pair set", "--from CODE --to CODE --days N --max-keep-days N",
     "the agreement of a pair of organisations for disclosure requests: working days to answer and the "
     "longest disclosed data may be kept", 0, cmd_disclosure_pair_set},
    {"seed-demo", "",
     "load the demo organisations, users and cases into a new store", 0, cmd_seed_demo},
    {"backup", "DEST",
     "hot, compacted copy of the store, with the key files, into the new or empty folder DEST", 1, cmd_backup},
    {"restore", "BACKUP",
     "copy the backup folder BACKUP into the new or empty data folder, then check it as `check` does "
     "(also written: connectctl restore BACKUP --data DIR)", 1, cmd_restore},
    {"calendar import", "FILE",
     "store a GOV.UK bank-holidays.json (init stores the shipped one); open due dates follow", 1, cmd_calendar_import},
    {"register import", "FILE.csv",
     "import the Home Office status register from CSV (all or nothing)", 1, cmd_register_import},
    {"gen-register", "--count N",
     "add N synthetic register records (see store/ctl/register_gen.h)", 0, cmd_gen_register},
    {"gen-cases", "--count N [--councils 100] [--seed S]",
     "add N synthetic cases, for benchmarks", 0, cmd_gen_cases},
    {"audit tail", "[N]",
     "the newest N audit events (default 20), newest first, as JSON lines", 0, cmd_audit_tail},
    {"outbox add", "--to ADDRESS --subject S --body-stdin",
     "queue an email (e.g. a test message)", 0, cmd_outbox_add},
    {"outbox list", "[N]",
     "waiting email, oldest first, as JSON lines (no bodies)", 0, cmd_outbox_list},
    {"check", "",
     "verify the user indexes, the audit chain, every counter, the report facts and that nothing of a destroyed "
     "case remains", 0, cmd_check},
    {"retention run", "[--dry-run]",
     "destroy every closed case past its council's retention date and not on legal hold (one JSON line "
     "each); --dry-run only lists them", 0, cmd_retention_run},
    {"compact", "",
     "rewrite data.mdb without its free and unused page space (connectd, if running, pauses for it)", 0,
     cmd_compact},
    {"scrub", "",
     "overwrite LMDB's free pages with zeros (as a retention run does after destroying)", 0, cmd_scrub},
    {"facts rebuild", "",
     "derive the reports' facts rows again from the records", 0, cmd_facts_rebuild},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* The usage text, every command from the table with its arguments and summary. */
static void print_usage(FILE *out)
{
    fputs("usage: connectctl --data DIR COMMAND [ARGUMENTS]\n"
          "       connectctl --help\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %s%s%s\n      %s\n", commands[i].words, *commands[i].synopsis ? " " : "",
                commands[i].synopsis, commands[i].summary);
}

/* How many of argv's leading words spell `words` ("outbox add" needs "outbox" then "add"); 0 when
 * they do not. */
static int words_match(const char *words, int argc, char **argv)
{
    int used = 0;
    for (const char *w = words; *w; used++) {
        size_t len = strcspn(w, " ");
        if (used >= argc || strlen(argv[used]) != len || strncmp(argv[used], w, len) != 0)
            return 0;
        w += len;
        w += *w == ' ';
    }
    return used;
}

static int is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0;
}

static int run_command(const char *data, int rest, char **args);

int main(int argc, char **argv)
{
    if ((argc == 2 && is_help(argv[1])) || (argc == 4 && strcmp(argv[1], "--data") == 0 && is_help(argv[3]))) {
        print_usage(stdout);
        return 0;
    }
    /* `--data DIR` comes first, or anywhere after the command (`connectctl restore BACKUP --data DIR`). */
    int at = 0;
    for (int i = 1; i + 1 < argc && !at; i++)
        if (strcmp(argv[i], "--data") == 0)
            at = i;
    if (argc < 4 || !at) {
        print_usage(stderr);
        return 1;
    }
    const char *data = argv[at + 1];
    char **args = malloc((size_t)argc * sizeof *args);
    if (!args)
        return die("out of memory");
    int rest = 0;
    for (int i = 1; i < argc; i++)
        if (i != at && i != at + 1)
            args[rest++] = argv[i];
    args[rest] = NULL;
    int rc = run_command(data, rest, args);
    free(args);
    return rc;
}

/* Runs the command spelled by args (the arguments without --data DIR). */
static int run_command(const char *data, int rest, char **args)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        int used = words_match(commands[i].words, rest, args);
        if (!used)
            continue;
        if (rest - used < commands[i].required_args) {
            fprintf(stderr, "connectctl: usage: connectctl --data DIR %s %s\n", commands[i].words,
                    commands[i].synopsis);
            return 1;
        }
        return commands[i].run(data, rest - used, args + used);
    }
    /* Name both words when the first is the start of a known command ("outbox sned"). */
    int group = 0;
    for (size_t i = 0; i < COMMAND_COUNT && !group; i++) {
        size_t len = strcspn(commands[i].words, " ");
        group = commands[i].words[len] == ' ' && strlen(args[0]) == len &&
                strncmp(args[0], commands[i].words, len) == 0;
    }
    if (group && rest > 1)
        fprintf(stderr, "connectctl: unknown command %s %s\n", args[0], args[1]);
    else
        fprintf(stderr, "connectctl: unknown command %s\n", args[0]);
    print_usage(stderr);
    return 1;
}
