/*
 * fuzz_nino_results.c - the NINo results reader (fcgi/nino_results.c: CSV, or an xlsx workbook read
 * with libzip and a small XML scanner) and the NINo validator (store/nino.c) on any bytes.
 *
 * Invariants, besides no crash, leak or read outside the input:
 *   - the answer is 0, 1 or -1; with 0 there are rows and no errors, with 1 errors and the rows are
 *     not to be used; at most NINO_RESULTS_MAX_ERRORS errors, each {"line" >= 1,"field","message"};
 *   - every row has a case id, a person from 1 to 1000 and an outcome; a traced or allocated row
 *     has a NINo that the validator accepts again unchanged, an unconfirmed one a reason of valid
 *     UTF-8 and no NINo; no two rows name the same person;
 *   - the validator, given the input's first line, either refuses it with a message or answers
 *     9 characters that it accepts again unchanged.
 * Inputs starting with "PK" go down the workbook path (zip archives in the seed corpus).
 */
#include <string.h>

#include "fuzz.h"
#include "nino.h"
#include "nino_results.h"

static void check_validator(const uint8_t *data, size_t size)
{
    size_t n = 0;
    while (n < size && n < 64 && data[n] != '\n')
        n++;
    char out[NINO_LEN + 1], again[NINO_LEN + 1];
    const char *why = NULL;
    if (nino_normalise((const char *)data, n, out, &why)) {
        FUZZ_CHECK(why != NULL && *why);
        return;
    }
    FUZZ_CHECK(strlen(out) == NINO_LEN);
    FUZZ_CHECK(nino_normalise(out, NINO_LEN, again, &why) == 0 && strcmp(out, again) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_validator(data, size);
    if (size > NINO_RESULTS_MAX_BYTES)
        return 0;
    json_t *rows = NULL, *errors = NULL;
    int rc = nino_results_parse((const char *)data, size, &rows, &errors);
    FUZZ_CHECK(rc == 0 || rc == 1 || rc == -1);
    if (rc < 0) {
        FUZZ_CHECK(rows == NULL && errors == NULL);
        return 0;
    }
    FUZZ_CHECK(json_is_array(rows) && json_is_array(errors));
    FUZZ_CHECK(rc == 1 ? json_array_size(errors) > 0 : json_array_size(errors) == 0);
    FUZZ_CHECK(json_array_size(errors) <= NINO_RESULTS_MAX_ERRORS);
    size_t i, j;
    json_t *e, *r, *s;
    json_array_foreach(errors, i, e) {
        FUZZ_CHECK(json_integer_value(json_object_get(e, "line")) >= 1);
        FUZZ_CHECK(json_is_string(json_object_get(e, "message")));
        FUZZ_CHECK(json_is_string(json_object_get(e, "field")) || json_is_null(json_object_get(e, "field")));
    }
    if (rc == 0) {
        FUZZ_CHECK(json_array_size(rows) > 0);
        json_array_foreach(rows, i, r) {
            json_int_t person = json_integer_value(json_object_get(r, "person"));
            FUZZ_CHECK(json_integer_value(json_object_get(r, "case_id")) >= 1);
            FUZZ_CHECK(person >= 1 && person <= 1000);
            const char *outcome = json_string_value(json_object_get(r, "outcome"));
            FUZZ_CHECK(outcome != NULL);
            const char *nino = json_string_value(json_object_get(r, "nino"));
            if (strcmp(outcome, "unconfirmed") == 0) {
                const char *reason = json_string_value(json_object_get(r, "reason"));
                FUZZ_CHECK(reason && *reason && !nino);
                FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)reason, strlen(reason)));
            } else {
                FUZZ_CHECK(strcmp(outcome, "traced") == 0 || strcmp(outcome, "allocated") == 0);
                char again[NINO_LEN + 1];
                const char *why;
                FUZZ_CHECK(nino && nino_normalise(nino, strlen(nino), again, &why) == 0 && strcmp(again, nino) == 0);
            }
            json_array_foreach(rows, j, s) if (j < i) FUZZ_CHECK(
                !(json_integer_value(json_object_get(s, "case_id")) == json_integer_value(json_object_get(r, "case_id")) &&
                  json_integer_value(json_object_get(s, "person")) == person));
        }
    }
    json_decref(rows);
    json_decref(errors);
    return 0;
}
