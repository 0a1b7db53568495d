/* work_view_text.c - ALERT and QUERY list rows written from the stored items (work_view_text.h). */
#include "work_view_text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "json_members.h"
#include "ref_text.h"
#include "row_cache.h"
#include "store_case.h"
#include "store_work.h"
#include "work.h"

#define SHAPE REF_TEXT_SHAPE

/* The stored item's members the views read. */
enum { I_ID, I_CASE, I_COUNCIL, I_DUE, I_BEYOND, I_BEFORE, I_TYPE, I_TO, I_RAISED_AT, I_RAISED_BY, I_FIELDS,
       I_OUTCOME, I_OPEN, I_CLEARED_AT, I_CLEARED_BY, I_CLEARED_HOW, I_STATEMENT, I_AWAITING_MI, I_CATEGORY,
       I_URGENT, I_URGENT_REASON, I_OPENED_BY, I_OPENED_AT, I_STATUS, I_AWAITING, I_CLOSED_AT, I_CLOSED_BY,
       I_MESSAGES, I_COUNT };
static const char *const item_names[I_COUNT] = {
    [I_ID] = "id", [I_CASE] = "case_id", [I_COUNCIL] = "council_id", [I_DUE] = "due", [I_BEYOND] = "due_beyond",
    [I_BEFORE] = "before", [I_TYPE] = "type", [I_TO] = "to", [I_RAISED_AT] = "raised_at", [I_RAISED_BY] = "raised_by",
    [I_FIELDS] = "fields", [I_OUTCOME] = "outcome", [I_OPEN] = "open", [I_CLEARED_AT] = "cleared_at",
    [I_CLEARED_BY] = "cleared_by", [I_CLEARED_HOW] = "cleared_how", [I_STATEMENT] = "statement",
    [I_AWAITING_MI] = "awaiting_mi_run", [I_CATEGORY] = "category", [I_URGENT] = "urgent",
    [I_URGENT_REASON] = "urgent_reason", [I_OPENED_BY] = "opened_by", [I_OPENED_AT] = "opened_at",
    [I_STATUS] = "status", [I_AWAITING] = "awaiting", [I_CLOSED_AT] = "closed_at", [I_CLOSED_BY] = "closed_by",
    [I_MESSAGES] = "messages",
};

/* The case's members the views read. Not its "id": the case is read by the item's case_id. The scan
 * stops at the last member it wants: in a record stored in its order (store_case.h), the principal,
 * before the dependants and all the rest; in one stored before that order, caseworker_id, halfway. */
enum { C_COUNCIL, C_WORKER, C_PRINCIPAL, C_GIVEN, C_FAMILY, C_DOB, C_COUNT };
static const char *const case_names[C_COUNT] = {
    [C_COUNCIL] = "council_id", [C_WORKER] = "caseworker_id", [C_PRINCIPAL] = "principal",
    [C_GIVEN] = "principal.given_names", [C_FAMILY] = "principal.family_name", [C_DOB] = "principal.date_of_birth",
};

static int is_lit(json_slice v, const char *lit)
{
    size_t n = strlen(lit);
    return v.p && v.len == n && memcmp(v.p, lit, n) == 0;
}

/* A whole number as jansson prints it; 0 when absent (as json_integer_value reads a missing member);
 * -1 when of another kind. */
static long long number_or_zero(json_slice v) { return v.p ? json_slice_uint(v) : 0; }

static void member(json_text *out, const char *key, json_slice v)
{
    json_text_lit(out, key);
    json_text_slice(out, v);
}

/* The row through jansson, for an item this writer does not copy. */
static int view_parsed(store *s, MDB_txn *txn, char kind, uint64_t id, const char *today, json_text *out)
{
    json_t *item;
    int rc = store_work_get(s, txn, kind, id, &item);
    if (rc)
        return rc;
    json_t *v = kind == WORK_ALERT ? work_alert_view(s, txn, item, today) : work_query_view(s, txn, item, today, 0);
    json_decref(item);
    return json_text_dump(out, v) ? STORE_NOMEM : 0;
}

