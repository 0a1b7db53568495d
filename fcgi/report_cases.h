/*
 * report_cases.h - the admins' downloads over a council's (or every council's) cases: one row per
 * case, written while walking the case facts (fcgi/API.md "Reports"). Each returns 0 or a store
 * error; output errors stay in `out` (report_out_finish reports them).
 */
#ifndef CONNECT_REPORT_CASES_H
#define CONNECT_REPORT_CASES_H

#include "report.h"
#include "report_out.h"

/* Worksheets "Cases" (skipped when summary_only) and "By team and legislation". */
int report_finance(report_range *g, report_out *out, report_names *names, int summary_only);
int report_referrals(report_range *g, report_out *out, report_names *names);
int report_resolution(report_range *g, report_out *out, report_names *names);

#endif
