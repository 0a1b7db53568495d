/* working_hours.c - clocks in working hours (working_hours.h). */
#include "working_hours.h"

#include "uk_time.h"

static int closed_day(const long *closed, size_t n, long day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (closed[mid] == day)
            return 1;
        if (closed[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int working_day_open(const calendar *c, const long *closed, size_t nclosed, long day)
{
    return calendar_is_working_day(c, day) && !closed_day(closed, nclosed, day);
}

int working_hours_add(const calendar *c, const long *closed, size_t nclosed, int64_t from, int hours, int64_t *due,
                      int *beyond)
{
    *beyond = 0;
    int64_t local = from + uk_offset(from);
    int64_t left = (int64_t)hours * 3600;
    long day = (long)(local / 86400);
    int64_t into = local % 86400; /* seconds of `day` already gone */
    for (int i = 0; i < 3660; i++, day++, into = 0) {
        char d[11];
        calendar_date(day, d);
        int year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        if (year > c->last_year)
            *beyond = 1;
        if (!working_day_open(c, closed, nclosed, day))
            continue;
        int64_t room = 86400 - into;
        if (left <= room) { /* a clock that ends at midnight ends with its last working day */
            *due = uk_utc_of_local((int64_t)day * 86400 + into + left);
            return 0;
        }
        left -= room;
    }
    return -1;
}
