/* store_perf.c - the performance report's pre-aggregates (store_perf.h). */
#include "store_perf.h"
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"

#define META_KEY "perf_version"
#define DAY_KEY 13   /* 'D' | scope | day */
#define MONTH_KEY 13 /* 'M' | scope | month */
#define SPAN_SIZE PERF_SPAN_SIZE /* int32 start, int32 end, uint32 subsistence, uint32 accommodation */
#define SLOT_SIZE 10 /* uint16 slot, int64 value (host order) */
#define BREAKS_MAX (9 + 2 * FACTS_PAST_MAX)
#define SPAN_KEY 17 /* 'S' | council | end month | start month; 'C' | 0 | end month | start month */

/* ---- calendar arithmetic (proleptic Gregorian, days since 1970-01-01, as calendar_day) ---- */

/* Month number (year × 12 + month − 1) of a day. */
static int32_t month_of(int64_t z);
int32_t store_perf_month(int32_t day) { return month_of(day); }

static int32_t month_of(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    return (int32_t)(y * 12 + m - 1);
}

/* The first day of a month number. */
int32_t store_perf_month_first_day(int32_t month)
{
    int64_t y = month / 12, m = month % 12 + 1;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static int mod7(int64_t x) { return (int)(((x % 7) + 7) % 7); }

/* ---- keys and vectors ---- */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* kind 'D' (t a day), 'M' or 'S' (t a month): offset so that key order is time order. */
static void row_key(unsigned char out[13], char kind, uint64_t scope, int32_t t)
{
    out[0] = (unsigned char)kind;
    store_key_u64(out + 1, scope);
    put_be32(out + 9, (uint32_t)t ^ 0x80000000u);
}

static int32_t key_time(const unsigned char *k) { return (int32_t)(get_be32(k + 9) ^ 0x80000000u); }

/* Adds a stored sparse vector of `slots` slots to v; STORE_CORRUPT when malformed. */
static int add_sparse_n(int64_t *v, const MDB_val *val, int slots)
{
    const unsigned char *p = val->mv_data;
    if (val->mv_size % SLOT_SIZE)
        return STORE_CORRUPT;
    for (size_t i = 0; i < val->mv_size; i += SLOT_SIZE) {
        int64_t x;
        uint16_t slot;
        memcpy(&slot, p + i, 2);
        if (slot >= slots)
            return STORE_CORRUPT;
        memcpy(&x, p + i + 2, 8);
        v[slot] += x;
    }
    return 0;
}

static int add_sparse(int64_t *v, const MDB_val *val) { return add_sparse_n(v, val, PERF_TALLIES); }

/* The sparse bytes of the `slots` slots of v (out holds them all); 0 bytes when all are zero. */
static size_t encode_sparse_n(const int64_t *v, int slots, unsigned char *out)
{
    size_t n = 0;
    for (int i = 0; i < slots; i++)
        if (v[i]) {
            uint16_t slot = (uint16_t)i;
            memcpy(out + n, &slot, 2);
            memcpy(out + n + 2, &v[i], 8);
            n += SLOT_SIZE;
        }
    return n;
}

static size_t encode_sparse(const int64_t *v, unsigned char *out) { return encode_sparse_n(v, PERF_TALLIES, out); }

static int nonzero(const int64_t *v)
{
    for (int i = 0; i < PERF_TALLIES; i++)
        if (v[i])
            return 1;
    return 0;
}

/* Adds delta (`slots` slots) to the stored vector of key (deleting it when it comes to all zeros). */
static int add_to_row_n(store *s, MDB_txn *txn, const unsigned char *key, size_t klen, const int64_t *delta,
                        int slots)
{
    MDB_dbi dbi = store_dbi(s, DB_PERF);
    MDB_val k = {klen, (void *)key}, v;
    int64_t sum[PERF_CELL_SLOTS];
    memcpy(sum, delta, (size_t)slots * sizeof sum[0]);
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc == 0)
        rc = add_sparse_n(sum, &v, slots);
    else if (rc == MDB_NOTFOUND)
        rc = 0;
    if (rc)
        return rc;
    unsigned char buf[PERF_CELL_SLOTS * SLOT_SIZE];
    MDB_val nv = {encode_sparse_n(sum, slots, buf), buf};
    if (nv.mv_size)
        return mdb_put(txn, dbi, &k, &nv, 0);
    rc = mdb_del(txn, dbi, &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int add_to_row(store *s, MDB_txn *txn, const unsigned char key[13], const int64_t *delta)
{
    return add_to_row_n(s, txn, key, 13, delta, PERF_TALLIES);
}

/* ---- what one facts row adds ---- */

typedef struct {
    int32_t day;
    uint8_t slot;
    int64_t value;
} perf_event;

/* A row's tallies, collected before anything is written (the rows point into LMDB pages that a write
 * may move). */
typedef struct {
    perf_event *ev;
    size_t n, cap;
    int nomem;
    perf_span span[2];
    int span_sign[2];
    int spans;
} perf_sink;

static void emit(perf_sink *k, int64_t day, int slot, int64_t value)
{
    if (day < PERF_DAY_LO || day > PERF_DAY_HI || !value)
        return;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        perf_event *more = realloc(k->ev, cap * sizeof *more);
        if (!more) {
            k->nomem = 1;
            return;
        }
        k->ev = more;
        k->cap = cap;
    }
    k->ev[k->n++] = (perf_event){(int32_t)day, (uint8_t)slot, value};
}

/* The figures "on day d", exactly as report_perf.c's scan asks them of a row. */
static int supported_on(const case_facts *f, int64_t d)
{
    return f->support_start != FACTS_NO_DAY && f->support_start <= d &&
           (f->support_end == FACTS_NO_DAY || f->support_end >= d);
}

static int open_referral_on(const case_facts *f, int32_t d)
{
    int started = f->support_start != FACTS_NO_DAY && f->support_start <= d;
    return f->referral_day <= d && !supported_on(f, d) && !started && !store_facts_closed_on(f, d) &&
           store_facts_owns(f, d);
}

static int thousand_day_on(const case_facts *f, int32_t d)
{
    return supported_on(f, d) && (int64_t)f->support_start <= (int64_t)d - 1000;
}

static void add_break(int64_t *b, size_t *n, int64_t day)
{
    if (day > PERF_DAY_LO && day <= PERF_DAY_HI)
        b[(*n)++] = day;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The "on day d" figures change only on the days a row's dates start or end something: each is
 * tallied as its value on the first day, then its changes on those days. */
static void point_deltas(const case_facts *f, int sign, perf_sink *k)
{
    int64_t b[BREAKS_MAX];
    size_t n = 0;
    b[n++] = PERF_DAY_LO;
    const int32_t days[] = {f->referral_day, f->support_start, f->closure_day, f->transfer_in, f->transfer_out};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
        if (days[i] != FACTS_NO_DAY)
            add_break(b, &n, days[i]);
    if (f->support_start != FACTS_NO_DAY)
        add_break(b, &n, (int64_t)f->support_start + 1000);
    if (f->support_end != FACTS_NO_DAY)
        add_break(b, &n, (int64_t)f->support_end + 1);
    for (unsigned i = 0; i < f->n_past; i++) {
        int32_t closed, reopened;
        uint8_t reason;
        store_facts_past_closure(f, i, &closed, &reopened, &reason);
        if (closed != FACTS_NO_DAY)
            add_break(b, &n, closed);
        if (reopened != FACTS_NO_DAY)
            add_break(b, &n, reopened);
    }
    qsort(b, n, sizeof b[0], cmp_i64);
    int prev[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (i && b[i] == b[i - 1])
            continue;
        int32_t d = (int32_t)b[i];
        int now[3] = {open_referral_on(f, d), supported_on(f, d), thousand_day_on(f, d)};
        for (int j = 0; j < 3; j++)
            if (now[j] != prev[j]) {
                emit(k, d, PERF_OPEN_REFERRAL + j, (int64_t)sign * (now[j] - prev[j]));
                prev[j] = now[j];
            }
    }
}

static void closure_event(const case_facts *f, int sign, perf_sink *k, int32_t day, uint8_t reason)
{
    if (day != FACTS_NO_DAY && store_facts_owns(f, day))
        emit(k, day, PERF_CLOSURES + (reason < PERF_REASONS ? reason : 0), sign);
}

/* Everything a row adds, times sign (+1 or -1). */
static void row_tallies(const case_facts *f, int sign, perf_sink *k)
{
    point_deltas(f, sign, k);
    if (f->transfer_in == FACTS_NO_DAY && f->referral_day != FACTS_NO_DAY)
        emit(k, f->referral_day, PERF_REFERRALS, sign);
    closure_event(f, sign, k, f->closure_day, f->closure_reason);
    for (unsigned i = 0; i < f->n_past; i++) {
        int32_t day, reopened;
        uint8_t reason;
        store_facts_past_closure(f, i, &day, &reopened, &reason);
        closure_event(f, sign, k, day, reason);
    }
    if (f->support_start != FACTS_NO_DAY && f->support_end != FACTS_NO_DAY && !f->support_cut) {
        emit(k, f->support_end, PERF_ENDED, sign);
        emit(k, f->support_end, PERF_ENDED_DAYS, sign * ((int64_t)f->support_end - f->support_start + 1));
    }
    for (unsigned i = 0; i < f->n_costs; i++) {
        int32_t day;
        uint32_t pence;
        store_facts_cost(f, i, &day, &pence);
        if (day != FACTS_NO_DAY && store_facts_owns(f, day))
            emit(k, day, PERF_COSTS, sign * (int64_t)pence);
    }
    if (f->support_start == FACTS_NO_DAY)
        return;
    if (f->support_end == FACTS_NO_DAY) {
        /* Counted from its start day on every day of a range: by start day (the first day for any
         * earlier start; a start after the last day never counts). */
        int64_t day = f->support_start < PERF_DAY_LO ? PERF_DAY_LO : f->support_start;
        const uint32_t w[2] = {f->weekly_subsistence, f->weekly_accommodation};
        for (int i = 0; i < 2; i++) {
            if (!w[i])
                continue;
            int base = PERF_OPEN + i * PERF_OPEN_SLOTS;
            emit(k, day, base + (int)(w[i] % 7) * 7 + mod7(f->support_start), sign);
            emit(k, day, base + PERF_OPEN_SUM, sign * (int64_t)w[i]);
            emit(k, day, base + PERF_OPEN_SUM_BY_START, sign * (int64_t)w[i] * f->support_start);
        }
    } else if (f->support_end >= f->support_start && f->support_end >= PERF_DAY_LO &&
               f->support_start <= PERF_DAY_HI && (f->weekly_subsistence || f->weekly_accommodation) &&
               k->spans < 2) {
        k->span[k->spans] = (perf_span){f->support_start, f->support_end, f->weekly_subsistence,
                                        f->weekly_accommodation};
        k->span_sign[k->spans++] = sign;
    }
}

static int cmp_event(const void *a, const void *b)
{
    const perf_event *x = a, *y = b;
    if (x->day != y->day)
        return (x->day > y->day) - (x->day < y->day);
    return (int)x->slot - (int)y->slot;
}

/* The month of a span's day, days outside the reports' being in the month before the first or after
 * the last (so that they are before any `from` or after any `to`). */
static int32_t span_month_of(int32_t day)
{
    return month_of(day < PERF_DAY_LO ? PERF_DAY_LO - 1 : day > PERF_DAY_HI ? PERF_DAY_HI + 1 : day);
}

/* A span day's place in its month (0 to 30), as span_month_of places it. */
static int day_of_month(int32_t day)
{
    int64_t d = day < PERF_DAY_LO ? PERF_DAY_LO - 1 : day > PERF_DAY_HI ? PERF_DAY_HI + 1 : day;
    return (int)(d - store_perf_month_first_day(month_of(d)));
}

/* 'S' | council | end month | start month, or 'C' | 0 | end month | start month. */
static void span_key(unsigned char out[SPAN_KEY], char kind, uint64_t scope, const perf_span *sp)
{
    row_key(out, kind, scope, span_month_of(sp->end));
    put_be32(out + 13, (uint32_t)span_month_of(sp->start) ^ 0x80000000u);
}

/* report_weekly_cost's rule (weekly × days ÷ 7, to the penny, half up): tests/unit/test_perf.c proves
 * the report from these tallies equal to the pass that uses it. */
static int64_t weekly_cost(uint32_t weekly, int64_t days) { return ((int64_t)weekly * days * 2 + 7) / 14; }

/* What one span adds to its every-council cell (store_perf.h "cells"), times sign. */
static void cell_tallies(const perf_span *sp, int sign, int64_t *v)
{
    const uint32_t w[2] = {sp->weekly_subsistence, sp->weekly_accommodation};
    memset(v, 0, PERF_CELL_SLOTS * sizeof v[0]);
    for (int i = 0; i < 2; i++) {
        int64_t *c = v + i * PERF_CELL_KIND;
        c[PERF_CELL_COST] = sign * weekly_cost(w[i], (int64_t)sp->end - sp->start + 1);
        c[PERF_CELL_SUM] = sign * (int64_t)w[i];
        c[PERF_CELL_SUM_BY_END] = sign * (int64_t)w[i] * sp->end;
        c[PERF_CELL_SUM_BY_START] = sign * (int64_t)w[i] * sp->start;
        c[PERF_CELL_BY_END + (int)(w[i] % 7) * 7 + mod7(sp->end)] = sign;
        c[PERF_CELL_BY_START + (int)(w[i] % 7) * 7 + mod7(sp->start)] = sign;
    }
    v[PERF_CELL_END_DAY + day_of_month(sp->end)] = sign;
    v[PERF_CELL_START_DAY + day_of_month(sp->start)] = sign;
}

/* Adds (sign 1) or removes (sign -1) one span in the council's list of its month: entries sorted by
 * their bytes, so that a recount gives the same list. A span to remove that is not there is left to
 * `connectctl check` to report. */
static int span_change(store *s, MDB_txn *txn, uint64_t council, const perf_span *sp, int sign)
{
    MDB_dbi dbi = store_dbi(s, DB_PERF);
    unsigned char key[SPAN_KEY], ent[SPAN_SIZE];
    int64_t cell[PERF_CELL_SLOTS];
    memcpy(ent, sp, SPAN_SIZE);
    span_key(key, 'C', 0, sp);
    cell_tallies(sp, sign, cell);
    int rc = add_to_row_n(s, txn, key, SPAN_KEY, cell, PERF_CELL_SLOTS);
    if (rc)
        return rc;
    span_key(key, 'S', council, sp);
    MDB_val k = {SPAN_KEY, key}, v;
    rc = mdb_get(txn, dbi, &k, &v);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    size_t n = rc ? 0 : v.mv_size / SPAN_SIZE, at = 0;
    if (!rc && v.mv_size % SPAN_SIZE)
        return STORE_CORRUPT;
    const unsigned char *p = rc ? NULL : v.mv_data;
    while (at < n && memcmp(p + at * SPAN_SIZE, ent, SPAN_SIZE) < 0)
        at++;
    if (sign < 0 && (at == n || memcmp(p + at * SPAN_SIZE, ent, SPAN_SIZE) != 0))
        return 0;
    size_t len = (sign > 0 ? n + 1 : n - 1) * SPAN_SIZE;
    if (!len) {
        rc = mdb_del(txn, dbi, &k, NULL);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    unsigned char *buf = malloc(len);
    if (!buf)
        return STORE_NOMEM;
    if (n) /* p is NULL when the row is new (no list yet): memcpy from NULL is undefined even for 0 bytes */
        memcpy(buf, p, at * SPAN_SIZE);
    if (sign > 0) {
        memcpy(buf + at * SPAN_SIZE, ent, SPAN_SIZE);
        if (n)
            memcpy(buf + (at + 1) * SPAN_SIZE, p + at * SPAN_SIZE, (n - at) * SPAN_SIZE);
    } else {
        memcpy(buf + at * SPAN_SIZE, p + (at + 1) * SPAN_SIZE, (n - at - 1) * SPAN_SIZE);
    }
    MDB_val nv = {len, buf};
    rc = mdb_put(txn, dbi, &k, &nv, 0);
    free(buf);
    return rc;
}

/* Adds a day's or month's delta to the council's row and to every council's. */
static int add_to_both(store *s, MDB_txn *txn, char kind, uint64_t council, int32_t t, const int64_t *delta)
{
    unsigned char key[13];
    row_key(key, kind, council, t);
    int rc = add_to_row(s, txn, key, delta);
    row_key(key, kind, 0, t);
    return rc ? rc : add_to_row(s, txn, key, delta);
}

/* Writes the day and month deltas of a sorted, merged event list to the council's rows and to
 * every council's (scope 0). */
static int apply_events(store *s, MDB_txn *txn, uint64_t council, const perf_event *ev, size_t n)
{
    int64_t day[PERF_TALLIES], month[PERF_TALLIES];
    int rc = 0;
    size_t i = 0;
    memset(month, 0, sizeof month);
    while (i < n && !rc) {
        int32_t d = ev[i].day, m = month_of(d);
        memset(day, 0, sizeof day);
        for (; i < n && ev[i].day == d; i++)
            day[ev[i].slot] += ev[i].value;
        for (int j = 0; j < PERF_TALLIES; j++)
            month[j] += day[j];
        if (nonzero(day))
            rc = add_to_both(s, txn, 'D', council, d, day);
        if (!rc && (i == n || month_of(ev[i].day) != m)) {
            if (nonzero(month))
                rc = add_to_both(s, txn, 'M', council, m, month);
            memset(month, 0, sizeof month);
        }
    }
    return rc;
}

int store_perf_row_change(store *s, MDB_txn *txn, const case_facts *old, const case_facts *neu)
{
    int ready, rc = store_perf_ready(s, txn, &ready);
    if (rc || !ready || (!old && !neu))
        return rc;
    uint64_t council = neu ? neu->council_id : old->council_id;
    if (old && neu && old->council_id != neu->council_id)
        return STORE_CORRUPT;
    perf_sink k = {0};
    if (old)
        row_tallies(old, -1, &k);
    if (neu)
        row_tallies(neu, 1, &k);
    if (k.nomem) {
        free(k.ev);
        return STORE_NOMEM;
    }
    if (k.n) /* k.ev is NULL when nothing was added: qsort's array must never be NULL */
        qsort(k.ev, k.n, sizeof k.ev[0], cmp_event);
    size_t m = 0; /* merged, zeros dropped */
    for (size_t i = 0; i < k.n;) {
        perf_event e = k.ev[i++];
        for (; i < k.n && k.ev[i].day == e.day && k.ev[i].slot == e.slot; i++)
            e.value += k.ev[i].value;
        if (e.value)
            k.ev[m++] = e;
    }
    rc = apply_events(s, txn, council, k.ev, m);
    free(k.ev);
    /* The same span removed and added: nothing to write. */
    if (k.spans == 2 && k.span_sign[0] + k.span_sign[1] == 0 && memcmp(&k.span[0], &k.span[1], SPAN_SIZE) == 0)
        return rc;
    for (int i = 0; i < k.spans && !rc; i++)
        rc = span_change(s, txn, council, &k.span[i], k.span_sign[i]);
    return rc;
}

/* ---- reading ---- */

int store_perf_ready(store *s, MDB_txn *txn, int *ready)
{
    MDB_val k = {strlen(META_KEY), META_KEY}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    *ready = rc == 0 && v.mv_size == strlen(PERF_VERSION) && memcmp(v.mv_data, PERF_VERSION, v.mv_size) == 0;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The month rows of a scope: their numbers and running sums (sums[i]: every month up to months[i]). */
typedef struct {
    int32_t *months;
    int64_t (*sums)[PERF_TALLIES];
    size_t n, cap;
} month_sums;

static int read_months(store *s, MDB_txn *txn, uint64_t scope, month_sums *ms)
{
    unsigned char prefix[9];
    prefix[0] = 'M';
    store_key_u64(prefix + 1, scope);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_PERF, prefix, sizeof prefix);
    int rc = 0;
    while (!rc && store_iter_next(&it)) {
        if (it.key.mv_size != MONTH_KEY) {
            rc = STORE_CORRUPT;
            break;
        }
        if (ms->n == ms->cap) {
            size_t cap = ms->cap ? ms->cap * 2 : 256;
            int32_t *m = realloc(ms->months, cap * sizeof *m);
            if (m)
                ms->months = m;
            int64_t(*v)[PERF_TALLIES] = m ? realloc(ms->sums, cap * sizeof *v) : NULL;
            if (!v) {
                rc = STORE_NOMEM;
                break;
            }
            ms->sums = v;
            ms->cap = cap;
        }
        if (ms->n)
            memcpy(ms->sums[ms->n], ms->sums[ms->n - 1], sizeof ms->sums[0]);
        else
            memset(ms->sums[0], 0, sizeof ms->sums[0]);
        ms->months[ms->n] = key_time(it.key.mv_data);
        rc = add_sparse(ms->sums[ms->n++], &it.val);
    }
    return store_iter_end(&it, rc);
}

/* Adds the day rows of a scope from `from` to `to` (both included) to v. */
static int add_days(store *s, MDB_txn *txn, uint64_t scope, int32_t from, int32_t to, int64_t *v)
{
    unsigned char prefix[9], start[DAY_KEY];
    prefix[0] = 'D';
    store_key_u64(prefix + 1, scope);
    row_key(start, 'D', scope, from);
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_PERF, prefix, sizeof prefix, start, sizeof start);
    int rc = 0;
    while (!rc && store_iter_next(&it)) {
        if (it.key.mv_size != DAY_KEY) {
            rc = STORE_CORRUPT;
            break;
        }
        if (key_time(it.key.mv_data) > to)
            break;
        rc = add_sparse(v, &it.val);
    }
    return store_iter_end(&it, rc);
}

int store_perf_sums(store *s, MDB_txn *txn, uint64_t council, const int32_t *days, size_t n, perf_tallies *out)
{
    month_sums ms = {0};
    int rc = read_months(s, txn, council, &ms);
    for (size_t i = 0; i < n && !rc; i++) {
        memset(out[i], 0, sizeof out[i]);
        if (days[i] < PERF_DAY_LO)
            continue; /* nothing is tallied before the first day */
        int32_t d = days[i] > PERF_DAY_HI ? PERF_DAY_HI : days[i], m = month_of(d);
        int whole = month_of((int64_t)d + 1) != m;
        /* Months before d's (and d's when d is its last day) from the running sums. */
        size_t lo = 0, hi = ms.n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ms.months[mid] < m + whole)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo)
            memcpy(out[i], ms.sums[lo - 1], sizeof out[i]);
        if (!whole)
            rc = add_days(s, txn, council, store_perf_month_first_day(m), d, out[i]);
    }
    free(ms.months);
    free(ms.sums);
    return rc;
}

