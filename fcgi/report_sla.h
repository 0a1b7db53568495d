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
/* The NINo batches received and not yet answered as of now, for the Home Office's report over every
 * council: {"as_of","awaiting_results","due","overdue"}; json null for anyone else or a report
 * narrowed to one council. The downloads carry the same as their last row. */
int report_sla_nino_open(report_range *g, MDB_txn *txn, json_t **out);

#endif
