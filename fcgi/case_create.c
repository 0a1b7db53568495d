/* case_create.c - building and checking a new case record. */
#include "case_create.h"
#include "json_get.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "case_input.h"
#include "case_view.h"
#include "json_in.h"
#include "store_case.h"
#include "store_user.h"

json_t *case_new_record(http_req *r, json_t *body, const char *at)
{
    json_t *rec = NULL, *deps = NULL;
    uint64_t worker;
    if (json_in_id(r, body, "caseworker_id", 0, &worker))
        return NULL;
    json_t *pin = json_object_get(body, "principal");
    if (!pin || json_is_null(pin)) {
        http_error(r, 422, "validation_failed", "The principal applicant is required.", "principal");
        return NULL;
    }
    json_t *pa = case_person_in(r, pin, "principal", 0);
    if (!pa)
        return NULL;
    rec = json_object();
    json_object_set_new(pa, "id", json_integer(1));
    json_object_set_new(rec, "principal", pa);
    json_t *din = json_object_get(body, "dependants");
    if (din && !json_is_null(din) && !json_is_array(din)) {
        http_error(r, 400, "invalid_field", "This field must be a list.", "dependants");
        goto fail;
    }
    if (json_array_size(din) > CASE_MAX_DEPENDANTS) {
        http_error(r, 422, "validation_failed", "A case has at most 30 dependants.", "dependants");
        goto fail;
    }
    deps = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(din, i, d) {
        char path[32];
        snprintf(path, sizeof path, "dependants.%zu", i);
        json_t *p = case_person_in(r, d, path, 1);
        if (!p)
            goto fail;
        json_object_set_new(p, "id", json_integer((json_int_t)(i + 2)));
        json_array_append_new(deps, p);
    }
    if (case_details_in(r, body, 1, rec))
        goto fail;
    json_object_set_new(rec, "next_person", json_integer((json_int_t)(json_array_size(deps) + 2)));
    json_object_set_new(rec, "dependants", deps);
    deps = NULL;
    json_object_set_new(rec, "council_id", json_integer((json_int_t)r->org_id));
    json_object_set_new(rec, "status", json_string("open_referral"));
    json_object_set_new(rec, "immigration", case_empty_immigration());
    json_object_set_new(rec, "finance", json_null());
    json_object_set_new(rec, "closure", json_null());
    json_object_set_new(rec, "caseworker_id", worker ? json_integer((json_int_t)worker) : json_null());
    json_object_set_new(rec, "documents", json_array());
    json_object_set_new(rec, "created_at", json_string(at));
    json_object_set_new(rec, "created_by", json_integer((json_int_t)r->uid));
    json_object_set_new(rec, "updated_at", json_string(at));
    json_object_set_new(rec, "updated_by", json_integer((json_int_t)r->uid));
    return rec;
fail:
    json_decref(deps);
    json_decref(rec);
    return NULL;
}

/* The caseworker must be a live user of the council. */
int case_caseworker_ok(store *s, MDB_txn *txn, uint64_t uid, uint64_t council, int *ok)
{
    json_t *u;
    int rc = store_user_get(s, txn, uid, &u);
    *ok = 0;
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    *ok = (uint64_t)json_integer_value(json_object_get(u, "org_id")) == council;
    json_decref(u);
    return 0;
}

int case_add_matches(store *s, MDB_txn *txn, const json_t *person, uint64_t council, json_t *matches)
{
    const char *dob = json_get_str(person, "date_of_birth");
    char d8[9] = {0};
    memcpy(d8, dob, 4);
    memcpy(d8 + 4, dob + 5, 2);
    memcpy(d8 + 6, dob + 8, 2);
    uint64_t ids[20];
    unsigned pids[20];
    size_t n;
    int rc = store_case_similar(s, txn, council, d8, json_get_str(person, "given_names"),
                                json_get_str(person, "family_name"), ids, pids, 20, &n);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t j;
        json_t *m;
        int seen = 0;
        json_array_foreach(matches, j, m) seen |= (uint64_t)json_integer_value(json_object_get(m, "id")) == ids[i];
        if (seen)
            continue;
        json_t *c;
        if ((rc = store_case_get(s, txn, ids[i], &c)))
            break;
        /* A case marked as a duplicate is closed for good: its survivor (a match itself) is the case
         * to reopen or use, so the marked one is never offered. */
        if (json_object_get(c, "duplicate_of")) {
            json_decref(c);
            continue;
        }
        const json_t *who = json_object_get(c, "principal");
        if (pids[i] != 1) {
            size_t k;
            json_t *d;
            json_array_foreach(json_object_get(c, "dependants"), k, d) if (json_integer_value(json_object_get(d, "id")) ==
                                                                            (json_int_t)pids[i]) who = d;
        }
        char cid[32];
        snprintf(cid, sizeof cid, "C%" PRIu64, ids[i]);
        json_t *name = json_sprintf("%s %s", json_get_str_or(who, "given_names", ""),
                                    json_get_str_or(who, "family_name", ""));
        json_t *match = json_pack("{s:I,s:s,s:o,s:O,s:O}", "id", (json_int_t)ids[i], "connect_id", cid, "name", name,
                                  "date_of_birth", json_object_get(who, "date_of_birth"), "status",
                                  json_object_get(c, "status"));
        const char *closed_on = json_get_str(json_object_get(c, "closure"), "closure_date");
        /* What tells people apart (the caller's own council's cases only): nationality, HO reference,
         * whether the match is the principal applicant, and who has the case. */
        json_t *more = json_pack("{s:O,s:O,s:b,s:o}", "nationality", json_get_or_null(who, "nationality"),
                                 "ho_reference", json_get_or_null(who, "ho_reference"), "principal", pids[i] == 1,
                                 "caseworker", case_user_ref(s, txn, json_object_get(c, "caseworker_id")));
        if (match && (!more || json_object_update(match, more))) {
            json_decref(match);
            match = NULL;
        }
        json_decref(more);
        if (match && json_object_set_new(match, "closure_date", closed_on ? json_string(closed_on) : json_null())) {
            json_decref(match);
            match = NULL;
        }
        json_decref(c);
        if (!match || json_array_append_new(matches, match)) {
            rc = STORE_NOMEM;
            break;
        }
    }
    return rc;
}

