/* case_view.c - CASE and CASE_SUMMARY. */
#include "case_view.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "record_cache.h"
#include "store_case.h"
#include "store_org.h"
#include "store_retention.h"
#include "calendar.h"

json_t *case_user_ref(store *s, MDB_txn *txn, const json_t *id)
{
    json_int_t uid = json_integer_value(id);
    if (uid <= 0)
        return json_null();
    json_t *u;
    /* Read the record directly: a deleted user's name still belongs on the changes they made. Parsed
     * records are cached (shared, read-only): the name is copied out. */
    if (record_cache_get(s, txn, DB_USERS, (uint64_t)uid, &u))
        return json_pack("{s:I,s:n}", "id", uid, "name");
    json_t *ref = json_pack("{s:I,s:o}", "id", uid, "name", json_copy_or_null(json_object_get(u, "name")));
    json_decref(u);
    return ref;
}

json_t *case_council_ref(store *s, MDB_txn *txn, const json_t *rec)
{
    json_int_t id = json_integer_value(json_object_get(rec, "council_id"));
    json_t *org;
    if (record_cache_get(s, txn, DB_ORGS, (uint64_t)id, &org))
        return json_pack("{s:I,s:n}", "id", id, "name");
    json_t *ref = json_pack("{s:I,s:o}", "id", id, "name", json_copy_or_null(json_object_get(org, "name")));
    json_decref(org);
    return ref;
}

json_t *case_connect_id(const json_t *rec)
{
    char buf[32];
    snprintf(buf, sizeof buf, "C%lld", (long long)json_integer_value(json_object_get(rec, "id")));
    return json_string(buf);
}

/* Replaces obj[key] (a user id) by {"id","name"} under the name `as`. */
static void resolve_user(store *s, MDB_txn *txn, json_t *obj, const char *key, const char *as)
{
    if (!json_is_object(obj))
        return;
    json_t *ref = case_user_ref(s, txn, json_object_get(obj, key));
    if (strcmp(key, as) != 0)
        json_object_del(obj, key);
    json_object_set_new(obj, as, ref);
}

/* Puts back the members stored records leave out when null. */
static void fill(json_t *o, const char *const *keys)
{
    if (!json_is_object(o))
        return;
    for (const char *const *k = keys; *k; k++)
        if (!json_object_get(o, *k))
            json_object_set_new(o, *k, json_null());
}

const char *const case_person_keys[] = {"id", "given_names", "family_name", "date_of_birth", "nationality", "gender",
                                          "other_names", "ho_reference", "nino", NULL};
const char *const case_immigration_keys[] = {"status", "recourse_to_public_funds", "leave_expiry",
                                               "outstanding_application", "application_type", "application_date",
                                               "appeal", "appeal_date", "judicial_review", "judicial_review_date",
                                               "ho_notes", "updated_at", "updated_by", NULL};
const char *const case_finance_keys[] = {"support_start_date", "weekly_subsistence_pence", "accommodation_type",
                                           "weekly_accommodation_pence", "other_costs", "support_end_date",
                                           "updated_at", NULL};
const char *const case_closure_keys[] = {"closure_date", "reason", "notes", "closed_at", "closed_by", NULL};
const char *const case_cost_keys[] = {"id", "description", "amount_pence", "date", NULL};
const char *const case_doc_keys[] = {"id", "filename", "content_type", "size", "person_id", "sha256",
                                       "uploaded_at", "uploaded_by", NULL};

/* The API's order, and only the API's fields. */
const char *const case_view_order[] = {"id", "connect_id", "council", "status", "principal", "dependants",
                                       "immigration", "finance", "closure", "duplicate_of", "caseworker", "team",
                                       "legislation", "household_type", "referral_source", "status_at_referral",
                                       "address", "la_involvement", "documents", "previous_closures", "retention",
                                       "created_at", "updated_at", NULL};

/* {"destroy_on","legal_hold"}: computed on every view from the closure date and the council's current
 * policy, so a policy change or a reopening moves or cancels the date with nothing to update. */
json_t *case_retention(store *s, MDB_txn *txn, const json_t *rec)
{
    json_t *on = json_null(), *hold = NULL;
    long closure = calendar_day(json_get_str_or(json_object_get(rec, "closure"), "closure_date", ""));
    int years;
    if (json_get_str_is(rec, "status", "closed") && closure != CALENDAR_NO_DAY &&
        store_retention_years(s, txn, json_get_u64(rec, "council_id"), &years) == 0) {
        char date[11];
        calendar_date(retention_destroy_day(closure, years), date);
        on = json_string(date);
    }
    if (store_hold_get(s, txn, json_get_u64(rec, "id"), &hold) == 0) {
        json_object_set_new(hold, "by", case_user_ref(s, txn, json_object_get(hold, "by")));
    } else {
        hold = json_null();
    }
    return json_pack("{s:o,s:o}", "destroy_on", on ? on : json_null(), "legal_hold", hold ? hold : json_null());
}

