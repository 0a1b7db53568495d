/*
 * clock.h - the time a request sees.
 *
 * Normally the system clock. When connectd is started with CONNECT_TEST_CLOCK=FILE (the tests do,
 * production never does), FILE holds a number of seconds added to the system clock, re-read on every
 * request, so a test can move time forward (session lifetimes, temporary-password expiry, service
 * levels) without waiting. A file that holds no number (truncated by a writer about to write it)
 * stands for the last offset read, never for the real time; writers should still replace it whole.
 * connectd says so loudly at start-up. It lives in store/, the lowest layer
 * whose programs read it (connectd, its mail sender and connectctl's `outbox add`).
 */
#ifndef CONNECT_CLOCK_H
#define CONNECT_CLOCK_H

#include <stdint.h>

/* Reads CONNECT_TEST_CLOCK once; returns 1 when the test clock is in use. */
int clock_init(void);
/* Seconds since the epoch, as this request should see them. */
int64_t clock_now(void);
/* Milliseconds since the epoch, as this request should see them (the test offset is whole seconds). */
int64_t clock_now_ms(void);

#endif
