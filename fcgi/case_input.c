/* case_input.c - validating case request bodies. */
#include "case_input.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "json_in.h"
#include "name_norm.h"
#include "params.h"
#include "store_case.h"
#include "uk_time.h"

/* case_legislations (store) starts with "" for "none"; the API's list is the rest. */
const char *const case_legislation_values[] = {"care_act_2014", "children_act_s17", "children_act_s20",
                                               "children_act_s23c", "children_act_s24a", "children_act_s24b", NULL};

#define MONEY_MAX 100000000LL

/* The UK date, not the UTC one: between midnight and 01:00 in British summer time the UTC date is
 * still yesterday, and "not in the future" must mean the caseworker's today. */
void case_today(const http_req *r, char out[11])
{
    uk_date(r->now, out);
}

static const char *at(char *buf, size_t cap, const char *path, const char *field)
{
    snprintf(buf, cap, "%s%s%s", path ? path : "", path && *path ? "." : "", field);
    return buf;
}

/* Adds key: value (string or null) to o. */
static int set_str(json_t *o, const char *key, const char *v)
{
    return json_object_set_new(o, key, v && *v ? json_string(v) : json_null());
}

/* A PERSON of the API (fcgi/API.md "Cases"), described once. */
typedef struct {
    const char *given, *family, *dob, *nationality, *gender, *other, *ref, *relationship;
} person_params;

static const param_field person_fields[] = {
    {.name = "id", .type = PARAM_IGNORED},
    {.name = "nino", .type = PARAM_IGNORED}, /* recorded from the NINo results only (h_nino.c) */
    {.name = "given_names", .type = PARAM_NAME, .required = 1, .max_chars = 100,
     .offset = offsetof(person_params, given)},
    {.name = "family_name", .type = PARAM_NAME, .required = 1, .max_chars = 100,
     .offset = offsetof(person_params, family)},
    {.name = "date_of_birth", .type = PARAM_DATE, .required = 1, .offset = offsetof(person_params, dob)},
    {.name = "nationality", .type = PARAM_STRING, .required = 1, .max_chars = 60,
     .offset = offsetof(person_params, nationality)},
    {.name = "gender", .type = PARAM_ENUM, .values = case_genders, .offset = offsetof(person_params, gender)},
    {.name = "other_names", .type = PARAM_NAME, .max_chars = 200, .offset = offsetof(person_params, other)},
    {.name = "ho_reference", .type = PARAM_STRING, .max_chars = 20, .offset = offsetof(person_params, ref)},
    /* required of a dependant, refused for the principal: checked below */
    {.name = "relationship", .type = PARAM_ENUM, .values = case_relationships,
     .offset = offsetof(person_params, relationship)},
};

json_t *case_person_in(http_req *r, json_t *in, const char *path, int dependant)
{
    char f[160];
    if (!json_is_object(in)) {
        http_error(r, 400, "invalid_field", "This must be an object.", path);
        return NULL;
    }
    person_params p;
    if (params_json(r, in, path, person_fields, PARAMS_COUNT(person_fields), &p))
        return NULL;
    if (dependant && !p.relationship) {
        http_error(r, 422, "validation_failed", "This field is required.", at(f, sizeof f, path, "relationship"));
        return NULL;
    }
    char today[11];
    case_today(r, today);
    if (strcmp(p.dob, today) > 0) {
        http_error(r, 422, "validation_failed", "The date of birth is in the future.",
                   at(f, sizeof f, path, "date_of_birth"));
        return NULL;
    }
    if (strcmp(p.dob, "1900-01-01") < 0) {
        http_error(r, 422, "validation_failed", "The date of birth is before 1900.",
                   at(f, sizeof f, path, "date_of_birth"));
        return NULL;
    }
    if (strlen(p.nationality) < 2) {
        http_error(r, 422, "validation_failed", "The nationality needs at least 2 characters.",
                   at(f, sizeof f, path, "nationality"));
        return NULL;
    }
    char refn[32] = "";
    if (p.ref) {
        for (const char *c = p.ref; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '/' && *c != '-' && *c != ' ') {
                http_error(r, 422, "validation_failed", "A Home Office reference has letters, digits, '/' or '-'.",
                           at(f, sizeof f, path, "ho_reference"));
                return NULL;
            }
        case_horef_norm(p.ref, refn, sizeof refn);
    }
    if (!dependant && p.relationship) {
        http_error(r, 400, "invalid_field", "The principal applicant has no relationship.",
                   at(f, sizeof f, path, "relationship"));
        return NULL;
    }
    json_t *out = json_object();
    if (!out || set_str(out, "given_names", p.given) || set_str(out, "family_name", p.family) ||
        set_str(out, "date_of_birth", p.dob) || set_str(out, "nationality", p.nationality) ||
        set_str(out, "gender", p.gender ? p.gender : "unknown") || set_str(out, "other_names", p.other) ||
        set_str(out, "ho_reference", refn) || (dependant && set_str(out, "relationship", p.relationship))) {
        json_decref(out);
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return NULL;
    }
    return out;
}

