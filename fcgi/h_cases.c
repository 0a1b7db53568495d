/* h_cases.c - create, search/list and read cases. */
#include "handlers.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "audit_queue.h"
#include "case_access.h"
#include "case_create.h"
#include "case_input.h"
#include "case_update.h"
#include "case_summary_text.h"
#include "case_view.h"
#include "case_view_text.h"
#include "json_in.h"
#include "name_norm.h"
#include "params.h"
#include "store_audit.h"
#include "store_case.h"
#include "uk_time.h"
#include "work.h"
#include "store_user.h"

/* ---- create ---- */

typedef struct {
    http_req *r;
    json_t *rec;
    int confirmed;
    const char *at;
    uint64_t id;
    int refused; /* 1 caseworker, 2 duplicate */
    json_t *matches;
    json_t *view;
} create_ctx;

static int create_write(store *s, MDB_txn *txn, void *arg)
{
    create_ctx *c = arg;
    c->refused = 0;
    json_decref(c->view);
    c->view = NULL;
    json_array_clear(c->matches);
    json_object_del(c->rec, "id");
    uint64_t council = c->r->org_id;
    json_int_t worker = json_integer_value(json_object_get(c->rec, "caseworker_id"));
    int rc;
    if (worker > 0) {
        int ok;
        if ((rc = case_caseworker_ok(s, txn, (uint64_t)worker, council, &ok)))
            return rc;
        if (!ok) {
            c->refused = 1;
            return CASE_REFUSED;
        }
    }
    if (!c->confirmed) {
        rc = case_add_matches(s, txn, json_object_get(c->rec, "principal"), council, c->matches);
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(c->rec, "dependants"), i, d) if (!rc) rc =
            case_add_matches(s, txn, d, council, c->matches);
        if (rc)
            return rc;
        if (json_array_size(c->matches)) {
            c->refused = 2;
            return CASE_REFUSED;
        }
    }
    if ((rc = store_case_create(s, txn, c->rec, &c->id)))
        return rc;
    if ((rc = store_case_history_diff(s, txn, c->id, NULL, c->rec, c->at, c->r->uid)))
        return rc;
    if ((rc = store_audit_add(s, txn, c->at, c->r->uid, council, "case_created", c->id)))
        return rc;
    work_ctx w;
    work_ctx_init(&w, c->r, s, txn, c->at);
    rc = work_case_created(&w, c->rec);
    work_ctx_done(&w);
    if (rc)
        return rc;
    c->view = case_view(s, txn, c->rec);
    return c->view ? 0 : STORE_NOMEM;
}

void h_cases_create(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (case_access_refused(r, CASE_WRITE))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"principal", "dependants", "legislation", "household_type", "referral_source", "address",
                                          "la_involvement", "caseworker_id", "team", "confirm_not_duplicate", NULL};
    create_ctx c = {.r = r};
    int confirmed;
    json_t *rec = NULL;
    char at[21];
    http_iso_time(r->now, at);
    if (json_in_only(r, body, allowed) ||
        json_in_bool_at(r, body, "confirm_not_duplicate", "confirm_not_duplicate", 0, &confirmed) ||
        !(rec = case_new_record(r, body, at)))
        goto out;
    c.rec = rec;
    c.confirmed = confirmed;
    c.at = at;
    c.matches = json_array();
    int rc = store_write(r->st, create_write, &c);
    if (rc == CASE_REFUSED && c.refused == 1) {
        http_error(r, 422, "validation_failed", "The caseworker must be a user of your council.", "caseworker_id");
    } else if (rc == CASE_REFUSED) {
        json_t *err = json_pack("{s:{s:s,s:s,s:n,s:O},s:O}", "error", "code", "possible_duplicate", "message",
                                "A case may already exist for this person (a closed one is reopened, not created "
                                "again). Check the matches, or confirm that this is a different person.",
                                "field", "matches", c.matches, "matches", c.matches);
        http_reply(r, 409, err);
    } else if (rc) {
        http_store_error(r, rc);
    } else {
        http_reply(r, 201, c.view);
        c.view = NULL;
    }
