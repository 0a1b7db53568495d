/* store_facts.c - the reports' compact rows (store_facts.h). */
#include "store_facts.h"
#include "json_get.h"
#include "store_internal.h"
#include "store_perf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "case_enums.h"
#include "store_case.h"
#include "store_transfer.h"
#include "store_work.h"
#include "uk_time.h"

#define FACTS_HEAD 58
#define FACTS_PEOPLE_SIZE 2 /* uint8 children, uint8 partners */
#define FACTS_PAST_SIZE 9 /* int32 closed, int32 reopened, uint8 reason */
#define FACTS_COSTS_MAX 4096 /* the API allows 200; more is a corrupt record */

const char *const store_facts_sla_type_names[SLA_TYPES + 1] = {
    "", "new_case", "council_update", "case_closed", "final_outcome", "query", "urgent_query"};



/* A YYYY-MM-DD date as a day number, FACTS_NO_DAY when absent or not a date. */
static int32_t day_of(const char *date)
{
    long d = date ? calendar_day(date) : CALENDAR_NO_DAY;
    return d == CALENDAR_NO_DAY || d < INT32_MIN + 1 || d > INT32_MAX ? FACTS_NO_DAY : (int32_t)d;
}

/* The UK date of an ISO 8601 UTC time ("2026-11-24T10:15:00Z") as a day number. */
static int32_t uk_day_of(const char *iso)
{
    char date[11];
    return uk_date_of_iso(iso, date) ? FACTS_NO_DAY : day_of(date);
}

static void key16(unsigned char out[16], uint64_t a, uint64_t b)
{
    store_key_u64(out, a);
    store_key_u64(out + 8, b);
}

/* ---- case facts ---- */

static void put32(unsigned char **p, uint32_t v)
{
    memcpy(*p, &v, 4);
    *p += 4;
}

/* The dependants' children and partners (each capped at 255) into out[0] and out[1]: the national
 * report tells them apart. A spouse or partner is a partner; a child or stepchild a child. */
static void count_people(const json_t *deps, unsigned char out[FACTS_PEOPLE_SIZE])
{
    size_t i, children = 0, partners = 0;
    const json_t *d;
    json_array_foreach(deps, i, d) {
        const char *rel = json_get_str_or(d, "relationship", "");
        children += strcmp(rel, "child") == 0 || strcmp(rel, "stepchild") == 0;
        partners += strcmp(rel, "spouse") == 0 || strcmp(rel, "partner") == 0;
    }
    out[0] = (unsigned char)(children > 255 ? 255 : children);
    out[1] = (unsigned char)(partners > 255 ? 255 : partners);
}

/* Encodes the facts of rec into a new buffer (*out, *len); out_day is the transfer_out day of a frozen
 * row (FACTS_NO_DAY for a live one). */
