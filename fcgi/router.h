/* router.h - maps method + path to a handler, authenticating first unless the route is public. */
#ifndef CONNECT_ROUTER_H
#define CONNECT_ROUTER_H

#include <stddef.h>

#include "http.h"

/* The route table, for the metrics: how many routes, and route i's method and pattern. */
size_t router_route_count(void);
void router_route_at(size_t i, const char **method, const char **pattern);

/* Answers the request: 404 for an unknown path, 405 for a known path with another method. */
void router_dispatch(http_req *r);

#endif
