/*
 * nino.h - National Insurance numbers: the shape HMRC allocates.
 *
 * A NINo is two prefix letters, six digits and a suffix letter A, B, C or D ("QQ 12 34 56 C").
 * Neither prefix letter is D, F, I, Q, U or V; the second is not O either; and the prefixes BG, GB,
 * KN, NK, NT, TN and ZZ are never issued (HMRC's NIM39110). Input may carry spaces and lower case;
 * the stored form is upper case without spaces.
 */
#ifndef CONNECT_NINO_H
#define CONNECT_NINO_H

#include <stddef.h>

#define NINO_LEN 9 /* the normalised form, without its terminating NUL */

/* Checks `in` (len bytes, not NUL-terminated) and writes its normalised form into out. Returns 0, or
 * -1 with *why a sentence saying what is wrong (for the `message` of a refused row). */
int nino_normalise(const char *in, size_t len, char out[NINO_LEN + 1], const char **why);

#endif
