/* store_help.c - the Help page's contacts, one document in DB_META (store_help.h). */
#include "store_help.h"

#include <errno.h>
#include <string.h>

#define HELP_KEY "help"

static json_t *empty_contact(void)
{
    return json_pack("{s:n,s:n,s:n,s:n,s:n}", "name", "email", "phone", "hours", "notes");
}

int store_help_get(store *s, MDB_txn *txn, json_t **out)
{
    *out = NULL;
    int rc = store_json_get(s, txn, DB_META, HELP_KEY, strlen(HELP_KEY), out);
    if (rc != MDB_NOTFOUND)
        return rc;
    /* Never set: the same shape with nothing in it, so readers need no second case. */
    *out = json_pack("{s:o,s:o,s:n,s:n}", "network", empty_contact(), "ho_escalation", empty_contact(),
                     "updated_at", "updated_by");
    return *out ? 0 : STORE_NOMEM;
}

int store_help_put(store *s, MDB_txn *txn, const json_t *help)
{
    if (!json_is_object(help))
        return EINVAL;
    return store_json_put(s, txn, DB_META, HELP_KEY, strlen(HELP_KEY), help);
}
