/*
 * case_input.h - validation of the case API's request bodies (fcgi/API.md, "Cases").
 *
 * Each function returns a new, normalised JSON object holding only known fields, or NULL after
 * answering the request with the error (400 for wrong JSON types or unknown fields, 422 with the
 * field's path, e.g. "principal.date_of_birth", for values that break a rule).
 */
#ifndef CONNECT_CASE_INPUT_H
#define CONNECT_CASE_INPUT_H

#include "case_enums.h"
#include "http.h"

extern const char *const case_legislation_values[]; /* case_enums.h has the others */

#define CASE_MAX_DEPENDANTS 30
#define CASE_MAX_PERSON_ID 255 /* person ids are one byte in the index keys */

/* today's UK date (Europe/London, store/uk_time.h) as YYYY-MM-DD into out[11] */
void case_today(const http_req *r, char out[11]);

/* A PERSON. `path` names it in errors ("principal", "dependants.0"). */
json_t *case_person_in(http_req *r, json_t *in, const char *path, int dependant);
/* The case details on create (all required ones) or edit (only those given): legislation,
 * household_type, address, la_involvement, team. Copies them into `out`. 0, or -1 after answering. */
int case_details_in(http_req *r, json_t *body, int create, json_t *out);
json_t *case_immigration_in(http_req *r, json_t *body);
json_t *case_finance_in(http_req *r, json_t *body);
json_t *case_closure_in(http_req *r, json_t *body);

#endif