static int encode_case(const json_t *rec, int32_t out_day, unsigned char **out, size_t *len)
{
    const json_t *fin = json_object_get(rec, "finance"), *closure = json_object_get(rec, "closure"),
                 *imm = json_object_get(rec, "immigration"), *principal = json_object_get(rec, "principal"),
                 *costs = json_object_get(fin, "other_costs"), *past = json_object_get(rec, "previous_closures");
    const char *team = json_get_str_or(rec, "team", ""), *nat = json_get_str_or(principal, "nationality", "");
    size_t team_len = strlen(team), nat_len = strlen(nat), n_costs = json_array_size(costs);
    /* The latest FACTS_PAST_MAX earlier closures (the array is oldest first: its tail). */
    size_t n_all = json_array_size(past), n_past = n_all > FACTS_PAST_MAX ? FACTS_PAST_MAX : n_all;
    if (team_len > UINT16_MAX || nat_len > UINT16_MAX || n_costs > FACTS_COSTS_MAX)
        return STORE_CORRUPT;
    int32_t in_day = day_of(json_get_str(rec, "transferred_in_on"));
    *len = FACTS_HEAD + n_costs * 8 + n_past * FACTS_PAST_SIZE + team_len + nat_len +
           (in_day != FACTS_NO_DAY ? 4 : 0) + (out_day != FACTS_NO_DAY ? 4 : 0) + FACTS_PEOPLE_SIZE;
    unsigned char *buf = malloc(*len), *p = buf;
    if (!buf)
        return STORE_NOMEM;
    uint64_t id = json_get_u64(rec, "id"), worker = json_get_u64(rec, "caseworker_id");
    memcpy(p, &id, 8);
    memcpy(p + 8, &worker, 8);
    p += 16;
    char referral[11];
    case_referral_date(rec, referral);
    put32(&p, (uint32_t)day_of(referral));
    put32(&p, (uint32_t)day_of(json_get_str(fin, "support_start_date")));
    put32(&p, (uint32_t)day_of(json_get_str(fin, "support_end_date")));
    put32(&p, (uint32_t)day_of(json_get_str(closure, "closure_date")));
    put32(&p, (uint32_t)json_integer_value(json_object_get(fin, "weekly_subsistence_pence")));
    put32(&p, (uint32_t)json_integer_value(json_object_get(fin, "weekly_accommodation_pence")));
    const json_t *rtpf = json_object_get(imm, "recourse_to_public_funds");
    size_t deps = json_array_size(json_object_get(rec, "dependants"));
    *p++ = (unsigned char)case_enum_code(case_statuses, json_get_str(rec, "status"));
    *p++ = (unsigned char)case_enum_code(case_legislations, json_get_str(rec, "legislation"));
    *p++ = (unsigned char)case_enum_code1(case_household_types, json_get_str(rec, "household_type"));
    *p++ = (unsigned char)case_enum_code1(case_referral_sources, json_get_str(rec, "referral_source"));
    *p++ = (unsigned char)case_enum_code1(case_accommodation_types, json_get_str(fin, "accommodation_type"));
    *p++ = (unsigned char)case_enum_code1(case_closure_reasons, json_get_str(closure, "reason"));
    *p++ = (unsigned char)case_enum_code1(case_immigration_statuses, json_get_str_or(imm, "status", "unknown"));
    *p++ = (unsigned char)case_enum_code1(case_immigration_statuses, json_get_str_or(rec, "status_at_referral", "unknown"));
    *p++ = (unsigned char)(json_is_true(rtpf) ? 1 : json_is_false(rtpf) ? 0 : 0xff);
    *p++ = (unsigned char)(deps > 255 ? 255 : deps);
    uint16_t n16 = (uint16_t)n_costs, t16 = (uint16_t)team_len, c16 = (uint16_t)nat_len;
    memcpy(p, &n16, 2);
    memcpy(p + 2, &t16, 2);
    memcpy(p + 4, &c16, 2);
    p[6] = (unsigned char)((json_is_integer(json_object_get(fin, "weekly_subsistence_pence")) ? FACTS_HAS_SUBSISTENCE : 0) |
                           (json_is_integer(json_object_get(fin, "weekly_accommodation_pence")) ? FACTS_HAS_ACCOMMODATION
                                                                                                 : 0) |
                           (in_day != FACTS_NO_DAY ? FACTS_TRANSFERRED_IN : 0) |
                           (out_day != FACTS_NO_DAY ? FACTS_TRANSFERRED_OUT : 0) | FACTS_HAS_PEOPLE);
    p[7] = (unsigned char)n_past;
    p += 8;
    size_t i;
    const json_t *c;
    json_array_foreach(costs, i, c) {
        put32(&p, (uint32_t)day_of(json_get_str(c, "date")));
        put32(&p, (uint32_t)json_integer_value(json_object_get(c, "amount_pence")));
    }
    for (i = n_all - n_past; i < n_all; i++) {
        c = json_array_get(past, i);
        put32(&p, (uint32_t)day_of(json_get_str(c, "closure_date")));
        put32(&p, (uint32_t)uk_day_of(json_get_str(c, "reopened_at")));
        *p++ = (unsigned char)case_enum_code1(case_closure_reasons, json_get_str(c, "reason"));
    }
    memcpy(p, team, team_len);
    memcpy(p + team_len, nat, nat_len);
    p += team_len + nat_len;
    if (in_day != FACTS_NO_DAY)
        put32(&p, (uint32_t)in_day);
    if (out_day != FACTS_NO_DAY)
        put32(&p, (uint32_t)out_day);
    count_people(json_object_get(rec, "dependants"), p);
    *out = buf;
    return 0;
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Decodes a DB_CASE_FACTS entry; STORE_CORRUPT when malformed. */
static int decode_case(const MDB_val *key, const MDB_val *val, case_facts *f)
{
    const unsigned char *p = val->mv_data, *k = key->mv_data;
    if (key->mv_size != 16 || val->mv_size < FACTS_HEAD)
        return STORE_CORRUPT;
    memset(f, 0, sizeof *f);
    f->council_id = store_u64_from(k);
    memcpy(&f->case_id, p, 8);
    memcpy(&f->caseworker_id, p + 8, 8);
    f->referral_day = (int32_t)get32(p + 16);
    f->support_start = (int32_t)get32(p + 20);
    f->support_end = (int32_t)get32(p + 24);
    f->closure_day = (int32_t)get32(p + 28);
    f->weekly_subsistence = get32(p + 32);
    f->weekly_accommodation = get32(p + 36);
    f->status = p[40];
    f->legislation = p[41];
    f->household = p[42];
    f->source = p[43];
    f->accommodation = p[44];
    f->closure_reason = p[45];
    f->imm_now = p[46];
    f->imm_at_referral = p[47];
    f->recourse = p[48] == 0xff ? -1 : (int8_t)p[48];
    f->dependants = p[49];
    memcpy(&f->n_costs, p + 50, 2);
    memcpy(&f->team_len, p + 52, 2);
    memcpy(&f->nationality_len, p + 54, 2);
    f->flags = p[56];
    f->n_past = p[57];
    size_t tail = (f->flags & FACTS_TRANSFERRED_IN ? 4u : 0u) + (f->flags & FACTS_TRANSFERRED_OUT ? 4u : 0u) +
                  (f->flags & FACTS_HAS_PEOPLE ? FACTS_PEOPLE_SIZE : 0u);
    if (val->mv_size != FACTS_HEAD + (size_t)f->n_costs * 8 + (size_t)f->n_past * FACTS_PAST_SIZE + f->team_len +
                            f->nationality_len + tail ||
        /* A frozen row lives in the transferred key space and only there. */
        !(f->flags & FACTS_TRANSFERRED_OUT) != !(store_u64_from(k + 8) & FACTS_TRANSFERRED))
        return STORE_CORRUPT;
    f->costs = p + FACTS_HEAD;
    f->past = f->costs + (size_t)f->n_costs * 8;
    f->team = (const char *)f->past + (size_t)f->n_past * FACTS_PAST_SIZE;
    f->nationality = f->team + f->team_len;
    const unsigned char *t = (const unsigned char *)f->nationality + f->nationality_len;
    f->transfer_in = f->transfer_out = FACTS_NO_DAY;
    if (f->flags & FACTS_TRANSFERRED_IN) {
        f->transfer_in = (int32_t)get32(t);
        t += 4;
    }
    if (f->flags & FACTS_TRANSFERRED_OUT) {
        f->transfer_out = (int32_t)get32(t);
        t += 4;
    }
    if (f->flags & FACTS_HAS_PEOPLE) {
        f->children = t[0];
        f->partners = t[1];
    }
    return 0;
}

void store_facts_cost(const case_facts *f, unsigned i, int32_t *day, uint32_t *pence)
{
    *day = (int32_t)get32(f->costs + (size_t)i * 8);
    *pence = get32(f->costs + (size_t)i * 8 + 4);
}

void store_facts_past_closure(const case_facts *f, unsigned i, int32_t *closed, int32_t *reopened, uint8_t *reason)
{
    const unsigned char *p = f->past + (size_t)i * FACTS_PAST_SIZE;
    *closed = (int32_t)get32(p);
    *reopened = (int32_t)get32(p + 4);
    *reason = p[8];
}

int store_facts_owns(const case_facts *f, int32_t day)
{
    if (day == FACTS_NO_DAY)
        return f->transfer_out == FACTS_NO_DAY;
    return (f->transfer_in == FACTS_NO_DAY || day >= f->transfer_in) &&
           (f->transfer_out == FACTS_NO_DAY || day < f->transfer_out);
}

/* Cuts f's support to the days that belong to its council, so that every report's support days, weekly
 * costs, "supported on" and months follow the transfer without knowing about it. */
static void cut_support(case_facts *f)
{
    if (f->support_start == FACTS_NO_DAY)
        return;
    int32_t first = f->transfer_in, last = f->transfer_out == FACTS_NO_DAY ? FACTS_NO_DAY : f->transfer_out - 1;
    if ((first != FACTS_NO_DAY && f->support_end != FACTS_NO_DAY && f->support_end < first) ||
        (last != FACTS_NO_DAY && f->support_start > last)) {
        f->support_start = f->support_end = FACTS_NO_DAY; /* none of its support was this council's */
        return;
    }
    if (first != FACTS_NO_DAY && f->support_start < first)
        f->support_start = first;
    if (last != FACTS_NO_DAY && (f->support_end == FACTS_NO_DAY || f->support_end > last)) {
        f->support_end = last;
        f->support_cut = 1;
    }
}

int store_facts_closed_on(const case_facts *f, int32_t day)
{
    if (f->closure_day != FACTS_NO_DAY && f->closure_day <= day)
        return 1;
    for (unsigned i = 0; i < f->n_past; i++) {
        int32_t closed, reopened;
        uint8_t reason;
        store_facts_past_closure(f, i, &closed, &reopened, &reason);
        /* Reopened on the day itself: open that day (the reopening is the later event). */
        if (closed != FACTS_NO_DAY && closed <= day && (reopened == FACTS_NO_DAY || reopened > day))
            return 1;
    }
    return 0;
}

/* Writes (val non-NULL) or deletes (a missing row: nothing to do) the facts row of key, applying what
 * the change makes to the performance pre-aggregates (store_perf.h) in the same transaction. An old
 * row that does not decode is overwritten without being taken off them: `connectctl check` reports both. */
static int facts_row_write(store *s, MDB_txn *txn, const unsigned char key[16], const void *val, size_t len)
{
    MDB_dbi dbi = store_dbi(s, DB_CASE_FACTS);
    MDB_val k = {16, (void *)key}, old, neu = {len, (void *)val};
    int rc = mdb_get(txn, dbi, &k, &old);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (rc == MDB_NOTFOUND && !val)
        return 0;
    /* The same row again (an edit of what no report counts, an address): its pre-aggregates would
     * lose and regain it, and the pages of both be written for nothing. */
    if (rc == 0 && val && old.mv_size == len && memcmp(old.mv_data, val, len) == 0)
        return 0;
    case_facts fo, fn;
    int had = rc == 0 && decode_case(&k, &old, &fo) == 0;
    if (had)
        cut_support(&fo);
    if (val) {
        if ((rc = decode_case(&k, &neu, &fn)))
            return rc;
        cut_support(&fn);
    }
    if ((rc = store_perf_row_change(s, txn, had ? &fo : NULL, val ? &fn : NULL)))
        return rc;
    return val ? mdb_put(txn, dbi, &k, &neu, 0) : mdb_del(txn, dbi, &k, NULL);
}

int store_facts_case_put(store *s, MDB_txn *txn, const json_t *old, const json_t *rec)
{
    unsigned char key[16];
    int rc;
    if (old && json_get_u64(old, "council_id") != json_get_u64(rec, "council_id")) {
        key16(key, json_get_u64(old, "council_id"), json_get_u64(old, "id"));
        if ((rc = facts_row_write(s, txn, key, NULL, 0)))
            return rc;
    }
    unsigned char *buf;
    size_t len;
    if ((rc = encode_case(rec, FACTS_NO_DAY, &buf, &len)))
        return rc;
    key16(key, json_get_u64(rec, "council_id"), json_get_u64(rec, "id"));
    rc = facts_row_write(s, txn, key, buf, len);
    free(buf);
    return rc;
}

json_t *store_facts_snapshot(const json_t *rec)
{
    static const char *const keys[] = {"id", "caseworker_id", "finance", "closure", "status", "legislation",
                                       "household_type", "referral_source", "status_at_referral", "team",
                                       "previous_closures", "transferred_in_on", NULL};
    json_t *o = json_object();
    char referral[11];
    case_referral_date(rec, referral);
    const json_t *imm = json_object_get(rec, "immigration");
    int bad = !o || json_object_set_new(o, "referral_date", json_string(referral));
    for (const char *const *k = keys; !bad && *k; k++) {
        json_t *v = json_object_get(rec, *k);
        bad = v && json_object_set_new(o, *k, json_deep_copy(v));
    }
    /* Of the people, only what a row holds: the principal's nationality and the dependants'
     * relationships (how many, how many children, how many partners). */
    json_t *deps = json_array();
    const json_t *rec_deps = json_object_get(rec, "dependants");
    for (size_t i = 0; !bad && deps && i < json_array_size(rec_deps); i++) {
        const char *rel = json_get_str(json_array_get(rec_deps, i), "relationship");
        bad = json_array_append_new(deps, rel ? json_pack("{s:s}", "relationship", rel) : json_object());
    }
    bad = bad || !deps ||
          json_object_set_new(o, "principal",
                              json_pack("{s:s}", "nationality",
                                        json_get_str_or(json_object_get(rec, "principal"), "nationality", ""))) ||
          json_object_set_new(o, "dependants", json_incref(deps)) ||
          json_object_set_new(o, "immigration",
                              json_pack("{s:s,s:O?}", "status", json_get_str_or(imm, "status", "unknown"),
                                        "recourse_to_public_funds", json_object_get(imm, "recourse_to_public_funds")));
    json_decref(deps);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The frozen row of an accepted transfer: its key, and the snapshot with the day it was accepted. */
static int transfer_row(const json_t *t, unsigned char key[16], const json_t **snap, int32_t *out_day)
{
    *snap = json_object_get(t, "facts_at_transfer");
    if (!json_get_str_is(t, "status", "accepted") || !json_is_object(*snap))
        return MDB_NOTFOUND; /* declined, pending, or accepted before frozen rows existed */
    *out_day = uk_day_of(json_get_str(t, "answered_at"));
    uint64_t id = json_get_u64(t, "id");
    if (*out_day == FACTS_NO_DAY || !id || id >= FACTS_TRANSFERRED)
        return STORE_CORRUPT;
    key16(key, json_get_u64(t, "from_council_id"), FACTS_TRANSFERRED | id);
    return 0;
}

int store_facts_transfer_put(store *s, MDB_txn *txn, const json_t *transfer)
{
    unsigned char key[16], *buf;
    const json_t *snap;
    int32_t out_day;
    size_t len;
    int rc = transfer_row(transfer, key, &snap, &out_day);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    if ((rc = encode_case(snap, out_day, &buf, &len)))
        return rc;
    rc = facts_row_write(s, txn, key, buf, len);
    free(buf);
    return rc;
}

/* ---- SLA rows ---- */

#define SLA_KEY 15
#define SLA_VAL 16
#define SLA_ROWS_MAX 512 /* a query's replies beyond this are not counted */

/* The DB_SLA key prefix of a day (4 bytes, big-endian, so that key order is day order). */
static void sla_day_key(unsigned char out[4], int32_t day)
{
    uint32_t v = (uint32_t)day ^ 0x80000000u; /* sorts negative days first */
    out[0] = (unsigned char)(v >> 24);
    out[1] = (unsigned char)(v >> 16);
    out[2] = (unsigned char)(v >> 8);
    out[3] = (unsigned char)v;
}

typedef struct {
    sla_row rows[SLA_ROWS_MAX];
    size_t n;
} sla_rows;

static void add_row(sla_rows *out, const json_t *item, uint8_t type, char by, int32_t raised, int32_t answered,
                    int allowed)
{
    if (out->n == SLA_ROWS_MAX || raised == FACTS_NO_DAY || answered == FACTS_NO_DAY || allowed < 0)
        return;
    out->rows[out->n++] = (sla_row){.raised_day = raised, .answered_day = answered,
                                    .council_id = json_get_u64(item, "council_id"), .type = type, .answered_by = by,
                                    .allowed = (uint16_t)(allowed > UINT16_MAX ? UINT16_MAX : allowed)};
}

/* The answered items of an alert: its clearing by the HO (alerts to the HO) or, for a final outcome,
 * its own raising against the decision date. */
static void alert_rows(const json_t *a, sla_rows *out)
{
    const char *type = json_get_str_or(a, "type", "");
    int allowed = json_is_integer(json_object_get(a, "due_days"))
                      ? (int)json_integer_value(json_object_get(a, "due_days")) : -1;
    int32_t from = day_of(json_get_str(a, "due_from"));
    if (from == FACTS_NO_DAY)
        from = uk_day_of(json_get_str(a, "raised_at"));
    uint8_t t = strcmp(type, "new_case") == 0         ? SLA_NEW_CASE
                : strcmp(type, "council_update") == 0 ? SLA_COUNCIL_UPDATE
                : strcmp(type, "case_closed") == 0    ? SLA_CASE_CLOSED
                : strcmp(type, "final_outcome") == 0  ? SLA_FINAL_OUTCOME
                                                      : 0;
    if (t == SLA_FINAL_OUTCOME)
        add_row(out, a, t, 'h', from, uk_day_of(json_get_str(a, "raised_at")), allowed);
    else if (t && json_get_str(a, "cleared_at"))
        add_row(out, a, t, 'h', from, uk_day_of(json_get_str(a, "cleared_at")), allowed);
}

/* Each message answered by a later message of the other side. Follow-ups from the same side keep
 * the first unanswered message's date, as the due date does (fcgi/h_queries.c). */
static void query_rows(const json_t *q, sla_rows *out)
{
    int urgent = json_is_true(json_object_get(q, "urgent"));
    char pending = 0;
    int32_t since = FACTS_NO_DAY;
    size_t i;
    const json_t *m;
    json_array_foreach(json_object_get(q, "messages"), i, m) {
        const char *side = json_get_str_or(m, "side", "");
        char by = strcmp(side, "ho") == 0 ? 'h' : strcmp(side, "council") == 0 ? 'c' : 0;
        int32_t day = uk_day_of(json_get_str(m, "at"));
        if (!by)
            continue;
        if (pending && pending != by) {
            add_row(out, q, urgent ? SLA_URGENT_QUERY : SLA_QUERY, by, since, day,
                    urgent && by == 'h' ? 1 : 10);
            pending = 0;
        }
        if (!pending) {
            pending = by;
            since = day;
        }
    }
}

/* The rows of an item (a new sla_rows, NULL when out of memory). */
static sla_rows *rows_of(char kind, const json_t *item)
{
    sla_rows *rows = malloc(sizeof *rows);
    if (!rows)
        return NULL;
    rows->n = 0;
    if (kind == WORK_ALERT)
        alert_rows(item, rows);
    else
        query_rows(item, rows);
    return rows;
}

/* The DB_SLA key and value of the i-th row of an item. */
static void sla_encode(char kind, const json_t *item, size_t i, const sla_row *r, unsigned char key[SLA_KEY],
                       unsigned char val[SLA_VAL])
{
    sla_day_key(key, r->answered_day);
    key[4] = (unsigned char)kind;
    store_key_u64(key + 5, json_get_u64(item, "id"));
    key[13] = (unsigned char)(i >> 8);
    key[14] = (unsigned char)i;
    memset(val, 0, SLA_VAL);
    memcpy(val, &r->council_id, 8);
    val[8] = r->type;
    val[9] = (unsigned char)r->answered_by;
    memcpy(val + 10, &r->allowed, 2);
    memcpy(val + 12, &r->raised_day, 4);
}

static int sla_apply(store *s, MDB_txn *txn, char kind, const json_t *item, int add)
{
    sla_rows *rows = rows_of(kind, item);
    if (!rows)
        return STORE_NOMEM;
    int rc = 0;
    for (size_t i = 0; i < rows->n && !rc; i++) {
        unsigned char key[SLA_KEY], val[SLA_VAL];
        sla_encode(kind, item, i, &rows->rows[i], key, val);
        MDB_val k = {SLA_KEY, key}, v = {SLA_VAL, val};
        if (add)
            rc = mdb_put(txn, store_dbi(s, DB_SLA), &k, &v, 0);
        else if ((rc = mdb_del(txn, store_dbi(s, DB_SLA), &k, NULL)) == MDB_NOTFOUND)
            rc = 0;
    }
    free(rows);
    return rc;
}

int store_facts_sla_put(store *s, MDB_txn *txn, char kind, const json_t *old, const json_t *rec)
{
    int rc = old ? sla_apply(s, txn, kind, old, 0) : 0;
    return rc ? rc : sla_apply(s, txn, kind, rec, 1);
}

/* Decodes a DB_SLA entry; STORE_CORRUPT when malformed. */
static int decode_sla(const MDB_val *key, const MDB_val *val, sla_row *r)
{
    const unsigned char *k = key->mv_data, *v = val->mv_data;
    if (key->mv_size != SLA_KEY || val->mv_size != SLA_VAL)
        return STORE_CORRUPT;
    uint32_t d = (uint32_t)k[0] << 24 | (uint32_t)k[1] << 16 | (uint32_t)k[2] << 8 | k[3];
    r->answered_day = (int32_t)(d ^ 0x80000000u);
    memcpy(&r->council_id, v, 8);
    r->type = v[8];
    r->answered_by = (char)v[9];
    memcpy(&r->allowed, v + 10, 2);
    memcpy(&r->raised_day, v + 12, 4);
    return r->type >= 1 && r->type <= SLA_TYPES ? 0 : STORE_CORRUPT;
}

/* ---- walks for the reports ---- */

int store_facts_cases_each(store *s, MDB_txn *txn, uint64_t council, store_facts_case_fn fn, void *ctx)
{
    unsigned char prefix[8];
    store_key_u64(prefix, council);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_FACTS, prefix, council ? sizeof prefix : 0);
    int rc = 0;
    while (store_iter_next(&it)) {
        case_facts f;
        if ((rc = decode_case(&it.key, &it.val, &f)))
            break;
        cut_support(&f);
        if ((rc = fn(&f, ctx)))
            break;
    }
    return store_iter_end(&it, rc);
}

int store_facts_sla_each(store *s, MDB_txn *txn, int32_t from_day, int32_t to_day, store_facts_sla_fn fn,
                         void *ctx)
{
    unsigned char from[4];
    sla_day_key(from, from_day);
    store_iter it;
    store_iter_begin_at(&it, s, txn, DB_SLA, NULL, 0, from, sizeof from);
    int rc = 0;
    while (store_iter_next(&it)) {
        sla_row row;
        if ((rc = decode_sla(&it.key, &it.val, &row)))
            break;
        if (row.answered_day > to_day)
            break;
        if ((rc = fn(&row, ctx)))
            break;
    }
    return store_iter_end(&it, rc);
}

/* ---- rebuilding ---- */

static int anonymous_row(store_db db, const MDB_val *key);

/* Deletes every row of db that a record gives, keeping the anonymous rows of destroyed cases. */
static int drop_derived(store *s, MDB_txn *txn, store_db db)
{
    store_iter it;
    store_iter_begin(&it, s, txn, db, NULL, 0);
    int rc = 0;
    while (store_iter_next(&it))
        if (!anonymous_row(db, &it.key) && (rc = store_iter_del(&it)))
            break;
    return store_iter_end(&it, rc);
}

typedef int (*record_fn)(store *s, MDB_txn *txn, const json_t *rec, void *ctx);

typedef struct {
    store *s;
    MDB_txn *txn;
    record_fn fn;
    void *ctx;
    size_t *n;
} each_ctx;

static int each_one(const json_t *rec, void *arg)
{
    each_ctx *e = arg;
    int rc = e->fn(e->s, e->txn, rec, e->ctx);
    if (!rc && e->n)
        (*e->n)++;
    return rc;
}

/* store_json_each with the store and transaction handed on, counting the records seen in *n. */
static int each_record(store *s, MDB_txn *txn, store_db db, record_fn fn, void *ctx, size_t *n)
{
    each_ctx e = {s, txn, fn, ctx, n};
    return store_json_each(s, txn, db, each_one, &e);
}

static int rebuild_case(store *s, MDB_txn *txn, const json_t *rec, void *ctx)
{
    (void)ctx;
    return store_facts_case_put(s, txn, NULL, rec);
}

static int rebuild_item(store *s, MDB_txn *txn, const json_t *rec, void *ctx)
{
    return store_facts_sla_put(s, txn, *(const char *)ctx, NULL, rec);
}

static int rebuild_transfer(store *s, MDB_txn *txn, const json_t *rec, void *ctx)
{
    (void)ctx;
    return store_facts_transfer_put(s, txn, rec);
}

int store_facts_rebuild(store *s, MDB_txn *txn, size_t *cases, size_t *items)
{
    size_t nc = 0, ni = 0;
    char alert = WORK_ALERT, query = WORK_QUERY;
    /* Not mdb_drop: the anonymous rows of destroyed cases have no record left to be rebuilt from, and
     * past periods' figures need them, so only the rows derived from records go. The performance
     * pre-aggregates are not kept row by row meanwhile, but recounted once at the end. */
    int rc = store_perf_suspend(s, txn);
    if (!rc)
        rc = drop_derived(s, txn, DB_CASE_FACTS);
    if (!rc)
        rc = drop_derived(s, txn, DB_SLA);
    if (!rc)
        rc = each_record(s, txn, DB_CASES, rebuild_case, NULL, &nc);
    if (!rc)
        rc = each_record(s, txn, DB_TRANSFERS, rebuild_transfer, NULL, NULL);
    if (!rc)
        rc = each_record(s, txn, DB_ALERTS, rebuild_item, &alert, &ni);
    if (!rc)
        rc = each_record(s, txn, DB_QUERIES, rebuild_item, &query, &ni);
    if (!rc) {
        MDB_val k = {strlen("facts_version"), "facts_version"}, v = {strlen(FACTS_VERSION), FACTS_VERSION};
        rc = mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0);
    }
    if (!rc)
        rc = store_perf_build(s, txn);
    if (cases)
        *cases = nc;
    if (items)
        *items = ni;
    return rc;
}

