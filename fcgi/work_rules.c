/* work_rules.c - which change raises or clears which alert (the table in fcgi/API.md), due dates and
 * the caseworker's email. */
#include "work.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_case.h"
#include "store_mi_run.h"
#include "store_nino.h"
#include "public_url.h"
#include "store_outbox.h"
#include "store_user.h"
#include "uk_time.h"


char work_side_of(const http_req *r)
{
    if (strcmp(r->org_kind, "home_office") == 0)
        return WORK_SIDE_HO;
    return strcmp(r->org_kind, "council") == 0 ? WORK_SIDE_COUNCIL : 0;
}

const char *work_side_name(char side) { return side == WORK_SIDE_HO ? "ho" : "council"; }

void work_ctx_init(work_ctx *w, const http_req *r, store *s, MDB_txn *txn, const char *at)
{
    *w = (work_ctx){.s = s, .txn = txn, .now = r->now, .at = at, .uid = r->uid, .side = work_side_of(r)};
    uk_date(r->now, w->today);
}

void work_ctx_system(work_ctx *w, store *s, MDB_txn *txn, int64_t now, const char *at)
{
    *w = (work_ctx){.s = s, .txn = txn, .now = now, .at = at, .uid = 0, .side = WORK_SIDE_COUNCIL};
    uk_date(now, w->today);
}

void work_ctx_done(work_ctx *w)
{
    json_decref(w->raised);
    w->raised = NULL;
}

/* ---- calendar and due dates ---- */

/* One parsed calendar per division, re-parsed only when the stored text changes. The text is compared
 * once per read snapshot (store_read_snapshot): a page of 50 alerts asks 50 times, and comparing the
 * whole calendar (tens of KB) each time was most of what a due date cost. seen_gen/seen_id: the
 * snapshot in which it last compared equal (seen_gen 0: none). */
static _Thread_local struct {
    char *text;
    size_t len;
    calendar cal;
    uint64_t seen_gen, seen_id;
} cal_cache[CALENDAR_DIVISIONS];

int work_calendar_of(store *s, MDB_txn *txn, calendar_division division, const calendar **out)
{
    if ((unsigned)division >= CALENDAR_DIVISIONS)
        return STORE_CORRUPT;
    uint64_t gen = 0, id = 0;
    int snapshot = store_read_snapshot(s, txn, &gen, &id) == 0;
    if (snapshot && cal_cache[division].text && cal_cache[division].seen_gen == gen &&
        cal_cache[division].seen_id == id) {
        *out = &cal_cache[division].cal;
        return 0;
    }
    const void *data;
    size_t len;
    int rc = calendar_store_raw(s, txn, &data, &len);
    if (rc)
        return rc;
    if (!cal_cache[division].text || cal_cache[division].len != len ||
        memcmp(cal_cache[division].text, data, len) != 0) {
        calendar c;
        char err[160];
        /* A calendar imported before it carried every nation (only "england-and-wales") answers for
         * the others with England and Wales's holidays rather than refusing every due date; the shipped
         * file and GOV.UK's carry all three. */
        if (calendar_parse_division(data, len, division, &c, err, sizeof err) &&
            (division == CALENDAR_ENGLAND_AND_WALES || calendar_parse(data, len, &c, err, sizeof err)))
            return STORE_CORRUPT;
        char *copy = malloc(len ? len : 1);
        if (!copy) {
            calendar_free(&c);
            return STORE_NOMEM;
        }
        memcpy(copy, data, len);
        free(cal_cache[division].text);
        if (cal_cache[division].text)
            calendar_free(&cal_cache[division].cal);
        cal_cache[division].text = copy;
        cal_cache[division].len = len;
        cal_cache[division].cal = c;
    }
    cal_cache[division].seen_gen = snapshot ? gen : 0;
    cal_cache[division].seen_id = id;
    *out = &cal_cache[division].cal;
    return 0;
}

int work_calendar(store *s, MDB_txn *txn, const calendar **out)
{
    return work_calendar_of(s, txn, CALENDAR_ENGLAND_AND_WALES, out);
}

