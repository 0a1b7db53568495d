/* report_national.c - the NRPF Network's annual report (report_national.h, fcgi/API.md "National
 * report"). The tallies are a fixed grid of places (all, each region, region not set, each nation) ×
 * practice areas (each, all); each case's row adds to at most six cells of it. */
#include "report_national.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "council_places.h"
#include "case_enums.h"
#include "json_get.h"
#include "report.h"
#include "report_labels.h"
#include "store_facts.h"
#include "store_org.h"
#include "work.h"

#define REGIONS 12 /* store_org_regions */
#define NATIONS 4  /* store_org_nations */
enum { G_ALL = 0, G_REGION = 1, G_NO_REGION = G_REGION + REGIONS, G_NATION, GEOS = G_NATION + NATIONS };
#define A_ALL PRACTICE_AREAS
#define AREAS (PRACTICE_AREAS + 1)
#define STATUSES 12 /* case_immigration_statuses */
#define REASONS 10  /* case_closure_reasons */
#define QUARTERS 5  /* the day before the year, then its four quarter ends */

typedef struct {
    int64_t households, councils, dependants, children, partners;
    int64_t accommodation, subsistence, other, thousand, thousand_cost, support_days;
    int64_t quarter[QUARTERS];
    int64_t referrals, referrals_prev, referring_councils;
    int64_t imm_referred[STATUSES + 1], imm_supported[STATUSES + 1];
    int64_t closures[REASONS + 1];
    /* the Home Office's work (place rows of A_ALL only: an SLA row knows its council, not the case) */
    int64_t checks, checks_within, queries, queries_within;
    uint64_t last_council, last_referring; /* councils reporting: the walk is in council order */
} cell;

typedef struct {
    const national_params *p;
    int32_t from, to, upto, prev_from, prev_to;
    int32_t quarter_day[QUARTERS];
    const calendar *cal; /* England and Wales: the Home Office's side */
    council_places places;
    cell grid[GEOS][AREAS];
} national;

void national_year_days(int year, int32_t *from, int32_t *to)
{
    char d[32];
    snprintf(d, sizeof d, "%04d-04-01", year);
    *from = (int32_t)calendar_day(d);
    snprintf(d, sizeof d, "%04d-03-31", year + 1);
    *to = (int32_t)calendar_day(d);
}

void national_quarter_ends(int year, int32_t out[QUARTERS])
{
    static const char *const ends[QUARTERS] = {"03-31", "06-30", "09-30", "12-31", "03-31"};
    for (int i = 0; i < QUARTERS; i++) {
        char d[32];
        snprintf(d, sizeof d, "%04d-%s", year + (i == 0 ? 0 : i == QUARTERS - 1), ends[i]);
        out[i] = (int32_t)calendar_day(d);
    }
}

/* The council's cells in the grid: its region's (region not set when none) and its nation's; 0 in
 * *region when the council is outside the report's filters. */
static int geos_of(national *n, uint64_t council, int *region, int *nation)
{
    const council_place *pl;
    int rc = council_places_get(&n->places, council, &pl);
    if (rc)
        return rc;
    const national_params *p = n->p;
    *region = pl->region < 0 ? G_NO_REGION : G_REGION + pl->region;
    *nation = G_NATION + pl->nation;
    if ((p->region && (pl->region < 0 || strcmp(store_org_regions[pl->region], p->region) != 0)) ||
        (p->nation && strcmp(store_org_nations[pl->nation], p->nation) != 0))
        *region = 0;
    return 0;
}

/* What one case's row adds to each of its cells. */
typedef struct {
    int supported, referred, referred_prev, thousand;
    int64_t accommodation, subsistence, other, support_days;
    int quarter[QUARTERS];
} contribution;

static void add_closure(const national *n, const case_facts *f, int32_t day, uint8_t reason, int64_t *closures)
{
    if (day != FACTS_NO_DAY && day >= n->from && day <= n->upto && store_facts_owns(f, day))
        closures[reason <= REASONS ? reason : 0]++;
}

