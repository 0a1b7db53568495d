/* h_case_shared.c - what the council told or gave the person, and when ("Information given to
 * the person", fcgi/API.md). The records live on the case (`shared_with_person`), so a change
 * goes through case_update: history row, audit event and the same council check as every edit. */
#include "handlers.h"
#include "json_get.h"

#include <stddef.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_access.h"
#include "case_update.h"
#include "case_view.h"
#include "json_in.h"
#include "params.h"
#include "sar_data.h"
#include "uk_time.h"

static const char *const how_values[] = {"in_person", "letter", "email", "phone", "other", NULL};

typedef struct {
    const char *date, *what, *how, *notes;
} shared_in;

static const param_field shared_fields[] = {
    {.name = "date", .type = PARAM_DATE, .required = 1, .offset = offsetof(shared_in, date)},
    {.name = "what", .type = PARAM_TEXT, .required = 1, .max_chars = 2000, .offset = offsetof(shared_in, what)},
    {.name = "how", .type = PARAM_ENUM, .required = 1, .values = how_values, .offset = offsetof(shared_in, how)},
    {.name = "notes", .type = PARAM_TEXT, .max_chars = 2000, .offset = offsetof(shared_in, notes)},
};

/* Only the case's own council: the Home Office reads cases but this is the council's record of
 * its own dealings with the person (and the Network sees no case data). */
static int council_only(http_req *r)
{
    if (strcmp(r->org_kind, "council") == 0)
        return 0;
    access_forbidden(r, "Only the case's council records what it gave the person.", NULL);
    return -1;
}

static int apply_shared(case_update *u, json_t *rec)
{
    const shared_in *in = u->arg;
    json_t *list = json_object_get(rec, "shared_with_person");
    if (!json_is_array(list)) {
        list = json_array();
        if (!list || json_object_set_new(rec, "shared_with_person", list))
            return STORE_NOMEM;
    }
    json_int_t id = 1;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) if (json_integer_value(json_object_get(e, "id")) >= id) id =
        json_integer_value(json_object_get(e, "id")) + 1;
    json_t *item = json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:I}", "id", id, "date", in->date, "what", in->what, "how",
                             in->how, "notes", in->notes ? json_string(in->notes) : json_null(), "recorded_at", u->at,
                             "recorded_by", (json_int_t)u->r->uid);
    if (!item || json_array_append(list, item)) {
        json_decref(item);
        return STORE_NOMEM;
    }
    json_decref(u->result);
    u->result = sar_shared_view(u->s, u->txn, item);
    json_decref(item);
    if (!u->result)
        return STORE_NOMEM;
    u->ok_status = 201;
    return 0;
}

void h_case_shared_add(http_req *r, const uint64_t *ids)
{
    if (council_only(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    shared_in in;
    char today[11];
    uk_date(r->now, today);
    if (params_json(r, body, NULL, shared_fields, PARAMS_COUNT(shared_fields), &in) == 0) {
        if (strcmp(in.date, today) > 0) {
            http_error(r, 422, "validation_failed", "The date cannot be in the future.", "date");
        } else {
            /* Allowed on a closed case too: what was returned or explained to the person at closure
             * is recorded afterwards, and it changes nothing about the case itself. */
            case_update u = {.r = r, .id = ids[0], .apply = apply_shared, .arg = &in,
                             .action = "case_shared_with_person_recorded"};
            case_update_run(&u);
        }
    }
    json_decref(body);
}

void h_case_shared_list(http_req *r, const uint64_t *ids)
{
    MDB_txn *txn;
    json_t *rec;
    if (council_only(r) || case_read_begin(r, ids[0], &txn, &rec))
        return;
    json_t *items = sar_shared_list(r->st, txn, rec);
    if (items)
        audit_queue_add(r->now, r->uid, r->org_id, "case_shared_with_person_viewed", ids[0]);
    store_read_end(r->st, txn);
    json_decref(rec);
    size_t n = json_array_size(items);
    http_reply(r, 200, items ? h_list_page(items, 0, n) : NULL);
}
