/* router.h - maps method + path to a handler, authenticating first unless the route is public. */
#ifndef CONNECT_ROUTER_H
#define CONNECT_ROUTER_H

#include <stddef.h>

#include "http.h"

/* The route table, for the metrics: how many routes, and route i's method and pattern. */
size_t router_route_count(void);
void router_route_at(size_t i, const char **method, const char **pattern);

/* The slot router_dispatch would give the request (1 + its row of the table; 0: no route), without
 * answering it (worker.c's scheduling looks at it first). */
int router_slot(const char *method, const char *path);

/* Answers the request: 404 for an unknown path, 405 for a known path with another method. */
void router_dispatch(http_req *r);

#endif
