/* report_cases.c - the admins' case downloads: finance, referrals, immigration and case resolution
 * (fcgi/API.md "Reports"). Each walks the case facts once, writing a row per case as it goes; the
 * finance summary keeps one sum per (council, team, legislation), never a row per case. */
#include "report_cases.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_labels.h"

#define MONEY_W 14
#define DATE_W 12

typedef struct {
    report_range *range;
    report_out *out;
    report_names *names;
    json_t *groups; /* finance summary: group key -> [council, team, legislation, sums…] */
} walk;

static void connect_id(report_out *o, uint64_t id)
{
    char buf[24];
    snprintf(buf, sizeof buf, "C%" PRIu64, id);
    report_cstr(o, buf);
}

/* An anonymous row of a destroyed case (store_facts.h) has no Connect ID: its cell is left empty. */
static void common_head(walk *w, const case_facts *f)
{
    if (f->case_id)
        connect_id(w->out, f->case_id);
    else
        report_empty(w->out);
    report_cstr(w->out, report_council_name(w->names, f->council_id));
}

/* ---- finance ---- */

static const report_col finance_cols[] = {
    {"Connect ID", REPORT_TEXT, 11},         {"Council", REPORT_TEXT, 24},
    {"Team", REPORT_TEXT, 18},               {"Legislation", REPORT_TEXT, 24},
    {"Caseworker", REPORT_TEXT, 22},         {"Status", REPORT_TEXT, 15},
    {"Support start", REPORT_DATE, DATE_W},  {"Support end", REPORT_DATE, DATE_W},
    {"Accommodation", REPORT_TEXT, 18},      {"Weekly subsistence", REPORT_MONEY, MONEY_W},
    {"Weekly accommodation", REPORT_MONEY, MONEY_W}, {"Weekly total", REPORT_MONEY, MONEY_W},
    {"Days in period", REPORT_INT, 9},       {"Subsistence in period", REPORT_MONEY, MONEY_W},
    {"Accommodation in period", REPORT_MONEY, MONEY_W}, {"Other costs in period", REPORT_MONEY, MONEY_W},
    {"Total in period", REPORT_MONEY, MONEY_W}, {"Days supported to date", REPORT_INT, 9},
    {"Total cost to date", REPORT_MONEY, MONEY_W},
};

static const report_col summary_cols[] = {
    {"Council", REPORT_TEXT, 24},
    {"Team", REPORT_TEXT, 18},
    {"Legislation", REPORT_TEXT, 24},
    {"Cases", REPORT_INT, 8},
    {"Weekly total", REPORT_MONEY, MONEY_W},
    {"Subsistence in period", REPORT_MONEY, MONEY_W},
    {"Accommodation in period", REPORT_MONEY, MONEY_W},
    {"Other costs in period", REPORT_MONEY, MONEY_W},
    {"Total in period", REPORT_MONEY, MONEY_W},
    {"Total cost to date", REPORT_MONEY, MONEY_W},
};
#define SUMS 7 /* Cases … Total cost to date */

typedef struct {
    int64_t weekly, days, sub, acc, other, total, days_to_date, to_date;
} finance_figures;

static int finance_in_range(const case_facts *f, const report_range *g)
{
    return f->support_start != FACTS_NO_DAY && f->support_start <= g->to &&
           (f->support_end == FACTS_NO_DAY || f->support_end >= g->from);
}

static finance_figures finance_of(const case_facts *f, const report_range *g)
{
    finance_figures x;
    x.weekly = (int64_t)f->weekly_subsistence + f->weekly_accommodation;
    x.days = report_support_days(f, g->from, g->upto);
    x.sub = report_weekly_cost(f->weekly_subsistence, x.days);
    x.acc = report_weekly_cost(f->weekly_accommodation, x.days);
    x.other = g->from <= g->upto ? report_other_costs(f, g->from, g->upto) : 0;
    x.total = x.sub + x.acc + x.other;
    x.days_to_date = report_support_days(f, f->support_start, g->upto);
    x.to_date = report_weekly_cost(f->weekly_subsistence, x.days_to_date) +
                report_weekly_cost(f->weekly_accommodation, x.days_to_date) +
                report_other_costs_to(f, g->upto);
    return x;
}