int case_details_in(http_req *r, json_t *body, int create, json_t *out)
{
    const char *legislation, *household, *source, *address, *involvement, *team;
    /* On edit a required field may be left out (kept), but not given as null or "" (422), which would
     * otherwise read as "absent" and silently keep the old value. */
    int need_legislation = create || json_object_get(body, "legislation") != NULL,
        need_household = create || json_object_get(body, "household_type") != NULL;
    if (json_in_enum_at(r, body, "legislation", "legislation", case_legislation_values, need_legislation, &legislation) ||
        json_in_enum_at(r, body, "household_type", "household_type", case_household_types, need_household, &household) ||
        json_in_enum_at(r, body, "referral_source", "referral_source", case_referral_sources, 0, &source) ||
        json_in_text_at(r, body, "address", "address", 0, 300, &address) ||
        json_in_text_at(r, body, "la_involvement", "la_involvement", 0, 2000, &involvement) ||
        json_in_string_at(r, body, "team", "team", 0, 100, &team))
        return -1;
    if (legislation)
        set_str(out, "legislation", legislation);
    if (household)
        set_str(out, "household_type", household);
    if (create || json_object_get(body, "referral_source"))
        set_str(out, "referral_source", source);
    if (create || json_object_get(body, "address"))
        set_str(out, "address", address);
    if (create || json_object_get(body, "la_involvement"))
        set_str(out, "la_involvement", involvement);
    if (create || json_object_get(body, "team"))
        set_str(out, "team", team);
    return 0;
}

json_t *case_immigration_in(http_req *r, json_t *body)
{
    static const char *const allowed[] = {"status", "recourse_to_public_funds", "leave_expiry", "outstanding_application",
                                          "application_type", "application_date", "appeal", "appeal_date",
                                          "judicial_review", "judicial_review_date", "ho_notes", "updated_at",
                                          "updated_by", NULL};
    const char *status, *expiry, *app_type, *app_date, *appeal_date, *jr_date, *notes;
    int outstanding, appeal, jr, recourse_present = 0, recourse = 0;
    json_t *rv = json_object_get(body, "recourse_to_public_funds");
    if (json_in_only(r, body, allowed) ||
        json_in_enum_at(r, body, "status", "status", case_immigration_statuses, 0, &status) ||
        json_in_bool_at(r, body, "recourse_to_public_funds", "recourse_to_public_funds", 0, &recourse) ||
        json_in_date_at(r, body, "leave_expiry", "leave_expiry", 0, &expiry) ||
        json_in_bool_at(r, body, "outstanding_application", "outstanding_application", 0, &outstanding) ||
        json_in_string_at(r, body, "application_type", "application_type", 0, 100, &app_type) ||
        json_in_date_at(r, body, "application_date", "application_date", 0, &app_date) ||
        json_in_bool_at(r, body, "appeal", "appeal", 0, &appeal) ||
        json_in_date_at(r, body, "appeal_date", "appeal_date", 0, &appeal_date) ||
        json_in_bool_at(r, body, "judicial_review", "judicial_review", 0, &jr) ||
        json_in_date_at(r, body, "judicial_review_date", "judicial_review_date", 0, &jr_date) ||
        json_in_text_at(r, body, "ho_notes", "ho_notes", 0, 4000, &notes))
        return NULL;
    recourse_present = rv && !json_is_null(rv);
    json_t *o = json_object();
    if (!o)
        return NULL;
    set_str(o, "status", status ? status : "unknown");
    json_object_set_new(o, "recourse_to_public_funds", recourse_present ? json_boolean(recourse) : json_null());
    set_str(o, "leave_expiry", expiry);
    json_object_set_new(o, "outstanding_application", json_boolean(outstanding));
    set_str(o, "application_type", app_type);
    set_str(o, "application_date", app_date);
    json_object_set_new(o, "appeal", json_boolean(appeal));
    set_str(o, "appeal_date", appeal_date);
    json_object_set_new(o, "judicial_review", json_boolean(jr));
    set_str(o, "judicial_review_date", jr_date);
    set_str(o, "ho_notes", notes);
    return o;
}

