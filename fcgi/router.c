/* router.c - the route table. */
#include "router.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cross_site.h"
#include "handlers.h"
#include "json_in.h"
#include "session.h"

#define R_PUBLIC 1     /* no session needed */
#define R_SETUP_OK 2   /* open while the user has setup to finish (session_setup_pending) */
#define R_BODY_CSV 4   /* the body is a CSV file (text/csv), not JSON */
#define R_BODY_FILE 8  /* the body is a file typed by its bytes (any Content-Type) */
#define R_NO_BODY 16   /* takes no body: a JSON body with any member is refused (json_in_no_members) */
#define MAX_IDS 4

typedef void (*handler_fn)(http_req *r, const uint64_t *ids);
typedef struct {
    const char *method;
    const char *pattern; /* segments; "{id}" matches a positive integer */
    handler_fn fn;
    unsigned flags;
} route;

static const route routes[] = {
    {"GET", "/api/health", h_health, R_PUBLIC},
    {"POST", "/api/auth/login", h_login, R_PUBLIC},
    {"POST", "/api/auth/mfa", h_login_mfa, R_PUBLIC},
    {"POST", "/api/auth/logout", h_logout, R_SETUP_OK | R_NO_BODY},
    {"GET", "/api/me", h_me_get, R_SETUP_OK},
    {"PUT", "/api/me/password", h_me_password, R_SETUP_OK},
    {"POST", "/api/me/mfa", h_me_mfa_start, R_SETUP_OK | R_NO_BODY},
    {"POST", "/api/me/mfa/confirm", h_me_mfa_confirm, R_SETUP_OK},
    {"DELETE", "/api/me/mfa", h_me_mfa_delete, 0},
    {"GET", "/api/users", h_users_list, 0},
    {"POST", "/api/users", h_users_create, 0},
    {"GET", "/api/users/{id}", h_user_get, 0},
    {"PATCH", "/api/users/{id}", h_user_patch, 0},
    {"DELETE", "/api/users/{id}", h_user_delete, R_NO_BODY},
    {"POST", "/api/users/{id}/unlock", h_user_unlock, R_NO_BODY},
    {"POST", "/api/users/{id}/reset-password", h_user_reset_password, R_NO_BODY},
    {"DELETE", "/api/users/{id}/mfa", h_user_mfa_reset, R_NO_BODY},
    {"GET", "/api/orgs", h_orgs_list, 0},
    {"GET", "/api/audit", h_audit_list, 0},
    {"GET", "/api/audit/verify", h_audit_verify, 0},
    {"POST", "/api/orgs", h_orgs_create, 0},
    {"PATCH", "/api/orgs/{id}", h_org_patch, 0},
    {"GET", "/api/cases", h_cases_list, 0},
    {"POST", "/api/cases", h_cases_create, 0},
    {"POST", "/api/cases/import", h_cases_import, R_BODY_CSV},
    {"GET", "/api/cases/{id}", h_case_get, 0},
    {"PUT", "/api/cases/{id}", h_case_put, 0},
    {"DELETE", "/api/cases/{id}", h_case_delete, R_NO_BODY},
    {"PUT", "/api/cases/{id}/principal", h_case_principal, 0},
    {"POST", "/api/cases/{id}/dependants", h_case_dependant_add, 0},
    {"PUT", "/api/cases/{id}/dependants/{id}", h_case_dependant_put, 0},
    {"DELETE", "/api/cases/{id}/dependants/{id}", h_case_dependant_delete, R_NO_BODY},
    {"PUT", "/api/cases/{id}/allocation", h_case_allocation, 0},
    {"PUT", "/api/cases/{id}/immigration", h_case_immigration, 0},
    {"PUT", "/api/cases/{id}/finance", h_case_finance, 0},
    {"POST", "/api/cases/{id}/closure", h_case_close, 0},
    {"DELETE", "/api/cases/{id}/closure", h_case_reopen, R_NO_BODY},
    {"POST", "/api/cases/{id}/duplicate-of", h_case_duplicate_of, 0},
    {"GET", "/api/cases/{id}/history", h_case_history, 0},
    {"POST", "/api/cases/{id}/documents", h_case_doc_upload, R_BODY_FILE},
    {"GET", "/api/cases/{id}/documents/{id}", h_case_doc_get, 0},
    {"DELETE", "/api/cases/{id}/documents/{id}", h_case_doc_delete, R_NO_BODY},
    {"GET", "/api/cases/{id}/alerts", h_case_alerts, 0},
    {"POST", "/api/cases/{id}/final-outcome", h_case_final_outcome, 0},
    {"GET", "/api/cases/{id}/queries", h_case_queries, 0},
    {"GET", "/api/cases/{id}/persons/{id}/subject-access", h_case_subject_access, 0},
    {"GET", "/api/cases/{id}/shared-with-person", h_case_shared_list, 0},
    {"POST", "/api/cases/{id}/shared-with-person", h_case_shared_add, 0},
    {"POST", "/api/cases/{id}/queries", h_case_query_open, 0},
    {"GET", "/api/alerts", h_alerts_list, 0},
    {"POST", "/api/cases/{id}/transfer", h_case_transfer, 0},
    {"GET", "/api/transfers", h_transfers_list, 0},
    {"POST", "/api/transfers/{id}/accept", h_transfer_accept, 0},
    {"POST", "/api/transfers/{id}/decline", h_transfer_decline, 0},
    {"GET", "/api/mi-runs", h_mi_runs_list, 0},
    {"POST", "/api/mi-runs", h_mi_run_add, 0},
    {"POST", "/api/alerts/{id}/accept", h_alert_accept, 0},
    {"GET", "/api/queries", h_queries_list, 0},
    {"GET", "/api/queries/{id}", h_query_get, 0},
    {"POST", "/api/queries/{id}/messages", h_query_message, 0},
    {"POST", "/api/queries/{id}/close", h_query_close, R_NO_BODY},
    {"GET", "/api/home", h_home, 0},
    {"POST", "/api/rtpf/lookup", h_rtpf_lookup, 0},
    {"GET", "/api/rtpf/lookups", h_rtpf_lookups, 0},
    {"GET", "/api/rtpf/register", h_rtpf_register_get, 0},
    {"PUT", "/api/rtpf/register", h_rtpf_register_upload, R_BODY_CSV},
    {"GET", "/api/reports/performance", h_report_performance, 0},
    {"GET", "/api/reports/sla", h_report_sla, 0},
    {"GET", "/api/reports/national", h_report_national, 0},
    {"GET", "/api/reports/finance", h_report_finance, 0},
    {"GET", "/api/reports/referrals", h_report_referrals, 0},
    {"GET", "/api/reports/resolution", h_report_resolution, 0},
    {"GET", "/api/retention", h_retention_get, 0},
    {"PUT", "/api/retention", h_retention_put, 0},
    {"GET", "/api/retention/due", h_retention_due, 0},
    {"PUT", "/api/cases/{id}/legal-hold", h_case_hold_put, 0},
    {"DELETE", "/api/cases/{id}/legal-hold", h_case_hold_delete, R_NO_BODY},
    {"GET", "/api/destructions", h_destructions, 0},
    {"GET", "/api/nino/batches", h_nino_batches_list, 0},
    {"GET", "/api/nino/batches/{id}/file", h_nino_batch_file, 0},
    {"PUT", "/api/nino/batches/{id}/results", h_nino_batch_results, R_BODY_FILE},
    {"GET", "/api/nino/closures", h_nino_closures_list, 0},
    {"POST", "/api/nino/closures", h_nino_closure_add, 0},
    {"DELETE", "/api/nino/closures/{id}", h_nino_closure_delete, R_NO_BODY},
    {"POST", "/api/disclosures", h_disclosures_create, 0},
    {"GET", "/api/disclosures", h_disclosures_list, 0},
    {"GET", "/api/disclosures/providers", h_disclosure_providers, 0},
    {"GET", "/api/disclosures/{id}", h_disclosure_get, 0},
    {"PUT", "/api/disclosures/{id}", h_disclosure_put, 0},
    {"POST", "/api/disclosures/{id}/submit", h_disclosure_submit, R_NO_BODY},
    {"POST", "/api/disclosures/{id}/countersign", h_disclosure_countersign, R_NO_BODY},
    {"POST", "/api/disclosures/{id}/return", h_disclosure_return, 0},
    {"POST", "/api/disclosures/{id}/refuse", h_disclosure_refuse, 0},
    {"POST", "/api/disclosures/{id}/disclose", h_disclosure_disclose, 0},
    {"POST", "/api/disclosures/{id}/review", h_disclosure_review, 0},
    {"POST", "/api/disclosures/{id}/destroy", h_disclosure_destroy, R_NO_BODY},
    {"POST", "/api/disclosures/{id}/confirm-destruction", h_disclosure_confirm, 0},
    {"PUT", "/api/disclosures/{id}/keep-until", h_disclosure_keep_until, 0},
    {"POST", "/api/disclosures/{id}/onward", h_disclosure_onward, 0},
    {"POST", "/api/disclosures/{id}/attachments", h_disclosure_attachment_add, R_BODY_FILE},
    {"GET", "/api/disclosures/{id}/attachments/{id}", h_disclosure_attachment_get, 0},
    {"GET", "/api/reports/disclosures", h_report_disclosures, 0},
    {"GET", "/api/help", h_help_get, 0},
    {"PUT", "/api/help", h_help_put, 0},
    {"GET", "/metrics", h_metrics, R_PUBLIC}, /* loopback only: nginx, and h_metrics itself */
};