/* Group key: council (16 hex digits, so councils sort by id until named), legislation code, team.
 * The key is only for finding the group; the output is sorted by name afterwards. */
static int group_add(walk *w, const case_facts *f, const finance_figures *x)
{
    char head[40];
    snprintf(head, sizeof head, "%016" PRIx64 "|%02x|", f->council_id, f->legislation);
    size_t hl = strlen(head);
    char *key = malloc(hl + f->team_len + 1);
    if (!key)
        return STORE_NOMEM;
    memcpy(key, head, hl);
    memcpy(key + hl, f->team, f->team_len);
    key[hl + f->team_len] = 0;
    json_t *g = json_object_get(w->groups, key);
    if (!g) {
        g = json_pack("[I,s#,i,I,I,I,I,I,I,I]", (json_int_t)f->council_id, f->team, (int)f->team_len,
                      (int)f->legislation, (json_int_t)0, (json_int_t)0, (json_int_t)0, (json_int_t)0, (json_int_t)0,
                      (json_int_t)0, (json_int_t)0);
        if (!g || json_object_set_new(w->groups, key, g)) {
            free(key);
            return STORE_NOMEM;
        }
    }
    free(key);
    const int64_t add[SUMS] = {1, x->weekly, x->sub, x->acc, x->other, x->total, x->to_date};
    for (int i = 0; i < SUMS; i++) {
        json_t *n = json_array_get(g, 3 + (size_t)i);
        json_integer_set(n, json_integer_value(n) + add[i]);
    }
    return 0;
}

static int finance_row(const case_facts *f, void *ctx)
{
    walk *w = ctx;
    if (w->out && report_out_error(w->out))
        return report_out_error(w->out); /* the client has gone: stop walking */
    report_range *g = w->range;
    if (!finance_in_range(f, g))
        return 0;
    finance_figures x = finance_of(f, g);
    report_out *o = w->out;
    if (o) {
        common_head(w, f);
        report_text(o, f->team, f->team_len);
        report_cstr(o, LABEL(label_legislation, f->legislation));
        report_cstr(o, report_user_name(w->names, f->caseworker_id));
        report_cstr(o, LABEL(label_status, f->status));
        report_date(o, f->support_start);
        report_date(o, f->support_end);
        report_cstr(o, LABEL(label_accommodation, f->accommodation));
        /* A weekly amount not recorded is an empty cell (it costs nothing in the sums). */
        if (f->flags & FACTS_HAS_SUBSISTENCE)
            report_money(o, f->weekly_subsistence);
        else
            report_empty(o);
        if (f->flags & FACTS_HAS_ACCOMMODATION)
            report_money(o, f->weekly_accommodation);
        else
            report_empty(o);
        if (f->flags & (FACTS_HAS_SUBSISTENCE | FACTS_HAS_ACCOMMODATION))
            report_money(o, x.weekly);
        else
            report_empty(o);
        report_int(o, x.days);
        report_money(o, x.sub);
        report_money(o, x.acc);
        report_money(o, x.other);
        report_money(o, x.total);
        report_int(o, x.days_to_date);
        report_money(o, x.to_date);
        report_row_end(o);
    }
    return w->groups ? group_add(w, f, &x) : 0;
}

typedef struct {
    const char *council;
    json_t *g;
} sorted_group;

static int group_cmp(const void *a, const void *b)
{
    const sorted_group *x = a, *y = b;
    int c = strcmp(x->council ? x->council : "", y->council ? y->council : "");
    if (c)
        return c;
    c = strcmp(json_string_value(json_array_get(x->g, 1)), json_string_value(json_array_get(y->g, 1)));
    if (c)
        return c;
    return (int)json_integer_value(json_array_get(x->g, 2)) - (int)json_integer_value(json_array_get(y->g, 2));
}