/* The first immigration status other than "unknown" in a case's history (a new string), or NULL. */
static char *first_known_status(store *s, MDB_txn *txn, uint64_t case_id, int *rc)
{
    char *found = NULL;
    unsigned char prefix[8];
    store_key_u64(prefix, case_id);
    store_iter it;
    store_iter_begin(&it, s, txn, DB_CASE_HISTORY, prefix, sizeof prefix);
    while (!found && store_iter_next(&it)) {
        json_t *row = json_loadb(it.val.mv_data, it.val.mv_size, 0, NULL);
        const char *field = json_get_str(row, "field"), *neu = json_get_str(row, "new");
        if (field && neu && strcmp(field, "immigration.status") == 0 && strcmp(neu, "unknown") != 0)
            found = strdup(neu);
        json_decref(row);
    }
    *rc = store_iter_end(&it, 0);
    return found;
}

/* Cases saved before status_at_referral existed: the first known status from their history (else the
 * current one), written back through store_case_put. Only cases with a known status now can lack
 * it wrongly, so the others are not read twice. */
typedef struct {
    uint64_t *ids;
    size_t n, cap;
} id_list;

/* Collects the ids of cases with a known status and no status_at_referral. */
static int lacks_status_at_referral(store *s, MDB_txn *txn, const json_t *rec, void *ctx)
{
    (void)s;
    (void)txn;
    id_list *l = ctx;
    const char *now = json_get_str(json_object_get(rec, "immigration"), "status");
    if (json_object_get(rec, "status_at_referral") || !now || strcmp(now, "unknown") == 0)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        uint64_t *more = realloc(l->ids, cap * sizeof *more);
        if (!more)
            return STORE_NOMEM;
        l->ids = more;
        l->cap = cap;
    }
    l->ids[l->n++] = json_get_u64(rec, "id");
    return 0;
}