#define ROUTE_COUNT (sizeof routes / sizeof routes[0])

size_t router_route_count(void) { return ROUTE_COUNT; }

void router_route_at(size_t i, const char **method, const char **pattern)
{
    *method = i < ROUTE_COUNT ? routes[i].method : "";
    *pattern = i < ROUTE_COUNT ? routes[i].pattern : "";
}

/* Matches path against pattern segment by segment, collecting {id} values. */
static int match(const char *pattern, const char *path, uint64_t *ids)
{
    int n = 0;
    while (*pattern && *path) {
        if (*pattern == '{' && strncmp(pattern, "{id}", 4) == 0) { /* each request walks every pattern */
            if (*path < '1' || *path > '9' || n == MAX_IDS)
                return 0;
            char *end;
            errno = 0;
            unsigned long long v = strtoull(path, &end, 10);
            if (errno || (*end && *end != '/') || v > (1ULL << 53))
                return 0;
            ids[n++] = v;
            pattern += 4;
            path = end;
            continue;
        }
        if (*pattern != *path)
            return 0;
        pattern++;
        path++;
    }
    return *pattern == '\0' && *path == '\0';
}

/* The row of the route table for method and path (HEAD is served by GET), with its ids; -1 when
 * none, *path_known then saying whether another method has the path. */