static void add_case(const national *n, const case_facts *f, const contribution *c, cell *x)
{
    if (c->supported) {
        x->households++;
        if (x->last_council != f->council_id) {
            x->councils++;
            x->last_council = f->council_id;
        }
        x->dependants += f->dependants;
        x->children += f->children;
        x->partners += f->partners;
        x->accommodation += c->accommodation;
        x->subsistence += c->subsistence;
        x->other += c->other;
        x->support_days += c->support_days;
        x->thousand += c->thousand;
        if (c->thousand)
            x->thousand_cost += c->accommodation + c->subsistence + c->other;
        x->imm_supported[f->imm_now <= STATUSES ? f->imm_now : 0]++;
    }
    for (int q = 0; q < QUARTERS; q++)
        x->quarter[q] += c->quarter[q];
    if (c->referred) {
        x->referrals++;
        if (x->last_referring != f->council_id) {
            x->referring_councils++;
            x->last_referring = f->council_id;
        }
        x->imm_referred[f->imm_at_referral <= STATUSES ? f->imm_at_referral : 0]++;
    }
    x->referrals_prev += c->referred_prev;
    add_closure(n, f, f->closure_day, f->closure_reason, x->closures);
    for (unsigned i = 0; i < f->n_past; i++) {
        int32_t day, reopened;
        uint8_t reason;
        store_facts_past_closure(f, i, &day, &reopened, &reason);
        add_closure(n, f, day, reason, x->closures);
    }
}

/* One case's row (store_facts_cases_each callback): the definitions of fcgi/API.md "National report". */
static int tally_case(const case_facts *f, void *arg)
{
    national *n = arg;
    int region, nation;
    int rc = geos_of(n, f->council_id, &region, &nation);
    if (rc || !region)
        return rc;
    contribution c = {0};
    /* Supported in the year: support (as this council had it) overlapping the year so far. */
    c.supported = f->support_start != FACTS_NO_DAY && n->upto >= n->from && f->support_start <= n->upto &&
                  (f->support_end == FACTS_NO_DAY || f->support_end >= n->from);
    if (c.supported) {
        int64_t days = report_support_days(f, n->from, n->upto);
        c.accommodation = report_weekly_cost(f->weekly_accommodation, days);
        c.subsistence = report_weekly_cost(f->weekly_subsistence, days);
        c.other = report_other_costs(f, n->from, n->upto);
        int32_t last = f->support_end != FACTS_NO_DAY && f->support_end < n->upto ? f->support_end : n->upto;
        c.support_days = (int64_t)last - f->support_start + 1;
        c.thousand = c.support_days >= 1000;
    }
    for (int q = 0; q < QUARTERS; q++)
        c.quarter[q] = n->quarter_day[q] <= n->p->today && report_supported_on(f, n->quarter_day[q]);
    /* A referral counts once, for the council it was made to (a transferred case's receiving row has
     * transfer_in). */
    int original = f->transfer_in == FACTS_NO_DAY;
    c.referred = original && f->referral_day >= n->from && f->referral_day <= n->upto;
    c.referred_prev = original && f->referral_day >= n->prev_from && f->referral_day <= n->prev_to;
    int area = case_practice_area(f->legislation);
    const int geos[3] = {G_ALL, region, nation};
    for (int g = 0; g < 3; g++) {
        add_case(n, f, &c, &n->grid[geos[g]][area]);
        add_case(n, f, &c, &n->grid[geos[g]][A_ALL]);
    }
    return 0;
}

/* One answered item (store_facts_sla_each callback): the Home Office's status checks and query
 * answers, within their service level counted in England and Wales working days. */
static int tally_sla(const sla_row *row, void *arg)
{
    national *n = arg;
    int check = row->type == SLA_NEW_CASE, query = row->type == SLA_QUERY || row->type == SLA_URGENT_QUERY;
    if (row->answered_by != 'h' || (!check && !query))
        return 0;
    int region, nation;
    int rc = geos_of(n, row->council_id, &region, &nation);
    if (rc || !region)
        return rc;
    char raised[11], answered[11];
    calendar_date(row->raised_day, raised);
    calendar_date(row->answered_day, answered);
    int beyond;
    long days = calendar_working_days_between(n->cal, raised, answered, &beyond);
    int within = days <= row->allowed;
    const int geos[3] = {G_ALL, region, nation};
    for (int g = 0; g < 3; g++) {
        cell *x = &n->grid[geos[g]][A_ALL];
        x->checks += check;
        x->checks_within += check && within;
        x->queries += query;
        x->queries_within += query && within;
    }
    return 0;
}