int work_set_due(store *s, MDB_txn *txn, json_t *item, const char *from, int days)
{
    calendar_division division;
    const calendar *cal;
    int rc = store_work_due_division(s, txn, item, &division);
    if (!rc)
        rc = work_calendar_of(s, txn, division, &cal);
    return rc ? rc : store_work_due(item, cal, from, days);
}

/* ---- raising and clearing ---- */

static uint64_t worker_of(const json_t *case_rec) { return json_get_u64(case_rec, "caseworker_id"); }

/* The case's open alerts of a type (a new array; usually none or one). */
static int open_alerts(work_ctx *w, const json_t *case_rec, const char *type, json_t **out)
{
    json_t *items;
    int rc = store_work_of_case(w->s, w->txn, json_get_u64(case_rec, "id"), WORK_ALERT, &items);
    if (rc)
        return rc;
    for (size_t i = json_array_size(items); i-- > 0;) {
        json_t *a = json_array_get(items, i);
        if (!json_is_true(json_object_get(a, "open")) || !json_get_str_is(a, "type", type))
            json_array_remove(items, i);
    }
    *out = items;
    return 0;
}

/* The open alert of a type on the case (a new reference), or NULL. */
static int open_alert(work_ctx *w, const json_t *case_rec, const char *type, json_t **out)
{
    json_t *items;
    int rc = open_alerts(w, case_rec, type, &items);
    *out = rc ? NULL : json_incref(json_array_get(items, 0)); /* json_incref(NULL) is NULL */
    json_decref(items);
    return rc;
}

static const char *alert_words(const char *type)
{
    static const char *const map[][2] = {{"new_case", "a new case alert"},
                                         {"council_update", "a council update alert"},
                                         {"immigration_update", "an immigration update from the Home Office"},
                                         {"closure_required", "a closure required alert"},
                                         {"case_closed", "a case closed alert"},
                                         {"final_outcome", "a final outcome from the Home Office"},
                                         {"case_reopened", "a case reopened alert"},
                                         {"support_ended", "a support ended alert"},
                                         {"nino_result", "a National Insurance number result"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], type) == 0)
            return map[i][1];
    return "an alert";
}

int work_raise(work_ctx *w, const json_t *case_rec, const char *type, json_t *fields, json_t *outcome,
               const char *due_from, int due_days)
{
    int to_ho = strcmp(type, "new_case") == 0 || strcmp(type, "council_update") == 0 ||
                strcmp(type, "case_closed") == 0 || strcmp(type, "case_reopened") == 0;
    json_t *a = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:b}", "case_id", (json_int_t)json_get_u64(case_rec, "id"), "council_id",
                          (json_int_t)json_get_u64(case_rec, "council_id"), "type", type, "to", to_ho ? "ho" : "council",
                          "raised_at", w->at, "raised_by", (json_int_t)w->uid, "open", 1);
    int rc = a ? 0 : STORE_NOMEM;
    /* json_object_set_new takes the reference even when it fails. */
    if (a && fields && json_object_set_new(a, "fields", fields))
        rc = STORE_NOMEM;
    else if (!a)
        json_decref(fields);
    if (a && outcome && json_object_set_new(a, "outcome", outcome))
        rc = STORE_NOMEM;
    else if (!a)
        json_decref(outcome);
    if (!rc && due_days >= 0)
        rc = work_set_due(w->s, w->txn, a, due_from ? due_from : w->today, due_days);
    uint64_t id;
    if (!rc)
        rc = store_work_create(w->s, w->txn, WORK_ALERT, a, worker_of(case_rec), &id);
    if (!rc && !to_ho)
        rc = work_notify(w, case_rec, alert_words(type));
    if (rc) {
        json_decref(a);
        return rc;
    }
    json_decref(w->raised);
    w->raised = a;
    return 0;
}

int work_clear(work_ctx *w, const json_t *case_rec, const char *type, const char *how)
{
    json_t *items;
    int rc = open_alerts(w, case_rec, type, &items);
    if (rc)
        return rc;
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a) {
        json_t *c = json_deep_copy(a);
        if (!c || json_object_set_new(c, "open", json_false()) ||
            json_object_set_new(c, "cleared_at", json_string(w->at)) ||
            json_object_set_new(c, "cleared_by", json_integer((json_int_t)w->uid)) ||
            json_object_set_new(c, "cleared_how", json_string(how)))
            rc = STORE_NOMEM;
        if (!rc)
            rc = store_work_put(w->s, w->txn, WORK_ALERT, a, c, worker_of(case_rec));
        json_decref(c);
        if (rc)
            break;
    }
    json_decref(items);
    return rc;
}

