/*
 * report_sla.h - the SLA report: answered items by quarter, type and answering side, with the share
 * within the service level and the median and 90th percentile of working days (fcgi/API.md
 * "Reports").
 */
#ifndef CONNECT_REPORT_SLA_H
#define CONNECT_REPORT_SLA_H

#include "report.h"
#include "report_out.h"

/* Tallies the range; *json (when json is not NULL) gets the "rows" array, and out (when not NULL)
 * the worksheet "SLA". */
int report_sla(report_range *g, MDB_txn *txn, json_t **json, report_out *out);

#endif
