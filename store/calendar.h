/*
 * calendar.h - working days in a UK nation: Monday to Friday, less its bank holidays.
 *
 * Bank holidays come from a file in the format of GOV.UK's bank-holidays.json (one division is read:
 * "england-and-wales" unless another is asked for; `store/bank-holidays.json` ships 2018-2027). The calendar covers the
 * years from its first to its last bank holiday; a computation that needs a day after the last
 * covered year says so (`beyond`) instead of guessing, because bank holidays are not known that far
 * ahead. Dates are "YYYY-MM-DD" strings throughout.
 */
#ifndef CONNECT_CALENDAR_H
#define CONNECT_CALENDAR_H

#include <limits.h>
#include <stddef.h>

typedef struct {
    size_t n;
    long *holidays; /* day numbers (days since 1970-01-01), sorted, unique */
    int first_year, last_year;
} calendar;

/* The divisions of GOV.UK's file: each UK nation's bank holidays (England and Wales share one). */
typedef enum { CALENDAR_ENGLAND_AND_WALES, CALENDAR_SCOTLAND, CALENDAR_NORTHERN_IRELAND } calendar_division;
#define CALENDAR_DIVISIONS 3
extern const char *const calendar_divisions[CALENDAR_DIVISIONS]; /* the file's keys */

/* Parses GOV.UK bank-holidays.json text (its "england-and-wales" division). 0 on success; otherwise
 * -1 with a sentence in err. */
int calendar_parse(const char *json, size_t len, calendar *out, char *err, size_t errcap);
/* The same for one division. */
int calendar_parse_division(const char *json, size_t len, calendar_division division, calendar *out, char *err,
                            size_t errcap);
int calendar_load_file(const char *path, calendar *out, char *err, size_t errcap);
void calendar_free(calendar *c);

/* Day number of a YYYY-MM-DD date (-1 when it is not a real date) and back. */
long calendar_day(const char *date);
/* What calendar_day answers for a string that is not a real date (1800 or later). Days before
 * 1970 are negative numbers, so compare with this, never with 0. */
#define CALENDAR_NO_DAY LONG_MIN
void calendar_date(long day, char out[11]);

/* 1 for a working day, 0 for a weekend or bank holiday. */
int calendar_is_working_day(const calendar *c, long day);
/* The date n (>= 0) working days after `from`: the n-th working day after it (n = 0: `from` itself
 * when it is a working day, else the next one). *beyond is set when the answer lies after the last covered year. 0, or -1 when
 * `from` is not a date. */
int calendar_add_working_days(const calendar *c, const char *from, int n, char out[11], int *beyond);
/* Working days after `from` up to and including `to` (0 when to <= from); *beyond as above. */
long calendar_working_days_between(const calendar *c, const char *from, const char *to, int *beyond);

/* ---- the calendar in the store (meta key "calendar": the imported JSON text) ---- */

#include "store.h"

/* Validates and stores the JSON text as the calendar (inside a write transaction). */
int calendar_store_put(store *s, MDB_txn *txn, const char *json, size_t len, char *err, size_t errcap);
/* The stored calendar's JSON text, pointing into the transaction (valid until it ends). */
int calendar_store_raw(store *s, MDB_txn *txn, const void **data, size_t *len);
/* Loads the stored calendar; MDB_NOTFOUND when none was imported. */
int calendar_store_get(store *s, MDB_txn *txn, calendar *out, char *err, size_t errcap);

#endif