/* The members both shapes share (work_view.c's common()), with the item's due and due_beyond as given
 * (a closed query shows neither): rc, or SHAPE. */
static int common_text(store *s, MDB_txn *txn, const json_slice *m, json_slice due_v, json_slice beyond, int is_open,
                       const char *today, json_text *out)
{
    long long case_id = number_or_zero(m[I_CASE]);
    if (number_or_zero(m[I_ID]) <= 0 || case_id <= 0)
        return SHAPE;
    json_slice c[C_COUNT] = {{0}};
    const void *data;
    size_t len;
    int found = store_case_bytes(s, txn, (uint64_t)case_id, &data, &len) == 0;
    if (found && json_members_slices(data, len, case_names, C_COUNT, c))
        return SHAPE;
    /* A case that is gone: its id and council from the item, no caseworker, no principal. */
    long long council = number_or_zero(found ? c[C_COUNCIL] : m[I_COUNCIL]);
    if (council < 0)
        return SHAPE;
    member(out, "{\"id\":", m[I_ID]);
    member(out, ",\"case_id\":", m[I_CASE]);
    json_text_lit(out, ",\"connect_id\":\"C");
    json_text_raw(out, m[I_CASE].p, m[I_CASE].len); /* a positive number: checked above */
    json_text_lit(out, "\",\"council\":");
    int rc = ref_text_council(s, txn, council, out);
    json_text_lit(out, ",\"caseworker\":");
    if (!rc)
        rc = ref_text_user_slice(s, txn, c[C_WORKER], out);
    if (rc)
        return rc;
    /* overdue: open, due as a string before today's. */
    json_slice due = json_slice_string_body(due_v);
    char due_s[32];
    int overdue = 0;
    if (due.p && is_open) {
        if (due.len >= sizeof due_s || memchr(due.p, '\\', due.len))
            return SHAPE;
        memcpy(due_s, due.p, due.len);
        due_s[due.len] = 0;
        overdue = today && strcmp(due_s, today) < 0;
    }
    member(out, ",\"due\":", due_v);
    json_text_lit(out, is_lit(beyond, "true") ? ",\"due_beyond_calendar\":true" : ",\"due_beyond_calendar\":false");
    json_text_lit(out, overdue ? ",\"overdue\":true" : ",\"overdue\":false");
    json_text_lit(out, ",\"principal\":");
    if (c[C_PRINCIPAL].p && c[C_PRINCIPAL].p[0] == '{') {
        json_slice given = json_slice_string_body(c[C_GIVEN]), family = json_slice_string_body(c[C_FAMILY]);
        json_text_lit(out, "{\"name\":\"");
        json_text_raw(out, given.p, given.len);
        json_text_lit(out, " ");
        json_text_raw(out, family.p, family.len);
        member(out, "\",\"date_of_birth\":", c[C_DOB]);
        json_text_lit(out, "}");
    } else {
        json_text_lit(out, "null");
    }
    json_text_lit(out, ",\"working_days_overdue\":");
    json_text_u64(out, overdue ? (uint64_t)work_days_overdue(s, txn, due_s, today) : 0);
    return 0;
}

static int alert_text(store *s, MDB_txn *txn, const json_slice *m, const char *today, json_text *out)
{
    int is_open = is_lit(m[I_OPEN], "true");
    /* A final outcome's due date was the HO's deadline: never overdue for the council. */
    int owed = !is_lit(m[I_TYPE], "\"final_outcome\"");
    int rc = common_text(s, txn, m, m[I_DUE], m[I_BEYOND], is_open && owed, today, out);
    if (rc)
        return rc;
    member(out, ",\"type\":", m[I_TYPE]);
    member(out, ",\"to\":", m[I_TO]);
    member(out, ",\"raised_at\":", m[I_RAISED_AT]);
    json_text_lit(out, ",\"raised_by\":");
    if ((rc = ref_text_user_slice(s, txn, m[I_RAISED_BY], out)))
        return rc;
    if (m[I_FIELDS].p)
        member(out, ",\"fields\":", m[I_FIELDS]);
    else
        json_text_lit(out, ",\"fields\":[]");
    member(out, ",\"outcome\":", m[I_OUTCOME]);
    json_text_lit(out, is_open ? ",\"open\":true" : ",\"open\":false");
    member(out, ",\"cleared_at\":", m[I_CLEARED_AT]);
    json_text_lit(out, ",\"cleared_by\":");
    if ((rc = ref_text_user_slice(s, txn, m[I_CLEARED_BY], out)))
        return rc;
    member(out, ",\"cleared_how\":", m[I_CLEARED_HOW]);
    member(out, ",\"statement\":", m[I_STATEMENT]);
    json_text_lit(out, is_lit(m[I_AWAITING_MI], "true") ? ",\"awaiting_mi_run\":true}" : ",\"awaiting_mi_run\":false}");
    return 0;
}