static int finance_summary(walk *w, report_out *o)
{
    size_t n = json_object_size(w->groups), i = 0;
    sorted_group *list = calloc(n ? n : 1, sizeof *list);
    if (!list)
        return STORE_NOMEM;
    const char *key;
    json_t *g;
    json_object_foreach(w->groups, key, g) {
        list[i].g = g;
        list[i].council = report_council_name(w->names, (uint64_t)json_integer_value(json_array_get(g, 0)));
        i++;
    }
    qsort(list, n, sizeof *list, group_cmp);
    int64_t total[SUMS] = {0};
    report_table_begin(o, "By team and legislation", summary_cols, (int)(sizeof summary_cols / sizeof *summary_cols));
    for (i = 0; i < n; i++) {
        report_cstr(o, list[i].council);
        report_cstr(o, json_string_value(json_array_get(list[i].g, 1)));
        report_cstr(o, LABEL(label_legislation, (unsigned)json_integer_value(json_array_get(list[i].g, 2))));
        for (int k = 0; k < SUMS; k++) {
            int64_t v = json_integer_value(json_array_get(list[i].g, 3 + (size_t)k));
            total[k] += v;
            if (k == 0)
                report_int(o, v);
            else
                report_money(o, v);
        }
        report_row_end(o);
    }
    report_cstr(o, "Total");
    report_empty(o);
    report_empty(o);
    for (int k = 0; k < SUMS; k++) {
        if (k == 0)
            report_int(o, total[k]);
        else
            report_money(o, total[k]);
    }
    report_row_end(o);
    report_table_end(o);
    free(list);
    return 0;
}

int report_finance(report_range *g, report_out *o, report_names *names, int summary_only)
{
    walk w = {.range = g, .out = summary_only ? NULL : o, .names = names, .groups = json_object()};
    if (!w.groups)
        return STORE_NOMEM;
    if (!summary_only)
        report_table_begin(o, "Cases", finance_cols, (int)(sizeof finance_cols / sizeof *finance_cols));
    int rc = store_facts_cases_each(g->r->st, names->txn, g->council, finance_row, &w);
    if (!summary_only)
        report_table_end(o);
    if (!rc)
        rc = finance_summary(&w, o);
    json_decref(w.groups);
    return rc;
}

/* ---- referrals ---- */

static const report_col referral_cols[] = {
    {"Connect ID", REPORT_TEXT, 11},     {"Council", REPORT_TEXT, 24},        {"Referral date", REPORT_DATE, DATE_W},
    {"Team", REPORT_TEXT, 18},           {"Caseworker", REPORT_TEXT, 22},     {"Legislation", REPORT_TEXT, 24},
    {"Household type", REPORT_TEXT, 18}, {"Nationality", REPORT_TEXT, 18},    {"Referral source", REPORT_TEXT, 20},
    {"Dependants", REPORT_INT, 11},      {"Status", REPORT_TEXT, 15},         {"Support start", REPORT_DATE, DATE_W},
};

static int referral_row(const case_facts *f, void *ctx)
{
    walk *w = ctx;
    if (report_out_error(w->out))
        return report_out_error(w->out);
    /* A referral is the original council's: a case transferred in was not referred to the receiver. */
    if (f->referral_day < w->range->from || f->referral_day > w->range->to || f->transfer_in != FACTS_NO_DAY)
        return 0;
    report_out *o = w->out;
    common_head(w, f);
    report_date(o, f->referral_day);
    report_text(o, f->team, f->team_len);
    report_cstr(o, report_user_name(w->names, f->caseworker_id));
    report_cstr(o, LABEL(label_legislation, f->legislation));
    report_cstr(o, LABEL(label_household, f->household));
    report_text(o, f->nationality, f->nationality_len);
    report_cstr(o, LABEL(label_source, f->source));
    report_int(o, f->dependants);
    report_cstr(o, LABEL(label_status, f->status));
    report_date(o, f->support_start);
    report_row_end(o);
    return 0;
}

int report_referrals(report_range *g, report_out *o, report_names *names)
{
    walk w = {.range = g, .out = o, .names = names};
    report_table_begin(o, "Referrals", referral_cols, (int)(sizeof referral_cols / sizeof *referral_cols));
    int rc = store_facts_cases_each(g->r->st, names->txn, g->council, referral_row, &w);
    report_table_end(o);
    return rc;
}

/* ---- immigration and case resolution ---- */

