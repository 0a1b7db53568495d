/*
 * case_update.h - the one way a handler changes an existing case.
 *
 * case_update_run() opens a write transaction, loads the case, refuses a case of another council
 * (404), lets `apply` change a copy, and then stores it with updated_at/updated_by, re-indexes it,
 * writes history rows for every changed field and an audit event, raises and clears the alerts the
 * change means (work_case_changed), and answers with the new CASE.
 * `apply` refuses by calling case_refuse() and returning CASE_REFUSED; nothing is then written.
 * It may run more than once (store_write retries after growing the map), so it must only touch
 * `rec`, the transaction, and outputs it resets itself.
 */
#ifndef CONNECT_CASE_UPDATE_H
#define CONNECT_CASE_UPDATE_H

#include "http.h"

#define CASE_REFUSED (-50001)

typedef struct case_update case_update;
typedef int (*case_apply_fn)(case_update *u, json_t *rec);

struct case_update {
    http_req *r;
    uint64_t id;
    case_apply_fn apply;
    void *arg;
    const char *action; /* audit action, e.g. "case_finance_updated" */
    int ok_status;      /* 200 or 201 */
    int want_alert;     /* answer with the ALERT the change raised instead of the CASE */
    /* set by apply / the run */
    store *s;
    MDB_txn *txn;
    const char *at;
    int err_status;
    const char *err_code, *err_field;
    char err_message[200];
    json_t *err_extra; /* extra members of the error body (e.g. "matches"), stolen */
    const char *missing_kind; /* set by case_refuse_missing */
    uint64_t missing_id;
    json_t *result;    /* the reply body; default: the CASE */
};

#define CASE_CLOSED_MESSAGE "The case is closed; reopen it to change it."
/* Records the 422 case_closed refusal of a change to a closed case. */
int case_refuse_closed(case_update *u);
/* Records the refusal that case_update_run will answer. */
int case_refuse(case_update *u, int status, const char *code, const char *field, const char *message);
/* Records a 404 for record `id` of `kind` inside the case (a document), answered and audited as a
 * refused access (access_refusal.h): its id may be another council's. */
int case_refuse_missing(case_update *u, const char *kind, uint64_t id, const char *message);
/* Runs the update and answers the request. */
void case_update_run(case_update *u);

#endif
