/* report_perf.c - performance monitoring (fcgi/API.md "Reports"). Without a team, caseworker or
 * legislation filter the figures come from the store's pre-aggregates (store_perf.h): a few hundred
 * rows whatever the number of cases. With one of those filters, which the pre-aggregates do not
 * break down, they come from one pass over the case facts of the caller's scope (one council's is
 * small; the Home Office's every council's) with fixed-size tallies (at most 241 months). The pass is
 * also the reference the pre-aggregates are tested against (tests/unit/test_perf.c). */
#include "report_perf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "case_enums.h"
#include "store_case.h"
#include "store_perf.h"

#define MONTHS_MAX REPORT_PERF_MONTHS_MAX
#define REASONS 10

typedef struct {
    report_range *g;
    /* filters */
    const char *team;
    size_t team_len;
    uint64_t caseworker;
    int legislation;
    /* tallies */
    int64_t open_referral, open_supported, referrals, closures, ended, ended_days, thousand_day, spend;
    int64_t by_reason[REASONS + 1];
    int months;
    int32_t month_end[MONTHS_MAX]; /* the day each month is judged on */
    int64_t month_delta[MONTHS_MAX + 1];
} perf;

/* Index of the first month judged on or after day d (months when none). */
static int first_month_from(const perf *p, int32_t d)
{
    int lo = 0, hi = p->months;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (p->month_end[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One closure in the range, by its reason. */
static void tally_closure(perf *p, const case_facts *f, int32_t day, uint8_t reason)
{
    if (day == FACTS_NO_DAY || day < p->g->from || day > p->g->to || !store_facts_owns(f, day))
        return;
    p->closures++;
    p->by_reason[reason <= REASONS ? reason : 0]++;
}

static int tally(const case_facts *f, void *ctx)
{
    perf *p = ctx;
    const report_range *g = p->g;
    if ((p->team && (f->team_len != p->team_len || memcmp(f->team, p->team, p->team_len) != 0)) ||
        (p->caseworker && f->caseworker_id != p->caseworker) || (p->legislation && f->legislation != p->legislation))
        return 0;
    int supported = report_supported_on(f, g->to);
    int started = f->support_start != FACTS_NO_DAY && f->support_start <= g->to;
    /* Closed on `to`: by its closure, or by an earlier one it was reopened from only after `to`. */
    int closed = store_facts_closed_on(f, g->to);
    p->open_supported += supported;
    /* Figures "on `to`" count for the council that held the case that day; a referral counts for the
     * original council only (the receiver's row has transfer_in). */
    p->open_referral += f->referral_day <= g->to && !supported && !started && !closed && store_facts_owns(f, g->to);
    p->referrals += f->referral_day >= g->from && f->referral_day <= g->to && f->transfer_in == FACTS_NO_DAY;
    /* Each closure counts in its own period, the earlier closures of a reopened case too. */
    tally_closure(p, f, f->closure_day, f->closure_reason);
    for (unsigned i = 0; i < f->n_past; i++) {
        int32_t day, reopened;
        uint8_t reason;
        store_facts_past_closure(f, i, &day, &reopened, &reason);
        tally_closure(p, f, day, reason);
    }
    /* Support cut at a transfer did not end: it moved council. */
    if (f->support_start != FACTS_NO_DAY && f->support_end != FACTS_NO_DAY && !f->support_cut &&
        f->support_end >= g->from && f->support_end <= g->to) {
        p->ended++;
        p->ended_days += (int64_t)f->support_end - f->support_start + 1;
    }
    p->thousand_day += supported && (int64_t)f->support_start <= (int64_t)g->to - 1000;
    if (g->from <= g->upto) {
        int64_t days = report_support_days(f, g->from, g->upto);
        p->spend += report_weekly_cost(f->weekly_subsistence, days) + report_weekly_cost(f->weekly_accommodation, days) +
                    report_other_costs(f, g->from, g->upto);
    }
    /* Supported on a month's judging day d when start <= d <= end: a run of months, added as a
     * difference (+1 at the first, -1 after the last). */
    if (f->support_start != FACTS_NO_DAY) {
        int a = first_month_from(p, f->support_start);
        int b = f->support_end == FACTS_NO_DAY ? p->months : first_month_from(p, f->support_end + 1);
        if (a < b) {
            p->month_delta[a]++;
            p->month_delta[b]--;
        }
    }
    return 0;
}

/* The judging day of each month from g->from's to g->to's: its last day, or g->to for the last. */
static int months_of(perf *p)
{
    int y = atoi(p->g->from_s), m = atoi(p->g->from_s + 5);
    for (p->months = 0;; p->months++) {
        if (p->months == MONTHS_MAX)
            return -1;
        int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        char next[32];
        snprintf(next, sizeof next, "%04d-%02d-01", ny, nm);
        int32_t last = (int32_t)calendar_day(next) - 1;
        if (last >= p->g->to) {
            p->month_end[p->months++] = p->g->to;
            return 0;
        }
        p->month_end[p->months] = last;
        y = ny;
        m = nm;
    }
}

/* Weekly costs of support with no end, from the tallies of the starts up to `from` (each costed
 * for every day of the range) and of those after it up to `upto` (from its start): per amount, the
 * rounding of each case (report_weekly_cost: (w × days + 3) / 7 rounded down) depends only on
 * w mod 7 and days mod 7, which the tallies count. */
__extension__ typedef __int128 wide;

static int64_t open_support_cost(const perf *p, const int64_t *upto_from, const int64_t *upto_upto)
{
    const report_range *g = p->g;
    int64_t n = (int64_t)g->upto - g->from + 1, after = (int64_t)g->upto + 1, spend = 0;
    for (int i = 0; i < 2; i++) {
        const int64_t *a = upto_from + PERF_OPEN + i * PERF_OPEN_SLOTS, *b = upto_upto + PERF_OPEN + i * PERF_OPEN_SLOTS;
        wide whole = (wide)n * a[PERF_OPEN_SUM], part = (wide)after * (b[PERF_OPEN_SUM] - a[PERF_OPEN_SUM]) -
                                                        (b[PERF_OPEN_SUM_BY_START] - a[PERF_OPEN_SUM_BY_START]);
        for (int w = 0; w < 7; w++)
            for (int st = 0; st < 7; st++) {
                int slot = w * 7 + st;
                int64_t days_mod = ((after - st) % 7 + 7) % 7;
                whole += (wide)a[slot] * (3 - (w * (n % 7) + 3) % 7);
                part += (wide)(b[slot] - a[slot]) * (3 - (w * days_mod + 3) % 7);
            }
        spend += (int64_t)(whole / 7) + (int64_t)(part / 7);
    }
    return spend;
}

/* Weekly costs of a month's support spans with an end, as the pass costs a case (report_support_days
 * over from..upto, then report_weekly_cost), in a tight loop: the Home Office's default range has
 * about a hundred thousand of them at a million cases. */
static int cost_spans(const unsigned char *list, size_t n, void *ctx)
{
    perf *p = ctx;
    int64_t from = p->g->from, upto = p->g->upto, spend = 0;
    for (size_t i = 0; i < n; i++) {
        perf_span sp;
        perf_span_at(list, i, &sp);
        int64_t lo = sp.start > from ? sp.start : from, hi = sp.end < upto ? sp.end : upto;
        if (hi >= lo)
            spend += report_weekly_cost(sp.weekly_subsistence, hi - lo + 1) +
                     report_weekly_cost(sp.weekly_accommodation, hi - lo + 1);
    }
    p->spend += spend;
    return 0;
}

/* A report_weekly_cost's remainder term: (w × days + 3) mod 7 taken off, from w mod 7 and days. */
static int64_t rounding(int w_mod, int64_t days) { return 3 - (w_mod * (((days % 7) + 7) % 7) + 3) % 7; }

/* The weekly costs of the spans of a cell that lies wholly on one side of `from` and of `upto`, from
 * its sums: each span costs report_weekly_cost(w, days) = (w × days + 3 − (w × days + 3) mod 7) / 7,
 * whose remainder depends only on w mod 7 and days mod 7. Its days: from its start to its end (inside
 * the range), from `from` to its end (started before), from its start to `upto` (ends after), the
 * whole range (both). */
static int64_t cell_cost(const perf *p, const int64_t *cell, int starts_before, int ends_after)
{
    int64_t from = p->g->from, upto = p->g->upto, spend = 0;
    for (int i = 0; i < 2; i++) {
        const int64_t *c = cell + i * PERF_CELL_KIND;
        const int64_t *by_end = c + PERF_CELL_BY_END, *by_start = c + PERF_CELL_BY_START;
        wide sum = 0;
        if (!starts_before && !ends_after) {
            spend += c[PERF_CELL_COST];
            continue;
        }
        if (starts_before && !ends_after) {
            sum = (wide)c[PERF_CELL_SUM_BY_END] - (wide)(from - 1) * c[PERF_CELL_SUM];
            for (int w = 0; w < 7; w++)
                for (int d = 0; d < 7; d++)
                    sum += (wide)by_end[w * 7 + d] * rounding(w, d - from + 1);
        } else if (!starts_before) {
            sum = (wide)(upto + 1) * c[PERF_CELL_SUM] - c[PERF_CELL_SUM_BY_START];
            for (int w = 0; w < 7; w++)
                for (int d = 0; d < 7; d++)
                    sum += (wide)by_start[w * 7 + d] * rounding(w, upto + 1 - d);
        } else {
            sum = (wide)(upto - from + 1) * c[PERF_CELL_SUM];
            for (int w = 0; w < 7; w++)
                for (int d = 0; d < 7; d++)
                    sum += (wide)by_start[w * 7 + d] * rounding(w, upto - from + 1);
        }
        spend += (int64_t)(sum / 7);
    }
    return spend;
}

typedef struct {
    perf *p;
    MDB_txn *txn;
    int32_t from_month, upto_month;
    int from_day, upto_day; /* their days of the month, 0 to 30 */
    int from_whole, upto_whole; /* `from` is its month's first day; `upto` its last */
} cells_ctx;

/* Of a cell's spans, how many have their day of the month (hist) before `day`. */
static int64_t before_day(const int64_t *hist, int day)
{
    int64_t n = 0;
    for (int i = 0; i < day; i++)
        n += hist[i];
    return n;
}

/* One cell of every council's spans. In the month of `from` or `upto` (unless the range takes it
 * whole) the cell's days of the month say on which side its spans lie: when they lie on both, its
 * spans are read instead. */
static int cost_cell(int32_t end_month, int32_t start_month, const int64_t *cell, void *arg)
{
    cells_ctx *c = arg;
    const int64_t *ends = cell + PERF_CELL_END_DAY, *starts = cell + PERF_CELL_START_DAY;
    int64_t all = before_day(ends, 31);
    int starts_before = start_month < c->from_month, ends_after = end_month > c->upto_month;
    if (start_month > c->upto_month)
        return 0; /* started after the range */
    if (end_month == c->from_month && !c->from_whole) {
        int64_t n = before_day(ends, c->from_day); /* ended before `from` */
        if (n == all)
            return 0;
        if (n)
            goto read_spans;
    }
    if (end_month == c->upto_month && !c->upto_whole) {
        int64_t n = all - before_day(ends, c->upto_day + 1); /* ending after `upto` */
        if (n && n != all)
            goto read_spans;
        ends_after = n == all;
    }
    if (start_month == c->from_month && !c->from_whole) {
        int64_t n = before_day(starts, c->from_day);
        if (n && n != all)
            goto read_spans;
        starts_before = n == all;
    }
    if (start_month == c->upto_month && !c->upto_whole) {
        int64_t n = all - before_day(starts, c->upto_day + 1); /* starting after `upto` */
        if (n == all)
            return 0;
        if (n)
            goto read_spans;
    }
    c->p->spend += cell_cost(c->p, cell, starts_before, ends_after);
    return 0;
read_spans:
    return store_perf_spans_in(c->p->g->r->st, c->txn, end_month, start_month, cost_spans, c->p);
}

/* The weekly costs of every council's spans with an end, by cell. */
static int every_council_spans(perf *p, MDB_txn *txn)
{
    cells_ctx c = {p, txn, store_perf_month(p->g->from), store_perf_month(p->g->upto), 0, 0, 0, 0};
    c.from_day = (int)(p->g->from - store_perf_month_first_day(c.from_month));
    c.upto_day = (int)(p->g->upto - store_perf_month_first_day(c.upto_month));
    c.from_whole = c.from_day == 0;
    c.upto_whole = (int64_t)p->g->upto + 1 == store_perf_month_first_day(c.upto_month + 1);
    return store_perf_cells_each(p->g->r->st, txn, p->g->from, cost_cell, &c);
}

/* The tallies of the pass, from the pre-aggregates: the sums up to the day before `from`, `from`,
 * `upto`, `to` and each month's judging day. */
static int tally_aggregates(perf *p, MDB_txn *txn)
{
    const report_range *g = p->g;
    size_t n = 4 + (size_t)p->months;
    int32_t *days = malloc(n * sizeof *days);
    perf_tallies *t = malloc(n * sizeof *t);
    int rc = days && t ? 0 : STORE_NOMEM;
    if (!rc) {
        days[0] = g->from - 1;
        days[1] = g->from;
        days[2] = g->upto;
        days[3] = g->to;
        memcpy(days + 4, p->month_end, (size_t)p->months * sizeof *days);
        rc = store_perf_sums(g->r->st, txn, g->council, days, n, t);
    }
    if (!rc) {
        const int64_t *before = t[0], *on = t[3];
        p->open_referral = on[PERF_OPEN_REFERRAL];
        p->open_supported = on[PERF_OPEN_SUPPORTED];
        p->thousand_day = on[PERF_THOUSAND_DAY];
        p->referrals = on[PERF_REFERRALS] - before[PERF_REFERRALS];
        for (int i = 0; i <= REASONS; i++) {
            p->by_reason[i] = on[PERF_CLOSURES + i] - before[PERF_CLOSURES + i];
            p->closures += p->by_reason[i];
        }
        p->ended = on[PERF_ENDED] - before[PERF_ENDED];
        p->ended_days = on[PERF_ENDED_DAYS] - before[PERF_ENDED_DAYS];
        for (int i = 0; i < p->months; i++)
            p->month_delta[i] = t[4 + i][PERF_OPEN_SUPPORTED] - (i ? t[3 + i][PERF_OPEN_SUPPORTED] : 0);
        if (g->from <= g->upto) {
            p->spend = t[2][PERF_COSTS] - before[PERF_COSTS] + open_support_cost(p, t[1], t[2]);
            rc = g->council ? store_perf_spans_each(g->r->st, txn, g->council, g->from, cost_spans, p)
                            : every_council_spans(p, txn);
        }
    }
    free(days);
    free(t);
    return rc;
}

/* The answer, from the pass (aggregates 0) or the pre-aggregates (1: only without team, caseworker or
 * legislation filter, and once the store has built them). */
static int performance(report_range *g, const report_perf_filters *flt, MDB_txn *txn, int aggregates, json_t **out)
{
    perf *p = calloc(1, sizeof *p);
    if (!p)
        return STORE_NOMEM;
    p->g = g;
    p->team = flt->team;
    p->team_len = flt->team ? strlen(flt->team) : 0;
    p->caseworker = flt->caseworker;
    p->legislation = flt->legislation;
    if (months_of(p)) {
        free(p);
        return STORE_CORRUPT; /* report_params keeps the span within 20 years */
    }
    int rc = aggregates ? tally_aggregates(p, txn) : store_facts_cases_each(g->r->st, txn, g->council, tally, p);
    json_t *o = NULL;
    if (!rc) {
        json_t *reasons = json_array(), *months = json_array();
        int bad = !reasons || !months;
        for (int i = 1; !bad && i <= REASONS; i++)
            bad = json_array_append_new(reasons, json_pack("{s:s,s:I}", "reason",
                                                           case_enum_value1(case_closure_reasons, i),
                                                           "count", (json_int_t)p->by_reason[i]));
        int64_t running = 0;
        for (int i = 0; !bad && i < p->months; i++) {
            char day[11];
            calendar_date(p->month_end[i], day);
            running += p->month_delta[i];
            bad = json_array_append_new(months, json_pack("{s:s#,s:I}", "month", day, 7, "open_supported",
                                                          (json_int_t)running));
        }
        json_t *avg = p->ended ? json_real((double)(int64_t)((double)p->ended_days * 10 / (double)p->ended + 0.5) / 10)
                               : json_null();
        /* json_pack takes its "o" values even when it fails: after the call they are never ours. */
        json_t *figures = json_pack("{s:I,s:I,s:I,s:I,s:o,s:I,s:I}", "open_referral", (json_int_t)p->open_referral,
                                    "open_supported", (json_int_t)p->open_supported, "referrals",
                                    (json_int_t)p->referrals, "closures", (json_int_t)p->closures,
                                    "average_days_on_support", avg, "thousand_day", (json_int_t)p->thousand_day,
                                    "spend_pence", (json_int_t)p->spend);
        if (bad || !figures) {
            json_decref(reasons);
            json_decref(months);
            json_decref(figures);
        } else {
            o = json_pack("{s:s,s:s,s:o,s:o,s:o}", "from", g->from_s, "to", g->to_s, "figures", figures,
                          "closures_by_reason", reasons, "open_supported_by_month", months);
        }
        if (!o)
            rc = STORE_NOMEM;
    }
    free(p);
    *out = o;
    return rc;
}

int report_performance_scan(report_range *g, const report_perf_filters *flt, MDB_txn *txn, json_t **out)
{
    return performance(g, flt, txn, 0, out);
}

int report_performance(report_range *g, const report_perf_filters *flt, MDB_txn *txn, json_t **out)
{
    int ready = 0, rc = flt->team || flt->caseworker || flt->legislation ? 0 : store_perf_ready(g->r->st, txn, &ready);
    *out = NULL;
    return rc ? rc : performance(g, flt, txn, ready, out);
}
