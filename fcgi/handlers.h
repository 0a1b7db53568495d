/*
 * handlers.h - the API's handlers. Each answers exactly one response. `ids` holds the numeric path
 * segments ({id}) in order. The router has already authenticated the caller unless the route is
 * public; each handler still checks role and organisation itself (deny by default).
 */
#ifndef CONNECT_HANDLERS_H
#define CONNECT_HANDLERS_H

#include "http.h"
#include "json_text.h"

void h_health(http_req *r, const uint64_t *ids);
void h_metrics(http_req *r, const uint64_t *ids);
void h_login(http_req *r, const uint64_t *ids);
void h_login_mfa(http_req *r, const uint64_t *ids);
void h_logout(http_req *r, const uint64_t *ids);
void h_me_get(http_req *r, const uint64_t *ids);
void h_me_password(http_req *r, const uint64_t *ids);
void h_me_mfa_start(http_req *r, const uint64_t *ids);
void h_me_mfa_confirm(http_req *r, const uint64_t *ids);
void h_me_mfa_delete(http_req *r, const uint64_t *ids);
void h_users_list(http_req *r, const uint64_t *ids);
void h_users_create(http_req *r, const uint64_t *ids);
void h_user_get(http_req *r, const uint64_t *ids);
void h_user_patch(http_req *r, const uint64_t *ids);
void h_user_delete(http_req *r, const uint64_t *ids);
void h_user_unlock(http_req *r, const uint64_t *ids);
void h_user_reset_password(http_req *r, const uint64_t *ids);
void h_user_mfa_reset(http_req *r, const uint64_t *ids);
void h_orgs_list(http_req *r, const uint64_t *ids);
void h_orgs_create(http_req *r, const uint64_t *ids);
void h_org_patch(http_req *r, const uint64_t *ids);
void h_report_national(http_req *r, const uint64_t *ids);

void h_cases_create(http_req *r, const uint64_t *ids);
void h_cases_list(http_req *r, const uint64_t *ids);
void h_case_get(http_req *r, const uint64_t *ids);
void h_case_put(http_req *r, const uint64_t *ids);
void h_case_principal(http_req *r, const uint64_t *ids);
void h_case_dependant_add(http_req *r, const uint64_t *ids);
void h_case_dependant_put(http_req *r, const uint64_t *ids);
void h_case_dependant_delete(http_req *r, const uint64_t *ids);
void h_case_allocation(http_req *r, const uint64_t *ids);
void h_case_immigration(http_req *r, const uint64_t *ids);
void h_case_finance(http_req *r, const uint64_t *ids);
void h_case_close(http_req *r, const uint64_t *ids);
void h_case_reopen(http_req *r, const uint64_t *ids);
void h_case_duplicate_of(http_req *r, const uint64_t *ids);
void h_case_delete(http_req *r, const uint64_t *ids);
/* GET /api/cases for the Network: only ?duplicate=1, by its admin (h_case_duplicate.c). */
void h_cases_duplicates(http_req *r);
void h_case_history(http_req *r, const uint64_t *ids);
void h_case_doc_upload(http_req *r, const uint64_t *ids);
void h_case_doc_get(http_req *r, const uint64_t *ids);
void h_case_doc_delete(http_req *r, const uint64_t *ids);
void h_case_subject_access(http_req *r, const uint64_t *ids);
void h_case_shared_list(http_req *r, const uint64_t *ids);
void h_case_shared_add(http_req *r, const uint64_t *ids);

