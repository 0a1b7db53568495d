/*
 * fuzz.h - what the libFuzzer harnesses in tests/fuzz/ share: a check that stops the run with the
 * broken invariant named (abort, so libFuzzer keeps the input as a crash), and a strict UTF-8 test.
 *
 * Each harness defines LLVMFuzzerTestOneInput (and at most LLVMFuzzerInitialize); `make fuzz` builds
 * them with clang -fsanitize=fuzzer,address,undefined and runs them over tests/fuzz/corpus/NAME/.
 */
#ifndef CONNECT_FUZZ_H
#define CONNECT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* For a harness's own reference code: not traced for coverage, so the fuzzer neither chases its
 * branches nor slows down on them. */
#define FUZZ_REFERENCE __attribute__((no_sanitize("coverage")))

/* An invariant: when it does not hold, say which and where, and abort. Never compiled out. */
#define FUZZ_CHECK(cond)                                                                                      \
    do {                                                                                                      \
        if (!(cond)) {                                                                                        \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);                      \
            abort();                                                                                          \
        }                                                                                                     \
    } while (0)

/* 1 when [s, s+n) is UTF-8 as jansson accepts it: shortest forms only, no surrogates, at most U+10FFFF. */
FUZZ_REFERENCE static inline int fuzz_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t extra;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i <= extra)
            return 0;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += extra + 1;
    }
    return 1;
}

#endif
