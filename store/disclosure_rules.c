/* disclosure_rules.c - grades, countersignature and review rules, request numbers (disclosure_rules.h). */
#include "disclosure_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const disclosure_grades[] = {
    "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS",
    "council_officer", "council_senior_officer", "council_team_manager", "council_service_manager",
    "council_head_of_service", "council_assistant_director", "council_director", NULL};

int disclosure_grade_rank(const char *grade)
{
    if (!grade)
        return 0;
    /* The civil-service grades come first in the table, the council titles after them in the same
     * order, so a code's rank is its position within its half. */
    for (int i = 0; disclosure_grades[i]; i++)
        if (strcmp(disclosure_grades[i], grade) == 0)
            return i % GRADE_RANK_SCS + 1;
    return 0;
}

const char *disclosure_countersign_refusal(uint64_t countersigner, uint64_t countersigner_org, const char *grade,
                                           int may_countersign, uint64_t requester, uint64_t requesting_org)
{
    if (countersigner_org != requesting_org)
        return "Only a line manager in the requesting organisation countersigns its requests.";
    if (countersigner == requester)
        return "The requester cannot countersign their own request.";
    if (!may_countersign)
        return "Your administrator has not marked you as able to countersign.";
    if (disclosure_grade_rank(grade) < GRADE_RANK_EO)
        return "A countersigner must be of Executive Officer grade or above.";
    return NULL;
}

int disclosure_may_review(const char *reviewer_grade, const char *decider_grade)
{
    return disclosure_grade_rank(reviewer_grade) > disclosure_grade_rank(decider_grade);
}

void disclosure_number(uint64_t id, char out[24])
{
    snprintf(out, 24, "DR-%llu", (unsigned long long)id);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

long disclosure_median_tenths(long *values, size_t n)
{
    if (!n)
        return -1;
    qsort(values, n, sizeof *values, cmp_long);
    if (n % 2)
        return values[n / 2] * 10;
    return (values[n / 2 - 1] + values[n / 2]) * 10 / 2;
}