static const report_col resolution_cols[] = {
    {"Connect ID", REPORT_TEXT, 11},
    {"Council", REPORT_TEXT, 24},
    {"Team", REPORT_TEXT, 18},
    {"Caseworker", REPORT_TEXT, 22},
    {"Legislation", REPORT_TEXT, 24},
    {"Referral date", REPORT_DATE, DATE_W},
    {"Status at referral", REPORT_TEXT, 26},
    {"Immigration status now", REPORT_TEXT, 26},
    {"Recourse to public funds", REPORT_TEXT, 10},
    {"Status", REPORT_TEXT, 15},
    {"Closure date", REPORT_DATE, DATE_W},
    {"Closure reason", REPORT_TEXT, 30},
    {"Days to resolution", REPORT_INT, 11},
    {"Days on support", REPORT_INT, 11},
};

/* One row of the resolution report: the case with the closure given (FACTS_NO_DAY: open). A row for
 * an earlier closure of a reopened case says so in Status and has no days on support (its support
 * then is not in the facts, only now's). */
static void resolution_line(walk *w, const case_facts *f, int32_t closure_day, uint8_t reason, int earlier)
{
    report_out *o = w->out;
    report_range *g = w->range;
    common_head(w, f);
    report_text(o, f->team, f->team_len);
    report_cstr(o, report_user_name(w->names, f->caseworker_id));
    report_cstr(o, LABEL(label_legislation, f->legislation));
    report_date(o, f->referral_day);
    report_cstr(o, LABEL(label_immigration, f->imm_at_referral ? f->imm_at_referral : 1));
    report_cstr(o, LABEL(label_immigration, f->imm_now ? f->imm_now : 1));
    report_cstr(o, f->recourse < 0 ? NULL : f->recourse ? "Yes" : "No");
    report_cstr(o, earlier                                ? "Closed, since reopened"
                   : f->transfer_out != FACTS_NO_DAY ? "Transferred to another council"
                                                     : LABEL(label_status, f->status));
    report_date(o, closure_day);
    report_cstr(o, LABEL(label_closure_reason, reason));
    if (closure_day != FACTS_NO_DAY)
        report_int(o, (int64_t)closure_day - f->referral_day);
    else
        report_empty(o);
    if (!earlier && f->support_start != FACTS_NO_DAY && f->support_start <= g->upto)
        report_int(o, report_support_days(f, f->support_start, g->upto));
    else
        report_empty(o);
    report_row_end(o);
}

static int resolution_row(const case_facts *f, void *ctx)
{
    walk *w = ctx;
    if (report_out_error(w->out))
        return report_out_error(w->out);
    report_range *g = w->range;
    /* Each earlier closure in the range is a resolution of its own, counted in its period. */
    for (unsigned i = 0; i < f->n_past; i++) {
        int32_t day, reopened;
        uint8_t reason;
        store_facts_past_closure(f, i, &day, &reopened, &reason);
        if (day != FACTS_NO_DAY && day >= g->from && day <= g->to && store_facts_owns(f, day))
            resolution_line(w, f, day, reason, 1);
    }
    if (f->referral_day > g->to || (f->closure_day != FACTS_NO_DAY && f->closure_day < g->from))
        return 0;
    /* A transferred case is in a council's resolution report for the periods it held the case: the
     * sender's frozen row (never closed: a closed case cannot be accepted) until the day before the
     * transfer, the receiver's from the transfer on. */
    if ((f->transfer_out != FACTS_NO_DAY && g->from >= f->transfer_out) ||
        (f->transfer_in != FACTS_NO_DAY && g->to < f->transfer_in))
        return 0;
    resolution_line(w, f, f->closure_day, f->closure_reason, 0);
    return 0;
}

int report_resolution(report_range *g, report_out *o, report_names *names)
{
    walk w = {.range = g, .out = o, .names = names};
    report_table_begin(o, "Resolution", resolution_cols, (int)(sizeof resolution_cols / sizeof *resolution_cols));
    int rc = store_facts_cases_each(g->r->st, names->txn, g->council, resolution_row, &w);
    report_table_end(o);
    return rc;
}
