/* h_orgs.c - GET/POST /api/orgs, PATCH /api/orgs/{id}: the Network admin sets up councils and says
 * where they are, and marks the partner department that receives the NINo batches. */
#include "handlers.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_refusal.h"
#include "json_get.h"
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

/* ORG as the API shows it: a partner always says whether it is the NINo partner; no one else has
 * the member. */
static void org_public(json_t *org)
{
    if (json_get_str_is(org, "kind", "partner"))
        json_object_set_new(org, "nino_partner", json_boolean(json_is_true(json_object_get(org, "nino_partner"))));
    else
        json_object_del(org, "nino_partner");
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
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) org_public(o);
    http_reply(r, 200, h_list_page(items, next, total));
}

/* Answers a write of an organisation: the store's error, or the record written (taken from *org). */
static void answer_org_write(http_req *r, int rc, int status, json_t **org)
{
    if (rc) {
        http_store_error(r, rc);
        return;
    }
    org_public(*org);
    http_reply(r, status, *org);
    *org = NULL;
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
    else
        answer_org_write(r, rc, 201, &c.org);
    json_decref(c.org);
out:
    json_decref(body);
}

typedef struct {
    uint64_t id, actor, actor_org;
    const char *nation, *region, *at; /* nation NULL: the place is not changed */
    int nino, nino_given;              /* the NINo partner's mark, when given */
    int refused;                       /* out: which change the organisation refused (1 place, 2 mark) */
    json_t *org;                       /* out */
} place_ctx;

static int place_write(store *s, MDB_txn *txn, void *arg)
{
    place_ctx *c = arg;
    json_decref(c->org);
    c->org = NULL;
    c->refused = 0;
    int rc = 0;
    if (c->nation) {
        rc = store_org_set_place(s, txn, c->id, c->nation, c->region, &c->org);
        if (rc == STORE_EXISTS)
            c->refused = 1;
        if (!rc)
            rc = store_audit_add(s, txn, c->at, c->actor, c->actor_org, "org_place_set", c->id);
    }
    if (!rc && c->nino_given) {
        json_decref(c->org);
        c->org = NULL;
        rc = store_org_set_nino_partner(s, txn, c->id, c->nino, &c->org);
        if (rc == EINVAL || rc == STORE_EXISTS)
            c->refused = 2;
        if (!rc)
            rc = store_audit_add(s, txn, c->at, c->actor, c->actor_org,
                                 c->nino ? "org_nino_partner_set" : "org_nino_partner_cleared", c->id);
    }
    return rc;
}

/* PATCH /api/orgs/{id} {"nation"?, "region"?, "nino_partner"?}: where a council is, and which partner
 * department is the NINo partner (fcgi/API.md "Organisations"). */
void h_org_patch(http_req *r, const uint64_t *ids)
{
    if (require_network_admin(r))
        return;
    json_t *body = json_in_body_object(r);
    if (!body)
        return;
    static const char *const allowed[] = {"nation", "region", "nino_partner", NULL};
    const char *nation_in, *region_in, *nation = NULL, *region = NULL;
    int nino = 0;
    if (json_in_only(r, body, allowed) || json_in_string(r, body, "nation", 0, 32, &nation_in) ||
        json_in_string(r, body, "region", 0, 32, &region_in) ||
        json_in_bool_at(r, body, "nino_partner", "nino_partner", 0, &nino))
        goto out;
    int nino_given = json_object_get(body, "nino_partner") && !json_is_null(json_object_get(body, "nino_partner"));
    switch (nino_given && !nation_in && !region_in ? 0 : store_org_place_resolve(nation_in, region_in, &nation, &region)) {
    case 0: break;
    case STORE_ORG_BAD_NATION:
        http_error(r, 422, "validation_failed",
                   nation_in ? "The nation is england, scotland, wales or northern_ireland." : "Give a nation or a region.",
                   "nation");
        goto out;
    case STORE_ORG_BAD_REGION:
        http_error(r, 422, "validation_failed", "Unknown region (one of England's nine regions, or a nation).", "region");
        goto out;
    default:
        http_error(r, 422, "validation_failed", "The region is not in that nation.", "region");
        goto out;
    }
    char at[21];
    http_iso_time(r->now, at);
    place_ctx c = {.id = ids[0], .actor = r->uid, .actor_org = r->org_id, .nation = nation, .region = region, .at = at,
                   .nino = nino, .nino_given = nino_given};
    int rc = store_write(r->st, place_write, &c);
    if (rc == STORE_EXISTS && c.refused == 1)
        http_error(r, 422, "validation_failed", "Only a council has a nation and a region.", "nation");
    else if (rc == EINVAL && c.refused == 2)
        http_error(r, 422, "validation_failed", "Only a partner department can be the NINo partner.", "nino_partner");
    else if (rc == STORE_EXISTS && c.refused == 2)
        http_error(r, 409, "conflict",
                   "Another partner department is the NINo partner: clear its mark first (there is only one).",
                   "nino_partner");
    else if (rc == MDB_NOTFOUND)
        http_error(r, 404, "not_found", "No such organisation.", NULL);
    else
        answer_org_write(r, rc, 200, &c.org);
    json_decref(c.org);
out:
    json_decref(body);
}
