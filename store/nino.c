/* nino.c - the NINo validator (nino.h). */
#include "nino.h"

#include <string.h>

static int upper(char c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

/* Why: HMRC never issues these, so a result naming one is a typing slip, not a NINo. */
static int prefix_refused(char a, char b)
{
    static const char *const never[] = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ", NULL};
    if (strchr("DFIQUV", a) || strchr("DFIOQUV", b))
        return 1;
    for (int i = 0; never[i]; i++)
        if (never[i][0] == a && never[i][1] == b)
            return 1;
    return 0;
}

int nino_normalise(const char *in, size_t len, char out[NINO_LEN + 1], const char **why)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == ' ')
            continue;
        if (n == NINO_LEN) {
            *why = "A National Insurance number has 9 characters: two letters, six digits and a letter A to D.";
            return -1;
        }
        out[n++] = (char)upper(in[i]);
    }
    out[n] = 0;
    if (n != NINO_LEN) {
        *why = "A National Insurance number has 9 characters: two letters, six digits and a letter A to D.";
        return -1;
    }
    if (out[0] < 'A' || out[0] > 'Z' || out[1] < 'A' || out[1] > 'Z') {
        *why = "A National Insurance number starts with two letters.";
        return -1;
    }
    for (int i = 2; i < 8; i++)
        if (out[i] < '0' || out[i] > '9') {
            *why = "A National Insurance number has six digits after its two letters.";
            return -1;
        }
    if (out[8] < 'A' || out[8] > 'D') {
        *why = "A National Insurance number ends with the letter A, B, C or D.";
        return -1;
    }
    if (prefix_refused(out[0], out[1])) {
        *why = "HMRC never issues National Insurance numbers with this prefix.";
        return -1;
    }
    return 0;
}