json_t *case_finance_in(http_req *r, json_t *body)
{
    static const char *const allowed[] = {"support_start_date", "weekly_subsistence_pence", "accommodation_type",
                                          "weekly_accommodation_pence", "other_costs", "support_end_date",
                                          "updated_at", NULL};
    const char *start, *end, *accommodation;
    long long subsistence, accommodation_cost;
    int has_sub, has_acc;
    if (json_in_only(r, body, allowed) ||
        json_in_date_at(r, body, "support_start_date", "support_start_date", 0, &start) ||
        json_in_int_at(r, body, "weekly_subsistence_pence", "weekly_subsistence_pence", 0, MONEY_MAX, &subsistence,
                       &has_sub) ||
        json_in_enum_at(r, body, "accommodation_type", "accommodation_type", case_accommodation_types, 0,
                        &accommodation) ||
        json_in_int_at(r, body, "weekly_accommodation_pence", "weekly_accommodation_pence", 0, MONEY_MAX,
                       &accommodation_cost, &has_acc) ||
        json_in_date_at(r, body, "support_end_date", "support_end_date", 0, &end))
        return NULL;
    char today[11];
    case_today(r, today);
    if (start && strcmp(start, today) > 0) {
        http_error(r, 422, "validation_failed", "Support cannot start in the future.", "support_start_date");
        return NULL;
    }
    if (end && !start) {
        http_error(r, 422, "validation_failed", "An end date needs a start date.", "support_end_date");
        return NULL;
    }
    if (end && strcmp(end, start) < 0) {
        http_error(r, 422, "validation_failed", "Support cannot end before it starts.", "support_end_date");
        return NULL;
    }
    json_t *costs_in = json_object_get(body, "other_costs");
    if (costs_in && !json_is_null(costs_in) && !json_is_array(costs_in)) {
        http_error(r, 400, "invalid_field", "This field must be a list.", "other_costs");
        return NULL;
    }
    if (json_array_size(costs_in) > 200) {
        http_error(r, 422, "validation_failed", "At most 200 other costs.", "other_costs");
        return NULL;
    }
    json_t *costs = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(costs_in, i, c) {
        char path[48], f[96];
        snprintf(path, sizeof path, "other_costs.%zu", i);
        static const char *const callowed[] = {"id", "description", "amount_pence", "date", NULL};
        const char *desc, *date;
        long long amount;
        int has_amount;
        if (!json_is_object(c)) {
            http_error(r, 400, "invalid_field", "This must be an object.", path);
            json_decref(costs);
            return NULL;
        }
        if (json_in_only_at(r, c, callowed, path) ||
            json_in_string_at(r, c, "description", at(f, sizeof f, path, "description"), 1, 200, &desc) ||
            json_in_int_at(r, c, "amount_pence", at(f, sizeof f, path, "amount_pence"), 0, MONEY_MAX, &amount,
                           &has_amount) ||
            json_in_date_at(r, c, "date", at(f, sizeof f, path, "date"), 0, &date)) {
            json_decref(costs);
            return NULL;
        }
        if (!has_amount) {
            http_error(r, 422, "validation_failed", "This field is required.", at(f, sizeof f, path, "amount_pence"));
            json_decref(costs);
            return NULL;
        }
        json_t *o = json_pack("{s:I,s:s,s:I,s:o}", "id", (json_int_t)(i + 1), "description", desc, "amount_pence",
                              (json_int_t)amount, "date", date ? json_string(date) : json_null());
        json_array_append_new(costs, o);
    }
    json_t *o = json_object();
    set_str(o, "support_start_date", start);
    json_object_set_new(o, "weekly_subsistence_pence", has_sub ? json_integer(subsistence) : json_null());
    set_str(o, "accommodation_type", accommodation);
    json_object_set_new(o, "weekly_accommodation_pence", has_acc ? json_integer(accommodation_cost) : json_null());
    json_object_set_new(o, "other_costs", costs);
    set_str(o, "support_end_date", end);
    return o;
}

json_t *case_closure_in(http_req *r, json_t *body)
{
    static const char *const allowed[] = {"closure_date", "reason", "notes", NULL};
    const char *date, *reason, *notes;
    if (json_in_only(r, body, allowed) || json_in_date_at(r, body, "closure_date", "closure_date", 1, &date) ||
        json_in_enum_at(r, body, "reason", "reason", case_closure_reasons, 1, &reason) ||
        json_in_text_at(r, body, "notes", "notes", 0, 4000, &notes))
        return NULL;
    char today[11];
    case_today(r, today);
    if (strcmp(date, today) > 0) {
        http_error(r, 422, "validation_failed", "The closure date is in the future.", "closure_date");
        return NULL;
    }
    json_t *o = json_object();
    set_str(o, "closure_date", date);
    set_str(o, "reason", reason);
    set_str(o, "notes", notes);
    return o;
}