/* Walks 'S' or 'C' rows of scope (0 with 'S': every council) whose end month is from_month or later
 * (and, with only_end, is it; with a start month other than INT32_MIN, whose start month is it). */
typedef int (*span_row_fn)(const unsigned char *key, const MDB_val *val, void *ctx);
static int span_rows(store *s, MDB_txn *txn, char kind, uint64_t scope, int32_t from_month, int only_end,
                     int32_t start_month, span_row_fn fn, void *ctx)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, store_dbi(s, DB_PERF), &cur);
    if (rc)
        return rc;
    unsigned char key[SPAN_KEY];
    perf_span first = {INT32_MIN, 0, 0, 0};
    int32_t lo = start_month == INT32_MIN ? span_month_of(INT32_MIN) : start_month;
    /* Seeks council c's first row of the range. */
#define SEEK(c)                                                                                                  \
    do {                                                                                                         \
        span_key(key, kind, (c), &first);                                                                        \
        put_be32(key + 9, (uint32_t)from_month ^ 0x80000000u);                                                   \
        put_be32(key + 13, (uint32_t)lo ^ 0x80000000u);                                                          \
        k = (MDB_val){SPAN_KEY, key};                                                                            \
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);                                                         \
    } while (0)
    MDB_val k, v;
    SEEK(scope);
    while (!rc) {
        const unsigned char *p = k.mv_data;
        if (k.mv_size != SPAN_KEY || p[0] != (unsigned char)kind || ((scope || kind == 'C') && store_u64_from(p + 1) != scope))
            break;
        uint64_t c = store_u64_from(p + 1);
        int32_t end = key_time(p), start = (int32_t)(get_be32(p + 13) ^ 0x80000000u);
        if (end < from_month || (end == from_month && start < lo)) {
            SEEK(c); /* every council's: to this council's first row of the range */
            continue;
        }
        if ((only_end && end > from_month) || (start_month != INT32_MIN && start > start_month)) {
            if (scope || kind == 'C' || c == UINT64_MAX)
                break;
            SEEK(c + 1); /* past this council's rows of the range */
            continue;
        }
        if ((rc = fn(p, &v, ctx)))
            break;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
#undef SEEK
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

typedef struct {
    store_perf_span_fn fn;
    store_perf_cell_fn cell_fn;
    void *ctx;
} span_walk;

static int span_list(const unsigned char *key, const MDB_val *val, void *arg)
{
    (void)key;
    span_walk *w = arg;
    if (val->mv_size % SPAN_SIZE)
        return STORE_CORRUPT;
    return w->fn(val->mv_data, val->mv_size / SPAN_SIZE, w->ctx);
}

int store_perf_spans_each(store *s, MDB_txn *txn, uint64_t council, int32_t from_day, store_perf_span_fn fn,
                          void *ctx)
{
    span_walk w = {fn, NULL, ctx};
    return span_rows(s, txn, 'S', council, span_month_of(from_day), 0, INT32_MIN, span_list, &w);
}

int store_perf_spans_in(store *s, MDB_txn *txn, int32_t end_month, int32_t start_month, store_perf_span_fn fn,
                        void *ctx)
{
    span_walk w = {fn, NULL, ctx};
    return span_rows(s, txn, 'S', 0, end_month, 1, start_month, span_list, &w);
}

static int cell_row(const unsigned char *key, const MDB_val *val, void *arg)
{
    span_walk *w = arg;
    int64_t v[PERF_CELL_SLOTS];
    memset(v, 0, sizeof v);
    int rc = add_sparse_n(v, val, PERF_CELL_SLOTS);
    return rc ? rc : w->cell_fn(key_time(key), (int32_t)(get_be32(key + 13) ^ 0x80000000u), v, w->ctx);
}

int store_perf_cells_each(store *s, MDB_txn *txn, int32_t from_day, store_perf_cell_fn fn, void *ctx)
{
    span_walk w = {NULL, fn, ctx};
    return span_rows(s, txn, 'C', 0, span_month_of(from_day), 0, INT32_MIN, cell_row, &w);
}

/* ---- building and verifying: a recount over every facts row ---- */

#define DAYS (PERF_DAY_HI - PERF_DAY_LO + 1)

/* One scope's tallies by day (dense over the reports' days; lo..hi the days touched), and a council's
 * spans by month. */
typedef struct {
    int64_t (*day)[PERF_TALLIES];
    int32_t lo, hi;
    struct span_at {
        int32_t end_month, start_month;
        perf_span sp;
    } *spans;
    size_t n_spans, cap_spans;
} recount;

typedef struct {
    store *s;
    MDB_txn *txn;
    int verify;   /* 0: build (write the rows) */
    FILE *report; /* verify's lines (may be NULL) */
    size_t rows, found, differences;
    recount council, all;
    uint64_t council_id;
    int started;
} recount_ctx;

/* One row of the recount: written, or compared with the stored one. */
static int recount_row(recount_ctx *c, const unsigned char *key, size_t klen, const void *val, size_t len,
                       const char *what)
{
    MDB_val k = {klen, (void *)key}, v = {len, (void *)val}, got;
    c->rows++;
    if (!c->verify)
        return mdb_put(c->txn, store_dbi(c->s, DB_PERF), &k, &v, 0);
    int rc = mdb_get(c->txn, store_dbi(c->s, DB_PERF), &k, &got);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    c->found += rc == 0;
    if (rc == MDB_NOTFOUND || got.mv_size != len || memcmp(got.mv_data, val, len) != 0) {
        c->differences++;
        char date[11];
        int32_t t = key_time(key);
        if (key[0] == 'D')
            calendar_date(t, date);
        else
            snprintf(date, sizeof date, "%04d-%02d", (int)(t / 12 % 10000), t % 12 + 1);
        if (c->report)
            fprintf(c->report, "performance %s of council %llu on %s: %s\n", what,
                (unsigned long long)store_u64_from(key + 1), date,
                rc == MDB_NOTFOUND ? "missing" : "differs from a recount of the facts");
    }
    return 0;
}

static int cmp_span_at(const void *a, const void *b)
{
    const struct span_at *x = a, *y = b;
    if (x->end_month != y->end_month)
        return (x->end_month > y->end_month) - (x->end_month < y->end_month);
    if (x->start_month != y->start_month)
        return (x->start_month > y->start_month) - (x->start_month < y->start_month);
    return memcmp(&x->sp, &y->sp, SPAN_SIZE);
}

/* The rows of one scope's recount, in key order; then clears it. */
static int flush_scope(recount_ctx *c, recount *r, uint64_t scope)
{
    unsigned char key[13], buf[PERF_TALLIES * SLOT_SIZE];
    int64_t month[PERF_TALLIES];
    int rc = 0;
    memset(month, 0, sizeof month);
    for (int32_t d = r->lo; d <= r->hi && !rc; d++) {
        int64_t *v = r->day[d - PERF_DAY_LO];
        size_t len = encode_sparse(v, buf);
        if (len) {
            row_key(key, 'D', scope, d);
            rc = recount_row(c, key, 13, buf, len, "day");
        }
        for (int j = 0; j < PERF_TALLIES; j++)
            month[j] += v[j];
        int32_t m = month_of(d);
        if (d == r->hi || month_of((int64_t)d + 1) != m) {
            if (!rc && (len = encode_sparse(month, buf))) {
                row_key(key, 'M', scope, m);
                rc = recount_row(c, key, 13, buf, len, "month");
            }
            memset(month, 0, sizeof month);
        }
    }
    if (r->lo <= r->hi)
        memset(r->day[r->lo - PERF_DAY_LO], 0, (size_t)(r->hi - r->lo + 1) * sizeof r->day[0]);
    r->lo = PERF_DAY_HI + 1;
    r->hi = PERF_DAY_LO - 1;
    if (r->n_spans) /* r->spans is NULL until a span is added */
        qsort(r->spans, r->n_spans, sizeof r->spans[0], cmp_span_at);
    /* A council's lists of spans; every council's cells. */
    for (size_t i = 0; i < r->n_spans && !rc;) {
        size_t j = i;
        while (j < r->n_spans && r->spans[j].end_month == r->spans[i].end_month &&
               r->spans[j].start_month == r->spans[i].start_month)
            j++;
        unsigned char skey[SPAN_KEY], *list = scope ? malloc((j - i) * SPAN_SIZE) : NULL;
        int64_t cell[PERF_CELL_SLOTS], one[PERF_CELL_SLOTS];
        unsigned char cbuf[PERF_CELL_SLOTS * SLOT_SIZE];
        if (scope && !list)
            return STORE_NOMEM;
        memset(cell, 0, sizeof cell);
        for (size_t x = i; x < j; x++) {
            if (scope) {
                memcpy(list + (x - i) * SPAN_SIZE, &r->spans[x].sp, SPAN_SIZE);
                continue;
            }
            cell_tallies(&r->spans[x].sp, 1, one);
            for (int y = 0; y < PERF_CELL_SLOTS; y++)
                cell[y] += one[y];
        }
        span_key(skey, scope ? 'S' : 'C', scope, &r->spans[i].sp);
        if (scope)
            rc = recount_row(c, skey, SPAN_KEY, list, (j - i) * SPAN_SIZE, "spans");
        else if (encode_sparse_n(cell, PERF_CELL_SLOTS, cbuf))
            rc = recount_row(c, skey, SPAN_KEY, cbuf, encode_sparse_n(cell, PERF_CELL_SLOTS, cbuf), "cell");
        free(list);
        i = j;
    }
    r->n_spans = 0;
    return rc;
}

static void recount_add(recount *r, const perf_event *e)
{
    r->day[e->day - PERF_DAY_LO][e->slot] += e->value;
    if (e->day < r->lo)
        r->lo = e->day;
    if (e->day > r->hi)
        r->hi = e->day;
}

static int recount_fact(const case_facts *f, void *arg)
{
    recount_ctx *c = arg;
    int rc = 0;
    if (c->started && f->council_id != c->council_id)
        rc = flush_scope(c, &c->council, c->council_id);
    c->started = 1;
    c->council_id = f->council_id;
    if (rc)
        return rc;
    perf_sink k = {0};
    row_tallies(f, 1, &k);
    if (k.nomem) {
        free(k.ev);
        return STORE_NOMEM;
    }
    for (size_t i = 0; i < k.n; i++) {
        recount_add(&c->council, &k.ev[i]);
        recount_add(&c->all, &k.ev[i]);
    }
    free(k.ev);
    recount *rs[2] = {&c->council, &c->all};
    for (int i = 0; i < 2 && k.spans; i++) {
        recount *r = rs[i];
        if (r->n_spans == r->cap_spans) {
            size_t cap = r->cap_spans ? r->cap_spans * 2 : 1024;
            struct span_at *more = realloc(r->spans, cap * sizeof *more);
            if (!more)
                return STORE_NOMEM;
            r->spans = more;
            r->cap_spans = cap;
        }
        r->spans[r->n_spans++] =
            (struct span_at){span_month_of(k.span[0].end), span_month_of(k.span[0].start), k.span[0]};
    }
    return 0;
}

static int recount_run(recount_ctx *c)
{
    recount *rs[2] = {&c->council, &c->all};
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        rs[i]->day = calloc(DAYS, sizeof rs[i]->day[0]);
        rs[i]->lo = PERF_DAY_HI + 1;
        rs[i]->hi = PERF_DAY_LO - 1;
        if (!rs[i]->day)
            rc = STORE_NOMEM;
    }
    if (!rc)
        rc = store_facts_cases_each(c->s, c->txn, 0, recount_fact, c);
    if (!rc && c->started)
        rc = flush_scope(c, &c->council, c->council_id);
    if (!rc)
        rc = flush_scope(c, &c->all, 0);
    for (int i = 0; i < 2; i++) {
        free(rs[i]->day);
        free(rs[i]->spans);
    }
    return rc;
}

