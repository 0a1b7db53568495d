/* h_help.c - GET/PUT /api/help: the contacts the SLA puts behind the Help button (fcgi/API.md "Help"). */
#include "handlers.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "access_refusal.h"
#include "json_in.h"
#include "params.h"
#include "store_audit.h"
#include "store_help.h"
#include "store_user.h"

/* Everyone signed in reads it: the Help button is on every page, for every role. */
void h_help_get(http_req *r, const uint64_t *ids)
{
    (void)ids;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *help;
    int rc = store_help_get(r->st, txn, &help);
    store_read_end(r->st, txn);
    if (rc)
        http_store_error(r, rc);
    else
        http_reply(r, 200, help);
}

typedef struct {
    const char *name, *email, *phone, *hours, *notes;
} contact_in;

/* "name" is a person's name or a role ("NRPF Network helpdesk"), so a plain line, not PARAM_NAME. */
static const param_field contact_fields[] = {
    {.name = "name", .type = PARAM_STRING, .required = 1, .max_chars = 120, .offset = offsetof(contact_in, name)},
    {.name = "email", .type = PARAM_STRING, .max_chars = STORE_USER_EMAIL_MAX, .offset = offsetof(contact_in, email)},
    {.name = "phone", .type = PARAM_STRING, .max_chars = 40, .offset = offsetof(contact_in, phone)},
    {.name = "hours", .type = PARAM_STRING, .max_chars = 200, .offset = offsetof(contact_in, hours)},
    {.name = "notes", .type = PARAM_TEXT, .max_chars = 1000, .offset = offsetof(contact_in, notes)},
};

/* A telephone number as people write it: digits with spaces, '+', '-', '(' and ')', and at least six
 * digits, so "ask reception" is refused rather than shown as a number to ring. */
static int phone_valid(const char *p)
{
    int digits = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" +-()", *p))
            return 0;
    }
    return digits >= 6;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Validates body[member] as a contact and returns it in its stored shape (new reference), or NULL
 * after answering the error. */
static json_t *contact_parse(http_req *r, json_t *body, const char *member)
{
    json_t *obj = json_object_get(body, member);
    if (!obj || json_is_null(obj)) {
        http_error(r, 422, "validation_failed", "Both contacts are required.", member);
        return NULL;
    }
    if (!json_is_object(obj)) {
        http_error(r, 400, "invalid_field", "A contact is an object.", member);
        return NULL;
    }
    contact_in in = {0};
    if (params_json(r, obj, member, contact_fields, PARAMS_COUNT(contact_fields), &in))
        return NULL;
    char field[40];
    if (in.email && !store_user_email_valid(in.email)) {
        snprintf(field, sizeof field, "%s.email", member);
        http_error(r, 422, "validation_failed", "That is not an email address.", field);
        return NULL;
    }
    if (in.phone && !phone_valid(in.phone)) {
        snprintf(field, sizeof field, "%s.phone", member);
        http_error(r, 422, "validation_failed", "A telephone number has digits, spaces and + - ( ) only.", field);
        return NULL;
    }
    /* A contact nobody can reach is no help: one way of reaching them is required. */
    if (!in.email && !in.phone) {
        snprintf(field, sizeof field, "%s.email", member);
        http_error(r, 422, "validation_failed", "Give an email address or a telephone number.", field);
        return NULL;
    }
    json_t *c = json_object();
    if (!c || json_object_set_new(c, "name", json_string(in.name)) ||
        json_object_set_new(c, "email", str_or_null(in.email)) ||
        json_object_set_new(c, "phone", str_or_null(in.phone)) ||
        json_object_set_new(c, "hours", str_or_null(in.hours)) ||
        json_object_set_new(c, "notes", str_or_null(in.notes))) {
        json_decref(c);
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return NULL;
    }
    return c;
}

typedef struct {
    json_t *help;
    uint64_t actor, org;
    const char *at;
} help_ctx;

static int help_write(store *s, MDB_txn *txn, void *arg)
{
    help_ctx *c = arg;
    int rc = store_help_put(s, txn, c->help);
    /* "network_": the Network admin reads its own account and organisation events (store_audit.h). */
    return rc ? rc : store_audit_add(s, txn, c->at, c->actor, c->org, "network_help_set", 0);
}

void h_help_put(http_req *r, const uint64_t *ids)
{
    (void)ids;
    /* The Network runs the service and keeps its Help page; nobody else changes who people ring. */
    if (!r->is_admin || strcmp(r->org_kind, "network") != 0) {
        access_forbidden(r, "Only the Network administrator edits the Help page.", NULL);
        return;
    }
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"network", "ho_escalation", NULL};
    json_t *network = NULL, *ho = NULL, *help = NULL;
    if (json_in_only(r, body, allowed) || !(network = contact_parse(r, body, "network")) ||
        !(ho = contact_parse(r, body, "ho_escalation")))
        goto out;
    char at[21];
    http_iso_time(r->now, at);
    help = json_pack("{s:O,s:O,s:s,s:I}", "network", network, "ho_escalation", ho, "updated_at", at, "updated_by",
                     (json_int_t)r->uid);
    if (!help) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        goto out;
    }
    help_ctx c = {help, r->uid, r->org_id, at};
    int rc = store_write(r->st, help_write, &c);
    if (rc)
        http_store_error(r, rc);
    else {
        http_reply(r, 200, help);
        help = NULL;
    }
out:
    json_decref(help);
    json_decref(network);
    json_decref(ho);
    json_decref(body);
}
