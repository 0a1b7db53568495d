/* report_out.c - CSV and xlsx report output (report_out.h). */
#include "report_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "calendar.h"
#include "store_facts.h"

#define EXCEL_EPOCH_1970 25569 /* the Excel serial of 1970-01-01 */

struct report_out {
    http_req *r;
    int xlsx, err, tables;
    /* CSV */
    int csv_on; /* writing the first table */
    int col;    /* cells written in the current row */
    /* xlsx */
    char path[4096];
    char filename[128];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *date, *money;
    const report_col *cols;
    int ncols;
    lxw_row_t row;
    char marking[96]; /* page header and footer text ("": none) */
    /* a terminated copy of a text cell (libxlsxwriter wants C strings) */
    char *scratch;
    size_t scratch_cap;
};

int report_text_is_formula(const char *s, size_t len)
{
    return len > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

static const char *tmp_dir(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

report_out *report_out_open(http_req *r, int xlsx, const char *filename)
{
    report_out *o = calloc(1, sizeof *o);
    if (!o) {
        http_error(r, 500, "internal", "Out of memory.", NULL);
        return NULL;
    }
    o->r = r;
    o->xlsx = xlsx;
    snprintf(o->filename, sizeof o->filename, "%s.%s", filename, xlsx ? "xlsx" : "csv");
    if (xlsx) {
        /* mkstemp makes the file 0600; libxlsxwriter's fopen("wb") keeps that mode. */
        int n = snprintf(o->path, sizeof o->path, "%s/connect-report-XXXXXX", tmp_dir());
        int fd = n > 0 && (size_t)n < sizeof o->path ? mkstemp(o->path) : -1;
        if (fd < 0) {
            free(o);
            http_error(r, 500, "internal", "The report could not be written.", NULL);
            return NULL;
        }
        close(fd);
        lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmp_dir(), .use_zip64 = LXW_TRUE};
        o->wb = workbook_new_opt(o->path, &opts);
        if (o->wb) {
            o->bold = workbook_add_format(o->wb);
            o->date = workbook_add_format(o->wb);
            o->money = workbook_add_format(o->wb);
        }
        if (!o->wb || !o->bold || !o->date || !o->money) {
            if (o->wb)
                workbook_close(o->wb);
            unlink(o->path);
            free(o);
            http_error(r, 500, "internal", "The report could not be written.", NULL);
            return NULL;
        }
        format_set_bold(o->bold);
        format_set_num_format(o->date, "dd/mm/yyyy");
        format_set_num_format(o->money, "\xc2\xa3#,##0.00");
    } else {
        http_header_add(r, "Content-Disposition: attachment; filename=\"%s\"", o->filename);
        http_stream_begin(r, 200, "text/csv; charset=utf-8");
        if (http_stream_write(r, "\xef\xbb\xbf", 3))
            o->err = EPIPE;
    }
    return o;
}

/* ---- CSV ---- */

static void csv_put(report_out *o, const char *s, size_t len)
{
    if (!o->err && http_stream_write(o->r, s, len))
        o->err = EPIPE;
}

static void csv_sep(report_out *o)
{
    if (o->col++ > 0)
        csv_put(o, ",", 1);
}

static void csv_field(report_out *o, const char *s, size_t len)
{
    csv_sep(o);
    int quote = report_text_is_formula(s, len);
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        csv_put(o, s, len);
        return;
    }
    csv_put(o, "\"", 1);
    if (report_text_is_formula(s, len))
        csv_put(o, "'", 1);
    size_t from = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '"') {
            csv_put(o, s + from, i + 1 - from);
            csv_put(o, "\"", 1);
            from = i + 1;
        }
    csv_put(o, s + from, len - from);
    csv_put(o, "\"", 1);
}

/* ---- xlsx ---- */

static void xlsx_check(report_out *o, lxw_error e)
{
    if (e != LXW_NO_ERROR && !o->err)
        o->err = EIO;
}

static const char *terminated(report_out *o, const char *s, size_t len, int prefix)
{
    size_t need = len + (size_t)prefix + 1;
    if (need > o->scratch_cap) {
        char *p = realloc(o->scratch, need);
        if (!p) {
            o->err = ENOMEM;
            return NULL;
        }
        o->scratch = p;
        o->scratch_cap = need;
    }
    if (prefix)
        o->scratch[0] = '\'';
    memcpy(o->scratch + prefix, s, len);
    o->scratch[prefix + len] = 0;
    return o->scratch;
}

/* ---- cells ---- */

static void text_cell(report_out *o, const char *s, size_t len, lxw_format *f);

int report_out_is_xlsx(const report_out *o) { return o->xlsx; }

static int active(report_out *o) { return !o->err && (o->xlsx ? o->ws != NULL : o->csv_on); }