/* Adds `fields` (strings) to the case's open alert of the type, or raises one with them. */
static int raise_or_merge(work_ctx *w, const json_t *case_rec, const char *type, json_t *fields, int due_days)
{
    if (json_array_size(fields) == 0) {
        json_decref(fields);
        return 0;
    }
    json_t *old;
    int rc = open_alert(w, case_rec, type, &old);
    if (rc || !old) {
        if (rc) {
            json_decref(fields);
            return rc;
        }
        return work_raise(w, case_rec, type, fields, NULL, NULL, due_days);
    }
    json_t *a = json_deep_copy(old);
    json_t *have = json_object_get(a, "fields");
    if (a && !json_is_array(have) && json_object_set_new(a, "fields", json_array()) == 0)
        have = json_object_get(a, "fields");
    if (!a || !json_is_array(have)) {
        json_decref(old);
        json_decref(a);
        json_decref(fields);
        return STORE_NOMEM;
    }
    size_t i, j;
    json_t *f, *h;
    json_array_foreach(fields, i, f) {
        int seen = 0;
        json_array_foreach(have, j, h) seen |= json_equal(f, h);
        if (!seen && json_array_append(have, f))
            rc = STORE_NOMEM;
    }
    if (!rc && !json_equal(old, a))
        rc = store_work_put(w->s, w->txn, WORK_ALERT, old, a, worker_of(case_rec));
    json_decref(old);
    json_decref(a);
    json_decref(fields);
    return rc;
}

/* ---- the trigger table ---- */

#define SLA_DAYS 5

int work_case_created(work_ctx *w, const json_t *rec)
{
    return work_raise(w, rec, "new_case", NULL, NULL, NULL, SLA_DAYS);
}

static int gives_recourse(const json_t *imm)
{
    const char *st = json_get_str_or(imm, "status", "");
    return json_is_true(json_object_get(imm, "recourse_to_public_funds")) || strcmp(st, "ltr_recourse") == 0 ||
           strcmp(st, "settled_status") == 0 || strcmp(st, "british_citizen") == 0;
}

/* Leave granted, with or without recourse to public funds (the NINo agreement's trigger). */
static int is_leave_grant(const json_t *imm)
{
    const char *st = json_get_str_or(imm, "status", "");
    return strcmp(st, "ltr_nrpf") == 0 || strcmp(st, "ltr_recourse") == 0;
}

/* Names of the immigration fields that differ (bookkeeping members left out). */
static json_t *immigration_diff(const json_t *old, const json_t *neu)
{
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_t *both[2] = {(json_t *)old, (json_t *)neu};
    for (int pass = 0; pass < 2 && out; pass++) {
        json_object_foreach(both[pass], k, v) {
            if (strcmp(k, "updated_at") == 0 || strcmp(k, "updated_by") == 0)
                continue;
            if (pass == 1 && json_object_get(old, k))
                continue; /* compared on the first pass */
            json_t *a = json_object_get(old, k), *b = json_object_get(neu, k);
            if (!json_equal(a ? a : json_null(), b ? b : json_null()))
                json_array_append_new(out, json_string(k));
        }
    }
    return out;
}

/* Keeps on the open immigration update the value each changed field had before the Home Office
 * changed it (`before`), so the council sees old -> new. A field already there keeps its first old
 * value: the council has not seen the change in between, only where it started from. */