static int backfill_status_at_referral(store *s, MDB_txn *txn)
{
    id_list l = {0};
    int rc = each_record(s, txn, DB_CASES, lacks_status_at_referral, &l, NULL);
    uint64_t *ids = l.ids;
    size_t n = l.n;
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *old = NULL, *neu = NULL;
        if ((rc = store_case_get(s, txn, ids[i], &old)))
            break;
        char *first = first_known_status(s, txn, ids[i], &rc);
        const char *status = first ? first : json_get_str(json_object_get(old, "immigration"), "status");
        neu = rc ? NULL : json_deep_copy(old);
        if (!rc && (!neu || json_object_set_new(neu, "status_at_referral", json_string(status))))
            rc = STORE_NOMEM;
        if (!rc)
            rc = store_case_put(s, txn, old, neu);
        free(first);
        json_decref(old);
        json_decref(neu);
    }
    free(ids);
    return rc;
}

int store_facts_migrate(store *s, MDB_txn *txn)
{
    MDB_val k = {strlen("facts_version"), "facts_version"}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    if (rc == 0 && v.mv_size == strlen(FACTS_VERSION) && memcmp(v.mv_data, FACTS_VERSION, v.mv_size) == 0)
        return 0;
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if ((rc = backfill_status_at_referral(s, txn)))
        return rc;
    return store_facts_rebuild(s, txn, NULL, NULL);
}

