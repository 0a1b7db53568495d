/* report_labels.c - words for the codes of a case in reports (report_labels.h). */
#include "report_labels.h"

#include <stddef.h>

#define COUNT(list) const unsigned label_count_##list = sizeof list / sizeof list[0]

const char *const label_status[] = {NULL, "Open referral", "Open supported", "Closed"};
const char *const label_legislation[] = {NULL,
                                         "Care Act 2014 Part 1",
                                         "Children Act 1989 s17",
                                         "Children Act 1989 s20",
                                         "Children Act 1989 s23C",
                                         "Children Act 1989 s24A",
                                         "Children Act 1989 s24B"};
const char *const label_household[] = {NULL,          "Single adult", "Couple", "Family", "Lone parent family",
                                       "Care leaver", "Looked-after child", "Other"};
const char *const label_accommodation[] = {NULL,     "None",      "Bed and breakfast", "Hostel", "Private rented",
                                           "Temporary", "Supported", "Other"};
const char *const label_closure_reason[] = {NULL,
                                            "Leave granted with recourse",
                                            "Leave granted with NRPF condition",
                                            "Transferred to HO asylum support",
                                            "Left the area",
                                            "Voluntary return",
                                            "No longer eligible",
                                            "Assessed as not destitute",
                                            "Died",
                                            "Duplicate",
                                            "Other"};
const char *const label_immigration[] = {NULL,
                                         "Unknown",
                                         "No current permission",
                                         "Asylum claim recorded",
                                         "Asylum claim refused",
                                         "LTR with NRPF condition",
                                         "LTR with recourse",
                                         "Pending EU Settlement Scheme application",
                                         "Pre-settled status",
                                         "Settled status",
                                         "Appeal rights exhausted",
                                         "British citizen",
                                         "Other"};
const char *const label_source[] = {NULL,     "Self-referral", "Voluntary sector", "Legal representative",
                                    "Health service", "Police",  "Home Office", "Another council",
                                    "Council service", "Other"};

COUNT(label_status);
COUNT(label_legislation);
COUNT(label_household);
COUNT(label_accommodation);
COUNT(label_closure_reason);
COUNT(label_immigration);
COUNT(label_source);

const char *label_of(const char *const *labels, unsigned n, unsigned code) { return code < n ? labels[code] : NULL; }