static long find_route(const char *method, const char *path, uint64_t ids[MAX_IDS], int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        memset(ids, 0, MAX_IDS * sizeof *ids);
        if (!match(routes[i].pattern, path, ids))
            continue;
        *path_known = 1;
        int head = strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0;
        if (strcmp(routes[i].method, method) == 0 || head)
            return (long)i;
    }
    return -1;
}

int router_slot(const char *method, const char *path)
{
    uint64_t ids[MAX_IDS];
    int path_known;
    return (int)find_route(method, path, ids, &path_known) + 1;
}

void router_dispatch(http_req *r)
{
    uint64_t ids[MAX_IDS];
    int path_known;
    long i = find_route(r->method, r->path, ids, &path_known);
    if (i < 0) {
        if (path_known)
            http_error(r, 405, "method_not_allowed", "This method is not allowed here.", NULL);
        else
            http_error(r, 404, "not_found", "No such resource.", NULL);
        return;
    }
    r->route = routes[i].pattern;
    r->route_id = ids[0];
    r->route_slot = (int)i + 1;
    unsigned flags = routes[i].flags;
    /* Before the session: another site's request is refused whoever it would sign in as. */
    if (cross_site_check(r, (flags & R_BODY_CSV) ? BODY_CSV : (flags & R_BODY_FILE) ? BODY_BYTES : BODY_JSON))
        return;
    if (!(flags & R_PUBLIC) && session_authenticate(r, (flags & R_SETUP_OK) ? SESSION_ALLOW_SETUP : 0))
        return;
    if ((flags & R_NO_BODY) && json_in_no_members(r))
        return;
    routes[i].fn(r, ids);
}