static int remember_before(work_ctx *w, const json_t *case_rec, const json_t *old_imm, const json_t *fields)
{
    json_t *old;
    int rc = open_alert(w, case_rec, "immigration_update", &old);
    if (rc || !old)
        return rc;
    json_t *a = json_deep_copy(old);
    json_t *before = a ? json_object_get(a, "before") : NULL;
    if (a && !json_is_object(before) && json_object_set_new(a, "before", json_object()) == 0)
        before = json_object_get(a, "before");
    if (!a || !json_is_object(before)) {
        json_decref(old);
        json_decref(a);
        return STORE_NOMEM;
    }
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        const char *k = json_string_value(f);
        if (!k || json_object_get(before, k))
            continue;
        json_t *was = json_object_get(old_imm, k);
        if (json_object_set_new(before, k, was ? json_incref(was) : json_null()))
            rc = STORE_NOMEM;
    }
    if (!rc && !json_equal(old, a))
        rc = store_work_put(w->s, w->txn, WORK_ALERT, old, a, worker_of(case_rec));
    json_decref(old);
    json_decref(a);
    return rc;
}

/* What a council change of the people on a case means for the HO: "dependant_added", "dependant". */
static json_t *dependant_changes(const json_t *old, const json_t *rec)
{
    json_t *out = json_array();
    const json_t *od = json_object_get(old, "dependants"), *nd = json_object_get(rec, "dependants");
    int added = 0, changed = 0;
    size_t i, j;
    json_t *a, *b;
    json_array_foreach(nd, i, a) {
        const json_t *match = NULL;
        json_array_foreach(od, j, b) if (json_integer_value(json_object_get(a, "id")) ==
                                         json_integer_value(json_object_get(b, "id"))) match = b;
        if (!match)
            added = 1;
        else if (!json_equal(a, match))
            changed = 1;
    }
    if (json_array_size(od) + added > json_array_size(nd))
        changed = 1; /* someone was removed */
    if (added)
        json_array_append_new(out, json_string("dependant_added"));
    if (changed)
        json_array_append_new(out, json_string("dependant"));
    return out;
}

/* Alert types that closing resolves ("case_closed"); the table "Closing and reopening" in fcgi/API.md.
 * Kept open: case_closed (the closure's own, for the HO to accept) and final_outcome (the SLA still
 * expects the HO's outcome, and the council's acceptance of it, after closure). case_reopened is
 * resolved too: a case closed again needs no answer to its earlier reopening. */
static const char *const resolved_by_closing[] = {"new_case",      "council_update", "immigration_update",
                                                  "closure_required", "support_ended", "case_reopened", NULL};

/* Closes the case's open queries, each with a system message saying why: nobody can answer a query
 * on a frozen case, and an open one would keep counting in both sides' figures. */
static int close_queries(work_ctx *w, const json_t *rec)
{
    json_t *items;
    int rc = store_work_of_case(w->s, w->txn, json_get_u64(rec, "id"), WORK_QUERY, &items);
    if (rc)
        return rc;
    size_t i;
    json_t *q;
    json_array_foreach(items, i, q) {
        if (!json_get_str_is(q, "status", "open"))
            continue;
        json_t *c = json_deep_copy(q);
        json_t *msgs = json_object_get(c, "messages");
        json_t *m = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)json_array_size(msgs) + 1, "at", w->at, "side",
                              "system", "text", WORK_CLOSED_QUERY_TEXT);
        if (!c || !json_is_array(msgs) || !m || json_array_append_new(msgs, m) ||
            json_object_set_new(c, "status", json_string("closed")) ||
            json_object_set_new(c, "closed_at", json_string(w->at)) ||
            json_object_set_new(c, "closed_by", json_integer((json_int_t)w->uid)) ||
            json_object_set_new(c, "closed_how", json_string("case_closed")))
            rc = STORE_NOMEM;
        json_object_del(c, "awaiting");
        if (!rc)
            rc = store_work_put(w->s, w->txn, WORK_QUERY, q, c, worker_of(rec));
        json_decref(c);
        if (rc)
            break;
    }
    json_decref(items);
    return rc;
}

static int case_closed(work_ctx *w, const json_t *rec)
{
    int rc = 0;
    for (int i = 0; resolved_by_closing[i] && !rc; i++)
        rc = work_clear(w, rec, resolved_by_closing[i], "case_closed");
    if (!rc)
        rc = close_queries(w, rec);
    return rc ? rc : work_raise(w, rec, "case_closed", NULL, NULL, NULL, SLA_DAYS);
}

