/*
 * nino_results.h - reading a NINo results file (the partner's upload): CSV, or an .xlsx workbook
 * (its first worksheet), told apart by the bytes ("PK\3\4" starts a workbook).
 *
 * The first row names the columns, matched without regard to case, spaces or underscores:
 * connect_id ("Connect ID"), person, outcome, nino ("NINo"), reason; other columns (the batch file's
 * own: names, dates) are ignored, so DWP may fill in the downloaded file and send it back. Each later
 * row is one person's result: outcome traced or allocated with a valid NINo (nino.h), or unconfirmed
 * with a reason (1-500 characters) and no NINo. Blank rows are skipped.
 *
 * Parsing checks the file alone; whether each person is in the batch is the caller's check.
 */
#ifndef CONNECT_NINO_RESULTS_H
#define CONNECT_NINO_RESULTS_H

#include <jansson.h>
#include <stddef.h>

#define NINO_RESULTS_MAX_ROWS 5000
#define NINO_RESULTS_MAX_ERRORS 100
#define NINO_RESULTS_MAX_BYTES (4u << 20)
#define NINO_REASON_MAX 500

/* Parses the file. Returns 0 with *rows = [{"line","case_id","person","outcome","nino"?,"reason"?}];
 * or 1 with *errors = [{"line","field","message"}] (the first error of each bad row, at most
 * NINO_RESULTS_MAX_ERRORS; line 1 is the header row; field null for the file as a whole); or -1
 * when out of memory. */
int nino_results_parse(const char *data, size_t len, json_t **rows, json_t **errors);

#endif
