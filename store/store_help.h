/*
 * store_help.h - the contacts behind the Help button (the SLA's "Help": the NRPF Network's contact and
 * the Home Office's escalation contact for urgent cases), one JSON document under the DB_META key
 * "help": {"network":CONTACT,"ho_escalation":CONTACT,"updated_at","updated_by"}, CONTACT being
 * {"name","email","phone","hours","notes"} (strings or null). One record for the whole service, not
 * per council: the SLA names one Network and one Home Office.
 */
#ifndef CONNECT_STORE_HELP_H
#define CONNECT_STORE_HELP_H

#include "store.h"

/* The stored contacts (new reference). A store where nobody has set them yet answers the empty shape
 * (both contacts with null members), not MDB_NOTFOUND: the Help page always has something to show. */
int store_help_get(store *s, MDB_txn *txn, json_t **out);
/* Replaces the contacts with `help` (the whole document, already validated by the caller). */
int store_help_put(store *s, MDB_txn *txn, const json_t *help);

#endif