/* Resolves one open alert (a copy stored through store_work_put, so lists and counters follow). */
static int clear_one(work_ctx *w, const json_t *case_rec, const json_t *a, const char *how)
{
    json_t *c = json_deep_copy(a);
    int rc = 0;
    if (!c || json_object_set_new(c, "open", json_false()) || json_object_set_new(c, "cleared_at", json_string(w->at)) ||
        json_object_set_new(c, "cleared_by", json_integer((json_int_t)w->uid)) ||
        json_object_set_new(c, "cleared_how", json_string(how)))
        rc = STORE_NOMEM;
    if (!rc)
        rc = store_work_put(w->s, w->txn, WORK_ALERT, a, c, worker_of(case_rec));
    json_decref(c);
    return rc;
}

/* A case marked as a duplicate hands its open work to the survivor (fcgi/API.md "Duplicates"): every
 * open query, and every open alert except one of a type the survivor already has open (two new case
 * alerts on one case would ask the HO for the same answer twice) or case_reopened (about the
 * duplicate's own reopening); those are resolved `duplicate` here. Moved items keep their ids, dates
 * and messages and say where they came from (moved_from). */
static int move_to_survivor(work_ctx *w, const json_t *rec)
{
    json_t *survivor;
    int rc = store_case_get(w->s, w->txn, json_get_u64(rec, "duplicate_of"), &survivor);
    if (rc)
        return rc;
    static const char kinds[2] = {WORK_ALERT, WORK_QUERY};
    for (int k = 0; k < 2 && !rc; k++) {
        json_t *items;
        if ((rc = store_work_of_case(w->s, w->txn, json_get_u64(rec, "id"), kinds[k], &items)))
            break;
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            int open = kinds[k] == WORK_ALERT ? json_is_true(json_object_get(it, "open"))
                                              : json_get_str_is(it, "status", "open");
            if (!open)
                continue;
            if (kinds[k] == WORK_ALERT) {
                const char *type = json_get_str_or(it, "type", "");
                json_t *have = NULL;
                if (strcmp(type, "case_reopened") != 0 && (rc = open_alert(w, survivor, type, &have)))
                    break;
                int keep_here = strcmp(type, "case_reopened") == 0 || have;
                json_decref(have);
                if (keep_here) {
                    if ((rc = clear_one(w, rec, it, "duplicate")))
                        break;
                    continue;
                }
            }
            json_t *c = json_deep_copy(it);
            if (!c || json_object_set_new(c, "case_id", json_integer(json_integer_value(json_object_get(survivor, "id")))) ||
                json_object_set_new(c, "moved_from", json_integer((json_int_t)json_get_u64(rec, "id"))))
                rc = STORE_NOMEM;
            if (!rc)
                rc = store_work_move(w->s, w->txn, kinds[k], it, c, worker_of(rec), worker_of(survivor));
            json_decref(c);
            if (rc)
                break;
        }
        json_decref(items);
    }
    json_decref(survivor);
    return rc;
}

int work_support_ended(work_ctx *w, const json_t *rec)
{
    json_t *have;
    int rc = open_alert(w, rec, "support_ended", &have);
    if (!rc && !have)
        rc = work_raise(w, rec, "support_ended", NULL, NULL, NULL, SLA_DAYS);
    json_decref(have);
    return rc;
}