out:
    json_decref(c.view);
    json_decref(c.matches);
    json_decref(rec);
    json_decref(body);
}

/* ---- list and search ---- */

/* "123" or "C123" -> 123; else 0. */
static uint64_t parse_connect_id(const char *q)
{
    if (*q == 'C' || *q == 'c')
        q++;
    if (!*q || strlen(q) > 15)
        return 0;
    for (const char *p = q; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return strtoull(q, NULL, 10);
}

/* "YYYY-MM-DD" or "DD/MM/YYYY" -> "YYYYMMDD"; 0 on success. */
static int parse_dob(const char *q, char out[9])
{
    char iso[11];
    if (strlen(q) != 10)
        return -1;
    if (q[2] == '/' && q[5] == '/')
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", q + 6, q + 3, q);
    else
        snprintf(iso, sizeof iso, "%.10s", q);
    if (!json_in_date_valid(iso))
        return -1;
    snprintf(out, 9, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
    return 0;
}

static int has_digit(const char *s)
{
    for (; *s; s++)
        if (isdigit((unsigned char)*s))
            return 1;
    return 0;
}

/* GET /api/cases: the query string, described once (fcgi/API.md "Cases"). */
typedef struct {
    const char *q, *status, *team, *legislation;
    uint64_t caseworker, cursor;
    int mine, thousand_day, open;
    param_int limit;
} cases_list_params;

static const param_field cases_list_fields[] = {
    {.name = "q", .type = PARAM_TEXT, .max_chars = 2000, .offset = offsetof(cases_list_params, q)},
    {.name = "status", .type = PARAM_ENUM, .values = case_statuses, .offset = offsetof(cases_list_params, status),
     .message = "This filter value is not recognised."},
    {.name = "mine", .type = PARAM_BOOL, .offset = offsetof(cases_list_params, mine)},
    {.name = "open", .type = PARAM_BOOL, .offset = offsetof(cases_list_params, open)},
    {.name = "team", .type = PARAM_STRING, .max_chars = 100, .offset = offsetof(cases_list_params, team)},
    {.name = "caseworker", .type = PARAM_ID, .offset = offsetof(cases_list_params, caseworker),
     .message = "Choose a caseworker by their id."},
    {.name = "legislation", .type = PARAM_ENUM, .values = case_legislations,
     .offset = offsetof(cases_list_params, legislation), .message = "This filter value is not recognised."},
    {.name = "thousand_day", .type = PARAM_BOOL, .offset = offsetof(cases_list_params, thousand_day)},
    PARAM_LIMIT_FIELD(cases_list_params, limit),
    PARAM_CURSOR_FIELD(cases_list_params, cursor),
};

/* Which kind of search the text asks for: a Connect ID, a date of birth, a Home Office reference or a
 * name. horef holds the normalised reference. */
static void search_kind(case_query *q, const char *text, char *horef, size_t horef_cap)
{
    if ((q->id = parse_connect_id(text))) {
        q->kind = CASEQ_ID;
    } else if (parse_dob(text, q->dob) == 0) {
        q->kind = CASEQ_DOB;
    } else if (has_digit(text)) {
        case_horef_norm(text, horef, horef_cap);
        q->kind = CASEQ_HOREF;
        q->text = horef;
    } else {
        q->kind = CASEQ_NAME;
        q->text = text;
    }
}

void h_cases_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (strcmp(r->org_kind, "network") == 0) {
        h_cases_duplicates(r); /* its only list: the marked duplicates, without case data */
        return;
    }
    if (case_access_refused(r, CASE_READ))
        return;
    cases_list_params in;
    if (params_query(r, cases_list_fields, PARAMS_COUNT(cases_list_fields), &in))
        return;
    case_query q = {.scope = strcmp(r->org_kind, "home_office") == 0 ? 0 : r->org_id,
                    .kind = CASEQ_ALL,
                    .limit = (size_t)in.limit.value,
                    .status = case_enum_code(case_statuses, in.status),
                    .open_only = in.open,
                    .legislation = case_enum_code(case_legislations, in.legislation),
                    .caseworker = in.mine ? r->uid : in.caseworker,
                    .team = in.team,
                    .before = in.cursor};
    /* The search text without the spaces around it. */
    const char *start = in.q ? in.q : "";
    while (isspace((unsigned char)*start))
        start++;
    size_t len = strlen(start);
    while (len && isspace((unsigned char)start[len - 1]))
        len--;
    char text[801], horef[32], cutoff[11]; /* 200 characters of up to 4 bytes */
    if (len < sizeof text) {
        memcpy(text, start, len);
        text[len] = '\0';
    }
    if (len >= sizeof text || json_in_utf8_len(text) > 200) {
        http_error(r, 422, "validation_failed", "The search is too long.", "q");
        return;
    }
    if (in.thousand_day) {
        if (in.q) {
            http_error(r, 400, "invalid_field", "The 1,000-day list takes no search.", "q");
            return;
        }
        /* Open cases whose support started 1,000 or more days before today (UK date). */
        uk_date_minus_days(r->now, 1000, cutoff);
        q.kind = CASEQ_SUPPORTED_SINCE;
        q.text = cutoff;
    } else if (*text) {
        search_kind(&q, text, horef, sizeof horef);
    }
    uint64_t *found = calloc(q.limit ? 2 * q.limit : 1, sizeof *found);
    uint64_t *councils = found ? found + q.limit : NULL; /* each listed case's council, for its audit event */
    if (!found) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return;
    }
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        goto out;
    size_t n = 0, total = 0;
    uint64_t next = 0;
    int rc = store_case_search(r->st, txn, &q, found, &n, &total, &next);
    /* The page is written as text from the stored records (case_summary_text.h), not through jansson. */
    json_text *out = json_text_thread();
    json_text_lit(out, "{\"items\":[");
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            json_text_lit(out, ",");
        rc = case_summary_text(r->st, txn, found[i], out, &councils[i]); /* never drop a row silently */
    }
    store_read_end(r->st, txn);
    if (rc) {
        http_store_error(r, rc);
        goto out;
    }
    /* The cases disclosed in the list (names and dates of birth are shown), in one event. */
    if (n)
        audit_queue_add_many(r->now, r->uid, r->org_id, "cases_listed", found, councils, n);
    /* A name search counts no further than CASE_TOTAL_CAP: "more than 1,000" (fcgi/API.md "Cases").
     * Every other list's total is exact, however large. */
    int capped = q.kind == CASEQ_NAME && total > CASE_TOTAL_CAP;
    h_list_page_text_end(out, next, capped ? CASE_TOTAL_CAP : total, capped);
    if (out->failed) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        goto out;
    }
    http_reply_bytes(r, 200, "application/json; charset=utf-8", out->p, out->len);
out:
    free(found);
}

void h_case_get(http_req *r, const uint64_t *ids)
{
    MDB_txn *txn;
    if (case_access_refused(r, CASE_READ) || http_read_begin(r, &txn))
        return;
    /* Written as text from the stored record (case_view_text.h); a council sees only its own cases. */
    json_text *out = json_text_thread();
    int rc = case_view_text(r->st, txn, ids[0], case_scope_council(r), out);
    store_read_end(r->st, txn);
    if (rc == MDB_NOTFOUND) {
        access_not_found(r, "case", ids[0], "No such case.", NULL);
        return;
    }
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    audit_queue_add(r->now, r->uid, r->org_id, "case_viewed", ids[0]);
    http_reply_bytes(r, 200, "application/json; charset=utf-8", out->p, out->len);
}
