/* case_enums.c - the case enumerations (case_enums.h). */
#include "case_enums.h"

#include <string.h>

const char *const case_household_types[] = {"single_adult", "couple", "family", "lone_parent_family",
                                            "care_leaver", "looked_after_child", "other", NULL};
const char *const case_referral_sources[] = {"self_referral", "voluntary_sector", "legal_representative", "health",
                                             "police", "home_office", "another_council", "council_service", "other",
                                             NULL};
const char *const case_genders[] = {"female", "male", "other", "unknown", NULL};
const char *const case_relationships[] = {"spouse", "partner", "child", "stepchild", "other_relative", "other", NULL};
const char *const case_immigration_statuses[] = {
    "unknown", "no_current_permission", "asylum_claim_recorded", "asylum_claim_refused", "ltr_nrpf", "ltr_recourse",
    "pending_euss", "pre_settled_status", "settled_status", "appeal_rights_exhausted", "british_citizen", "other", NULL};
const char *const case_accommodation_types[] = {"none", "bed_and_breakfast", "hostel", "private_rented",
                                                "temporary", "supported", "other", NULL};
const char *const case_closure_reasons[] = {"leave_granted_recourse", "leave_granted_nrpf",
                                            "transferred_to_asylum_support", "left_area", "voluntary_return",
                                            "no_longer_eligible", "not_destitute", "died", "duplicate", "other", NULL};

const char *const case_practice_areas[PRACTICE_AREAS + 1] = {"adults_care_needs", "families", "care_leavers",
                                                             "not_recorded", NULL};

int case_practice_area(int legislation)
{
    switch (legislation) {
    case 1: return PRACTICE_ADULTS;     /* care_act_2014 */
    case 2: return PRACTICE_FAMILIES;   /* children_act_s17 */
    case 3:                             /* children_act_s20 */
    case 4:                             /* s23c */
    case 5:                             /* s24a */
    case 6: return PRACTICE_CARE_LEAVERS; /* s24b */
    default: return PRACTICE_NOT_RECORDED;
    }
}

int case_enum_code1(const char *const *list, const char *value)
{
    if (!value)
        return 0;
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], value) == 0)
            return i + 1;
    return 0;
}

const char *case_enum_value1(const char *const *list, int code)
{
    for (int i = 0; list[i]; i++)
        if (i + 1 == code)
            return list[i];
    return NULL;
}