int work_case_changed(work_ctx *w, const char *action, const json_t *old, const json_t *rec)
{
    int checked = json_object_get(old, "ho_checked_at") != NULL;
    int is_open = !json_get_str_is(rec, "status", "closed");
    int rc = 0;
    if (strcmp(action, "case_immigration_updated") == 0) {
        const json_t *oi = json_object_get(old, "immigration"), *ni = json_object_get(rec, "immigration");
        json_t *fields = immigration_diff(oi, ni);
        if (!fields)
            return STORE_NOMEM;
        if (w->side == WORK_SIDE_HO && (rc = work_clear(w, rec, "new_case", "status_check"))) {
            json_decref(fields);
            return rc;
        }
        if (json_array_size(fields) == 0) {
            json_decref(fields);
            return 0;
        }
        if (w->side == WORK_SIDE_COUNCIL) {
            json_decref(fields);
            return checked ? raise_or_merge(w, rec, "council_update", json_pack("[s]", "immigration"), SLA_DAYS) : 0;
        }
        if (!rc) {
            json_incref(fields); /* raise_or_merge takes one reference */
            rc = raise_or_merge(w, rec, "immigration_update", fields, -1);
            if (!rc)
                rc = remember_before(w, rec, oi, fields);
        }
        json_decref(fields);
        if (!rc && is_open && gives_recourse(ni) && !gives_recourse(oi)) {
            json_t *have;
            if (!(rc = open_alert(w, rec, "closure_required", &have)) && !have)
                rc = work_raise(w, rec, "closure_required", NULL, NULL, NULL, -1);
            json_decref(have);
        }
        /* A grant of leave sends the household's people aged 16 or over to the next NINo batch. */
        if (!rc && is_leave_grant(ni) && !json_equal(json_object_get(oi, "status"), json_object_get(ni, "status"))) {
            size_t queued;
            rc = store_nino_enqueue_household(w->s, w->txn, rec, w->today, w->at, w->now, &queued);
        }
        return rc;
    }
    if (strcmp(action, "case_final_outcome") == 0 && w->side == WORK_SIDE_HO) {
        /* The HO must raise it within 7 working days of the first weekly MI report run on or after the
         * decision (store_mi_run.h): `late` says it did not. With no such run recorded yet there is no
         * deadline to miss: the alert waits, due null, and the run's recording sets it. */
        const json_t *fo = json_object_get(rec, "final_outcome");
        const char *decided = json_get_str(fo, "decision_date");
        char run[11];
        if ((rc = store_mi_run_first_from(w->s, w->txn, decided, run)))
            return rc;
        json_t *outcome = json_pack("{s:O,s:s}", "outcome", json_object_get(fo, "outcome"), "decision_date", decided);
        if (!outcome)
            return STORE_NOMEM;
        if (json_object_get(fo, "notes"))
            json_object_set(outcome, "notes", json_object_get(fo, "notes"));
        if ((rc = work_raise(w, rec, "final_outcome", NULL, outcome, run[0] ? run : NULL, run[0] ? 7 : -1)))
            return rc;
        json_t *a = w->raised, *before = json_deep_copy(a);
        if (!before)
            return STORE_NOMEM;
        json_t *o = json_object_get(a, "outcome");
        if (json_object_set_new(o, "late", json_boolean(run[0] && strcmp(w->today, json_get_str_or(a, "due", "")) > 0)) ||
            json_object_set_new(o, "mi_run", run[0] ? json_string(run) : json_null()) ||
            (!run[0] && json_object_set_new(a, "awaiting_mi_run", json_true()))) {
            json_decref(before);
            return STORE_NOMEM;
        }
        /* Store `late` too: raise wrote the record before it was known. Through store_work_put like
         * every item write, so its lists, counters and report rows follow. */
        rc = store_work_put(w->s, w->txn, WORK_ALERT, before, a, worker_of(rec));
        json_decref(before);
        if (!rc && !run[0])
            rc = store_mi_wait_put(w->s, w->txn, json_get_u64(a, "id"));
        return rc;
    }
    if (w->side != WORK_SIDE_COUNCIL)
        return 0;
    if (strcmp(action, "case_closed") == 0)
        return case_closed(w, rec);
    if (strcmp(action, "case_marked_duplicate") == 0) {
        /* Moved first, so that closing resolves only what stays with the duplicate. */
        rc = move_to_survivor(w, rec);
        return rc ? rc : case_closed(w, rec);
    }
    if (strcmp(action, "case_reopened") == 0) {
        rc = work_clear(w, rec, "case_closed", "case_reopened");
        return rc ? rc : work_raise(w, rec, "case_reopened", NULL, NULL, NULL, SLA_DAYS);
    }
    if (strcmp(action, "case_finance_updated") == 0 && is_open &&
        !json_equal(json_object_get(json_object_get(old, "finance"), "support_end_date"),
                    json_object_get(json_object_get(rec, "finance"), "support_end_date")))
        return work_clear(w, rec, "support_ended", "end_date_changed");
    if (!checked)
        return 0;
    if (strcmp(action, "case_principal_updated") == 0 &&
        !json_equal(json_object_get(old, "principal"), json_object_get(rec, "principal")))
        return raise_or_merge(w, rec, "council_update", json_pack("[s]", "principal"), SLA_DAYS);
    if (strcmp(action, "case_dependants_updated") == 0)
        return raise_or_merge(w, rec, "council_update", dependant_changes(old, rec), SLA_DAYS);
    if (strcmp(action, "case_document_added") == 0)
        return raise_or_merge(w, rec, "council_update", json_pack("[s]", "document"), SLA_DAYS);
    return 0;
}

