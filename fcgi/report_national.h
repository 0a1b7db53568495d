/*
 * report_national.h - the NRPF Network's annual report for a financial year (fcgi/API.md "National
 * report"): households supported, costs, quarter-end caseloads, referrals, time on support,
 * immigration status, closures and the Home Office's work, by practice area and by region and nation.
 *
 * One pass over the case facts and one over the SLA rows of the year, into fixed tallies (practice
 * areas × regions and nations), so memory does not grow with the number of cases; the councils'
 * places are read once per council.
 */
#ifndef CONNECT_REPORT_NATIONAL_H
#define CONNECT_REPORT_NATIONAL_H

#include <stdint.h>

#include "http.h"
#include "report_out.h"

typedef struct {
    int year;              /* the financial year from 1 April `year` */
    const char *region;    /* store_org_regions value, NULL: any */
    const char *nation;    /* store_org_nations value, NULL: any */
    int32_t today;         /* the UK date of the request */
} national_params;

/* The financial year's first and last days (1 April year, 31 March year + 1). */
void national_year_days(int year, int32_t *from, int32_t *to);
/* The days the report counts caseloads on: index 0 the day before the year (31 March year), then the
 * four quarter ends (30 June, 30 September, 31 December, 31 March). */
void national_quarter_ends(int year, int32_t out[5]);

/* The report as JSON (fcgi/API.md "National report"): a new object in *out, or a store code. */
int report_national(store *s, MDB_txn *txn, const national_params *p, json_t **out);

/* Writes the report's JSON as a download: xlsx with one sheet per section, or CSV with one row per
 * figure (section, breakdown, name, figure, value). The output's error (report_out_finish). */
int report_national_write(report_out *o, const json_t *report);

#endif
