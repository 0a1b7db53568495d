/* demo_work.c - a demo council's cases and the open work on them, dated so that every demo user signs
 * in to real work and no record contradicts another:
 *   - a new case alert overdue and one due today (the next working day at a weekend), each on an open
 *     referral created the day the alert was raised (the second allocated to the council's admin);
 *   - two cases the Home Office checked weeks ago (immigration page, history by the HO user): on the
 *     first an immigration update raised three working days ago (the old values kept, so the council
 *     sees old -> new), a Home Office query overdue for the council and a council query overdue for the
 *     Home Office; on the second a council query and a Home Office query, each due today.
 * Every item is raised on the working day that makes it due when it says (raised before it was due). */
#include "demo_work.h"
#include "json_get.h"

#include <stdio.h>
#include <string.h>

#include "case_gen.h"
#include "store_case.h"
#include "store_work.h"

#define DEMO_MIN_CASES 12
#define DEMO_MAX_CASES 30

/* The date n working days before `today` (a due date n working days after it is today, or the next
 * working day when today is not one). */
static void working_days_before(const calendar *cal, const char *today, int n, char out[11])
{
    long d = calendar_day(today);
    while (n > 0) {
        d--;
        if (calendar_is_working_day(cal, d))
            n--;
    }
    calendar_date(d, out);
}

/* "2026-12-01" -> "2026-12-01T09:30:00Z" (a working morning). */
static void morning(const char *date, char out[21]) { snprintf(out, 21, "%.10sT09:30:00Z", date); }

static int add_item(demo_council *d, char kind, json_t *item, const char *from, int days, uint64_t worker)
{
    if (!item)
        return STORE_NOMEM;
    uint64_t id;
    int rc = days >= 0 ? store_work_due(item, d->cal, from, days) : 0;
    if (!rc)
        rc = store_work_create(d->s, d->txn, kind, item, worker, &id);
    json_decref(item);
    return rc;
}

static int new_case_alert(demo_council *d, uint64_t case_id, uint64_t worker, const char *from)
{
    char at[21];
    morning(from, at);
    return add_item(d, WORK_ALERT,
                    json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:b}", "case_id", (json_int_t)case_id, "council_id",
                              (json_int_t)d->org, "type", "new_case", "to", "ho", "raised_at", at, "raised_by",
                              (json_int_t)worker, "open", 1),
                    from, 5, worker);
}

/* A query with its first message, awaiting the other side, due 10 working days after `from`. */
static int query(demo_council *d, uint64_t case_id, uint64_t worker, int from_ho, const char *category, const char *from,
                 const char *text)
{
    char at[21];
    morning(from, at);
    uint64_t by = from_ho ? d->ho_user : d->worker;
    return add_item(d, WORK_QUERY,
                    json_pack("{s:I,s:I,s:s,s:b,s:s,s:s,s:s,s:I,s:s,s:s,s:[{s:i,s:s,s:I,s:s,s:s}]}", "case_id",
                              (json_int_t)case_id, "council_id", (json_int_t)d->org, "category", category, "urgent", 0,
                              "opened_by", from_ho ? "ho" : "council", "opened_at", at, "opened_on", from,
                              "opened_by_user", (json_int_t)by, "status", "open", "awaiting", from_ho ? "council" : "ho",
                              "messages", "id", 1, "at", at, "by", (json_int_t)by, "side", from_ho ? "ho" : "council",
                              "text", text),
                    from, 10, worker);
}

/* The Home Office's change of a case's immigration page on `date`: the new page, its history rows. */
static int ho_changes_immigration(demo_council *d, uint64_t case_id, json_t **rec, const char *date, const char *status,
                                  const char *leave_expiry)
{
    char at[21];
    morning(date, at);
    json_t *next = json_deep_copy(*rec);
    json_t *im = next ? json_object_get(next, "immigration") : NULL;
    if (!im || json_object_set_new(im, "status", json_string(status)) ||
        json_object_set_new(im, "recourse_to_public_funds", json_false()) ||
        json_object_set_new(im, "leave_expiry", leave_expiry ? json_string(leave_expiry) : json_null()) ||
        json_object_set_new(im, "updated_at", json_string(at)) ||
        json_object_set_new(im, "updated_by", json_integer((json_int_t)d->ho_user)) ||
        json_object_set_new(next, "updated_at", json_string(at)) ||
        json_object_set_new(next, "updated_by", json_integer((json_int_t)d->ho_user))) {
        json_decref(next);
        return STORE_NOMEM;
    }
    if (!json_object_get(next, "ho_checked_at") && json_object_set_new(next, "ho_checked_at", json_string(at))) {
        json_decref(next);
        return STORE_NOMEM;
    }
    if (!json_object_get(next, "status_at_referral") &&
        json_object_set_new(next, "status_at_referral", json_string(status))) {
        json_decref(next);
        return STORE_NOMEM;
    }
    int rc = store_case_put(d->s, d->txn, *rec, next);
    if (!rc)
        rc = store_case_history_diff(d->s, d->txn, case_id, *rec, next, at, d->ho_user);
    json_decref(*rec);
    *rec = next;
    return rc;
}

/* A generated case, stored with its creation in the history (dated when it was created). A new
 * referral (`created_on` set) is created that day, allocated to `worker`. */
