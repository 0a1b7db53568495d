/* case_gen.c - synthetic cases. */
#include "case_gen.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_audit.h"
#include "store_case.h"
#include "store_org.h"
#include "store_user.h"
#include "store_work.h"
#include "uk_time.h"

typedef struct {
    const char *nationality;
    const char *given_f[6], *given_m[6], *family[8];
} origin;

static const origin origins[] = {
    {"Nigerian", {"Chioma", "Ngozi", "Funmilayo", "Aisha", "Blessing", "Adaeze"},
     {"Chinedu", "Oluwaseun", "Emeka", "Ibrahim", "Tunde", "Femi"},
     {"Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Abubakar", "Nwosu", "Adebayo"}},
    {"Ghanaian", {"Abena", "Akosua", "Ama", "Efua", "Adwoa", "Yaa"}, {"Kwame", "Kofi", "Kwabena", "Yaw", "Kojo", "Kwesi"},
     {"Mensah", "Owusu", "Boateng", "Asante", "Appiah", "Osei", "Agyeman", "Darko"}},
    {"Jamaican", {"Shanice", "Tanisha", "Kerry-Ann", "Simone", "Latoya", "Marcia"},
     {"Andre", "Dwayne", "Marlon", "Delroy", "Kemar", "Winston"},
     {"Campbell", "Brown", "Williams", "Grant", "McKenzie", "Thompson", "Reid", "Francis"}},
    {"Pakistani", {"Ayesha", "Fatima", "Sana", "Hina", "Rabia", "Nadia"}, {"Muhammad", "Imran", "Bilal", "Asif", "Usman", "Zain"},
     {"Khan", "Ahmed", "Hussain", "Iqbal", "Malik", "Qureshi", "Butt", "Raza"}},
    {"Bangladeshi", {"Nusrat", "Taslima", "Rupa", "Shirin", "Farzana", "Jahanara"},
     {"Rahim", "Karim", "Shafiq", "Jamal", "Habib", "Anwar"},
     {"Rahman", "Islam", "Hossain", "Chowdhury", "Uddin", "Miah", "Begum", "Ali"}},
    {"Indian", {"Priya", "Lakshmi", "Deepa", "Kavita", "Anjali", "Pooja"}, {"Rajesh", "Suresh", "Arjun", "Vikram", "Sanjay", "Manoj"},
     {"Patel", "Singh", "Sharma", "Kaur", "Gupta", "Reddy", "Nair", "Kumar"}},
    {"Albanian", {"Elira", "Arta", "Blerta", "Drita", "Mirela", "Anila"}, {"Arben", "Besnik", "Dritan", "Ermal", "Gentian", "Ilir"},
     {"Hoxha", "Shehu", "Krasniqi", "Gashi", "Berisha", "Dervishi", "Leka", "Çela"}},
    {"Eritrean", {"Senait", "Helen", "Freweyni", "Selam", "Ruta", "Yordanos"}, {"Yonas", "Dawit", "Tesfay", "Mehari", "Filmon", "Samuel"},
     {"Tesfamariam", "Ghebreyesus", "Haile", "Kidane", "Berhane", "Tekle", "Woldu", "Asmelash"}},
    {"Somali", {"Hodan", "Fadumo", "Amina", "Sahra", "Khadija", "Ifrah"}, {"Abdi", "Mohamed", "Ahmed", "Yusuf", "Hassan", "Abdullahi"},
     {"Warsame", "Farah", "Abdi", "Ali", "Hussein", "Jama", "Osman", "Omar"}},
    {"Zimbabwean", {"Tendai", "Rudo", "Nyasha", "Chipo", "Tsitsi", "Fadzai"}, {"Tatenda", "Farai", "Tinashe", "Kudzai", "Takudzwa", "Tafadzwa"},
     {"Moyo", "Ncube", "Dube", "Sibanda", "Chikwanha", "Mutasa", "Nyathi", "Mpofu"}},
    {"Afghan", {"Zahra", "Mariam", "Fereshta", "Nazanin", "Parwana", "Shabnam"}, {"Ahmad", "Mohammad", "Rahmatullah", "Farid", "Naveed", "Jawad"},
     {"Ahmadzai", "Popal", "Karimi", "Rahimi", "Hakimi", "Noori", "Safi", "Stanekzai"}},
    {"Iranian", {"Maryam", "Shirin", "Leila", "Narges", "Parisa", "Sara"}, {"Reza", "Ali", "Hossein", "Mehdi", "Amir", "Saeed"},
     {"Hosseini", "Mohammadi", "Rezaei", "Ahmadi", "Karimi", "Moradi", "Jafari", "Rahimi"}},
    {"Iraqi", {"Noor", "Zainab", "Huda", "Rana", "Shaima", "Dalia"}, {"Ali", "Hassan", "Mustafa", "Haider", "Omar", "Karwan"},
     {"Al-Jubouri", "Hassan", "Mahmoud", "Abdullah", "Kareem", "Salih", "Aziz", "Rashid"}},
    {"Sudanese", {"Amna", "Hawa", "Mariam", "Samira", "Rehab", "Sumaya"}, {"Mohamed", "Osman", "Adam", "Abdelrahman", "Yousif", "Elfatih"},
     {"Ahmed", "Osman", "Ibrahim", "Elamin", "Abdalla", "Musa", "Babiker", "Hamid"}},
    {"Vietnamese", {"Linh", "Huong", "Thu", "Mai", "Lan", "Ngoc"}, {"Minh", "Tuan", "Hung", "Duc", "Quang", "Thanh"},
     {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"}},
    {"Chinese", {"Li Na", "Wang Fang", "Xiu Ying", "Mei", "Jing", "Yan"}, {"Wei", "Jun", "Lei", "Hao", "Jian", "Qiang"},
     {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao"}},
    {"Brazilian", {"Ana", "Juliana", "Fernanda", "Camila", "Larissa", "Gabriela"}, {"João", "Lucas", "Pedro", "Rafael", "Thiago", "Bruno"},
     {"Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida"}},
    {"Colombian", {"María José", "Valentina", "Daniela", "Luisa", "Paola", "Carolina"},
     {"José Luis", "Andrés", "Santiago", "Juan Carlos", "Camilo", "Sebastián"},
     {"García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Gómez", "Díaz"}},
    {"Filipino", {"Maria", "Rosalie", "Jocelyn", "Marites", "Analyn", "Cristina"}, {"Jose", "Mark", "Rodel", "Jerome", "Arnel", "Ramon"},
     {"Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Dela Cruz"}},
    {"Sierra Leonean", {"Fatmata", "Isatu", "Mariatu", "Aminata", "Kadiatu", "Hawa"}, {"Mohamed", "Ibrahim", "Alhaji", "Abu", "Sahr", "Foday"},
     {"Kamara", "Sesay", "Conteh", "Koroma", "Bangura", "Turay", "Kargbo", "Mansaray"}},
};
#define N_ORIGINS (sizeof origins / sizeof origins[0])

static uint64_t next(case_gen_rng *r)
{
    uint64_t x = r->state ? r->state : 0x9E3779B97F4A7C15ULL;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static unsigned pick(case_gen_rng *r, unsigned n) { return (unsigned)(next(r) % n); }

static void date_of(time_t t, char out[11])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void iso_of(time_t t, char out[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *person(case_gen_rng *r, const origin *o, const char *family, int female, time_t born, int id,
                      const char *relationship)
{
    char dob[11], ref[16] = "";
    date_of(born, dob);
    if (!relationship && pick(r, 3) == 0)
        snprintf(ref, sizeof ref, "%c%07u", "ABKMPS"[pick(r, 6)], pick(r, 10000000));
    json_t *p = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:n,s:o}", "id", (json_int_t)id, "given_names",
                          female ? o->given_f[pick(r, 6)] : o->given_m[pick(r, 6)], "family_name", family,
                          "date_of_birth", dob, "nationality", o->nationality, "gender", female ? "female" : "male",
                          "other_names", "ho_reference", *ref ? json_string(ref) : json_null());
    if (p && relationship)
        json_object_set_new(p, "relationship", json_string(relationship));
    return p;
}

json_t *case_gen_record(case_gen_rng *r, uint64_t council, uint64_t caseworker, const char *team, time_t now)
{
    const origin *o = &origins[pick(r, N_ORIGINS)];
    const char *family = o->family[pick(r, 8)];
    const time_t day = 86400, year = 365 * day;
    time_t created = now - (time_t)pick(r, (unsigned)(10 * 365)) * day - (time_t)pick(r, 86400);
    int kind = pick(r, 10); /* 0-5 family, 6-8 single adult, 9 care leaver */
    int female = pick(r, 3) != 0;
    time_t pa_born = kind == 9 ? created - (18 + pick(r, 4)) * year : created - (20 + pick(r, 30)) * year;
    json_t *deps = json_array();
    int next_id = 2;
    if (kind <= 5) {
        int children = 1 + pick(r, 4);
        for (int i = 0; i < children; i++) {
            time_t born = created - (time_t)pick(r, 16 * 365) * day;
            json_array_append_new(deps, person(r, o, family, pick(r, 2), born, next_id++, "child"));
        }
        if (pick(r, 3) == 0)
            json_array_append_new(deps, person(r, o, family, !female, pa_born - pick(r, 5 * 365) * day, next_id++, "spouse"));
    }
    static const char *const leg_family[] = {"children_act_s17", "children_act_s17", "children_act_s17", "children_act_s20"};
    static const char *const leg_leaver[] = {"children_act_s23c", "children_act_s24a", "children_act_s24b"};
    const char *legislation = kind <= 5   ? leg_family[pick(r, 4)]
                              : kind == 9 ? leg_leaver[pick(r, 3)]
                                          : "care_act_2014";
    const char *household = kind <= 5 ? (json_array_size(deps) && pick(r, 3) == 0 ? "family" : "lone_parent_family")
                            : kind == 9 ? "care_leaver"
                                        : "single_adult";
    int fate = pick(r, 20); /* 0-9 closed, 10-16 supported, 17-19 referral */
    char start[11], end[11], closed[11], at[21], upd[21];
    iso_of(created, at);
    json_t *finance = json_null(), *closure = json_null();
    const char *status = "open_referral";
    time_t support_start = created + (time_t)pick(r, 30) * day;
    if (support_start > now)
        support_start = now;
    if (fate < 17) {
        date_of(support_start, start);
        static const char *const acc[] = {"bed_and_breakfast", "hostel", "private_rented", "temporary", "supported"};
        finance = json_pack("{s:s,s:I,s:s,s:I,s:[],s:n,s:s}", "support_start_date", start, "weekly_subsistence_pence",
                            (json_int_t)(3500 + 500 * pick(r, 20)), "accommodation_type", acc[pick(r, 5)],
                            "weekly_accommodation_pence", (json_int_t)(10000 + 1000 * pick(r, 40)), "other_costs",
                            "support_end_date", "updated_at", at);
        status = "open_supported";
    }
    time_t updated = created;
    if (fate < 10) {
        time_t close_at = support_start + (time_t)(30 + pick(r, 900)) * day;
        if (close_at > now)
            close_at = now;
        date_of(close_at, closed);
        static const char *const reasons[] = {"leave_granted_recourse", "leave_granted_nrpf", "transferred_to_asylum_support",
                                              "left_area", "voluntary_return", "no_longer_eligible", "not_destitute"};
        char cat[21];
        iso_of(close_at, cat);
        closure = json_pack("{s:s,s:s,s:n,s:s,s:I}", "closure_date", closed, "reason", reasons[pick(r, 7)], "notes",
                            "closed_at", cat, "closed_by", (json_int_t)caseworker);
        date_of(close_at, end);
        json_object_set_new(finance, "support_end_date", json_string(end));
        status = "closed";
        updated = close_at;
    }
    iso_of(updated, upd);
    static const char *const streets[] = {"High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane",
                                          "Mill Road", "Park Avenue", "Queen Street"};
    char address[96];
    snprintf(address, sizeof address, "%u %s", 1 + pick(r, 200), streets[pick(r, 8)]);
    json_t *rec = json_pack(
        "{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:[],s:I,s:s,s:I,s:s,s:I}", "council_id",
        (json_int_t)council, "status", status, "principal", person(r, o, family, female, pa_born, 1, NULL), "dependants",
        deps, "immigration", case_empty_immigration(), "finance", finance, "closure", closure, "caseworker_id",
        caseworker ? json_integer((json_int_t)caseworker) : json_null(), "team", team ? team : "NRPF Team",
        "legislation", legislation, "household_type", household, "address", address, "la_involvement",
        "Assessment completed; household referred for NRPF support.", "documents", "next_person", (json_int_t)next_id,
        "created_at", at, "created_by", (json_int_t)caseworker, "updated_at", upd, "updated_by", (json_int_t)caseworker);
    return rec;
}

typedef struct {
    char code[17], name[64];
    uint64_t org, worker;
    const char *at;
    unsigned index; /* 0-based: where the council is */
} gen_org_ctx;

/* Where generated council `index` is, spread roughly as the Network's members are: one in 50 in
 * Northern Ireland, one in 20 in Scotland and one in 20 in Wales, the rest over England's nine regions. */
static void gen_place(unsigned index, const char **nation, const char **region)
{
    if (index % 50 == 49)
        *nation = "northern_ireland";
    else if (index % 20 == 18)
        *nation = "scotland";
    else if (index % 20 == 19)
        *nation = "wales";
    else
        *nation = "england";
    *region = strcmp(*nation, "england") != 0 ? *nation : store_org_regions[index % 9];
}

typedef struct {
    case_gen_rng *rng;
    const gen_org_ctx *orgs;
    unsigned councils;
    time_t now;
    unsigned n;
    char at[21];
    const calendar *cal; /* NULL: no alerts or queries */
} bulk_ctx;

/* Open work at the scale DESIGN.md expects (about 18,000 HO checks and queries a year): one open case
 * in 40 has a new case alert raised in the last four weeks (some overdue), one in 80 a query
 * awaiting the HO. */
static int gen_work(store *s, MDB_txn *txn, bulk_ctx *c, const json_t *rec, uint64_t id, uint64_t worker)
{
    if (!c->cal || json_get_str_is(rec, "status", "closed"))
        return 0;
    unsigned roll = pick(c->rng, 80);
    if (roll > 2)
        return 0;
    char from[11];
    uk_date_minus_days((int64_t)c->now, (int)pick(c->rng, 28), from);
    json_int_t council = json_integer_value(json_object_get(rec, "council_id"));
    json_t *item;
    char kind = roll < 2 ? WORK_ALERT : WORK_QUERY;
    if (kind == WORK_ALERT)
        item = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:b}", "case_id", (json_int_t)id, "council_id", council, "type",
                         "new_case", "to", "ho", "raised_at", c->at, "raised_by", (json_int_t)worker, "open", 1);
    else
        item = json_pack("{s:I,s:I,s:s,s:b,s:s,s:s,s:s,s:I,s:s,s:s,s:[{s:i,s:s,s:I,s:s,s:s}]}", "case_id",
                         (json_int_t)id, "council_id", council, "category", "progress_update", "urgent", 0,
                         "opened_by", "council", "opened_at", c->at, "opened_on", from, "opened_by_user",
                         (json_int_t)worker, "status", "open", "awaiting", "ho", "messages", "id", 1, "at", c->at,
                         "by", (json_int_t)worker, "side", "council", "text", "Is there any progress?");
    int rc = item ? store_work_due(item, c->cal, from, kind == WORK_ALERT ? 5 : 10) : STORE_NOMEM;
    uint64_t item_id;
    if (!rc)
        rc = store_work_create(s, txn, kind, item, worker, &item_id);
    json_decref(item);
    return rc;
}

static int bulk_write(store *s, MDB_txn *txn, void *arg)
{
    bulk_ctx *c = arg;
    case_gen_rng saved = *c->rng; /* a retry after growing the map makes the same cases */
    for (unsigned i = 0; i < c->n; i++) {
        const gen_org_ctx *o = &c->orgs[pick(c->rng, c->councils)];
        json_t *rec = case_gen_record(c->rng, o->org, o->worker, "NRPF Team", c->now);
        uint64_t id;
        int rc = rec ? store_case_create(s, txn, rec, &id) : STORE_NOMEM;
        if (!rc)
            rc = store_case_history_diff(s, txn, id, NULL, rec, c->at, o->worker);
        if (!rc)
            rc = gen_work(s, txn, c, rec, id, o->worker);
        json_decref(rec);
        if (rc) {
            *c->rng = saved;
            return rc;
        }
    }
    return 0;
}

static int gen_org_write(store *s, MDB_txn *txn, void *arg)
{
    gen_org_ctx *c = arg;
    int rc = store_org_by_code(s, txn, c->code, &c->org);
    if (rc == MDB_NOTFOUND) {
        const char *nation, *region;
        gen_place(c->index, &nation, &region);
        rc = store_org_create(s, txn, "council", c->name, c->code, c->at, &c->org);
        if (!rc)
            rc = store_org_set_place(s, txn, c->org, nation, region, NULL);
    }
    if (rc)
        return rc;
    char username[32];
    snprintf(username, sizeof username, "%s.worker", c->code);
    for (char *p = username; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    rc = store_user_by_username(s, txn, username, &c->worker);
    if (rc != MDB_NOTFOUND)
        return rc;
    /* "pw":"!" is no argon2 hash: this account can never sign in. */
    json_t *u = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:b,s:i,s:s}", "org_id", (json_int_t)c->org, "username",
                          username, "name", "Generated Caseworker", "role", "user", "team", "NRPF Team", "pw", "!",
                          "failed", 0, "locked", 0, "must_change", 0, "temp_expires", 0, "created_at", c->at);
    rc = u ? store_user_create(s, txn, u, &c->worker) : STORE_NOMEM;
    json_decref(u);
    return rc;
}

int case_gen_bulk(store *s, uint64_t count, unsigned councils, uint64_t seed, FILE *progress)
{
    if (councils == 0)
        councils = 1;
    gen_org_ctx *orgs = calloc(councils, sizeof *orgs);
    if (!orgs)
        return STORE_NOMEM;
    time_t now = time(NULL);
    char at[21];
    iso_of(now, at);
    int rc = 0;
    for (unsigned i = 0; i < councils && !rc; i++) {
        snprintf(orgs[i].code, sizeof orgs[i].code, "GEN%03u", i + 1);
        snprintf(orgs[i].name, sizeof orgs[i].name, "Generated Council %u", i + 1);
        orgs[i].at = at;
        orgs[i].index = i;
        rc = store_write(s, gen_org_write, &orgs[i]);
    }
    case_gen_rng rng = {seed ? seed : 42};
    const unsigned batch = 2000;
    calendar cal;
    int have_cal = 0;
    MDB_txn *rtxn;
    if (!rc && (rc = store_read_begin(s, &rtxn)) == 0) {
        char err[160];
        have_cal = calendar_store_get(s, rtxn, &cal, err, sizeof err) == 0;
        store_read_end(s, rtxn);
    }
    uint64_t done = 0;
    while (!rc && done < count) {
        bulk_ctx c = {.rng = &rng, .orgs = orgs, .councils = councils, .now = now,
                      .n = (unsigned)(count - done < batch ? count - done : batch), .cal = have_cal ? &cal : NULL};
        memcpy(c.at, at, sizeof at);
        rc = store_write(s, bulk_write, &c);
        done += c.n;
        if (progress && (done % 100000 == 0 || done == count))
            fprintf(progress, "%" PRIu64 " cases\n", done);
    }
    free(orgs);
    if (have_cal)
        calendar_free(&cal);
    return rc;
}
