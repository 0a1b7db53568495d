/* h_orgs.c - GET/POST /api/orgs: the Network admin sets up councils. */
#include "handlers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "json_in.h"
#include "store_audit.h"
#include "store_org.h"

static int require_network_admin(http_req *r)
{
    if (r->is_admin && strcmp(r->org_kind, "network") == 0)
        return 0;
    access_forbidden(r, "Only the Network administrator manages organisations.", NULL);
    return -1;
}

void h_orgs_list(http_req *r, const uint64_t *ids)
{
    (void)ids;
    /* The Home Office reads the list too: it works across councils and chooses them in filters; so
     * do councils, which choose the receiving council of a transfer from it (names and codes of the
     * network's organisations: nothing about their cases or users). */
    if (strcmp(r->org_kind, "home_office") != 0 && strcmp(r->org_kind, "council") != 0 && require_network_admin(r))
        return;
    size_t limit;
    if (h_limit(r, &limit))
        return;
    uint64_t after;
    if (h_cursor_id(r, &after))
        return;
    MDB_txn *txn;
    if (http_read_begin(r, &txn))
        return;
    json_t *items;
    uint64_t next;
    size_t total;
    int rc = store_org_list(r->st, txn, after, limit, &items, &next, &total);
    store_read_end(r->st, txn);
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    /* ORG is the public shape: the NINo partner's mark stays internal (nino_batch.h reads it). */
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) json_object_del(o, "nino_partner");
    http_reply(r, 200, h_list_page(items, next, total));
}

typedef struct {
    const char *kind, *name, *code, *at;
    uint64_t actor, actor_org, id;
    json_t *org; /* out */
} org_ctx;

static int org_write(store *s, MDB_txn *txn, void *arg)
{
    org_ctx *c = arg;
    json_decref(c->org);
    c->org = NULL;
    int rc = store_org_create(s, txn, c->kind, c->name, c->code, c->at, &c->id);
    if (!rc)
        rc = store_audit_add(s, txn, c->at, c->actor, c->actor_org, "org_created", c->id);
    if (!rc)
        rc = store_org_get(s, txn, c->id, &c->org);
    return rc;
}

void h_orgs_create(http_req *r, const uint64_t *ids)
{
    (void)ids;
    if (require_network_admin(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"kind", "name", "code", NULL};
    const char *kind, *name, *code_in;
    if (json_in_only(r, body, allowed) || json_in_string(r, body, "kind", 1, 32, &kind) ||
        json_in_name(r, body, "name", 1, 200, &name) || json_in_string(r, body, "code", 1, 16, &code_in))
        goto out;
    /* Councils, and the partner departments that exchange disclosure requests (DWP's Case Management
     * Group): the Network sets both up; the Home Office and the Network exist from the start. */
    if (strcmp(kind, "council") != 0 && strcmp(kind, "partner") != 0) {
        http_error(r, 422, "validation_failed", "Only councils and partner departments can be created here.", "kind");
        goto out;
    }
    char code[17], at[21];
    snprintf(code, sizeof code, "%s", code_in);
    if (!store_org_code_normalise(code)) {
        http_error(r, 422, "validation_failed", "A code has 2 to 16 letters or digits.", "code");
        goto out;
    }
    http_iso_time(r->now, at);
    org_ctx c = {.kind = kind, .name = name, .code = code, .at = at, .actor = r->uid, .actor_org = r->org_id};
    int rc = store_write(r->st, org_write, &c);
    if (rc == STORE_EXISTS)
        http_error(r, 409, "conflict", "An organisation with that code exists.", "code");
    else if (rc)
        http_store_error(r, rc);
    else {
        http_reply(r, 201, c.org);
        c.org = NULL;
    }
    json_decref(c.org);
out:
    json_decref(body);
}