/* ---- the JSON ---- */

typedef enum { V_INT, V_MONEY, V_DECIMAL, V_PERCENT } value_type;

typedef struct {
    const char *key, *label;
    value_type type;
} column;

/* n / d to one decimal place (null when d is 0). */
static json_t *ratio1(int64_t num, int64_t den, int times)
{
    if (!den)
        return json_null();
    double v = (double)num * times / (double)den;
    return json_real((double)(int64_t)(v * 10 + (v < 0 ? -0.5 : 0.5)) / 10);
}

/* Pence num / den rounded half up to the penny (null when den is 0). */
static json_t *money_avg(int64_t num, int64_t den) { return den ? json_integer((num * 2 + den) / (den * 2)) : json_null(); }

static json_t *columns_json(const column *cols, size_t n)
{
    static const char *const types[] = {"int", "money", "decimal", "percent"};
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "key", cols[i].key, "label", cols[i].label, "type",
                                               types[cols[i].type]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

typedef json_t *(*values_fn)(const national *n, const cell *x);

static const char *const area_labels[PRACTICE_AREAS + 1] = {"Adults with care needs", "Families",
                                                            "Looked-after children and care leavers",
                                                            "Practice area not recorded", "All practice areas"};
static const char *const region_labels[REGIONS + 1] = {
    "North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands", "East of England",
    "London", "South East", "South West", "Scotland", "Wales", "Northern Ireland", "Region not set"};
static const char *const nation_labels[NATIONS] = {"England", "Scotland", "Wales", "Northern Ireland"};

static int add_row(json_t *rows, const char *breakdown, const char *name, const char *label, json_t *values)
{
    return !values || json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:o}", "breakdown", breakdown, "name", name,
                                                            "label", label, "values", values));
}

/* A section: its rows by practice area (by_area), then by region and by nation (the all-areas cell of
 * each place). The region "not set" row only when some council has none. */
static json_t *section(const national *n, const char *key, const char *title, const column *cols, size_t ncols,
                       values_fn fn, int by_area)
{
    json_t *rows = json_array(), *cj = columns_json(cols, ncols);
    int bad = !rows || !cj;
    for (int a = 0; !bad && by_area && a < AREAS; a++)
        bad = add_row(rows, "practice_area", a < PRACTICE_AREAS ? case_practice_areas[a] : "all", area_labels[a],
                      fn(n, &n->grid[G_ALL][a]));
    if (!bad && !by_area)
        bad = add_row(rows, "all", "all", "All councils", fn(n, &n->grid[G_ALL][A_ALL]));
    for (int r = 0; !bad && r <= REGIONS; r++) {
        const cell *x = &n->grid[G_REGION + r][A_ALL];
        static const cell none;
        if (r == REGIONS && memcmp(x, &none, sizeof none) == 0)
            continue;
        bad = add_row(rows, "region", r < REGIONS ? store_org_regions[r] : "not_set", region_labels[r], fn(n, x));
    }
    for (int g = 0; !bad && g < NATIONS; g++)
        bad = add_row(rows, "nation", store_org_nations[g], nation_labels[g], fn(n, &n->grid[G_NATION + g][A_ALL]));
    if (bad) {
        json_decref(rows);
        json_decref(cj);
        return NULL;
    }
    /* "o" steals both, also when json_pack fails (jansson >= 2.11). */
    return json_pack("{s:s,s:s,s:o,s:o}", "key", key, "title", title, "columns", cj, "rows", rows);
}

static const column households_cols[] = {{"households", "Households supported", V_INT},
                                         {"councils_reporting", "Councils reporting", V_INT},
                                         {"dependants", "Dependants", V_INT},
                                         {"children", "Dependants: children", V_INT},
                                         {"partners", "Dependants: partners", V_INT}};
static json_t *households_values(const national *n, const cell *x)
{
    (void)n;
    return json_pack("{s:I,s:I,s:I,s:I,s:I}", "households", (json_int_t)x->households, "councils_reporting",
                     (json_int_t)x->councils, "dependants", (json_int_t)x->dependants, "children",
                     (json_int_t)x->children, "partners", (json_int_t)x->partners);
}

