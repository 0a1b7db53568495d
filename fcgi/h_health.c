/* h_health.c - GET /api/health: liveness for load balancers, no authentication, nothing else. */
#include "handlers.h"

void h_health(http_req *r, const uint64_t *ids)
{
    (void)ids;
    http_reply(r, 200, json_pack("{s:s,s:s}", "status", "ok", "version", CONNECT_VERSION));
}
