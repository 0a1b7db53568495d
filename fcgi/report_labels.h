/*
 * report_labels.h - the words a report writes for the codes of a case (fcgi/API.md "Reports",
 * "Labels used in cells"). Each list is parallel to its enumeration: index = store code (status,
 * legislation: store_case.h codes, 0 none) or case_enums.h code (position + 1, 0 none).
 */
#ifndef CONNECT_REPORT_LABELS_H
#define CONNECT_REPORT_LABELS_H

extern const char *const label_status[];         /* by store code */
extern const char *const label_legislation[];    /* by store code */
extern const char *const label_household[];      /* by code1 */
extern const char *const label_accommodation[];  /* by code1 */
extern const char *const label_closure_reason[]; /* by code1 */
extern const char *const label_immigration[];    /* by code1 */
extern const char *const label_source[];         /* by code1 */

/* The label of code in a list of n labels; NULL (an empty cell) for 0 or out of range. */
const char *label_of(const char *const *labels, unsigned n, unsigned code);
#define LABEL(list, code) label_of(list, label_count_##list, (code))

extern const unsigned label_count_label_status, label_count_label_legislation, label_count_label_household,
    label_count_label_accommodation, label_count_label_closure_reason, label_count_label_immigration,
    label_count_label_source;

#endif