/* ---- verifying ---- */

typedef struct {
    FILE *report;
    size_t expected, differences, anonymous;
    char kind;
} verify_ctx;

/* Compares a stored row with the bytes it should hold. */
static int verify_row(store *s, MDB_txn *txn, store_db db, verify_ctx *v, const void *key, size_t klen,
                      const void *want, size_t wlen, const char *what, uint64_t id)
{
    MDB_val k = {klen, (void *)key}, got;
    int rc = mdb_get(txn, store_dbi(s, db), &k, &got);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    v->expected++;
    if (rc == MDB_NOTFOUND || got.mv_size != wlen || memcmp(got.mv_data, want, wlen) != 0) {
        v->differences++;
        if (v->report)
            fprintf(v->report, "%s of %llu: %s\n", what, (unsigned long long)id,
                    rc == MDB_NOTFOUND ? "missing" : "differs from its record");
    }
    return 0;
}

static int verify_case(store *s, MDB_txn *txn, const json_t *rec, void *ctx)
{
    unsigned char *buf, key[16];
    size_t len;
    int rc = encode_case(rec, FACTS_NO_DAY, &buf, &len);
    if (rc)
        return rc;
    key16(key, json_get_u64(rec, "council_id"), json_get_u64(rec, "id"));
    rc = verify_row(s, txn, DB_CASE_FACTS, ctx, key, 16, buf, len, "case facts", json_get_u64(rec, "id"));
    free(buf);
    return rc;
}

