/*
 * disclosure_rules.h - the pure rules of the DWP–Home Office disclosure agreement: grades and their
 * order, who may countersign and who may review, the request number, and the median of the
 * monitoring report. No store, no clock: everything here is unit-tested on its own
 * (tests/unit/test_disclosure_rules.c).
 *
 * Grades. Civil-service grades, lowest first: AO, EO, HEO, SEO, G7, G6, SCS. Councils use their own
 * titles, each ranked with the civil-service grade it corresponds to for this agreement:
 * council_officer (AO), council_senior_officer (EO), council_team_manager (HEO),
 * council_service_manager (SEO), council_head_of_service (G7), council_assistant_director (G6),
 * council_director (SCS). A user without a grade has rank 0, below every grade.
 */
#ifndef CONNECT_DISCLOSURE_RULES_H
#define CONNECT_DISCLOSURE_RULES_H

#include <stddef.h>
#include <stdint.h>

#define GRADE_RANK_AO 1
#define GRADE_RANK_EO 2
#define GRADE_RANK_SCS 7

/* Every grade code, NULL-terminated (the validation table of a user's "grade"). */
extern const char *const disclosure_grades[];

/* The rank of a grade code (1 AO … 7 SCS), 0 for NULL or a code that is not a grade. */
int disclosure_grade_rank(const char *grade);

/* The agreement's countersignature rule: the countersigner is in the requesting organisation, is
 * marked "may countersign" by their admin, is of EO grade or above, and is not the requester.
 * Returns NULL when they may, else the sentence that says why not. */
const char *disclosure_countersign_refusal(uint64_t countersigner, uint64_t countersigner_org, const char *grade,
                                           int may_countersign, uint64_t requester, uint64_t requesting_org);

/* A review is decided by an officer of higher grade than the one who made the decision reviewed:
 * 1 when reviewer_grade ranks above decider_grade. */
int disclosure_may_review(const char *reviewer_grade, const char *decider_grade);

/* The request number people and emails use: "DR-" and the id ("DR-42"). out holds 24 bytes. */
void disclosure_number(uint64_t id, char out[24]);

/* The median of n values (sorted in place), to one decimal place as tenths: the middle value, or
 * the mean of the two middle values (e.g. 3 and 4 give 35 tenths). -1 when n is 0. */
long disclosure_median_tenths(long *values, size_t n);

#endif
