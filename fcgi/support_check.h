/*
 * support_check.h - the daily check for stale cases: an open case whose support end date has passed
 * raises a support_ended alert to its council (fcgi/API.md "Closing and reopening").
 *
 * Run by the mail sender's clock loop, once per UK day: the day is recorded in the store's meta
 * ("support_check_day") in the same write transaction as the alerts, so a restart or a second sender
 * never runs it twice, and a day the sender was down is made up by the next run (every earlier end
 * date is still in the index).
 */
#ifndef CONNECT_SUPPORT_CHECK_H
#define CONNECT_SUPPORT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Runs the check unless it ran today; *ran says whether it did, *raised how many alerts it raised. */
int support_check_daily(store *s, int64_t now, size_t *raised, int *ran);

#endif
