/* work_view.c - ALERT and QUERY: stored ids turned into names, due dates judged against today. */
#include "work.h"
#include "json_get.h"

#include <string.h>

#include "case_view.h"
#include "store_case.h"


static json_t *or_null(const json_t *v) { return v ? json_incref((json_t *)v) : json_null(); }

/* The principal applicant as lists name them: {"name","date_of_birth"}, or null when the case is gone.
 * Only callers who may see the case reach this (alerts and queries are read through the case's scope). */
static json_t *principal_ref(const json_t *case_rec)
{
    const json_t *pa = json_object_get(case_rec, "principal");
    if (!json_is_object(pa))
        return json_null();
    json_t *name = json_sprintf("%s %s", json_get_str_or(pa, "given_names", ""), json_get_str_or(pa, "family_name", ""));
    if (!name)
        return NULL;
    return json_pack("{s:o,s:o}", "name", name, "date_of_birth", or_null(json_object_get(pa, "date_of_birth")));
}

/* Working days from the due date to today (1 = due yesterday, a working day); 0 when the calendar
 * cannot say. People act on "3 working days overdue", not on a date to count back from. */
json_int_t work_days_overdue(store *s, MDB_txn *txn, const char *due, const char *today)
{
    const calendar *cal;
    int beyond = 0;
    if (work_calendar(s, txn, &cal))
        return 0;
    long n = calendar_working_days_between(cal, due, today, &beyond);
    return n > 0 && !beyond ? (json_int_t)n : 0;
}

/* An immigration update's changes as old -> new: `before` holds each field's value before the Home
 * Office changed it (kept on the alert); the new value is the case's value now. */
