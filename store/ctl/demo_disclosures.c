/* demo_disclosures.c - demo disclosure requests (demo_disclosures.h). */
#include "demo_disclosures.h"
#include "json_get.h"

#include <string.h>
#include <time.h>

#include "calendar.h"
#include "store_audit.h"
#include "store_case.h"
#include "store_disclosure.h"
#include "store_org.h"
#include "store_user.h"
#include "uk_time.h"

typedef struct {
    const char *from, *to, *requester, *countersigner, *status;
    int sent_days_ago;  /* working days before today the request was sent (-1: not sent) */
    const char *given, *family, *dob;
    const char *outcome_text;
} demo_request;

static const demo_request requests[] = {
    {"HO", "DWP", "ho.user", "ho.admin", "sent", 2, "Amara", "Okonkwo", "1988-03-14", NULL},
    {"HO", "DWP", "ho.user", NULL, "awaiting_countersign", -1, "Yusuf", "Demir", "1979-11-02", NULL},
    {"HO", "DWP", "ho.user", NULL, "draft", -1, "Lena", "Petrova", "1992-06-21", NULL},
    {"HO", "DWP", "ho.user", "ho.admin", "disclosed", 12, "Kwame", "Mensah", "1985-01-30",
     "Benefit claims since 2023: Universal Credit, claim open, address as held by the Home Office."},
    {"DWP", "HO", "dwp.user", NULL, "awaiting_countersign", -1, "Maria", "Santos", "1990-09-09", NULL},
    {"DWP", "HO", "dwp.user", "dwp.manager", "sent", 25, "Ibrahim", "Hassan", "1983-04-18", NULL},
    {"DWP", "HO", "dwp.user", "dwp.admin", "refused", 15, "Sofia", "Rossi", "1995-12-01",
     "The reasons given do not show why the immigration status is needed for the claim."},
};

static int id_of(store *s, MDB_txn *txn, const char *username, uint64_t *id)
{
    return store_user_by_username(s, txn, username, id);
}

int demo_disclosures(store *s, MDB_txn *txn, const char *at)
{
    calendar cal;
    char err[160], today[11];
    int rc = calendar_store_get(s, txn, &cal, err, sizeof err);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    uk_date((int64_t)time(NULL), today);
    for (size_t i = 0; i < sizeof requests / sizeof requests[0] && !rc; i++) {
        const demo_request *d = &requests[i];
        uint64_t from, to, requester, signer = 0, id;
        json_t *requester_rec = NULL;
        if ((rc = store_org_by_code(s, txn, d->from, &from)) || (rc = store_org_by_code(s, txn, d->to, &to)) ||
            (rc = id_of(s, txn, d->requester, &requester)) || (d->countersigner && (rc = id_of(s, txn, d->countersigner, &signer))) ||
            (rc = store_user_get(s, txn, requester, &requester_rec)))
            break;
        json_t *rec = json_pack(
            "{s:s,s:I,s:I,s:I,s:O,s:s,s:{s:s,s:{s:s,s:s,s:s}},s:s,s:s,s:s,s:s,s:[],s:[],s:[]}", "status", d->status,
            "requesting_org_id", (json_int_t)from, "providing_org_id", (json_int_t)to, "requester_id",
            (json_int_t)requester, "requester_grade", json_object_get(requester_rec, "grade"), "created_at", at,
            "subject", "kind", "person", "person", "given_names", d->given, "family_name", d->family, "date_of_birth",
            d->dob, "information_sought",
            strcmp(d->from, "HO") == 0 ? "Whether the person has claimed benefits since 2023, and the address held."
                                       : "The person's current immigration status and any conditions on their leave.",
            "legal_basis", strcmp(d->from, "HO") == 0 ? "immigration_s20" : "law_or_court_order", "reasons",
            "The person has applied for leave and the decision depends on where they have lived and how they are supported.",
            "other_enquiries", "Checked our own records and the applicant's declarations; neither gives the answer.",
            "decisions", "pending_attachments", "onward");
        json_decref(requester_rec);
        if (!rec) {
            rc = STORE_NOMEM;
            break;
        }
        int bad = 0;
        if (d->sent_days_ago >= 0) {
            /* Sent that many working days ago: count back one working day at a time. */
            long day = calendar_day(today);
            for (int left = d->sent_days_ago; left > 0;)
                if (calendar_is_working_day(&cal, --day))
                    left--;
            char sent[11], due[11];
            int beyond = 0;
            calendar_date(day, sent);
            calendar_add_working_days(&cal, sent, DISCLOSURE_DEFAULT_DAYS, due, &beyond);
            bad |= json_object_set_new(rec, "submitted_at", json_string(at));
            bad |= json_object_set_new(rec, "countersigned_at", json_string(at));
            bad |= json_object_set_new(rec, "countersigned_by", json_integer((json_int_t)signer));
            bad |= json_object_set_new(rec, "countersigner_grade", json_string(strcmp(d->countersigner, "dwp.manager") ? "G7" : "HEO"));
            bad |= json_object_set_new(rec, "sent_on", json_string(sent));
            bad |= json_object_set_new(rec, "due", json_string(due));
            bad |= json_object_set_new(rec, "due_days", json_integer(DISCLOSURE_DEFAULT_DAYS));
            if (d->outcome_text) {
                uint64_t decider;
                int disclosed = strcmp(d->status, "disclosed") == 0;
                if ((rc = id_of(s, txn, disclosed ? "dwp.manager" : "ho.user", &decider)))
                    break;
                char keep[11];
                calendar_date(calendar_day(today) + DISCLOSURE_DEFAULT_MAX_KEEP_DAYS, keep);
                json_t *dec = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:b}", "outcome", d->status, "at", at, "on", today,
                                        "by", (json_int_t)decider, "grade", disclosed ? "HEO" : "EO",
                                        disclosed ? "message" : "reasons", d->outcome_text, "review", 0);
                if (!dec || json_array_append_new(json_object_get(rec, "decisions"), dec)) {
                    rc = STORE_NOMEM;
                    break;
                }
                if (disclosed) {
                    bad |= json_object_set_new(dec, "attachments", json_array());
                    bad |= json_object_set_new(rec, "keep_until", json_string(keep));
                    bad |= json_object_set_new(rec, "max_keep_until", json_string(keep));
                }
            }
        } else if (strcmp(d->status, "draft") != 0)
            bad |= json_object_set_new(rec, "submitted_at", json_string(at));
        json_t *stored = bad ? NULL : json_deep_copy(rec);
        if (!stored)
            rc = STORE_NOMEM;
        if (!rc && !(rc = store_disclosure_create(s, txn, stored, &id)))
            rc = store_disclosure_put(s, txn, NULL, stored); /* its keep-until entry, when disclosed */
        if (!rc)
            rc = store_audit_add(s, txn, at, requester, from, "disclosure_created", id);
        json_decref(stored);
        json_decref(rec);
    }
    calendar_free(&cal);
    return rc;
}