static int query_text(store *s, MDB_txn *txn, const json_slice *m, const char *today, json_text *out)
{
    int is_open = is_lit(m[I_STATUS], "\"open\"");
    /* A closed query owes nothing: its due members are null and false. */
    json_slice none = {NULL, 0};
    int rc = common_text(s, txn, m, is_open ? m[I_DUE] : none, is_open ? m[I_BEYOND] : none, is_open, today, out);
    if (rc)
        return rc;
    member(out, ",\"category\":", m[I_CATEGORY]);
    json_text_lit(out, is_lit(m[I_URGENT], "true") ? ",\"urgent\":true" : ",\"urgent\":false");
    member(out, ",\"urgent_reason\":", m[I_URGENT_REASON]);
    member(out, ",\"opened_by\":", m[I_OPENED_BY]);
    member(out, ",\"opened_at\":", m[I_OPENED_AT]);
    member(out, ",\"status\":", m[I_STATUS]);
    if (is_open)
        member(out, ",\"awaiting\":", m[I_AWAITING]);
    else
        json_text_lit(out, ",\"awaiting\":null");
    member(out, ",\"closed_at\":", m[I_CLOSED_AT]);
    json_text_lit(out, ",\"closed_by\":");
    if ((rc = ref_text_user_slice(s, txn, m[I_CLOSED_BY], out)))
        return rc;
    long count = m[I_MESSAGES].p ? json_slice_count(m[I_MESSAGES]) : 0;
    json_text_lit(out, ",\"message_count\":");
    json_text_u64(out, count > 0 ? (uint64_t)count : 0);
    json_text_lit(out, "}");
    return 0;
}

/* The row written from the stored item (the cache aside). */
static int row_text(store *s, MDB_txn *txn, char kind, uint64_t id, const char *today, json_text *out)
{
    const void *data;
    size_t len;
    unsigned char key[8];
    store_key_u64(key, id);
    int rc = store_bytes_get(s, txn, kind == WORK_ALERT ? DB_ALERTS : DB_QUERIES, key, sizeof key, &data, &len);
    if (rc)
        return rc;
    json_slice m[I_COUNT];
    size_t start = out->len;
    /* An immigration update's changes (old -> new) are left to jansson's view. */
    if (json_members_slices(data, len, item_names, I_COUNT, m) || (m[I_BEFORE].p && m[I_BEFORE].p[0] == '{'))
        rc = SHAPE;
    else
        rc = kind == WORK_ALERT ? alert_text(s, txn, m, today, out) : query_text(s, txn, m, today, out);
    if (rc == SHAPE) {
        out->len = start;
        return view_parsed(s, txn, kind, id, today, out);
    }
    return rc ? rc : out->failed ? STORE_NOMEM : 0;
}

int work_view_text(store *s, MDB_txn *txn, char kind, uint64_t id, const char *today, json_text *out)
{
    if (row_cache_get(s, txn, kind, id, today, out, NULL))
        return out->failed ? STORE_NOMEM : 0;
    size_t start = out->len;
    int rc = row_text(s, txn, kind, id, today, out);
    if (!rc)
        row_cache_put(s, txn, kind, id, today, out, start, 0);
    return rc;
}