void report_table_begin(report_out *o, const char *sheet, const report_col *cols, int ncols)
{
    if (o->err)
        return;
    o->tables++;
    o->cols = cols;
    o->ncols = ncols;
    o->row = 0;
    o->col = 0;
    if (o->xlsx) {
        o->ws = workbook_add_worksheet(o->wb, sheet);
        if (!o->ws) {
            o->err = EIO;
            return;
        }
        for (int i = 0; i < ncols; i++) {
            lxw_format *f = cols[i].type == REPORT_DATE ? o->date : cols[i].type == REPORT_MONEY ? o->money : NULL;
            xlsx_check(o, worksheet_set_column(o->ws, (lxw_col_t)i, (lxw_col_t)i, cols[i].width, f));
        }
        worksheet_freeze_panes(o->ws, 1, 0);
        if (o->marking[0]) {
            xlsx_check(o, worksheet_set_header(o->ws, o->marking));
            xlsx_check(o, worksheet_set_footer(o->ws, o->marking));
        }
    } else {
        o->csv_on = o->tables == 1;
    }
    if (!active(o))
        return;
    for (int i = 0; i < ncols; i++)
        text_cell(o, cols[i].name, strlen(cols[i].name), o->bold);
    report_row_end(o);
}

void report_marking(report_out *o, const char *marking)
{
    snprintf(o->marking, sizeof o->marking, "&C&\"Arial,Bold\"%s", marking);
}

/* One text cell, neutralised; format f (xlsx) may be NULL. */
static void text_cell(report_out *o, const char *s, size_t len, lxw_format *f)
{
    if (!o->xlsx) {
        csv_field(o, s, len);
        return;
    }
    if (len > 0) {
        const char *t = terminated(o, s, len, report_text_is_formula(s, len));
        if (t)
            xlsx_check(o, worksheet_write_string(o->ws, o->row, (lxw_col_t)o->col, t, f));
    }
    o->col++;
}

void report_text(report_out *o, const char *s, size_t len)
{
    if (active(o))
        text_cell(o, s, len, NULL);
}

void report_cstr(report_out *o, const char *s) { report_text(o, s ? s : "", s ? strlen(s) : 0); }

void report_empty(report_out *o) { report_text(o, "", 0); }

static void number(report_out *o, double v, lxw_format *f, const char *csv)
{
    if (!active(o))
        return;
    if (o->xlsx) {
        xlsx_check(o, worksheet_write_number(o->ws, o->row, (lxw_col_t)o->col, v, f));
        o->col++;
    } else {
        csv_sep(o);
        csv_put(o, csv, strlen(csv));
    }
}

void report_int(report_out *o, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    number(o, (double)v, NULL, buf);
}

void report_money(report_out *o, int64_t pence)
{
    char buf[32];
    int64_t a = pence < 0 ? -pence : pence;
    snprintf(buf, sizeof buf, "%s%lld.%02lld", pence < 0 ? "-" : "", (long long)(a / 100), (long long)(a % 100));
    number(o, (double)pence / 100.0, o->money, buf);
}

void report_decimal(report_out *o, double v, int places)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.*f", places, v);
    number(o, strtod(buf, NULL), NULL, buf);
}

void report_date(report_out *o, int32_t day)
{
    if (day == FACTS_NO_DAY) {
        report_empty(o);
        return;
    }
    char buf[11];
    calendar_date(day, buf);
    number(o, (double)day + EXCEL_EPOCH_1970, o->date, buf);
}

void report_row_end(report_out *o)
{
    if (!active(o))
        return;
    if (o->xlsx)
        o->row++;
    else
        csv_put(o, "\r\n", 2);
    o->col = 0;
}

void report_table_end(report_out *o)
{
    if (o->xlsx && o->ws && !o->err && o->ncols > 0)
        xlsx_check(o, worksheet_autofilter(o->ws, 0, 0, o->row > 0 ? o->row - 1 : 0, (lxw_col_t)(o->ncols - 1)));
    o->ws = NULL;
    o->csv_on = 0;
}

/* Streams the closed workbook file. */
static int send_file(report_out *o)
{
    int fd = open(o->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    /* Only now: an error answer must not be saved by the browser as the workbook. */
    http_header_add(o->r, "Content-Disposition: attachment; filename=\"%s\"", o->filename);
    http_stream_begin(o->r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    char buf[1 << 16];
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = errno;
            break;
        }
        if (n == 0 || http_stream_write(o->r, buf, (size_t)n)) {
            rc = n == 0 ? 0 : EPIPE;
            break;
        }
    }
    close(fd);
    return rc;
}

void report_out_fail(report_out *o, int err)
{
    if (!o->err)
        o->err = err ? err : EIO;
}

int report_out_error(const report_out *o) { return o->err; }

int report_out_finish(report_out *o)
{
    int err = o->err;
    if (o->xlsx) {
        lxw_error e = workbook_close(o->wb);
        if (!err && e != LXW_NO_ERROR)
            err = EIO;
        if (!err)
            err = send_file(o);
        else
            http_error(o->r, 500, "internal", "The report could not be written.", NULL);
        unlink(o->path);
    } else if (err) {
        http_stream_abort(o->r);
    }
    free(o->scratch);
    free(o);
    return err;
}