/* ---- email ---- */

int work_notify(work_ctx *w, const json_t *case_rec, const char *what)
{
    uint64_t worker = worker_of(case_rec);
    if (!worker)
        return 0;
    json_t *user;
    int rc = store_user_get(w->s, w->txn, worker, &user);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    const char *to = json_get_str(user, "email");
    if (to && *to && !json_object_get(user, "deleted_at")) {
        const char *base = public_url_base();
        uint64_t id = json_get_u64(case_rec, "id");
        char subject[160], body[800];
        snprintf(subject, sizeof subject, "Connect: %s on case C%" PRIu64, what, id);
        snprintf(body, sizeof body,
                 "There is %s on case C%" PRIu64 " in Connect.\r\n\r\n"
                 "Sign in to see it: %s/#/cases/%" PRIu64 "\r\n\r\n"
                 "This message names no one on purpose. Please do not reply to it.\r\n",
                 what, id, base, id);
        /* Capitalise the subject's kind ("Connect: A new ..."). */
        if (subject[9] >= 'a' && subject[9] <= 'z')
            subject[9] = (char)(subject[9] - 'a' + 'A');
        rc = store_outbox_add(w->s, w->txn, to, subject, body, w->now);
    }
    json_decref(user);
    return rc;
}

int work_mi_run_recorded(work_ctx *w, size_t *updated)
{
    *updated = 0;
    json_t *ids;
    int rc = store_mi_wait_list(w->s, w->txn, &ids);
    if (rc)
        return rc;
    size_t i;
    json_t *idv;
    json_array_foreach(ids, i, idv) {
        uint64_t id = (uint64_t)json_integer_value(idv);
        json_t *a = NULL, *neu = NULL, *case_rec = NULL;
        char run[11], raised[11];
        rc = store_work_get(w->s, w->txn, WORK_ALERT, id, &a);
        if (rc == MDB_NOTFOUND) {
            /* Its case was destroyed (retention, a removed duplicate) while it waited: nothing to set. */
            rc = store_mi_wait_del(w->s, w->txn, id);
            continue;
        }
        const json_t *o = json_object_get(a, "outcome");
        /* The first run on or after the decision, whichever date was just recorded: runs may be
         * recorded late and out of order. */
        if (!rc)
            rc = store_mi_run_first_from(w->s, w->txn, json_get_str(o, "decision_date"), run);
        if (!rc && run[0]) {
            if (!(neu = json_deep_copy(a)))
                rc = STORE_NOMEM;
            if (!rc)
                rc = work_set_due(w->s, w->txn, neu, run, 7);
            if (!rc && uk_date_of_iso(json_get_str(a, "raised_at"), raised) != 0)
                rc = STORE_CORRUPT;
            json_t *no = json_object_get(neu, "outcome");
            /* Not checked: it fails only when the member is absent, which is the end wanted anyway. */
            json_object_del(neu, "awaiting_mi_run");
            if (!rc && (json_object_set_new(no, "mi_run", json_string(run)) ||
                        json_object_set_new(no, "late", json_boolean(strcmp(raised, json_get_str_or(neu, "due", "")) > 0))))
                rc = STORE_NOMEM;
            if (!rc)
                rc = store_case_get(w->s, w->txn, json_get_u64(a, "case_id"), &case_rec);
            if (!rc)
                rc = store_work_put(w->s, w->txn, WORK_ALERT, a, neu, worker_of(case_rec));
            if (!rc)
                rc = store_mi_wait_del(w->s, w->txn, id);
            if (!rc)
                (*updated)++;
        }
        json_decref(a);
        json_decref(neu);
        json_decref(case_rec);
        if (rc)
            break;
    }
    json_decref(ids);
    return rc;
}