/* A frozen row matches no case record of its council: it is checked against its transfer record. */
static int verify_transfer(store *s, MDB_txn *txn, const json_t *rec, void *ctx)
{
    unsigned char key[16], *buf;
    const json_t *snap;
    int32_t out_day;
    size_t len;
    int rc = transfer_row(rec, key, &snap, &out_day);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    if ((rc = encode_case(snap, out_day, &buf, &len)))
        return rc;
    rc = verify_row(s, txn, DB_CASE_FACTS, ctx, key, 16, buf, len, "frozen case facts of transfer",
                    json_get_u64(rec, "id"));
    free(buf);
    return rc;
}

static int verify_item(store *s, MDB_txn *txn, const json_t *rec, void *ctx)
{
    verify_ctx *v = ctx;
    sla_rows *rows = rows_of(v->kind, rec);
    if (!rows)
        return STORE_NOMEM;
    int rc = 0;
    for (size_t i = 0; i < rows->n && !rc; i++) {
        unsigned char key[SLA_KEY], val[SLA_VAL];
        sla_encode(v->kind, rec, i, &rows->rows[i], key, val);
        rc = verify_row(s, txn, DB_SLA, v, key, SLA_KEY, val, SLA_VAL,
                        v->kind == WORK_ALERT ? "SLA row of alert" : "SLA row of query", json_get_u64(rec, "id"));
    }
    free(rows);
    return rc;
}