json_t *case_view(store *s, MDB_txn *txn, const json_t *rec)
{
    json_t *c = json_deep_copy(rec);
    return c ? case_view_take(s, txn, c) : NULL;
}

json_t *case_view_take(store *s, MDB_txn *txn, json_t *c)
{
    json_t *rec = c;
    size_t i;
    json_t *d;
    fill(json_object_get(c, "principal"), case_person_keys);
    if (json_is_object(json_object_get(c, "principal")))
        json_object_set_new(json_object_get(c, "principal"), "relationship", json_null());
    json_array_foreach(json_object_get(c, "dependants"), i, d) {
        fill(d, case_person_keys);
        if (!json_object_get(d, "relationship"))
            json_object_set_new(d, "relationship", json_null());
    }
    if (!json_is_object(json_object_get(c, "immigration")))
        json_object_set_new(c, "immigration", case_empty_immigration());
    fill(json_object_get(c, "immigration"), case_immigration_keys);
    fill(json_object_get(c, "finance"), case_finance_keys);
    json_array_foreach(json_object_get(json_object_get(c, "finance"), "other_costs"), i, d) fill(d, case_cost_keys);
    fill(json_object_get(c, "closure"), case_closure_keys);
    json_object_del(json_object_get(c, "closure"), "set_support_end");
    json_array_foreach(json_object_get(c, "documents"), i, d) fill(d, case_doc_keys);
    json_array_foreach(json_object_get(c, "previous_closures"), i, d) {
        fill(d, case_closure_keys);
        json_object_del(d, "set_support_end");
    }
    json_object_set_new(c, "retention", case_retention(s, txn, rec));
    json_object_set_new(c, "connect_id", case_connect_id(rec));
    json_object_set_new(c, "council", case_council_ref(s, txn, rec));
    resolve_user(s, txn, c, "caseworker_id", "caseworker");
    resolve_user(s, txn, json_object_get(c, "immigration"), "updated_by", "updated_by");
    resolve_user(s, txn, json_object_get(c, "closure"), "closed_by", "closed_by");
    json_array_foreach(json_object_get(c, "documents"), i, d) resolve_user(s, txn, d, "uploaded_by", "uploaded_by");
    json_array_foreach(json_object_get(c, "previous_closures"), i, d) {
        resolve_user(s, txn, d, "closed_by", "closed_by");
        resolve_user(s, txn, d, "reopened_by", "reopened_by");
    }
    json_t *out = json_object();
    for (const char *const *k = case_view_order; out && *k; k++) {
        json_t *v = json_object_get(c, *k);
        int rc = v ? json_object_set(out, *k, v)
                   : json_object_set_new(out, *k, strcmp(*k, "previous_closures") == 0 ? json_array() : json_null());
        if (rc) {
            json_decref(out);
            out = NULL;
        }
    }
    json_decref(c);
    return out;
}

json_t *case_summary(store *s, MDB_txn *txn, const json_t *rec)
{
    const json_t *pa = json_object_get(rec, "principal");
    /* No fixed buffer: a cut could split a UTF-8 character and make the name unencodable. */
    json_t *name = json_sprintf("%s %s", json_get_str_or(pa, "given_names", ""),
                                json_get_str_or(pa, "family_name", ""));
    return json_pack("{s:O,s:o,s:o,s:O,s:o,s:O,s:O,s:I,s:o,s:O,s:O,s:O}", "id", json_object_get(rec, "id"),
                     "connect_id", case_connect_id(rec), "council",
                     case_council_ref(s, txn, rec),
                     "status",
                     json_get_or_null(rec, "status"), "name", name, "date_of_birth",
                     json_get_or_null(pa, "date_of_birth"), "nationality", json_get_or_null(pa, "nationality"),
                     "dependants", (json_int_t)json_array_size(json_object_get(rec, "dependants")), "caseworker",
                     case_user_ref(s, txn, json_object_get(rec, "caseworker_id")),
                     "team",
                     json_get_or_null(rec, "team"), "legislation",
                     json_get_or_null(rec, "legislation"), "updated_at",
                     json_get_or_null(rec, "updated_at"));
}