static const column cost_cols[] = {
    {"accommodation_pence", "Property-related (accommodation)", V_MONEY},
    {"subsistence_pence", "Person-related (subsistence)", V_MONEY},
    {"other_pence", "Other costs", V_MONEY},
    {"total_pence", "Total cost", V_MONEY},
    {"average_per_household_pence", "Average per household", V_MONEY},
    {"thousand_day_households", "Households supported 1,000 days or more", V_INT},
    {"average_per_thousand_day_household_pence", "Average per 1,000-day household", V_MONEY}};
static json_t *cost_values(const national *n, const cell *x)
{
    (void)n;
    int64_t total = x->accommodation + x->subsistence + x->other;
    return json_pack("{s:I,s:I,s:I,s:I,s:o,s:I,s:o}", "accommodation_pence", (json_int_t)x->accommodation,
                     "subsistence_pence", (json_int_t)x->subsistence, "other_pence", (json_int_t)x->other,
                     "total_pence", (json_int_t)total, "average_per_household_pence", money_avg(total, x->households),
                     "thousand_day_households", (json_int_t)x->thousand, "average_per_thousand_day_household_pence",
                     money_avg(x->thousand_cost, x->thousand));
}

static const column quarter_cols[] = {{"start", "At the start (31 March)", V_INT},
                                      {"q1", "30 June", V_INT},
                                      {"q2", "30 September", V_INT},
                                      {"q3", "31 December", V_INT},
                                      {"q4", "31 March", V_INT},
                                      {"change", "Change over the year", V_INT}};
