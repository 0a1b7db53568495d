/* router.h - maps method + path to a handler, authenticating first unless the route is public. */
#ifndef CONNECT_ROUTER_H
#define CONNECT_ROUTER_H

#include "http.h"

/* Answers the request: 404 for an unknown path, 405 for a known path with another method. */
void router_dispatch(http_req *r);

#endif
