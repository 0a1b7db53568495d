/* uk_time.c - UK civil time from UTC (see uk_time.h for the rule). */
#include "uk_time.h"

#include <stdio.h>
#include <time.h>

/* Day number (days since 1970-01-01) of the last Sunday of `month` (1-12) in `year`. */
static long last_sunday(int year, int month)
{
    char d[11];
    int next_month = month == 12 ? 1 : month + 1, next_year = month == 12 ? year + 1 : year;
    d[0] = (char)('0' + next_year / 1000);
    d[1] = (char)('0' + next_year / 100 % 10);
    d[2] = (char)('0' + next_year / 10 % 10);
    d[3] = (char)('0' + next_year % 10);
    d[4] = '-';
    d[5] = (char)('0' + next_month / 10);
    d[6] = (char)('0' + next_month % 10);
    d[7] = '-';
    d[8] = '0';
    d[9] = '1';
    d[10] = 0;
    long last = calendar_day(d) - 1;      /* last day of `month` */
    long weekday = ((last % 7) + 11) % 7; /* 1970-01-01 was a Thursday: 0 = Sunday */
    return last - weekday;
}

int uk_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    int year = tm.tm_year + 1900;
    int64_t start = (int64_t)last_sunday(year, 3) * 86400 + 3600;
    int64_t end = (int64_t)last_sunday(year, 10) * 86400 + 3600;
    return t >= start && t < end ? 3600 : 0;
}

void uk_date(int64_t t, char out[11])
{
    calendar_date((long)((t + uk_offset(t)) / 86400), out);
}

void uk_date_minus_days(int64_t t, int days, char out[11])
{
    calendar_date((long)((t + uk_offset(t)) / 86400) - days, out);
}

int64_t uk_next_working_time(const calendar *c, int64_t t)
{
    /* At most a few weeks ahead even over Christmas; the bound only guards a broken calendar. */
    for (int i = 0; i < 24 * 60; i++) {
        int64_t local = t + uk_offset(t);
        long day = (long)(local / 86400);
        int64_t sec = local % 86400;
        if (calendar_is_working_day(c, day)) {
            if (sec < UK_WORK_START_HOUR * 3600)
                return t + (UK_WORK_START_HOUR * 3600 - sec);
            if (sec < UK_WORK_END_HOUR * 3600)
                return t;
        }
        /* Jump to the next local midnight (the offset there is found on the next pass). */
        t += 86400 - sec;
    }
    return t;
}

int uk_date_of_iso(const char *iso, char out[11])
{
    struct tm tm = {0};
    if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                       &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    uk_date((int64_t)timegm(&tm), out);
    return 0;
}

int64_t uk_utc_of_local(int64_t local)
{
    /* The offset depends on the answer: take the offset an hour earlier, then correct once. */
    int64_t t = local - uk_offset(local - 3600);
    return local - uk_offset(t);
}