/* Whether a stored row is the anonymous row of a destroyed case or item (kept without a record). */
static int anonymous_row(store_db db, const MDB_val *key)
{
    const unsigned char *k = key->mv_data;
    if (db == DB_CASE_FACTS)
        return key->mv_size == 16 && (store_u64_from(k + 8) & FACTS_ANONYMOUS);
    return key->mv_size == SLA_KEY && k[4] == SLA_ANONYMOUS;
}

/* Rows stored beyond those the records give; the anonymous rows of destroyed cases are not extras
 * (their count is added to v->anonymous). */
static int extras(store *s, MDB_txn *txn, store_db db, size_t expected, verify_ctx *v, const char *what)
{
    MDB_stat st;
    int rc = mdb_stat(txn, store_dbi(s, db), &st);
    if (rc)
        return rc;
    size_t anonymous = 0;
    store_iter it;
    store_iter_begin(&it, s, txn, db, NULL, 0);
    while (store_iter_next(&it))
        anonymous += (size_t)anonymous_row(db, &it.key);
    if ((rc = store_iter_end(&it, 0)))
        return rc;
    v->anonymous += anonymous;
    expected += anonymous;
    if (st.ms_entries > expected) {
        v->differences += st.ms_entries - expected;
        if (v->report)
            fprintf(v->report, "%zu %s without a record\n", st.ms_entries - expected, what);
    }
    return 0;
}