void h_alerts_list(http_req *r, const uint64_t *ids);
void h_case_alerts(http_req *r, const uint64_t *ids);
void h_alert_accept(http_req *r, const uint64_t *ids);
void h_case_transfer(http_req *r, const uint64_t *ids);
void h_transfers_list(http_req *r, const uint64_t *ids);
void h_transfer_accept(http_req *r, const uint64_t *ids);
void h_transfer_decline(http_req *r, const uint64_t *ids);
void h_mi_runs_list(http_req *r, const uint64_t *ids);
void h_mi_run_add(http_req *r, const uint64_t *ids);
void h_case_final_outcome(http_req *r, const uint64_t *ids);
void h_queries_list(http_req *r, const uint64_t *ids);
void h_case_queries(http_req *r, const uint64_t *ids);
void h_case_query_open(http_req *r, const uint64_t *ids);
void h_query_get(http_req *r, const uint64_t *ids);
void h_query_message(http_req *r, const uint64_t *ids);
void h_query_close(http_req *r, const uint64_t *ids);
void h_home(http_req *r, const uint64_t *ids);
void h_cases_import(http_req *r, const uint64_t *ids);
void h_rtpf_lookup(http_req *r, const uint64_t *ids);
void h_rtpf_lookups(http_req *r, const uint64_t *ids);
void h_rtpf_register_upload(http_req *r, const uint64_t *ids);
void h_rtpf_register_get(http_req *r, const uint64_t *ids);
void h_report_performance(http_req *r, const uint64_t *ids);
void h_report_sla(http_req *r, const uint64_t *ids);
void h_report_finance(http_req *r, const uint64_t *ids);
void h_report_referrals(http_req *r, const uint64_t *ids);
void h_report_resolution(http_req *r, const uint64_t *ids);
void h_audit_list(http_req *r, const uint64_t *ids);
void h_audit_verify(http_req *r, const uint64_t *ids);
void h_retention_get(http_req *r, const uint64_t *ids);
void h_retention_put(http_req *r, const uint64_t *ids);
void h_retention_due(http_req *r, const uint64_t *ids);
void h_case_hold_put(http_req *r, const uint64_t *ids);
void h_case_hold_delete(http_req *r, const uint64_t *ids);
void h_destructions(http_req *r, const uint64_t *ids);
void h_nino_batches_list(http_req *r, const uint64_t *ids);
void h_nino_batch_file(http_req *r, const uint64_t *ids);
void h_nino_batch_results(http_req *r, const uint64_t *ids);
void h_nino_closures_list(http_req *r, const uint64_t *ids);
void h_nino_closure_add(http_req *r, const uint64_t *ids);
void h_nino_closure_delete(http_req *r, const uint64_t *ids);
void h_disclosures_create(http_req *r, const uint64_t *ids);
void h_disclosures_list(http_req *r, const uint64_t *ids);
void h_disclosure_get(http_req *r, const uint64_t *ids);
void h_disclosure_put(http_req *r, const uint64_t *ids);
void h_disclosure_providers(http_req *r, const uint64_t *ids);
void h_disclosure_submit(http_req *r, const uint64_t *ids);
void h_disclosure_countersign(http_req *r, const uint64_t *ids);
void h_disclosure_return(http_req *r, const uint64_t *ids);
void h_disclosure_refuse(http_req *r, const uint64_t *ids);
void h_disclosure_disclose(http_req *r, const uint64_t *ids);
void h_disclosure_review(http_req *r, const uint64_t *ids);
void h_disclosure_destroy(http_req *r, const uint64_t *ids);
void h_disclosure_confirm(http_req *r, const uint64_t *ids);
void h_disclosure_keep_until(http_req *r, const uint64_t *ids);
void h_disclosure_onward(http_req *r, const uint64_t *ids);
void h_disclosure_attachment_add(http_req *r, const uint64_t *ids);
void h_disclosure_attachment_get(http_req *r, const uint64_t *ids);
void h_report_disclosures(http_req *r, const uint64_t *ids);
void h_help_get(http_req *r, const uint64_t *ids);
void h_help_put(http_req *r, const uint64_t *ids);

/* Shared by the list handlers: ?limit= (default 50, 1..500); -1 when it answered 400. */
int h_limit(http_req *r, size_t *limit);
/* ?cursor= as a positive id (0 when absent); -1 when it answered 400. */
int h_cursor_id(http_req *r, uint64_t *out);
/* The list shape {"items","next_cursor","total"} (items stolen; next 0: no more pages). */
json_t *h_list_page(json_t *items, uint64_t next, size_t total);
/* The same page written as text: out already holds "{\"items\":[" and the items; this closes the list
 * and adds next_cursor and total (and "total_capped":true when capped). */
void h_list_page_text_end(json_text *out, uint64_t next, size_t total, int capped);
/* 429 too_many_attempts with Retry-After for a user name throttled until `until` (h_auth.c): the
 * same answer whether or not an account has that name. */
void h_too_many_attempts(http_req *r, int64_t until);
/* Before checking the signed-in user's password again (h_me.c): 1 when the user name is throttled,
 * which it answered with 429 (or the store's error); 0 when the check may go on. */
int h_password_throttled(http_req *r);
/* After a wrong current password (h_me.c): counts it on the user name's throttle like a failed
 * sign-in, audited as `action` (the failure that starts a throttle also ends all the user's
 * sessions), then answers 429 once throttled, else 422 with `message` on `field`. */
void h_password_wrong(http_req *r, const char *action, const char *field, const char *message);

#endif
