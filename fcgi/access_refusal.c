/* access_refusal.c - 404 / 403 answers that are audited (access_refusal.h). */
#include "access_refusal.h"

#include "audit_queue.h"

/* Only a signed-in caller can be refused a record (the router answers everyone else 401 first), and
 * only a refusal that is the answer counts. */
static void record(http_req *r, int status, const char *kind, uint64_t target)
{
    if (r->uid && !r->answered)
        audit_queue_refusal(r->now, r->uid, r->org_id, status, kind, r->method, r->route, target);
}

void access_not_found(http_req *r, const char *kind, uint64_t target, const char *message, const char *field)
{
    record(r, 404, kind, target);
    http_error(r, 404, "not_found", message, field);
}

void access_forbidden(http_req *r, const char *message, const char *field)
{
    record(r, 403, "role", r->route_id);
    http_error(r, 403, "forbidden", message, field);
}
