/* demo.h - the demo dataset: the Network, the Home Office, three councils and users of every role. */
#ifndef CONNECT_DEMO_H
#define CONNECT_DEMO_H

#include <stdio.h>

#include "store.h"

#define DEMO_PASSWORD "demo-password-2026"

/* Seeds the demo organisations and users (all with DEMO_PASSWORD). Refuses (STORE_EXISTS) when the
 * store already has organisations. Prints the sign-ins to `out` when non-NULL. */
int demo_seed(store *s, FILE *out);

#endif
