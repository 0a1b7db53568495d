/* council_places.c - the councils' places for the reports (council_places.h). */
#include "council_places.h"

#include <stdlib.h>
#include <string.h>

#include "json_get.h"
#include "store_org.h"

void council_places_init(council_places *c, store *s, MDB_txn *txn)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->txn = txn;
}

void council_places_free(council_places *c)
{
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}

static int index_of(const char *const *list, const char *v)
{
    for (int i = 0; v && list[i]; i++)
        if (strcmp(list[i], v) == 0)
            return i;
    return -1;
}

int council_places_get(council_places *c, uint64_t council, const council_place **out)
{
    if (c->last < c->n && c->v[c->last].id == council) {
        *out = &c->v[c->last];
        return 0;
    }
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].id == council) {
            c->last = i;
            *out = &c->v[i];
            return 0;
        }
    json_t *org = NULL;
    int rc = store_org_get(c->s, c->txn, council, &org);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        council_place *g = realloc(c->v, cap * sizeof *g);
        if (!g) {
            json_decref(org);
            return STORE_NOMEM;
        }
        c->v = g;
        c->cap = cap;
    }
    int nation = index_of(store_org_nations, json_get_str_or(org, "nation", "england"));
    c->v[c->n] = (council_place){.id = council,
                                 .region = index_of(store_org_regions, json_get_str(org, "region")),
                                 .nation = nation < 0 ? 0 : nation,
                                 .division = store_org_division(org)};
    json_decref(org);
    c->last = c->n++;
    *out = &c->v[c->last];
    return 0;
}