int store_perf_suspend(store *s, MDB_txn *txn)
{
    MDB_val k = {strlen(META_KEY), META_KEY};
    int rc = mdb_del(txn, store_dbi(s, DB_META), &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_perf_build(store *s, MDB_txn *txn)
{
    int rc = mdb_drop(txn, store_dbi(s, DB_PERF), 0);
    recount_ctx c = {.s = s, .txn = txn};
    if (!rc)
        rc = recount_run(&c);
    if (!rc) {
        MDB_val k = {strlen(META_KEY), META_KEY}, v = {strlen(PERF_VERSION), PERF_VERSION};
        rc = mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0);
    }
    return rc;
}

int store_perf_migrate(store *s, MDB_txn *txn)
{
    int ready, rc = store_perf_ready(s, txn, &ready);
    return rc || ready ? rc : store_perf_build(s, txn);
}

int store_perf_verify(store *s, MDB_txn *txn, FILE *report, size_t *rows, size_t *differences)
{
    recount_ctx c = {.s = s, .txn = txn, .verify = 1, .report = report};
    *rows = *differences = 0;
    int ready, rc = store_perf_ready(s, txn, &ready);
    if (rc)
        return rc;
    if (!ready) {
        if (report)
            fprintf(report, "performance pre-aggregates not built (no perf_version)\n");
        *differences = 1;
        return 0;
    }
    rc = recount_run(&c);
    MDB_stat st;
    if (!rc)
        rc = mdb_stat(txn, store_dbi(s, DB_PERF), &st);
    if (rc)
        return rc;
    /* Rows stored that no recount gives (the others were found, equal or not). */
    if (st.ms_entries > c.found) {
        c.differences += st.ms_entries - c.found;
        if (report)
            fprintf(report, "%zu performance rows beyond a recount of the facts\n", (size_t)(st.ms_entries - c.found));
    }
    *rows = c.rows;
    *differences = c.differences;
    return 0;
}