static json_t *immigration_changes(const json_t *item, const json_t *case_rec)
{
    const json_t *before = json_object_get(item, "before");
    const json_t *fields = json_object_get(item, "fields");
    const json_t *now = json_object_get(case_rec, "immigration");
    json_t *out = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        const char *k = json_string_value(f);
        if (!k || !out)
            continue;
        json_t *row = json_pack("{s:s,s:o,s:o}", "field", k, "old", or_null(json_object_get(before, k)), "new",
                                or_null(json_object_get(now, k)));
        if (!row || json_array_append_new(out, row)) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* Members both shapes share: the case, its council and caseworker, and the due date. */
static json_t *common(store *s, MDB_txn *txn, const json_t *item, const char *today, int is_open)
{
    json_t *case_rec = NULL;
    json_t *case_id = json_object_get(item, "case_id");
    /* Only the members read below: a row parses a few members, not the whole case. */
    static const char *const members[] = {"id", "council_id", "caseworker_id", "principal.given_names",
                                          "principal.family_name", "principal.date_of_birth", "immigration", NULL};
    /* The case's immigration page only for an update's changes: members without it stop before it. */
    static const char *const no_immigration[] = {"id", "council_id", "caseworker_id", "principal.given_names",
                                                 "principal.family_name", "principal.date_of_birth", NULL};
    const char *const *wanted = json_is_object(json_object_get(item, "before")) ? members : no_immigration;
    if (store_case_get_members(s, txn, (uint64_t)json_integer_value(case_id), wanted, &case_rec))
        case_rec = json_pack("{s:O,s:O}", "id", case_id, "council_id", json_object_get(item, "council_id"));
    if (!case_rec)
        return NULL;
    const char *due = json_get_str(item, "due");
    json_t *v = json_pack("{s:O,s:O,s:o,s:o,s:o,s:o,s:b,s:b}", "id", json_object_get(item, "id"), "case_id", case_id,
                          "connect_id", case_connect_id(case_rec), "council", case_council_ref(s, txn, case_rec),
                          "caseworker", case_user_ref(s, txn, json_object_get(case_rec, "caseworker_id")), "due",
                          or_null(json_object_get(item, "due")), "due_beyond_calendar",
                          json_is_true(json_object_get(item, "due_beyond")), "overdue",
                          is_open && due && today && strcmp(due, today) < 0);
    int overdue = v && json_is_true(json_object_get(v, "overdue"));
    json_t *extra = json_pack("{s:o,s:I}", "principal", principal_ref(case_rec), "working_days_overdue",
                              overdue ? work_days_overdue(s, txn, due, today) : (json_int_t)0);
    if (extra && json_is_object(json_object_get(item, "before")))
        json_object_set_new(extra, "changes", immigration_changes(item, case_rec));
    json_decref(case_rec);
    if (!v || !extra || json_object_update(v, extra)) {
        json_decref(v);
        json_decref(extra);
        return NULL;
    }
    json_decref(extra);
    return v;
}

json_t *work_alert_view(store *s, MDB_txn *txn, const json_t *alert, const char *today)
{
    int is_open = json_is_true(json_object_get(alert, "open"));
    /* A final outcome's due date was the HO's deadline (see outcome.late): never overdue for the council. */
    int owed = !json_get_str_is(alert, "type", "final_outcome");
    json_t *v = common(s, txn, alert, today, is_open && owed);
    if (!v)
        return NULL;
    json_t *fields = json_object_get(alert, "fields");
    json_t *rest = json_pack("{s:O,s:O,s:O,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:o,s:b}", "type", json_object_get(alert, "type"), "to",
                             json_object_get(alert, "to"), "raised_at", json_object_get(alert, "raised_at"),
                             "raised_by", case_user_ref(s, txn, json_object_get(alert, "raised_by")), "fields",
                             fields ? json_incref(fields) : json_array(), "outcome",
                             or_null(json_object_get(alert, "outcome")), "open", is_open, "cleared_at",
                             or_null(json_object_get(alert, "cleared_at")), "cleared_by",
                             case_user_ref(s, txn, json_object_get(alert, "cleared_by")), "cleared_how",
                             or_null(json_object_get(alert, "cleared_how")), "statement",
                             or_null(json_object_get(alert, "statement")), "awaiting_mi_run",
                             json_is_true(json_object_get(alert, "awaiting_mi_run")));
    if (!rest || json_object_update(v, rest)) {
        json_decref(rest);
        json_decref(v);
        return NULL;
    }
    json_decref(rest);
    return v;
}

json_t *work_query_view(store *s, MDB_txn *txn, const json_t *query, const char *today, int with_messages)
{
    int is_open = json_get_str_is(query, "status", "open");
    json_t *v = common(s, txn, query, today, is_open);
    if (!v)
        return NULL;
    json_t *msgs = json_object_get(query, "messages");
    json_t *rest = json_pack(
        "{s:O,s:b,s:o,s:O,s:O,s:O,s:o,s:o,s:o,s:I}", "category", json_object_get(query, "category"), "urgent",
        json_is_true(json_object_get(query, "urgent")), "urgent_reason", or_null(json_object_get(query, "urgent_reason")),
        "opened_by", json_object_get(query, "opened_by"), "opened_at", json_object_get(query, "opened_at"), "status",
        json_object_get(query, "status"), "awaiting", is_open ? or_null(json_object_get(query, "awaiting")) : json_null(),
        "closed_at", or_null(json_object_get(query, "closed_at")), "closed_by",
        case_user_ref(s, txn, json_object_get(query, "closed_by")), "message_count", (json_int_t)json_array_size(msgs));
    if (!rest || json_object_update(v, rest)) {
        json_decref(rest);
        json_decref(v);
        return NULL;
    }
    json_decref(rest);
    if (!is_open) {
        json_object_set_new(v, "due", json_null());
        json_object_set_new(v, "due_beyond_calendar", json_false());
    }
    if (!with_messages)
        return v;
    json_t *out = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m) {
        json_t *row = json_pack("{s:O,s:O,s:o,s:O,s:O}", "id", json_object_get(m, "id"), "at", json_object_get(m, "at"),
                                "by", case_user_ref(s, txn, json_object_get(m, "by")), "side",
                                json_object_get(m, "side"), "text", json_object_get(m, "text"));
        if (!row || !out || json_array_append_new(out, row)) {
            json_decref(out);
            json_decref(v);
            return NULL;
        }
    }
    json_object_set_new(v, "messages", out);
    return v;
}
