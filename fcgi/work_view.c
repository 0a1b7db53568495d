/* work_view.c - ALERT and QUERY: stored ids turned into names, due dates judged against today. */
#include "work.h"
#include "json_get.h"

#include <string.h>

#include "case_view.h"
#include "store_case.h"


static json_t *or_null(const json_t *v) { return v ? json_incref((json_t *)v) : json_null(); }

/* Members both shapes share: the case, its council and caseworker, and the due date. */
static json_t *common(store *s, MDB_txn *txn, const json_t *item, const char *today, int is_open)
{
    json_t *case_rec = NULL;
    json_t *case_id = json_object_get(item, "case_id");
    if (store_case_get(s, txn, (uint64_t)json_integer_value(case_id), &case_rec))
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
    json_decref(case_rec);
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
