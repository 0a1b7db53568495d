/*
 * report_out.h - a report's tables written as CSV or as an .xlsx workbook, row by row.
 *
 * The caller opens the output, then for each table: report_table_begin(), cells left to right with
 * report_text() / report_int() / report_money() / report_date() / report_decimal() / report_empty(),
 * report_row_end() after each row, report_table_end(); then report_out_finish().
 *
 * Memory stays the same whatever the number of rows:
 *  - CSV (RFC 4180, UTF-8 with a byte order mark, CRLF) goes straight to the FastCGI stream; the
 *    response head is sent by report_out_open(), so every check that can refuse the request must
 *    come before it. Only one table goes into a CSV (the first; later ones are ignored).
 *  - xlsx is written by libxlsxwriter in constant_memory mode (each row is flushed to a temporary file
 *    as the next begins) into a 0600 temporary file, which report_out_finish() streams out and
 *    removes. Header rows are bold and frozen, with an autofilter over the table and set widths;
 *    dates are date serials formatted dd/mm/yyyy, money numbers in pounds formatted £#,##0.00.
 *
 * Text cells that a spreadsheet would take for a formula (starting with = + - @ tab or CR) get a
 * leading apostrophe in both formats (CWE-1236). Numbers and dates are never text.
 * Errors are sticky: after the first failure every call does nothing, and report_out_finish()
 * returns it. A failed xlsx is answered 500 (nothing had been sent); a failed CSV, whose head and
 * first rows have gone, is cut off (http_stream_abort) so that it never looks complete.
 */
#ifndef CONNECT_REPORT_OUT_H
#define CONNECT_REPORT_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

typedef enum { REPORT_TEXT, REPORT_INT, REPORT_MONEY, REPORT_DATE, REPORT_DECIMAL } report_type;

typedef struct {
    const char *name;
    report_type type;
    double width; /* xlsx column width in characters */
} report_col;

typedef struct report_out report_out;

/* Opens the output for a download named `filename` (without extension; ".csv"/".xlsx" is added).
 * NULL after answering 500. */
report_out *report_out_open(http_req *r, int xlsx, const char *filename);

/* A protective marking ("OFFICIAL-SENSITIVE") for the page header and footer of every later
 * worksheet (xlsx; a CSV has no header to carry it, so its file name must). */
void report_marking(report_out *o, const char *marking);
/* Starts a table (an xlsx worksheet named `sheet`) and writes its header row. */
void report_table_begin(report_out *o, const char *sheet, const report_col *cols, int ncols);
void report_text(report_out *o, const char *s, size_t len);
void report_cstr(report_out *o, const char *s); /* NULL: empty */
void report_int(report_out *o, int64_t v);
void report_money(report_out *o, int64_t pence);
void report_date(report_out *o, int32_t day); /* FACTS_NO_DAY: empty */
void report_decimal(report_out *o, double v, int places);
void report_empty(report_out *o);
void report_row_end(report_out *o);
void report_table_end(report_out *o);

/* Records a failure of the caller's (a store error while walking rows): the output is then
 * abandoned as above. err: any non-zero code. */
void report_out_fail(report_out *o, int err);
/* The first failure so far (0: none), e.g. the client has gone: walks stop early on it. */
int report_out_error(const report_out *o);

/* Sends the workbook (xlsx) or ends the CSV, and frees o. 0 or the first error: a positive errno
 * value for output failures, else the code given to report_out_fail. */
int report_out_finish(report_out *o);

/* 1 when o writes an xlsx workbook, 0 for CSV. */
int report_out_is_xlsx(const report_out *o);

/* 1 when a text value would start a formula (the neutralising rule). */
int report_text_is_formula(const char *s, size_t len);

#endif