static int make_case(demo_council *d, json_t *rec, uint64_t worker, const char *created_on, uint64_t *id)
{
    if (created_on) {
        char at[21];
        morning(created_on, at);
        if (json_object_set_new(rec, "created_at", json_string(at)) ||
            json_object_set_new(rec, "updated_at", json_string(at)) ||
            json_object_set_new(rec, "caseworker_id", json_integer((json_int_t)worker)) ||
            json_object_set_new(rec, "created_by", json_integer((json_int_t)worker)) ||
            json_object_set_new(rec, "updated_by", json_integer((json_int_t)worker)))
            return STORE_NOMEM;
    }
    int rc = store_case_create(d->s, d->txn, rec, id);
    if (!rc)
        rc = store_case_history_diff(d->s, d->txn, *id, NULL, rec, json_get_str_or(rec, "created_at", ""), worker);
    return rc;
}

int demo_council_seed(demo_council *d, uint64_t *cases, size_t *n)
{
    char today[11], d3[11], d5[11], d7[11], d10[11], d12[11], d15[11], d20[11];
    snprintf(today, sizeof today, "%s", d->today);
    working_days_before(d->cal, today, 3, d3);
    working_days_before(d->cal, today, 5, d5);
    working_days_before(d->cal, today, 7, d7);
    working_days_before(d->cal, today, 10, d10);
    working_days_before(d->cal, today, 12, d12);
    working_days_before(d->cal, today, 15, d15);
    working_days_before(d->cal, today, 20, d20);
    /* Cases until there are 12 and at least two open referrals and two other open cases. */
    size_t referrals = 0, others = 0;
    uint64_t checked_ids[2] = {0, 0};
    int rc = 0;
    *n = 0;
    while (!rc && *n < DEMO_MAX_CASES && (*n < DEMO_MIN_CASES || referrals < 2 || others < 2)) {
        json_t *rec = case_gen_record(d->rng, d->org, d->worker, d->team, d->now);
        if (!rec)
            return STORE_NOMEM;
        const char *status = json_get_str_or(rec, "status", "");
        const char *created_on = NULL;
        uint64_t worker = d->worker, id;
        int referral = strcmp(status, "open_referral") == 0 && referrals < 2;
        int checked = !referral && strcmp(status, "closed") != 0 && others < 2;
        if (referral) {
            created_on = referrals == 0 ? d7 : d5; /* the new case alert's day */
            worker = referrals == 1 && d->admin ? d->admin : d->worker;
        } else if (checked && json_get_str_is(rec, "status", "open_referral")) {
            /* An open referral the HO checked 20 working days ago was referred before that. */
            char at[21];
            morning(d20, at);
            if (strcmp(json_get_str_or(rec, "created_at", ""), at) > 0 &&
                (json_object_set_new(rec, "created_at", json_string(at)) ||
                 json_object_set_new(rec, "updated_at", json_string(at))))
                rc = STORE_NOMEM;
        }
        if (!rc)
            rc = make_case(d, rec, worker, created_on, &id);
        if (!rc && referral) {
            rc = new_case_alert(d, id, worker, created_on);
            referrals++;
        } else if (!rc && checked) {
            /* Checked by the HO weeks ago (asylum claim recorded). */
            rc = ho_changes_immigration(d, id, &rec, others == 0 ? d15 : d20, "asylum_claim_recorded", NULL);
            checked_ids[others++] = id;
            if (!rc && others == 1) {
                /* Then granted limited leave with the NRPF condition, three working days ago: the
                 * council has an immigration update to read (old -> new) and accept. */
                json_t *before_page = json_deep_copy(json_object_get(rec, "immigration"));
                rc = before_page ? ho_changes_immigration(d, id, &rec, d3, "ltr_nrpf", "2028-03-31") : STORE_NOMEM;
                char at[21];
                morning(d3, at);
                if (!rc)
                    rc = add_item(d, WORK_ALERT,
                                  json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:b,s:[s,s],s:{s:O,s:O}}", "case_id", (json_int_t)id,
                                            "council_id", (json_int_t)d->org, "type", "immigration_update", "to",
                                            "council", "raised_at", at, "raised_by", (json_int_t)d->ho_user, "open", 1,
                                            "fields", "status", "leave_expiry", "before", "status",
                                            json_object_get(before_page, "status"), "leave_expiry",
                                            json_object_get(before_page, "leave_expiry")),
                                  d3, -1, d->worker);
                json_decref(before_page);
            }
        }
        json_decref(rec);
        if (!rc)
            cases[(*n)++] = id;
    }
    if (rc)
        return rc;
    if (others < 2 || referrals < 2)
        return 0; /* (the generator always gets there well within DEMO_MAX_CASES) */
    /* The queries, each way: overdue on the first checked case, due today on the second. */
    if ((rc = query(d, checked_ids[0], d->worker, 1, "status_discrepancy", d12,
                    "The nationality on our record differs from yours. Please check the passport and confirm.")) ||
        (rc = query(d, checked_ids[0], d->worker, 0, "progress_update", d12,
                    "Is there a decision date for the outstanding application?")) ||
        (rc = query(d, checked_ids[1], d->worker, 0, "expedite_request", d10,
                    "The household's temporary accommodation ends soon. Can the claim be expedited?")) ||
        (rc = query(d, checked_ids[1], d->worker, 1, "other", d10,
                    "Please confirm the household's current address and who lives there.")))
        return rc;
    return 0;
}
