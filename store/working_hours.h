/*
 * working_hours.h - clocks counted in working hours: whole UK days, less weekends, bank holidays (the
 * calendar) and an organisation's office closure days.
 *
 * The NINo agreement gives DWP "48 hours from receipt, counting working days only": every hour of a
 * working day counts (midnight to midnight, UK civil time), no hour of another day does. So a batch
 * received at 15:00 on a Friday before a bank-holiday Monday is due at 15:00 on the Wednesday, and
 * one received on a Saturday is due at 00:00 on the Wednesday (Monday and Tuesday counted whole).
 */
#ifndef CONNECT_WORKING_HOURS_H
#define CONNECT_WORKING_HOURS_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

/* 1 when day (calendar_day numbering) is a working day of the calendar and not one of closed[0..n)
 * (sorted ascending). */
int working_day_open(const calendar *c, const long *closed, size_t nclosed, long day);

/* The instant `hours` (>= 0) working hours after instant `from` (seconds since the epoch), into *due.
 * *beyond is set when a day after the calendar's last covered year was counted (its bank holidays
 * are not known, so the answer may be early). 0, or -1 when no answer lies within ten years. */
int working_hours_add(const calendar *c, const long *closed, size_t nclosed, int64_t from, int hours, int64_t *due,
                      int *beyond);

#endif