int store_facts_verify(store *s, MDB_txn *txn, FILE *report, size_t *rows, size_t *differences)
{
    verify_ctx v = {.report = report};
    int rc = each_record(s, txn, DB_CASES, verify_case, &v, NULL);
    if (!rc)
        rc = each_record(s, txn, DB_TRANSFERS, verify_transfer, &v, NULL);
    size_t cases = v.expected;
    if (!rc)
        rc = extras(s, txn, DB_CASE_FACTS, cases, &v, "case facts rows");
    v.kind = WORK_ALERT;
    if (!rc)
        rc = each_record(s, txn, DB_ALERTS, verify_item, &v, NULL);
    v.kind = WORK_QUERY;
    if (!rc)
        rc = each_record(s, txn, DB_QUERIES, verify_item, &v, NULL);
    if (!rc)
        rc = extras(s, txn, DB_SLA, v.expected - cases, &v, "SLA rows");
    *rows = v.expected;
    *differences = v.differences;
    return rc;
}

/* ---- destroyed cases ---- */

/* Makes an encoded row anonymous in place: no case id, no caseworker, no nationality (the last bytes
 * of the row before its transfer days, which move down over it); *len shrinks. */
static void anonymise_bytes(unsigned char *buf, size_t *len)
{
    uint16_t nat_len;
    memcpy(&nat_len, buf + 54, 2);
    size_t tail = (buf[56] & FACTS_TRANSFERRED_IN ? 4u : 0u) + (buf[56] & FACTS_TRANSFERRED_OUT ? 4u : 0u) +
                  (buf[56] & FACTS_HAS_PEOPLE ? FACTS_PEOPLE_SIZE : 0u);
    memmove(buf + *len - tail - nat_len, buf + *len - tail, tail);
    memset(buf, 0, 16);
    memset(buf + 54, 0, 2);
    *len -= nat_len;
}

int store_facts_case_anonymise(store *s, MDB_txn *txn, const json_t *rec, uint64_t destruction_id)
{
    unsigned char key[16];
    uint64_t council = json_get_u64(rec, "council_id");
    key16(key, council, json_get_u64(rec, "id"));
    int rc = facts_row_write(s, txn, key, NULL, 0);
    if (rc)
        return rc;
    unsigned char *buf;
    size_t len;
    if ((rc = encode_case(rec, FACTS_NO_DAY, &buf, &len)))
        return rc;
    anonymise_bytes(buf, &len);
    key16(key, council, FACTS_ANONYMOUS | destruction_id);
    rc = facts_row_write(s, txn, key, buf, len);
    free(buf);
    return rc;
}

int store_facts_transfer_anonymise(store *s, MDB_txn *txn, const json_t *transfer, uint64_t destruction_id,
                                   unsigned n)
{
    unsigned char key[16], *buf;
    const json_t *snap;
    int32_t out_day;
    size_t len;
    int rc = transfer_row(transfer, key, &snap, &out_day);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    if (destruction_id >= FACTS_ANONYMOUS_FROZEN_IDS || n > UINT16_MAX)
        return STORE_CORRUPT;
    if ((rc = facts_row_write(s, txn, key, NULL, 0)))
        return rc;
    /* From the snapshot, like the row it replaces (check proves the two equal), so the transfer record
     * can lose its snapshot in the same write. */
    if ((rc = encode_case(snap, out_day, &buf, &len)))
        return rc;
    anonymise_bytes(buf, &len);
    /* The transferred bit stays (decode_case pairs it with the row's transfer_out day); the transfer id
     * goes: it would lead back to the case through the transfer record. */
    key16(key, json_get_u64(transfer, "from_council_id"),
          FACTS_ANONYMOUS | FACTS_TRANSFERRED | destruction_id << 16 | n);
    rc = facts_row_write(s, txn, key, buf, len);
    free(buf);
    return rc;
}

int store_facts_sla_anonymise(store *s, MDB_txn *txn, char kind, const json_t *item, uint64_t destruction_id,
                              unsigned *n)
{
    sla_rows *rows = rows_of(kind, item);
    if (!rows)
        return STORE_NOMEM;
    MDB_dbi dbi = store_dbi(s, DB_SLA);
    int rc = 0;
    for (size_t i = 0; i < rows->n && !rc; i++) {
        unsigned char key[SLA_KEY], val[SLA_VAL];
        sla_encode(kind, item, i, &rows->rows[i], key, val);
        MDB_val k = {SLA_KEY, key}, v = {SLA_VAL, val};
        if ((rc = mdb_del(txn, dbi, &k, NULL)) == MDB_NOTFOUND)
            rc = 0;
        if (rc)
            break;
        key[4] = SLA_ANONYMOUS;
        store_key_u64(key + 5, destruction_id);
        key[13] = (unsigned char)(*n >> 8);
        key[14] = (unsigned char)*n;
        (*n)++;
        rc = mdb_put(txn, dbi, &k, &v, 0);
    }
    free(rows);
    return rc;
}
