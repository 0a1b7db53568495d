/* calendar.c - working days over GOV.UK bank holidays. */
#include "calendar.h"
#include "store_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from civil date (Howard Hinnant's algorithm), proleptic Gregorian. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

long calendar_day(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return CALENDAR_NO_DAY;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return CALENDAR_NO_DAY;
    long y = atol(s);
    unsigned m = (unsigned)atoi(s + 5), d = (unsigned)atoi(s + 8);
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1800 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
        return CALENDAR_NO_DAY;
    return days_from_civil(y, m, d);
}

/* Year, month and day of a day number (Howard Hinnant's civil_from_days). */
static void civil_from_days(long z, long *year, unsigned *month, unsigned *day)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (*month <= 2);
}

void calendar_date(long z, char out[11])
{
    long y;
    unsigned m, d;
    civil_from_days(z, &y, &m, &d);
    char buf[48];
    snprintf(buf, sizeof buf, "%04ld-%02u-%02u", y, m, d);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

const char *const calendar_divisions[CALENDAR_DIVISIONS] = {"england-and-wales", "scotland", "northern-ireland"};

int calendar_parse(const char *text, size_t len, calendar *out, char *err, size_t errcap)
{
    return calendar_parse_division(text, len, CALENDAR_ENGLAND_AND_WALES, out, err, errcap);
}

int calendar_parse_division(const char *text, size_t len, calendar_division division, calendar *out, char *err,
                            size_t errcap)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)division >= CALENDAR_DIVISIONS) {
        snprintf(err, errcap, "no such division");
        return -1;
    }
    const char *name = calendar_divisions[division];
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    json_t *events = json_object_get(json_object_get(root, name), "events");
    if (!root || !json_is_array(events) || json_array_size(events) == 0) {
        snprintf(err, errcap, "not a bank-holidays file: no \"%s\" events%s%s", name, root ? "" : ": ",
                 root ? "" : jerr.text);
        json_decref(root);
        return -1;
    }
    out->holidays = calloc(json_array_size(events), sizeof *out->holidays);
    if (!out->holidays) {
        json_decref(root);
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        const char *date = json_string_value(json_object_get(ev, "date"));
        long day = calendar_day(date);
        if (day == CALENDAR_NO_DAY) {
            snprintf(err, errcap, "event %zu: \"%.20s\" is not a date (YYYY-MM-DD)", i + 1, date ? date : "");
            json_decref(root);
            calendar_free(out);
            return -1;
        }
        out->holidays[out->n++] = day;
    }
    json_decref(root);
    qsort(out->holidays, out->n, sizeof *out->holidays, cmp_long);
    size_t u = 0;
    for (size_t j = 0; j < out->n; j++)
        if (u == 0 || out->holidays[u - 1] != out->holidays[j])
            out->holidays[u++] = out->holidays[j];
    out->n = u;
    char d[11];
    calendar_date(out->holidays[0], d);
    out->first_year = atoi(d);
    calendar_date(out->holidays[out->n - 1], d);
    out->last_year = atoi(d);
    return 0;
}

int calendar_load_file(const char *path, calendar *out, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errcap, "cannot open %s", path);
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            char *g = realloc(buf, cap = cap ? cap * 2 : 131072);
            if (!g || cap > (16u << 20)) {
                free(g ? g : buf);
                fclose(f);
                snprintf(err, errcap, "%s is too large", path);
                return -1;
            }
            buf = g;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    int rc = calendar_parse(buf, len, out, err, errcap);
    free(buf);
    return rc;
}

void calendar_free(calendar *c)
{
    free(c->holidays);
    memset(c, 0, sizeof *c);
}

static int is_holiday(const calendar *c, long day)
{
    return bsearch(&day, c->holidays, c->n, sizeof *c->holidays, cmp_long) != NULL;
}

/* 1970-01-01 was a Thursday: day % 7 == 2 is Saturday, 3 is Sunday. */
static int is_weekend(long day)
{
    long w = ((day % 7) + 7) % 7;
    return w == 2 || w == 3;
}

static int covered(const calendar *c, long day)
{
    long y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    return y >= c->first_year && y <= c->last_year;
}

int calendar_is_working_day(const calendar *c, long day)
{
    return !is_weekend(day) && !is_holiday(c, day);
}

int calendar_add_working_days(const calendar *c, const char *from, int n, char out[11], int *beyond)
{
    long day = calendar_day(from);
    *beyond = 0;
    if (day == CALENDAR_NO_DAY || n < 0)
        return -1;
    /* n = 0 is the day itself or the next working day; otherwise counting starts the day after
     * `from`, whatever kind of day `from` is (an item raised on a Saturday is due as if raised on
     * the Friday: its first working day is the Monday). */
    while (n == 0 && !calendar_is_working_day(c, day))
        day++;
    for (int i = 0; i < n; i++) {
        day++;
        while (!calendar_is_working_day(c, day))
            day++;
    }
    *beyond = !covered(c, day);
    calendar_date(day, out);
    return 0;
}

long calendar_working_days_between(const calendar *c, const char *from, const char *to, int *beyond)
{
    long a = calendar_day(from), b = calendar_day(to);
    *beyond = 0;
    if (a == CALENDAR_NO_DAY || b == CALENDAR_NO_DAY || b <= a)
        return 0;
    /* Overdue lists ask this for every row, over spans of months: whole weeks are counted at once
     * (five working days each, bar holidays), the days left over one by one, and then the holidays
     * in the span that fall on a weekday are taken off, found by binary search. */
    long whole = (b - a) / 7, n = whole * 5;
    for (long d = a + 1 + whole * 7; d <= b; d++)
        n += !is_weekend(d);
    size_t lo = 0, hi = c->n; /* the first holiday on or after a + 1 */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->holidays[mid] < a + 1)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < c->n && c->holidays[i] <= b; i++)
        n -= !is_weekend(c->holidays[i]);
    *beyond = !covered(c, b);
    return n;
}

#define CALENDAR_KEY "calendar"

int calendar_store_put(store *s, MDB_txn *txn, const char *json, size_t len, char *err, size_t errcap)
{
    calendar c;
    if (calendar_parse(json, len, &c, err, errcap))
        return STORE_CORRUPT;
    calendar_free(&c);
    MDB_val k = {strlen(CALENDAR_KEY), CALENDAR_KEY}, v = {len, (void *)json};
    return mdb_put(txn, store_dbi(s, DB_META), &k, &v, 0);
}

int calendar_store_get(store *s, MDB_txn *txn, calendar *out, char *err, size_t errcap)
{
    MDB_val k = {strlen(CALENDAR_KEY), CALENDAR_KEY}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    if (rc)
        return rc;
    return calendar_parse(v.mv_data, v.mv_size, out, err, errcap) ? STORE_CORRUPT : 0;
}

int calendar_store_raw(store *s, MDB_txn *txn, const void **data, size_t *len)
{
    MDB_val k = {strlen(CALENDAR_KEY), CALENDAR_KEY}, v;
    int rc = mdb_get(txn, store_dbi(s, DB_META), &k, &v);
    if (rc)
        return rc;
    *data = v.mv_data;
    *len = v.mv_size;
    return 0;
}
