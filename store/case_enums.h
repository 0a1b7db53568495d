/*
 * case_enums.h - the enumerations of a case record that the API validates and the reports count.
 *
 * Each list is NULL-terminated and in the API's order (fcgi/API.md "Cases"). The facts rows
 * (store_facts.h) store a value as its position + 1, with 0 for "none", so the order is part of the
 * stored format: append new values, never reorder. case_statuses and case_legislations live in
 * store_case.h (their code 0 is already "none").
 */
#ifndef CONNECT_CASE_ENUMS_H
#define CONNECT_CASE_ENUMS_H

extern const char *const case_household_types[];
extern const char *const case_referral_sources[];
extern const char *const case_genders[];
extern const char *const case_relationships[];
extern const char *const case_immigration_statuses[];
extern const char *const case_accommodation_types[];
extern const char *const case_closure_reasons[];

/* The NRPF Network's practice areas, derived from the support legislation (store_case.h code):
 * adults with care needs (Care Act 2014), families (s17 Children Act 1989), looked-after children
 * and care leavers (ss20, 23C, 24A, 24B); a case without legislation is "not_recorded". */
enum { PRACTICE_ADULTS, PRACTICE_FAMILIES, PRACTICE_CARE_LEAVERS, PRACTICE_NOT_RECORDED };
#define PRACTICE_AREAS 4
extern const char *const case_practice_areas[PRACTICE_AREAS + 1]; /* NULL-terminated, by PRACTICE_* */
int case_practice_area(int legislation);

/* Position + 1 of value in list, 0 when value is NULL or not in it. */
int case_enum_code1(const char *const *list, const char *value);
/* The value of a code from case_enum_code1 (NULL for 0 or out of range). */
const char *case_enum_value1(const char *const *list, int code);

#endif
