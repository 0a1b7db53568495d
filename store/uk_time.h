/*
 * uk_time.h - civil time in the UK (Europe/London), without depending on the host's zone files.
 *
 * Service levels count UK working days and email goes out in UK working hours, while every stored
 * time is UTC. The UK keeps GMT in winter and BST (UTC+1) from 01:00 UTC on the last Sunday of March
 * to 01:00 UTC on the last Sunday of October (the rule since 1996).
 */
#ifndef CONNECT_UK_TIME_H
#define CONNECT_UK_TIME_H

#include <stdint.h>

#include "calendar.h"

/* Seconds to add to UTC to get UK civil time at instant t (0 or 3600). */
int uk_offset(int64_t t);
/* The UK date at instant t, "YYYY-MM-DD". */
void uk_date(int64_t t, char out[11]);
/* The UK date of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ"; -1 (out untouched) when iso is not one. */
int uk_date_of_iso(const char *iso, char out[11]);
/* The UK date `days` calendar days before instant t's UK date. */
void uk_date_minus_days(int64_t t, int days, char out[11]);

/* The instant (UTC seconds) at which UK civil time reads `local` (seconds since 1970-01-01 00:00 as
 * if UK time were UTC). In the hour the clocks go back, the first (BST) instant. */
int64_t uk_utc_of_local(int64_t local);

#define UK_WORK_START_HOUR 8
#define UK_WORK_END_HOUR 18

/* The first instant >= t that lies in UK working hours (08:00-18:00 on a working day of the calendar). */
int64_t uk_next_working_time(const calendar *c, int64_t t);

#endif