static json_t *quarter_values(const national *n, const cell *x)
{
    static const char *const keys[QUARTERS] = {"start", "q1", "q2", "q3", "q4"};
    json_t *o = json_object();
    /* A quarter end still to come has no figure yet. */
    for (int q = 0; o && q < QUARTERS; q++)
        if (json_object_set_new(o, keys[q],
                                n->quarter_day[q] <= n->p->today ? json_integer(x->quarter[q]) : json_null())) {
            json_decref(o);
            return NULL;
        }
    if (o && json_object_set_new(o, "change", n->quarter_day[QUARTERS - 1] <= n->p->today
                                                  ? json_integer(x->quarter[QUARTERS - 1] - x->quarter[0])
                                                  : json_null())) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static const column referral_cols[] = {{"referrals", "Referrals", V_INT},
                                       {"councils_reporting", "Councils reporting", V_INT},
                                       {"previous_year", "Referrals in the previous year", V_INT},
                                       {"change", "Change", V_INT},
                                       {"change_percent", "Change (%)", V_PERCENT}};
static json_t *referral_values(const national *n, const cell *x)
{
    (void)n;
    return json_pack("{s:I,s:I,s:I,s:I,s:o}", "referrals", (json_int_t)x->referrals, "councils_reporting",
                     (json_int_t)x->referring_councils, "previous_year", (json_int_t)x->referrals_prev, "change",
                     (json_int_t)(x->referrals - x->referrals_prev), "change_percent",
                     ratio1(x->referrals - x->referrals_prev, x->referrals_prev, 100));
}

static const column time_cols[] = {{"households", "Households supported", V_INT},
                                   {"average_days", "Average days on support", V_DECIMAL},
                                   {"thousand_day", "Supported 1,000 days or more", V_INT},
                                   {"thousand_day_percent", "Supported 1,000 days or more (%)", V_PERCENT}};
static json_t *time_values(const national *n, const cell *x)
{
    (void)n;
    return json_pack("{s:I,s:o,s:I,s:o}", "households", (json_int_t)x->households, "average_days",
                     ratio1(x->support_days, x->households, 1), "thousand_day", (json_int_t)x->thousand,
                     "thousand_day_percent", ratio1(x->thousand, x->households, 100));
}

/* Columns per immigration status and per closure reason, from the enumerations. */
static void enum_columns(column imm_cols[STATUSES + 1], column reason_cols[REASONS + 1])
{
    for (int i = 0; i < STATUSES; i++)
        imm_cols[i] = (column){case_immigration_statuses[i], label_immigration[i + 1], V_INT};
    imm_cols[STATUSES] = (column){"total", "Total", V_INT};
    for (int i = 0; i < REASONS; i++)
        reason_cols[i] = (column){case_closure_reasons[i], label_closure_reason[i + 1], V_INT};
    reason_cols[REASONS] = (column){"total", "Total", V_INT};
}

static json_t *counts_values(const int64_t *counts, const char *const *names, int n)
{
    json_t *o = json_object();
    int64_t total = counts[0]; /* code 0: none recorded, counted in the total only */
    for (int i = 0; o && i < n; i++) {
        total += counts[i + 1];
        if (json_object_set_new(o, names[i], json_integer(counts[i + 1]))) {
            json_decref(o);
            return NULL;
        }
    }
    if (o && json_object_set_new(o, "total", json_integer(total))) {
        json_decref(o);
        return NULL;
    }
    return o;
}
static json_t *imm_referred_values(const national *n, const cell *x)
{
    (void)n;
    return counts_values(x->imm_referred, case_immigration_statuses, STATUSES);
}
static json_t *imm_supported_values(const national *n, const cell *x)
{
    (void)n;
    return counts_values(x->imm_supported, case_immigration_statuses, STATUSES);
}
static json_t *closure_values(const national *n, const cell *x)
{
    (void)n;
    return counts_values(x->closures, case_closure_reasons, REASONS);
}

static const column ho_cols[] = {{"status_checks", "Status checks", V_INT},
                                 {"status_checks_within", "Status checks within the service level", V_INT},
                                 {"status_checks_within_percent", "Status checks within (%)", V_PERCENT},
                                 {"queries_answered", "Queries answered", V_INT},
                                 {"queries_within", "Queries answered within the service level", V_INT},
                                 {"queries_within_percent", "Queries answered within (%)", V_PERCENT}};
static json_t *ho_values(const national *n, const cell *x)
{
    (void)n;
    return json_pack("{s:I,s:I,s:o,s:I,s:I,s:o}", "status_checks", (json_int_t)x->checks, "status_checks_within",
                     (json_int_t)x->checks_within, "status_checks_within_percent",
                     ratio1(x->checks_within, x->checks, 100), "queries_answered", (json_int_t)x->queries,
                     "queries_within", (json_int_t)x->queries_within, "queries_within_percent",
                     ratio1(x->queries_within, x->queries, 100));
}

#define COLS(a) a, sizeof a / sizeof a[0]

static json_t *sections_json(const national *n)
{
    column imm_cols[STATUSES + 1], reason_cols[REASONS + 1];
    enum_columns(imm_cols, reason_cols);
    json_t *s[] = {
        section(n, "households", "Households supported in the year", COLS(households_cols), households_values, 1),
        section(n, "costs", "Collective cost in the year", COLS(cost_cols), cost_values, 1),
        section(n, "quarter_ends", "Households supported at each quarter end", COLS(quarter_cols), quarter_values, 1),
        section(n, "referrals", "Referrals in the year", COLS(referral_cols), referral_values, 1),
        section(n, "time_on_support", "Time on support", COLS(time_cols), time_values, 1),
        section(n, "immigration_referred", "Immigration status of households referred", imm_cols, STATUSES + 1,
                imm_referred_values, 1),
        section(n, "immigration_supported", "Immigration status of households supported", imm_cols, STATUSES + 1,
                imm_supported_values, 1),
        section(n, "closures", "Closures in the year by reason", reason_cols, REASONS + 1, closure_values, 1),
        section(n, "home_office", "The Home Office's work over Connect", COLS(ho_cols), ho_values, 0),
    };
    size_t ns = sizeof s / sizeof s[0];
    json_t *a = json_array();
    int bad = !a;
    for (size_t i = 0; i < ns; i++) {
        if (bad || !s[i]) {
            json_decref(s[i]); /* NULL is fine */
            bad = 1;
        } else if (json_array_append_new(a, s[i])) { /* takes s[i] even when it fails */
            bad = 1;
        }
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int report_national(store *s, MDB_txn *txn, const national_params *p, json_t **out)
{
    *out = NULL;
    national *n = calloc(1, sizeof *n);
    if (!n)
        return STORE_NOMEM;
    n->p = p;
    council_places_init(&n->places, s, txn);
    national_year_days(p->year, &n->from, &n->to);
    national_year_days(p->year - 1, &n->prev_from, &n->prev_to);
    n->upto = n->to < p->today ? n->to : p->today;
    national_quarter_ends(p->year, n->quarter_day);
    int rc = work_calendar(s, txn, &n->cal);
    if (!rc)
        rc = store_facts_cases_each(s, txn, 0, tally_case, n);
    if (!rc && n->upto >= n->from)
        rc = store_facts_sla_each(s, txn, n->from, n->upto, tally_sla, n);
    if (!rc) {
        char from[11], to[11], upto[11];
        calendar_date(n->from, from);
        calendar_date(n->to, to);
        calendar_date(n->upto >= n->from ? n->upto : n->from - 1, upto);
        json_t *sections = sections_json(n);
        *out = sections ? json_pack("{s:i,s:s,s:s,s:s,s:{s:s?,s:s?},s:o}", "year", p->year, "from", from, "to", to,
                                    "upto", upto, "filters", "region", p->region, "nation", p->nation, "sections",
                                    sections) /* steals sections, also when it fails */
                        : NULL;
        if (!*out)
            rc = STORE_NOMEM;
    }
    council_places_free(&n->places);
    free(n);
    return rc;
}

/* ---- the downloads ---- */

static void write_value(report_out *o, const char *type, const json_t *v)
{
    if (!json_is_number(v))
        report_empty(o);
    else if (strcmp(type, "money") == 0)
        report_money(o, (int64_t)json_integer_value(v));
    else if (strcmp(type, "int") == 0)
        report_int(o, (int64_t)json_integer_value(v));
    else
        report_decimal(o, json_number_value(v), 1);
}

/* xlsx: a sheet per section (breakdown, name, then its columns). CSV: one table of every figure. */
int report_national_write(report_out *o, const json_t *report)
{
    size_t i, j, k;
    const json_t *sec, *row, *col;
    const json_t *sections = json_object_get(report, "sections");
    int xlsx = report_out_is_xlsx(o);
    if (!xlsx) {
        static const report_col cols[] = {{"Section", REPORT_TEXT, 40}, {"Breakdown", REPORT_TEXT, 14},
                                          {"Name", REPORT_TEXT, 40},    {"Figure", REPORT_TEXT, 44},
                                          {"Value", REPORT_DECIMAL, 16}};
        report_table_begin(o, "National", cols, 5);
    }
    json_array_foreach(sections, i, sec) {
        const json_t *cols = json_object_get(sec, "columns");
        if (xlsx) {
            report_col rc[32];
            size_t nc = json_array_size(cols) + 2;
            if (nc > sizeof rc / sizeof rc[0]) {
                report_out_fail(o, STORE_CORRUPT);
                break;
            }
            rc[0] = (report_col){"Breakdown", REPORT_TEXT, 14};
            rc[1] = (report_col){"Name", REPORT_TEXT, 40};
            json_array_foreach(cols, k, col) {
                const char *t = json_get_str_or(col, "type", "int");
                rc[k + 2] = (report_col){json_get_str(col, "label"),
                                         strcmp(t, "money") == 0 ? REPORT_MONEY
                                         : strcmp(t, "int") == 0 ? REPORT_INT
                                                                 : REPORT_DECIMAL,
                                         18};
            }
            char sheet[32];
            snprintf(sheet, sizeof sheet, "%.31s", json_get_str_or(sec, "key", "section"));
            report_table_begin(o, sheet, rc, (int)nc);
        }
        json_array_foreach(json_object_get(sec, "rows"), j, row) {
            const json_t *values = json_object_get(row, "values");
            if (xlsx) {
                report_cstr(o, json_get_str(row, "breakdown"));
                report_cstr(o, json_get_str(row, "label"));
            }
            json_array_foreach(cols, k, col) {
                const json_t *v = json_object_get(values, json_get_str_or(col, "key", ""));
                if (!xlsx) {
                    report_cstr(o, json_get_str(sec, "title"));
                    report_cstr(o, json_get_str(row, "breakdown"));
                    report_cstr(o, json_get_str(row, "label"));
                    report_cstr(o, json_get_str(col, "label"));
                }
                write_value(o, json_get_str_or(col, "type", "int"), v);
                if (!xlsx)
                    report_row_end(o);
            }
            if (xlsx)
                report_row_end(o);
        }
        if (xlsx)
            report_table_end(o);
    }
    if (!xlsx)
        report_table_end(o);
    return report_out_error(o);
}
